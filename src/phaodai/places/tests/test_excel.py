"""Exporting administrative units and agencies to Excel: in-scope rows only, the list's filters honoured."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from phaodai.places.models import AdminUnit, Level
from phaodai.testing import NINH_KIEU, TAN_AN

AGENCIES = reverse("places:agency_export")
UNITS = reverse("places:adminunit_export")


@pytest.fixture(autouse=True)
def in_english(client, settings):
    """These tests read English messages: the user picked English with the language switch (its cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def rows_of(response) -> tuple[list, list[tuple]]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Disposition"].startswith("attachment;")
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [c.value for c in ws[1]]
    return header, list(ws.iter_rows(min_row=2, values_only=True))


def test_a_commune_user_exports_only_the_communes_agencies(world, client_for):
    header, rows = rows_of(client_for(world.users["tan_an"]).get(AGENCIES))
    names = {r[header.index("Name")] for r in rows}
    assert names == {"Ủy ban nhân dân Phường Tân An", "Trạm Y tế Phường Tân An"}


def test_the_agency_export_honours_the_filters(world, client_for):
    client = client_for(world.users["home_affairs"])
    header, rows = rows_of(client.get(AGENCIES, {"kind": "commune_committee"}))
    assert {r[header.index("Name")] for r in rows} == {
        "Ủy ban nhân dân Phường Tân An",
        "Ủy ban nhân dân Phường An Hòa",
        "Ủy ban nhân dân Phường Trà Nóc",
    }
    header, rows = rows_of(client.get(AGENCIES, {"q": "tram y te"}))
    [row] = rows
    assert row[header.index("Name")] == "Trạm Y tế Phường Tân An"
    assert row[header.index("Parent agency")] == "Sở Y tế"
    assert (row[header.index("Headcount (biên chế)")], row[header.index("Minimum in office")]) == (8, 3)


def test_the_unit_export_holds_only_visible_units_and_honours_the_level_filter(world, client_for):
    client = client_for(world.users["ninh_kieu"])
    header, rows = rows_of(client.get(UNITS))
    codes = {r[header.index("Code")] for r in rows}
    in_district = set(AdminUnit.objects.filter(path__startswith="/92/916/").values_list("code", flat=True))
    assert codes == in_district | {"92"}  # its own subtree, and the city above it as context
    assert "918" not in codes and "31171" not in codes  # Bình Thuỷ and Trà Nóc are not Ninh Kiều's
    header, rows = rows_of(client.get(UNITS, {"level": Level.COMMUNE}))
    assert {r[header.index("Code")] for r in rows} == in_district - {NINH_KIEU}
    assert all(isinstance(r[header.index("Code")], str) for r in rows)  # codes as text: "00001" keeps its zeros


def test_a_units_row_names_its_parent(world, client_for):
    header, rows = rows_of(client_for(world.users["tan_an"]).get(UNITS, {"q": "tan an"}))
    [row] = [r for r in rows if r[header.index("Code")] == TAN_AN]
    assert row[header.index("Parent")] == "Quận Ninh Kiều" and row[header.index("Parent code")] == NINH_KIEU


def test_the_exports_need_their_view_permission(world, client_for, monkeypatch):
    from phaodai.accounts import roles

    # every real role may view units and agencies: take the right away from one to see the check work
    monkeypatch.setitem(roles.PERMISSIONS, roles.Role.TEAM_MEMBER, frozenset({"unit.view"}))
    client = client_for(world.users["team_member"])
    assert client.get(AGENCIES).status_code == 403
    assert client.get(UNITS).status_code == 200
    monkeypatch.setitem(roles.PERMISSIONS, roles.Role.TEAM_MEMBER, frozenset({"agency.view"}))
    assert client.get(UNITS).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(AGENCIES)
    assert response.status_code == 302 and "login" in response["Location"]

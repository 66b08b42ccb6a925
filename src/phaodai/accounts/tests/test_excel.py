"""Exporting user accounts to Excel: only for roles with user.view, only visible accounts, never passwords."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

USERS = reverse("accounts:user_export")


@pytest.fixture(autouse=True)
def in_english(client, settings):
    """These tests read English messages: the user picked English with the language switch (its cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_the_user_export_lists_accounts_with_their_role_and_jurisdiction_but_no_password(world, client_for):
    response = client_for(world.users["admin"]).get(USERS, {"role": "commune"})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [c.value for c in ws[1]]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert {r[header.index("Username")] for r in rows} == {"tan_an", "an_hoa", "tra_noc"}
    tan_an = next(r for r in rows if r[header.index("Username")] == "tan_an")
    assert tan_an[header.index("Jurisdiction (unit)")] == "Phường Tân An"
    assert not any("password" in str(h).lower() for h in header)
    assert not any(str(v).startswith(("md5$", "pbkdf2")) for r in rows for v in r if v)


def test_the_user_export_is_403_for_roles_without_user_view(world, client_for):
    assert client_for(world.users["ninh_kieu"]).get(USERS).status_code == 403
    assert client_for(world.users["home_affairs"]).get(USERS).status_code == 403


def test_the_user_export_search_filter_is_honoured(world, client_for):
    response = client_for(world.users["admin"]).get(USERS, {"q": "ninh_kieu"})
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == ["ninh_kieu"]

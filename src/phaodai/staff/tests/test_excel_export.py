"""Exporting civil servants to Excel: only the rows the user may see, exactly as the list is filtered."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from phaodai.places.models import AdminUnit
from phaodai.staff.excel import import_staff
from phaodai.staff.models import StaffMember
from phaodai.testing import AN_HOA, TAN_AN, citizen_id_for

EXPORT = reverse("staff:staffmember_export")


@pytest.fixture(autouse=True)
def in_english(client, settings):
    """These tests read English messages: the user picked English with the language switch (its cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def sheet_of(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def column(ws, header: str) -> list:
    headers = [c.value for c in ws[1]]
    i = headers.index(header)
    return [row[i] for row in ws.iter_rows(min_row=2, values_only=True)]


def test_a_commune_users_export_holds_only_the_communes_staff(world, client_for):
    ws = sheet_of(client_for(world.users["tan_an"]).get(EXPORT))
    assert set(column(ws, "Full name")) == {"Nguyễn Văn An", "Trần Đình Đạt", "Huỳnh Minh"}


def test_an_agency_scoped_user_exports_only_that_agency_and_the_ones_under_it(world, client_for):
    ws = sheet_of(client_for(world.users["so_y_te"]).get(EXPORT))
    assert set(column(ws, "Full name")) == {"Võ Thị Lan", "Huỳnh Minh"}


def test_the_export_honours_the_list_filters(world, client_for):
    client = client_for(world.users["ninh_kieu"])
    ws = sheet_of(client.get(EXPORT, {"q": "dat"}))
    assert column(ws, "Full name") == ["Trần Đình Đạt"]
    ws = sheet_of(client.get(EXPORT, {"skill": "driving"}))
    assert column(ws, "Full name") == ["Nguyễn Văn An"]
    an_hoa = AdminUnit.objects.get(code=AN_HOA)
    ws = sheet_of(client.get(EXPORT, {"under": an_hoa.pk, "page": "3"}))
    assert column(ws, "Full name") == ["Lê Thị Hoa"]


def test_a_filter_outside_the_jurisdiction_is_refused_not_widened(world, client_for):
    an_hoa = AdminUnit.objects.get(code=AN_HOA)
    response = client_for(world.users["tan_an"]).get(EXPORT, {"under": an_hoa.pk})
    assert response.status_code == 400


def test_ids_and_phones_stay_text_with_their_leading_zeros_and_dates_are_date_cells(world, client_for):
    dob = date(1984, 6, 1)
    person = StaffMember.objects.create(  # born in Hà Nội: the ID starts with 001
        full_name="Đinh Văn Hà",
        gender="M",
        date_of_birth=dob,
        citizen_id=citizen_id_for("M", dob, province="001"),
        phone="0312345678",
        agency=world.agencies["ubnd_tan_an"],
    )
    ws = sheet_of(client_for(world.users["tan_an"]).get(EXPORT, {"q": "dinh van ha"}))
    headers = [c.value for c in ws[1]]
    row = ws[2]
    cid_cell = row[headers.index("Citizen ID")]
    phone_cell = row[headers.index("Phone")]
    dob_cell = row[headers.index("Date of birth")]
    assert (cid_cell.value, cid_cell.data_type) == (person.citizen_id, "s") and cid_cell.value.startswith("001")
    assert (phone_cell.value, phone_cell.data_type) == ("0312345678", "s")
    assert isinstance(dob_cell.value, datetime) and dob_cell.value.date() == dob
    assert dob_cell.number_format == "DD/MM/YYYY"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(row=1, column=len(headers)).column_letter}2"


def test_a_name_that_looks_like_a_formula_stays_text(world, client_for):
    StaffMember.objects.create(
        full_name="=HYPERLINK(1)",
        gender="M",
        date_of_birth=date(1980, 1, 1),
        citizen_id=citizen_id_for("M", date(1980, 1, 1)),
        agency=world.agencies["ubnd_tan_an"],
    )
    ws = sheet_of(client_for(world.users["tan_an"]).get(EXPORT, {"q": "hyperlink"}))
    cell = ws["B2"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(1)", "s")


def test_the_export_needs_staff_export(world, client_for):
    assert client_for(world.users["team_member"]).get(EXPORT).status_code == 403


def test_an_export_imports_back_into_the_same_people(world, client_for):
    an = world.staff["an"]
    an.home_unit = AdminUnit.objects.get(code=TAN_AN)
    an.status = "mobilised"
    an.save()
    user = world.users["tan_an"]
    response = client_for(user).get(EXPORT)
    data = io.BytesIO(b"".join(response.streaming_content))
    fields = ["full_name", "gender", "date_of_birth", "citizen_id", "phone", "agency_id", "position", "status",
              "vaccination_status", "home_unit_id"]  # fmt: skip
    visible = StaffMember.objects.visible_to(user)
    before = {p["citizen_id"]: p for p in visible.values(*fields)}
    skills_before = {p.citizen_id: {s.code for s in p.skills.all()} for p in visible}
    visible.delete()
    with translation.override("en"):
        result = import_staff(data, user)
    assert result.errors == [] and result.created == 3
    after = {p["citizen_id"]: p for p in StaffMember.objects.visible_to(user).values(*fields)}
    assert after == before
    assert {
        p.citizen_id: {s.code for s in p.skills.all()} for p in StaffMember.objects.visible_to(user)
    } == skills_before

"""Importing civil servants from Excel: every row or none, every problem reported at once, ward layouts read as-is."""

from __future__ import annotations

import io
import random
import unicodedata
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from phaodai.places.models import AdminUnit
from phaodai.staff.excel import build_template, import_staff
from phaodai.staff.models import Skill, StaffMember, StaffStatus, VaccinationStatus
from phaodai.testing import TAN_AN

HEADER = [
    "STT",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Số CCCD",
    "Số điện thoại",
    "Cơ quan",
    "Chức vụ",
    "Kỹ năng",
    "Trạng thái",
    "Tiêm chủng",
    "Nơi ở",
]

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE_M = ["Văn", "Hữu", "Minh", "Quốc", "Thanh", "Đức"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Kim", "Mỹ", "Hồng"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hạnh", "Hoa", "Khánh", "Lan", "Mai", "Nam", "Phúc", "Quyên", "Tâm", "Việt"]


@pytest.fixture(autouse=True)
def in_english(client, settings):
    """These tests read English messages: the user picked English with the language switch (its cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def cid(gender: str, dob: date, serial: int, province: str = "092") -> str:
    digit = {19: 0, 20: 2}[dob.year // 100] + (1 if gender == "F" else 0)
    return f"{province}{digit}{dob.year % 100:02d}{serial:06d}"


def person_row(i: int, agency_name: str, rng: random.Random) -> list:
    """A valid row (Vietnamese labels, as an official types them)."""
    gender = rng.choice("MF")
    dob = date(rng.randint(1965, 2000), rng.randint(1, 12), rng.randint(1, 28))
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_M if gender == 'M' else MIDDLE_F)} {rng.choice(GIVEN)}"
    return [
        i,
        name,
        "Nam" if gender == "M" else "Nữ",
        dob,
        cid(gender, dob, 500000 + i),
        f"09{i:08d}",
        agency_name,
        "Chuyên viên",
        rng.choice(["", "Lái xe", "Nhập liệu; Công nghệ thông tin", "medical"]),
        rng.choice(["", "Sẵn sàng", "Đã huy động"]),
        rng.choice(["", "2 mũi", "Mũi nhắc lại", "Chưa tiêm"]),
        "",
    ]


def xlsx_bytes(rows: list[list], title_rows: list[list] | None = None) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    for row in title_rows or []:
        ws.append(row)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def many_rows(world, count: int, seed: int = 7) -> list[list]:
    rng = random.Random(seed)
    agencies = [a.name for a in world.agencies.values()]
    return [person_row(i, agencies[i % len(agencies)], rng) for i in range(1, count + 1)]


def codes(result) -> set[tuple[int, str]]:
    return {(e.row, e.code) for e in result.errors}


# --------------------------------------------------------------------------------------------------------------
# Big files
# --------------------------------------------------------------------------------------------------------------


def test_a_5000_row_file_imports_every_person_with_skills_and_audit_entries(world):
    before = StaffMember.objects.count()
    rows = many_rows(world, 5000)
    result = import_staff(xlsx_bytes([HEADER, *rows]), world.users["home_affairs"])
    assert result.errors == []
    assert result.ok and result.created == 5000
    assert StaffMember.objects.count() == before + 5000
    expected_skills = sum(
        {"": 0, "Lái xe": 1, "Nhập liệu; Công nghệ thông tin": 2, "medical": 1}[row[8]] for row in rows
    )
    imported = StaffMember.objects.filter(citizen_id__in=[row[4] for row in rows])
    assert StaffMember.skills.through.objects.filter(staffmember__in=imported).count() == expected_skills
    entries = LogEntry.objects.get_for_objects(imported).filter(action=LogEntry.Action.CREATE)
    assert entries.count() == 5000
    assert set(entries.values_list("actor__username", flat=True)) == {"home_affairs"}


def test_one_bad_row_among_5000_imports_nothing_and_names_that_row_and_column(world):
    before = StaffMember.objects.count()
    rows = many_rows(world, 5000)
    rows[2716][3] = "31/02/1990"  # Excel row 2718 (header is row 1)
    result = import_staff(xlsx_bytes([HEADER, *rows]), world.users["home_affairs"])
    assert not result.ok and result.created == 0
    assert [(e.row, e.column, e.code) for e in result.errors] == [(2718, "Ngày sinh", "date_out_of_range")]
    assert StaffMember.objects.count() == before
    assert not LogEntry.objects.filter(object_repr=rows[0][1], action=LogEntry.Action.CREATE).exists()


# --------------------------------------------------------------------------------------------------------------
# Every problem at once
# --------------------------------------------------------------------------------------------------------------


def test_several_kinds_of_errors_are_all_reported_at_once_and_nothing_is_imported(world):
    tan_an = world.agencies["ubnd_tan_an"].name
    an = world.staff["an"]
    rows = [
        HEADER,
        [1, "Nguyễn Văn Mạnh", "Nam", "14/03/1985", cid("M", date(1985, 3, 14), 900001), "0912000001", tan_an],  # fine
        [2, "Lê Văn Tám", "Nam", "1985-13-40", cid("M", date(1985, 3, 14), 900002), "", tan_an],  # bad date
        [3, "Trần Thị Bé", "Nữ", "02/07/1992", cid("M", date(1992, 7, 2), 900003), "", tan_an],  # 4th digit = man
        [4, "Phạm Văn Cư", "Nam", "05/05/1980", cid("M", date(1980, 5, 5), 900004), "12345", tan_an],  # bad phone
        [5, "Võ Văn Đông", "Nam", "05/05/1980", cid("M", date(1980, 5, 5), 900005), "", "Sở Không Có"],  # agency
        [6, "", "Nam", "05/05/1980", cid("M", date(1980, 5, 5), 900006), "", tan_an],  # no name
        [7, "Hồ Văn Em", "Nam", "05/05/1980", cid("M", date(1980, 5, 5), 900007), "", tan_an, "", "", "Đi chơi"],
        [8, "Đỗ Văn Phú", "Nam", "05/05/1980", cid("M", date(1980, 5, 5), 900008), "", tan_an],  # dup of row 9
        [9, "Đỗ Văn Quý", "Nam", "05/05/1980", cid("M", date(1980, 5, 5), 900008), "", tan_an],  # dup of row 8
        [10, "Ngô Văn Rạng", "Nam", an.date_of_birth, an.citizen_id, "", tan_an],  # already registered
        [11, "Bùi Văn Sang", "X", "05/05/1980", cid("M", date(1980, 5, 5), 900011), "", tan_an, "", "Bay"],
    ]
    with translation.override("en"):
        result = import_staff(xlsx_bytes(rows), world.users["tan_an"])
    assert codes(result) == {
        (3, "date_out_of_range"),
        (4, "citizen_id_gender_century"),
        (5, "phone_invalid"),
        (6, "agency_unknown"),
        (7, "required"),
        (8, "status_unknown"),
        (9, "citizen_id_duplicate_in_file"),
        (10, "citizen_id_duplicate_in_file"),
        (11, "citizen_id_registered"),
        (12, "gender_invalid"),
        (12, "skill_unknown"),
    }
    by_row = {e.row: e for e in result.errors}
    assert by_row[3].column == "Ngày sinh"
    assert by_row[6].column == "Cơ quan" and by_row[6].letter == "G"
    assert "row 10" in by_row[9].message and "row 9" in by_row[10].message
    assert "already registered" in by_row[11].message and "Nguyễn Văn An" in by_row[11].message
    assert result.created == 0
    assert not StaffMember.objects.filter(full_name="Nguyễn Văn Mạnh").exists()


def test_a_citizen_id_registered_outside_the_jurisdiction_is_reported_without_naming_the_person(world):
    hoa = world.staff["hoa"]  # An Hòa: not visible to Tân An
    rows = [HEADER, [1, "Lê Thị Hoa", "Nữ", hoa.date_of_birth, hoa.citizen_id, "", world.agencies["ubnd_tan_an"].name]]
    with translation.override("en"):
        result = import_staff(xlsx_bytes(rows), world.users["tan_an"])
    [error] = result.errors
    assert error.code == "citizen_id_registered"
    assert "outside your jurisdiction" in error.message and "Hoa" not in error.message


def test_a_missing_required_column_is_reported_once_for_the_file(world):
    rows = [["Họ và tên", "Ngày sinh", "Giới tính"], ["Nguyễn Văn A", "01/01/1990", "Nam"]]
    with translation.override("en"):
        result = import_staff(xlsx_bytes(rows), world.users["tan_an"])
    assert {(e.row, e.code) for e in result.errors} == {(1, "column_missing")}
    assert {e.message for e in result.errors} == {
        "The column “Citizen ID” is missing.",
        "The column “Agency” is missing.",
    }


def test_a_file_that_is_not_xlsx_gets_a_clear_message(world):
    with translation.override("en"):
        result = import_staff(io.BytesIO(b"\xd0\xcf\x11\xe0 old excel"), world.users["tan_an"])
    assert [e.code for e in result.errors] == ["file_unreadable"]
    assert ".xls" in result.errors[0].message


# --------------------------------------------------------------------------------------------------------------
# Values as Excel and people leave them
# --------------------------------------------------------------------------------------------------------------


def test_citizen_ids_and_phones_that_lost_their_leading_zero_are_restored(world):
    dob = date(1985, 3, 14)
    hanoi_born = cid("M", dob, 123456, province="001")  # "001085123456" → Excel keeps 1085123456
    rows = [
        HEADER,
        [1, "Nguyễn Văn Hà", "Nam", dob, int(hanoi_born), 912345678, world.agencies["ubnd_tan_an"].name],
        [2, "Trần Văn Nội", "Nam", dob, float(cid("M", dob, 123457, "001")), "+84 903 111 222", "UBND P. Tân An"],
        [3, "Lê Văn Cũ", "Nam", dob, 23456789, "84 987 654 321", world.agencies["ubnd_tan_an"].name],
    ]
    result = import_staff(xlsx_bytes(rows), world.users["tan_an"])
    assert result.ok, result.errors
    ha = StaffMember.objects.get(full_name="Nguyễn Văn Hà")
    assert (ha.citizen_id, ha.phone) == ("001085123456", "0912345678")
    noi = StaffMember.objects.get(full_name="Trần Văn Nội")
    assert (noi.citizen_id, noi.phone) == ("001085123457", "0903111222")
    cu = StaffMember.objects.get(full_name="Lê Văn Cũ")  # an old 9-digit identity card kept as a number
    assert (cu.citizen_id, cu.citizen_id_is_old, cu.phone) == ("023456789", True, "0987654321")


def test_decomposed_names_are_stored_composed_and_found_without_accents(world):
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết")
    assert nfd != "Nguyễn Thị Ánh Tuyết"
    dob = date(1990, 1, 2)
    rows = [HEADER, [1, f"  {nfd} ", "Nữ", "2/1/1990", cid("F", dob, 1), "", world.agencies["ubnd_tan_an"].name]]
    assert import_staff(xlsx_bytes(rows), world.users["tan_an"]).ok
    person = StaffMember.objects.get(citizen_id=cid("F", dob, 1))
    assert person.full_name == "Nguyễn Thị Ánh Tuyết"
    assert list(StaffMember.objects.search("nguyen thi anh tuyet")) == [person]


@pytest.mark.parametrize(
    "value",
    [date(1990, 1, 2), "02/01/1990", "2/1/1990", "02-01-1990", "02.01.1990", "1990-01-02", 32875, "32875"],
)
def test_dates_are_read_from_date_cells_serial_numbers_and_dd_mm_yyyy_text(world, value):
    rows = [HEADER, [1, "Phan Thị Ngày", "Nữ", value, cid("F", date(1990, 1, 2), 2), "", "UBND Phường Tân An"]]
    result = import_staff(xlsx_bytes(rows), world.users["tan_an"])
    assert result.ok, result.errors
    assert StaffMember.objects.get(full_name="Phan Thị Ngày").date_of_birth == date(1990, 1, 2)


@pytest.mark.parametrize(("value", "code"), [(1990, "date_year_only"), ("02/01/90", "date_two_digit_year")])
def test_a_year_alone_or_a_two_digit_year_is_refused(world, value, code):
    rows = [HEADER, [1, "Phan Thị Năm", "Nữ", value, cid("F", date(1990, 1, 2), 3), "", "UBND Phường Tân An"]]
    result = import_staff(xlsx_bytes(rows), world.users["tan_an"])
    assert [e.code for e in result.errors] == [code]


def test_statuses_vaccination_skills_and_residence_by_label_code_or_name(world):
    dob = date(1988, 8, 8)
    tan_an = world.agencies["ubnd_tan_an"].name
    rows = [
        HEADER,
        [1, "Người Một", "Male", dob, cid("M", dob, 11), "", tan_an, "Phó Chủ tịch", "Tuyên truyền, vận động; driving",
         "Mobilised", "Booster dose", "Phường An Hòa"],
        [2, "Người Hai", "F", dob, cid("F", dob, 12), "", tan_an, "", "khmer, IT", "cach ly", "1 mũi", "31135"],
        [3, "Người Ba", "nữ", dob, cid("F", dob, 13), "", tan_an, "", "", "on_leave", "full", "Tân An, Ninh Kiều"],
    ]  # fmt: skip
    result = import_staff(xlsx_bytes(rows), world.users["tan_an"])
    assert result.ok, result.errors
    one, two, three = (StaffMember.objects.get(full_name=n) for n in ("Người Một", "Người Hai", "Người Ba"))
    assert (one.status, one.vaccination_status, one.home_unit.code) == ("mobilised", "booster", "31120")
    assert set(one.skills.values_list("code", flat=True)) == {"communication", "driving"}
    assert (two.gender, two.status, two.vaccination_status, two.home_unit.code) == ("F", "isolated", "one_dose", TAN_AN)
    assert set(two.skills.values_list("code", flat=True)) == {"khmer", "it"}
    assert (three.status, three.vaccination_status, three.home_unit.code) == ("on_leave", "full", TAN_AN)


def test_empty_status_and_vaccination_default_to_available_and_not_vaccinated(world):
    dob = date(1988, 8, 8)
    rows = [HEADER, [1, "Người Mặc Định", "Nam", dob, cid("M", dob, 21), "", "UBND Phường Tân An"]]
    assert import_staff(xlsx_bytes(rows), world.users["tan_an"]).ok
    person = StaffMember.objects.get(full_name="Người Mặc Định")
    assert (person.status, person.vaccination_status) == (StaffStatus.AVAILABLE, VaccinationStatus.NONE)


def test_the_same_phone_for_two_people_is_only_a_warning(world):
    dob = date(1988, 8, 8)
    tan_an = world.agencies["ubnd_tan_an"].name
    rows = [
        HEADER,
        [1, "Chồng", "Nam", dob, cid("M", dob, 31), "0911222333", tan_an],
        [2, "Vợ", "Nữ", dob, cid("F", dob, 32), "911222333", tan_an],
        [3, "Trùng An", "Nam", dob, cid("M", dob, 33), world.staff["an"].phone, tan_an],
    ]
    with translation.override("en"):
        result = import_staff(xlsx_bytes(rows), world.users["tan_an"])
    assert result.ok and result.created == 3
    warnings = {(w.row, w.code) for w in result.warnings}
    assert warnings == {(2, "phone_shared"), (3, "phone_shared"), (4, "phone_shared")}
    assert any("Nguyễn Văn An" in w.message for w in result.warnings if w.row == 4)


# --------------------------------------------------------------------------------------------------------------
# Jurisdiction and permission
# --------------------------------------------------------------------------------------------------------------


def test_an_agency_outside_the_users_jurisdiction_is_rejected_for_that_row(world):
    dob = date(1988, 8, 8)
    rows = [
        HEADER,
        [1, "Trong Phường", "Nam", dob, cid("M", dob, 41), "", world.agencies["ubnd_tan_an"].name],
        [2, "Ngoài Phường", "Nam", dob, cid("M", dob, 42), "", world.agencies["ubnd_an_hoa"].name],
    ]
    with translation.override("en"):
        result = import_staff(xlsx_bytes(rows), world.users["tan_an"])
    assert [(e.row, e.column, e.code) for e in result.errors] == [(3, "Cơ quan", "agency_out_of_scope")]
    assert "outside your jurisdiction" in result.errors[0].message
    assert not StaffMember.objects.filter(full_name="Trong Phường").exists()


def test_the_import_service_refuses_a_role_without_staff_import(world):
    with pytest.raises(PermissionDenied):
        import_staff(xlsx_bytes([HEADER]), world.users["observer"])


@pytest.mark.parametrize("name", ["staff:staffmember_import", "staff:staffmember_import_template"])
def test_the_import_pages_are_403_without_staff_import(world, client_for, name):
    client = client_for(world.users["observer"])
    assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse(name)).status_code == 403


def test_the_import_page_sends_anonymous_visitors_to_log_in(client, db):
    response = client.get(reverse("staff:staffmember_import"))
    assert response.status_code == 302 and "login" in response["Location"]


# --------------------------------------------------------------------------------------------------------------
# The layout wards really send
# --------------------------------------------------------------------------------------------------------------


def ward_layout_workbook(agency_name: str) -> io.BytesIO:
    """A staff list laid out like /work/shared/samples/danh-sach-ho-kho-khan-mau.xlsx: unit name and motto in merged
    cells, title, "kèm theo" line, a two-row header with the birth date under "Nam" or "Nữ", a numbering row, IDs as
    numbers, phones without their leading zero, decomposed names, a total row with a formula, a signature block."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws["A1"], ws["F1"] = "UBND QUẬN NINH KIỀU", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ws["A2"], ws["F2"] = "UBND PHƯỜNG TÂN AN", "Độc lập - Tự do - Hạnh phúc"
    ws["A4"] = "DANH SÁCH CÁN BỘ, CÔNG CHỨC THAM GIA PHÒNG, CHỐNG DỊCH COVID-19"
    ws["A5"] = "(Kèm theo Công văn số 123/UBND ngày 26/08/2021)"
    for rng in ("A1:D1", "F1:K1", "A2:D2", "F2:K2", "A4:K4", "A5:K5"):
        ws.merge_cells(rng)
    top = ["STT", "Họ tên", "Ngày sinh", None, "Số định danh cá nhân", "Điện thoại liên hệ", "Đơn vị công tác",
           "Chức vụ", "Kỹ năng", "Tình trạng tiêm chủng", "Ghi chú"]  # fmt: skip
    sub = [None, None, "Nam", "Nữ", None, None, None, None, None, None, None]
    for col, (a, b) in enumerate(zip(top, sub, strict=True), start=1):
        ws.cell(row=7, column=col, value=a)
        ws.cell(row=8, column=col, value=b)
    for rng in ("A7:A8", "B7:B8", "C7:D7", "E7:E8", "F7:F8", "G7:G8", "H7:H8", "I7:I8", "J7:J8", "K7:K8"):
        ws.merge_cells(rng)
    for col in range(1, 12):
        ws.cell(row=9, column=col, value=f"({col})")
    people = [
        ("Đặng Thu Lan", "F", "02/11/1976", "0945249024", "Phó Chủ tịch", "2 mũi"),
        ("Nguyễn Văn Nam", "M", "15/10/1982", "890435458", "Công chức Văn phòng", "Mũi nhắc lại"),
        ("Trần Hồng Thoa", "F", "1963-05-04", "0860082443", "", ""),
        ("Phan Tấn Bình", "M", "19/03/1999", "328589062", "Công an viên", "1 mũi"),
    ]
    for i, (name, gender, dob_text, phone, position, vaccine) in enumerate(people, start=1):
        r = 9 + i
        day, month, year = (
            (int(x) for x in dob_text.split("/"))
            if "/" in dob_text
            else reversed([int(x) for x in dob_text.split("-")])
        )
        dob = date(year, month, day)
        ws.cell(row=r, column=1, value=i)
        ws.cell(row=r, column=2, value=unicodedata.normalize("NFD", name))
        ws.cell(row=r, column=3 if gender == "M" else 4, value=dob_text)
        ws.cell(row=r, column=5, value=int(cid(gender, dob, 600000 + i, province="092")))
        ws.cell(row=r, column=6, value=int(phone) if phone.isdigit() and not phone.startswith("0") else phone)
        ws.cell(row=r, column=7, value=agency_name)
        ws.cell(row=r, column=8, value=position)
        ws.cell(row=r, column=10, value=vaccine)
    ws.cell(row=14, column=1, value="Tổng cộng: 4 người")
    ws.merge_cells("A14:B14")
    ws.cell(row=14, column=6, value=4)  # what Excel caches for =COUNTA(B10:B13)
    ws["B16"], ws["H16"] = "NGƯỜI LẬP BIỂU", "TM. ỦY BAN NHÂN DÂN"
    ws["H17"] = "CHỦ TỊCH"
    ws["H21"] = "Nguyễn Văn Bảy"
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_a_ward_list_with_title_block_two_row_header_total_and_signatures_is_read_as_is(world):
    with translation.override("en"):
        result = import_staff(ward_layout_workbook("UBND phường Tân An"), world.users["tan_an"])
    assert result.errors == []
    assert (result.created, result.header_row) == (4, 8)
    lan = StaffMember.objects.get(full_name="Đặng Thu Lan")
    assert (lan.gender, lan.date_of_birth, lan.citizen_id) == (
        "F",
        date(1976, 11, 2),
        cid("F", date(1976, 11, 2), 600001),
    )
    assert (lan.phone, lan.position, lan.vaccination_status) == ("0945249024", "Phó Chủ tịch", "full")
    nam = StaffMember.objects.get(full_name="Nguyễn Văn Nam")
    assert (nam.gender, nam.phone, nam.vaccination_status) == ("M", "0890435458", "booster")
    assert StaffMember.objects.get(full_name="Trần Hồng Thoa").date_of_birth == date(1963, 5, 4)
    assert {
        p.agency for p in StaffMember.objects.filter(citizen_id__startswith="092", full_name__in=["Phan Tấn Bình"])
    } == {world.agencies["ubnd_tan_an"]}
    footer = [w for w in result.warnings if w.code == "footer_skipped"]
    assert [(w.row, "14, 16-17, 21" in w.message) for w in footer] == [(14, True)]
    assert {w.column for w in result.warnings if w.code == "column_unused"} == set()  # Ghi chú is known


def test_the_real_sample_household_list_is_understood_down_to_its_header_and_footer(world):
    """The household sample has no agency column (it is not a staff list): exactly that is reported."""
    from pathlib import Path

    sample = Path("/work/shared/samples/danh-sach-ho-kho-khan-mau.xlsx")
    if not sample.exists():
        pytest.skip("shared sample not available")
    with translation.override("en"), sample.open("rb") as fileobj:
        result = import_staff(fileobj, world.users["tan_an"])
    assert [(e.row, e.code, e.message) for e in result.errors] == [
        (8, "column_missing", "The column “Agency” is missing.")
    ]


# --------------------------------------------------------------------------------------------------------------
# Template
# --------------------------------------------------------------------------------------------------------------


def test_the_template_round_trips_fill_it_in_and_import_it(world):
    user = world.users["tan_an"]
    template = load_workbook(io.BytesIO(build_template(user)))
    sheet, allowed = template.worksheets
    agencies = [row[0] for row in allowed.iter_rows(min_row=2, values_only=True) if row[0]]
    genders = [row[3] for row in allowed.iter_rows(min_row=2, values_only=True) if row[3]]
    statuses = [row[4] for row in allowed.iter_rows(min_row=2, values_only=True) if row[4]]
    vaccinations = [row[5] for row in allowed.iter_rows(min_row=2, values_only=True) if row[5]]
    skills = [row[1] for row in allowed.iter_rows(min_row=2, values_only=True) if row[1]]
    dob = date(1991, 4, 30)
    for i in range(3):
        gender, letter = genders[i % 2], "MF"[i % 2]
        sheet.append(
            [i + 1, f"Người Mẫu {'ABC'[i]}", gender, dob, cid(letter, dob, 700 + i), f"09880000{i}0",
             agencies[i % len(agencies)], "Cán bộ", skills[i], statuses[i], vaccinations[i], "Phường Tân An"]
        )  # fmt: skip
    out = io.BytesIO()
    template.save(out)
    out.seek(0)
    result = import_staff(out, user)
    assert result.errors == []
    assert result.created == 3  # the example row ("Example"/"Ví dụ") is not imported
    assert not StaffMember.objects.filter(full_name="Nguyễn Văn A").exists()
    imported = StaffMember.objects.filter(full_name__startswith="Người Mẫu").order_by("full_name")
    assert [p.skills.get().name for p in imported] == skills[:3]
    assert [p.status for p in imported] == [s.value for s in StaffStatus][:3]


def test_the_template_offers_only_the_users_agencies_and_dropdowns(world):
    template = load_workbook(io.BytesIO(build_template(world.users["tan_an"])))
    sheet, allowed = template.worksheets
    agencies = {row[0] for row in allowed.iter_rows(min_row=2, values_only=True) if row[0]}
    assert agencies == {"Ủy ban nhân dân Phường Tân An", "Trạm Y tế Phường Tân An"}
    assert {row[1] for row in allowed.iter_rows(min_row=2, values_only=True) if row[1]} == set(
        Skill.objects.values_list("name", flat=True)
    )
    lists = {str(dv.sqref)[0] for dv in sheet.data_validations.dataValidation if dv.type == "list"}
    assert lists == {"C", "G", "J", "K"}  # gender, agency, status, vaccination
    assert sheet.freeze_panes == "A2"


def test_the_template_download_is_an_xlsx_for_users_who_may_import(world, client_for):
    response = client_for(world.users["tan_an"]).get(reverse("staff:staffmember_import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(wb.worksheets) == 2


# --------------------------------------------------------------------------------------------------------------
# Page and command
# --------------------------------------------------------------------------------------------------------------


def upload(rows: list[list], name: str = "danh-sach.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, xlsx_bytes(rows).getvalue())


def test_the_import_page_lists_every_error_and_imports_nothing(world, client_for):
    dob = date(1988, 8, 8)
    rows = [
        HEADER,
        [1, "Đúng Rồi", "Nam", dob, cid("M", dob, 51), "", "UBND Phường Tân An"],
        [2, "Sai Ngày", "Nam", "30/02/1988", cid("M", dob, 52), "", "UBND Phường Tân An"],
        [3, "Sai Cơ Quan", "Nam", dob, cid("M", dob, 53), "", "Sở Y tế"],
    ]
    client = client_for(world.users["tan_an"])
    response = client.post(reverse("staff:staffmember_import"), {"file": upload(rows)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 problems found. Nothing was imported." in page
    assert "Sai Cơ Quan" not in page  # the table names rows and columns, not people
    result = response.context["result"]
    assert [(e.row, e.column) for e in result.errors] == [(3, "Ngày sinh"), (4, "Cơ quan")]
    assert not StaffMember.objects.filter(full_name="Đúng Rồi").exists()


def test_the_import_page_imports_and_summarises_with_warnings(world, client_for):
    dob = date(1988, 8, 8)
    rows = [
        HEADER,
        [1, "Chị Hai", "Nữ", dob, cid("F", dob, 61), "0977000111", "UBND Phường Tân An"],
        [2, "Anh Ba", "Nam", dob, cid("M", dob, 62), "0977000111", "UBND Phường Tân An"],
    ]
    client = client_for(world.users["tan_an"])
    response = client.post(reverse("staff:staffmember_import"), {"file": upload(rows)})
    page = response.content.decode()
    assert "2 people imported." in page and "Warnings" in page
    assert StaffMember.objects.filter(full_name__in=["Chị Hai", "Anh Ba"]).count() == 2


def test_check_only_reports_but_imports_nothing(world, client_for):
    dob = date(1988, 8, 8)
    rows = [HEADER, [1, "Chỉ Kiểm Tra", "Nam", dob, cid("M", dob, 71), "", "UBND Phường Tân An"]]
    client = client_for(world.users["tan_an"])
    response = client.post(reverse("staff:staffmember_import"), {"file": upload(rows), "dry_run": "on"})
    assert "no problems found; 1 person can be imported." in response.content.decode()
    assert not StaffMember.objects.filter(full_name="Chỉ Kiểm Tra").exists()


def test_the_import_page_refuses_an_old_xls_file(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.users["tan_an"])
    old = SimpleUploadedFile("danh-sach.xls", b"\xd0\xcf\x11\xe0....")
    response = client.post(reverse("staff:staffmember_import"), {"file": old})
    assert "save it as .xlsx" in response.content.decode()


def test_the_command_imports_as_the_given_user_and_reports(world, tmp_path):
    dob = date(1988, 8, 8)
    path = tmp_path / "ds.xlsx"
    path.write_bytes(
        xlsx_bytes([HEADER, [1, "Qua Lệnh", "Nam", dob, cid("M", dob, 81), "", "UBND Phường Tân An"]]).getvalue()
    )
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_staff", str(path), "--user", "tan_an", "--dry-run", stdout=out)
    assert "1 person can be imported" in out.getvalue()
    assert not StaffMember.objects.filter(full_name="Qua Lệnh").exists()
    with translation.override("en"):
        call_command("import_staff", str(path), "--user", "tan_an", stdout=out)
    person = StaffMember.objects.get(full_name="Qua Lệnh")
    entry = LogEntry.objects.get_for_object(person).get()
    assert entry.actor == world.users["tan_an"] and entry.changes_dict["full_name"][1] == "Qua Lệnh"


def test_the_command_fails_loudly_on_errors_and_on_users_without_the_right(world, tmp_path):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, [1, "Sai", "Nam", "xx", "1", "", "UBND Phường Tân An"]]).getvalue())
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_staff", str(path), "--user", "tan_an", stderr=err)
    assert "Row 2" in err.getvalue() or "Dòng 2" in err.getvalue()
    with pytest.raises(CommandError, match="staff.import"):
        call_command("import_staff", str(path), "--user", "observer")


def test_the_audit_entry_of_an_imported_person_holds_the_values_and_the_skills(world):
    dob = date(1988, 8, 8)
    rows = [HEADER, [1, "Có Kỹ Năng", "Nam", dob, cid("M", dob, 91), "0966000111", "UBND Phường Tân An", "", "Lái xe"]]
    assert import_staff(xlsx_bytes(rows), world.users["tan_an"]).ok
    person = StaffMember.objects.get(full_name="Có Kỹ Năng")
    entry = LogEntry.objects.get_for_object(person).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor == world.users["tan_an"]
    assert entry.changes_dict["citizen_id"] == ["None", person.citizen_id]
    assert entry.changes_dict["phone"] == ["None", "0966000111"]
    assert entry.changes_dict["skills"]["objects"] == ["Lái xe"]
    assert "search_name" not in entry.changes_dict


def test_the_place_of_residence_that_several_communes_share_must_be_settled(world):
    # two made-up neighbourhoods with the same name in two communes
    for code in ("31135", "31120"):
        parent = AdminUnit.objects.get(code=code)
        AdminUnit.objects.create(
            code=f"{code}-kv1", name="Khu vực 1", division_type="khu vực", level=4, structure="2021", parent=parent
        )
    dob = date(1988, 8, 8)
    home = world.users["home_affairs"]
    rows = [
        HEADER,
        [1, "Ở Đâu", "Nam", dob, cid("M", dob, 95), "", "UBND Phường Tân An", "", "", "", "", "Khu vực 1"],
        [
            2,
            "Ở Đây",
            "Nam",
            dob,
            cid("M", dob, 96),
            "",
            "UBND Phường Tân An",
            "",
            "",
            "",
            "",
            "Khu vực 1, Phường An Hòa",
        ],
    ]
    with translation.override("en"):
        result = import_staff(xlsx_bytes(rows), home)
    assert [(e.row, e.code) for e in result.errors] == [(2, "unit_ambiguous")]
    rows.pop(1)
    assert import_staff(xlsx_bytes(rows), home).ok
    assert StaffMember.objects.get(full_name="Ở Đây").home_unit.code == "31120-kv1"


def test_the_import_page_lists_at_most_a_set_number_of_problems(world, client_for, monkeypatch):
    from phaodai.staff import views_excel

    monkeypatch.setattr(views_excel, "MAX_SHOWN", 1)
    rows = [HEADER, [1, "Sai Một", "Nam", "xx", "1", "", "UBND Phường Tân An"]]
    response = client_for(world.users["tan_an"]).post(reverse("staff:staffmember_import"), {"file": upload(rows)})
    assert len(response.context["result"].errors) == 2  # the date and the citizen ID
    assert len(response.context["errors"]) == 1
    assert "Only the first 1 problems are shown" in response.content.decode()


def test_names_in_capitals_are_stored_as_names(world):
    dob = date(1988, 8, 8)
    rows = [HEADER, [1, "TRẦN ĐÌNH ĐẠT", "Nam", dob, cid("M", dob, 97), "", "UBND Phường Tân An"]]
    assert import_staff(xlsx_bytes(rows), world.users["tan_an"]).ok
    assert StaffMember.objects.get(citizen_id=cid("M", dob, 97)).full_name == "Trần Đình Đạt"


def test_the_templates_example_row_is_never_imported_even_without_its_marker_column(world):
    user = world.users["tan_an"]
    template = load_workbook(io.BytesIO(build_template(user)))
    sheet = template.worksheets[0]
    sheet.delete_cols(1)  # the "No." column with the "Example" marker
    dob = date(1990, 2, 3)
    sheet.append(["Người Thật", "Nam", dob, cid("M", dob, 98), "", "Ủy ban nhân dân Phường Tân An"])
    out = io.BytesIO()
    template.save(out)
    out.seek(0)
    result = import_staff(out, user)
    assert result.errors == [] and result.created == 1
    assert not StaffMember.objects.filter(full_name="Nguyễn Văn A").exists()

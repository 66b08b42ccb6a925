"""Reading the Excel files wards send: header detection, the cells' quirks, and clear refusals."""

from __future__ import annotations

import io
import unicodedata
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.utils import translation
from openpyxl import Workbook, load_workbook

from phaodai.welfare import import_mapping, importing
from phaodai.welfare.tests.fixtures.workbooks import SAMPLE, nfd, simple_list, to_bytes, ward_list, ward_row

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def english():
    with translation.override("en"), time_machine.travel(datetime(2021, 9, 1, 3, tzinfo=UTC), tick=False):
        yield


def fields_of(info: importing.SheetInfo) -> dict[str, str]:
    return {c.letter: c.field for c in info.columns}


def codes(reading: importing.Reading) -> list[tuple[int, str, str]]:
    return [(p.row, p.letter, p.code) for p in reading.problems]


def test_the_sample_list_is_read_whole_without_cleaning():
    raw = load_workbook(SAMPLE, read_only=True, data_only=True).worksheets[0]
    raw_names = [r[1] for r in raw.iter_rows(min_row=10, max_row=49, values_only=True)]
    reading = importing.read(str(SAMPLE))
    info = reading.main
    assert (info.first_header_row, info.header_row) == (7, 8)  # title block above, two-row merged header
    assert fields_of(info) == {
        "A": "counter",
        "B": "full_name",
        "C": "dob_male",
        "D": "dob_female",
        "E": "citizen_id",
        "F": "address",
        "G": "neighbourhood",
        "H": "phone",
        "I": "members",
        "J": "category",
        "K": "note",
    }
    assert reading.problems == []
    assert len(reading.rows) == 40  # the numbering row, the total row and the signatures are not people
    assert info.footer_rows[0] == 50
    by_row = {r.number: r for r in reading.rows}
    lan = by_row[10]  # "02/11/1966" under "Nữ"
    assert (lan.gender, lan.date_of_birth, lan.birth_year) == ("F", date(1966, 11, 2), 1966)
    vy = by_row[11]  # year only under "Nữ", ID and phone stored as numbers without their zero
    assert (vy.gender, vy.date_of_birth, vy.birth_year) == ("F", None, 1994)
    assert (vy.citizen_id, vy.phone) == ("079194959425", "0794699592")
    assert by_row[14].gender == "M"
    assert by_row[35].citizen_id == "093203609262"  # typed with Excel's text apostrophe
    assert (vy.neighbourhood, vy.address, vy.members, vy.category) == ("Khu vực 2", "203", 4, "informal_worker")
    assert by_row[13].category == "elderly_alone" and by_row[19].category == "renter"
    # the sample holds decomposed names: every name comes out NFC
    assert any(not unicodedata.is_normalized("NFC", n) for n in raw_names)
    assert all(unicodedata.is_normalized("NFC", r.full_name) for r in reading.rows)
    assert {r.full_name for r in reading.rows} == {unicodedata.normalize("NFC", n) for n in raw_names}


def test_cells_as_excel_and_people_write_them():
    rows = [
        ward_row(1, "Nguyễn Văn An", datetime(1970, 5, 4), "092070000111", "12", "Khu vực 1", "0912345678"),
        ward_row(2, "Lê Thị Bé", 25000, "092168000222", "14", "Khu vực 1", 912345679, female=True),  # serial
        ward_row(3, "Trần Văn Cư", "4/7/58", "7.9058000333E+10", "16", "Khu vực 1", "0912345670"),  # d/m/yy, sci
        ward_row(4, nfd("Phạm Thị Dậu"), "1958", 92158000444, "18", "Khu vực 2", "0912345671", female=True),
        ward_row(5, "NGUYỄN VĂN ÉN", 1980, "", "20", "Khu vực 2", ""),
    ]
    reading = importing.read(ward_list(rows))
    assert reading.problems == []
    an, be, cu, dau, en = reading.rows
    assert an.date_of_birth == date(1970, 5, 4)
    assert be.date_of_birth == date(1968, 6, 11) and be.phone == "0912345679"
    assert cu.date_of_birth == date(1958, 7, 4) and cu.citizen_id == "079058000333"
    assert dau.full_name == "Phạm Thị Dậu" and unicodedata.is_normalized("NFC", dau.full_name)
    assert (dau.birth_year, dau.date_of_birth, dau.citizen_id) == (1958, None, "092158000444")
    assert en.full_name == "Nguyễn Văn Én" and en.birth_year == 1980 and en.citizen_id == ""


@pytest.mark.parametrize("damaged", ["1.23457E+11", 123457000000.0, "9.2070E+10"])
def test_a_citizen_id_that_excel_rounded_is_reported_not_guessed(damaged):
    rows = [ward_row(1, "Nguyễn Văn An", 1970, damaged, "12", "Khu vực 1", "0912345678")]
    reading = importing.read(ward_list(rows))
    assert reading.rows == []
    assert codes(reading) == [(10, "E", "citizen_id_damaged")]
    assert "re-type it as text" in reading.problems[0].message


def test_formulas_and_excel_errors_are_row_problems():
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Địa chỉ", "SĐT"])
    ws.append([1, "Nguyễn Văn An", "14/03/1985", "092085000123", "12 Mậu Thân", "#REF!"])
    ws.append([2, "Trần Văn Bình", "=DATE(1980,1,2)", "092080000124", "14 Mậu Thân", "0912345678"])
    ws.append([3, "Lê Văn Cường", "#N/A", "092081000125", "16 Mậu Thân", "0912345679"])
    ws.append([4, "Võ Văn Dũng", "01/01/1990", "092090000126", "18 Mậu Thân", "0912345670"])
    reading = importing.read(to_bytes(wb))
    assert codes(reading) == [(2, "F", "excel_error"), (3, "C", "formula"), (4, "C", "excel_error")]
    assert "#REF!" in reading.problems[0].message
    assert [r.full_name for r in reading.rows] == ["Võ Văn Dũng"]


def test_x_marks_under_male_and_female_and_a_signature_block():
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH LAO ĐỘNG TỰ DO MẤT VIỆC"])
    ws.append([])
    ws.append(["TT", "HỌ TÊN CHỦ HỘ", "Giới tính", None, "Năm sinh", "ĐT", "Nơi ở hiện nay", "Thuộc diện"])
    ws.append([None, None, "Nam", "Nữ"])
    ws.merge_cells("C3:D3")
    ws.append([1, 2, 3, 4, 5, 6, 7, 8])
    ws.append([1, "Huỳnh Văn Tư", "x", None, 1975, "0939111222", "5 Lý Tự Trọng", "Lao động tự do"])
    ws.append([2, "Đỗ Thị Năm", None, "X", 1979, "0939111223", "7 Lý Tự Trọng", "Hộ cận nghèo"])
    ws.append([3, "Mai Văn Sáu", "x", "x", 1981, "0939111224", "9 Lý Tự Trọng", "Khác"])
    ws.append([])
    ws.append([None, "Người lập biểu", None, None, None, "Ký, ghi rõ họ tên"])
    ws.append([None, "Trần Văn Lập"])
    reading = importing.read(to_bytes(wb))
    info = reading.main
    assert (info.first_header_row, info.header_row) == (3, 4)
    assert fields_of(info)["B"] == "head_name"
    assert fields_of(info)["C"] == "gender_male" and fields_of(info)["D"] == "gender_female"
    assert [(r.head_name, r.gender, r.category) for r in reading.rows] == [
        ("Huỳnh Văn Tư", "M", "informal_worker"),
        ("Đỗ Thị Năm", "F", "near_poor"),
    ]
    assert codes(reading) == [(8, "D", "gender_conflict")]  # the signer's name is not read as a person


def test_the_best_sheet_is_chosen_and_all_sheets_can_be_read_together():
    rows = [ward_row(1, "Nguyễn Văn An", 1970, "092070000111", "12", "Khu vực 1", "0912345678")]
    wb = load_workbook(ward_list(rows, extra_sheets=1))
    notes = wb.create_sheet("Ghi chú", 0)  # a first sheet without any list
    notes["A1"] = "Hướng dẫn điền biểu mẫu"
    data = to_bytes(wb)
    reading = importing.read(data)
    assert [s.title for s in reading.chosen] == ["Danh sách"]
    assert {s.title: s.header_row for s in reading.sheets} == {"Ghi chú": 0, "Danh sách": 8, "Danh sách 2": 8}
    both = importing.read(data, sheet=importing.ALL_SHEETS)
    assert [s.title for s in both.chosen] == ["Danh sách", "Danh sách 2"]
    # the same person on both sheets: reported with both rows
    assert [(p.sheet, p.row, p.code) for p in both.problems] == [("Danh sách 2", 10, "repeated")]
    assert "10 (Danh sách)" in both.problems[0].message
    picked = importing.read(data, sheet="Danh sách 2")
    assert [s.title for s in picked.chosen] == ["Danh sách 2"] and len(picked.rows) == 1


def test_a_person_twice_in_one_file_names_both_rows():
    rows = [
        ward_row(1, "Nguyễn Văn An", 1970, "092070000111", "12", "Khu vực 1", "0912345678"),
        ward_row(2, "Lê Văn Bình", 1971, "092071000222", "14", "Khu vực 1", "0912345679"),
        ward_row(3, "Nguyễn Văn Ân", 1970, 92070000111, "12", "KV1", "0912345678"),  # same ID, other spelling
    ]
    reading = importing.read(ward_list(rows))
    assert codes(reading) == [(12, "E", "repeated")]
    assert "rows 10 and 12" in reading.problems[0].message


def test_the_user_can_correct_the_mapping_and_the_header_row():
    data = simple_list(
        ["Họ và tên", "Ngày sinh", "Địa chỉ", "Điện thoại liên lạc của hộ"],
        [["Nguyễn Văn An", "14/03/1985", "12 Mậu Thân", "0912345678"]],
        title_rows=2,
    )
    reading = importing.read(data)
    assert fields_of(reading.main) == {"A": "full_name", "B": "date_of_birth", "C": "address", "D": "phone"}
    assert reading.main.column("phone").confidence == import_mapping.KEYWORD  # only a keyword matched
    assert reading.main.column("full_name").confidence == import_mapping.EXACT
    corrected = importing.read(data, overrides={3: "note", 2: ""})
    assert fields_of(corrected.main) == {"A": "full_name", "B": "date_of_birth", "C": "", "D": "note"}
    assert corrected.rows[0].phone == "" and corrected.rows[0].note == "0912345678"
    assert importing.read(data, header_row=3).main.header_row == 3
    with pytest.raises(importing.ImportError_):
        importing.read(data, sheet="Không có")


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("HỌ TÊN CHỦ HỘ", "head_name"),
        ("Tên chủ hộ", "head_name"),
        ("Ho va ten", "full_name"),
        ("Ngày tháng năm sinh", "date_of_birth"),
        ("SĐT", "phone"),
        ("Số CMND", "citizen_id"),
        ("Tổ dân phố", "neighbourhood"),
        ("Quan hệ với chủ hộ", "relationship"),
        ("Diện", "category"),
        ("Nơi ở hiện nay", "address"),
    ],
)
def test_vietnamese_header_wordings_are_recognised_accent_and_case_free(header, field):
    assert import_mapping.match_header(header).field == field
    assert import_mapping.match_header(header.upper()).field == field


def test_what_is_not_a_list_is_refused_with_a_clear_message():
    with pytest.raises(importing.ImportError_) as not_xlsx:
        importing.read(io.BytesIO(b"Ho ten;Ngay sinh\nNguyen Van A;1970\n"))
    assert not_xlsx.value.code == "not_xlsx"
    with pytest.raises(importing.ImportError_) as empty:
        importing.read(to_bytes(Workbook()))
    assert empty.value.code == "empty"
    no_header = simple_list(["Cột 1", "Cột 2"], [["a", "b"], ["c", "d"]])
    with pytest.raises(importing.ImportError_) as unknown:
        importing.read(no_header)
    assert unknown.value.code == "no_header" and "header" in unknown.value.message


def test_dates_in_the_future_or_implausible_are_problems():
    rows = [
        ward_row(1, "Nguyễn Văn An", "31/02/1970", "", "12", "Khu vực 1", "0912345678"),
        ward_row(2, "Lê Văn Bình", "01/01/2030", "", "14", "Khu vực 1", "0912345679"),
        ward_row(3, "Trần Văn Cư", "1850", "", "16", "Khu vực 1", "0912345670"),
    ]
    reading = importing.read(ward_list(rows))
    assert codes(reading) == [(10, "C", "date_out_of_range"), (11, "C", "birth_future"), (12, "C", "birth_implausible")]

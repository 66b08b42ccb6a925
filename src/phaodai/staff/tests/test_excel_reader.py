"""The generic .xlsx reader (core/xlsx.py) on the headers, values and footers that real lists contain."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from phaodai.core import xlsx
from phaodai.staff.excel import KEY_FIELDS, name_key, staff_fields


def table_for(*rows, **kwargs):
    return xlsx.find_table(
        [list(r) for r in rows], staff_fields(), required_any=("full_name",), ignored=("ignored", "counter"), **kwargs
    )


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Họ và tên", "full_name"),
        ("HỌ, TÊN", "full_name"),
        ("Full name *", "full_name"),
        ("Ngày tháng năm sinh", "date_of_birth"),
        ("Ngày sinh (dd/mm/yyyy)", "date_of_birth"),
        ("Date of birth", "date_of_birth"),
        ("Giới tính", "gender"),
        ("Số CCCD", "citizen_id"),
        ("CCCD/CMND", "citizen_id"),
        ("Số định danh cá nhân", "citizen_id"),
        ("Số CMND/CCCD", "citizen_id"),
        ("SĐT", "phone"),
        ("Số điện thoại", "phone"),
        ("Điện thoại cơ quan", "phone"),  # a phone, not an agency
        ("Đơn vị", "agency"),
        ("Cơ quan, đơn vị công tác", "agency"),
        ("Chức vụ", "position"),
        ("Kỹ năng", "skills"),
        ("Trạng thái", "status"),
        ("Tình trạng", "status"),
        ("Tình trạng tiêm chủng", "vaccination_status"),  # not "status"
        ("Tiêm chủng", "vaccination_status"),
        ("Nơi ở", "home_unit"),
        ("Ngày cấp CCCD", "ignored"),  # not the citizen ID
        ("STT", "counter"),
    ],
)
def test_headers_are_matched_whatever_the_case_accents_spacing_and_wording(db, header, field):
    table = table_for(["Họ và tên" if field != "full_name" else header, header, "Số CCCD"])
    assert table is not None
    assert table.columns[field].label == header


def test_english_headers_work_as_well(db):
    with translation.override("en"):
        table = table_for(["Full name", "Gender", "Date of birth", "Citizen ID", "Phone", "Agency", "Skills"])
    assert set(table.columns) == {"full_name", "gender", "date_of_birth", "citizen_id", "phone", "agency", "skills"}


def test_the_header_is_found_below_a_title_block_but_only_within_15_rows(db):
    title = [["UBND PHƯỜNG TÂN AN", None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"], ["DANH SÁCH CÁN BỘ"], []]
    header = ["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Cơ quan"]
    table = table_for(*title, *[[] for _ in range(8)], header)
    assert table.header_row == 12
    assert table_for(*title, *[[] for _ in range(13)], header) is None


def test_a_two_row_header_with_birth_dates_under_nam_and_nu_is_understood(db):
    table = table_for(
        ["STT", "Họ tên", "Năm sinh", None, "Số định danh", "Địa chỉ", None],
        [None, None, "Nam", "Nữ", None, "Số nhà", "Ấp/Khu vực"],
    )
    assert table.header_row == 2
    assert (table.columns["dob_male"].letter, table.columns["dob_female"].letter) == ("C", "D")
    assert table.columns["dob_female"].label == "Năm sinh / Nữ"
    assert table.columns["citizen_id"].letter == "E"
    assert "Địa chỉ / Số nhà" in {c.label for c in table.unused} | {table.columns["ignored"].label}


def test_a_gender_group_with_x_marks_under_nam_and_nu_is_understood(db):
    table = table_for(["Họ tên", "Giới tính", None, "Ngày sinh", "CCCD"], [None, "Nam", "Nữ", None, None])
    assert (table.columns["gender_male"].letter, table.columns["gender_female"].letter) == ("B", "C")


def rows_after(table, *rows):
    return list(xlsx.data_rows(iter(rows), table, key_fields=KEY_FIELDS, counter_field="counter"))


def test_numbering_blank_total_and_signature_rows_are_not_people(db):
    table = table_for(["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Cơ quan", "Chức vụ"])
    found = rows_after(
        table,
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
        [1, "Nguyễn Văn A", "01/01/1990", "092090000001", "UBND", "Chủ tịch"],
        [None, None, None, None, None, None],
        [2, "Trần Thị B", "01/01/1991", "092191000002", "UBND", ""],
        ["Tổng cộng: 2 người", None, None, None, None, None, 2],
        [None, "NGƯỜI LẬP BIỂU", None, None, None, "TM. ỦY BAN NHÂN DÂN"],
        [None, None, None, None, None, "CHỦ TỊCH"],
        [None, None, None, None, None, "Nguyễn Văn Bảy"],
    )
    assert [r.number for r in found] == [3, 5]
    assert table.footer_rows == [6, 7, 8, 9]


def test_a_person_in_the_middle_is_never_taken_for_a_footer(db):
    """A row without ID or birth date but with "Chủ tịch" is held back, and given back when people follow."""
    table = table_for(["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Cơ quan", "Chức vụ"])
    found = rows_after(
        table,
        [1, "Nguyễn Văn A", None, None, "UBND", "Chủ tịch UBND"],
        [2, "Trần Thị B", "01/01/1991", "092191000002", "Công an phường", ""],
    )
    assert [r.number for r in found] == [2, 3]
    assert table.footer_rows == []


@pytest.mark.parametrize(
    ("text", "footer"),
    [
        ("Tổng cộng: 40 hộ", True),
        ("Cộng: 12", True),
        ("Total 40", True),
        ("NGƯỜI LẬP BIỂU", True),
        ("TM. ỦY BAN NHÂN DÂN", True),
        ("Công an phường Tân An", False),
        ("Cộng tác viên dân số", False),
        ("Nguyễn Văn Tổng", False),
    ],
)
def test_footer_rows_are_recognised_by_their_words(text, footer):
    assert xlsx.is_footer_row([None, text]) is footer


def test_numbering_rows_are_recognised():
    assert xlsx.is_numbering_row(["(1)", "(2)", "(3)"])
    assert xlsx.is_numbering_row([1, 2, 3, 4, 5])
    assert not xlsx.is_numbering_row([1, "Nguyễn Văn A", 92090000001])
    assert not xlsx.is_numbering_row([1, 1990, 3])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(1985, 3, 14, 0, 0), date(1985, 3, 14)),
        (31120, date(1985, 3, 14)),
        (31120.0, date(1985, 3, 14)),
        ("14/03/1985", date(1985, 3, 14)),
        ("4/3/1985", date(1985, 3, 4)),
        ("14-03-1985", date(1985, 3, 14)),
        ("14.03.1985", date(1985, 3, 14)),
        ("14/03/1985 00:00:00", date(1985, 3, 14)),
        (" 1985-03-14 ", date(1985, 3, 14)),
    ],
)
def test_dates_are_parsed_from_what_cells_hold(value, expected):
    assert xlsx.parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("31/02/1990", "date_out_of_range"),
        ("03/25/1990", "date_out_of_range"),  # month/day order of US dates
        ("14/03/85", "date_two_digit_year"),
        (1985, "date_year_only"),
        ("1985", "date_year_only"),
        ("mười bốn tháng ba", "date_invalid"),
    ],
)
def test_bad_dates_say_what_is_wrong(value, code):
    with pytest.raises(ValidationError) as info:
        xlsx.parse_date(value)
    assert info.value.code == code


def test_cell_text_cleans_what_excel_and_people_leave():
    nfd = unicodedata.normalize("NFD", "Trần Thị Ánh")
    assert xlsx.cell_text(f"\u00a0 {nfd}\u200b  ") == "Trần Thị Ánh"
    assert xlsx.cell_text("'093203609262") == "093203609262"
    assert xlsx.cell_digits(79194959425.0) == "79194959425"


def test_agency_names_match_with_common_abbreviations():
    assert name_key("UBND P. Tân An") == name_key("Ủy ban nhân dân Phường Tân An")
    assert name_key("TTYT quận Ninh Kiều") == name_key("Trung tâm Y tế Quận Ninh Kiều")
    assert name_key("UBND Phường An Hòa") != name_key("Ủy ban nhân dân Phường Tân An")


def test_section_headings_and_subtotals_between_groups_are_skipped(db):
    table = table_for(["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Cơ quan", "Chức vụ"])
    found = rows_after(
        table,
        ["I", "KHỐI ĐẢNG, ĐOÀN THỂ", None, None, None, None],
        [1, "Nguyễn Văn A", "01/01/1990", "092090000001", "Đảng ủy", ""],
        ["Cộng: 1", None, None, None, None, 1],
        ["II", "KHỐI CHÍNH QUYỀN", None, None, None, None],
        [1, "Trần Thị B", "01/01/1991", "092191000002", "UBND", ""],
    )
    assert [r.number for r in found] == [3, 6]
    assert table.footer_rows == [4]


def test_the_writer_keeps_text_numbers_booleans_and_dates_apart(db):
    import io as _io

    from openpyxl import load_workbook

    class Row:
        def __init__(self, **kw):
            self.__dict__.update(kw)

    columns = [
        xlsx.ExportColumn('Tên <&> "x"', "name"),
        xlsx.ExportColumn("Số", "n", xlsx.NUMBER),
        xlsx.ExportColumn("Có", "flag", xlsx.BOOL),
        xlsx.ExportColumn("Ngày", "day", xlsx.DATE),
        xlsx.ExportColumn("Lúc", "when", xlsx.DATETIME),
    ]
    rows = [
        Row(name="A & B <c>\x07", n=12, flag=True, day=date(1985, 3, 14), when=datetime(2021, 8, 26, 14, 30)),
        Row(name="0912", n=1.5, flag=False, day=None, when=None),
    ]
    with translation.override("en"):
        out = xlsx.write_xlsx(rows, columns, title="Danh sách: [thử]")
    wb = load_workbook(_io.BytesIO(out.read()))
    ws = wb.active
    assert ws.title == "Danh sách   thử"
    assert [c.value for c in ws[1]] == ['Tên <&> "x"', "Số", "Có", "Ngày", "Lúc"]
    assert [c.value for c in ws[2]] == ["A & B <c>", 12, "Yes", datetime(1985, 3, 14), datetime(2021, 8, 26, 14, 30)]
    assert [c.value for c in ws[3]] == ["0912", 1.5, "No", None, None]
    assert ws["A3"].data_type == "s" and ws["E2"].number_format == "DD/MM/YYYY HH:MM"
    assert ws.auto_filter.ref == "A1:E3"


def test_reading_stops_after_a_long_run_of_blank_rows(db):
    table = table_for(["Họ và tên", "Ngày sinh", "Số CCCD"])
    blank = [[None, None, None]] * (xlsx.MAX_BLANK_RUN + 1)
    found = rows_after(table, ["A", "01/01/1990", "092090000001"], *blank, ["B", "01/01/1990", "092090000002"])
    assert [r.values["full_name"] for r in found] == ["A"]

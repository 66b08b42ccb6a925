"""The decision as an official PDF (Decree 30/2020 layout, Vietnamese whatever the reader's language) and the Excel
list sent to Health. The PDF is checked by extracting its text, page by page."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader

from phaodai.accounts.roles import Role
from phaodai.mobilisation import documents as D
from phaodai.mobilisation import services as S
from phaodai.mobilisation.models import AssignmentState
from phaodai.mobilisation.testing import make_decision, make_request
from phaodai.places.models import AgencyKind
from phaodai.testing import AN_HOA, CITY, TAN_AN, make_agency, make_staff, make_user

START, END = date(2025, 2, 10), date(2025, 2, 23)
SIGNED = timezone.make_aware(datetime(2025, 2, 5, 9, 30))


@pytest.fixture(autouse=True)
def english():
    # The reader's language is English: the PDF must still be Vietnamese.
    with translation.override("en"):
        yield


def build(world, people: int = 5, per_commune: dict | None = None):
    finance = make_agency("Sở Tài chính", CITY, AgencyKind.DEPARTMENT, headcount=people + 60, min_in_office=2)
    world.finance = [
        make_staff(
            f"Trương Thị Ngọc {i:02d}",
            finance,
            gender="F",
            dob=date(1990, 1, 2),
            phone=f"0912{i:06d}",
            position="Chuyên viên",
        )
        for i in range(people + 2)
    ]
    world.users["thutruong"] = make_user("thutruong", Role.AGENCY_HEAD, agency=finance)
    request = make_request(world, per_commune or {TAN_AN: 3, AN_HOA: 2}, START, END)
    return S.propose_decision([request], world.users["home_affairs"], date(2025, 2, 4))


def approve(world, decision):
    S.approve_decision(
        decision, world.users["home_affairs"], "125/QĐ-UBND", "Trần Việt Trường", "Chủ tịch", today=date(2025, 2, 5)
    )
    decision.refresh_from_db()
    decision.approved_at = SIGNED
    decision.save()
    return decision


def pages(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


@pytest.fixture
def approved(world):
    return approve(world, build(world))


def test_the_decision_page_has_every_part_of_the_administrative_layout(approved):
    pdf = D.decision_pdf(approved)
    assert pdf.startswith(b"%PDF")
    first = pages(pdf)[0]
    for part in [
        "ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ",  # issuing body
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",  # national title
        "Độc lập - Tự do - Hạnh phúc",  # motto
        "Số: 125/QĐ-UBND",  # number and symbol
        "Cần Thơ, ngày 05 tháng 02 năm 2025",  # place and date
        "QUYẾT ĐỊNH Về việc điều động cán bộ, công chức, viên chức",  # type and summary
        "CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ",  # authority
        "Căn cứ Luật Tổ chức chính quyền địa phương",  # legal bases
        "Căn cứ Luật Phòng, chống bệnh truyền nhiễm ngày 21 tháng 11 năm 2007;",
        "Xét đề nghị của Sở Y tế",
        "QUYẾT ĐỊNH:",
        "Điều 1. Điều động 05 cán bộ, công chức, viên chức, người lao động",
        "tại Phường An Hòa (02 người), Phường Tân An (03 người)",
        "từ ngày 10 tháng 02 năm 2025 đến hết ngày 23 tháng 02 năm 2025",
    ]:
        assert part in first, part
    whole = " ".join(pages(pdf))
    for part in ["Điều 2.", "Điều 3.", "chịu trách nhiệm thi hành Quyết định này./.", "Nơi nhận:", "- Lưu: VT, NC."]:
        assert part in whole, part
    assert "CHỦ TỊCH Trần Việt Trường" in whole  # signature block: title, then the signer's name


def test_the_party_organisation_boards_decision_prints_as_a_party_document(world):
    """The Party bloc's decision is the Party Organisation Board's: Party header, Party numbering, the board signs."""
    from phaodai.places.models import Bloc

    youth = world.agencies["doan_thanh_nien"]
    people = [make_staff(f"Đoàn viên {i:02d}", youth, gender="F") for i in range(14)]
    request = make_request(world, {TAN_AN: 3}, START, END)
    decision = S.propose_decision([request], world.users["party_board"], date(2025, 2, 4))
    assert {a.agency.bloc for a in decision.assignments.all()} == {Bloc.PARTY} and people
    draft = " ".join(pages(D.decision_pdf(decision)))
    assert "Số -QĐ/BTCTU" in draft  # the number left blank for the clerk, the Party's symbol
    S.approve_decision(
        decision, world.users["party_board"], "18-QĐ/BTCTU", "Nguyễn Thị Hồng", "Trưởng Ban", today=date(2025, 2, 5)
    )
    decision.refresh_from_db()
    first = pages(D.decision_pdf(decision))[0]
    for part in [
        "THÀNH ỦY CẦN THƠ BAN TỔ CHỨC *",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Số 18-QĐ/BTCTU",
        "BAN TỔ CHỨC THÀNH ỦY CẦN THƠ",
    ]:
        assert part in first, part
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in first and "Độc lập - Tự do - Hạnh phúc" not in first
    whole = " ".join(pages(D.decision_pdf(decision)))
    assert "T/M BAN TỔ CHỨC TRƯỞNG BAN Nguyễn Thị Hồng" in whole
    assert "Kèm theo Quyết định số 18-QĐ/BTCTU" in whole and "của Ban Tổ chức Thành ủy Cần Thơ" in whole


def test_the_annex_lists_the_people_on_a_landscape_page_of_its_own(world, approved):
    pdf = D.decision_pdf(approved)
    reader = PdfReader(io.BytesIO(pdf))
    texts = pages(pdf)
    annex = next(i for i, text in enumerate(texts) if text.startswith("DANH SÁCH"))
    assert annex > 0
    assert "Trương Thị Ngọc" not in " ".join(texts[:annex])  # the decision itself names nobody
    portrait, wide = reader.pages[0].mediabox, reader.pages[annex].mediabox
    assert portrait.width < portrait.height and wide.width > wide.height
    text = texts[annex]
    assert (
        "(Kèm theo Quyết định số 125/QĐ-UBND ngày 05 tháng 02 năm 2025 của Chủ tịch Ủy ban nhân dân thành phố" in text
    )
    assert "TT Họ và tên Ngày sinh Chức vụ Cơ quan, đơn vị công tác" in text
    for row in approved.assignments.select_related("staff", "target__commune"):
        assert row.staff.full_name in text
    assert "01/01/1990" not in text and "02/01/1990" in text  # date of birth dd/mm/yyyy
    assert "Phường Tân An, Quận Ninh Kiều" in text and "10/02/2025 - 23/02/2025" in text
    assert "Tổng cộng: 05 người" in text


def test_a_long_annex_repeats_its_header_and_numbers_its_own_pages(world):
    decision = approve(world, build(world, people=40, per_commune={TAN_AN: 40}))
    texts = pages(D.decision_pdf(decision))
    annex = next(i for i, text in enumerate(texts) if text.startswith("DANH SÁCH"))
    following = texts[annex + 1 :]
    assert following, "40 people take more than one landscape page"
    for number, text in enumerate(following, start=2):
        assert text.startswith(f"{number} TT Họ và tên"), text[:60]  # page number, then the repeated header
    assert "Tổng cộng: 40 người" in following[-1]
    # the decision's own pages: no number on page 1, "2" on page 2
    assert not texts[0].startswith("1 ")
    if annex > 1:
        assert texts[1].startswith("2 ")


def test_a_substituted_person_is_not_listed_and_the_substitute_says_whom_they_replace(world):
    decision = build(world)
    place = decision.assignments.order_by("pk").first()
    taken = set(decision.assignments.values_list("staff_id", flat=True))
    newcomer = next(p for p in world.finance if p.pk not in taken)
    S.substitute(place, newcomer, world.users["thutruong"], "Đang điều trị")
    decision = approve(world, decision)
    text = " ".join(pages(D.decision_pdf(decision)))
    assert f"Thay bà {place.staff.full_name}" in text
    annex = text[text.index("DANH SÁCH") :]
    assert annex.count(place.staff.full_name) == 1  # only in the note, not as a row
    assert newcomer.full_name in annex


def test_a_decision_not_yet_approved_prints_as_a_draft_with_blanks_for_the_clerk(world):
    decision = build(world)
    first = pages(D.decision_pdf(decision))[0]
    assert "DỰ THẢO" in first
    assert "125/QĐ-UBND" not in first and "/QĐ-UBND" in first
    assert "Cần Thơ, ngày tháng năm" in first
    assert "Điều động 05 cán bộ" in first  # the proposed people


def test_the_font_is_embedded_liberation_serif():
    # Metric-compatible with Times New Roman and with every Vietnamese letter (see the module docstring).
    from reportlab.pdfbase import pdfmetrics

    D.register_fonts()
    font = pdfmetrics.getFont(D.FONT)
    for letter in "ĐđƯưƠơẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ":
        assert ord(letter) in font.face.charToGlyph, letter


def test_the_pdf_embeds_its_font(approved):
    reader = PdfReader(io.BytesIO(D.decision_pdf(approved)))
    fonts = {
        str(font.get_object()["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("LiberationSerif" in name for name in fonts), fonts


def test_vietnamese_dates_pad_the_day_and_january_and_february_only():
    assert D.vietnamese_date(date(2025, 2, 5)) == "ngày 05 tháng 02 năm 2025"
    assert D.vietnamese_date(date(2021, 8, 11)) == "ngày 11 tháng 8 năm 2021"
    assert D.vietnamese_date(date(2021, 12, 3)) == "ngày 03 tháng 12 năm 2021"


def test_the_file_names_are_ascii(world, approved):
    assert D.decision_filename(approved, "pdf") == "quyet-dinh-125-qd-ubnd.pdf"
    draft = make_decision(world)
    assert D.decision_filename(draft, "xlsx") == f"du-thao-quyet-dinh-{draft.pk}.xlsx"


def test_the_excel_list_for_health_has_one_row_per_person_with_contacts(approved):
    sheet = load_workbook(D.decision_xlsx(approved)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, people = rows[0], rows[1:]
    assert header[:6] == ("No.", "Full name", "Gender", "Date of birth", "Phone", "Agency")
    assert "Sent to" in header and "From" in header and "To" in header
    assert len(people) == 5
    names = {row.staff.full_name: row for row in approved.assignments.select_related("staff", "target__commune")}
    for line in people:
        assignment = names[line[1]]
        assert line[4] == assignment.staff.phone and line[4].startswith("0")  # phone kept as text
        assert line[3].date() == date(1990, 1, 2)  # a real date cell
        assert line[header.index("Sent to")] == assignment.target.commune.name
        assert line[header.index("From")].date() == START
    assert [line[0] for line in people] == [1, 2, 3, 4, 5]
    assert sheet.title == "Decision 125 QĐ-UBND"


def test_the_excel_list_leaves_out_withdrawn_places(world):
    decision = build(world)
    place = decision.assignments.order_by("pk").first()
    taken = set(decision.assignments.values_list("staff_id", flat=True))
    newcomer = next(p for p in world.finance if p.pk not in taken)
    S.substitute(place, newcomer, world.users["thutruong"], "Đang điều trị")
    sheet = load_workbook(D.decision_xlsx(decision)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert place.staff.full_name not in names and newcomer.full_name in names
    assert decision.assignments.filter(state=AssignmentState.WITHDRAWN).count() == 1

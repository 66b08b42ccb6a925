"""The mobilisation decision as documents: the PDF of the decision (quyết định điều động) with its annex list, in the
layout of Decree 30/2020/NĐ-CP, and the Excel list sent to Health.

The PDF is an official document: it is in Vietnamese whatever the user's language. Its layout follows
`shared/reference/document-format.md` (Decree 30/2020/NĐ-CP, Appendix I): A4 portrait, margins 20/20/30/15 mm;
issuing body top left and national title and motto top right, each with a drawn rule of the right length; number
and symbol under the body, place and date (italic) under the motto; type and summary centred, a short rule; the
authority line; the legal bases in italics; "QUYẾT ĐỊNH:"; Articles 1-3; "Nơi nhận" and the signature block kept
together on one page; page numbers centred in the top margin from page 2. The annex (the list of people) starts on
a new, landscape page ("landscape is fine for wide tables") with its own title and "Kèm theo Quyết định số ..."
line, its header row repeated on every page and its own page numbering. A decision not yet approved prints as a
draft ("DỰ THẢO", number and date left blank for the clerk).

Font: the decree asks for Times New Roman, which cannot be shipped. We embed Liberation Serif 2.1.5 (SIL Open Font
License 1.1, `fonts/LICENSE-OFL.txt`), metric-compatible with Times New Roman (same widths, so lines break where
they would in Word) and covering every Vietnamese letter; it lives in `phaodai/mobilisation/fonts/` so that a fresh
machine that installs only from PyPI has it too (Debian's package fonts-liberation2 holds the same files; no PyPI
package ships them). This is a visible deviation from the decree's font rule, to be noted when the document is
checked against the official text. PDF library: reportlab (platypus), which subsets and embeds the font.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from phaodai.accounts.roles import Role
from phaodai.core import xlsx
from phaodai.core.text import fold
from phaodai.mobilisation.models import Assignment, AssignmentState, DecisionStatus, MobilisationDecision, Task

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "LiberationSerif"
FONT_FILES = {
    FONT: "LiberationSerif-Regular.ttf",
    f"{FONT}-Bold": "LiberationSerif-Bold.ttf",
    f"{FONT}-Italic": "LiberationSerif-Italic.ttf",
    f"{FONT}-BoldItalic": "LiberationSerif-BoldItalic.ttf",
}
BOLD, ITALIC, BOLD_ITALIC = f"{FONT}-Bold", f"{FONT}-Italic", f"{FONT}-BoldItalic"

PAGE = A4
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20 * mm, 20 * mm, 30 * mm, 15 * mm
ANNEX_PAGE = landscape(A4)
ANNEX_MARGIN_LEFT, ANNEX_MARGIN_RIGHT = 20 * mm, 15 * mm
BODY_SIZE = 14
INDENT = 10 * mm  # first-line indent 1 cm
BLANK = "\u00a0"  # a space the clerk fills in by hand (a draft's number and date); never collapsed

#: Legal bases of a mobilisation decision ("Căn cứ ..."); a deployment may set PHAODAI_DECISION_LEGAL_BASES.
LEGAL_BASES = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều của "
    "Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019",
    "Căn cứ Luật Phòng, chống bệnh truyền nhiễm ngày 21 tháng 11 năm 2007",
    "Căn cứ Luật Cán bộ, công chức ngày 13 tháng 11 năm 2008 và Luật Viên chức ngày 15 tháng 11 năm 2010",
)

#: The tasks as an official document names them (always Vietnamese, whatever the reader's language).
TASK_TEXT = {
    Task.DISTANCING: "giám sát thực hiện giãn cách xã hội tại các chốt kiểm soát",
    Task.SAMPLING: "hỗ trợ lấy mẫu xét nghiệm",
    Task.VACCINATION: "hỗ trợ tổ chức tiêm chủng vắc xin",
    Task.DATA_ENTRY: "nhập liệu, xử lý thông tin",
    Task.WELFARE: "hỗ trợ bảo đảm an sinh xã hội, cung ứng lương thực, thực phẩm cho người dân",
    Task.OTHER: "thực hiện nhiệm vụ khác",
}

#: The annex lists these; a withdrawn place (someone substituted) is not in it.
LISTED_STATES = {
    DecisionStatus.APPROVED: (AssignmentState.APPROVED, AssignmentState.RELEASED),
    DecisionStatus.PROPOSED: (AssignmentState.PROPOSED,),
    DecisionStatus.CANCELLED: (),
}


# --------------------------------------------------------------------------------------------------------------
# Words and dates as the clerical rules write them
# --------------------------------------------------------------------------------------------------------------


def vietnamese_date(day: date) -> str:
    """ "ngày 05 tháng 02 năm 2025", "ngày 11 tháng 8 năm 2021": days below 10 and months 1 and 2 get a zero."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def short_date(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def place_name(unit) -> str:
    """ "Thành phố Cần Thơ" → "Cần Thơ" (the place line names the place, not its type)."""
    name, kind = unit.name, (unit.division_type or "").strip()
    if kind and name.lower().startswith(kind.lower() + " "):
        return name[len(kind) + 1 :]
    return name


def upper(text: str) -> str:
    return text.upper()


def _pronoun(staff) -> str:
    return "bà" if staff.gender == "F" else "ông"


# --------------------------------------------------------------------------------------------------------------
# What the decision says
# --------------------------------------------------------------------------------------------------------------


@dataclass
class _Line:
    """One person of the annex."""

    number: int
    assignment: Assignment

    @property
    def staff(self):
        return self.assignment.staff


@dataclass
class DecisionText:
    """Everything the PDF prints, worked out from the decision (the Excel list uses the same rows)."""

    decision: MobilisationDecision
    draft: bool
    body_lines: list[str]
    place: str
    issued_on: date | None
    number: str
    symbol: str
    summary: str
    authority: str
    bases: list[str]
    articles: list[tuple[str, list[str]]]
    recipients: list[str]
    signature_title: list[str]
    signer: str
    rows: list[Assignment]
    party: bool = False  # a Party document (the Party Organisation Board's decision): see party_text

    @property
    def number_line(self) -> str:
        if self.party:  # "Số 18-QĐ/BTCTU": the Party writes no colon, the kind before the slash
            return f"Số {self.number}" if self.number else f"Số {BLANK * 8}-{self.symbol}"
        return f"Số: {self.number}" if self.number else f"Số: {BLANK * 14}/{self.symbol}"

    @property
    def nation_lines(self) -> list[str]:
        return ["ĐẢNG CỘNG SẢN VIỆT NAM"] if self.party else ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]

    @property
    def motto(self) -> str:
        return "" if self.party else "Độc lập - Tự do - Hạnh phúc"

    @property
    def date_line(self) -> str:
        if self.issued_on is None:
            year = timezone.localdate().year
            return f"{self.place}, ngày {BLANK * 6} tháng {BLANK * 6} năm {year}"
        return f"{self.place}, {vietnamese_date(self.issued_on)}"

    @property
    def annex_reference(self) -> str:
        issued = vietnamese_date(self.issued_on) if self.issued_on else "ngày ... tháng ... năm ..."
        number = self.number or f"....../{self.symbol}"
        return f"(Kèm theo Quyết định số {number} {issued} của {self.authority_sentence})"

    @property
    def authority_sentence(self) -> str:
        if self.party:
            return "Ban Tổ chức " + party_committee(self.decision.issuing_unit)
        return "Chủ tịch Ủy ban nhân dân " + _unit_phrase(self.decision.issuing_unit)


def _unit_phrase(unit) -> str:
    """ "thành phố Cần Thơ", "quận Ninh Kiều": the type in lower case inside a sentence."""
    kind = (unit.division_type or "").strip()
    return f"{kind.lower()} {place_name(unit)}" if kind else unit.name


def party_committee(unit) -> str:
    """ "Thành ủy Cần Thơ" for a centrally-run city, "Tỉnh ủy ..." for a province, "Quận ủy ..." and so on below."""
    kind = (unit.division_type or "").strip().lower()
    prefix = {"thành phố": "Thành ủy", "tỉnh": "Tỉnh ủy", "quận": "Quận ủy", "huyện": "Huyện ủy", "thị xã": "Thị ủy"}
    return f"{prefix.get(kind, 'Đảng ủy')} {place_name(unit)}"


def is_party_decision(decision: MobilisationDecision) -> bool:
    """The Party Organisation Board's decision (it mobilises the Party bloc): numbered the Party's way."""
    return bool(re.match(r"^\d+-", decision.number or "")) or (
        decision.created_by is not None and decision.created_by.role == Role.PARTY_BOARD
    )


def party_text(text: DecisionText) -> DecisionText:
    """The same decision as a Party document (Hướng dẫn 36-HD/VPTW on Party documents — from common practice, NOT
    checked against the official text; flagged in docs/architecture.md): "ĐẢNG CỘNG SẢN VIỆT NAM" top right with no
    motto, the superior committee and the board top left with a star, "Số 18-QĐ/BTCTU", the board as authority and
    "T/M BAN TỔ CHỨC" above the signer's title."""
    unit = text.decision.issuing_unit
    committee = party_committee(unit)
    text.party = True
    text.body_lines = [upper(committee), "BAN TỔ CHỨC", "*"]
    if "/" in (text.decision.number or "") and "-" in text.decision.number.split("/")[0]:
        text.symbol = text.decision.number.split("-", 1)[1]
    else:
        initials = {"Thành ủy": "TU", "Tỉnh ủy": "TU", "Quận ủy": "QU", "Huyện ủy": "HU", "Thị ủy": "TU"}
        text.symbol = "QĐ/BTC" + initials.get(" ".join(committee.split()[:2]), "ĐU")
    text.authority = "BAN TỔ CHỨC " + upper(committee)
    text.bases = [
        line.replace("đề nghị của Giám đốc Sở Nội vụ", "đề nghị của Phòng Tổ chức cán bộ") for line in text.bases
    ]
    text.recipients = [
        "- Như Điều 3;",
        f"- Thường trực {committee};",
        "- Sở Y tế (Tổ Điều phối nguồn nhân lực);",
        "- Sở Nội vụ;",
        "- Lưu: VP, BTC.",
    ]
    text.articles[-1] = (
        text.articles[-1][0],
        [
            "Quyết định này có hiệu lực kể từ ngày ký.",
            f"Các phòng thuộc Ban Tổ chức {committee}, Sở Y tế, các cơ quan Đảng, Mặt trận Tổ quốc và đoàn thể có "
            "người được điều động, Chủ tịch Ủy ban nhân dân các xã, phường nơi tiếp nhận và các đồng chí có tên "
            "tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
        ],
    )
    if not text.decision.signer_title:
        text.signature_title = ["T/M BAN TỔ CHỨC", "TRƯỞNG BAN"]
    elif not text.signature_title[0].startswith(("T/M", "KT.")):
        text.signature_title = ["T/M BAN TỔ CHỨC", *text.signature_title]
    return text


def _proposer(request) -> str:
    if request.requested_by.role == Role.HEALTH:
        return "Sở Y tế"
    return "Ủy ban nhân dân " + _unit_phrase(request.origin_unit)


def listed_assignments(decision: MobilisationDecision) -> list[Assignment]:
    """The people of the annex, commune by commune, then by agency and name."""
    return list(
        decision.assignments.filter(state__in=LISTED_STATES.get(decision.status, ()))
        .select_related(
            "staff",
            "agency",
            "target__commune__parent",
            "target__request",
            "substitutes__staff",
        )
        .prefetch_related("staff__skills")
        .order_by("target__commune__path", "target__request__start_date", "agency__name", "staff__search_name", "pk")
    )


def decision_text(decision: MobilisationDecision) -> DecisionText:
    unit = decision.issuing_unit
    draft = decision.status != DecisionStatus.APPROVED
    rows = listed_assignments(decision)
    number = "" if draft else decision.number
    symbol = decision.number.split("/", 1)[1] if "/" in decision.number else "QĐ-UBND"
    issued_on = None if draft or decision.approved_at is None else timezone.localdate(decision.approved_at)
    scope = _unit_phrase(unit)
    requests = list(decision.requests.select_related("origin_unit", "requested_by").order_by("start_date", "pk"))

    bases = list(getattr(settings, "PHAODAI_DECISION_LEGAL_BASES", LEGAL_BASES))
    proposers = list(dict.fromkeys(_proposer(r) for r in requests))
    titles = "; ".join(f"“{r.title}”" for r in requests)
    if proposers:
        bases.append(
            f"Xét đề nghị của {', '.join(proposers)} về nhu cầu nhân lực ({titles}) và đề nghị của Giám đốc Sở Nội vụ"
        )
    else:
        bases.append("Theo đề nghị của Giám đốc Sở Nội vụ")
    bases = [b.rstrip(";. ") + (";" if i < len(bases) - 1 else ".") for i, b in enumerate(bases)]

    # Article 1: how many, for what, where, when — one clause per request.
    counts: dict[int, dict[int, int]] = {}
    for row in rows:
        per_commune = counts.setdefault(row.target.request_id, {})
        per_commune[row.target_id] = per_commune.get(row.target_id, 0) + 1
    targets = {row.target_id: row.target for row in rows}
    clauses = []
    for index, request in enumerate([r for r in requests if r.pk in counts], start=1):
        task = TASK_TEXT.get(request.task, TASK_TEXT[Task.OTHER])
        if request.task_detail:
            task += f" ({request.task_detail})"
        places = ", ".join(
            f"{targets[pk].commune.name} ({n:02d} người)"
            for pk, n in sorted(counts[request.pk].items(), key=lambda item: targets[item[0]].commune.path)
        )
        clause = (
            f"{index}. Nhiệm vụ {task}: tại {places}; thời gian từ {vietnamese_date(request.start_date)} "
            f"đến hết {vietnamese_date(request.end_date)}"
        )
        if request.shift_pattern:
            clause += f"; ca làm việc: {request.shift_pattern}"
        clauses.append(clause + ".")
    total = len(rows)
    articles = [
        (
            "Điều 1.",
            [
                f"Điều động {total:02d} cán bộ, công chức, viên chức, người lao động của các cơ quan, đơn vị "
                "(có danh sách kèm theo) tham gia công tác phòng, chống dịch bệnh trên địa bàn "
                f"{scope}, cụ thể như sau:",
                *clauses,
            ],
        ),
        (
            "Điều 2.",
            [
                "Cán bộ, công chức, viên chức, người lao động có tên tại Điều 1 có trách nhiệm có mặt tại Ủy ban nhân "
                "dân xã, phường nơi được điều động đến vào ngày đầu tiên của thời gian điều động; chấp hành sự phân "
                "công, điều phối của Sở Y tế (Tổ Điều phối nguồn nhân lực) và Ban Chỉ đạo phòng, chống dịch của địa "
                "phương; được hưởng nguyên lương và các chế độ, chính sách theo quy định trong thời gian được điều "
                "động.",
                "Thủ trưởng các cơ quan, đơn vị có người được điều động tạo điều kiện để cán bộ, công chức, viên chức, "
                "người lao động thực hiện nhiệm vụ và bố trí công việc bảo đảm hoạt động bình thường của cơ quan, "
                "đơn vị.",
            ],
        ),
        (
            "Điều 3.",
            [
                "Quyết định này có hiệu lực kể từ ngày ký.",
                f"Chánh Văn phòng Ủy ban nhân dân {(unit.division_type or '').lower()}, Giám đốc Sở Nội vụ, Giám "
                "đốc Sở Y tế, Thủ trưởng các cơ quan, đơn vị có liên quan, Chủ tịch Ủy ban nhân dân các xã, phường "
                "nơi tiếp nhận và các cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.",
            ],
        ),
    ]
    recipients = [
        "- Như Điều 3;",
        "- Chủ tịch, các Phó Chủ tịch UBND;",
        "- Sở Y tế (Tổ Điều phối nguồn nhân lực);",
        "- Sở Nội vụ;",
        "- Lưu: VT, NC.",
    ]
    title = decision.signer_title.replace(" / ", "\n").replace("/", "\n") if decision.signer_title else "Chủ tịch"
    text = DecisionText(
        decision=decision,
        draft=draft,
        body_lines=["ỦY BAN NHÂN DÂN", upper(unit.name)],
        place=place_name(unit),
        issued_on=issued_on,
        number=number,
        symbol=symbol,
        summary=(
            "Về việc điều động cán bộ, công chức, viên chức, người lao động tham gia công tác phòng, chống dịch bệnh "
            f"trên địa bàn {scope}"
        ),
        authority="CHỦ TỊCH ỦY BAN NHÂN DÂN " + upper(unit.name),
        bases=bases,
        articles=articles,
        recipients=recipients,
        signature_title=[upper(line.strip()) for line in title.splitlines() if line.strip()],
        signer=decision.signer_name if not draft else "",
        rows=rows,
    )
    return party_text(text) if is_party_decision(decision) else text


# --------------------------------------------------------------------------------------------------------------
# The PDF
# --------------------------------------------------------------------------------------------------------------


@cache
def register_fonts() -> str:
    """Register Liberation Serif (regular, bold, italic, bold italic) once; <b> and <i> in paragraphs use them."""
    for name, filename in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC)
    return FONT


def _style(name: str, size: float = BODY_SIZE, font: str = FONT, align=TA_JUSTIFY, **extra) -> ParagraphStyle:
    extra.setdefault("leading", size * 1.25)
    return ParagraphStyle(name, fontName=font, fontSize=size, alignment=align, **extra)


class Rule(Flowable):
    """A solid line of a given width, centred in the space it is given (drawn, not underlined: Appendix I)."""

    def __init__(self, width: float, thickness: float = 0.6, space: float = 4):
        super().__init__()
        self.rule_width, self.thickness, self.space = width, thickness, space

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.available = available_width
        return available_width, self.space * 2

    def draw(self) -> None:
        left = (self.available - self.rule_width) / 2
        self.canv.setLineWidth(self.thickness)
        self.canv.line(left, self.space, left + self.rule_width, self.space)


def _width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>").replace(BLANK, "&nbsp;"), style)


class _Numbering:
    """Page numbers: the decision from its page 2 on, the annex from its own page 2 on (counting from 1 each)."""

    def __init__(self, draft: bool):
        self.draft = draft
        self.annex_start: int | None = None

    def _draft_mark(self, canvas, page_width: float) -> None:
        if self.draft:
            canvas.setFont(BOLD, 12)
            canvas.drawRightString(page_width - 15 * mm, PAGE[1] - 12 * mm, "DỰ THẢO")

    def body(self, canvas, doc) -> None:
        canvas.saveState()
        page = canvas.getPageNumber()
        if page > 1:
            canvas.setFont(FONT, 13)
            canvas.drawCentredString(
                MARGIN_LEFT + (PAGE[0] - MARGIN_LEFT - MARGIN_RIGHT) / 2, PAGE[1] - 12 * mm, str(page)
            )
        self._draft_mark(canvas, PAGE[0])
        canvas.restoreState()

    def annex(self, canvas, doc) -> None:
        canvas.saveState()
        page = canvas.getPageNumber()
        if self.annex_start is None:
            self.annex_start = page
        number = page - self.annex_start + 1
        width, height = ANNEX_PAGE
        if number > 1:
            canvas.setFont(FONT, 13)
            middle = ANNEX_MARGIN_LEFT + (width - ANNEX_MARGIN_LEFT - ANNEX_MARGIN_RIGHT) / 2
            canvas.drawCentredString(middle, height - 12 * mm, str(number))
        if self.draft:
            canvas.setFont(BOLD, 12)
            canvas.drawRightString(width - ANNEX_MARGIN_RIGHT, height - 12 * mm, "DỰ THẢO")
        canvas.restoreState()


def _header(text: DecisionText, width: float) -> Table:
    """Boxes 1-4: issuing body and number (left), national title, motto, place and date (right)."""
    left_width = width * 0.39
    right_width = width - left_width
    body = _style("body", 13, BOLD, TA_CENTER, leading=15)
    nation = _style("nation", 12, BOLD, TA_CENTER, leading=15)
    motto = _style("motto", 13, BOLD, TA_CENTER, leading=15)
    number = _style("number", 13, FONT, TA_CENTER, leading=16)
    place = _style("place", 14, ITALIC, TA_CENTER, leading=16)
    if text.party:  # the superior committee not bold, the board bold, then a star instead of a rule
        regular = _style("superior", 13, FONT, TA_CENTER, leading=15)
        committee, board, star = text.body_lines
        left = [_p(committee, regular), _p(board, body), _p(star, regular)]
    else:
        body_rule = max(_width(line, BOLD, 13) for line in text.body_lines) * 0.4
        left = [*(_p(line, body) for line in text.body_lines), Rule(body_rule)]
    if text.motto:
        right = [_p(text.nation_lines[0], nation), _p(text.motto, motto), Rule(_width(text.motto, BOLD, 13))]
    else:  # a Party document: the Party's name, underlined
        right = [_p(text.nation_lines[0], nation), Rule(_width(text.nation_lines[0], BOLD, 12))]
    table = Table(
        [[left, right], [_p(text.number_line, number), _p(text.date_line, place)]],
        colWidths=[left_width, right_width],
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 1), (-1, 1), 4),
            ]
        )
    )
    return table


def _signature(text: DecisionText, width: float) -> Table:
    """Boxes 9b (recipients, left) and 7 (title and signer, right), side by side and never split."""
    to_style = _style("to", 12, BOLD_ITALIC, TA_LEFT, leading=14)
    recipient = _style("recipient", 11, FONT, TA_LEFT, leading=13)
    title = _style("title", 14, BOLD, TA_CENTER, leading=17)
    signer = _style("signer", 14, BOLD, TA_CENTER, leading=17)
    left = [_p("Nơi nhận:", to_style), *(_p(line, recipient) for line in text.recipients)]
    right = [_p("\n".join(text.signature_title), title), Spacer(1, 28 * mm), _p(text.signer, signer)]
    table = Table([[left, right]], colWidths=[width * 0.45, width * 0.55])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


#: Column headings and widths (mm; scaled to the annex's text width).
ANNEX_COLUMNS = (
    ("TT", 10),
    ("Họ và tên", 46),
    ("Ngày sinh", 25),
    ("Chức vụ", 38),
    ("Cơ quan, đơn vị công tác", 52),
    ("Nơi được điều động đến", 38),
    ("Thời gian điều động", 27),
    ("Ghi chú", 26),
)


def _annex(text: DecisionText) -> list[Flowable]:
    width = ANNEX_PAGE[0] - ANNEX_MARGIN_LEFT - ANNEX_MARGIN_RIGHT
    heading = _style("annex-heading", 14, BOLD, TA_CENTER, leading=17)
    reference = _style("annex-reference", 14, ITALIC, TA_CENTER, leading=17)
    head = _style("cell-head", 12, BOLD, TA_CENTER, leading=14)
    cell = _style("cell", 12, FONT, TA_LEFT, leading=14)
    centred = _style("cell-centred", 12, FONT, TA_CENTER, leading=14)
    title = "CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC, NGƯỜI LAO ĐỘNG ĐƯỢC ĐIỀU ĐỘNG THAM GIA PHÒNG, CHỐNG DỊCH"
    story: list[Flowable] = [
        _p("DANH SÁCH", heading),
        _p(title, heading),
        _p(text.annex_reference, reference),
        Rule(width * 0.2),
        Spacer(1, 4 * mm),
    ]
    scale = width / sum(w for _, w in ANNEX_COLUMNS)
    data: list[list[Any]] = [[_p(label, head) for label, _ in ANNEX_COLUMNS]]
    for number, row in enumerate(text.rows, start=1):
        commune = row.target.commune
        where = commune.name + (f", {commune.parent.name}" if commune.parent and commune.parent.level == 2 else "")
        note = ""
        if row.substitutes_id:
            note = f"Thay {_pronoun(row.substitutes.staff)} {row.substitutes.staff.full_name}"
        data.append(
            [
                _p(str(number), centred),
                _p(row.staff.full_name, cell),
                _p(short_date(row.staff.date_of_birth), centred),
                _p(row.staff.position, cell),
                _p(row.agency.name, cell),
                _p(where, cell),
                _p(f"{short_date(row.start_date)} - {short_date(row.end_date)}", centred),
                _p(note, cell),
            ]
        )
    data.append(["", _p(f"Tổng cộng: {len(text.rows):02d} người", _style("total", 12, BOLD, TA_LEFT)), *[""] * 6])
    table = Table(data, colWidths=[w * scale for _, w in ANNEX_COLUMNS], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("GRID", (0, 0), (-1, -2), 0.5, "black"),
                ("BOX", (0, -1), (-1, -1), 0.5, "black"),
                ("SPAN", (1, -1), (-1, -1)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    story.append(table)
    return story


def decision_pdf(decision: MobilisationDecision) -> bytes:
    """The decision and its annex list as a PDF (Vietnamese, Decree 30/2020 layout; see the module docstring)."""
    register_fonts()
    text = decision_text(decision)
    buffer = io.BytesIO()
    numbering = _Numbering(text.draft)
    body_width = PAGE[0] - MARGIN_LEFT - MARGIN_RIGHT
    annex_width = ANNEX_PAGE[0] - ANNEX_MARGIN_LEFT - ANNEX_MARGIN_RIGHT
    title = f"Quyết định số {text.number}" if text.number else "Dự thảo quyết định điều động"
    doc = BaseDocTemplate(
        buffer,
        pagesize=PAGE,
        title=title,
        subject=text.summary,
        author="Ủy ban nhân dân " + _unit_phrase(decision.issuing_unit),
        creator="phaodai",
        lang="vi-VN",
        initialFontName=FONT,  # not Helvetica: only the embedded font is in the file
        initialFontSize=BODY_SIZE,
    )
    doc.addPageTemplates(
        [
            PageTemplate(
                id="decision",
                pagesize=PAGE,
                frames=[
                    Frame(MARGIN_LEFT, MARGIN_BOTTOM, body_width, PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM, 0, 0, 0, 0)
                ],
                onPage=numbering.body,
            ),
            PageTemplate(
                id="annex",
                pagesize=ANNEX_PAGE,
                frames=[
                    Frame(
                        ANNEX_MARGIN_LEFT,
                        MARGIN_BOTTOM,
                        annex_width,
                        ANNEX_PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM,
                        0,
                        0,
                        0,
                        0,
                    )
                ],
                onPage=numbering.annex,
            ),
        ]
    )
    heading = _style("heading", 14, BOLD, TA_CENTER, leading=17)
    basis = _style("basis", BODY_SIZE, ITALIC, firstLineIndent=INDENT, spaceAfter=6)
    paragraph = _style("paragraph", BODY_SIZE, FONT, firstLineIndent=INDENT, spaceAfter=6)
    story: list[Flowable] = [
        _header(text, body_width),
        Spacer(1, 8 * mm),
        _p("QUYẾT ĐỊNH", heading),
        _p(text.summary, heading),
        Rule(_width("QUYẾT ĐỊNH", BOLD, 14) * 1.3),
        Spacer(1, 3 * mm),
        _p(text.authority, heading),
        Spacer(1, 4 * mm),
        *(_p(line, basis) for line in text.bases),
        Spacer(1, 2 * mm),
        _p("QUYẾT ĐỊNH:", heading),
        Spacer(1, 3 * mm),
    ]
    for index, (label, paragraphs) in enumerate(text.articles):
        first, *rest = paragraphs
        flowables = [
            Paragraph(f"<b>{escape(label)}</b> {escape(first)}", paragraph),
            *(_p(line, paragraph) for line in rest),
        ]
        if index == len(text.articles) - 1:
            # The signature never stands alone on a page: it keeps the last article with it.
            story.append(KeepTogether([*flowables, Spacer(1, 4 * mm), _signature(text, body_width)]))
        else:
            story.extend(flowables)
    if text.rows:
        story += [NextPageTemplate("annex"), PageBreak(), *_annex(text)]
    doc.build(story)
    return buffer.getvalue()


def decision_filename(decision: MobilisationDecision, extension: str) -> str:
    """ "quyet-dinh-125-qd-ubnd.pdf"; a draft: "du-thao-quyet-dinh-12.pdf" (ASCII, for every browser)."""
    if decision.status == DecisionStatus.APPROVED and decision.number:
        stem = "quyet-dinh-" + slugify(fold(decision.number).replace("/", "-"))
    else:
        stem = f"du-thao-quyet-dinh-{decision.pk}"
    return f"{stem}.{extension}"


# --------------------------------------------------------------------------------------------------------------
# The Excel list for Health
# --------------------------------------------------------------------------------------------------------------


def _skills(row: Assignment) -> str:
    from phaodai.staff.forms import skill_label

    return ", ".join(sorted(skill_label(skill) for skill in row.staff.skills.all()))


def _district(row: Assignment) -> str:
    parent = row.target.commune.parent
    return parent.name if parent is not None and parent.level == 2 else ""


def _note(row: Assignment) -> str:
    if row.substitutes_id:
        return _("In place of %(name)s: %(reason)s") % {
            "name": row.substitutes.staff.full_name,
            "reason": row.substitution_reason,
        }
    return ""


def decision_columns() -> Sequence[xlsx.ExportColumn]:
    C = xlsx.ExportColumn
    return [
        C(gettext_lazy("No."), lambda r: r.number_in_list, xlsx.NUMBER, 6),
        C(gettext_lazy("Full name"), "staff.full_name", width=26),
        C(gettext_lazy("Gender"), lambda r: r.staff.get_gender_display(), width=8),
        C(gettext_lazy("Date of birth"), "staff.date_of_birth", xlsx.DATE, 12),
        C(gettext_lazy("Phone"), "staff.phone", width=13),
        C(gettext_lazy("Agency"), "agency.name", width=34),
        C(gettext_lazy("Position"), "staff.position", width=20),
        C(gettext_lazy("Skills"), _skills, width=22),
        C(gettext_lazy("Vaccination"), lambda r: r.staff.get_vaccination_status_display(), width=16),
        C(gettext_lazy("Sent to"), "target.commune.name", width=22),
        C(gettext_lazy("District"), _district, width=20),
        C(gettext_lazy("Task"), lambda r: r.target.request.get_task_display(), width=24),
        C(gettext_lazy("From"), "start_date", xlsx.DATE, 12),
        C(gettext_lazy("To"), "end_date", xlsx.DATE, 12),
        C(gettext_lazy("Shifts"), "target.request.shift_pattern", width=18),
        C(gettext_lazy("Notes"), _note, width=30),
    ]


def decision_xlsx(decision: MobilisationDecision) -> IO[bytes]:
    """The decision's list as sent to Health, one row per person (the annex's rows, with phone, skills and
    vaccination for the coordinators), rewound and ready to send."""
    rows = listed_assignments(decision)
    for number, row in enumerate(rows, start=1):
        row.number_in_list = number
    if decision.status == DecisionStatus.APPROVED:
        title = _("Decision %(number)s") % {"number": decision.number}
    else:
        title = _("Draft decision #%(pk)s") % {"pk": decision.pk}
    return xlsx.write_xlsx(rows, decision_columns(), title=title)

"""The weekly duty roster (lịch trực) as printouts: the PDF in the administrative layout and the Excel workbook.

The PDF is an official document, so it is in Vietnamese whatever the reader's language. It follows
`shared/reference/document-format.md` (Decree 30/2020/NĐ-CP, Appendix I) through the helpers of
`mobilisation.documents` (embedded Liberation Serif, the header boxes 1-4 with drawn rules, "Nơi nhận" and the
signature block kept together, page numbers from page 2): the issuing body is the People's Committee of the site's
unit, or the site's own agency when that is not a People's Committee (a health station signs its own roster); the
title "LỊCH TRỰC PHÒNG, CHỐNG DỊCH" with the site and "Tuần từ ngày … đến ngày …"; a table of the week's days
(rows) by the site's shifts (columns) listing who is on duty, the leader-level person marked, with phones. A draft
roster prints "DỰ THẢO" and leaves the number and date blank; a superseded one says so. The number's symbol "LT"
(lịch trực) is common practice, not an Appendix III abbreviation [U]: the clerk may correct it by hand.

The Excel workbook has one sheet per site, one row per shift (day, shift, from, to, people with phones, leader).
"""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import IO, Any

import xlsxwriter
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from phaodai.core.text import fold
from phaodai.duty.models import DutySite, Roster, RosterStatus, Shift, ShiftAssignment
from phaodai.mobilisation.documents import (
    BLANK,
    BOLD,
    FONT,
    ITALIC,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE,
    Rule,
    _header,
    _p,
    _signature,
    _style,
    _width,
    place_name,
    register_fonts,
    upper,
    vietnamese_date,
)
from phaodai.places.models import AgencyKind

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
TITLE = "LỊCH TRỰC PHÒNG, CHỐNG DỊCH"
LEADER_MARK = "trực lãnh đạo"
COMMITTEE_KINDS = (AgencyKind.COMMUNE_COMMITTEE, AgencyKind.DISTRICT_COMMITTEE)


# --------------------------------------------------------------------------------------------------------------
# Which week, which sites, which shifts
# --------------------------------------------------------------------------------------------------------------


def monday_of(day: date) -> date:
    return day - timedelta(days=day.isoweekday() - 1)


_ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def parse_week(value: str) -> date:
    """The Monday of the week given as an ISO week ("2021-W31") or as any day in it ("2021-08-04")."""
    text = (value or "").strip()
    match = _ISO_WEEK.match(text)
    try:
        if match:
            return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
        return monday_of(date.fromisoformat(text))
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not a week: give an ISO week such as 2021-W31 or a date such as 2021-08-04.")
            % {"value": text},
            code="week_invalid",
        ) from None


def roster_week(roster: Roster, week_start: date | None) -> date:
    """The Monday of the week to print: the roster's first week unless asked; it must overlap the roster."""
    monday = monday_of(week_start or roster.start_date)
    if monday > roster.end_date or monday + timedelta(days=6) < roster.start_date:
        raise ValidationError(
            _("The roster runs from %(start)s to %(end)s: the week of %(week)s is outside it.")
            % {
                "start": f"{roster.start_date:%d/%m/%Y}",
                "end": f"{roster.end_date:%d/%m/%Y}",
                "week": f"{monday:%d/%m/%Y}",
            },
            code="week_outside_roster",
        )
    return monday


def roster_weeks(roster: Roster) -> list[date]:
    """The Mondays of every ISO week the roster touches."""
    weeks, monday = [], monday_of(roster.start_date)
    while monday <= roster.end_date:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def roster_shifts(roster: Roster, site: DutySite | None = None):
    shifts = roster.shifts.select_related("site").prefetch_related("assignments__staff")
    if site is not None:
        shifts = shifts.filter(site=site)
    return shifts.order_by("site__name", "start", "name", "pk")


def people_of(shift: Shift) -> list[ShiftAssignment]:
    """The shift's people, leader first (the prefetch keeps the model's order)."""
    return sorted(shift.assignments.all(), key=lambda a: (not a.as_leader, a.staff.search_name, a.pk))


@dataclass
class WeekSheet:
    """One site's week: its shift columns (name, start, end) and the shift of each (day, column)."""

    site: DutySite
    monday: date
    columns: list[tuple[str, str, str]] = field(default_factory=list)
    cells: dict[tuple[date, int], Shift] = field(default_factory=dict)

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=i) for i in range(7)]

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


def week_sheet(roster: Roster, site: DutySite, monday: date) -> WeekSheet:
    """Shifts are placed by the local day they start on; a column is a shift name and its hours."""
    sheet = WeekSheet(site=site, monday=monday)
    start = timezone.make_aware(datetime.combine(monday, datetime.min.time()))
    shifts = roster_shifts(roster, site).filter(start__gte=start, start__lt=start + timedelta(days=7))
    local = [(timezone.localtime(s.start), timezone.localtime(s.end), s) for s in shifts]
    keys = sorted({(begin.time(), s.name, f"{begin:%H:%M}", f"{end:%H:%M}") for begin, end, s in local})
    sheet.columns = [(name, begin, end) for _time, name, begin, end in keys]
    index = {(name, begin, end): i for i, (name, begin, end) in enumerate(sheet.columns)}
    for begin, end, shift in local:
        sheet.cells[(begin.date(), index[(shift.name, f"{begin:%H:%M}", f"{end:%H:%M}")])] = shift
    return sheet


# --------------------------------------------------------------------------------------------------------------
# What the document says
# --------------------------------------------------------------------------------------------------------------


def _unit_phrase(unit) -> str:
    kind = (unit.division_type or "").strip()
    return f"{kind.lower()} {place_name(unit)}" if kind else unit.name


@dataclass
class RosterText:
    """The header and signature of one site's roster (duck-typed for mobilisation.documents._header/_signature)."""

    body_lines: list[str]
    number_line: str
    date_line: str
    recipients: list[str]
    signature_title: list[str]
    signer: str
    party: bool = False
    nation_lines: tuple[str, ...] = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",)
    motto: str = "Độc lập - Tự do - Hạnh phúc"


def issuing_body(site: DutySite) -> list[str]:
    """The People's Committee of the site's unit, or the site's own agency when it is not a committee."""
    if site.agency is not None and site.agency.kind not in COMMITTEE_KINDS:
        return [upper(site.agency.name)]
    return ["ỦY BAN NHÂN DÂN", upper(site.unit.name)]


def roster_text(roster: Roster, site: DutySite, signer_title: str = "", signer: str = "") -> RosterText:
    body = issuing_body(site)
    symbol = "LT-UBND" if body[0] == "ỦY BAN NHÂN DÂN" else "LT"
    place = place_name(site.unit)  # the unit where the issuing body sits (Appendix I: địa danh)
    issued = None
    if roster.status != RosterStatus.DRAFT and roster.published_at is not None:
        issued = timezone.localdate(roster.published_at)
    if issued is None:
        date_line = f"{place}, ngày {BLANK * 6} tháng {BLANK * 6} năm {timezone.localdate().year}"
    else:
        date_line = f"{place}, {vietnamese_date(issued)}"
    upper_unit = site.unit.parent if site.unit.parent_id else None
    recipients = []
    if upper_unit is not None:
        recipients.append(f"- Ban Chỉ đạo phòng, chống dịch {_unit_phrase(upper_unit)} (b/c);")
    recipients += ["- Các cá nhân có tên trong lịch trực;", "- Lưu: VT."]
    title_lines = [upper(line.strip()) for line in signer_title.splitlines() if line.strip()]
    return RosterText(
        body_lines=body,
        number_line=f"Số: {BLANK * 14}/{symbol}",
        date_line=date_line,
        recipients=recipients,
        signature_title=title_lines or [BLANK],
        signer=signer or BLANK,
    )


def person_line(assignment: ShiftAssignment) -> str:
    staff = assignment.staff
    line = staff.full_name + (f" ({LEADER_MARK})" if assignment.as_leader else "")
    return line + (f" - ĐT: {staff.phone}" if staff.phone else "")


def status_mark(roster: Roster) -> str:
    if roster.status == RosterStatus.DRAFT:
        return "DỰ THẢO"
    if roster.status == RosterStatus.SUPERSEDED:
        return "ĐÃ ĐƯỢC THAY THẾ"
    return ""


# --------------------------------------------------------------------------------------------------------------
# The PDF
# --------------------------------------------------------------------------------------------------------------


class _Pages:
    """Page numbers centred in the top margin from each site's second page (each site's roster is a document of its
    own, numbered from 1), and the status mark top right on every page. Drawn at the END of a page, once the
    `_SiteStart` marker of a new site on it has recorded where that site begins."""

    def __init__(self, mark: str):
        self.mark = mark
        self.site_start = 1

    def __call__(self, canvas, doc) -> None:
        canvas.saveState()
        number = canvas.getPageNumber() - self.site_start + 1
        if number > 1:
            canvas.setFont(FONT, 13)
            canvas.drawCentredString(
                MARGIN_LEFT + (PAGE[0] - MARGIN_LEFT - MARGIN_RIGHT) / 2, PAGE[1] - 12 * mm, str(number)
            )
        if self.mark:
            canvas.setFont(BOLD, 12)
            canvas.drawRightString(PAGE[0] - MARGIN_RIGHT, PAGE[1] - 12 * mm, self.mark)
        canvas.restoreState()


class _SiteStart(Flowable):
    """Takes no room; records the page on which a site's roster starts."""

    def __init__(self, pages: _Pages):
        super().__init__()
        self.pages = pages

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.pages.site_start = self.canv.getPageNumber()


def _week_table(sheet: WeekSheet, width: float) -> Table:
    head = _style("roster-head", 11, BOLD, TA_CENTER, leading=13)
    cell = _style("roster-cell", 10.5, FONT, TA_LEFT, leading=12.5)
    day_style = _style("roster-day", 11, BOLD, TA_CENTER, leading=13)
    muted = _style("roster-none", 10.5, ITALIC, TA_CENTER, leading=12.5)
    columns = sheet.columns or [("", "", "")]
    day_width = 25 * mm
    shift_width = (width - day_width) / len(columns)
    header = [_p("Ngày", head)]
    for name, begin, end in columns:
        header.append(_p(f"{name}\n({begin} - {end})" if name else "Ca trực", head))
    data: list[list[Any]] = [header]
    for day in sheet.days:
        row: list[Any] = [_p(f"{WEEKDAYS[day.isoweekday() - 1]}\n{day:%d/%m/%Y}", day_style)]
        for index in range(len(columns)):
            shift = sheet.cells.get((day, index))
            if shift is None:
                row.append(_p("—", muted))
                continue
            people = people_of(shift)
            lines = [_p(f"- {person_line(a)}", cell) for a in people]
            if len(people) < shift.people:
                lines.append(_p(f"(còn thiếu {shift.people - len(people)} người)", muted))
            row.append(lines or [_p("—", muted)])
        data.append(row)
    table = Table(data, colWidths=[day_width, *[shift_width] * len(columns)], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _site_story(roster: Roster, sheet: WeekSheet, text: RosterText, width: float) -> list[Flowable]:
    heading = _style("heading", 14, BOLD, TA_CENTER, leading=17)
    week = _style("week", 14, ITALIC, TA_CENTER, leading=17)
    info = _style("info", 12, FONT, TA_LEFT, leading=15)
    note = _style("note", 11, ITALIC, TA_LEFT, leading=13)
    site = sheet.site
    story: list[Flowable] = [
        _header(text, width),
        Spacer(1, 8 * mm),
        _p(TITLE, heading),
        _p(f"Tại {site.name}", heading),
        _p(f"Tuần từ ngày {sheet.monday:%d/%m/%Y} đến ngày {sheet.sunday:%d/%m/%Y}", week),
        Rule(_width(TITLE, BOLD, 14) * 0.4),
        Spacer(1, 4 * mm),
    ]
    if site.address:
        story.append(_p(f"Địa điểm trực: {site.address}", info))
    if site.phone:
        story.append(_p(f"Điện thoại trực: {site.phone}", info))
    story += [Spacer(1, 3 * mm), _week_table(sheet, width), Spacer(1, 2 * mm)]
    story.append(
        _p(
            f"Ghi chú: “{LEADER_MARK}” là người chịu trách nhiệm chỉ huy ca trực. Lịch trực phiên bản "
            f"{roster.version}; cán bộ trực bảo đảm đúng giờ, không bỏ ca; cần đổi ca phải báo trước để điều "
            "chỉnh lịch.",
            note,
        )
    )
    story.append(Spacer(1, 5 * mm))
    story.append(KeepTogether([_signature(text, width)]))
    return story


def roster_pdf(
    roster: Roster,
    site: DutySite | None = None,
    week_start: date | None = None,
    *,
    signer_title: str = "",
    signer: str = "",
) -> bytes:
    """The week's duty roster of `site` (every site of the roster, one after the other, when none is given) as a
    PDF in the Decree 30/2020 layout. `week_start` is any day of the ISO week (default: the roster's first)."""
    register_fonts()
    monday = roster_week(roster, week_start)
    sites = [site] if site is not None else list(roster.sites.select_related("unit__parent", "agency"))
    if site is not None and not roster.sites.filter(pk=site.pk).exists():
        raise ValidationError(_("%(site)s is not a site of this roster.") % {"site": site}, code="site_not_in_roster")
    buffer = io.BytesIO()
    width = PAGE[0] - MARGIN_LEFT - MARGIN_RIGHT
    doc = BaseDocTemplate(
        buffer,
        pagesize=PAGE,
        title=f"Lịch trực tuần từ ngày {monday:%d/%m/%Y}",
        subject=TITLE,
        author=" ".join(issuing_body(sites[0])) if sites else "",
        creator="phaodai",
        lang="vi-VN",
        initialFontName=FONT,
        initialFontSize=14,
    )
    frame = Frame(MARGIN_LEFT, MARGIN_BOTTOM, width, PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM, 0, 0, 0, 0)
    pages = _Pages(status_mark(roster))
    doc.addPageTemplates([PageTemplate(id="roster", pagesize=PAGE, frames=[frame], onPageEnd=pages)])
    story: list[Flowable] = []
    for index, each in enumerate(sites):
        if index:
            story.append(PageBreak())
        story.append(_SiteStart(pages))
        sheet = week_sheet(roster, each, monday)
        story += _site_story(roster, sheet, roster_text(roster, each, signer_title, signer), width)
    if not story:
        story.append(_p(TITLE, _style("heading", 14, BOLD, TA_CENTER)))
    doc.build(story)
    return buffer.getvalue()


def roster_filename(roster: Roster, extension: str, monday: date | None = None) -> str:
    """ "lich-truc-12-v2-tuan-20210802.pdf"; a draft starts "du-thao-" (ASCII, for every browser)."""
    stem = f"lich-truc-{roster.pk}-v{roster.version}"
    if monday is not None:
        stem += f"-tuan-{monday:%Y%m%d}"
    if roster.status == RosterStatus.DRAFT:
        stem = "du-thao-" + stem
    return f"{stem}.{extension}"


# --------------------------------------------------------------------------------------------------------------
# The Excel workbook
# --------------------------------------------------------------------------------------------------------------


def _columns() -> Sequence[tuple[str, float]]:
    return (
        (_("No."), 6),
        (_("Day"), 12),
        (_("Weekday"), 11),
        (_("Shift"), 16),
        (_("Starts at"), 17),
        (_("Ends at"), 17),
        (_("People on duty (phone)"), 48),
        (_("Leader on duty"), 30),
        (_("Places filled"), 10),
    )


def _sheet_names(sites: Sequence[DutySite]) -> list[str]:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique (case-insensitively)."""
    names, seen = [], set()
    for site in sites:
        base = re.sub(r"[\[\]:*?/\\]", " ", site.name).strip().strip("'")[:31] or "Sheet"
        name, n = base, 2
        while fold(name) in seen:
            suffix = f" ({n})"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        seen.add(fold(name))
        names.append(name)
    return names


def roster_xlsx(roster: Roster) -> IO[bytes]:
    """One sheet per site, one row per shift of the roster, rewound and ready to send."""
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - closed by the response
    book = xlsxwriter.Workbook(
        out,
        {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False, "in_memory": True},
    )
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "text_wrap": True, "valign": "vcenter"})
    text = book.add_format({"num_format": "@", "text_wrap": True, "valign": "top"})
    day = book.add_format({"num_format": "DD/MM/YYYY", "valign": "top"})
    moment = book.add_format({"num_format": "DD/MM/YYYY HH:MM", "valign": "top"})
    number = book.add_format({"valign": "top"})
    sites = list(roster.sites.order_by("name"))
    columns = _columns()
    for site, name in zip(sites, _sheet_names(sites), strict=True):
        sheet = book.add_worksheet(name)
        for index, (label, width) in enumerate(columns):
            sheet.set_column(index, index, width)
            sheet.write_string(0, index, label, header)
        sheet.freeze_panes(1, 0)
        row = 0
        for shift in roster_shifts(roster, site):
            row += 1
            begin, end = timezone.localtime(shift.start), timezone.localtime(shift.end)
            people = people_of(shift)
            leaders = [a for a in people if a.as_leader]
            sheet.write_number(row, 0, row, number)
            sheet.write_datetime(row, 1, datetime.combine(begin.date(), datetime.min.time()), day)
            sheet.write_string(row, 2, WEEKDAYS[begin.isoweekday() - 1], text)
            sheet.write_string(row, 3, shift.name, text)
            sheet.write_datetime(row, 4, begin.replace(tzinfo=None), moment)
            sheet.write_datetime(row, 5, end.replace(tzinfo=None), moment)
            for column, who in ((6, people), (7, leaders)):
                if who:  # an empty cell, not an empty string, where nobody is on the shift yet
                    sheet.write_string(row, column, "\n".join(_with_phone(a) for a in who), text)
            sheet.write_string(row, 8, f"{len(people)}/{shift.people}", text)
        sheet.autofilter(0, 0, row, len(columns) - 1)
    if not sites:
        book.add_worksheet(_("Duty roster"))
    book.close()
    out.seek(0)
    return out


def _with_phone(assignment: ShiftAssignment) -> str:
    staff = assignment.staff
    return f"{staff.full_name} ({staff.phone})" if staff.phone else staff.full_name

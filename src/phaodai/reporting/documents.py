"""The delegation's daily report as a PDF (issue #5, item 9): "BÁO CÁO Kết quả công tác ngày dd/mm/yyyy", sent to
the workforce coordination team.

An official document, so Vietnamese whatever the reader's language, laid out as mobilisation/documents.py lays out
the decision (Decree 30/2020/NĐ-CP, Appendix I: A4 portrait, 20/20/30/15 mm margins, issuing body and national
motto with their rules, place and date in italics, the title centred, the signature block kept together), with the
same embedded Liberation Serif font. The issuing body is the delegation; the figures are the latest version's.
"""

from __future__ import annotations

import io

from django.utils.text import slugify
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, KeepTogether, PageTemplate, Spacer, Table, TableStyle

from phaodai.core.text import fold
from phaodai.mobilisation.documents import (
    BODY_SIZE,
    BOLD,
    FONT,
    INDENT,
    ITALIC,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE,
    Rule,
    _p,
    _style,
    _width,
    place_name,
    register_fonts,
    vietnamese_date,
)
from phaodai.reporting import deadlines
from phaodai.reporting.delegation_reports import labelled_totals
from phaodai.reporting.models import DelegationReport, DelegationReportVersion
from phaodai.reporting.report_values import label_text


def _province(unit):
    while unit.parent_id is not None and unit.level > 1:
        unit = unit.parent
    return unit


def _time(moment, delegation) -> str:
    return f"{moment.astimezone(deadlines.zone(deadlines.schedule_for(delegation))):%H:%M %d/%m/%Y}"


def _header(body_name: str, place_line: str, width: float) -> Table:
    left_width = width * 0.42
    body = _style("r-body", 13, BOLD, TA_CENTER, leading=15)
    nation = _style("r-nation", 12, BOLD, TA_CENTER, leading=15)
    motto_text = "Độc lập - Tự do - Hạnh phúc"
    motto = _style("r-motto", 13, BOLD, TA_CENTER, leading=15)
    place = _style("r-place", 14, ITALIC, TA_CENTER, leading=16)
    left = [_p(body_name.upper(), body), Rule(min(_width(body_name.upper(), BOLD, 13), left_width) * 0.4)]
    right = [
        _p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", nation),
        _p(motto_text, motto),
        Rule(_width(motto_text, BOLD, 13)),
    ]
    number = _style("r-number", 13, FONT, TA_CENTER, leading=16)
    table = Table(
        [[left, right], [_p("Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-ĐCT", number), _p(place_line, place)]],
        colWidths=[left_width, width - left_width],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 1), (-1, 1), 4),
            ]
        )
    )
    return table


def _grid(rows: list[list], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def delegation_report_pdf(report: DelegationReport, version: DelegationReportVersion | None = None) -> bytes:
    """The report (its latest version unless one is given) as an A4 PDF in Vietnamese."""
    register_fonts()
    version = version or report.versions.select_related("submitted_by__staff_member").order_by("-number").first()
    delegation = report.delegation
    width = PAGE[0] - MARGIN_LEFT - MARGIN_RIGHT
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=PAGE,
        title=f"Báo cáo kết quả công tác ngày {report.day:%d/%m/%Y}",
        author=delegation.name,
        creator="phaodai",
        lang="vi-VN",
        initialFontName=FONT,
        initialFontSize=BODY_SIZE,
    )
    doc.addPageTemplates(
        [
            PageTemplate(
                id="report",
                pagesize=PAGE,
                frames=[Frame(MARGIN_LEFT, MARGIN_BOTTOM, width, PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM, 0, 0, 0, 0)],
            )
        ]
    )
    heading = _style("r-heading", 14, BOLD, TA_CENTER, leading=17)
    section = _style("r-section", BODY_SIZE, BOLD, TA_LEFT, spaceBefore=6, spaceAfter=4)
    paragraph = _style("r-paragraph", BODY_SIZE, FONT, firstLineIndent=INDENT, spaceAfter=4)
    cell = _style("r-cell", 12, FONT, TA_LEFT, leading=14)
    head = _style("r-cell-head", 12, BOLD, TA_CENTER, leading=14)
    centred = _style("r-cell-centred", 12, FONT, TA_CENTER, leading=14)
    place = place_name(_province(delegation.target_unit))
    submitted_on = report.last_submitted_at.astimezone(deadlines.zone(deadlines.schedule_for(delegation))).date()
    story: list[Flowable] = [
        _header(delegation.name, f"{place}, {vietnamese_date(submitted_on)}", width),
        Spacer(1, 8 * mm),
        _p("BÁO CÁO", heading),
        _p(f"Kết quả công tác ngày {report.day:%d/%m/%Y}", heading),
        Rule(_width("BÁO CÁO", BOLD, 14) * 1.5),
        Spacer(1, 3 * mm),
        _p(f"Kính gửi: {delegation.coordination_team.name}.", _style("r-to", BODY_SIZE, FONT, TA_CENTER)),
        Spacer(1, 4 * mm),
    ]
    totals = labelled_totals(version) if version else []
    story.append(_p("I. KẾT QUẢ THỰC HIỆN", section))
    if totals:
        rows = [[_p("TT", head), _p("Nội dung", head), _p("Số lượng", head)]]
        for number, (_key, label, value) in enumerate(totals, start=1):
            rows.append(
                [
                    _p(str(number), centred),
                    _p(label_text(label, "vi"), cell),
                    _p(f"{value:,}".replace(",", "."), centred),
                ]
            )
        story.append(_grid(rows, [width * 0.1, width * 0.65, width * 0.25]))
    else:
        story.append(_p("Chưa có số liệu của các tổ.", paragraph))

    team_versions = (
        list(version.team_versions.select_related("report__team").order_by("report__team__name")) if version else []
    )
    missing = list(version.missing_teams) if version else []
    story.append(_p("II. TÌNH HÌNH BÁO CÁO CỦA CÁC TỔ", section))
    story.append(
        _p(
            f"Số tổ đã báo cáo: {len(team_versions):02d}/{len(team_versions) + len(missing):02d} tổ.",
            paragraph,
        )
    )
    for tv in team_versions:
        team_report = tv.report
        when = _time(team_report.first_submitted_at, delegation)
        late = f"trễ hạn {team_report.minutes_late} phút" if team_report.minutes_late else "đúng hạn"
        story.append(_p(f"- {team_report.team.name}: báo cáo lúc {when} ({late}).", paragraph))
    if missing:
        story.append(_p(f"- Chưa báo cáo: {', '.join(missing)}.", paragraph))

    story.append(_p("III. ĐÁNH GIÁ CHUNG", section))
    story.append(_p((version.narrative if version else "") or "Không có.", paragraph))
    story.append(_p("IV. ĐỀ XUẤT, KIẾN NGHỊ", section))
    story.append(_p((version.proposals if version else "") or "Không có.", paragraph))

    signer = getattr(getattr(version, "submitted_by", None), "staff_member", None)
    by_head = signer is None or signer.pk == delegation.head_id
    title = "TRƯỞNG ĐOÀN" if by_head else "KT. TRƯỞNG ĐOÀN\nPHÓ TRƯỞNG ĐOÀN"
    name = delegation.head.full_name if by_head else signer.full_name
    to_style = _style("r-to-label", 12, f"{FONT}-BoldItalic", TA_LEFT, leading=14)
    recipient = _style("r-recipient", 11, FONT, TA_LEFT, leading=13)
    left = [
        _p("Nơi nhận:", to_style),
        _p(f"- {delegation.coordination_team.name};", recipient),
        _p("- Lưu: Đoàn công tác.", recipient),
    ]
    right = [
        _p(title, _style("r-sign-title", 14, BOLD, TA_CENTER, leading=17)),
        Spacer(1, 24 * mm),
        _p(name, _style("r-signer", 14, BOLD, TA_CENTER, leading=17)),
    ]
    signature = Table([[left, right]], colWidths=[width * 0.45, width * 0.55])
    signature.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story += [Spacer(1, 6 * mm), KeepTogether([signature])]
    doc.build(story)
    return buffer.getvalue()


def delegation_report_filename(report: DelegationReport) -> str:
    """ "bao-cao-doan-cong-tac-phuong-tan-an-20210812.pdf" (ASCII, for every browser)."""
    return f"bao-cao-{slugify(fold(report.delegation.name))}-{report.day:%Y%m%d}.pdf"

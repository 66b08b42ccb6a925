"""The commune's A4 poster for the notice board: hotlines in big type, the headquarters, the community team leaders,
and a QR code to the public directory page (which stays current when the poster does not).

Official Vietnamese whatever the reader's language (it is pinned on a wall for citizens), Liberation Serif embedded
(the registration of mobilisation.documents, whose font covers Vietnamese).
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from phaodai.duty.directory import Directory
from phaodai.duty.models import Line
from phaodai.mobilisation.documents import BOLD, register_fonts

#: The line names as the poster prints them (always Vietnamese).
LINE_TEXT = {
    Line.HEALTH: "Y tế",
    Line.WELFARE: "An sinh xã hội",
    Line.SECURITY: "An ninh, trật tự",
    Line.GENERAL: "Tổng đài chung",
}

QR_SIZE = 45 * mm
MARGIN = 15 * mm


def _style(name: str, size: float, font: str, align=TA_CENTER, **extra) -> ParagraphStyle:
    extra.setdefault("leading", size * 1.25)
    return ParagraphStyle(name, fontName=font, fontSize=size, alignment=align, **extra)


def qr_png(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=10, border=2)
    return out.getvalue()


def poster_pdf(directory: Directory, url: str) -> bytes:
    font = register_fonts()
    title = _style("title", 26, BOLD, spaceAfter=2 * mm)
    subtitle = _style("subtitle", 16, font, spaceAfter=6 * mm)
    heading = _style("heading", 16, BOLD, TA_LEFT, spaceBefore=5 * mm, spaceAfter=2 * mm)
    number = _style("number", 30, BOLD, TA_LEFT, leading=36)
    line_name = _style("line", 15, font, TA_LEFT)
    body = _style("body", 12, font, TA_LEFT)
    small = _style("small", 10, font, TA_CENTER)

    story: list = [
        Paragraph("ĐƯỜNG DÂY NÓNG PHÒNG, CHỐNG DỊCH COVID-19", title),
        Paragraph(escape(directory.commune_name.upper()), title),
        Paragraph(escape(directory.parents), subtitle),
        Paragraph("Số điện thoại đường dây nóng (trực 24/24)", heading),
    ]
    if directory.hotlines:
        rows = [
            [
                Paragraph(
                    escape(LINE_TEXT.get(h.line_code, h.line)) + (f"<br/>{escape(h.label)}" if h.label else ""),
                    line_name,
                ),
                Paragraph(escape(h.number), number),
            ]
            for h in directory.hotlines
        ]
        table = Table(rows, colWidths=[65 * mm, None])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm),
                    ("TOPPADDING", (0, 0), (-1, -1), 2 * mm),
                ]
            )
        )
        story.append(table)
    else:
        story.append(Paragraph("Chưa đăng ký số đường dây nóng công khai.", body))

    if directory.headquarters:
        story.append(Paragraph("Trụ sở Ban Chỉ đạo phòng, chống dịch", heading))
        for site in directory.headquarters:
            parts = [f"<b>{escape(site.name)}</b>"]
            if site.address:
                parts.append(f"Địa chỉ: {escape(site.address)}")
            if site.phone:
                parts.append(f"Điện thoại: <b>{escape(site.phone)}</b>")
            story.append(Paragraph("<br/>".join(parts), body))

    if directory.teams:
        story.append(Paragraph("Tổ trưởng Tổ COVID cộng đồng", heading))
        rows = [
            [
                Paragraph(escape(t.neighbourhood), body),
                Paragraph(escape(t.leader_name), body),
                Paragraph(f"<b>{escape(t.leader_phone)}</b>", body),
            ]
            for t in directory.teams
        ]
        table = Table(rows, colWidths=[55 * mm, 70 * mm, None])
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(table)

    story += [
        Spacer(1, 6 * mm),
        Image(io.BytesIO(qr_png(url)), width=QR_SIZE, height=QR_SIZE),
        Paragraph("Quét mã QR để xem danh bạ luôn được cập nhật", small),
        Paragraph(escape(url), small),
    ]

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"Đường dây nóng {directory.commune_name}",
        author="phaodai",
    )
    doc.build(story)
    return out.getvalue()

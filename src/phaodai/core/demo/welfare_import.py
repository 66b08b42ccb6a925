"""One demo list imported through the real Excel importer (step 3 of welfare_story): the third ward's food list,
written in memory in the layout wards send (/work/shared/samples/danh-sach-ho-kho-khan-mau.xlsx): unit name and
national motto in merged cells, a title and a "kèm theo" line, a two-row merged header with the year of birth under
"Nam" or "Nữ", a numbering row (1) (2) …, citizen IDs and phones stored as numbers (the phone's leading zero lost),
some names in decomposed Unicode, a total row with a formula and a signature block. welfare.importing reads it and
welfare.import_apply writes it (all or nothing) as the user, onto the ward's draft list.
"""

from __future__ import annotations

import io
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from openpyxl import Workbook

from phaodai.places.models import AdminUnit, Household
from phaodai.welfare import import_apply, importing
from phaodai.welfare.models import Category, Person, Relationship, SupportList

FILENAME = "danh-sach-ho-kho-khan-dot-1.xlsx"
HEADER = ["STT", "Họ tên chủ hộ", "Năm sinh", None, "Số định danh cá nhân", "Địa chỉ", None, "Điện thoại liên hệ"]
HEADER += ["Số nhân khẩu", "Đối tượng", "Ghi chú"]
SUBHEADER = [None, None, "Nam", "Nữ", None, "Số nhà", "Ấp/Khu vực", None, None, None, None]
CATEGORY_WORDS = {
    Category.POOR: "Hộ nghèo",
    Category.NEAR_POOR: "Hộ cận nghèo",
    Category.ELDERLY_ALONE: "Người cao tuổi sống một mình",
    Category.ISOLATION: "Hộ bị phong tỏa",
}


def _row(number: int, household: Household, head: Person | None, category: str) -> list:
    year = (head.birth_year if head else None) or ""
    female = head is not None and head.gender == "F"
    name = household.head_name
    if number % 4 == 0:
        name = unicodedata.normalize("NFD", name)  # typed on another computer
    citizen_id = int(head.citizen_id) if head and head.citizen_id else None
    phone = int(household.phone) if household.phone and household.phone.isdigit() else None
    return [
        number,
        name,
        None if female else year,
        year if female else None,
        citizen_id,
        household.address,
        household.neighbourhood.name,
        phone,
        household.members,
        CATEGORY_WORDS.get(category, "Hộ khó khăn"),
        "",
    ]


def workbook(ward: AdminUnit, district: AdminUnit, rows: list[list], today: date) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws["A1"], ws["F1"] = f"UBND {district.name.upper()}", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ws["A2"], ws["F2"] = f"UBND {ward.name.upper()}", "Độc lập - Tự do - Hạnh phúc"
    for cells in ("A1:D1", "F1:K1", "A2:D2", "F2:K2", "A4:K4", "A5:K5"):
        ws.merge_cells(cells)
    ws["A4"] = "DANH SÁCH HỘ GIA ĐÌNH GẶP KHÓ KHĂN DO ĐẠI DỊCH COVID-19 ĐỀ NGHỊ HỖ TRỢ LƯƠNG THỰC, THỰC PHẨM"
    ws["A5"] = f"(Kèm theo Tờ trình số 112/TTr-UBND ngày {today:%d/%m/%Y} của UBND {ward.name})"
    for col, value in enumerate(HEADER, start=1):
        ws.cell(row=7, column=col, value=value)
    for col, value in enumerate(SUBHEADER, start=1):
        ws.cell(row=8, column=col, value=value)
    for cells in ("A7:A8", "B7:B8", "C7:D7", "E7:E8", "F7:G7", "H7:H8", "I7:I8", "J7:J8", "K7:K8"):
        ws.merge_cells(cells)
    for col in range(1, len(HEADER) + 1):
        ws.cell(row=9, column=col, value=f"({col})")
    r = 10
    for row in rows:
        for col, value in enumerate(row, start=1):
            ws.cell(row=r, column=col, value=value)
        r += 1
    ws.cell(row=r, column=1, value=f"Tổng cộng: {len(rows)} hộ")
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
    ws.cell(row=r, column=9, value=f"=SUM(I10:I{r - 1})")
    ws.cell(row=r + 1, column=8, value=f"{ward.name}, ngày {today.day} tháng {today.month} năm {today.year}")
    ws.cell(row=r + 2, column=2, value="NGƯỜI LẬP BIỂU")
    ws.cell(row=r + 2, column=8, value="TM. ỦY BAN NHÂN DÂN")
    ws.cell(row=r + 3, column=8, value="CHỦ TỊCH")
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = FILENAME
    return out


def import_list(
    user, support_list: SupportList, households: list[tuple[Household, str]], district: AdminUnit, today: date
) -> import_apply.Outcome:
    """Write the workbook of these (household, category) rows and import it onto the draft list. Raises
    ValidationError (with the importer's first problems) when the importer refuses it."""
    heads = {
        p.household_id: p
        for p in Person.objects.filter(household__in=[h for h, _c in households], relationship=Relationship.HEAD)
    }
    rows = [_row(n, h, heads.get(h.pk), c) for n, (h, c) in enumerate(households, start=1)]
    reading = importing.read(workbook(support_list.commune, district, rows, today))
    if reading.problems:
        raise ValidationError([f"{p.row}/{p.column}: {p.message}" for p in reading.problems[:3]])
    target = import_apply.resolve_target(user, support_list.commune_id, None, support_list.pk)
    try:
        return import_apply.apply(reading, target, user, source=FILENAME)
    except ValidationError as exc:
        problems = (exc.params or {}).get("problems") if hasattr(exc, "params") else None
        if problems:
            raise ValidationError([f"{p.row}/{p.column}: {p.message}" for p in problems[:3]]) from exc
        raise

"""Reading the welfare lists that wards really send (Excel), without anyone cleaning them by hand first.

A workbook is read twice in read-only mode: once for the values (Excel's cached results, `data_only=True`) and once
for the formulas, so a formula without a computed value or an error (#REF!, #N/A) becomes a row problem, never a
crash or a silent blank. Then, for each sheet:

- the header is found by scoring each of the first HEADER_ROWS rows (alone, or with the row under it as a second
  header row: "Năm sinh" merged over "Nam" | "Nữ", "Địa chỉ" over "Số nhà" | "Ấp/Khu vực") by how many cells name
  known fields (welfare.import_mapping), title rows above it are ignored;
- the numbering row (1) (2) (3) … under the header is skipped, and so are blank rows and section headings;
- reading stops at the footer: a total row ("Tổng cộng: 40 hộ"), a signature block ("Người lập biểu",
  "TM. ỦY BAN NHÂN DÂN", "Ký, ghi rõ họ tên") or a place-and-date line ("ngày … tháng … năm") in a row whose key
  columns are empty;
- each cell is understood the way people and Excel write it: dates as date cells, serial numbers, dd/mm/yyyy or
  d/m/yy text, or a year alone; phones that lost their leading zero; citizen IDs that Excel turned into numbers
  (even in scientific notation: recovered when every digit survived, otherwise the row says the ID was damaged);
  text in any Unicode normal form (NFC everywhere).

Nothing here touches the database: `read(...)` returns the rows and every problem as (row, column, message);
welfare.import_apply matches them with the registry and writes them, all or nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from phaodai.core import xlsx
from phaodai.core.text import clean_text, fold
from phaodai.staff.identity import FEMALE, MALE, normalise_phone, validate_citizen_id
from phaodai.welfare import import_mapping as mapping
from phaodai.welfare.models import Category, Gender, Relationship

#: The header must start within this many rows (title blocks take up to ten; some files add a long preamble).
HEADER_ROWS = 30
#: Rows read per sheet (a ward's list has a few thousand).
MAX_ROWS = 20_000
#: Rows shown on the preview.
PREVIEW_ROWS = 20
#: Value of `sheet` meaning "every sheet whose header names the same fields as the best one".
ALL_SHEETS = "*"
#: This many blank rows in a row end a sheet (files formatted down to row 1,048,576 are common).
MAX_BLANK_RUN = 200

EXCEL_ERRORS = frozenset({"#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"})
_DATE_LINE = re.compile(r"\bngay\b.{0,12}\bthang\b.{0,12}\bnam\b")
_SIGNATURE = ("nguoi lap bieu", "ky, ghi ro ho ten", "ky ghi ro ho ten", "tm. uy ban", "tm uy ban", "tm.ubnd")
_SECTION_COUNTER = re.compile(r"^([IVXL]+|[A-Z])[.)]?$")
_DMY = re.compile(r"^(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{2}|\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_SCIENTIFIC = re.compile(r"^([0-9]+)(?:[.,]([0-9]+))?[eE]\+?([0-9]+)$")
_NO_MARK = {"", "0", "khong", "no", "false"}
_GENDER_WORDS = {"nam": MALE, "male": MALE, "m": MALE, "nu": FEMALE, "female": FEMALE, "f": FEMALE}


class ImportError_(Exception):  # noqa: N801 - not the builtin ImportError
    """The file as a whole cannot be read (not a workbook, no sheet with a recognisable header)."""

    def __init__(self, message: str, code: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code


# --------------------------------------------------------------------------------------------------------------
# Results


@dataclass
class Problem:
    row: int  # Excel row (0 = the file or the sheet as a whole)
    column: str  # the header as written in the file
    letter: str
    message: str
    code: str = ""
    sheet: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "letter": self.letter,
            "message": self.message,
            "code": self.code,
        }


@dataclass
class ColumnInfo:
    index: int  # 0-based
    label: str  # "Năm sinh / Nam" for a two-row header
    field: str  # "" = not read
    confidence: float

    @property
    def letter(self) -> str:
        return get_column_letter(self.index + 1)


@dataclass
class SheetInfo:
    title: str
    header_row: int  # Excel row number of the (last) header row; 0 = no header found
    first_header_row: int
    columns: list[ColumnInfo]
    score: float
    footer_rows: list[int] = field(default_factory=list)

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(c.field for c in self.columns if c.field)

    def column(self, name: str) -> ColumnInfo | None:
        return next((c for c in self.columns if c.field == name), None)


@dataclass
class ParsedRow:
    sheet: str
    number: int
    full_name: str = ""
    head_name: str = ""
    gender: str = ""
    date_of_birth: date | None = None
    birth_year: int | None = None
    citizen_id: str = ""
    phone: str = ""
    address: str = ""
    neighbourhood: str = ""
    relationship: str = ""  # "" = not said
    category: str = ""
    category_text: str = ""
    members: int | None = None
    note: str = ""
    written: dict[str, str] = field(default_factory=dict)  # header → the cell as written

    @property
    def birth(self) -> str:
        if self.date_of_birth:
            return f"{self.date_of_birth:%d/%m/%Y}"
        return str(self.birth_year or "")

    def display(self) -> dict[str, str]:
        """The row as it will be read, for the preview."""
        return {
            "row": str(self.number),
            "full_name": self.full_name,
            "head_name": self.head_name,
            "gender": str(Gender(self.gender).label) if self.gender else "",
            "birth": self.birth,
            "citizen_id": self.citizen_id,
            "phone": self.phone,
            "address": self.address,
            "neighbourhood": self.neighbourhood,
            "relationship": str(Relationship(self.relationship).label) if self.relationship else "",
            "category": str(Category(self.category).label) if self.category else "",
        }


@dataclass
class Reading:
    sheets: list[SheetInfo]  # every sheet, with its best header (header_row 0: none found)
    chosen: list[SheetInfo]
    rows: list[ParsedRow]
    problems: list[Problem]

    @property
    def main(self) -> SheetInfo:
        return self.chosen[0]


# --------------------------------------------------------------------------------------------------------------
# The workbook


@dataclass
class SheetData:
    title: str
    values: list[tuple]
    formulas: list[tuple]


def _rows(worksheet) -> list[tuple]:
    rows: list[tuple] = []
    blank_run = 0
    for row in xlsx.sheet_rows(worksheet):
        if all(xlsx.is_blank(v) for v in row):
            blank_run += 1
            if blank_run > MAX_BLANK_RUN:
                break
        else:
            blank_run = 0
        rows.append(tuple(row))
        if len(rows) > MAX_ROWS + HEADER_ROWS + 100:
            raise ImportError_(
                _("A sheet has more than %(count)d rows: split the file into several files.") % {"count": MAX_ROWS},
                "too_many_rows",
            )
    while rows and all(xlsx.is_blank(v) for v in rows[-1]):
        rows.pop()
    return rows


def load(fileobj: IO[bytes] | str) -> list[SheetData]:
    """Every sheet's rows (values and formulas). Raises ImportError_ for what is not an .xlsx workbook."""
    try:
        values_book = xlsx.open_workbook(fileobj)
    except xlsx.UnreadableWorkbook as exc:
        raise ImportError_(str(exc), "not_xlsx") from exc
    try:
        if hasattr(fileobj, "seek"):
            fileobj.seek(0)
        formula_book = load_workbook(fileobj, read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - the first open succeeded; a failure here is the same damaged file
        raise ImportError_(_("The file could not be read as an Excel workbook (.xlsx)."), "not_xlsx") from exc
    try:
        sheets = []
        for ws_values, ws_formulas in zip(values_book.worksheets, formula_book.worksheets, strict=True):
            if getattr(ws_values, "sheet_state", "visible") != "visible":
                continue
            sheets.append(SheetData(ws_values.title, _rows(ws_values), _rows(ws_formulas)))
    except ImportError_:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged sheet inside a valid zip
        raise ImportError_(_("The file could not be read as an Excel workbook (.xlsx)."), "not_xlsx") from exc
    finally:
        values_book.close()
        formula_book.close()
    return sheets


# --------------------------------------------------------------------------------------------------------------
# The header


def _texts(row: Sequence[Any], width: int) -> list[str]:
    texts = [xlsx.cell_text(v) if isinstance(v, str) else "" for v in row]
    return texts + [""] * (width - len(texts))


def _header_like(row: Sequence[Any]) -> bool:
    """A possible second header row: only short texts, no numbers, IDs or dates."""
    texts = [v for v in row if not xlsx.is_blank(v)]
    if not texts:
        return False
    for value in texts:
        if not isinstance(value, str):
            return False
        text = xlsx.cell_text(value)
        if re.fullmatch(r"[\d\s./\-+()]+", text) or len(text) > 60:
            return False
    return True


def _map(top: Sequence[Any], sub: Sequence[Any] | None, width: int) -> list[ColumnInfo]:
    tops = _texts(top, width)
    subs = _texts(sub, width) if sub is not None else [""] * width
    # A merged group header holds its text in its first cell only: carry it over the sub-headers to its right.
    carried = list(tops)
    for i in range(1, width):
        if not carried[i] and subs[i] and subs[i - 1] and carried[i - 1]:
            carried[i] = carried[i - 1]
    columns: list[ColumnInfo] = []
    taken: set[str] = set()
    for i in range(width):
        parent, child = carried[i], subs[i]
        if not parent and not child:
            continue
        label = f"{parent} / {child}" if parent and child else (parent or child)
        found = mapping.match_header(f"{parent} {child}" if parent and child else "", child, parent)
        if found is None or found.field in taken:
            columns.append(ColumnInfo(i, label, "", 0.0))
            continue
        taken.add(found.field)
        columns.append(ColumnInfo(i, label, found.field, found.confidence))
    return columns


def _score(columns: list[ColumnInfo]) -> float:
    fields = {c.field for c in columns if c.field}
    if not fields & set(mapping.NAME_FIELDS):
        return 0.0
    return sum(c.confidence for c in columns if c.field and c.field not in mapping.UNSCORED)


def detect_header(title: str, rows: list[tuple], only_row: int | None = None) -> SheetInfo:
    """The best header of a sheet: the row (or pair of rows) naming the most fields, a name field among them.
    `only_row` (an Excel row number) restricts the search to a header starting there."""
    width = min(max((len(r) for r in rows[: HEADER_ROWS + 1]), default=0), xlsx.MAX_COLUMNS)
    best = SheetInfo(title, 0, 0, [], 0.0)
    candidates = range(len(rows[:HEADER_ROWS])) if only_row is None else [only_row - 1]
    for i in candidates:
        if i < 0 or i >= len(rows):
            continue
        top = rows[i]
        if all(xlsx.is_blank(v) for v in top) or xlsx.is_numbering_row(top):
            continue
        options: list[tuple[Sequence[Any] | None, int]] = [(None, i)]
        if i + 1 < len(rows) and _header_like(rows[i + 1]):
            options.append((rows[i + 1], i + 1))
        for sub, last in options:
            columns = _map(top, sub, width)
            score = _score(columns)
            if score >= 2 and score > best.score:
                best = SheetInfo(title, last + 1, i + 1, columns, score)
    return best


def apply_mapping(info: SheetInfo, overrides: dict[int, str]) -> SheetInfo:
    """The user's choices on the preview: column index → field ("" = do not read). A field is read from one column:
    choosing it for a column takes it away from the column that had it."""
    if not overrides:
        return info
    columns = [ColumnInfo(c.index, c.label, c.field, c.confidence) for c in info.columns]
    by_index = {c.index: c for c in columns}
    for index, name in overrides.items():
        if name and name not in mapping.FIELD_LABELS:
            continue
        column = by_index.get(index)
        if column is None or column.field == name:
            continue
        if name:
            for other in columns:
                if other.field == name:
                    other.field, other.confidence = "", 0.0
        column.field, column.confidence = name, (1.0 if name else 0.0)
    return SheetInfo(info.title, info.header_row, info.first_header_row, columns, _score(columns), info.footer_rows)


# --------------------------------------------------------------------------------------------------------------
# Values


def _folded_texts(row: Sequence[Any]) -> list[str]:
    return [fold(xlsx.cell_text(v)) for v in row if isinstance(v, str) and not xlsx.is_blank(v)]


def is_footer(row: Sequence[Any]) -> bool:
    """A total row, the signature block, or the place-and-date line above the signatures."""
    if xlsx.is_total_row(row) or xlsx.is_signature_row(row):
        return True
    return any(_DATE_LINE.search(t) or any(s in t for s in _SIGNATURE) for t in _folded_texts(row))


def _plausible_year(year: int, text: str) -> int:
    if not 1900 <= year <= timezone.localdate().year:
        raise ValidationError(
            _("“%(value)s” is not a plausible year of birth.") % {"value": text}, code="birth_implausible"
        )
    return year


def parse_birth(value: Any) -> tuple[date | None, int | None]:
    """(date of birth, year of birth) from a date cell, an Excel serial number, dd/mm/yyyy or d/m/yy text, or a
    year alone ("1958", 1958)."""
    today = timezone.localdate()
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        born = value
    elif isinstance(value, bool):
        raise ValidationError(_("“%(value)s” is not a date.") % {"value": value}, code="date_invalid")
    elif isinstance(value, int | float) or xlsx.cell_text(value).isdigit():
        text = xlsx.cell_digits(value)
        number = float(value) if isinstance(value, int | float) else int(text)
        if float(number).is_integer() and 1800 <= number <= 2200:
            return None, _plausible_year(int(number), text)
        if not 1 <= number < 2958466:
            raise ValidationError(
                _("“%(value)s” is not a date: write it as dd/mm/yyyy, e.g. 14/03/1985.") % {"value": text},
                code="date_invalid",
            )
        moment = from_excel(number)
        born = moment.date() if isinstance(moment, datetime) else moment
    else:
        text = xlsx.cell_text(value)
        match = _DMY.match(text)
        ymd = _YMD.match(text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            if len(match.group(3)) == 2:  # d/m/yy: the latest century that does not put the birth in the future
                year += 2000 if 2000 + year <= today.year else 1900
        elif ymd:
            year, month, day = (int(g) for g in ymd.groups())
        else:
            raise ValidationError(
                _("“%(value)s” is not a date: write it as dd/mm/yyyy, e.g. 14/03/1985.") % {"value": text},
                code="date_invalid",
            )
        try:
            born = date(year, month, day)
        except ValueError:
            raise ValidationError(
                _("“%(value)s” is not a real date (the day or month is out of range; dates are dd/mm/yyyy).")
                % {"value": text},
                code="date_out_of_range",
            ) from None
    if born > today:
        raise ValidationError(
            _("The date of birth %(date)s is in the future.") % {"date": f"{born:%d/%m/%Y}"}, code="birth_future"
        )
    _plausible_year(born.year, f"{born:%d/%m/%Y}")
    return born, born.year


def _damaged_id() -> ValidationError:
    return ValidationError(
        _(
            "The citizen ID was damaged by Excel (shown in scientific notation, digits lost): re-type it as text "
            "and send the file again."
        ),
        code="citizen_id_damaged",
    )


def citizen_id_digits(value: Any) -> str:
    """The digits of a citizen ID as the cell holds it. Excel turns a long number into a float, or into text like
    "7.9194959425E+10": kept when every digit survived; "1.23457E+11" lost six digits and is refused."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            raise _damaged_id()
        digits = str(int(value))
        # a number from a CSV round trip keeps only Excel's 6 shown digits: 123457000000
        if len(digits) >= 11 and digits.endswith("00000"):
            raise _damaged_id()
        return digits
    text = xlsx.cell_digits(value)
    match = _SCIENTIFIC.match(text.replace(" ", ""))
    if match:
        whole, fraction, exponent = match.group(1), match.group(2) or "", int(match.group(3))
        if len(fraction) < exponent:  # fewer shown digits than the number has: the rest are lost
            raise _damaged_id()
        try:
            number = Decimal(f"{whole}.{fraction}e{exponent}")
        except InvalidOperation:
            raise _damaged_id() from None
        if number != number.to_integral_value():
            raise _damaged_id()
        return str(int(number))
    return text


def parse_citizen_id(value: Any, gender: str, born: date | None, year: int | None) -> str:
    digits = citizen_id_digits(value)
    if isinstance(value, int | float) and len(digits) == 8:
        digits = digits.zfill(9)  # an old 9-digit ID kept as a number lost its leading zero
    when = born or (date(year, 1, 1) if year else None)
    return validate_citizen_id(digits, gender or None, when).number


# --------------------------------------------------------------------------------------------------------------
# Rows


class _RowReader:
    def __init__(self, info: SheetInfo, problems: list[Problem]):
        self.info = info
        self.problems = problems
        self.by_field = {c.field: c for c in info.columns if c.field}

    def problem(self, row: int, name: str | None, message: str, code: str = "") -> None:
        column = self.by_field.get(name) if name else None
        self.problems.append(
            Problem(
                row,
                column.label if column else "",
                column.letter if column else "",
                message,
                code,
                self.info.title,
            )
        )

    def read(self, number: int, values: Sequence[Any], formulas: Sequence[Any]) -> ParsedRow | None:
        raw: dict[str, Any] = {}
        before = len(self.problems)
        for name, column in self.by_field.items():
            value = values[column.index] if column.index < len(values) else None
            formula = formulas[column.index] if column.index < len(formulas) else None
            if isinstance(value, str) and value.strip() in EXCEL_ERRORS:
                self.problem(
                    number,
                    name,
                    _("The cell holds the Excel error %(error)s: type the value itself.") % {"error": value.strip()},
                    "excel_error",
                )
                continue
            if value is None and isinstance(formula, str) and formula.startswith("="):
                self.problem(
                    number,
                    name,
                    _("The cell holds a formula (%(formula)s) without a computed value: type the value itself.")
                    % {"formula": formula[:40]},
                    "formula",
                )
                continue
            raw[name] = value
        row = ParsedRow(self.info.title, number)
        row.written = {
            c.label: xlsx.cell_text(values[c.index])
            for c in self.info.columns
            if c.index < len(values) and not xlsx.is_blank(values[c.index])
        }
        blank = xlsx.is_blank

        for name in mapping.NAME_FIELDS:
            if blank(raw.get(name)):
                continue
            text = clean_text(xlsx.cell_text(raw[name]))
            if text.isupper():  # "NGUYỄN VĂN ĐẠT" → "Nguyễn Văn Đạt"
                text = text.title()
            if not any(ch.isalpha() for ch in text) or any(ch.isdigit() for ch in text):
                self.problem(number, name, _("“%(value)s” is not a person's name.") % {"value": text}, "name_invalid")
            elif len(text) > 120:
                self.problem(number, name, _("The name is longer than 120 characters."), "too_long")
            else:
                setattr(row, name, text)
        if not row.full_name and not row.head_name and len(self.problems) == before:
            self.problem(
                number,
                "full_name" if "full_name" in self.by_field else "head_name",
                _("The name is missing."),
                "required",
            )

        row.gender = self._gender(number, raw)
        self._birth(number, raw, row)

        if not blank(raw.get("citizen_id")):
            try:
                row.citizen_id = parse_citizen_id(raw["citizen_id"], row.gender, row.date_of_birth, row.birth_year)
            except ValidationError as exc:
                self.problem(number, "citizen_id", " ".join(exc.messages), exc.code or "")
        if not blank(raw.get("phone")):
            try:
                row.phone = normalise_phone(xlsx.cell_digits(raw["phone"]))
            except ValidationError as exc:
                self.problem(number, "phone", " ".join(exc.messages), exc.code or "")
        for name, limit in (("address", 300), ("neighbourhood", 150), ("note", 500)):
            text = clean_text(xlsx.cell_text(raw.get(name)))
            if len(text) > limit:
                self.problem(number, name, _("The text is too long (at most %(count)d characters).") % {"count": limit})
            setattr(row, name, text)
        if not blank(raw.get("relationship")):
            row.relationship = mapping.relationship_of(xlsx.cell_text(raw["relationship"]))
        if not blank(raw.get("category")):
            row.category_text = clean_text(xlsx.cell_text(raw["category"]))
            row.category = mapping.category_of(row.category_text)
        if not blank(raw.get("members")):
            text = xlsx.cell_digits(raw["members"])
            if text.isdigit() and 1 <= int(text) <= 99:
                row.members = int(text)
            else:
                self.problem(
                    number,
                    "members",
                    _("“%(value)s” is not a number of members (1 to 99).") % {"value": text},
                    "members_invalid",
                )
        return row if len(self.problems) == before else None

    def _gender(self, number: int, raw: dict[str, Any]) -> str:
        """From a gender column, from x marks under "Nam"/"Nữ", or from the Nam/Nữ birth-year columns."""
        found: list[tuple[str, str]] = []
        value = raw.get("gender")
        if not xlsx.is_blank(value):
            gender = _GENDER_WORDS.get(fold(xlsx.cell_text(value)).strip(" ."))
            if gender is None:
                self.problem(
                    number,
                    "gender",
                    _("“%(value)s” is not a gender: write Nam or Nữ.") % {"value": xlsx.cell_text(value)},
                    "gender_invalid",
                )
                return ""
            found.append((gender, "gender"))
        marks = (("gender_male", MALE), ("gender_female", FEMALE), ("dob_male", MALE), ("dob_female", FEMALE))
        for name, gender in marks:
            value = raw.get(name)
            if not xlsx.is_blank(value) and xlsx.compact_key(value) not in _NO_MARK:
                found.append((gender, name))
        if len({g for g, _n in found}) > 1:
            self.problem(number, found[-1][1], _("The row says both male and female."), "gender_conflict")
            return ""
        return found[0][0] if found else ""

    def _birth(self, number: int, raw: dict[str, Any], row: ParsedRow) -> None:
        present = [n for n in ("date_of_birth", "dob_male", "dob_female") if not xlsx.is_blank(raw.get(n))]
        if len(present) > 1:
            self.problem(number, present[-1], _("The row gives two dates of birth."), "birth_conflict")
            return
        if present:
            try:
                row.date_of_birth, row.birth_year = parse_birth(raw[present[0]])
            except ValidationError as exc:
                self.problem(number, present[0], " ".join(exc.messages), exc.code or "")


def _holds_data(value: Any) -> bool:
    """A key cell of a person's row holds a number, a date or text with digits ("Ký, ghi rõ họ tên" does not)."""
    if xlsx.is_blank(value):
        return False
    return not isinstance(value, str) or any(ch.isdigit() for ch in value)


def _person_key(row: ParsedRow) -> tuple:
    if row.citizen_id:
        return ("id", row.citizen_id)
    return ("name", fold(row.full_name or row.head_name), row.birth, fold(row.head_name), fold(row.address))


def read_sheet(sheet: SheetData, info: SheetInfo, problems: list[Problem]) -> list[ParsedRow]:
    reader = _RowReader(info, problems)
    key_indices = [c.index for c in info.columns if c.field in mapping.KEY_FIELDS]
    counter = info.column("counter")
    rows: list[ParsedRow] = []
    info.footer_rows = []
    for offset, values in enumerate(sheet.values[info.header_row :]):
        number = info.header_row + offset + 1
        formulas = sheet.formulas[number - 1] if number - 1 < len(sheet.formulas) else ()
        if all(xlsx.is_blank(v) for v in values) and all(xlsx.is_blank(v) for v in formulas):
            continue
        if xlsx.is_numbering_row(values):
            continue
        keyless = not any(_holds_data(values[i]) for i in key_indices if i < len(values))
        if keyless and is_footer(values):
            info.footer_rows = list(range(number, info.header_row + len(sheet.values[info.header_row :]) + 1))
            break
        meaningful = [c.index for c in info.columns if c.field and c.field not in mapping.UNSCORED]
        if all(
            (xlsx.is_blank(values[i]) if i < len(values) else True)
            and not (i < len(formulas) and isinstance(formulas[i], str) and formulas[i].startswith("="))
            for i in meaningful
        ):
            continue  # a row with something only in the counter or note column
        counter_text = xlsx.cell_text(values[counter.index]) if counter and counter.index < len(values) else ""
        if keyless and _SECTION_COUNTER.match(counter_text):
            continue
        if xlsx.compact_key(counter_text) in {"vd", "vidu", "example", "mau"}:
            continue
        row = reader.read(number, values, formulas)
        if row is not None:
            rows.append(row)
    return rows


def read(
    fileobj: IO[bytes] | str | list[SheetData],
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    overrides: dict[int, str] | None = None,
) -> Reading:
    """Read a workbook (or already loaded sheets). `sheet`: a sheet's title, ALL_SHEETS, or None for the sheet with
    the best header; `header_row` and `overrides` are the user's corrections on the preview."""
    sheets = fileobj if isinstance(fileobj, list) else load(fileobj)
    if not sheets or all(not s.values for s in sheets):
        raise ImportError_(_("The workbook is empty: there is no row to import."), "empty")
    infos = [detect_header(s.title, s.values) for s in sheets]
    by_title = {s.title: (s, info) for s, info in zip(sheets, infos, strict=True)}
    if sheet and sheet != ALL_SHEETS:
        if sheet not in by_title:
            raise ImportError_(_("The workbook has no sheet called “%(name)s”.") % {"name": sheet}, "no_sheet")
        chosen_titles = [sheet]
    else:
        found = [i for i in infos if i.header_row]
        if not found:
            empty = all(all(all(xlsx.is_blank(v) for v in r) for r in s.values) for s in sheets)
            if empty:
                raise ImportError_(_("The workbook is empty: there is no row to import."), "empty")
            raise ImportError_(
                _(
                    "No header was recognised in the first %(count)d rows of any sheet: the list needs a header row "
                    "with at least a name column (Họ và tên, Họ tên chủ hộ …) and one more column such as Ngày sinh, "
                    "Số CCCD, Số điện thoại or Địa chỉ."
                )
                % {"count": HEADER_ROWS},
                "no_header",
            )
        best = max(found, key=lambda i: i.score)
        same = [i.title for i in found if i.fields == best.fields]
        chosen_titles = same if sheet == ALL_SHEETS else [best.title]
    chosen: list[SheetInfo] = []
    problems: list[Problem] = []
    rows: list[ParsedRow] = []
    for title in chosen_titles:
        data, info = by_title[title]
        if header_row:
            info = detect_header(title, data.values, only_row=header_row)
        info = apply_mapping(info, overrides or {})
        chosen.append(info)
        if not info.header_row or not info.fields & set(mapping.NAME_FIELDS):
            problems.append(
                Problem(
                    0,
                    "",
                    "",
                    _("No header with a name column was found in this sheet (or in the row you chose)."),
                    "no_header",
                    title,
                )
            )
            continue
        sheet_rows = read_sheet(data, info, problems)
        if not sheet_rows and not [p for p in problems if p.sheet == title]:
            problems.append(Problem(0, "", "", _("The sheet has a header but no row under it."), "empty", title))
        rows.extend(sheet_rows)
    _report_repeats(rows, chosen, problems)
    problems.sort(key=lambda p: (p.sheet != chosen[0].title, p.sheet, p.row))
    return Reading(infos, chosen, rows, problems)


def _report_repeats(rows: list[ParsedRow], chosen: list[SheetInfo], problems: list[Problem]) -> None:
    """A person twice in one file: both rows are named; nothing is imported until one goes."""
    seen: dict[tuple, ParsedRow] = {}
    info_of = {i.title: i for i in chosen}
    for row in rows:
        key = _person_key(row)
        first = seen.get(key)
        if first is None:
            seen[key] = row
            continue
        info = info_of[row.sheet]
        column = info.column("citizen_id") if key[0] == "id" else (info.column("full_name") or info.column("head_name"))
        where = f"{first.number}" if first.sheet == row.sheet else f"{first.number} ({first.sheet})"
        problems.append(
            Problem(
                row.number,
                column.label if column else "",
                column.letter if column else "",
                _("The same person is on rows %(first)s and %(second)d of the file: keep one of them.")
                % {"first": where, "second": row.number},
                "repeated",
                row.sheet,
            )
        )

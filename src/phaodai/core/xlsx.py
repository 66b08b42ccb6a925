"""Excel (.xlsx) in and out, for lists as Vietnamese offices really lay them out.

Reading (`find_table`): the header may sit below a title block (unit name, national motto, title, "kèm theo"
line), may span two rows (a merged "Năm sinh" over "Nam" / "Nữ"), may be followed by a numbering row
(1) (2) (3) and the data by a total row and a signature block. Headers are matched case-, accent-, spacing- and
punctuation-insensitively against each field's synonyms. Cell parsers (`parse_date`, `cell_text`) accept what
Excel and people put in cells: date cells, serial numbers, "d/m/yyyy" text, decomposed Unicode, a leading "'".

Writing (`write_xlsx`, `export_queryset`, `xlsx_response`, `FilteredExportView`): XlsxWriter streams the sheet
into a spooled temporary file, so 100,000 rows never sit in memory. Text stays text (IDs and phones keep their leading
zeros, "=..." is never a formula), dates are real date cells shown dd/mm/yyyy, the header is frozen and filtered.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

import xlsxwriter
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from phaodai.core.permissions import RolePermissionMixin
from phaodai.core.text import fold

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
#: The header must start within this many rows (title blocks of ward lists take 5-8).
HEADER_SEARCH_ROWS = 15

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")


# --------------------------------------------------------------------------------------------------------------
# Text and values
# --------------------------------------------------------------------------------------------------------------

_INVISIBLE = re.compile("[\u200b\u200c\u200d\ufeff]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def cell_text(value: Any) -> str:
    """A cell as clean text: NFC, single spaces, no invisible characters or Excel's text-prefix apostrophe."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFC", str(value)).replace("\xa0", " ")
    text = _INVISIBLE.sub("", text)
    text = " ".join(text.split())
    if text.startswith("'"):
        text = text[1:].lstrip()
    return text


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not cell_text(value))


def compact_key(value: Any) -> str:
    """The matching form of a header or a label: accent-free, lower case, letters and digits only.

    "Số CCCD/CMND" → "socccdcmnd", "Họ và tên" → "hovaten", "Ngày sinh (dd/mm/yyyy)" → "ngaysinhddmmyyyy".
    """
    return _NON_ALNUM.sub("", fold(cell_text(value)))


def cell_digits(value: Any) -> str:
    """Digits of an ID or phone as typed or as Excel kept it (a number loses its leading zeros: callers pad)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return cell_text(value)


_DMY = re.compile(r"^(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{2}|\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")


def parse_date(value: Any) -> date:
    """A date from an Excel date cell, an Excel serial number, or text dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy
    (or ISO yyyy-mm-dd). Raises ValidationError with a specific message and code."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValidationError(_("“%(value)s” is not a date.") % {"value": value}, code="date_invalid")
    if isinstance(value, int | float):
        return _date_from_number(value, str(cell_digits(value)))
    text = cell_text(value)
    if text.isdigit():
        return _date_from_number(int(text), text)
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if len(match.group(3)) == 2:
            raise ValidationError(
                _("“%(value)s”: write the year with four digits (dd/mm/yyyy).") % {"value": text},
                code="date_two_digit_year",
            )
        return _make_date(year, month, day, text)
    match = _YMD.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return _make_date(year, month, day, text)
    raise ValidationError(
        _("“%(value)s” is not a date: write it as dd/mm/yyyy, e.g. 14/03/1985.") % {"value": text},
        code="date_invalid",
    )


def _date_from_number(number: float, text: str) -> date:
    if float(number).is_integer() and 1800 <= number <= 2200:
        raise ValidationError(
            _("“%(value)s” is only a year: give the full date (dd/mm/yyyy).") % {"value": text},
            code="date_year_only",
        )
    if 1 <= number < 2958466:  # Excel's serial day numbers (1 = 01/01/1900 … 31/12/9999)
        moment = from_excel(number)
        return moment.date() if isinstance(moment, datetime) else moment
    raise ValidationError(
        _("“%(value)s” is not a date: write it as dd/mm/yyyy, e.g. 14/03/1985.") % {"value": text},
        code="date_invalid",
    )


def _make_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not a real date (the day or month is out of range; dates are dd/mm/yyyy).")
            % {"value": text},
            code="date_out_of_range",
        ) from None


# --------------------------------------------------------------------------------------------------------------
# Reading: finding the table
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """One field the reader looks for.

    `synonyms` are header texts matched exactly (after `compact_key`); `keywords` are matched as substrings,
    after every field's exact synonyms have been tried. The order of the FieldSpec list is the priority of
    keyword matches (put "tình trạng tiêm chủng" → vaccination before "tình trạng" → status).
    """

    name: str
    synonyms: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    def keys(self) -> tuple[set[str], tuple[str, ...]]:
        return {compact_key(s) for s in self.synonyms} - {""}, tuple(k for k in map(compact_key, self.keywords) if k)


@dataclass
class Column:
    index: int  # 0-based
    label: str  # the header as written in the file ("Năm sinh / Nam" for a two-row header)

    @property
    def letter(self) -> str:
        return get_column_letter(self.index + 1)


@dataclass
class Table:
    sheet_title: str
    header_row: int  # Excel row number of the (last) header row
    columns: dict[str, Column]
    unused: list[Column] = field(default_factory=list)  # headers that match no field (ignored)
    duplicates: list[tuple[str, Column]] = field(default_factory=list)  # a second column for a field (ignored)
    footer_rows: list[int] = field(default_factory=list)  # total row and signature block, skipped


@dataclass
class DataRow:
    number: int  # the Excel row number
    values: dict[str, Any]  # field name → raw cell value (only the table's fields)
    cells: tuple  # the whole row, raw


_NUMBERING_CELL = re.compile(r"^\(\s*[0-9a-zA-Z]{1,3}\s*\)$")
# "Tổng cộng: 40 người", "Cộng: 12", "Total 40" (but not "Công an phường…").
_FOOTER_START = re.compile(r"^(tong cong|tong so|(cong|total|sum)\s*(:|$|\d|\())")
_FOOTER_KEYWORDS = (
    "nguoi lap bieu",
    "nguoi lap",
    "lap bieu",
    "ky ten",
    "ky, ghi ro ho ten",
    "ky ghi ro ho ten",
    "tm.",
    "tm ",
    "t/m",
    "thu truong",
    "chu tich",
    "xac nhan",
    "prepared by",
    "signature",
)
_EXAMPLE_MARKERS = {"vd", "vidu", "example", "mau"}


def _row_texts(row: Sequence[Any]) -> list[str]:
    return [cell_text(v) for v in row]


def _is_header_like(row: Sequence[Any]) -> bool:
    """A row that could be a second header row: only text, no IDs, dates or numbering."""
    texts = [t for t in _row_texts(row) if t]
    if not texts:
        return False
    for value in row:
        if is_blank(value):
            continue
        if not isinstance(value, str):
            return False
        text = cell_text(value)
        if _NUMBERING_CELL.match(text) or re.fullmatch(r"[\d\s./\-+]+", text):
            return False
    return True


def is_numbering_row(row: Sequence[Any]) -> bool:
    """(1) (2) (3) …, "(A) (B)", or 1 2 3 … 6 across the columns: the column-numbering row under a header."""
    values = [v for v in row if not is_blank(v)]
    if len(values) < 2:
        return False
    for v in values:  # fast exit for data rows: a name is neither "(n)" nor a number
        if isinstance(v, str) and not (v.lstrip().startswith("(") or v.strip().isdigit()):
            return False
    texts = [cell_text(v) for v in values]
    if all(_NUMBERING_CELL.match(t) for t in texts):
        return True
    numbers = [int(t) for t in texts if t.isdigit()]
    return (
        len(values) >= 3
        and len(numbers) == len(values)
        and numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    )


class _Resolver:
    def __init__(self, fields: Sequence[FieldSpec]):
        self.exact: dict[str, str] = {}
        self.keywords: list[tuple[str, str]] = []
        for spec in fields:
            exact, keywords = spec.keys()
            for key in exact:
                self.exact.setdefault(key, spec.name)
            self.keywords.extend((kw, spec.name) for kw in keywords)

    def resolve(self, *labels: str) -> str | None:
        keys = [compact_key(label) for label in labels if label]
        keys = [k for k in keys if k]
        for key in keys:
            if key in self.exact:
                return self.exact[key]
        for key in keys:
            for keyword, name in self.keywords:
                if keyword in key:
                    return name
        return None


def _map_header(
    resolver: _Resolver, top: Sequence[Any], sub: Sequence[Any] | None, width: int
) -> tuple[dict[str, Column], list[Column], list[tuple[str, Column]]]:
    tops = _row_texts(top) + [""] * (width - len(top))
    subs = (_row_texts(sub) + [""] * (width - len(sub))) if sub is not None else [""] * width
    # A merged group header ("Năm sinh" over "Nam" | "Nữ") holds its text in its first cell only: carry it right
    # over the sub-headers that follow an empty top cell.
    carried = list(tops)
    for i in range(1, width):
        if not carried[i] and subs[i] and subs[i - 1] and carried[i - 1]:
            carried[i] = carried[i - 1]
    columns: dict[str, Column] = {}
    unused: list[Column] = []
    duplicates: list[tuple[str, Column]] = []
    for i in range(width):
        parent, child = carried[i], subs[i]
        if not parent and not child:
            continue
        label = f"{parent} / {child}" if parent and child else (parent or child)
        # most specific first: "Năm sinh Nam" (birth year of a man), then the sub-header, then the group header
        name = resolver.resolve(f"{parent} {child}" if parent and child else "", child, parent)
        column = Column(index=i, label=label)
        if name is None:
            unused.append(column)
        elif name in columns:
            duplicates.append((name, column))
        else:
            columns[name] = column
    return columns, unused, duplicates


def find_table(
    rows: Sequence[Sequence[Any]],
    fields: Sequence[FieldSpec],
    *,
    required_any: Sequence[str],
    ignored: Iterable[str] = (),
    sheet_title: str = "",
) -> Table | None:
    """The best header (one row, or two rows) within the first HEADER_SEARCH_ROWS rows.

    `rows` are the first rows of a sheet (HEADER_SEARCH_ROWS + 1 is enough). A candidate must map at least one of
    `required_any` and two fields in all; the one that maps the most fields wins (ties: the earlier, single row).
    Fields named in `ignored` are recognised (so their columns are not reported as unknown) but do not score.
    """
    resolver = _Resolver(fields)
    ignored = set(ignored)
    width = max((len(r) for r in rows), default=0)
    best: tuple[int, Table] | None = None
    for i, top in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if not _row_texts(top) or not any(_row_texts(top)) or is_numbering_row(top):
            continue
        candidates: list[tuple[Sequence[Any] | None, int]] = [(None, i)]
        if i + 1 < len(rows) and _is_header_like(rows[i + 1]):
            candidates.append((rows[i + 1], i + 1))
        for sub, last in candidates:
            columns, unused, duplicates = _map_header(resolver, top, sub, width)
            scored = [name for name in columns if name not in ignored]
            if len(scored) < 2 or not any(name in columns for name in required_any):
                continue
            score = len(scored)
            if best is None or score > best[0]:
                table = Table(sheet_title, last + 1, columns, unused, duplicates)
                best = (score, table)
    return best[1] if best else None


def _texts_folded(row: Sequence[Any]) -> Iterator[str]:
    for value in row:
        if isinstance(value, str) and not is_blank(value):
            yield fold(cell_text(value))


def is_total_row(row: Sequence[Any]) -> bool:
    """A total or subtotal row: "Tổng cộng: 40 người", "Cộng: 12" (a name never starts so)."""
    return any(_FOOTER_START.match(text) for text in _texts_folded(row))


def is_signature_row(row: Sequence[Any]) -> bool:
    """The start of the signature block: "NGƯỜI LẬP BIỂU", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"…"""
    return any(
        any(text.startswith(k) or f" {k}" in f" {text}" for k in _FOOTER_KEYWORDS) for text in _texts_folded(row)
    )


def is_footer_row(row: Sequence[Any]) -> bool:
    return is_total_row(row) or is_signature_row(row)


_SECTION_COUNTER = re.compile(r"^([IVXL]+|[A-Z])[.)]?$")


def data_rows(
    rows: Iterator[Sequence[Any]],
    table: Table,
    *,
    key_fields: Sequence[str],
    counter_field: str | None = None,
    max_rows: int | None = None,
) -> Iterator[DataRow]:
    """The data rows under `table`'s header, as {field: raw value}.

    `rows` continues right after the header row. Skipped: blank rows (values only in unread or counter columns
    count as blank), numbering rows, section headings ("I", "II", "A" in the counter column, no key fields), the
    template's example row (its counter cell says "VD"/"Ví dụ"/"Example"), and total rows ("Tổng cộng", "Cộng:").
    The signature block ("NGƯỜI LẬP BIỂU", "TM. UBND", "CHỦ TỊCH") is recognised only in rows where all of
    `key_fields` (citizen ID, date of birth…) are empty; from there on, rows without key fields are held back too
    (the signer's name). If a row with key fields follows, the held rows were not a footer after all and are given
    back as data, so an incomplete person is reported, never dropped. Totals and the signature block are listed in
    `table.footer_rows` so that callers can say what was not read.
    """
    wanted = [(name, col.index) for name, col in table.columns.items()]
    meaningful = [name for name, _ in wanted if name != counter_field]
    number = table.header_row
    count = 0
    held: list[DataRow] = []  # possible signature block
    blank_run = 0
    for row in rows:
        number += 1
        if not any(v is not None and v != "" for v in row):
            blank_run += 1
            if blank_run > MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        values = {name: (row[index] if index < len(row) else None) for name, index in wanted}
        if is_numbering_row(row):
            continue
        keyless = all(is_blank(values.get(name)) for name in key_fields)
        if keyless and is_total_row(row):
            table.footer_rows.append(number)
            continue
        if all(is_blank(values[name]) for name in meaningful):
            continue
        counter = cell_text(values.get(counter_field)) if counter_field else ""
        if keyless and _SECTION_COUNTER.match(counter):
            continue
        data_row = DataRow(number=number, values=values, cells=tuple(row))
        if keyless and (held or is_signature_row(row)):
            held.append(data_row)
            continue
        pending, held = [*held, data_row], []
        for item in pending:
            if counter_field and compact_key(item.values.get(counter_field)) in _EXAMPLE_MARKERS:
                continue
            count += 1
            if max_rows is not None and count > max_rows:
                raise TooManyRows(max_rows)
            yield item
    table.footer_rows.extend(r.number for r in held)
    table.footer_rows.sort()


class TooManyRows(Exception):
    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


class UnreadableWorkbook(Exception):
    """Not an .xlsx file (or a damaged one)."""


def open_workbook(fileobj: IO[bytes] | str):
    """Open an .xlsx for reading (read-only, cached formula values). Raises UnreadableWorkbook with a message."""
    try:
        if hasattr(fileobj, "seek"):
            fileobj.seek(0)
        return load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, lxml errors …
        head = b""
        if hasattr(fileobj, "seek"):
            try:
                fileobj.seek(0)
                head = fileobj.read(8)
            except Exception:  # noqa: BLE001 - only to pick a better message
                head = b""
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            message = _("This is an old Excel 97-2003 (.xls) file: open it in Excel and save it as .xlsx.")
        else:
            message = _("The file could not be read as an Excel workbook (.xlsx).")
        raise UnreadableWorkbook(message) from exc


#: Columns read (a list has a dozen; some files carry formatting out to column XFD).
MAX_COLUMNS = 100
#: This many blank rows in a row end the data (files formatted down to row 1,048,576 are common).
MAX_BLANK_RUN = 1000


def sheet_rows(worksheet) -> Iterator[tuple]:
    """All rows of a read-only sheet as tuples of values (the sheet's own dimension tag is not trusted)."""
    if hasattr(worksheet, "reset_dimensions"):
        worksheet.reset_dimensions()
    yield from worksheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)


# --------------------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------------------

TEXT = "text"
DATE = "date"
DATETIME = "datetime"
NUMBER = "number"
BOOL = "bool"


@dataclass(frozen=True)
class ExportColumn:
    """A column of an export: its (translated) header, how to get the value from a row object, and its kind.

    `value` is an attribute path ("agency.unit.name") or a callable taking the row object.
    TEXT cells are always written as text (IDs and phones keep their leading zeros).
    """

    header: Any
    value: str | Callable[[Any], Any]
    kind: str = TEXT
    width: float = 16

    def get(self, obj: Any) -> Any:
        if callable(self.value):
            return self.value(obj)
        current = obj
        for part in self.value.split("."):
            current = getattr(current, part, None)
            if current is None:
                return None
        return current() if callable(current) else current


def _to_cell_value(value: Any, kind: str) -> Any:
    if value is None or value == "":
        return None
    if kind == DATETIME and isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    if kind == DATE:
        return value.date() if isinstance(value, datetime) else value
    if kind == BOOL:
        return _("Yes") if value else _("No")
    if kind == NUMBER:
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def write_xlsx(
    rows: Iterable[Any], columns: Sequence[ExportColumn], *, title: str, out: IO[bytes] | None = None
) -> IO[bytes]:
    """Write `rows` (objects; each column extracts its value) to a one-sheet workbook, rewound, ready to send.

    XlsxWriter in constant-memory mode streams each row to disk as it is written, so memory stays flat and
    100,000 rows take seconds (openpyxl's pure-Python writer is several times slower for large exports).
    Text cells are always text ("=…" is never a formula, "0912…" never a number); dates are date cells.
    """
    if out is None:
        # closed by the FileResponse that sends it
        out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    book = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "tmpdir": tempfile.gettempdir(),
        },
    )
    header_format = book.add_format({"bold": True, "bg_color": "#DDEBF7", "text_wrap": True, "valign": "vcenter"})
    formats = {
        TEXT: book.add_format({"num_format": "@"}),
        DATE: book.add_format({"num_format": DATE_FORMAT}),
        DATETIME: book.add_format({"num_format": DATETIME_FORMAT}),
    }
    sheet = book.add_worksheet(_sheet_title(title))
    for index, col in enumerate(columns):
        sheet.set_column(index, index, col.width, formats[TEXT] if col.kind == TEXT else None)
    for index, col in enumerate(columns):
        sheet.write_string(0, index, str(col.header), header_format)
    sheet.freeze_panes(1, 0)
    count = 0
    for obj in rows:
        count += 1
        for index, col in enumerate(columns):
            value = _to_cell_value(col.get(obj), col.kind)
            if value is None:
                continue
            if col.kind in (DATE, DATETIME) and isinstance(value, date):
                sheet.write_datetime(count, index, value, formats[col.kind])
            elif isinstance(value, bool):
                sheet.write_boolean(count, index, value)
            elif col.kind != TEXT and isinstance(value, int | float | Decimal):
                sheet.write_number(count, index, value)
            else:
                sheet.write_string(count, index, str(value), formats[TEXT])
    sheet.autofilter(0, 0, count, max(len(columns) - 1, 0))
    book.close()
    out.seek(0)
    return out


def export_queryset(queryset, columns: Sequence[ExportColumn], *, title: str, chunk_size: int = 2000) -> IO[bytes]:
    """Export a (scoped, filtered) queryset; rows are fetched in chunks, never all at once."""
    return write_xlsx(queryset.iterator(chunk_size=chunk_size), columns, title=title)


def _sheet_title(title: Any) -> str:
    text = re.sub(r"[\[\]:*?/\\]", " ", str(title)).strip().strip("'") or "Sheet"
    return text[:31]


def export_filename(title: Any, when: date | None = None) -> str:
    """ "danh-sach-can-bo-20250114.xlsx": ASCII (accent-free), dated."""
    when = when or timezone.localdate()
    return f"{slugify(fold(str(title))) or 'export'}-{when:%Y%m%d}.xlsx"


def xlsx_response(fileobj: IO[bytes], filename: str) -> FileResponse:
    response = FileResponse(fileobj, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "private, no-store"  # personal data: never cached by a proxy
    return response


# --------------------------------------------------------------------------------------------------------------
# Export views
# --------------------------------------------------------------------------------------------------------------


class FilteredExportView(RolePermissionMixin, View):
    """GET ?<the list page's filters> → .xlsx of exactly the rows the list shows (every page, not just one).

    Rows always start from `model.objects.visible_to(user)`; the FilterSet is the one the list page and the API use.
    An invalid filter is a 400, never a silently wider export.
    """

    model: type
    filterset_class: type
    title: Any = ""
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def get_columns(self) -> Sequence[ExportColumn]:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def get_rows(self, queryset) -> Iterable[Any]:
        return queryset.iterator(chunk_size=2000)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        filterset = self.filterset_class(request.GET or None, queryset=self.model.objects.visible_to(user), user=user)
        if filterset.is_bound and not filterset.is_valid():
            problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())
            return HttpResponseBadRequest(
                _("The filter is not valid: %(problems)s") % {"problems": problems}, content_type="text/plain"
            )
        qs = filterset.qs
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        title = str(self.title or self.model._meta.verbose_name_plural)
        fileobj = write_xlsx(self.get_rows(qs), self.get_columns(), title=title)
        return xlsx_response(fileobj, export_filename(title))

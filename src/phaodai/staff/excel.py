"""Civil servants from and to Excel: the import template, the all-or-nothing import, and the export columns.

`import_staff(fileobj, user, dry_run=False)` reads a list as departments and wards send it (see core/xlsx.py for the
layouts it copes with), checks every row, and imports either every row or none. Lookups are preloaded (agencies in
the user's jurisdiction, skills, existing citizen IDs and phones) so 5,000 rows take a few queries, not 5,000; the
rows, their skills and their audit entries are written with bulk_create in one transaction.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from auditlog.cid import get_cid
from auditlog.context import auditlog_value
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from phaodai.core import xlsx
from phaodai.core.audit import creation_entries, m2m_added
from phaodai.core.text import clean_text, fold
from phaodai.places.models import AdminUnit, Agency, Level
from phaodai.staff.identity import FEMALE, MALE, normalise_phone, validate_citizen_id
from phaodai.staff.models import Gender, Skill, StaffMember, StaffStatus, VaccinationStatus

#: More rows than this → split the file (a department has at most a few thousand people).
MAX_ROWS = 20_000
#: Rows the template prepares (dropdowns, text format for IDs and phones).
TEMPLATE_ROWS = 5_000
_CHUNK = 500  # IN (…) lists: well under SQLite's variable limit
#: The citizen ID of the template's example row (a man born in Cần Thơ in 1985): that row is never imported.
EXAMPLE_CITIZEN_ID = "092085000123"

# --------------------------------------------------------------------------------------------------------------
# Columns: header synonyms (Vietnamese and English, as officials write them)
# --------------------------------------------------------------------------------------------------------------

_DOB_WORDS = ("Ngày sinh", "Năm sinh", "Ngày tháng năm sinh", "Ngày, tháng, năm sinh", "Date of birth", "Birth date")
_MALE_WORDS = ("Nam", "Male")
_FEMALE_WORDS = ("Nữ", "Female")
_GENDER_WORDS = ("Giới tính", "Gender", "Sex")


def _combos(parents: Iterable[str], subs: Iterable[str]) -> tuple[str, ...]:
    return tuple(f"{p} {s}" for p in parents for s in subs)


def _field_labels(name: str) -> tuple[str, ...]:
    """The model's own label of a field, in Vietnamese and English (what the template and exports write)."""
    verbose = StaffMember._meta.get_field(name).verbose_name
    labels = []
    for lang in ("vi", "en"):
        with translation.override(lang):
            labels.append(str(verbose))
    return tuple(labels)


def staff_fields() -> list[xlsx.FieldSpec]:
    """The columns an import reads. Order = priority of keyword matches (the more specific first)."""
    spec = xlsx.FieldSpec
    return [
        # Columns that are recognised only so that they are not mistaken for another field.
        spec(
            "ignored",
            ("Ghi chú", "Note", "Notes", "Khối", "Bloc", "Địa chỉ", "Address") + tuple(_export_only_labels()),
            ("ghichu", "ngaycap", "noicap", "dateofissue", "placeofissue", "donvihanhchinh", "administrativeunit"),
        ),
        spec("counter", ("STT", "TT", "Số TT", "Số thứ tự", "No.", "No", "#", "Number", "Ordinal")),
        spec("dob_male", _combos(_DOB_WORDS, _MALE_WORDS)),
        spec("dob_female", _combos(_DOB_WORDS, _FEMALE_WORDS)),
        spec("gender_male", _MALE_WORDS + _combos(_GENDER_WORDS, _MALE_WORDS) + ("Nam giới",)),
        spec("gender_female", _FEMALE_WORDS + _combos(_GENDER_WORDS, _FEMALE_WORDS) + ("Nữ giới",)),
        spec(
            "full_name",
            ("Họ và tên", "Họ tên", "Họ, tên", "Tên", "Full name", "Name", "Họ và tên cán bộ")
            + _field_labels("full_name"),
            ("hovaten", "hoten", "fullname"),
        ),
        spec(
            "date_of_birth",
            _DOB_WORDS + ("DOB", "Sinh ngày") + _field_labels("date_of_birth"),
            ("ngaysinh", "namsinh", "ngaythangnamsinh", "dateofbirth", "birthdate"),
        ),
        spec("gender", _GENDER_WORDS + ("Giới", "Phái") + _field_labels("gender"), ("gioitinh", "gender")),
        spec(
            "citizen_id",
            (
                "Số CCCD",
                "CCCD",
                "CCCD/CMND",
                "CMND/CCCD",
                "CMND",
                "Số CMND",
                "Số định danh",
                "Số định danh cá nhân",
                "Căn cước công dân",
                "Citizen ID",
                "ID number",
            )
            + _field_labels("citizen_id"),
            ("cccd", "cmnd", "dinhdanh", "cancuoc", "citizenid", "cmt", "idnumber"),
        ),
        spec(
            "phone",
            ("Số điện thoại", "Điện thoại", "SĐT", "ĐT", "Điện thoại liên hệ", "Di động", "Phone", "Mobile")
            + _field_labels("phone"),
            ("dienthoai", "sdt", "phone", "didong", "mobile"),
        ),
        spec(
            "home_unit",
            ("Nơi ở", "Nơi ở hiện tại", "Nơi cư trú", "Xã/phường nơi ở", "Place of residence", "Residence")
            + _field_labels("home_unit"),
            ("noio", "cutru", "residence"),
        ),
        spec(
            "agency",
            (
                "Cơ quan",
                "Đơn vị",
                "Cơ quan, đơn vị",
                "Đơn vị công tác",
                "Nơi công tác",
                "Cơ quan công tác",
                "Agency",
                "Organisation",
                "Organization",
            )
            + _field_labels("agency"),
            ("coquan", "donvi", "noicongtac", "agency"),
        ),
        spec(
            "position",
            ("Chức vụ", "Chức danh", "Chức vụ, chức danh", "Position", "Job title") + _field_labels("position"),
            ("chucvu", "chucdanh", "position", "jobtitle"),
        ),
        spec(
            "skills",
            ("Kỹ năng", "Kỹ năng chuyên môn", "Skills", "Skill") + _field_labels("skills"),
            ("kynang", "skill"),
        ),
        spec(
            "vaccination_status",
            ("Tiêm chủng", "Tình trạng tiêm chủng", "Tiêm vắc xin", "Số mũi tiêm", "Vaccination", "Vaccine")
            + _field_labels("vaccination_status"),
            ("tiemchung", "tiem", "vacxin", "vaccin"),
        ),
        spec(
            "status",
            ("Trạng thái", "Tình trạng", "Status") + _field_labels("status"),
            ("trangthai", "status", "tinhtrang"),
        ),
    ]


#: Fields that a real person's row has and a total row or signature block has not.
KEY_FIELDS = ("citizen_id", "date_of_birth", "dob_male", "dob_female", "gender", "gender_male", "gender_female")


def _export_only_labels() -> list[str]:
    labels = []
    for lang in ("vi", "en"):
        with translation.override(lang):
            labels += [
                str(Agency._meta.get_field("unit").verbose_name),
                str(Agency._meta.get_field("bloc").verbose_name),
            ]
    return labels


# --------------------------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------------------------

_STATUS_WORDS = {
    StaffStatus.AVAILABLE: (
        "Sẵn sàng",
        "Có thể huy động",
        "Sẵn sàng huy động",
        "Bình thường",
        "Đang làm việc",
        "Ready",
    ),
    StaffStatus.MOBILISED: (
        "Đã huy động",
        "Đang huy động",
        "Được huy động",
        "Được điều động",
        "Đang làm nhiệm vụ",
        "Mobilized",
    ),
    StaffStatus.ON_LEAVE: ("Nghỉ phép", "Đang nghỉ phép", "Nghỉ", "Đang nghỉ", "Leave"),
    StaffStatus.ISOLATED: (
        "Cách ly",
        "Đang cách ly",
        "Ốm",
        "Bị ốm",
        "Ốm đau",
        "Cách ly hoặc ốm",
        "Đang điều trị",
        "F0",
        "F1",
        "Isolated",
        "Sick",
    ),
}
_VACCINATION_WORDS = {
    VaccinationStatus.NONE: ("Chưa tiêm", "Chưa", "Không", "0", "0 mũi", "None", "No"),
    VaccinationStatus.ONE_DOSE: ("1 mũi", "Một mũi", "Mũi 1", "Đã tiêm 1 mũi", "1", "1 dose"),
    VaccinationStatus.FULL: (
        "2 mũi",
        "Hai mũi",
        "Mũi 2",
        "Đủ mũi",
        "Đủ liều",
        "Tiêm đủ",
        "Đã tiêm đủ",
        "Đã tiêm đủ mũi",
        "Đã tiêm 2 mũi",
        "2",
        "Full",
        "2 doses",
    ),
    VaccinationStatus.BOOSTER: (
        "3 mũi",
        "Ba mũi",
        "Mũi 3",
        "4 mũi",
        "Mũi nhắc lại",
        "Nhắc lại",
        "Tăng cường",
        "Mũi tăng cường",
        "Đã tiêm 3 mũi",
        "3",
        "4",
        "Booster",
        "3 doses",
    ),
}
_GENDER_WORDS_VALUES = {
    MALE: ("Nam", "Nam giới", "Male", "M", "Man", "Trai"),
    FEMALE: ("Nữ", "Nữ giới", "Female", "F", "Woman", "Gái"),
}
_NO_MARK = {"", "0", "khong", "no", "false"}


def _choice_lookup(choices, extra: dict) -> dict[str, str]:
    """compact label → code, for a model's choices: code, English and Vietnamese labels and the extra words."""
    lookup: dict[str, str] = {}
    for value, label in choices:
        keys = {value, value.replace("_", " ")}
        for lang in ("vi", "en"):
            with translation.override(lang):
                keys.add(str(label))
        keys.update(extra.get(value, ()))
        for key in keys:
            lookup.setdefault(xlsx.compact_key(key), value)
    return lookup


_ABBREVIATIONS = [
    (re.compile(r"\bubnd\b"), "uy ban nhan dan"),
    (re.compile(r"\bhdnd\b"), "hoi dong nhan dan"),
    (re.compile(r"\bttyt\b"), "trung tam y te"),
    (re.compile(r"\btyt\b"), "tram y te"),
    (re.compile(r"\bbv\b"), "benh vien"),
    (re.compile(r"\btp\s*\.\s*"), "thanh pho "),
    (re.compile(r"\btt\s*\.\s*"), "thi tran "),
    (re.compile(r"\bp\s*\.\s*"), "phuong "),
    (re.compile(r"\bx\s*\.\s*"), "xa "),
    (re.compile(r"\bq\s*\.\s*"), "quan "),
    (re.compile(r"\bh\s*\.\s*"), "huyen "),
]


def name_key(text: Any) -> str:
    """Matching form of an agency or unit name: "UBND P. Tân An" and "Ủy ban nhân dân Phường Tân An" agree."""
    folded = fold(xlsx.cell_text(text))
    for pattern, replacement in _ABBREVIATIONS:
        folded = pattern.sub(replacement, folded)
    return xlsx.compact_key(folded)


class AgencyLookup:
    """The agencies the user may import staff into, by name, short name or "name (unit)"."""

    def __init__(self, user):
        self.user = user
        self.by_key: dict[str, set[int]] = defaultdict(set)
        self.agencies: dict[int, Agency] = {}
        for agency in (
            Agency.objects.visible_to(user).select_related("unit").only("pk", "name", "short_name", "unit__name")
        ):
            self.agencies[agency.pk] = agency
            for key in (agency.name, agency.short_name, self.display_name(agency, qualified=True)):
                if key:
                    self.by_key[name_key(key)].add(agency.pk)
        self._elsewhere: set[str] | None = None

    @staticmethod
    def display_name(agency: Agency, qualified: bool = False) -> str:
        return f"{agency.name} ({agency.unit.name})" if qualified else agency.name

    def ambiguous_names(self) -> set[str]:
        """Names shared by two visible agencies (the template then lists them as "name (unit)")."""
        counts: dict[str, int] = defaultdict(int)
        for agency in self.agencies.values():
            counts[name_key(agency.name)] += 1
        return {key for key, n in counts.items() if n > 1}

    def template_names(self) -> list[str]:
        ambiguous = self.ambiguous_names()
        names = [self.display_name(a, qualified=name_key(a.name) in ambiguous) for a in self.agencies.values()]
        return sorted(names, key=fold)

    def find(self, value: Any) -> Agency:
        text = xlsx.cell_text(value)
        ids = self.by_key.get(name_key(text), set())
        if len(ids) == 1:
            return self.agencies[next(iter(ids))]
        if len(ids) > 1:
            options = "; ".join(sorted(self.display_name(self.agencies[i], qualified=True) for i in ids))
            raise ValidationError(
                _("Several agencies in your jurisdiction are called “%(name)s”: write one of %(options)s.")
                % {"name": text, "options": options},
                code="agency_ambiguous",
            )
        if name_key(text) in self._names_elsewhere():
            raise ValidationError(
                _("The agency “%(name)s” is outside your jurisdiction: you can import staff only of your agencies.")
                % {"name": text},
                code="agency_out_of_scope",
            )
        raise ValidationError(
            _(
                "No agency called “%(name)s” in your jurisdiction. "
                "Use a name from the “%(sheet)s” sheet of the template."
            )
            % {"name": text, "sheet": _("Allowed values")},
            code="agency_unknown",
        )

    def _names_elsewhere(self) -> set[str]:
        # Only computed when a name is not found: says "outside your jurisdiction" rather than "unknown".
        if self._elsewhere is None:
            self._elsewhere = set()
            for name, short_name in Agency.objects.exclude(pk__in=list(self.agencies)).values_list(
                "name", "short_name"
            ):
                self._elsewhere.add(name_key(name))
                if short_name:
                    self._elsewhere.add(name_key(short_name))
        return self._elsewhere


class SkillLookup:
    def __init__(self):
        self.skills = list(Skill.objects.all())
        self.by_key: dict[str, Skill] = {}
        for skill in self.skills:
            for key in (skill.code, skill.code.replace("_", " "), skill.name, skill.name_en):
                self.by_key.setdefault(xlsx.compact_key(key), skill)

    def parse(self, value: Any) -> list[Skill]:
        """ "Lái xe; Nhập liệu", "driving, it", or names that contain a comma ("Tuyên truyền, vận động")."""
        found: list[Skill] = []
        unknown: list[str] = []
        for part in re.split(r"[;\n]+", xlsx.cell_text(value) if not isinstance(value, str) else value):
            tokens = [t.strip() for t in re.split(r"[,/]", part) if t.strip()]
            i = 0
            while i < len(tokens):
                # longest run of comma-separated tokens that is one skill's name
                for j in range(len(tokens), i, -1):
                    skill = self.by_key.get(xlsx.compact_key(", ".join(tokens[i:j])))
                    if skill is not None:
                        if skill not in found:
                            found.append(skill)
                        i = j
                        break
                else:
                    unknown.append(tokens[i])
                    i += 1
        if unknown:
            raise ValidationError(
                _("Unknown skill: %(values)s. Allowed: %(allowed)s.")
                % {"values": ", ".join(f"“{u}”" for u in unknown), "allowed": "; ".join(s.name for s in self.skills)},
                code="skill_unknown",
            )
        return found


class UnitLookup:
    """Communes and neighbourhoods by code, or by name ("Tân An", "Phường Tân An", "Khu vực 9, Phường Tân An").

    Names are looked up in the user's province (the whole country for a user without a jurisdiction); a name that
    several units share is settled by the user's own jurisdiction, or by naming the district after a comma.
    """

    def __init__(self, user):
        self.user = user
        province_path = self._province_path(user)
        qs = AdminUnit.objects.all()
        if province_path:
            qs = qs.filter(path__startswith=province_path)
        self.units: dict[str, tuple] = {}  # code → (pk, code, name, division_type, level, path)
        self.by_name: dict[str, set[str]] = defaultdict(set)
        for row in qs.values_list("pk", "code", "name", "division_type", "level", "path"):
            self._add(row)
        self.scope_path = self._scope_path(user)

    @staticmethod
    def _province_path(user) -> str:
        unit = user.scope_unit if user.scope_unit_id else (user.scope_agency.unit if user.scope_agency_id else None)
        return f"/{unit.path.strip('/').split('/')[0]}/" if unit else ""

    @staticmethod
    def _scope_path(user) -> str:
        if user.scope_unit_id:
            return user.scope_unit.path
        return user.scope_agency.unit.path if user.scope_agency_id else ""

    def _add(self, row: tuple) -> None:
        pk, code, name, division_type, level, path = row
        self.units[code] = row
        for key in self._name_keys(name, division_type):
            self.by_name[key].add(code)

    @staticmethod
    def _name_keys(name: str, division_type: str) -> set[str]:
        keys = {name_key(name)}
        folded_type = fold(division_type)
        folded_name = fold(name)
        if folded_type and folded_name.startswith(folded_type + " "):
            keys.add(name_key(folded_name[len(folded_type) :]))
        return keys - {""}

    def _label(self, code: str) -> str:
        _pk, _code, name, _t, _level, path = self.units[code]
        parent_codes = path.strip("/").split("/")[:-1]
        parents = [self.units[c][2] for c in reversed(parent_codes) if c in self.units][:1]
        return ", ".join([name, *parents]) + f" ({code})"

    def find(self, value: Any) -> int:
        text = xlsx.cell_digits(value)
        if text.isdigit():
            row = self.units.get(text)
            if row is None:
                extra = AdminUnit.objects.filter(code=text).values_list(
                    "pk", "code", "name", "division_type", "level", "path"
                )
                for found in extra:
                    self._add(found)
                row = self.units.get(text)
            if row is not None and row[4] >= Level.COMMUNE:
                return row[0]
            raise ValidationError(
                _("No commune or neighbourhood has the code %(code)s.") % {"code": text}, code="unit_unknown"
            )
        parts = [p for p in (p.strip() for p in text.split(",")) if p]
        if not parts:
            raise ValidationError(_("The place of residence is empty."), code="unit_unknown")
        codes = {c for c in self.by_name.get(name_key(parts[0]), set()) if self.units[c][4] >= Level.COMMUNE}
        for part in parts[1:]:
            wanted = name_key(part)
            codes = {c for c in codes if wanted in self._ancestor_keys(c)}
        if len(codes) > 1 and self.scope_path:
            inside = {c for c in codes if self.units[c][5].startswith(self.scope_path)}
            codes = inside or codes
        if len(codes) == 1:
            return self.units[next(iter(codes))][0]
        if not codes:
            raise ValidationError(
                _("No commune or neighbourhood called “%(name)s” was found: write its name or its code.")
                % {"name": text},
                code="unit_unknown",
            )
        options = "; ".join(sorted(self._label(c) for c in codes)[:5])
        raise ValidationError(
            _("Several places are called “%(name)s” (%(options)s): add the district after a comma, or write the code.")
            % {"name": text, "options": options},
            code="unit_ambiguous",
        )

    def _ancestor_keys(self, code: str) -> set[str]:
        path = self.units[code][5]
        keys: set[str] = set()
        for c in path.strip("/").split("/")[:-1]:
            if c in self.units:
                _pk, _code, name, division_type, _level, _path = self.units[c]
                keys |= self._name_keys(name, division_type)
        return keys


# --------------------------------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int  # Excel row number (0 = the file as a whole)
    column: str  # the header as written in the file ("" = the whole row / file)
    message: str
    code: str = ""
    letter: str = ""  # the column letter, when known

    def __str__(self) -> str:
        where = _("Row %(row)d") % {"row": self.row} if self.row else _("File")
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    created: int = 0
    rows: int = 0  # people read from the file (created, or to create on a dry run without errors)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    sheet: str = ""
    header_row: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def report(self) -> str:
        """A plain-text report (management command, logs)."""
        lines = []
        if self.errors:
            lines.append(
                ngettext(
                    "%(count)d error: nothing was imported.",
                    "%(count)d errors: nothing was imported.",
                    len(self.errors),
                )
                % {"count": len(self.errors)}
            )
            lines += [f"  {e}" for e in self.errors]
        elif self.dry_run:
            lines.append(
                ngettext(
                    "Check only: %(count)d person can be imported.",
                    "Check only: %(count)d people can be imported.",
                    self.rows,
                )
                % {"count": self.rows}
            )
        else:
            lines.append(
                ngettext("%(count)d person imported.", "%(count)d people imported.", self.created)
                % {"count": self.created}
            )
        if self.warnings:
            lines.append(
                ngettext("%(count)d warning:", "%(count)d warnings:", len(self.warnings))
                % {"count": len(self.warnings)}
            )
            lines += [f"  {w}" for w in self.warnings]
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------------------------------


@dataclass
class _Person:
    row: int
    data: dict[str, Any]
    skills: list[Skill]
    cid_column: xlsx.Column
    phone_column: xlsx.Column | None


def _message(exc: ValidationError) -> tuple[str, str]:
    return " ".join(exc.messages), (exc.code or "")


class _RowParser:
    def __init__(self, user, table: xlsx.Table, result: ImportResult):
        self.user = user
        self.table = table
        self.result = result
        self.agencies = AgencyLookup(user)
        self.skills = SkillLookup() if "skills" in table.columns else None
        self.units = UnitLookup(user) if "home_unit" in table.columns else None
        self.genders = _choice_lookup(Gender.choices, _GENDER_WORDS_VALUES)
        self.statuses = _choice_lookup(StaffStatus.choices, _STATUS_WORDS)
        self.vaccinations = _choice_lookup(VaccinationStatus.choices, _VACCINATION_WORDS)
        self.today = timezone.localdate()

    def error(self, row: int, field_name: str | None, message: str, code: str = "") -> None:
        column = self.table.columns.get(field_name) if field_name else None
        self.result.errors.append(
            RowError(row, column.label if column else "", message, code, column.letter if column else "")
        )

    def parse(self, data_row: xlsx.DataRow) -> _Person | None:
        values = data_row.values
        row = data_row.number
        errors_before = len(self.result.errors)
        blank = xlsx.is_blank

        def required(name: str, label: str) -> bool:
            if blank(values.get(name)):
                self.error(row, name, _("%(field)s is missing.") % {"field": label}, "required")
                return False
            return True

        data: dict[str, Any] = {}
        # full name
        if required("full_name", _("The full name")):
            name = clean_text(xlsx.cell_text(values["full_name"]))
            if name.isupper():  # "NGUYỄN VĂN ĐẠT", as many ward lists write names → "Nguyễn Văn Đạt"
                name = name.title()
            if not any(ch.isalpha() for ch in name) or any(ch.isdigit() for ch in name):
                self.error(row, "full_name", _("“%(value)s” is not a person's name.") % {"value": name}, "name_invalid")
            elif len(name) > 120:
                self.error(row, "full_name", _("The name is longer than 120 characters."), "too_long")
            else:
                data["full_name"] = name

        gender, _gender_field = self._gender(row, values)
        dob, _dob_field = self._date_of_birth(row, values)
        if isinstance(gender, str):
            data["gender"] = gender
        if isinstance(dob, date):
            data["date_of_birth"] = dob

        # citizen ID, checked against gender and year of birth when those are known
        cid_column = self.table.columns["citizen_id"]
        if required("citizen_id", _("The citizen ID")):
            raw = values["citizen_id"]
            digits = xlsx.cell_digits(raw)
            if isinstance(raw, int | float) and len(digits) == 8:
                digits = digits.zfill(9)  # an old 9-digit ID stored as a number lost its leading zero
            try:
                cid = validate_citizen_id(digits, data.get("gender"), data.get("date_of_birth"))
                data["citizen_id"] = cid.number
                data["citizen_id_is_old"] = cid.is_old
            except ValidationError as exc:
                self.error(row, "citizen_id", *_message(exc))

        # phone (optional)
        phone_column = self.table.columns.get("phone")
        if not blank(values.get("phone")):
            try:
                data["phone"] = normalise_phone(xlsx.cell_digits(values["phone"]))
            except ValidationError as exc:
                self.error(row, "phone", *_message(exc))
        else:
            data["phone"] = ""

        # agency, among the user's
        if required("agency", _("The agency")):
            try:
                data["agency_id"] = self.agencies.find(values["agency"]).pk
            except ValidationError as exc:
                self.error(row, "agency", *_message(exc))

        position = clean_text(xlsx.cell_text(values.get("position")))
        if len(position) > 120:
            self.error(row, "position", _("The position is longer than 120 characters."), "too_long")
        data["position"] = position

        skills: list[Skill] = []
        if self.skills is not None and not blank(values.get("skills")):
            try:
                skills = self.skills.parse(values["skills"])
            except ValidationError as exc:
                self.error(row, "skills", *_message(exc))

        data["status"] = self._choice(row, values, "status", self.statuses, StaffStatus, StaffStatus.AVAILABLE)
        data["vaccination_status"] = self._choice(
            row, values, "vaccination_status", self.vaccinations, VaccinationStatus, VaccinationStatus.NONE
        )

        data["home_unit_id"] = None
        if self.units is not None and not blank(values.get("home_unit")):
            try:
                data["home_unit_id"] = self.units.find(values["home_unit"])
            except ValidationError as exc:
                self.error(row, "home_unit", *_message(exc))

        if len(self.result.errors) > errors_before:
            return None
        return _Person(row, data, skills, cid_column, phone_column)

    def _choice(self, row: int, values: dict, name: str, lookup: dict[str, str], choices, default: str) -> str | None:
        value = values.get(name)
        if xlsx.is_blank(value):
            return str(default)
        found = lookup.get(xlsx.compact_key(value))
        if found is None:
            self.error(
                row,
                name,
                _("“%(value)s” is not one of: %(allowed)s.")
                % {"value": xlsx.cell_text(value), "allowed": ", ".join(str(label) for label in choices.labels)},
                f"{name}_unknown",
            )
        return found

    def _gender(self, row: int, values: dict) -> tuple[str | None, str | None]:
        """Gender from a gender column, from "x" marks under "Nam"/"Nữ", or from the Nam/Nữ birth-year columns."""
        candidates: list[tuple[str, str]] = []
        if not xlsx.is_blank(values.get("gender")):
            found = self.genders.get(xlsx.compact_key(values["gender"]))
            if found is None:
                self.error(
                    row,
                    "gender",
                    _("“%(value)s” is not a gender: write %(male)s or %(female)s.")
                    % {
                        "value": xlsx.cell_text(values["gender"]),
                        "male": Gender.MALE.label,
                        "female": Gender.FEMALE.label,
                    },
                    "gender_invalid",
                )
                return None, "gender"
            candidates.append((found, "gender"))
        for name, gender in (
            ("gender_male", MALE),
            ("gender_female", FEMALE),
            ("dob_male", MALE),
            ("dob_female", FEMALE),
        ):
            value = values.get(name)
            if not xlsx.is_blank(value) and xlsx.compact_key(value) not in _NO_MARK:
                candidates.append((gender, name))
        genders = {g for g, _name in candidates}
        if len(genders) > 1:
            field_name = candidates[-1][1]
            self.error(row, field_name, _("The row says both male and female."), "gender_conflict")
            return None, field_name
        if not candidates:
            if any(
                n in self.table.columns for n in ("gender", "gender_male", "gender_female", "dob_male", "dob_female")
            ):
                field_name = "gender" if "gender" in self.table.columns else None
                self.error(row, field_name, _("The gender is missing."), "required")
            return None, None
        return candidates[0]

    def _date_of_birth(self, row: int, values: dict) -> tuple[date | None, str | None]:
        present = [n for n in ("date_of_birth", "dob_male", "dob_female") if not xlsx.is_blank(values.get(n))]
        if not present:
            if any(n in self.table.columns for n in ("date_of_birth", "dob_male", "dob_female")):
                name = next(n for n in ("date_of_birth", "dob_male", "dob_female") if n in self.table.columns)
                self.error(row, name, _("The date of birth is missing."), "required")
            return None, None
        name = present[0]
        try:
            dob = xlsx.parse_date(values[name])
        except ValidationError as exc:
            self.error(row, name, *_message(exc))
            return None, name
        if dob > self.today:
            self.error(
                row, name, _("The date of birth %(date)s is in the future.") % {"date": f"{dob:%d/%m/%Y}"}, "dob"
            )
            return None, name
        age = self.today.year - dob.year - ((self.today.month, self.today.day) < (dob.month, dob.day))
        if age < 15 or age > 100:
            self.error(
                row,
                name,
                _("The date of birth %(date)s gives an age of %(age)d: please check it.")
                % {"date": f"{dob:%d/%m/%Y}", "age": age},
                "dob_implausible",
            )
            return None, name
        return dob, name


def _read_table(wb, result: ImportResult) -> tuple[xlsx.Table, Any] | None:
    """The first sheet with a staff header (the template's "Allowed values" sheet has none)."""
    fields = staff_fields()
    for ws in wb.worksheets:
        rows_iter = xlsx.sheet_rows(ws)
        head: list[tuple] = []
        for row in rows_iter:
            head.append(row)
            if len(head) > xlsx.HEADER_SEARCH_ROWS:
                break
        table = xlsx.find_table(
            head, fields, required_any=("full_name",), ignored=("ignored", "counter"), sheet_title=ws.title
        )
        if table is None or not ({"citizen_id", "date_of_birth", "dob_male", "dob_female"} & set(table.columns)):
            continue
        # rows after the header: the rest of the already-read head, then the remaining rows of the sheet
        rest = head[table.header_row :]

        def remaining(rest=rest, rows_iter=rows_iter):
            yield from rest
            yield from rows_iter

        return table, remaining()
    result.errors.append(
        RowError(
            0,
            "",
            _(
                "No header row was found in the first %(rows)d rows of any sheet: the list needs columns such as "
                "“Full name”, “Date of birth”, “Gender”, “Citizen ID” and “Agency”."
            )
            % {"rows": xlsx.HEADER_SEARCH_ROWS},
            "no_header",
        )
    )
    return None


def _check_columns(table: xlsx.Table, result: ImportResult) -> None:
    columns = table.columns
    missing = []
    if "full_name" not in columns:
        missing.append(_("Full name"))
    if not any(n in columns for n in ("date_of_birth", "dob_male", "dob_female")):
        missing.append(_("Date of birth"))
    if not any(n in columns for n in ("gender", "gender_male", "gender_female", "dob_male", "dob_female")):
        missing.append(_("Gender"))
    if "citizen_id" not in columns:
        missing.append(_("Citizen ID"))
    if "agency" not in columns:
        missing.append(_("Agency"))
    for label in missing:
        result.errors.append(
            RowError(
                table.header_row,
                "",
                _("The column “%(column)s” is missing.") % {"column": label},
                "column_missing",
            )
        )
    for name, column in table.duplicates:
        if name in ("ignored", "counter"):
            continue
        result.warnings.append(
            RowError(
                table.header_row,
                column.label,
                _("This column is not read: column “%(other)s” already gives the same information.")
                % {"other": columns[name].label},
                "column_duplicate",
                column.letter,
            )
        )
    for column in table.unused:
        result.warnings.append(
            RowError(table.header_row, column.label, _("This column is not read."), "column_unused", column.letter)
        )


def row_ranges(numbers: Sequence[int]) -> str:
    """[50, 52, 53, 54, 57] → "50, 52-54, 57"."""
    parts: list[str] = []
    start = prev = None
    for n in [*sorted(numbers), None]:
        if start is not None and n == prev + 1:
            prev = n
            continue
        if start is not None:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = n
    return ", ".join(parts)


def _in_chunks(values: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _check_duplicates(people: list[_Person], user, result: ImportResult) -> None:
    # the same citizen ID twice in the file: an error on every row concerned, naming the others
    rows_by_cid: dict[str, list[_Person]] = defaultdict(list)
    for person in people:
        rows_by_cid[person.data["citizen_id"]].append(person)
    for same in rows_by_cid.values():
        if len(same) > 1:
            for person in same:
                others = ", ".join(str(p.row) for p in same if p is not person)
                result.errors.append(
                    RowError(
                        person.row,
                        person.cid_column.label,
                        _("The citizen ID %(cid)s is also in row %(rows)s of this file.")
                        % {"cid": person.data["citizen_id"], "rows": others},
                        "citizen_id_duplicate_in_file",
                        person.cid_column.letter,
                    )
                )
    # already registered
    cids = list(rows_by_cid)
    existing: dict[str, int] = {}
    for chunk in _in_chunks(cids):
        existing.update(StaffMember.objects.filter(citizen_id__in=chunk).values_list("citizen_id", "pk"))
    visible = _visible_people(user, existing.values())
    for cid, pk in existing.items():
        who = visible.get(pk)
        for person in rows_by_cid[cid]:
            message = (
                _("A civil servant with the citizen ID %(cid)s is already registered: %(who)s.")
                % {"cid": cid, "who": who}
                if who
                else _("A civil servant with the citizen ID %(cid)s is already registered (outside your jurisdiction).")
                % {"cid": cid}
            )
            result.errors.append(
                RowError(
                    person.row, person.cid_column.label, message, "citizen_id_registered", person.cid_column.letter
                )
            )
    # the same phone for two people: a warning (a family phone, or a typo)
    rows_by_phone: dict[str, list[_Person]] = defaultdict(list)
    for person in people:
        if person.data.get("phone"):
            rows_by_phone[person.data["phone"]].append(person)
    for phone, same in rows_by_phone.items():
        if len(same) > 1:
            for person in same:
                others = ", ".join(str(p.row) for p in same if p is not person)
                _warn_phone(
                    result,
                    person,
                    _("The phone %(phone)s is also given in row %(rows)s.") % {"phone": phone, "rows": others},
                )
    phones = list(rows_by_phone)
    holders: dict[str, list[int]] = defaultdict(list)
    for chunk in _in_chunks(phones):
        for phone, pk in StaffMember.objects.filter(phone__in=chunk).values_list("phone", "pk"):
            holders[phone].append(pk)
    visible = _visible_people(user, [pk for pks in holders.values() for pk in pks])
    for phone, pks in holders.items():
        names = [visible[pk] for pk in pks if pk in visible]
        who = "; ".join(names) if names else _("another registered person")
        for person in rows_by_phone[phone]:
            _warn_phone(
                result,
                person,
                _("The phone %(phone)s already belongs to %(who)s.") % {"phone": phone, "who": who},
            )


def _warn_phone(result: ImportResult, person: _Person, message: str) -> None:
    column = person.phone_column
    result.warnings.append(
        RowError(person.row, column.label if column else "", message, "phone_shared", column.letter if column else "")
    )


def _visible_people(user, pks: Iterable[int]) -> dict[int, str]:
    """pk → "Name (Agency)" for the given people the user may see (others are not named)."""
    pks = list(pks)
    found: dict[int, str] = {}
    for chunk in _in_chunks(pks):
        for pk, name, agency in (
            StaffMember.objects.visible_to(user).filter(pk__in=chunk).values_list("pk", "full_name", "agency__name")
        ):
            found[pk] = f"{name} ({agency})"
    return found


def import_staff(fileobj: IO[bytes] | str, user, *, dry_run: bool = False) -> ImportResult:
    """Check every row of an .xlsx list of civil servants and import all of them, or none if any row is wrong.

    Returns an ImportResult: `.ok`, `.created`, `.errors` and `.warnings` (RowError: Excel row, column header as in
    the file, message). With dry_run=True nothing is written.
    """
    if not user.has_role_perm("staff.import"):
        raise PermissionDenied
    result = ImportResult(dry_run=dry_run)
    try:
        wb = xlsx.open_workbook(fileobj)
    except xlsx.UnreadableWorkbook as exc:
        result.errors.append(RowError(0, "", str(exc), "file_unreadable"))
        return result
    try:
        found = _read_table(wb, result)
        if found is None:
            return result
        table, rows = found
        result.sheet, result.header_row = table.sheet_title, table.header_row
        _check_columns(table, result)
        if result.errors:
            return result
        parser = _RowParser(user, table, result)
        people: list[_Person] = []
        try:
            for data_row in xlsx.data_rows(
                rows, table, key_fields=KEY_FIELDS, counter_field="counter", max_rows=MAX_ROWS
            ):
                if xlsx.cell_digits(data_row.values.get("citizen_id")) == EXAMPLE_CITIZEN_ID:
                    continue  # the template's example row, even with its "Example" column deleted
                result.rows += 1
                person = parser.parse(data_row)
                if person is not None:
                    people.append(person)
        except xlsx.TooManyRows as exc:
            result.errors.append(
                RowError(
                    0,
                    "",
                    _("The file has more than %(limit)d rows: split it into several files.") % {"limit": exc.limit},
                    "too_many_rows",
                )
            )
            return result
    finally:
        wb.close()

    if table.footer_rows:
        result.warnings.append(
            RowError(
                table.footer_rows[0],
                "",
                ngettext(
                    "Row %(rows)s looks like a total or a signature and was not read.",
                    "Rows %(rows)s look like totals or a signature block and were not read.",
                    len(table.footer_rows),
                )
                % {"rows": row_ranges(table.footer_rows)},
                "footer_skipped",
            )
        )
    if result.rows == 0:
        result.errors.append(
            RowError(table.header_row, "", _("The list has a header but no people under it."), "no_rows")
        )
        return result
    _check_duplicates(people, user, result)
    result.errors.sort(key=lambda e: (e.row, e.letter.rjust(3)))
    result.warnings.sort(key=lambda e: (e.row, e.letter.rjust(3)))
    if result.errors or dry_run:
        return result
    try:
        result.created = _save(people, user)
    except IntegrityError:
        result.errors.append(
            RowError(
                0,
                "",
                _(
                    "Some of these people were registered by someone else while the file was being checked; "
                    "nothing was imported. Import the file again to see which."
                ),
                "conflict",
            )
        )
    return result


def _save(people: list[_Person], user) -> int:
    """bulk_create the people, their skills and their audit entries, in one transaction."""
    now = timezone.now()
    objects = []
    for person in people:
        data = person.data
        obj = StaffMember(**data)
        obj.search_name = fold(obj.full_name)  # save() is bypassed by bulk_create
        obj.citizen_id_is_old = len(obj.citizen_id) == 9
        objects.append(obj)
    context = auditlog_value.get({})
    remote_addr = context.get("remote_addr")
    with transaction.atomic():
        StaffMember.objects.bulk_create(objects, batch_size=_CHUNK)
        if any(obj.pk is None for obj in objects):  # a backend without RETURNING: look the keys up
            pks = {}
            for chunk in _in_chunks([o.citizen_id for o in objects]):
                pks.update(StaffMember.objects.filter(citizen_id__in=chunk).values_list("citizen_id", "pk"))
            for obj in objects:
                obj.pk = obj.id = pks[obj.citizen_id]
        through = StaffMember.skills.through
        through.objects.bulk_create(
            [
                through(staffmember_id=obj.pk, skill_id=s.pk)
                for obj, p in zip(objects, people, strict=True)
                for s in p.skills
            ],
            batch_size=1000,
        )
        # auditlog does not see bulk_create: write what its signal handlers would have written
        skills_of = {obj.pk: person.skills for obj, person in zip(objects, people, strict=True)}
        entries = creation_entries(
            objects,
            actor=user,
            extra_changes=lambda obj: (
                {"skills": m2m_added(s.name for s in skills_of[obj.pk])} if skills_of[obj.pk] else {}
            ),
            remote_addr=remote_addr,
            cid=get_cid(),
            timestamp=now,
            additional_data={"source": "excel_import"},
        )
        LogEntry.objects.bulk_create(entries, batch_size=_CHUNK)
    return len(objects)


# --------------------------------------------------------------------------------------------------------------
# Template
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _TemplateColumn:
    header: str
    width: float
    note: str = ""
    required: bool = False
    kind: str = xlsx.TEXT


def _template_columns() -> list[_TemplateColumn]:
    label = {f.name: str(f.verbose_name) for f in StaffMember._meta.get_fields() if hasattr(f, "verbose_name")}

    def cap(text: str) -> str:
        return text[:1].upper() + text[1:]

    return [
        _TemplateColumn(_("No."), 6),
        _TemplateColumn(cap(label["full_name"]), 26, required=True),
        _TemplateColumn(cap(label["gender"]), 10, _("Choose from the list."), required=True),
        _TemplateColumn(cap(label["date_of_birth"]), 14, _("dd/mm/yyyy, e.g. 14/03/1985."), True, xlsx.DATE),
        _TemplateColumn(
            cap(label["citizen_id"]), 16, _("12 digits (or 9 for an old identity card), leading zeros included."), True
        ),
        _TemplateColumn(cap(label["phone"]), 14, _("10-digit mobile or 11-digit landline number.")),
        _TemplateColumn(cap(label["agency"]), 34, _("Choose from the list (your agencies)."), True),
        _TemplateColumn(cap(label["position"]), 18),
        _TemplateColumn(cap(label["skills"]), 24, _("Names from the list, separated by ;")),
        _TemplateColumn(cap(label["status"]), 16, _("Choose from the list. Empty: available.")),
        _TemplateColumn(cap(label["vaccination_status"]), 16, _("Choose from the list. Empty: not vaccinated.")),
        _TemplateColumn(cap(label["home_unit"]), 22, _("Commune or neighbourhood: name or code (optional).")),
    ]


def build_template(user) -> bytes:
    """The import template: a header, one example row (marked "Example", never imported), dropdowns for gender,
    agency, status and vaccination, and a second sheet listing the allowed values for this user."""
    agencies = AgencyLookup(user).template_names()
    skills = list(Skill.objects.all())
    genders = [str(label) for label in Gender.labels]
    statuses = [str(label) for label in StaffStatus.labels]
    vaccinations = [str(label) for label in VaccinationStatus.labels]

    wb = Workbook()
    ws = wb.active
    ws.title = xlsx._sheet_title(_("Civil servants"))
    values_ws = wb.create_sheet(xlsx._sheet_title(_("Allowed values")))

    # Sheet 2: the allowed values, one list per column.
    lists = [
        (_("Agency"), agencies),
        (_("Skills"), [s.name for s in skills]),
        (_("Skill code"), [s.code for s in skills]),
        (_("Gender"), genders),
        (_("Status"), statuses),
        (_("Vaccination"), vaccinations),
    ]
    ranges: dict[str, str] = {}
    for col, (title, items) in enumerate(lists, start=1):
        letter = get_column_letter(col)
        cell = values_ws.cell(row=1, column=col, value=title)
        cell.font, cell.fill = xlsx.HEADER_FONT, xlsx.HEADER_FILL
        for r, item in enumerate(items, start=2):
            values_ws.cell(row=r, column=col, value=item).number_format = "@"
        values_ws.column_dimensions[letter].width = max(14, min(60, max((len(i) for i in items), default=10) + 2))
        ranges[title] = f"{quote_sheetname(values_ws.title)}!${letter}$2:${letter}${max(2, len(items) + 1)}"
    values_ws.freeze_panes = "A2"

    # Sheet 1: header, example row, formats and dropdowns for TEMPLATE_ROWS rows.
    columns = _template_columns()
    last = TEMPLATE_ROWS + 1
    for i, col in enumerate(columns, start=1):
        letter = get_column_letter(i)
        cell = ws.cell(row=1, column=i, value=f"{col.header} *" if col.required else col.header)
        cell.font, cell.fill, cell.alignment = xlsx.HEADER_FONT, xlsx.HEADER_FILL, xlsx.HEADER_ALIGNMENT
        if col.note:
            cell.comment = Comment(col.note, "phaodai", width=220, height=80)
        dim = ws.column_dimensions[letter]
        dim.width = col.width
        dim.number_format = xlsx.DATE_FORMAT if col.kind == xlsx.DATE else "@"
    ws.freeze_panes = "A2"

    example_agency = agencies[0] if agencies else ""
    home = user.scope_unit.name if user.scope_unit_id and user.scope_unit.level >= Level.COMMUNE else ""
    example = [
        _("Example"),
        "Nguyễn Văn A",
        genders[0],
        date(1985, 3, 14),
        EXAMPLE_CITIZEN_ID,
        "0912345678",
        example_agency,
        _("Specialist"),
        "; ".join(s.name for s in skills[:2]),
        statuses[0],
        vaccinations[2],
        home,
    ]
    grey = Font(italic=True, color="808080")
    for i, value in enumerate(example, start=1):
        cell = ws.cell(row=2, column=i, value=value)
        cell.font = grey
        cell.number_format = xlsx.DATE_FORMAT if columns[i - 1].kind == xlsx.DATE else "@"

    def dropdown(column_index: int, source: str) -> None:
        letter = get_column_letter(column_index)
        dv = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True)
        dv.error = _("Choose a value from the list.")
        dv.errorTitle = _("Not in the list")
        dv.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(dv)

    headers = [c.header for c in columns]
    dropdown(headers.index(columns[2].header) + 1, ranges[_("Gender")])
    if agencies:
        dropdown(7, ranges[_("Agency")])
    dropdown(10, ranges[_("Status")])
    dropdown(11, ranges[_("Vaccination")])
    date_check = DataValidation(
        type="date", operator="between", formula1="DATE(1900,1,1)", formula2="TODAY()", allow_blank=True
    )
    date_check.error = _("Enter a date as dd/mm/yyyy.")
    date_check.showErrorMessage = True
    date_check.add(f"D2:D{last}")
    ws.add_data_validation(date_check)

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------------------------


def _label(model, name: str) -> str:
    text = str(model._meta.get_field(name).verbose_name)
    return text[:1].upper() + text[1:]


def export_columns() -> list[xlsx.ExportColumn]:
    """Export columns, in the active language; the headers are those the import recognises (round trip)."""
    col = xlsx.ExportColumn
    return [
        col(_("No."), lambda s: getattr(s, "_row_number", None), xlsx.NUMBER, 6),
        col(_label(StaffMember, "full_name"), "full_name", width=26),
        col(_label(StaffMember, "gender"), "get_gender_display", width=9),
        col(_label(StaffMember, "date_of_birth"), "date_of_birth", xlsx.DATE, 12),
        col(_label(StaffMember, "citizen_id"), "citizen_id", width=15),
        col(_label(StaffMember, "phone"), "phone", width=13),
        col(_label(StaffMember, "agency"), "agency.name", width=34),
        col(_label(Agency, "unit"), "agency.unit.name", width=22),
        col(_label(Agency, "bloc"), "agency.get_bloc_display", width=18),
        col(_label(StaffMember, "position"), "position", width=18),
        col(_label(StaffMember, "skills"), lambda s: "; ".join(k.name for k in s.skills.all()), width=24),
        col(_label(StaffMember, "status"), "get_status_display", width=16),
        col(_label(StaffMember, "vaccination_status"), "get_vaccination_status_display", width=16),
        col(_label(StaffMember, "home_unit"), "home_unit.name", width=20),
    ]


def numbered(rows: Iterable[Any]) -> Iterable[Any]:
    """Give each exported row its ordinal ("STT") as officials expect it in a list."""
    for n, obj in enumerate(rows, start=1):
        obj._row_number = n
        yield obj


def export_staff(queryset) -> IO[bytes]:
    qs = queryset.select_related("agency", "agency__unit", "home_unit").prefetch_related("skills")
    return xlsx.write_xlsx(numbered(qs.iterator(chunk_size=2000)), export_columns(), title=_("Civil servants"))

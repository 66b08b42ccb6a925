"""Writing an imported list into the registry (and a draft support list): everything or nothing.

`plan(reading, target, user)` matches every row with the registry without writing anything: the neighbourhood
(named in the row, or the one chosen on the upload page), the household (reused when the head's exact name and the
folded address match one of that neighbourhood; a member row without its own head belongs to the head above it),
the person (by citizen ID, or by name and birth within the household), and the list entry. Every row that cannot
be placed is a Problem. `apply(...)` writes the plan in one transaction as the user (audited) — only when there is
no problem at all.

The uploaded file waits between the preview and the confirmation in a private temporary directory, under a random
token, with a small JSON note of who sent it and what they chose (`store`, `stored`, `discard`); it is deleted after
the import or when abandoned for IMPORT_TTL. It never goes into the database.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phaodai.core.audit import acting_as
from phaodai.core.text import clean_text, fold
from phaodai.places.models import AdminUnit, Household, Level
from phaodai.welfare.importing import Problem, Reading
from phaodai.welfare.models import (
    Beneficiary,
    Category,
    HouseholdCategory,
    ListEntry,
    ListStatus,
    Person,
    Relationship,
    SupportList,
)

#: Categories that belong to one person rather than the whole household.
PERSON_CATEGORIES = {Category.INFORMAL_WORKER, Category.DISABLED, Category.CHILD_ORPHANED}
#: How long an uploaded file waits for its confirmation.
IMPORT_TTL = 6 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
_KIND_PREFIXES = ("khu vuc", "kv", "ap", "to dan pho", "tdp", "to", "thon", "khom", "khu pho", "kp")


# --------------------------------------------------------------------------------------------------------------
# Where to import


@dataclass
class Target:
    commune: AdminUnit
    neighbourhood: AdminUnit | None = None
    support_list: SupportList | None = None


def importable_communes(user):
    """The communes the user may import into: those of their own jurisdiction."""
    if not user.has_role_perm("welfare.import"):
        return AdminUnit.objects.none()
    communes = AdminUnit.objects.visible_to(user).filter(level=Level.COMMUNE)
    if not user.sees_everything:
        communes = communes.filter(path__startswith=user.scope_unit.path) if user.scope_unit_id else communes.none()
    return communes.order_by("path")


def importable_lists(user, commune: AdminUnit | None = None):
    """Draft lists of those communes: an approved or submitted list is locked (a change is a new revision)."""
    lists = SupportList.objects.visible_to(user).filter(status=ListStatus.DRAFT, commune__in=importable_communes(user))
    if commune is not None:
        lists = lists.filter(commune=commune)
    return lists.select_related("programme", "commune")


def resolve_target(user, commune_id: Any, neighbourhood_id: Any = None, list_id: Any = None) -> Target:
    """The user's choices, each checked against their jurisdiction: PermissionDenied for a role that may not import,
    ValidationError (on the field) for a commune, neighbourhood or list they may not use."""
    if not user.has_role_perm("welfare.import"):
        raise PermissionDenied
    commune = importable_communes(user).filter(pk=_int(commune_id)).first()
    if commune is None:
        raise ValidationError({"commune": _("Choose a commune of your jurisdiction.")}, code="commune")
    target = Target(commune)
    if neighbourhood_id not in (None, ""):
        target.neighbourhood = AdminUnit.objects.filter(
            pk=_int(neighbourhood_id), parent=commune, level=Level.NEIGHBOURHOOD
        ).first()
        if target.neighbourhood is None:
            raise ValidationError(
                {"neighbourhood": _("Choose a neighbourhood of %(commune)s.") % {"commune": commune.name}},
                code="neighbourhood",
            )
    if list_id not in (None, ""):
        target.support_list = importable_lists(user, commune).filter(pk=_int(list_id)).first()
        if target.support_list is None:
            raise ValidationError(
                {"support_list": _("Choose a draft support list of %(commune)s.") % {"commune": commune.name}},
                code="support_list",
            )
    return target


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


# --------------------------------------------------------------------------------------------------------------
# The plan


@dataclass
class PlannedHousehold:
    neighbourhood: AdminUnit
    head_name: str
    address: str
    phone: str = ""
    members: int | None = None
    existing: Household | None = None
    people: int = 0
    first_row: int = 0
    obj: Household | None = None


@dataclass
class PlannedPerson:
    row: Any  # importing.ParsedRow
    household: PlannedHousehold
    relationship: str
    existing: Person | None = None
    obj: Person | None = None


@dataclass
class Plan:
    target: Target
    households: list[PlannedHousehold] = field(default_factory=list)
    people: list[PlannedPerson] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def new_households(self) -> int:
        return sum(1 for h in self.households if h.existing is None)

    @property
    def new_people(self) -> int:
        return sum(1 for p in self.people if p.existing is None)


@dataclass
class Outcome:
    households_created: int = 0
    households_reused: int = 0
    people_created: int = 0
    people_reused: int = 0
    entries_created: int = 0
    categories_added: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


class _Neighbourhoods:
    """A commune's neighbourhoods by the ways rows name them: "Khu vực 2", "KV2", "kv 2", "Ấp Nhơn Thọ", "Nhơn Thọ"."""

    def __init__(self, commune: AdminUnit):
        self.by_key: dict[str, AdminUnit] = {}
        for unit in AdminUnit.objects.filter(parent=commune, level=Level.NEIGHBOURHOOD):
            for text in (unit.name, f"{unit.division_type} {unit.name}"):
                self.by_key.setdefault(self.key(text), unit)

    @staticmethod
    def key(text: str) -> str:
        folded = fold(text).replace(".", " ")
        folded = re.sub(r"^(kv|khu vuc)\s*(?=\d)", "khu vuc ", folded)
        for prefix in _KIND_PREFIXES:
            if folded.startswith(prefix + " ") and len(folded) > len(prefix) + 1:
                folded = folded[len(prefix) + 1 :]
                break
        return re.sub(r"\s+", "", folded)

    def find(self, text: str) -> AdminUnit | None:
        return self.by_key.get(self.key(text))


def plan(reading: Reading, target: Target, user) -> Plan:
    """Match every row with the registry; write nothing."""
    result = Plan(target, problems=list(reading.problems))
    neighbourhoods = _Neighbourhoods(target.commune)
    info_of = {i.title: i for i in reading.chosen}
    households: dict[tuple, PlannedHousehold] = {}
    last_head: dict[str, PlannedHousehold] = {}  # sheet → the household of the last head row
    by_id = _existing_people(r.citizen_id for r in reading.rows)
    visible = Person.objects.visible_to(user).filter(pk__in=[p.pk for p in by_id.values()])
    visible_ids = set(visible.values_list("pk", flat=True))
    support_list = target.support_list
    per_person = support_list is not None and support_list.programme.beneficiary == Beneficiary.PERSON

    def problem(row, field_name: str, message: str, code: str) -> None:
        column = info_of[row.sheet].column(field_name)
        result.problems.append(
            Problem(
                row.number, column.label if column else "", column.letter if column else "", message, code, row.sheet
            )
        )

    for row in reading.rows:
        relationship = row.relationship
        head_name = row.head_name
        if not head_name and relationship in ("", Relationship.HEAD):
            head_name, relationship = row.full_name, Relationship.HEAD
        elif head_name and not relationship:
            relationship = Relationship.HEAD if fold(head_name) == fold(row.full_name or head_name) else ""
        household: PlannedHousehold | None = None
        if head_name:
            unit = target.neighbourhood
            if row.neighbourhood:
                unit = neighbourhoods.find(row.neighbourhood)
                if unit is None:
                    problem(
                        row,
                        "neighbourhood",
                        _("%(commune)s has no neighbourhood called “%(name)s”: correct the name or add it first.")
                        % {"commune": target.commune.name, "name": row.neighbourhood},
                        "neighbourhood_unknown",
                    )
                    continue
            if unit is None:
                problem(
                    row,
                    "neighbourhood",
                    _("The row names no neighbourhood: choose one on the upload page or add an Ấp/Khu vực column."),
                    "neighbourhood_missing",
                )
                continue
            if not row.address:
                problem(row, "address", _("The address is missing."), "address_missing")
                continue
            key = (unit.pk, fold(head_name), fold(row.address))
            household = households.get(key)
            if household is None:
                household = PlannedHousehold(unit, clean_text(head_name), row.address, first_row=row.number)
                household.existing = _existing_household(unit, household.head_name, row.address)
                households[key] = household
                result.households.append(household)
            if relationship == Relationship.HEAD or not row.full_name:
                household.phone = household.phone or row.phone
                household.members = row.members or household.members
            last_head[row.sheet] = household
        else:
            household = last_head.get(row.sheet)
            if household is None:
                problem(
                    row,
                    "relationship",
                    _(
                        "A member's row must come under its head of household's row (or the file needs a "
                        "“Họ tên chủ hộ” column)."
                    ),
                    "no_head",
                )
                continue
        person = PlannedPerson(row, household, relationship or Relationship.OTHER)
        if row.citizen_id and row.citizen_id in by_id:
            existing = by_id[row.citizen_id]
            if existing.pk not in visible_ids:
                problem(
                    row,
                    "citizen_id",
                    _(
                        "This citizen ID belongs to a person registered outside your jurisdiction: ask the district "
                        "to resolve it."
                    ),
                    "citizen_id_elsewhere",
                )
                continue
            person.existing = existing
        elif household.existing is not None:
            person.existing = _member_by_name(household.existing, row)
        household.people += 1
        result.people.append(person)

    if support_list is not None:
        _check_list(result, support_list, per_person, problem)
    result.problems.sort(key=lambda p: (p.sheet, p.row))
    return result


def _existing_people(citizen_ids) -> dict[str, Person]:
    ids = [c for c in citizen_ids if c]
    found: dict[str, Person] = {}
    for start in range(0, len(ids), 500):
        for person in Person.objects.filter(citizen_id__in=ids[start : start + 500]).select_related("household"):
            found[person.citizen_id] = person
    return found


def _existing_household(unit: AdminUnit, head_name: str, address: str) -> Household | None:
    folded = fold(address)
    for household in Household.objects.filter(neighbourhood=unit, head_name=head_name):
        if fold(household.address) == folded:
            return household
    return None


def _member_by_name(household: Household, row) -> Person | None:
    name = fold(row.full_name or row.head_name)
    for person in household.people.filter(search_name=name):
        if row.birth_year and person.birth_year and row.birth_year != person.birth_year:
            continue  # the same name, another birth: a different person (a namesake relative)
        if row.citizen_id and person.citizen_id and row.citizen_id != person.citizen_id:
            continue
        return person
    return None


def _check_list(result: Plan, support_list: SupportList, per_person: bool, problem) -> None:
    """A household (or person) already on the list is a duplicate to resolve, not a row to add again."""
    entries = support_list.entries.all()
    on_list_households = set(entries.filter(person__isnull=True).values_list("household_id", flat=True))
    on_list_people = set(entries.filter(person__isnull=False).values_list("person_id", flat=True))
    for person in result.people:
        if per_person and person.existing is not None and person.existing.pk in on_list_people:
            problem(person.row, "full_name", _("This person is already on the list."), "already_listed")
        household = person.household
        if (
            not per_person
            and household.existing is not None
            and household.existing.pk in on_list_households
            and household.first_row == person.row.number
        ):
            problem(person.row, "full_name", _("This household is already on the list."), "already_listed")


# --------------------------------------------------------------------------------------------------------------
# Writing


def apply(reading: Reading, target: Target, user, *, source: str = "") -> Outcome:
    """Import every row, or none: raises ValidationError (with the problems in `params["problems"]`) otherwise."""
    if not user.has_role_perm("welfare.import"):
        raise PermissionDenied
    try:
        with acting_as(user), transaction.atomic():
            if target.support_list is not None:
                # the list may have been submitted since the preview: lock it and check again
                locked = SupportList.objects.select_for_update().get(pk=target.support_list.pk)
                if locked.status != ListStatus.DRAFT:
                    raise ValidationError(
                        _("The list is no longer a draft: it cannot be changed (a change needs a new revision)."),
                        code="list_locked",
                    )
                target.support_list = locked
            the_plan = plan(reading, target, user)
            if the_plan.problems:
                raise ValidationError(
                    _("The file has problems: nothing was imported."),
                    code="problems",
                    params={"problems": the_plan.problems},
                )
            return _write(the_plan, target, source)
    except IntegrityError as exc:
        raise ValidationError(
            _("Someone changed the same households at the same time: nothing was imported, send the file again."),
            code="conflict",
        ) from exc


def _write(the_plan: Plan, target: Target, source: str) -> Outcome:
    outcome = Outcome()
    today = timezone.localdate()
    source = (_("Excel import: %(file)s") % {"file": source})[:200] if source else _("Excel import")
    for planned in the_plan.households:
        household = planned.existing
        if household is None:
            household = Household.objects.create(
                neighbourhood=planned.neighbourhood,
                head_name=planned.head_name,
                address=planned.address,
                phone=planned.phone,
                members=max(planned.members or 0, planned.people, 1),
            )
            outcome.households_created += 1
        else:
            changed = False
            if planned.phone and not household.phone:
                household.phone, changed = planned.phone, True
            if planned.members and planned.members != household.members:
                household.members, changed = planned.members, True
            if changed:
                household.save()
            outcome.households_reused += 1
        planned.obj = household

    support_list = target.support_list
    per_person = support_list is not None and support_list.programme.beneficiary == Beneficiary.PERSON
    listed: set[int] = set()
    for planned in the_plan.people:
        row = planned.row
        household = planned.household.obj
        person = planned.existing
        if person is None:
            person = Person.objects.create(
                household=household,
                full_name=row.full_name or row.head_name,
                gender=row.gender,
                date_of_birth=row.date_of_birth,
                birth_year=row.birth_year,
                citizen_id=row.citizen_id,
                phone=row.phone,
                relationship=planned.relationship,
            )
            outcome.people_created += 1
        else:
            _complete(person, row)
            household = person.household
            outcome.people_reused += 1
        planned.obj = person
        if row.category:
            outcome.categories_added += _add_category(household, person, row.category, today, source)
        if support_list is not None:
            if per_person:
                ListEntry.objects.create(
                    support_list=support_list,
                    household=household,
                    person=person,
                    category=row.category,
                    written=row.written,
                    row_number=row.number,
                )
                outcome.entries_created += 1
            elif household.pk not in listed:
                listed.add(household.pk)
                ListEntry.objects.create(
                    support_list=support_list,
                    household=household,
                    category=row.category,
                    written=row.written,
                    row_number=row.number,
                )
                outcome.entries_created += 1
    return outcome


def _complete(person: Person, row) -> None:
    """Fill what the registry did not know; never overwrite what it knew (the review of duplicates decides)."""
    changed = False
    for name in ("gender", "date_of_birth", "birth_year", "citizen_id", "phone"):
        value = getattr(row, name)
        if value and not getattr(person, name):
            if name == "birth_year" and person.date_of_birth:
                continue
            setattr(person, name, value)
            changed = True
    if changed:
        person.save()


def _add_category(household: Household, person: Person, category: str, today, source: str) -> int:
    if category == Category.OTHER:
        return 0
    holder = person if category in PERSON_CATEGORIES else None
    current = HouseholdCategory.objects.filter(household=household, category=category, person=holder).exclude(
        valid_until__lt=today
    )
    if current.exists():
        return 0
    HouseholdCategory.objects.create(
        household=household, person=holder, category=category, valid_from=today, source=source
    )
    return 1


# --------------------------------------------------------------------------------------------------------------
# The uploaded file between preview and confirmation


def _directory() -> Path:
    path = Path(getattr(settings, "WELFARE_IMPORT_DIR", "") or Path(tempfile.gettempdir()) / "phaodai-welfare-imports")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _paths(token: str) -> tuple[Path, Path]:
    directory = _directory()
    return directory / f"{token}.xlsx", directory / f"{token}.json"


def _write_private(path: Path, chunks) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        for chunk in chunks:
            out.write(chunk)


def _sweep() -> None:
    """Forget files abandoned after their preview."""
    limit = time.time() - IMPORT_TTL
    for path in _directory().glob("*"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            pass


def store(upload: IO[bytes], user, filename: str, choices: dict[str, Any]) -> str:
    """Keep an upload until it is confirmed; returns the token that names it."""
    _sweep()
    token = secrets.token_urlsafe(24)
    data_path, meta_path = _paths(token)
    if hasattr(upload, "chunks"):
        chunks = upload.chunks()
    else:
        upload.seek(0)
        chunks = iter(lambda: upload.read(1024 * 1024), b"")
    _write_private(data_path, chunks)
    meta = {"user": user.pk, "filename": filename[:200], "created": time.time(), **choices}
    _write_private(meta_path, [json.dumps(meta).encode()])
    return token


def stored(token: str, user) -> tuple[Path, dict[str, Any]] | None:
    """The file and its note, only for the user who sent it and only while it is fresh (None otherwise)."""
    if not _TOKEN.match(token or ""):
        return None
    data_path, meta_path = _paths(token)
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError):
        return None
    if meta.get("user") != user.pk or meta.get("created", 0) < time.time() - IMPORT_TTL or not data_path.exists():
        return None
    return data_path, meta


def update_choices(token: str, choices: dict[str, Any]) -> None:
    _data, meta_path = _paths(token)
    meta = json.loads(meta_path.read_text())
    meta.update(choices)
    tmp = meta_path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    _write_private(tmp, [json.dumps(meta).encode()])
    tmp.replace(meta_path)


def discard(token: str) -> None:
    if not _TOKEN.match(token or ""):
        return
    for path in _paths(token):
        path.unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------------------------
# Preview and confirmation (shared by the pages and the API)


@dataclass
class Preview:
    token: str
    filename: str
    target: Target
    reading: Reading
    plan: Plan

    @property
    def ok(self) -> bool:
        return not self.plan.problems


def _overrides(meta: dict[str, Any]) -> dict[int, str]:
    return {int(k): str(v) for k, v in (meta.get("mapping") or {}).items() if str(k).isdigit()}


def _read(path: Path, meta: dict[str, Any]) -> Reading:
    from phaodai.welfare import importing

    with path.open("rb") as fileobj:
        return importing.read(
            fileobj,
            sheet=meta.get("sheet") or None,
            header_row=_int(meta.get("header_row")) or None,
            overrides=_overrides(meta),
        )


def preview(token: str, user) -> Preview | None:
    """The stored upload read and matched with the registry (None: no such upload for this user). Raises
    importing.ImportError_ for a file that cannot be read at all, ValidationError for choices no longer allowed."""
    found = stored(token, user)
    if found is None:
        return None
    path, meta = found
    target = resolve_target(user, meta.get("commune"), meta.get("neighbourhood"), meta.get("support_list"))
    reading = _read(path, meta)
    return Preview(token, meta.get("filename", ""), target, reading, plan(reading, target, user))


def confirm(token: str, user) -> Outcome | None:
    """Import the stored upload, all or nothing; the file is deleted once imported."""
    found = stored(token, user)
    if found is None:
        return None
    path, meta = found
    target = resolve_target(user, meta.get("commune"), meta.get("neighbourhood"), meta.get("support_list"))
    outcome = apply(_read(path, meta), target, user, source=meta.get("filename", ""))
    discard(token)
    return outcome

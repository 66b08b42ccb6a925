"""Build the demo city on the real units already loaded: neighbourhoods, agencies, civil servants, one login per role.

Idempotent: everything is computed deterministically and only what is missing is written, so a second build
writes nothing. Rows are bulk-created for speed, with the fields `save()` would compute (path, search_name, ...)
set here, and with the audit log entries auditlog would have written (actor none, source "demo").
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from time import monotonic

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from phaodai.accounts.models import User
from phaodai.accounts.roles import Role
from phaodai.core.audit import creation_entries, m2m_added
from phaodai.core.demo import names as N
from phaodai.core.demo.agencies import AgencySpec, DemoTree, Unit, agency_specs
from phaodai.core.demo.duty_story import DutyStoryResult, StoryError, build_duty_story
from phaodai.core.demo.people import distribute, people_for
from phaodai.core.demo.reporting_history import HistoryResult, build_reporting_history
from phaodai.core.demo.scenario import ScenarioResult, build_scenario
from phaodai.core.demo.welfare_story import WelfareStoryResult, build_welfare_story
from phaodai.core.text import clean_text, fold
from phaodai.places.models import AdminUnit, Agency, Level, NeighbourhoodKind, Structure
from phaodai.staff.models import Skill, StaffMember

DEFAULT_STAFF = 5000
DEFAULT_SEED = 2021
# The one password of every demo login. Known to everyone, hence only ever set in demo mode.
DEMO_PASSWORD = "phaodai-demo"
# Agencies are filled to at most this share of their headcount before headcounts are scaled up (benchmarks).
MAX_FILL = 0.9
AUDIT_SOURCE = {"source": "demo"}
BATCH = 2000


class DemoError(Exception):
    """The demo city cannot be built here (not in demo mode, units not loaded, ...)."""


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    # "" = the whole deployment (system administrator); "city"; or a preferred unit code with a fallback.
    scope: str
    preferred_code: str = ""
    # For an agency-scoped login (an agency head): the agency's name; the login then has no unit scope.
    agency_name: str = ""


# Ninh Kiều and Tân An in Cần Thơ; elsewhere the first district and its first commune.
DEMO_LOGINS = [
    DemoLogin("admin", Role.SYSADMIN, ""),
    DemoLogin("bcd.thanhpho", Role.STEERING, "city"),
    DemoLogin("sonoivu", Role.HOME_AFFAIRS, "city"),
    DemoLogin("btc.thanhuy", Role.PARTY_BOARD, "city"),
    DemoLogin("soyte", Role.HEALTH, "city"),
    DemoLogin("ninhkieu", Role.DISTRICT, "district", "916"),
    DemoLogin("tanan", Role.COMMUNE, "commune", "31135"),
    DemoLogin("thutruong", Role.AGENCY_HEAD, "agency", agency_name="Sở Xây dựng"),
    DemoLogin("truongdoan", Role.DELEGATION_HEAD, "commune", "31135"),
    DemoLogin("totruong", Role.TEAM_LEADER, "commune", "31135"),
    DemoLogin("thanhvien", Role.TEAM_MEMBER, "commune", "31135"),
    DemoLogin("tongdai", Role.HOTLINE_OPERATOR, "city"),
    DemoLogin("quansat", Role.OBSERVER, "city"),
]


@dataclass
class LoginRow:
    username: str
    password: str
    role: str
    jurisdiction: str


@dataclass
class DemoResult:
    neighbourhoods: int = 0
    agencies: int = 0
    staff: int = 0
    skills: int = 0
    log_entries: int = 0
    users_created: int = 0
    users_updated: int = 0
    headcount_scale: int = 1
    not_placed: int = 0  # people left out because their agency was already full
    seconds: float = 0.0
    logins: list[LoginRow] = field(default_factory=list)
    scenario: ScenarioResult | None = None
    reporting: HistoryResult | None = None
    duty: DutyStoryResult | None = None
    welfare: WelfareStoryResult | None = None

    @property
    def created_anything(self) -> bool:
        scenario = self.scenario is not None and self.scenario.created_anything
        reporting = self.reporting is not None and self.reporting.created_anything
        duty = self.duty is not None and self.duty.created_anything
        welfare = self.welfare is not None and self.welfare.created_anything
        return (
            scenario
            or reporting
            or duty
            or welfare
            or any((self.neighbourhoods, self.agencies, self.staff, self.skills, self.users_created))
        )


def require_demo_mode() -> None:
    if not settings.DEMO_MODE:
        raise DemoError(
            _(
                "The demo city has logins with a well-known password, so it is only built in demo mode. "
                "Set PHAODAI_DEMO=1 (never on a production server) and run the command again."
            )
        )


def load_tree() -> tuple[DemoTree, dict[str, AdminUnit]]:
    code = settings.DEMO_PROVINCE_CODE
    province = AdminUnit.objects.filter(code=code, level=Level.PROVINCE).first()
    hint = _("Load them first: python manage.py load_admin_units --structure 2021")
    if province is None:
        raise DemoError(_("The administrative units of province %(code)s are not loaded. ") % {"code": code} + hint)
    if province.structure != Structure.THREE_LEVEL_2021:
        raise DemoError(
            _("The demo city is built on the 2021 structure (province, district, commune); this database holds %(s)s.")
            % {"s": province.structure}
        )
    units = {u.code: u for u in AdminUnit.objects.under(province).filter(level__lte=Level.COMMUNE).order_by("code")}
    districts = [u for u in units.values() if u.level == Level.DISTRICT]
    communes = [u for u in units.values() if u.level == Level.COMMUNE]
    if not districts or not communes:
        raise DemoError(_("Province %(code)s has no districts or communes loaded. ") % {"code": code} + hint)
    district_code = {d.pk: d.code for d in districts}
    by_district: dict[str, list[Unit]] = {d.code: [] for d in districts}
    for c in communes:
        by_district[district_code[c.parent_id]].append(Unit(c.code, c.name, c.division_type))
    tree = DemoTree(
        Unit(province.code, province.name, province.division_type),
        [Unit(d.code, d.name, d.division_type) for d in districts],
        by_district,
    )
    return tree, units


def _write_log(entries: list[LogEntry], result: DemoResult) -> None:
    LogEntry.objects.bulk_create(entries, batch_size=BATCH)
    result.log_entries += len(entries)


def neighbourhood_names(commune: Unit, seed: int) -> tuple[str, list[str]]:
    """4-12 neighbourhoods: numbered "khu vực" in a phường, named "ấp" in a xã or thị trấn."""
    rng = random.Random(f"{seed}:{commune.code}")
    count = rng.randint(4, 12)
    if commune.division_type == "phường":
        return NeighbourhoodKind.AREA, [f"Khu vực {i}" for i in range(1, count + 1)]
    names: list[str] = []
    stems = rng.sample(N.HAMLET_STEMS, k=count)
    for stem in stems:
        if len(names) >= count:
            break
        roll = rng.random()
        if roll < 0.2 and len(names) + 2 <= count:
            names += [f"Ấp {stem} A", f"Ấp {stem} B"]  # an old hamlet split in two
        elif roll < 0.3 and len(names) + 2 <= count:
            names += [f"Ấp {stem} 1", f"Ấp {stem} 2"]
        else:
            names.append(f"Ấp {stem}")
    return NeighbourhoodKind.HAMLET, names


def build_neighbourhoods(tree: DemoTree, units: dict[str, AdminUnit], seed: int, result: DemoResult) -> None:
    """Like places.services.create_neighbourhood, in bulk. A commune that already has neighbourhoods is left as
    it is: they are the commune's to manage."""
    has_children = set(
        AdminUnit.objects.filter(level=Level.NEIGHBOURHOOD, parent__in=[units[c.code] for c in tree.communes])
        .values_list("parent_id", flat=True)
        .distinct()
    )
    new: list[AdminUnit] = []
    for commune in tree.communes:
        parent = units[commune.code]
        if parent.pk in has_children:
            continue
        kind, hamlet_names = neighbourhood_names(commune, seed)
        for number, raw in enumerate(hamlet_names, start=1):
            name = clean_text(raw)
            code = f"{parent.code}.{number:02d}"
            new.append(
                AdminUnit(
                    code=code,
                    name=name,
                    division_type=kind,
                    level=Level.NEIGHBOURHOOD,
                    structure=parent.structure,
                    parent=parent,
                    path=f"{parent.path}{code}/",
                    search_name=fold(name),
                )
            )
    AdminUnit.objects.bulk_create(new, batch_size=BATCH)
    _write_log(creation_entries(new, additional_data=AUDIT_SOURCE), result)
    result.neighbourhoods = len(new)


def _scale(specs: list[AgencySpec], staff: int) -> int:
    """Headcounts are realistic for a few thousand people; a benchmark's 100,000 needs them scaled up."""
    total = sum(s.headcount for s in specs)
    scale = max(1, math.ceil(staff / (MAX_FILL * total)))
    if scale > 1:
        for spec in specs:
            spec.headcount *= scale
            spec.min_in_office *= scale
    return scale


def build_agencies(specs: list[AgencySpec], units: dict[str, AdminUnit], result: DemoResult) -> dict[str, Agency]:
    """Create the missing agencies (an agency is known by its unit and name) and return all of them by key."""
    unit_ids = {units[s.unit_code].pk for s in specs}
    existing = {(a.unit_id, a.name): a for a in Agency.objects.filter(unit_id__in=unit_ids)}
    by_key: dict[str, Agency] = {}
    depth: dict[str, int] = {}
    for spec in specs:  # parents come first in the list
        depth[spec.key] = depth[spec.parent_key] + 1 if spec.parent_key else 0
    created: list[Agency] = []
    for level in sorted(set(depth.values())):
        wave: list[Agency] = []
        for spec in specs:
            if depth[spec.key] != level:
                continue
            unit = units[spec.unit_code]
            name = clean_text(spec.name)
            agency = existing.get((unit.pk, name))
            if agency is None:
                agency = Agency(
                    name=name,
                    short_name=spec.short_name,
                    kind=spec.kind,
                    bloc=spec.bloc,
                    parent=by_key[spec.parent_key] if spec.parent_key else None,
                    unit=unit,
                    headcount=spec.headcount,
                    min_in_office=spec.min_in_office,
                    phone=spec.phone,
                    search_name=fold(f"{name} {spec.short_name}"),
                )
                wave.append(agency)
            by_key[spec.key] = agency
        # Children need their parents' primary keys: one bulk insert per depth.
        Agency.objects.bulk_create(wave, batch_size=BATCH)
        created += wave
    _write_log(creation_entries(created, additional_data=AUDIT_SOURCE), result)
    result.agencies = len(created)
    return by_key


def _homes(tree: DemoTree) -> dict[str, list[str]]:
    homes: dict[str, list[str]] = {"*": [c.code for c in tree.communes]}
    urban: list[str] = []
    for district in tree.districts:
        codes = [c.code for c in tree.communes_by_district[district.code]]
        homes[district.code] = codes
        if district.name.lower().startswith("quận"):
            urban += codes
        for code in codes:
            homes[code] = [code] * 3 + codes  # mostly in one's own commune, otherwise nearby
    homes[tree.province.code] = urban or homes["*"]
    return homes


def build_staff(
    tree: DemoTree,
    units: dict[str, AdminUnit],
    specs: list[AgencySpec],
    agencies: dict[str, Agency],
    staff: int,
    seed: int,
    result: DemoResult,
) -> None:
    counts = distribute(staff, [s.headcount for s in specs])
    homes = _homes(tree)
    used: set[str] = set()
    wanted = [(spec, people_for(spec, n, seed, homes, used)) for spec, n in zip(specs, counts, strict=True)]
    existing_ids = set(StaffMember.objects.values_list("citizen_id", flat=True))
    in_agency = dict(
        StaffMember.objects.filter(agency__in=[a.pk for a in agencies.values()])
        .values_list("agency")
        .annotate(n=Count("pk"))
        .values_list("agency", "n")
    )
    skills = {s.code: s for s in Skill.objects.all()}
    home_ids = {code: unit.pk for code, unit in units.items()}
    new: list[StaffMember] = []
    new_skills: list[tuple[StaffMember, tuple[str, ...]]] = []
    for spec, people in wanted:
        agency = agencies[spec.key]
        room = agency.headcount - in_agency.get(agency.pk, 0)
        for person in people:
            if person.citizen_id in existing_ids:
                continue
            if room <= 0:
                result.not_placed += 1  # never above headcount, even if someone shrank it since
                continue
            room -= 1
            name = clean_text(person.full_name)
            member = StaffMember(
                full_name=name,
                gender=person.gender,
                date_of_birth=person.date_of_birth,
                citizen_id=person.citizen_id,
                citizen_id_is_old=len(person.citizen_id) == 9,
                phone=person.phone,
                agency=agency,
                position=person.position,
                status=person.status,
                vaccination_status=person.vaccination_status,
                home_unit_id=home_ids[person.home_code],
                search_name=fold(name),
            )
            new.append(member)
            if person.skills:
                new_skills.append((member, person.skills))
    StaffMember.objects.bulk_create(new, batch_size=BATCH)
    Through = StaffMember.skills.through
    links = [Through(staffmember_id=m.pk, skill_id=skills[code].pk) for m, codes in new_skills for code in codes]
    Through.objects.bulk_create(links, batch_size=BATCH * 5)
    codes_of = {m.pk: codes for m, codes in new_skills}
    entries = creation_entries(
        new,
        additional_data=AUDIT_SOURCE,
        extra_changes=lambda m: (
            {"skills": m2m_added(skills[c].name for c in codes_of[m.pk])} if m.pk in codes_of else {}
        ),
    )
    _write_log(entries, result)
    result.staff = len(new)
    result.skills = len(links)


def _scope_unit(login: DemoLogin, tree: DemoTree, units: dict[str, AdminUnit]) -> AdminUnit | None:
    if login.scope == "":
        return None
    if login.scope == "city":
        return units[tree.province.code]
    if login.preferred_code in units:
        return units[login.preferred_code]
    first_district = tree.districts[0]
    if login.scope == "district":
        return units[first_district.code]
    return units[tree.communes_by_district[first_district.code][0].code]


def build_logins(tree: DemoTree, units: dict[str, AdminUnit], password: str, result: DemoResult) -> None:
    """One login per role. A login that drifted (other role, scope or password) is put back: the table printed
    at the end must be true."""
    existing = {u.username: u for u in User.objects.filter(username__in=[d.username for d in DEMO_LOGINS])}
    verified: set[str] = set()  # hashes known to match the demo password: one slow hash check, not twelve
    encoded = ""
    for login in DEMO_LOGINS:
        scope_agency = Agency.objects.filter(name=login.agency_name).first() if login.agency_name else None
        scope_unit = None if login.agency_name else _scope_unit(login, tree, units)
        user = existing.get(login.username)
        if user is None:
            encoded = encoded or make_password(password)
            user = User(
                username=login.username,
                role=login.role,
                scope_unit=scope_unit,
                scope_agency=scope_agency,
                password=encoded,
            )
            user.save()
            result.users_created += 1
        else:
            fields = []
            if user.password not in verified:
                if check_password(password, user.password):
                    verified.add(user.password)
                else:
                    encoded = encoded or make_password(password)
                    user.password = encoded
                    fields.append("password")
            for attr, value in (("role", login.role), ("scope_unit_id", scope_unit.pk if scope_unit else None)):
                if getattr(user, attr) != value:
                    setattr(user, attr, value)
                    fields.append(attr)
            if user.scope_agency_id != (scope_agency.pk if scope_agency else None):
                user.scope_agency = scope_agency
                fields.append("scope_agency")
            if not user.is_active:
                user.is_active = True
                fields.append("is_active")
            if fields:
                user.save(update_fields=fields)
                result.users_updated += 1
        result.logins.append(
            LoginRow(
                login.username,
                password,
                str(Role(login.role).label),
                scope_agency.name
                if scope_agency
                else scope_unit.name
                if scope_unit
                else str(_("Everything (system administrator)")),
            )
        )


def build_demo_city(
    staff: int = DEFAULT_STAFF,
    seed: int = DEFAULT_SEED,
    password: str = DEMO_PASSWORD,
    *,
    duty: bool = True,
    welfare: bool = True,
) -> DemoResult:
    """Build (or complete) the demo city. Raises DemoError when it must not or cannot be built here.

    `duty=False` leaves out the duty story (rosters solved for every ward take ~15 s) and `welfare=False` the
    welfare story (~5 s): tests of the other stories build the city without them."""
    started = monotonic()
    require_demo_mode()
    if staff < 0:
        raise DemoError(_("The number of civil servants cannot be negative."))
    tree, units = load_tree()
    result = DemoResult()
    specs = agency_specs(tree, seed)
    result.headcount_scale = _scale(specs, staff)
    with transaction.atomic():
        build_neighbourhoods(tree, units, seed, result)
        agencies = build_agencies(specs, units, result)
        build_staff(tree, units, specs, agencies, staff, seed, result)
        build_logins(tree, units, password, result)
    # The mobilisation story, in its own transaction: the city stays built even if a step is refused.
    try:
        result.scenario = build_scenario(units[tree.province.code])
    except (ValidationError, PermissionDenied) as exc:
        message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        raise DemoError(_("The mobilisation scenario stopped: %(error)s") % {"error": message}) from exc
    # Two weeks of daily reports, late and missing ones, and difficulties (issue #5).
    try:
        result.reporting = build_reporting_history(units[tree.province.code])
    except (ValidationError, PermissionDenied) as exc:
        message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        raise DemoError(_("The reporting history stopped: %(error)s") % {"error": message}) from exc
    # Duty rosters, hotlines, community teams and a week of calls (issue #6).
    if duty:
        try:
            result.duty = build_duty_story(units[tree.province.code], seed=seed)
        except (ValidationError, PermissionDenied, StoryError) as exc:
            message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise DemoError(_("The duty story stopped: %(error)s") % {"error": message}) from exc
    # Registries, two programmes, lists with planted duplicates and omissions, distributions (issue #7).
    if welfare:
        try:
            result.welfare = build_welfare_story(units[tree.province.code], seed=seed)
        except (ValidationError, PermissionDenied, StoryError) as exc:
            message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise DemoError(_("The welfare story stopped: %(error)s") % {"error": message}) from exc
    result.seconds = monotonic() - started
    return result

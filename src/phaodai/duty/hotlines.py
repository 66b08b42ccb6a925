"""The hotline registry (issue #6, item 4; seed 002: hotlines staffed 24/24, at least four numbers per district and
per commune, a health line and a welfare line among them).

A district or commune officer (hotline.manage) registers, corrects and takes out of use the numbers of units in their
own subtree. Every number is normalised (staff.identity.normalise_phone: one form for one number, and a number that
is not Vietnamese is refused); one number serves one active hotline. The people who answer a hotline are those on
duty at its site, on a shift of a PUBLISHED roster (drafts are plans, not duty).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from phaodai.core.audit import acting_as
from phaodai.core.scope import unit_subtree_q
from phaodai.duty.models import DutySite, Hotline, Line, RosterStatus, Shift, ShiftAssignment
from phaodai.places.models import AdminUnit, Level
from phaodai.staff.identity import normalise_phone

#: Units that have hotlines of their own (seed 002: every district and every commune).
HOTLINE_LEVELS = (Level.DISTRICT, Level.COMMUNE)
MANAGE = "hotline.manage"


# --------------------------------------------------------------------------------------------------------------
# Time: the local ISO week


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def week_start_of(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.weekday())


def week_bounds(monday: date) -> tuple[datetime, datetime]:
    """[Monday 00:00, next Monday 00:00) local time, as aware instants."""
    zone = local_zone()
    return (
        datetime.combine(monday, time.min, tzinfo=zone),
        datetime.combine(monday + timedelta(days=7), time.min, tzinfo=zone),
    )


def current_week(now: datetime | None = None) -> tuple[datetime, datetime]:
    now = now or timezone.now()
    return week_bounds(week_start_of(now.astimezone(local_zone()).date()))


# --------------------------------------------------------------------------------------------------------------
# Who may manage which unit's hotlines


def units_in_scope(user: Any) -> QuerySet:
    """Districts and communes in the user's own subtree (every one for a city-wide role)."""
    units = AdminUnit.objects.filter(level__in=HOTLINE_LEVELS)
    if user.sees_everything:
        return units
    return units.filter(unit_subtree_q(user, "path"))


def manageable_units(user: Any) -> QuerySet:
    if not user.has_role_perm(MANAGE):
        return AdminUnit.objects.none()
    return units_in_scope(user)


def usable_sites(user: Any, unit: AdminUnit | None = None) -> QuerySet:
    """Duty sites a hotline of `unit` may be staffed from: sites in use within that unit's subtree (a district line
    may be answered at a commune's headquarters of the district), that the user sees."""
    sites = DutySite.objects.filter(is_active=True).select_related("unit")
    if not user.sees_everything:
        sites = sites.filter(unit_subtree_q(user, "unit__path"))
    if unit is not None:
        sites = sites.filter(unit__path__startswith=unit.path)
    return sites


def _check(
    user: Any, unit: AdminUnit, site: DutySite | None, number: str, exclude_pk: int | None, line: str = Line.GENERAL
) -> str:
    """The normalised number, or a ValidationError naming every problem."""
    if not user.has_role_perm(MANAGE):
        raise PermissionDenied(_("Your role does not allow registering hotlines."))
    if not manageable_units(user).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("%(unit)s is outside your jurisdiction.") % {"unit": unit.name})
    errors: dict[str, list[str]] = {}
    if unit.level not in HOTLINE_LEVELS:
        errors.setdefault("unit", []).append(
            _("%(unit)s is not a district or a commune: hotlines belong to districts and communes.")
            % {"unit": unit.name}
        )
    if line not in Line.values:
        errors.setdefault("line", []).append(_("Choose a line: health, welfare, security or general."))
    try:
        number = normalise_phone(number)
    except ValidationError as exc:
        errors.setdefault("number", []).extend(exc.messages)
    else:
        other = Hotline.objects.filter(number=number, is_active=True).exclude(pk=exclude_pk).select_related("unit")
        other = other.first()
        if other is not None:
            errors.setdefault("number", []).append(
                _("%(number)s is already the %(line)s of %(unit)s%(label)s: take that one out of use first.")
                % {
                    "number": number,
                    "line": other.get_line_display().lower(),
                    "unit": other.unit.name,
                    "label": f" ({other.label})" if other.label else "",
                }
            )
    if site is not None and not usable_sites(user, unit).filter(pk=site.pk).exists():
        errors.setdefault("site", []).append(
            _("“%(site)s” is not a duty site in use within %(unit)s.") % {"site": site.name, "unit": unit.name}
        )
    if errors:
        raise ValidationError(errors)
    return number


def _save(hotline: Hotline, number: str) -> Hotline:
    try:
        with transaction.atomic():
            hotline.save()
    except IntegrityError as exc:  # another officer registered the same number at the same moment
        raise ValidationError(
            {"number": [_("%(number)s was just registered by someone else.") % {"number": number}]}
        ) from exc
    return hotline


def create_hotline(
    user: Any,
    *,
    unit: AdminUnit,
    number: str,
    line: str,
    label: str = "",
    site: DutySite | None = None,
    is_public: bool = True,
) -> Hotline:
    with acting_as(user), transaction.atomic():
        number = _check(user, unit, site, number, None, line)
        hotline = Hotline(unit=unit, number=number, line=line, label=label.strip(), site=site, is_public=is_public)
        return _save(hotline, number)


def update_hotline(user: Any, hotline: Hotline, **changes: Any) -> Hotline:
    """Correct a hotline: number, line, label, site, public or not (its unit stays: register a new one instead)."""
    with acting_as(user), transaction.atomic():
        locked = Hotline.objects.select_for_update().get(pk=hotline.pk)
        for name in ("number", "line", "label", "site", "is_public"):
            if name in changes:
                setattr(locked, name, changes[name])
        if locked.is_active:
            locked.number = _check(user, locked.unit, locked.site, locked.number, locked.pk, locked.line)
        else:
            # A number out of use may repeat an active one: it is checked again when put back in use.
            if not manageable_units(user).filter(pk=locked.unit_id).exists():
                raise PermissionDenied(_("%(unit)s is outside your jurisdiction.") % {"unit": locked.unit.name})
            try:
                locked.number = normalise_phone(locked.number)
            except ValidationError as exc:
                raise ValidationError({"number": exc.messages}) from exc
            if locked.line not in Line.values:
                raise ValidationError({"line": [_("Choose a line: health, welfare, security or general.")]})
        locked.label = (locked.label or "").strip()
        return _save(locked, locked.number)


def set_active(user: Any, hotline: Hotline, active: bool) -> Hotline:
    """Take a hotline out of use (its calls stay linked to it), or put it back in use (its number checked again)."""
    with acting_as(user), transaction.atomic():
        locked = Hotline.objects.select_for_update().get(pk=hotline.pk)
        if active:
            locked.number = _check(user, locked.unit, locked.site, locked.number, locked.pk, locked.line)
        elif not (user.has_role_perm(MANAGE) and manageable_units(user).filter(pk=locked.unit_id).exists()):
            raise PermissionDenied(_("Your role does not allow changing this hotline."))
        locked.is_active = active
        return _save(locked, locked.number)


def deactivate_hotline(user: Any, hotline: Hotline) -> Hotline:
    return set_active(user, hotline, False)


# --------------------------------------------------------------------------------------------------------------
# Operators: who answers a hotline (the people on duty at its site)


@dataclass
class OperatorShift:
    shift: Shift
    people: list[ShiftAssignment]

    @property
    def names(self) -> str:
        return ", ".join(a.staff.full_name for a in self.people)


def duty_shifts(site_ids: list[int], start: datetime, end: datetime) -> QuerySet:
    """Shifts of published rosters at these sites overlapping [start, end), with their people (two queries)."""
    people = ShiftAssignment.objects.select_related("staff").order_by("-as_leader", "staff__search_name")
    return (
        Shift.objects.filter(site_id__in=site_ids, roster__status=RosterStatus.PUBLISHED, start__lt=end, end__gt=start)
        .select_related("site", "roster")
        .prefetch_related(Prefetch("assignments", queryset=people))
        .order_by("start", "site__name", "name")
    )


@dataclass
class Operators:
    now: list[OperatorShift]
    week: list[OperatorShift]
    week_start: datetime
    week_end: datetime


def operators(hotline: Hotline, now: datetime | None = None) -> Operators:
    """Who is on duty at the hotline's site now, and every shift of this week there (published rosters only)."""
    now = now or timezone.now()
    start, end = current_week(now)
    if hotline.site_id is None:
        return Operators([], [], start, end)
    week = [OperatorShift(s, list(s.assignments.all())) for s in duty_shifts([hotline.site_id], start, end)]
    on_now = [o for o in week if o.shift.start <= now < o.shift.end and o.people]
    return Operators(on_now, week, start, end)

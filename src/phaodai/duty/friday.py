"""The Friday report (issue #6, item 5). Seed 002, Cần Thơ 184/KH-UBND: every Friday afternoon each district and
commune sends its duty and hotline rosters for the COMING week to the city, through the Department of Home Affairs.

- `assemble(unit, week_start)` snapshots what is reported: the published rosters of the unit's duty sites that
  overlap the week (each shift with its people), and the unit's active hotlines with who answers them when.
- `submit(user, unit, week_start, note)` stores it once (WeeklyRosterReport), with its deadline — the Friday before
  the week at DEADLINE_TIME in DEADLINE_ZONE — and its lateness in whole minutes (reporting.deadlines.minutes_late).
- `tracking(user, week_start)`: who has submitted for a week. The definitions mirror reporting.rates (issue #5,
  DHIS2's): **expected** = every district and commune in the user's scope once the deadline has passed (before it,
  a report not received yet is *not due* and not counted; one already received counts at once); **on time** =
  received with minutes_late == 0; **late** = received after the deadline; **missing** = expected, not received;
  reporting rate = received ÷ expected × 100, on-time rate = on time ÷ expected × 100 (reporting.rates.Counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from phaodai.core.audit import acting_as
from phaodai.duty.hotlines import duty_shifts, units_in_scope
from phaodai.duty.models import Hotline, Roster, RosterStatus, WeeklyRosterReport
from phaodai.places.models import AdminUnit, Level
from phaodai.reporting.deadlines import minutes_late
from phaodai.reporting.rates import LATE, MISSING, NOT_DUE, ON_TIME, STATUS_LABELS, Counts

#: When the Friday report is due (seed 002: "every Friday afternoon"): the Friday before the week, at this time.
DEADLINE_WEEKDAY = 4  # Friday (Monday = 0)
DEADLINE_TIME = time(17, 0)
DEADLINE_ZONE = "Asia/Ho_Chi_Minh"
REPORT = "duty.report"


def zone() -> ZoneInfo:
    return ZoneInfo(DEADLINE_ZONE)


def local_today(now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(zone()).date()


def deadline_for(week_start: date) -> datetime:
    """The Friday before the week (Monday `week_start`) at 17:00 local time."""
    friday = week_start - timedelta(days=7 - DEADLINE_WEEKDAY)
    return datetime.combine(friday, DEADLINE_TIME, tzinfo=zone())


def coming_week(now: datetime | None = None) -> date:
    """The Monday after today (local): the week the Friday report is about."""
    today = local_today(now)
    return today + timedelta(days=7 - today.weekday())


def week_end(week_start: date) -> date:
    return week_start + timedelta(days=6)


# --------------------------------------------------------------------------------------------------------------
# The content


def _iso(moment: datetime) -> str:
    return moment.astimezone(zone()).isoformat()


def assemble(unit: AdminUnit, week_start: date) -> dict[str, Any]:
    """The report's content (JSON): the published rosters of the unit's own duty sites overlapping the week, and its
    active hotlines with their operators (the people on duty at each hotline's site), in a constant number of
    queries."""
    start = datetime.combine(week_start, time.min, tzinfo=zone())
    end = start + timedelta(days=7)
    hotlines = list(Hotline.objects.filter(unit=unit, is_active=True).select_related("site").order_by("line", "number"))
    rosters = list(
        Roster.objects.filter(
            status=RosterStatus.PUBLISHED,
            start_date__lte=week_end(week_start),
            end_date__gte=week_start,
            sites__unit=unit,
        )
        .distinct()
        .prefetch_related("sites")
        .order_by("start_date", "pk")
    )
    roster_sites = {s.pk for r in rosters for s in r.sites.all() if s.unit_id == unit.pk}
    site_ids = sorted(roster_sites | {h.site_id for h in hotlines if h.site_id})
    shifts = list(duty_shifts(site_ids, start, end))

    def shift_dict(shift) -> dict[str, Any]:
        return {
            "site": shift.site.name,
            "name": shift.name,
            "start": _iso(shift.start),
            "end": _iso(shift.end),
            "people": [
                {"name": a.staff.full_name, "phone": a.staff.phone, "leader": a.as_leader}
                for a in shift.assignments.all()
            ],
        }

    by_roster: dict[int, list[dict[str, Any]]] = {}
    by_site: dict[int, list[dict[str, Any]]] = {}
    for shift in shifts:
        item = shift_dict(shift)
        by_site.setdefault(shift.site_id, []).append(item)
        if shift.site_id in roster_sites:
            by_roster.setdefault(shift.roster_id, []).append(item)
    return {
        "unit": {"id": unit.pk, "name": unit.name, "code": unit.code},
        "week_start": week_start.isoformat(),
        "week_end": week_end(week_start).isoformat(),
        "rosters": [
            {
                "id": r.pk,
                "version": r.version,
                "from": r.start_date.isoformat(),
                "to": r.end_date.isoformat(),
                "sites": [s.name for s in r.sites.all() if s.pk in roster_sites],
                "shifts": by_roster.get(r.pk, []),
            }
            for r in rosters
            if any(s.pk in roster_sites for s in r.sites.all())
        ],
        "hotlines": [
            {
                "number": h.number,
                "line": h.line,
                "line_label": str(h.get_line_display()),
                "label": h.label,
                "site": h.site.name if h.site else "",
                "operators": by_site.get(h.site_id, []) if h.site_id else [],
            }
            for h in hotlines
        ],
    }


# --------------------------------------------------------------------------------------------------------------
# Submitting


def reportable_units(user: Any) -> QuerySet:
    """The districts and communes whose Friday report the user may submit."""
    if not user.has_role_perm(REPORT):
        return AdminUnit.objects.none()
    return units_in_scope(user)


def submit(user: Any, unit: AdminUnit, week_start: date, note: str = "", now: datetime | None = None):
    """Store the unit's Friday report for the week starting on `week_start` (a Monday still to come)."""
    now = now or timezone.now()
    if not user.has_role_perm(REPORT):
        raise PermissionDenied(_("Your role does not allow submitting the Friday report."))
    if not reportable_units(user).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("%(unit)s is outside your jurisdiction.") % {"unit": unit.name})
    if unit.level not in (Level.DISTRICT, Level.COMMUNE):
        raise ValidationError(
            {"unit": [_("Only districts and communes submit the Friday report; %(unit)s is neither.") % {"unit": unit}]}
        )
    day = date_format(week_start, "d/m/Y")
    if week_start.weekday() != 0:
        raise ValidationError(
            {
                "week_start": [
                    _("%(day)s is not a Monday: the report covers a week from Monday to Sunday.") % {"day": day}
                ]
            }
        )
    if week_start <= local_today(now):
        raise ValidationError(
            {
                "week_start": [
                    _("The week of %(day)s has already begun: the Friday report is about the coming week.")
                    % {"day": day}
                ]
            }
        )
    with acting_as(user), transaction.atomic():
        existing = WeeklyRosterReport.objects.filter(unit=unit, week_start=week_start).select_related("submitted_by")
        existing = existing.first()
        if existing is not None:
            raise ValidationError(_already(existing), code="already_submitted")
        deadline = deadline_for(week_start)
        report = WeeklyRosterReport(
            unit=unit,
            week_start=week_start,
            deadline=deadline,
            submitted_at=now,
            minutes_late=minutes_late(now, deadline),
            submitted_by=user,
            content=assemble(unit, week_start),
            note=note.strip(),
        )
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError as exc:  # two submissions at the same moment: the first one wins
            other = WeeklyRosterReport.objects.select_related("submitted_by").get(unit=unit, week_start=week_start)
            raise ValidationError(_already(other), code="already_submitted") from exc
    return report


def _already(report: WeeklyRosterReport) -> str:
    return _("%(unit)s already submitted its report for the week of %(day)s on %(when)s, by %(who)s.") % {
        "unit": report.unit.name,
        "day": date_format(report.week_start, "d/m/Y"),
        "when": date_format(timezone.localtime(report.submitted_at, zone()), "d/m/Y H:i"),
        "who": report.submitted_by.get_full_name() or report.submitted_by.username,
    }


# --------------------------------------------------------------------------------------------------------------
# Tracking


def may_track(user: Any) -> bool:
    """Home Affairs and the steering committee (duty.review); a district for its communes."""
    if user.has_role_perm("duty.review"):
        return True
    scope = user.scope_unit if user.scope_unit_id else None
    return user.has_role_perm("duty.view") and scope is not None and scope.level == Level.DISTRICT


@dataclass
class TrackingRow:
    unit: AdminUnit
    report: WeeklyRosterReport | None
    status: str

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass
class Tracking:
    week_start: date
    deadline: datetime
    rows: list[TrackingRow]
    counts: Counts
    districts: Counts
    communes: Counts


def _status(report: WeeklyRosterReport | None, due: bool) -> str:
    if report is not None:
        return ON_TIME if report.minutes_late == 0 else LATE
    return MISSING if due else NOT_DUE


def tracking(user: Any, week_start: date, now: datetime | None = None) -> Tracking:
    """Every district and commune in the user's scope with its report for the week (two queries)."""
    now = now or timezone.now()
    deadline = deadline_for(week_start)
    due = now >= deadline
    units = list(units_in_scope(user).order_by("path"))
    reports = {
        r.unit_id: r
        for r in WeeklyRosterReport.objects.filter(unit__in=units, week_start=week_start).select_related("submitted_by")
    }
    rows: list[TrackingRow] = []
    counts, districts, communes = Counts(), Counts(), Counts()
    for unit in units:
        report = reports.get(unit.pk)
        status = _status(report, due)
        rows.append(TrackingRow(unit, report, status))
        if status != NOT_DUE:
            counts.add(status)
            (districts if unit.level == Level.DISTRICT else communes).add(status)
    return Tracking(week_start, deadline, rows, counts, districts, communes)

"""Duty rosters: generate the shifts from the coverage rules, solve them (duty.solver), explain why no roster
exists, check hand edits and swaps against the same rules, publish, version and notify.

Leader-level (the "leader" places of a rule) means a key post in `phaodai.staff.positions.is_key_leader`: the head,
deputy head or acting head of a Party committee, a People's Committee or council, an agency or a health station
(Chủ tịch, Phó Chủ tịch, Bí thư, Giám đốc, Trạm trưởng, …) — the people who may direct the duty in the name of
their unit. Heads of an internal division are not.

Who may serve which site: by default a person serves the sites of their own agency and the sites that have no
agency (a checkpoint); a person given in the pool whose agency runs none of the sites may serve any of them.

Messages (why no roster exists) are stored as {"message": English msgid, "params": {...}} in `Roster.solver` and
put into words when read (`messages_of`), so each reader sees them in their own language.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from phaodai.core.audit import acting_as
from phaodai.duty import solver
from phaodai.duty.models import (
    CoverageRule,
    DutySite,
    Roster,
    RosterStatus,
    Shift,
    ShiftAssignment,
    Unavailability,
    UnavailabilityKind,
)
from phaodai.mobilisation.models import Assignment, AssignmentState
from phaodai.notifications import services as notifications
from phaodai.places.models import AdminUnit
from phaodai.staff.models import StaffMember, StaffStatus
from phaodai.staff.positions import is_key_leader

MAX_DAYS = 62
UNAVAILABLE_STATUSES = (StaffStatus.ON_LEAVE, StaffStatus.ISOLATED)


def tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def is_leader(staff: StaffMember) -> bool:
    return is_key_leader(staff.position)


def message(msgid: str, **params: Any) -> dict[str, Any]:
    return {"message": msgid, "params": params}


#: The solver's status as the roster page says it.
SOLVER_STATUS = {
    "optimal": gettext_noop("optimal (proven best)"),
    "feasible": gettext_noop("feasible (every rule met; not proven best)"),
    "infeasible": gettext_noop("no roster meets every rule"),
    "unknown": gettext_noop("no roster found within the time limit"),
}


def solver_status_label(roster: Roster) -> str:
    status = (roster.solver or {}).get("status", "")
    return _(SOLVER_STATUS[status]) if status in SOLVER_STATUS else status


def messages_of(roster: Roster) -> list[str]:
    out = []
    for item in roster.solver.get("messages", []):
        text = _(item["message"])
        out.append(text % item["params"] if item.get("params") else text)
    return out


def local(dt: datetime) -> datetime:
    return dt.astimezone(tz())


def fmt_day(dt: datetime | date) -> str:
    return (local(dt) if isinstance(dt, datetime) else dt).strftime("%d/%m/%Y")


def fmt_time(dt: datetime) -> str:
    return local(dt).strftime("%H:%M")


# --- shifts from rules -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShiftSlot:
    site: DutySite
    rule: CoverageRule | None
    name: str
    start: datetime
    end: datetime
    people: int
    leaders: int


def shifts_from_rules(sites: list[DutySite], start: date, end: date) -> list[ShiftSlot]:
    """Every shift the sites' rules ask for, starting on a day of the period (a night shift of the last day
    ends the day after)."""
    zone = tz()
    rules = list(CoverageRule.objects.filter(site__in=sites).select_related("site").order_by("site_id", "start_time"))
    slots = []
    day = start
    while day <= end:
        for rule in rules:
            if day.isoweekday() not in rule.weekdays:
                continue
            begins = datetime.combine(day, rule.start_time, zone)
            ends_day = day if rule.end_time > rule.start_time else day + timedelta(days=1)
            slots.append(
                ShiftSlot(
                    rule.site,
                    rule,
                    rule.name,
                    begins,
                    datetime.combine(ends_day, rule.end_time, zone),
                    rule.people,
                    rule.leaders,
                )
            )
        day += timedelta(days=1)
    return sorted(slots, key=lambda s: (s.start, s.site.pk, s.name))


# --- who is free when --------------------------------------------------------------------------------------------


def blocked_periods(
    people: list[StaffMember], start: datetime, end: datetime, *, exclude_rosters: set[int] = frozenset()
) -> dict[int, list[tuple[datetime, datetime, str]]]:
    """Per person: the periods they cannot be on duty, with why (leave, sickness, mobilisation, stated, another
    published roster). The status ON_LEAVE / ISOLATED blocks the whole period."""
    zone = tz()
    ids = [p.pk for p in people]
    blocked: dict[int, list[tuple[datetime, datetime, str]]] = defaultdict(list)
    for p in people:
        if p.status in UNAVAILABLE_STATUSES:
            blocked[p.pk].append((start, end, "status"))
    for a in Assignment.objects.filter(
        staff_id__in=ids,
        state=AssignmentState.APPROVED,
        start_date__lte=local(end).date(),
        end_date__gte=local(start).date(),
    ):
        blocked[a.staff_id].append(
            (
                datetime.combine(a.start_date, datetime.min.time(), zone),
                datetime.combine(a.end_date + timedelta(days=1), datetime.min.time(), zone),
                "mobilised",
            )
        )
    for u in Unavailability.objects.filter(staff_id__in=ids, start__lt=end, end__gt=start):
        blocked[u.staff_id].append((u.start, u.end, u.kind))
    others = ShiftAssignment.objects.filter(
        staff_id__in=ids, shift__roster__status=RosterStatus.PUBLISHED, shift__start__lt=end, shift__end__gt=start
    ).exclude(shift__roster_id__in=exclude_rosters)
    for sa in others.select_related("shift"):
        blocked[sa.staff_id].append((sa.shift.start, sa.shift.end, "other_roster"))
    return blocked


def default_pool(sites: list[DutySite]) -> list[StaffMember]:
    agencies = {s.agency_id for s in sites if s.agency_id}
    return list(StaffMember.objects.filter(agency_id__in=agencies).exclude(status__in=UNAVAILABLE_STATUSES))


def allowed_sites(person: StaffMember, sites: list[DutySite]) -> frozenset[int] | None:
    own = {s.pk for s in sites if s.agency_id == person.agency_id}
    if not own:
        return None  # a person whose agency runs none of the sites serves any of them
    return frozenset(own | {s.pk for s in sites if not s.agency_id})


# --- necessary checks: why no roster -----------------------------------------------------------------------------


def max_shifts(slots: list[ShiftSlot], rest_hours: int) -> int:
    """The most of these shifts one person can work with the rest rule (earliest-end greedy is optimal)."""
    rest, count, free_from = timedelta(hours=rest_hours), 0, None
    for s in sorted(slots, key=lambda s: s.end):
        if free_from is None or s.start >= free_from:
            count, free_from = count + 1, s.end + rest
    return count


def person_capacity(slots: list[ShiftSlot], rest_hours: int, max_hours: int) -> int:
    """An upper bound of the shifts one person can take: per ISO week, the rest rule and the weekly hours."""
    weeks: dict[tuple, list[ShiftSlot]] = defaultdict(list)
    for s in slots:
        weeks[tuple(local(s.start).isocalendar()[:2])].append(s)
    total = 0
    for week in weeks.values():
        shortest = min((s.end - s.start).total_seconds() / 3600 for s in week)
        total += min(max_shifts(week, rest_hours), int(max_hours // shortest) if shortest else len(week))
    return total


def explain(
    unit: AdminUnit,
    slots: list[ShiftSlot],
    people: list[StaffMember],
    free: dict[tuple[int, int], bool],
    *,
    max_hours: int,
    rest_hours: int,
) -> list[dict[str, Any]]:
    """Cheap necessary conditions; each failed one is a message naming the rule and the place."""
    found: list[dict[str, Any]] = []
    leaders = [p for p in people if is_leader(p)]
    # 1. each shift: enough free people and leaders
    for i, s in enumerate(slots):
        n_free = sum(1 for p in people if free[p.pk, i])
        n_lead = sum(1 for p in leaders if free[p.pk, i])
        if n_free < s.people:
            found.append(
                message(
                    gettext_noop(
                        "On %(day)s the “%(shift)s” shift (%(start)s–%(end)s) at %(site)s needs %(needed)d "
                        "people but only %(free)d are free."
                    ),
                    day=fmt_day(s.start),
                    shift=s.name,
                    start=fmt_time(s.start),
                    end=fmt_time(s.end),
                    site=s.site.name,
                    needed=s.people,
                    free=n_free,
                )
            )
        elif n_lead < s.leaders:
            found.append(
                message(
                    gettext_noop(
                        "On %(day)s the “%(shift)s” shift (%(start)s–%(end)s) at %(site)s needs %(needed)d "
                        "leader-level people but only %(free)d are free."
                    ),
                    day=fmt_day(s.start),
                    shift=s.name,
                    start=fmt_time(s.start),
                    end=fmt_time(s.end),
                    site=s.site.name,
                    needed=s.leaders,
                    free=n_lead,
                )
            )
    if found:
        return found[:20]
    # 2. people needed at once (overlapping shifts of all sites) against people free at that moment
    for s in slots:
        at_once = [j for j, t in enumerate(slots) if t.start <= s.start < t.end]
        needed = sum(slots[j].people for j in at_once)
        free_now = sum(1 for p in people if any(free[p.pk, j] for j in at_once))
        if needed > free_now:
            found.append(
                message(
                    gettext_noop(
                        "On %(day)s at %(time)s the sites need %(needed)d people at once but only %(free)d are free."
                    ),
                    day=fmt_day(s.start),
                    time=fmt_time(s.start),
                    needed=needed,
                    free=free_now,
                )
            )
            break
    # 3. leader places of each rule against what the leader-level staff can cover (rest, weekly hours)
    by_rule: dict[Any, list[int]] = defaultdict(list)
    for i, s in enumerate(slots):
        if s.leaders:
            by_rule[(s.site.pk, s.name)].append(i)
    for (_site, name), idx in by_rule.items():
        demand = sum(slots[i].leaders for i in idx)
        capacity = sum(
            person_capacity([slots[i] for i in idx if free[p.pk, i]], rest_hours, max_hours)
            for p in leaders
            if any(free[p.pk, i] for i in idx)
        )
        if capacity < demand:
            found.append(
                message(
                    gettext_noop(
                        "%(place)s has %(leaders)d leader-level staff for %(shifts)d “%(shift)s” shifts at "
                        "%(site)s needing a leader: they can take at most %(capacity)d of the %(demand)d "
                        "leader places with %(rest)d hours of rest and %(max)d hours a week."
                    ),
                    place=unit.name,
                    leaders=sum(1 for p in leaders if any(free[p.pk, i] for i in idx)),
                    shifts=len(idx),
                    shift=name,
                    site=slots[idx[0]].site.name,
                    capacity=capacity,
                    demand=demand,
                    rest=rest_hours,
                    max=max_hours,
                )
            )
    # 4. weekly hours: the hours of duty of each week against what the free people may work
    weeks: dict[tuple, list[int]] = defaultdict(list)
    for i, s in enumerate(slots):
        weeks[tuple(local(s.start).isocalendar()[:2])].append(i)
    for idx in weeks.values():
        hours = sum((slots[i].end - slots[i].start).total_seconds() / 3600 * slots[i].people for i in idx)
        available = [p for p in people if any(free[p.pk, i] for i in idx)]
        if hours > max_hours * len(available):
            found.append(
                message(
                    gettext_noop(
                        "A maximum of %(max)d hours a week cannot cover %(hours)d hours of duty in the week "
                        "from %(day)s with %(people)d people."
                    ),
                    max=max_hours,
                    hours=round(hours),
                    day=fmt_day(slots[idx[0]].start),
                    people=len(available),
                )
            )
    # 5. all places against what the pool can take given rest and hours
    demand = sum(s.people for s in slots)
    capacity = sum(
        person_capacity([s for i, s in enumerate(slots) if free[p.pk, i]], rest_hours, max_hours)
        for p in people
        if any(free[p.pk, i] for i in range(len(slots)))
    )
    if capacity < demand:
        found.append(
            message(
                gettext_noop(
                    "%(people)d people can take at most %(capacity)d of the %(demand)d places on duty with "
                    "%(rest)d hours of rest between shifts and %(max)d hours a week."
                ),
                people=len(people),
                capacity=capacity,
                demand=demand,
                rest=rest_hours,
                max=max_hours,
            )
        )
    return found


# --- generation --------------------------------------------------------------------------------------------------


def check_planner(user: Any, unit: AdminUnit, sites: list[DutySite]) -> None:
    if not user.has_role_perm("duty.plan"):
        raise PermissionDenied(_("Your role does not allow planning duty rosters."))
    visible = set(DutySite.objects.visible_to(user).filter(pk__in=[s.pk for s in sites]).values_list("pk", flat=True))
    if len(visible) != len({s.pk for s in sites}):
        raise PermissionDenied(_("One of these sites is outside your area."))
    in_area = user.sees_everything or (user.scope_unit_id and unit.path.startswith(user.scope_unit.path))
    own_agency = user.scope_agency_id and all(s.agency_id == user.scope_agency_id for s in sites)
    if not (in_area or own_agency):
        raise PermissionDenied(_("This unit is outside your area."))


def generate_roster(
    user: Any,
    *,
    unit: AdminUnit,
    sites: list[DutySite],
    start: date,
    end: date,
    pool: list[StaffMember] | None = None,
    max_hours_per_week: int = 48,
    min_rest_hours: int = 12,
    time_limit: float = 20,
    num_workers: int = 1,
) -> Roster:
    """A DRAFT roster, version 1: solved, or kept with the reasons no roster exists (solver["status"] =
    "infeasible")."""
    sites = sorted(set(sites), key=lambda s: s.pk)
    errors: dict[str, str] = {}
    if not sites:
        errors["sites"] = _("Choose at least one duty site.")
    if end < start:
        errors["end"] = _("The end date is before the start date.")
    elif (end - start).days >= MAX_DAYS:
        errors["end"] = _("A roster covers at most %(days)d days.") % {"days": MAX_DAYS}
    if not 1 <= max_hours_per_week <= 168:
        errors["max_hours_per_week"] = _("The weekly maximum must be between 1 and 168 hours.")
    if not 0 <= min_rest_hours <= 48:
        errors["min_rest_hours"] = _("The rest between shifts must be between 0 and 48 hours.")
    if errors:
        raise ValidationError(errors)
    check_planner(user, unit, sites)
    outside = [s.name for s in sites if not s.unit.path.startswith(unit.path)]
    if outside:
        raise ValidationError(
            {"sites": _("%(sites)s is not in %(unit)s.") % {"sites": ", ".join(outside), "unit": unit.name}}
        )
    slots = shifts_from_rules(sites, start, end)
    if not slots:
        raise ValidationError(
            {"sites": _("These sites have no coverage rule for this period: add the shifts they need first.")}
        )
    people = sorted(default_pool(sites) if pool is None else list(pool), key=lambda p: p.pk)
    if pool is not None:
        hidden = set(p.pk for p in people) - set(
            StaffMember.objects.visible_to(user).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True)
        )
        if hidden:
            raise PermissionDenied(_("Someone in the pool is outside your area."))
    with acting_as(user), transaction.atomic():
        roster = Roster.objects.create(
            unit=unit,
            start_date=start,
            end_date=end,
            max_hours_per_week=max_hours_per_week,
            min_rest_hours=min_rest_hours,
            created_by=user,
        )
        roster.sites.set(sites)
        roster.pool.set(people)
        shifts = Shift.objects.bulk_create(
            Shift(
                roster=roster,
                site=s.site,
                rule=s.rule,
                name=s.name,
                start=s.start,
                end=s.end,
                people=s.people,
                leaders=s.leaders,
            )
            for s in slots
        )
        roster.solver = solve_into(roster, slots, shifts, people, time_limit=time_limit, num_workers=num_workers)
        roster.save(update_fields=["solver"])
    return roster


def solve_into(
    roster: Roster,
    slots: list[ShiftSlot],
    shifts: list[Shift],
    people: list[StaffMember],
    *,
    time_limit: float,
    num_workers: int,
) -> dict[str, Any]:
    """Solve and store the assignments; returns the solver JSON."""
    begin, finish = min(s.start for s in slots), max(s.end for s in slots)
    blocked = blocked_periods(people, begin, finish, exclude_rosters={roster.pk})
    site_list = list(roster.sites.all())
    shift_in = [solver.ShiftIn(i, s.start, s.end, s.people, s.leaders, s.site.pk) for i, s in enumerate(slots)]
    person_in = [
        solver.PersonIn(
            p.pk, is_leader(p), tuple((a, b) for a, b, _why in blocked.get(p.pk, [])), allowed_sites(p, site_list)
        )
        for p in people
    ]
    free = {(p.key, s.key): solver.free_for(p, s) for p in person_in for s in shift_in}
    problem = solver.Problem(
        shift_in,
        person_in,
        max_hours_per_week=roster.max_hours_per_week,
        min_rest_hours=roster.min_rest_hours,
        time_limit=time_limit,
        num_workers=num_workers,
        tz=settings.TIME_ZONE,
    )
    pre = explain(
        roster.unit, slots, people, free, max_hours=roster.max_hours_per_week, rest_hours=roster.min_rest_hours
    )
    result = solver.Result(status="infeasible") if pre else solver.solve(problem)
    data: dict[str, Any] = {
        "status": result.status,
        "objective": result.objective,
        "best_bound": result.best_bound,
        "gap": result.gap,
        "wall_time": result.wall_time,
        "first_solution_time": result.first_solution_time,
        "time_limit": time_limit,
        "shifts": len(slots),
        "pool": len(people),
        "messages": pre,
    }
    if result.solved:
        ShiftAssignment.objects.bulk_create(
            ShiftAssignment(shift=shifts[i], staff_id=pk, as_leader=lead)
            for i, chosen in result.assignments.items()
            for pk, lead in chosen
        )
        return data
    if result.status == "unknown":
        data["messages"] = [
            message(
                gettext_noop(
                    "The solver found no roster within %(seconds)d seconds: try a shorter period, fewer sites "
                    "or a larger pool."
                ),
                seconds=round(time_limit),
            )
        ]
        return data
    if not pre:
        # INFEASIBLE and no cheap check said why: coverage made soft shows which shifts cannot be filled.
        problem.soft_coverage = True
        soft = solver.solve(problem)
        for i, (missing, missing_leaders) in sorted(soft.unfilled.items())[:20]:
            s = slots[i]
            params = dict(
                day=fmt_day(s.start), shift=s.name, start=fmt_time(s.start), end=fmt_time(s.end), site=s.site.name
            )
            if missing:
                data["messages"].append(
                    message(
                        gettext_noop(
                            "%(site)s, “%(shift)s” shift on %(day)s (%(start)s–%(end)s): %(missing)d place(s) "
                            "cannot be filled within the rest and weekly-hours rules."
                        ),
                        missing=missing,
                        **params,
                    )
                )
            if missing_leaders:
                data["messages"].append(
                    message(
                        gettext_noop(
                            "%(site)s, “%(shift)s” shift on %(day)s (%(start)s–%(end)s): %(missing)d "
                            "leader place(s) cannot be filled within the rest and weekly-hours rules."
                        ),
                        missing=missing_leaders,
                        **params,
                    )
                )
        if not data["messages"]:
            data["messages"].append(
                message(
                    gettext_noop(
                        "No roster meets every rule together (coverage, leaders, rest, weekly hours, unavailability)."
                    )
                )
            )
    return data


# --- one person's schedule against the rules ---------------------------------------------------------------------


REASONS = {
    "status": gettext_noop("%(name)s is on leave or isolated."),
    "mobilised": gettext_noop("%(name)s is mobilised elsewhere on %(day)s."),
    UnavailabilityKind.LEAVE: gettext_noop("%(name)s is on leave on %(day)s."),
    UnavailabilityKind.SICK: gettext_noop("%(name)s is sick or isolated on %(day)s."),
    UnavailabilityKind.STATED: gettext_noop("%(name)s said they are unavailable on %(day)s."),
    "other_roster": gettext_noop("%(name)s is on duty on another roster on %(day)s."),
}


def schedule_problems(roster: Roster, staff: StaffMember, shifts: list[Shift]) -> list[str]:
    """What breaks the rules in this person's shifts on this roster: overlap, rest, weekly hours, mobilisation,
    leave, sickness, stated unavailability, another published roster."""
    problems: list[str] = []
    name = staff.full_name
    ordered = sorted(shifts, key=lambda s: s.start)
    rest = timedelta(hours=roster.min_rest_hours)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if b.start < a.end:
            problems.append(
                _("%(name)s would be on two shifts at once on %(day)s.") % {"name": name, "day": fmt_day(b.start)}
            )
        elif b.start < a.end + rest:
            problems.append(
                _("%(name)s would have less than %(rest)d hours of rest before the shift of %(day)s %(time)s.")
                % {"name": name, "rest": roster.min_rest_hours, "day": fmt_day(b.start), "time": fmt_time(b.start)}
            )
    weeks: dict[tuple, float] = defaultdict(float)
    for s in ordered:
        weeks[tuple(local(s.start).isocalendar()[:2])] += (s.end - s.start).total_seconds() / 3600
    for (_year, week), hours in weeks.items():
        if hours > roster.max_hours_per_week:
            problems.append(
                _("%(name)s would work %(hours)d hours in week %(week)d, over the maximum of %(max)d.")
                % {"name": name, "hours": round(hours), "week": week, "max": roster.max_hours_per_week}
            )
    if ordered:
        chain = set(roster_chain(roster))
        blocked = blocked_periods([staff], ordered[0].start, ordered[-1].end, exclude_rosters=chain)
        for s in ordered:
            for b_start, b_end, why in blocked.get(staff.pk, []):
                if b_start < s.end and s.start < b_end:
                    problems.append(_(REASONS[why]) % {"name": name, "day": fmt_day(s.start)})
                    break
    return problems


def roster_chain(roster: Roster) -> list[int]:
    ids, r = [], roster
    while r is not None:
        ids.append(r.pk)
        r = r.previous
    return ids


def coverage_problems(shift: Shift, staff_ids: list[int], *, count_people: bool = True) -> list[str]:
    """The shift's coverage with these people: its number of people (unless count_people is False) and leaders."""
    people = list(StaffMember.objects.filter(pk__in=staff_ids))
    where = _("the “%(shift)s” shift of %(day)s at %(site)s") % {
        "shift": shift.name,
        "day": fmt_day(shift.start),
        "site": shift.site.name,
    }
    problems = []
    if count_people and len(people) > shift.people:
        problems.append(
            _("%(where)s needs %(needed)d people, not %(count)d.")
            % {"where": where, "needed": shift.people, "count": len(people)}
        )
    if count_people and len(people) < shift.people:
        problems.append(
            _("%(where)s would have %(count)d of its %(needed)d people.")
            % {"where": where, "needed": shift.people, "count": len(people)}
        )
    leaders = sum(1 for p in people if is_leader(p))
    if leaders < shift.leaders:
        problems.append(
            _("%(where)s would have %(count)d of its %(needed)d leader-level people.")
            % {"where": where, "needed": shift.leaders, "count": leaders}
        )
    return problems


def leader_problems(shift: Shift, staff_ids: list[int]) -> list[str]:
    return coverage_problems(shift, staff_ids, count_people=False)


def refresh_leaders(shift: Shift) -> None:
    rows = list(shift.assignments.select_related("staff").order_by("staff_id"))
    lead = {r.pk for r in [r for r in rows if is_leader(r.staff)][: shift.leaders]}
    for r in rows:
        if r.as_leader != (r.pk in lead):
            r.as_leader = r.pk in lead
            r.save(update_fields=["as_leader"])


# --- hand edits --------------------------------------------------------------------------------------------------


def editable(user: Any, roster: Roster) -> Roster:
    """The draft to edit: the roster itself, or for a published one a new draft version (copy)."""
    check_planner(user, roster.unit, list(roster.sites.all()))
    if roster.status == RosterStatus.DRAFT:
        return roster
    if roster.status == RosterStatus.SUPERSEDED:
        raise ValidationError(_("This version has been replaced by a newer one: edit the newest version."))
    existing = Roster.objects.filter(previous=roster).first()
    if existing is not None:
        if existing.status == RosterStatus.DRAFT:
            return existing
        raise ValidationError(_("This version has been replaced by a newer one: edit the newest version."))
    return new_version(user, roster)


def new_version(user: Any, roster: Roster) -> Roster:
    copy = Roster.objects.create(
        unit=roster.unit,
        start_date=roster.start_date,
        end_date=roster.end_date,
        max_hours_per_week=roster.max_hours_per_week,
        min_rest_hours=roster.min_rest_hours,
        version=roster.version + 1,
        previous=roster,
        solver={**roster.solver, "copied_from": roster.pk},
        created_by=user,
    )
    copy.sites.set(roster.sites.all())
    copy.pool.set(roster.pool.all())
    for shift in roster.shifts.prefetch_related("assignments"):
        rows = list(shift.assignments.all())
        shift.pk, shift.roster = None, copy
        shift.save()
        ShiftAssignment.objects.bulk_create(
            ShiftAssignment(shift=shift, staff_id=r.staff_id, as_leader=r.as_leader) for r in rows
        )
    return copy


def _same_shift(draft: Roster, shift: Shift) -> Shift:
    if shift.roster_id == draft.pk:
        return shift
    return draft.shifts.get(site_id=shift.site_id, start=shift.start, name=shift.name)


def _schedule(draft: Roster, staff: StaffMember, plus: Shift | None = None, minus: Shift | None = None) -> list[Shift]:
    shifts = [
        s for s in Shift.objects.filter(roster=draft, assignments__staff=staff) if minus is None or s.pk != minus.pk
    ]
    return shifts + ([plus] if plus is not None else [])


def _refuse(problems: list[str]) -> None:
    if problems:
        raise ValidationError(problems)


def assign(
    user: Any, roster: Roster, shift: Shift, staff: StaffMember, *, replacing: StaffMember | None = None
) -> Roster:
    """Put `staff` on `shift` (in place of `replacing`, if given); refused with the rule it would break."""
    with acting_as(user), transaction.atomic():
        draft = editable(user, roster)
        shift = _same_shift(draft, shift)
        current = list(shift.assignments.values_list("staff_id", flat=True))
        if staff.pk in current:
            raise ValidationError(_("%(name)s is already on this shift.") % {"name": staff.full_name})
        if replacing is not None and replacing.pk not in current:
            raise ValidationError(_("%(name)s is not on this shift.") % {"name": replacing.full_name})
        if not StaffMember.objects.visible_to(user).filter(pk=staff.pk).exists():
            raise PermissionDenied(_("This person is outside your area."))
        after = [pk for pk in current if replacing is None or pk != replacing.pk] + [staff.pk]
        problems = schedule_problems(draft, staff, _schedule(draft, staff, plus=shift))
        if len(after) > shift.people:
            problems.append(
                _(
                    "The “%(shift)s” shift of %(day)s at %(site)s already has its %(needed)d people: replace or swap "
                    "someone instead."
                )
                % {"shift": shift.name, "day": fmt_day(shift.start), "site": shift.site.name, "needed": shift.people}
            )
        elif len(after) == shift.people:
            problems += leader_problems(shift, after)
        _refuse(problems)
        if replacing is not None:
            shift.assignments.filter(staff=replacing).delete()
        ShiftAssignment.objects.create(shift=shift, staff=staff)
        draft.pool.add(staff)
        refresh_leaders(shift)
    return draft


def remove(user: Any, roster: Roster, shift: Shift, staff: StaffMember) -> Roster:
    """Take a person off a shift: refused when the shift would lack people or leaders (replace or swap instead)."""
    with acting_as(user), transaction.atomic():
        draft = editable(user, roster)
        shift = _same_shift(draft, shift)
        current = list(shift.assignments.values_list("staff_id", flat=True))
        if staff.pk not in current:
            raise ValidationError(_("%(name)s is not on this shift.") % {"name": staff.full_name})
        _refuse(coverage_problems(shift, [pk for pk in current if pk != staff.pk]))
        shift.assignments.filter(staff=staff).delete()
        refresh_leaders(shift)
    return draft


def swap(user: Any, roster: Roster, first: ShiftAssignment, second: ShiftAssignment) -> Roster:
    """The two people change shifts; both schedules and both shifts are checked."""
    if first.pk == second.pk or first.staff_id == second.staff_id:
        raise ValidationError(_("Choose two different people to swap."))
    with acting_as(user), transaction.atomic():
        draft = editable(user, roster)
        a_shift, b_shift = _same_shift(draft, first.shift), _same_shift(draft, second.shift)
        if a_shift.pk == b_shift.pk:
            raise ValidationError(_("These two people are on the same shift."))
        a, b = first.staff, second.staff
        a_ids = list(a_shift.assignments.values_list("staff_id", flat=True))
        b_ids = list(b_shift.assignments.values_list("staff_id", flat=True))
        if b.pk in a_ids or a.pk in b_ids:
            raise ValidationError(_("One of them is already on the other shift."))
        problems = schedule_problems(draft, a, _schedule(draft, a, plus=b_shift, minus=a_shift))
        problems += schedule_problems(draft, b, _schedule(draft, b, plus=a_shift, minus=b_shift))
        problems += leader_problems(a_shift, [x for x in a_ids if x != a.pk] + [b.pk])
        problems += leader_problems(b_shift, [x for x in b_ids if x != b.pk] + [a.pk])
        _refuse(problems)
        a_shift.assignments.filter(staff=a).update(staff=b)
        b_shift.assignments.filter(staff=b).update(staff=a)
        refresh_leaders(a_shift)
        refresh_leaders(b_shift)
    return draft


# --- publishing --------------------------------------------------------------------------------------------------


def shift_label(s: Shift) -> str:
    return f"{s.site.name} · {s.name} {fmt_day(s.start)} {fmt_time(s.start)}–{fmt_time(s.end)}"


def person_shifts(roster: Roster) -> dict[int, set[tuple]]:
    out: dict[int, set[tuple]] = defaultdict(set)
    for sa in ShiftAssignment.objects.filter(shift__roster=roster).select_related("shift__site"):
        out[sa.staff_id].add((sa.shift.site_id, sa.shift.start, sa.shift.end, sa.shift.name, shift_label(sa.shift)))
    return out


def publish(user: Any, roster: Roster) -> Roster:
    """Lock a complete draft. Publishing a new version supersedes the old one and notifies exactly the people whose
    shifts changed (added, removed or moved), saying what changed."""
    check_planner(user, roster.unit, list(roster.sites.all()))
    with acting_as(user), transaction.atomic():
        roster = Roster.objects.select_for_update().get(pk=roster.pk)
        if roster.status != RosterStatus.DRAFT:
            raise ValidationError(
                _("Only a draft can be published; this version is %(status)s.")
                % {"status": roster.get_status_display()}
            )
        gaps = []
        for shift in roster.shifts.select_related("site"):
            gaps += coverage_problems(shift, list(shift.assignments.values_list("staff_id", flat=True)))
        if gaps:
            raise ValidationError(
                gaps[:10] + ([_("… and %(n)d more.") % {"n": len(gaps) - 10}] if len(gaps) > 10 else [])
            )
        now = timezone.now()
        roster.status, roster.published_at, roster.published_by = RosterStatus.PUBLISHED, now, user
        roster.save(update_fields=["status", "published_at", "published_by"])
        old = roster.previous
        if old is not None and old.status == RosterStatus.PUBLISHED:
            old.status = RosterStatus.SUPERSEDED
            old.save(update_fields=["status"])
            notify_changes(old, roster)
    return roster


def notify_changes(old: Roster, new: Roster) -> list[int]:
    before, after = person_shifts(old), person_shifts(new)
    changed = sorted(pk for pk in set(before) | set(after) if before.get(pk, set()) != after.get(pk, set()))
    with translation.override(settings.LANGUAGE_CODE):
        for staff in StaffMember.objects.filter(pk__in=changed):
            added = sorted(after.get(staff.pk, set()) - before.get(staff.pk, set()), key=lambda t: t[1])
            removed = sorted(before.get(staff.pk, set()) - after.get(staff.pk, set()), key=lambda t: t[1])
            lines = [
                _("Your duty shifts on the roster of %(unit)s changed (version %(version)d):")
                % {"unit": new.unit.name, "version": new.version}
            ]
            lines += [_("Added: %(shift)s") % {"shift": t[4]} for t in added]
            lines += [_("Removed: %(shift)s") % {"shift": t[4]} for t in removed]
            notifications.queue(
                staff,
                _("Duty roster changed: %(unit)s") % {"unit": new.unit.name},
                "\n".join(lines),
                key=f"roster:{new.pk}:staff:{staff.pk}",
            )
    return changed


def per_person(roster: Roster) -> list[dict[str, Any]]:
    """Per person on the roster: shifts, hours, nights, weekend shifts (the fairness figures)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    rows: dict[int, dict[str, Any]] = {}
    for sa in ShiftAssignment.objects.filter(shift__roster=roster).select_related("staff", "shift"):
        s = solver.ShiftIn(0, sa.shift.start, sa.shift.end, 0)
        row = rows.setdefault(sa.staff_id, {"staff": sa.staff, "shifts": 0, "hours": 0.0, "nights": 0, "weekends": 0})
        row["shifts"] += 1
        row["hours"] += (sa.shift.end - sa.shift.start).total_seconds() / 3600
        row["nights"] += solver.is_night(s, zone)
        row["weekends"] += solver.is_weekend(s, zone)
    return sorted(rows.values(), key=lambda r: r["staff"].search_name)


def visible_rosters(user: Any):
    return Roster.objects.visible_to(user).filter(Q(status__in=RosterStatus.values))

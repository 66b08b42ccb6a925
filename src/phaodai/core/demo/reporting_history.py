"""Two weeks of daily-reporting history in the demo city (issue #5, item 10).

The mobilisation story (scenario.py) sends its delegations out from this week's Monday, so on most days they have
only a few days behind them. Rather than move that story, the history adds what came before it: an **earlier round**
of the same request ("… (đợt 1)"), finished the day before the current round began — its own request, decision
98/QĐ-UBND, released assignments, one delegation per ward with the same teams as today's, staffed by other civil
servants (nobody mobilised now). Both rounds then get their reports:

- every expected team-day (deadlines.team_days) up to yesterday: about 85 % on time (15:30-17:00 local), 10 % late
  (17:01-19:30), 5 % missing, each team with its own habits; now and then a correction (a second version);
- every active day of a work delegation: the head's consolidation by 18:00 on most days, some late, a few missing,
  made from the team reports that had come in by then (events are played in time order);
- today: most teams have reported, at least one has not, so "not reported yet" has names at 17:05;
- eight difficulties across categories, severities and statuses (reporting_texts.DIFFICULTIES): some open and
  overdue, one referred up to the city, two resolved with an answer the reporter reads (one of them the demo team
  leader's, totruong, from their own report).

The current round's reports and all the difficulties go through the services (team_reports, delegation_reports,
difficulties) with `now` set to the instant, so lateness, versions and due times are computed exactly as for a real
user. The finished earlier round's reports, hundreds of them, are written in bulk by report_rows with the services'
own rules (the services take 20-50 ms a report, too slow for the demo build). Leaders and heads who have no login
get a demo-only one ("demo." + citizen ID) with an unusable password: the services check the leader's own login.
Everything is deterministic (seeded by names and days, not by row ids) and idempotent: a report, version or
difficulty that exists is never made again, so a second run on the same day adds nothing, and a run on a later day
adds the days in between.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from time import monotonic
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from phaodai.accounts.models import User
from phaodai.accounts.roles import Role
from phaodai.core.audit import creation_entries, m2m_added
from phaodai.core.demo.report_rows import ReportRows
from phaodai.core.demo.reporting_texts import (
    DELEGATION_ASSESSMENTS,
    DELEGATION_PROPOSALS,
    DIFFICULTIES,
    FIGURES,
    RESULTS,
    TEAM_DIFFICULTIES,
    TEAM_PROPOSALS,
)
from phaodai.core.demo.scenario import DECISIONS, FIRST_WARD_CODE
from phaodai.mobilisation.models import (
    Assignment,
    AssignmentState,
    DecisionStatus,
    Delegation,
    DelegationKind,
    MobilisationDecision,
    RequestStatus,
    RequestTarget,
    StaffingRequest,
    Team,
    TeamMembership,
)
from phaodai.places.models import AdminUnit
from phaodai.reporting import deadlines, difficulties
from phaodai.reporting.delegation_reports import submit_delegation_report
from phaodai.reporting.models import (
    DelegationReport,
    Difficulty,
    FieldKind,
    ReportFormVersion,
    TeamReport,
    TeamReportVersion,
)
from phaodai.reporting.team_reports import form_for, submit_team_report
from phaodai.staff.models import StaffMember, StaffStatus

HISTORY_DAYS = 14
SEED = 2021
ROUND_SUFFIX = " (đợt 1)"
EARLIER_DECISION_NUMBER = "98/QĐ-UBND"
AUDIT_SOURCE = {"source": "demo"}
#: Every report version the history stores carries an idempotency key with this prefix: how a run recognises its own.
KEY_PREFIX = "demo-history"
#: Demo-only logins of leaders and heads who had none: "demo." + citizen ID, unusable password.
USERNAME_PREFIX = "demo."

# Habits: each team misses and is late with its own probability, around 5 % and 10 % overall.
MISSING_RANGE = (0.01, 0.09)
LATE_RANGE = (0.04, 0.16)
CORRECTION_SHARE = 0.06
# Delegation heads: most days by 18:00, some late, a few missing.
HEAD_MISSING_SHARE, HEAD_LATE_SHARE = 0.06, 0.14
# Today: this share of the teams has reported by the deadline; the others come late or not at all.
TODAY_ON_TIME = 0.65

TEAM_ON_TIME = (time(15, 30), time(16, 59, 59))
TEAM_EARLY = (time(11, 0), time(15, 29, 59))  # a few teams send today's report before the afternoon
TEAM_LATE = (time(17, 1), time(19, 30))
HEAD_ON_TIME = (time(17, 20), time(17, 59, 59))
HEAD_LATE = (time(18, 5), time(20, 30))


@dataclass
class HistoryResult:
    earlier_round: bool = False  # this run built the earlier round
    earlier_people: int = 0
    users_created: int = 0
    team_reports: int = 0
    late_team_reports: int = 0
    corrections: int = 0
    delegation_reports: int = 0
    difficulties: int = 0
    log_entries: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def created_anything(self) -> bool:
        return any(
            (
                self.earlier_round,
                self.users_created,
                self.team_reports,
                self.corrections,
                self.delegation_reports,
                self.difficulties,
            )
        )

    def summary(self) -> str:
        return _(
            "Reporting history: %(team)d team reports (%(late)d late) and %(corrections)d corrections, "
            "%(delegation)d delegation reports, %(difficulties)d difficulties, %(users)d demo logins for leaders, "
            "in %(seconds).1f s."
        ) % {
            "team": self.team_reports,
            "late": self.late_team_reports,
            "corrections": self.corrections,
            "delegation": self.delegation_reports,
            "difficulties": self.difficulties,
            "users": self.users_created,
            "seconds": self.seconds,
        }


def _rng(seed: int, *parts: Any) -> random.Random:
    """A generator seeded by names and days, never row ids: the same city gives the same history."""
    return random.Random(":".join([str(seed), *map(str, parts)]))


def _at(delegation: Delegation, day: date, clock: time) -> datetime:
    return deadlines.at_local(deadlines.schedule_for(delegation), day, clock)


def _between(rng: random.Random, delegation: Delegation, day: date, span: tuple[time, time]) -> datetime:
    start, end = _at(delegation, day, span[0]), _at(delegation, day, span[1])
    return start + timedelta(seconds=rng.randint(0, int((end - start).total_seconds())))


def _rank(staff: StaffMember) -> tuple:
    """Who leads: heads of units, then deputies, then senior specialists (as the scenario ranks them)."""
    position = staff.position or ""
    order = 0 if position.startswith("Trưởng") else 1 if position.startswith("Phó") else 2 if "chính" in position else 3
    return (order, staff.search_name, staff.pk)


# ---------------------------------------------------------------------------------------------- the earlier round


def _work_delegations(province: AdminUnit) -> QuerySet[Delegation]:
    return Delegation.objects.filter(kind=DelegationKind.WORK, target_unit__path__startswith=province.path)


def _earlier_request(current_request: StaffingRequest) -> StaffingRequest | None:
    return StaffingRequest.objects.filter(
        title=current_request.title + ROUND_SUFFIX, origin_unit=current_request.origin_unit
    ).first()


@dataclass
class _WardPlan:
    current: Delegation
    deputies: int
    teams: list[tuple[str, str, int]]  # (name, task, size) of each of the current delegation's teams

    @property
    def people(self) -> int:
        return 1 + self.deputies + sum(size for _name, _task, size in self.teams)


def _ward_plans(current: list[Delegation]) -> list[_WardPlan]:
    """The earlier round is organised like today's: same teams, same sizes, in every ward."""
    plans = []
    for delegation in current:
        teams = []
        for team in delegation.teams.order_by("name"):
            size = team.memberships.values("staff").distinct().count()
            teams.append((team.name, team.task, max(size, 1)))
        if teams:
            plans.append(_WardPlan(delegation, delegation.deputies.count(), teams))
    return plans


def _candidates(province: AdminUnit, needed: int, seed: int) -> list[StaffMember]:
    """Civil servants of the city who are available, were never mobilised and have no login: the earlier round's."""
    pks = list(
        StaffMember.objects.filter(status=StaffStatus.AVAILABLE, agency__unit__path__startswith=province.path)
        .exclude(pk__in=Assignment.objects.values("staff_id"))
        .exclude(pk__in=User.objects.filter(staff_member__isnull=False).values("staff_member_id"))
        .exclude(pk__in=Delegation.objects.values("head_id"))
        .order_by("citizen_id")
        .values_list("pk", flat=True)
    )
    if len(pks) < needed:
        return []
    chosen = _rng(seed, "earlier-round").sample(pks, needed)
    people = StaffMember.objects.select_related("agency").in_bulk(chosen)
    return [people[pk] for pk in chosen]


def _log(rows: list, result: HistoryResult, extra: Callable | None = None, entries: list | None = None) -> None:
    batch = creation_entries(rows, additional_data=AUDIT_SOURCE, extra_changes=extra)
    if entries is not None:
        entries.extend(batch)
    result.log_entries += len(batch)


def _build_earlier_round(
    province: AdminUnit, current: list[Delegation], days: int, seed: int, result: HistoryResult
) -> None:
    """Request, decision, released assignments, delegations, teams and memberships of the round before this one,
    bulk-created as rows with the audit entries auditlog would have written (as the builder does)."""
    from auditlog.models import LogEntry

    first_current = min(current, key=lambda d: (d.start_date, d.pk))
    request_now = first_current.decision.requests.order_by("pk").first() if first_current.decision else None
    if request_now is None:
        result.notes.append(_("The current delegations have no request: no earlier round was built."))
        return
    plans = _ward_plans(current)
    people = _candidates(province, sum(p.people for p in plans), seed)
    if not plans or not people:
        result.notes.append(_("Not enough civil servants left for an earlier round: only the current one reports."))
        return
    end = min(d.start_date for d in current) - timedelta(days=1)
    start = end - timedelta(days=days - 1)
    decided = _at(first_current, start - timedelta(days=3), time(15, 0))
    entries: list = []

    request = StaffingRequest(
        title=request_now.title + ROUND_SUFFIX,
        task=request_now.task,
        task_detail=request_now.task_detail,
        origin_unit=request_now.origin_unit,
        requested_by=request_now.requested_by,
        start_date=start,
        end_date=end,
        shift_pattern=request_now.shift_pattern,
        status=RequestStatus.APPROVED,
        submitted_at=_at(first_current, start - timedelta(days=5), time(9, 30)),
        decided_by=request_now.decided_by,
        decided_at=decided,
    )
    StaffingRequest.objects.bulk_create([request])
    created = decided - timedelta(days=2)
    StaffingRequest.objects.filter(pk=request.pk).update(created_at=created)
    request.created_at = created
    skills = list(request_now.preferred_skills.all())
    Skills = StaffingRequest.preferred_skills.through
    Skills.objects.bulk_create([Skills(staffingrequest_id=request.pk, skill_id=s.pk) for s in skills])
    _log(
        [request],
        result,
        extra=lambda r: {"preferred_skills": m2m_added(map(str, skills))} if skills else {},
        entries=entries,
    )

    number, signer, title = DECISIONS["home_affairs"]
    decision = MobilisationDecision(
        issuing_unit=province,
        number=EARLIER_DECISION_NUMBER,
        status=DecisionStatus.APPROVED,
        created_by=request_now.decided_by or request_now.requested_by,
        approved_by=request_now.decided_by or request_now.requested_by,
        approved_at=decided + timedelta(hours=2),
        signer_name=signer,
        signer_title=title,
    )
    MobilisationDecision.objects.bulk_create([decision])
    MobilisationDecision.objects.filter(pk=decision.pk).update(created_at=decided)
    decision.created_at = decided
    decision.requests.through.objects.create(mobilisationdecision_id=decision.pk, staffingrequest_id=request.pk)
    _log([decision], result, entries=entries)

    remaining = iter(people)
    targets, assignments, delegations, teams, memberships = [], [], [], [], []
    staffing: list[tuple[_WardPlan, list[StaffMember]]] = []
    for plan in plans:
        ward_people = sorted((next(remaining) for _i in range(plan.people)), key=_rank)
        staffing.append((plan, ward_people))
        targets.append(
            RequestTarget(
                request=request,
                commune=plan.current.target_unit,
                people_requested=plan.people,
                people_approved=plan.people,
            )
        )
    RequestTarget.objects.bulk_create(targets)
    _log(targets, result, entries=entries)
    for target, (_plan, ward_people) in zip(targets, staffing, strict=True):
        for person in ward_people:
            assignments.append(
                Assignment(
                    decision=decision,
                    target=target,
                    staff=person,
                    agency=person.agency,
                    start_date=start,
                    end_date=end,
                    state=AssignmentState.RELEASED,  # the round is over: they went home
                )
            )
    Assignment.objects.bulk_create(assignments)
    Assignment.objects.filter(pk__in=[a.pk for a in assignments]).update(created_at=decided)
    for a in assignments:
        a.created_at = decided
    _log(assignments, result, entries=entries)
    assignment_of = {a.staff_id: a for a in assignments}

    deputies_of: dict[int, list[StaffMember]] = {}
    chunks: list[list[list[StaffMember]]] = []
    for plan, ward_people in staffing:
        head, deputies = ward_people[0], ward_people[1 : 1 + plan.deputies]
        others = ward_people[1 + plan.deputies :]
        _rng(seed, "teams", plan.current.target_unit.code).shuffle(others)
        sizes, ward_chunks, at = [size for _n, _t, size in plan.teams], [], 0
        for size in sizes:
            ward_chunks.append(sorted(others[at : at + size], key=_rank))
            at += size
        chunks.append(ward_chunks)
        current = plan.current
        delegation = Delegation(
            name=current.name + ROUND_SUFFIX,
            kind=DelegationKind.WORK,
            decision=decision,
            target_unit=current.target_unit,
            head=head,
            coordination_team=current.coordination_team,
            start_date=start,
            end_date=end,
            headquarters_address=current.headquarters_address,
            hotline=current.hotline,
        )
        delegations.append(delegation)
        deputies_of[id(delegation)] = deputies
    Delegation.objects.bulk_create(delegations)
    Through = Delegation.deputies.through
    Through.objects.bulk_create(
        [Through(delegation_id=d.pk, staffmember_id=s.pk) for d in delegations for s in deputies_of[id(d)]]
    )
    _log(
        delegations,
        result,
        extra=lambda d: {"deputies": m2m_added(str(s) for s in deputies_of[id(d)])} if deputies_of[id(d)] else {},
        entries=entries,
    )
    for delegation, (plan, _people), ward_chunks in zip(delegations, staffing, chunks, strict=True):
        for (name, task, _size), chunk in zip(plan.teams, ward_chunks, strict=True):
            team = Team(delegation=delegation, name=name, task=task, leader=chunk[0])
            teams.append(team)
            memberships += [
                TeamMembership(team=team, staff=p, assignment=assignment_of[p.pk], joined_on=start, left_on=end)
                for p in chunk
            ]
    Team.objects.bulk_create(teams)
    _log(teams, result, entries=entries)
    for m in memberships:
        m.team_id = m.team.pk
    TeamMembership.objects.bulk_create(memberships)
    _log(memberships, result, entries=entries)
    LogEntry.objects.bulk_create(entries)
    result.earlier_round = True
    result.earlier_people = len(assignments)


# ---------------------------------------------------------------------------------------------- logins


def _reporting_users(delegations: list[Delegation], teams: list[Team], result: HistoryResult) -> dict[int, User]:
    """{staff pk: login} for every team leader and delegation head; a demo-only login for those without one.
    A person whose own login may not report (another role) is left out: their team's days stay missing."""
    heads = {d.head_id: d for d in delegations}
    leaders = {t.leader_id: t.delegation for t in teams}
    wanted = {**leaders, **heads}
    users = {u.staff_member_id: u for u in User.objects.filter(staff_member__in=list(wanted))}
    new = []
    staff = StaffMember.objects.in_bulk(list(set(wanted) - set(users)))
    for pk, person in sorted(staff.items()):
        role = Role.DELEGATION_HEAD if pk in heads else Role.TEAM_LEADER
        user = User(
            username=f"{USERNAME_PREFIX}{person.citizen_id}",
            first_name=person.full_name[:150],
            role=role,
            scope_unit_id=wanted[pk].target_unit_id,
            staff_member=person,
            phone=person.phone,
            password=make_password(None),  # no one logs in with it: the demo logins are the doors in
        )
        new.append(user)
    if new:
        from auditlog.models import LogEntry

        User.objects.bulk_create(new)
        entries: list = []
        _log(new, result, entries=entries)
        LogEntry.objects.bulk_create(entries)
        result.users_created += len(new)
        users.update({u.staff_member_id: u for u in new})
    return users


# ---------------------------------------------------------------------------------------------- report contents


def _figure(key: str, team_rng: random.Random, day_rng: random.Random) -> int:
    low, high = FIGURES.get(key, (0, 30))
    # The team's usual level (drawn once per team) with a day's variation around it.
    usual = team_rng.uniform(low + (high - low) * 0.25, high - (high - low) * 0.25)
    return max(low, min(high, round(day_rng.gauss(usual, (high - low) / 8))))


def _values(version: ReportFormVersion, task: str, on_duty: int, seed: int, team_key: str, day: date) -> dict:
    day_rng = _rng(seed, "values", team_key, day)
    values: dict[str, Any] = {}
    for f in version.fields:
        key, kind = f["key"], f.get("kind")
        if kind == FieldKind.NUMBER:
            if key == "people_on_duty":
                values[key] = max(1, on_duty - (1 if day_rng.random() < 0.2 else 0))
            else:
                values[key] = _figure(key, _rng(seed, "team", team_key, key), day_rng)
        elif kind == FieldKind.CHOICE:
            choices = [c["value"] for c in f.get("choices") or []]
            if choices:
                roll = day_rng.random()
                values[key] = choices[0] if roll < 0.8 or len(choices) == 1 else choices[1 if roll < 0.97 else -1]
        elif kind == FieldKind.TEXT:
            if key == "results":
                values[key] = day_rng.choice(RESULTS.get(task) or RESULTS[""])
            elif key == "difficulties" and day_rng.random() < 0.2:
                values[key] = day_rng.choice(TEAM_DIFFICULTIES)
            elif key == "proposals" and day_rng.random() < 0.12:
                values[key] = day_rng.choice(TEAM_PROPOSALS)
            elif f.get("required"):
                values[key] = "Không có."
    # People sampled come from the households visited: keep the pair believable.
    if "people_sampled" in values and "households_visited" in values:
        values["people_sampled"] = max(values["people_sampled"], values["households_visited"] * 2)
    if "vaccinations_supported" in values and "people_screened" in values:
        values["vaccinations_supported"] = min(values["vaccinations_supported"], values["people_screened"])
    return values


def _corrected(values: dict, rng: random.Random) -> dict:
    """A leader's correction: one figure re-counted."""
    numbers = [k for k, v in values.items() if isinstance(v, int) and k != "people_on_duty"]
    corrected = dict(values)
    if numbers:
        key = rng.choice(numbers)
        low, high = FIGURES.get(key, (0, 30))
        changed = corrected[key] + rng.choice([-5, -3, -2, 2, 3, 4, 6, 10])
        if not low <= changed <= high:
            changed = corrected[key] - (changed - corrected[key])  # counted the other way
        corrected[key] = max(0, changed)
    return corrected


# ---------------------------------------------------------------------------------------------- planning


@dataclass(order=True)
class _Event:
    """One submission at its instant; team reports sort before the head's at the same instant."""

    at: datetime
    order: int
    key: str
    user: User = field(compare=False)
    delegation: Delegation = field(compare=False)
    day: date = field(compare=False)
    team: Team | None = field(compare=False, default=None)
    values: dict | None = field(compare=False, default=None)
    due: list[Team] = field(compare=False, default_factory=list)


def _team_plan(seed: int, team: Team, day: date, today: date, today_rank: dict[int, int], on_time_today: int):
    """(first submission, correction or None) for a team-day, or None when the report is never sent."""
    delegation = team.delegation
    habits = _rng(seed, "habits", delegation.name, team.name)
    p_missing, p_late = habits.uniform(*MISSING_RANGE), habits.uniform(*LATE_RANGE)
    rng = _rng(seed, "plan", delegation.name, team.name, day)
    roll = rng.random()
    if day == today:
        # Today: the first teams (in a seeded order) report by the deadline, the others late or not at all.
        if today_rank[team.pk] < on_time_today:
            span = TEAM_EARLY if roll < 0.3 else TEAM_ON_TIME
        elif roll < 0.6:
            span = TEAM_LATE
        else:
            return None
    elif roll < p_missing:
        return None
    elif roll < p_missing + p_late:
        span = TEAM_LATE
    else:
        span = TEAM_ON_TIME
    first = _between(rng, delegation, day, span)
    correction = None
    if rng.random() < CORRECTION_SHARE:
        correction = first + timedelta(minutes=rng.randint(20, 150))
    return first, correction


def _head_plan(seed: int, delegation: Delegation, day: date) -> datetime | None:
    rng = _rng(seed, "head", delegation.name, day)
    roll = rng.random()
    if roll < HEAD_MISSING_SHARE:
        return None
    late = roll < HEAD_MISSING_SHARE + HEAD_LATE_SHARE
    return _between(rng, delegation, day, HEAD_LATE if late else HEAD_ON_TIME)


def _key(kind: str, obj_pk: int, day: date, number: int) -> str:
    return f"{KEY_PREFIX}:{kind}{obj_pk}:{day:%Y%m%d}:{number}"


def _on_duty(memberships: list[tuple[date, date | None]], day: date) -> int:
    return sum(1 for joined, left in memberships if joined <= day and (left is None or left >= day))


def _plan_events(
    delegations: list[Delegation],
    teams: list[Team],
    users: dict[int, User],
    first: date,
    now: datetime,
    seed: int,
) -> tuple[list[_Event], dict[tuple[int, date], datetime], dict[int, ReportFormVersion]]:
    """Every submission planned up to `now` that is not stored yet, and when each team-day was first reported."""
    last = max(deadlines.local_day(d, now) for d in delegations)
    expected = deadlines.team_days(teams, first, last)
    spans: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for team_id, joined, left in TeamMembership.objects.filter(team__in=teams).values_list(
        "team_id", "joined_on", "left_on"
    ):
        spans[team_id].append((joined, left))
    slots = dict(
        ((team_id, day), submitted)
        for team_id, day, submitted in TeamReport.objects.filter(team__in=teams, day__gte=first).values_list(
            "team_id", "day", "first_submitted_at"
        )
    )
    head_slots = set(
        DelegationReport.objects.filter(delegation__in=delegations, day__gte=first).values_list("delegation_id", "day")
    )
    ours = set(
        TeamReportVersion.objects.filter(report__team__in=teams, idempotency_key__startswith=KEY_PREFIX).values_list(
            "idempotency_key", flat=True
        )
    )
    forms = {team.pk: form_for(team) for team in teams}
    # Today's order: a seeded shuffle of the teams expected today (by names, not ids).
    today_teams = [t for t in teams if deadlines.local_day(t.delegation, now) in expected[t.pk]]
    today_teams.sort(key=lambda t: _rng(seed, "today", t.delegation.name, t.name).random())
    today_rank = {t.pk: i for i, t in enumerate(today_teams)}
    n_today = len(today_teams)
    on_time_today = min(math.ceil(TODAY_ON_TIME * n_today), n_today - 1) if n_today > 1 else n_today
    reported_at: dict[tuple[int, date], datetime] = dict(slots)

    events: list[_Event] = []
    for team in teams:
        delegation, user = team.delegation, users.get(team.leader_id)
        if user is None or not user.has_role_perm("reporting.submit"):
            continue
        today = deadlines.local_day(delegation, now)
        team_key = f"{delegation.name}/{team.name}"
        for day in sorted(expected[team.pk]):
            plan = _team_plan(seed, team, day, today, today_rank, on_time_today)
            if plan is None:
                continue
            at, correction = plan
            values = _values(forms[team.pk], team.task, _on_duty(spans[team.pk], day), seed, team_key, day)
            first_key, second_key = _key("t", team.pk, day, 1), _key("t", team.pk, day, 2)
            if (team.pk, day) not in slots and at <= now:
                reported_at[(team.pk, day)] = at
                events.append(_Event(at, 0, first_key, user, delegation, day, team, values))
                ours.add(first_key)
            if correction and correction <= now and first_key in ours and second_key not in ours:
                fixed = _corrected(values, _rng(seed, "correction", team_key, day))
                events.append(_Event(correction, 0, second_key, user, delegation, day, team, fixed))
    for delegation in delegations:
        user = users.get(delegation.head_id)
        if user is None or not user.has_role_perm("reporting.consolidate"):
            continue
        delegation_teams = [t for t in teams if t.delegation_id == delegation.pk]
        for day in sorted({day for t in delegation_teams for day in expected[t.pk]}):
            at = _head_plan(seed, delegation, day)
            if at is None or at > now or (delegation.pk, day) in head_slots:
                continue
            due = [t for t in delegation_teams if day in expected[t.pk]]
            events.append(_Event(at, 1, _key("d", delegation.pk, day, 1), user, delegation, day, due=due))
    return sorted(events), reported_at, forms


def _narrative(seed: int, event: _Event, reported_at: dict[tuple[int, date], datetime]) -> tuple[str, str]:
    rng = _rng(seed, "narrative", event.delegation.name, event.day)
    due = len(event.due)
    received = sum(1 for t in event.due if reported_at.get((t.pk, event.day), event.at + timedelta(1)) <= event.at)
    narrative = f"Đoàn có {due} tổ công tác làm việc trong ngày; {received}/{due} tổ đã báo cáo. "
    narrative += rng.choice(DELEGATION_ASSESSMENTS)
    proposals = rng.choice(DELEGATION_PROPOSALS) if rng.random() < 0.3 else ""
    return narrative, proposals


def _play_reports(
    delegations: list[Delegation],
    teams: list[Team],
    users: dict[int, User],
    first: date,
    round_start: date,
    now: datetime,
    seed: int,
    result: HistoryResult,
) -> None:
    """Every planned submission up to `now`, in time order: the current round's through the services, the
    finished earlier round's as the rows the services would write (report_rows, far faster)."""
    events, reported_at, forms = _plan_events(delegations, teams, users, first, now, seed)
    rows = ReportRows()
    for event in events:
        bulk = event.day < round_start
        if not bulk:
            rows.flush()  # the earlier round's events all come first: write them before the services run
        if event.team is not None:
            if bulk:
                version = rows.team(
                    event.user, event.team, event.day, forms[event.team.pk], event.values, key=event.key, now=event.at
                )
            else:
                version = submit_team_report(
                    event.user, event.team, event.day, event.values, idempotency_key=event.key, now=event.at
                )
            if getattr(version, "is_replay", False):
                continue
            if version.number == 1:
                result.team_reports += 1
                result.late_team_reports += version.report.minutes_late > 0
            else:
                result.corrections += 1
        else:
            narrative, proposals = _narrative(seed, event, reported_at)
            if bulk:
                version = rows.delegation(
                    event.user,
                    event.delegation,
                    event.day,
                    event.due,
                    narrative,
                    proposals,
                    key=event.key,
                    now=event.at,
                )
            else:
                version = submit_delegation_report(
                    event.user,
                    event.delegation,
                    event.day,
                    narrative,
                    proposals,
                    idempotency_key=event.key,
                    now=event.at,
                )
            if not getattr(version, "is_replay", False):
                result.delegation_reports += 1
    rows.flush()
    result.log_entries += rows.log_entries


# ---------------------------------------------------------------------------------------------- difficulties


def _acting_user(d: Difficulty, logins: list[User]) -> User | None:
    """A login of the unit the difficulty is with (or, failing that, of a level above that may act on it)."""
    own = [u for u in logins if u.scope_unit_id == d.acting_unit_id and difficulties.may_act(u, d)]
    others = [u for u in logins if difficulties.may_act(u, d)]
    return (own or others or [None])[0]


def _raise_difficulties(
    province: AdminUnit,
    wards: list[AdminUnit],
    rounds: dict[int, list[Delegation]],
    round_start: date,
    users: dict[int, User],
    now: datetime,
    result: HistoryResult,
) -> None:
    existing = set(
        Difficulty.objects.filter(unit__path__startswith=province.path).values_list("title", flat=True).distinct()
    )
    logins = list(
        User.objects.filter(is_active=True, role__in=[Role.COMMUNE, Role.DISTRICT, Role.HEALTH, Role.STEERING])
        .select_related("scope_unit")
        .order_by("username")
    )
    for spec in DIFFICULTIES:
        if spec.title in existing or not wards:
            continue
        ward = wards[spec.ward % len(wards)]
        if not rounds.get(ward.pk):
            continue
        anchor = rounds[ward.pk][0]
        today = deadlines.local_day(anchor, now)
        day = today - timedelta(days=spec.days_ago)
        if spec.current_round and round_start <= today:
            day = max(day, round_start)
        last_step = max((after for after, _a, _n in spec.steps), default=timedelta(0))
        latest = now - last_step - timedelta(minutes=10)  # every step done by now
        if _at(anchor, day, spec.clock) > latest and not (spec.current_round and day <= round_start):
            day -= timedelta(days=1)  # too early in the day yet: the day before, at that time
        raised = min(_at(anchor, day, spec.clock), latest)
        on = deadlines.local_day(anchor, raised)
        delegation = next((d for d in rounds[ward.pk] if deadlines.is_active(d, on)), None)
        if delegation is None:
            continue
        team = delegation.teams.order_by("name").first()
        raiser = users.get(delegation.head_id if spec.by == "head" or team is None else team.leader_id)
        if raiser is None:
            continue
        report = None
        if spec.by == "leader" and team is not None:
            # Raised from the day's report, just after sending it, when there is one and there is time.
            report = TeamReport.objects.filter(team=team, day=on).first()
            if report is not None and report.first_submitted_at + timedelta(minutes=4) <= latest:
                raised = report.first_submitted_at + timedelta(minutes=4)
            else:
                report = None
        d = difficulties.raise_difficulty(
            raiser,
            category=spec.category,
            severity=spec.severity,
            title=spec.title,
            description=spec.description,
            delegation=None if report else delegation,
            team_report=report,
            now=raised,
        )
        for after, action, note in spec.steps:
            actor = _acting_user(d, logins)
            if actor is None:
                break
            d = difficulties.perform(actor, d, action, note, now=raised + after)
        result.difficulties += 1


# ---------------------------------------------------------------------------------------------- the whole history


def _demo_wards(delegations: list[Delegation]) -> list[AdminUnit]:
    wards = {d.target_unit_id: d.target_unit for d in delegations}
    return sorted(wards.values(), key=lambda w: (w.code != FIRST_WARD_CODE, w.code))


def build_reporting_history(
    province: AdminUnit,
    *,
    today: date | None = None,
    now: datetime | None = None,
    days: int = HISTORY_DAYS,
    seed: int = SEED,
) -> HistoryResult:
    """Build (or complete) the reporting history as it stands at `now` (default: the current instant; with only
    `today`, the current time of day on that day). One transaction: a service that refuses a step raises its
    ValidationError or PermissionDenied and nothing of this run is kept."""
    started = monotonic()
    result = HistoryResult()
    now = now or timezone.now()
    local = timezone.localtime(now)
    if today is not None and local.date() != today:
        now = datetime.combine(today, local.time().replace(tzinfo=None), tzinfo=local.tzinfo)
    with transaction.atomic():
        all_work = list(_work_delegations(province).select_related("decision", "target_unit", "coordination_team"))
        earlier_decisions = set(
            MobilisationDecision.objects.filter(
                number=EARLIER_DECISION_NUMBER, requests__title__endswith=ROUND_SUFFIX
            ).values_list("pk", flat=True)
        )
        current = [
            d
            for d in all_work
            if d.decision_id not in earlier_decisions and d.start_date <= deadlines.local_day(d, now)
        ]
        if not current:
            result.notes.append(_("No delegation has started yet: there is no reporting history to build."))
            return result
        round_start = min(d.start_date for d in current)
        request_now = next((d.decision.requests.order_by("pk").first() for d in current if d.decision), None)
        if request_now is not None and _earlier_request(request_now) is None:
            _build_earlier_round(province, current, days, seed, result)
        first = round_start - timedelta(days=days)
        work = list(
            _work_delegations(province)
            .filter(start_date__lte=timezone.localtime(now).date(), end_date__gte=first)
            .select_related("target_unit")
            .order_by("start_date", "name")
        )
        teams = list(Team.objects.filter(delegation__in=work).select_related("delegation__target_unit").order_by("pk"))
        for team in teams:  # one delegation object each, so its cached schedule is shared
            team.delegation = next(d for d in work if d.pk == team.delegation_id)
        users = _reporting_users(work, teams, result)
        _play_reports(work, teams, users, first, round_start, now, seed, result)
        rounds: dict[int, list[Delegation]] = defaultdict(list)
        for d in work:
            rounds[d.target_unit_id].append(d)
        _raise_difficulties(province, _demo_wards(current), rounds, round_start, users, now, result)
    result.seconds = monotonic() - started
    return result

"""The duty roster as a CP-SAT model: plain input dataclasses in, a `Result` out; no database here.

Variables: one boolean x[p, s] per person p and shift s the person is free for (a person blocked by leave,
sickness, mobilisation or stated unavailability during a shift, or not serving that site, has no variable for it).

Hard rules:
- coverage: exactly `people` persons on each shift, of whom at least `leaders` leader-level;
- one shift at a time and at least `min_rest_hours` between two shifts of one person: for every shift start t,
  at most one of the shifts whose [start, end + rest) contains t (any two such shifts clash, and every clashing
  pair shares such a point, so these AtMostOne constraints forbid exactly the clashing pairs);
- at most `max_hours_per_week` hours in every ISO week (a shift counts in the week it starts).

Fairness (the objective, minimised), among the people who are free for at least one shift:
    NIGHT_WEIGHT × (max − min nights) + WEEKEND_WEIGHT × (max − min weekend shifts) + HOURS_WEIGHT × (max − min hours)
A night is a shift overlapping 00:00–05:00 local time, a weekend shift one starting on Saturday or Sunday. One
night more for one person weighs as much as 10 hours more, so the solver evens out nights and weekends first and
then hours.

With `soft_coverage`, coverage becomes ≤ with slack variables and the objective minimises the places left empty
(the diagnosis of an infeasible roster: which shifts cannot be filled).

Deterministic: inputs sorted by key, fixed random seed; with `num_workers=1` the same input gives the same result.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

from ortools.sat.python import cp_model

NIGHT_WEIGHT = 10
WEEKEND_WEIGHT = 10
HOURS_WEIGHT = 1
NIGHT_START, NIGHT_END = dtime(0, 0), dtime(5, 0)


@dataclass(frozen=True)
class ShiftIn:
    key: int
    start: datetime  # aware
    end: datetime
    people: int
    leaders: int = 0
    site: int = 0


@dataclass(frozen=True)
class PersonIn:
    key: int
    leader: bool = False
    # Periods (aware start, end) the person cannot be on duty.
    blocked: tuple[tuple[datetime, datetime], ...] = ()
    # The sites the person may be on duty at (None: any site of the roster).
    sites: frozenset[int] | None = None


@dataclass
class Problem:
    shifts: list[ShiftIn]
    people: list[PersonIn]
    max_hours_per_week: int = 48
    min_rest_hours: int = 12
    time_limit: float = 20.0
    num_workers: int = 1
    seed: int = 0
    tz: str = "Asia/Ho_Chi_Minh"
    soft_coverage: bool = False


@dataclass
class Result:
    status: str  # optimal / feasible / infeasible / unknown / model_invalid
    assignments: dict[int, list[tuple[int, bool]]] = field(default_factory=dict)  # shift → [(person, as_leader)]
    objective: float | None = None
    best_bound: float | None = None
    gap: float | None = None
    wall_time: float = 0.0
    first_solution_time: float | None = None  # seconds until the first roster was found
    # soft_coverage only: shift → (people missing, leaders missing)
    unfilled: dict[int, tuple[int, int]] = field(default_factory=dict)

    @property
    def solved(self) -> bool:
        return self.status in ("optimal", "feasible")


def minutes(s: ShiftIn) -> int:
    return int((s.end - s.start).total_seconds() // 60)


def is_night(s: ShiftIn, tz: ZoneInfo) -> bool:
    """Overlaps 00:00–05:00 of some day, local time."""
    start, end = s.start.astimezone(tz), s.end.astimezone(tz)
    day = start.date()
    while datetime.combine(day, NIGHT_START, tz) < end:
        if datetime.combine(day, NIGHT_END, tz) > start:
            return True
        day += timedelta(days=1)
    return False


def is_weekend(s: ShiftIn, tz: ZoneInfo) -> bool:
    return s.start.astimezone(tz).isoweekday() >= 6


def iso_week(s: ShiftIn, tz: ZoneInfo) -> tuple[int, int]:
    y, w, _ = s.start.astimezone(tz).isocalendar()
    return (y, w)


def free_for(person: PersonIn, shift: ShiftIn) -> bool:
    if person.sites is not None and shift.site not in person.sites:
        return False
    return not any(b_start < shift.end and shift.start < b_end for b_start, b_end in person.blocked)


def clash_groups(shifts: list[ShiftIn], rest_hours: int) -> list[list[ShiftIn]]:
    """Maximal sets of shifts that pairwise clash (overlap or less than the rest apart), one per distinct start."""
    rest = timedelta(hours=rest_hours)
    ordered = sorted(shifts, key=lambda s: (s.start, s.key))
    groups, seen = [], set()
    for t in sorted({s.start for s in ordered}):
        group = [s for s in ordered if s.start <= t < s.end + rest]
        key = tuple(s.key for s in group)
        if len(group) > 1 and key not in seen:
            seen.add(key)
            groups.append(group)
    return groups


def greedy(shifts: list[ShiftIn], people: list[PersonIn], x: dict, problem: Problem, tz: ZoneInfo) -> set:
    """A quick first guess for the solver's hint: shift by shift, the free people with the fewest hours so far
    (leaders first for the leader places), respecting rest and weekly hours. It may leave places empty; CP-SAT
    repairs it. On large rosters the hint is what lets the solver find a first roster within seconds."""
    rest = timedelta(hours=problem.min_rest_hours)
    cap = problem.max_hours_per_week * 60
    last_end: dict[int, datetime] = {}
    week_minutes: dict[tuple[int, tuple[int, int]], int] = defaultdict(int)
    worked: dict[int, int] = defaultdict(int)
    chosen: set[tuple[int, int]] = set()
    for s in shifts:
        week = iso_week(s, tz)

        def ok(p: PersonIn, s: ShiftIn = s, week: tuple[int, int] = week) -> bool:
            return (
                (p.key, s.key) in x
                and (p.key not in last_end or last_end[p.key] + rest <= s.start)
                and week_minutes[p.key, week] + minutes(s) <= cap
            )

        free = sorted((p for p in people if ok(p)), key=lambda p: (worked[p.key], p.key))
        picks = [p for p in free if p.leader][: s.leaders]
        picks += [p for p in free if p not in picks][: s.people - len(picks)]
        for p in picks:
            chosen.add((p.key, s.key))
            last_end[p.key] = s.end
            week_minutes[p.key, week] += minutes(s)
            worked[p.key] += minutes(s)
    return chosen


class FirstSolution(cp_model.CpSolverSolutionCallback):
    """Notes when the first roster was found (the benchmark's "a feasible roster in under 30 s")."""

    def __init__(self, started: float):
        super().__init__()
        self.started, self.at = started, None

    def on_solution_callback(self) -> None:
        if self.at is None:
            self.at = round(time.monotonic() - self.started, 3)


def solve(problem: Problem) -> Result:
    tz = ZoneInfo(problem.tz)
    shifts = sorted(problem.shifts, key=lambda s: (s.start, s.key))
    people = sorted(problem.people, key=lambda p: p.key)
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for p in people:
        for s in shifts:
            if free_for(p, s):
                x[p.key, s.key] = model.new_bool_var(f"x_{p.key}_{s.key}")
    leader_keys = {p.key for p in people if p.leader}

    slack: dict[int, tuple] = {}
    for s in shifts:
        on = [x[p.key, s.key] for p in people if (p.key, s.key) in x]
        leads = [x[p.key, s.key] for p in people if p.leader and (p.key, s.key) in x]
        if problem.soft_coverage:
            miss = model.new_int_var(0, s.people, f"miss_{s.key}")
            miss_l = model.new_int_var(0, s.leaders, f"missl_{s.key}")
            model.add(sum(on) + miss == s.people)
            model.add(sum(leads) + miss_l >= s.leaders)
            slack[s.key] = (miss, miss_l)
        else:
            model.add(sum(on) == s.people)
            if s.leaders:
                model.add(sum(leads) >= s.leaders)

    groups = clash_groups(shifts, problem.min_rest_hours)
    hint = greedy(shifts, people, x, problem, tz)
    by_week: dict[tuple[int, int], list[ShiftIn]] = defaultdict(list)
    for s in shifts:
        by_week[iso_week(s, tz)].append(s)
    cap = problem.max_hours_per_week * 60
    night = {s.key for s in shifts if is_night(s, tz)}
    weekend = {s.key for s in shifts if is_weekend(s, tz)}
    total_hours = sum(minutes(s) for s in shifts) // 60 + 1

    counted = []  # (nights, weekends, hours) per person free for at least one shift
    for p in people:
        mine = [s for s in shifts if (p.key, s.key) in x]
        if not mine:
            continue
        for group in groups:
            vs = [x[p.key, s.key] for s in group if (p.key, s.key) in x]
            if len(vs) > 1:
                model.add_at_most_one(vs)
        for week_shifts in by_week.values():
            terms = [minutes(s) * x[p.key, s.key] for s in week_shifts if (p.key, s.key) in x]
            if terms and sum(minutes(s) for s in week_shifts if (p.key, s.key) in x) > cap:
                model.add(sum(terms) <= cap)
        if not problem.soft_coverage:
            nights = sum(x[p.key, s.key] for s in mine if s.key in night)
            weekends = sum(x[p.key, s.key] for s in mine if s.key in weekend)
            hours = sum((minutes(s) // 60) * x[p.key, s.key] for s in mine)
            counted.append((nights, weekends, hours))

    if problem.soft_coverage:
        model.minimize(sum(100 * m + ml for m, ml in slack.values()))
    elif counted:
        terms = []
        for index, (weight, upper) in enumerate(
            ((NIGHT_WEIGHT, len(shifts)), (WEEKEND_WEIGHT, len(shifts)), (HOURS_WEIGHT, total_hours))
        ):
            hi = model.new_int_var(0, upper, f"hi_{index}")
            lo = model.new_int_var(0, upper, f"lo_{index}")
            model.add(hi >= lo)
            for item in counted:
                model.add(item[index] <= hi)
                model.add(item[index] >= lo)
            terms.append(weight * (hi - lo))
        model.minimize(sum(terms))

    for (pk, sk), var in x.items():
        model.add_hint(var, (pk, sk) in hint)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(problem.time_limit)
    solver.parameters.num_workers = int(problem.num_workers)
    solver.parameters.random_seed = int(problem.seed)
    started = time.monotonic()
    first = FirstSolution(started)
    code = solver.solve(model, first)
    wall = round(time.monotonic() - started, 3)
    status = {
        cp_model.OPTIMAL: "optimal",
        cp_model.FEASIBLE: "feasible",
        cp_model.INFEASIBLE: "infeasible",
        cp_model.MODEL_INVALID: "model_invalid",
    }.get(code, "unknown")
    result = Result(status=status, wall_time=wall, first_solution_time=first.at)
    if not result.solved:
        return result
    result.objective = solver.objective_value
    result.best_bound = solver.best_objective_bound
    result.gap = (
        0.0
        if status == "optimal" or result.objective == result.best_bound
        else round(abs(result.objective - result.best_bound) / max(abs(result.objective), 1.0), 4)
    )
    for s in shifts:
        chosen = [p.key for p in people if (p.key, s.key) in x and solver.boolean_value(x[p.key, s.key])]
        leaders = [k for k in chosen if k in leader_keys][: s.leaders]
        result.assignments[s.key] = [(k, k in leaders) for k in chosen]
        if problem.soft_coverage:
            miss, miss_l = slack[s.key]
            if solver.value(miss) or solver.value(miss_l):
                result.unfilled[s.key] = (solver.value(miss), solver.value(miss_l))
    return result

"""Timeliness and completeness of daily reporting (issue #5, items 5 and 9), by DHIS2's reporting-rate definitions.

For a range of days and the delegations a user sees (`Delegation.objects.visible_to(user)`):
- a team is **expected** on a day when `deadlines.team_days` says so (its delegation is active and it has members);
  a WORK delegation is expected to send its own report on each active day on which at least one team is expected;
- **received**: a report slot (TeamReport / DelegationReport) exists for that team or delegation and day;
- **on time**: received with `minutes_late == 0` (the slot keeps the *first* submission's lateness); **late**:
  received, not on time; **missing**: expected, not received;
- **reporting rate** = received / expected × 100; **on-time rate** = on time / expected × 100 (None when nothing is
  expected).

Days after the local today (in each delegation's time zone) are never counted. On the local today, a report not
received yet is **not due** until its deadline has passed: it counts as expected (and missing) only from then on; a
report already received before the deadline counts at once. So at 16:00 the rates of the day cover the teams that
have already reported, and at 17:05 they cover every team.

Everything is computed in a constant number of queries whatever the range (delegations, teams, memberships, the
team report slots, the delegation report slots), then counted in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from phaodai.mobilisation.models import Delegation, DelegationKind, Team
from phaodai.places.models import AdminUnit, Level
from phaodai.reporting import deadlines
from phaodai.reporting.models import (
    DelegationReport,
    DelegationReportVersion,
    ReportFormVersion,
    TeamReport,
)

#: The longest range one may ask for (a year and a day, so a leap year fits).
MAX_DAYS = 366

TEAM, DELEGATION, COMMUNE, DISTRICT, CITY = "team", "delegation", "commune", "district", "city"
LEVELS: dict[str, Any] = {
    TEAM: gettext_lazy("Team"),
    DELEGATION: gettext_lazy("Delegation"),
    COMMUNE: gettext_lazy("Commune"),
    DISTRICT: gettext_lazy("District"),
    CITY: gettext_lazy("City"),
}
KINDS: dict[str, Any] = {TEAM: gettext_lazy("Team reports"), DELEGATION: gettext_lazy("Delegation reports")}

ON_TIME, LATE, MISSING, NOT_DUE = "on_time", "late", "missing", "not_due"
STATUS_LABELS: dict[str, Any] = {
    ON_TIME: gettext_lazy("On time"),
    LATE: gettext_lazy("Late"),
    MISSING: gettext_lazy("Not reported"),
    NOT_DUE: gettext_lazy("Not due yet"),
}


# --------------------------------------------------------------------------------------------------------------
# Counts


def _rate(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


@dataclass
class Counts:
    """Expected, received (on time + late) and missing reports, with the DHIS2 rates."""

    expected: int = 0
    on_time: int = 0
    late: int = 0

    @property
    def received(self) -> int:
        return self.on_time + self.late

    @property
    def missing(self) -> int:
        return self.expected - self.received

    @property
    def reporting_rate(self) -> float | None:
        return _rate(self.received, self.expected)

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.on_time, self.expected)

    def add(self, status: str) -> None:
        self.expected += 1
        if status == ON_TIME:
            self.on_time += 1
        elif status == LATE:
            self.late += 1

    def merge(self, other: Counts) -> None:
        self.expected += other.expected
        self.on_time += other.on_time
        self.late += other.late

    def as_dict(self) -> dict[str, Any]:
        return {
            "expected": self.expected,
            "received": self.received,
            "on_time": self.on_time,
            "late": self.late,
            "missing": self.missing,
            "reporting_rate": self.reporting_rate,
            "on_time_rate": self.on_time_rate,
        }


# --------------------------------------------------------------------------------------------------------------
# Input


def check_range(first: date, last: date, level: str = DELEGATION) -> None:
    """Refuse a range that runs backwards or is too long, and an unknown level, with one clear message each."""
    errors: list[ValidationError] = []
    if first > last:
        errors.append(
            ValidationError(
                _("The start date (%(first)s) is after the end date (%(last)s).")
                % {"first": f"{first:%d/%m/%Y}", "last": f"{last:%d/%m/%Y}"},
                code="range_reversed",
            )
        )
    elif (last - first).days + 1 > MAX_DAYS:
        errors.append(
            ValidationError(
                _("Choose at most %(max)d days; this range has %(days)d.")
                % {"max": MAX_DAYS, "days": (last - first).days + 1},
                code="range_too_long",
            )
        )
    if level not in LEVELS:
        errors.append(
            ValidationError(
                _("Unknown level “%(level)s”: choose team, delegation, commune, district or city.") % {"level": level},
                code="level_unknown",
            )
        )
    if errors:
        raise ValidationError(errors)


# --------------------------------------------------------------------------------------------------------------
# The expectations: every (team or delegation, day) that must be reported, with its status


@dataclass
class Field:
    """The delegations and teams in a user's scope for a range, with the status of every expected report."""

    delegations: dict[int, Delegation]
    teams: dict[int, Team]
    # (team id, day, status) and (delegation id, day, status); NOT_DUE items are kept apart (not counted).
    team_items: list[tuple[int, date, str]] = field(default_factory=list)
    delegation_items: list[tuple[int, date, str]] = field(default_factory=list)
    team_reports: dict[tuple[int, date], TeamReport] = field(default_factory=dict)
    delegation_reports: dict[tuple[int, date], DelegationReport] = field(default_factory=dict)


def scoped_delegations(user: Any) -> QuerySet:
    """The work delegations whose reporting the user may follow (none without reporting.view)."""
    if not getattr(user, "is_authenticated", False) or not user.has_role_perm("reporting.view"):
        return Delegation.objects.none()
    return Delegation.objects.visible_to(user).filter(kind=DelegationKind.WORK)


def _status(report: TeamReport | DelegationReport | None, due: bool) -> str:
    if report is not None:
        return ON_TIME if report.minutes_late == 0 else LATE
    return MISSING if due else NOT_DUE


def collect(
    user: Any, first: date, last: date, now: datetime | None = None, delegations: QuerySet | None = None
) -> Field:
    """Every expected team and delegation report in [first, last] for the user's scope, each with its status.

    `delegations` narrows the scope further (already scoped: e.g. one delegation found through visible_to)."""
    now = now or timezone.now()
    qs = delegations if delegations is not None else scoped_delegations(user)
    qs = qs.filter(start_date__lte=last, end_date__gte=first).select_related(
        "target_unit__parent__parent", "reporting_schedule", "head"
    )
    by_id = {d.pk: d for d in qs}
    teams = list(Team.objects.filter(delegation_id__in=by_id).select_related("leader").order_by("delegation", "name"))
    for team in teams:
        team.delegation = by_id[team.delegation_id]  # the delegations above, with their schedules: no more queries
    expected_days = deadlines.team_days(teams, first, last)
    team_reports = {
        (r.team_id, r.day): r
        for r in TeamReport.objects.filter(team_id__in=[t.pk for t in teams], day__gte=first, day__lte=last).only(
            "id", "team_id", "day", "minutes_late", "first_submitted_at"
        )
    }
    delegation_reports = {
        (r.delegation_id, r.day): r
        for r in DelegationReport.objects.filter(delegation_id__in=by_id, day__gte=first, day__lte=last).only(
            "id", "delegation_id", "day", "minutes_late", "first_submitted_at"
        )
    }
    result = Field(by_id, {t.pk: t for t in teams}, team_reports=team_reports, delegation_reports=delegation_reports)
    today = {pk: deadlines.local_day(d, now) for pk, d in by_id.items()}
    delegation_days: dict[int, set[date]] = defaultdict(set)
    for team in teams:
        delegation = team.delegation
        local_today = today[delegation.pk]
        for day in sorted(expected_days.get(team.pk, ())):
            if day > local_today:
                continue
            delegation_days[delegation.pk].add(day)
            due = day < local_today or now >= deadlines.team_deadline(delegation, day)
            result.team_items.append((team.pk, day, _status(team_reports.get((team.pk, day)), due)))
    for pk, days in delegation_days.items():
        delegation = by_id[pk]
        for day in sorted(days):
            due = day < today[pk] or now >= deadlines.delegation_deadline(delegation, day)
            result.delegation_items.append((pk, day, _status(delegation_reports.get((pk, day)), due)))
    return result


# --------------------------------------------------------------------------------------------------------------
# Rates by level


def commune_of(delegation: Delegation) -> AdminUnit:
    """Where the delegation works: its target unit (a commune, or a district for a district-wide delegation)."""
    return delegation.target_unit


def district_of(delegation: Delegation) -> AdminUnit:
    """The district above the delegation's commune; where there is no district level (the 2025 two-level
    structure), the unit directly above it."""
    unit = delegation.target_unit
    if unit.level <= Level.DISTRICT or unit.parent is None:
        return unit
    parent = unit.parent
    if parent.level > Level.DISTRICT and parent.parent is not None:  # a neighbourhood's commune → its district
        return parent.parent
    return parent


def city_of(delegation: Delegation) -> AdminUnit:
    unit = delegation.target_unit
    while unit.parent is not None and unit.level > Level.PROVINCE:
        unit = unit.parent
    return unit


@dataclass
class RateRow:
    key: str
    label: str
    context: str  # what the row belongs to: the team's delegation, the commune's district, …
    team: Counts = field(default_factory=Counts)
    delegation: Counts | None = field(default_factory=Counts)  # None on team rows: teams send no delegation report
    order: tuple = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "context": self.context,
            "team_reports": self.team.as_dict(),
            "delegation_reports": self.delegation.as_dict() if self.delegation is not None else None,
        }


@dataclass
class Rates:
    first: date
    last: date
    level: str
    rows: list[RateRow]
    total: RateRow


def _grouper(level: str) -> Callable[[Delegation], tuple[str, str, str, tuple]]:
    """For a level above teams: delegation → (key, label, context, sort order)."""

    def unit_row(unit: AdminUnit, context: AdminUnit | None) -> tuple[str, str, str, tuple]:
        return f"unit:{unit.pk}", unit.name, context.name if context and context != unit else "", (unit.path,)

    if level == DELEGATION:
        return lambda d: (f"delegation:{d.pk}", d.name, d.target_unit.name, (d.target_unit.path, d.name))
    if level == COMMUNE:
        return lambda d: unit_row(commune_of(d), district_of(d))
    if level == DISTRICT:
        return lambda d: unit_row(district_of(d), city_of(d))
    return lambda d: unit_row(city_of(d), None)


def rates_from(collected: Field, first: date, last: date, level: str) -> Rates:
    rows: dict[str, RateRow] = {}
    total = RateRow("total", _("Total"), "")
    if level == TEAM:
        for team in collected.teams.values():
            d = team.delegation
            rows[f"team:{team.pk}"] = RateRow(
                f"team:{team.pk}", team.name, d.name, delegation=None, order=(d.target_unit.path, d.name, team.name)
            )
        for team_id, _day, status in collected.team_items:
            if status != NOT_DUE:
                rows[f"team:{team_id}"].team.add(status)
    else:
        group = _grouper(level)
        keys: dict[int, str] = {}
        for pk, delegation in collected.delegations.items():
            key, label, context, order = group(delegation)
            keys[pk] = key
            rows.setdefault(key, RateRow(key, label, context, order=order))
        for team_id, _day, status in collected.team_items:
            if status != NOT_DUE:
                rows[keys[collected.teams[team_id].delegation_id]].team.add(status)
        for pk, _day, status in collected.delegation_items:
            if status != NOT_DUE:
                rows[keys[pk]].delegation.add(status)
    for row in rows.values():
        total.team.merge(row.team)
    # The total of delegation reports is the scope's, whatever the level (team rows have none of their own).
    for _pk, _day, status in collected.delegation_items:
        if status != NOT_DUE:
            total.delegation.add(status)
    return Rates(first, last, level, sorted(rows.values(), key=lambda r: r.order), total)


def reporting_rates(
    user: Any,
    first: date,
    last: date,
    level: str = DELEGATION,
    now: datetime | None = None,
    delegations: QuerySet | None = None,
) -> Rates:
    """Expected / received / on time / late / missing team and delegation reports in [first, last], grouped by
    `level` (team, delegation, commune, district, city), for the delegations the user sees. Raises ValidationError
    for a bad range or level."""
    check_range(first, last, level)
    return rates_from(collect(user, first, last, now, delegations), first, last, level)


# --------------------------------------------------------------------------------------------------------------
# On-time rates day by day (the summary's chart)


@dataclass
class DayRates:
    day: date
    team: Counts
    delegation: Counts


def daily_on_time_rates(user: Any, last_day: date, days: int = 14, now: datetime | None = None) -> list[DayRates]:
    """For each of the `days` days ending on `last_day`: the team and the delegation on-time rates (and counts)."""
    first = last_day - timedelta(days=days - 1)
    collected = collect(user, first, last_day, now)
    by_day = {day: DayRates(day, Counts(), Counts()) for day in deadlines.days(first, last_day)}
    for _team, day, status in collected.team_items:
        if status != NOT_DUE:
            by_day[day].team.add(status)
    for _delegation, day, status in collected.delegation_items:
        if status != NOT_DUE:
            by_day[day].delegation.add(status)
    return list(by_day.values())


# --------------------------------------------------------------------------------------------------------------
# Not reported yet: who a coordinator phones at 17:05


@dataclass
class MissingTeam:
    team: Team
    delegation: Delegation
    commune: AdminUnit
    leader_name: str
    leader_phone: str
    deadline: datetime


@dataclass
class MissingDelegation:
    delegation: Delegation
    commune: AdminUnit
    head_name: str
    head_phone: str
    deadline: datetime
    teams_missing: int


@dataclass
class NotReported:
    day: date
    teams: list[MissingTeam]
    delegations: list[MissingDelegation]
    teams_not_due: int  # expected, not received, deadline still ahead
    delegations_not_due: int


def not_reported(user: Any, day: date, now: datetime | None = None, delegations: QuerySet | None = None) -> NotReported:
    """The teams whose report for `day` is missing once their deadline has passed (with the leader's name and
    phone), and the delegations without their own report after theirs (with the head's)."""
    collected = collect(user, day, day, now, delegations)
    teams: list[MissingTeam] = []
    missing_per_delegation: dict[int, int] = defaultdict(int)
    teams_not_due = delegations_not_due = 0
    for team_id, _day, status in collected.team_items:
        if status == NOT_DUE:
            teams_not_due += 1
        elif status == MISSING:
            team = collected.teams[team_id]
            d = team.delegation
            missing_per_delegation[d.pk] += 1
            teams.append(
                MissingTeam(
                    team, d, commune_of(d), team.leader.full_name, team.leader.phone, deadlines.team_deadline(d, day)
                )
            )
    missing_delegations: list[MissingDelegation] = []
    for pk, _day, status in collected.delegation_items:
        if status == NOT_DUE:
            delegations_not_due += 1
        elif status == MISSING:
            d = collected.delegations[pk]
            missing_delegations.append(
                MissingDelegation(
                    d,
                    commune_of(d),
                    d.head.full_name,
                    d.head.phone,
                    deadlines.delegation_deadline(d, day),
                    missing_per_delegation.get(pk, 0),
                )
            )
    teams.sort(key=lambda m: (m.commune.path, m.delegation.name, m.team.name))
    missing_delegations.sort(key=lambda m: (m.commune.path, m.delegation.name))
    return NotReported(day, teams, missing_delegations, teams_not_due, delegations_not_due)


# --------------------------------------------------------------------------------------------------------------
# The city's 18:00 summary: one row per delegation


@dataclass
class SummaryRow:
    delegation: Delegation
    commune: AdminUnit
    district: AdminUnit
    teams: Counts  # the day's team reports: expected (once due), on time, late
    teams_expected: int  # every team expected that day, due or not
    status: str  # the delegation's own report: on_time / late / missing / not_due ("" when nothing is expected)
    report: DelegationReport | None
    totals: dict[str, float | int]

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, "—"))

    @property
    def teams_reported(self) -> int:
        return self.teams.received


@dataclass
class Summary:
    day: date
    rows: list[SummaryRow]
    total_teams: Counts
    total_delegations: Counts
    total_keys: list[tuple[str, str]]  # (field key, label) of the summed figures, in form order

    @property
    def total_figures(self) -> dict[str, float | int]:
        return {key: sum(row.totals.get(key, 0) for row in self.rows) for key, _label in self.total_keys}

    @property
    def teams_expected(self) -> int:
        return sum(row.teams_expected for row in self.rows)


def field_labels() -> dict[str, str]:
    """{field key: its label in the current language}, from every form version (the newest label wins)."""
    language = "vi" if (get_language() or "vi").startswith("vi") else "en"
    labels: dict[str, str] = {}
    for fields in ReportFormVersion.objects.order_by("number", "pk").values_list("fields", flat=True):
        for spec in fields or []:
            label = spec.get("label") or {}
            if spec.get("key"):
                labels[spec["key"]] = label.get(language) or label.get("vi") or spec["key"]
    return labels


def _numeric_totals(totals: Any) -> dict[str, float | int]:
    if not isinstance(totals, dict):
        return {}
    return {k: v for k, v in totals.items() if isinstance(v, int | float) and not isinstance(v, bool)}


def summary(user: Any, day: date, now: datetime | None = None) -> Summary:
    """One row per delegation active on `day`: its teams expected / reported / on time, its own report's status,
    and the summed figures of its latest delegation report version."""
    collected = collect(user, day, day, now)
    team_counts: dict[int, Counts] = defaultdict(Counts)
    teams_expected: dict[int, int] = defaultdict(int)
    for team_id, _day, status in collected.team_items:
        pk = collected.teams[team_id].delegation_id
        teams_expected[pk] += 1
        if status != NOT_DUE:
            team_counts[pk].add(status)
    own_status = {pk: status for pk, _day, status in collected.delegation_items}
    reports = {pk: r for (pk, _d), r in collected.delegation_reports.items()}
    latest: dict[int, dict] = {}
    versions = DelegationReportVersion.objects.filter(report_id__in=[r.pk for r in reports.values()]).order_by(
        "report_id", "number"
    )
    for report_id, totals in versions.values_list("report_id", "totals"):
        latest[report_id] = _numeric_totals(totals)  # ordered by number: the last one seen is the latest
    rows: list[SummaryRow] = []
    keys_seen: set[str] = set()
    for pk, d in collected.delegations.items():
        report = reports.get(pk)
        totals = latest.get(report.pk, {}) if report else {}
        keys_seen.update(totals)
        rows.append(
            SummaryRow(
                d,
                commune_of(d),
                district_of(d),
                team_counts[pk],
                teams_expected[pk],
                own_status.get(pk, ""),
                report,
                totals,
            )
        )
    rows.sort(key=lambda r: (r.commune.path, r.delegation.name))
    labels = field_labels() if keys_seen else {}
    order = list(labels)
    keys = sorted(keys_seen, key=lambda k: (order.index(k) if k in order else len(order), k))
    total_teams, total_delegations = Counts(), Counts()
    for row in rows:
        total_teams.merge(row.teams)
        if row.status and row.status != NOT_DUE:
            total_delegations.add(row.status)
    return Summary(day, rows, total_teams, total_delegations, [(k, labels.get(k, k)) for k in keys])


# --------------------------------------------------------------------------------------------------------------
# The chart of on-time rates (inline SVG drawn by the template from these coordinates)


@dataclass
class ChartSeries:
    name: str
    css: str
    points: list[tuple[float, float, float | None, date]]  # x, y, rate (None: nothing expected), day

    @property
    def polyline(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, rate, _d in self.points if rate is not None)


@dataclass
class Chart:
    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    series: list[ChartSeries]
    y_ticks: list[tuple[float, int]]  # (y, percent)
    x_labels: list[tuple[float, str]]  # (x, "dd/mm")
    days: list[DayRates]


def on_time_chart(days: list[DayRates], width: int = 640, height: int = 240) -> Chart:
    """Coordinates of the two on-time-rate lines (team reports, delegation reports), 0–100 % on the y axis."""
    left, right, top, bottom = 40, 10, 10, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(days) - 1, 1)

    def point(i: int, rate: float | None, day: date) -> tuple[float, float, float | None, date]:
        y = top + plot_h * (1 - (rate or 0) / 100)
        return left + i * step, y, rate, day

    series = [
        ChartSeries(
            str(_("Team reports on time")), "team", [point(i, d.team.on_time_rate, d.day) for i, d in enumerate(days)]
        ),
        ChartSeries(
            str(_("Delegation reports on time")),
            "delegation",
            [point(i, d.delegation.on_time_rate, d.day) for i, d in enumerate(days)],
        ),
    ]
    y_ticks = [(top + plot_h * (1 - p / 100), p) for p in (0, 25, 50, 75, 100)]
    x_labels = [(left + i * step, f"{d.day:%d/%m}") for i, d in enumerate(days) if i % 2 == (len(days) - 1) % 2]
    return Chart(width, height, left, top, plot_w, plot_h, series, y_ticks, x_labels, days)

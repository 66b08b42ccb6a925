"""The hotline compliance board (issue #6, item 4). Source: seed 002, Cần Thơ 184/KH-UBND — every district and every
commune keeps at least four hotline numbers, a health line and a welfare line among them, staffed 24/24.

For every district and commune in the user's scope (under the 2025 two-level structure there are no districts, so
communes only), four checks:
- **numbers**: active hotlines of the unit itself (a district's count does not include its communes') ≥ MIN_NUMBERS;
- **health line** and **welfare line**: at least one active hotline on each;
- **unstaffed hours this week**: the hours of the current ISO week (local time, Monday 00:00 to Sunday 24:00) during
  which nobody is on a shift of a PUBLISHED roster at any of the unit's hotlines' sites. An hour counts as staffed
  only when someone is on duty for the whole of it (a half-hour gap leaves the hour unstaffed: the line rang out).
  A hotline with no site is staffed by nobody.

Everything is computed in three queries whatever the number of units (units, their hotlines, the staffed shifts at
those hotlines' sites), then counted in Python.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from phaodai.duty.hotlines import current_week, units_in_scope
from phaodai.duty.models import Hotline, Line, RosterStatus, Shift
from phaodai.places.models import AdminUnit

#: Seed 002: "at least four hotline numbers per district and per commune".
MIN_NUMBERS = 4
SOURCE = gettext_lazy(
    "Cần Thơ City People's Committee, plan 184/KH-UBND: every district and commune keeps hotlines staffed "
    "24/24, with at least four numbers including a health line and a welfare line."
)
HOUR = timedelta(hours=1)


@dataclass
class UnitCompliance:
    unit: AdminUnit
    numbers: int = 0
    lines: set[str] = field(default_factory=set)
    unstaffed_hours: int = 0
    hours_in_week: int = 168
    problems: list[str] = field(default_factory=list)

    @property
    def has_health_line(self) -> bool:
        return Line.HEALTH in self.lines

    @property
    def has_welfare_line(self) -> bool:
        return Line.WELFARE in self.lines

    @property
    def enough_numbers(self) -> bool:
        return self.numbers >= MIN_NUMBERS

    @property
    def compliant(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit.pk,
            "unit_name": self.unit.name,
            "level": self.unit.level,
            "numbers": self.numbers,
            "has_health_line": self.has_health_line,
            "has_welfare_line": self.has_welfare_line,
            "unstaffed_hours": self.unstaffed_hours,
            "compliant": self.compliant,
            "problems": list(self.problems),
        }


@dataclass
class Board:
    week_start: datetime
    week_end: datetime
    rows: list[UnitCompliance]

    @property
    def failing(self) -> int:
        return sum(1 for r in self.rows if not r.compliant)


def _merge(intervals: list[tuple[datetime, datetime]]) -> tuple[list[datetime], list[datetime]]:
    """Sorted, merged intervals as two lists (starts, ends) for bisection."""
    starts: list[datetime] = []
    ends: list[datetime] = []
    for start, end in sorted(intervals):
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def unstaffed_hours(intervals: list[tuple[datetime, datetime]], week_start: datetime, week_end: datetime) -> int:
    """Hours of [week_start, week_end) not wholly inside one of the (merged) intervals."""
    starts, ends = _merge(intervals)
    missing = 0
    hour = week_start
    while hour < week_end:
        i = bisect_right(starts, hour) - 1
        if i < 0 or ends[i] < hour + HOUR:
            missing += 1
        hour += HOUR
    return missing


def _explain(row: UnitCompliance) -> list[str]:
    problems: list[str] = []
    if not row.enough_numbers:
        problems.append(
            ngettext(
                "Only %(count)d active hotline number: at least %(min)d are required.",
                "Only %(count)d active hotline numbers: at least %(min)d are required.",
                row.numbers,
            )
            % {"count": row.numbers, "min": MIN_NUMBERS}
        )
    if not row.has_health_line:
        problems.append(_("No health line."))
    if not row.has_welfare_line:
        problems.append(_("No welfare line."))
    if row.unstaffed_hours:
        problems.append(
            ngettext(
                "%(hours)d hour this week with nobody on duty for its hotlines.",
                "%(hours)d hours this week with nobody on duty for its hotlines.",
                row.unstaffed_hours,
            )
            % {"hours": row.unstaffed_hours}
        )
    return problems


def board(user: Any, now: datetime | None = None, only_failing: bool = False, units=None) -> Board:
    """The compliance of every district and commune in the user's scope this week (`units` narrows it further)."""
    now = now or timezone.now()
    week_start, week_end = current_week(now)
    hours = round((week_end - week_start) / HOUR)
    qs = units if units is not None else units_in_scope(user)
    rows = {u.pk: UnitCompliance(u, hours_in_week=hours) for u in qs.order_by("path")}
    sites_of: dict[int, set[int]] = defaultdict(set)
    for unit_id, line, site_id in Hotline.objects.filter(unit_id__in=rows, is_active=True).values_list(
        "unit_id", "line", "site_id"
    ):
        row = rows[unit_id]
        row.numbers += 1
        row.lines.add(line)
        if site_id is not None:
            sites_of[unit_id].add(site_id)
    all_sites = set().union(*sites_of.values()) if sites_of else set()
    covered: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    shifts = (
        Shift.objects.filter(
            site_id__in=all_sites,
            roster__status=RosterStatus.PUBLISHED,
            start__lt=week_end,
            end__gt=week_start,
            assignments__isnull=False,
        )
        .values_list("site_id", "start", "end")
        .distinct()
    )
    for site_id, start, end in shifts:
        covered[site_id].append((max(start, week_start), min(end, week_end)))
    for row in rows.values():
        intervals = [iv for site_id in sites_of.get(row.unit.pk, ()) for iv in covered.get(site_id, ())]
        row.unstaffed_hours = unstaffed_hours(intervals, week_start, week_end)
        row.problems = _explain(row)
    result = [r for r in rows.values() if not (only_failing and r.compliant)]
    return Board(week_start, week_end, result)

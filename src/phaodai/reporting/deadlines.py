"""Deadlines that are right (issue #5, item 4): per delegation, in its own time zone, whatever the server's.

Every instant is an aware datetime (Django's USE_TZ); the reporting day is the *local* day in the delegation's time
zone (Asia/Ho_Chi_Minh by default), so a report sent at 00:30 local time on the 12th belongs to the 12th even
though it is still the 11th in UTC. A delegation expects reports only on the days it is active (its period), and
a team only on the days it has at least one member. Callers never ask about a day still to come (they stop at the
local today).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from phaodai.mobilisation.models import Delegation, Team, TeamMembership
from phaodai.reporting.models import (
    DEFAULT_DELEGATION_DEADLINE,
    DEFAULT_TEAM_DEADLINE,
    DEFAULT_TIME_ZONE,
    ReportingSchedule,
)


def schedule_for(delegation: Delegation) -> ReportingSchedule:
    """The delegation's schedule, or an unsaved one with the defaults (17:00 / 18:00, Asia/Ho_Chi_Minh)."""
    try:
        return delegation.reporting_schedule
    except ReportingSchedule.DoesNotExist:
        return ReportingSchedule(
            delegation=delegation,
            team_deadline=DEFAULT_TEAM_DEADLINE,
            delegation_deadline=DEFAULT_DELEGATION_DEADLINE,
            time_zone=DEFAULT_TIME_ZONE,
        )


def zone(schedule: ReportingSchedule) -> ZoneInfo:
    return ZoneInfo(schedule.time_zone or DEFAULT_TIME_ZONE)


def local_day(delegation: Delegation, now: datetime | None = None) -> date:
    """ "Today" for the delegation: the local date in its time zone at `now` (default: the current instant)."""
    now = now or timezone.now()
    return now.astimezone(zone(schedule_for(delegation))).date()


def at_local(schedule: ReportingSchedule, day: date, clock: time) -> datetime:
    """The instant of `clock` on `day` in the schedule's time zone (aware)."""
    return datetime.combine(day, clock, tzinfo=zone(schedule))


def team_deadline(delegation: Delegation, day: date) -> datetime:
    schedule = schedule_for(delegation)
    return at_local(schedule, day, schedule.team_deadline)


def delegation_deadline(delegation: Delegation, day: date) -> datetime:
    schedule = schedule_for(delegation)
    return at_local(schedule, day, schedule.delegation_deadline)


def minutes_late(submitted_at: datetime, deadline: datetime) -> int:
    """Whole minutes after the deadline, rounded up (17:00:01 is 1 minute late); 0 when on time."""
    seconds = (submitted_at - deadline).total_seconds()
    return max(0, math.ceil(seconds / 60))


def is_active(delegation: Delegation, day: date) -> bool:
    return delegation.start_date <= day <= delegation.end_date


def days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def team_days(teams: Iterable[Team], first: date, last: date) -> dict[int, set[date]]:
    """{team pk: the days in [first, last] it is expected to report}: its delegation is active and it has at least
    one member that day. One query for the memberships of all the teams."""
    teams = list(teams)
    spans: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    memberships = TeamMembership.objects.filter(team__in=teams, joined_on__lte=last).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=first)
    )
    for team_id, joined, left in memberships.values_list("team_id", "joined_on", "left_on"):
        spans[team_id].append((joined, left))
    result: dict[int, set[date]] = {}
    for team in teams:
        delegation = team.delegation
        start, end = max(first, delegation.start_date), min(last, delegation.end_date)
        expected: set[date] = set()
        for joined, left in spans.get(team.pk, []):
            expected.update(days(max(start, joined), min(end, left or end)))  # empty when they do not meet
        result[team.pk] = expected
    return result


def is_expected(team: Team, day: date) -> bool:
    return day in team_days([team], day, day)[team.pk]

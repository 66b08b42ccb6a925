"""Deadlines per delegation, in its time zone whatever the server's; the local day; the days a team must report."""

from datetime import UTC, date, datetime, time, timedelta

import time_machine

from phaodai.mobilisation.models import TeamMembership
from phaodai.reporting import deadlines as D
from phaodai.reporting.models import ReportingSchedule
from phaodai.reporting.testing import field_world

DAY = date(2021, 8, 20)


def test_the_default_deadlines_are_17_and_18_in_vietnam(world):
    f = field_world(world, DAY)
    assert D.team_deadline(f.tan_an, DAY) == datetime(2021, 8, 20, 10, 0, tzinfo=UTC)
    assert D.delegation_deadline(f.tan_an, DAY) == datetime(2021, 8, 20, 11, 0, tzinfo=UTC)


def test_a_delegation_may_have_its_own_deadlines_and_time_zone(world):
    f = field_world(world, DAY)
    ReportingSchedule.objects.create(
        delegation=f.tan_an, team_deadline=time(16, 0), delegation_deadline=time(17, 30), time_zone="Asia/Bangkok"
    )
    f.tan_an.refresh_from_db()
    assert D.team_deadline(f.tan_an, DAY) == datetime(2021, 8, 20, 9, 0, tzinfo=UTC)
    assert D.team_deadline(f.an_hoa, DAY) == datetime(2021, 8, 20, 10, 0, tzinfo=UTC)


def test_the_local_day_is_not_the_servers_day(world, settings):
    f = field_world(world, DAY)
    settings.TIME_ZONE = "America/New_York"  # a server configured elsewhere changes nothing
    # 00:30 on the 21st in Vietnam is still the 20th in UTC and in New York.
    with time_machine.travel(datetime(2021, 8, 20, 17, 30, tzinfo=UTC), tick=False):
        assert D.local_day(f.tan_an) == date(2021, 8, 21)


def test_lateness_is_counted_in_whole_minutes_rounded_up():
    deadline = datetime(2021, 8, 20, 10, 0, tzinfo=UTC)
    assert D.minutes_late(deadline, deadline) == 0
    assert D.minutes_late(deadline - timedelta(minutes=5), deadline) == 0
    assert D.minutes_late(deadline + timedelta(seconds=1), deadline) == 1
    assert D.minutes_late(deadline + timedelta(minutes=42), deadline) == 42


def test_a_team_reports_only_on_days_its_delegation_is_active_and_it_has_members(world):
    f = field_world(world, DAY)  # active 14/08 to 27/08
    expected = D.team_days([f.team_2], f.start - timedelta(days=3), f.end + timedelta(days=3))[f.team_2.pk]
    assert min(expected) == f.start and max(expected) == f.end and len(expected) == 14
    # Lan leaves Tổ 2 on the 18th: the team is empty afterwards and expects nothing.
    TeamMembership.objects.filter(team=f.team_2).update(left_on=date(2021, 8, 18))
    expected = D.team_days([f.team_2], f.start, f.end)[f.team_2.pk]
    assert max(expected) == date(2021, 8, 18)
    assert not D.is_expected(f.team_2, date(2021, 8, 19))

"""Reminders at 16:30, 17:15 and 18:00 (local), each round once, through the outbox; frozen clocks throughout.

Hồ Chí Minh City time is UTC+7: 16:29 local is 09:29 UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import translation

from phaodai.mobilisation.models import DelegationKind
from phaodai.notifications.models import Message
from phaodai.reporting.deadlines import delegation_deadline, team_deadline
from phaodai.reporting.models import DelegationReport, ReminderKind, ReminderRun, ReportingSchedule, TeamReport
from phaodai.reporting.reminders import coordination_recipients, due_rounds, send_due_reminders
from phaodai.reporting.testing import field_world

DAY = date(2025, 3, 10)


def local(day: date, hour: int, minute: int) -> datetime:
    """A local Hồ Chí Minh City time as the UTC instant the clock is frozen at."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


@pytest.fixture(autouse=True)
def in_english(settings):
    settings.LANGUAGE_CODE = "en"  # reminders are written in the deployment's language
    with translation.override("en"):
        yield


@pytest.fixture
def f(world):
    return field_world(world, DAY)


def reported(team, day: date = DAY) -> TeamReport:
    deadline = team_deadline(team.delegation, day)
    at = deadline - timedelta(minutes=20)
    return TeamReport.objects.create(team=team, day=day, deadline=deadline, first_submitted_at=at, last_submitted_at=at)


def delegation_reported(delegation, day: date = DAY) -> DelegationReport:
    deadline = delegation_deadline(delegation, day)
    at = deadline - timedelta(minutes=20)
    return DelegationReport.objects.create(
        delegation=delegation, day=day, deadline=deadline, first_submitted_at=at, last_submitted_at=at
    )


def sent(kind: str) -> list[Message]:
    return list(Message.objects.filter(key__startswith=f"reminder:{kind}:").order_by("key"))


def staff_recipients(kind: str) -> set[str]:
    return {m.recipient_staff.full_name for m in sent(kind)}


def run_at(when: datetime) -> int:
    with time_machine.travel(when, tick=False):
        return send_due_reminders()


def test_nothing_is_due_at_16_29(f):
    with time_machine.travel(local(DAY, 16, 29), tick=False):
        assert due_rounds() == []
        assert send_due_reminders() == 0
    assert not Message.objects.exists() and not ReminderRun.objects.exists()


def test_at_16_31_only_leaders_who_have_not_reported_are_reminded_once(f, world):
    reported(f.team_2)  # Lan's team has reported
    assert run_at(local(DAY, 16, 31)) == 2
    assert staff_recipients(ReminderKind.TEAM_LEADERS) == {"Huỳnh Minh", "Lê Thị Hoa"}
    assert sent(ReminderKind.DELEGATION_HEADS) == [] and sent(ReminderKind.COORDINATION) == []
    minh = next(m for m in sent(ReminderKind.TEAM_LEADERS) if m.recipient_staff == world.staff["minh"])
    assert "Tổ 1" in minh.subject and "17:00" in minh.subject
    assert "It is due by 17:00 today." in minh.body
    assert minh.key == f"reminder:team_leaders:{DAY}:delegation:{f.tan_an.pk}:staff:{world.staff['minh'].pk}"
    runs = ReminderRun.objects.filter(kind=ReminderKind.TEAM_LEADERS, day=DAY)
    assert {(r.subject, r.messages) for r in runs} == {
        (f"delegation:{f.tan_an.pk}", 1),
        (f"delegation:{f.an_hoa.pk}", 1),
    }
    # Running again (every minute, or after a restart) sends nothing more, even for a team that still has not.
    assert run_at(local(DAY, 16, 32)) == 0
    assert run_at(local(DAY, 16, 59)) == 0
    assert Message.objects.count() == 2


def test_at_17_16_heads_get_the_list_of_their_missing_teams(f, world):
    run_at(local(DAY, 16, 31))  # the leaders' round, done earlier
    reported(f.team_2)
    assert run_at(local(DAY, 17, 16)) == 2
    heads = {m.recipient_staff.full_name: m for m in sent(ReminderKind.DELEGATION_HEADS)}
    assert set(heads) == {"Trần Đình Đạt", "Lê Thị Hoa"}
    dat = heads["Trần Đình Đạt"]
    assert "Tổ 1 — Huỳnh Minh" in dat.body and "Tổ 2" not in dat.body
    assert "1 team report(s) missing" in dat.subject
    assert "Tổ An Hòa" in heads["Lê Thị Hoa"].body
    assert sent(ReminderKind.COORDINATION) == []
    assert run_at(local(DAY, 17, 40)) == 0


def test_deputies_are_reminded_with_the_head_and_a_complete_delegation_is_left_alone(f, world):
    f.tan_an.deputies.add(world.staff["an"])
    reported(f.an_hoa_team)
    run_at(local(DAY, 17, 16))
    assert staff_recipients(ReminderKind.DELEGATION_HEADS) == {"Trần Đình Đạt", "Nguyễn Văn An"}
    assert (
        ReminderRun.objects.get(kind=ReminderKind.DELEGATION_HEADS, subject=f"delegation:{f.an_hoa.pk}").messages == 0
    )


def test_at_18_01_the_coordination_team_gets_the_missing_delegations(f, world):
    delegation_reported(f.tan_an)
    run_at(local(DAY, 17, 59))
    assert sent(ReminderKind.COORDINATION) == []
    assert run_at(local(DAY, 18, 1)) == 2
    messages = sent(ReminderKind.COORDINATION)
    # The coordination team has no login of its own: those who follow reporting for its unit (the city).
    assert {m.recipient_user.username for m in messages} == {"health", "steering"}
    body = messages[0].body
    assert "Đoàn công tác Phường An Hòa" in body and "Tân An" not in body
    assert "Lê Thị Hoa" in body  # the head to call
    assert run_at(local(DAY, 18, 30)) == 0


def test_a_coordination_team_with_its_own_login_is_reminded_there(f, world):
    f.coordination.email = "dieuphoi@cantho.gov.vn"
    f.coordination.save()
    world.observer.email = "DieuPhoi@cantho.gov.vn"
    world.observer.save()
    assert coordination_recipients(f.coordination) == [world.observer]
    run_at(local(DAY, 18, 1))
    assert [m.recipient_user for m in sent(ReminderKind.COORDINATION)] == [world.observer]


def test_a_scheduler_down_all_afternoon_sends_each_round_once_that_evening_not_the_next_day(f, world):
    # Down from 16:00 to 20:00: at 20:00 the three rounds are still sent, once, and the leaders are told it is late.
    assert run_at(local(DAY, 20, 0)) == 3 + 2 + 2
    leader = sent(ReminderKind.TEAM_LEADERS)[0]
    assert "it will be marked late" in leader.body
    assert run_at(local(DAY, 20, 1)) == 0
    # Down all evening: the next day at 00:30 nothing of the day before is sent (and today's rounds are not due).
    ReminderRun.objects.all().delete()
    Message.objects.all().delete()
    assert run_at(local(DAY + timedelta(days=1), 0, 30)) == 0


def test_no_reminder_on_a_day_the_delegation_is_not_active(f):
    after = f.end + timedelta(days=1)
    assert run_at(local(after, 18, 30)) == 0
    before = f.start - timedelta(days=1)
    assert run_at(local(before, 18, 30)) == 0
    assert not ReminderRun.objects.exists()


def test_a_team_without_members_that_day_is_not_expected_and_not_reminded(f):
    from phaodai.mobilisation.models import TeamMembership

    TeamMembership.objects.filter(team=f.team_2).update(left_on=DAY - timedelta(days=1))
    run_at(local(DAY, 16, 31))
    assert staff_recipients(ReminderKind.TEAM_LEADERS) == {"Huỳnh Minh", "Lê Thị Hoa"}
    assert "Võ Thị Lan" not in staff_recipients(ReminderKind.TEAM_LEADERS)


def test_leadership_delegations_are_not_reminded(f):
    type(f.an_hoa).objects.filter(pk=f.an_hoa.pk).update(kind=DelegationKind.LEADERSHIP)
    run_at(local(DAY, 16, 31))
    assert staff_recipients(ReminderKind.TEAM_LEADERS) == {"Huỳnh Minh", "Võ Thị Lan"}


def test_rounds_follow_each_delegations_own_deadlines(f):
    ReportingSchedule.objects.create(
        delegation=f.an_hoa, team_deadline=time(15, 0), delegation_deadline=time(16, 0), time_zone="Asia/Ho_Chi_Minh"
    )
    run_at(local(DAY, 14, 31))
    assert staff_recipients(ReminderKind.TEAM_LEADERS) == {"Lê Thị Hoa"}
    # The coordination round waits for the last of its delegations' deadlines (Tân An: 18:00).
    run_at(local(DAY, 16, 1))
    assert sent(ReminderKind.COORDINATION) == []
    assert staff_recipients(ReminderKind.DELEGATION_HEADS) == {"Lê Thị Hoa"}


def test_the_command_runs_the_due_rounds(f):
    out = StringIO()
    with time_machine.travel(local(DAY, 16, 31), tick=False):
        call_command("send_reminders", stdout=out)
    assert "3 reminders queued." in out.getvalue()
    assert ReminderRun.objects.filter(kind=ReminderKind.TEAM_LEADERS).count() == 2


def test_a_second_scheduler_with_the_same_rounds_in_hand_sends_nothing(f):
    # Two schedulers both found the rounds due; the first claims them, the second's inserts clash and it skips.
    from phaodai.reporting.reminders import _send_round

    with time_machine.travel(local(DAY, 16, 31), tick=False):
        first, second = due_rounds(), due_rounds()
        now = datetime.now(UTC)
        assert sum(_send_round(r, now) or 0 for r in first) == 3
        assert [_send_round(r, now) for r in second] == [None, None]
    assert Message.objects.count() == 3

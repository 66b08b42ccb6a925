"""Escalation of unacknowledged help requests: one level at a time, never the same level twice."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import translation

from phaodai.duty import calls
from phaodai.duty.escalation import escalate_overdue, escalation_chain
from phaodai.duty.models import HelpRequest
from phaodai.duty.tests.test_calls_world import T0, call, calls_world
from phaodai.notifications.models import Message


@pytest.fixture
def c(world):
    return calls_world(world)


def told(hr) -> set[str]:
    """Who was told of the request's escalations (the messages of its ESCALATED steps)."""
    steps = hr.steps.filter(kind="escalated").values_list("pk", flat=True)
    keys = [f"help:{hr.pk}:step:{pk}:" for pk in steps]
    return {
        username
        for key, username in Message.objects.filter(key__contains=f"help:{hr.pk}:").values_list(
            "key", "recipient_user__username"
        )
        if any(key.startswith(prefix) for prefix in keys)
    }


def test_overdue_requests_climb_commune_district_city_once_per_level(c, world):
    assert [u.name for u in escalation_chain(c.tan_an)] == ["Phường Tân An", "Quận Ninh Kiều", "Thành phố Cần Thơ"]
    medical = call(c, category="medical_emergency").help_request  # 15 minutes
    food = call(c, caller_phone="0909000222").help_request  # 2 hours
    assert escalate_overdue(T0 + timedelta(minutes=14)) == 0
    assert escalate_overdue(T0 + timedelta(minutes=16)) == 1
    medical.refresh_from_db()
    assert medical.escalation_level == 1 and medical.acknowledge_by == T0 + timedelta(minutes=31)
    assert told(medical) == {"ninh_kieu"}
    # The same minute again, or a second worker: nothing more.
    assert escalate_overdue(T0 + timedelta(minutes=16)) == 0
    assert escalate_overdue(T0 + timedelta(minutes=30)) == 0
    # Still nobody acknowledged: the city, then nowhere higher.
    assert escalate_overdue(T0 + timedelta(minutes=32)) == 1
    medical.refresh_from_db()
    assert medical.escalation_level == 2 and told(medical) == {"ninh_kieu", "health"}
    assert escalate_overdue(T0 + timedelta(hours=5)) == 2 - 1  # only the food one moves (to the district)
    medical.refresh_from_db()
    food.refresh_from_db()
    assert (medical.escalation_level, food.escalation_level) == (2, 1)
    assert list(medical.steps.values_list("kind", flat=True)) == ["received", "escalated", "escalated"]
    assert medical.steps.filter(kind="escalated", by__isnull=True).count() == 2


def test_an_acknowledged_request_is_not_escalated_and_a_reopened_one_starts_over(c, world):
    hr = call(c, category="medical_emergency").help_request
    calls.acknowledge(world.users["tan_an"], hr, now=T0 + timedelta(minutes=10))
    assert escalate_overdue(T0 + timedelta(hours=1)) == 0
    calls.close(world.users["tan_an"], hr, "Đã chuyển viện", now=T0 + timedelta(hours=1))
    calls.reopen(world.users["tan_an"], hr, "Gia đình gọi lại", now=T0 + timedelta(hours=2))
    assert escalate_overdue(T0 + timedelta(hours=2, minutes=16)) == 1
    hr.refresh_from_db()
    assert hr.escalation_level == 1


def test_the_command_escalates_with_the_clock(c, capsys):
    hr = call(c, category="medical_emergency").help_request
    with time_machine.travel(T0 + timedelta(minutes=20), tick=False), translation.override("en"):
        call_command("escalate_help_requests")
        call_command("escalate_help_requests")
    assert HelpRequest.objects.get(pk=hr.pk).escalation_level == 1
    out = capsys.readouterr().out
    assert out.count("help requests escalated") == 2

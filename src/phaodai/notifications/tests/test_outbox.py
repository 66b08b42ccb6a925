"""The outbox: queueing never sends, a pass sends what is due, failures are retried with backoff, then given up."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from phaodai.notifications import services
from phaodai.notifications.channels import Channel
from phaodai.notifications.models import Message, MessageState
from phaodai.notifications.services import queue, requeue_failed, retry_delay, send_due

NOW = datetime(2021, 8, 16, 7, 0, tzinfo=timezone.get_fixed_timezone(7 * 60))
EMAIL_THEN_CONSOLE = ["phaodai.notifications.channels.EmailChannel", "phaodai.notifications.channels.ConsoleChannel"]


class BrokenChannel(Channel):
    """A gateway that is down."""

    code = "broken"
    label = "Broken gateway"
    calls = 0

    def address_for(self, recipient) -> str:
        return "somewhere"

    def send(self, message) -> None:
        type(self).calls += 1
        raise ConnectionError("gateway unreachable")


class ReentrantChannel(Channel):
    """While delivering its first message, a second sender runs a pass of its own (two workers at once)."""

    code = "reentrant"
    delivered: list[int] = []

    def address_for(self, recipient) -> str:
        return "here"

    def send(self, message) -> None:
        if not type(self).delivered:
            type(self).delivered.append(message.pk)
            send_due(NOW)
        else:
            type(self).delivered.append(message.pk)


@pytest.fixture
def channels(settings):
    def use(*paths: str) -> None:
        settings.NOTIFICATION_CHANNELS = list(paths)

    use(*EMAIL_THEN_CONSOLE)
    return use


@pytest.fixture
def with_email(world):
    user = world.users["tan_an"]
    user.email = "tanan@example.gov.vn"
    user.save()
    return user


def test_queueing_stores_the_message_and_sends_nothing(world, with_email, channels):
    message = queue(with_email, "Lịch trực", "Trực từ 7 giờ", now=NOW)
    assert mail.outbox == []
    message.refresh_from_db()
    assert (message.state, message.attempts, message.channel, message.address) == (
        MessageState.QUEUED,
        0,
        "email",
        "tanan@example.gov.vn",
    )
    assert message.next_attempt_at == NOW


def test_a_person_without_a_login_is_reached_by_the_next_channel_that_has_an_address(world, channels):
    message = queue(world.staff["an"], "Điều động", "...")
    assert (message.channel, message.address) == ("console", "0912345678")


def test_a_message_queued_in_a_step_that_rolls_back_disappears_with_it(world, with_email, channels):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue(with_email, "Quyết định", "...")
        raise RuntimeError("the approval failed")
    assert not Message.objects.exists()


def test_an_unknown_channel_is_refused_and_a_recipient_without_address_is_recorded_as_failed(world, channels):
    with pytest.raises(ValidationError) as refused:
        queue(world.users["an_hoa"], "x", "y", channel="zalo")
    assert refused.value.error_list[0].code == "unknown_channel"
    # No e-mail on the account: the message is kept, visibly failed, and the caller is not interrupted.
    with translation.override("en"):
        message = queue(world.users["an_hoa"], "x", "y", channel="email")
    assert message.state == MessageState.FAILED
    assert "No address" in message.last_error


def test_the_same_key_queues_once(world, with_email, channels):
    first = queue(with_email, "A", "a", key="decision:1:user:1")
    second = queue(with_email, "B", "b", key="decision:1:user:1")
    assert first.pk == second.pk and Message.objects.count() == 1


def test_a_pass_sends_what_is_due_once_and_records_it(world, with_email, channels):
    due = queue(with_email, "Lịch trực", "Trực từ 7 giờ", now=NOW)
    later = queue(with_email, "Ngày mai", "...", now=NOW + timedelta(days=1))
    counts = send_due(NOW)
    assert (counts.sent, counts.retrying, counts.failed) == (1, 0, 0)
    assert [m.subject for m in mail.outbox] == ["Lịch trực"]
    assert mail.outbox[0].to == ["tanan@example.gov.vn"]
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.state, due.attempts, due.sent_at) == (MessageState.SENT, 1, NOW)
    assert later.state == MessageState.QUEUED
    assert send_due(NOW).total == 0 and len(mail.outbox) == 1


def test_the_console_channel_writes_to_standard_output(world, channels, capsys):
    queue(world.staff["an"], "Điều động đi Phường Tân An", "Từ 16/08/2021")
    send_due()
    out = capsys.readouterr().out
    assert "Điều động đi Phường Tân An" in out and "0912345678" in out and "Nguyễn Văn An" in out


def test_a_failing_channel_is_retried_with_exponential_backoff_then_given_up(world, channels, settings):
    channels("phaodai.notifications.tests.test_outbox.BrokenChannel")
    settings.NOTIFICATION_MAX_ATTEMPTS = 4
    BrokenChannel.calls = 0
    message = queue(world.users["tan_an"], "Điều động", "...", now=NOW)
    at = NOW
    waits = []
    for _attempt in range(3):
        assert send_due(at).retrying == 1
        message.refresh_from_db()
        assert message.state == MessageState.QUEUED
        assert message.last_error == "ConnectionError: gateway unreachable"
        waits.append(message.next_attempt_at - at)
        assert send_due(message.next_attempt_at - timedelta(seconds=1)).total == 0, "not before its time"
        at = message.next_attempt_at
    assert waits == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    counts = send_due(at)
    message.refresh_from_db()
    assert counts.failed == 1 and message.state == MessageState.FAILED and message.attempts == 4
    assert send_due(at + timedelta(days=1)).total == 0
    assert BrokenChannel.calls == 4


def test_backoff_doubles_and_stops_growing_at_an_hour():
    assert [retry_delay(n) for n in (1, 2, 3)] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert retry_delay(20) == timedelta(hours=1)


def test_failed_messages_can_be_queued_again_and_are_routed_anew(world, channels, settings):
    channels("phaodai.notifications.tests.test_outbox.BrokenChannel")
    settings.NOTIFICATION_MAX_ATTEMPTS = 1
    broken = queue(world.users["tan_an"], "x", "y", now=NOW)
    send_due(NOW)
    channels("phaodai.notifications.channels.EmailChannel")
    unreachable = queue(world.users["an_hoa"], "x", "y")  # no e-mail on the account: failed at once
    later = NOW + timedelta(hours=2)
    assert requeue_failed(later) == 1
    broken.refresh_from_db()
    assert (broken.state, broken.attempts, broken.next_attempt_at) == (MessageState.QUEUED, 0, later)
    unreachable.refresh_from_db()
    assert unreachable.state == MessageState.FAILED
    # Once the account has an address, the message goes there.
    world.users["an_hoa"].email = "anhoa@example.gov.vn"
    world.users["an_hoa"].save()
    assert requeue_failed(later) == 1
    unreachable.refresh_from_db()
    assert (unreachable.state, unreachable.channel, unreachable.address) == (
        MessageState.QUEUED,
        "email",
        "anhoa@example.gov.vn",
    )


def test_two_senders_at_once_never_deliver_a_message_twice(world, channels):
    channels("phaodai.notifications.tests.test_outbox.ReentrantChannel")
    ReentrantChannel.delivered = []
    ids = [queue(world.staff[name], "Điều động", "...", now=NOW).pk for name in ("an", "dat", "hoa")]
    send_due(NOW)
    assert sorted(ReentrantChannel.delivered) == sorted(ids), "each message delivered exactly once"
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.SENT}


def test_a_message_left_sending_by_a_dead_sender_is_sent_after_its_lease(world, with_email, channels):
    message = queue(with_email, "Lịch trực", "...", now=NOW)
    Message.objects.filter(pk=message.pk).update(
        state=MessageState.SENDING, attempts=1, next_attempt_at=NOW + services.SENDING_LEASE
    )
    assert send_due(NOW).total == 0, "another sender holds it"
    assert send_due(NOW + services.SENDING_LEASE).sent == 1
    message.refresh_from_db()
    assert message.state == MessageState.SENT and message.attempts == 2


def test_the_command_runs_one_pass_or_keeps_running(world, with_email, channels):
    queue(with_email, "Lịch trực", "...")
    out = StringIO()
    with translation.override("en"):
        call_command("send_notifications", stdout=out)
    assert "Sent 1, to retry 0, failed 0." in out.getvalue()
    queue(with_email, "Lịch trực 2", "...")
    out = StringIO()
    # --loop sleeps between passes; Ctrl-C during the sleep ends it cleanly.
    with mock.patch("time.sleep", side_effect=KeyboardInterrupt), translation.override("en"):
        call_command("send_notifications", "--loop", "--interval", "1", stdout=out)
    assert "Sent 1" in out.getvalue() and len(mail.outbox) == 2


def test_the_command_can_put_failed_messages_back_first(world, channels):
    queue(world.users["an_hoa"], "x", "y", channel="email")
    out = StringIO()
    with translation.override("en"):
        call_command("send_notifications", "--retry-failed", stdout=out)
    assert "1 failed messages queued again." in out.getvalue()


# ------------------------------------------------------------------------------------------------ the page


def test_each_user_sees_their_own_messages_and_the_administrator_all(world, client_for, channels):
    world.users["team_member"].staff_member = world.staff["an"]
    world.users["team_member"].save()
    queue(world.users["tan_an"], "Gửi Tân An", "...")
    queue(world.users["an_hoa"], "Gửi An Hòa", "...")
    queue(world.staff["an"], "Gửi anh An", "...")
    url = reverse("notifications:message_list")
    with translation.override("en"):
        page = client_for(world.users["tan_an"]).get(url).content.decode()
        assert "Gửi Tân An" in page and "Gửi An Hòa" not in page and "Gửi anh An" not in page
        page = client_for(world.users["team_member"]).get(url).content.decode()
        assert "Gửi anh An" in page and "Gửi Tân An" not in page
        page = client_for(world.users["admin"]).get(url).content.decode()
        assert all(s in page for s in ("Gửi Tân An", "Gửi An Hòa", "Gửi anh An"))


def test_the_page_filters_by_delivery_state_and_shows_the_error(world, client_for, channels):
    queue(world.users["admin"], "Tin nhắn số một", "...", now=NOW)
    send_due(NOW)
    with translation.override("en"):
        queue(world.users["admin"], "Tin nhắn số hai", "...", channel="email")
    client = client_for(world.users["admin"])
    with translation.override("en"):
        failed = client.get(reverse("notifications:message_list"), {"state": "failed"}).content.decode()
    assert "Tin nhắn số hai" in failed and "Tin nhắn số một" not in failed
    assert "No address" in failed

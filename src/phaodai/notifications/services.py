"""Queue messages (never send inline) and send what is due, one pass at a time, with retries and backoff."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from phaodai.notifications.channels import get_channel, registry
from phaodai.notifications.models import Message, MessageState

if TYPE_CHECKING:
    from phaodai.mobilisation.models import Assignment, MobilisationDecision

logger = logging.getLogger("phaodai.notifications")

#: A sender that claimed a message and died leaves it "sending"; after this lease another pass picks it up again.
SENDING_LEASE = timedelta(minutes=10)
#: Retries: 1, 2, 4, 8, 16 minutes after the failures, then the message is given up as failed (about half an hour).
DEFAULT_MAX_ATTEMPTS = 6
DEFAULT_RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=1)
SUBJECT_MAX = Message._meta.get_field("subject").max_length


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFICATION_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: the wait after the n-th failed attempt is base × 2^(n-1), at most an hour."""
    base = timedelta(seconds=int(getattr(settings, "NOTIFICATION_RETRY_BASE_SECONDS", DEFAULT_RETRY_BASE.seconds)))
    return min(base * (2 ** max(attempts - 1, 0)), RETRY_CAP)


def queue(
    recipient: Any, subject: str, body: str, *, channel: str | None = None, key: str = "", now: datetime | None = None
) -> Message:
    """Store a message for a User or a StaffMember; the background sender delivers it.

    `channel=None` picks the first configured channel that can reach the recipient (see channels.py). A `key`
    ("decision:12:staff:345") makes the call idempotent: the message already queued under it is returned.
    Runs inside the caller's transaction, so a rolled-back workflow step leaves no message behind.
    """
    from phaodai.accounts.models import User
    from phaodai.staff.models import StaffMember

    if not isinstance(recipient, User | StaffMember):
        raise TypeError(f"queue() sends to a User or a StaffMember, not {type(recipient).__name__}")
    if key:
        existing = Message.objects.filter(key=key).first()
        if existing is not None:
            return existing
    address, code, problem = _route(recipient, channel)
    user, staff = (recipient, None) if isinstance(recipient, User) else (None, recipient)
    now = now or timezone.now()
    message = Message(
        recipient_user=user,
        recipient_staff=staff,
        channel=code,
        address=address,
        subject=" ".join(subject.split())[:SUBJECT_MAX],
        body=body.strip(),
        next_attempt_at=now,
        key=key,
    )
    if problem:
        # Nobody can be reached without an address; the message is kept, visibly failed, instead of failing the
        # workflow step that queued it (an approval must not roll back because one person has no e-mail).
        message.state, message.last_error = MessageState.FAILED, problem
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        # Two workers queued the same key at the same moment: the other one won, which is what we wanted.
        if key and (existing := Message.objects.filter(key=key).first()) is not None:
            return existing
        raise
    return message


def _route(recipient: Any, channel: str | None) -> tuple[str, str, str]:
    """(address, channel code, problem): the chosen channel and where it delivers, or why nothing can."""
    channels = registry()
    if channel is not None:
        chosen = channels.get(channel)
        if chosen is None:
            raise ValidationError(
                _("There is no notification channel “%(channel)s”. Configured channels: %(known)s.")
                % {"channel": channel, "known": ", ".join(channels) or "—"},
                code="unknown_channel",
            )
        candidates = [chosen]
    else:
        candidates = list(channels.values())
    for candidate in candidates:
        address = candidate.address_for(recipient)
        if address:
            return address, candidate.code, ""
    problem = _("No address for %(recipient)s in %(channels)s.") % {
        "recipient": recipient,
        "channels": ", ".join(c.code for c in candidates) or "—",
    }
    return "", channel or "", problem


@dataclass
class SendCounts:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0  # claimed by another sender first

    @property
    def total(self) -> int:
        return self.sent + self.retrying + self.failed


def send_due(now: datetime | None = None, *, limit: int = 500) -> SendCounts:
    """One pass: deliver the messages due at `now` (at most `limit`), record each outcome, schedule retries.

    Each message is claimed with a conditional UPDATE (state and due time unchanged → attempts + 1, "sending"), so
    two senders running at once never deliver the same message twice; no transaction is held open while a channel
    talks to a mail server.
    """
    now = now or timezone.now()
    counts = SendCounts()
    ids = list(Message.objects.due(now).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    for pk in ids:
        claimed = (
            Message.objects.due(now)
            .filter(pk=pk)
            .update(state=MessageState.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + SENDING_LEASE)
        )
        if not claimed:
            counts.skipped += 1
            continue
        message = Message.objects.select_related("recipient_user", "recipient_staff").get(pk=pk)
        channel = get_channel(message.channel)
        try:
            if channel is None:
                raise LookupError(f"the channel {message.channel!r} is not configured (NOTIFICATION_CHANNELS)")
            channel.send(message)
        except Exception as exc:  # noqa: BLE001 - any failure of a channel is recorded and retried
            error = f"{type(exc).__name__}: {exc}"[:2000]
            give_up = channel is None or message.attempts >= max_attempts()
            Message.objects.filter(pk=pk).update(
                state=MessageState.FAILED if give_up else MessageState.QUEUED,
                next_attempt_at=now if give_up else now + retry_delay(message.attempts),
                last_error=error,
            )
            logger.warning("message %s, attempt %s: %s", pk, message.attempts, error)
            if give_up:
                counts.failed += 1
            else:
                counts.retrying += 1
        else:
            Message.objects.filter(pk=pk).update(state=MessageState.SENT, sent_at=now, last_error="")
            counts.sent += 1
    return counts


@transaction.atomic
def requeue_failed(now: datetime | None = None) -> int:
    """Give the failed messages a new round of attempts (after fixing the mail settings, say). A message that had no
    address is routed again: the person may have been given an e-mail or a phone since. Returns how many are queued
    again; those still without an address stay failed."""
    now = now or timezone.now()
    failed = Message.objects.filter(state=MessageState.FAILED)
    for message in failed.filter(address="").select_related("recipient_user", "recipient_staff"):
        address, code, problem = _route(message.recipient_user or message.recipient_staff, None)
        if problem:
            Message.objects.filter(pk=message.pk).update(last_error=problem)
        else:
            Message.objects.filter(pk=message.pk).update(channel=code, address=address)
    return failed.exclude(address="").update(state=MessageState.QUEUED, attempts=0, next_attempt_at=now)


# ------------------------------------------------------------------------------------ workflow notifications


def _day(value: date) -> str:
    return date_format(value, "d/m/Y")


def _assignment_line(a: Assignment) -> str:
    person = a.staff.full_name + (f" ({a.staff.position})" if a.staff.position else "")
    return _("%(person)s, %(agency)s: %(commune)s, %(start)s to %(end)s") % {
        "person": person,
        "agency": a.agency.name,
        "commune": a.target.commune.name,
        "start": _day(a.start_date),
        "end": _day(a.end_date),
    }


def _person_message(decision: MobilisationDecision, a: Assignment) -> tuple[str, str]:
    request = a.target.request
    subject = _("Mobilised: %(commune)s, %(start)s to %(end)s") % {
        "commune": a.target.commune.name,
        "start": _day(a.start_date),
        "end": _day(a.end_date),
    }
    lines = [
        _("Dear %(name)s,") % {"name": a.staff.full_name},
        "",
        _("By decision %(number)s of %(issuer)s you are mobilised to support %(commune)s from %(start)s to %(end)s.")
        % {
            "number": decision.number,
            "issuer": decision.issuing_unit.name,
            "commune": a.target.commune.full_name,
            "start": _day(a.start_date),
            "end": _day(a.end_date),
        },
        _("Task: %(task)s")
        % {"task": request.get_task_display() + (f" ({request.task_detail})" if request.task_detail else "")},
    ]
    if request.shift_pattern:
        lines.append(_("Shifts: %(shifts)s") % {"shifts": request.shift_pattern})
    lines += [
        "",
        _(
            "Report to the People's Committee of %(commune)s on %(start)s. Sign in to phaodai and open "
            "“My assignment” for your team, your leader's phone and the commune headquarters."
        )
        % {"commune": a.target.commune.name, "start": _day(a.start_date)},
    ]
    return subject, "\n".join(lines)


def _head_message(decision: MobilisationDecision, people: list[Assignment]) -> tuple[str, str]:
    subject = _("Decision %(number)s mobilises %(count)d of your staff") % {
        "number": decision.number,
        "count": len(people),
    }
    lines = [
        _(
            "Decision %(number)s of %(issuer)s mobilises the following %(count)d people of your agency. "
            "They will stay away from the office for the period shown; each has been notified."
        )
        % {"number": decision.number, "issuer": decision.issuing_unit.name, "count": len(people)},
        "",
    ]
    lines += [f"{index}. {_assignment_line(a)}" for index, a in enumerate(people, start=1)]
    return subject, "\n".join(lines)


@transaction.atomic
def notify_decision_approved(decision: MobilisationDecision) -> list[Message]:
    """Queue one message per person mobilised by the approved decision (where, when, what) and one per agency head
    (a login with the agency_head role scoped to the agency or to its parent: the list of their people).

    Messages are written in the deployment's language (settings.LANGUAGE_CODE), whoever approves. Idempotent: each
    message has a key, so a second call queues nothing new and returns the same messages.
    """
    from phaodai.accounts.models import User
    from phaodai.accounts.roles import Role
    from phaodai.mobilisation.models import AssignmentState

    assignments = list(
        decision.assignments.filter(state=AssignmentState.APPROVED)
        .select_related("staff", "agency", "target__commune", "target__request", "decision__issuing_unit")
        .order_by("agency__name", "staff__search_name", "pk")
    )
    messages: list[Message] = []
    with translation.override(settings.LANGUAGE_CODE):
        for a in assignments:
            subject, body = _person_message(decision, a)
            messages.append(queue(a.staff, subject, body, key=f"decision:{decision.pk}:staff:{a.staff_id}"))
        agency_ids = {a.agency_id for a in assignments}
        parent_ids = {a.agency.parent_id for a in assignments if a.agency.parent_id}
        heads = User.objects.filter(role=Role.AGENCY_HEAD, is_active=True).filter(
            Q(scope_agency_id__in=agency_ids) | Q(scope_agency_id__in=parent_ids)
        )
        for head in heads.order_by("username"):
            # The head's scope is their agency and the agencies directly under it (core.scope.agency_q).
            people = [a for a in assignments if head.scope_agency_id in (a.agency_id, a.agency.parent_id)]
            subject, body = _head_message(decision, people)
            messages.append(queue(head, subject, body, key=f"decision:{decision.pk}:head:{head.pk}"))
    return messages

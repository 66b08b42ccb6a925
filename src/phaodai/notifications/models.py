"""The outbox: every notification is a stored message, sent later by `manage.py send_notifications`.

A page (or a service called by a page) only ever *queues* a message, inside its own transaction: if the approval
rolls back, so does the message, and no page waits for a mail server. The sender claims due messages, hands each
to its channel and records the outcome; a failure is retried with exponential backoff, then given up as "failed".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from phaodai.core.scope import ScopedQuerySet


class MessageState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class MessageQuerySet(ScopedQuerySet):
    # Any logged-in user has an inbox of their own; a system administrator sees every message.
    view_permission = ""

    def scope_filter(self, user) -> Q:
        own = Q(recipient_user=user)
        if getattr(user, "staff_member_id", None):
            own |= Q(recipient_staff_id=user.staff_member_id)
        return own

    def due(self, now) -> MessageQuerySet:
        # A message left "sending" past its lease belongs to a sender that died: it is due again.
        return self.filter(state__in=[MessageState.QUEUED, MessageState.SENDING], next_attempt_at__lte=now)


class Message(models.Model):
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient (user)"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
    )
    recipient_staff = models.ForeignKey(
        "staff.StaffMember",
        verbose_name=_("recipient (civil servant)"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
    )
    channel = models.CharField(_("channel"), max_length=32)
    address = models.CharField(
        _("address"), max_length=254, blank=True, help_text=_("Where the channel delivers: an e-mail, a phone, ...")
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    state = models.CharField(_("state"), max_length=16, choices=MessageState.choices, default=MessageState.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    # What the message is about, e.g. "decision:12:staff:345": queueing the same key twice gives the first message
    # back, so a workflow step that runs again does not notify people twice.
    key = models.CharField(max_length=120, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="message_has_a_recipient",
                condition=Q(recipient_user__isnull=False) | Q(recipient_staff__isnull=False),
            ),
            models.CheckConstraint(name="message_state_valid", condition=Q(state__in=[s.value for s in MessageState])),
            models.CheckConstraint(
                name="message_sent_has_time", condition=~Q(state=MessageState.SENT) | Q(sent_at__isnull=False)
            ),
            models.UniqueConstraint(fields=["key"], condition=~Q(key=""), name="message_key_unique"),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="message_due")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient_label}"

    @property
    def recipient_label(self) -> str:
        if self.recipient_staff_id:
            return str(self.recipient_staff)
        user = self.recipient_user
        return user.get_full_name() or user.username

    @property
    def is_final(self) -> bool:
        return self.state in (MessageState.SENT, MessageState.FAILED)

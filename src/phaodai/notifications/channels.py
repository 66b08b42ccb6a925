"""Delivery channels, pluggable.

A channel knows where a recipient can be reached (`address_for`) and how to deliver one message there (`send`,
which raises on failure; the outbox retries). The deployment lists its channels in settings.NOTIFICATION_CHANNELS,
dotted paths in order of preference: `queue()` without a channel picks the first one that has an address for the
recipient. An SMS or Zalo gateway is one more subclass: `code = "sms"`, `address_for` → the person's phone,
`send` → the gateway's HTTP call; add its path to the setting.
"""

from __future__ import annotations

import logging
import sys
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from phaodai.notifications.models import Message

logger = logging.getLogger("phaodai.notifications")

DEFAULT_CHANNELS = [
    "phaodai.notifications.channels.EmailChannel",
    "phaodai.notifications.channels.ConsoleChannel",
]


def contact_of(recipient: Any) -> tuple[Any, Any]:
    """(user, staff member) of a recipient given as either; the other is found through User.staff_member."""
    from phaodai.accounts.models import User

    if isinstance(recipient, User):
        return recipient, recipient.staff_member
    user = User.objects.filter(staff_member=recipient, is_active=True).first()
    return user, recipient


class Channel:
    code: str = ""
    label: str = ""

    def address_for(self, recipient: Any) -> str:
        """Where this channel reaches the recipient (a User or a StaffMember); "" if it cannot."""
        raise NotImplementedError

    def send(self, message: Message) -> None:
        """Deliver the message to message.address. Raise any exception on failure: the outbox retries."""
        raise NotImplementedError


class ConsoleChannel(Channel):
    """Writes the message to standard output (and the log): development, demos, and a fallback that always works."""

    code = "console"
    label = "Console"

    def address_for(self, recipient: Any) -> str:
        user, staff = contact_of(recipient)
        return (staff.phone if staff else "") or (user.username if user else "") or str(recipient)

    def send(self, message: Message) -> None:
        text = (
            f"[{message.channel} → {message.recipient_label} <{message.address}>] {message.subject}\n{message.body}\n"
        )
        sys.stdout.write(text)
        sys.stdout.flush()
        logger.info("console message %s to %s: %s", message.pk, message.address, message.subject)


class EmailChannel(Channel):
    """E-mail through Django's mail settings (EMAIL_BACKEND, EMAIL_HOST, ...). Reaches people who have a login with
    an e-mail address."""

    code = "email"
    label = "E-mail"

    def address_for(self, recipient: Any) -> str:
        user, _staff = contact_of(recipient)
        return (user.email if user else "") or ""

    def send(self, message: Message) -> None:
        send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.address], fail_silently=False)


@cache
def _load(paths: tuple[str, ...]) -> dict[str, Channel]:
    channels: dict[str, Channel] = {}
    for path in paths:
        try:
            channel = import_string(path)()
        except ImportError as exc:
            raise ImproperlyConfigured(f"NOTIFICATION_CHANNELS: cannot import {path!r} ({exc}).") from exc
        if not isinstance(channel, Channel) or not channel.code:
            raise ImproperlyConfigured(f"NOTIFICATION_CHANNELS: {path!r} is not a Channel with a code.")
        channels[channel.code] = channel
    return channels


def registry() -> dict[str, Channel]:
    """The configured channels by code, in order of preference."""
    return _load(tuple(getattr(settings, "NOTIFICATION_CHANNELS", None) or DEFAULT_CHANNELS))


def get_channel(code: str) -> Channel | None:
    return registry().get(code)

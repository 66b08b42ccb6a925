""" "My shifts": a person's own shifts of published rosters, on a phone and as an iCalendar feed.

Found through the login's own civil-servant record (`user.staff_member`) only, whatever the role's jurisdiction:
a person sees their shifts, the site (address, phone) and who else is on each shift with them — nothing more.

The feed is fetched by calendar apps that cannot log in, so its secret token (CalendarFeed) is the only key: 256
random bits (`secrets.token_urlsafe(32)`), replaced on request (the old link stops working at once). Because a
link can leak (a shared calendar, a screenshot), the feed says less than the page: when and where the person is on
duty, the shift's name and the site's duty phone — never a colleague's name or phone.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from phaodai.core.audit import acting_as
from phaodai.duty.models import CalendarFeed, RosterStatus, ShiftAssignment

#: The feed also carries the shifts of this past period (a calendar app keeps what it has already shown).
FEED_PAST = timedelta(days=31)
#: Calendar apps refresh a feed about this often (a hint; each app decides).
REFRESH_INTERVAL = "PT6H"
PRODID = "-//phaodai//Lich truc//VI"


def published_assignments(staff_id: int | None) -> QuerySet[ShiftAssignment]:
    """The person's places on shifts of published rosters (never a draft nor a superseded version)."""
    if staff_id is None:
        return ShiftAssignment.objects.none()
    return (
        ShiftAssignment.objects.filter(staff_id=staff_id, shift__roster__status=RosterStatus.PUBLISHED)
        .select_related("shift__site", "shift__roster")
        .order_by("shift__start", "pk")
    )


def upcoming_shifts(user: Any, now: datetime | None = None) -> list[ShiftAssignment]:
    """The person's shifts not yet over, each with `others` (the other people on it, leader first) and `leader`."""
    now = now or timezone.now()
    rows = list(
        published_assignments(getattr(user, "staff_member_id", None))
        .filter(shift__end__gt=now)
        .prefetch_related(
            Prefetch(
                "shift__assignments",
                queryset=ShiftAssignment.objects.select_related("staff").order_by("-as_leader", "staff__search_name"),
            )
        )
    )
    for row in rows:
        everyone = list(row.shift.assignments.all())
        row.others = [a for a in everyone if a.staff_id != row.staff_id]
        row.leader = next((a for a in everyone if a.as_leader), None)
        row.is_current = row.shift.start <= now
    return rows


def feed_of(user: Any) -> CalendarFeed | None:
    staff_id = getattr(user, "staff_member_id", None)
    return CalendarFeed.objects.filter(staff_id=staff_id).first() if staff_id else None


def new_token() -> str:
    return secrets.token_urlsafe(32)


def reset_feed(user: Any) -> CalendarFeed:
    """Give the person a calendar link, or a new one in place of the old (which stops working at once)."""
    staff = getattr(user, "staff_member", None)
    if staff is None:
        raise ValidationError(
            _("Your login is not linked to a civil-servant record, so it has no shifts to subscribe to."),
            code="no_staff_record",
        )
    with acting_as(user), transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(staff=staff).first()
        if feed is None:
            return CalendarFeed.objects.create(staff=staff, token=new_token())
        feed.token = new_token()
        feed.save(update_fields=["token"])
        return feed


def feed_by_token(token: str) -> CalendarFeed | None:
    """The feed whose token this is; None for anything else (an unknown, empty or malformed token)."""
    if not token or len(token) > 64:
        return None
    return CalendarFeed.objects.filter(token=token).select_related("staff").first()


def feed_events(feed: CalendarFeed, now: datetime | None = None) -> QuerySet[ShiftAssignment]:
    now = now or timezone.now()
    return published_assignments(feed.staff_id).filter(shift__end__gt=now - FEED_PAST)


def feed_ics(feed: CalendarFeed, now: datetime | None = None) -> bytes:
    """The person's shifts as an iCalendar (RFC 5545) document: one VEVENT per place on a shift, its UID stable for
    that place (so an app updates the event rather than duplicating it), times in UTC."""
    now = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Lịch trực")
    calendar.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH_INTERVAL)
    stamp = now.astimezone(UTC).replace(microsecond=0)
    for row in feed_events(feed, now):
        shift, site = row.shift, row.shift.site
        event = Event()
        event.add("uid", f"shift-assignment-{row.pk}@phaodai")
        event.add("dtstamp", stamp)
        event.add("dtstart", shift.start.astimezone(UTC))
        event.add("dtend", shift.end.astimezone(UTC))
        event.add("summary", f"Trực: {site.name}")
        if site.address:
            event.add("location", site.address)
        details = [f"Ca: {shift.name}"]
        if row.as_leader:
            details.append("Trực lãnh đạo")
        if site.phone:
            details.append(f"Điện thoại trực: {site.phone}")
        event.add("description", "\n".join(details))
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical()

"""Escalation of help requests nobody acknowledged in time (issue #6, item 8).

A request still NEW past its `acknowledge_by` goes one level up: commune → district → city (under the two-level
structure, commune → city). Level n means "the n-th unit above the commune has been told": its help.act users get a
message, the request gets an ESCALATED step and a new acknowledge_by (the category's delay again). The level is the
guard: the UPDATE only matches the row at the level read, so two passes (or two workers) never escalate the same
level twice. At the city there is nowhere higher: the request stays overdue on the lists.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from phaodai.core.audit import acting_as
from phaodai.duty.calls import _notify_responders, _step, acknowledge_deadline, users_of_unit
from phaodai.duty.models import HelpRequest, HelpStatus, HelpStepKind
from phaodai.places.models import AdminUnit


def escalation_chain(commune: AdminUnit) -> list[AdminUnit]:
    """The commune, then the units above it up to the province: index = escalation level."""
    return [commune, *reversed(list(commune.ancestors()))]


def escalate_overdue(now: datetime | None = None) -> int:
    """Escalate every overdue, unacknowledged request one level; the number escalated."""
    now = now or timezone.now()
    count = 0
    due = (
        HelpRequest.objects.filter(status=HelpStatus.NEW, acknowledge_by__lte=now)
        .select_related("commune", "neighbourhood", "routed_to_team", "routed_to_site")
        .order_by("acknowledge_by", "pk")
    )
    for hr in due.iterator(chunk_size=500):
        chain = escalation_chain(hr.commune)
        level = hr.escalation_level
        if level + 1 >= len(chain):
            continue  # already at the city: nothing higher to tell
        new_deadline = acknowledge_deadline(hr.category, now)
        with acting_as(None), transaction.atomic():
            won = HelpRequest.objects.filter(
                pk=hr.pk, status=HelpStatus.NEW, escalation_level=level, acknowledge_by__lte=now
            ).update(escalation_level=F("escalation_level") + 1, escalated_at=now, acknowledge_by=new_deadline)
            if not won:
                continue  # acknowledged meanwhile, or another pass escalated this level
            hr.escalation_level, hr.escalated_at, hr.acknowledge_by = level + 1, now, new_deadline
            above = chain[level + 1]
            note = _("Not acknowledged in time: escalated to %(unit)s.") % {"unit": above.name}
            step = _step(hr, HelpStepKind.ESCALATED, None, now, note)
            _notify_responders(hr, step, users_of_unit(above))
        count += 1
    return count

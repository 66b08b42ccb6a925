"""Setting a delegation's reporting deadlines (issue #5, item 4).

Who: whoever organises delegations (mobilisation.organise) or edits report forms (reporting.forms), for a delegation
in their jurisdiction. The times are local to the delegation's time zone (deadlines.py turns them into instants);
reports already stored keep the deadline they were counted against.
"""

from __future__ import annotations

from datetime import time
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from phaodai.core.audit import acting_as
from phaodai.mobilisation.models import Delegation
from phaodai.reporting.models import ReportingSchedule

PERMISSIONS = ("mobilisation.organise", "reporting.forms")


@cache
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def may_edit_schedules(user: Any) -> bool:
    return any(user.has_role_perm(p) for p in PERMISSIONS)


def update_schedule(
    user: Any, delegation: Delegation, *, team_deadline: time, delegation_deadline: time, time_zone: str
) -> ReportingSchedule:
    """Save the delegation's deadlines (creating its schedule on first use). Every problem is reported at once."""
    if not Delegation.objects.visible_to(user).filter(pk=delegation.pk).exists():
        raise Http404  # outside the user's jurisdiction: the delegation does not exist for them
    if not may_edit_schedules(user):
        raise PermissionDenied(_("Your role does not allow changing reporting deadlines."))
    errors: dict[str, list[str]] = {}
    time_zone = (time_zone or "").strip()
    if time_zone not in known_zones():
        errors["time_zone"] = [
            _("“%(zone)s” is not a known time zone; use a name such as Asia/Ho_Chi_Minh.") % {"zone": time_zone}
        ]
    if team_deadline is None:
        errors["team_deadline"] = [_("Give the time team reports are due.")]
    if delegation_deadline is None:
        errors["delegation_deadline"] = [_("Give the time the delegation's report is due.")]
    elif team_deadline is not None and team_deadline >= delegation_deadline:
        errors["delegation_deadline"] = [
            _(
                "The delegation's report (%(delegation)s) must be due after the team reports (%(team)s): the head "
                "consolidates what the teams sent."
            )
            % {"delegation": f"{delegation_deadline:%H:%M}", "team": f"{team_deadline:%H:%M}"}
        ]
    if errors:
        raise ValidationError(errors)
    with acting_as(user), transaction.atomic():
        schedule = ReportingSchedule.objects.select_for_update().filter(delegation=delegation).first()
        if schedule is None:
            schedule = ReportingSchedule(delegation=delegation)
        schedule.team_deadline = team_deadline
        schedule.delegation_deadline = delegation_deadline
        schedule.time_zone = time_zone
        schedule.save()
    # The delegation object may have cached "no schedule": let the caller see the new one.
    delegation.reporting_schedule = schedule
    return schedule

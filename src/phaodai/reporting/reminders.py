"""Reminders (issue #5, item 6): three rounds a day, through the outbox, never twice.

For every active work delegation, on its local day (deadlines.local_day), with its own deadlines:
- team deadline − 30 min (16:30 by default): each leader of a team expected today that has not reported;
- team deadline + 15 min (17:15): the head and deputies, with the teams still missing;
- delegation deadline (18:00): the coordination team, with the delegations that have not sent their report (one
  round per coordination team and day, due when the last of its delegations' deadlines has passed).

A round is claimed by inserting its ReminderRun (kind, day, subject) in the same transaction as the messages it
queues: the unique constraint lets one scheduler win and makes a restarted or duplicated one skip the round
(IntegrityError). A round whose time passed while the scheduler was down is sent at the next pass on the same local
day, never on a later day: only "today" is looked at. Who is missing is decided when the round is sent, so a team
that reported in the meantime is not reminded. `manage.py send_reminders --loop` runs this every minute.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from phaodai.accounts.models import User
from phaodai.accounts.roles import PERMISSIONS
from phaodai.mobilisation.models import CoordinationTeam, Delegation, DelegationKind, Team
from phaodai.notifications.services import queue
from phaodai.reporting.deadlines import (
    delegation_deadline,
    is_active,
    local_day,
    schedule_for,
    team_days,
    team_deadline,
    zone,
)
from phaodai.reporting.models import DelegationReport, ReminderKind, ReminderRun, TeamReport

logger = logging.getLogger("phaodai.reporting")

#: The leaders' reminder goes this long before the team deadline; the heads' this long after it.
LEADERS_BEFORE = timedelta(minutes=30)
HEADS_AFTER = timedelta(minutes=15)
COORDINATE = "reporting.coordinate"


@dataclass
class Round:
    kind: str
    day: date
    subject: str
    due_at: datetime
    delegations: list[Delegation] = field(default_factory=list)
    coordination: CoordinationTeam | None = None

    @property
    def claim(self) -> tuple[str, date, str]:
        return (self.kind, self.day, self.subject)


def _candidates(now: datetime):
    # Local days differ from the UTC date by at most one: a window of ±1 day, then the exact check per delegation.
    utc_day = now.astimezone(UTC).date()
    return (
        Delegation.objects.filter(
            kind=DelegationKind.WORK,
            start_date__lte=utc_day + timedelta(days=1),
            end_date__gte=utc_day - timedelta(days=1),
        )
        .select_related("reporting_schedule", "coordination_team__unit", "head")
        .order_by("pk")
    )


def due_rounds(now: datetime | None = None) -> list[Round]:
    """The rounds whose time has come on their local day and that no scheduler has run yet."""
    now = now or timezone.now()
    rounds: list[Round] = []
    groups: dict[tuple[int, date], list[Delegation]] = defaultdict(list)
    for delegation in _candidates(now):
        today = local_day(delegation, now)
        if not is_active(delegation, today):
            continue
        deadline = team_deadline(delegation, today)
        subject = f"delegation:{delegation.pk}"
        if now >= deadline - LEADERS_BEFORE:
            rounds.append(Round(ReminderKind.TEAM_LEADERS, today, subject, deadline - LEADERS_BEFORE, [delegation]))
        if now >= deadline + HEADS_AFTER:
            rounds.append(Round(ReminderKind.DELEGATION_HEADS, today, subject, deadline + HEADS_AFTER, [delegation]))
        groups[(delegation.coordination_team_id, today)].append(delegation)
    for (team_pk, day), delegations in groups.items():
        due = max(delegation_deadline(d, day) for d in delegations)
        if now >= due:
            rounds.append(
                Round(
                    ReminderKind.COORDINATION,
                    day,
                    f"coordination:{team_pk}",
                    due,
                    delegations,
                    delegations[0].coordination_team,
                )
            )
    if not rounds:
        return []
    done = set(
        ReminderRun.objects.filter(
            day__in={r.day for r in rounds}, subject__in={r.subject for r in rounds}
        ).values_list("kind", "day", "subject")
    )
    return [r for r in rounds if r.claim not in done]


def send_due_reminders(now: datetime | None = None) -> int:
    """Send every due round once; returns how many messages were queued. A round another scheduler claimed first
    is skipped; a round that fails is rolled back (nothing claimed, nothing queued) and tried again next pass."""
    now = now or timezone.now()
    total = 0
    for round_ in due_rounds(now):
        try:
            sent = _send_round(round_, now)
        except Exception:  # one broken round must not hold up the others
            logger.exception("reminder round %s failed", round_.claim)
            continue
        total += sent or 0
    return total


def _send_round(round_: Round, now: datetime) -> int | None:
    try:
        with transaction.atomic():
            run = ReminderRun.objects.create(kind=round_.kind, day=round_.day, subject=round_.subject, ran_at=now)
            with translation.override(settings.LANGUAGE_CODE):
                count = SENDERS[round_.kind](round_, now)
            run.messages = count
            run.save(update_fields=["messages"])
    except IntegrityError:
        logger.info("reminder round %s already claimed by another scheduler", round_.claim)
        return None
    return count


# ------------------------------------------------------------------------------------------------ who is missing


def missing_teams(delegation: Delegation, day: date) -> list[Team]:
    """The delegation's teams expected to report on `day` (deadlines.team_days) that have not."""
    teams = list(delegation.teams.select_related("leader").order_by("name"))
    for team in teams:
        team.delegation = delegation
    expected = team_days(teams, day, day)
    reported = set(TeamReport.objects.filter(team__in=teams, day=day).values_list("team_id", flat=True))
    return [t for t in teams if day in expected[t.pk] and t.pk not in reported]


def missing_delegations(delegations: list[Delegation], day: date) -> list[Delegation]:
    sent = set(
        DelegationReport.objects.filter(delegation__in=delegations, day=day).values_list("delegation_id", flat=True)
    )
    return sorted((d for d in delegations if d.pk not in sent), key=lambda d: d.name)


def coordination_recipients(team: CoordinationTeam) -> list[User]:
    """The coordination team's own logins (the users with its e-mail or phone); when it has none, the users who
    follow reporting (reporting.coordinate) with the team's unit as their jurisdiction."""
    users = User.objects.filter(is_active=True).select_related("staff_member")
    own = Q(pk__in=[])
    if team.email:
        own |= Q(email__iexact=team.email)
    if team.phone:
        own |= Q(phone=team.phone) | Q(staff_member__phone=team.phone)
    found = list(users.filter(own).order_by("username"))
    if found:
        return found
    roles = [role for role, perms in PERMISSIONS.items() if COORDINATE in perms]
    return list(users.filter(role__in=roles, scope_unit_id=team.unit_id).order_by("username"))


# ------------------------------------------------------------------------------------------------ the messages


def _clock(instant: datetime, delegation: Delegation) -> str:
    return instant.astimezone(zone(schedule_for(delegation))).strftime("%H:%M")


def _day(day: date) -> str:
    return date_format(day, "d/m/Y")


def _person_line(name: str, phone: str) -> str:
    return f"{name}, {phone}" if phone else name


def _send_leaders(round_: Round, now: datetime) -> int:
    delegation = round_.delegations[0]
    deadline = team_deadline(delegation, round_.day)
    by_leader: dict[int, list[Team]] = defaultdict(list)
    for team in missing_teams(delegation, round_.day):
        by_leader[team.leader_id].append(team)
    count = 0
    for teams in by_leader.values():
        leader = teams[0].leader
        names = ", ".join(t.name for t in teams)
        values = {"teams": names, "day": _day(round_.day), "time": _clock(deadline, delegation)}
        subject = _("Reminder: the report of %(teams)s for %(day)s is due by %(time)s") % values
        if now < deadline:
            when = _("It is due by %(time)s today.") % values
        else:
            when = _("It was due by %(time)s: send it now; it will be marked late.") % values
        body = "\n".join(
            [
                _("Dear %(name)s,") % {"name": leader.full_name},
                "",
                _("The daily report of %(teams)s (%(delegation)s) for %(day)s has not been received yet.")
                % {**values, "delegation": delegation.name},
                when,
                _("Open phaodai on your phone and send it: it takes a minute."),
            ]
        )
        key = f"reminder:{round_.kind}:{round_.day}:{round_.subject}:staff:{leader.pk}"
        queue(leader, subject, body, key=key, now=now)
        count += 1
    return count


def _send_heads(round_: Round, now: datetime) -> int:
    delegation = round_.delegations[0]
    missing = missing_teams(delegation, round_.day)
    if not missing:
        return 0
    deadline = team_deadline(delegation, round_.day)
    values = {
        "n": len(missing),
        "delegation": delegation.name,
        "day": _day(round_.day),
        "time": _clock(deadline, delegation),
    }
    subject = _("%(delegation)s: %(n)d team report(s) missing for %(day)s") % values
    lines = [
        _("These teams had not sent their report for %(day)s by %(time)s:") % values,
        "",
        *(
            f"{i}. {team.name} — {_person_line(team.leader.full_name, team.leader.phone)}"
            for i, team in enumerate(missing, start=1)
        ),
        "",
        _(
            "Call their leaders. The delegation's report can be sent with teams missing: it will say which ones "
            "(due by %(time)s)."
        )
        % {"time": _clock(delegation_deadline(delegation, round_.day), delegation)},
    ]
    body = "\n".join(lines)
    people = [delegation.head, *delegation.deputies.order_by("full_name")]
    count = 0
    for person in {p.pk: p for p in people}.values():
        key = f"reminder:{round_.kind}:{round_.day}:{round_.subject}:staff:{person.pk}"
        queue(person, subject, body, key=key, now=now)
        count += 1
    return count


def _send_coordination(round_: Round, now: datetime) -> int:
    team = round_.coordination
    missing = missing_delegations(round_.delegations, round_.day)
    if not missing or team is None:
        return 0
    recipients = coordination_recipients(team)
    if not recipients:
        logger.warning("coordination team %s has nobody to remind (no login with its e-mail or phone)", team.pk)
        return 0
    values = {"n": len(missing), "team": team.name, "day": _day(round_.day)}
    subject = _("%(team)s: %(n)d delegation report(s) missing for %(day)s") % values
    lines = [_("These delegations had not sent their daily report for %(day)s:") % values, ""]
    for i, delegation in enumerate(missing, start=1):
        head = _person_line(delegation.head.full_name, delegation.head.phone)
        due = _clock(delegation_deadline(delegation, round_.day), delegation)
        lines.append(f"{i}. {delegation.name} — " + _("head: %(head)s (due by %(time)s)") % {"head": head, "time": due})
    body = "\n".join(lines)
    count = 0
    for user in recipients:
        key = f"reminder:{round_.kind}:{round_.day}:{round_.subject}:user:{user.pk}"
        queue(user, subject, body, key=key, now=now)
        count += 1
    return count


SENDERS: dict[str, Any] = {
    ReminderKind.TEAM_LEADERS: _send_leaders,
    ReminderKind.DELEGATION_HEADS: _send_heads,
    ReminderKind.COORDINATION: _send_coordination,
}

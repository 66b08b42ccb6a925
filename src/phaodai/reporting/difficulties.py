"""Difficulties (khó khăn, vướng mắc) followed to the end (issue #5, item 7): raise, route, act, age.

A difficulty is raised from a team or delegation report (where = the delegation's commune) or on its own (a unit
in the raiser's jurisdiction). It goes to the lowest level that can act on it (ROUTING_RULES), is due within a time
set by its severity (DUE_AFTER), and moves through open → acknowledged → resolved (an answer is required), or is
referred up to the parent of the unit that holds it, where it is open again with a new due time. The reporter may
reopen a resolved difficulty, with a reason. Every step is a DifficultyStep row written in the same transaction as
the change, with the actor recorded by auditlog (acting_as), and the people concerned are told through the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from phaodai.accounts.roles import PERMISSIONS
from phaodai.core.audit import acting_as
from phaodai.mobilisation.models import Delegation
from phaodai.places.models import AdminUnit, Level
from phaodai.reporting.models import (
    DelegationReport,
    Difficulty,
    DifficultyCategory,
    DifficultyStatus,
    DifficultyStep,
    DifficultyStepKind,
    Severity,
    TeamReport,
)

RAISE, ACT = "difficulty.raise", "difficulty.act"

#: Routing: the first rule whose category and severity match (None = any) gives the level that must act. The
#: difficulty goes to the unit at that level above (or at) where it arose; under the two-level structure, where
#: there is no district, "district" means the province (the nearest level above). Rules before the severity
#: defaults are the categories that need a higher level whatever the severity.
ROUTING_RULES: tuple[tuple[str | None, str | None, int], ...] = (
    # Civil servants are mobilised by the city (Home Affairs, Party Organisation Board): only it can send more.
    (DifficultyCategory.STAFF, None, Level.PROVINCE),
    # A critical medical difficulty (oxygen, beds, transfers) is the Department of Health's, at the city.
    (DifficultyCategory.MEDICAL, Severity.CRITICAL, Level.PROVINCE),
    # By severity: what the commune can settle itself, what needs the district, what needs the city.
    (None, Severity.LOW, Level.COMMUNE),
    (None, Severity.MEDIUM, Level.COMMUNE),
    (None, Severity.HIGH, Level.DISTRICT),
    (None, Severity.CRITICAL, Level.PROVINCE),
)

#: How long the acting unit has to answer, by severity (from raising, or from a referral or reopening).
DUE_AFTER: dict[str, timedelta] = {
    Severity.CRITICAL: timedelta(hours=4),
    Severity.HIGH: timedelta(hours=24),
    Severity.MEDIUM: timedelta(hours=48),
    Severity.LOW: timedelta(hours=72),
}

#: Statuses in which the acting unit still has to do something (what the ageing view counts).
PENDING = (DifficultyStatus.OPEN, DifficultyStatus.ACKNOWLEDGED, DifficultyStatus.REFERRED)

#: Age buckets of the ageing view: (label, lower bound inclusive, upper bound exclusive or None).
AGE_BUCKETS: tuple[tuple[str, timedelta, timedelta | None], ...] = (
    ("lt_1d", timedelta(0), timedelta(days=1)),
    ("1_3d", timedelta(days=1), timedelta(days=3)),
    ("3_7d", timedelta(days=3), timedelta(days=7)),
    ("gt_7d", timedelta(days=7), None),
)


# --------------------------------------------------------------------------------------------------------------
# Rules


def routing_level(category: str, severity: str) -> int:
    for rule_category, rule_severity, level in ROUTING_RULES:
        if rule_category in (None, category) and rule_severity in (None, severity):
            return int(level)
    raise ValueError(f"no routing rule for {category}/{severity}")  # pragma: no cover - the table covers all


def route(unit: AdminUnit, category: str, severity: str) -> AdminUnit:
    """The unit that must act: the deepest of `unit` and its ancestors whose level is at or above the rule's level.

    A unit above the rule's level acts itself (nothing goes down); with no district (two-level structure) a
    "district" difficulty goes to the province.
    """
    target = routing_level(category, severity)
    chain = [*unit.ancestors(), unit]  # province first
    eligible = [u for u in chain if u.level <= target]
    return eligible[-1] if eligible else chain[0]


def due_time(severity: str, start: datetime) -> datetime:
    return start + DUE_AFTER[severity]


def in_scope(user: Any, unit: AdminUnit) -> bool:
    """The unit lies in the user's jurisdiction (a unit subtree; city-wide roles see everything)."""
    if user.sees_everything:
        return True
    return user.scope_unit_id is not None and unit.path.startswith(user.scope_unit.path)


def leads(user: Any, delegation: Delegation) -> bool:
    """The user is the delegation's head or deputy, or leads one of its teams."""
    staff_id = getattr(user, "staff_member_id", None)
    if not staff_id:
        return False
    return (
        delegation.head_id == staff_id
        or delegation.deputies.filter(pk=staff_id).exists()
        or delegation.teams.filter(leader_id=staff_id).exists()
    )


def may_act(user: Any, difficulty: Difficulty) -> bool:
    return bool(user.has_role_perm(ACT) and in_scope(user, difficulty.acting_unit))


def may_reopen(user: Any, difficulty: Difficulty) -> bool:
    return difficulty.status == DifficultyStatus.RESOLVED and difficulty.raised_by_id == user.pk


def may_comment(user: Any, difficulty: Difficulty) -> bool:
    return may_act(user, difficulty) or difficulty.raised_by_id == user.pk


def allowed_actions(user: Any, difficulty: Difficulty) -> list[str]:
    """The actions the page and the API offer this user on this difficulty, in order."""
    actions: list[str] = []
    if may_act(user, difficulty) and difficulty.status in PENDING:
        if difficulty.status != DifficultyStatus.ACKNOWLEDGED:
            actions.append("acknowledge")
        actions.append("resolve")
        if difficulty.acting_unit.parent_id is not None:
            actions.append("refer")
    if may_reopen(user, difficulty):
        actions.append("reopen")
    if may_comment(user, difficulty):
        actions.append("comment")
    return actions


# --------------------------------------------------------------------------------------------------------------
# Raising


def _choice(value: str, choices: type, field_name: str, what: str) -> str:
    valid = [c.value for c in choices]
    if value not in valid:
        raise ValidationError(
            {
                field_name: _("“%(value)s” is not a %(what)s. Choose one of: %(valid)s.")
                % {"value": value, "what": what, "valid": ", ".join(valid)}
            },
            code="invalid_choice",
        )
    return value


def raise_difficulty(
    user: Any,
    *,
    category: str,
    severity: str,
    title: str,
    description: str,
    unit: AdminUnit | None = None,
    delegation: Delegation | None = None,
    team_report: TeamReport | None = None,
    delegation_report: DelegationReport | None = None,
    now: datetime | None = None,
) -> Difficulty:
    """Raise a difficulty, route it, give it a due time, write its first step and tell the acting unit's users."""
    if not user.has_role_perm(RAISE):
        raise PermissionDenied(_("Your role does not allow raising difficulties."))
    _choice(category, DifficultyCategory, "category", _("difficulty category"))
    _choice(severity, Severity, "severity", _("severity"))
    title, description = (title or "").strip(), (description or "").strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Give the difficulty a short title.")
    if not description:
        errors["description"] = _("Describe the difficulty: what is wrong, where, and what is needed.")
    if errors:
        raise ValidationError(errors, code="required")
    if team_report is not None and delegation_report is not None:
        raise ValidationError(_("Raise a difficulty from one report at a time."), code="two_reports")

    if team_report is not None:
        if not TeamReport.objects.visible_to(user).filter(pk=team_report.pk).exists():
            raise ValidationError(_("This team report is not one you can see."), code="report_out_of_scope")
        delegation = team_report.team.delegation
    elif delegation_report is not None:
        if not DelegationReport.objects.visible_to(user).filter(pk=delegation_report.pk).exists():
            raise ValidationError(_("This delegation report is not one you can see."), code="report_out_of_scope")
        delegation = delegation_report.delegation
    if delegation is not None:
        if unit is not None and unit.pk != delegation.target_unit_id:
            raise ValidationError(
                {
                    "unit": _("A difficulty of a delegation arises in the commune it was sent to, %(unit)s.")
                    % {"unit": delegation.target_unit.name}
                },
                code="unit_mismatch",
            )
        unit = delegation.target_unit
        if not (in_scope(user, unit) or leads(user, delegation)):
            raise ValidationError(
                {
                    "delegation": _(
                        "You may raise difficulties only for a delegation or team you lead or within your jurisdiction."
                    )
                },
                code="out_of_scope",
            )
    elif unit is None:
        raise ValidationError({"unit": _("Say where the difficulty is (the unit).")}, code="required")
    elif not in_scope(user, unit):
        raise ValidationError(
            {
                "unit": _("%(unit)s is outside your jurisdiction: raise difficulties only where you work.")
                % {"unit": unit}
            },
            code="out_of_scope",
        )

    now = now or timezone.now()
    acting_unit = route(unit, category, severity)
    with acting_as(user), transaction.atomic():
        difficulty = Difficulty.objects.create(
            unit=unit,
            delegation=delegation,
            team_report=team_report,
            delegation_report=delegation_report,
            category=category,
            severity=severity,
            title=title[:200],
            description=description,
            acting_unit=acting_unit,
            status=DifficultyStatus.OPEN,
            due_at=due_time(severity, now),
            raised_by=user,
            raised_at=now,
        )
        step = _step(difficulty, DifficultyStepKind.RAISED, user, now, description, None, acting_unit)
        _notify_acting_unit(difficulty, step)
    return difficulty


# --------------------------------------------------------------------------------------------------------------
# Acting


def _locked(difficulty: Difficulty) -> Difficulty:
    """The row again, locked for the transaction: two people acting at once are done one after the other."""
    return Difficulty.objects.select_for_update().select_related("acting_unit", "raised_by").get(pk=difficulty.pk)


def _require_act(user: Any, difficulty: Difficulty) -> None:
    if not user.has_role_perm(ACT):
        raise PermissionDenied(_("Your role does not allow acting on difficulties."))
    if not in_scope(user, difficulty.acting_unit):
        raise PermissionDenied(
            _("This difficulty is with %(unit)s: only that unit (or a level above it) acts on it.")
            % {"unit": difficulty.acting_unit.name}
        )


def _require_pending(difficulty: Difficulty) -> None:
    if difficulty.status not in PENDING:
        raise ValidationError(
            _("This difficulty is resolved: the reporter may reopen it if the answer does not settle it."),
            code="resolved",
        )


def _require_note(note: str, message: str, field_name: str = "note") -> str:
    note = (note or "").strip()
    if not note:
        raise ValidationError({field_name: message}, code="required")
    return note


def acknowledge(user: Any, difficulty: Difficulty, note: str = "", now: datetime | None = None) -> Difficulty:
    now = now or timezone.now()
    with acting_as(user), transaction.atomic():
        d = _locked(difficulty)
        _require_act(user, d)
        _require_pending(d)
        if d.status == DifficultyStatus.ACKNOWLEDGED:
            raise ValidationError(_("This difficulty is already acknowledged."), code="already_acknowledged")
        d.status, d.acknowledged_at = DifficultyStatus.ACKNOWLEDGED, now
        d.save(update_fields=["status", "acknowledged_at"])
        _step(d, DifficultyStepKind.ACKNOWLEDGED, user, now, note.strip(), d.acting_unit, d.acting_unit)
    return d


def refer(user: Any, difficulty: Difficulty, note: str, now: datetime | None = None) -> Difficulty:
    """Refer up to the parent of the acting unit: open again there, with a new due time."""
    now = now or timezone.now()
    with acting_as(user), transaction.atomic():
        d = _locked(difficulty)
        _require_act(user, d)
        _require_pending(d)
        note = _require_note(note, _("Say why the difficulty is referred up and what is needed from the level above."))
        here = d.acting_unit
        if here.parent_id is None:
            raise ValidationError(
                _("%(unit)s is the province, the highest level: it cannot be referred further; resolve it here.")
                % {"unit": here.name},
                code="top_level",
            )
        d.acting_unit = here.parent
        d.status, d.acknowledged_at, d.due_at = DifficultyStatus.REFERRED, None, due_time(d.severity, now)
        d.save(update_fields=["acting_unit", "status", "acknowledged_at", "due_at"])
        step = _step(d, DifficultyStepKind.REFERRED, user, now, note, here, d.acting_unit)
        _notify_acting_unit(d, step)
    return d


def resolve(user: Any, difficulty: Difficulty, answer: str, now: datetime | None = None) -> Difficulty:
    now = now or timezone.now()
    with acting_as(user), transaction.atomic():
        d = _locked(difficulty)
        _require_act(user, d)
        _require_pending(d)
        answer = _require_note(
            answer, _("Write the answer: what was done or decided. The reporter reads it."), "answer"
        )
        d.status, d.answer, d.resolved_at = DifficultyStatus.RESOLVED, answer, now
        d.save(update_fields=["status", "answer", "resolved_at"])
        step = _step(d, DifficultyStepKind.RESOLVED, user, now, answer, d.acting_unit, d.acting_unit)
        _notify_reporter(d, step)
    return d


def reopen(user: Any, difficulty: Difficulty, reason: str, now: datetime | None = None) -> Difficulty:
    """The reporter reopens a resolved difficulty: open again at the same unit, with a new due time."""
    now = now or timezone.now()
    with acting_as(user), transaction.atomic():
        d = _locked(difficulty)
        if d.raised_by_id != user.pk:
            raise PermissionDenied(_("Only the person who raised this difficulty may reopen it."))
        if d.status != DifficultyStatus.RESOLVED:
            raise ValidationError(_("Only a resolved difficulty can be reopened."), code="not_resolved")
        reason = _require_note(reason, _("Say why the answer does not settle the difficulty."))
        d.status, d.answer, d.resolved_at = DifficultyStatus.OPEN, "", None
        d.acknowledged_at, d.due_at = None, due_time(d.severity, now)
        d.save(update_fields=["status", "answer", "resolved_at", "acknowledged_at", "due_at"])
        step = _step(d, DifficultyStepKind.REOPENED, user, now, reason, d.acting_unit, d.acting_unit)
        _notify_acting_unit(d, step)
    return d


def comment(user: Any, difficulty: Difficulty, note: str, now: datetime | None = None) -> Difficulty:
    """A note in the timeline (a question, progress) by the acting unit or the reporter; the status is unchanged."""
    now = now or timezone.now()
    with acting_as(user), transaction.atomic():
        d = _locked(difficulty)
        if not may_comment(user, d):
            raise PermissionDenied(_("Only the unit acting on this difficulty and its reporter may comment on it."))
        note = _require_note(note, _("Write the comment."))
        _step(d, DifficultyStepKind.COMMENTED, user, now, note, None, None)
    return d


#: The page's and the API's action names → the service (each takes the note, answer or reason as its third argument).
ACTIONS = {
    "acknowledge": acknowledge,
    "refer": refer,
    "resolve": resolve,
    "reopen": reopen,
    "comment": comment,
}


def perform(user: Any, difficulty: Difficulty, action: str, note: str = "", now: datetime | None = None) -> Difficulty:
    service = ACTIONS.get(action)
    if service is None:
        raise ValidationError(
            _("Unknown action “%(action)s”. Choose one of: %(valid)s.")
            % {"action": action, "valid": ", ".join(ACTIONS)},
            code="unknown_action",
        )
    return service(user, difficulty, note, now=now)


# --------------------------------------------------------------------------------------------------------------
# Steps and notifications


def _step(
    d: Difficulty,
    kind: str,
    user: Any,
    now: datetime,
    note: str,
    from_unit: AdminUnit | None,
    to_unit: AdminUnit | None,
) -> DifficultyStep:
    return DifficultyStep.objects.create(
        difficulty=d, kind=kind, by=user, at=now, note=note, from_unit=from_unit, to_unit=to_unit
    )


def acting_users(unit: AdminUnit) -> list[Any]:
    """The active logins of the unit itself (not of the levels above) whose role may act on difficulties."""
    from phaodai.accounts.models import User

    roles = [role for role, perms in PERMISSIONS.items() if ACT in perms]
    return list(User.objects.filter(scope_unit=unit, role__in=roles, is_active=True).order_by("username"))


def _link(d: Difficulty) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{d.get_absolute_url()}"


def _notify_acting_unit(d: Difficulty, step: DifficultyStep) -> None:
    from phaodai.notifications.services import queue

    with translation.override(settings.LANGUAGE_CODE):
        if step.kind == DifficultyStepKind.REFERRED:
            subject = _("Difficulty referred to %(unit)s: %(title)s")
        elif step.kind == DifficultyStepKind.REOPENED:
            subject = _("Difficulty reopened: %(title)s")
        else:
            subject = _("New difficulty for %(unit)s: %(title)s")
        subject = subject % {"unit": d.acting_unit.name, "title": d.title}
        body = _("%(category)s, severity %(severity)s, at %(where)s. Due by %(due)s.\n%(note)s\n%(link)s") % {
            "category": d.get_category_display(),
            "severity": d.get_severity_display().lower(),
            "where": d.unit.name,
            "due": timezone.localtime(d.due_at).strftime("%H:%M %d/%m/%Y"),
            "note": step.note,
            "link": _link(d),
        }
        for recipient in acting_users(d.acting_unit):
            queue(recipient, subject, body, key=f"difficulty:{d.pk}:step:{step.pk}:user:{recipient.pk}")


def _notify_reporter(d: Difficulty, step: DifficultyStep) -> None:
    from phaodai.notifications.services import queue

    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Answer to your difficulty: %(title)s") % {"title": d.title}
        body = _("%(unit)s answered:\n%(answer)s\n%(link)s") % {
            "unit": d.acting_unit.name,
            "answer": d.answer,
            "link": _link(d),
        }
        queue(d.raised_by, subject, body, key=f"difficulty:{d.pk}:step:{step.pk}:reporter")


# --------------------------------------------------------------------------------------------------------------
# Ageing


@dataclass
class AgeingRow:
    unit: AdminUnit
    buckets: dict[str, int] = field(default_factory=lambda: {key: 0 for key, _lo, _hi in AGE_BUCKETS})
    overdue: int = 0

    @property
    def total(self) -> int:
        return sum(self.buckets.values())

    @property
    def bucket_counts(self) -> list[int]:
        return [self.buckets[key] for key, _lo, _hi in AGE_BUCKETS]


@dataclass
class Ageing:
    rows: list[AgeingRow]
    totals: AgeingRow


def age_bucket(age: timedelta) -> str:
    for key, low, high in AGE_BUCKETS:
        if age >= low and (high is None or age < high):
            return key
    return AGE_BUCKETS[0][0]  # raised "in the future" (clock skew): the youngest bucket


def ageing(user: Any, now: datetime | None = None, difficulties: QuerySet | None = None) -> Ageing:
    """Pending difficulties in the user's scope by acting unit: how many in each age bucket (since raised), and how
    many are past their due time. `difficulties` narrows the set (e.g. a filtered list); by default all in scope."""
    now = now or timezone.now()
    if difficulties is None:
        difficulties = Difficulty.objects.visible_to(user)
    rows: dict[int, AgeingRow] = {}
    totals = AgeingRow(unit=None)  # type: ignore[arg-type]
    for d in difficulties.filter(status__in=PENDING).select_related("acting_unit").order_by("acting_unit__path"):
        row = rows.setdefault(d.acting_unit_id, AgeingRow(unit=d.acting_unit))
        key = age_bucket(now - d.raised_at)
        for target in (row, totals):
            target.buckets[key] += 1
            if d.due_at < now:
                target.overdue += 1
    return Ageing(rows=list(rows.values()), totals=totals)

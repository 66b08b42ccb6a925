"""Team reports by 17:00 (issue #5, item 2) and the consolidation the delegation head sees (item 3).

A team leader submits the team's report for a local day; the first submission creates the slot (TeamReport) and
fixes its lateness for good; a correction adds a version. A retried submission (same user, same idempotency key:
a double tap, a phone that lost the answer) returns what was stored the first time. Two submissions racing for the
same empty slot are serialised by the database: the unique constraint lets one insert the slot, the other retries
and becomes the next version.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phaodai.core.audit import acting_as
from phaodai.mobilisation.models import Delegation, Team
from phaodai.reporting import deadlines
from phaodai.reporting.models import (
    FieldKind,
    ReportForm,
    ReportFormVersion,
    TeamReport,
    TeamReportVersion,
)
from phaodai.reporting.report_values import is_summed, validate_values

#: Longest Idempotency-Key kept (the column's length).
IDEMPOTENCY_KEY_MAX = 80
#: Attempts at storing a submission when a concurrent one wins a unique constraint first.
ATTEMPTS = 3


# --------------------------------------------------------------------------------------------------------------
# Shared by team and delegation reports


def check_idempotency_key(key: str) -> str:
    key = (key or "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX:
        raise ValidationError(
            {
                "idempotency_key": _("The idempotency key is longer than %(max)d characters.")
                % {"max": IDEMPOTENCY_KEY_MAX}
            }
        )
    return key


def check_day(delegation: Delegation, day: date, now: datetime) -> None:
    """Refuse a day still to come (local day) and a day the delegation is not working."""
    today = deadlines.local_day(delegation, now)
    if day > today:
        raise ValidationError(
            {
                "day": _("%(day)s is still to come: a report can be made for today (%(today)s) or an earlier day.")
                % {"day": f"{day:%d/%m/%Y}", "today": f"{today:%d/%m/%Y}"}
            },
            code="future",
        )
    if day > delegation.end_date:
        raise ValidationError(
            {
                "day": _("The delegation ended on %(end)s: no report is expected for %(day)s.")
                % {"end": f"{delegation.end_date:%d/%m/%Y}", "day": f"{day:%d/%m/%Y}"}
            },
            code="ended",
        )
    if day < delegation.start_date:
        raise ValidationError(
            {
                "day": _("The delegation started on %(start)s: no report is expected for %(day)s.")
                % {"start": f"{delegation.start_date:%d/%m/%Y}", "day": f"{day:%d/%m/%Y}"}
            },
            code="not_started",
        )


def replayed(version_model: type[models.Model], user, key: str, same: Callable[[Any], bool]):
    """The version this user already stored under `key`, marked `is_replay`; None when the key is new.
    The same key for another report is refused: the client mixed up its keys."""
    if not key:
        return None
    existing = version_model.objects.select_related("report").filter(submitted_by=user, idempotency_key=key).first()
    if existing is None:
        return None
    if not same(existing.report):
        raise ValidationError(
            {"idempotency_key": _("This idempotency key was already used for another report.")}, code="key_reused"
        )
    existing.is_replay = True
    return existing


def store_version(
    *,
    user,
    slot_model: type[models.Model],
    version_model: type[models.Model],
    slot_lookup: dict[str, Any],
    deadline: datetime,
    now: datetime,
    key: str,
    version_fields: dict[str, Any],
    after: Callable[[Any], None] | None = None,
    same: Callable[[Any], bool],
):
    """Store one submission: the slot on the first (with its lateness), version n+1 on a correction.

    The slot row is locked (select_for_update) while the version number is taken, so corrections never share a
    number; a first submission that loses the race for the slot (unique constraint) rolls back and tries again,
    then finds the slot and becomes the next version. A retry under the same key that raced its original gets the
    original back.
    """
    for attempt in range(ATTEMPTS):
        try:
            with acting_as(user), transaction.atomic():
                slot = slot_model.objects.select_for_update().filter(**slot_lookup).first()
                if slot is None:
                    slot = slot_model.objects.create(
                        **slot_lookup,
                        deadline=deadline,
                        first_submitted_at=now,
                        last_submitted_at=now,
                        minutes_late=deadlines.minutes_late(now, deadline),
                        version_count=1,
                    )
                    number = 1
                else:
                    # A correction: the first submission's time and lateness stay as they were.
                    number = slot.version_count + 1
                    slot.version_count = number
                    slot.last_submitted_at = max(slot.last_submitted_at, now)
                    slot.save(update_fields=["version_count", "last_submitted_at"])
                version = version_model.objects.create(
                    report=slot,
                    number=number,
                    submitted_by=user,
                    submitted_at=now,
                    idempotency_key=key,
                    **version_fields,
                )
                if after is not None:
                    after(version)
            version.is_replay = False
            return version
        except IntegrityError:
            existing = replayed(version_model, user, key, same)
            if existing is not None:
                return existing
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


# --------------------------------------------------------------------------------------------------------------
# Team reports


def form_for(team: Team) -> ReportFormVersion:
    """The latest version of the active form for the team's task, else of the default form (task "")."""
    forms = ReportForm.objects.filter(is_active=True)
    form = forms.filter(task=team.task).first() or forms.filter(task="").first()
    version = form.versions.order_by("-number").first() if form is not None else None
    if version is None:
        raise ValidationError(
            _("There is no report form for the task “%(task)s” and no default form: ask an administrator.")
            % {"task": team.get_task_display()},
            code="no_form",
        )
    return version


def leads(user, team: Team) -> bool:
    return bool(getattr(user, "staff_member_id", None)) and user.staff_member_id == team.leader_id


def check_may_submit(user, team: Team) -> None:
    if not user.has_role_perm("reporting.submit"):
        raise PermissionDenied(_("Your role does not allow submitting team reports."))
    if not leads(user, team):
        raise PermissionDenied(
            _("Only the leader of %(team)s (%(leader)s) can submit its report.")
            % {"team": team.name, "leader": team.leader.full_name}
        )


def submit_team_report(
    user,
    team: Team,
    day: date,
    raw_values: Mapping[str, Any] | None,
    *,
    idempotency_key: str = "",
    now: datetime | None = None,
) -> TeamReportVersion:
    """Store the team's report for `day` (see the module docstring). Returns the version stored, or — for a key
    already used by this user — the version stored then (`is_replay` True)."""
    now = now or timezone.now()
    key = check_idempotency_key(idempotency_key)
    check_may_submit(user, team)
    existing = replayed(TeamReportVersion, user, key, lambda r: r.team_id == team.pk and r.day == day)
    if existing is not None:
        return existing
    delegation = team.delegation
    check_day(delegation, day, now)
    if not deadlines.is_expected(team, day):
        raise ValidationError(
            {
                "day": _("%(team)s had no members on %(day)s: no report is expected that day.")
                % {"team": team.name, "day": f"{day:%d/%m/%Y}"}
            },
            code="not_expected",
        )
    version = form_for(team)
    values = validate_values(version, raw_values)
    return store_version(
        user=user,
        slot_model=TeamReport,
        version_model=TeamReportVersion,
        slot_lookup={"team": team, "day": day},
        deadline=deadlines.team_deadline(delegation, day),
        now=now,
        key=key,
        version_fields={"form_version": version, "values": values},
        same=lambda r: r.team_id == team.pk and r.day == day,
    )


def latest_version(report: TeamReport | None) -> TeamReportVersion | None:
    if report is None:
        return None
    return report.versions.select_related("form_version").order_by("-number").first()


def prefill(team: Team, day: date) -> dict[str, Any]:
    """What the form shows before the leader types: for `carry_over` fields, the team's previous report's value."""
    version = form_for(team)
    carried = [f["key"] for f in version.fields if f.get("carry_over")]
    if not carried:
        return {}
    previous = TeamReport.objects.filter(team=team, day__lt=day).order_by("-day").first()
    last = latest_version(previous)
    if last is None:
        return {}
    return {key: last.values[key] for key in carried if key in last.values}


# --------------------------------------------------------------------------------------------------------------
# Consolidation


@dataclass
class TeamLine:
    team: Team
    expected: bool
    report: TeamReport | None = None
    version: TeamReportVersion | None = None

    @property
    def reported(self) -> bool:
        return self.version is not None

    @property
    def is_late(self) -> bool:
        return self.report is not None and self.report.minutes_late > 0


@dataclass
class Total:
    key: str
    label: dict
    value: int


@dataclass
class Consolidation:
    delegation: Delegation
    day: date
    deadline: datetime
    lines: list[TeamLine]
    totals: list[Total] = field(default_factory=list)

    @property
    def reported(self) -> list[TeamLine]:
        return [line for line in self.lines if line.reported]

    @property
    def missing(self) -> list[TeamLine]:
        return [line for line in self.lines if not line.reported and line.expected]

    @property
    def late(self) -> list[TeamLine]:
        return [line for line in self.lines if line.is_late]

    @property
    def expected_count(self) -> int:
        return sum(1 for line in self.lines if line.expected)

    def totals_by_key(self) -> dict[str, int]:
        return {t.key: t.value for t in self.totals}


def sum_figures(versions: list[TeamReportVersion]) -> list[Total]:
    """The `sum` number fields added up over the versions, by key (teams may use different forms); each total is
    labelled as the first form having that key labels it. Keys no team gave a figure for are left out."""
    totals: dict[str, Total] = {}
    for version in versions:
        for f in version.form_version.fields:
            if f.get("kind") != FieldKind.NUMBER or not is_summed(f):
                continue
            value = version.values.get(f["key"])
            if not isinstance(value, int):
                continue  # an optional figure nobody gave is not a total of 0
            total = totals.get(f["key"])
            if total is None:
                total = totals[f["key"]] = Total(f["key"], f.get("label") or {}, 0)
            total.value += value
    return list(totals.values())


def consolidate(delegation: Delegation, day: date) -> Consolidation:
    """The delegation's teams for `day`: those expected (and any that reported), each with its latest version or
    none, and the totals of the reported figures."""
    teams = list(delegation.teams.select_related("leader").order_by("name"))
    expected = deadlines.team_days(teams, day, day) if teams else {}
    reports = {
        r.team_id: r
        for r in TeamReport.objects.filter(team__in=teams, day=day).prefetch_related(
            models.Prefetch(
                "versions",
                queryset=TeamReportVersion.objects.select_related("form_version", "submitted_by").order_by("-number"),
            )
        )
    }
    lines = []
    for team in teams:
        report = reports.get(team.pk)
        is_expected = day in expected.get(team.pk, set())
        if not is_expected and report is None:
            continue
        versions = list(report.versions.all()) if report is not None else []
        lines.append(TeamLine(team, is_expected, report, versions[0] if versions else None))
    consolidation = Consolidation(delegation, day, deadlines.team_deadline(delegation, day), lines)
    consolidation.totals = sum_figures([line.version for line in lines if line.version is not None])
    return consolidation

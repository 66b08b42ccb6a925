"""Delegation reports by 18:00 (issue #5, item 3): the head (or a deputy) sends the consolidation of the team
reports, with the narrative and proposals, to the workforce coordination team. It may go with teams missing: it
records which, and says so. Versions, lateness and idempotency work as for team reports (team_reports.py).
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from phaodai.mobilisation.models import Delegation
from phaodai.reporting import deadlines
from phaodai.reporting.models import DelegationReport, DelegationReportVersion
from phaodai.reporting.team_reports import (
    check_day,
    check_idempotency_key,
    consolidate,
    replayed,
    store_version,
)

#: Longest narrative or proposals kept (a few pages).
NARRATIVE_MAX_LENGTH = 10_000


def heads(user, delegation: Delegation) -> bool:
    """The user is the delegation's head or one of its deputies."""
    staff_id = getattr(user, "staff_member_id", None)
    if not staff_id:
        return False
    return delegation.head_id == staff_id or delegation.deputies.filter(pk=staff_id).exists()


def check_may_consolidate(user, delegation: Delegation) -> None:
    if not user.has_role_perm("reporting.consolidate"):
        raise PermissionDenied(_("Your role does not allow sending delegation reports."))
    if not heads(user, delegation):
        raise PermissionDenied(
            _("Only the head or a deputy head of %(delegation)s can send its report.") % {"delegation": delegation.name}
        )


def _clean_text(name: str, label: str, value: str | None, errors: dict) -> str:
    value = (value or "").strip()
    if len(value) > NARRATIVE_MAX_LENGTH:
        errors[name] = _("%(field)s: at most %(max)d characters (this has %(length)d).") % {
            "field": label,
            "max": NARRATIVE_MAX_LENGTH,
            "length": len(value),
        }
    return value


def submit_delegation_report(
    user,
    delegation: Delegation,
    day: date,
    narrative: str,
    proposals: str,
    *,
    idempotency_key: str = "",
    now: datetime | None = None,
) -> DelegationReportVersion:
    """Store the delegation's report for `day`: the totals and team versions as they stand now, the teams still
    missing (by name), the narrative and proposals. A key already used by this user returns that version."""
    now = now or timezone.now()
    key = check_idempotency_key(idempotency_key)
    check_may_consolidate(user, delegation)

    def same(report) -> bool:
        return report.delegation_id == delegation.pk and report.day == day

    existing = replayed(DelegationReportVersion, user, key, same)
    if existing is not None:
        return existing
    check_day(delegation, day, now)
    errors: dict[str, str] = {}
    narrative = _clean_text("narrative", _("Results and assessment"), narrative, errors)
    proposals = _clean_text("proposals", _("Proposals"), proposals, errors)
    if errors:
        raise ValidationError(errors)
    consolidation = consolidate(delegation, day)
    team_versions = [line.version for line in consolidation.reported]

    def link_teams(version: DelegationReportVersion) -> None:
        version.team_versions.set(team_versions)

    return store_version(
        user=user,
        slot_model=DelegationReport,
        version_model=DelegationReportVersion,
        slot_lookup={"delegation": delegation, "day": day},
        deadline=deadlines.delegation_deadline(delegation, day),
        now=now,
        key=key,
        version_fields={
            "totals": consolidation.totals_by_key(),
            "narrative": narrative,
            "proposals": proposals,
            "missing_teams": [line.team.name for line in consolidation.missing],
        },
        after=link_teams,
        same=same,
    )


def labelled_totals(version: DelegationReportVersion) -> list[tuple[str, dict, int]]:
    """[(key, label, total)] of a stored version, in the forms' order and labelled as the first form having the key
    (the forms of the team versions it consolidated; a key no form names is shown by itself)."""
    labels: dict[str, dict] = {}
    for team_version in version.team_versions.select_related("form_version", "report__team").order_by(
        "report__team__name"
    ):
        for f in team_version.form_version.fields:
            labels.setdefault(f["key"], f.get("label") or {})
    totals = version.totals or {}
    ordered = [key for key in labels if key in totals] + sorted(key for key in totals if key not in labels)
    return [(key, labels.get(key) or {"vi": key, "en": key}, totals[key]) for key in ordered]

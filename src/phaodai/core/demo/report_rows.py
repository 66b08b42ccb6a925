"""Report rows written in bulk exactly as the reporting services would write them, for the demo's earlier round.

The services (team_reports.submit_team_report, delegation_reports.submit_delegation_report) take some 20-50 ms a
report, which for a finished two-week round of fifty teams is too slow for the demo build. Nobody submits to a
finished round any more, so its reports are built here instead, in time order, with the services' own rules and
helpers: values cleaned by report_values.validate_values against the team's form, deadlines and lateness from
reporting.deadlines, the slot keeping the first submission's time and lateness, a correction becoming version n+1,
the delegation's consolidation made of the latest team versions received by then (team_reports.sum_figures) and
naming the teams still missing. The audit entries auditlog would have written are added with the submitter as actor.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from auditlog.models import LogEntry

from phaodai.core.audit import creation_entries, m2m_added
from phaodai.mobilisation.models import Delegation, Team
from phaodai.reporting import deadlines
from phaodai.reporting.models import (
    DelegationReport,
    DelegationReportVersion,
    ReportFormVersion,
    TeamReport,
    TeamReportVersion,
)
from phaodai.reporting.report_values import validate_values
from phaodai.reporting.team_reports import sum_figures

AUDIT_SOURCE = {"source": "demo"}
BATCH = 1000


@dataclass
class ReportRows:
    """Collects submissions (call them in time order), then writes them all with `flush()`."""

    team_slots: dict[tuple[int, date], TeamReport] = field(default_factory=dict)
    team_versions: dict[tuple[int, date], list[TeamReportVersion]] = field(default_factory=lambda: defaultdict(list))
    delegation_slots: list[DelegationReport] = field(default_factory=list)
    delegation_versions: list[tuple[DelegationReportVersion, list[TeamReportVersion]]] = field(default_factory=list)
    log_entries: int = 0

    def team(
        self, user, team: Team, day: date, form: ReportFormVersion, raw_values: dict, *, key: str, now: datetime
    ) -> TeamReportVersion:
        values = validate_values(form, raw_values)
        slot = self.team_slots.get((team.pk, day))
        if slot is None:
            deadline = deadlines.team_deadline(team.delegation, day)
            slot = TeamReport(
                team=team,
                day=day,
                deadline=deadline,
                first_submitted_at=now,
                last_submitted_at=now,
                minutes_late=deadlines.minutes_late(now, deadline),
                version_count=1,
            )
            self.team_slots[(team.pk, day)] = slot
        else:
            slot.version_count += 1
            slot.last_submitted_at = max(slot.last_submitted_at, now)
        version = TeamReportVersion(
            report=slot,
            number=slot.version_count,
            form_version=form,
            values=values,
            submitted_by=user,
            submitted_at=now,
            idempotency_key=key,
        )
        self.team_versions[(team.pk, day)].append(version)
        return version

    def delegation(
        self,
        user,
        delegation: Delegation,
        day: date,
        expected_teams: list[Team],
        narrative: str,
        proposals: str,
        *,
        key: str,
        now: datetime,
    ) -> DelegationReportVersion:
        """The consolidation as consolidate() makes it: the expected teams by name, each with its latest version
        received by `now` or missing."""
        latest: list[TeamReportVersion] = []
        missing: list[str] = []
        for team in sorted(expected_teams, key=lambda t: t.name):
            received = [v for v in self.team_versions.get((team.pk, day), []) if v.submitted_at <= now]
            if received:
                latest.append(received[-1])
            else:
                missing.append(team.name)
        deadline = deadlines.delegation_deadline(delegation, day)
        slot = DelegationReport(
            delegation=delegation,
            day=day,
            deadline=deadline,
            first_submitted_at=now,
            last_submitted_at=now,
            minutes_late=deadlines.minutes_late(now, deadline),
            version_count=1,
        )
        self.delegation_slots.append(slot)
        version = DelegationReportVersion(
            report=slot,
            number=1,
            totals={t.key: t.value for t in sum_figures(latest)},
            narrative=narrative.strip(),
            proposals=proposals.strip(),
            missing_teams=missing,
            submitted_by=user,
            submitted_at=now,
            idempotency_key=key,
        )
        self.delegation_versions.append((version, latest))
        return version

    def flush(self) -> None:
        """Write everything collected so far (slots, versions, the consolidations' links, audit entries)."""
        if not self.team_slots and not self.delegation_slots:
            return
        slots = list(self.team_slots.values())
        TeamReport.objects.bulk_create(slots, batch_size=BATCH)
        versions = [v for vs in self.team_versions.values() for v in vs]
        for v in versions:
            v.report = v.report  # sets report_id now that the slot has its primary key
        TeamReportVersion.objects.bulk_create(versions, batch_size=BATCH)
        DelegationReport.objects.bulk_create(self.delegation_slots, batch_size=BATCH)
        for version, _linked in self.delegation_versions:
            version.report = version.report
        DelegationReportVersion.objects.bulk_create([v for v, _linked in self.delegation_versions], batch_size=BATCH)
        Link = DelegationReportVersion.team_versions.through
        Link.objects.bulk_create(
            [
                Link(delegationreportversion_id=v.pk, teamreportversion_id=t.pk)
                for v, linked in self.delegation_versions
                for t in linked
            ],
            batch_size=BATCH * 5,
        )
        entries: list[LogEntry] = []
        first_versions = {v.report_id: v for v in versions if v.number == 1}
        for slot in slots:
            entries += self._entries(slot, first_versions[slot.pk].submitted_by)
        for v in versions:
            entries += self._entries(v, v.submitted_by)
        for v, linked in self.delegation_versions:
            entries += self._entries(v.report, v.submitted_by)
            extra = {"team_versions": m2m_added(str(t) for t in linked)} if linked else {}
            entries += self._entries(v, v.submitted_by, extra)
        LogEntry.objects.bulk_create(entries, batch_size=BATCH)
        self.log_entries += len(entries)
        self.team_slots.clear()
        self.team_versions.clear()
        self.delegation_slots.clear()
        self.delegation_versions.clear()

    @staticmethod
    def _entries(obj, actor, extra: dict | None = None) -> list[LogEntry]:
        return creation_entries(
            [obj], actor=actor, additional_data=AUDIT_SOURCE, extra_changes=(lambda _o: extra) if extra else None
        )

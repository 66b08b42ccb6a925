"""The demo's earlier round is written in bulk (core/demo/report_rows.py): the rows must be exactly what the reporting
services write for the same submissions — slots, lateness, versions, the consolidation and its missing teams."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from auditlog.models import LogEntry

from phaodai.accounts.models import User
from phaodai.accounts.roles import Role
from phaodai.core.demo.report_rows import ReportRows
from phaodai.places.models import AdminUnit
from phaodai.reporting.delegation_reports import submit_delegation_report
from phaodai.reporting.models import DelegationReport, TeamReport
from phaodai.reporting.team_reports import form_for, submit_team_report
from phaodai.reporting.testing import field_world
from phaodai.testing import TAN_AN

TODAY = date(2021, 8, 19)
SERVICE_DAY, BULK_DAY = TODAY - timedelta(days=1), TODAY - timedelta(days=2)


def at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def test_bulk_rows_are_the_rows_the_services_write(world):
    with time_machine.travel(datetime(2021, 8, 19, 3, 0, tzinfo=UTC), tick=False):
        f = field_world(world, TODAY)
        leader, head = world.users["team_leader"], world.users["delegation_head"]
        lan = User.objects.create(
            username="lan",
            role=Role.TEAM_LEADER,
            scope_unit=AdminUnit.objects.get(code=TAN_AN),
            staff_member=f.team_2.leader,
        )
        sampling = {"people_on_duty": "2", "households_visited": "34", "people_sampled": "120", "situation": "stable"}
        corrected = {**sampling, "people_sampled": 131}
        data = {"people_on_duty": 1, "records_entered": "210", "situation": "attention", "results": "  Xong.  "}
        # Tổ 1 on time, corrected after the head's report; Tổ 2 late, after the head: missing in the consolidation.
        plan = [
            ("team", leader, f.team_1, sampling, (16, 40)),
            ("head", head, None, None, (17, 45)),
            ("team", leader, f.team_1, corrected, (18, 5)),
            ("team", lan, f.team_2, data, (18, 20)),
        ]
        rows = ReportRows()
        for n, (kind, user, team, values, (hour, minute)) in enumerate(plan):
            for day, bulk in ((SERVICE_DAY, False), (BULK_DAY, True)):
                now, key = at(day, hour, minute), f"k{n}:{day}"
                if kind == "team" and bulk:
                    rows.team(user, team, day, form_for(team), values, key=key, now=now)
                elif kind == "team":
                    submit_team_report(user, team, day, values, idempotency_key=key, now=now)
                elif bulk:
                    rows.delegation(user, f.tan_an, day, [f.team_2, f.team_1], "Ổn định. ", "", key=key, now=now)
                else:
                    submit_delegation_report(user, f.tan_an, day, "Ổn định. ", "", idempotency_key=key, now=now)
        before = LogEntry.objects.count()
        rows.flush()

    def team_slot(team, day):
        r = TeamReport.objects.get(team=team, day=day)
        shift = day - BULK_DAY
        versions = [
            (v.number, v.values, v.form_version_id, v.submitted_by_id, v.submitted_at - shift)
            for v in r.versions.order_by("number")
        ]
        return (
            r.deadline - shift,
            r.first_submitted_at - shift,
            r.last_submitted_at - shift,
            r.minutes_late,
            r.version_count,
            versions,
        )

    for team in (f.team_1, f.team_2):
        assert team_slot(team, BULK_DAY) == team_slot(team, SERVICE_DAY)
    assert TeamReport.objects.get(team=f.team_2, day=BULK_DAY).minutes_late == 80
    assert TeamReport.objects.get(team=f.team_1, day=BULK_DAY).version_count == 2

    def delegation_slot(day):
        r = DelegationReport.objects.get(delegation=f.tan_an, day=day)
        v = r.versions.get()
        linked = sorted((t.report.team_id, t.number) for t in v.team_versions.all())
        return (r.minutes_late, r.version_count, v.totals, v.narrative, v.missing_teams, linked, v.submitted_by_id)

    bulk, service = delegation_slot(BULK_DAY), delegation_slot(SERVICE_DAY)
    assert bulk == service
    # The head's report came before Tổ 2's and before Tổ 1's correction.
    assert bulk[4] == ["Tổ 2"] and bulk[5] == [(f.team_1.pk, 1)] and bulk[2]["people_sampled"] == 120
    # The audit trail has the creations, each with the submitter as actor.
    entries = LogEntry.objects.order_by("pk")[before:]
    assert len(entries) == 2 + 3 + 1 + 1  # 2 team slots, 3 team versions, the delegation slot and its version
    assert {e.actor_id for e in entries} == {leader.pk, lan.pk, head.pk}

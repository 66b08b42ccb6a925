"""Scope cases (core/tests/test_endpoint_scope.py) for the reporting app's reports endpoints: URL name → case.

Each case builds the field (reporting.testing.field_world) with a report of Tổ 1 (Tân An) and of Tổ An Hòa, and a
delegation report of each delegation, then proves that Tân An's people never see An Hòa's (404 on a record, absent
from lists and exports) and that a role without the permission is refused (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from phaodai.reporting.default_forms import install_default_forms
from phaodai.reporting.models import DelegationReport, DelegationReportVersion, TeamReport, TeamReportVersion
from phaodai.reporting.team_reports import form_for
from phaodai.reporting.testing import AN_HOA_DELEGATION, TAN_AN_DELEGATION, Field, field_world

HCMC = ZoneInfo("Asia/Ho_Chi_Minh")
TAN_AN_TEAM, AN_HOA_TEAM = "Tổ 1", "Tổ An Hòa"


def make_team_report(team, day: date, values: dict, user, at: time = time(16, 30)) -> TeamReportVersion:
    """A team report stored directly (version 1), as a test's given: on time at 16:30 local by default."""
    install_default_forms()
    when = datetime.combine(day, at, tzinfo=HCMC)
    deadline = datetime.combine(day, time(17), tzinfo=HCMC)
    late = max(0, int((when - deadline).total_seconds() // 60))
    report = TeamReport.objects.create(
        team=team, day=day, deadline=deadline, first_submitted_at=when, last_submitted_at=when, minutes_late=late
    )
    return TeamReportVersion.objects.create(
        report=report, number=1, form_version=form_for(team), values=values, submitted_by=user, submitted_at=when
    )


def make_delegation_report(delegation, day: date, user, narrative: str = "") -> DelegationReportVersion:
    when = datetime.combine(day, time(17, 45), tzinfo=HCMC)
    report = DelegationReport.objects.create(
        delegation=delegation,
        day=day,
        deadline=datetime.combine(day, time(18), tzinfo=HCMC),
        first_submitted_at=when,
        last_submitted_at=when,
    )
    return DelegationReportVersion.objects.create(
        report=report, number=1, narrative=narrative, submitted_by=user, submitted_at=when
    )


@dataclass
class Reported:
    field: Field
    day: date
    tan_an_team: TeamReport
    an_hoa_team: TeamReport
    tan_an: DelegationReport
    an_hoa: DelegationReport


def reported(w) -> Reported:
    f = field_world(w, timezone.localdate())
    day = f.start
    admin = w.users["admin"]
    t1 = make_team_report(f.team_1, day, {"households_visited": 11, "people_sampled": 7}, w.users["team_leader"])
    t2 = make_team_report(f.an_hoa_team, day, {"households_supported": 5}, admin)
    d1 = make_delegation_report(f.tan_an, day, w.users["delegation_head"], "Tân An ổn định")
    d2 = make_delegation_report(f.an_hoa, day, admin, "An Hòa ổn định")
    return Reported(f, day, t1.report, t2.report, d1.report, d2.report)


def _today(w, login):
    r = reported(w)
    # Only one's own: the team leader sees Tổ 1, never An Hòa's team or delegation.
    from phaodai.core.tests.test_endpoint_scope import assert_lists

    assert_lists(login("team_leader"), reverse("reporting:today"), [TAN_AN_TEAM], [AN_HOA_TEAM, AN_HOA_DELEGATION])
    assert r.an_hoa_team.pk


def _teamreport_submit(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_hidden

    r = reported(w)
    f = r.field
    before = TeamReportVersion.objects.count()
    url = reverse("reporting:teamreport_submit", args=[f.an_hoa_team.pk])
    assert_hidden(login("team_leader"), url)
    assert_hidden(login("team_leader"), url, "post", {"values-households_supported": "3"})
    # Tổ 2 is in the leader's ward but led by someone else; a commune user may see but not submit.
    assert_forbidden(login("team_leader"), reverse("reporting:teamreport_submit", args=[f.team_2.pk]), "post")
    assert_forbidden(login("tan_an"), reverse("reporting:teamreport_submit", args=[f.team_1.pk]))
    assert TeamReportVersion.objects.count() == before


def _teamreport_list(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_lists

    reported(w)
    assert_lists(login("tan_an"), reverse("reporting:teamreport_list"), [TAN_AN_TEAM], [AN_HOA_TEAM])
    assert_forbidden(login("hotline_operator"), reverse("reporting:teamreport_list"))


def _teamreport_export(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_lists

    reported(w)
    assert_lists(login("tan_an"), reverse("reporting:teamreport_export"), [TAN_AN_TEAM], [AN_HOA_TEAM])
    assert_forbidden(login("team_member"), reverse("reporting:teamreport_export"))


def _teamreport_detail(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_hidden

    r = reported(w)
    assert_hidden(login("tan_an"), reverse("reporting:teamreport_detail", args=[r.an_hoa_team.pk]))
    assert_hidden(login("team_leader"), reverse("reporting:teamreport_detail", args=[r.an_hoa_team.pk]))
    assert_hidden(login("team_member"), reverse("reporting:teamreport_detail", args=[r.tan_an_team.pk]))
    assert login("tan_an").get(reverse("reporting:teamreport_detail", args=[r.tan_an_team.pk])).status_code == 200


def _delegation_consolidate(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_hidden

    r = reported(w)
    f = r.field
    url = reverse("reporting:delegation_consolidate", args=[f.an_hoa.pk])
    assert_hidden(login("delegation_head"), url)
    assert_hidden(login("delegation_head"), url, "post", {"narrative": "X"})
    own = reverse("reporting:delegation_consolidate", args=[f.tan_an.pk])
    assert_forbidden(login("tan_an"), own)  # sees the delegation, may not consolidate
    assert_forbidden(login("team_leader"), own, "post", {"narrative": "X"})
    assert DelegationReportVersion.objects.filter(narrative="X").count() == 0


def _delegationreport_list(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_lists

    reported(w)
    url = reverse("reporting:delegationreport_list")
    assert_lists(login("tan_an"), url, [TAN_AN_DELEGATION], [AN_HOA_DELEGATION])
    assert_forbidden(login("hotline_operator"), url)


def _delegationreport_export(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_lists

    reported(w)
    url = reverse("reporting:delegationreport_export")
    assert_lists(login("tan_an"), url, ["Tân An ổn định"], ["An Hòa ổn định"])
    assert_forbidden(login("team_member"), url)


def _delegationreport_detail(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_hidden

    r = reported(w)
    assert_hidden(login("tan_an"), reverse("reporting:delegationreport_detail", args=[r.an_hoa.pk]))
    assert_hidden(login("delegation_head"), reverse("reporting:delegationreport_detail", args=[r.an_hoa.pk]))
    assert_hidden(login("hotline_operator"), reverse("reporting:delegationreport_detail", args=[r.tan_an.pk]))


def _delegationreport_pdf(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_hidden

    r = reported(w)
    assert_hidden(login("tan_an"), reverse("reporting:delegationreport_pdf", args=[r.an_hoa.pk]))
    assert_hidden(login("team_member"), reverse("reporting:delegationreport_pdf", args=[r.tan_an.pk]))
    assert login("tan_an").get(reverse("reporting:delegationreport_pdf", args=[r.tan_an.pk])).status_code == 200


def _api_team_reports_list(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_lists

    r = reported(w)
    url = reverse("api:team-reports-list")
    assert_lists(login("tan_an"), url, [TAN_AN_TEAM], [AN_HOA_TEAM])
    assert_forbidden(login("hotline_operator"), url)
    data = {"team": r.field.team_1.pk, "day": r.day.isoformat(), "values": {}}
    assert_forbidden(login("tan_an"), url, "post", data)  # a commune coordinates, it does not submit
    # Another ward's team does not exist for this leader.
    client = login("team_leader")
    response = client.post(url, {**data, "team": r.field.an_hoa_team.pk}, content_type="application/json")
    assert response.status_code == 400 and "team" in response.json()


def _api_team_reports_detail(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_hidden

    r = reported(w)
    assert_hidden(login("tan_an"), reverse("api:team-reports-detail", args=[r.an_hoa_team.pk]))
    assert_hidden(login("team_leader"), reverse("api:team-reports-detail", args=[r.an_hoa_team.pk]))


def _api_delegation_reports_list(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_lists

    r = reported(w)
    url = reverse("api:delegation-reports-list")
    assert_lists(login("tan_an"), url, [TAN_AN_DELEGATION], [AN_HOA_DELEGATION])
    assert_forbidden(login("hotline_operator"), url)
    assert_forbidden(login("team_leader"), url, "post", {"delegation": r.field.tan_an.pk})
    client = login("delegation_head")
    response = client.post(url, {"delegation": r.field.an_hoa.pk}, content_type="application/json")
    assert response.status_code == 400 and "delegation" in response.json()


def _api_delegation_reports_detail(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_hidden

    r = reported(w)
    assert_hidden(login("tan_an"), reverse("api:delegation-reports-detail", args=[r.an_hoa.pk]))
    assert_hidden(login("delegation_head"), reverse("api:delegation-reports-detail", args=[r.an_hoa.pk]))


CASES: dict = {
    "reporting:today": _today,
    "reporting:teamreport_submit": _teamreport_submit,
    "reporting:teamreport_list": _teamreport_list,
    "reporting:teamreport_export": _teamreport_export,
    "reporting:teamreport_detail": _teamreport_detail,
    "reporting:delegation_consolidate": _delegation_consolidate,
    "reporting:delegationreport_list": _delegationreport_list,
    "reporting:delegationreport_export": _delegationreport_export,
    "reporting:delegationreport_detail": _delegationreport_detail,
    "reporting:delegationreport_pdf": _delegationreport_pdf,
    "api:team-reports-list": _api_team_reports_list,
    "api:team-reports-detail": _api_team_reports_detail,
    "api:delegation-reports-list": _api_delegation_reports_list,
    "api:delegation-reports-detail": _api_delegation_reports_detail,
}

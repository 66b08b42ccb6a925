"""Scope cases (core/tests/test_endpoint_scope.py) for the duty app's hotlines endpoints: URL name → case.

`hotline_world(w)` (also used by the hotlines tests) gives Tân An and An Hòa a hotline each, at their headquarters,
and each a Friday report: Tân An's user must never see An Hòa's, in pages, exports and the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from phaodai.duty.models import Hotline, Line, Roster, RosterStatus, Shift, ShiftAssignment, WeeklyRosterReport
from phaodai.duty.testing import Sites, duty_world
from phaodai.places.models import AdminUnit
from phaodai.testing import AN_HOA, TAN_AN

TAN_AN_NUMBER, AN_HOA_NUMBER = "02923822001", "02923833001"


@dataclass
class HotlineWorld:
    sites: Sites
    tan_an: Hotline
    an_hoa: Hotline
    tan_an_report: WeeklyRosterReport
    an_hoa_report: WeeklyRosterReport


def publish_roster(unit, sites, shifts, *, by, status: str = RosterStatus.PUBLISHED) -> Roster:
    """A roster built by hand (the solver is another part): `shifts` = [(site, start, end, [staff, ...]), ...]."""
    starts = [s[1] for s in shifts] or [timezone.now()]
    ends = [s[2] for s in shifts] or [timezone.now()]
    roster = Roster.objects.create(
        unit=unit,
        start_date=timezone.localdate(min(starts)),
        end_date=timezone.localdate(max(ends)),
        status=status,
        created_by=by,
        published_at=timezone.now() if status == RosterStatus.PUBLISHED else None,
        published_by=by if status == RosterStatus.PUBLISHED else None,
    )
    roster.sites.set({s[0] for s in shifts})
    for i, (site, start, end, people) in enumerate(shifts):
        shift = Shift.objects.create(
            roster=roster, site=site, name=f"Ca {i + 1}", start=start, end=end, people=max(len(people), 1)
        )
        for j, person in enumerate(people):
            ShiftAssignment.objects.create(shift=shift, staff=person, as_leader=j == 0)
    return roster


def hotline_world(w) -> HotlineWorld:
    sites = duty_world(w)
    tan_an, an_hoa = AdminUnit.objects.get(code=TAN_AN), AdminUnit.objects.get(code=AN_HOA)
    h1 = Hotline.objects.create(unit=tan_an, number=TAN_AN_NUMBER, line=Line.HEALTH, site=sites.tan_an_hq)
    h2 = Hotline.objects.create(unit=an_hoa, number=AN_HOA_NUMBER, line=Line.WELFARE, site=sites.an_hoa_hq)
    week = timezone.localdate() - timedelta(days=timezone.localdate().weekday() + 7)

    def report(unit, user) -> WeeklyRosterReport:
        return WeeklyRosterReport.objects.create(
            unit=unit,
            week_start=week,
            deadline=timezone.now(),
            submitted_at=timezone.now(),
            submitted_by=user,
            content={"hotlines": [{"number": Hotline.objects.get(unit=unit).number, "operators": []}], "rosters": []},
        )

    return HotlineWorld(sites, h1, h2, report(tan_an, w.users["tan_an"]), report(an_hoa, w.users["an_hoa"]))


# ---------------------------------------------------------------------------------------------- the cases


def _t():
    from phaodai.core.tests import test_endpoint_scope as t

    return t


def _hotline_list(w, login):
    hotline_world(w)
    _t().assert_lists(login("tan_an"), reverse("duty:hotline_list"), [TAN_AN_NUMBER], [AN_HOA_NUMBER])
    _t().assert_forbidden(login("team_member"), reverse("duty:hotline_list"))


def _hotline_export(w, login):
    hotline_world(w)
    _t().assert_lists(login("tan_an"), reverse("duty:hotline_export"), [TAN_AN_NUMBER], [AN_HOA_NUMBER])
    _t().assert_forbidden(login("team_member"), reverse("duty:hotline_export"))


def _hotline_add(w, login):
    hw = hotline_world(w)
    url = reverse("duty:hotline_add")
    data = {"unit": hw.an_hoa.unit_id, "number": "0912000111", "line": Line.GENERAL}
    response = login("tan_an").post(url, data)
    assert response.status_code == 200  # the form refuses An Hòa: not a choice for Tân An
    assert not Hotline.objects.filter(number="0912000111").exists()
    _t().assert_forbidden(login("observer"), url)
    _t().assert_forbidden(login("hotline_operator"), url, "post", data)


def _hotline_compliance(w, login):
    hotline_world(w)
    _t().assert_lists(login("tan_an"), reverse("duty:hotline_compliance"), ["Phường Tân An"], ["Phường An Hòa"])
    _t().assert_forbidden(login("team_member"), reverse("duty:hotline_compliance"))


def _hotline_compliance_export(w, login):
    hotline_world(w)
    url = reverse("duty:hotline_compliance_export")
    _t().assert_lists(login("tan_an"), url, ["Phường Tân An"], ["Phường An Hòa"])
    _t().assert_forbidden(login("team_member"), url)


def _hotline_detail(w, login):
    hw = hotline_world(w)
    _t().assert_hidden(login("tan_an"), reverse("duty:hotline_detail", args=[hw.an_hoa.pk]))
    _t().assert_hidden(login("team_member"), reverse("duty:hotline_detail", args=[hw.tan_an.pk]))


def _hotline_edit(w, login):
    hw = hotline_world(w)
    url = reverse("duty:hotline_edit", args=[hw.an_hoa.pk])
    _t().assert_hidden(login("tan_an"), url)
    _t().assert_hidden(login("tan_an"), url, "post", {"number": "0912000111", "line": Line.GENERAL})
    hw.an_hoa.refresh_from_db()
    assert hw.an_hoa.number == AN_HOA_NUMBER
    _t().assert_forbidden(login("hotline_operator"), reverse("duty:hotline_edit", args=[hw.tan_an.pk]))


def _hotline_set_active(w, login):
    hw = hotline_world(w)
    _t().assert_hidden(login("tan_an"), reverse("duty:hotline_set_active", args=[hw.an_hoa.pk]), "post", {"active": 0})
    hw.an_hoa.refresh_from_db()
    assert hw.an_hoa.is_active
    url = reverse("duty:hotline_set_active", args=[hw.tan_an.pk])
    _t().assert_forbidden(login("observer"), url, "post", {"active": "0"})


def _friday_list(w, login):
    hotline_world(w)
    _t().assert_lists(login("tan_an"), reverse("duty:friday_list"), ["Phường Tân An"], ["Phường An Hòa"])
    _t().assert_forbidden(login("team_member"), reverse("duty:friday_list"))


def _friday_submit(w, login):
    hotline_world(w)
    url = reverse("duty:friday_submit")
    monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    data = {"unit": AdminUnit.objects.get(code=AN_HOA).pk, "week_start": monday.isoformat()}
    assert login("tan_an").post(url, data).status_code == 200  # An Hòa is not a choice: the form says so
    assert not WeeklyRosterReport.objects.filter(week_start=monday).exists()
    _t().assert_forbidden(login("home_affairs"), url)  # reviews, does not submit
    _t().assert_forbidden(login("observer"), url, "post", data)


def _friday_tracking(w, login):
    hotline_world(w)
    url = reverse("duty:friday_tracking")
    _t().assert_lists(login("ninh_kieu"), url, ["Phường Tân An", "Phường An Hòa"], ["Phường Trà Nóc"])
    _t().assert_forbidden(login("tan_an"), url)  # a commune does not follow the others
    _t().assert_forbidden(login("hotline_operator"), url)


# A role that may not see a kind of record at all finds none of them: 404, as on the other detail pages.
def _friday_detail(w, login):
    hw = hotline_world(w)
    _t().assert_hidden(login("tan_an"), reverse("duty:friday_detail", args=[hw.an_hoa_report.pk]))
    _t().assert_hidden(login("team_member"), reverse("duty:friday_detail", args=[hw.tan_an_report.pk]))


def _friday_export(w, login):
    hw = hotline_world(w)
    _t().assert_hidden(login("tan_an"), reverse("duty:friday_export", args=[hw.an_hoa_report.pk]))
    _t().assert_lists(login("tan_an"), reverse("duty:friday_export", args=[hw.tan_an_report.pk]), [TAN_AN_NUMBER], [])
    _t().assert_hidden(login("team_member"), reverse("duty:friday_export", args=[hw.tan_an_report.pk]))


def _api_hotlines_list(w, login):
    hw = hotline_world(w)
    url = reverse("api:hotlines-list")
    _t().assert_lists(login("tan_an"), url, [TAN_AN_NUMBER], [AN_HOA_NUMBER])
    data = {"unit": hw.an_hoa.unit_id, "number": "0912000111", "line": Line.GENERAL}
    assert login("tan_an").post(url, data).status_code == 400  # An Hòa "does not exist" for Tân An
    _t().assert_forbidden(login("hotline_operator"), url, "post", data)
    _t().assert_forbidden(login("team_member"), url)


def _api_hotlines_detail(w, login):
    hw = hotline_world(w)
    url = reverse("api:hotlines-detail", args=[hw.an_hoa.pk])
    c = login("tan_an")
    _t().assert_hidden(c, url)
    assert c.patch(url, {"label": "X"}, content_type="application/json").status_code == 404
    assert c.delete(url).status_code == 404
    hw.an_hoa.refresh_from_db()
    assert hw.an_hoa.is_active and hw.an_hoa.label == ""
    assert login("hotline_operator").delete(reverse("api:hotlines-detail", args=[hw.tan_an.pk])).status_code == 403


def _api_compliance_list(w, login):
    hotline_world(w)
    url = reverse("api:hotline-compliance-list")
    _t().assert_lists(login("tan_an"), url, ["Phường Tân An"], ["Phường An Hòa"])
    _t().assert_forbidden(login("team_member"), url)


def _api_compliance_detail(w, login):
    hotline_world(w)
    _t().assert_hidden(login("tan_an"), reverse("api:hotline-compliance-detail", args=[_t().an_hoa_unit().pk]))
    tan_an = AdminUnit.objects.get(code=TAN_AN)
    _t().assert_forbidden(login("team_member"), reverse("api:hotline-compliance-detail", args=[tan_an.pk]))


def _api_friday_list(w, login):
    hotline_world(w)
    url = reverse("api:friday-reports-list")
    _t().assert_lists(login("tan_an"), url, ["Phường Tân An"], ["Phường An Hòa"])
    monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    data = {"unit": AdminUnit.objects.get(code=AN_HOA).pk, "week_start": monday.isoformat()}
    assert login("tan_an").post(url, data).status_code == 400
    _t().assert_forbidden(login("home_affairs"), url, "post", data)
    _t().assert_forbidden(login("team_member"), url)


def _api_friday_detail(w, login):
    hw = hotline_world(w)
    _t().assert_hidden(login("tan_an"), reverse("api:friday-reports-detail", args=[hw.an_hoa_report.pk]))
    _t().assert_forbidden(login("team_member"), reverse("api:friday-reports-detail", args=[hw.tan_an_report.pk]))


CASES: dict = {
    "duty:hotline_list": _hotline_list,
    "duty:hotline_export": _hotline_export,
    "duty:hotline_add": _hotline_add,
    "duty:hotline_compliance": _hotline_compliance,
    "duty:hotline_compliance_export": _hotline_compliance_export,
    "duty:hotline_detail": _hotline_detail,
    "duty:hotline_edit": _hotline_edit,
    "duty:hotline_set_active": _hotline_set_active,
    "duty:friday_list": _friday_list,
    "duty:friday_submit": _friday_submit,
    "duty:friday_tracking": _friday_tracking,
    "duty:friday_detail": _friday_detail,
    "duty:friday_export": _friday_export,
    "api:hotlines-list": _api_hotlines_list,
    "api:hotlines-detail": _api_hotlines_detail,
    "api:hotline-compliance-list": _api_compliance_list,
    "api:hotline-compliance-detail": _api_compliance_detail,
    "api:friday-reports-list": _api_friday_list,
    "api:friday-reports-detail": _api_friday_detail,
}

"""Scope cases (core/tests/test_endpoint_scope.py) for the duty app's rosters endpoints: URL name → case.

Each case builds An Hòa's duty site, rule and roster (and Tân An's for the lists) and proves that Phường Tân An's
user gets 404 on An Hòa's, does not see them in lists, and that a role without duty.plan gets 403 on writes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from phaodai.duty.models import CoverageRule, Roster, RosterStatus, Shift, ShiftAssignment
from phaodai.duty.testing import duty_world

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
TAN_AN_HQ, AN_HOA_HQ = "Trụ sở Ủy ban nhân dân Phường Tân An", "Trụ sở Ủy ban nhân dân Phường An Hòa"


def _helpers():
    # imported late: test_endpoint_scope imports this module
    from phaodai.core.tests import test_endpoint_scope as t

    return t


def _roster(w, site, staff, status=RosterStatus.DRAFT) -> Roster:
    roster = Roster.objects.create(
        unit=site.unit,
        start_date=date(2021, 8, 2),
        end_date=date(2021, 8, 2),
        created_by=w.users["admin"],
        status=status,
        published_at=timezone.now() if status == RosterStatus.PUBLISHED else None,
        solver={"status": "optimal", "messages": []},
    )
    roster.sites.set([site])
    for i, person in enumerate(staff):
        start = datetime(2021, 8, 2, 6, tzinfo=HCM) + timedelta(hours=8 * i)
        shift = Shift.objects.create(
            roster=roster, site=site, name=f"Ca {i}", start=start, end=start + timedelta(hours=8), people=1
        )
        ShiftAssignment.objects.create(shift=shift, staff=person)
    return roster


def _world(w):
    s = duty_world(w)
    rule = CoverageRule.objects.create(
        site=s.an_hoa_hq, name="Đêm", start_time=time(22), end_time=time(6), weekdays=[1], people=1
    )
    an_hoa = _roster(w, s.an_hoa_hq, [w.staff["hoa"]])
    tan_an = _roster(w, s.tan_an_hq, [w.staff["an"]])
    return s, rule, an_hoa, tan_an


def _site_list(w, login):
    _world(w)
    _helpers().assert_lists(login("tan_an"), reverse("duty:dutysite_list"), [TAN_AN_HQ], [AN_HOA_HQ])


def _site_detail(w, login):
    s, *_ = _world(w)
    _helpers().assert_hidden(login("tan_an"), reverse("duty:dutysite_detail", args=[s.an_hoa_hq.pk]))


def _site_add(w, login):
    t = _helpers()
    _world(w)
    t.assert_forbidden(login("observer"), reverse("duty:dutysite_add"))
    # a commune cannot create a site in another commune: the unit is not among its choices
    c = login("tan_an")
    response = c.post(reverse("duty:dutysite_add"), {"name": "X", "kind": "checkpoint", "unit": t.an_hoa_unit().pk})
    from phaodai.duty.models import DutySite

    assert response.status_code == 200 and not DutySite.objects.filter(name="X").exists()


def _site_edit(w, login):
    t = _helpers()
    s, *_ = _world(w)
    url = reverse("duty:dutysite_edit", args=[s.an_hoa_hq.pk])
    t.assert_hidden(login("tan_an"), url)
    t.assert_hidden(login("tan_an"), url, "post", {"name": "X"})
    t.assert_forbidden(login("observer"), reverse("duty:dutysite_edit", args=[s.tan_an_hq.pk]))


def _rule_add(w, login):
    t = _helpers()
    s, *_ = _world(w)
    data = {"name": "Ngày", "start_time": "08:00", "end_time": "17:00", "weekdays": [1], "people": 1, "leaders": 0}
    t.assert_hidden(login("tan_an"), reverse("duty:coveragerule_add", args=[s.an_hoa_hq.pk]), "post", data)
    assert not CoverageRule.objects.filter(name="Ngày").exists()
    t.assert_forbidden(login("observer"), reverse("duty:coveragerule_add", args=[s.tan_an_hq.pk]), "post", data)


def _rule_edit(w, login):
    t = _helpers()
    _s, rule, *_ = _world(w)
    url = reverse("duty:coveragerule_edit", args=[rule.pk])
    t.assert_hidden(login("tan_an"), url)
    t.assert_hidden(login("tan_an"), url, "post", {"name": "X"})
    t.assert_forbidden(login("observer"), reverse("duty:coveragerule_edit", args=[_tan_an_rule(w).pk]))


def _tan_an_rule(w):
    from phaodai.duty.models import DutySite

    site = DutySite.objects.get(name=TAN_AN_HQ)
    return CoverageRule.objects.create(
        site=site, name="Ngày", start_time=time(8), end_time=time(17), weekdays=[1], people=1
    )


def _unavailability_add(w, login):
    t = _helpers()
    data = {"staff": w.staff["hoa"].pk, "kind": "leave", "start": "2021-08-02T00:00", "end": "2021-08-03T00:00"}
    response = login("tan_an").post(reverse("duty:unavailability_add"), data)
    assert response.status_code == 200  # Hòa is not among Tân An's people: the form refuses
    from phaodai.duty.models import Unavailability

    assert not Unavailability.objects.exists()
    t.assert_forbidden(login("observer"), reverse("duty:unavailability_add"))


def _roster_list(w, login):
    _world(w)
    _helpers().assert_lists(login("tan_an"), reverse("duty:roster_list"), ["Phường Tân An"], ["Phường An Hòa"])


def _roster_add(w, login):
    t = _helpers()
    s, *_ = _world(w)
    data = {
        "sites": [s.an_hoa_hq.pk],
        "start": "2021-08-02",
        "end": "2021-08-02",
        "max_hours_per_week": 48,
        "min_rest_hours": 12,
    }
    before = Roster.objects.count()
    response = login("tan_an").post(reverse("duty:roster_add"), data)
    assert response.status_code == 200 and Roster.objects.count() == before  # An Hòa's site is not a choice
    t.assert_forbidden(login("observer"), reverse("duty:roster_add"))


def _roster_detail(w, login):
    _s, _rule, an_hoa, _tan_an = _world(w)
    _helpers().assert_hidden(login("tan_an"), reverse("duty:roster_detail", args=[an_hoa.pk]))


def _roster_edit(w, login):
    t = _helpers()
    _s, _rule, an_hoa, tan_an = _world(w)
    place = ShiftAssignment.objects.filter(shift__roster=an_hoa).first()
    data = {"action": "remove", "shift": place.shift_id, "staff": place.staff_id}
    t.assert_hidden(login("tan_an"), reverse("duty:roster_edit", args=[an_hoa.pk]), "post", data)
    assert ShiftAssignment.objects.filter(pk=place.pk).exists()
    t.assert_forbidden(login("observer"), reverse("duty:roster_edit", args=[tan_an.pk]), "post", {})


def _roster_publish(w, login):
    t = _helpers()
    _s, _rule, an_hoa, tan_an = _world(w)
    t.assert_hidden(login("tan_an"), reverse("duty:roster_publish", args=[an_hoa.pk]), "post")
    an_hoa.refresh_from_db()
    assert an_hoa.status == RosterStatus.DRAFT
    t.assert_forbidden(login("observer"), reverse("duty:roster_publish", args=[tan_an.pk]), "post")


def _api_sites_list(w, login):
    _world(w)
    _helpers().assert_lists(login("tan_an"), reverse("api:duty-sites-list"), [TAN_AN_HQ], [AN_HOA_HQ])


def _api_sites_detail(w, login):
    s, *_ = _world(w)
    _helpers().assert_hidden(login("tan_an"), reverse("api:duty-sites-detail", args=[s.an_hoa_hq.pk]))


def _api_rosters_list(w, login):
    t = _helpers()
    s, _rule, an_hoa, _tan_an = _world(w)
    c = login("tan_an")
    response = c.get(reverse("api:rosters-list"))
    ids = (
        [r["id"] for r in response.json()["results"]]
        if "results" in response.json()
        else [r["id"] for r in response.json()]
    )
    assert an_hoa.pk not in ids and len(ids) == 1
    before = Roster.objects.count()
    data = {"sites": [s.an_hoa_hq.pk], "start": "2021-08-02", "end": "2021-08-02"}
    assert c.post(reverse("api:rosters-list"), data, content_type="application/json").status_code == 400
    t.assert_forbidden(login("observer"), reverse("api:rosters-list"), "post", {})
    assert Roster.objects.count() == before


def _api_rosters_detail(w, login):
    _s, _rule, an_hoa, _tan_an = _world(w)
    _helpers().assert_hidden(login("tan_an"), reverse("api:rosters-detail", args=[an_hoa.pk]))


def _api_rosters_publish(w, login):
    t = _helpers()
    _s, _rule, an_hoa, tan_an = _world(w)
    t.assert_hidden(login("tan_an"), reverse("api:rosters-publish", args=[an_hoa.pk]), "post")
    t.assert_forbidden(login("observer"), reverse("api:rosters-publish", args=[tan_an.pk]), "post")


def _api_rosters_swap(w, login):
    t = _helpers()
    _s, _rule, an_hoa, tan_an = _world(w)
    t.assert_hidden(login("tan_an"), reverse("api:rosters-swap", args=[an_hoa.pk]), "post", {"first": 1, "second": 2})
    t.assert_forbidden(login("observer"), reverse("api:rosters-swap", args=[tan_an.pk]), "post", {})


CASES: dict = {
    "duty:dutysite_list": _site_list,
    "duty:dutysite_detail": _site_detail,
    "duty:dutysite_add": _site_add,
    "duty:dutysite_edit": _site_edit,
    "duty:coveragerule_add": _rule_add,
    "duty:coveragerule_edit": _rule_edit,
    "duty:unavailability_add": _unavailability_add,
    "duty:roster_list": _roster_list,
    "duty:roster_add": _roster_add,
    "duty:roster_detail": _roster_detail,
    "duty:roster_edit": _roster_edit,
    "duty:roster_publish": _roster_publish,
    "api:duty-sites-list": _api_sites_list,
    "api:duty-sites-detail": _api_sites_detail,
    "api:rosters-list": _api_rosters_list,
    "api:rosters-detail": _api_rosters_detail,
    "api:rosters-publish": _api_rosters_publish,
    "api:rosters-swap": _api_rosters_swap,
}

"""Hand edits and swaps are checked against the rules; publishing locks; a change to a published roster makes a new
version whose publication notifies exactly the people whose shifts changed. And the pages work."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from phaodai.duty import rosters, sites
from phaodai.duty.models import CoverageRule, Roster, RosterStatus, ShiftAssignment, UnavailabilityKind
from phaodai.duty.testing import duty_world, more_staff
from phaodai.notifications.models import Message
from phaodai.places.models import AdminUnit
from phaodai.testing import TAN_AN

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = date(2021, 8, 2)


@pytest.fixture
def roster(world):
    s = duty_world(world)
    more_staff(world.agencies["ubnd_tan_an"], 6, leaders=2)
    CoverageRule.objects.create(
        site=s.tan_an_hq, name="Ngày", start_time=time(7), end_time=time(19), weekdays=[1, 2, 3], people=1, leaders=1
    )
    CoverageRule.objects.create(
        site=s.tan_an_hq, name="Đêm", start_time=time(19), end_time=time(7), weekdays=[1, 2, 3], people=1
    )
    r = rosters.generate_roster(
        world.tan_an,
        unit=AdminUnit.objects.get(code=TAN_AN),
        sites=[s.tan_an_hq],
        start=MONDAY,
        end=MONDAY + timedelta(days=2),
        time_limit=5,
    )
    assert r.solver["status"] in ("optimal", "feasible")
    return r


def place(roster, day: int, name: str) -> ShiftAssignment:
    return ShiftAssignment.objects.select_related("shift", "staff").get(
        shift__roster=roster, shift__name=name, shift__start__date=MONDAY + timedelta(days=day)
    )


def test_edits_breaking_a_rule_are_refused_with_the_rule(world, roster):
    night0, day1 = place(roster, 0, "Đêm"), place(roster, 1, "Ngày")
    with translation.override("en"):
        # the night worker cannot also take the next day shift: it starts when the night ends (no rest)
        with pytest.raises(ValidationError) as exc:
            rosters.assign(world.tan_an, roster, day1.shift, night0.staff, replacing=day1.staff)
        assert "less than 12 hours of rest" in str(exc.value) or "leader-level" in str(exc.value)
        # a full shift takes nobody more
        other = next(p for p in roster.pool.all() if p.pk not in (night0.staff_id, day1.staff_id))
        with pytest.raises(ValidationError) as exc:
            rosters.assign(world.tan_an, roster, day1.shift, other)
        assert "already has its 1 people" in str(exc.value)
        # removing the only person leaves the shift short
        with pytest.raises(ValidationError) as exc:
            rosters.remove(world.tan_an, roster, day1.shift, day1.staff)
        assert "would have 0 of its 1 people" in str(exc.value)
        # a non-leader in place of the day shift's leader
        plain = next(p for p in roster.pool.all() if not rosters.is_leader(p) and p.pk != night0.staff_id)
        with pytest.raises(ValidationError) as exc:
            rosters.assign(world.tan_an, roster, day1.shift, plain, replacing=day1.staff)
        assert "leader-level" in str(exc.value)
        # stated unavailability is respected by hand edits too
        leader = next(p for p in roster.pool.all() if rosters.is_leader(p) and p.pk != day1.staff_id)
        sites.add_unavailability(
            world.tan_an,
            staff=leader,
            kind=UnavailabilityKind.STATED,
            start=datetime(2021, 8, 3, tzinfo=HCM),
            end=datetime(2021, 8, 4, tzinfo=HCM),
        )
        with pytest.raises(ValidationError) as exc:
            rosters.assign(world.tan_an, roster, day1.shift, leader, replacing=day1.staff)
        assert "said they are unavailable on 03/08/2021" in str(exc.value)
    assert place(roster, 1, "Ngày").staff_id == day1.staff_id  # nothing changed


def test_publish_then_change_makes_a_new_version_and_notifies_only_who_changed(world, roster):
    rosters.publish(world.tan_an, roster)
    roster.refresh_from_db()
    assert roster.status == RosterStatus.PUBLISHED and roster.published_at
    with pytest.raises(ValidationError):
        rosters.publish(world.tan_an, roster)
    day0, night2 = place(roster, 0, "Đêm"), place(roster, 2, "Đêm")
    if day0.staff_id == night2.staff_id:
        night2 = place(roster, 1, "Đêm")
    draft = rosters.swap(world.tan_an, roster, day0, night2)
    assert draft.pk != roster.pk and draft.previous == roster and draft.version == 2
    assert draft.status == RosterStatus.DRAFT
    assert place(roster, 0, "Đêm").staff_id == day0.staff_id  # the published version is untouched
    assert place(draft, 0, "Đêm").staff_id == night2.staff_id
    # a second edit goes to the same draft
    assert rosters.editable(world.tan_an, roster) == draft
    Message.objects.all().delete()
    rosters.publish(world.tan_an, draft)
    roster.refresh_from_db()
    assert roster.status == RosterStatus.SUPERSEDED
    notified = set(Message.objects.values_list("recipient_staff_id", flat=True))
    assert notified == {day0.staff_id, night2.staff_id}
    body = Message.objects.get(recipient_staff_id=day0.staff_id).body
    assert "02/08/2021" in body and "04/08/2021" in body


def test_pages_show_the_roster_and_take_edits(world, roster, client):
    client.cookies["django_language"] = "en"
    client.force_login(world.tan_an)
    page = client.get(reverse("duty:roster_detail", args=[roster.pk]))
    assert page.status_code == 200
    first = place(roster, 0, "Ngày")
    assert first.staff.full_name in page.content.decode()
    response = client.post(
        reverse("duty:roster_edit", args=[roster.pk]),
        {"action": "remove", "shift": first.shift_id, "staff": first.staff_id},
        follow=True,
    )
    assert "would have 0 of its 1 people" in response.content.decode()
    response = client.post(reverse("duty:roster_publish", args=[roster.pk]), follow=True)
    roster.refresh_from_db()
    assert roster.status == RosterStatus.PUBLISHED
    for name in (
        "duty:dutysite_list",
        "duty:roster_list",
        "duty:roster_add",
        "duty:dutysite_add",
        "duty:unavailability_add",
    ):
        assert client.get(reverse(name)).status_code == 200


def test_generate_and_rule_pages(world, client):
    s = duty_world(world)
    client.cookies["django_language"] = "en"
    client.force_login(world.tan_an)
    url = reverse("duty:coveragerule_add", args=[s.tan_an_hq.pk])
    bad = client.post(url, {"name": "Đêm", "start_time": "22:00", "end_time": "06:00", "people": 1, "leaders": 2})
    assert "at least one day of the week" in bad.content.decode()
    ok = client.post(
        url, {"name": "Ngày", "start_time": "08:00", "end_time": "20:00", "weekdays": [1, 2], "people": 1, "leaders": 0}
    )
    assert ok.status_code == 302
    response = client.post(
        reverse("duty:roster_add"),
        {
            "sites": [s.tan_an_hq.pk],
            "start": "2021-08-02",
            "end": "2021-08-03",
            "max_hours_per_week": 48,
            "min_rest_hours": 12,
        },
    )
    roster = Roster.objects.get()
    assert response.status_code == 302 and response["Location"] == roster.get_absolute_url()
    assert ShiftAssignment.objects.filter(shift__roster=roster).count() == 2
    assert client.get(reverse("duty:dutysite_detail", args=[s.tan_an_hq.pk])).status_code == 200


def test_api_generates_and_lists(world, api):
    s = duty_world(world)
    CoverageRule.objects.create(
        site=s.tan_an_hq, name="Ngày", start_time=time(8), end_time=time(20), weekdays=[1], people=1
    )
    c = api(world.tan_an)
    response = c.post(
        reverse("api:rosters-list"),
        {"sites": [s.tan_an_hq.pk], "start": "2021-08-02", "end": "2021-08-02"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["solver"]["status"] == "optimal" and len(response.json()["shifts"]) == 1
    listed = c.get(reverse("api:rosters-list")).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["id"] for r in rows] == [response.json()["id"]]
    published = c.post(reverse("api:rosters-publish", args=[response.json()["id"]]))
    assert published.status_code == 200 and published.json()["status"] == "published"

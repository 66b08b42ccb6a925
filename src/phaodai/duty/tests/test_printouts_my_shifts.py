""" "My shifts" on a phone, the iCalendar feed (no login: the token is the key) and the API list: a person's own
shifts of published rosters, nobody else's, never a draft or superseded version."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from phaodai.accounts.roles import Role
from phaodai.duty import my_shifts as M
from phaodai.duty.models import CalendarFeed, RosterStatus
from phaodai.duty.tests.test_printouts_pdf import MONDAY, Rostered, build_roster, put, rostered
from phaodai.mobilisation.tests.test_views import english
from phaodai.testing import TAN_AN, make_user

# Sunday 01/08/2021 08:00 in Cần Thơ: the week of the rosters is still to come.
BEFORE = datetime(2021, 8, 1, 1, 0, tzinfo=UTC)
URL = reverse("duty:my_shifts")


def login_of(w, key: str, username: str):
    """A team member's own login linked to the civil-servant record `w.staff[key]`."""
    user = make_user(username, Role.TEAM_MEMBER, TAN_AN)
    user.staff_member = w.staff[key]
    user.save()
    return user


@pytest.fixture
def r(world) -> Rostered:
    return rostered(world)


@pytest.fixture
def an(world):
    return login_of(world, "an", "nguyen_van_an")


def ics(response) -> Calendar:
    return Calendar.from_ical(response.content)


# ---------------------------------------------------------------------------------------------- the page


@time_machine.travel(BEFORE, tick=False)
def test_my_shifts_shows_where_when_with_whom_and_the_leader(world, r, an, client_for):
    response = english(client_for(an)).get(URL)
    html = response.content.decode()
    rows = response.context["rows"]
    assert response.status_code == 200
    assert [row.shift.site for row in rows] == [r.sites.tan_an_hq]
    assert "Trụ sở Ủy ban nhân dân Phường Tân An" in html and "2 Nguyễn Trãi" in html
    assert 'href="tel:02923821000"' in html  # the site's duty phone
    assert "from Mon 02/08/2021 07:00 to Mon 02/08/2021 15:00" in html
    assert "Trần Đình Đạt" in html and 'href="tel:0987654321"' in html  # the leader, with him on the shift
    assert rows[0].leader.staff == world.staff["dat"]
    # Nobody of another shift, site or ward.
    for other in ("Huỳnh Minh", "Lê Thị Hoa", "Trạm Y tế", "An Hòa"):
        assert other not in html


@time_machine.travel(BEFORE, tick=False)
def test_drafts_superseded_versions_and_past_shifts_are_not_shown(world, client_for, an):
    r = rostered(world)
    draft = build_roster(world, [r.sites.tan_an_hq], status=RosterStatus.DRAFT, version=2)
    put(draft, r.sites.tan_an_hq, MONDAY, "Ca chiều", world.staff["an"])
    old = build_roster(world, [r.sites.tan_an_hq], status=RosterStatus.SUPERSEDED, start=MONDAY + timedelta(days=7))
    put(old, r.sites.tan_an_hq, MONDAY + timedelta(days=7), "Ca đêm", world.staff["an"])
    past = build_roster(world, [r.sites.tan_an_hq], start=date(2021, 7, 19))
    put(past, r.sites.tan_an_hq, date(2021, 7, 19), "Ca sáng", world.staff["an"])
    rows = client_for(an).get(URL).context["rows"]
    assert [(row.shift.roster_id, row.shift.name) for row in rows] == [(r.tan_an.pk, "Ca sáng")]


def test_a_login_without_a_civil_servant_record_is_told_so(world, r, client_for):
    response = english(client_for(world.users["tan_an"])).get(URL)
    assert response.status_code == 200 and response.context["rows"] == []
    assert "not linked to a civil-servant record" in response.content.decode()


@time_machine.travel(BEFORE, tick=False)
def test_the_shift_happening_now_is_marked(world, r, an, client_for):
    with time_machine.travel(datetime(2021, 8, 2, 3, 0, tzinfo=UTC), tick=False):  # 10:00 in Cần Thơ
        response = english(client_for(an)).get(URL)
    assert response.context["rows"][0].is_current
    assert "On duty now" in response.content.decode()


# ---------------------------------------------------------------------------------------------- the feed


def test_the_link_is_made_on_request_and_replacing_it_kills_the_old_one(world, r, an, client_for):
    c = english(client_for(an))
    assert "Get my calendar link" in c.get(URL).content.decode()
    assert not CalendarFeed.objects.exists()
    reset = reverse("duty:my_shifts_feed_reset")
    assert c.post(reset).status_code == 302
    first = CalendarFeed.objects.get(staff=world.staff["an"]).token
    assert len(first) >= 43  # 32 random bytes, URL-safe
    page = c.get(URL).content.decode()
    old_url = reverse("duty:my_shifts_feed", args=[first])
    assert old_url in page and "webcal://" in page
    c.logout()
    assert c.get(old_url).status_code == 200  # calendar apps need no login
    client_for(an)
    c.post(reset)
    second = CalendarFeed.objects.get(staff=world.staff["an"]).token
    assert second != first
    assert c.get(old_url).status_code == 404
    assert c.get(reverse("duty:my_shifts_feed", args=[second])).status_code == 200
    assert c.get(reset).status_code == 405  # a link is only replaced by a POST


def test_a_login_without_a_record_gets_no_link(world, client_for):
    response = english(client_for(world.users["tan_an"])).post(reverse("duty:my_shifts_feed_reset"), follow=True)
    assert not CalendarFeed.objects.exists()
    assert "not linked to a civil-servant record" in response.content.decode()


@time_machine.travel(BEFORE, tick=False)
def test_the_feed_lists_the_persons_published_shifts_as_utc_events(world, r, an, client):
    dat = login_of(world, "dat", "tran_dinh_dat")
    draft = build_roster(world, [r.sites.tan_an_hq], status=RosterStatus.DRAFT, version=2)
    put(draft, r.sites.tan_an_hq, MONDAY, "Ca đêm", world.staff["dat"])
    feed = M.reset_feed(dat)
    response = client.get(reverse("duty:my_shifts_feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    events = ics(response).walk("VEVENT")
    assert len(events) == 1  # the published morning shift; not the draft's night
    event = events[0]
    assignment = r.tan_an.shifts.get(site=r.sites.tan_an_hq, name="Ca sáng", start__date=MONDAY).assignments.get(
        staff=world.staff["dat"]
    )
    assert str(event["UID"]) == f"shift-assignment-{assignment.pk}@phaodai"
    assert event.decoded("DTSTART") == datetime(2021, 8, 2, 0, 0, tzinfo=UTC)  # 07:00 in Cần Thơ
    assert event.decoded("DTEND") == datetime(2021, 8, 2, 8, 0, tzinfo=UTC)
    assert b"DTSTART:20210802T000000Z" in response.content
    assert str(event["SUMMARY"]) == "Trực: Trụ sở Ủy ban nhân dân Phường Tân An"
    assert str(event["LOCATION"]) == "2 Nguyễn Trãi, Phường Tân An"
    assert "Trực lãnh đạo" in str(event["DESCRIPTION"])
    # The same place keeps its UID on the next fetch (apps update instead of duplicating).
    again = ics(client.get(reverse("duty:my_shifts_feed", args=[feed.token]))).walk("VEVENT")
    assert [str(e["UID"]) for e in again] == [str(event["UID"])]


@time_machine.travel(BEFORE, tick=False)
def test_the_feed_reveals_nothing_but_the_persons_own_shifts(world, r, an, client):
    feed = M.reset_feed(an)
    body = client.get(reverse("duty:my_shifts_feed", args=[feed.token])).content.decode()
    # An shares his shift with Đạt, but a leaked link must not give away a colleague's name or phone.
    for other in ("Trần Đình Đạt", "0987654321", "Huỳnh Minh", "Lê Thị Hoa", "An Hòa", "0912345678"):
        assert other not in body
    assert body.count("BEGIN:VEVENT") == 1


def test_a_wrong_or_empty_token_is_not_found(world, r, an, client):
    M.reset_feed(an)
    for token in ("wrong", "x" * 43, "a" * 80):
        assert client.get(reverse("duty:my_shifts_feed", args=[token])).status_code == 404


# ---------------------------------------------------------------------------------------------- the API


@time_machine.travel(BEFORE, tick=False)
def test_the_api_lists_the_callers_own_shifts(world, r, an, api):
    body = api(an).get(reverse("api:my-shifts-list")).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["site_name"] == "Trụ sở Ủy ban nhân dân Phường Tân An" and row["shift_name"] == "Ca sáng"
    assert row["roster"] == r.tan_an.pk and row["as_leader"] is False
    assert row["colleagues"] == [{"full_name": "Trần Đình Đạt", "phone": "0987654321", "as_leader": True}]
    assert row["start"].startswith("2021-08-02T07:00:00+07:00")
    # Someone with no record sees nothing, whatever their role sees.
    assert api(world.users["admin"]).get(reverse("api:my-shifts-list")).json()["count"] == 0
    assert api().get(reverse("api:my-shifts-list")).status_code == 401


def test_the_api_lists_past_shifts_only_when_asked(world, r, an, api):
    with time_machine.travel(datetime(2021, 8, 20, tzinfo=UTC), tick=False):
        assert api(an).get(reverse("api:my-shifts-list")).json()["count"] == 0
        assert api(an).get(reverse("api:my-shifts-list"), {"past": "true"}).json()["count"] == 1
        assert api(an).get(reverse("api:my-shifts-list"), {"past": "maybe"}).status_code == 400


def test_the_api_is_documented_in_the_schema():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/my-shifts/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"past", "page"}
    fields = schema["components"]["schemas"]["MyShift"]["properties"]
    assert {"start", "end", "site_name", "site_address", "colleagues"} <= set(fields)
    assert "/api/my-shifts/{id}/" not in schema["paths"]  # a list only: nobody fetches a shift by number here

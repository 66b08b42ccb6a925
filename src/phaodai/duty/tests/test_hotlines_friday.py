"""The Friday report: deadline and lateness, the content assembled from the rosters, once per week, tracking."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from phaodai.duty import friday, hotlines
from phaodai.duty.models import Hotline, Line, WeeklyRosterReport
from phaodai.duty.testing import duty_world
from phaodai.duty.tests.scope_hotlines import publish_roster
from phaodai.places.models import AdminUnit, Level
from phaodai.reporting.rates import LATE, MISSING, NOT_DUE, ON_TIME
from phaodai.testing import AN_HOA, NINH_KIEU, TAN_AN

NEXT_MONDAY = date(2021, 9, 20)
# Friday 17 September 2021 in Cần Thơ (UTC+7): 16:00 local, then 17:00:30 local.
FRIDAY_1600 = datetime(2021, 9, 17, 9, 0, tzinfo=UTC)
FRIDAY_1700_30 = datetime(2021, 9, 17, 10, 0, 30, tzinfo=UTC)
SATURDAY = datetime(2021, 9, 18, 2, 0, tzinfo=UTC)


@pytest.fixture
def sites(world):
    return duty_world(world)


def unit(code: str) -> AdminUnit:
    return AdminUnit.objects.get(code=code)


def test_the_deadline_is_the_friday_before_the_week_at_17_00_in_can_tho():
    assert friday.deadline_for(NEXT_MONDAY) == datetime(2021, 9, 17, 10, 0, tzinfo=UTC)


def test_submitted_by_friday_17_00_is_on_time(world, sites):
    with time_machine.travel(FRIDAY_1600, tick=False):
        report = friday.submit(world.tan_an, unit(TAN_AN), NEXT_MONDAY, "Đủ lịch trực")
    assert report.minutes_late == 0
    assert report.deadline == datetime(2021, 9, 17, 10, 0, tzinfo=UTC)
    assert report.submitted_by == world.tan_an and report.note == "Đủ lịch trực"


def test_thirty_seconds_after_the_deadline_is_one_minute_late(world, sites):
    with time_machine.travel(FRIDAY_1700_30, tick=False):
        report = friday.submit(world.tan_an, unit(TAN_AN), NEXT_MONDAY)
    assert report.minutes_late == 1


def test_a_second_submission_is_refused_saying_when_and_by_whom(world, sites):
    with time_machine.travel(FRIDAY_1600, tick=False):
        friday.submit(world.tan_an, unit(TAN_AN), NEXT_MONDAY)
    with (
        time_machine.travel(SATURDAY, tick=False),
        translation.override("en"),
        pytest.raises(ValidationError) as caught,
    ):
        friday.submit(world.ninh_kieu, unit(TAN_AN), NEXT_MONDAY)
    assert caught.value.messages == [
        "Phường Tân An already submitted its report for the week of 20/09/2021 on 17/09/2021 16:00, by tan_an."
    ]
    assert WeeklyRosterReport.objects.count() == 1


def test_only_a_coming_monday_of_a_unit_in_scope(world, sites):
    with time_machine.travel(FRIDAY_1600, tick=False), translation.override("en"):
        with pytest.raises(ValidationError) as not_monday:
            friday.submit(world.tan_an, unit(TAN_AN), date(2021, 9, 21))
        with pytest.raises(ValidationError) as begun:
            friday.submit(world.tan_an, unit(TAN_AN), date(2021, 9, 13))
        with pytest.raises(PermissionDenied):
            friday.submit(world.tan_an, unit(AN_HOA), NEXT_MONDAY)
        with pytest.raises(PermissionDenied):  # Home Affairs reviews, it does not submit
            friday.submit(world.home_affairs, unit(TAN_AN), NEXT_MONDAY)
    assert "21/09/2021 is not a Monday" in not_monday.value.message_dict["week_start"][0]
    assert "has already begun" in begun.value.message_dict["week_start"][0]
    assert not WeeklyRosterReport.objects.exists()


def test_the_content_is_the_published_rosters_of_the_week_and_the_hotlines_with_their_operators(world, sites):
    tan_an = unit(TAN_AN)
    an, dat = world.staff["an"], world.staff["dat"]
    monday_local = datetime(2021, 9, 19, 17, 0, tzinfo=UTC)  # Monday 20/09 00:00 in Cần Thơ
    publish_roster(
        tan_an,
        [sites.tan_an_hq],
        [
            (sites.tan_an_hq, monday_local, monday_local + timedelta(hours=8), [an, dat]),
            (sites.tan_an_hq, monday_local - timedelta(days=3), monday_local - timedelta(days=2), [dat]),  # before
        ],
        by=world.tan_an,
    )
    hotlines.create_hotline(world.tan_an, unit=tan_an, number="0912345000", line=Line.HEALTH, site=sites.tan_an_hq)
    Hotline.objects.create(unit=tan_an, number="0912345001", line=Line.WELFARE, is_active=False)
    content = friday.assemble(tan_an, NEXT_MONDAY)
    [roster] = content["rosters"]
    assert roster["sites"] == [sites.tan_an_hq.name]
    [shift] = roster["shifts"]  # the shift of the week before is not reported
    assert shift["start"] == "2021-09-20T00:00:00+07:00"
    assert [p["name"] for p in shift["people"]] == ["Nguyễn Văn An", "Trần Đình Đạt"]
    [hotline] = content["hotlines"]  # only the hotline in use
    assert hotline["number"] == "0912345000" and hotline["line"] == "health"
    assert [p["phone"] for p in hotline["operators"][0]["people"]] == ["0912345678", "0987654321"]
    assert friday.assemble(unit(AN_HOA), NEXT_MONDAY)["rosters"] == []


def test_tracking_counts_as_the_reporting_rates_do(world, sites):
    district_units = AdminUnit.objects.filter(path__startswith=unit(NINH_KIEU).path, level__in=[2, 3]).count()
    with time_machine.travel(FRIDAY_1600, tick=False):
        friday.submit(world.tan_an, unit(TAN_AN), NEXT_MONDAY)
        before = friday.tracking(world.ninh_kieu, NEXT_MONDAY)
    with time_machine.travel(FRIDAY_1700_30, tick=False):
        friday.submit(world.an_hoa, unit(AN_HOA), NEXT_MONDAY)
    with time_machine.travel(SATURDAY, tick=False):
        after = friday.tracking(world.ninh_kieu, NEXT_MONDAY)
    # Before the deadline, what is not in yet is not due: only Tân An's report counts.
    assert before.counts.as_dict()["expected"] == 1 and before.counts.on_time_rate == 100.0
    assert {r.status for r in before.rows if r.unit.code != TAN_AN} == {NOT_DUE}
    statuses = {r.unit.code: r.status for r in after.rows}
    assert statuses[TAN_AN] == ON_TIME and statuses[AN_HOA] == LATE and statuses[NINH_KIEU] == MISSING
    assert len(after.rows) == district_units  # the district itself and each of its communes
    c = after.counts
    assert (c.expected, c.on_time, c.late, c.missing) == (district_units, 1, 1, district_units - 2)
    assert c.reporting_rate == round(2 * 100 / district_units, 1)
    assert c.on_time_rate == round(100 / district_units, 1)
    assert (after.districts.expected, after.districts.missing) == (1, 1)
    assert {r.unit.level for r in after.rows} == {Level.DISTRICT, Level.COMMUNE}


def test_only_reviewers_and_districts_track(world):
    assert friday.may_track(world.home_affairs) and friday.may_track(world.ninh_kieu)
    assert not friday.may_track(world.tan_an) and not friday.may_track(world.hotline_operator)


def test_the_pages_submit_show_and_export_the_report(world, sites, client_for, api):
    hotlines.create_hotline(world.tan_an, unit=unit(TAN_AN), number="0912345000", line=Line.HEALTH)
    c = client_for(world.tan_an)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with time_machine.travel(FRIDAY_1700_30, tick=False):
        response = c.post(reverse("duty:friday_submit"), {"unit": unit(TAN_AN).pk, "week_start": "2021-09-20"})
        report = WeeklyRosterReport.objects.get()
        assert response.status_code == 302 and report.minutes_late == 1
        again = c.post(reverse("duty:friday_submit"), {"unit": unit(TAN_AN).pk, "week_start": "2021-09-20"})
        assert "already submitted its report" in again.content.decode()
    detail = c.get(reverse("duty:friday_detail", args=[report.pk])).content.decode()
    assert "0912345000" in detail and "1 minute late" in detail
    from phaodai.core.tests.test_endpoint_scope import text_of

    sheet = text_of(c.get(reverse("duty:friday_export", args=[report.pk])))
    assert "0912345000" in sheet
    with time_machine.travel(SATURDAY, tick=False):
        tracking = client_for(world.home_affairs).get(reverse("duty:friday_tracking"), {"week_start": "2021-09-20"})
    assert tracking.status_code == 200 and tracking.context["tracking"].counts.late == 1
    with time_machine.travel(FRIDAY_1600, tick=False):
        created = api(world.an_hoa).post(
            reverse("api:friday-reports-list"), {"unit": unit(AN_HOA).pk, "week_start": "2021-09-20"}
        )
        twice = api(world.an_hoa).post(
            reverse("api:friday-reports-list"), {"unit": unit(AN_HOA).pk, "week_start": "2021-09-20"}
        )
    assert created.status_code == 201 and created.json()["minutes_late"] == 0
    assert twice.status_code == 400

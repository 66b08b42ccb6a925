"""The demo city's duty story (issue #6, item 9): sites and coverage rules, CP-SAT rosters published for Tân An,
hotlines with two wards deliberately non-compliant, community teams with their households and a gap, a week of
calls through the services (joined calls, statuses, escalations, errands), the Friday report; a second run adds
nothing."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db.models import Count
from django.utils import translation

from phaodai.accounts.models import User
from phaodai.core.demo import build_demo_city
from phaodai.core.demo.duty_story import (
    DISTRICT_CODE,
    HQ_RULES,
    STATION_RULES,
    build_duty_story,
)
from phaodai.core.demo.duty_story_calls import KEY_PREFIX
from phaodai.core.demo.duty_story_community import UNATTACHED
from phaodai.duty import compliance, friday, households, rosters
from phaodai.duty.models import (
    Call,
    CommunityTeam,
    CommunityTeamHousehold,
    CoverageRule,
    DutySite,
    Errand,
    ErrandStatus,
    HelpCategory,
    HelpRequest,
    HelpRequestStep,
    HelpStatus,
    HelpStepKind,
    Hotline,
    Roster,
    RosterStatus,
    ShiftAssignment,
    SiteKind,
    WeeklyRosterReport,
)
from phaodai.places.models import AdminUnit, Agency, Household, Level
from phaodai.staff.identity import normalise_phone
from phaodai.testing import AN_HOA, TAN_AN

STAFF = 3000
# Thursday 19 August 2021, 17:05 in Cần Thơ (UTC+7), as the reporting history's test.
NOW = datetime(2021, 8, 19, 10, 5, tzinfo=UTC)
MONDAY = date(2021, 8, 16)


@pytest.fixture
def story(db, settings):
    settings.DEMO_MODE = True
    with time_machine.travel(NOW, tick=False):
        # The demo builder plays the duty story after the mobilisation and reporting stories.
        result = build_demo_city(staff=STAFF, welfare=False).duty
    return result


def wards() -> list[AdminUnit]:
    return list(AdminUnit.objects.filter(parent__code=DISTRICT_CODE, level=Level.COMMUNE).order_by("code"))


def test_every_ninh_kieu_unit_has_its_headquarters_and_health_station_with_the_coverage_rules(story):
    units = [AdminUnit.objects.get(code=DISTRICT_CODE), *wards()]
    assert len(units) >= 9 and story.notes == []
    for unit in units:
        sites = {s.kind: s for s in DutySite.objects.filter(unit=unit)}
        assert set(sites) == {SiteKind.COMMAND_CENTRE, SiteKind.HEALTH_STATION}
        assert sites[SiteKind.COMMAND_CENTRE].agency.name.startswith("Ủy ban nhân dân")
        assert sites[SiteKind.COMMAND_CENTRE].agency.unit_id == unit.pk
        hq_rules = CoverageRule.objects.filter(site=sites[SiteKind.COMMAND_CENTRE])
        assert hq_rules.count() == len(HQ_RULES)
        # Weekdays: 2 people per 8-hour shift, one leader on the day shift; weekends: 1 person.
        weekday_day = hq_rules.get(start_time__hour=7, weekdays=[1, 2, 3, 4, 5])
        assert (weekday_day.people, weekday_day.leaders) == (2, 1)
        assert {r.people for r in hq_rules if r.weekdays == [6, 7]} == {1}
        station_rules = CoverageRule.objects.filter(site=sites[SiteKind.HEALTH_STATION])
        assert station_rules.count() == len(STATION_RULES)
        assert {(r.people, r.start_time.hour, r.end_time.hour) for r in station_rules} == {(1, 7, 19), (1, 19, 7)}


def test_tan_an_has_published_rosters_meeting_its_coverage_rules_this_week_and_next(story):
    tan_an = AdminUnit.objects.get(code=TAN_AN)
    for monday in (MONDAY, MONDAY + timedelta(days=7)):
        roster = Roster.objects.get(unit=tan_an, start_date=monday)
        assert roster.status == RosterStatus.PUBLISHED
        assert roster.solver["status"] in ("optimal", "feasible")
        assert {s.kind for s in roster.sites.all()} == {SiteKind.COMMAND_CENTRE, SiteKind.HEALTH_STATION}
        # 5 weekdays × 3 shifts + 2 weekend days × 3 shifts at the HQ, 7 × 2 at the station.
        assert roster.shifts.count() == 15 + 6 + 14
        for shift in roster.shifts.all():
            staff_ids = list(shift.assignments.values_list("staff_id", flat=True))
            assert rosters.coverage_problems(shift, staff_ids) == [], shift
            # People serve the site of their own agency, or are lent by the district.
            for agency in shift.assignments.values_list("staff__agency", flat=True):
                assert agency == shift.site.agency_id or Agency.objects.get(pk=agency).unit.code == DISTRICT_CODE
    # Every unit of the district has a roster for this week: published, or an infeasible draft saying why.
    for roster in Roster.objects.filter(start_date=MONDAY):
        if roster.status == RosterStatus.DRAFT:
            assert roster.solver["status"] == "infeasible" and rosters.messages_of(roster)
    # At 3,000 staff the district cannot lend enough people to every ward: some keep an infeasible draft.
    assert story.published == story.rosters - len(story.infeasible) and story.published >= 2 * 9
    # The district lends people; each serves one ward's roster of a week at most.
    lent = ShiftAssignment.objects.filter(
        shift__roster__start_date=MONDAY, shift__roster__unit__parent__code=DISTRICT_CODE
    ).exclude(staff__agency__unit__parent__code=DISTRICT_CODE)
    assert lent.exists()
    per_person = dict(lent.values_list("staff").annotate(n=Count("shift__roster", distinct=True)))
    assert max(per_person.values()) == 1


def test_hotlines_are_compliant_except_the_two_wards_made_wrong_on_purpose(story):
    admin = User.objects.get(username="admin")
    units = AdminUnit.objects.filter(code__in=[DISTRICT_CODE, *(w.code for w in wards())])
    with translation.override("en"):
        board = compliance.board(admin, now=NOW, units=units)
    rows = {row.unit.code: row for row in board.rows}
    only_three, no_welfare = story.non_compliant
    assert TAN_AN not in story.non_compliant and AN_HOA not in story.non_compliant
    assert "Only 3 active hotline numbers: at least 4 are required." in rows[only_three].problems
    assert rows[only_three].has_health_line and rows[only_three].has_welfare_line
    assert rows[no_welfare].problems[0] == "No welfare line." and rows[no_welfare].numbers == 4
    for code, row in rows.items():
        if code in story.non_compliant:
            continue
        assert row.numbers >= 4 and row.has_health_line and row.has_welfare_line
        if row.unstaffed_hours:
            # A ward too small for its rules keeps an infeasible draft: its hotlines ring out, and the board says so.
            # (last week's Sunday night shift runs into this Monday: last week's roster counts too).
            weeks = [MONDAY, MONDAY - timedelta(days=7)]
            assert Roster.objects.filter(unit=row.unit, start_date__in=weeks, status=RosterStatus.DRAFT).exists()
        else:
            assert row.compliant, (row.unit.name, row.problems)
    assert rows[TAN_AN].compliant and rows[AN_HOA].compliant and rows[DISTRICT_CODE].compliant
    for hotline in Hotline.objects.filter(unit__in=units):
        assert hotline.number == normalise_phone(hotline.number)
        assert hotline.number.startswith("02923") or hotline.number.startswith("09")
        assert hotline.site is not None and hotline.site.unit_id == hotline.unit_id


def test_community_teams_serve_the_households_of_tan_an_and_an_hoa_with_one_gap(story):
    for code in (TAN_AN, AN_HOA):
        neighbourhoods = AdminUnit.objects.filter(parent__code=code, level=Level.NEIGHBOURHOOD)
        for neighbourhood in neighbourhoods:
            team = CommunityTeam.objects.get(neighbourhood=neighbourhood)
            assert team.leader_phone == normalise_phone(team.leader_phone)
            assert 2 <= team.members.count() <= 4
            count = Household.objects.filter(neighbourhood=neighbourhood).count()
            assert 20 <= count <= 40
    household = Household.objects.filter(neighbourhood__parent__code=TAN_AN).first()
    assert household.address.startswith("Số ") and ", hẻm " in household.address and ", đường " in household.address
    tanan = User.objects.get(username="tanan")
    gaps = households.gaps(tanan)
    assert len(gaps) == 1 and gaps[0].without_team == UNATTACHED == story.unattached
    assert CommunityTeamHousehold.objects.count() == Household.objects.count() - UNATTACHED


def test_a_week_of_calls_opened_and_joined_help_requests_in_every_state(story):
    demo_calls = Call.objects.filter(idempotency_key__startswith=KEY_PREFIX)
    assert 60 <= demo_calls.count() <= 100 and demo_calls.count() == story.calls
    assert set(demo_calls.values_list("operator__username", flat=True)) == {"tongdai"}
    assert set(demo_calls.values_list("hotline__unit__code", flat=True)) == {TAN_AN, AN_HOA}
    assert min(demo_calls.values_list("received_at", flat=True)) >= NOW - timedelta(days=7)
    requests = HelpRequest.objects.all()
    assert requests.count() == story.help_requests
    # Repeated calls joined the open request instead of opening another.
    joined = requests.annotate(n=Count("calls")).filter(n__gt=1)
    assert joined.exists()
    assert HelpRequestStep.objects.filter(kind=HelpStepKind.CALLED_AGAIN).count() == demo_calls.count() - len(requests)
    statuses = dict(requests.values_list("status").annotate(n=Count("pk")))
    assert set(statuses) == set(HelpStatus.values), statuses
    assert statuses[HelpStatus.CLOSED] > len(requests) / 2
    categories = dict(requests.values_list("category").annotate(n=Count("pk")))
    assert max(categories, key=categories.get) == HelpCategory.FOOD
    assert 0 < categories.get(HelpCategory.MEDICAL_EMERGENCY, 0) < categories[HelpCategory.FOOD]
    # Escalated: some never acknowledged and still overdue, some acknowledged after an escalation.
    escalated = requests.filter(escalation_level__gt=0)
    assert escalated.filter(status=HelpStatus.NEW).exists()
    assert escalated.exclude(status=HelpStatus.NEW).exists()
    assert HelpRequestStep.objects.filter(kind=HelpStepKind.ESCALATED).count() == story.escalations
    for hr in requests.filter(status=HelpStatus.CLOSED):
        assert hr.outcome and hr.closed_at <= NOW and hr.acknowledged_at <= hr.closed_at
    # Households known by their phone are linked; food errands went all the way to paid.
    assert requests.filter(household__isnull=False).exists()
    errands = Errand.objects.all()
    assert errands.filter(status=ErrandStatus.PAID, amount__isnull=False).exists()
    assert set(errands.values_list("help_request__category", flat=True)) == {HelpCategory.FOOD}


def test_the_friday_report_of_this_week_was_sent_last_friday_one_late_one_missing(story):
    reports = WeeklyRosterReport.objects.filter(week_start=MONDAY)
    units = 1 + len(wards())
    assert reports.count() == units - 1 == story.friday_reports
    late = reports.filter(minutes_late__gt=0)
    assert late.count() == 1
    assert reports.get(unit__code=TAN_AN).minutes_late == 0
    deadline = friday.deadline_for(MONDAY)
    assert all(r.submitted_at.astimezone(friday.zone()).date() == deadline.date() for r in reports)
    # The snapshot holds the published rosters of the week.
    assert reports.get(unit__code=TAN_AN).content


def test_a_second_run_adds_nothing(story):
    counts = [
        m.objects.count()
        for m in (DutySite, CoverageRule, Roster, ShiftAssignment, Hotline, CommunityTeam, Household, Call)
    ]
    counts += [HelpRequest.objects.count(), HelpRequestStep.objects.count(), WeeklyRosterReport.objects.count()]
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        again = build_duty_story(AdminUnit.objects.get(code="92"))
    assert not again.created_anything
    after = [
        m.objects.count()
        for m in (DutySite, CoverageRule, Roster, ShiftAssignment, Hotline, CommunityTeam, Household, Call)
    ]
    after += [HelpRequest.objects.count(), HelpRequestStep.objects.count(), WeeklyRosterReport.objects.count()]
    assert after == counts

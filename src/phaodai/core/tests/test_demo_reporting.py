"""The demo city's reporting history (issue #5, item 10): two weeks of team and delegation reports with some late and
missing, corrections, today half-way, difficulties in every state; built through the services; a second run adds
nothing."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db.models import Count
from django.utils import timezone

from phaodai.accounts.models import User
from phaodai.core.demo import build_demo_city
from phaodai.core.demo.reporting_history import (
    EARLIER_DECISION_NUMBER,
    ROUND_SUFFIX,
    build_reporting_history,
)
from phaodai.mobilisation.models import (
    Assignment,
    AssignmentState,
    Delegation,
    DelegationKind,
    MobilisationDecision,
    StaffingRequest,
    Team,
    TeamMembership,
)
from phaodai.places.models import AdminUnit
from phaodai.reporting import deadlines
from phaodai.reporting.difficulties import PENDING
from phaodai.reporting.models import (
    DelegationReport,
    DelegationReportVersion,
    Difficulty,
    DifficultyStatus,
    DifficultyStep,
    TeamReport,
    TeamReportVersion,
)
from phaodai.reporting.rates import daily_on_time_rates, not_reported
from phaodai.staff.models import StaffStatus
from phaodai.testing import TAN_AN

STAFF = 3000
# Thursday 19 August 2021, 17:05 in Cần Thơ (UTC+7): the current round began on Monday the 16th.
THURSDAY_1705 = datetime(2021, 8, 19, 10, 5, tzinfo=UTC)
TODAY = date(2021, 8, 19)
MONDAY = date(2021, 8, 16)


@pytest.fixture
def demo_mode(settings):
    settings.DEMO_MODE = True
    return settings


@pytest.fixture
def city(db, demo_mode):
    with time_machine.travel(THURSDAY_1705, tick=False):
        # The demo builder plays the reporting history after the mobilisation story (builder.build_demo_city).
        result = build_demo_city(staff=STAFF, duty=False, welfare=False).reporting
    return result


def expected_team_days(first: date, last: date) -> set[tuple[int, date]]:
    teams = list(Team.objects.filter(delegation__kind=DelegationKind.WORK).select_related("delegation"))
    return {(pk, day) for pk, days in deadlines.team_days(teams, first, last).items() for day in days}


def test_an_earlier_round_of_other_people_finished_the_day_before_this_one_began(city):
    assert city.earlier_round and city.notes == []
    earlier = StaffingRequest.objects.get(title__endswith=ROUND_SUFFIX)
    assert (earlier.start_date, earlier.end_date) == (MONDAY - timedelta(days=14), MONDAY - timedelta(days=1))
    decision = MobilisationDecision.objects.get(number=EARLIER_DECISION_NUMBER)
    assert list(decision.requests.all()) == [earlier]
    # Released: they went home; nobody of the earlier round is mobilised now or in a current team.
    people = set(decision.assignments.values_list("staff", flat=True))
    assert people and set(decision.assignments.values_list("state", flat=True)) == {AssignmentState.RELEASED}
    mobilised_now = set(Assignment.objects.filter(state=AssignmentState.APPROVED).values_list("staff", flat=True))
    assert not people & mobilised_now
    assert set(Assignment.objects.filter(staff__in=people).values_list("decision", flat=True)) == {decision.pk}
    assert not TeamMembership.objects.filter(staff__in=people, left_on__isnull=True).exists()
    assert all(s == StaffStatus.AVAILABLE for s in decision.assignments.values_list("staff__status", flat=True)), (
        "released people are available again"
    )
    # One earlier delegation per current ward delegation, with the same teams.
    for current in Delegation.objects.filter(kind=DelegationKind.WORK, start_date=MONDAY):
        before = Delegation.objects.get(name=current.name + ROUND_SUFFIX)
        assert before.target_unit == current.target_unit and before.end_date == MONDAY - timedelta(days=1)
        assert list(before.teams.values_list("name", "task")) == list(current.teams.values_list("name", "task"))
    # Listed below the current request, as it was made before it.
    assert StaffingRequest.objects.order_by("-created_at").first().title + ROUND_SUFFIX == earlier.title


def test_most_past_team_days_are_reported_some_late_some_missing_none_twice_none_in_the_future(city):
    first, yesterday = MONDAY - timedelta(days=14), TODAY - timedelta(days=1)
    expected = expected_team_days(first, yesterday)
    slots = {(r.team_id, r.day): r for r in TeamReport.objects.filter(day__lte=yesterday)}
    assert len(expected) > 14 * 5
    assert set(slots) <= expected, "no report for a day a team was not expected"
    received = len(slots) / len(expected)
    late = sum(1 for r in slots.values() if r.minutes_late > 0) / len(slots)
    assert 0.88 <= received < 1, received  # about 5 % missing
    assert 0.04 <= late <= 0.2, late  # about 10 % late
    # Every past day of both rounds has reports.
    assert {day for _team, day in slots} == {first + timedelta(days=n) for n in range((yesterday - first).days + 1)}
    assert not TeamReport.objects.filter(day__gt=TODAY).exists()
    assert not TeamReport.objects.filter(last_submitted_at__gt=timezone.now()).exists()
    assert not TeamReport.objects.values("team", "day").annotate(n=Count("pk")).filter(n__gt=1).exists()
    for report in TeamReport.objects.filter(day__lte=yesterday):
        local = timezone.localtime(report.first_submitted_at)
        assert local.date() == report.day and 15 <= local.hour <= 19
        # Lateness as the deadline says: on time up to 17:00 local.
        assert (report.minutes_late > 0) == (
            local.time() > deadlines.team_deadline(report.team.delegation, report.day).timetz().replace(tzinfo=None)
        )


def test_reports_are_made_by_the_team_leader_with_realistic_figures_and_some_corrections(city):
    versions = TeamReportVersion.objects.select_related("report__team", "submitted_by")
    assert all(v.submitted_by.staff_member_id == v.report.team.leader_id for v in versions)
    sampling = [v.values for v in versions if "people_sampled" in v.values]
    assert sampling and all(20 <= v["households_visited"] <= 60 for v in sampling)
    assert all(80 <= v["people_sampled"] <= 250 for v in sampling)
    assert all(v["situation"] in {"stable", "attention", "serious"} for v in sampling)
    corrected = TeamReport.objects.filter(version_count__gt=1)
    assert corrected.exists()
    for report in corrected:
        first, second = report.versions.order_by("number")
        assert first.values != second.values and second.submitted_at > first.submitted_at
        assert report.first_submitted_at == first.submitted_at  # lateness is the first submission's
    # The demo team leader's login made its own team's reports of this round.
    leader = User.objects.get(username="totruong")
    assert TeamReportVersion.objects.filter(submitted_by=leader, report__day__gte=MONDAY).exists()
    # Leaders without a login got a demo-only one nobody can log in with.
    demo_users = User.objects.filter(username__startswith="demo.")
    assert demo_users.exists() and not any(u.has_usable_password() for u in demo_users)


def test_heads_report_most_days_some_late_a_few_missing_with_the_teams_missing_at_the_time(city):
    work = Delegation.objects.filter(kind=DelegationKind.WORK)
    yesterday = TODAY - timedelta(days=1)
    expected = {
        (d.pk, day)
        for d in work
        for day in deadlines.days(max(d.start_date, MONDAY - timedelta(days=14)), min(d.end_date, yesterday))
    }
    slots = {(r.delegation_id, r.day): r for r in DelegationReport.objects.filter(day__lte=yesterday)}
    assert set(slots) <= expected
    assert 0.85 <= len(slots) / len(expected) < 1
    assert any(r.minutes_late > 0 for r in slots.values())
    teams = list(Team.objects.filter(delegation__kind=DelegationKind.WORK).select_related("delegation"))
    team_days = deadlines.team_days(teams, MONDAY - timedelta(days=14), TODAY)
    for version in DelegationReportVersion.objects.select_related("report__delegation"):
        report = version.report
        assert version.submitted_by.staff_member_id == report.delegation.head_id
        assert (report.minutes_late > 0) == (timezone.localtime(version.submitted_at).hour >= 18)
        # The consolidation: the latest versions received by then, the other expected teams named as missing...
        linked = list(version.team_versions.select_related("report__team"))
        assert all(v.submitted_at <= version.submitted_at for v in linked)
        due = {t.name for t in teams if t.delegation_id == report.delegation_id and report.day in team_days[t.pk]}
        assert set(version.missing_teams) == due - {v.report.team.name for v in linked}
        # ... and their figures added up.
        numbers = {k for v in linked for k, x in v.values.items() if isinstance(x, int)}
        assert version.totals == {k: sum(v.values.get(k, 0) for v in linked) for k in numbers}


def test_today_some_teams_have_reported_and_some_not_yet_at_1705(city):
    expected = expected_team_days(TODAY, TODAY)
    reported = set(TeamReport.objects.filter(day=TODAY).values_list("team", "day"))
    assert reported and reported < expected
    # The coordinator's 17:05 list has names to phone; the 14-day on-time chart has data every day.
    coordinator = User.objects.get(username="bcd.thanhpho")
    missing = not_reported(coordinator, TODAY)
    assert missing.teams and all(m.leader_name for m in missing.teams)
    assert {m.team.pk for m in missing.teams} == {team for team, _day in expected - reported}
    chart = daily_on_time_rates(coordinator, TODAY - timedelta(days=1))
    assert len(chart) == 14 and all(day.team.expected and day.team.on_time for day in chart)


def test_difficulties_in_every_state_some_overdue_one_answered_to_its_reporter(city):
    now = timezone.now()
    all_ = Difficulty.objects.all()
    assert 6 <= all_.count() <= 10
    assert len(set(all_.values_list("category", flat=True))) >= 5
    assert len(set(all_.values_list("severity", flat=True))) == 4
    statuses = set(all_.values_list("status", flat=True))
    assert statuses == {s.value for s in DifficultyStatus}
    assert all_.filter(status__in=PENDING, due_at__lt=now).count() >= 2, "some open and overdue"
    assert not all_.filter(raised_at__gt=now).exists() and not DifficultyStep.objects.filter(at__gt=now).exists()
    resolved = all_.filter(status=DifficultyStatus.RESOLVED)
    assert resolved.exists() and all(d.answer for d in resolved)
    # The demo team leader raised one from their report and reads the answer.
    leader = User.objects.get(username="totruong")
    theirs = Difficulty.objects.visible_to(leader).filter(raised_by=leader, status=DifficultyStatus.RESOLVED)
    assert theirs.exists()
    assert all(d.team_report.team.leader == leader.staff_member for d in theirs if d.team_report)
    # Raised from reports, after they were sent.
    from_reports = all_.filter(team_report__isnull=False).select_related("team_report")
    assert from_reports.exists() and all(d.raised_at >= d.team_report.first_submitted_at for d in from_reports)
    # Every difficulty of Tân An is seen by the commune and the delegation head.
    tan_an = all_.filter(unit__code=TAN_AN)
    assert tan_an.exists()
    for username in ("tanan", "truongdoan"):
        assert set(Difficulty.objects.visible_to(User.objects.get(username=username)).filter(unit__code=TAN_AN)) == set(
            tan_an
        )


def test_a_second_run_adds_nothing(city):
    def counts():
        return [
            m.objects.count()
            for m in (
                StaffingRequest,
                Delegation,
                Team,
                TeamMembership,
                User,
                TeamReport,
                TeamReportVersion,
                DelegationReport,
                DelegationReportVersion,
                Difficulty,
                DifficultyStep,
            )
        ]

    before = counts()
    with time_machine.travel(THURSDAY_1705, tick=False):
        again = build_reporting_history(AdminUnit.objects.get(code="92"))
        demo = build_demo_city(staff=STAFF, duty=False, welfare=False)
    assert not again.created_anything and not demo.created_anything
    assert counts() == before


def test_a_run_on_a_later_day_adds_the_days_in_between(city):
    with time_machine.travel(THURSDAY_1705 + timedelta(days=2), tick=False):
        later = build_reporting_history(AdminUnit.objects.get(code="92"))
    assert later.team_reports > 0 and not later.earlier_round and later.difficulties == 0
    assert TeamReport.objects.filter(day=TODAY + timedelta(days=1)).exists()
    assert not TeamReport.objects.values("team", "day").annotate(n=Count("pk")).filter(n__gt=1).exists()


def test_a_small_city_without_delegations_gets_no_history(db, demo_mode):
    result = build_demo_city(staff=300, duty=False, welfare=False).reporting
    assert not result.created_anything and result.notes
    assert not TeamReport.objects.exists() and StaffingRequest.objects.count() == 1

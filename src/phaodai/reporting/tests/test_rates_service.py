"""Timeliness and completeness (issue #5, item 5): expected / received / on time / late / missing and the DHIS2 rates,
by team, delegation, commune, district and city; the not-reported list at 17:05; the 18:00 summary's figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from phaodai.mobilisation.models import Delegation, Task, Team, TeamMembership
from phaodai.places.models import AdminUnit
from phaodai.reporting import deadlines, rates
from phaodai.reporting.models import (
    DelegationReport,
    DelegationReportVersion,
    ReportFormVersion,
    TeamReport,
    TeamReportVersion,
)
from phaodai.reporting.testing import field_world
from phaodai.testing import AN_HOA, CITY, NINH_KIEU, TAN_AN

TODAY = date(2021, 8, 20)
AT_17_05 = datetime(2021, 8, 20, 10, 5, tzinfo=UTC)  # 17:05 in Hồ Chí Minh City
AT_16_55 = datetime(2021, 8, 20, 9, 55, tzinfo=UTC)
AT_18_05 = datetime(2021, 8, 20, 11, 5, tzinfo=UTC)


# ------------------------------------------------------------------------------------------------ report rows


def team_report(team: Team, day: date, minutes_late: int = 0, user=None) -> TeamReport:
    """A team report slot and its first version, sent `minutes_late` minutes after the deadline (0: 30 min early)."""
    deadline = deadlines.team_deadline(team.delegation, day)
    at = deadline + timedelta(minutes=minutes_late) if minutes_late else deadline - timedelta(minutes=30)
    report = TeamReport.objects.create(
        team=team,
        day=day,
        deadline=deadline,
        first_submitted_at=at,
        minutes_late=deadlines.minutes_late(at, deadline),
        last_submitted_at=at,
    )
    TeamReportVersion.objects.create(
        report=report,
        number=1,
        form_version=ReportFormVersion.objects.first(),
        values={"people_on_duty": 2},
        submitted_by=user or _any_user(),
        submitted_at=at,
    )
    return report


def delegation_report(
    delegation: Delegation, day: date, minutes_late: int = 0, totals: list[dict] | None = None, user=None
) -> DelegationReport:
    """A delegation report slot with one version per `totals` dict (the last is the latest)."""
    deadline = deadlines.delegation_deadline(delegation, day)
    at = deadline + timedelta(minutes=minutes_late) if minutes_late else deadline - timedelta(minutes=20)
    report = DelegationReport.objects.create(
        delegation=delegation,
        day=day,
        deadline=deadline,
        first_submitted_at=at,
        minutes_late=deadlines.minutes_late(at, deadline),
        last_submitted_at=at,
        version_count=len(totals or [{}]),
    )
    for number, figures in enumerate(totals or [{}], start=1):
        DelegationReportVersion.objects.create(
            report=report, number=number, totals=figures, submitted_by=user or _any_user(), submitted_at=at
        )
    return report


def _any_user():
    from phaodai.accounts.models import User

    return User.objects.get(username="delegation_head")


def history(f) -> None:
    """Seven days (TODAY − 6 … TODAY) of reports:
    - Tổ 1: on time every day (7);
    - Tổ 2: on time on days 0–2, late on days 3–4 (15 and 90 minutes), nothing on day 5 nor today;
    - Tổ An Hòa: nothing until day 5, late then (5 minutes), on time today;
    - Tân An's own report: on time on days 0–3, late on day 4, nothing on day 5 nor today;
    - An Hòa's own report: never.
    """
    first = f.start
    for i in range(7):
        team_report(f.team_1, first + timedelta(days=i))
    for i in range(3):
        team_report(f.team_2, first + timedelta(days=i))
    team_report(f.team_2, first + timedelta(days=3), minutes_late=15)
    team_report(f.team_2, first + timedelta(days=4), minutes_late=90)
    team_report(f.an_hoa_team, first + timedelta(days=5), minutes_late=5)
    team_report(f.an_hoa_team, TODAY)
    for i in range(4):
        delegation_report(f.tan_an, first + timedelta(days=i))
    delegation_report(f.tan_an, first + timedelta(days=4), minutes_late=40)


def counts(c: rates.Counts | None) -> tuple | None:
    if c is None:
        return None
    return (c.expected, c.received, c.on_time, c.late, c.missing, c.reporting_rate, c.on_time_rate)


def by_label(result: rates.Rates) -> dict[str, rates.RateRow]:
    return {row.label: row for row in result.rows}


# ------------------------------------------------------------------------------------------------ rates by level


@pytest.fixture
def f(world):
    f = field_world(world, TODAY)
    history(f)
    return f


def test_rates_by_team_count_expected_received_on_time_late_and_missing(world, f):
    result = rates.reporting_rates(world.admin, f.start, TODAY, rates.TEAM, now=AT_17_05)
    rows = by_label(result)
    assert counts(rows["Tổ 1"].team) == (7, 7, 7, 0, 0, 100.0, 100.0)
    assert counts(rows["Tổ 2"].team) == (7, 5, 3, 2, 2, 71.4, 42.9)
    assert counts(rows["Tổ An Hòa"].team) == (7, 2, 1, 1, 5, 28.6, 14.3)
    assert rows["Tổ 2"].context == f.tan_an.name
    assert rows["Tổ 1"].delegation is None  # a team sends no delegation report
    assert counts(result.total.team) == (21, 14, 11, 3, 7, 66.7, 52.4)


def test_rates_by_delegation_count_both_kinds_of_report(world, f):
    rows = by_label(rates.reporting_rates(world.admin, f.start, TODAY, rates.DELEGATION, now=AT_17_05))
    assert counts(rows[f.tan_an.name].team) == (14, 12, 10, 2, 2, 85.7, 71.4)
    # At 17:05 today's delegation reports are not due yet (18:00): 6 days expected, not 7.
    assert counts(rows[f.tan_an.name].delegation) == (6, 5, 4, 1, 1, 83.3, 66.7)
    assert counts(rows[f.an_hoa.name].delegation) == (6, 0, 0, 0, 6, 0.0, 0.0)
    assert rows[f.tan_an.name].context == "Phường Tân An"


def test_after_the_delegation_deadline_today_counts_too(world, f):
    rows = by_label(rates.reporting_rates(world.admin, f.start, TODAY, rates.DELEGATION, now=AT_18_05))
    assert counts(rows[f.tan_an.name].delegation) == (7, 5, 4, 1, 2, 71.4, 57.1)


def test_rates_by_commune_district_and_city_roll_the_delegations_up(world, f):
    communes = by_label(rates.reporting_rates(world.admin, f.start, TODAY, rates.COMMUNE, now=AT_17_05))
    assert set(communes) == {"Phường Tân An", "Phường An Hòa"}
    assert counts(communes["Phường An Hòa"].team) == (7, 2, 1, 1, 5, 28.6, 14.3)
    district = rates.reporting_rates(world.admin, f.start, TODAY, rates.DISTRICT, now=AT_17_05)
    [row] = district.rows
    assert row.label == AdminUnit.objects.get(code=NINH_KIEU).name
    assert counts(row.team) == (21, 14, 11, 3, 7, 66.7, 52.4)
    assert counts(row.delegation) == (12, 5, 4, 1, 7, 41.7, 33.3)
    city = rates.reporting_rates(world.admin, f.start, TODAY, rates.CITY, now=AT_17_05)
    [row] = city.rows
    assert row.label == AdminUnit.objects.get(code=CITY).name
    assert counts(row.team) == counts(district.rows[0].team)
    assert counts(city.total.delegation) == (12, 5, 4, 1, 7, 41.7, 33.3)


def test_before_the_deadline_a_missing_report_is_not_due_yet(world, f):
    # 16:55 today: Tổ 1 and Tổ An Hòa have sent today's report, Tổ 2 not yet — it is not counted as missing.
    today_only = by_label(rates.reporting_rates(world.admin, TODAY, TODAY, rates.TEAM, now=AT_16_55))
    assert counts(today_only["Tổ 1"].team) == (1, 1, 1, 0, 0, 100.0, 100.0)
    assert counts(today_only["Tổ 2"].team) == (0, 0, 0, 0, 0, None, None)
    after = by_label(rates.reporting_rates(world.admin, TODAY, TODAY, rates.TEAM, now=AT_17_05))
    assert counts(after["Tổ 2"].team) == (1, 0, 0, 0, 1, 0.0, 0.0)


def test_days_to_come_and_days_a_delegation_is_inactive_expect_nothing(world, f):
    Delegation.objects.filter(pk=f.an_hoa.pk).update(end_date=TODAY - timedelta(days=3))
    rows = by_label(rates.reporting_rates(world.admin, f.start - timedelta(days=5), f.end, rates.TEAM, now=AT_17_05))
    # An Hòa ended three days ago: 4 days expected, not the 7 days to today nor the 5 days before it started.
    assert rows["Tổ An Hòa"].team.expected == 4
    assert rows["Tổ 1"].team.expected == 7  # nothing after today, nothing before the start
    before = rates.reporting_rates(world.admin, f.start - timedelta(days=5), f.start - timedelta(days=1), rates.CITY)
    assert before.rows == [] and before.total.team.expected == 0 and before.total.team.on_time_rate is None


def test_a_team_without_members_on_a_day_is_not_expected_that_day(world, f):
    # Tổ 2's only member left two days ago: it expects no report from yesterday on.
    TeamMembership.objects.filter(team=f.team_2).update(left_on=TODAY - timedelta(days=2))
    rows = by_label(rates.reporting_rates(world.admin, f.start, TODAY, rates.TEAM, now=AT_17_05))
    assert counts(rows["Tổ 2"].team) == (5, 5, 3, 2, 0, 100.0, 60.0)


def test_a_leadership_delegation_is_not_counted(world, f):
    leadership = Delegation.objects.create(
        name="Đoàn lãnh đạo",
        kind="leadership",
        target_unit=f.tan_an.target_unit,
        head=world.staff["dat"],
        coordination_team=f.coordination,
        start_date=f.start,
        end_date=f.end,
    )
    Team.objects.create(delegation=leadership, name="Tổ tư vấn", task=Task.OTHER, leader=world.staff["binh"])
    rows = by_label(rates.reporting_rates(world.admin, f.start, TODAY, rates.DELEGATION, now=AT_17_05))
    assert "Đoàn lãnh đạo" not in rows


# ------------------------------------------------------------------------------------------------ scope and input


def test_a_commune_user_counts_only_its_own_delegations_even_at_city_level(world, f):
    [row] = rates.reporting_rates(world.tan_an, f.start, TODAY, rates.CITY, now=AT_17_05).rows
    assert counts(row.team) == (14, 12, 10, 2, 2, 85.7, 71.4)  # Tân An's two teams only
    teams = by_label(rates.reporting_rates(world.tan_an, f.start, TODAY, rates.TEAM, now=AT_17_05))
    assert set(teams) == {"Tổ 1", "Tổ 2"}
    assert rates.reporting_rates(world.team_member, f.start, TODAY, rates.TEAM).rows == []  # no reporting.view


@pytest.mark.parametrize(
    ("first", "last", "level", "code"),
    [
        (TODAY, TODAY - timedelta(days=1), "team", "range_reversed"),
        (TODAY - timedelta(days=400), TODAY, "team", "range_too_long"),
        (TODAY, TODAY, "ward", "level_unknown"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(first, last, level, code):
    with pytest.raises(ValidationError) as error:
        rates.check_range(first, last, level)
    assert [e.code for e in error.value.error_list] == [code]


def test_a_year_is_accepted(world, f):
    rates.check_range(TODAY - timedelta(days=365), TODAY, "city")


def test_the_number_of_queries_does_not_grow_with_the_range_or_the_teams(world, f, django_assert_max_num_queries):
    def queries(first: date) -> int:
        with CaptureQueriesContext(connection) as ctx:
            rates.reporting_rates(world.admin, first, TODAY, rates.TEAM, now=AT_17_05)
        return len(ctx.captured_queries)

    week = queries(TODAY - timedelta(days=6))
    for i in range(10):
        team = Team.objects.create(delegation=f.an_hoa, name=f"Tổ {i + 3}", task=Task.OTHER, leader=world.staff["hoa"])
        team_report(team, TODAY - timedelta(days=1))
    assert queries(TODAY - timedelta(days=300)) == week
    with django_assert_max_num_queries(6):
        rates.reporting_rates(world.admin, TODAY - timedelta(days=365), TODAY, rates.CITY, now=AT_17_05)


# ------------------------------------------------------------------------------------------------ day by day


def test_daily_on_time_rates_cover_fourteen_days(world, f):
    days = rates.daily_on_time_rates(world.admin, TODAY, 14, now=AT_18_05)
    assert [d.day for d in days] == [TODAY - timedelta(days=13 - i) for i in range(14)]
    by_day = {d.day: d for d in days}
    assert by_day[f.start - timedelta(days=1)].team.on_time_rate is None  # before the delegations started
    assert counts(by_day[f.start].team)[:5] == (3, 2, 2, 0, 1)  # Tổ 1, Tổ 2 on time, An Hòa missing
    assert by_day[f.start + timedelta(days=3)].team.on_time_rate == 33.3  # Tổ 2 late, An Hòa missing
    assert by_day[f.start].delegation.on_time_rate == 50.0  # Tân An on time, An Hòa missing
    assert by_day[TODAY].team.on_time_rate == 66.7


# ------------------------------------------------------------------------------------------------ not reported


def test_at_17_05_the_list_names_the_teams_to_phone(world, f):
    result = rates.not_reported(world.admin, TODAY, AT_17_05)
    assert [(m.team.name, m.leader_name, m.commune.code) for m in result.teams] == [("Tổ 2", "Võ Thị Lan", TAN_AN)]
    assert result.delegations == [] and result.delegations_not_due == 2  # their deadline is 18:00


def test_before_17_00_nobody_is_late_yet(world, f):
    result = rates.not_reported(world.admin, TODAY, AT_16_55)
    assert result.teams == [] and result.teams_not_due == 1


def test_after_18_00_the_delegations_without_their_report_are_listed_with_the_head(world, f):
    result = rates.not_reported(world.admin, TODAY, AT_18_05)
    missing = {m.delegation.name: m for m in result.delegations}
    assert set(missing) == {f.tan_an.name, f.an_hoa.name}
    assert missing[f.tan_an.name].head_name == "Trần Đình Đạt"
    assert missing[f.tan_an.name].head_phone == "0987654321"
    assert missing[f.tan_an.name].teams_missing == 1 and missing[f.an_hoa.name].teams_missing == 0
    delegation_report(f.an_hoa, TODAY, minutes_late=3)
    assert {m.delegation.name for m in rates.not_reported(world.admin, TODAY, AT_18_05).delegations} == {f.tan_an.name}


def test_the_not_reported_list_stays_within_the_scope(world, f):
    result = rates.not_reported(world.an_hoa, f.start, AT_17_05)
    assert [m.team.name for m in result.teams] == ["Tổ An Hòa"]
    assert {m.delegation.target_unit.code for m in result.delegations} == {AN_HOA}


# ------------------------------------------------------------------------------------------------ the summary


def test_the_summary_has_one_row_per_delegation_with_the_latest_figures(world, f):
    delegation_report(
        f.an_hoa,
        TODAY,
        minutes_late=12,
        totals=[{"households_visited": 10, "people_sampled": 4}, {"households_visited": 12, "people_sampled": 5}],
    )
    result = rates.summary(world.admin, TODAY, AT_18_05)
    rows = {r.delegation.name: r for r in result.rows}
    assert list(rows) == [f.an_hoa.name, f.tan_an.name]  # An Hòa (31120) before Tân An (31135)
    an_hoa, tan_an = rows[f.an_hoa.name], rows[f.tan_an.name]
    assert (an_hoa.teams_expected, an_hoa.teams_reported, an_hoa.teams.on_time) == (1, 1, 1)
    assert (tan_an.teams_expected, tan_an.teams_reported, tan_an.teams.on_time) == (2, 1, 1)
    assert an_hoa.status == rates.LATE and an_hoa.report.minutes_late == 12
    assert tan_an.status == rates.MISSING
    assert an_hoa.totals == {"households_visited": 12, "people_sampled": 5}  # the latest version, not the first
    assert [key for key, _label in result.total_keys] == ["households_visited", "people_sampled"]
    assert result.total_figures == {"households_visited": 12, "people_sampled": 5}
    assert result.total_delegations.received == 1 and result.total_delegations.expected == 2


def test_the_summary_before_18_00_says_the_delegation_report_is_not_due_yet(world, f):
    rows = {r.delegation.name: r for r in rates.summary(world.admin, TODAY, AT_17_05).rows}
    assert rows[f.tan_an.name].status == rates.NOT_DUE


def test_the_chart_puts_100_percent_at_the_top_and_skips_days_without_reports(world, f):
    chart = rates.on_time_chart(rates.daily_on_time_rates(world.admin, TODAY, 14, now=AT_18_05))
    assert (chart.top, 100) in chart.y_ticks and (chart.top + chart.plot_height, 0) in chart.y_ticks
    team = chart.series[0]
    assert len(team.points) == 14
    x, y, rate, day = team.points[-1]
    assert (day, rate) == (TODAY, 66.7)
    assert y == pytest.approx(chart.top + chart.plot_height * (1 - 0.667))
    assert x == chart.left + chart.plot_width
    assert len(team.polyline.split()) == 7  # the 7 days before the start expected nothing: not drawn

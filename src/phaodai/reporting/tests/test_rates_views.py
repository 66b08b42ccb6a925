"""The rates pages, the not-reported list, the 18:00 summary, their Excel exports and the API (issue #5, items 5, 9)."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from phaodai.reporting.testing import field_world
from phaodai.reporting.tests.test_rates_service import (
    AT_17_05,
    AT_18_05,
    TODAY,
    delegation_report,
    history,
)


@pytest.fixture
def f(world):
    f = field_world(world, TODAY)
    history(f)
    return f


def sheet_rows(response) -> list[tuple]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return [row for row in book.worksheets[0].iter_rows(values_only=True)]


def query(**params) -> str:
    return "?" + "&".join(f"{k}={v}" for k, v in params.items())


# ------------------------------------------------------------------------------------------------ rates page


def test_the_rates_page_shows_the_numbers_by_the_chosen_level(world, f, client_for):
    c = client_for(world.steering)
    with time_machine.travel(AT_17_05, tick=False):
        response = c.get(reverse("reporting:rates") + query(level="team", **{"from": f"{f.start:%d/%m/%Y}"}))
    assert response.status_code == 200
    result = response.context["rates"]
    assert (result.first, result.last, result.level) == (f.start, TODAY, "team")
    rows = {row.label: row for row in result.rows}
    assert (rows["Tổ 2"].team.expected, rows["Tổ 2"].team.late, rows["Tổ 2"].team.missing) == (7, 2, 2)
    html = response.content.decode()
    assert "Tổ An Hòa" in html and 'data-label="' in html
    assert reverse("reporting:rates_export") in html


def test_by_default_the_page_shows_the_last_seven_days_by_delegation(world, f, client_for):
    with time_machine.travel(AT_17_05, tick=False):
        result = client_for(world.tan_an).get(reverse("reporting:rates")).context["rates"]
    assert (result.first, result.last, result.level) == (TODAY - timedelta(days=6), TODAY, "delegation")
    assert [row.label for row in result.rows] == [f.tan_an.name]


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2021-08-20", "to": "2021-08-10"},
        {"from": "2020-01-01", "to": "2021-08-10"},
        {"level": "ward"},
        {"from": "32/13/2021"},
    ],
)
def test_bad_filters_are_explained_above_the_form_and_refused_by_the_export(world, f, client_for, params):
    c = client_for(world.steering)
    response = c.get(reverse("reporting:rates") + query(**params))
    assert response.status_code == 200
    assert "rates" not in response.context
    html = response.content.decode()
    assert html.index('class="form-errors"') < html.index('<form method="get"')
    export = c.get(reverse("reporting:rates_export") + query(**params))
    assert export.status_code == 400
    assert export.content.decode().strip()


def test_the_rates_export_has_a_row_per_delegation_and_a_total(world, f, client_for):
    with time_machine.travel(AT_17_05, tick=False):
        response = client_for(world.steering).get(
            reverse("reporting:rates_export") + query(level="delegation", **{"from": f"{f.start:%Y-%m-%d}"})
        )
    assert response.status_code == 200
    header, *rows = sheet_rows(response)
    assert len(header) == 2 + 7 + 7
    assert [row[0] for row in rows[:2]] == [f.an_hoa.name, f.tan_an.name] and len(rows) == 3
    tan_an = rows[1]
    assert tan_an[2:9] == (14, 12, 10, 2, 2, 85.7, 71.4)
    assert rows[-1][2] == 21  # the total row: every expected team report


# ------------------------------------------------------------------------------------------------ not reported


def test_at_17_05_the_coordinator_sees_whom_to_call(world, f, client_for):
    lan = world.staff["lan"]
    lan.phone = "0911222333"
    lan.save(update_fields=["phone"])
    c = client_for(world.steering)
    with time_machine.travel(AT_17_05, tick=False):
        response = c.get(reverse("reporting:not_reported"))
    result = response.context["result"]
    assert [m.team.name for m in result.teams] == ["Tổ 2"]
    html = response.content.decode()
    assert 'href="tel:0911222333"' in html and "Võ Thị Lan" in html
    with time_machine.travel(AT_18_05, tick=False):
        html = c.get(reverse("reporting:not_reported")).content.decode()
    assert 'href="tel:0987654321"' in html  # Trần Đình Đạt, head of Tân An
    assert f.an_hoa.name in html


# ------------------------------------------------------------------------------------------------ summary


def test_the_summary_page_has_a_row_per_delegation_and_an_accessible_chart(world, f, client_for):
    delegation_report(f.an_hoa, TODAY, totals=[{"households_visited": 30}])
    with time_machine.travel(AT_18_05, tick=False):
        response = client_for(world.steering).get(reverse("reporting:summary"))
    assert response.status_code == 200
    assert [row.delegation for row, _figures in response.context["rows"]] == [f.an_hoa, f.tan_an]
    html = response.content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "<title" in svg and "<polyline" in svg and "<script" not in html.split("<main", 1)[1]
    assert "http" not in svg.replace("http://www.w3.org", "")  # nothing fetched from elsewhere
    assert 'class="list compact chart-data"' in html  # the chart's numbers as a table too
    assert len(response.context["chart"].days) == 14


def test_the_summary_export_has_one_row_per_delegation_with_its_figures(world, f, client_for):
    delegation_report(f.an_hoa, TODAY, minutes_late=25, totals=[{"households_visited": 30}, {"households_visited": 31}])
    delegation_report(f.tan_an, TODAY, totals=[{"households_visited": 8, "people_sampled": 40}])
    with time_machine.travel(AT_18_05, tick=False):
        response = client_for(world.steering).get(reverse("reporting:summary_export"))
    assert response.status_code == 200
    header, *rows = sheet_rows(response)
    assert [row[0] for row in rows] == [f.an_hoa.name, f.tan_an.name]
    households = header.index(next(h for h in header if "Households visited" in h or "Số hộ gia đình" in h))
    assert [row[households] for row in rows] == [31, 8]
    minutes = header.index(next(h for h in header if "Minutes late" in h or "Số phút" in h))
    assert rows[0][minutes] == 25
    assert [row[3] for row in rows] == [1, 2]  # teams expected


def test_a_bad_day_is_a_400_for_the_summary_export(world, f, client_for):
    response = client_for(world.steering).get(reverse("reporting:summary_export") + "?day=31/02/2021")
    assert response.status_code == 400


# ------------------------------------------------------------------------------------------------ API


def test_the_api_lists_rates_by_level_and_kind(world, f, api):
    with time_machine.travel(AT_17_05, tick=False):
        body = (
            api(world.steering)
            .get(reverse("api:reporting-rates-list"), {"from": f"{f.start}", "to": f"{TODAY}", "level": "team"})
            .json()
        )
        rows = {row["label"]: row for row in body["results"]}
        assert rows["Tổ 2"]["expected"] == 7 and rows["Tổ 2"]["late"] == 2 and rows["Tổ 2"]["on_time_rate"] == 42.9
        body = (
            api(world.steering)
            .get(
                reverse("api:reporting-rates-list"), {"from": f"{f.start}", "level": "delegation", "kind": "delegation"}
            )
            .json()
        )
        rows = {row["label"]: row for row in body["results"]}
        assert rows[f.an_hoa.name]["expected"] == 6 and rows[f.an_hoa.name]["reporting_rate"] == 0.0
        detail = api(world.tan_an).get(
            reverse("api:reporting-rates-detail", args=[f.tan_an.pk]), {"from": f"{f.start}"}
        )
        assert detail.status_code == 200 and detail.json()["received"] == 12


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2021-08-20", "to": "2021-08-01"}, "non_field_errors"),
        ({"from": "2019-01-01", "to": "2021-08-01"}, "non_field_errors"),
        ({"level": "ward"}, "level"),
        ({"level": "team", "kind": "delegation"}, "kind"),
        ({"from": "20/08/2021"}, "from"),
    ],
)
def test_the_api_refuses_bad_input_with_a_400(world, f, api, params, field):
    response = api(world.steering).get(reverse("api:reporting-rates-list"), params)
    assert response.status_code == 400
    assert field in response.json()


def test_the_api_lists_who_has_not_reported(world, f, api):
    with time_machine.travel(AT_18_05, tick=False):
        body = api(world.steering).get(reverse("api:not-reported-list")).json()
        rows = {row["delegation_name"]: row for row in body["results"]}
        assert set(rows) == {f.tan_an.name, f.an_hoa.name}
        assert rows[f.tan_an.name]["report_missing"] is True
        assert [t["team_name"] for t in rows[f.tan_an.name]["missing_teams"]] == ["Tổ 2"]
        assert rows[f.tan_an.name]["head_phone"] == "0987654321"
        delegation_report(f.an_hoa, TODAY)
        one = api(world.steering).get(reverse("api:not-reported-detail", args=[f.an_hoa.pk])).json()
        assert one["report_missing"] is False and one["missing_teams"] == []
    assert api(world.observer).get(reverse("api:not-reported-list")).status_code == 403


def test_rates_for_a_leap_year_range_are_accepted(world, f, api):
    response = api(world.steering).get(reverse("api:reporting-rates-list"), {"from": "2020-01-01", "to": "2020-12-31"})
    assert response.status_code == 200

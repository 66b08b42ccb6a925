"""The reports API: scoped reads, submissions with an Idempotency-Key (same key → same answer, 200, no new row),
and the services' refusals as 400/403 with their messages."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from phaodai.reporting.models import DelegationReportVersion, TeamReport, TeamReportVersion
from phaodai.reporting.testing import field_world

HCMC = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = date(2021, 8, 12)
VALUES = {"people_on_duty": 4, "households_visited": 30, "people_sampled": 25, "situation": "stable"}


def at(hour: int, minute: int, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=HCMC).astimezone(UTC)


@pytest.fixture
def field(world):
    return field_world(world, DAY)


def test_the_same_idempotency_key_gets_the_same_answer_and_no_new_row(world, field, api):
    client = api(world.users["team_leader"])
    url = reverse("api:team-reports-list")
    body = {"team": field.team_1.pk, "day": "2021-08-12", "values": VALUES}
    with time_machine.travel(at(17, 3), tick=False):
        first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="3f1c")
        again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="3f1c")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert first.json()["minutes_late"] == 3 and first.json()["version"] == 1
    assert TeamReportVersion.objects.count() == 1
    with time_machine.travel(at(17, 10), tick=False):
        correction = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="9a2b")
    assert correction.status_code == 201 and correction.json()["version"] == 2
    assert correction.json()["minutes_late"] == 3  # the first submission's
    listed = client.get(url).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [len(r["versions"]) for r in rows] == [2]


def test_bad_figures_are_a_400_naming_each_field(world, field, api):
    client = api(world.users["team_leader"])
    body = {"team": field.team_1.pk, "day": "2021-08-12", "values": {**VALUES, "households_visited": -3}}
    with time_machine.travel(at(16, 0), tick=False):
        response = client.post(reverse("api:team-reports-list"), body, format="json")
        future = client.post(reverse("api:team-reports-list"), {**body, "day": "2021-08-13"}, format="json")
    assert response.status_code == 400
    assert response.json()["households_visited"] == ["Households visited: -3 is negative; enter 0 or more."]
    assert future.status_code == 400 and "still to come" in future.json()["day"][0]
    assert TeamReport.objects.count() == 0


def test_someone_elses_team_is_a_403(world, field, api):
    body = {"team": field.team_2.pk, "day": "2021-08-12", "values": VALUES}
    with time_machine.travel(at(16, 0), tick=False):
        response = api(world.users["team_leader"]).post(reverse("api:team-reports-list"), body, format="json")
    assert response.status_code == 403 and "Only the leader of Tổ 2" in response.json()["detail"]


def test_the_delegation_report_api_is_idempotent_too(world, field, api):
    client = api(world.users["delegation_head"])
    url = reverse("api:delegation-reports-list")
    body = {"delegation": field.tan_an.pk, "day": "2021-08-12", "narrative": "Ổn định", "proposals": ""}
    with time_machine.travel(at(17, 55), tick=False):
        first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="d-1")
        again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="d-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert first.json()["missing_teams"] == ["Tổ 1", "Tổ 2"] and first.json()["minutes_late"] == 0
    assert DelegationReportVersion.objects.count() == 1
    detail = client.get(reverse("api:delegation-reports-detail", args=[first.json()["report"]])).json()
    assert detail["versions"][0]["narrative"] == "Ổn định"

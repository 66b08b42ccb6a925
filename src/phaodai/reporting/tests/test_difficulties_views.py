"""Difficulty pages and API: raising from a report, the timeline and the actions, the list, export and ageing."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import openpyxl
import time_machine
from django.urls import reverse
from django.utils import timezone

from phaodai.mobilisation.tests.test_views import english
from phaodai.reporting import difficulties as svc
from phaodai.reporting.models import Difficulty, DifficultyStatus, TeamReport
from phaodai.reporting.testing import field_world
from phaodai.testing import AN_HOA, NINH_KIEU, TAN_AN, unit


def make(user, code=TAN_AN, **kw):
    data = {"category": "supplies", "severity": "low", "title": "Thiếu khẩu trang", "description": "Cần 1.000 cái."}
    data.update(kw)
    return svc.raise_difficulty(user, unit=unit(code), **data)


def test_team_leader_raises_from_their_report_on_a_phone(world, client_for):
    f = field_world(world)
    now = timezone.now()
    report = TeamReport.objects.create(
        team=f.team_1, day=timezone.localdate(), deadline=now, first_submitted_at=now, last_submitted_at=now
    )
    c = client_for(world.team_leader)
    url = reverse("reporting:difficulty_add") + f"?team_report={report.pk}"
    page = c.get(url)
    assert page.status_code == 200 and "unit" not in page.context["form"].fields  # the unit is the report's
    response = c.post(
        url,
        {"title": "Thiếu que test", "category": "medical", "severity": "high", "description": "Còn 10 que."},
    )
    d = Difficulty.objects.get()
    assert response.status_code == 302 and response.url == d.get_absolute_url()
    assert d.team_report == report and d.delegation == f.tan_an and d.acting_unit.code == NINH_KIEU
    detail = c.get(d.get_absolute_url())
    assert "Quận Ninh Kiều" in detail.content.decode()
    assert detail.context["actions"] == ["comment"]  # the reporter comments; the district acts


def test_raise_page_shows_clear_errors_and_saves_nothing(world, client_for):
    c = client_for(world.tan_an)
    response = c.post(
        reverse("reporting:difficulty_add"),
        {"title": "X", "category": "supplies", "severity": "low", "description": "", "unit": unit(TAN_AN).pk},
    )
    assert response.status_code == 200 and "description" in response.context["form"].errors
    response = c.post(
        reverse("reporting:difficulty_add"),
        {"title": "X", "category": "supplies", "severity": "low", "description": "Y", "unit": unit(AN_HOA).pk},
    )
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not Difficulty.objects.exists()


def test_acting_from_the_detail_page(world, client_for):
    d = make(world.team_leader)
    c = english(client_for(world.tan_an))
    page = c.get(d.get_absolute_url())
    assert page.context["actions"] == ["acknowledge", "resolve", "refer", "comment"]
    act = reverse("reporting:difficulty_act", args=[d.pk])
    response = c.post(act, {"action": "resolve", "note": ""}, follow=True)
    assert "Write the answer" in response.content.decode()
    assert Difficulty.objects.get(pk=d.pk).status == DifficultyStatus.OPEN
    c.post(act, {"action": "resolve", "note": "Đã cấp 1.000 khẩu trang."})
    assert Difficulty.objects.get(pk=d.pk).status == DifficultyStatus.RESOLVED
    # The reporter reads the answer and may reopen it.
    reporter = client_for(world.team_leader)
    page = reporter.get(d.get_absolute_url())
    assert "Đã cấp 1.000 khẩu trang." in page.content.decode()
    assert "reopen" in page.context["actions"]
    reporter.post(act, {"action": "reopen", "note": "Mới nhận 500."})
    assert Difficulty.objects.get(pk=d.pk).status == DifficultyStatus.OPEN


def test_acting_on_one_routed_elsewhere_is_403(world, client_for):
    d = make(world.tan_an, severity="high")  # with Ninh Kiều
    response = client_for(world.tan_an).post(
        reverse("reporting:difficulty_act", args=[d.pk]), {"action": "acknowledge"}
    )
    assert response.status_code == 403
    assert Difficulty.objects.get(pk=d.pk).status == DifficultyStatus.OPEN


def test_list_filters_and_export(world, client_for):
    make(world.tan_an, title="Khẩu trang")
    make(world.tan_an, title="Xe cứu thương", category="medical", severity="critical")
    make(world.an_hoa, AN_HOA, title="An Hòa thiếu gạo")
    c = client_for(world.ninh_kieu)
    body = c.get(reverse("reporting:difficulty_list"), {"category": "medical"}).content.decode()
    assert "Xe cứu thương" in body and "Khẩu trang" not in body
    body = c.get(reverse("reporting:difficulty_list"), {"acting_unit": unit(AN_HOA).pk}).content.decode()
    assert "An Hòa thiếu gạo" in body and "Khẩu trang" not in body
    response = c.get(reverse("reporting:difficulty_export"), {"severity": "low"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    titles = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert titles == {"Khẩu trang", "An Hòa thiếu gạo"}


def test_overdue_filter_and_ageing_page_with_a_frozen_clock(world, client_for):
    start = datetime(2021, 8, 10, 3, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        make(world.tan_an, title="Thiếu khẩu trang", severity="critical")  # due 4 h later
    with time_machine.travel(start + timedelta(days=2), tick=False):
        make(world.tan_an, title="Thiếu xe chở mẫu")
        c = client_for(world.tan_an)
        body = c.get(reverse("reporting:difficulty_list"), {"overdue": "true"}).content.decode()
        assert "Thiếu khẩu trang" in body and "Thiếu xe chở mẫu" not in body
        page = c.get(reverse("reporting:difficulty_ageing"))
    ageing = page.context["ageing"]
    assert ageing.totals.total == 2 and ageing.totals.overdue == 1
    assert ageing.totals.buckets == {"lt_1d": 1, "1_3d": 1, "3_7d": 0, "gt_7d": 0}


# --------------------------------------------------------------------------------------------------- API


def test_api_life_cycle(world, api):
    f = field_world(world)
    leader = api(world.team_leader)
    response = leader.post(
        reverse("api:difficulties-list"),
        {
            "title": "Thiếu người",
            "description": "Tổ 1 có 2 người nghỉ ốm.",
            "category": "staff",
            "severity": "medium",
            "delegation": f.tan_an.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["acting_unit_name"] == "Thành phố Cần Thơ" and body["status"] == "open"
    pk = body["id"]

    assert api(world.tan_an).post(reverse("api:difficulties-acknowledge", args=[pk])).status_code == 403
    health = api(world.health)
    response = health.post(reverse("api:difficulties-refer", args=[pk]), {"note": "Lên Trung ương"}, format="json")
    assert response.status_code == 400 and "highest level" in response.content.decode()
    response = health.post(reverse("api:difficulties-resolve", args=[pk]), {"note": ""}, format="json")
    assert response.status_code == 400 and "answer" in response.json()
    response = health.post(reverse("api:difficulties-resolve", args=[pk]), {"note": "Bổ sung 2 người."})
    assert response.status_code == 200 and response.json()["status"] == "resolved"

    mine = leader.get(reverse("api:difficulties-detail", args=[pk])).json()
    assert mine["answer"] == "Bổ sung 2 người." and mine["actions"] == ["reopen", "comment"]
    assert [s["kind"] for s in mine["steps"]] == ["raised", "resolved"]
    response = leader.post(reverse("api:difficulties-reopen", args=[pk]), {"note": "Mới có 1 người."})
    assert response.status_code == 200 and response.json()["status"] == "open"


def test_api_bad_input(world, api):
    c = api(world.tan_an)
    data = {"title": "X", "description": "Y", "category": "weather", "severity": "low", "unit": unit(TAN_AN).pk}
    response = c.post(reverse("api:difficulties-list"), data, format="json")
    assert response.status_code == 400 and "category" in response.json()
    response = c.post(reverse("api:difficulties-list"), {**data, "category": "other", "unit": unit(AN_HOA).pk})
    assert response.status_code == 400 and "unit" in response.json()
    assert not Difficulty.objects.exists()

"""The report pages: today, the phone form (pre-filled, numeric keypad, idempotency key), the head's consolidation,
the lists, details, Excel and PDF."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.urls import NoReverseMatch, reverse
from pypdf import PdfReader

from phaodai.reporting.models import DelegationReport, TeamReport, TeamReportVersion
from phaodai.reporting.team_reports import submit_team_report
from phaodai.reporting.testing import field_world

HCMC = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = date(2021, 8, 12)


def at(hour: int, minute: int, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=HCMC).astimezone(UTC)


@pytest.fixture
def field(world):
    return field_world(world, DAY)


@pytest.fixture
def en_client(client):
    client.cookies["django_language"] = "en"
    return client


def login(client, user):
    client.force_login(user)
    return client


POST = {
    "values-people_on_duty": "4",
    "values-households_visited": "30",
    "values-people_sampled": "25",
    "values-situation": "stable",
}


def test_today_shows_the_leader_his_team_and_a_big_button(world, field, en_client):
    c = login(en_client, world.users["team_leader"])
    with time_machine.travel(at(16, 30), tick=False):
        html = c.get(reverse("reporting:today")).content.decode()
    assert "Tổ 1" in html and "Not reported yet — due by 17:00." in html
    assert reverse("reporting:teamreport_submit", args=[field.team_1.pk]) in html
    assert "Tổ 2" not in html  # led by Lan


def test_today_shows_the_head_how_many_teams_have_reported(world, field, en_client):
    with time_machine.travel(at(16, 40), tick=False):
        submit_team_report(world.users["team_leader"], field.team_1, DAY, {k[7:]: v for k, v in POST.items()})
        html = login(en_client, world.users["delegation_head"]).get(reverse("reporting:today")).content.decode()
    assert "1 of 2 teams have reported." in html
    assert reverse("reporting:delegation_consolidate", args=[field.tan_an.pk]) in html


def test_the_form_is_built_for_a_phone_with_a_fresh_idempotency_key(world, field, en_client):
    c = login(en_client, world.users["team_leader"])
    url = reverse("reporting:teamreport_submit", args=[field.team_1.pk])
    with time_machine.travel(at(16, 30), tick=False):
        first, second = c.get(url).content.decode(), c.get(url).content.decode()
    assert re.search(r'name="values-households_visited"[^>]*inputmode="numeric"', first) or re.search(
        r'inputmode="numeric"[^>]*name="values-households_visited"', first
    )
    assert 'min="0"' in first and "due by 17:00 on 12/08" in first
    keys = [re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', h).group(1) for h in (first, second)]
    assert keys[0] != keys[1]
    assert "reporting/report-draft.js" in first


def test_posting_stores_the_report_and_says_on_time_or_late(world, field, en_client):
    c = login(en_client, world.users["team_leader"])
    url = reverse("reporting:teamreport_submit", args=[field.team_1.pk])
    with time_machine.travel(at(17, 12), tick=False):
        response = c.post(url, {**POST, "day": "2021-08-12", "idempotency_key": "k-1"}, follow=True)
    report = TeamReport.objects.get()
    assert response.redirect_chain[-1][0] == report.get_absolute_url()
    assert "Report received at 17:12: late by 12 min." in response.content.decode()
    # The same key again (a double tap): nothing new.
    with time_machine.travel(at(17, 13), tick=False):
        again = c.post(url, {**POST, "day": "2021-08-12", "idempotency_key": "k-1"}, follow=True)
    assert "already been received" in again.content.decode()
    assert TeamReportVersion.objects.count() == 1


def test_wrong_figures_come_back_on_the_form_and_nothing_is_stored(world, field, en_client):
    c = login(en_client, world.users["team_leader"])
    url = reverse("reporting:teamreport_submit", args=[field.team_1.pk])
    with time_machine.travel(at(16, 0), tick=False):
        response = c.post(url, {**POST, "values-households_visited": "-3", "day": "2021-08-12"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Households visited: -3 is negative; enter 0 or more." in html
    assert 'data-posted="1"' in html and 'value="-3"' in html
    assert TeamReport.objects.count() == 0


def test_the_draft_script_gets_json_instead_of_a_redirect(world, field, en_client):
    c = login(en_client, world.users["team_leader"])
    url = reverse("reporting:teamreport_submit", args=[field.team_1.pk])
    with time_machine.travel(at(16, 0), tick=False):
        response = c.post(url, {**POST, "day": "2021-08-12", "idempotency_key": "k"}, HTTP_X_REPORT_DRAFT="1")
    assert response.json() == {"url": TeamReport.objects.get().get_absolute_url(), "version": 1}


def test_a_correction_starts_from_the_latest_version_and_the_detail_shows_every_version(world, field, en_client):
    c = login(en_client, world.users["team_leader"])
    url = reverse("reporting:teamreport_submit", args=[field.team_1.pk])
    with time_machine.travel(at(16, 0), tick=False):
        c.post(url, {**POST, "day": "2021-08-12"})
    with time_machine.travel(at(19, 0), tick=False):
        html = c.get(url).content.decode()
        assert 'value="30"' in html and "Sending again records a correction (version 2)" in html
        c.post(url, {**POST, "values-people_sampled": "28", "day": "2021-08-12"})
    report = TeamReport.objects.get()
    detail = c.get(report.get_absolute_url()).content.decode()
    assert "Version 2" in detail and "Version 1" in detail and "People sampled" in detail
    assert "16:00 12/08/2021" in detail and "on time" in detail
    c.cookies["django_language"] = "vi"  # values labelled in the reader's language
    vi = c.get(report.get_absolute_url()).content.decode()
    assert "Số người được lấy mẫu" in vi


def test_yesterdays_carry_over_figures_are_pre_filled(world, field, en_client):
    with time_machine.travel(at(16, 0, date(2021, 8, 11)), tick=False):
        submit_team_report(
            world.users["team_leader"], field.team_1, date(2021, 8, 11), {k[7:]: v for k, v in POST.items()}
        )
    c = login(en_client, world.users["team_leader"])
    with time_machine.travel(at(16, 0), tick=False):
        html = c.get(reverse("reporting:teamreport_submit", args=[field.team_1.pk])).content.decode()
    assert re.search(r'name="values-people_on_duty"[^>]*value="4"', html)
    assert not re.search(r'name="values-households_visited"[^>]*value=', html)
    assert "Carried over from your last report" in html


def test_the_head_consolidates_sees_who_to_call_and_sends_with_a_team_missing(world, field, en_client):
    with time_machine.travel(at(16, 30), tick=False):
        submit_team_report(world.users["team_leader"], field.team_1, DAY, {k[7:]: v for k, v in POST.items()})
    world.staff["lan"].phone = "0911222333"
    world.staff["lan"].save()
    c = login(en_client, world.users["delegation_head"])
    url = reverse("reporting:delegation_consolidate", args=[field.tan_an.pk])
    with time_machine.travel(at(17, 40), tick=False):
        html = c.get(url).content.decode()
        assert "1 team has not reported: the report will say so." in html
        assert 'href="tel:0911222333"' in html  # Lan, who has not reported
        assert "Households visited" in html and ">30<" in html
        try:
            assert f"{reverse('reporting:difficulty_add')}?delegation={field.tan_an.pk}" in html
        except NoReverseMatch:  # the difficulties part is not installed
            assert "?delegation=" not in html
        response = c.post(url, {"narrative": "Ổn", "proposals": "", "day": "2021-08-12", "idempotency_key": "h1"})
    report = DelegationReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    page = c.get(report.get_absolute_url()).content.decode()
    assert "Sent with 1 team missing: Tổ 2." in page


def test_the_delegation_report_pdf_holds_the_figures_and_the_missing_teams(world, field, client):
    from phaodai.reporting.delegation_reports import submit_delegation_report

    with time_machine.travel(at(16, 30), tick=False):
        submit_team_report(world.users["team_leader"], field.team_1, DAY, {k[7:]: v for k, v in POST.items()})
    with time_machine.travel(at(17, 50), tick=False):
        version = submit_delegation_report(
            world.users["delegation_head"], field.tan_an, DAY, "Hoàn thành lấy mẫu", "Bổ sung 2 người"
        )
    response = login(client, world.users["tan_an"]).get(
        reverse("reporting:delegationreport_pdf", args=[version.report.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "BÁO CÁO" in text and "Kết quả công tác ngày 12/08/2021" in text
    assert "ĐOÀN CÔNG TÁC PHƯỜNG TÂN AN" in text
    assert "Số hộ gia đình đã đến 30" in text and "Số người được lấy mẫu 25" in text
    assert "Chưa báo cáo: Tổ 2" in text and "Tổ 1: báo cáo lúc 16:30 12/08/2021 (đúng hạn)" in text
    assert "Hoàn thành lấy mẫu" in text and "Bổ sung 2 người" in text
    assert "TRƯỞNG ĐOÀN" in text and "Trần Đình Đạt" in text


def test_lists_filter_by_late_and_export_the_figures(world, field, en_client):
    with time_machine.travel(at(17, 5, date(2021, 8, 11)), tick=False):
        submit_team_report(
            world.users["team_leader"], field.team_1, date(2021, 8, 11), {k[7:]: v for k, v in POST.items()}
        )
    with time_machine.travel(at(16, 5), tick=False):
        submit_team_report(world.users["team_leader"], field.team_1, DAY, {k[7:]: v for k, v in POST.items()})
    c = login(en_client, world.users["tan_an"])
    late = c.get(reverse("reporting:teamreport_list"), {"late": "true"})
    assert [r.day for r in late.context["object_list"]] == [date(2021, 8, 11)]
    export = c.get(reverse("reporting:teamreport_export"), {"day": "2021-08-12"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][2] == "Tổ 1" and rows[1][6] == 0
    assert "Households visited: 30" in rows[1][9]

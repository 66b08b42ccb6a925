"""The form pages: list, versions, the row editor (no JSON) round trip, a new form, and a delegation's deadlines."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from phaodai.reporting import schedules
from phaodai.reporting.deadlines import schedule_for, team_deadline
from phaodai.reporting.form_editor import choices_text
from phaodai.reporting.models import ReportForm, ReportingSchedule
from phaodai.reporting.testing import field_world

DAY = date(2025, 3, 10)


def sampling() -> ReportForm:
    return ReportForm.objects.get(code="sampling")


def row_data(index: int, field: dict) -> dict[str, str]:
    data = {
        f"fields-{index}-key": field["key"],
        f"fields-{index}-label_vi": field["label"]["vi"],
        f"fields-{index}-label_en": field["label"]["en"],
        f"fields-{index}-kind": field["kind"],
        f"fields-{index}-choices": choices_text(field.get("choices") or []),
    }
    for flag in ("required", "carry_over", "sum"):
        if field.get(flag):
            data[f"fields-{index}-{flag}"] = "on"
    if field.get("DELETE"):
        data[f"fields-{index}-DELETE"] = "on"
    return data


def editor_post(rows: list[dict], initial: int, **extra) -> dict[str, str]:
    data = {
        "fields-TOTAL_FORMS": str(len(rows)),
        "fields-INITIAL_FORMS": str(initial),
        "fields-MIN_NUM_FORMS": "0",
        "fields-MAX_NUM_FORMS": "60",
        **extra,
    }
    for index, row in enumerate(rows):
        data.update(row_data(index, row))
    return data


EMPTY_ROW = {"key": "", "label": {"vi": "", "en": ""}, "kind": "number", "sum": True}
MOOD = {
    "key": "team_mood",
    "label": {"vi": "Tinh thần của tổ", "en": "Team morale"},
    "kind": "choice",
    "required": True,
    "choices": [
        {"value": "good", "label": {"vi": "Tốt", "en": "Good"}},
        {"value": "tired", "label": {"vi": "Mệt mỏi", "en": "Tired"}},
    ],
}


def test_the_list_and_the_detail_show_forms_versions_and_fields(world, client_for):
    client = client_for(world.team_leader)
    response = client.get(reverse("reporting:form_list"))
    assert response.status_code == 200
    assert sampling().name in response.content.decode()
    assert reverse("reporting:form_add") not in response.content.decode()  # a team leader edits nothing
    detail = client.get(reverse("reporting:form_detail", args=[sampling().pk])).content.decode()
    assert "people_sampled" in detail and "Số người được lấy mẫu" in detail and "People sampled" in detail
    assert reverse("reporting:form_edit", args=[sampling().pk]) not in detail


def test_the_editor_round_trip_publishes_a_new_version(world, client_for):
    form = sampling()
    v1 = form.current_version
    client = client_for(world.health)
    url = reverse("reporting:form_edit", args=[form.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["formset"].total_form_count() == len(v1.fields) + 2  # the fields and two empty rows
    assert "households_visited" in page.content.decode()

    rows = [{**f, "DELETE": f["key"] == "positive_found"} for f in v1.fields]
    rows[1] = {**rows[1], "label": {"vi": "Số hộ dân đã đến", "en": "Households visited"}}
    response = client.post(url, editor_post([*rows, MOOD, EMPTY_ROW], initial=len(v1.fields)))

    assert response.status_code == 302, response.context and response.context["formset"].errors
    v2 = form.versions.get(number=2)
    keys = [f["key"] for f in v2.fields]
    assert keys == [f["key"] for f in v1.fields if f["key"] != "positive_found"] + ["team_mood"]
    assert v2.fields[1]["label"]["vi"] == "Số hộ dân đã đến"
    mood = v2.fields[-1]
    assert mood["choices"] == MOOD["choices"] and mood["required"] is True and mood["sum"] is False
    situation = next(f for f in v2.fields if f["key"] == "situation")
    assert situation["choices"] == next(f for f in v1.fields if f["key"] == "situation")["choices"]
    assert v2.created_by == world.health
    v1.refresh_from_db()
    assert "positive_found" in [f["key"] for f in v1.fields]


def test_the_editor_shows_problems_and_publishes_nothing(world, client_for):
    form = sampling()
    fields = form.current_version.fields
    client = client_for(world.health)
    url = reverse("reporting:form_edit", args=[form.pk])
    bad_choices = {**row_data(len(fields), MOOD), f"fields-{len(fields)}-choices": "good: Tốt"}
    data = editor_post(fields, initial=len(fields))
    data.update(bad_choices)
    data["fields-TOTAL_FORMS"] = str(len(fields) + 1)
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["formset"].forms[-1].errors["choices"]
    # A duplicate key: the schema's message comes back on the page.
    dup = {**MOOD, "key": "people_sampled"}
    response = client.post(url, editor_post([*fields, dup], initial=len(fields)))
    assert response.status_code == 200
    assert response.context["formset"].editor_errors
    assert form.versions.count() == 1


def test_add_fields_shows_more_empty_rows(world, client_for):
    form = sampling()
    fields = form.current_version.fields
    response = client_for(world.health).post(
        reverse("reporting:form_edit", args=[form.pk]), editor_post(fields, initial=len(fields), more_rows="1")
    )
    assert response.status_code == 200
    assert response.context["formset"].total_form_count() == len(fields) + 3
    assert form.versions.count() == 1


def test_a_new_form_is_created_from_the_page(world, client_for):
    client = client_for(world.admin)
    assert client.get(reverse("reporting:form_add")).status_code == 200
    other = ReportForm.objects.get(task="", is_active=True)
    data = editor_post([MOOD, EMPTY_ROW], initial=0, code="other_tasks", name="Báo cáo ngày — nhiệm vụ khác")
    data["task"] = "other"
    response = client.post(reverse("reporting:form_add"), data)
    assert response.status_code == 302
    form = ReportForm.objects.get(code="other_tasks")
    assert (form.task, form.is_active, form.current_version.number) == ("other", True, 1)
    assert [f["key"] for f in form.current_version.fields] == ["team_mood"]
    # The default form (task "") is still the one in use for tasks without a form.
    data.update(code="another_default", task="")
    response = client.post(reverse("reporting:form_add"), data)
    assert response.status_code == 200 and "task" in response.context["header"].errors
    assert ReportForm.objects.filter(task="", is_active=True).get() == other


def test_retire_and_reactivate_from_the_detail_page(world, client_for):
    form = sampling()
    client = client_for(world.health)
    url = reverse("reporting:form_status", args=[form.pk])
    assert client.post(url, {"retire": "1"}).status_code == 302
    assert not ReportForm.objects.get(pk=form.pk).is_active
    assert client.post(url, {"reactivate": "1"}).status_code == 302
    assert ReportForm.objects.get(pk=form.pk).is_active


# ------------------------------------------------------------------------------------------------ deadlines


def schedule_post(team: str, delegation: str, zone: str = "Asia/Ho_Chi_Minh") -> dict[str, str]:
    return {"team_deadline": team, "delegation_deadline": delegation, "time_zone": zone}


def test_a_delegation_gets_its_own_deadlines(world, client_for):
    f = field_world(world, DAY)
    url = reverse("reporting:schedule_edit", args=[f.tan_an.pk])
    client = client_for(world.health)
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"].initial["team_deadline"] == time(17, 0)
    response = client.post(url, schedule_post("16:00", "17:30"))
    assert response.status_code == 302
    schedule = ReportingSchedule.objects.get(delegation=f.tan_an)
    assert (schedule.team_deadline, schedule.delegation_deadline) == (time(16, 0), time(17, 30))
    f.tan_an.refresh_from_db()
    assert team_deadline(f.tan_an, DAY).isoformat() == "2025-03-10T16:00:00+07:00"
    assert schedule_for(f.an_hoa).pk is None  # the other delegation keeps the defaults


def test_bad_deadlines_are_refused_with_a_message_on_the_field(world, client_for):
    f = field_world(world, DAY)
    url = reverse("reporting:schedule_edit", args=[f.tan_an.pk])
    client = client_for(world.admin)
    response = client.post(url, schedule_post("17:00", "18:00", "Asia/Saigon City"))
    assert response.status_code == 200 and list(response.context["form"].errors) == ["time_zone"]
    response = client.post(url, schedule_post("18:30", "18:00"))
    assert response.status_code == 200 and list(response.context["form"].errors) == ["delegation_deadline"]
    assert not ReportingSchedule.objects.exists()


def test_the_schedule_service_messages(world):
    f = field_world(world, DAY)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        schedules.update_schedule(
            world.health, f.tan_an, team_deadline=time(18, 0), delegation_deadline=time(18, 0), time_zone="Mars/Base"
        )
    errors = caught.value.message_dict
    assert errors["time_zone"] == ["“Mars/Base” is not a known time zone; use a name such as Asia/Ho_Chi_Minh."]
    assert errors["delegation_deadline"][0].startswith("The delegation's report (18:00) must be due after the team")
    # Any IANA zone works, and the deadline follows it.
    schedules.update_schedule(
        world.health, f.tan_an, team_deadline=time(17, 0), delegation_deadline=time(18, 0), time_zone="Asia/Bangkok"
    )
    assert team_deadline(f.tan_an, DAY).isoformat() == "2025-03-10T17:00:00+07:00"
    schedules.update_schedule(
        world.health, f.tan_an, team_deadline=time(17, 0), delegation_deadline=time(18, 0), time_zone="Asia/Tokyo"
    )
    assert team_deadline(f.tan_an, DAY).isoformat() == "2025-03-10T17:00:00+09:00"
    assert ReportingSchedule.objects.count() == 1

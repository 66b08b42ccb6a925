"""Administering forms: versions are published, never edited; reports keep theirs; one form in use per task."""

from __future__ import annotations

import copy
from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from phaodai.reporting import form_admin
from phaodai.reporting.deadlines import team_deadline
from phaodai.reporting.models import ReportForm, ReportFormVersion, TeamReport, TeamReportVersion
from phaodai.reporting.testing import field_world

DAY = date(2025, 3, 10)


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def sampling() -> ReportForm:
    return ReportForm.objects.get(code="sampling")


def with_extra_field(form: ReportForm) -> list[dict]:
    fields = copy.deepcopy(form.current_version.fields)
    fields.append(
        {"key": "masks_given", "label": {"vi": "Số khẩu trang đã phát", "en": "Masks given"}, "kind": "number"}
    )
    return fields


def team_report(team, day: date, user, form_version: ReportFormVersion, values: dict) -> TeamReport:
    """A stored team report, made directly (the submission service is another part's)."""
    deadline = team_deadline(team.delegation, day)
    at = deadline - timedelta(hours=1)
    report = TeamReport.objects.create(
        team=team, day=day, deadline=deadline, first_submitted_at=at, last_submitted_at=at
    )
    TeamReportVersion.objects.create(
        report=report, number=1, form_version=form_version, values=values, submitted_by=user, submitted_at=at
    )
    return report


def test_publishing_adds_a_version_and_stored_reports_keep_theirs(world):
    f = field_world(world, DAY)
    form = sampling()
    v1 = form.current_version
    v1_fields = copy.deepcopy(v1.fields)
    report = team_report(f.team_1, DAY, world.team_leader, v1, {"households_visited": 12})

    v2 = form_admin.publish_version(world.health, form, with_extra_field(form))

    assert (v2.number, v2.created_by) == (2, world.health)
    assert [v.number for v in form.versions.order_by("number")] == [1, 2]
    assert form.current_version == v2
    assert "masks_given" in [fl["key"] for fl in v2.fields]
    v1.refresh_from_db()
    assert v1.fields == v1_fields  # the old version is untouched
    assert report.versions.get().form_version == v1
    # Audited with the administrator as actor.
    entry = LogEntry.objects.get_for_object(v2).get()
    assert entry.actor == world.health


def test_publishing_the_same_fields_again_is_refused(world):
    form = sampling()
    with pytest.raises(ValidationError) as caught:
        form_admin.publish_version(world.admin, form, form.current_version.fields)
    assert caught.value.messages == ["Nothing changed since version 1: there is nothing to publish."]
    assert form.versions.count() == 1


def test_an_invalid_definition_publishes_nothing(world):
    form = sampling()
    fields = with_extra_field(form)
    fields[-1]["key"] = "people_sampled"  # already used
    with pytest.raises(ValidationError) as caught:
        form_admin.publish_version(world.admin, form, fields)
    assert "keys must be unique" in caught.value.messages[0]
    assert form.versions.count() == 1


def test_only_form_editors_publish(world):
    form = sampling()
    for username in ("tan_an", "team_leader", "steering"):
        with pytest.raises(PermissionDenied):
            form_admin.publish_version(world.users[username], form, with_extra_field(form))
    assert form.versions.count() == 1


def test_a_new_form_for_a_task_that_has_one_in_use_is_refused_clearly(world):
    fields = copy.deepcopy(sampling().current_version.fields)
    with pytest.raises(ValidationError) as caught:
        form_admin.create_form(world.health, "sampling_2", "Lấy mẫu (mới)", "sampling", fields)
    assert caught.value.message_dict["task"] == [
        "“Báo cáo ngày — hỗ trợ lấy mẫu xét nghiệm” is already the form in use for Sample-taking support: retire it "
        "first, or publish a new version of it."
    ]
    assert not ReportForm.objects.filter(code="sampling_2").exists()


def test_retire_then_create_then_reactivating_the_old_one_clashes(world):
    old = sampling()
    form_admin.retire_form(world.health, old)
    assert not ReportForm.objects.get(pk=old.pk).is_active
    fields = copy.deepcopy(old.current_version.fields)
    new = form_admin.create_form(world.health, "sampling_2", "Lấy mẫu (mới)", "sampling", fields)
    assert new.is_active and new.current_version.number == 1
    with pytest.raises(ValidationError) as caught:
        form_admin.reactivate_form(world.health, old)
    assert "Lấy mẫu (mới)" in caught.value.message_dict["task"][0]
    form_admin.retire_form(world.health, new)
    form_admin.reactivate_form(world.health, old)
    assert ReportForm.objects.get(pk=old.pk).is_active


def test_the_default_form_cannot_be_retired(world):
    default = ReportForm.objects.get(task="", is_active=True)
    with pytest.raises(ValidationError) as caught:
        form_admin.retire_form(world.admin, default)
    assert "is the default form" in caught.value.messages[0]
    assert ReportForm.objects.get(pk=default.pk).is_active


def test_create_form_reports_every_problem_by_field(world):
    with pytest.raises(ValidationError) as caught:
        form_admin.create_form(world.admin, "sampling", "", "bogus", [])
    errors = caught.value.message_dict
    assert errors["code"] == ["Another form already has the code “sampling”."]
    assert errors["name"] == ["Give the form a name."]
    assert errors["task"] == ["Choose a task from the list."]
    assert errors["fields"] == ["A form needs at least one field."]


# ------------------------------------------------------------------------------------------------ the API


def test_api_lists_forms_with_their_versions(world, api):
    body = api(world.team_leader).get(reverse("api:report-forms-list")).json()
    rows = body["results"] if isinstance(body, dict) else body
    by_code = {row["code"]: row for row in rows}
    assert set(by_code) >= {"sampling", "vaccination", "general"}
    assert by_code["sampling"]["current_version"] == 1
    assert by_code["sampling"]["versions"][0]["fields"][0]["key"] == "people_on_duty"


def test_api_publishes_a_version_and_reports_errors_per_field(world, api):
    form = sampling()
    client = api(world.health)
    url = reverse("api:report-forms-publish", args=[form.pk])
    response = client.post(url, {"fields": with_extra_field(form)}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["current_version"] == 2
    assert [v["number"] for v in response.json()["versions"]] == [2, 1]

    bad = copy.deepcopy(form.current_version.fields)
    bad[-1]["kind"] = "date"
    response = client.post(url, {"fields": bad}, format="json")
    assert response.status_code == 400
    assert "the kind must be one of number, text, choice" in response.json()["fields"][0]
    assert form.versions.count() == 2

    response = api(world.steering).post(url, {"fields": bad}, format="json")
    assert response.status_code == 403

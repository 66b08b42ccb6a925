"""Team and delegation report services: lateness by the clock, corrections, idempotency, bad input, consolidation.

The field (reporting.testing.field_world) is built around 12/08/2021; the clock is frozen at instants given in
Ho Chi Minh City time, so "16:59" means 16:59 local whatever the machine's time zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from phaodai.mobilisation.models import TeamMembership
from phaodai.reporting.delegation_reports import labelled_totals, submit_delegation_report
from phaodai.reporting.models import DelegationReport, ReportForm, TeamReport, TeamReportVersion
from phaodai.reporting.team_reports import consolidate, form_for, prefill, submit_team_report
from phaodai.reporting.testing import field_world

HCMC = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = date(2021, 8, 12)
SAMPLING = {"people_on_duty": "4", "households_visited": "30", "people_sampled": "25", "situation": "stable"}


def at(hour: int, minute: int, second: int = 0, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=HCMC).astimezone(UTC)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def field(world):
    return field_world(world, DAY)


def submit(world, field, values=None, *, when=None, day=DAY, key="", team=None, user="team_leader"):
    when = when or at(16, 0)
    with time_machine.travel(when, tick=False):
        return submit_team_report(
            world.users[user], team or field.team_1, day, SAMPLING if values is None else values, idempotency_key=key
        )


def messages_of(exc: ValidationError) -> list[str]:
    return [str(m) for errors in exc.message_dict.values() for m in errors]


# --- lateness, versions, idempotency ------------------------------------------------------------------------


def test_a_report_at_16_59_is_on_time_and_at_17_01_one_minute_late(world, field):
    on_time = submit(world, field, when=at(16, 59))
    assert (on_time.report.minutes_late, on_time.report.is_late) == (0, False)
    assert on_time.values == {
        "people_on_duty": 4,
        "households_visited": 30,
        "people_sampled": 25,
        "situation": "stable",
    }
    TeamReport.objects.all().delete()
    late = submit(world, field, when=at(17, 1))
    assert (late.report.minutes_late, late.report.is_late) == (1, True)
    assert late.report.deadline == at(17, 0)


def test_one_second_after_the_deadline_counts_as_a_minute(world, field):
    assert submit(world, field, when=at(17, 0, 1)).report.minutes_late == 1
    eleventh = date(2021, 8, 11)
    assert submit(world, field, when=at(17, 0, 0, day=eleventh), day=eleventh).report.minutes_late == 0


def test_a_correction_adds_a_version_and_keeps_the_first_time_and_lateness(world, field):
    first = submit(world, field, when=at(16, 50))
    second = submit(world, field, {**SAMPLING, "people_sampled": "27"}, when=at(18, 30))
    report = TeamReport.objects.get()
    assert (first.number, second.number, report.version_count) == (1, 2, 2)
    assert report.first_submitted_at == at(16, 50) and report.minutes_late == 0  # late correction: still on time
    assert report.last_submitted_at == at(18, 30)
    assert [v.values["people_sampled"] for v in report.versions.order_by("number")] == [25, 27]


def test_the_same_idempotency_key_returns_the_stored_version_and_stores_nothing(world, field):
    first = submit(world, field, key="tap-1", when=at(16, 40))
    again = submit(world, field, {**SAMPLING, "people_sampled": "99"}, key="tap-1", when=at(16, 41))
    assert again.pk == first.pk and again.is_replay and not first.is_replay
    assert TeamReportVersion.objects.count() == 1
    assert TeamReport.objects.get().version_count == 1


def test_an_idempotency_key_used_for_another_day_is_refused(world, field):
    submit(world, field, key="tap-1", day=date(2021, 8, 11))
    with pytest.raises(ValidationError) as exc:
        submit(world, field, key="tap-1")
    assert "already used for another report" in messages_of(exc.value)[0]


def test_after_midnight_the_report_is_for_the_new_local_day(world, field):
    # 00:30 on the 13th in Ho Chi Minh City is still the 12th in UTC: the 13th is today, the 14th is not yet.
    with time_machine.travel(at(0, 30, day=date(2021, 8, 13)), tick=False):
        version = submit_team_report(world.users["team_leader"], field.team_1, date(2021, 8, 13), SAMPLING)
        with pytest.raises(ValidationError, match="still to come"):
            submit_team_report(world.users["team_leader"], field.team_1, date(2021, 8, 14), SAMPLING)
    assert version.report.day == date(2021, 8, 13) and version.report.minutes_late == 0


# --- bad input ----------------------------------------------------------------------------------------------


def test_negative_and_non_numeric_figures_are_all_named_and_nothing_is_stored(world, field):
    with pytest.raises(ValidationError) as exc:
        submit(world, field, {**SAMPLING, "households_visited": "-3", "people_sampled": "abc", "situation": "great"})
    errors = exc.value.message_dict
    assert errors["households_visited"] == ["Households visited: -3 is negative; enter 0 or more."]
    assert errors["people_sampled"] == ["People sampled: “abc” is not a number; enter a whole number, 0 or more."]
    assert "Overall situation today: “great” is not one of the choices" in errors["situation"][0]
    assert TeamReport.objects.count() == 0 and TeamReportVersion.objects.count() == 0


def test_required_fields_fractions_unknown_keys_and_long_texts_are_refused(world, field):
    values = {"households_visited": 2.5, "results": "x" * 2001, "mood": "good"}
    with pytest.raises(ValidationError) as exc:
        submit(world, field, values)
    errors = exc.value.message_dict
    assert errors["people_on_duty"] == ["Team members at work today: required."]
    assert errors["households_visited"] == ["Households visited: “2.5” is not a whole number."]
    assert errors["results"] == ["Main results: at most 2000 characters (this has 2001)."]
    assert "not a field of this form" in errors["mood"][0]
    assert "positive_found" not in errors  # optional and empty: fine
    assert TeamReport.objects.count() == 0


def test_messages_name_the_field_in_vietnamese_for_vietnamese_readers(world, field):
    with translation.override("vi"), pytest.raises(ValidationError) as exc:
        submit(world, field, {**SAMPLING, "households_visited": "-3"})
    assert exc.value.message_dict["households_visited"][0].startswith("Số hộ gia đình đã đến: ")


def test_a_future_day_is_refused(world, field):
    with pytest.raises(ValidationError) as exc:
        submit(world, field, day=date(2021, 8, 13), when=at(23, 59))
    assert messages_of(exc.value) == [
        "13/08/2021 is still to come: a report can be made for today (12/08/2021) or an earlier day."
    ]


def test_a_day_after_the_delegation_ended_is_refused(world, field):
    ended = field.end  # 19/08/2021
    after = date(2021, 8, 20)
    with pytest.raises(ValidationError) as exc:
        submit(world, field, day=after, when=at(16, 0, day=after))
    assert messages_of(exc.value) == [
        f"The delegation ended on {ended:%d/%m/%Y}: no report is expected for 20/08/2021."
    ]
    assert TeamReport.objects.count() == 0


def test_a_day_the_team_had_no_member_is_refused(world, field):
    TeamMembership.objects.filter(team=field.team_1).update(joined_on=DAY)
    with pytest.raises(ValidationError, match="Tổ 1 had no members on 11/08/2021"):
        submit(world, field, day=date(2021, 8, 11))


def test_only_the_leader_submits_the_team_report(world, field):
    with pytest.raises(PermissionDenied, match=r"Only the leader of Tổ 2 \(Võ Thị Lan\)"):
        submit(world, field, team=field.team_2)
    # A delegation head may submit (role) but does not lead Tổ 1; a commune user's role may not submit at all.
    with pytest.raises(PermissionDenied, match="Only the leader of Tổ 1"):
        submit(world, field, user="delegation_head")
    with pytest.raises(PermissionDenied, match="Your role does not allow"):
        submit(world, field, user="tan_an")
    assert TeamReport.objects.count() == 0


# --- the form and what is pre-filled ---------------------------------------------------------------------------


def test_the_form_follows_the_task_and_falls_back_to_the_default(world, field):
    assert form_for(field.team_1).form.code == "sampling"
    ReportForm.objects.filter(code="sampling").update(is_active=False)
    assert form_for(field.team_1).form.code == "general"


def test_prefill_carries_over_only_the_carry_over_fields_of_the_previous_report(world, field):
    assert prefill(field.team_1, DAY) == {}
    submit(world, field, {**SAMPLING, "people_on_duty": "5"}, day=date(2021, 8, 10))
    submit(world, field, {**SAMPLING, "people_on_duty": "6", "households_visited": "1"}, day=date(2021, 8, 11))
    assert prefill(field.team_1, DAY) == {"people_on_duty": 6}  # the figures of the day are not carried over


# --- consolidation and the delegation report ------------------------------------------------------------------


def test_consolidation_sums_by_key_across_forms_and_lists_the_missing_teams(world, field):
    submit(world, field, {**SAMPLING, "people_on_duty": "4", "households_visited": "30"})
    consolidation = consolidate(field.tan_an, DAY)
    assert [line.team.name for line in consolidation.reported] == ["Tổ 1"]
    assert [line.team.name for line in consolidation.missing] == ["Tổ 2"]
    # Tổ 2 (data entry) reports on another form; the shared key "people_on_duty" adds up.
    world.users["team_member"].staff_member = world.staff["lan"]
    world.users["team_member"].role = "team_leader"
    world.users["team_member"].save()
    submit(
        world,
        field,
        {"people_on_duty": "2", "records_entered": "120", "situation": "attention"},
        team=field.team_2,
        user="team_member",
        when=at(17, 20),
    )
    consolidation = consolidate(field.tan_an, DAY)
    totals = consolidation.totals_by_key()
    assert totals == {"people_on_duty": 6, "households_visited": 30, "people_sampled": 25, "records_entered": 120}
    assert consolidation.missing == [] and [line.team.name for line in consolidation.late] == ["Tổ 2"]


def test_a_delegation_report_with_teams_missing_records_them_and_its_figures(world, field):
    team_version = submit(world, field)
    with time_machine.travel(at(18, 5), tick=False):
        version = submit_delegation_report(
            world.users["delegation_head"], field.tan_an, DAY, " Tốt ", "Cần thêm que test", idempotency_key="k1"
        )
    report = version.report
    assert (report.minutes_late, report.deadline) == (5, at(18, 0))
    assert version.missing_teams == ["Tổ 2"]
    assert version.totals == {"people_on_duty": 4, "households_visited": 30, "people_sampled": 25}
    assert list(version.team_versions.all()) == [team_version]
    assert (version.narrative, version.proposals) == ("Tốt", "Cần thêm que test")
    assert [(k, v) for k, _label, v in labelled_totals(version)] == [
        ("people_on_duty", 4),
        ("households_visited", 30),
        ("people_sampled", 25),
    ]
    # The same key again: the same version; a later correction keeps the first time.
    with time_machine.travel(at(18, 6), tick=False):
        again = submit_delegation_report(
            world.users["delegation_head"], field.tan_an, DAY, "x", "", idempotency_key="k1"
        )
        correction = submit_delegation_report(world.users["delegation_head"], field.tan_an, DAY, "Sửa", "")
    assert again.pk == version.pk and again.is_replay
    assert correction.number == 2
    report = DelegationReport.objects.get()
    assert (report.version_count, report.minutes_late, report.first_submitted_at) == (2, 5, at(18, 5))


def test_only_the_head_or_a_deputy_sends_the_delegation_report(world, field):
    with time_machine.travel(at(17, 30), tick=False):
        with pytest.raises(PermissionDenied, match="Only the head or a deputy head"):
            submit_delegation_report(world.users["delegation_head"], field.an_hoa, DAY, "", "")
        with pytest.raises(PermissionDenied, match="Your role does not allow"):
            submit_delegation_report(world.users["team_leader"], field.tan_an, DAY, "", "")
        field.tan_an.deputies.add(world.staff["minh"])
        world.users["team_leader"].role = "delegation_head"
        world.users["team_leader"].save()
        assert submit_delegation_report(world.users["team_leader"], field.tan_an, DAY, "", "").number == 1


def test_a_delegation_report_for_a_future_day_or_after_the_end_is_refused(world, field):
    with time_machine.travel(at(17, 30), tick=False), pytest.raises(ValidationError, match="still to come"):
        submit_delegation_report(world.users["delegation_head"], field.tan_an, date(2021, 8, 13), "", "")
    after = date(2021, 8, 21)
    with time_machine.travel(at(17, 30, day=after), tick=False), pytest.raises(ValidationError, match="ended on"):
        submit_delegation_report(world.users["delegation_head"], field.tan_an, after, "", "")
    assert DelegationReport.objects.count() == 0

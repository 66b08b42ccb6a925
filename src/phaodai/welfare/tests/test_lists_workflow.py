"""Lists and approval: compile (eligible, or with a reason), submit, check, approve, reject, revise."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from phaodai.places.models import AdminUnit
from phaodai.testing import AN_HOA, TAN_AN
from phaodai.welfare import lists
from phaodai.welfare.models import Category, ListStatus, SupportList
from phaodai.welfare.testing import welfare_world


@pytest.fixture
def ww(world):
    with translation.override("en"):
        yield welfare_world(world)


def tan_an_food_list(world, ww) -> SupportList:
    return lists.create_list(world.tan_an, ww.food, AdminUnit.objects.get(code=TAN_AN))


def approved_list(world, ww) -> SupportList:
    sl = tan_an_food_list(world, ww)
    lists.add_entry(world.tan_an, sl, ww.households["bay"])
    lists.add_entry(world.tan_an, sl, ww.households["hong"])
    lists.submit(world.tan_an, sl)
    lists.check(world.ninh_kieu, sl)
    return lists.approve(world.steering, sl)


def test_only_eligible_households_go_on_a_list_unless_a_reason_is_stated(world, ww):
    sl = tan_an_food_list(world, ww)
    entry = lists.add_entry(world.tan_an, sl, ww.households["bay"])
    assert entry.category == Category.POOR
    # Phạm Thị Mai's poor-household status ended on 31/12/2020, before the programme (15/07–30/09/2021).
    with pytest.raises(ValidationError) as exc:
        lists.add_entry(world.tan_an, sl, ww.households["mai"])
    assert "has no category of this programme valid between 15/07/2021 and 30/09/2021" in str(exc.value)
    entry = lists.add_entry(world.tan_an, sl, ww.households["mai"], reason="Chồng mất vì COVID-19 tháng 8/2021")
    assert entry.category == "" and entry.written["reason"].startswith("Chồng mất")


def test_a_household_of_another_commune_or_a_second_time_is_refused(world, ww):
    sl = tan_an_food_list(world, ww)
    with pytest.raises(ValidationError, match="is not a household of"):
        lists.add_entry(world.tan_an, sl, ww.households["sau"])
    lists.add_entry(world.tan_an, sl, ww.households["bay"])
    with pytest.raises(ValidationError, match="already on this list"):
        lists.add_entry(world.tan_an, sl, ww.households["bay"])


def test_a_per_person_list_needs_the_person_and_uses_their_own_category(world, ww):
    sl = lists.create_list(world.tan_an, ww.cash, AdminUnit.objects.get(code=TAN_AN))
    with pytest.raises(ValidationError, match="per person"):
        lists.add_entry(world.tan_an, sl, ww.households["tam"])
    assert lists.add_entry(world.tan_an, sl, ww.households["tam"], ww.people["tam"]).category == "informal_worker"
    with pytest.raises(ValidationError, match="has no category"):  # his brother is no informal worker
        lists.add_entry(world.tan_an, sl, ww.households["tam"], ww.people["tam_brother"])


def test_a_commune_cannot_compile_for_another_commune(world, ww):
    with pytest.raises(ValidationError, match="not in your area"):
        lists.create_list(world.tan_an, ww.food, AdminUnit.objects.get(code=AN_HOA))
    with pytest.raises(PermissionDenied):
        lists.create_list(world.ninh_kieu, ww.food, AdminUnit.objects.get(code=TAN_AN))  # districts check only


def test_the_full_approval_path_is_audited_and_stamps_each_step(world, ww):
    sl = approved_list(world, ww)
    sl.refresh_from_db()
    assert sl.status == ListStatus.APPROVED
    assert sl.checked_by == world.ninh_kieu and sl.approved_by == world.steering
    actors = set(LogEntry.objects.get_for_object(sl).values_list("actor__username", flat=True))
    assert actors == {"tan_an", "ninh_kieu", "steering"}


def test_an_empty_list_cannot_be_submitted_and_steps_cannot_be_skipped(world, ww):
    sl = tan_an_food_list(world, ww)
    with pytest.raises(ValidationError, match="empty"):
        lists.submit(world.tan_an, sl)
    lists.add_entry(world.tan_an, sl, ww.households["bay"])
    lists.submit(world.tan_an, sl)
    with pytest.raises(ValidationError, match="before the district has checked it"):
        lists.approve(world.steering, sl)
    with pytest.raises(PermissionDenied):
        lists.check(world.tan_an, sl)  # a commune does not check its own list
    with pytest.raises(PermissionDenied):
        lists.check(world.binh_thuy, sl)  # another district: outside its area


def test_a_list_approved_twice_is_refused(world, ww):
    sl = approved_list(world, ww)
    with pytest.raises(ValidationError, match="already approved"):
        lists.approve(world.steering, sl)


def test_a_rejection_needs_a_reason_and_the_commune_can_correct_and_resubmit(world, ww):
    sl = tan_an_food_list(world, ww)
    lists.add_entry(world.tan_an, sl, ww.households["bay"])
    lists.submit(world.tan_an, sl)
    with pytest.raises(ValidationError, match="Say why"):
        lists.reject(world.ninh_kieu, sl, "  ")
    lists.reject(world.ninh_kieu, sl, "Thiếu hộ bà Trần Thị Hồng")
    sl.refresh_from_db()
    assert sl.status == ListStatus.REJECTED and sl.rejection_reason == "Thiếu hộ bà Trần Thị Hồng"
    lists.add_entry(world.tan_an, sl, ww.households["hong"])
    lists.submit(world.tan_an, sl)
    lists.check(world.ninh_kieu, sl)
    lists.reject(world.steering, sl, "Sai số liệu")  # the city may send a checked list back too
    assert SupportList.objects.get(pk=sl.pk).status == ListStatus.REJECTED


def test_an_approved_list_is_locked_and_a_revision_replaces_it_once_approved(world, ww):
    sl = approved_list(world, ww)
    entry = sl.entries.first()
    with pytest.raises(ValidationError, match="approved list is locked"):
        lists.add_entry(world.tan_an, sl, ww.households["tam"], reason="Mất việc")
    with pytest.raises(ValidationError, match="approved list is locked"):
        lists.remove_entry(world.tan_an, entry)
    revision = lists.revise(world.tan_an, sl)
    assert (revision.revision, revision.previous, revision.status) == (2, sl, ListStatus.DRAFT)
    assert set(revision.entries.values_list("household", flat=True)) == set(
        sl.entries.values_list("household", flat=True)
    )
    with pytest.raises(ValidationError, match="already has a revision"):
        lists.revise(world.tan_an, sl)
    lists.add_entry(world.tan_an, revision, ww.households["tam"], reason="Mất việc, thuê trọ")
    lists.submit(world.tan_an, revision)
    lists.check(world.ninh_kieu, revision)
    assert SupportList.objects.get(pk=sl.pk).status == ListStatus.APPROVED  # still in force until the revision is
    lists.approve(world.steering, revision)
    assert SupportList.objects.get(pk=sl.pk).status == ListStatus.SUPERSEDED
    assert sl.entries.count() == 2 and revision.entries.count() == 3
    assert LogEntry.objects.get_for_object(revision).filter(actor=world.tan_an).exists()


def test_a_failed_step_saves_nothing(world, ww, monkeypatch):
    sl = approved_list(world, ww)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("phaodai.welfare.models.ListEntry.objects.create", broken)
    with pytest.raises(RuntimeError):
        lists.revise(world.tan_an, sl)
    assert not SupportList.objects.filter(previous=sl).exists()


def test_eligibility_needs_a_category_valid_during_the_period(world, ww):
    assert set(lists.eligible_households(ww.food)) == {ww.households[k] for k in ("bay", "hong", "sau")}
    assert set(lists.eligible_people(ww.cash)) == {ww.people["tam"], ww.people["lan"]}
    assert lists.eligibility(ww.food, ww.households["mai"]) == ""

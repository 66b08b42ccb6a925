"""Distributions: only from approved lists, numbered per recipient, never beyond the programme's times — refused by
the service with a plain message and by the database itself."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from phaodai.places.models import AdminUnit
from phaodai.testing import TAN_AN
from phaodai.welfare import distributions, lists, programmes
from phaodai.welfare.models import Distribution, Programme
from phaodai.welfare.testing import welfare_world

TODAY = date(2021, 10, 1)


@pytest.fixture
def ww(world):
    with translation.override("en"):
        yield welfare_world(world)


def approved(world, programme, *recipients):
    sl = lists.create_list(world.tan_an, programme, AdminUnit.objects.get(code=TAN_AN))
    for household, person in recipients:
        lists.add_entry(world.tan_an, sl, household, person)
    lists.submit(world.tan_an, sl)
    lists.check(world.ninh_kieu, sl)
    return lists.approve(world.steering, sl)


def give(world, entry, on=date(2021, 8, 20)):
    return distributions.record(world.tan_an, entry, received_on=on, given_by="Tổ COVID Khu vực 2", today=TODAY)


def test_a_person_receives_the_cash_once_and_the_second_time_is_refused_with_the_date(world, ww):
    sl = approved(world, ww.cash, (ww.households["tam"], ww.people["tam"]))
    entry = sl.entries.get()
    first = give(world, entry)
    assert (first.occurrence, first.amount, first.programme_times) == (1, 1_500_000, 1)
    with pytest.raises(ValidationError) as exc:
        give(world, entry, date(2021, 8, 25))
    assert exc.value.messages == ["Lê Văn Tám has already received 1 of 1 time(s) on 20/08/2021."]
    assert Distribution.objects.count() == 1


def test_a_household_receives_the_food_package_twice_then_no_more(world, ww):
    sl = approved(world, ww.food, (ww.households["bay"], None))
    entry = sl.entries.get()
    assert [give(world, entry, d).occurrence for d in (date(2021, 8, 1), date(2021, 9, 1))] == [1, 2]
    with pytest.raises(ValidationError, match="2 of 2 time"):
        give(world, entry, date(2021, 9, 15))


def test_a_revision_does_not_reset_the_count(world, ww):
    sl = approved(world, ww.cash, (ww.households["tam"], ww.people["tam"]))
    give(world, sl.entries.get())
    revision = lists.revise(world.tan_an, sl)
    lists.submit(world.tan_an, revision)
    lists.check(world.ninh_kieu, revision)
    lists.approve(world.steering, revision)
    with pytest.raises(ValidationError, match="1 of 1"):
        give(world, revision.entries.get())


def test_only_approved_lists_are_paid_and_dates_are_checked(world, ww):
    sl = lists.create_list(world.tan_an, ww.food, AdminUnit.objects.get(code=TAN_AN))
    entry = lists.add_entry(world.tan_an, sl, ww.households["bay"])
    with pytest.raises(ValidationError, match="approved list"):
        give(world, entry)
    entry = approved(world, ww.cash, (ww.households["tam"], ww.people["tam"])).entries.get()
    with pytest.raises(ValidationError, match="in the future"):
        give(world, entry, date(2021, 10, 5))
    with pytest.raises(ValidationError, match="runs from 01/07/2021"):
        give(world, entry, date(2021, 6, 30))


def raw(ww, programme, occurrence, times=None, household="tam", person="tam"):
    return Distribution.objects.create(
        programme=programme,
        programme_times=programme.times if times is None else times,
        household=ww.households[household],
        person=ww.people[person] if person else None,
        occurrence=occurrence,
        received_on=date(2021, 8, 1),
        amount=1,
        given_by="x",
        recorded_by=ww_user(),
    )


def ww_user():
    from phaodai.accounts.models import User

    return User.objects.get(username="tan_an")


def test_the_database_refuses_an_occurrence_beyond_times_bypassing_the_service(world, ww):
    raw(ww, ww.cash, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        raw(ww, ww.cash, 2)  # occurrence 2 of a once-only programme
    with pytest.raises(IntegrityError), transaction.atomic():
        raw(ww, ww.cash, 2, times=5)  # lying about the programme's times
    with pytest.raises(IntegrityError), transaction.atomic():
        raw(ww, ww.cash, 1)  # the same time twice
    assert Distribution.objects.count() == 1


def test_the_programme_times_follow_and_cannot_drop_below_what_was_given(world, ww):
    raw(ww, ww.food, 1, household="bay", person=None)
    raw(ww, ww.food, 2, household="bay", person=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.filter(pk=ww.food.pk).update(times=1)  # raw update: the database alone refuses
    Programme.objects.filter(pk=ww.food.pk).update(times=3)
    assert set(Distribution.objects.values_list("programme_times", flat=True)) == {3}
    raw(ww, ww.food, 3, times=3, household="bay", person=None)
    food = Programme.objects.get(pk=ww.food.pk)
    data = {f: getattr(food, f) for f in ("unit", "name", "legal_basis", "categories", "benefit_kind", "goods")}
    data |= {"beneficiary": food.beneficiary, "start_date": food.start_date, "end_date": food.end_date}
    with translation.override("en"), pytest.raises(ValidationError, match="already received this programme 3 times"):
        programmes.update_programme(food, world.steering, times=2, **data)

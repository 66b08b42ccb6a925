"""The database itself refuses to put one person into two overlapping approved mobilisations."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from phaodai.mobilisation.models import AssignmentState
from phaodai.mobilisation.testing import assign, make_decision, make_request
from phaodai.testing import AN_HOA, TAN_AN


@pytest.fixture
def two_requests(world):
    first = make_request(world, {TAN_AN: 2}, date(2021, 8, 16), date(2021, 8, 29))
    second = make_request(world, {AN_HOA: 2}, date(2021, 8, 25), date(2021, 9, 5))
    return first.targets.get(), second.targets.get()


def test_two_overlapping_approved_assignments_of_one_person_are_refused(world, two_requests):
    tan_an, an_hoa = two_requests
    assign(make_decision(world), tan_an, world.staff["an"])
    with pytest.raises(IntegrityError), transaction.atomic():
        assign(make_decision(world), an_hoa, world.staff["an"])


def test_approving_a_proposed_overlap_is_refused_too(world, two_requests):
    tan_an, an_hoa = two_requests
    assign(make_decision(world), tan_an, world.staff["an"])
    proposed = assign(make_decision(world), an_hoa, world.staff["an"], state=AssignmentState.PROPOSED)
    proposed.state = AssignmentState.APPROVED
    with pytest.raises(IntegrityError), transaction.atomic():
        proposed.save()


def test_back_to_back_periods_and_other_people_are_fine(world, two_requests):
    tan_an, an_hoa = two_requests
    assign(make_decision(world), tan_an, world.staff["an"])
    assign(make_decision(world), an_hoa, world.staff["an"], start=date(2021, 8, 30), end=date(2021, 9, 5))
    assign(make_decision(world), an_hoa, world.staff["dat"])
    released = assign(make_decision(world), tan_an, world.staff["hoa"], state=AssignmentState.RELEASED)
    assert released.pk

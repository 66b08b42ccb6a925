"""The mobilisable pool: available staff minus the in-office minimum, per agency and period, arithmetic shown."""

from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from phaodai.mobilisation.models import AssignmentState
from phaodai.mobilisation.pool import PoolTotals, mobilisable_pool, mobilising_agencies
from phaodai.mobilisation.testing import assign, make_decision, make_request
from phaodai.places.models import Agency, Bloc
from phaodai.staff.models import StaffStatus
from phaodai.testing import CITY, TAN_AN, make_agency, make_staff

START, END = date(2021, 8, 16), date(2021, 8, 29)


def staffed_agency(name: str, people: int, min_in_office: int, bloc: str = Bloc.GOVERNMENT):
    agency = make_agency(name, CITY, headcount=max(people, min_in_office), min_in_office=min_in_office, bloc=bloc)
    return agency, [make_staff(f"{name} Người {i}", agency) for i in range(people)]


def pool_of(agency, start=START, end=END):
    (row,) = mobilisable_pool(Agency.objects.filter(pk=agency.pk), start, end)
    return row


def test_the_pool_is_available_staff_minus_the_in_office_minimum_with_the_arithmetic(world):
    agency, people = staffed_agency("Sở Tài chính", 7, min_in_office=2)
    people[0].status = StaffStatus.ON_LEAVE
    people[0].save()
    people[1].status = StaffStatus.ISOLATED
    people[1].save()
    target = make_request(world, {TAN_AN: 1}).targets.get()
    assign(make_decision(world), target, people[2])  # approved, overlapping the period

    row = pool_of(agency)

    assert (row.total, row.on_leave, row.isolated, row.mobilised) == (7, 1, 1, 1)
    assert (row.available, row.min_in_office, row.mobilisable) == (4, 2, 2)
    with translation.override("en"):
        assert row.computation == (
            "7 staff − 1 on leave − 1 isolated or sick − 1 already mobilised = 4 available; "
            "4 − 2 to stay in the office = 2 mobilisable"
        )


def test_an_agency_with_no_more_available_than_its_minimum_gives_nobody(world):
    agency, _people = staffed_agency("Sở Tư pháp", 3, min_in_office=5)

    row = pool_of(agency)

    assert (row.available, row.kept, row.mobilisable) == (3, 3, 0)
    with translation.override("en"):
        # A statement that reads right word for word (not "no more than 5 must stay"), the minimum still shown.
        assert row.computation == (
            "3 staff − 0 on leave − 0 isolated or sick − 0 already mobilised = 3 available, fewer than the minimum "
            "of 5 who must stay in the office (Directive 10): all 3 stay, none can go"
        )


def test_an_agency_with_exactly_its_minimum_available_keeps_everyone(world):
    agency, _people = staffed_agency("Sở Tư pháp", 4, min_in_office=4)

    row = pool_of(agency)

    assert (row.available, row.kept, row.mobilisable) == (4, 4, 0)
    with translation.override("en"):
        assert row.computation.endswith(
            "= 4 available, exactly the minimum of 4 who must stay in the office (Directive 10): "
            "all 4 stay, none can go"
        )


def test_the_totals_add_up_when_a_minimum_exceeds_the_staff_on_record(world):
    # The minimum comes from the headcount (biên chế): 463 for 268 recorded people is real in the demo data.
    short, _ = staffed_agency("Sở Tư pháp", 3, min_in_office=5)  # keeps its 3, not 5
    large, people = staffed_agency("Sở Tài chính", 7, min_in_office=2)  # keeps 2, sends 5
    people[0].status = StaffStatus.ON_LEAVE
    people[0].save()

    rows = mobilisable_pool(Agency.objects.filter(pk__in=[short.pk, large.pk]).order_by("pk"), START, END)
    totals = rows.totals

    assert [(r.kept, r.mobilisable) for r in rows] == [(3, 0), (2, 4)]
    assert totals == PoolTotals(total=10, available=9, min_in_office=7, kept=5, mobilisable=4)
    assert totals.kept + totals.mobilisable == totals.available <= totals.total
    assert totals.short_of_minimum == 2
    assert (rows.start, rows.end) == (START, END)


def test_the_pool_page_shows_totals_that_add_up_and_its_period(world, client_for):
    staffed_agency("Phòng Pool Một", 3, min_in_office=5)
    staffed_agency("Phòng Pool Hai", 7, min_in_office=2)
    client = client_for(world.users["home_affairs"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(reverse("mobilisation:pool"), {"q": "Phòng Pool", "start": "16/08/2021", "end": "29/08/2021"})

    assert response.status_code == 200
    html = " ".join(response.content.decode().split())
    assert "For the period 16/08/2021–29/08/2021" in html
    assert '<span class="n">5</span><span class="label">Kept in the office</span>' in html  # not the minimums' 7
    assert "10 available = 5 kept in the office + 5 mobilisable" in html
    assert "The minimums in office (Directive 10) add up to 7" in html


def test_only_an_approved_assignment_overlapping_the_period_takes_a_person_out(world):
    agency, people = staffed_agency("Sở Xây dựng", 5, min_in_office=0)
    target = make_request(world, {TAN_AN: 5}).targets.get()
    decision = make_decision(world)
    assign(decision, target, people[0], state=AssignmentState.PROPOSED)
    assign(decision, target, people[1], state=AssignmentState.WITHDRAWN)
    assign(decision, target, people[2], state=AssignmentState.RELEASED)
    assign(decision, target, people[3], start=date(2021, 7, 1), end=date(2021, 8, 15))  # ends the day before
    assign(decision, target, people[4], start=date(2021, 8, 29), end=date(2021, 9, 10))  # overlaps by one day

    row = pool_of(agency)

    assert (row.mobilised, row.available) == (1, 4)


def test_someone_marked_mobilised_by_others_is_out_but_one_mobilised_here_for_another_period_is_free(world):
    agency, people = staffed_agency("Sở Công Thương", 2, min_in_office=0)
    for person in people:
        person.status = StaffStatus.MOBILISED
        person.save()
    earlier = make_request(world, {TAN_AN: 1}, date(2021, 8, 1), date(2021, 8, 10)).targets.get()
    assign(make_decision(world), earlier, people[1])  # the system's own record of why people[1] is mobilised

    row = pool_of(agency)

    assert (row.mobilised, row.available) == (1, 1)
    assert pool_of(agency, date(2021, 8, 5), date(2021, 8, 20)).available == 0


def test_a_reversed_period_is_refused_with_a_clear_message(world):
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        mobilisable_pool(Agency.objects.all(), END, START)
    assert caught.value.code == "period_reversed"
    assert "ends (16/08/2021) before it starts (29/08/2021)" in caught.value.messages[0]


def test_home_affairs_mobilises_the_government_bloc_and_the_party_board_the_party_bloc(world):
    party = world.agencies["doan_thanh_nien"]

    home_affairs = set(mobilising_agencies(world.home_affairs))
    party_board = set(mobilising_agencies(world.party_board))

    assert party not in home_affairs and world.agencies["so_y_te"] in home_affairs
    assert party_board == {party}
    assert not mobilising_agencies(world.health).exists()
    assert {party, world.agencies["so_y_te"]} <= set(mobilising_agencies(world.admin))


def test_the_pool_reads_a_few_queries_whatever_the_number_of_people(world):
    staffed_agency("Sở Giao thông Vận tải", 12, min_in_office=3)
    staffed_agency("Sở Tài nguyên và Môi trường", 9, min_in_office=3)

    with CaptureQueriesContext(connection) as queries:
        rows = mobilisable_pool(Agency.objects.all(), START, END)

    assert len(rows) == Agency.objects.count()
    assert len(queries) <= 4

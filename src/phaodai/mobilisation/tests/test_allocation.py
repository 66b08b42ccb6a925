"""Allocation: quotas by the largest remainder, then people by skills, home, rotation; explained and deterministic.

The world's own agencies have fewer staff than their in-office minimum (nothing to give), so each test's pool is
exactly the agencies it creates.
"""

import json
from datetime import date
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from phaodai.mobilisation.allocation import allocate, largest_remainder, remainder_ties, tie_break
from phaodai.mobilisation.models import AssignmentState, RequestStatus
from phaodai.mobilisation.testing import assign, make_decision, make_request
from phaodai.places.models import AdminUnit, Bloc
from phaodai.staff.models import Skill, StaffStatus, VaccinationStatus
from phaodai.testing import AN_HOA, CITY, TAN_AN, TRA_NOC, make_agency, make_staff

TODAY = date(2021, 8, 14)  # requests run 16/08-29/08/2021 (mobilisation.testing)


def staffed_agency(name: str, people: int, min_in_office: int = 0, bloc: str = Bloc.GOVERNMENT, **extra):
    agency = make_agency(name, CITY, headcount=max(people, min_in_office, 1), min_in_office=min_in_office, bloc=bloc)
    return agency, [make_staff(f"{name} Người {i}", agency, **extra) for i in range(people)]


def picked(proposal) -> list[int]:
    return [p.staff_id for p in proposal.picks]


def per_agency(proposal) -> dict[str, int]:
    counts: dict[str, int] = {}
    for pick in proposal.picks:
        counts[pick.agency.name] = counts.get(pick.agency.name, 0) + 1
    return counts


def quota_of(proposal, agency):
    return next(q for q in proposal.quotas if q.agency == agency)


# Quotas ----------------------------------------------------------------------------------------------------------


def test_largest_remainder_on_a_hand_checked_case():
    # 7 seats for 5, 3 and 2 mobilisable: exact shares 3.5, 2.1, 1.4 → floors 3, 2, 1; the 7th seat goes to 0.5.
    quotas = largest_remainder(7, {1: 5, 2: 3, 3: 2})

    assert {pk: q for pk, (q, _share, _seat) in quotas.items()} == {1: 4, 2: 2, 3: 1}
    assert quotas[1] == (4, Fraction(7, 2), True)
    assert quotas[3] == (1, Fraction(7, 5), False)


def test_largest_remainder_ties_go_to_the_larger_pool_then_the_older_agency():
    assert largest_remainder(1, {10: 1, 11: 1}) == {10: (1, Fraction(1, 2), True), 11: (0, Fraction(1, 2), False)}
    # 2 seats for 3 and 1: shares 1.5 and 0.5, one seat left, equal remainders → the agency with 3.
    assert largest_remainder(2, {20: 1, 21: 3})[21][0] == 2


def test_remainder_ties_list_the_agencies_the_tie_break_decided():
    # 2 seats for three agencies of 1: each share is 2/3, all floors 0, so two of three equal remainders win.
    ties = remainder_ties(largest_remainder(2, {1: 1, 2: 1, 3: 1}))
    assert {pk: (t.tied, t.seats, t.won) for pk, t in ties.items()} == {
        1: (3, 2, True),
        2: (3, 2, True),
        3: (3, 2, False),
    }
    # Distinct remainders (3.5, 2.1, 1.4): no tie to explain.
    assert remainder_ties(largest_remainder(7, {1: 5, 2: 3, 3: 2})) == {}


def test_tied_remainders_say_how_the_tie_was_broken_and_an_approximate_share_has_one_operator(world):
    first, _ = staffed_agency("Sở Tài chính", 1)
    second, _ = staffed_agency("Sở Tư pháp", 1)
    third, _ = staffed_agency("Sở Xây dựng", 1)
    request = make_request(world, {TAN_AN: 1})

    proposal = allocate([request], user=world.home_affairs, today=TODAY)

    assert [quota_of(proposal, a).quota for a in (first, second, third)] == [1, 0, 0]
    with translation.override("en"):
        won, lost = quota_of(proposal, first).computation, quota_of(proposal, third).computation
        assert (
            "→ 1 × 1 / 3 ≈ 0.33 → 0 + 1 (largest remainder) = 1; tie: 3 agencies have this remainder and 1 seat " in won
        )
        assert "= ≈" not in won
        assert won.endswith("it goes to the larger pool, then to the agency recorded first: this agency gets it")
        assert lost.endswith(
            "1 × 1 / 3 ≈ 0.33 → 0; tie: 3 agencies have this remainder and 1 seat is left; it goes "
            "to the larger pool, then to the agency recorded first: this agency does not get it"
        )
    assert quota_of(proposal, third).as_json()["remainder_tie"] == {"tied": 3, "seats": 1, "won": False}
    assert quota_of(proposal, first).as_json()["period"] == ["2021-08-16", "2021-08-29"]


def test_a_demand_at_least_the_pool_takes_every_mobilisable_person_and_no_more():
    assert largest_remainder(50, {1: 5, 2: 3}) == {1: (5, Fraction(5), False), 2: (3, Fraction(3), False)}


def test_quotas_follow_the_mobilisable_counts_with_the_computation_shown(world):
    big, _ = staffed_agency("Sở Tài chính", 7, min_in_office=2)  # 5 mobilisable
    middle, _ = staffed_agency("Sở Tư pháp", 3)
    small, _ = staffed_agency("Sở Xây dựng", 2)
    request = make_request(world, {TAN_AN: 4, AN_HOA: 3})

    proposal = allocate([request], user=world.home_affairs, today=TODAY)

    assert (proposal.demand, proposal.pool_total) == (7, 10)
    assert per_agency(proposal) == {big.name: 4, middle.name: 2, small.name: 1}
    assert not proposal.shortfalls
    with translation.override("en"):
        assert quota_of(proposal, big).computation == (
            "mobilisable 5 of 7 staff in 16/08/2021–29/08/2021 → 5 × 7 / 10 = 3.5 → 3 + 1 (largest remainder) = 4"
        )
        assert quota_of(proposal, middle).computation == (
            "mobilisable 3 of 3 staff in 16/08/2021–29/08/2021 → 3 × 7 / 10 = 2.1 → 2"
        )
        assert "7 staff − 0 on leave" in quota_of(proposal, big).pool.computation
    with translation.override("vi"):
        assert "3,5" in quota_of(proposal, big).computation


def test_an_agency_never_gives_more_than_it_has_above_its_in_office_minimum(world):
    agency, _ = staffed_agency("Sở Giáo dục và Đào tạo", 10, min_in_office=7)
    request = make_request(world, {TAN_AN: 20})

    proposal = allocate([request], user=world.home_affairs, today=TODAY)

    assert quota_of(proposal, agency).quota == 3
    assert per_agency(proposal) == {agency.name: 3}
    with translation.override("en"):
        assert "all 3: the demand (20) is not below the whole pool (3)" in quota_of(proposal, agency).computation


# People ----------------------------------------------------------------------------------------------------------


def test_a_person_without_a_required_skill_is_never_picked_even_beyond_the_quota(world):
    medical = Skill.objects.get(code="medical")
    plain, _ = staffed_agency("Sở Tài chính", 10)
    clinic, people = staffed_agency("Bệnh viện Đa khoa", 10)
    for person in people[:3]:
        person.skills.add(medical)
    request = make_request(world, {TAN_AN: 4})
    request.required_skills.add(medical)

    proposal = allocate([request], user=world.home_affairs, today=TODAY)

    # Quotas 2 and 2 on a demand of 4; the plain agency has no medical staff, so the clinic's third medical person
    # is taken beyond its quota, and the fourth seat is a shortfall rather than someone without the skill.
    assert (quota_of(proposal, plain).quota, quota_of(proposal, clinic).quota) == (2, 2)
    assert sorted(picked(proposal)) == sorted(p.pk for p in people[:3])
    assert [(s.wanted, s.filled) for s in proposal.shortfalls] == [(4, 3)]
    with translation.override("en"):
        assert "has the required skill Medical" in proposal.picks[0].why
        assert proposal.picks[2].why[-1].startswith("beyond the quota of Bệnh viện Đa khoa (2)")
        assert "1 more beyond the quota" in quota_of(proposal, clinic).computation


def test_requests_needing_a_skill_are_served_before_the_others(world):
    medical = Skill.objects.get(code="medical")
    _agency, people = staffed_agency("Sở Tài chính", 4, home_unit=AdminUnit.objects.get(code=TAN_AN))
    people[0].skills.add(medical)
    anyone = make_request(world, {TAN_AN: 3})  # created first, and its commune is the medical person's home
    doctors = make_request(world, {AN_HOA: 1})
    doctors.required_skills.add(medical)

    proposal = allocate([anyone, doctors], user=world.home_affairs, today=TODAY)

    assert [p.staff_id for p in proposal.picks if p.target.request == doctors] == [people[0].pk]
    assert not proposal.shortfalls


def test_only_fully_vaccinated_people_for_a_vaccinated_only_request(world):
    _agency, people = staffed_agency("Sở Tài chính", 4)
    for person, status in zip(people, ["none", "one_dose", "full", "booster"], strict=True):
        person.vaccination_status = status
        person.save()
    request = make_request(world, {TAN_AN: 4})
    request.vaccinated_only = True
    request.save()

    proposal = allocate([request], user=world.home_affairs, today=TODAY)

    assert sorted(picked(proposal)) == sorted(p.pk for p in people[2:])
    assert people[2].vaccination_status == VaccinationStatus.FULL
    assert [(s.wanted, s.filled) for s in proposal.shortfalls] == [(4, 2)]


def test_people_who_live_in_the_target_commune_then_its_district_come_first(world):
    agency = make_agency("Sở Tài chính", CITY, headcount=10, min_in_office=0)
    # Created far-to-near, so that the staff pk would favour the farthest.
    far = make_staff("Người Trà Nóc", agency, home_unit=AdminUnit.objects.get(code=TRA_NOC))
    nobody_knows = make_staff("Người không rõ nơi ở", agency)
    district = make_staff("Người An Hòa", agency, home_unit=AdminUnit.objects.get(code=AN_HOA))
    here = make_staff("Người Tân An", agency, home_unit=AdminUnit.objects.get(code=TAN_AN))

    two = allocate([make_request(world, {TAN_AN: 2})], user=world.home_affairs, today=TODAY)
    four = allocate([make_request(world, {TAN_AN: 4})], user=world.home_affairs, today=TODAY)

    assert picked(two) == [here.pk, district.pk]
    assert [p.staff for p in two.picks] == [here, district]
    assert picked(four)[:2] == [here.pk, district.pk]
    assert set(picked(four)[2:]) == {far.pk, nobody_knows.pk}  # both beyond the district: equal
    with translation.override("en"):
        assert "lives in the target commune" in two.picks[0].why
        assert "lives in the target commune's district" in two.picks[1].why
        unknown = next(p for p in four.picks if p.staff_id == nobody_knows.pk)
        assert "place of residence not recorded" in unknown.why


def test_each_target_gets_its_own_residents_before_anyone_is_sent_across_town(world):
    agency = make_agency("Sở Tài chính", CITY, headcount=10, min_in_office=0)
    tra_noc_people = [
        make_staff(f"Người Trà Nóc {i}", agency, home_unit=AdminUnit.objects.get(code=TRA_NOC)) for i in range(2)
    ]
    tan_an_people = [
        make_staff(f"Người Tân An {i}", agency, home_unit=AdminUnit.objects.get(code=TAN_AN)) for i in range(2)
    ]

    proposal = allocate([make_request(world, {TAN_AN: 2, TRA_NOC: 2})], user=world.home_affairs, today=TODAY)

    sent = {(p.target.commune.code, p.staff_id) for p in proposal.picks}
    assert sent == {(TAN_AN, p.pk) for p in tan_an_people} | {(TRA_NOC, p.pk) for p in tra_noc_people}


def test_a_preferred_skill_comes_after_home_and_before_rotation(world):
    data_entry = Skill.objects.get(code="data_entry")
    agency = make_agency("Sở Tài chính", CITY, headcount=10, min_in_office=0)
    plain = make_staff("Người không có kỹ năng", agency)
    typist = make_staff("Người nhập liệu", agency)
    typist.skills.add(data_entry)
    neighbour = make_staff("Người Tân An", agency, home_unit=AdminUnit.objects.get(code=TAN_AN))
    earlier = make_request(world, {AN_HOA: 1}, date(2021, 7, 20), date(2021, 8, 10)).targets.get()
    # The typist was mobilised recently; the skill still puts them before someone rested.
    assign(make_decision(world), earlier, typist, state=AssignmentState.RELEASED)
    request = make_request(world, {TAN_AN: 3})
    request.preferred_skills.add(data_entry)

    proposal = allocate([request], user=world.home_affairs, today=TODAY)

    assert picked(proposal) == [neighbour.pk, typist.pk, plain.pk]
    with translation.override("en"):
        assert "has the preferred skill Data entry" in proposal.picks[1].why
        assert "22 days mobilised in the last 30 days" in proposal.picks[1].why


def test_rotation_prefers_who_was_mobilised_least_in_the_last_30_days(world):
    agency, people = staffed_agency("Sở Tài chính", 3)
    earlier = make_request(world, {TAN_AN: 2}, date(2021, 7, 1), date(2021, 7, 31)).targets.get()
    decision = make_decision(world)
    # 3 days inside the 30 days before 14/08 (15/07-13/08): 11-13/08; and 30 days before that, which do not count.
    assign(decision, earlier, people[0], date(2021, 8, 11), date(2021, 8, 13), state=AssignmentState.RELEASED)
    assign(decision, earlier, people[1], date(2021, 6, 1), date(2021, 7, 14), state=AssignmentState.RELEASED)

    one = allocate([make_request(world, {TAN_AN: 1})], user=world.home_affairs, today=TODAY)
    three = allocate([make_request(world, {TAN_AN: 3})], user=world.home_affairs, today=TODAY)

    assert picked(one) in ([people[1].pk], [people[2].pk])  # both rested: the tie-break chooses
    assert set(picked(three)[:2]) == {people[1].pk, people[2].pk} and picked(three)[2] == people[0].pk
    with translation.override("en"):
        assert "not mobilised in the last 30 days" in three.picks[0].why
        assert "3 days mobilised in the last 30 days" in three.picks[2].why


def test_key_leaders_are_picked_after_everyone_else_and_say_so(world):
    agency = make_agency("Ủy ban nhân dân Phường Test", CITY, headcount=10, min_in_office=0)
    # Entered first, as the chairman is in every ward of the demo data: the lowest pks.
    chairman = make_staff("Chủ tịch", agency, position="Chủ tịch UBND")
    deputy = make_staff("Phó Chủ tịch", agency, position="Phó Chủ tịch UBND")
    station_head = make_staff("Trạm trưởng", agency, position="Trạm trưởng")
    staff = [make_staff(f"Công chức {i}", agency, position="Chuyên viên") for i in range(3)]
    division_head = make_staff("Trưởng phòng", agency, position="Trưởng phòng")  # not a key leader: sent as usual

    four = allocate([make_request(world, {TAN_AN: 4})], user=world.home_affairs, today=TODAY)
    five = allocate([make_request(world, {TAN_AN: 5})], user=world.home_affairs, today=TODAY)

    assert set(picked(four)) == {division_head.pk, *(p.pk for p in staff)}
    assert set(picked(five)[:4]) == set(picked(four)) and picked(five)[4] in {chairman.pk, deputy.pk, station_head.pk}
    with translation.override("en"):
        leader = five.picks[4]
        assert f"holds a key post ({leader.staff.position}), which should stay on site" in " ".join(leader.why)
        assert not any("key post" in reason for pick in four.picks for reason in pick.why)


def test_a_rested_key_leader_still_comes_after_a_staffer_mobilised_recently(world):
    agency = make_agency("Ủy ban nhân dân Phường Test", CITY, headcount=10, min_in_office=0)
    chairman = make_staff("Chủ tịch", agency, position="Chủ tịch UBND")
    officer = make_staff("Công chức", agency, position="Chuyên viên")
    earlier = make_request(world, {TAN_AN: 1}, date(2021, 7, 1), date(2021, 7, 31)).targets.get()
    assign(make_decision(world), earlier, officer, date(2021, 8, 1), date(2021, 8, 13), state=AssignmentState.RELEASED)

    one = allocate([make_request(world, {TAN_AN: 1})], user=world.home_affairs, today=TODAY)

    assert picked(one) == [officer.pk] and chairman.pk not in picked(one)


def test_equal_candidates_are_not_simply_the_oldest_records_yet_the_choice_is_stable(world):
    _agency, people = staffed_agency("Sở Tài chính", 30)
    request = make_request(world, {TAN_AN: 10})

    runs = [allocate([request], user=world.home_affairs, today=TODAY) for _ in range(2)]

    oldest = sorted(p.pk for p in people)[:10]
    assert sorted(picked(runs[0])) != oldest  # the pk tie-break sent the ten oldest records
    assert picked(runs[0]) == picked(runs[1])
    # The tie-break is a content hash, the same in every process (Python's hash() of a str is not).
    assert tie_break(b"1,2", 7).hex() == "ff7f2767b2a51805"


def test_people_on_leave_isolated_or_already_mobilised_are_not_picked(world):
    _agency, people = staffed_agency("Sở Tài chính", 5)
    people[0].status = StaffStatus.ON_LEAVE
    people[0].save()
    people[1].status = StaffStatus.ISOLATED
    people[1].save()
    other = make_request(world, {AN_HOA: 1}, date(2021, 8, 20), date(2021, 9, 2)).targets.get()
    assign(make_decision(world), other, people[2])  # approved, overlapping 16/08-29/08

    proposal = allocate([make_request(world, {TAN_AN: 5})], user=world.home_affairs, today=TODAY)

    assert sorted(picked(proposal)) == [people[3].pk, people[4].pk]
    assert [(s.wanted, s.filled) for s in proposal.shortfalls] == [(5, 2)]


def test_a_person_busy_in_one_request_period_is_still_picked_for_another(world):
    agency = make_agency("Sở Tài chính", CITY, headcount=10, min_in_office=0)
    busy = make_staff("Người Trà Nóc", agency, home_unit=AdminUnit.objects.get(code=TRA_NOC))
    free = [make_staff(f"Người {i}", agency) for i in range(2)]
    busy_then = make_request(world, {AN_HOA: 1}, date(2021, 8, 1), date(2021, 8, 20)).targets.get()
    assign(make_decision(world), busy_then, busy)
    clashing = make_request(world, {TAN_AN: 1})  # 16/08-29/08
    later = make_request(world, {TRA_NOC: 1}, date(2021, 8, 21), date(2021, 8, 31))

    proposal = allocate([clashing, later], user=world.home_affairs, today=TODAY)

    picks = {p.target.request: p.staff_id for p in proposal.picks}
    assert len(proposal.picks) == 2 and picks[later] == busy.pk and picks[clashing] in {f.pk for f in free}
    # The agency's pool is taken in its tightest period (2 free in 16/08-29/08), so every day keeps its minimum.
    assert quota_of(proposal, agency).mobilisable == 2
    with translation.override("en"):
        assert "of 3 staff in 16/08/2021–29/08/2021, its tightest period →" in quota_of(proposal, agency).computation


def test_a_shortage_is_reported_per_target_and_spread_in_proportion(world):
    _agency, people = staffed_agency("Sở Tài chính", 6)
    request = make_request(world, {TAN_AN: 6, AN_HOA: 3})

    proposal = allocate([request], user=world.home_affairs, today=TODAY)

    assert len(proposal.picks) == 6 and len(set(picked(proposal))) == 6
    shortfalls = {s.target.commune.code: (s.wanted, s.filled, s.missing) for s in proposal.shortfalls}
    assert shortfalls == {TAN_AN: (6, 4, 2), AN_HOA: (3, 2, 1)}
    explanation = proposal.as_json()
    assert explanation["demand"] == 9 and explanation["pool"] == 6 and explanation["filled"] == 6
    assert {s["missing"] for s in explanation["shortfalls"]} == {2, 1}
    assert json.loads(json.dumps(explanation)) == explanation


def test_nobody_is_picked_twice_in_one_run(world):
    staffed_agency("Sở Tài chính", 5)
    first = make_request(world, {TAN_AN: 3, AN_HOA: 2})
    second = make_request(world, {TRA_NOC: 4}, date(2021, 9, 1), date(2021, 9, 10))  # not even overlapping

    proposal = allocate([first, second], user=world.home_affairs, today=TODAY)

    assert len(picked(proposal)) == 5 == len(set(picked(proposal)))
    assert sum(s.missing for s in proposal.shortfalls) == 4


def test_the_same_input_gives_the_same_output(world):
    data_entry = Skill.objects.get(code="data_entry")
    communes = [AdminUnit.objects.get(code=code) for code in (TAN_AN, AN_HOA, TRA_NOC)]
    for a in range(3):
        agency = make_agency(f"Sở số {a}", CITY, headcount=20, min_in_office=a + 1)
        for i in range(9):
            person = make_staff(f"Người {a}-{i}", agency, home_unit=communes[(a + i) % 3] if i % 4 else None)
            if i % 3 == 0:
                person.skills.add(data_entry)
    first = make_request(world, {TAN_AN: 5, TRA_NOC: 4})
    first.preferred_skills.add(data_entry)
    second = make_request(world, {AN_HOA: 7})

    runs = [allocate([first, second], user=world.home_affairs, today=TODAY) for _ in range(2)]
    runs.append(allocate([second.pk, first.pk], user=world.home_affairs, today=TODAY))

    assert runs[0].signature() == runs[1].signature() == runs[2].signature()
    assert runs[0].as_json() == runs[1].as_json()
    assert [p.why for p in runs[0].picks] == [p.why for p in runs[2].picks]
    assert len(runs[0].picks) == 16


def test_home_affairs_never_picks_the_party_bloc_and_the_party_board_only_picks_it(world):
    government, government_people = staffed_agency("Sở Tài chính", 3)
    party, party_people = staffed_agency("Ban Tuyên giáo Thành ủy", 3, bloc=Bloc.PARTY)
    request = make_request(world, {TAN_AN: 6})

    by_home_affairs = allocate([request], user=world.home_affairs, today=TODAY)
    by_party_board = allocate([request], user=world.party_board, today=TODAY)

    assert sorted(picked(by_home_affairs)) == sorted(p.pk for p in government_people)
    assert party not in {q.agency for q in by_home_affairs.quotas}
    assert sorted(picked(by_party_board)) == sorted(p.pk for p in party_people)
    assert government not in {q.agency for q in by_party_board.quotas}


# Bad input and cost ----------------------------------------------------------------------------------------------


def test_only_the_mobilising_roles_may_allocate(world):
    request = make_request(world, {TAN_AN: 1})
    with pytest.raises(PermissionDenied):
        allocate([request], user=world.health, today=TODAY)
    with pytest.raises(PermissionDenied):
        allocate([request], user=world.observer, today=TODAY)


def test_a_request_not_yet_approved_or_no_request_at_all_is_refused(world):
    draft = make_request(world, {TAN_AN: 1}, status=RequestStatus.SUBMITTED)
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        allocate([draft], user=world.home_affairs, today=TODAY)
    assert caught.value.code == "request_not_approved"
    assert "Only approved requests can be allocated" in caught.value.messages[0]
    with pytest.raises(ValidationError) as caught:
        allocate([], user=world.home_affairs, today=TODAY)
    assert caught.value.code == "no_requests"


def test_a_people_approved_number_replaces_the_requested_one(world):
    staffed_agency("Sở Tài chính", 10)
    request = make_request(world, {TAN_AN: 8})
    request.targets.update(people_approved=3)

    proposal = allocate([request], user=world.home_affairs, today=TODAY)

    assert proposal.demand == 3 and len(proposal.picks) == 3


def test_allocating_writes_nothing_and_reads_a_fixed_number_of_queries(world):
    staffed_agency("Sở Tài chính", 12, min_in_office=2)
    staffed_agency("Sở Tư pháp", 7)
    requests = [make_request(world, {TAN_AN: 3, AN_HOA: 2}), make_request(world, {TRA_NOC: 4})]
    requests[0].required_skills.add(Skill.objects.get(code="driving"))

    with CaptureQueriesContext(connection) as queries:
        allocate(requests, user=world.home_affairs, today=TODAY)

    statements = [q["sql"].split()[0].upper() for q in queries]
    assert not {"INSERT", "UPDATE", "DELETE"} & set(statements)
    assert len(queries) <= 15

"""The review queue: runs store candidates, decisions are remembered, "the same" merges people in one transaction.

`matched(w)` builds on welfare_world: a background registry of 150 people in Tân An (so the model has data to
learn from), Nguyễn Văn Bảy registered a second time in Tân An as "Nguyen Van Bay" (a duplicate), and the cash
programme's lists of Tân An and An Hòa, on both of which Lê Văn Tám appears (he moved to An Hòa).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from phaodai.places.models import AdminUnit
from phaodai.testing import AN_HOA, NINH_KIEU, TAN_AN, World
from phaodai.welfare import review
from phaodai.welfare.models import (
    Distribution,
    ListEntry,
    ListStatus,
    MatchCandidate,
    MatchDecision,
    MatchState,
    Person,
    RecordKind,
    SupportList,
)
from phaodai.welfare.testing import WelfareWorld, make_household, make_person, welfare_world
from phaodai.welfare.tests.test_matching_rules import background


@dataclass
class Matched:
    ww: WelfareWorld
    bay_again: Person
    tam_moved: Person
    tan_an_list: SupportList
    an_hoa_list: SupportList


def registry_background(ww: WelfareWorld, count: int = 150) -> None:
    for record in background(count, seed=5):
        household = make_household(
            ww.neighbourhoods["tan_an_2"], record.full_name, record.address, record.phone, members=1
        )
        Person.objects.create(
            household=household,
            full_name=record.full_name,
            date_of_birth=record.date_of_birth,
            citizen_id="",
            phone=record.phone,
        )


def matched(w: World) -> Matched:
    ww = welfare_world(w)
    registry_background(ww)
    dup_home = make_household(ww.neighbourhoods["tan_an_2"], "Nguyen Van Bay", "12 H.3 Mau Than", "939123456", 1)
    bay_again = make_person(dup_home, "Nguyen Van Bay", dob=date(1975, 5, 20), phone="939123456", with_id=False)
    moved_home = make_household(ww.neighbourhoods["an_hoa_3"], "Lê Văn Tám", "5 hẻm 7 Cách Mạng Tháng 8", "0356111222")
    tam_moved = make_person(moved_home, "Le Van Tam", dob=date(1990, 8, 8), phone="0356111222", with_id=False)
    tan_an_list = SupportList.objects.create(
        programme=ww.cash, commune=AdminUnit.objects.get(code=TAN_AN), created_by=w.tan_an
    )
    an_hoa_list = SupportList.objects.create(
        programme=ww.cash, commune=AdminUnit.objects.get(code=AN_HOA), created_by=w.an_hoa
    )
    tam = ww.people["tam"]
    ListEntry.objects.create(
        support_list=tan_an_list, household=tam.household, person=tam, written={"citizen_id": tam.citizen_id}
    )
    ListEntry.objects.create(
        support_list=an_hoa_list,
        household=moved_home,
        person=tam_moved,
        written={"full_name": "LE VAN TAM", "date_of_birth": "08/08/1990", "citizen_id": tam.citizen_id},
    )
    ListEntry.objects.create(support_list=an_hoa_list, household=ww.households["lan"], person=ww.people["lan"])
    return Matched(ww, bay_again, tam_moved, tan_an_list, an_hoa_list)


@pytest.fixture
def m(world) -> Matched:
    return matched(world)


def keys(a: Person, b: Person) -> tuple[str, str]:
    return review.ordered(f"person:{a.pk}", f"person:{b.pk}")


def test_a_commune_run_proposes_the_duplicate_but_never_the_twins(world, m):
    result = review.run_for_commune(AdminUnit.objects.get(code=TAN_AN), world.tan_an)
    p = m.ww.people
    left, right = keys(p["bay"], m.bay_again)
    candidate = MatchCandidate.objects.get(left_key=left, right_key=right)
    assert candidate.kind == RecordKind.PERSON and candidate.state == MatchState.PENDING
    assert candidate.probability >= 0.5
    assert candidate.unit.code == TAN_AN  # the two households are in two neighbourhoods of Tân An
    assert candidate.comparison["birth"]["state"] == "agree"
    twins = keys(p["bay_twin_a"], p["bay_twin_b"])
    assert not MatchCandidate.objects.filter(left_key=twins[0], right_key=twins[1]).exists()
    assert result.proposed == MatchCandidate.objects.count() and result.compared > 150


def test_a_role_without_review_or_outside_the_commune_cannot_run(world, m):
    with pytest.raises(PermissionDenied):
        review.run_for_commune(AdminUnit.objects.get(code=TAN_AN), world.observer)
    with pytest.raises(PermissionDenied):
        review.run_for_commune(AdminUnit.objects.get(code=AN_HOA), world.tan_an)


def test_not_the_same_is_remembered_for_the_next_run(world, m):
    commune = AdminUnit.objects.get(code=TAN_AN)
    review.run_for_commune(commune, world.tan_an)
    left, right = keys(m.ww.people["bay"], m.bay_again)
    candidate = MatchCandidate.objects.get(left_key=left, right_key=right)
    review.decide(candidate, same=False, user=world.tan_an, note="Hai người khác nhau")
    decision = MatchDecision.objects.get(left_key=left, right_key=right)
    assert decision.same is False and decision.decided_by == world.tan_an
    candidate.delete()  # even without the old candidate, the decision keeps the pair from coming back
    again = review.run_for_commune(commune, world.tan_an)
    assert not MatchCandidate.objects.filter(left_key=left, right_key=right).exists()
    assert again.already_decided >= 1
    assert review.decision_for(right, left) == decision


def test_the_same_merges_the_people_and_moves_their_rows_in_one_audited_transaction(world, m):
    review.run_for_commune(AdminUnit.objects.get(code=TAN_AN), world.tan_an)
    bay = m.ww.people["bay"]
    draft = SupportList.objects.create(
        programme=m.ww.cash, commune=AdminUnit.objects.get(code=TAN_AN), created_by=world.tan_an, revision=2
    )
    entry = ListEntry.objects.create(support_list=draft, household=m.bay_again.household, person=m.bay_again)
    given = Distribution.objects.create(
        programme=m.ww.cash,
        programme_times=1,
        household=m.bay_again.household,
        person=m.bay_again,
        occurrence=1,
        received_on=date(2021, 8, 1),
        amount=1_500_000,
        given_by="UBND phường Tân An",
        recorded_by=world.tan_an,
    )
    left, right = keys(bay, m.bay_again)
    candidate = MatchCandidate.objects.get(left_key=left, right_key=right)
    review.decide(candidate, same=True, user=world.tan_an)
    entry.refresh_from_db()
    given.refresh_from_db()
    assert entry.person == bay and entry.household == bay.household
    assert given.person == bay
    assert not Person.objects.filter(pk=m.bay_again.pk).exists()
    candidate.refresh_from_db()
    assert candidate.state == MatchState.SAME
    assert LogEntry.objects.get_for_object(entry).filter(actor=world.tan_an).exists()
    assert MatchDecision.objects.get(left_key=left, right_key=right).same is True


def test_a_merge_that_would_pay_twice_changes_nothing(world, m):
    review.run_for_commune(AdminUnit.objects.get(code=TAN_AN), world.tan_an)
    bay = m.ww.people["bay"]
    for person in (bay, m.bay_again):
        Distribution.objects.create(
            programme=m.ww.cash,
            programme_times=1,
            household=person.household,
            person=person,
            occurrence=1,
            received_on=date(2021, 8, 1),
            amount=1_500_000,
            given_by="UBND phường Tân An",
            recorded_by=world.tan_an,
        )
    left, right = keys(bay, m.bay_again)
    candidate = MatchCandidate.objects.get(left_key=left, right_key=right)
    with translation.override("en"), pytest.raises(ValidationError, match="double payment"):
        review.decide(candidate, same=True, user=world.tan_an)
    assert Person.objects.filter(pk=m.bay_again.pk).exists()
    assert not MatchDecision.objects.exists()
    candidate.refresh_from_db()
    assert candidate.state == MatchState.PENDING
    with translation.override("en"), pytest.raises(ValidationError, match="already been decided"):
        candidate.state = MatchState.DIFFERENT
        candidate.save()
        review.decide(candidate, same=False, user=world.tan_an)


def test_a_list_run_finds_the_person_who_moved_across_communes_for_the_district(world, m):
    result = review.run_for_list(m.an_hoa_list, world.ninh_kieu)
    tan_an_entry = m.tan_an_list.entries.get()
    moved_entry = m.an_hoa_list.entries.get(person=m.tam_moved)
    left, right = review.ordered(f"entry:{tan_an_entry.pk}", f"entry:{moved_entry.pk}")
    candidate = MatchCandidate.objects.get(left_key=left, right_key=right)
    assert candidate.kind == RecordKind.ENTRY
    assert candidate.unit.code == NINH_KIEU  # Tân An and An Hòa: the district reviews it
    assert {"phone", "address"} <= {f for f, v in candidate.comparison.items() if v["state"] == "differ"}
    assert result.compared == 3
    rows = review.likely_duplicates(m.ww.cash, world.ninh_kieu)
    assert [(r["left"].pk, r["right"].pk) for r in rows] == [
        tuple(int(k.split(":")[1]) for k in (candidate.left_key, candidate.right_key))
    ]
    assert {rows[0]["left_list"], rows[0]["right_list"]} == {m.tan_an_list, m.an_hoa_list}
    assert review.likely_duplicates(m.ww.cash, world.tan_an) == []  # a commune does not see a district's pair
    assert review.likely_duplicates(m.ww.food, world.ninh_kieu) == []
    # Marked "the same": list rows are not merged (they stay for the lists' own procedure); the decision is kept.
    review.decide(candidate, same=True, user=world.ninh_kieu)
    assert ListEntry.objects.filter(pk=moved_entry.pk).exists()
    assert MatchDecision.objects.get(left_key=left).same


def test_superseded_lists_are_left_out(world, m):
    SupportList.objects.filter(pk=m.tan_an_list.pk).update(status=ListStatus.SUPERSEDED, approved_at=timezone.now())
    assert review.run_for_list(m.an_hoa_list, world.ninh_kieu).compared == 2

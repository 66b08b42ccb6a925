"""The demo city's welfare story (issue #7, item 8): registries with categories in three wards, two programmes, lists
in every state with a planted omission and planted duplicates, one list imported from Excel, the review queue with
decisions, distributions within the programme's limit; built through the services; a second run adds nothing."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db.models import Count, Q
from django.utils import translation

from phaodai.accounts.models import User
from phaodai.core.demo import build_demo_city
from phaodai.core.demo import welfare_registry as R
from phaodai.core.demo.welfare_story import (
    FOOD_NAME,
    WORKERS_AMOUNT,
    WORKERS_NAME,
    build_welfare_story,
)
from phaodai.places.models import AdminUnit, Household
from phaodai.staff.identity import validate_citizen_id
from phaodai.testing import AN_HOA, CITY, TAN_AN
from phaodai.welfare import reports, review
from phaodai.welfare.models import (
    Beneficiary,
    BenefitKind,
    Category,
    Distribution,
    HouseholdCategory,
    ListEntry,
    ListStatus,
    MatchCandidate,
    MatchDecision,
    MatchState,
    Person,
    Programme,
    Relationship,
    SupportList,
)

STAFF = 3000
# Monday 20 September 2021, 09:00 in Cần Thơ (UTC+7).
MONDAY_0900 = datetime(2021, 9, 20, 2, 0, tzinfo=UTC)
TODAY = date(2021, 9, 20)


@pytest.fixture
def demo_mode(settings):
    settings.DEMO_MODE = True
    return settings


@pytest.fixture
def story(db, demo_mode):
    with time_machine.travel(MONDAY_0900, tick=False):
        # The demo builder plays the welfare story after the others (the duty story is left out: it is slow).
        result = build_demo_city(staff=STAFF, duty=False).welfare
    return result


def login(name: str) -> User:
    return User.objects.get(username=name)


def food() -> Programme:
    return Programme.objects.get(name=FOOD_NAME)


def workers() -> Programme:
    return Programme.objects.get(name=WORKERS_NAME)


def list_of(programme: Programme, code: str) -> SupportList:
    return SupportList.objects.get(programme=programme, commune__code=code)


def test_three_wards_have_registries_with_people_and_categories(story):
    assert story.notes == []
    wards = list(
        SupportList.objects.filter(programme=food()).values_list("commune__code", flat=True).order_by("commune__code")
    )
    assert len(wards) == 3 and {TAN_AN, AN_HOA} < set(wards)
    for code in wards:
        households = Household.objects.filter(neighbourhood__parent__code=code, people__isnull=False).distinct()
        assert 60 <= households.count() <= 120
        # One head per household, never more people than members.
        heads = households.annotate(heads=Count("people", filter=Q(people__relationship=Relationship.HEAD)))
        assert set(heads.values_list("heads", flat=True)) == {1}
        assert all(h.members >= h.people.count() for h in households)
        kinds = set(HouseholdCategory.objects.filter(household__in=households).values_list("category", flat=True))
        assert {Category.POOR, Category.NEAR_POOR, Category.INFORMAL_WORKER} <= kinds
    people = Person.objects.filter(household__neighbourhood__parent__code=TAN_AN)
    assert people.filter(date_of_birth__isnull=True, birth_year__isnull=False).exists()  # year only
    for person in people.exclude(citizen_id=""):
        born = person.date_of_birth or date(person.birth_year, 1, 1)
        validate_citizen_id(person.citizen_id, person.gender, born)  # digits agree with gender and year
    assert HouseholdCategory.objects.filter(category=Category.ELDERLY_ALONE, household__members=1).exists()


def test_two_programmes_of_the_city(story):
    f, w = food(), workers()
    assert f.unit.code == w.unit.code == CITY
    assert (f.benefit_kind, f.beneficiary, f.times) == (BenefitKind.GOODS, Beneficiary.HOUSEHOLD, 2)
    assert (w.benefit_kind, w.beneficiary, w.times, w.amount) == (BenefitKind.CASH, Beneficiary.PERSON, 1, 1_500_000)
    assert WORKERS_AMOUNT == 1_500_000 and "68/NQ-CP" in w.legal_basis
    assert f.start_date <= TODAY <= f.end_date and w.start_date <= TODAY <= w.end_date


def test_lists_in_their_states_through_the_approval_steps(story):
    f, w = food(), workers()
    tan_an = list_of(f, TAN_AN)
    assert tan_an.status == ListStatus.APPROVED
    assert tan_an.checked_by.username == "ninhkieu" and tan_an.approved_by.username == "bcd.thanhpho"
    assert tan_an.submitted_at < tan_an.checked_at < tan_an.approved_at
    assert list_of(f, AN_HOA).status == ListStatus.SUBMITTED
    third = SupportList.objects.filter(programme=f).exclude(commune__code__in=[TAN_AN, AN_HOA]).get()
    assert third.status == ListStatus.DRAFT
    assert list_of(w, TAN_AN).status == ListStatus.CHECKED
    assert list_of(w, AN_HOA).status == ListStatus.SUBMITTED
    # Every list has rows; a per-person list names people, a per-household list does not.
    for support_list in SupportList.objects.filter(programme__in=[f, w]):
        entries = support_list.entries.all()
        assert entries.exists()
        assert entries.filter(person__isnull=support_list.programme == f).count() == entries.count()


def test_the_third_wards_food_list_came_through_the_excel_importer(story):
    assert story.imported > 0
    third = SupportList.objects.filter(programme=food()).exclude(commune__code__in=[TAN_AN, AN_HOA]).get()
    entries = list(third.entries.all())
    assert len(entries) == story.imported
    # The importer kept the rows as written (the header wordings of the file) and their Excel row numbers.
    assert all(e.row_number and e.row_number >= 10 for e in entries)
    assert all("Họ tên chủ hộ" in e.written for e in entries)
    # It found the registry's households: the import created none.
    assert {e.household.neighbourhood.parent_id for e in entries} == {third.commune_id}
    assert Household.objects.filter(neighbourhood__parent=third.commune, people__isnull=True).count() == 0


def test_khong_sot_shows_the_planted_omission(story):
    with translation.override("en"):
        missed = list(reports.missed(food(), login("tanan")))
        assert [(h.head_name, h.address) for h in missed] == [(R.OMITTED_HEAD, R.OMITTED_ADDRESS)]
        assert "Elderly living alone" in reports.eligible_for(food(), missed[0])


def test_khong_trung_shows_the_moved_household_across_wards_by_exact_key(story):
    with translation.override("en"):
        groups = reports.duplicates(food(), login("ninhkieu"))
    moved = [g for g in groups if {e.household.head_name for e in g.entries} == {R.MOVED_HEAD}]
    assert len(moved) == 1
    assert {e.support_list.commune.code for e in moved[0].entries} == {TAN_AN, AN_HOA}
    assert "the same citizen ID" in moved[0].reason_text
    # Tân An alone does not see An Hòa's row.
    assert not [g for g in reports.duplicates(food(), login("tanan")) if g.who == R.MOVED_HEAD]


def test_khong_trung_shows_the_worker_registered_twice_as_a_likely_match(story):
    rows = reports.likely_duplicates(workers(), login("tanan"))
    names = [{r["left"].person.full_name, r["right"].person.full_name} for r in rows]
    assert {R.TWICE_NAME, R.TWICE_PLAIN} in names
    assert all(r["left_list"].commune.code == TAN_AN for r in rows)


def test_the_review_queue_has_candidates_and_both_kinds_of_decision(story):
    assert story.candidates > 0 and story.decisions == 2
    assert MatchCandidate.objects.filter(state=MatchState.PENDING).exists()
    same = MatchDecision.objects.get(same=True)
    assert same.decided_by.username == "tanan"
    keys = {same.left_key, same.right_key}
    names = {ListEntry.objects.get(pk=k.split(":")[1]).person.full_name for k in keys}
    assert names == {R.TWICE_NAME, R.TWICE_PLAIN}
    # The namesakes: the same very common name and year of birth, two men of two households.
    different = MatchDecision.objects.get(same=False)
    candidate = MatchCandidate.objects.get(state=MatchState.DIFFERENT)
    assert (candidate.left_key, candidate.right_key) == (different.left_key, different.right_key)
    pair = review.records_of(candidate)
    people = [r.person if isinstance(r, ListEntry) else r for r in pair]
    assert [p.full_name for p in people] == [R.NAMESAKE, R.NAMESAKE]
    assert people[0].household_id != people[1].household_id
    # Decided "not the same": both stay, each on the list once.
    assert Person.objects.filter(full_name=R.NAMESAKE).count() == 2
    # The cross-ward pair waits for the district.
    district = MatchCandidate.objects.filter(unit__code="916")
    assert district.exists()


def test_distributions_follow_the_approved_list_within_the_limit(story):
    f = food()
    rows = Distribution.objects.filter(programme=f)
    approved = list_of(f, TAN_AN)
    assert rows.count() == story.distributions > 0
    assert set(rows.values_list("list_entry__support_list", flat=True)) == {approved.pk}
    per_household = dict(rows.values_list("household").annotate(n=Count("pk")).values_list("household", "n"))
    assert max(per_household.values()) == 2 and min(per_household.values()) == 1
    assert len(per_household) < approved.entries.count()  # a few have not received it yet
    assert all(f.start_date <= d <= TODAY for d in rows.values_list("received_on", flat=True))
    assert not Distribution.objects.filter(programme=workers()).exists()


def test_a_second_run_adds_nothing(story):
    counts = [
        m.objects.count()
        for m in (Person, Household, HouseholdCategory, Programme, SupportList, ListEntry, Distribution, MatchCandidate)
    ]
    with time_machine.travel(MONDAY_0900 + timedelta(hours=1), tick=False):
        again = build_welfare_story(AdminUnit.objects.get(code=CITY), today=TODAY)
    assert not again.created_anything
    assert counts == [
        m.objects.count()
        for m in (Person, Household, HouseholdCategory, Programme, SupportList, ListEntry, Distribution, MatchCandidate)
    ]

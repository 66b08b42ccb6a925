"""From approved requests to a signed decision: propose, swap, substitute, approve, and the daily release."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

from phaodai.accounts.roles import Role
from phaodai.mobilisation import services as S
from phaodai.mobilisation.blocs import split_explanation
from phaodai.mobilisation.models import (
    Assignment,
    AssignmentState,
    DecisionStatus,
    MobilisationDecision,
    RequestStatus,
)
from phaodai.mobilisation.testing import assign, make_decision, make_request
from phaodai.notifications.models import Message
from phaodai.places.models import AgencyKind
from phaodai.staff.models import Skill, StaffStatus
from phaodai.testing import AN_HOA, CITY, TAN_AN, make_agency, make_staff, make_user

START, END = date(2021, 8, 16), date(2021, 8, 29)
BEFORE = date(2021, 8, 12)  # the day the decision is proposed
DURING = date(2021, 8, 18)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def w(world):
    """Sở Tài chính (12 staff, 2 stay in the office → 10 mobilisable, with its head's login) and an approved request
    for 3 people in Tân An and 2 in An Hòa, 16-29/08/2021."""
    finance = make_agency("Sở Tài chính", CITY, AgencyKind.DEPARTMENT, headcount=12, min_in_office=2)
    world.agencies["so_tai_chinh"] = finance
    world.finance = [make_staff(f"Công chức Tài chính {i:02d}", finance) for i in range(12)]
    world.users["thutruong"] = make_user("thutruong", Role.AGENCY_HEAD, agency=finance)
    world.request = make_request(world, {TAN_AN: 3, AN_HOA: 2}, START, END)
    world.ha = world.users["home_affairs"]
    return world


def propose(w):
    return S.propose_decision([w.request], w.ha, BEFORE)


def proposed_people(decision):
    return set(decision.assignments.filter(state=AssignmentState.PROPOSED).values_list("staff__full_name", flat=True))


def outsider(w, decision):
    """A Sở Tài chính person the proposal did not take."""
    taken = set(decision.assignments.values_list("staff_id", flat=True))
    return next(p for p in w.finance if p.pk not in taken)


def approved_elsewhere(w, person, number="12/QĐ-UBND"):
    other = make_request(w, {AN_HOA: 1}, date(2021, 8, 20), date(2021, 9, 2))
    decision = make_decision(w)
    assign(decision, other.targets.get(), person)
    decision.number, decision.status, decision.approved_at = number, DecisionStatus.APPROVED, timezone.now()
    decision.save()
    return decision


# --- proposing ---------------------------------------------------------------------------------------------------


def test_proposing_keeps_the_allocation_as_proposed_places_with_their_reasons(w):
    decision = propose(w)
    assert decision.status == DecisionStatus.PROPOSED
    assert decision.issuing_unit.code == CITY and decision.created_by == w.ha
    assert list(decision.requests.all()) == [w.request]
    rows = list(decision.assignments.select_related("target__commune"))
    assert sorted(r.target.commune.code for r in rows) == sorted([TAN_AN] * 3 + [AN_HOA] * 2)
    for row in rows:
        assert row.state == AssignmentState.PROPOSED
        assert row.agency == w.agencies["so_tai_chinh"] == row.staff.agency
        assert (row.start_date, row.end_date) == (START, END)
        assert row.reasons and all(isinstance(reason, str) for reason in row.reasons)
        assert any("within the quota of Sở Tài chính" in reason for reason in row.reasons)
    assert decision.explanation["demand"] == 5
    [quota] = [q for q in decision.explanation["quotas"] if q["agency_name"] == "Sở Tài chính"]
    assert quota["quota"] == 5 and quota["mobilisable"] == 10


def test_the_why_is_read_in_the_readers_language_whoever_proposed(w):
    """Stored as message ids and parameters: proposed in Vietnamese, read in English (and the other way round)."""
    medical = Skill.objects.get(code="medical")
    w.finance[0].skills.add(medical)
    w.request.required_skills.add(medical)
    with translation.override("vi"):
        decision = propose(w)
    row = decision.assignments.get(staff=w.finance[0])
    assert "has the required skill Medical" in row.reasons
    assert "within the quota of Sở Tài chính (5)" in row.reasons
    with translation.override("vi"):
        vietnamese = row.reasons
    assert f"có kỹ năng bắt buộc {medical.name}" in vietnamese
    assert vietnamese != row.reasons


def test_the_proposed_places_are_in_the_audit_trail(w):
    decision = propose(w)
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Assignment), action=LogEntry.Action.CREATE
    )
    assert sorted(int(e.object_pk) for e in entries) == sorted(decision.assignments.values_list("pk", flat=True))
    assert {e.actor for e in entries} == {w.ha}
    assert all(e.changes_dict["state"] == ["None", "proposed"] for e in entries)


def test_a_request_not_yet_approved_is_not_allocated(w):
    w.request.status = RequestStatus.SUBMITTED
    w.request.save()
    with pytest.raises(ValidationError) as caught:
        propose(w)
    assert caught.value.messages == [
        "“Hỗ trợ lấy mẫu xét nghiệm” is submitted: only approved requests can be allocated."
    ]
    assert not MobilisationDecision.objects.exists()


def test_a_fully_allocated_request_is_refused_until_its_decision_is_cancelled(w):
    first = propose(w)
    with pytest.raises(ValidationError) as caught:
        propose(w)
    assert caught.value.messages == [
        "“Hỗ trợ lấy mẫu xét nghiệm”: every place your bloc must fill is already allocated by earlier decisions."
    ]
    S.cancel_decision(first, w.ha)
    again = propose(w)
    assert again.assignments.filter(state=AssignmentState.PROPOSED).count() == 5
    assert set(first.assignments.values_list("state", flat=True)) == {AssignmentState.WITHDRAWN}


def test_the_party_board_fills_what_home_affairs_left_missing(w):
    """Home Affairs never draws on the Party bloc; the Party Organisation Board's run takes only what is missing."""
    youth = w.agencies["doan_thanh_nien"]  # Thành đoàn: Party bloc, 10 must stay in the office
    for i in range(14):
        make_staff(f"Đoàn viên {i:02d}", youth)
    big = make_request(w, {TAN_AN: 9, AN_HOA: 5}, START, END)  # 14 wanted; Sở Tài chính can spare 10
    government = S.propose_decision([big], w.ha, BEFORE)
    assert government.assignments.count() == 10
    assert set(government.assignments.values_list("agency__bloc", flat=True)) == {"government"}
    party = S.propose_decision([big], w.users["party_board"], BEFORE)
    assert party.assignments.count() == 4
    assert set(party.assignments.values_list("agency", flat=True)) == {youth.pk}
    with pytest.raises(ValidationError, match="already allocated"):
        S.propose_decision([big], w.users["party_board"], BEFORE)


def test_each_bloc_fills_its_share_in_proportion_to_its_pool(w):
    """Seed 000: both blocs give in proportion to their size. Approval splits each commune between the government
    bloc (Home Affairs' run) and the Party bloc (the Party Organisation Board's run) by their mobilisable pools."""
    youth = w.agencies["doan_thanh_nien"]  # Thành đoàn: Party bloc, 10 must stay in the office
    for i in range(15):
        make_staff(f"Đoàn viên {i:02d}", youth)  # 5 mobilisable, beside Sở Tài chính's 10
    request = make_request(w, {TAN_AN: 6, AN_HOA: 3}, START, END, status=RequestStatus.SUBMITTED)
    S.decide_request(request, w.ha, True, today=BEFORE)
    request.refresh_from_db()
    assert request.bloc_pools == {"government": 10, "party": 5}
    # 9 × 5/15 = 3 for the Party bloc, spread 6:3 over the communes → 2 + 1.
    assert {t.commune.code: t.party_share for t in request.targets.all()} == {TAN_AN: 2, AN_HOA: 1}
    assert "9 places split in proportion" in split_explanation(request)

    government = S.propose_decision([request], w.ha, BEFORE)
    rows = government.assignments.select_related("target__commune")
    assert sorted(r.target.commune.code for r in rows) == sorted([TAN_AN] * 4 + [AN_HOA] * 2)
    assert {r.agency.bloc for r in rows} == {"government"}
    with pytest.raises(ValidationError, match="every place your bloc must fill is already allocated"):
        S.propose_decision([request], w.ha, BEFORE)

    party = S.propose_decision([request], w.users["party_board"], BEFORE)
    rows = party.assignments.select_related("target__commune")
    assert sorted(r.target.commune.code for r in rows) == sorted([TAN_AN] * 2 + [AN_HOA])
    assert {r.agency_id for r in rows} == {youth.pk}


def test_a_cancelled_bloc_decision_frees_only_that_blocs_places(w):
    youth = w.agencies["doan_thanh_nien"]
    for i in range(15):
        make_staff(f"Đoàn viên {i:02d}", youth)
    request = make_request(w, {TAN_AN: 6, AN_HOA: 3}, START, END, status=RequestStatus.SUBMITTED)
    S.decide_request(request, w.ha, True, today=BEFORE)
    government = S.propose_decision([request], w.ha, BEFORE)
    S.propose_decision([request], w.users["party_board"], BEFORE)
    S.cancel_decision(government, w.ha)
    with pytest.raises(ValidationError, match="already allocated"):
        S.propose_decision([request], w.users["party_board"], BEFORE)
    again = S.propose_decision([request], w.ha, BEFORE)
    assert again.assignments.count() == 6


def test_an_empty_pool_is_said_plainly(world):
    request = make_request(world, {TAN_AN: 2}, START, END)
    with pytest.raises(ValidationError) as caught:
        S.propose_decision([request], world.users["home_affairs"], BEFORE)
    assert caught.value.code == "pool_empty"
    assert not MobilisationDecision.objects.exists()


def test_health_does_not_allocate(w):
    with pytest.raises(PermissionDenied):
        S.propose_decision([w.request], w.users["health"], BEFORE)


# --- swapping ------------------------------------------------------------------------------------------------------


def test_home_affairs_swaps_in_someone_from_the_pool(w):
    decision = propose(w)
    place = decision.assignments.first()
    old, new = place.staff, outsider(w, decision)
    S.swap_person(place, new, w.ha)
    place.refresh_from_db()
    assert place.staff == new and place.state == AssignmentState.PROPOSED
    assert place.reasons == [f"Chosen by home_affairs in place of {old}."]
    entry = LogEntry.objects.get_for_object(place).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == w.ha and entry.changes_dict["staff"] == [str(old.pk), str(new.pk)]


def test_a_person_on_leave_cannot_be_swapped_in(w):
    decision = propose(w)
    person = outsider(w, decision)
    person.status = StaffStatus.ON_LEAVE
    person.save()
    place = decision.assignments.first()
    with pytest.raises(ValidationError) as caught:
        S.swap_person(place, person, w.ha)
    assert caught.value.messages == [f"{person} is on leave."]
    place.refresh_from_db()
    assert place.staff != person


def test_the_newcomer_needs_the_required_skills(w):
    decision = propose(w)
    w.request.required_skills.add(Skill.objects.get(code="medical"))
    person = outsider(w, decision)
    with pytest.raises(ValidationError) as caught:
        S.swap_person(decision.assignments.first(), person, w.ha)
    assert caught.value.messages == [f"{person} lacks the required skill {Skill.objects.get(code='medical')}."]


def test_someone_mobilised_in_an_overlapping_period_cannot_be_swapped_in(w):
    decision = propose(w)
    person = outsider(w, decision)
    approved_elsewhere(w, person)
    with pytest.raises(ValidationError) as caught:
        S.swap_person(decision.assignments.first(), person, w.ha)
    assert caught.value.messages == [
        f"{person} is already mobilised from 20/08/2021 to 02/09/2021 by decision 12/QĐ-UBND."
    ]


def test_home_affairs_cannot_swap_in_the_party_bloc(w):
    decision = propose(w)
    youth = make_staff("Đoàn viên Thành đoàn", w.agencies["doan_thanh_nien"])
    with pytest.raises(PermissionDenied) as caught:
        S.swap_person(decision.assignments.first(), youth, w.ha)
    assert "only the Party Organisation Board mobilises its staff" in str(caught.value)


def test_a_swap_never_takes_an_agency_below_its_in_office_minimum(w):
    decision = propose(w)
    # Phường Tân An's committee has 2 staff and must keep 8 in the office: nobody to spare.
    with pytest.raises(ValidationError) as caught:
        S.swap_person(decision.assignments.first(), w.staff["dat"], w.ha)
    [message] = caught.value.messages
    assert message.startswith("Ủy ban nhân dân Phường Tân An cannot spare another person: 0 can be mobilised (")


def test_people_of_an_approved_decision_are_not_swapped(w):
    decision = propose(w)
    S.approve_decision(decision, w.ha, "125/QĐ-UBND", "Trần Việt Trường", "Chủ tịch", today=BEFORE)
    with pytest.raises(ValidationError) as caught:
        S.swap_person(decision.assignments.first(), outsider(w, decision), w.ha)
    assert caught.value.code == "decision_closed"


# --- substituting --------------------------------------------------------------------------------------------------


def test_an_agency_head_substitutes_one_of_their_own_with_a_reason(w):
    decision = propose(w)
    place = decision.assignments.first()
    new = outsider(w, decision)
    created = S.substitute(place, new, w.users["thutruong"], "Đang chăm con nhỏ")
    place.refresh_from_db()
    assert place.state == AssignmentState.WITHDRAWN
    assert created.staff == new and created.state == AssignmentState.PROPOSED
    assert created.substitutes == place and created.substitution_reason == "Đang chăm con nhỏ"
    assert created.target == place.target and (created.start_date, created.end_date) == (START, END)
    assert LogEntry.objects.get_for_object(created).get().actor == w.users["thutruong"]
    assert new.full_name in proposed_people(decision) and place.staff.full_name not in proposed_people(decision)


def test_a_substitution_needs_a_reason_and_saves_nothing_without_one(w):
    decision = propose(w)
    place = decision.assignments.first()
    with pytest.raises(ValidationError) as caught:
        S.substitute(place, outsider(w, decision), w.users["thutruong"], "  ")
    assert caught.value.message_dict == {"reason": [f"Say why {place.staff} is substituted."]}
    place.refresh_from_db()
    assert place.state == AssignmentState.PROPOSED


def test_an_agency_head_substitutes_only_with_their_own_staff(w):
    decision = propose(w)
    with pytest.raises(PermissionDenied):
        S.substitute(decision.assignments.first(), w.staff["hoa"], w.users["thutruong"], "ốm")


def test_another_agencys_head_cannot_touch_the_place(w):
    decision = propose(w)
    head = make_user("thutruong_y_te", Role.AGENCY_HEAD, agency=w.agencies["so_y_te"])
    with pytest.raises(PermissionDenied):
        S.substitute(decision.assignments.first(), outsider(w, decision), head, "ốm")


def test_home_affairs_does_not_substitute(w):
    decision = propose(w)
    with pytest.raises(PermissionDenied):
        S.substitute(decision.assignments.first(), outsider(w, decision), w.ha, "ốm")


# --- approving -----------------------------------------------------------------------------------------------------


def test_approval_mobilises_the_people_and_notifies_them_and_their_agency_head(w):
    decision = propose(w)
    S.approve_decision(decision, w.ha, "5/QĐ-UBND", "Trần Việt Trường", "KT. Chủ tịch\nPhó Chủ tịch", today=DURING)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.APPROVED
    assert decision.number == "05/QĐ-UBND"  # zero-padded below 10, as the clerical rules write it
    assert (decision.signer_name, decision.signer_title) == ("Trần Việt Trường", "KT. Chủ tịch\nPhó Chủ tịch")
    assert decision.approved_by == w.ha and decision.approved_at is not None
    rows = list(decision.assignments.select_related("staff"))
    assert {r.state for r in rows} == {AssignmentState.APPROVED}
    assert {r.staff.status for r in rows} == {StaffStatus.MOBILISED}
    people = Message.objects.filter(recipient_staff__in=[r.staff for r in rows])
    assert people.count() == 5
    assert Message.objects.filter(recipient_user=w.users["thutruong"]).count() == 1
    approvals = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Assignment), action=LogEntry.Action.UPDATE
    )
    assert approvals.count() == 5 and {e.actor for e in approvals} == {w.ha}


def test_people_approved_for_a_later_period_become_mobilised_on_its_first_day(w):
    decision = propose(w)
    S.approve_decision(decision, w.ha, "125/QĐ-UBND", "Trần Việt Trường", "Chủ tịch", today=BEFORE)
    staff = [r.staff for r in decision.assignments.select_related("staff")]
    assert {p.status for p in staff} == {StaffStatus.AVAILABLE}
    assert S.start_due(date(2021, 8, 15)) == 0
    assert S.start_due(START) == 5
    assert set(decision.assignments.values_list("staff__status", flat=True)) == {StaffStatus.MOBILISED}
    assert S.start_due(START) == 0  # the second run of the day changes nothing


def test_approving_twice_is_refused(w):
    decision = propose(w)
    S.approve_decision(decision, w.ha, "125/QĐ-UBND", "Trần Việt Trường", "Chủ tịch", today=BEFORE)
    with pytest.raises(ValidationError) as caught:
        S.approve_decision(decision, w.ha, "126/QĐ-UBND", "Trần Việt Trường", "Chủ tịch", today=BEFORE)
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert caught.value.messages == [f"This decision was already approved as 125/QĐ-UBND on {today}."]
    decision.refresh_from_db()
    assert decision.number == "125/QĐ-UBND"
    assert Message.objects.filter(recipient_user=w.users["thutruong"]).count() == 1


@pytest.mark.parametrize(
    "written, kept",
    [
        ("Số: 5/QĐ-UBND", "05/QĐ-UBND"),
        ("125 / QĐ-UBND", "125/QĐ-UBND"),
        ("18-QĐ/BTCTU", "18-QĐ/BTCTU"),
        ("7-QĐ/TU", "07-QĐ/TU"),
    ],
)
def test_state_and_party_numbering_are_both_accepted(written, kept):
    assert S.normalise_decision_number(written) == kept


def test_the_number_must_look_like_one_and_be_free_this_year(w):
    decision = propose(w)
    with pytest.raises(ValidationError) as caught:
        S.approve_decision(decision, w.ha, "125-QĐ", "", "Chủ tịch", today=BEFORE)
    assert caught.value.message_dict == {
        "number": ["Write the number and symbol as on the document, e.g. 125/QĐ-UBND or 18-QĐ/BTCTU."],
        "signer_name": ["Enter the full name of the person who signs."],
    }
    approved_elsewhere(w, w.finance[0], number="125/QĐ-UBND")
    with pytest.raises(ValidationError) as caught:
        S.approve_decision(decision, w.ha, "125/QĐ-UBND", "Trần Việt Trường", "Chủ tịch", today=BEFORE)
    assert caught.value.message_dict["number"] == [
        "Number 125/QĐ-UBND is already used this year by another decision of Thành phố Cần Thơ."
    ]


def test_someone_who_went_on_leave_since_the_proposal_stops_the_approval(w):
    decision = propose(w)
    person = decision.assignments.first().staff
    person.status = StaffStatus.ON_LEAVE
    person.save()
    with pytest.raises(ValidationError) as caught:
        S.approve_decision(decision, w.ha, "125/QĐ-UBND", "Trần Việt Trường", "Chủ tịch", today=DURING)
    assert caught.value.messages == [f"{person} is on leave: swap or substitute them first."]
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PROPOSED and decision.number == ""
    assert set(decision.assignments.values_list("state", flat=True)) == {AssignmentState.PROPOSED}
    assert not Message.objects.exists()


def test_an_overlapping_mobilisation_is_refused_by_the_database_naming_the_person(w):
    """The service does not look first: the database's rule is what refuses, on SQLite (trigger) and PostgreSQL."""
    decision = propose(w)
    person = decision.assignments.order_by("pk").first().staff
    approved_elsewhere(w, person, number="12/QĐ-UBND")
    with pytest.raises(ValidationError) as caught:
        S.approve_decision(decision, w.ha, "125/QĐ-UBND", "Trần Việt Trường", "Chủ tịch", today=DURING)
    assert {error.code for error in caught.value.error_list} == {"overlap"}
    assert caught.value.messages == [
        f"{person} is already mobilised from 20/08/2021 to 02/09/2021 by decision 12/QĐ-UBND."
    ]
    # nothing half-saved: the other four are still only proposed, nobody's status changed, nobody notified
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PROPOSED
    assert set(decision.assignments.values_list("state", flat=True)) == {AssignmentState.PROPOSED}
    assert set(decision.assignments.values_list("staff__status", flat=True)) == {StaffStatus.AVAILABLE}
    assert not Message.objects.exists()


def test_home_affairs_cannot_approve_party_bloc_people(w):
    decision = make_decision(w)
    youth = make_staff("Đoàn viên Thành đoàn", w.agencies["doan_thanh_nien"])
    assign(decision, w.request.targets.first(), youth, state=AssignmentState.PROPOSED)
    with pytest.raises(ValidationError) as caught:
        S.approve_decision(decision, w.ha, "125/QĐ-UBND", "Trần Việt Trường", "Chủ tịch", today=BEFORE)
    assert caught.value.messages == [
        "Thành đoàn Cần Thơ is not of your bloc: its staff are mobilised by another decision."
    ]


def test_a_commune_cannot_approve(w):
    decision = propose(w)
    with pytest.raises(PermissionDenied):
        S.approve_decision(decision, w.users["tan_an"], "125/QĐ-UBND", "A", "Chủ tịch", today=BEFORE)


# --- the daily release ---------------------------------------------------------------------------------------------


@pytest.fixture
def approved(w):
    decision = propose(w)
    S.approve_decision(decision, w.ha, "125/QĐ-UBND", "Trần Việt Trường", "Chủ tịch", today=DURING)
    return decision


def test_people_are_released_the_day_after_their_period(w, approved):
    assert S.release_ended(END) == 0  # the last day is still a working day of the mobilisation
    assert S.release_ended(date(2021, 8, 30)) == 5
    assert set(approved.assignments.values_list("state", flat=True)) == {AssignmentState.RELEASED}
    assert set(approved.assignments.values_list("staff__status", flat=True)) == {StaffStatus.AVAILABLE}
    assert S.release_ended(date(2021, 8, 30)) == 0


def test_release_keeps_mobilised_whoever_has_another_current_mobilisation_and_leaves_others_alone(w, approved):
    rows = list(approved.assignments.select_related("staff").order_by("pk"))
    again, on_leave = rows[0].staff, rows[1].staff
    later = make_request(w, {AN_HOA: 1}, date(2021, 8, 30), date(2021, 9, 10))
    second = make_decision(w)
    assign(second, later.targets.get(), again)
    on_leave.status = StaffStatus.ON_LEAVE
    on_leave.save()
    picked = set(approved.assignments.values_list("staff_id", flat=True))
    by_hand = next(p for p in reversed(w.finance) if p.pk not in picked)  # someone this system did not mobilise
    by_hand.refresh_from_db()
    if by_hand.status != StaffStatus.MOBILISED:  # mobilised outside this system: no assignment here
        by_hand.status = StaffStatus.MOBILISED
        by_hand.save()
    S.release_ended(date(2021, 8, 31))
    again.refresh_from_db()
    on_leave.refresh_from_db()
    by_hand.refresh_from_db()
    assert again.status == StaffStatus.MOBILISED
    assert on_leave.status == StaffStatus.ON_LEAVE
    assert by_hand.status == StaffStatus.MOBILISED


def test_the_daily_command_releases_and_starts(w, approved):
    out = StringIO()
    call_command("release_ended_mobilisations", "--date", "30/08/2021", stdout=out)
    assert out.getvalue().strip() == "30/08/2021: 5 assignment(s) released, 0 person(s) starting their mobilisation."
    assert set(approved.assignments.values_list("staff__status", flat=True)) == {StaffStatus.AVAILABLE}

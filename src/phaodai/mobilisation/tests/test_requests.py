"""Health and districts propose staffing requests; Home Affairs approves (possibly fewer people) or rejects them."""

from __future__ import annotations

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from phaodai.mobilisation import services as S
from phaodai.mobilisation.models import RequestStatus, RequestTarget, StaffingRequest, Task
from phaodai.notifications.models import Message
from phaodai.places.models import AgencyKind
from phaodai.testing import AN_HOA, CITY, NINH_KIEU, TAN_AN, TRA_NOC, make_agency, make_staff, unit

START, END = date(2021, 8, 16), date(2021, 8, 29)
TODAY = date(2021, 8, 12)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def pool(world):
    """Sở Tài chính: 12 staff, 2 must stay in the office → 10 mobilisable (the world's own agencies have none)."""
    agency = make_agency("Sở Tài chính", CITY, AgencyKind.DEPARTMENT, headcount=12, min_in_office=2)
    for i in range(12):
        make_staff(f"Công chức Tài chính {i:02d}", agency)
    return agency


def new_request(w, by="health", targets=None, **overrides):
    fields = dict(
        title="Hỗ trợ lấy mẫu xét nghiệm",
        task=Task.SAMPLING,
        start_date=START,
        end_date=END,
        targets=targets if targets is not None else {TAN_AN: 3, AN_HOA: 2},
    )
    fields.update(overrides)
    return S.create_request(w.users[by], **fields)


def messages_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- proposing ---------------------------------------------------------------------------------------------------


def test_health_proposes_a_draft_for_communes_of_the_city_with_skills(world):
    request = new_request(world, required_skills=["medical"], preferred_skills=["driving", "medical"])
    assert request.status == RequestStatus.DRAFT
    assert request.origin_unit == unit(CITY)
    assert request.requested_by == world.users["health"]
    assert {(t.commune.code, t.people_requested) for t in request.targets.all()} == {(TAN_AN, 3), (AN_HOA, 2)}
    assert [s.code for s in request.required_skills.all()] == ["medical"]
    # a required skill is not also "preferred"
    assert [s.code for s in request.preferred_skills.all()] == ["driving"]


def test_every_new_request_and_target_is_in_the_audit_trail_with_the_proposer(world):
    request = new_request(world)
    entry = LogEntry.objects.get_for_object(request).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == world.users["health"]
    targets = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(RequestTarget))
    assert targets.count() == 2
    assert {e.actor for e in targets} == {world.users["health"]}


def test_a_district_proposes_for_its_own_communes_only(world):
    request = new_request(world, by="ninh_kieu", targets={TAN_AN: 4})
    assert request.origin_unit == unit(NINH_KIEU)
    with pytest.raises(ValidationError) as caught:
        new_request(world, by="ninh_kieu", targets={TRA_NOC: 4})
    assert "Phường Trà Nóc is not in Quận Ninh Kiều" in messages_of(caught.value)
    assert not StaffingRequest.objects.filter(targets__commune__code=TRA_NOC).exists()


def test_reversed_dates_are_refused_with_both_dates_named(world):
    with pytest.raises(ValidationError) as caught:
        new_request(world, start_date=END, end_date=START)
    assert caught.value.message_dict["end_date"] == ["The period ends (16/08/2021) before it starts (29/08/2021)."]
    assert not StaffingRequest.objects.exists()


def test_zero_people_for_a_commune_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        new_request(world, targets={TAN_AN: 0, AN_HOA: 2})
    assert caught.value.message_dict["targets"] == ["Phường Tân An: ask for at least one person."]
    assert not StaffingRequest.objects.exists()


def test_an_unknown_commune_and_a_district_are_refused_as_targets(world):
    with pytest.raises(ValidationError) as caught:
        new_request(world, targets={"99999": 2, NINH_KIEU: 3, TAN_AN: 1})
    assert caught.value.message_dict["targets"] == [
        "There is no commune “99999”.",
        "Quận Ninh Kiều is not a commune: ask for people commune by commune.",
    ]


def test_a_skill_that_does_not_exist_is_refused_and_the_real_ones_are_listed(world):
    with pytest.raises(ValidationError) as caught:
        new_request(world, required_skills=["medical", "flying"])
    [message] = caught.value.message_dict["required_skills"]
    assert message.startswith("There is no skill “flying”. The skills are: ")
    assert "medical" in message and "driving" in message
    assert not StaffingRequest.objects.exists()


def test_every_problem_is_reported_at_once(world):
    with pytest.raises(ValidationError) as caught:
        new_request(world, title="  ", start_date=END, end_date=START, targets={})
    assert set(caught.value.message_dict) == {"title", "end_date", "targets"}


def test_a_commune_user_may_not_propose(world):
    with pytest.raises(PermissionDenied):
        new_request(world, by="tan_an", targets={TAN_AN: 2})


def test_a_draft_can_be_changed_but_a_submitted_request_cannot(world):
    request = new_request(world)
    S.update_request(request, world.users["health"], targets={TAN_AN: 5}, shift_pattern="07:00-15:00")
    request.refresh_from_db()
    assert [(t.commune.code, t.people_requested) for t in request.targets.all()] == [(TAN_AN, 5)]
    assert request.shift_pattern == "07:00-15:00"
    assert request.title == "Hỗ trợ lấy mẫu xét nghiệm"  # not given: unchanged
    S.submit_request(request, world.users["health"])
    with pytest.raises(ValidationError) as caught:
        S.update_request(request, world.users["health"], targets={TAN_AN: 9})
    assert caught.value.code == "not_draft"


# --- submitting ----------------------------------------------------------------------------------------------------


def test_submitting_moves_a_draft_on_once(world):
    request = new_request(world)
    S.submit_request(request, world.users["health"])
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED and request.submitted_at is not None
    with pytest.raises(ValidationError) as caught:
        S.submit_request(request, world.users["health"])
    assert caught.value.messages == ["This request was already submitted (it is submitted)."]


def test_another_district_cannot_submit_a_districts_request(world):
    request = new_request(world, by="ninh_kieu", targets={TAN_AN: 2})
    with pytest.raises(PermissionDenied):
        S.submit_request(request, world.users["binh_thuy"])
    request.refresh_from_db()
    assert request.status == RequestStatus.DRAFT


# --- deciding ------------------------------------------------------------------------------------------------------


@pytest.fixture
def submitted(world, pool):
    return new_request(world, submit=True)


def test_home_affairs_approves_with_a_smaller_number_for_one_commune(world, submitted):
    tan_an = submitted.targets.get(commune__code=TAN_AN)
    S.decide_request(submitted, world.users["home_affairs"], approve=True, numbers={tan_an.pk: 2}, today=TODAY)
    submitted.refresh_from_db()
    assert submitted.status == RequestStatus.APPROVED
    assert submitted.decided_by == world.users["home_affairs"] and submitted.decided_at is not None
    assert {t.commune.code: t.people_approved for t in submitted.targets.all()} == {TAN_AN: 2, AN_HOA: 2}
    assert submitted.people_approved == 4
    changes = LogEntry.objects.get_for_object(tan_an).filter(action=LogEntry.Action.UPDATE).get()
    assert changes.actor == world.users["home_affairs"]
    assert changes.changes_dict["people_approved"] == ["None", "2"]


def test_the_proposer_is_told_of_the_decision(world, submitted):
    S.decide_request(submitted, world.users["home_affairs"], approve=False, reason="Đã có lực lượng tại chỗ")
    message = Message.objects.get(recipient_user=world.users["health"])
    assert "Đã có lực lượng tại chỗ" in message.body


def test_deciding_twice_is_refused_with_when_and_by_whom(world, submitted):
    S.decide_request(submitted, world.users["home_affairs"], approve=True, today=TODAY)
    with pytest.raises(ValidationError) as caught:
        S.decide_request(submitted, world.users["home_affairs"], approve=False, reason="đổi ý")
    assert caught.value.code == "already_decided"
    assert caught.value.messages[0].startswith("This request was already approved on ")
    assert caught.value.messages[0].endswith(" by home_affairs.")
    submitted.refresh_from_db()
    assert submitted.status == RequestStatus.APPROVED and submitted.rejection_reason == ""


def test_a_draft_cannot_be_decided(world, pool):
    request = new_request(world)
    with pytest.raises(ValidationError) as caught:
        S.decide_request(request, world.users["home_affairs"], approve=True, today=TODAY)
    assert caught.value.code == "not_submitted"


def test_rejecting_needs_a_reason(world, submitted):
    with pytest.raises(ValidationError) as caught:
        S.decide_request(submitted, world.users["home_affairs"], approve=False, reason="   ")
    assert caught.value.message_dict == {"reason": ["Give the reason for rejecting the request."]}
    S.decide_request(submitted, world.users["home_affairs"], approve=False, reason="Trùng đề xuất số 12")
    submitted.refresh_from_db()
    assert submitted.status == RequestStatus.REJECTED
    assert submitted.rejection_reason == "Trùng đề xuất số 12"


def test_health_cannot_decide_its_own_request(world, submitted):
    with pytest.raises(PermissionDenied):
        S.decide_request(submitted, world.users["health"], approve=True, today=TODAY)


def test_approving_more_than_requested_or_a_foreign_commune_saves_nothing(world, submitted):
    tan_an = submitted.targets.get(commune__code=TAN_AN)
    an_hoa = submitted.targets.get(commune__code=AN_HOA)
    with pytest.raises(ValidationError) as caught:
        S.decide_request(
            submitted,
            world.users["home_affairs"],
            approve=True,
            numbers={tan_an.pk: 1, an_hoa.pk: 7, 999999: 1},
            today=TODAY,
        )
    assert caught.value.message_dict["numbers"] == [
        "Phường An Hòa: 7 approved but only 2 requested.",
        "“999999” is not one of this request's communes.",
    ]
    tan_an.refresh_from_db()
    submitted.refresh_from_db()
    assert tan_an.people_approved is None and submitted.status == RequestStatus.SUBMITTED


def test_a_number_larger_than_the_whole_pool_is_refused_with_the_pool_size(world, submitted):
    big = new_request(world, targets={TAN_AN: 40}, submit=True)
    with pytest.raises(ValidationError) as caught:
        S.decide_request(big, world.users["home_affairs"], approve=True, today=TODAY)
    [message] = caught.value.message_dict["numbers"]
    # Sở Tài chính alone has 10 to spare; the world's other agencies are at their in-office minimum.
    assert message.startswith("40 people is more than the whole pool: all agencies together can spare 10 people")
    assert "Approve at most 10." in message
    # approving only what the pool has is fine
    target = big.targets.get()
    S.decide_request(big, world.users["home_affairs"], approve=True, numbers={target.pk: 10}, today=TODAY)


def test_approving_nobody_is_a_rejection_in_disguise(world, submitted):
    numbers = {t.pk: 0 for t in submitted.targets.all()}
    with pytest.raises(ValidationError) as caught:
        S.decide_request(submitted, world.users["home_affairs"], approve=True, numbers=numbers, today=TODAY)
    assert caught.value.message_dict["numbers"] == [
        "Nobody would be approved: reject the request instead, with a reason."
    ]

"""The whole workflow through the pages: Health asks, Home Affairs decides and allocates, an agency head substitutes,
Home Affairs approves, Health forms a delegation and its teams. Bad input comes back as clear messages."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from phaodai.mobilisation.models import (
    Assignment,
    AssignmentState,
    CoordinationTeam,
    DecisionStatus,
    Delegation,
    MobilisationDecision,
    RequestStatus,
    StaffingRequest,
    Task,
    Team,
    TeamMembership,
)
from phaodai.mobilisation.testing import assign, make_decision, make_request
from phaodai.mobilisation.tests.test_views import agency_head, english
from phaodai.places.models import AdminUnit
from phaodai.staff.models import StaffMember, StaffStatus
from phaodai.testing import AN_HOA, CITY, TAN_AN, make_agency, make_staff

START = timezone.localdate() + timedelta(days=1)
END = START + timedelta(days=13)


def d(day) -> str:
    return day.strftime("%d/%m/%Y")


@pytest.fixture
def finance(world):
    """Sở Tài chính: eight people, nobody has to stay in the office, so all eight can be mobilised."""
    agency = make_agency("Sở Tài chính", CITY, headcount=8, min_in_office=0)
    world.agencies["so_tai_chinh"] = agency
    tan_an = AdminUnit.objects.get(code=TAN_AN)
    for i in range(8):
        make_staff(f"Cán bộ Tài chính {i}", agency, phone=f"09000000{i:02d}", home_unit=tan_an if i < 2 else None)
    return agency


def request_form(**overrides) -> dict:
    tan_an, an_hoa = AdminUnit.objects.get(code=TAN_AN), AdminUnit.objects.get(code=AN_HOA)
    data = {
        "title": "Hỗ trợ lấy mẫu đợt 3",
        "task": Task.SAMPLING,
        "task_detail": "",
        "start_date": d(START),
        "end_date": d(END),
        "shift_pattern": "2 ca",
        "targets-TOTAL_FORMS": "3",
        "targets-INITIAL_FORMS": "0",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "500",
        "targets-0-commune": str(tan_an.pk),
        "targets-0-people": "2",
        "targets-1-commune": str(an_hoa.pk),
        "targets-1-people": "2",
        "targets-2-commune": "",
        "targets-2-people": "",
    }
    data.update(overrides)
    return data


def test_health_asks_for_people_and_submits(world, client_for):
    client = client_for(world.users["health"])
    assert client.get(reverse("mobilisation:staffingrequest_add")).status_code == 200
    response = client.post(reverse("mobilisation:staffingrequest_add"), request_form(submit="1"))
    request = StaffingRequest.objects.get(title="Hỗ trợ lấy mẫu đợt 3")
    assert response.status_code == 302 and response.url == request.get_absolute_url()
    assert request.status == RequestStatus.SUBMITTED and request.people_requested == 4
    assert request.requested_by == world.users["health"]


def test_a_draft_can_be_edited_then_submitted(world, client_for):
    client = client_for(world.users["health"])
    client.post(reverse("mobilisation:staffingrequest_add"), request_form(save="1"))
    request = StaffingRequest.objects.get()
    assert request.status == RequestStatus.DRAFT
    edit = reverse("mobilisation:staffingrequest_edit", args=[request.pk])
    page = client.get(edit)
    assert page.status_code == 200 and page.context["formset"].initial[0]["people"] == 2
    client.post(edit, request_form(**{"targets-0-people": "5", "save": "1"}))
    assert request.targets.get(commune__code=TAN_AN).people_requested == 5
    client.post(reverse("mobilisation:staffingrequest_submit", args=[request.pk]))
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED
    # A submitted request is no longer the proposer's to edit.
    assert client.get(edit).status_code == 403


def test_more_communes_adds_rows_and_keeps_what_was_typed(world, client_for):
    response = client_for(world.users["health"]).post(
        reverse("mobilisation:staffingrequest_add"), request_form(more_rows="1")
    )
    assert response.status_code == 200
    formset = response.context["formset"]
    assert len(formset.forms) == 8 and formset.forms[0]["people"].value() == "2"
    assert not StaffingRequest.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"start_date": d(END), "end_date": d(START)}, "before it starts"),
        ({"targets-1-commune": "", "targets-1-people": "", "targets-0-commune": ""}, "Choose the commune"),
        ({"targets-1-commune": lambda: str(AdminUnit.objects.get(code=TAN_AN).pk)}, "named twice"),
        ({"targets-0-people": "0"}, "greater than or equal to 1"),
    ],
)
def test_bad_requests_are_explained_and_nothing_is_saved(world, client_for, overrides, message):
    data = request_form(submit="1")
    data.update({k: v() if callable(v) else v for k, v in overrides.items()})
    response = english(client_for(world.users["health"])).post(reverse("mobilisation:staffingrequest_add"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not StaffingRequest.objects.exists()


def test_a_district_cannot_ask_for_another_districts_commune(world, client_for):
    response = english(client_for(world.users["binh_thuy"])).post(
        reverse("mobilisation:staffingrequest_add"), request_form(submit="1")
    )
    # Tân An is not even offered to Bình Thuỷ: the choice is refused as invalid.
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not StaffingRequest.objects.exists()


def test_communes_and_observers_do_not_propose(world, client_for):
    for who in ("tan_an", "observer", "home_affairs"):
        assert client_for(world.users[who]).get(reverse("mobilisation:staffingrequest_add")).status_code == 403


def submitted(world, client_for) -> StaffingRequest:
    client_for(world.users["health"]).post(reverse("mobilisation:staffingrequest_add"), request_form(submit="1"))
    return StaffingRequest.objects.get()


def test_home_affairs_approves_fewer_people(world, client_for, finance):
    request = submitted(world, client_for)
    url = reverse("mobilisation:staffingrequest_decide", args=[request.pk])
    target = request.targets.get(commune__code=AN_HOA)
    client = english(client_for(world.users["home_affairs"]))
    assert client.get(url).status_code == 200
    response = client.post(url, {"outcome": "approve", f"target_{target.pk}": "1", "reason": ""})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED and request.people_approved == 3
    # Deciding twice is refused with the date and the person.
    again = client.post(url, {"outcome": "reject", "reason": "Thiếu người"})
    assert "already approved" in again.content.decode()


def test_rejecting_needs_a_reason(world, client_for):
    request = submitted(world, client_for)
    response = english(client_for(world.users["home_affairs"])).post(
        reverse("mobilisation:staffingrequest_decide", args=[request.pk]), {"outcome": "reject", "reason": ""}
    )
    assert "Give the reason" in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED


def test_health_cannot_decide_its_own_request(world, client_for):
    request = submitted(world, client_for)
    url = reverse("mobilisation:staffingrequest_decide", args=[request.pk])
    assert client_for(world.users["health"]).post(url, {"outcome": "approve"}).status_code == 403


def approved(world, client_for) -> StaffingRequest:
    request = submitted(world, client_for)
    client_for(world.users["home_affairs"]).post(
        reverse("mobilisation:staffingrequest_decide", args=[request.pk]), {"outcome": "approve"}
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    return request


def proposed(world, client_for) -> MobilisationDecision:
    request = approved(world, client_for)
    response = client_for(world.users["home_affairs"]).post(
        reverse("mobilisation:mobilisationdecision_propose"), {"requests": [request.pk]}
    )
    decision = MobilisationDecision.objects.get()
    assert response.status_code == 302 and response.url == decision.get_absolute_url()
    return decision


def test_home_affairs_proposes_the_people_and_sees_why(world, client_for, finance):
    request = approved(world, client_for)
    client = english(client_for(world.users["home_affairs"]))
    page = client.get(reverse("mobilisation:mobilisationdecision_propose"), {"requests": request.pk})
    assert page.status_code == 200 and page.context["form"].initial["requests"] == [str(request.pk)]
    client.post(reverse("mobilisation:mobilisationdecision_propose"), {"requests": [request.pk]})
    decision = MobilisationDecision.objects.get()
    assert decision.status == DecisionStatus.PROPOSED and decision.assignments.count() == 4
    html = client.get(decision.get_absolute_url()).content.decode()
    assert "Sở Tài chính" in html and "How many from each agency" in html
    people = client.get(reverse("mobilisation:assignment_list"), {"decision": decision.pk}).content.decode()
    assert "lives in the target commune" in people


def test_a_request_already_in_a_decision_is_not_offered_again(world, client_for, finance):
    decision = proposed(world, client_for)
    form = client_for(world.users["home_affairs"]).get(reverse("mobilisation:mobilisationdecision_propose"))
    assert list(form.context["form"].fields["requests"].queryset) == []
    assert decision.requests.count() == 1


def test_health_cannot_allocate(world, client_for):
    assert (
        client_for(world.users["health"]).get(reverse("mobilisation:mobilisationdecision_propose")).status_code == 403
    )


def test_the_party_board_may_allocate(world, client_for):
    assert (
        client_for(world.users["party_board"]).get(reverse("mobilisation:mobilisationdecision_propose")).status_code
        == 200
    )


def test_home_affairs_swaps_a_person_for_a_colleague(world, client_for, finance):
    decision = proposed(world, client_for)
    place = decision.assignments.order_by("pk").first()
    url = reverse("mobilisation:assignment_swap", args=[place.pk])
    client = client_for(world.users["home_affairs"])
    page = client.get(url)
    colleagues = list(page.context["form"].fields["same_agency"].queryset)
    assert colleagues and all(c.agency_id == finance.pk for c in colleagues)
    assert not set(decision.assignments.values_list("staff_id", flat=True)) & {c.pk for c in colleagues}
    response = client.post(url, {"same_agency": colleagues[0].pk, "other": ""})
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.staff == colleagues[0]


def test_a_swap_by_phone_to_someone_on_leave_is_refused(world, client_for, finance):
    decision = proposed(world, client_for)
    place = decision.assignments.order_by("pk").first()
    world.staff["lan"].status = StaffStatus.ON_LEAVE
    world.staff["lan"].phone = "0911222333"
    world.staff["lan"].save()
    response = english(client_for(world.users["home_affairs"])).post(
        reverse("mobilisation:assignment_swap", args=[place.pk]), {"same_agency": "", "other": "0911 222 333"}
    )
    assert response.status_code == 200 and "on leave" in response.content.decode()
    place.refresh_from_db()
    assert place.staff.agency == finance


def test_the_swap_and_substitute_lists_offer_only_people_the_service_would_accept(world, client_for, finance):
    decision = proposed(world, client_for)
    place = decision.assignments.order_by("pk").first()
    request = place.target.request
    free = StaffMember.objects.filter(agency=finance).exclude(assignments__decision=decision).order_by("pk")
    assert free.count() == 4
    vaccinated, unvaccinated, busy, ok = free
    StaffMember.objects.filter(pk__in=[vaccinated.pk, busy.pk, ok.pk]).update(vaccination_status="full")
    request.vaccinated_only = True
    request.save()
    # `busy` is already mobilised by another decision for an overlapping period (still marked available).
    other = make_request(world, {AN_HOA: 1}, place.start_date, place.end_date)
    assign(make_decision(world), other.targets.get(), busy)
    swap = client_for(world.users["home_affairs"]).get(reverse("mobilisation:assignment_swap", args=[place.pk]))
    assert set(swap.context["form"].fields["same_agency"].queryset) == {vaccinated, ok}
    head = client_for(agency_head(world, "so_tai_chinh"))
    sub = head.get(reverse("mobilisation:assignment_substitute", args=[place.pk]))
    assert set(sub.context["form"].fields["person"].queryset) == {vaccinated, ok}


def test_a_substitution_reason_shows_once_and_the_withdrawn_place_is_not_counted(world, client_for, finance):
    decision = proposed(world, client_for)
    place = decision.assignments.order_by("pk").first()
    head = english(client_for(agency_head(world, "so_tai_chinh")))
    url = reverse("mobilisation:assignment_substitute", args=[place.pk])
    colleague = head.get(url).context["form"].fields["person"].queryset.first()
    head.post(url, {"person": colleague.pk, "reason": "Trực cơ quan tuần này"})
    home_affairs = english(client_for(world.users["home_affairs"]))
    people = home_affairs.get(reverse("mobilisation:assignment_list"), {"decision": decision.pk})
    html = people.content.decode()
    # Once in the phone card's why list and once in the wide table's "Why" column (one of them is hidden).
    assert html.count("Trực cơ quan tuần này") == 2 and "Instead of" not in html
    # The list counts the people the decision page counts: the withdrawn place is one filter away.
    page = home_affairs.get(decision.get_absolute_url())
    assert people.context["paginator"].count == page.context["people_count"] == 4
    assert "1 withdrawn not counted" in html
    withdrawn = home_affairs.get(
        reverse("mobilisation:assignment_list"), {"decision": decision.pk, "state": "withdrawn"}
    )
    assert [a.pk for a in withdrawn.context["object_list"]] == [place.pk]


def test_swap_and_substitute_are_44_pixel_buttons(world, client_for, finance):
    decision = proposed(world, client_for)
    place = decision.assignments.order_by("pk").first()
    html = (
        client_for(world.users["home_affairs"])
        .get(reverse("mobilisation:assignment_list"), {"decision": decision.pk})
        .content.decode()
    )
    assert f'class="button secondary" href="{reverse("mobilisation:assignment_swap", args=[place.pk])}"' in html
    # `table.list td a` makes links 24 px tall: buttons in a cell need their own rule to stay tap-sized.
    css = (Path(settings.BASE_DIR) / "core/static/phaodai/app.css").read_text()
    assert re.search(r"table\.list td a\.button \{[^}]*min-height: var\(--tap\)", css)


def test_the_agency_head_substitutes_one_of_their_own_with_a_reason(world, client_for, finance):
    decision = proposed(world, client_for)
    place = decision.assignments.order_by("pk").first()
    head = agency_head(world, "so_tai_chinh")
    client = client_for(head)
    people = client.get(reverse("mobilisation:assignment_list"), {"decision": decision.pk})
    assert reverse("mobilisation:assignment_substitute", args=[place.pk]) in people.content.decode()
    page = client.get(reverse("mobilisation:assignment_substitute", args=[place.pk]))
    colleague = page.context["form"].fields["person"].queryset.first()
    response = client.post(
        reverse("mobilisation:assignment_substitute", args=[place.pk]),
        {"person": colleague.pk, "reason": "Trực cơ quan tuần này"},
    )
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.state == AssignmentState.WITHDRAWN
    new = Assignment.objects.get(substitutes=place)
    assert new.staff == colleague and new.substitution_reason == "Trực cơ quan tuần này"


def test_another_agencys_head_cannot_reach_the_place(world, client_for, finance):
    decision = proposed(world, client_for)
    place = decision.assignments.order_by("pk").first()
    client = client_for(agency_head(world, "so_noi_vu"))
    assert client.get(reverse("mobilisation:assignment_substitute", args=[place.pk])).status_code == 404


def test_approving_mobilises_the_people_and_twice_is_refused(world, client_for, finance):
    decision = proposed(world, client_for)
    client = english(client_for(world.users["home_affairs"]))
    url = reverse("mobilisation:mobilisationdecision_approve", args=[decision.pk])
    form = {"number": "125/QĐ-UBND", "signer_name": "Trần Việt Trường", "signer_title": "KT. CHỦ TỊCH"}
    response = client.post(url, form)
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.APPROVED and decision.number == "125/QĐ-UBND"
    assert set(decision.assignments.values_list("state", flat=True)) == {AssignmentState.APPROVED}
    again = client.post(url, form)
    assert "already approved as 125/QĐ-UBND" in again.content.decode()


def test_a_wrong_decision_number_is_explained(world, client_for, finance):
    decision = proposed(world, client_for)
    response = english(client_for(world.users["home_affairs"])).post(
        reverse("mobilisation:mobilisationdecision_approve", args=[decision.pk]),
        {"number": "số một trăm", "signer_name": "A", "signer_title": "B"},
    )
    assert "e.g. 125/QĐ-UBND" in response.content.decode()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PROPOSED


def test_a_proposal_is_cancelled_only_after_confirming(world, client_for, finance):
    decision = proposed(world, client_for)
    client = english(client_for(world.users["home_affairs"]))
    url = reverse("mobilisation:mobilisationdecision_cancel", args=[decision.pk])
    # The decision page links to the question; it does not cancel in one tap.
    page = client.get(decision.get_absolute_url()).content.decode()
    assert f'href="{url}"' in page and f'action="{url}"' not in page
    question = client.get(url)
    assert question.status_code == 200 and "Cancel this proposal?" in question.content.decode()
    assert "proposes 4 people" in question.content.decode()
    # A bare POST (no confirmation) is sent to the question and changes nothing.
    bare = client.post(url)
    assert bare.status_code == 302 and bare.url == url
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PROPOSED
    client.post(url, {"confirm": "yes"})
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.CANCELLED


def test_the_approve_form_stays_at_the_end_of_the_decision_page(world, client_for, finance):
    decision = proposed(world, client_for)
    html = english(client_for(world.users["home_affairs"])).get(decision.get_absolute_url()).content.decode()
    assert html.index("How many from each agency") < html.index('id="approve"') < html.index("Cancel this proposal")


def test_agencies_that_give_nobody_fold_away_on_the_decision_page(world, client_for, finance):
    decision = proposed(world, client_for)
    quotas = decision.explanation["quotas"]
    givers = [q for q in quotas if q["quota"]]
    idle = [q for q in quotas if not q["quota"]]
    assert givers and idle  # the test world has agencies with nothing to spare
    response = english(client_for(world.users["home_affairs"])).get(decision.get_absolute_url())
    html = response.content.decode()
    assert response.context["quotas_given"] == givers and response.context["quotas_none"] == idle
    table, folded = html.split('<details class="quotas-none"', 1)
    assert "Sở Tài chính" in table.split("How many from each agency", 1)[1]
    label = f"{len(idle)} agencies gave nobody — show" if len(idle) > 1 else "1 agency gave nobody — show"
    assert label in folded
    for q in idle:
        assert q["agency_name"] not in table.split("How many from each agency", 1)[1]


def test_an_agency_head_is_told_the_figures_are_their_agencys_part(world, client_for, finance):
    decision = proposed(world, client_for)
    mine = decision.assignments.filter(agency=finance).count()
    response = english(client_for(agency_head(world, "so_tai_chinh"))).get(decision.get_absolute_url())
    html = response.content.decode()
    assert f"Only your agency's people are shown: {mine} of them in this decision" in html
    assert "From your agency" in html and "Wanted (all agencies)" in html
    # No decision-wide shortfall beside their part, and no empty "Requests: —".
    assert ">Short<" not in html and "Demand exceeds the pool" not in html
    assert "<dt>Requests</dt>" not in html
    # The issuer still sees the whole decision.
    issuer = english(client_for(world.users["home_affairs"])).get(decision.get_absolute_url()).content.decode()
    assert "Only your agency's people are shown" not in issuer and ">Short<" in issuer


def approved_decision(world, client_for) -> MobilisationDecision:
    decision = proposed(world, client_for)
    client_for(world.users["home_affairs"]).post(
        reverse("mobilisation:mobilisationdecision_approve", args=[decision.pk]),
        {"number": "125/QĐ-UBND", "signer_name": "Trần Việt Trường", "signer_title": "KT. CHỦ TỊCH"},
    )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.APPROVED
    return decision


def test_health_forms_a_delegation_with_teams_and_moves_a_member(world, client_for, finance):
    decision = approved_decision(world, client_for)
    CoordinationTeam.objects.create(name="Tổ Điều phối", unit=AdminUnit.objects.get(code=CITY))
    tan_an_people = list(
        StaffMember.objects.filter(assignments__decision=decision, assignments__target__commune__code=TAN_AN)
    )
    client = english(client_for(world.users["health"]))
    head = tan_an_people[0]
    response = client.post(
        f"{reverse('mobilisation:delegation_add')}?decision={decision.pk}",
        {
            "name": "Đoàn công tác số 1",
            "kind": "work",
            "decision": decision.pk,
            "target_unit": AdminUnit.objects.get(code=TAN_AN).pk,
            "coordination_team": CoordinationTeam.objects.get().pk,
            "start_date": d(START),
            "end_date": d(END),
            "head": head.phone,
            "deputies": "",
            "headquarters_address": "số 1 Ngô Quyền",
            "hotline": "0292 3821 000",
        },
    )
    delegation = Delegation.objects.get()
    assert response.status_code == 302 and response.url == delegation.get_absolute_url()
    assert delegation.head == head and delegation.hotline == "02923821000"

    leader = tan_an_people[1]
    response = client.post(
        reverse("mobilisation:team_add", args=[delegation.pk]),
        {"name": "Tổ 1", "task": "sampling", "leader": leader.pk},
    )
    team_1 = Team.objects.get(name="Tổ 1")
    assert response.status_code == 302 and team_1.leader == leader
    client.post(
        reverse("mobilisation:team_add", args=[delegation.pk]),
        {"name": "Tổ 2", "task": "data_entry", "leader": head.pk},
    )
    team_2 = Team.objects.get(name="Tổ 2")

    # Moving the head of team 2 is refused (a leader cannot leave); nobody else is free in Tân An: check the list.
    add_page = client.get(reverse("mobilisation:team_member_add", args=[team_1.pk]))
    assert list(add_page.context["form"].fields["people"].queryset) == []
    move = reverse("mobilisation:membership_move", args=[team_2.pk, head.pk])
    refused = client.post(move, {"to_team": team_1.pk, "day": d(START + timedelta(days=2))})
    assert "name another leader first" in refused.content.decode()
    assert TeamMembership.objects.get(staff=head, left_on__isnull=True).team == team_2


def test_a_new_delegation_takes_the_decisions_dates_and_its_teams_the_requests_task(world, client_for, finance):
    decision = approved_decision(world, client_for)
    CoordinationTeam.objects.create(name="Tổ Điều phối", unit=AdminUnit.objects.get(code=CITY))
    head = StaffMember.objects.filter(assignments__decision=decision).first()
    client = english(client_for(world.users["health"]))
    form = {
        "name": "Đoàn công tác số 1",
        "kind": "work",
        "decision": decision.pk,
        "target_unit": AdminUnit.objects.get(code=TAN_AN).pk,
        "coordination_team": CoordinationTeam.objects.get().pk,
        "start_date": "",
        "end_date": "",
        "head": head.phone,
    }
    response = client.post(reverse("mobilisation:delegation_add"), form)
    delegation = Delegation.objects.get()
    assert response.status_code == 302
    assert (delegation.start_date, delegation.end_date) == (START, END)
    # Without a decision, blank dates are asked for.
    refused = client.post(reverse("mobilisation:delegation_add"), {**form, "decision": "", "name": "Đoàn 2"})
    assert "choose the decision to take its dates" in refused.content.decode()
    # The team form proposes the task the people were requested for (sample taking), not the first in the list.
    team_form = client.get(reverse("mobilisation:team_add", args=[delegation.pk])).context["form"]
    assert team_form["task"].value() == Task.SAMPLING != Task.choices[0][0]


def test_a_member_moves_and_the_history_stays(world, client_for, finance):
    decision = approved_decision(world, client_for)
    CoordinationTeam.objects.create(name="Tổ Điều phối", unit=AdminUnit.objects.get(code=CITY))
    people = list(StaffMember.objects.filter(assignments__decision=decision).order_by("pk"))
    delegation = Delegation.objects.create(
        name="Đoàn Ninh Kiều",
        decision=decision,
        target_unit=AdminUnit.objects.get(code="916"),
        head=people[0],
        coordination_team=CoordinationTeam.objects.get(),
        start_date=START,
        end_date=END,
    )
    team_1 = Team.objects.create(delegation=delegation, name="Tổ 1", task=Task.SAMPLING, leader=people[1])
    team_2 = Team.objects.create(delegation=delegation, name="Tổ 2", task=Task.SAMPLING, leader=people[2])
    TeamMembership.objects.create(team=team_1, staff=people[1], joined_on=START)
    TeamMembership.objects.create(team=team_2, staff=people[2], joined_on=START)
    client = english(client_for(world.users["health"]))
    response = client.post(
        reverse("mobilisation:team_member_add", args=[team_1.pk]), {"people": [people[3].pk], "day": d(START)}
    )
    assert response.status_code == 302
    move_day = START + timedelta(days=3)
    response = client.post(
        reverse("mobilisation:membership_move", args=[team_1.pk, people[3].pk]),
        {"to_team": team_2.pk, "day": d(move_day)},
    )
    assert response.status_code == 302
    history = list(TeamMembership.objects.filter(staff=people[3]).order_by("joined_on", "pk"))
    assert [(h.team, h.left_on) for h in history] == [(team_1, move_day), (team_2, None)]
    page = client.get(reverse("mobilisation:team_detail", args=[team_1.pk])).content.decode()
    assert people[3].full_name in page and "Tổ 2" in page


def test_a_commune_cannot_form_delegations_or_reach_another_communes_team(world, client_for, finance):
    assert client_for(world.users["tan_an"]).get(reverse("mobilisation:delegation_add")).status_code == 403


def test_the_issuer_and_health_download_the_decision_and_its_list(world, client_for, finance):
    decision = approved_decision(world, client_for)
    for who in ("home_affairs", "health"):
        client = client_for(world.users[who])
        pdf = client.get(reverse("mobilisation:mobilisationdecision_pdf", args=[decision.pk]))
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF") and "quyet-dinh-125-qd-ubnd.pdf" in pdf["Content-Disposition"]
        sheet = client.get(reverse("mobilisation:mobilisationdecision_annex", args=[decision.pk]))
        assert sheet.status_code == 200 and "spreadsheetml" in sheet["Content-Type"]
    page = client_for(world.users["home_affairs"]).get(decision.get_absolute_url()).content.decode()
    assert reverse("mobilisation:mobilisationdecision_pdf", args=[decision.pk]) in page


def test_the_people_export_carries_the_reasons(world, client_for, finance):
    import io

    import openpyxl

    decision = proposed(world, client_for)
    response = english(client_for(world.users["home_affairs"])).get(
        reverse("mobilisation:assignment_export"), {"decision": decision.pk}
    )
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "No." and "Why this person" in rows[0]
    assert len(rows) == 1 + decision.assignments.count()
    why = rows[0].index("Why this person")
    # The reasons are stored as message ids and read in the reader's language (here English, as the export asks).
    stored = {"; ".join(a.reasons) for a in decision.assignments.all()}
    assert all(row[why] for row in rows[1:]) and {row[why] for row in rows[1:]} == stored


def test_a_leadership_delegation_oversees_several_communes(world, client_for):
    CoordinationTeam.objects.create(name="Tổ Điều phối", unit=AdminUnit.objects.get(code=CITY))
    head = world.staff["lan"]
    head.phone = "0913000111"
    head.save()
    tan_an, an_hoa = AdminUnit.objects.get(code=TAN_AN), AdminUnit.objects.get(code=AN_HOA)
    response = client_for(world.users["health"]).post(
        reverse("mobilisation:delegation_add"),
        {
            "name": "Đoàn lãnh đạo Ninh Kiều",
            "kind": "leadership",
            "decision": "",
            "target_unit": AdminUnit.objects.get(code="916").pk,
            "overseen_units": [tan_an.pk, an_hoa.pk],
            "coordination_team": CoordinationTeam.objects.get().pk,
            "start_date": d(START),
            "end_date": d(END),
            "head": "0913 000 111",
            "deputies": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    delegation = Delegation.objects.get()
    assert delegation.head == head and set(delegation.overseen_units.all()) == {tan_an, an_hoa}


def test_a_delegation_head_typed_wrongly_is_explained(world, client_for):
    CoordinationTeam.objects.create(name="Tổ Điều phối", unit=AdminUnit.objects.get(code=CITY))
    response = english(client_for(world.users["health"])).post(
        reverse("mobilisation:delegation_add"),
        {
            "name": "Đoàn lãnh đạo",
            "kind": "leadership",
            "target_unit": AdminUnit.objects.get(code="916").pk,
            "overseen_units": [AdminUnit.objects.get(code=TAN_AN).pk],
            "coordination_team": CoordinationTeam.objects.get().pk,
            "start_date": d(START),
            "end_date": d(END),
            "head": "0999 999 999",
        },
    )
    assert response.status_code == 200
    assert "Nobody you can see has the citizen ID or phone" in response.content.decode()
    assert not Delegation.objects.exists()


def test_home_affairs_cannot_swap_in_someone_of_the_party_bloc(world, client_for, finance):
    decision = proposed(world, client_for)
    place = decision.assignments.order_by("pk").first()
    youth = make_staff("Đoàn viên Thành đoàn", world.agencies["doan_thanh_nien"], phone="0977000111")
    response = english(client_for(world.users["home_affairs"])).post(
        reverse("mobilisation:assignment_swap", args=[place.pk]), {"same_agency": "", "other": youth.phone}
    )
    assert response.status_code == 200
    assert "only the Party Organisation Board mobilises its staff" in response.content.decode()
    place.refresh_from_db()
    assert place.staff != youth


def test_health_sets_up_the_coordination_team_before_the_first_delegation(world, client_for):
    client = english(client_for(world.users["health"]))
    page = client.get(reverse("mobilisation:delegation_add")).content.decode()
    assert "There is no coordination team yet" in page
    assert reverse("mobilisation:coordinationteam_add") in page
    response = client.post(
        reverse("mobilisation:coordinationteam_add"),
        {"name": "Tổ Điều phối nguồn nhân lực", "unit": AdminUnit.objects.get(code=CITY).pk, "phone": "0292 3820 123"},
    )
    assert response.status_code == 302 and response.url == reverse("mobilisation:delegation_add")
    team = CoordinationTeam.objects.get()
    assert team.phone == "02923820123"
    again = client.post(
        reverse("mobilisation:coordinationteam_add"),
        {"name": "Tổ Điều phối nguồn nhân lực", "unit": AdminUnit.objects.get(code=CITY).pk},
    )
    assert "already has a coordination team" in again.content.decode()


def test_a_district_sees_the_citys_draft_for_its_wards_but_cannot_edit_it(world, client_for):
    client_for(world.users["health"]).post(reverse("mobilisation:staffingrequest_add"), request_form(save="1"))
    request = StaffingRequest.objects.get()
    district = client_for(world.users["ninh_kieu"])
    page = district.get(request.get_absolute_url())
    assert page.status_code == 200 and not page.context["can_edit"] and not page.context["can_submit"]
    assert district.get(reverse("mobilisation:staffingrequest_edit", args=[request.pk])).status_code == 403

"""The mobilisation pages: every list, detail and export stays inside the user's jurisdiction, and shows its reasons.

`mobilised(world)` builds, on top of the test world, one mobilisation per ward: Nguyễn Văn An of Tân An's
committee sent to Tân An and Lê Thị Hoa of An Hòa's sent to An Hòa, each with its approved decision, a delegation
and a team. The other test modules of this app build on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from phaodai.accounts.roles import Role
from phaodai.mobilisation.models import (
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
from phaodai.places.models import AdminUnit
from phaodai.testing import AN_HOA, CITY, TAN_AN, World, make_user

TAN_AN_REQUEST, AN_HOA_REQUEST = "Lấy mẫu Tân An", "Lấy mẫu An Hòa"
TAN_AN_DELEGATION, AN_HOA_DELEGATION = "Đoàn công tác Tân An", "Đoàn công tác An Hòa"
TAN_AN_TEAM, AN_HOA_TEAM = "Tổ lấy mẫu số 1", "Tổ An Hòa"
TAN_AN_HQ = "số 1 Ngô Quyền, Phường Tân An"


@dataclass
class Mobilised:
    tan_an_request: StaffingRequest
    an_hoa_request: StaffingRequest
    tan_an_decision: MobilisationDecision
    an_hoa_decision: MobilisationDecision
    tan_an_delegation: Delegation
    an_hoa_delegation: Delegation
    tan_an_team: Team
    an_hoa_team: Team


def mobilised(w: World, later: int = 0) -> Mobilised:
    """Two wards, each with an approved request, an approved decision, a delegation, a team (built directly:
    the services' own tests cover how they get there). `later` = n builds another round n × 20 days later."""
    today = timezone.localdate() + timedelta(days=20 * later)
    start, end = today - timedelta(days=2), today + timedelta(days=11)
    tan_an_request = make_request(w, {TAN_AN: 2}, start, end)
    an_hoa_request = make_request(w, {AN_HOA: 1}, start, end)
    StaffingRequest.objects.filter(pk=tan_an_request.pk).update(title=TAN_AN_REQUEST)
    StaffingRequest.objects.filter(pk=an_hoa_request.pk).update(title=AN_HOA_REQUEST)
    tan_an_request.refresh_from_db()
    an_hoa_request.refresh_from_db()

    decisions = []
    for number, request, person in (
        ("01/QĐ-UBND", tan_an_request, w.staff["an"]),
        ("02/QĐ-UBND", an_hoa_request, w.staff["hoa"]),
    ):
        decision = make_decision(w)
        decision.requests.add(request)
        a = assign(decision, request.targets.get(), person)
        a.why = ["lives in the target commune", "not mobilised in the last 30 days"]
        a.save(update_fields=["why"])
        MobilisationDecision.objects.filter(pk=decision.pk).update(
            number=number, status=DecisionStatus.APPROVED, approved_at=timezone.now()
        )
        decision.refresh_from_db()
        decisions.append(decision)

    city = AdminUnit.objects.get(code=CITY)
    coordination, _ = CoordinationTeam.objects.get_or_create(
        name="Tổ Điều phối nguồn nhân lực", unit=city, defaults={"phone": "02923820123"}
    )
    tan_an_delegation = Delegation.objects.create(
        name=TAN_AN_DELEGATION,
        decision=decisions[0],
        target_unit=AdminUnit.objects.get(code=TAN_AN),
        head=w.staff["dat"],
        coordination_team=coordination,
        start_date=start,
        end_date=end,
        headquarters_address=TAN_AN_HQ,
        hotline="02923821000",
    )
    an_hoa_delegation = Delegation.objects.create(
        name=AN_HOA_DELEGATION,
        decision=decisions[1],
        target_unit=AdminUnit.objects.get(code=AN_HOA),
        head=w.staff["hoa"],
        coordination_team=coordination,
        start_date=start,
        end_date=end,
    )
    tan_an_team = Team.objects.create(
        delegation=tan_an_delegation, name=TAN_AN_TEAM, task=Task.SAMPLING, leader=w.staff["minh"]
    )
    an_hoa_team = Team.objects.create(
        delegation=an_hoa_delegation, name=AN_HOA_TEAM, task=Task.SAMPLING, leader=w.staff["hoa"]
    )
    left_on = end if later else None  # one open team membership per person: the later rounds are history
    TeamMembership.objects.create(team=tan_an_team, staff=w.staff["an"], joined_on=start, left_on=left_on)
    TeamMembership.objects.create(team=an_hoa_team, staff=w.staff["hoa"], joined_on=start, left_on=left_on)
    return Mobilised(
        tan_an_request,
        an_hoa_request,
        decisions[0],
        decisions[1],
        tan_an_delegation,
        an_hoa_delegation,
        tan_an_team,
        an_hoa_team,
    )


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def m(world) -> Mobilised:
    return mobilised(world)


def agency_head(w: World, agency_key: str = "ubnd_tan_an"):
    """The head of one agency (role agency_head, scoped to that agency)."""
    username = f"head_{agency_key}"
    if username not in w.users:
        w.users[username] = make_user(username, Role.AGENCY_HEAD, agency=w.agencies[agency_key])
    return w.users[username]


# --- lists -----------------------------------------------------------------------------------------------------


def body(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.parametrize(
    ("url_name", "mine", "theirs"),
    [
        ("mobilisation:staffingrequest_list", TAN_AN_REQUEST, AN_HOA_REQUEST),
        ("mobilisation:mobilisationdecision_list", "01/QĐ-UBND", "02/QĐ-UBND"),
        ("mobilisation:assignment_list", "Nguyễn Văn An", "Lê Thị Hoa"),
        ("mobilisation:delegation_list", TAN_AN_DELEGATION, AN_HOA_DELEGATION),
        ("mobilisation:team_list", TAN_AN_TEAM, AN_HOA_TEAM),
    ],
)
def test_a_commune_user_lists_only_what_concerns_their_commune(m, world, client_for, url_name, mine, theirs):
    html = body(client_for(world.users["tan_an"]).get(reverse(url_name)))
    assert mine in html
    assert theirs not in html


@pytest.mark.parametrize(
    "url_name",
    [
        "mobilisation:staffingrequest_list",
        "mobilisation:mobilisationdecision_list",
        "mobilisation:assignment_list",
        "mobilisation:delegation_list",
        "mobilisation:team_list",
    ],
)
def test_the_district_sees_both_of_its_wards(m, world, client_for, url_name):
    html = body(client_for(world.users["ninh_kieu"]).get(reverse(url_name)))
    assert ("Tân An" in html or "01/QĐ-UBND" in html or "Nguyễn Văn An" in html) and (
        "An Hòa" in html or "02/QĐ-UBND" in html or "Lê Thị Hoa" in html
    )


def test_another_district_sees_no_delegation_of_ninh_kieu(m, world, client_for):
    html = body(client_for(world.users["binh_thuy"]).get(reverse("mobilisation:delegation_list")))
    assert TAN_AN_DELEGATION not in html and AN_HOA_DELEGATION not in html


def test_an_agency_head_sees_only_their_own_agencys_people(m, world, client_for):
    client = client_for(agency_head(world, "ubnd_an_hoa"))
    html = body(client.get(reverse("mobilisation:assignment_list")))
    assert "Lê Thị Hoa" in html and "Nguyễn Văn An" not in html
    # The decision that sends An is not theirs; the one that sends their own Hoa is.
    decisions = body(client.get(reverse("mobilisation:mobilisationdecision_list")))
    assert "02/QĐ-UBND" in decisions and "01/QĐ-UBND" not in decisions


def test_the_assignment_list_shows_why_each_person_was_chosen(m, world, client_for):
    html = body(english(client_for(world.users["tan_an"])).get(reverse("mobilisation:assignment_list")))
    assert "lives in the target commune" in html
    assert 'href="tel:0912345678"' in html


def test_the_list_filters_people_by_name_without_accents(m, world, client_for):
    client = client_for(world.users["ninh_kieu"])
    response = client.get(reverse("mobilisation:assignment_list"), {"q": "nguyen van an"})
    assert [a.staff.full_name for a in response.context["object_list"]] == ["Nguyễn Văn An"]


def test_a_request_filter_offers_only_visible_requests(m, world, client_for):
    response = client_for(world.users["tan_an"]).get(reverse("mobilisation:assignment_list"))
    offered = {str(r) for r in response.context["filter_form"].fields["request"].queryset}
    assert offered == {TAN_AN_REQUEST}


@pytest.mark.parametrize(
    ("url_name", "budget"),
    [
        ("mobilisation:staffingrequest_list", 10),
        ("mobilisation:mobilisationdecision_list", 9),
        ("mobilisation:assignment_list", 12),
        ("mobilisation:delegation_list", 11),
        ("mobilisation:team_list", 11),
        ("mobilisation:pool", 11),
        ("mobilisation:staffingrequest_export", 9),
        ("mobilisation:mobilisationdecision_export", 8),
        ("mobilisation:assignment_export", 7),
        ("mobilisation:delegation_export", 10),
        ("mobilisation:team_export", 8),
        ("mobilisation:pool_export", 10),
    ],
)
def test_lists_and_exports_keep_a_bounded_number_of_queries(
    world, client_for, django_assert_max_num_queries, url_name, budget
):
    for later in range(4):  # more rows must not mean more queries
        mobilised(world, later)
    client = client_for(world.users["ninh_kieu"])
    client.get(reverse(url_name))  # warm the session and the content types
    with django_assert_max_num_queries(budget):
        response = client.get(reverse(url_name))
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)


def test_lists_answer_live_search_with_the_results_only(m, world, client_for):
    response = client_for(world.users["tan_an"]).get(
        reverse("mobilisation:staffingrequest_list"), {"q": "Tân"}, HTTP_HX_REQUEST="true"
    )
    html = body(response)
    assert "<html" not in html and TAN_AN_REQUEST in html


# --- details ---------------------------------------------------------------------------------------------------


def test_another_communes_records_are_not_found(m, world, client_for):
    client = client_for(world.users["tan_an"])
    for url in (
        reverse("mobilisation:staffingrequest_detail", args=[m.an_hoa_request.pk]),
        reverse("mobilisation:mobilisationdecision_detail", args=[m.an_hoa_decision.pk]),
        reverse("mobilisation:delegation_detail", args=[m.an_hoa_delegation.pk]),
        reverse("mobilisation:team_detail", args=[m.an_hoa_team.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_the_request_page_shows_the_numbers_per_commune(m, world, client_for):
    html = body(english(client_for(world.users["tan_an"])).get(m.tan_an_request.get_absolute_url()))
    assert TAN_AN_REQUEST in html and "Phường Tân An" in html and "People per commune" in html


def test_the_decision_page_shows_its_quota_arithmetic_to_the_issuer_only_for_visible_agencies(m, world, client_for):
    decision = m.tan_an_decision
    decision.explanation = {
        "quotas": [
            {"agency": world.agencies["ubnd_tan_an"].pk, "agency_name": "Ủy ban nhân dân Phường Tân An",
             "mobilisable": 4, "quota": 2, "computation": "mobilisable 4 of 12 total → 4 × 3 / 6 = 2 → 2"},
            {"agency": world.agencies["ubnd_tra_noc"].pk, "agency_name": "Ủy ban nhân dân Phường Trà Nóc",
             "mobilisable": 2, "quota": 1, "computation": "mobilisable 2 of 9 total → 2 × 3 / 6 = 1 → 1"},
        ],
        "shortfalls": [{"target": decision.assignments.get().target_id, "commune_name": "Phường Tân An",
                        "wanted": 2, "filled": 1, "missing": 1, "reason": ""}],
    }  # fmt: skip
    decision.save()
    url = decision.get_absolute_url()
    issuer = body(english(client_for(world.users["home_affairs"])).get(url))
    assert "4 × 3 / 6 = 2" in issuer and "2 × 3 / 6 = 1" in issuer
    assert "Phường Tân An: 1 of 2 found" in issuer
    commune = body(english(client_for(world.users["tan_an"])).get(url))
    assert "4 × 3 / 6 = 2" in commune and "Trà Nóc" not in commune


def test_the_delegation_page_lists_teams_members_and_phones(m, world, client_for):
    html = body(client_for(world.users["tan_an"]).get(m.tan_an_delegation.get_absolute_url()))
    assert TAN_AN_TEAM in html and "Nguyễn Văn An" in html and TAN_AN_HQ in html
    assert 'href="tel:0987654321"' in html  # the head, Trần Đình Đạt
    assert 'href="tel:02923821000"' in html  # the commune hotline


def test_the_team_page_keeps_the_history_of_moves(m, world, client_for):
    today = timezone.localdate()
    second = Team.objects.create(
        delegation=m.tan_an_delegation, name="Tổ số 2", task=Task.DATA_ENTRY, leader=world.staff["dat"]
    )
    old = TeamMembership.objects.get(staff=world.staff["an"])
    old.left_on = today
    old.save()
    new = TeamMembership.objects.create(team=second, staff=world.staff["an"], joined_on=today)
    old.moved_to = new
    old.save()
    response = english(client_for(world.users["tan_an"])).get(
        reverse("mobilisation:team_detail", args=[m.tan_an_team.pk])
    )
    html = body(response)
    assert response.context["current"] == []
    assert "Tổ số 2" in html and "left on" in html


# --- the pool --------------------------------------------------------------------------------------------------


def test_the_pool_shows_each_agencys_arithmetic(world, client_for):
    from phaodai.testing import make_staff

    agency = world.agencies["so_noi_vu"]  # headcount 80, minimum 30
    for i in range(33):
        make_staff(f"Cán bộ Nội vụ {i}", agency)
    response = english(client_for(world.users["home_affairs"])).get(reverse("mobilisation:pool"), {"q": "Nội vụ"})
    [row] = response.context["object_list"]
    assert (row.available, row.min_in_office, row.mobilisable) == (33, 30, 3)
    html = body(response)
    assert "33 − 30 to stay in the office = 3 mobilisable" in html


def test_the_pool_of_a_commune_user_is_their_own_agencies(world, client_for):
    response = client_for(world.users["tan_an"]).get(reverse("mobilisation:pool"))
    names = {row.agency.name for row in response.context["object_list"]}
    assert names == {"Ủy ban nhân dân Phường Tân An", "Trạm Y tế Phường Tân An"}


def test_a_reversed_pool_period_is_explained_not_crashed(world, client_for):
    response = english(client_for(world.users["home_affairs"])).get(
        reverse("mobilisation:pool"), {"start": "20/08/2021", "end": "10/08/2021"}
    )
    assert "ends (10/08/2021) before it starts (20/08/2021)" in body(response)
    assert list(response.context["object_list"]) == []


# --- permissions -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name",
    [
        "mobilisation:staffingrequest_list",
        "mobilisation:pool",
        "mobilisation:mobilisationdecision_list",
        "mobilisation:delegation_list",
    ],
)
def test_a_hotline_operator_has_no_mobilisation_pages(world, client_for, url_name):
    assert client_for(world.users["hotline_operator"]).get(reverse(url_name)).status_code == 403


def test_write_buttons_follow_the_role(m, world, client_for):
    url = reverse("mobilisation:delegation_detail", args=[m.tan_an_delegation.pk])
    assert reverse("mobilisation:team_add", args=[m.tan_an_delegation.pk]) in body(
        client_for(world.users["health"]).get(url)
    )
    assert reverse("mobilisation:team_add", args=[m.tan_an_delegation.pk]) not in body(
        client_for(world.users["tan_an"]).get(url)
    )


def test_requests_in_every_state_render(world, client_for):
    for status in RequestStatus:
        request = make_request(world, {TAN_AN: 1}, status=RequestStatus.DRAFT)
        reason = "Không đủ người" if status == RequestStatus.REJECTED else ""
        StaffingRequest.objects.filter(pk=request.pk).update(status=status, rejection_reason=reason)
        assert client_for(world.users["health"]).get(request.get_absolute_url()).status_code == 200


def test_a_proposed_decision_shows_the_approval_form_to_home_affairs_only(world, client_for):
    request = make_request(world, {TAN_AN: 1})
    decision = make_decision(world)
    decision.requests.add(request)
    assign(decision, request.targets.get(), world.staff["an"], state=AssignmentState.PROPOSED)
    url = decision.get_absolute_url()
    approve = reverse("mobilisation:mobilisationdecision_approve", args=[decision.pk])
    assert approve in body(client_for(world.users["home_affairs"]).get(url))
    assert approve not in body(client_for(world.users["health"]).get(url))


def test_a_decision_page_counts_only_the_people_the_user_may_see(world, client_for):
    request = make_request(world, {TAN_AN: 1, AN_HOA: 1})
    decision = make_decision(world)
    decision.requests.add(request)
    assign(decision, request.targets.get(commune__code=TAN_AN), world.staff["an"])
    assign(decision, request.targets.get(commune__code=AN_HOA), world.staff["hoa"])
    issuer = client_for(world.users["home_affairs"]).get(decision.get_absolute_url())
    assert issuer.context["people_count"] == 2
    head = client_for(agency_head(world, "ubnd_an_hoa")).get(decision.get_absolute_url())
    assert head.context["people_count"] == 1
    # The agency head's rows are the communes their agency sends people to, not the whole decision's.
    assert {row["target"].commune.code: row["people"] for row in head.context["targets"]} == {AN_HOA: 1}

"""The mobilisation API: the pages' scope and filters, and the workflow's writes through the same services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from phaodai.mobilisation.models import AssignmentState, DecisionStatus, MobilisationDecision, RequestStatus
from phaodai.mobilisation.tests.test_views import (
    AN_HOA_DELEGATION,
    AN_HOA_REQUEST,
    AN_HOA_TEAM,
    TAN_AN_DELEGATION,
    TAN_AN_REQUEST,
    TAN_AN_TEAM,
    agency_head,
    mobilised,
)
from phaodai.places.models import AdminUnit
from phaodai.testing import AN_HOA, CITY, TAN_AN, make_agency, make_staff

START = timezone.localdate() + timedelta(days=1)
END = START + timedelta(days=13)


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize(
    ("basename", "field", "mine", "theirs"),
    [
        ("staffing-requests", "title", TAN_AN_REQUEST, AN_HOA_REQUEST),
        ("decisions", "number", "01/QĐ-UBND", "02/QĐ-UBND"),
        ("assignments", "staff_name", "Nguyễn Văn An", "Lê Thị Hoa"),
        ("delegations", "name", TAN_AN_DELEGATION, AN_HOA_DELEGATION),
        ("teams", "name", TAN_AN_TEAM, AN_HOA_TEAM),
    ],
)
def test_lists_are_scoped_like_the_pages(world, api, basename, field, mine, theirs):
    mobilised(world)
    values = [row[field] for row in results(api(world.users["tan_an"]).get(reverse(f"api:{basename}-list")))]
    assert mine in values and theirs not in values


def test_another_communes_records_are_not_found(world, api):
    m = mobilised(world)
    client = api(world.users["tan_an"])
    for basename, obj in (
        ("staffing-requests", m.an_hoa_request),
        ("decisions", m.an_hoa_decision),
        ("assignments", m.an_hoa_decision.assignments.get()),
        ("delegations", m.an_hoa_delegation),
        ("teams", m.an_hoa_team),
    ):
        assert client.get(reverse(f"api:{basename}-detail", args=[obj.pk])).status_code == 404, basename


def test_an_agency_head_reads_only_their_own_agencys_people(world, api):
    mobilised(world)
    names = [
        r["staff_name"] for r in results(api(agency_head(world, "ubnd_an_hoa")).get(reverse("api:assignments-list")))
    ]
    assert names == ["Lê Thị Hoa"]


def test_the_assignment_says_why_and_the_team_keeps_its_history(world, api):
    m = mobilised(world)
    client = api(world.users["tan_an"])
    [row] = results(client.get(reverse("api:assignments-list")))
    assert row["why"] == ["lives in the target commune", "not mobilised in the last 30 days"]
    team = client.get(reverse("api:teams-detail", args=[m.tan_an_team.pk])).json()
    assert [(ms["staff_name"], ms["left_on"]) for ms in team["memberships"]] == [("Nguyễn Văn An", None)]


def test_filters_are_the_pages_filters(world, api):
    m = mobilised(world)
    client = api(world.users["ninh_kieu"])
    rows = results(client.get(reverse("api:assignments-list"), {"q": "le thi hoa"}))
    assert [r["staff_name"] for r in rows] == ["Lê Thị Hoa"]
    rows = results(client.get(reverse("api:decisions-list"), {"request": m.tan_an_request.pk}))
    assert [r["number"] for r in rows] == ["01/QĐ-UBND"]


@pytest.mark.parametrize("basename", ["staffing-requests", "decisions", "assignments", "delegations", "teams", "pool"])
def test_lists_need_a_bounded_number_of_queries(world, api, django_assert_max_num_queries, basename):
    for later in range(4):
        mobilised(world, later)
    client = api(world.users["ninh_kieu"])
    client.get(reverse(f"api:{basename}-list"))
    with django_assert_max_num_queries(10):
        assert client.get(reverse(f"api:{basename}-list")).status_code == 200


def test_roles_without_mobilisation_get_403(world, api):
    assert api(world.users["hotline_operator"]).get(reverse("api:staffing-requests-list")).status_code == 403
    assert api().get(reverse("api:staffing-requests-list")).status_code == 401


# --- the pool ----------------------------------------------------------------------------------------------------


def test_the_pool_gives_the_arithmetic_per_agency(world, api):
    agency = world.agencies["so_noi_vu"]
    for i in range(33):
        make_staff(f"Cán bộ {i}", agency)
    client = api(world.users["home_affairs"])
    response = client.get(reverse("api:pool-detail", args=[agency.pk]), {"start": "2025-02-10", "end": "2025-02-23"})
    row = response.json()
    assert (row["available"], row["min_in_office"], row["kept"], row["mobilisable"]) == (33, 30, 30, 3)
    assert row["start"] == "2025-02-10" and "= 3 mobilisable" in row["computation"]
    listed = results(client.get(reverse("api:pool-list"), {"q": "Nội vụ"}))
    assert [r["agency_name"] for r in listed] == ["Sở Nội vụ"]


def test_an_agency_with_fewer_people_than_its_minimum_keeps_them_all(world, api):
    agency = world.agencies["so_y_te"]  # minimum in office 40; only 5 recorded
    for i in range(4):
        make_staff(f"Bác sĩ {i}", agency)
    row = api(world.users["home_affairs"]).get(reverse("api:pool-detail", args=[agency.pk])).json()
    assert (row["available"], row["min_in_office"], row["kept"], row["mobilisable"]) == (5, 40, 5, 0)


def test_the_pool_refuses_a_reversed_period(world, api):
    response = api(world.users["home_affairs"]).get(
        reverse("api:pool-list"), {"start": "2025-02-23", "end": "2025-02-10"}
    )
    assert response.status_code == 400 and "before it starts" in str(response.json())


def test_the_pool_of_an_agency_outside_the_jurisdiction_is_not_found(world, api):
    url = reverse("api:pool-detail", args=[world.agencies["ubnd_an_hoa"].pk])
    assert api(world.users["tan_an"]).get(url).status_code == 404


# --- the workflow ------------------------------------------------------------------------------------------------


@pytest.fixture
def finance(world):
    agency = make_agency("Sở Tài chính", CITY, headcount=8, min_in_office=0)
    world.agencies["so_tai_chinh"] = agency
    for i in range(8):
        make_staff(f"Cán bộ Tài chính {i}", agency, phone=f"09000000{i:02d}")
    return agency


def new_request(api, world, **overrides) -> dict:
    data = {
        "title": "Hỗ trợ tiêm chủng",
        "task": "vaccination",
        "start_date": START.isoformat(),
        "end_date": END.isoformat(),
        "required_skills": [],
        "targets": [
            {"commune": AdminUnit.objects.get(code=TAN_AN).pk, "people": 2},
            {"commune_code": AN_HOA, "people": 1},
        ],
        "submit": True,
    }
    data.update(overrides)
    return api(world.users["health"]).post(reverse("api:staffing-requests-list"), data, format="json")


def test_health_creates_and_submits_a_request(world, api):
    response = new_request(api, world)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == RequestStatus.SUBMITTED and body["people_requested"] == 3
    assert [t["commune_name"] for t in body["targets"]] == ["Phường An Hòa", "Phường Tân An"]


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"end_date": (START - timedelta(days=3)).isoformat()}, "end_date", "before it starts"),
        ({"required_skills": ["juggling"]}, "required_skills", "There is no skill “juggling”"),
        ({"targets": [{"commune_code": "99999", "people": 1}]}, "targets", "There is no commune"),
        ({"targets": [{"commune_code": "31171", "people": 1}]}, None, None),  # Trà Nóc is the city's too: fine
    ],
)
def test_bad_requests_are_explained(world, api, overrides, field, text):
    response = new_request(api, world, **overrides)
    if field is None:
        assert response.status_code == 201
        return
    assert response.status_code == 400, response.content
    assert text in " ".join(response.json()[field])


def test_a_commune_cannot_create_requests(world, api):
    response = api(world.users["tan_an"]).post(reverse("api:staffing-requests-list"), {}, format="json")
    assert response.status_code == 403


def test_home_affairs_decides_allocates_and_approves_through_the_api(world, api, finance):
    created = new_request(api, world).json()
    home_affairs = api(world.users["home_affairs"])
    decide = reverse("api:staffing-requests-decide", args=[created["id"]])
    tan_an_target = next(t for t in created["targets"] if t["commune_name"] == "Phường Tân An")
    response = home_affairs.post(decide, {"approve": True, "numbers": {str(tan_an_target["id"]): 1}}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == RequestStatus.APPROVED and response.json()["people_approved"] == 2
    again = home_affairs.post(decide, {"approve": False, "reason": "x"}, format="json")
    assert again.status_code == 400 and "already approved" in str(again.json())

    proposed = home_affairs.post(reverse("api:decisions-propose"), {"requests": [created["id"]]}, format="json")
    assert proposed.status_code == 201, proposed.content
    decision = proposed.json()
    assert decision["status"] == DecisionStatus.PROPOSED
    assert {q["agency_name"] for q in decision["explanation"]["quotas"]} >= {"Sở Tài chính"}

    places = results(home_affairs.get(reverse("api:assignments-list"), {"decision": decision["id"]}))
    assert len(places) == 2 and all(p["state"] == AssignmentState.PROPOSED for p in places)
    chosen = {p["staff"] for p in places}
    newcomer = next(s for s in finance.staff.order_by("pk") if s.pk not in chosen)
    swapped = home_affairs.post(
        reverse("api:assignments-swap", args=[places[0]["id"]]), {"staff": newcomer.pk}, format="json"
    )
    assert swapped.status_code == 200 and swapped.json()["staff"] == newcomer.pk

    approve = reverse("api:decisions-approve", args=[decision["id"]])
    signed = {"number": "7/QĐ-UBND", "signer_name": "Trần Việt Trường", "signer_title": "KT. CHỦ TỊCH"}
    response = home_affairs.post(approve, signed, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["number"] == "07/QĐ-UBND" and response.json()["status"] == DecisionStatus.APPROVED
    twice = home_affairs.post(approve, signed, format="json")
    assert twice.status_code == 400 and "already approved" in str(twice.json())


def test_only_the_agency_head_substitutes_and_only_with_their_own_staff(world, api, finance):
    created = new_request(api, world).json()
    home_affairs = api(world.users["home_affairs"])
    home_affairs.post(reverse("api:staffing-requests-decide", args=[created["id"]]), {"approve": True}, format="json")
    decision = home_affairs.post(reverse("api:decisions-propose"), {"requests": [created["id"]]}, format="json").json()
    place = MobilisationDecision.objects.get(pk=decision["id"]).assignments.order_by("pk").first()
    url = reverse("api:assignments-substitute", args=[place.pk])
    free = finance.staff.exclude(assignments__decision_id=decision["id"]).order_by("pk").first()
    assert home_affairs.post(url, {"staff": free.pk, "reason": "x"}, format="json").status_code == 403
    head = api(agency_head(world, "so_tai_chinh"))
    stranger = world.staff["an"]  # not of the head's agency: not even visible to them
    refused = head.post(url, {"staff": stranger.pk, "reason": "Trực cơ quan"}, format="json")
    assert refused.status_code == 400 and "does not exist" in str(refused.json())
    response = head.post(url, {"staff": free.pk, "reason": "Trực cơ quan"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["substitutes"] == place.pk and response.json()["substitution_reason"] == "Trực cơ quan"


def test_a_proposal_can_be_cancelled_and_others_cannot(world, api, finance):
    created = new_request(api, world).json()
    home_affairs = api(world.users["home_affairs"])
    home_affairs.post(reverse("api:staffing-requests-decide", args=[created["id"]]), {"approve": True}, format="json")
    decision = home_affairs.post(reverse("api:decisions-propose"), {"requests": [created["id"]]}, format="json").json()
    url = reverse("api:decisions-cancel", args=[decision["id"]])
    assert api(world.users["health"]).post(url).status_code == 403
    assert home_affairs.post(url).json()["status"] == DecisionStatus.CANCELLED


def test_a_draft_is_submitted_by_its_author(world, api):
    draft = new_request(api, world, submit=False).json()
    url = reverse("api:staffing-requests-submit", args=[draft["id"]])
    assert api(world.users["home_affairs"]).post(url).status_code == 403
    response = api(world.users["health"]).post(url)
    assert response.status_code == 200 and response.json()["status"] == RequestStatus.SUBMITTED


def approved_decision(world, api) -> MobilisationDecision:
    created = new_request(api, world).json()
    home_affairs = api(world.users["home_affairs"])
    home_affairs.post(reverse("api:staffing-requests-decide", args=[created["id"]]), {"approve": True}, format="json")
    decision = home_affairs.post(reverse("api:decisions-propose"), {"requests": [created["id"]]}, format="json").json()
    signed = {"number": "9/QĐ-UBND", "signer_name": "Trần Việt Trường", "signer_title": "KT. CHỦ TỊCH"}
    assert home_affairs.post(reverse("api:decisions-approve", args=[decision["id"]]), signed).status_code == 200
    return MobilisationDecision.objects.get(pk=decision["id"])


def test_health_forms_a_delegation_and_its_teams_through_the_api(world, api, finance):
    from phaodai.mobilisation.models import CoordinationTeam, TeamMembership

    decision = approved_decision(world, api)
    coordination = CoordinationTeam.objects.create(name="Tổ Điều phối", unit=AdminUnit.objects.get(code=CITY))
    people = list(
        decision.assignments.filter(target__commune__code=TAN_AN).order_by("pk").values_list("staff", flat=True)
    )
    health = api(world.users["health"])
    response = health.post(
        reverse("api:delegations-list"),
        {
            "name": "Đoàn công tác Tân An",
            "kind": "work",
            "decision": decision.pk,
            "target_unit": AdminUnit.objects.get(code=TAN_AN).pk,
            "coordination_team": coordination.pk,
            "start_date": START.isoformat(),
            "end_date": END.isoformat(),
            "head": people[0],
            "hotline": "0292 3821 000",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    delegation = response.json()
    assert delegation["hotline"] == "02923821000" and delegation["head"] == people[0]

    team_1 = health.post(
        reverse("api:teams-list"),
        {"delegation": delegation["id"], "name": "Tổ 1", "task": "vaccination", "leader": people[1]},
        format="json",
    )
    assert team_1.status_code == 201, team_1.content
    team_2 = health.post(
        reverse("api:teams-list"),
        {"delegation": delegation["id"], "name": "Tổ 2", "task": "vaccination", "leader": people[0]},
        format="json",
    ).json()
    # The head leads team 2; adding them to team 1 as well is refused (one team at a time).
    twice = health.post(
        reverse("api:teams-members", args=[team_1.json()["id"]]),
        {"staff": people[0], "day": START.isoformat()},
        format="json",
    )
    assert twice.status_code == 400 and "already in the team" in str(twice.json())
    assert TeamMembership.objects.filter(staff_id=people[0], left_on__isnull=True).count() == 1
    assert team_2["leader"] == people[0]


def test_a_delegation_with_reversed_dates_is_refused_by_the_api(world, api, finance):
    from phaodai.mobilisation.models import CoordinationTeam

    decision = approved_decision(world, api)
    coordination = CoordinationTeam.objects.create(name="Tổ Điều phối", unit=AdminUnit.objects.get(code=CITY))
    head = decision.assignments.filter(target__commune__code=TAN_AN).first().staff_id
    response = api(world.users["health"]).post(
        reverse("api:delegations-list"),
        {
            "name": "Đoàn",
            "decision": decision.pk,
            "target_unit": AdminUnit.objects.get(code=TAN_AN).pk,
            "coordination_team": coordination.pk,
            "start_date": END.isoformat(),
            "end_date": START.isoformat(),
            "head": head,
        },
        format="json",
    )
    assert response.status_code == 400 and "before the start date" in " ".join(response.json()["end_date"])


def test_a_member_moves_to_another_team_through_the_api_and_the_history_stays(world, api):
    from phaodai.mobilisation.models import Task, Team, TeamMembership

    m = mobilised(world)
    second = Team.objects.create(
        delegation=m.tan_an_delegation, name="Tổ 2", task=Task.DATA_ENTRY, leader=world.staff["dat"]
    )
    today = timezone.localdate()
    response = api(world.users["health"]).post(
        reverse("api:teams-move-here", args=[second.pk]),
        {"staff": world.staff["an"].pk, "day": today.isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert [(ms["staff_name"], ms["left_on"]) for ms in response.json()["memberships"]] == [("Nguyễn Văn An", None)]
    old = TeamMembership.objects.get(team=m.tan_an_team, staff=world.staff["an"])
    assert old.left_on == today and old.moved_to.team == second

"""Community pages and API: the forms reach the services, messages come back, scope holds."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from phaodai.duty.models import CommunityTeam, CommunityTeamHousehold
from phaodai.duty.tests.community_data import AN_HOA_HEAD, HOUSEHOLD_HEAD, LONELY_HEAD, community_world


@pytest.fixture
def c(world):
    return community_world(world)


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_commune_creates_a_team_on_the_page(client_for, world, c):
    client = english(client_for(world.tan_an))
    data = {
        "neighbourhood": c.kv2.pk,
        "name": "Tổ COVID Khu vực 2",
        "leader_name": "Lý Thị Hai",
        "leader_phone": "0912 000 111",
    }
    response = client.post(reverse("duty:communityteam_add"), data)
    team = CommunityTeam.objects.get(neighbourhood=c.kv2)
    assert response.status_code == 302 and response["Location"] == reverse("duty:communityteam_detail", args=[team.pk])
    assert team.leader_phone == "0912000111"
    response = client.post(reverse("duty:communityteam_add"), {**data, "leader_phone": "+44 20 7946 0958"})
    assert "is not a Vietnamese phone number" in response.content.decode()


def test_attaching_a_household_of_another_team_needs_an_explicit_move(client_for, world, c):
    client = english(client_for(world.tan_an))
    second = CommunityTeam.objects.create(neighbourhood=c.kv1, name="Tổ 1B", leader_name="B", leader_phone="0912000333")
    url = reverse("duty:communityteam_household_add", args=[second.pk])
    response = client.post(url, {"household": c.household.pk})
    assert response.status_code == 200 and "already belongs to Tổ COVID Khu vực 1" in response.content.decode()
    assert CommunityTeamHousehold.objects.get(household=c.household).team == c.team
    client.post(url, {"household": c.household.pk, "move": "on"})
    assert CommunityTeamHousehold.objects.get(household=c.household).team == second


def test_team_page_lists_households_and_removing_one_shows_it_in_the_gaps(client_for, world, c):
    client = english(client_for(world.tan_an))
    body = client.get(reverse("duty:communityteam_detail", args=[c.team.pk])).content.decode()
    assert HOUSEHOLD_HEAD in body and LONELY_HEAD not in body
    client.post(reverse("duty:communityteam_household_remove", args=[c.team.pk]), {"household": c.household.pk})
    response = client.get(reverse("duty:household_list"), {"without_team": "true", "under": c.kv1.pk})
    body = response.content.decode()
    assert HOUSEHOLD_HEAD in body and LONELY_HEAD in body and AN_HOA_HEAD not in body
    gaps = client.get(reverse("duty:household_gaps")).content.decode()
    assert "3 households have no team." in gaps


def test_export_has_one_row_per_household_with_its_team(client_for, world, c):
    from phaodai.core.tests.test_endpoint_scope import text_of

    text = text_of(client_for(world.tan_an).get(reverse("duty:communityteam_export")))
    row = next(line for line in text.splitlines() if HOUSEHOLD_HEAD in line)
    assert "Tổ COVID Khu vực 1" in row and "0905111222" in row and "0907000001" in row


def test_api_creates_teams_and_households_through_the_services(api, world, c):
    client = api(world.tan_an)
    response = client.post(
        reverse("api:community-teams-list"),
        {"neighbourhood": c.kv2.pk, "name": "Tổ 2", "leader_name": "Lý Thị Hai", "leader_phone": "+84912000111"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    team_id = response.json()["id"]
    assert response.json()["leader_phone"] == "0912000111"
    response = client.post(
        reverse("api:households-list"),
        {"neighbourhood": c.kv2.pk, "head_name": "Lê Mới", "address": "7 Hòa Bình", "members": 2, "team": team_id},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["team"] == team_id
    # One team per household: moving it by API is explicit (a PATCH of its team); a bad phone is a 400.
    response = client.patch(reverse("api:households-detail", args=[c.lonely.pk]), {"phone": "12345"}, format="json")
    assert response.status_code == 400 and "not a Vietnamese phone number" in str(response.json()["phone"])
    response = client.patch(reverse("api:households-detail", args=[c.household.pk]), {"team": None}, format="json")
    assert response.status_code == 200 and response.json()["team"] is None
    assert not CommunityTeamHousehold.objects.filter(household=c.household).exists()


def test_api_refuses_a_household_already_in_another_team_on_creation_of_a_duplicate(api, world, c):
    response = api(world.tan_an).post(
        reverse("api:households-list"),
        {"neighbourhood": c.kv1.pk, "head_name": HOUSEHOLD_HEAD, "address": "12 hẻm 3 Nguyễn Trãi"},
        format="json",
    )
    assert response.status_code == 400 and "already registered" in str(response.json())


def test_hotline_operators_read_households_but_do_not_change_them(api, world, c):
    client = api(world.hotline_operator)
    names = [h["head_name"] for h in client.get(reverse("api:households-list")).json()["results"]]
    assert HOUSEHOLD_HEAD in names and AN_HOA_HEAD not in names
    response = client.patch(reverse("api:households-detail", args=[c.household.pk]), {"members": 9}, format="json")
    assert response.status_code == 403

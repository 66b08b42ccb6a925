"""Community teams and households: the rules (neighbourhood in scope, phones, one team per household, gaps)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from phaodai.duty import community, households
from phaodai.duty.models import CommunityTeam, CommunityTeamHousehold
from phaodai.duty.tests.community_data import LEADER, community_world
from phaodai.places.models import AdminUnit, Household
from phaodai.testing import TAN_AN


@pytest.fixture
def c(world):
    return community_world(world)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_a_commune_creates_a_team_with_a_normalised_leader_phone(world, c):
    team = community.create_team(
        world.tan_an,
        neighbourhood=c.kv2,
        name=" Tổ  COVID Khu vực 2 ",
        leader_name="Lý Thị Hai",
        leader_phone="+84 912 000 111",
    )
    assert team.leader_phone == "0912000111"
    assert team.name == "Tổ COVID Khu vực 2"
    assert team.neighbourhood == c.kv2


def test_a_foreign_phone_is_refused_and_nothing_is_saved(world, c):
    with pytest.raises(ValidationError) as err:
        community.create_team(
            world.tan_an, neighbourhood=c.kv2, name="Tổ 2", leader_name="Lý Thị Hai", leader_phone="+1 202 555 0143"
        )
    assert "is not a Vietnamese phone number" in " ".join(err.value.message_dict["leader_phone"])
    assert not CommunityTeam.objects.filter(neighbourhood=c.kv2).exists()


def test_a_team_serves_a_neighbourhood_not_a_commune(world, c):
    with pytest.raises(ValidationError) as err:
        community.create_team(
            world.tan_an,
            neighbourhood=AdminUnit.objects.get(code=TAN_AN),
            name="Tổ phường",
            leader_name="A",
            leader_phone="0912000111",
        )
    assert "is not a neighbourhood" in err.value.message_dict["neighbourhood"][0]


def test_another_communes_neighbourhood_is_refused(world, c):
    with pytest.raises(ValidationError) as err:
        community.create_team(
            world.tan_an, neighbourhood=c.an_hoa_kv1, name="Tổ lạ", leader_name="A", leader_phone="0912000111"
        )
    assert "outside your jurisdiction" in err.value.message_dict["neighbourhood"][0]


def test_team_names_are_unique_in_a_neighbourhood_whatever_the_accents(world, c):
    with pytest.raises(ValidationError) as err:
        community.create_team(
            world.tan_an, neighbourhood=c.kv1, name="to covid khu vuc 1", leader_name="A", leader_phone="0912000111"
        )
    assert "already has a team named" in err.value.message_dict["name"][0]


def test_roles_without_community_manage_may_not_create_teams(world, c):
    for username in ("observer", "hotline_operator"):
        with pytest.raises(PermissionDenied):
            community.create_team(
                world.users[username], neighbourhood=c.kv2, name="X", leader_name="A", leader_phone="0912000111"
            )


def test_editing_another_communes_team_is_refused(world, c):
    with pytest.raises(PermissionDenied):
        community.update_team(
            c.an_hoa_team, world.tan_an, neighbourhood=c.kv1, name="X", leader_name="A", leader_phone="0912000111"
        )


def test_a_team_with_households_does_not_move_to_another_neighbourhood(world, c):
    with pytest.raises(ValidationError) as err:
        community.update_team(
            c.team, world.tan_an, neighbourhood=c.kv2, name=c.team.name, leader_name=LEADER, leader_phone="0905111222"
        )
    assert "move them to another team" in err.value.message_dict["neighbourhood"][0]
    c.team.refresh_from_db()
    assert c.team.neighbourhood == c.kv1


def test_members_have_names_and_vietnamese_phones(world, c):
    member = community.add_member(c.team, world.tan_an, full_name="Hồ Văn Ba", phone="0912.000.222", role="Công an")
    assert member.phone == "0912000222"
    with pytest.raises(ValidationError) as err:
        community.add_member(c.team, world.tan_an, full_name="", phone="12345")
    assert set(err.value.message_dict) == {"full_name", "phone"}
    community.remove_member(member, world.tan_an)
    assert not c.team.members.filter(full_name="Hồ Văn Ba").exists()


def test_a_household_belongs_to_one_team_and_the_message_names_it(world, c):
    second = community.create_team(
        world.tan_an,
        neighbourhood=c.kv1,
        name="Tổ COVID Khu vực 1B",
        leader_name="Mai Văn B",
        leader_phone="0912000333",
    )
    with pytest.raises(ValidationError) as err:
        community.attach_household(second, world.tan_an, c.household)
    message = err.value.message_dict["household"][0]
    assert "Tổ COVID Khu vực 1" in message and LEADER in message
    assert CommunityTeamHousehold.objects.get(household=c.household).team == c.team
    # An explicit move: still one link, now to the second team.
    community.attach_household(second, world.tan_an, c.household, move=True)
    assert list(CommunityTeamHousehold.objects.filter(household=c.household).values_list("team", flat=True)) == [
        second.pk
    ]


def test_a_household_joins_a_team_of_its_own_neighbourhood_only(world, c):
    with pytest.raises(ValidationError) as err:
        community.attach_household(c.team, world.tan_an, c.kv2_household)
    assert "Attach it to a team of its own neighbourhood" in err.value.message_dict["household"][0]


def test_detaching_puts_the_household_among_the_gaps(world, c):
    before = {g.neighbourhood: g.without_team for g in households.gaps(world.tan_an)}
    assert before == {c.kv1: 1, c.kv2: 1}
    community.detach_household(c.team, world.tan_an, c.household)
    after = {g.neighbourhood: (g.without_team, g.households, g.teams) for g in households.gaps(world.tan_an)}
    assert after == {c.kv1: (2, 2, 1), c.kv2: (1, 1, 0)}
    with pytest.raises(ValidationError):
        community.detach_household(c.team, world.tan_an, c.household)


def test_gaps_stay_in_the_jurisdiction(world, c):
    community.detach_household(c.an_hoa_team, world.an_hoa, c.an_hoa_household)
    assert c.an_hoa_kv1 not in {g.neighbourhood for g in households.gaps(world.tan_an)}
    assert [g.neighbourhood for g in households.gaps(world.an_hoa)] == [c.an_hoa_kv1]


def test_registering_a_household_with_its_team_in_one_go(world, c):
    h = households.create_household(
        world.tan_an,
        neighbourhood=c.kv1,
        head_name="Trương Văn Mới",
        address="20 hẻm 3 Nguyễn Trãi",
        phone="84907000020",
        members=3,
        team=c.team,
    )
    assert h.phone == "0907000020"
    assert community.team_of(h) == c.team


def test_a_bad_team_leaves_no_half_registered_household(world, c):
    with pytest.raises(ValidationError):
        households.create_household(
            world.tan_an, neighbourhood=c.kv2, head_name="Trương Văn Mới", address="1 Hòa Bình", team=c.team
        )
    assert not Household.objects.filter(head_name="Trương Văn Mới").exists()


def test_the_same_head_at_the_same_address_is_one_household(world, c):
    with pytest.raises(ValidationError) as err:
        households.create_household(
            world.tan_an, neighbourhood=c.kv1, head_name="pham thi ho", address="12 Hẻm 3 Nguyễn Trãi"
        )
    assert "already registered" in err.value.message_dict["head_name"][0]


def test_household_fields_are_checked_together(world, c):
    with pytest.raises(ValidationError) as err:
        households.create_household(
            world.tan_an, neighbourhood=c.an_hoa_kv1, head_name="", address="", phone="999", members=0
        )
    assert set(err.value.message_dict) == {"neighbourhood", "head_name", "address", "phone", "members"}


def test_a_household_in_a_team_does_not_move_neighbourhood(world, c):
    with pytest.raises(ValidationError) as err:
        households.update_household(
            c.household,
            world.tan_an,
            neighbourhood=c.kv2,
            head_name=c.household.head_name,
            address=c.household.address,
            phone="",
            members=4,
        )
    assert "remove it from that team" in err.value.message_dict["neighbourhood"][0]
    moved = households.update_household(
        c.lonely,
        world.tan_an,
        neighbourhood=c.kv2,
        head_name=c.lonely.head_name,
        address="9 Hòa Bình",
        phone="0907 000 030",
        members=2,
    )
    assert (moved.neighbourhood, moved.phone, moved.members) == (c.kv2, "0907000030", 2)

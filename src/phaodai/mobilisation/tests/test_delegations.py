"""Health forms delegations and teams from an approved decision; one team at a time per person; moves keep history."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from phaodai.accounts.roles import Role
from phaodai.mobilisation import delegations as D
from phaodai.mobilisation.models import (
    DecisionStatus,
    Delegation,
    DelegationKind,
    Task,
    Team,
    TeamMembership,
)
from phaodai.mobilisation.testing import assign, make_decision, make_request
from phaodai.staff.models import StaffStatus
from phaodai.testing import AN_HOA, BINH_THUY, CITY, NINH_KIEU, TAN_AN, TRA_NOC, make_user, unit

START, END = date(2021, 8, 16), date(2021, 8, 29)


@pytest.fixture
def m(world):
    """Decision 125/QĐ-UBND mobilises An, Đạt and Minh for Tân An and Hoa for An Hòa, 16-29/08/2021."""
    request = make_request(world, {TAN_AN: 3, AN_HOA: 1}, START, END)
    targets = {t.commune.code: t for t in request.targets.select_related("commune")}
    decision = make_decision(world)
    for name in ("an", "dat", "minh"):
        assign(decision, targets[TAN_AN], world.staff[name])
    assign(decision, targets[AN_HOA], world.staff["hoa"])
    decision.number, decision.status, decision.approved_at = "125/QĐ-UBND", DecisionStatus.APPROVED, timezone.now()
    decision.save()
    world.decision = decision
    world.health = world.users["health"]
    world.coordination = D.create_coordination_team(
        world.health, unit=unit(CITY), name="Tổ Điều phối nguồn nhân lực thành phố", phone="0292 3820 123"
    )
    return world


def delegation_in_tan_an(w, **overrides):
    fields = dict(
        name="Đoàn công tác Phường Tân An",
        target_unit=unit(TAN_AN),
        head=w.staff["an"],
        deputies=[w.staff["dat"]],
        coordination_team=w.coordination,
        start_date=START,
        end_date=END,
        decision=w.decision,
        headquarters_address="2 Nguyễn Trãi, Phường Tân An",
        hotline="0292 3821 456",
    )
    fields.update(overrides)
    return D.create_delegation(w.health, **fields)


def errors_of(excinfo) -> dict[str, list[str]]:
    return {field: [e.code for e in errs] for field, errs in excinfo.value.error_dict.items()}


def messages_of(excinfo) -> str:
    return " ".join(excinfo.value.messages)


# ------------------------------------------------------------------------------------------------ delegations


def test_health_forms_a_work_delegation_with_its_head_deputies_and_commune_contacts(m):
    delegation = delegation_in_tan_an(m)
    assert delegation.kind == DelegationKind.WORK
    assert delegation.head == m.staff["an"]
    assert list(delegation.deputies.all()) == [m.staff["dat"]]
    assert delegation.hotline == "02923821456"  # one form for one number
    created = LogEntry.objects.get_for_object(delegation).get(action=LogEntry.Action.CREATE)
    assert created.actor == m.health
    assert m.coordination.phone == "02923820123"


def test_only_an_organising_role_forms_delegations_and_only_in_its_jurisdiction(m):
    with pytest.raises(PermissionDenied):
        D.create_delegation(
            m.users["home_affairs"],
            name="X",
            target_unit=unit(TAN_AN),
            head=m.staff["an"],
            coordination_team=m.coordination,
            start_date=START,
            end_date=END,
            decision=m.decision,
        )
    binh_thuy_health = make_user("yte_binhthuy", Role.HEALTH, BINH_THUY)
    with pytest.raises(PermissionDenied):
        D.create_delegation(
            binh_thuy_health,
            name="X",
            target_unit=unit(TAN_AN),
            head=m.staff["an"],
            coordination_team=m.coordination,
            start_date=START,
            end_date=END,
            decision=m.decision,
        )
    assert not Delegation.objects.exists()


def test_reversed_dates_and_a_bad_hotline_are_reported_together_and_nothing_is_saved(m):
    with pytest.raises(ValidationError) as excinfo:
        delegation_in_tan_an(m, start_date=END, end_date=START, hotline="12345")
    errors = errors_of(excinfo)
    assert errors["end_date"] == ["dates_reversed"]
    assert errors["hotline"] == ["phone_invalid"]
    assert not Delegation.objects.exists()


def test_a_work_delegation_needs_an_approved_decision_that_mobilised_people_for_its_area(m):
    with translation.override("en"):
        with pytest.raises(ValidationError) as excinfo:
            delegation_in_tan_an(m, decision=None)
        assert "approved mobilisation decision" in messages_of(excinfo)
        proposed = make_decision(m)
        proposed.status = DecisionStatus.PROPOSED
        with pytest.raises(ValidationError) as excinfo:
            delegation_in_tan_an(m, decision=proposed)
        assert "is not approved yet" in messages_of(excinfo)
        with pytest.raises(ValidationError) as excinfo:
            delegation_in_tan_an(m, target_unit=unit(TRA_NOC), head=m.staff["lan"], deputies=[])
        assert "mobilises nobody for Phường Trà Nóc" in messages_of(excinfo)


def test_the_delegation_must_fit_inside_the_mobilisation_period(m):
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        delegation_in_tan_an(m, end_date=date(2021, 9, 5))
    assert "runs from 16/08/2021 to 29/08/2021" in " ".join(excinfo.value.message_dict["end_date"])


def test_a_head_mobilised_for_another_commune_is_refused(m):
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        delegation_in_tan_an(m, head=m.staff["hoa"])
    assert errors_of(excinfo) == {"head": ["mobilised_elsewhere"]}
    assert "Lê Thị Hoa is mobilised to Phường An Hòa from 16/08/2021 to 29/08/2021" in messages_of(excinfo)


def test_a_leader_who_is_not_mobilised_may_head_unless_on_leave_or_heading_another_delegation(m):
    lan = m.staff["lan"]  # Sở Y tế, not in the decision: a leader sent with the delegation
    delegation = delegation_in_tan_an(m, head=lan, deputies=[m.staff["an"]])
    assert delegation.head == lan
    with pytest.raises(ValidationError) as excinfo:
        D.create_delegation(
            m.health,
            name="Đoàn lãnh đạo Ninh Kiều",
            kind=DelegationKind.LEADERSHIP,
            target_unit=unit(NINH_KIEU),
            overseen_units=[unit(TAN_AN), unit(AN_HOA)],
            head=lan,
            coordination_team=m.coordination,
            start_date=date(2021, 8, 20),
            end_date=date(2021, 9, 10),
        )
    assert errors_of(excinfo) == {"head": ["leads_another_delegation"]}
    lan.status = StaffStatus.ON_LEAVE
    lan.save()
    with pytest.raises(ValidationError) as excinfo:
        delegation_in_tan_an(m, name="Đoàn 2", head=lan, deputies=[])
    assert "staff_on_leave" in errors_of(excinfo)["head"]


def test_the_head_is_not_also_a_deputy(m):
    with pytest.raises(ValidationError) as excinfo:
        delegation_in_tan_an(m, deputies=[m.staff["an"]])
    assert "deputies" in excinfo.value.error_dict


def test_a_leadership_delegation_oversees_several_communes_of_its_area(m):
    delegation = D.create_delegation(
        m.health,
        name="Đoàn lãnh đạo cấp phòng, Quận Ninh Kiều",
        kind=DelegationKind.LEADERSHIP,
        target_unit=unit(NINH_KIEU),
        overseen_units=[unit(TAN_AN), unit(AN_HOA)],
        head=m.staff["lan"],
        coordination_team=m.coordination,
        start_date=START,
        end_date=END,
    )
    assert set(delegation.overseen_units.values_list("code", flat=True)) == {TAN_AN, AN_HOA}
    # An An Hòa user sees it (it oversees An Hòa) though it is sent to the district.
    assert Delegation.objects.visible_to(m.users["an_hoa"]).filter(pk=delegation.pk).exists()
    assert not Delegation.objects.visible_to(m.users["tra_noc"]).filter(pk=delegation.pk).exists()


def test_a_leadership_delegation_oversees_communes_of_its_own_area_only(m):
    common = dict(
        name="Đoàn lãnh đạo",
        kind=DelegationKind.LEADERSHIP,
        target_unit=unit(NINH_KIEU),
        head=m.staff["lan"],
        coordination_team=m.coordination,
        start_date=START,
        end_date=END,
    )
    with pytest.raises(ValidationError) as excinfo:
        D.create_delegation(m.health, overseen_units=[unit(TAN_AN), unit(TRA_NOC)], **common)
    assert "overseen_units" in excinfo.value.error_dict
    with pytest.raises(ValidationError) as excinfo:
        D.create_delegation(m.health, overseen_units=[], **common)
    assert "overseen_units" in excinfo.value.error_dict
    with pytest.raises(ValidationError) as excinfo:
        delegation_in_tan_an(m, overseen_units=[unit(TAN_AN)])
    assert "overseen_units" in excinfo.value.error_dict


def test_the_coordination_team_must_cover_the_delegations_area(m):
    binh_thuy_team = D.create_coordination_team(m.health, unit=unit(BINH_THUY), name="Tổ điều phối Bình Thuỷ")
    with pytest.raises(ValidationError) as excinfo:
        delegation_in_tan_an(m, coordination_team=binh_thuy_team)
    assert "coordination_team" in excinfo.value.error_dict


def test_a_coordination_team_has_a_unique_name_and_a_real_phone(m):
    with pytest.raises(ValidationError) as excinfo:
        D.create_coordination_team(m.health, unit=unit(CITY), name="Tổ điều phối 2", phone="12345")
    assert errors_of(excinfo) == {"phone": ["phone_invalid"]}
    with pytest.raises(ValidationError) as excinfo:
        D.create_coordination_team(m.health, unit=unit(CITY), name="  Tổ Điều phối nguồn nhân lực  thành phố")
    assert errors_of(excinfo) == {"name": ["duplicate"]}
    with pytest.raises(PermissionDenied):
        D.create_coordination_team(m.users["tan_an"], unit=unit(TAN_AN), name="Tổ điều phối phường")


# ------------------------------------------------------------------------------------------------ teams


@pytest.fixture
def team(m):
    delegation = delegation_in_tan_an(m)
    return D.add_team(delegation, m.health, name="Tổ 1", task=Task.SAMPLING, leader=m.staff["dat"])


def test_a_team_has_a_leader_and_a_task_and_its_leader_is_its_first_member(m, team):
    assert (team.name, team.task, team.leader) == ("Tổ 1", Task.SAMPLING, m.staff["dat"])
    membership = TeamMembership.objects.get(staff=m.staff["dat"])
    assert (membership.team, membership.joined_on, membership.left_on) == (team, START, None)
    assert membership.assignment.decision == m.decision


def test_a_team_leader_must_be_someone_the_decision_mobilised_for_the_area(m, team):
    with pytest.raises(ValidationError) as excinfo:
        D.add_team(team.delegation, m.health, name="Tổ 2", task=Task.DISTANCING, leader=m.staff["lan"])
    assert errors_of(excinfo) == {"leader": ["not_mobilised"]}
    with pytest.raises(ValidationError) as excinfo:
        D.add_team(team.delegation, m.health, name="Tổ 1", task=Task.DISTANCING, leader=m.staff["minh"])
    assert errors_of(excinfo) == {"name": ["duplicate"]}
    with pytest.raises(ValidationError) as excinfo:
        D.add_team(team.delegation, m.health, name="Tổ 3", task=Task.DISTANCING, leader=m.staff["dat"])
    assert errors_of(excinfo) == {"leader": ["already_in_a_team"]}
    assert Team.objects.count() == 1


def test_members_are_people_mobilised_for_the_area_available_on_the_day(m, team):
    member = D.add_member(team, m.staff["an"], m.health, date(2021, 8, 17))
    assert member.joined_on == date(2021, 8, 17) and member.assignment.staff == m.staff["an"]
    with translation.override("en"):
        with pytest.raises(ValidationError) as excinfo:
            D.add_member(team, m.staff["hoa"], m.health, START)
        assert excinfo.value.code == "mobilised_for_another_place"
        assert "Lê Thị Hoa is mobilised for Phường An Hòa" in messages_of(excinfo)
        with pytest.raises(ValidationError) as excinfo:
            D.add_member(team, m.staff["binh"], m.health, START)
        assert excinfo.value.code == "not_mobilised"
        with pytest.raises(ValidationError) as excinfo:
            D.add_member(team, m.staff["minh"], m.health, date(2021, 9, 1))
        assert excinfo.value.code == "day_outside_delegation"
    minh = m.staff["minh"]
    minh.status = StaffStatus.ISOLATED
    minh.save()
    with pytest.raises(ValidationError) as excinfo:
        D.add_member(team, minh, m.health, START)
    assert excinfo.value.code == "staff_isolated"


def test_a_person_already_in_a_team_is_not_added_to_another(m, team):
    second = D.add_team(team.delegation, m.health, name="Tổ 2", task=Task.DISTANCING, leader=m.staff["minh"])
    D.add_member(team, m.staff["an"], m.health, START)
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        D.add_member(second, m.staff["an"], m.health, START)
    assert excinfo.value.code == "already_in_a_team"
    assert "already in the team “Đoàn công tác Phường Tân An · Tổ 1” (since 16/08/2021); move them" in messages_of(
        excinfo
    )


def test_a_race_lost_to_another_organiser_gives_the_same_clear_message(m, team):
    """Two organisers add An at the same moment: the check passes for both, the database index refuses one."""
    second = D.add_team(team.delegation, m.health, name="Tổ 2", task=Task.DISTANCING, leader=m.staff["minh"])
    D.add_member(team, m.staff["an"], m.health, START)
    real = D._open_membership
    stale = [True]

    def first_look_is_stale(staff):
        if stale:  # the pre-check does not see the other organiser's row yet
            stale.pop()
            return None
        return real(staff)

    with (
        mock.patch.object(D, "_open_membership", side_effect=first_look_is_stale),
        pytest.raises(ValidationError) as excinfo,
    ):
        D.add_member(second, m.staff["an"], m.health, START)
    assert excinfo.value.code == "already_in_a_team"
    assert TeamMembership.objects.filter(staff=m.staff["an"]).count() == 1


def test_a_move_closes_one_membership_and_opens_the_next_keeping_the_history(m, team):
    second = D.add_team(team.delegation, m.health, name="Tổ 2", task=Task.DISTANCING, leader=m.staff["minh"])
    first = D.add_member(team, m.staff["an"], m.health, START)
    moved = D.move_member(m.staff["an"], second, m.health, date(2021, 8, 20))
    first.refresh_from_db()
    assert (first.left_on, first.moved_to) == (date(2021, 8, 20), moved)
    assert (moved.team, moved.joined_on, moved.left_on) == (second, date(2021, 8, 20), None)
    history = list(TeamMembership.objects.filter(staff=m.staff["an"]).order_by("joined_on", "pk"))
    assert [h.team.name for h in history] == ["Tổ 1", "Tổ 2"]
    assert LogEntry.objects.get_for_object(first).filter(action=LogEntry.Action.UPDATE, actor=m.health).exists()


def test_moves_that_make_no_sense_are_refused(m, team):
    second = D.add_team(team.delegation, m.health, name="Tổ 2", task=Task.DISTANCING, leader=m.staff["minh"])
    D.add_member(team, m.staff["an"], m.health, date(2021, 8, 18))
    with pytest.raises(ValidationError) as excinfo:
        D.move_member(m.staff["an"], team, m.health, date(2021, 8, 20))
    assert excinfo.value.code == "same_team"
    with pytest.raises(ValidationError) as excinfo:
        D.move_member(m.staff["an"], second, m.health, date(2021, 8, 17))
    assert excinfo.value.code == "leaves_before_joining"
    with pytest.raises(ValidationError) as excinfo:
        D.move_member(m.staff["dat"], second, m.health, date(2021, 8, 20))
    assert excinfo.value.code == "leader_cannot_leave"
    with pytest.raises(ValidationError) as excinfo:
        D.move_member(m.staff["lan"], second, m.health, date(2021, 8, 20))
    assert excinfo.value.code == "not_in_a_team"
    assert TeamMembership.objects.filter(left_on__isnull=False).count() == 0, "nothing half-done"


def test_a_new_leader_lets_the_old_one_move_and_a_member_can_leave(m, team):
    second = D.add_team(team.delegation, m.health, name="Tổ 2", task=Task.DISTANCING, leader=m.staff["minh"])
    D.add_member(team, m.staff["an"], m.health, START)
    with pytest.raises(ValidationError) as excinfo:
        D.change_leader(team, m.staff["minh"], m.health)  # Minh is in Tổ 2
    assert excinfo.value.code == "leader_not_member"
    D.change_leader(team, m.staff["an"], m.health)
    D.move_member(m.staff["dat"], second, m.health, date(2021, 8, 22))
    left = D.end_membership(m.staff["dat"], m.health, date(2021, 8, 25))
    assert left.left_on == date(2021, 8, 25) and left.team == second


def test_teams_are_changed_only_by_an_organiser_inside_their_jurisdiction(m, team):
    with pytest.raises(PermissionDenied):
        D.add_member(team, m.staff["an"], m.users["home_affairs"], START)
    binh_thuy_health = make_user("yte_binhthuy", Role.HEALTH, BINH_THUY)
    with pytest.raises(PermissionDenied):
        D.add_member(team, m.staff["an"], binh_thuy_health, START)
    with pytest.raises(PermissionDenied):
        D.add_team(team.delegation, binh_thuy_health, name="Tổ 9", task=Task.OTHER, leader=m.staff["an"])
    assert not TeamMembership.objects.filter(staff=m.staff["an"]).exists()

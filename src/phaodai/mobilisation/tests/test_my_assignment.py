""" "My assignment" on a phone: where, from when to when, which team, whom to call, the commune's address and hotline;
nothing about anyone else, and a friendly word when there is nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from phaodai.accounts.roles import Role
from phaodai.mobilisation.models import AssignmentState, Team, TeamMembership
from phaodai.mobilisation.testing import assign, make_decision, make_request
from phaodai.mobilisation.tests.test_views import TAN_AN_HQ, TAN_AN_TEAM, english, mobilised
from phaodai.testing import AN_HOA, make_user

URL = reverse("mobilisation:my_assignment")


@pytest.fixture
def an_logs_in(world, client_for):
    """Nguyễn Văn An's own login (a team member scoped to Tân An), linked to his civil-servant record."""
    user = make_user("nguyen_van_an", Role.TEAM_MEMBER, "31135")
    user.staff_member = world.staff["an"]
    user.save()
    return english(client_for(user))


def test_a_mobilised_person_sees_where_when_and_whom_to_call(world, an_logs_in):
    m = mobilised(world)
    response = an_logs_in.get(URL)
    html = response.content.decode()
    assignment = response.context["mine"]["assignment"]
    assert response.status_code == 200 and response.context["mine"]["is_current"]
    assert "Phường Tân An" in html
    assert f"from {assignment.start_date:%d/%m/%Y} to {assignment.end_date:%d/%m/%Y}" in html
    assert TAN_AN_TEAM in html
    assert 'href="tel:0987654321"' in html  # the delegation head, Trần Đình Đạt
    assert TAN_AN_HQ in html and 'href="tel:02923821000"' in html
    assert response.context["mine"]["team"] == m.tan_an_team


def test_the_team_leaders_phone_is_a_tap_to_call(world, an_logs_in):
    m = mobilised(world)
    leader = world.staff["minh"]
    leader.phone = "0909111222"
    leader.save()
    html = an_logs_in.get(URL).content.decode()
    assert m.tan_an_team.leader == leader
    assert 'href="tel:0909111222"' in html


def test_nothing_about_anyone_else_is_shown(world, an_logs_in):
    mobilised(world)
    html = an_logs_in.get(URL).content.decode()
    # Colleagues in the same team or ward, and the other ward's people, are not listed.
    for other in ("Lê Thị Hoa", "Phường An Hòa", "0912345678"):
        assert other not in html


def test_the_next_assignment_shows_when_none_is_current(world, an_logs_in):
    today = timezone.localdate()
    request = make_request(world, {AN_HOA: 1}, today + timedelta(days=5), today + timedelta(days=18))
    assign(make_decision(world), request.targets.get(), world.staff["an"])
    response = an_logs_in.get(URL)
    mine = response.context["mine"]
    assert mine["assignment"].target.commune.name == "Phường An Hòa" and not mine["is_current"]
    assert "Your next mobilisation" in response.content.decode()
    assert "Not assigned to a team yet" in response.content.decode()


def test_past_proposed_or_withdrawn_assignments_do_not_count(world, an_logs_in):
    today = timezone.localdate()
    past = make_request(world, {AN_HOA: 1}, today - timedelta(days=30), today - timedelta(days=16))
    assign(make_decision(world), past.targets.get(), world.staff["an"])
    future = make_request(world, {AN_HOA: 1}, today + timedelta(days=1), today + timedelta(days=10))
    assign(make_decision(world), future.targets.get(), world.staff["an"], state=AssignmentState.PROPOSED)
    other = make_request(world, {AN_HOA: 1}, today + timedelta(days=11), today + timedelta(days=20))
    assign(make_decision(world), other.targets.get(), world.staff["an"], state=AssignmentState.WITHDRAWN)
    response = an_logs_in.get(URL)
    assert response.context["mine"] is None
    assert "You have no mobilisation now or coming up" in response.content.decode()


def test_after_a_move_the_new_team_is_shown(world, an_logs_in):
    m = mobilised(world)
    today = timezone.localdate()
    second = Team.objects.create(delegation=m.tan_an_delegation, name="Tổ nhập liệu", task="data_entry",
                                 leader=world.staff["dat"])  # fmt: skip
    old = TeamMembership.objects.get(staff=world.staff["an"], left_on__isnull=True)
    old.left_on = today
    old.save()
    TeamMembership.objects.create(team=second, staff=world.staff["an"], joined_on=today)
    response = an_logs_in.get(URL)
    assert response.context["mine"]["team"] == second
    assert "Tổ nhập liệu" in response.content.decode()


def test_a_login_without_a_civil_servant_record_is_told_why(world, client_for):
    response = english(client_for(world.users["tan_an"])).get(URL)
    assert response.status_code == 200 and response.context["mine"] is None
    assert "not linked to a civil-servant record" in response.content.decode()


def test_any_role_may_open_its_own_assignment_page(world, client_for):
    # A hotline operator has no mobilisation pages at all, but if mobilised they still see where to go.
    operator = world.users["hotline_operator"]
    operator.staff_member = world.staff["hoa"]
    operator.save()
    m = mobilised(world)
    response = client_for(operator).get(URL)
    assert response.status_code == 200
    assert response.context["mine"]["assignment"].decision == m.an_hoa_decision


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_the_page_needs_few_queries(world, an_logs_in, django_assert_max_num_queries):
    mobilised(world)
    an_logs_in.get(URL)
    with django_assert_max_num_queries(8):
        an_logs_in.get(URL)


# --- the delegation head and the team leader see the people they lead --------------------------------------------


def logs_in(world, client_for, key: str, username: str):
    user = make_user(username, Role.TEAM_MEMBER, "31135")
    user.staff_member = world.staff[key]
    user.save()
    return english(client_for(user))


def test_a_delegation_head_sees_her_delegation_its_teams_and_the_leaders_phones(world, client_for):
    m = mobilised(world)
    leader = world.staff["minh"]
    leader.phone = "0909111222"
    leader.save()
    # Trần Đình Đạt heads the Tân An delegation and is mobilised by its decision himself, in no team.
    assign(m.tan_an_decision, m.tan_an_request.targets.get(), world.staff["dat"])
    response = logs_in(world, client_for, "dat", "truongdoan").get(URL)
    html = response.content.decode()
    assert response.context["mine"]["headed"] == [m.tan_an_delegation]
    assert f"You head {m.tan_an_delegation.name}" in html
    assert TAN_AN_TEAM in html and "Huỳnh Minh" in html and 'href="tel:0909111222"' in html
    assert "Tổ Điều phối nguồn nhân lực" in html and 'href="tel:02923820123"' in html  # whom she reports to
    assert TAN_AN_HQ in html and 'href="tel:02923821000"' in html
    # She is not told to wait for the delegation head, nor shown herself as the one to call.
    assert "the delegation head will tell you" not in html
    assert "Delegation head" not in html


def test_a_delegation_head_without_an_assignment_still_sees_the_delegation(world, client_for):
    m = mobilised(world)
    response = logs_in(world, client_for, "dat", "truongdoan").get(URL)
    assert response.context["mine"]["assignment"] is None
    assert f"You head {m.tan_an_delegation.name}" in response.content.decode()


def test_a_team_leader_sees_his_members_with_tap_to_call_phones(world, client_for):
    m = mobilised(world)
    leader = world.staff["minh"]
    TeamMembership.objects.create(team=m.tan_an_team, staff=leader, joined_on=m.tan_an_delegation.start_date)
    response = logs_in(world, client_for, "minh", "totruong").get(URL)
    html = response.content.decode()
    [team] = response.context["mine"]["led"]
    assert team == m.tan_an_team and [x.staff for x in team.others] == [world.staff["an"]]
    assert f"You lead {TAN_AN_TEAM}" in html
    assert "Nguyễn Văn An" in html and 'href="tel:0912345678"' in html
    assert 'href="tel:0987654321"' in html  # his own head, Trần Đình Đạt
    assert "Phường An Hòa" not in html  # nothing of the other ward


def test_a_member_sees_no_list_of_other_members(world, an_logs_in):
    mobilised(world)
    response = an_logs_in.get(URL)
    assert response.context["mine"]["headed"] == [] and response.context["mine"]["led"] == []
    assert "Your members" not in response.content.decode()

"""Correcting delegations and teams after they are formed: the delegation's hotline, address, dates and deputies, a
team's name, task and leader, and ending a membership. Each change is audited; each page keeps to the jurisdiction
(404 outside it) and to Health's permission to organise (403 for the others)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from phaodai.accounts.roles import Role
from phaodai.mobilisation.models import Task, TeamMembership
from phaodai.mobilisation.tests.test_views import TAN_AN_HQ, Mobilised, english, mobilised
from phaodai.testing import BINH_THUY, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def m(world) -> Mobilised:
    return mobilised(world)


def day(value) -> str:
    return value.strftime("%d/%m/%Y")


def delegation_data(delegation, **changes) -> dict:
    data = {
        "name": delegation.name,
        "headquarters_address": delegation.headquarters_address,
        "hotline": delegation.hotline,
        "start_date": day(delegation.start_date),
        "end_date": day(delegation.end_date),
        "coordination_team": delegation.coordination_team_id,
        "deputies": "",
    }
    return {**data, **changes}


# --- the delegation ----------------------------------------------------------------------------------------------


def test_health_corrects_a_delegations_hotline_and_address_and_the_change_is_audited(world, client_for, m):
    health = world.users["health"]
    url = reverse("mobilisation:delegation_edit", args=[m.tan_an_delegation.pk])
    m.tan_an_delegation.deputies.add(world.staff["minh"])
    page = english(client_for(health)).get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["hotline"] == "02923821000"
    assert page.context["form"].initial["deputies"] == world.staff["minh"].citizen_id
    response = english(client_for(health)).post(
        url,
        delegation_data(
            m.tan_an_delegation,
            hotline="0292 382 1999",
            headquarters_address="số 5 Hai Bà Trưng",
            deputies=world.staff["minh"].citizen_id,
        ),
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    m.tan_an_delegation.refresh_from_db()
    assert m.tan_an_delegation.hotline == "02923821999"
    assert m.tan_an_delegation.headquarters_address == "số 5 Hai Bà Trưng"
    assert list(m.tan_an_delegation.deputies.all()) == [world.staff["minh"]]
    entries = LogEntry.objects.get_for_object(m.tan_an_delegation).filter(actor=health)
    assert [e.changes_dict["hotline"] for e in entries] == [["02923821000", "02923821999"]]


def test_a_wrong_hotline_is_a_field_error_and_nothing_changes(world, client_for, m):
    url = reverse("mobilisation:delegation_edit", args=[m.tan_an_delegation.pk])
    response = english(client_for(world.users["health"])).post(
        url, delegation_data(m.tan_an_delegation, hotline="12345", headquarters_address="elsewhere")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "hotline" in errors and "not a Vietnamese phone number" in errors["hotline"][0]
    m.tan_an_delegation.refresh_from_db()
    assert (m.tan_an_delegation.hotline, m.tan_an_delegation.headquarters_address) == ("02923821000", TAN_AN_HQ)


def test_a_delegation_cannot_outlast_its_peoples_mobilisation(world, client_for, m):
    d = m.tan_an_delegation
    url = reverse("mobilisation:delegation_edit", args=[d.pk])
    response = english(client_for(world.users["health"])).post(
        url, delegation_data(d, end_date=day(d.end_date + timedelta(days=5)))
    )
    assert response.status_code == 200
    assert "must fit inside" in response.context["form"].errors["end_date"][0]


def test_the_head_cannot_also_be_a_deputy(world, client_for, m):
    d = m.tan_an_delegation
    response = english(client_for(world.users["health"])).post(
        reverse("mobilisation:delegation_edit", args=[d.pk]), delegation_data(d, deputies=d.head.citizen_id)
    )
    assert response.status_code == 200
    assert "different people" in response.context["form"].errors["deputies"][0]
    assert not d.deputies.exists()


def test_health_of_another_district_gets_404_and_a_ward_403_on_the_delegation_edit_page(world, client_for, m):
    other_health = make_user("health_binh_thuy", Role.HEALTH, BINH_THUY)
    url = reverse("mobilisation:delegation_edit", args=[m.tan_an_delegation.pk])
    assert client_for(other_health).post(url, delegation_data(m.tan_an_delegation)).status_code == 404
    assert client_for(world.users["tan_an"]).get(url).status_code == 403
    assert client_for(world.users["tan_an"]).post(url, delegation_data(m.tan_an_delegation)).status_code == 403


def test_the_correct_links_show_only_to_those_who_may_organise(world, client_for, m):
    edit = reverse("mobilisation:delegation_edit", args=[m.tan_an_delegation.pk])
    detail = reverse("mobilisation:delegation_detail", args=[m.tan_an_delegation.pk])
    assert edit in client_for(world.users["health"]).get(detail).content.decode()
    assert edit not in client_for(world.users["tan_an"]).get(detail).content.decode()
    end = reverse("mobilisation:membership_end", args=[m.tan_an_team.pk, world.staff["an"].pk])
    team = reverse("mobilisation:team_detail", args=[m.tan_an_team.pk])
    assert end in client_for(world.users["health"]).get(team).content.decode()
    assert end not in client_for(world.users["tan_an"]).get(team).content.decode()


# --- the team ----------------------------------------------------------------------------------------------------


def test_health_renames_a_team_and_changes_its_task(world, client_for, m):
    health = world.users["health"]
    response = english(client_for(health)).post(
        reverse("mobilisation:team_edit", args=[m.tan_an_team.pk]), {"name": "Tổ nhập liệu", "task": Task.DATA_ENTRY}
    )
    assert response.status_code == 302
    m.tan_an_team.refresh_from_db()
    assert (m.tan_an_team.name, m.tan_an_team.task) == ("Tổ nhập liệu", Task.DATA_ENTRY)
    assert LogEntry.objects.get_for_object(m.tan_an_team).filter(actor=health).exists()


def test_a_team_name_taken_in_the_delegation_is_refused(world, client_for, m):
    from phaodai.mobilisation.models import Team

    Team.objects.create(delegation=m.tan_an_delegation, name="Tổ 2", task=Task.SAMPLING, leader=world.staff["minh"])
    response = english(client_for(world.users["health"])).post(
        reverse("mobilisation:team_edit", args=[m.tan_an_team.pk]), {"name": "Tổ 2", "task": Task.SAMPLING}
    )
    assert response.status_code == 200
    assert "already has a team" in response.context["form"].errors["name"][0]


def test_a_member_becomes_the_team_leader(world, client_for, m):
    health = world.users["health"]
    response = english(client_for(health)).post(
        reverse("mobilisation:team_leader", args=[m.tan_an_team.pk]), {"leader": world.staff["an"].pk}
    )
    assert response.status_code == 302
    m.tan_an_team.refresh_from_db()
    assert m.tan_an_team.leader == world.staff["an"]
    assert LogEntry.objects.get_for_object(m.tan_an_team).filter(actor=health).exists()


def test_someone_outside_the_team_cannot_become_its_leader(world, client_for, m):
    response = english(client_for(world.users["health"])).post(
        reverse("mobilisation:team_leader", args=[m.tan_an_team.pk]), {"leader": world.staff["hoa"].pk}
    )
    assert response.status_code == 200 and "leader" in response.context["form"].errors
    m.tan_an_team.refresh_from_db()
    assert m.tan_an_team.leader == world.staff["minh"]


@pytest.mark.parametrize("name", ["team_edit", "team_leader"])
def test_team_pages_are_404_outside_the_district_and_403_without_organise(name, world, client_for, m):
    other_health = make_user("health_binh_thuy", Role.HEALTH, BINH_THUY)
    assert client_for(other_health).get(reverse(f"mobilisation:{name}", args=[m.tan_an_team.pk])).status_code == 404
    assert (
        client_for(world.users["tan_an"]).get(reverse(f"mobilisation:{name}", args=[m.tan_an_team.pk])).status_code
        == 403
    )


# --- ending a membership -----------------------------------------------------------------------------------------


def test_ending_a_membership_asks_first_then_closes_it_today_and_keeps_it(world, client_for, m):
    health, an = world.users["health"], world.staff["an"]
    url = reverse("mobilisation:membership_end", args=[m.tan_an_team.pk, an.pk])
    client = english(client_for(health))
    question = client.get(url)
    assert question.status_code == 200 and "End this membership?" in question.content.decode()
    assert client.post(url).status_code == 302  # no confirmation: back to the question
    assert TeamMembership.objects.get(staff=an).left_on is None

    assert client.post(url, {"confirm": "yes"}).status_code == 302
    membership = TeamMembership.objects.get(staff=an, team=m.tan_an_team)
    assert membership.left_on == timezone.localdate()
    assert LogEntry.objects.get_for_object(membership).filter(actor=health).exists()
    assert client.get(url).status_code == 404  # nothing open to end any more


def test_the_team_leaders_membership_does_not_end(world, client_for, m):
    an = world.staff["an"]
    m.tan_an_team.leader = an
    m.tan_an_team.save()
    url = reverse("mobilisation:membership_end", args=[m.tan_an_team.pk, an.pk])
    response = english(client_for(world.users["health"])).post(url, {"confirm": "yes"}, follow=True)
    assert "name another leader first" in response.content.decode()
    assert TeamMembership.objects.get(staff=an).left_on is None


def test_ending_a_membership_is_404_outside_the_district_and_403_without_organise(world, client_for, m):
    other_health = make_user("health_binh_thuy", Role.HEALTH, BINH_THUY)
    url = reverse("mobilisation:membership_end", args=[m.tan_an_team.pk, world.staff["an"].pk])
    assert client_for(other_health).post(url, {"confirm": "yes"}).status_code == 404
    assert client_for(world.users["tan_an"]).post(url, {"confirm": "yes"}).status_code == 403
    assert TeamMembership.objects.get(staff=world.staff["an"]).left_on is None


# --- the commune's own contacts -----------------------------------------------------------------------------------


def test_a_ward_official_corrects_the_headquarters_and_hotline_its_people_see(world, client_for, m):
    tan_an = world.users["tan_an"]
    detail = english(client_for(tan_an)).get(m.tan_an_delegation.get_absolute_url()).content.decode()
    url = reverse("mobilisation:delegation_contacts", args=[m.tan_an_delegation.pk])
    assert url in detail  # the ward sees the link, not the organiser's "Correct the delegation"
    assert reverse("mobilisation:delegation_edit", args=[m.tan_an_delegation.pk]) not in detail
    response = english(client_for(tan_an)).post(
        url, {"headquarters_address": "Số 2 Nguyễn Trãi, Phường Tân An", "hotline": "0292 382 1888"}
    )
    assert response.status_code == 302
    m.tan_an_delegation.refresh_from_db()
    assert (m.tan_an_delegation.headquarters_address, m.tan_an_delegation.hotline) == (
        "Số 2 Nguyễn Trãi, Phường Tân An",
        "02923821888",
    )
    entry = LogEntry.objects.get_for_object(m.tan_an_delegation).latest("timestamp")
    assert entry.actor == tan_an and set(entry.changes_dict) == {"headquarters_address", "hotline"}


def test_a_ward_official_cannot_change_more_than_the_contacts(world, m):
    from django.core.exceptions import PermissionDenied

    from phaodai.mobilisation import delegations

    with pytest.raises(PermissionDenied):
        delegations.update_delegation(m.tan_an_delegation, world.users["tan_an"], name="Đoàn khác")
    with pytest.raises(PermissionDenied):
        delegations.update_delegation(
            m.tan_an_delegation, world.users["tan_an"], hotline="0901234567", end_date=m.tan_an_delegation.start_date
        )


def test_a_bad_hotline_from_the_ward_is_refused_and_nothing_changes(world, client_for, m):
    url = reverse("mobilisation:delegation_contacts", args=[m.tan_an_delegation.pk])
    response = english(client_for(world.users["tan_an"])).post(url, {"headquarters_address": "X", "hotline": "12345"})
    assert response.status_code == 200 and response.context["form"].errors["hotline"]
    m.tan_an_delegation.refresh_from_db()
    assert m.tan_an_delegation.headquarters_address == TAN_AN_HQ

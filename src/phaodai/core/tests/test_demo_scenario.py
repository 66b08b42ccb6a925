"""The demo city plays the mobilisation story through the real services: request, allocation, decision, delegations,
teams, notifications; the demo logins each see their part; a second build changes nothing."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.db.models import Count
from django.utils import timezone

from phaodai.accounts.models import User
from phaodai.core.demo import build_demo_city
from phaodai.core.demo.reporting_history import ROUND_SUFFIX
from phaodai.core.demo.scenario import (
    DECISION_NUMBER,
    PARTY_DECISION_NUMBER,
    PEOPLE_PER_WARD,
    SUBSTITUTION_REASON,
    WARDS,
)
from phaodai.mobilisation.models import (
    Assignment,
    AssignmentState,
    CoordinationTeam,
    DecisionStatus,
    Delegation,
    DelegationKind,
    MobilisationDecision,
    RequestStatus,
    StaffingRequest,
    Team,
    TeamMembership,
)
from phaodai.notifications.models import Message
from phaodai.places.models import Bloc
from phaodai.staff.models import StaffStatus
from phaodai.testing import NINH_KIEU, TAN_AN

# Big enough for agencies to hold more than their in-office minimum (a pool of about twenty people), small enough to
# build in a few seconds. The default 5,000 fills the whole 300.
STAFF = 3000


@pytest.fixture
def demo_mode(settings):
    settings.DEMO_MODE = True
    return settings


@pytest.fixture
def city(db, demo_mode):
    return build_demo_city(staff=STAFF, duty=False, welfare=False)


def login(username: str) -> User:
    return User.objects.get(username=username)


def test_health_asks_home_affairs_approves_and_the_people_are_mobilised(city):
    assert city.scenario.notes == []
    request = StaffingRequest.objects.exclude(title__endswith=ROUND_SUFFIX).get()
    assert request.requested_by == login("soyte") and request.decided_by == login("sonoivu")
    assert request.status == RequestStatus.APPROVED and request.submitted_at is not None
    targets = list(request.targets.select_related("commune"))
    assert len(targets) == WARDS
    assert {t.people_requested for t in targets} == {PEOPLE_PER_WARD}
    assert TAN_AN in {t.commune.code for t in targets}
    assert all(t.commune.parent.code == NINH_KIEU for t in targets)
    # The pool of a 3,000-person city is small: Home Affairs approved what it can give, no more.
    assert 0 < request.people_approved < WARDS * PEOPLE_PER_WARD
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    assert request.start_date == monday

    decision = MobilisationDecision.objects.get(number=DECISION_NUMBER)
    assert decision.status == DecisionStatus.APPROVED
    assert decision.created_by == login("sonoivu") and decision.explanation["quotas"]
    party = MobilisationDecision.objects.get(number=PARTY_DECISION_NUMBER)
    assert party.status == DecisionStatus.APPROVED and party.created_by == login("btc.thanhuy")
    mobilised = Assignment.objects.filter(state=AssignmentState.APPROVED)
    assert 0 < mobilised.count() <= request.people_approved
    assert set(mobilised.values_list("staff__status", flat=True)) == {StaffStatus.MOBILISED}
    # Each bloc gave its own share of every ward, never more (seed 000: in proportion to their size).
    assert set(decision.assignments.values_list("agency__bloc", flat=True)) == {Bloc.GOVERNMENT}
    assert set(party.assignments.values_list("agency__bloc", flat=True)) == {Bloc.PARTY}
    assert request.bloc_pools[Bloc.PARTY] > 0 and sum(t.party_share for t in request.targets.all()) > 0
    for target in request.targets.all():
        held = mobilised.filter(target=target)
        assert held.filter(agency__bloc=Bloc.PARTY).count() <= target.party_share
        assert held.filter(agency__bloc=Bloc.GOVERNMENT).count() <= target.government_share
    # Each mobilised person has their notification waiting in the outbox.
    notified = set(Message.objects.filter(recipient_staff__isnull=False).values_list("recipient_staff", flat=True))
    assert notified == set(mobilised.values_list("staff", flat=True))


def test_an_agency_head_substituted_one_of_their_people_with_a_reason(db, demo_mode):
    build_demo_city(
        staff=5000, duty=False, welfare=False
    )  # the default size: Sở Xây dựng has people above its in-office minimum
    head = login("thutruong")
    substitute = Assignment.objects.get(substitutes__isnull=False)
    assert substitute.agency_id == head.scope_agency_id == substitute.substitutes.agency_id
    assert substitute.state == AssignmentState.APPROVED
    assert substitute.substitutes.state == AssignmentState.WITHDRAWN
    assert substitute.substitution_reason == SUBSTITUTION_REASON
    assert LogEntry.objects.get_for_object(substitute).get(action=LogEntry.Action.CREATE).actor == head
    # At the default size the whole 300 is filled, both blocs in proportion to their pools.
    request = StaffingRequest.objects.exclude(title__endswith=ROUND_SUFFIX).get()
    assert Assignment.objects.filter(state=AssignmentState.APPROVED).count() == WARDS * PEOPLE_PER_WARD
    party = Assignment.objects.filter(state=AssignmentState.APPROVED, agency__bloc=Bloc.PARTY).count()
    pools = request.bloc_pools
    assert party == sum(t.party_share for t in request.targets.all())
    assert abs(party - WARDS * PEOPLE_PER_WARD * pools[Bloc.PARTY] / sum(pools.values())) < 1
    # The Party bloc's people serve in the same delegations as the government bloc's.
    assert TeamMembership.objects.filter(assignment__agency__bloc=Bloc.PARTY).count() > party // 2


def test_delegations_and_teams_are_formed_from_the_mobilised_people(city):
    decisions = set(MobilisationDecision.objects.values_list("pk", flat=True))
    coordination = CoordinationTeam.objects.get()
    wards_with_people = set(
        Assignment.objects.filter(state=AssignmentState.APPROVED).values_list("target__commune", flat=True)
    )
    work = Delegation.objects.filter(kind=DelegationKind.WORK)
    assert set(work.values_list("target_unit", flat=True)) == wards_with_people
    assert all(d.coordination_team == coordination and d.hotline and d.headquarters_address for d in work)
    for membership in TeamMembership.objects.select_related("team__delegation", "assignment__target"):
        # Everyone in a team was mobilised by one of the two decisions for that delegation's ward.
        assert membership.assignment.decision_id in decisions
        assert membership.assignment.target.commune_id == membership.team.delegation.target_unit_id
    assert not TeamMembership.objects.values("staff").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert all(t.memberships.filter(staff=t.leader).exists() for t in Team.objects.all())

    leadership = Delegation.objects.get(kind=DelegationKind.LEADERSHIP)
    assert leadership.target_unit.code == NINH_KIEU
    assert leadership.overseen_units.count() == WARDS
    assert not Assignment.objects.filter(staff=leadership.head).exists(), "a leader, not one of the mobilised"


def test_the_demo_logins_see_their_own_part(city):
    head, leader, member = login("truongdoan"), login("totruong"), login("thanhvien")
    delegation = Delegation.objects.get(
        kind=DelegationKind.WORK, target_unit__code=TAN_AN, decision__number=DECISION_NUMBER
    )
    assert head.staff_member == delegation.head
    team = Team.objects.get(delegation=delegation, leader=leader.staff_member)
    assert TeamMembership.objects.get(staff=member.staff_member, left_on__isnull=True).team == team
    assert member.staff_member != leader.staff_member
    for user in (head, leader, member):
        assert Delegation.objects.visible_to(user).filter(pk=delegation.pk).exists(), user
        assert Message.objects.visible_to(user).filter(recipient_staff=user.staff_member).exists(), user
        assignment = Assignment.objects.get(staff=user.staff_member, state=AssignmentState.APPROVED)
        assert assignment.target.commune.code == TAN_AN
    assert StaffingRequest.objects.visible_to(login("soyte")).exists()
    assert StaffingRequest.objects.visible_to(login("btc.thanhuy")).exists()
    assert MobilisationDecision.objects.visible_to(login("sonoivu")).exists()
    # The agency head sees the decision only through their own agency's people.
    head_of_agency = login("thutruong")
    seen = Assignment.objects.visible_to(head_of_agency)
    assert all(head_of_agency.scope_agency_id in (a.agency_id, a.agency.parent_id) for a in seen)


def test_a_second_build_changes_nothing(city, demo_mode):
    def counts():
        return [
            m.objects.count()
            for m in (StaffingRequest, MobilisationDecision, Assignment, Delegation, Team, TeamMembership, Message)
        ] + [LogEntry.objects.count(), list(User.objects.order_by("pk").values_list("staff_member", flat=True))]

    before = counts()
    again = build_demo_city(staff=STAFF, duty=False, welfare=False)
    assert not again.created_anything
    assert again.scenario.steps == []
    assert counts() == before


def test_a_small_city_stops_after_the_request_and_says_why(db, demo_mode):
    result = build_demo_city(staff=300, duty=False, welfare=False)
    assert StaffingRequest.objects.get().status == RequestStatus.SUBMITTED
    assert not MobilisationDecision.objects.exists()
    assert any("--staff 5000" in note for note in result.scenario.notes)

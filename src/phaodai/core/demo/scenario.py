"""The demo city's mobilisation story (issue #4, item 9), played through the real services as the demo logins.

1. Health (soyte) asks for 300 people, 60 in each of five wards of Ninh Kiều (Tân An first), for sample-taking
   support over two weeks from this week's Monday, and submits the request;
2. Home Affairs (sonoivu) approves it (fewer people if the whole pool cannot spare 300), which splits every ward's
   number between the government bloc and the Party bloc in proportion to their pools (`mobilisation.blocs`);
   Home Affairs runs the allocation for the government bloc (`services.propose_decision` → `allocation.allocate`),
   the head of Sở Xây dựng (thutruong) puts a colleague in place of one of their people (`services.substitute`),
   and Home Affairs signs decision 125/QĐ-UBND (`services.approve_decision`), which mobilises the people and
   queues their notifications and their agency heads'; the Party Organisation Board (btc.thanhuy) then allocates
   and signs the Party bloc's share (18-QĐ/BTCTU);
3. Health forms the delegations (`mobilisation.delegations`): the city's coordination team, one work delegation per
   ward with a head, a deputy and teams of about twelve, and a leadership delegation overseeing the five wards;
4. the delegation-head, team-leader and member logins (truongdoan, totruong, thanhvien) are linked to the real
   head, leader and member in Tân An, so that each sees their own part.

Idempotent: every step looks for what an earlier run made (by its title or name) and only does what is missing, so
a second build changes nothing. The pool only has room when agencies hold more than their in-office minimum: a
small demo city (a few hundred civil servants) stops after the request, with a note saying why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phaodai.accounts.models import User
from phaodai.mobilisation import blocs, delegations
from phaodai.mobilisation import services as workflow
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
    Task,
    TeamMembership,
)
from phaodai.mobilisation.pool import blocs_mobilisable_by
from phaodai.places.models import AdminUnit, Level
from phaodai.staff.models import StaffMember, StaffStatus

PEOPLE_PER_WARD = 60
WARDS = 5
PERIOD_DAYS = 14
TEAM_SIZE = 12
# Ninh Kiều and Tân An in Cần Thơ (the demo logins' jurisdiction); elsewhere the first district and its communes.
DISTRICT_CODE, FIRST_WARD_CODE = "916", "31135"
DECISION_NUMBER = "125/QĐ-UBND"
SIGNER_NAME, SIGNER_TITLE = "Trần Văn Minh", "Phó Chủ tịch Ủy ban nhân dân thành phố"
PARTY_DECISION_NUMBER = "18-QĐ/BTCTU"
DECISIONS = {
    "home_affairs": (DECISION_NUMBER, SIGNER_NAME, SIGNER_TITLE),
    "party_board": (PARTY_DECISION_NUMBER, "Nguyễn Thị Hồng", "Trưởng Ban Tổ chức Thành ủy"),
}
SUBSTITUTION_REASON = "Đồng chí đang chủ trì thẩm định hồ sơ dự án trọng điểm của thành phố; cơ quan cử người thay."
LOGINS = {
    "health": "soyte",
    "home_affairs": "sonoivu",
    "party_board": "btc.thanhuy",
    "agency_head": "thutruong",
    "head": "truongdoan",
    "leader": "totruong",
    "member": "thanhvien",
}


@dataclass
class ScenarioResult:
    request: StaffingRequest | None = None
    decision: MobilisationDecision | None = None  # Home Affairs' (government bloc)
    party_decision: MobilisationDecision | None = None  # the Party Organisation Board's
    delegations: int = 0
    teams: int = 0
    members: int = 0
    logins_linked: int = 0
    steps: list[str] = field(default_factory=list)  # what this run did, in order
    notes: list[str] = field(default_factory=list)  # why it stopped early, if it did

    @property
    def created_anything(self) -> bool:
        return bool(self.steps)


def _monday(today: date) -> date:
    return today - timedelta(days=today.weekday())


def _wards(province: AdminUnit) -> tuple[AdminUnit, list[AdminUnit]]:
    district = AdminUnit.objects.filter(code=DISTRICT_CODE, path__startswith=province.path).first()
    if district is None:
        district = AdminUnit.objects.filter(parent=province, level=Level.DISTRICT).order_by("code").first()
    communes = list(AdminUnit.objects.filter(parent=district, level=Level.COMMUNE).order_by("code"))
    # Tân An first (the demo logins' ward), then the district's other wards in code order.
    communes.sort(key=lambda c: (c.code != FIRST_WARD_CODE, c.code))
    return district, communes[:WARDS]


def _title(district: AdminUnit, wards: list[AdminUnit]) -> str:
    kind = "phường" if all(w.division_type == "phường" for w in wards) else "xã, phường"
    where = district.name[:1].lower() + district.name[1:]  # "quận Ninh Kiều" inside a sentence
    return f"Hỗ trợ lấy mẫu xét nghiệm tại {len(wards)} {kind} {where}"


def _rank(staff: StaffMember) -> tuple:
    """Who leads: heads of units first, then deputies, then senior specialists, then everyone (stable by name)."""
    position = staff.position or ""
    if position.startswith("Trưởng"):
        order = 0
    elif position.startswith("Phó"):
        order = 1
    elif "chính" in position:
        order = 2
    else:
        order = 3
    return (order, staff.search_name, staff.pk)


# ---------------------------------------------------------------------------------------------- the steps


def _request(users: dict[str, User], district: AdminUnit, wards: list[AdminUnit], today: date, result) -> None:
    title = _title(district, wards)
    request = StaffingRequest.objects.filter(title=title, origin_unit=users["health"].scope_unit).first()
    if request is None:
        start = _monday(today)
        request = workflow.create_request(
            users["health"],
            title=title,
            task=Task.SAMPLING,
            task_detail="Lấy mẫu xét nghiệm SARS-CoV-2 theo hộ gia đình, hỗ trợ điểm xét nghiệm lưu động",
            start_date=start,
            end_date=start + timedelta(days=PERIOD_DAYS - 1),
            shift_pattern="2 ca: 07:00-15:00 và 15:00-23:00",
            targets={ward: PEOPLE_PER_WARD for ward in wards},
            preferred_skills=["sampling", "medical"],
            submit=True,
        )
        result.steps.append(_("Health asked for %(n)d people.") % {"n": request.people_requested})
    result.request = request


def _approval(users: dict[str, User], today: date, result) -> bool:
    request = result.request
    if request.status == RequestStatus.APPROVED:
        return True
    if request.status != RequestStatus.SUBMITTED:
        result.notes.append(_("The request is %(status)s.") % {"status": request.get_status_display().lower()})
        return False
    pool = workflow.whole_pool(request, today=today)
    if pool == 0:
        result.notes.append(
            _(
                "No agency can spare anyone above its in-office minimum, so the request stays submitted. "
                "Build a bigger city (--staff 5000) to see the allocation."
            )
        )
        return False
    targets = list(request.targets.order_by("pk"))
    wanted = sum(t.people_requested for t in targets)
    numbers = {}
    if pool < wanted:
        # Home Affairs approves what the pool can give, commune by commune in proportion (largest remainders).
        exact = [t.people_requested * pool / wanted for t in targets]
        approved = [math.floor(x) for x in exact]
        for index in sorted(range(len(targets)), key=lambda i: (approved[i] - exact[i], i))[: pool - sum(approved)]:
            approved[index] += 1
        numbers = {t.pk: n for t, n in zip(targets, approved, strict=True)}
    workflow.decide_request(request, users["home_affairs"], True, numbers, today=today)
    request.refresh_from_db()
    result.steps.append(_("Home Affairs approved %(n)d people.") % {"n": request.people_approved})
    return True


def _substitution(users: dict[str, User], decision: MobilisationDecision, result) -> None:
    """The agency head (thutruong) puts a colleague in place of one of their people the allocation proposed."""
    head = users.get("agency_head")
    if head is None or head.scope_agency_id is None:
        return
    proposed = decision.assignments.filter(state=AssignmentState.PROPOSED, agency=head.scope_agency_id)
    assignment = proposed.select_related("staff", "target").order_by("pk").first()
    if assignment is None:
        return
    taken = decision.assignments.values("staff_id")
    colleagues = StaffMember.objects.filter(agency=head.scope_agency_id).exclude(pk__in=taken).order_by("pk")
    for colleague in colleagues[:50]:
        if not workflow.newcomer_problems(assignment, colleague, head):
            workflow.substitute(assignment, colleague, head, SUBSTITUTION_REASON)
            result.steps.append(
                _("%(agency)s put %(new)s in place of %(old)s.")
                % {"agency": head.scope_agency, "new": colleague, "old": assignment.staff}
            )
            return


def _bloc_decision(users: dict[str, User], who: str, today: date, result) -> MobilisationDecision | None:
    """One bloc's decision: Home Affairs' for the government bloc, the Party Organisation Board's for its bloc
    (each fills its own share of every ward, mobilisation.blocs)."""
    request, user = result.request, users[who]
    number, signer, title = DECISIONS[who]
    decision = request.decisions.exclude(status=DecisionStatus.CANCELLED).filter(created_by=user).order_by("pk").first()
    if decision is None:
        left = blocs.places_left(request.targets.all(), blocs_mobilisable_by(user))
        if not sum(left.values()):
            return None
        decision = workflow.propose_decision([request], user, today)
        n = decision.assignments.count()
        if who == "home_affairs":
            result.steps.append(_("Home Affairs' allocation proposed %(n)d people of the government bloc.") % {"n": n})
        else:
            result.steps.append(
                _("The Party Organisation Board's allocation proposed %(n)d people of the Party bloc.") % {"n": n}
            )
        if who == "home_affairs":
            _substitution(users, decision, result)
    if decision.status == DecisionStatus.PROPOSED:
        decision = workflow.approve_decision(decision, user, number, signer, title, today=today)
        result.steps.append(_("Decision %(number)s signed.") % {"number": decision.number})
    return decision


def _decision(users: dict[str, User], today: date, result) -> bool:
    government = _bloc_decision(users, "home_affairs", today, result)
    party = _bloc_decision(users, "party_board", today, result) if users.get("party_board") else None
    result.decision = government
    result.party_decision = party
    return government is not None and government.status == DecisionStatus.APPROVED


def _coordination_team(health: User, province: AdminUnit) -> CoordinationTeam:
    name = f"Tổ Điều phối nguồn nhân lực tham gia phòng, chống dịch COVID-19 {province.name}"
    team = CoordinationTeam.objects.filter(unit=province, name=name).first()
    return team or delegations.create_coordination_team(health, unit=province, name=name, phone="02923820000")


def _ward_delegation(health: User, decision, ward: AdminUnit, coordination: CoordinationTeam, result) -> None:
    name = f"Đoàn công tác {ward.name}"
    if Delegation.objects.filter(decision=decision, target_unit=ward, name=name).exists():
        return
    # Both blocs' people for the ward: the Party bloc's decision staffs the same delegation.
    rows = list(
        Assignment.objects.filter(
            target__request__in=decision.requests.all(), state=AssignmentState.APPROVED, target__commune=ward
        ).select_related("staff")
    )
    people = sorted(
        (a.staff for a in rows if a.staff.status not in (StaffStatus.ON_LEAVE, StaffStatus.ISOLATED)), key=_rank
    )
    if not people:
        return
    start = min(a.start_date for a in rows)
    end = max(a.end_date for a in rows)
    head, deputies = people[0], people[1:2] if len(people) > 2 else []
    delegation = delegations.create_delegation(
        health,
        name=name,
        target_unit=ward,
        head=head,
        deputies=deputies,
        coordination_team=coordination,
        start_date=start,
        end_date=end,
        decision=decision,
        headquarters_address=f"Trụ sở Ủy ban nhân dân {ward.name}",
        hotline=f"0292{int(ward.code) % 10_000_000:07d}",
    )
    result.delegations += 1
    others = sorted(people[1 + len(deputies) :], key=lambda s: (s.search_name, s.pk))
    count = math.ceil(len(others) / TEAM_SIZE)
    for number in range(count):
        chunk = sorted(others[number::count], key=_rank)  # dealt like cards: teams of even size
        # The last of several teams enters the results; the others take samples.
        task = Task.DATA_ENTRY if count >= 3 and number == count - 1 else Task.SAMPLING
        team = delegations.add_team(delegation, health, name=f"Tổ {number + 1}", task=task, leader=chunk[0], day=start)
        result.teams += 1
        for person in chunk[1:]:
            delegations.add_member(team, person, health, start)
            result.members += 1
        result.members += 1


def _leadership_delegation(health: User, decision, district, wards, coordination, result) -> None:
    name = f"Đoàn lãnh đạo cấp phòng các sở, ngành tại {district.name}"
    if Delegation.objects.filter(kind=DelegationKind.LEADERSHIP, target_unit=district, name=name).exists():
        return
    request = result.request
    mobilised = Assignment.objects.filter(target__request=request).values("staff_id")
    leaders = [
        s
        for s in StaffMember.objects.filter(
            agency__unit=health.scope_unit, status=StaffStatus.AVAILABLE, position__startswith="Trưởng phòng"
        )
        .exclude(pk__in=mobilised)
        .exclude(pk__in=Delegation.objects.values("head"))
        .select_related("agency")
        .order_by("agency__name", "search_name", "pk")
    ]
    if not leaders:
        return
    delegations.create_delegation(
        health,
        name=name,
        kind=DelegationKind.LEADERSHIP,
        target_unit=district,
        overseen_units=wards,
        head=leaders[0],
        deputies=leaders[1:3],
        coordination_team=coordination,
        start_date=request.start_date,
        end_date=request.end_date,
    )
    result.delegations += 1


def _link_logins(users: dict[str, User], decision, wards: list[AdminUnit], result) -> None:
    """truongdoan, totruong and thanhvien become the real head, team leader and member of the first ward."""
    delegation = Delegation.objects.filter(decision=decision, target_unit=wards[0], kind=DelegationKind.WORK).first()
    if delegation is None:
        return
    team = delegation.teams.order_by("pk").first()
    if team is None:
        return
    member = (
        TeamMembership.objects.filter(team=team, left_on__isnull=True)
        .exclude(staff=team.leader)
        .order_by("staff__search_name", "pk")
        .first()
    )
    wanted = {"head": delegation.head, "leader": team.leader, "member": member.staff if member else None}
    for role, staff in wanted.items():
        user = users.get(role)
        if user is None or staff is None or user.staff_member_id == staff.pk:
            continue
        if User.objects.filter(staff_member=staff).exclude(pk=user.pk).exists():
            continue  # someone already logs in as this person: leave them be
        user.staff_member = staff
        user.save(update_fields=["staff_member"])
        result.logins_linked += 1


# ---------------------------------------------------------------------------------------------- the whole story


def build_scenario(province: AdminUnit, *, today: date | None = None) -> ScenarioResult:
    """Play (or complete) the story in one transaction. A service that refuses a step raises its ValidationError or
    PermissionDenied, and then nothing of this run is kept."""
    today = today or timezone.localdate()
    result = ScenarioResult()
    users = {key: User.objects.filter(username=name, is_active=True).first() for key, name in LOGINS.items()}
    if users["health"] is None or users["home_affairs"] is None:
        result.notes.append(_("The soyte and sonoivu logins are missing."))
        return result
    district, wards = _wards(province)
    if not wards:
        result.notes.append(_("No district with communes to send people to."))
        return result
    with transaction.atomic():
        _request(users, district, wards, today, result)
        if not _approval(users, today, result) or not _decision(users, today, result):
            return result
        decision = result.decision
        coordination = _coordination_team(users["health"], province)
        for ward in wards:
            _ward_delegation(users["health"], decision, ward, coordination, result)
        _leadership_delegation(users["health"], decision, district, wards, coordination, result)
        if result.delegations:
            result.steps.append(
                _("Health formed %(delegations)d delegations with %(teams)d teams (%(members)d people).")
                % {"delegations": result.delegations, "teams": result.teams, "members": result.members}
            )
        _link_logins(users, decision, wards, result)
        if result.logins_linked:
            result.steps.append(_("%(n)d demo logins linked to their civil servant.") % {"n": result.logins_linked})
    return result

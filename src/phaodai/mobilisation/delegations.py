"""Delegations and teams: Health turns an approved decision's people into work delegations with teams (item 5).

Seed 001 (HCMC): a work delegation (đoàn công tác) goes to a commune, with a head (trưởng đoàn), deputies and
teams (tổ) each led by a team leader (tổ trưởng); a leadership delegation (đoàn lãnh đạo) oversees several
communes; both report to the workforce coordination team (Tổ Điều phối nguồn nhân lực).

Rules kept here (views, API and the demo all call these functions):
- only a role with mobilisation.organise forms delegations, and only inside its jurisdiction;
- a work delegation is formed from an APPROVED decision: its team members are people that decision — or another
  approved decision for the same request, such as the Party bloc's beside the government bloc's — mobilised for a
  commune inside the delegation's area, on days inside their mobilisation;
- a head or deputy is either mobilised by that decision for the area, or a leader who is not mobilised elsewhere
  at the time and heads no other delegation then;
- nobody on leave or isolated serves; a person is in at most one team at a time (the database's partial unique
  index is the last word: a lost race becomes the same clear message); a move closes one membership and opens
  the next, so a person's history of teams is kept.
Every function runs in one transaction and is audited with the acting user.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from phaodai.core.audit import acting_as
from phaodai.core.text import clean_text
from phaodai.mobilisation.models import (
    Assignment,
    AssignmentState,
    CoordinationTeam,
    DecisionStatus,
    Delegation,
    DelegationKind,
    MobilisationDecision,
    Task,
    Team,
    TeamMembership,
)
from phaodai.places.models import AdminUnit, Level
from phaodai.staff.identity import normalise_phone
from phaodai.staff.models import StaffMember, StaffStatus

PERMISSION = "mobilisation.organise"
# Where delegations go: a district (a leadership delegation overseeing its communes, or a district-wide work
# delegation) or a commune.
TARGET_LEVELS = (Level.DISTRICT, Level.COMMUNE)


def _day(value: date) -> str:
    return date_format(value, "d/m/Y")


# ------------------------------------------------------------------------------------------- permission, scope


def _require_organiser(user) -> None:
    if not user.has_role_perm(PERMISSION):
        raise PermissionDenied(_("Your role does not form delegations and teams."))


def _in_jurisdiction(user, unit: AdminUnit) -> bool:
    if user.sees_everything:
        return True
    return user.scope_unit_id is not None and unit.path.startswith(user.scope_unit.path)


def _require_visible(user, obj, model) -> None:
    if not model.objects.visible_to(user).filter(pk=obj.pk).exists():
        raise PermissionDenied(_("“%(obj)s” is outside your jurisdiction.") % {"obj": obj})


# ------------------------------------------------------------------------------------------- who may serve


def _check_can_serve(staff: StaffMember) -> None:
    if staff.status == StaffStatus.ON_LEAVE:
        raise ValidationError(_("%(name)s is on leave.") % {"name": staff.full_name}, code="staff_on_leave")
    if staff.status == StaffStatus.ISOLATED:
        raise ValidationError(
            _("%(name)s is isolated or sick and cannot serve.") % {"name": staff.full_name}, code="staff_isolated"
        )


def _decision_requests(delegation: Delegation) -> set[int]:
    """The requests behind the delegation's decision: the government bloc's and the Party bloc's decisions for the
    same request both staff its delegations."""
    if delegation.decision_id is None:
        return set()
    return set(delegation.decision.requests.values_list("pk", flat=True))


def delegation_assignments(delegation: Delegation):
    """The approved assignments that may staff a work delegation: its decision's, or another decision's for the
    same request(s), for a commune inside its area (none for a delegation without a decision)."""
    if delegation.decision_id is None:
        return Assignment.objects.none()
    return Assignment.objects.filter(
        Q(decision=delegation.decision_id) | Q(target__request__in=_decision_requests(delegation)),
        state=AssignmentState.APPROVED,
        target__commune__path__startswith=delegation.target_unit.path,
    )


def _belongs_to(delegation: Delegation, assignment: Assignment) -> bool:
    """The assignment is one of this delegation's: an approved decision for the same request(s), a commune inside
    the delegation's area."""
    return (
        assignment.decision_id == delegation.decision_id
        or assignment.target.request_id in _decision_requests(delegation)
    ) and assignment.target.commune.path.startswith(delegation.target_unit.path)


def _mobilised_elsewhere(staff: StaffMember, delegation: Delegation, start: date, end: date) -> None:
    """Refuse someone mobilised, over [start, end], for anything but this delegation."""
    overlapping = Assignment.objects.filter(
        staff=staff, state=AssignmentState.APPROVED, start_date__lte=end, end_date__gte=start
    ).select_related("decision", "target__commune")
    for assignment in overlapping:
        if not _belongs_to(delegation, assignment):
            raise ValidationError(
                _("%(name)s is mobilised to %(commune)s from %(start)s to %(end)s (decision %(number)s).")
                % {
                    "name": staff.full_name,
                    "commune": assignment.target.commune.name,
                    "start": _day(assignment.start_date),
                    "end": _day(assignment.end_date),
                    "number": assignment.decision.number or assignment.decision_id,
                },
                code="mobilised_elsewhere",
            )


def _check_leader(staff: StaffMember, delegation: Delegation) -> None:
    """A head or deputy: mobilised for this delegation, or a leader free at the time."""
    _check_can_serve(staff)
    _mobilised_elsewhere(staff, delegation, delegation.start_date, delegation.end_date)
    other = (
        Delegation.objects.filter(Q(head=staff) | Q(deputies=staff))
        .filter(start_date__lte=delegation.end_date, end_date__gte=delegation.start_date)
        .exclude(pk=delegation.pk)
        .first()
    )
    if other is not None:
        raise ValidationError(
            _("%(name)s already leads the delegation “%(other)s” from %(start)s to %(end)s.")
            % {
                "name": staff.full_name,
                "other": other.name,
                "start": _day(other.start_date),
                "end": _day(other.end_date),
            },
            code="leads_another_delegation",
        )


def _member_assignment(delegation: Delegation, staff: StaffMember, day: date) -> Assignment | None:
    """The assignment a team member serves under (work delegation), after checking they may serve on `day`."""
    _check_can_serve(staff)
    if not delegation.start_date <= day <= delegation.end_date:
        raise ValidationError(
            _("%(day)s is outside the delegation's period (%(start)s to %(end)s).")
            % {"day": _day(day), "start": _day(delegation.start_date), "end": _day(delegation.end_date)},
            code="day_outside_delegation",
        )
    if delegation.decision_id is None:
        # A leadership delegation without a decision: its people must at least not be mobilised elsewhere.
        _mobilised_elsewhere(staff, delegation, day, delegation.end_date)
        return None
    assignment = (
        Assignment.objects.filter(
            Q(decision=delegation.decision_id) | Q(target__request__in=_decision_requests(delegation)),
            staff=staff,
            state=AssignmentState.APPROVED,
        )
        .select_related("target__commune", "decision")
        .order_by("pk")
        .first()
    )
    if assignment is None:
        raise ValidationError(
            _("%(name)s is not mobilised by decision %(number)s.")
            % {"name": staff.full_name, "number": delegation.decision.number},
            code="not_mobilised",
        )
    if not _belongs_to(delegation, assignment):
        raise ValidationError(
            _("%(name)s is mobilised for %(commune)s, outside this delegation's area (%(area)s).")
            % {"name": staff.full_name, "commune": assignment.target.commune.name, "area": delegation.target_unit.name},
            code="mobilised_for_another_place",
        )
    if not assignment.start_date <= day <= assignment.end_date:
        raise ValidationError(
            _("%(name)s is mobilised from %(start)s to %(end)s; %(day)s is outside that period.")
            % {
                "name": staff.full_name,
                "start": _day(assignment.start_date),
                "end": _day(assignment.end_date),
                "day": _day(day),
            },
            code="day_outside_mobilisation",
        )
    return assignment


def _open_membership(staff: StaffMember) -> TeamMembership | None:
    return (
        TeamMembership.objects.filter(staff=staff, left_on__isnull=True)
        .select_related("team__delegation", "team__leader")
        .first()
    )


def _already_in_team(staff: StaffMember, membership: TeamMembership) -> ValidationError:
    return ValidationError(
        _("%(name)s is already in the team “%(team)s” (since %(since)s); move them instead.")
        % {"name": staff.full_name, "team": membership.team, "since": _day(membership.joined_on)},
        code="already_in_a_team",
    )


def _open(team: Team, staff: StaffMember, assignment: Assignment | None, day: date) -> TeamMembership:
    """Open a membership; the partial unique index decides a race between two organisers."""
    try:
        with transaction.atomic():
            return TeamMembership.objects.create(team=team, staff=staff, assignment=assignment, joined_on=day)
    except IntegrityError:
        current = _open_membership(staff)
        if current is not None:
            raise _already_in_team(staff, current) from None
        raise


# ------------------------------------------------------------------------------------------- coordination team


@transaction.atomic
def create_coordination_team(user, *, unit: AdminUnit, name: str, phone: str = "", email: str = "") -> CoordinationTeam:
    """The workforce coordination team of a city (or district) that delegations report to."""
    _require_organiser(user)
    if not _in_jurisdiction(user, unit):
        raise PermissionDenied(_("“%(obj)s” is outside your jurisdiction.") % {"obj": unit})
    name = clean_text(name)
    if not name:
        raise ValidationError({"name": ValidationError(_("Give the coordination team a name."), code="required")})
    if CoordinationTeam.objects.filter(unit=unit, name=name).exists():
        message = _("%(unit)s already has a coordination team “%(name)s”.") % {"unit": unit.name, "name": name}
        raise ValidationError({"name": ValidationError(message, code="duplicate")})
    try:
        phone = normalise_phone(phone) if phone.strip() else ""
    except ValidationError as exc:
        raise ValidationError({"phone": exc}) from None
    team = CoordinationTeam(name=name, unit=unit, phone=phone, email=email.strip())
    team.full_clean()
    with acting_as(user):
        team.save()
    return team


# ------------------------------------------------------------------------------------------- delegations


@transaction.atomic
def create_delegation(
    user,
    *,
    name: str,
    target_unit: AdminUnit,
    head: StaffMember,
    coordination_team: CoordinationTeam,
    start_date: date,
    end_date: date,
    kind: str = DelegationKind.WORK,
    decision: MobilisationDecision | None = None,
    deputies: Iterable[StaffMember] = (),
    overseen_units: Iterable[AdminUnit] = (),
    headquarters_address: str = "",
    hotline: str = "",
) -> Delegation:
    """Form a delegation. Every problem found is reported at once, by field (for a form); nothing is saved then."""
    _require_organiser(user)
    deputies, overseen_units = list(deputies), list(overseen_units)
    if not _in_jurisdiction(user, target_unit):
        raise PermissionDenied(_("“%(obj)s” is outside your jurisdiction.") % {"obj": target_unit})
    _require_visible(user, coordination_team, CoordinationTeam)
    for person in [head, *deputies]:
        _require_visible(user, person, StaffMember)
    if decision is not None:
        _require_visible(user, decision, MobilisationDecision)

    errors: dict[str, list] = {}

    def add(field: str, error: ValidationError | str) -> None:
        errors.setdefault(field, []).append(error)

    name = clean_text(name)
    if not name:
        add("name", _("Give the delegation a name."))
    if kind not in DelegationKind.values:
        add("kind", _("Unknown kind of delegation “%(kind)s”.") % {"kind": kind})
    if target_unit.level not in TARGET_LEVELS:
        add(
            "target_unit",
            _("A delegation is sent to a district or a commune, not to %(unit)s.") % {"unit": target_unit},
        )
    if not target_unit.path.startswith(coordination_team.unit.path):
        add(
            "coordination_team",
            _("%(team)s coordinates %(area)s; %(unit)s is outside it.")
            % {"team": coordination_team.name, "area": coordination_team.unit.name, "unit": target_unit.name},
        )
    if end_date < start_date:
        add("end_date", ValidationError(_("The end date is before the start date."), code="dates_reversed"))

    if kind == DelegationKind.WORK:
        if decision is None:
            add("decision", _("A work delegation is formed from an approved mobilisation decision: choose it."))
        if overseen_units:
            add("overseen_units", _("Only a leadership delegation oversees several communes."))
    elif kind == DelegationKind.LEADERSHIP:
        if not overseen_units:
            add("overseen_units", _("Choose the communes this leadership delegation oversees."))
        for unit in overseen_units:
            if unit.level != Level.COMMUNE or not unit.path.startswith(target_unit.path):
                add(
                    "overseen_units",
                    _("%(unit)s is not a commune of %(area)s.") % {"unit": unit.name, "area": target_unit.name},
                )

    if decision is not None:
        if decision.status != DecisionStatus.APPROVED:
            add("decision", _("Decision %(decision)s is not approved yet.") % {"decision": decision})
        else:
            period = Assignment.objects.filter(
                decision=decision, state=AssignmentState.APPROVED, target__commune__path__startswith=target_unit.path
            ).aggregate(start=Min("start_date"), end=Max("end_date"))
            if period["start"] is None:
                add(
                    "decision",
                    _("Decision %(decision)s mobilises nobody for %(unit)s.")
                    % {"decision": decision, "unit": target_unit.name},
                )
            elif start_date < period["start"] or end_date > period["end"]:
                add(
                    "end_date" if start_date >= period["start"] else "start_date",
                    _("The mobilisation for %(unit)s runs from %(start)s to %(end)s: the delegation must fit inside.")
                    % {"unit": target_unit.name, "start": _day(period["start"]), "end": _day(period["end"])},
                )

    if len({d.pk for d in deputies}) != len(deputies) or head.pk in {d.pk for d in deputies}:
        add("deputies", _("The head and each deputy are different people."))

    try:
        hotline = normalise_phone(hotline) if hotline.strip() else ""
    except ValidationError as exc:
        add("hotline", exc)

    delegation = Delegation(
        name=name,
        kind=kind,
        decision=decision,
        target_unit=target_unit,
        head=head,
        coordination_team=coordination_team,
        start_date=start_date,
        end_date=end_date,
        headquarters_address=clean_text(headquarters_address),
        hotline=hotline,
    )
    if not errors:  # the people are checked against a sound period and area only
        for field, people in (("head", [head]), ("deputies", deputies)):
            for person in people:
                try:
                    _check_leader(person, delegation)
                except ValidationError as exc:
                    add(field, exc)
    if errors:
        raise ValidationError(errors)

    with acting_as(user):
        delegation.save()
        if deputies:
            delegation.deputies.set(deputies)
        if overseen_units:
            delegation.overseen_units.set(overseen_units)
    return delegation


# ------------------------------------------------------------------------------------------- teams


def _require_delegation(user, delegation: Delegation) -> None:
    _require_organiser(user)
    _require_visible(user, delegation, Delegation)


@transaction.atomic
def add_team(
    delegation: Delegation, user, *, name: str, task: str, leader: StaffMember, day: date | None = None
) -> Team:
    """Add a team with its leader and task; the leader joins the team on `day` (default: the delegation's start)."""
    _require_delegation(user, delegation)
    _require_visible(user, leader, StaffMember)
    name = clean_text(name)
    if not name:
        raise ValidationError({"name": ValidationError(_("Give the team a name."), code="required")})
    if task not in Task.values:
        message = _("Unknown task “%(task)s”.") % {"task": task}
        raise ValidationError({"task": ValidationError(message, code="invalid_task")})
    if delegation.teams.filter(name=name).exists():
        message = _("The delegation already has a team “%(name)s”.") % {"name": name}
        raise ValidationError({"name": ValidationError(message, code="duplicate")})
    day = day or delegation.start_date
    try:
        assignment = _member_assignment(delegation, leader, day)
        current = _open_membership(leader)
        if current is not None:
            raise _already_in_team(leader, current)
    except ValidationError as exc:
        raise ValidationError({"leader": exc}) from None
    with acting_as(user):
        team = Team.objects.create(delegation=delegation, name=name, task=task, leader=leader)
        _open(team, leader, assignment, day)
    return team


@transaction.atomic
def add_member(team: Team, staff: StaffMember, user, day: date) -> TeamMembership:
    """Put a person into a team from `day`. Someone already in a team is moved with move_member, not added."""
    _require_delegation(user, team.delegation)
    _require_visible(user, staff, StaffMember)
    current = _open_membership(staff)
    if current is not None:
        raise _already_in_team(staff, current)
    assignment = _member_assignment(team.delegation, staff, day)
    with acting_as(user):
        return _open(team, staff, assignment, day)


def _leader_cannot_leave(staff: StaffMember, membership: TeamMembership) -> None:
    if membership.team.leader_id == staff.pk:
        raise ValidationError(
            _("%(name)s leads the team “%(team)s”: name another leader first.")
            % {"name": staff.full_name, "team": membership.team},
            code="leader_cannot_leave",
        )


def _close(staff: StaffMember, user, day: date) -> TeamMembership:
    current = _open_membership(staff)
    if current is None:
        raise ValidationError(_("%(name)s is not in any team.") % {"name": staff.full_name}, code="not_in_a_team")
    _require_delegation(user, current.team.delegation)
    _leader_cannot_leave(staff, current)
    if day < current.joined_on:
        raise ValidationError(
            _("%(name)s joined “%(team)s” on %(joined)s and cannot leave it before.")
            % {"name": staff.full_name, "team": current.team, "joined": _day(current.joined_on)},
            code="leaves_before_joining",
        )
    current.left_on = day
    current.save(update_fields=["left_on"])
    return current


@transaction.atomic
def move_member(staff: StaffMember, to_team: Team, user, day: date) -> TeamMembership:
    """Move a person to another team on `day`: the current membership ends that day and the new one begins, linked
    by `moved_to`, so the history of teams stays. Returns the new membership."""
    _require_delegation(user, to_team.delegation)
    _require_visible(user, staff, StaffMember)
    current = _open_membership(staff)
    if current is not None and current.team_id == to_team.pk:
        raise ValidationError(
            _("%(name)s is already in the team “%(team)s”.") % {"name": staff.full_name, "team": to_team},
            code="same_team",
        )
    if current is None:
        raise ValidationError(
            _("%(name)s is not in any team: add them to one instead.") % {"name": staff.full_name},
            code="not_in_a_team",
        )
    assignment = _member_assignment(to_team.delegation, staff, day)
    with acting_as(user):
        previous = _close(staff, user, day)
        new = _open(to_team, staff, assignment, day)
        previous.moved_to = new
        previous.save(update_fields=["moved_to"])
    return new


@transaction.atomic
def end_membership(staff: StaffMember, user, day: date) -> TeamMembership:
    """A person leaves their team on `day` (released, sick, ...); the membership stays in the history."""
    with acting_as(user):
        return _close(staff, user, day)


@transaction.atomic
def change_leader(team: Team, leader: StaffMember, user) -> Team:
    """Name another leader: someone who is a member of the team now."""
    _require_delegation(user, team.delegation)
    current = _open_membership(leader)
    if current is None or current.team_id != team.pk:
        raise ValidationError(
            _("%(name)s is not a member of the team “%(team)s”: add or move them to it first.")
            % {"name": leader.full_name, "team": team},
            code="leader_not_member",
        )
    _check_can_serve(leader)
    with acting_as(user):
        team.leader = leader
        team.save(update_fields=["leader"])
    return team


# ------------------------------------------------------------------------------------------- corrections

#: The fields of a delegation that may be corrected after it is formed (its kind, decision, area and head are what
#: it *is*: a different one is a new delegation).
EDITABLE_DELEGATION_FIELDS = frozenset(
    {"name", "headquarters_address", "hotline", "start_date", "end_date", "coordination_team", "deputies"}
)
#: What a commune or district official may correct in the delegations sent to their area (mobilisation.contacts).
CONTACT_FIELDS = frozenset({"headquarters_address", "hotline"})


@transaction.atomic
def update_delegation(delegation: Delegation, user, **fields) -> Delegation:
    """Correct a delegation (a wrong hotline or headquarters address, other dates or deputies). Only the fields
    given change; every problem is reported at once, by field, and nothing is saved then."""
    unknown = set(fields) - EDITABLE_DELEGATION_FIELDS
    if unknown:
        raise ValueError(f"update_delegation cannot change {sorted(unknown)}")
    if set(fields) <= CONTACT_FIELDS and user.has_role_perm("mobilisation.contacts"):
        # The commune (or district) knows its own headquarters and hotline best: it may correct just those.
        _require_visible(user, delegation, Delegation)
    else:
        _require_delegation(user, delegation)
    delegation = (
        Delegation.objects.select_for_update().select_related("target_unit", "coordination_team").get(pk=delegation.pk)
    )
    old_period = (delegation.start_date, delegation.end_date)
    coordination_team = fields.get("coordination_team", delegation.coordination_team)
    if coordination_team.pk != delegation.coordination_team_id:
        _require_visible(user, coordination_team, CoordinationTeam)
    old_deputies = list(delegation.deputies.all())
    deputies = list(fields["deputies"]) if "deputies" in fields else old_deputies
    for person in deputies:
        if person.pk not in {d.pk for d in old_deputies}:
            _require_visible(user, person, StaffMember)

    errors: dict[str, list] = {}

    def add(field: str, error: ValidationError | str) -> None:
        errors.setdefault(field, []).append(error)

    name = clean_text(fields.get("name", delegation.name))
    if not name:
        add("name", ValidationError(_("Give the delegation a name."), code="required"))
    start_date = fields.get("start_date", delegation.start_date)
    end_date = fields.get("end_date", delegation.end_date)
    if end_date < start_date:
        add("end_date", ValidationError(_("The end date is before the start date."), code="dates_reversed"))
    target_unit = delegation.target_unit
    if not target_unit.path.startswith(coordination_team.unit.path):
        add(
            "coordination_team",
            _("%(team)s coordinates %(area)s; %(unit)s is outside it.")
            % {"team": coordination_team.name, "area": coordination_team.unit.name, "unit": target_unit.name},
        )
    if delegation.decision_id is not None and not errors.get("end_date"):
        period = delegation_assignments(delegation).aggregate(start=Min("start_date"), end=Max("end_date"))
        if period["start"] is not None and (start_date < period["start"] or end_date > period["end"]):
            add(
                "end_date" if start_date >= period["start"] else "start_date",
                _("The mobilisation for %(unit)s runs from %(start)s to %(end)s: the delegation must fit inside.")
                % {"unit": target_unit.name, "start": _day(period["start"]), "end": _day(period["end"])},
            )
    # Members already serving must stay inside the period: they are moved or let go first.
    memberships = TeamMembership.objects.filter(team__delegation=delegation)
    early = memberships.filter(joined_on__lt=start_date).order_by("joined_on").first()
    if early is not None:
        add(
            "start_date",
            ValidationError(
                _("%(name)s joined the team “%(team)s” on %(day)s, before that start date.")
                % {"name": early.staff.full_name, "team": early.team.name, "day": _day(early.joined_on)},
                code="members_before_start",
            ),
        )
    late = memberships.filter(joined_on__gt=end_date).order_by("-joined_on").first()
    if late is not None:
        add(
            "end_date",
            ValidationError(
                _("%(name)s joins the team “%(team)s” on %(day)s, after that end date.")
                % {"name": late.staff.full_name, "team": late.team.name, "day": _day(late.joined_on)},
                code="members_after_end",
            ),
        )
    if len({d.pk for d in deputies}) != len(deputies) or delegation.head_id in {d.pk for d in deputies}:
        add("deputies", ValidationError(_("The head and each deputy are different people."), code="duplicate_people"))

    hotline = fields.get("hotline", delegation.hotline)
    try:
        hotline = normalise_phone(hotline) if hotline.strip() else ""
    except ValidationError as exc:
        add("hotline", exc)

    delegation.name = name
    delegation.start_date, delegation.end_date = start_date, end_date
    delegation.coordination_team = coordination_team
    delegation.headquarters_address = clean_text(fields.get("headquarters_address", delegation.headquarters_address))
    delegation.hotline = hotline
    if not errors:
        # Deputies are checked against the (possibly new) period; so is the head when the dates move.
        dates_moved = (start_date, end_date) != old_period
        checks = [("deputies", d) for d in deputies if dates_moved or d.pk not in {o.pk for o in old_deputies}]
        if dates_moved:
            checks.insert(0, ("start_date", delegation.head))
        for field, person in checks:
            try:
                _check_leader(person, delegation)
            except ValidationError as exc:
                add(field, exc)
    if errors:
        raise ValidationError(errors)

    with acting_as(user):
        delegation.save()
        if {d.pk for d in deputies} != {d.pk for d in old_deputies}:
            delegation.deputies.set(deputies)
    return delegation


@transaction.atomic
def update_team(team: Team, user, *, name: str | None = None, task: str | None = None) -> Team:
    """Correct a team's name or task; its leader changes with change_leader, its members with the membership
    functions."""
    _require_delegation(user, team.delegation)
    errors: dict[str, list] = {}
    name = clean_text(team.name if name is None else name)
    task = team.task if task is None else task
    if not name:
        errors["name"] = [ValidationError(_("Give the team a name."), code="required")]
    elif team.delegation.teams.filter(name=name).exclude(pk=team.pk).exists():
        message = _("The delegation already has a team “%(name)s”.") % {"name": name}
        errors["name"] = [ValidationError(message, code="duplicate")]
    if task not in Task.values:
        message = _("Unknown task “%(task)s”.") % {"task": task}
        errors["task"] = [ValidationError(message, code="invalid_task")]
    if errors:
        raise ValidationError(errors)
    with acting_as(user):
        team.name, team.task = name, task
        team.save(update_fields=["name", "task"])
    return team

"""Community COVID teams (tổ COVID cộng đồng): one neighbourhood each, a leader whose phone reaches every household,
members, and the households they serve (seed 002). Each household belongs to at most one team.

A commune (or district) manages the teams of the neighbourhoods in its own jurisdiction ("community.manage"). Every
write runs as the user (auditlog) in one transaction, and bad input is refused with a specific ValidationError.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from phaodai.core.audit import acting_as
from phaodai.core.text import clean_text, fold
from phaodai.duty.models import CommunityTeam, CommunityTeamHousehold, CommunityTeamMember
from phaodai.places.models import AdminUnit, Household, Level
from phaodai.staff.identity import normalise_phone

MANAGE = "community.manage"


def require_manage(user) -> None:
    if not user.has_role_perm(MANAGE):
        raise PermissionDenied(_("Your role does not allow managing community COVID teams."))


def manageable_neighbourhoods(user) -> QuerySet[AdminUnit]:
    """Neighbourhoods inside the user's own jurisdiction (the district and province above a commune are context,
    not its units: they are never neighbourhoods anyway)."""
    units = AdminUnit.objects.visible_to(user).filter(level=Level.NEIGHBOURHOOD)
    if user.sees_everything:
        return units
    if user.scope_unit_id is None:
        return units.none()
    return units.filter(path__startswith=user.scope_unit.path)


def check_neighbourhood(user, neighbourhood: AdminUnit | None) -> AdminUnit:
    """The neighbourhood, if it is one and lies in the user's jurisdiction; otherwise a clear message."""
    if neighbourhood is None:
        raise ValidationError({"neighbourhood": _("Choose the neighbourhood.")}, code="required")
    if neighbourhood.level != Level.NEIGHBOURHOOD:
        raise ValidationError(
            {
                "neighbourhood": _(
                    "“%(unit)s” is not a neighbourhood: a community team serves one hamlet, area or residential group."
                )
                % {"unit": neighbourhood.name}
            },
            code="not_neighbourhood",
        )
    if not manageable_neighbourhoods(user).filter(pk=neighbourhood.pk).exists():
        raise ValidationError(
            {"neighbourhood": _("“%(unit)s” is outside your jurisdiction.") % {"unit": neighbourhood.name}},
            code="out_of_scope",
        )
    return neighbourhood


def _phone(value: str, field: str, *, required: bool) -> str:
    value = clean_text(value)
    if not value:
        if required:
            raise ValidationError({field: _("Enter a phone number.")}, code="required")
        return ""
    try:
        return normalise_phone(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}, code="phone_invalid") from exc


def _team_fields(user, neighbourhood, name: str, leader_name: str, leader_phone: str, exclude: CommunityTeam | None):
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, object] = {}
    for field, check in (
        ("neighbourhood", lambda: check_neighbourhood(user, neighbourhood)),
        ("leader_phone", lambda: _phone(leader_phone, "leader_phone", required=True)),
    ):
        try:
            cleaned[field] = check()
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    name, leader_name = clean_text(name), clean_text(leader_name)
    if not name:
        errors.setdefault("name", []).append(_("Enter the team's name."))
    if not leader_name:
        errors.setdefault("leader_name", []).append(_("Enter the team leader's name."))
    if name and "neighbourhood" in cleaned:
        same = CommunityTeam.objects.filter(neighbourhood=cleaned["neighbourhood"])
        if exclude is not None:
            same = same.exclude(pk=exclude.pk)
        if any(fold(t) == fold(name) for t in same.values_list("name", flat=True)):
            errors.setdefault("name", []).append(
                _("%(unit)s already has a team named “%(name)s”.") % {"unit": cleaned["neighbourhood"], "name": name}
            )
    if errors:
        raise ValidationError(errors)
    return {**cleaned, "name": name, "leader_name": leader_name}


def create_team(user, *, neighbourhood: AdminUnit, name: str, leader_name: str, leader_phone: str) -> CommunityTeam:
    require_manage(user)
    fields = _team_fields(user, neighbourhood, name, leader_name, leader_phone, None)
    with acting_as(user), transaction.atomic():
        return CommunityTeam.objects.create(**fields)


def update_team(
    team: CommunityTeam, user, *, neighbourhood: AdminUnit, name: str, leader_name: str, leader_phone: str
) -> CommunityTeam:
    require_manage(user)
    check_team(user, team)
    fields = _team_fields(user, neighbourhood, name, leader_name, leader_phone, team)
    if fields["neighbourhood"] != team.neighbourhood and team.households.exists():
        raise ValidationError(
            {
                "neighbourhood": _(
                    "This team serves %(count)d households of %(unit)s: move them to another team before moving the "
                    "team to another neighbourhood."
                )
                % {"count": team.households.count(), "unit": team.neighbourhood}
            },
            code="has_households",
        )
    with acting_as(user), transaction.atomic():
        for key, value in fields.items():
            setattr(team, key, value)
        team.save()
    return team


def check_team(user, team: CommunityTeam) -> None:
    """The team's neighbourhood must be in the user's own jurisdiction (seeing it is not enough to change it)."""
    if not manageable_neighbourhoods(user).filter(pk=team.neighbourhood_id).exists():
        raise PermissionDenied(_("This team is outside your jurisdiction."))


def add_member(team: CommunityTeam, user, *, full_name: str, phone: str = "", role: str = "") -> CommunityTeamMember:
    require_manage(user)
    check_team(user, team)
    full_name, role = clean_text(full_name), clean_text(role)
    errors: dict[str, list[str]] = {}
    if not full_name:
        errors["full_name"] = [_("Enter the member's full name.")]
    try:
        phone = _phone(phone, "phone", required=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if full_name and team.members.filter(full_name__iexact=full_name, phone=phone).exists():
        errors.setdefault("full_name", []).append(
            _("%(name)s is already a member of %(team)s.") % {"name": full_name, "team": team}
        )
    if errors:
        raise ValidationError(errors)
    with acting_as(user), transaction.atomic():
        return CommunityTeamMember.objects.create(team=team, full_name=full_name, phone=phone, role=role)


def remove_member(member: CommunityTeamMember, user) -> None:
    require_manage(user)
    check_team(user, member.team)
    with acting_as(user), transaction.atomic():
        member.delete()


def team_of(household: Household) -> CommunityTeam | None:
    link = CommunityTeamHousehold.objects.filter(household=household).select_related("team").first()
    return link.team if link else None


def attach_household(team: CommunityTeam, user, household: Household, *, move: bool = False) -> CommunityTeamHousehold:
    """The household now belongs to `team`. One already served by another team is refused, naming that team, unless
    the move is explicit (`move=True`): a household never belongs to two teams."""
    require_manage(user)
    check_team(user, team)
    if household.neighbourhood_id != team.neighbourhood_id:
        raise ValidationError(
            {
                "household": _(
                    "%(household)s lives in %(unit)s; %(team)s serves %(team_unit)s. Attach it to a team of its own "
                    "neighbourhood."
                )
                % {
                    "household": household,
                    "unit": household.neighbourhood,
                    "team": team,
                    "team_unit": team.neighbourhood,
                }
            },
            code="other_neighbourhood",
        )
    with acting_as(user), transaction.atomic():
        link = CommunityTeamHousehold.objects.select_for_update().filter(household=household).first()
        if link is not None and link.team_id == team.pk:
            return link
        if link is not None and not move:
            raise ValidationError(
                {
                    "household": _(
                        "%(household)s already belongs to %(team)s (leader %(leader)s). A household belongs to one "
                        "team: choose “move” to move it here."
                    )
                    % {"household": household, "team": link.team, "leader": link.team.leader_name}
                },
                code="in_other_team",
            )
        if link is not None:
            link.team = team
            link.save()
            return link
        return CommunityTeamHousehold.objects.create(team=team, household=household)


def detach_household(team: CommunityTeam, user, household: Household) -> None:
    require_manage(user)
    check_team(user, team)
    with acting_as(user), transaction.atomic():
        deleted, _rows = CommunityTeamHousehold.objects.filter(team=team, household=household).delete()
    if not deleted:
        raise ValidationError(
            _("%(household)s is not served by %(team)s.") % {"household": household, "team": team}, code="not_in_team"
        )

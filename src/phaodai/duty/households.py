"""Households (hộ gia đình) of a neighbourhood: the registry the community COVID teams serve.

Registering or correcting one needs "community.manage" and a neighbourhood in one's own jurisdiction; the head of
household and the address are required, the phone is normalised (a non-Vietnamese number is refused), and the same
head at the same address is one household. `gaps(user)` shows where "every household belongs to one team" fails.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from phaodai.core.audit import acting_as
from phaodai.core.text import clean_text, fold
from phaodai.duty import community
from phaodai.duty.models import CommunityTeam
from phaodai.places.models import AdminUnit, Household

MAX_MEMBERS = 99


def _household_fields(user, neighbourhood, head_name, address, phone, members, exclude: Household | None) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, object] = {}
    try:
        cleaned["neighbourhood"] = community.check_neighbourhood(user, neighbourhood)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    head_name, address = clean_text(head_name), clean_text(address)
    if not head_name:
        errors["head_name"] = [_("Enter the head of household's name.")]
    if not address:
        errors["address"] = [_("Enter the household's address.")]
    try:
        cleaned["phone"] = community._phone(phone or "", "phone", required=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if members is None or not (1 <= int(members) <= MAX_MEMBERS):
        errors["members"] = [_("A household has between 1 and %(max)d members.") % {"max": MAX_MEMBERS}]
    if head_name and address and "neighbourhood" in cleaned:
        same = Household.objects.filter(
            neighbourhood=cleaned["neighbourhood"], search_name=fold(f"{head_name} {address}")
        )
        if exclude is not None:
            same = same.exclude(pk=exclude.pk)
        if same.exists():
            errors.setdefault("head_name", []).append(
                _("%(head)s at %(address)s is already registered in %(unit)s.")
                % {"head": head_name, "address": address, "unit": cleaned["neighbourhood"]}
            )
    if errors:
        raise ValidationError(errors)
    return {**cleaned, "head_name": head_name, "address": address, "members": int(members)}


def create_household(
    user,
    *,
    neighbourhood: AdminUnit,
    head_name: str,
    address: str,
    phone: str = "",
    members: int = 1,
    team: CommunityTeam | None = None,
) -> Household:
    """Register a household, and attach it to `team` if given (in the same transaction: both or neither)."""
    community.require_manage(user)
    fields = _household_fields(user, neighbourhood, head_name, address, phone, members, None)
    with acting_as(user), transaction.atomic():
        household = Household.objects.create(**fields)
        if team is not None:
            community.attach_household(team, user, household)
    return household


def update_household(
    household: Household, user, *, neighbourhood: AdminUnit, head_name: str, address: str, phone: str, members: int
) -> Household:
    community.require_manage(user)
    community.check_neighbourhood(user, household.neighbourhood)
    fields = _household_fields(user, neighbourhood, head_name, address, phone, members, household)
    team = community.team_of(household)
    if team is not None and fields["neighbourhood"] != household.neighbourhood:
        raise ValidationError(
            {
                "neighbourhood": _(
                    "%(household)s belongs to %(team)s of %(unit)s: remove it from that team before moving it to "
                    "another neighbourhood."
                )
                % {"household": household, "team": team, "unit": household.neighbourhood}
            },
            code="in_team",
        )
    with acting_as(user), transaction.atomic():
        for key, value in fields.items():
            setattr(household, key, value)
        household.save()
    return household


@dataclass(frozen=True)
class Gap:
    """A neighbourhood where not every household belongs to a team."""

    neighbourhood: AdminUnit
    households: int
    without_team: int
    teams: int


def gaps(user) -> list[Gap]:
    """Neighbourhoods of the user's jurisdiction with households outside any team, or households and no team."""
    # Only neighbourhoods whose households the user may see (household.view, own jurisdiction).
    units = AdminUnit.objects.filter(pk__in=Household.objects.visible_to(user).values("neighbourhood"))
    rows = (
        units.annotate(
            n_households=Count("households", distinct=True),
            n_without=Count("households", filter=Q(households__community_team_link__isnull=True), distinct=True),
            n_teams=Count("community_teams", distinct=True),
        )
        .filter(n_without__gt=0)
        .select_related("parent")
        .order_by("path")
    )
    return [Gap(u, u.n_households, u.n_without, u.n_teams) for u in rows]

"""Both blocs give in proportion to their size (seed 000, 3253/UBND-NC; issue #4's workflow).

Home Affairs mobilises the government bloc (departments, agencies, People's Committees) and the Party Organisation
Board the Party and mass-organisation bloc, "in proportion to the number of staff". So when Home Affairs approves
a request, each commune's number is split between the two blocs by the mobilisable pools of the province's
agencies in the request's period, and each bloc's allocation run fills only its own share:

1. the request's total D is split by the largest-remainder method on the two pools (government m_g, Party m_p):
   the Party bloc gives round(D × m_p / (m_g + m_p)) — exactly Hamilton's seat for two parties;
2. that Party total is spread over the communes in proportion to their approved numbers (largest remainder again,
   ties to the commune entered first), so the split of every commune adds up to the whole.

The pools are stored on the request (`bloc_pools`) so the split can be explained later, when the pools have moved.
A target approved before the split existed (`party_share` None) takes people from any bloc until it is full.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count
from django.utils.translation import gettext as _

from phaodai.mobilisation.models import (
    Assignment,
    AssignmentState,
    DecisionStatus,
    RequestTarget,
    StaffingRequest,
)
from phaodai.places.models import Agency, Bloc

#: Assignment states that hold a place (a released one held it: the person went).
HOLDING_STATES = [AssignmentState.PROPOSED, AssignmentState.APPROVED, AssignmentState.RELEASED]


def province_agencies(request: StaffingRequest):
    province_path = "/" + request.origin_unit.path.strip("/").split("/")[0] + "/"
    return Agency.objects.filter(unit__path__startswith=province_path).order_by("pk")


def pools_by_bloc(request: StaffingRequest) -> dict[str, int]:
    """Mobilisable people of the request's province for its period, per bloc (every bloc present, maybe 0)."""
    from phaodai.mobilisation.pool import mobilisable_pool

    pools = {bloc.value: 0 for bloc in Bloc}
    for row in mobilisable_pool(province_agencies(request), request.start_date, request.end_date):
        pools[row.agency.bloc] += row.mobilisable
    return pools


def party_shares(approved: dict[int, int], pools: dict[str, int]) -> dict[int, int]:
    """{target pk: places for the Party bloc} from the approved numbers per target (in entry order) and the
    blocs' mobilisable pools."""
    from phaodai.mobilisation.allocation import largest_remainder

    demand = sum(approved.values())
    # When the demand is not below both pools together, each bloc is asked for all it has (Hamilton gives each
    # its whole pool) and the government bloc's run reports the rest as its shortfall.
    by_bloc = largest_remainder(demand, {bloc.value: pools.get(bloc.value, 0) for bloc in Bloc})
    party_total = by_bloc[Bloc.PARTY.value][0]
    return {pk: share for pk, (share, _exact, _seat) in largest_remainder(party_total, approved).items()}


def bloc_share(target: RequestTarget, bloc: str) -> int | None:
    """The places of `target` that `bloc` fills, or None when the target was never split."""
    return target.party_share if bloc == Bloc.PARTY else target.government_share


def held_places(targets: Iterable[RequestTarget]) -> dict[tuple[int, str], int]:
    """{(target pk, bloc): places held by live decisions}, by the bloc of each person's agency."""
    rows = (
        Assignment.objects.filter(target__in=[t.pk for t in targets], state__in=HOLDING_STATES)
        .exclude(decision__status=DecisionStatus.CANCELLED)
        .values("target", "staff__agency__bloc")
        .annotate(n=Count("pk"))
        .values_list("target", "staff__agency__bloc", "n")
    )
    return {(target, bloc): n for target, bloc, n in rows}


def places_left(targets: Iterable[RequestTarget], blocs: Iterable[str]) -> dict[int, int]:
    """{target pk: places still to fill by a run over `blocs`}: each bloc's share less what that bloc's people
    already hold; an unsplit target: its approved number less everything held."""
    targets = list(targets)
    blocs = list(blocs)
    held = held_places(targets)
    left: dict[int, int] = {}
    for target in targets:
        if target.party_share is None:
            taken = sum(n for (pk, _bloc), n in held.items() if pk == target.pk)
            left[target.pk] = max(0, target.approved - taken)
        else:
            left[target.pk] = sum(max(0, bloc_share(target, bloc) - held.get((target.pk, bloc), 0)) for bloc in blocs)
    return left


def split_explanation(request: StaffingRequest) -> str:
    """One sentence on how the request's places were split between the blocs, in the active language."""
    pools = request.bloc_pools or {}
    if not pools:
        return ""
    targets = list(request.targets.all())
    party = sum(t.party_share or 0 for t in targets)
    numbers = {
        "demand": sum(t.approved for t in targets),
        "government_pool": pools.get(Bloc.GOVERNMENT, 0),
        "party_pool": pools.get(Bloc.PARTY, 0),
        "government": sum(t.approved for t in targets) - party,
        "party": party,
    }
    return (
        _(
            "%(demand)d places split in proportion to the mobilisable pools when approved (government bloc "
            "%(government_pool)d, Party and mass-organisation bloc %(party_pool)d): %(government)d for Home "
            "Affairs to fill from the government bloc, %(party)d for the Party Organisation Board."
        )
        % numbers
    )

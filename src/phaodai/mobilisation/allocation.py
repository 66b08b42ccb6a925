"""Allocation: from approved requests to named people, explainable and deterministic (issue #4, item 3).

`allocate(requests, user=..., today=...)` computes a proposal and writes nothing; `services.propose_decision`
persists it. The rules, in the order they apply:

1. **The pool.** The agencies the user may mobilise (`pool.mobilising_agencies`: government bloc with
   `mobilisation.decide`, Party bloc with `mobilisation.party`) and their free people (`pool.PoolSnapshot`). When
   the requests of one run have different periods, an agency's mobilisable count is taken in its tightest period
   (the fewest available): then whichever requests its people go to, it keeps its in-office minimum on every day.
2. **Quotas per agency** on the run's total demand D (each target's share for the run's bloc, less the places
   that bloc's people already hold in live decisions, summed: `blocs.py` splits every target between the
   government bloc and the Party bloc in proportion to their pools when Home Affairs approves) and the pool's total
   M (mobilisable, summed), by the largest-remainder (Hamilton) method: agency a with m mobilisable gets
   floor(m × D / M), and the seats still missing go to the largest fractional remainders (ties: more mobilisable
   first, then the older agency; the computation of every agency in such a tie says so). When D ≥ M every agency
   gives all its mobilisable people and the rest is a shortfall. A quota never exceeds the mobilisable count, so
   no agency drops below its in-office minimum.
3. **People for each target**, drawn from the agencies' remaining quotas. A person is a candidate for a target when
   free in its request's period, holding EVERY required skill and, for a "vaccinated only" request, fully
   vaccinated (these are gates, never traded off). Candidates are ranked by: where they live (in the target commune,
   then elsewhere in its district, then further away; `StaffMember.home_unit` path), then how many of the
   request's preferred skills they have, then key leaders last (`staff.positions.is_key_leader`: seed 004 keeps
   the heads and deputy heads of Party committees, People's Committees, agencies and health stations on site, so a
   leader comes after everyone else however rested; a pick of one says so), then rotation (fewest days in approved
   assignments in the 30 days before `today`), then a
   stable pseudo-random tie-break (`tie_break`: a hash of the run's requests and the staff pk). The pk alone
   would always send the oldest records, and in real data those are the chairmen and directors entered first.
4. **How targets share people.** Each person is picked at most once per run (so never for two overlapping
   requests). Targets whose request requires skills are served first, so that the few people with a skill are not
   used up by targets that do not need it. Within that, people are handed out by distance rings: every target
   first gets the people who live in its commune, then those of its district, then anyone; within a ring the
   targets take turns, the one with the smallest share filled first (so a shortage is spread in proportion to
   what each target asked for, not left to the last one).
5. **Beyond the quota.** When the gates leave a target short although some agency still has mobilisable people
   beyond its quota (e.g. the quotas fell on agencies without the required skill), a second round fills it from
   those people with the same ranking. Such picks say so in their "why" and the agency's computation shows
   them; the in-office minimum still holds.
6. **Shortfalls.** Whatever is still missing is reported per target (wanted, filled); nothing is filled beyond
   the pool.

Everything is read with a handful of queries (requests, agencies, people, skills, assignments) and computed in
Python with sorted lists, so the same input gives the same output, and 50,000 people take about a second.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.formats import date_format, get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from phaodai.mobilisation.blocs import places_left
from phaodai.mobilisation.models import (
    Assignment,
    AssignmentState,
    RequestStatus,
    RequestTarget,
    StaffingRequest,
)
from phaodai.mobilisation.pool import BLOC_PERMISSIONS, Period, PoolRow, PoolSnapshot, mobilising_agencies
from phaodai.mobilisation.reasons import reason, render
from phaodai.places.models import Agency, Level
from phaodai.staff.models import Skill, StaffMember, VaccinationStatus
from phaodai.staff.positions import is_key_leader

ROTATION_DAYS = 30
FULLY_VACCINATED = {VaccinationStatus.FULL, VaccinationStatus.BOOSTER}

# Distance rings (rule 3).
IN_COMMUNE, IN_DISTRICT, FURTHER = 0, 1, 2
RINGS = (IN_COMMUNE, IN_DISTRICT, FURTHER)


# ---------------------------------------------------------------------------------------------------------------
# Results


def _equals(value: Fraction) -> str:
    """ "= 7.5" (", " as the decimal separator in Vietnamese), or "≈ 2.33" for a share that is not a short decimal:
    the operator belongs to the number, so the sentence never reads "= ≈"."""
    if value.denominator == 1:
        return f"= {value.numerator}"
    rounded = round(value, 2)
    text = f"{float(rounded):.2f}".rstrip("0").rstrip(".").replace(".", get_format("DECIMAL_SEPARATOR"))
    return f"= {text}" if rounded == value else f"≈ {text}"


def _period(period: Period) -> str:
    return f"{date_format(period[0], 'SHORT_DATE_FORMAT')}–{date_format(period[1], 'SHORT_DATE_FORMAT')}"


@dataclass(frozen=True)
class RemainderTie:
    """An agency whose fractional remainder equals that of others when the last remainder seats are handed out,
    so that the tie-break (more mobilisable, then the agency recorded first) decided whether it got a seat."""

    tied: int  # agencies with this remainder, this one included
    seats: int  # remainder seats that went to them
    won: bool

    @property
    def explanation(self) -> str:
        numbers = {"tied": self.tied, "seats": self.seats}
        if self.won:
            text = ngettext(
                "tie: %(tied)d agencies have this remainder and %(seats)d seat is left; it goes to the larger pool, "
                "then to the agency recorded first: this agency gets it",
                "tie: %(tied)d agencies have this remainder and %(seats)d seats are left; they go to the larger pools, "
                "then to the agencies recorded first: this agency gets one",
                self.seats,
            )
        else:
            text = ngettext(
                "tie: %(tied)d agencies have this remainder and %(seats)d seat is left; it goes to the larger pool, "
                "then to the agency recorded first: this agency does not get it",
                "tie: %(tied)d agencies have this remainder and %(seats)d seats are left; they go to the larger "
                "pools, then to the agencies recorded first: this agency gets none",
                self.seats,
            )
        return text % numbers

    def as_json(self) -> dict:
        return {"tied": self.tied, "seats": self.seats, "won": self.won}


@dataclass
class AgencyQuota:
    """One agency's part: its pool (in the run's tightest period), exact share, quota and what was taken."""

    agency: Agency
    pool: PoolRow
    demand: int
    pool_total: int
    share: Fraction
    quota: int
    remainder_seat: bool = False
    beyond_quota: int = 0
    taken: int = 0
    several_periods: bool = False
    tie: RemainderTie | None = None

    @property
    def mobilisable(self) -> int:
        return self.pool.mobilisable

    @property
    def computation(self) -> str:
        numbers = {
            "m": self.mobilisable,
            "total": self.pool.total,
            "demand": self.demand,
            "pool": self.pool_total,
            "share": _equals(self.share),
            "floor": self.quota - int(self.remainder_seat),
            "quota": self.quota,
            "period": _period((self.pool.start, self.pool.end)),
        }
        # The period is always said: the same agency has another pool in another period (the pool page's default
        # is the next two weeks), and a reader comparing the two must see why they differ.
        if self.several_periods:
            text = _("mobilisable %(m)d of %(total)d staff in %(period)s, its tightest period") % numbers
        else:
            text = _("mobilisable %(m)d of %(total)d staff in %(period)s") % numbers
        if self.mobilisable == 0:
            text += " → 0"
        elif self.demand >= self.pool_total:
            text += " → " + _("all %(m)d: the demand (%(demand)d) is not below the whole pool (%(pool)d)") % numbers
        elif self.remainder_seat:
            text += " → " + (
                _("%(m)d × %(demand)d / %(pool)d %(share)s → %(floor)d + 1 (largest remainder) = %(quota)d") % numbers
            )
        else:
            text += " → " + _("%(m)d × %(demand)d / %(pool)d %(share)s → %(quota)d") % numbers
        if self.tie is not None:
            text += "; " + self.tie.explanation
        if self.beyond_quota:
            text += "; " + (
                ngettext(
                    "%(n)d more beyond the quota, for requests the quotas alone could not fill",
                    "%(n)d more beyond the quota, for requests the quotas alone could not fill",
                    self.beyond_quota,
                )
                % {"n": self.beyond_quota}
            )
        return text

    def as_json(self) -> dict:
        return {
            "agency": self.agency.pk,
            "agency_name": self.agency.name,
            "bloc": self.agency.bloc,
            "headcount": self.pool.headcount,
            "min_in_office": self.pool.min_in_office,
            "staff": self.pool.total,
            "available": self.pool.available,
            "mobilisable": self.mobilisable,
            "period": [self.pool.start.isoformat(), self.pool.end.isoformat()],
            "share": f"{self.share.numerator}/{self.share.denominator}",
            "quota": self.quota,
            "remainder_seat": self.remainder_seat,
            "remainder_tie": self.tie.as_json() if self.tie else None,
            "beyond_quota": self.beyond_quota,
            "taken": self.taken,
            "pool_computation": self.pool.computation,
            "computation": self.computation,
        }


class _People:
    """The picked people as StaffMember objects, read in one query the first time any pick's `staff` is asked
    for (persisting a proposal needs only `staff_id`)."""

    def __init__(self, pks: list[int]):
        self.pks = pks
        self.loaded: dict[int, StaffMember] | None = None

    def get(self, pk: int) -> StaffMember | None:
        if self.loaded is None:
            self.loaded = StaffMember.objects.in_bulk(self.pks)
        return self.loaded.get(pk)


@dataclass
class Pick:
    """One person for one target, with the reasons, rendered in the active language when read (`why`)."""

    target: RequestTarget
    agency: Agency
    staff_id: int
    ring: int
    required: tuple[Skill, ...]
    preferred: tuple[Skill, ...]
    vaccinated_only: bool
    has_home: bool
    rotation_days: int
    quota: int
    beyond_quota: bool
    people: _People = field(repr=False, compare=False)
    key_post: str = ""  # the position, when it is a key leader's (ranked last, seed 004)

    @property
    def staff(self) -> StaffMember | None:
        return self.people.get(self.staff_id)

    @property
    def reasons(self) -> list[dict]:
        """The reasons as stored (reasons.py): message ids and parameters, put into words on reading."""
        reasons = [
            reason(gettext_noop("has the required skill %(skill)s"), skills={"skill": skill.code})
            for skill in self.required
        ]
        if self.vaccinated_only:
            reasons.append(reason(gettext_noop("is fully vaccinated, as the request requires")))
        if self.ring == IN_COMMUNE:
            reasons.append(reason(gettext_noop("lives in the target commune")))
        elif self.ring == IN_DISTRICT:
            reasons.append(reason(gettext_noop("lives in the target commune's district")))
        elif self.has_home:
            reasons.append(reason(gettext_noop("lives outside the target commune's district (no one nearer was left)")))
        else:
            reasons.append(reason(gettext_noop("place of residence not recorded")))
        reasons.extend(
            reason(gettext_noop("has the preferred skill %(skill)s"), skills={"skill": skill.code})
            for skill in self.preferred
        )
        if self.rotation_days:
            reasons.append(
                reason(
                    gettext_noop("%(days)d day mobilised in the last 30 days"),
                    plural=gettext_noop("%(days)d days mobilised in the last 30 days"),
                    n=self.rotation_days,
                    days=self.rotation_days,
                )
            )
        else:
            reasons.append(reason(gettext_noop("not mobilised in the last 30 days")))
        if self.key_post:
            reasons.append(
                reason(
                    gettext_noop(
                        "holds a key post (%(position)s), which should stay on site: picked only because nobody "
                        "else equally suited was left"
                    ),
                    position=self.key_post,
                )
            )
        numbers = {"agency": self.agency.name, "quota": self.quota}
        if self.beyond_quota:
            reasons.append(
                reason(
                    gettext_noop(
                        "beyond the quota of %(agency)s (%(quota)d): the quotas alone could not fill this request"
                    ),
                    **numbers,
                )
            )
        else:
            reasons.append(reason(gettext_noop("within the quota of %(agency)s (%(quota)d)"), **numbers))
        return reasons

    @property
    def why(self) -> list[str]:
        """The reasons in the active language."""
        return render(self.reasons)


@dataclass
class Shortfall:
    target: RequestTarget
    wanted: int
    filled: int
    demand_exceeds_pool: bool

    @property
    def missing(self) -> int:
        return self.wanted - self.filled

    @property
    def reason(self) -> str:
        if self.demand_exceeds_pool:
            return _("the demand exceeds the whole mobilisable pool")
        return _("not enough people left in the pool meet this request's conditions (skills, vaccination, period)")

    def as_json(self) -> dict:
        return {
            "target": self.target.pk,
            "request": self.target.request_id,
            "commune": self.target.commune_id,
            "commune_name": self.target.commune.name,
            "wanted": self.wanted,
            "filled": self.filled,
            "missing": self.missing,
            "reason": self.reason,
        }


@dataclass
class AllocationProposal:
    requests: list[StaffingRequest]
    today: date
    demand: int
    pool_total: int
    quotas: list[AgencyQuota]
    picks: list[Pick]
    shortfalls: list[Shortfall]
    targets: list[tuple[RequestTarget, int, int]] = field(default_factory=list)  # (target, wanted, filled)

    @property
    def filled(self) -> int:
        return len(self.picks)

    def signature(self) -> tuple:
        """What must be identical when the same input is allocated twice."""
        return (
            tuple((q.agency.pk, q.mobilisable, q.quota, q.beyond_quota, q.taken) for q in self.quotas),
            tuple((p.target.pk, p.staff_id, p.beyond_quota) for p in self.picks),
            tuple((s.target.pk, s.wanted, s.filled) for s in self.shortfalls),
        )

    def as_json(self) -> dict:
        """For MobilisationDecision.explanation: the method, the quota arithmetic, the targets and shortfalls."""
        return {
            "method": "largest-remainder",
            "today": self.today.isoformat(),
            "requests": [r.pk for r in self.requests],
            "demand": self.demand,
            "pool": self.pool_total,
            "filled": self.filled,
            "quotas": [q.as_json() for q in self.quotas],
            "targets": [
                {"target": t.pk, "request": t.request_id, "commune": t.commune_id, "wanted": w, "filled": f}
                for t, w, f in self.targets
            ],
            "shortfalls": [s.as_json() for s in self.shortfalls],
        }


# ---------------------------------------------------------------------------------------------------------------
# Quotas


def largest_remainder(demand: int, mobilisable: dict[int, int]) -> dict[int, tuple[int, Fraction, bool]]:
    """{agency pk: (quota, exact share, got a largest-remainder seat)}; keys in the given order.

    Hamilton's method on `demand` seats in proportion to `mobilisable`; never more than an agency's mobilisable.
    Ties between equal remainders go to the agency with more mobilisable people, then to the smaller pk.
    """
    total = sum(mobilisable.values())
    if total == 0 or demand <= 0:
        return {pk: (0, Fraction(0), False) for pk in mobilisable}
    if demand >= total:
        return {pk: (m, Fraction(m), False) for pk, m in mobilisable.items()}
    shares = {pk: Fraction(m * demand, total) for pk, m in mobilisable.items()}
    floors = {pk: share.numerator // share.denominator for pk, share in shares.items()}
    left = demand - sum(floors.values())
    by_remainder = sorted(
        (pk for pk, share in shares.items() if share != floors[pk]),
        key=lambda pk: (-(shares[pk] - floors[pk]), -mobilisable[pk], pk),
    )
    seats = set(by_remainder[:left])
    return {pk: (floors[pk] + (pk in seats), shares[pk], pk in seats) for pk in mobilisable}


def remainder_ties(quotas: dict[int, tuple[int, Fraction, bool]]) -> dict[int, RemainderTie]:
    """The agencies for which `largest_remainder`'s tie-break decided a seat: those whose remainder equals the
    remainder where the seats ran out, when that remainder is shared by agencies that got a seat and others that
    did not. Agencies with a unique remainder, or a tie where everyone (or no one) got a seat, are not listed."""
    remainders = {pk: share - share.numerator // share.denominator for pk, (_q, share, _seat) in quotas.items()}
    won = [pk for pk, (_q, _share, seat) in quotas.items() if seat]
    if not won:
        return {}
    cut = min(remainders[pk] for pk in won)  # the smallest remainder that still got a seat
    tied = [pk for pk, remainder in remainders.items() if remainder == cut]
    winners = [pk for pk in tied if quotas[pk][2]]
    if len(winners) == len(tied):
        return {}
    return {pk: RemainderTie(tied=len(tied), seats=len(winners), won=quotas[pk][2]) for pk in tied}


# ---------------------------------------------------------------------------------------------------------------
# People


def tie_break_salt(requests: Iterable[StaffingRequest]) -> bytes:
    """What the tie-break of one run depends on besides the person: the set of requests (not their order)."""
    return ",".join(str(pk) for pk in sorted(r.pk for r in requests)).encode()


def tie_break(salt: bytes, staff_pk: int) -> bytes:
    """The last ranking key between otherwise equal candidates: stable across runs, processes and databases
    (hashlib, not Python's salted `hash()`), spread evenly over the people rather than favouring the oldest records.

    It depends on the run's requests, not on each target: one ranking per run lets the targets share their
    candidate lists (`_Lane`), which keeps 50,000 people at about a second; different requests still draw
    different people among equals.
    """
    return hashlib.blake2b(salt + b":" + str(staff_pk).encode(), digest_size=8).digest()


class _Lane:
    """People (indices in ranking order) that several targets walk through, with `jump`: someone found dead
    (picked, or their agency has no room left) is jumped over for good, so a crowded lane costs each target little.
    `jump[k] == k` for a position not known to be dead; `jump[len(people)]` is the end."""

    __slots__ = ("people", "jump")

    def __init__(self, people: list[int]):
        self.people = people
        self.jump = list(range(len(people) + 1))


@dataclass
class _Target:
    order: int
    target: RequestTarget
    request: StaffingRequest
    wanted: int
    period: Period
    required: frozenset[int]
    preferred: frozenset[int]
    vaccinated_only: bool
    commune_path: str
    district_path: str | None
    filled: int = 0


class _Allocator:
    def __init__(self, requests: list[StaffingRequest], agencies: list[Agency], today: date):
        self.requests = requests
        self.agencies = agencies
        self.today = today
        self.targets: list[_Target] = []
        # Each bloc fills its own share of every target (blocs.py: Home Affairs the government bloc's, the Party
        # Organisation Board the Party bloc's), less the places its people already hold in live decisions.
        run_blocs = sorted({agency.bloc for agency in agencies})
        all_targets = [t for request in requests for t in request.targets.all()]
        left = places_left(all_targets, run_blocs)
        for request in requests:
            required = frozenset(s.pk for s in request.required_skills.all())
            preferred = frozenset(s.pk for s in request.preferred_skills.all()) - required
            for target in sorted(request.targets.all(), key=lambda t: (t.commune.path, t.pk)):
                missing = left[target.pk]
                if missing <= 0:
                    continue
                commune = target.commune
                parent = commune.parent
                self.targets.append(
                    _Target(
                        order=len(self.targets),
                        target=target,
                        request=request,
                        wanted=missing,
                        period=(request.start_date, request.end_date),
                        required=required,
                        preferred=preferred,
                        vaccinated_only=request.vaccinated_only,
                        commune_path=commune.path,
                        # Under the two-level structure (2025) a commune's parent is the province: no district ring.
                        district_path=parent.path if parent is not None and parent.level == Level.DISTRICT else None,
                    )
                )
        self.demand = sum(t.wanted for t in self.targets)
        self.periods = sorted({t.period for t in self.targets}) or sorted(
            {(r.start_date, r.end_date) for r in requests}
        )
        self.skill_ids = sorted(set().union(*(t.required | t.preferred for t in self.targets)))

    # -- reading ---------------------------------------------------------------------------------------------

    def load(self) -> None:
        snapshot = PoolSnapshot(
            self.agencies, self.periods, fields=("vaccination_status", "home_unit__path", "position")
        )
        self.snapshot = snapshot
        # The pool of each agency in its tightest period (rule 1).
        rows_by_period = {period: snapshot.rows(period) for period in self.periods}
        self.pool: dict[int, PoolRow] = {}
        for index, agency in enumerate(self.agencies):
            rows = [rows_by_period[period][index] for period in self.periods]
            self.pool[agency.pk] = min(rows, key=lambda row: (row.available, row.start, row.end))

        agency_ids = [a.pk for a in self.agencies]
        skills: dict[int, set[int]] = {}
        if self.skill_ids and agency_ids:
            links = StaffMember.skills.through.objects.filter(
                staffmember__agency_id__in=agency_ids, skill_id__in=self.skill_ids
            ).values_list("staffmember_id", "skill_id")
            for staff_id, skill_id in links:
                skills.setdefault(staff_id, set()).add(skill_id)
        rotation = self._rotation_days(agency_ids)

        # Only people free of leave and isolation, of an agency with something to give, are ever candidates.
        giving = {pk for pk, row in self.pool.items() if row.mobilisable > 0}
        free = [row for row in snapshot.free if row[1] in giving]
        leader = {row[0] for row in free if is_key_leader(row[5])}
        salt = tie_break_salt(self.requests)
        free.sort(key=lambda row: (row[0] in leader, rotation.get(row[0], 0), tie_break(salt, row[0])))
        empty: frozenset[int] = frozenset()
        self.pk = [row[0] for row in free]
        self.agency_of = [row[1] for row in free]
        self.vaccinated = [row[3] in FULLY_VACCINATED for row in free]
        self.home = [row[4] or "" for row in free]
        self.skills = [frozenset(skills[row[0]]) if row[0] in skills else empty for row in free]
        self.rotation = [rotation.get(row[0], 0) for row in free]
        self.key_post = [row[5] if row[0] in leader else "" for row in free]
        index_of = {pk: i for i, pk in enumerate(self.pk)}
        self.busy = {
            period: {index_of[pk] for pk in staff if pk in index_of} for period, staff in snapshot.busy.items()
        }

        # Lanes in ranking order (key leaders last, rotation, tie-break): everyone, per home unit (only the units
        # targets need), per skill.
        needed = {t.commune_path for t in self.targets} | {t.district_path for t in self.targets if t.district_path}
        by_home: dict[str, list[int]] = {}
        for i, home in enumerate(self.home):
            if home:
                by_home.setdefault(home, []).append(i)
        self.by_unit: dict[str, list[int]] = {path: [] for path in needed}
        for home, people in by_home.items():
            for path in needed:
                if home.startswith(path):
                    self.by_unit[path].extend(people)
        for people in self.by_unit.values():
            people.sort()
        self.by_skill: dict[int, list[int]] = {pk: [] for pk in self.skill_ids}
        for i, held in enumerate(self.skills):
            for skill in held:
                self.by_skill[skill].append(i)
        self.everyone = list(range(len(free)))
        self.subsets: dict[tuple, list[int]] = {}

    def _rotation_days(self, agency_ids: list[int]) -> dict[int, int]:
        """Days each person spent in approved (or since released) assignments in the 30 days before today."""
        first, last = self.today - timedelta(days=ROTATION_DAYS), self.today - timedelta(days=1)
        spans: dict[int, list[tuple[date, date]]] = {}
        if agency_ids:
            rows = Assignment.objects.filter(
                state__in=[AssignmentState.APPROVED, AssignmentState.RELEASED],
                staff__agency_id__in=agency_ids,
                start_date__lte=last,
                end_date__gte=first,
            ).values_list("staff_id", "start_date", "end_date")
            for staff_id, start, end in rows:
                spans.setdefault(staff_id, []).append((max(start, first), min(end, last)))
        days = {}
        for staff_id, periods in spans.items():
            # Days, not assignments: overlapping spans (a released one and a new one) count once.
            covered, reached = 0, first - timedelta(days=1)
            for start, end in sorted(periods):
                start = max(start, reached + timedelta(days=1))
                if end >= start:
                    covered += (end - start).days + 1
                    reached = end
            days[staff_id] = covered
        return days

    # -- choosing --------------------------------------------------------------------------------------------

    def ring_of(self, i: int, t: _Target) -> int:
        home = self.home[i]
        if home.startswith(t.commune_path):
            return IN_COMMUNE
        if t.district_path and home.startswith(t.district_path):
            return IN_DISTRICT
        return FURTHER

    def _subset(self, unit: str | None, skills: frozenset[int], vaccinated: bool) -> list[int]:
        """The people living under `unit` (None: anywhere) holding one of `skills` (empty: any), fully vaccinated
        if asked; in ranking order. Built once per run and shared by the targets that need it."""
        key = (unit, skills, vaccinated)
        people = self.subsets.get(key)
        if people is None:
            if unit is not None:
                people = self.by_unit[unit]
                if skills:
                    held = self.skills
                    people = [i for i in people if not skills.isdisjoint(held[i])]
            elif skills:
                people = sorted(set().union(*(self.by_skill[s] for s in skills)))
            else:
                people = self.everyone
            if vaccinated:
                fully = self.vaccinated
                people = [i for i in people if fully[i]]
            self.subsets[key] = people
        return people

    def _lane_plan(self, t: _Target, ring: int) -> Iterator[tuple[list[int], int]]:
        """(people, number of the request's preferred skills they must hold) in the order a target looks at them in
        one ring: the narrowest list that holds every candidate (a required skill, the vaccinated)."""
        rarest = frozenset({min(t.required, key=lambda s: (len(self.by_skill[s]), s))}) if t.required else frozenset()
        counts = range(len(t.preferred), -1, -1) if t.preferred else (0,)
        for count in counts:
            if ring == IN_COMMUNE:
                yield self._subset(t.commune_path, rarest, t.vaccinated_only), count
            elif ring == IN_DISTRICT:
                if t.district_path:
                    yield self._subset(t.district_path, rarest, t.vaccinated_only), count
            else:
                options = [self._subset(None, rarest, t.vaccinated_only)]
                if count:
                    options.append(self._subset(None, t.preferred, t.vaccinated_only))
                yield min(options, key=len), count

    def candidates(self, t: _Target, ring: int, lanes: dict[int, _Lane], room: dict[int, int]) -> Iterator[int]:
        """The target's candidates in one ring, best first, skipping the dead; lazily, as the others pick too."""
        busy = self.busy[t.period]
        used, agency_of, skills, vaccinated = self.used, self.agency_of, self.skills, self.vaccinated
        required, preferred, vaccinated_only = t.required, t.preferred, t.vaccinated_only
        for people, count in self._lane_plan(t, ring):
            lane = lanes.get(id(people))
            if lane is None:
                lane = lanes[id(people)] = _Lane(people)
            jump, end, position = lane.jump, len(people), 0
            while True:
                # The next living position (path halving keeps the jumps short).
                following = jump[position]
                if following != position:
                    jump[position] = jump[following]
                    position = following
                    continue
                if position == end:
                    break
                i = people[position]
                if used[i] or room[agency_of[i]] <= 0:
                    jump[position] = position + 1
                    continue
                position += 1
                if i in busy or (vaccinated_only and not vaccinated[i]):
                    continue
                held = skills[i]
                if not required <= held or len(preferred & held) != count or self.ring_of(i, t) != ring:
                    continue
                yield i

    def fill(self, room: dict[int, int], beyond_quota: bool) -> None:
        """Hand out people to the targets still short, in turns (rule 4), while their agencies have room."""
        used, agency_of = self.used, self.agency_of
        lanes: dict[int, _Lane] = {}
        skilled = [t for t in self.targets if t.required]
        others = [t for t in self.targets if not t.required]
        for group in (skilled, others):
            for ring in RINGS:
                turns = [(t.filled / t.wanted, t.order) for t in group if t.filled < t.wanted]
                heapq.heapify(turns)
                walking = {order: self.candidates(self.targets[order], ring, lanes, room) for _, order in turns}
                while turns:
                    _, order = heapq.heappop(turns)
                    t = self.targets[order]
                    i = next(walking[order], None)
                    if i is None:
                        continue  # nobody left for this target in this ring
                    used[i] = 1
                    room[agency_of[i]] -= 1
                    t.filled += 1
                    self.chosen.append((t, i, ring, beyond_quota))
                    if t.filled < t.wanted:
                        heapq.heappush(turns, (t.filled / t.wanted, order))

    def run(self) -> None:
        self.load()
        mobilisable = {a.pk: self.pool[a.pk].mobilisable for a in self.agencies}
        self.pool_total = sum(mobilisable.values())
        self.quotas = largest_remainder(self.demand, mobilisable)
        self.used = bytearray(len(self.pk))
        self.chosen: list[tuple[_Target, int, int, bool]] = []
        room = {pk: quota for pk, (quota, _share, _seat) in self.quotas.items()}
        self.fill(room, beyond_quota=False)
        if any(t.filled < t.wanted for t in self.targets):
            taken: dict[int, int] = dict.fromkeys(mobilisable, 0)
            for _t, i, _ring, _beyond in self.chosen:
                taken[self.agency_of[i]] += 1
            spare = {pk: mobilisable[pk] - taken[pk] for pk in mobilisable}
            if any(spare.values()):
                self.fill(spare, beyond_quota=True)

    # -- the result ------------------------------------------------------------------------------------------

    def proposal(self) -> AllocationProposal:
        agencies = {a.pk: a for a in self.agencies}
        several = len(self.periods) > 1
        ties = remainder_ties(self.quotas)
        quotas = {}
        for agency in self.agencies:
            quota, share, seat = self.quotas[agency.pk]
            quotas[agency.pk] = AgencyQuota(
                agency=agency,
                pool=self.pool[agency.pk],
                demand=self.demand,
                pool_total=self.pool_total,
                share=share,
                quota=quota,
                remainder_seat=seat,
                several_periods=several,
                tie=ties.get(agency.pk),
            )
        # Per target, in the order the people were chosen (their ranking); sorted() is stable.
        chosen = sorted(self.chosen, key=lambda c: c[0].order)
        people = _People([self.pk[i] for _t, i, _r, _b in chosen])
        skills = {skill.pk: skill for skill in Skill.objects.filter(pk__in=self.skill_ids).order_by("code")}
        rank = {pk: n for n, pk in enumerate(skills)}  # skills listed in code order
        picks = []
        for t, i, ring, beyond in chosen:
            agency_quota = quotas[self.agency_of[i]]
            agency_quota.taken += 1
            agency_quota.beyond_quota += beyond
            held = self.skills[i]
            picks.append(
                Pick(
                    target=t.target,
                    agency=agencies[self.agency_of[i]],
                    staff_id=self.pk[i],
                    ring=ring,
                    required=tuple(skills[s] for s in sorted(t.required, key=rank.__getitem__)),
                    preferred=tuple(skills[s] for s in sorted(t.preferred & held, key=rank.__getitem__)),
                    vaccinated_only=t.vaccinated_only,
                    has_home=bool(self.home[i]),
                    rotation_days=self.rotation[i],
                    quota=agency_quota.quota,
                    beyond_quota=beyond,
                    people=people,
                    key_post=self.key_post[i],
                )
            )
        exceeded = self.demand > self.pool_total
        return AllocationProposal(
            requests=self.requests,
            today=self.today,
            demand=self.demand,
            pool_total=self.pool_total,
            quotas=list(quotas.values()),
            picks=picks,
            shortfalls=[Shortfall(t.target, t.wanted, t.filled, exceeded) for t in self.targets if t.filled < t.wanted],
            targets=[(t.target, t.wanted, t.filled) for t in self.targets],
        )


def _load_requests(requests: Iterable[StaffingRequest], user) -> list[StaffingRequest]:
    pks = [r.pk if isinstance(r, StaffingRequest) else int(r) for r in requests]
    if not pks:
        raise ValidationError(_("Choose at least one approved request to allocate."), code="no_requests")
    loaded = list(
        StaffingRequest.objects.visible_to(user)
        .filter(pk__in=pks)
        .prefetch_related("targets__commune__parent", "required_skills", "preferred_skills")
        .order_by("start_date", "pk")
    )
    if len(loaded) != len(set(pks)):
        raise PermissionDenied(_("Some of these requests are outside your jurisdiction."))
    not_approved = [r for r in loaded if r.status != RequestStatus.APPROVED]
    if not_approved:
        raise ValidationError(
            _("Only approved requests can be allocated; not yet approved: %(titles)s.")
            % {"titles": ", ".join(f"«{r.title}»" for r in not_approved)},
            code="request_not_approved",
        )
    return loaded


def allocate(requests: Iterable[StaffingRequest], *, user, today: date) -> AllocationProposal:
    """Propose people for approved requests (see the module docstring). Pure computation: writes nothing.

    Raises PermissionDenied when the user may mobilise no bloc or a request is outside their jurisdiction, and
    ValidationError (codes no_requests, request_not_approved) for bad input.
    """
    if not any(user.has_role_perm(permission) for permission in BLOC_PERMISSIONS.values()):
        raise PermissionDenied(
            _("Only the Department of Home Affairs and the Party Organisation Board allocate people.")
        )
    loaded = _load_requests(requests, user)
    agencies = list(mobilising_agencies(user).order_by("pk"))
    allocator = _Allocator(loaded, agencies, today)
    allocator.run()
    return allocator.proposal()

"""The mobilisable pool: who each agency can send for a period, with the arithmetic shown.

Seed 000 (3253/UBND-NC): the number mobilised depends on each agency's size, "while ensuring the number working at
the office" required by Directive 10/CT-UBND (`Agency.min_in_office`). For one agency and one period:

    staff registered − on leave − isolated or sick − already mobilised in an overlapping period = available
    kept in the office = the smaller of available and the minimum in office
    available − kept = mobilisable (never below 0)

The minimum comes from the headcount (biên chế), which can be larger than the staff recorded here: an agency with
240 available and a minimum of 463 keeps its 240, not 463. So kept ≤ available ≤ staff for every agency, and the
totals of a page add up (`PoolTotals`: available = kept + mobilisable).

"Already mobilised" means an APPROVED assignment overlapping the period. A person whose status says "mobilised"
but who has no approved assignment at all in this system was mobilised by someone else (outside phaodai) and counts
as already mobilised for every period; one whose approved assignments all lie outside the period is free for it.

Statuses (leave, isolation) are read as they are now: nobody knows whether today's sick person is back next week,
so the pool is on the safe side. Party-bloc agencies are mobilised only by the Party Organisation Board
(`mobilisation.party`), government-bloc ones only by Home Affairs (`mobilisation.decide`): `mobilising_agencies`.

`PoolSnapshot` reads everything with three queries whatever the number of people and is shared by the pool page
and the allocation (`phaodai.mobilisation.allocation`), so both count the same people the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phaodai.mobilisation.models import Assignment, AssignmentState
from phaodai.places.models import Agency, Bloc
from phaodai.staff.models import StaffMember, StaffStatus

Period = tuple[date, date]

#: Which bloc each mobilising permission covers (seed 000, item 3: the Party board mobilises the Party bloc).
BLOC_PERMISSIONS = {Bloc.GOVERNMENT: "mobilisation.decide", Bloc.PARTY: "mobilisation.party"}


def blocs_mobilisable_by(user) -> list[str]:
    """The blocs whose staff this user may mobilise (none, one or both)."""
    return [bloc for bloc, permission in BLOC_PERMISSIONS.items() if user.has_role_perm(permission)]


def mobilising_agencies(user) -> QuerySet[Agency]:
    """The agencies whose people this user may mobilise: visible to them and of a bloc their role mobilises."""
    return Agency.objects.visible_to(user).filter(bloc__in=blocs_mobilisable_by(user))


def check_period(start: date, end: date) -> None:
    if start is None or end is None:
        raise ValidationError(_("Give both the first and the last day of the period."), code="period_missing")
    if end < start:
        raise ValidationError(
            _("The period ends (%(end)s) before it starts (%(start)s).")
            % {"start": date_format(start, "SHORT_DATE_FORMAT"), "end": date_format(end, "SHORT_DATE_FORMAT")},
            code="period_reversed",
        )


def overlaps(a: Period, b: Period) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


@dataclass(frozen=True)
class PoolRow:
    """One agency's pool for one period. `computation` is the arithmetic as a sentence, in the active language."""

    agency: Agency
    start: date
    end: date
    total: int
    on_leave: int
    isolated: int
    mobilised: int

    @property
    def headcount(self) -> int:
        return self.agency.headcount

    @property
    def min_in_office(self) -> int:
        return self.agency.min_in_office

    @property
    def available(self) -> int:
        return self.total - self.on_leave - self.isolated - self.mobilised

    @property
    def kept(self) -> int:
        """Who actually stays in the office: the minimum, or everyone available when that is fewer."""
        return min(self.available, self.min_in_office)

    @property
    def mobilisable(self) -> int:
        return self.available - self.kept

    @property
    def computation(self) -> str:
        numbers = {
            "total": self.total,
            "on_leave": self.on_leave,
            "isolated": self.isolated,
            "mobilised": self.mobilised,
            "available": self.available,
            "min": self.min_in_office,
            "kept": self.kept,
            "mobilisable": self.mobilisable,
        }
        counted = (
            _(
                "%(total)d staff − %(on_leave)d on leave − %(isolated)d isolated or sick − %(mobilised)d already "
                "mobilised = %(available)d available"
            )
            % numbers
        )
        # Each clause states a fact ("fewer than the minimum … all stay"), so that a word-for-word translation
        # reads right too; the minimum stays visible even when the agency cannot meet it.
        if self.available > self.min_in_office:
            kept = _("%(available)d − %(min)d to stay in the office = %(mobilisable)d mobilisable") % numbers
            return f"{counted}; {kept}"
        if self.available == self.min_in_office:
            kept = (
                _(
                    "exactly the minimum of %(min)d who must stay in the office (Directive 10): all %(kept)d "
                    "stay, none can go"
                )
                % numbers
            )
        else:
            kept = (
                _(
                    "fewer than the minimum of %(min)d who must stay in the office (Directive 10): all %(kept)d "
                    "stay, none can go"
                )
                % numbers
            )
        return f"{counted}, {kept}"


@dataclass(frozen=True)
class PoolTotals:
    """The sums of some pool rows. `kept` sums what each agency really keeps (never more than it has available),
    so staff ≥ available = kept + mobilisable; `min_in_office` sums the minimums themselves, for reference."""

    total: int = 0
    available: int = 0
    min_in_office: int = 0
    kept: int = 0
    mobilisable: int = 0

    @classmethod
    def of(cls, rows: Iterable[PoolRow]) -> PoolTotals:
        sums = dict.fromkeys(("total", "available", "min_in_office", "kept", "mobilisable"), 0)
        for row in rows:
            for name in sums:
                sums[name] += getattr(row, name)
        return cls(**sums)

    @property
    def short_of_minimum(self) -> int:
        """How many of the minimums are not met because agencies have fewer people available than their minimum."""
        return self.min_in_office - self.kept


class Pool(list):
    """The rows of `mobilisable_pool` (a plain list of PoolRow, in the agencies' order) with their period and
    totals, so whatever shows the rows can say which period they are for and show totals that add up."""

    def __init__(self, rows: Iterable[PoolRow], start: date, end: date):
        super().__init__(rows)
        self.start = start
        self.end = end

    @cached_property
    def totals(self) -> PoolTotals:
        return PoolTotals.of(self)


# Labels for the pool's columns (pages and exports use the same words as the computation).
COLUMNS = {
    "headcount": gettext_lazy("headcount"),
    "total": gettext_lazy("staff"),
    "on_leave": gettext_lazy("on leave"),
    "isolated": gettext_lazy("isolated or sick"),
    "mobilised": gettext_lazy("already mobilised"),
    "available": gettext_lazy("available"),
    "min_in_office": gettext_lazy("to stay in the office"),
    "kept": gettext_lazy("kept in the office"),
    "mobilisable": gettext_lazy("mobilisable"),
}


class PoolSnapshot:
    """Every person of some agencies, sorted into: on leave, isolated, mobilised by others, and free; plus who is
    busy (an approved assignment) in each of some periods. Three queries, then plain Python.

    `free` holds the rows (pk, agency_id, status, *fields) of the people who are neither on leave, isolated nor
    mobilised outside the system, in pk order; whether they are free for a given period is `busy[period]`.
    """

    def __init__(self, agencies: Sequence[Agency], periods: Iterable[Period], *, fields: Sequence[str] = ()):
        self.agencies = list(agencies)
        self.periods = sorted(set(periods))
        for start, end in self.periods:
            check_period(start, end)
        agency_ids = [a.pk for a in self.agencies]
        # [total, on leave, isolated, mobilised outside this system] per agency.
        self.counts: dict[int, list[int]] = {pk: [0, 0, 0, 0] for pk in agency_ids}
        self.free: list[tuple] = []
        self.busy: dict[Period, set[int]] = {period: set() for period in self.periods}
        self._agency_of_free: dict[int, int] | None = None
        if not agency_ids:
            return

        # Whose "mobilised" status the system can account for: they have an approved assignment somewhere in time.
        on_record = set(
            Assignment.objects.filter(
                state=AssignmentState.APPROVED, staff__agency_id__in=agency_ids, staff__status=StaffStatus.MOBILISED
            )
            .values_list("staff_id", flat=True)
            .distinct()
        )
        rows = (
            StaffMember.objects.filter(agency_id__in=agency_ids)
            .order_by("pk")
            .values_list("pk", "agency_id", "status", *fields)
        )
        for row in rows:
            counts = self.counts[row[1]]
            counts[0] += 1
            status = row[2]
            if status == StaffStatus.ON_LEAVE:
                counts[1] += 1
            elif status == StaffStatus.ISOLATED:
                counts[2] += 1
            elif status == StaffStatus.MOBILISED and row[0] not in on_record:
                counts[3] += 1
            else:
                self.free.append(row)

        if self.periods:
            first = min(start for start, _end in self.periods)
            last = max(end for _start, end in self.periods)
            approved = Assignment.objects.filter(
                state=AssignmentState.APPROVED,
                staff__agency_id__in=agency_ids,
                start_date__lte=last,
                end_date__gte=first,
            ).values_list("staff_id", "start_date", "end_date")
            for staff_id, start, end in approved:
                for period in self.periods:
                    if overlaps((start, end), period):
                        self.busy[period].add(staff_id)

    def rows(self, period: Period) -> list[PoolRow]:
        """The pool of every agency for one of the snapshot's periods, in the agencies' order."""
        if self._agency_of_free is None:
            self._agency_of_free = {row[0]: row[1] for row in self.free}
        busy_per_agency: dict[int, int] = dict.fromkeys(self.counts, 0)
        for staff_id in self.busy[period]:
            agency_id = self._agency_of_free.get(staff_id)
            if agency_id is not None:  # not also on leave, isolated, ...
                busy_per_agency[agency_id] += 1
        result = []
        for agency in self.agencies:
            total, on_leave, isolated, elsewhere = self.counts[agency.pk]
            result.append(
                PoolRow(
                    agency=agency,
                    start=period[0],
                    end=period[1],
                    total=total,
                    on_leave=on_leave,
                    isolated=isolated,
                    mobilised=elsewhere + busy_per_agency[agency.pk],
                )
            )
        return result


def mobilisable_pool(agency_qs: QuerySet[Agency] | Iterable[Agency], start: date, end: date, *, today=None) -> Pool:
    """Per agency: headcount, minimum in office, staff, available, kept, mobilisable for [start, end], and the
    arithmetic; the result is a list (`Pool`) that also knows its period and totals.

    `agency_qs` is already scoped by the caller (`mobilising_agencies(user)` to mobilise, or
    `Agency.objects.visible_to(user)` to look); rows come in its order. `today` is accepted for symmetry with
    `allocate`: statuses are read as recorded now (see the module docstring). Raises ValidationError for a
    reversed period.
    """
    check_period(start, end)
    return Pool(PoolSnapshot(list(agency_qs), [(start, end)]).rows((start, end)), start, end)

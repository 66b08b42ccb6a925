"""The public directory of a commune (no login): whom a citizen calls, now.

Only what is meant to be public leaves this module, as plain values (never model instances, so a template cannot
follow a relation to private data): the commune's active public hotlines staffed now (a site with someone on a
shift of a published roster at this moment) — or, when none is, every active public hotline of the commune,
labelled as not confirmed by a roster; each neighbourhood's community team leader and phone; the commune
headquarters' address and phone. No other staff name, no household, no help request, no non-public hotline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from phaodai.core.text import fold
from phaodai.duty.models import (
    CommunityTeam,
    DutySite,
    Hotline,
    Line,
    RosterStatus,
    ShiftAssignment,
    SiteKind,
)
from phaodai.places.models import AdminUnit, Level

#: How many communes the search shows at most (a name is typed until the list is short).
MAX_RESULTS = 30

#: Order of the lines on the page and the poster: health first, then welfare, security, general.
LINE_ORDER = {Line.HEALTH: 0, Line.WELFARE: 1, Line.SECURITY: 2, Line.GENERAL: 3}


@dataclass(frozen=True)
class PublicHotline:
    number: str
    line_code: str
    line: str  # the translated line name
    label: str


@dataclass(frozen=True)
class PublicTeam:
    neighbourhood: str
    name: str
    leader_name: str
    leader_phone: str


@dataclass(frozen=True)
class PublicSite:
    name: str
    address: str
    phone: str


@dataclass(frozen=True)
class Directory:
    commune_pk: int
    commune_code: str
    commune_name: str
    parents: str  # "Quận Ninh Kiều, Thành phố Cần Thơ"
    hotlines: list[PublicHotline]
    #: True: the hotlines listed have someone on duty now by a published roster; False: none is rostered now, so
    #: every public hotline of the commune is listed (the page says so).
    on_duty_now: bool
    headquarters: list[PublicSite]
    teams: list[PublicTeam]
    at: datetime


def communes() -> QuerySet[AdminUnit]:
    return AdminUnit.objects.filter(level=Level.COMMUNE)


def search_communes(query: str) -> list[AdminUnit]:
    """Communes whose name (or district's name) contains the query, accent- and case-insensitively."""
    folded = fold(query)
    if not folded:
        return []
    found = (
        communes()
        .filter(Q(search_name__contains=folded) | Q(parent__search_name__contains=folded))
        .select_related("parent")
        .order_by("search_name", "path")
    )
    return list(found[:MAX_RESULTS])


def find_commune(key: str) -> AdminUnit | None:
    """A commune by its official code ("31135"), or by its id."""
    key = (key or "").strip()
    unit = communes().filter(code=key).first()
    if unit is None and key.isdigit():
        unit = communes().filter(pk=int(key)).first()
    return unit


def staffed_now_q(now: datetime) -> Exists:
    """A hotline whose site has someone on a shift of a published roster at `now`."""
    return Exists(
        ShiftAssignment.objects.filter(
            shift__site=OuterRef("site"),
            shift__start__lte=now,
            shift__end__gt=now,
            shift__roster__status=RosterStatus.PUBLISHED,
        )
    )


def _line_key(hotline: Hotline) -> tuple:
    return (LINE_ORDER.get(hotline.line, 9), hotline.number)


def directory_for(commune: AdminUnit, now: datetime | None = None) -> Directory:
    now = now or timezone.now()
    public = Hotline.objects.filter(unit=commune, is_active=True, is_public=True)
    staffed = list(public.filter(site__isnull=False).filter(staffed_now_q(now)))
    shown = staffed or list(public)
    teams = (
        CommunityTeam.objects.filter(neighbourhood__parent=commune, neighbourhood__level=Level.NEIGHBOURHOOD)
        .select_related("neighbourhood")
        .order_by("neighbourhood__path", "name")
    )
    sites = DutySite.objects.filter(unit=commune, kind=SiteKind.COMMAND_CENTRE, is_active=True).order_by("name")
    parents = ", ".join(u.name for u in reversed(list(commune.ancestors())))
    return Directory(
        commune_pk=commune.pk,
        commune_code=commune.code,
        commune_name=commune.name,
        parents=parents,
        hotlines=[
            PublicHotline(h.number, h.line, str(h.get_line_display()), h.label) for h in sorted(shown, key=_line_key)
        ],
        on_duty_now=bool(staffed),
        headquarters=[PublicSite(s.name, s.address, s.phone) for s in sites],
        teams=[PublicTeam(t.neighbourhood.name, t.name, t.leader_name, t.leader_phone) for t in teams],
        at=now,
    )

"""The world the calls tests share: neighbourhoods of Tân An and An Hòa, community teams, and a health-station user.

Tân An: "Khu vực 1" (team "Tổ COVID Khu vực 1", leader 0901000001), "Khu vực 2" (no team); a health station.
An Hòa: "Khu vực 1" (team "Tổ COVID An Hòa 1"); no health station (only its headquarters).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from phaodai.accounts.roles import Role
from phaodai.duty.models import CommunityTeam
from phaodai.duty.testing import Sites, duty_world
from phaodai.places.models import AdminUnit
from phaodai.places.services import create_neighbourhood
from phaodai.testing import AN_HOA, TAN_AN, World, make_user, unit

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@dataclass
class CallsWorld:
    w: World
    sites: Sites
    tan_an: AdminUnit
    an_hoa: AdminUnit
    kv1: AdminUnit
    kv2: AdminUnit
    an_hoa_kv1: AdminUnit
    team: CommunityTeam
    an_hoa_team: CommunityTeam
    station_user: object
    an_hoa_operator: object


def calls_world(w: World) -> CallsWorld:
    sites = duty_world(w)
    tan_an, an_hoa = unit(TAN_AN), unit(AN_HOA)
    kv1 = create_neighbourhood(w.users["tan_an"], tan_an, "Khu vực 1", "khu vực")
    kv2 = create_neighbourhood(w.users["tan_an"], tan_an, "Khu vực 2", "khu vực")
    an_hoa_kv1 = create_neighbourhood(w.users["an_hoa"], an_hoa, "Khu vực 1", "khu vực")
    team = CommunityTeam.objects.create(
        neighbourhood=kv1, name="Tổ COVID Khu vực 1", leader_name="Lê Văn Tổ", leader_phone="0901000001"
    )
    an_hoa_team = CommunityTeam.objects.create(
        neighbourhood=an_hoa_kv1, name="Tổ COVID An Hòa 1", leader_name="Trần Thị Hòa", leader_phone="0901000002"
    )
    station_user = make_user("tram_y_te", Role.COMMUNE, agency=w.agencies["tram_y_te_tan_an"])
    an_hoa_operator = make_user("an_hoa_operator", Role.HOTLINE_OPERATOR, AN_HOA)
    return CallsWorld(w, sites, tan_an, an_hoa, kv1, kv2, an_hoa_kv1, team, an_hoa_team, station_user, an_hoa_operator)


def call(c: CallsWorld, user=None, **kw):
    """Record a call as the Tân An operator: food, Khu vực 1, unless told otherwise."""
    from phaodai.duty.calls import record_call

    values = {
        "caller_phone": "0909123456",
        "commune": c.tan_an,
        "neighbourhood": c.kv1,
        "category": "food",
        "need": "Cần gạo và mì gói cho 4 người",
        "now": T0,
    }
    values.update(kw)
    return record_call(user or c.w.users["hotline_operator"], **values)

"""Community test data on top of the world and duty_world: neighbourhoods, teams, households, hotlines, a roster.

Tân An: Khu vực 1 (team "Tổ COVID Khu vực 1", leader Trần Văn Tổ, member Nguyễn Thị Thành Viên, two households of
which one in the team) and Khu vực 2 (no team, one household). An Hòa: Khu vực 1 with its own team and household.
Hotlines of Tân An: a public health line staffed from the health station, a public welfare line staffed from the
headquarters, and a non-public security line. An Hòa: one public line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from phaodai.duty.models import (
    CommunityTeam,
    CommunityTeamHousehold,
    CommunityTeamMember,
    Hotline,
    Line,
    Roster,
    RosterStatus,
    Shift,
    ShiftAssignment,
)
from phaodai.duty.testing import Sites, duty_world
from phaodai.places.models import AdminUnit, Household, NeighbourhoodKind
from phaodai.places.services import create_neighbourhood
from phaodai.testing import AN_HOA, TAN_AN, World

LEADER, MEMBER = "Trần Văn Tổ", "Nguyễn Thị Thành Viên"
LEADER_PHONE, MEMBER_PHONE = "0905111222", "0905333444"
AN_HOA_LEADER, AN_HOA_LEADER_PHONE = "Lê Văn Hòa Tổ", "0906999888"
HOUSEHOLD_HEAD, LONELY_HEAD, AN_HOA_HEAD = "Phạm Thị Hộ", "Đỗ Văn Lẻ", "Võ Văn An Hòa"
HEALTH_LINE, WELFARE_LINE, PRIVATE_LINE, AN_HOA_LINE = "0292111115", "0292111116", "0292111117", "0292222221"


@dataclass
class Community:
    sites: Sites
    kv1: AdminUnit
    kv2: AdminUnit
    an_hoa_kv1: AdminUnit
    team: CommunityTeam
    an_hoa_team: CommunityTeam
    household: Household  # in the team
    lonely: Household  # Khu vực 1, no team
    kv2_household: Household  # Khu vực 2, no team there at all
    an_hoa_household: Household
    health_line: Hotline
    welfare_line: Hotline
    private_line: Hotline
    an_hoa_line: Hotline


def community_world(w: World) -> Community:
    tan_an, an_hoa = AdminUnit.objects.get(code=TAN_AN), AdminUnit.objects.get(code=AN_HOA)
    sites = duty_world(w)
    kv1 = create_neighbourhood(w.users["tan_an"], tan_an, "Khu vực 1", NeighbourhoodKind.AREA)
    kv2 = create_neighbourhood(w.users["tan_an"], tan_an, "Khu vực 2", NeighbourhoodKind.AREA)
    an_hoa_kv1 = create_neighbourhood(w.users["an_hoa"], an_hoa, "Khu vực 1", NeighbourhoodKind.AREA)
    team = CommunityTeam.objects.create(
        neighbourhood=kv1, name="Tổ COVID Khu vực 1", leader_name=LEADER, leader_phone=LEADER_PHONE
    )
    CommunityTeamMember.objects.create(team=team, full_name=MEMBER, phone=MEMBER_PHONE, role="Tổ viên")
    an_hoa_team = CommunityTeam.objects.create(
        neighbourhood=an_hoa_kv1, name="Tổ COVID An Hòa 1", leader_name=AN_HOA_LEADER, leader_phone=AN_HOA_LEADER_PHONE
    )
    household = Household.objects.create(
        neighbourhood=kv1, head_name=HOUSEHOLD_HEAD, address="12 hẻm 3 Nguyễn Trãi", phone="0907000001", members=4
    )
    lonely = Household.objects.create(neighbourhood=kv1, head_name=LONELY_HEAD, address="14 hẻm 3 Nguyễn Trãi")
    kv2_household = Household.objects.create(neighbourhood=kv2, head_name="Bùi Thị Hai", address="3 Hòa Bình")
    an_hoa_household = Household.objects.create(
        neighbourhood=an_hoa_kv1, head_name=AN_HOA_HEAD, address="5 Cách Mạng Tháng 8", phone="0907000009"
    )
    CommunityTeamHousehold.objects.create(team=team, household=household)
    CommunityTeamHousehold.objects.create(team=an_hoa_team, household=an_hoa_household)
    health_line = Hotline.objects.create(
        unit=tan_an, number=HEALTH_LINE, line=Line.HEALTH, label="Trạm Y tế", site=sites.tan_an_station
    )
    welfare_line = Hotline.objects.create(unit=tan_an, number=WELFARE_LINE, line=Line.WELFARE, site=sites.tan_an_hq)
    private_line = Hotline.objects.create(
        unit=tan_an, number=PRIVATE_LINE, line=Line.SECURITY, site=sites.tan_an_hq, is_public=False
    )
    an_hoa_line = Hotline.objects.create(unit=an_hoa, number=AN_HOA_LINE, line=Line.GENERAL, site=sites.an_hoa_hq)
    return Community(
        sites,
        kv1,
        kv2,
        an_hoa_kv1,
        team,
        an_hoa_team,
        household,
        lonely,
        kv2_household,
        an_hoa_household,
        health_line,
        welfare_line,
        private_line,
        an_hoa_line,
    )


def staff_site_now(w: World, site, start: datetime, end: datetime, *, published: bool = True, person=None) -> Shift:
    """A roster of `site` with one shift [start, end) on which `person` (default: Nguyễn Văn An) is on duty."""
    roster = Roster.objects.create(
        unit=site.unit,
        start_date=timezone.localtime(start).date(),
        end_date=timezone.localtime(end).date() if end else date.today(),
        status=RosterStatus.PUBLISHED if published else RosterStatus.DRAFT,
        published_at=start if published else None,
        created_by=w.users["tan_an"],
    )
    roster.sites.add(site)
    shift = Shift.objects.create(roster=roster, site=site, name="Ca 1", start=start, end=end, people=1)
    ShiftAssignment.objects.create(shift=shift, staff=person or w.staff["an"])
    return shift

"""A small, real world for tests: Cần Thơ's real units (loaded once per test database), a few agencies and staff,
and one persona per role and jurisdiction. Tests read like sentences about these people.

Personas (username → role, jurisdiction):
  admin            system administrator
  steering         city steering committee, Cần Thơ
  home_affairs     Department of Home Affairs, Cần Thơ
  health           Department of Health, Cần Thơ
  observer         read-only observer, Cần Thơ
  ninh_kieu        district user, Quận Ninh Kiều
  binh_thuy        district user, Quận Bình Thuỷ
  tan_an           commune user, Phường Tân An (Ninh Kiều)
  an_hoa           commune user, Phường An Hòa (Ninh Kiều)
  tra_noc          commune user, Phường Trà Nóc (Bình Thuỷ)
  so_y_te          Health user scoped to the agency Sở Y tế only
  delegation_head, team_leader, team_member, hotline_operator, party_board: scoped to Phường Tân An / the city
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from phaodai.accounts.models import User
from phaodai.accounts.roles import Role
from phaodai.places.models import AdminUnit, Agency, AgencyKind, Bloc
from phaodai.staff.models import Skill, StaffMember

CITY = "92"
NINH_KIEU = "916"
BINH_THUY = "918"
TAN_AN = "31135"
AN_HOA = "31120"
TRA_NOC = "31171"

PASSWORD = "test-password-123"


def unit(code: str) -> AdminUnit:
    return AdminUnit.objects.get(code=code)


def make_agency(
    name: str,
    unit_code: str,
    kind: str = AgencyKind.DEPARTMENT,
    headcount: int = 40,
    min_in_office: int = 10,
    bloc: str = Bloc.GOVERNMENT,
    parent: Agency | None = None,
) -> Agency:
    return Agency.objects.create(
        name=name,
        kind=kind,
        unit=unit(unit_code),
        headcount=headcount,
        min_in_office=min_in_office,
        bloc=bloc,
        parent=parent,
    )


_serial = iter(range(100000, 999999))


def citizen_id_for(gender: str, dob: date, province: str = "092") -> str:
    digit = {19: 0, 20: 2}[dob.year // 100] + (1 if gender == "F" else 0)
    return f"{province}{digit}{dob.year % 100:02d}{next(_serial):06d}"


def make_staff(
    full_name: str, agency: Agency, gender: str = "M", dob: date = date(1985, 3, 14), phone: str = "", **extra
) -> StaffMember:
    return StaffMember.objects.create(
        full_name=full_name,
        gender=gender,
        date_of_birth=dob,
        citizen_id=citizen_id_for(gender, dob),
        phone=phone,
        agency=agency,
        **extra,
    )


def make_user(username: str, role: str, unit_code: str | None = None, agency: Agency | None = None) -> User:
    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        scope_unit=unit(unit_code) if unit_code else None,
        scope_agency=agency,
        is_superuser=False,
    )


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    agencies: dict[str, Agency] = field(default_factory=dict)
    staff: dict[str, StaffMember] = field(default_factory=dict)

    def __getattr__(self, name: str):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def build_world() -> World:
    w = World()
    a = w.agencies
    a["so_y_te"] = make_agency("Sở Y tế", CITY, headcount=120, min_in_office=40)
    a["so_noi_vu"] = make_agency("Sở Nội vụ", CITY, headcount=80, min_in_office=30)
    a["ubnd_ninh_kieu"] = make_agency(
        "Ủy ban nhân dân Quận Ninh Kiều", NINH_KIEU, AgencyKind.DISTRICT_COMMITTEE, 90, 30
    )
    a["ubnd_binh_thuy"] = make_agency(
        "Ủy ban nhân dân Quận Bình Thuỷ", BINH_THUY, AgencyKind.DISTRICT_COMMITTEE, 70, 25
    )
    a["ubnd_tan_an"] = make_agency("Ủy ban nhân dân Phường Tân An", TAN_AN, AgencyKind.COMMUNE_COMMITTEE, 25, 8)
    a["ubnd_an_hoa"] = make_agency("Ủy ban nhân dân Phường An Hòa", AN_HOA, AgencyKind.COMMUNE_COMMITTEE, 22, 8)
    a["ubnd_tra_noc"] = make_agency("Ủy ban nhân dân Phường Trà Nóc", TRA_NOC, AgencyKind.COMMUNE_COMMITTEE, 20, 7)
    a["tram_y_te_tan_an"] = make_agency(
        "Trạm Y tế Phường Tân An", TAN_AN, AgencyKind.HEALTH_STATION, 8, 3, parent=a["so_y_te"]
    )
    a["doan_thanh_nien"] = make_agency(
        "Thành đoàn Cần Thơ", CITY, AgencyKind.MASS_ORGANISATION, 30, 10, bloc=Bloc.PARTY
    )

    s = w.staff
    s["an"] = make_staff("Nguyễn Văn An", a["ubnd_tan_an"], phone="0912345678")
    s["dat"] = make_staff("Trần Đình Đạt", a["ubnd_tan_an"], phone="0987654321")
    s["hoa"] = make_staff("Lê Thị Hoa", a["ubnd_an_hoa"], gender="F", dob=date(1992, 7, 2))
    s["binh"] = make_staff("Phạm Văn Bình", a["ubnd_tra_noc"], dob=date(2001, 1, 9))
    s["lan"] = make_staff("Võ Thị Lan", a["so_y_te"], gender="F", dob=date(1979, 11, 30))
    s["minh"] = make_staff("Huỳnh Minh", a["tram_y_te_tan_an"])
    s["an"].skills.add(Skill.objects.get(code="driving"))
    s["lan"].skills.add(Skill.objects.get(code="medical"))

    u = w.users
    u["admin"] = make_user("admin", Role.SYSADMIN)
    u["steering"] = make_user("steering", Role.STEERING, CITY)
    u["home_affairs"] = make_user("home_affairs", Role.HOME_AFFAIRS, CITY)
    u["party_board"] = make_user("party_board", Role.PARTY_BOARD, CITY)
    u["health"] = make_user("health", Role.HEALTH, CITY)
    u["observer"] = make_user("observer", Role.OBSERVER, CITY)
    u["ninh_kieu"] = make_user("ninh_kieu", Role.DISTRICT, NINH_KIEU)
    u["binh_thuy"] = make_user("binh_thuy", Role.DISTRICT, BINH_THUY)
    u["tan_an"] = make_user("tan_an", Role.COMMUNE, TAN_AN)
    u["an_hoa"] = make_user("an_hoa", Role.COMMUNE, AN_HOA)
    u["tra_noc"] = make_user("tra_noc", Role.COMMUNE, TRA_NOC)
    u["so_y_te"] = make_user("so_y_te", Role.HEALTH, agency=a["so_y_te"])
    u["delegation_head"] = make_user("delegation_head", Role.DELEGATION_HEAD, TAN_AN)
    u["team_leader"] = make_user("team_leader", Role.TEAM_LEADER, TAN_AN)
    u["team_member"] = make_user("team_member", Role.TEAM_MEMBER, TAN_AN)
    u["hotline_operator"] = make_user("hotline_operator", Role.HOTLINE_OPERATOR, TAN_AN)
    return w

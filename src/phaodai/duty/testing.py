"""Builders for duty tests, on top of phaodai.testing's world (Cần Thơ, Tân An, An Hòa, ...).

`duty_world(w)` adds duty sites: Tân An's headquarters (staffed by its People's Committee) and health station, and
An Hòa's headquarters, each with no coverage rules yet (tests add the rules they need), and `more_staff(agency, n)`
gives an agency n more civil servants (a roster needs more people than the base world has).
"""

from __future__ import annotations

from dataclasses import dataclass

from phaodai.duty.models import DutySite, SiteKind
from phaodai.places.models import AdminUnit
from phaodai.staff.models import StaffMember
from phaodai.testing import AN_HOA, TAN_AN, World, make_staff


@dataclass
class Sites:
    tan_an_hq: DutySite
    tan_an_station: DutySite
    an_hoa_hq: DutySite


def duty_world(w: World) -> Sites:
    tan_an, an_hoa = AdminUnit.objects.get(code=TAN_AN), AdminUnit.objects.get(code=AN_HOA)
    return Sites(
        tan_an_hq=DutySite.objects.create(
            name="Trụ sở Ủy ban nhân dân Phường Tân An",
            kind=SiteKind.COMMAND_CENTRE,
            unit=tan_an,
            agency=w.agencies["ubnd_tan_an"],
            address="2 Nguyễn Trãi, Phường Tân An",
            phone="02923821000",
        ),
        tan_an_station=DutySite.objects.create(
            name="Trạm Y tế Phường Tân An",
            kind=SiteKind.HEALTH_STATION,
            unit=tan_an,
            agency=w.agencies["tram_y_te_tan_an"],
            address="15 Lý Tự Trọng, Phường Tân An",
            phone="02923821115",
        ),
        an_hoa_hq=DutySite.objects.create(
            name="Trụ sở Ủy ban nhân dân Phường An Hòa",
            kind=SiteKind.COMMAND_CENTRE,
            unit=an_hoa,
            agency=w.agencies["ubnd_an_hoa"],
            address="1 Cách Mạng Tháng 8, Phường An Hòa",
        ),
    )


def more_staff(agency, n: int, *, prefix: str = "Công chức", leaders: int = 0) -> list[StaffMember]:
    """n civil servants of `agency`, the first `leaders` of them with a leader-level position."""
    people = []
    for i in range(n):
        position = "Phó Chủ tịch" if i < leaders else "Chuyên viên"
        people.append(make_staff(f"{prefix} {agency.short_name or agency.pk} {i:03d}", agency, position=position))
    return people

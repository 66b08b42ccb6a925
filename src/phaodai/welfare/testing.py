"""Builders for welfare tests, on top of phaodai.testing's world (Cần Thơ, Tân An, An Hòa, ...).

`welfare_world(w)` adds a small registry and two programmes (all dates in 2021, the Delta wave):

Neighbourhoods: Tân An "Khu vực 1" and "Khu vực 2"; An Hòa "Khu vực 3".

Households (key → head, neighbourhood, categories):
  bay   Nguyễn Văn Bảy, Tân An KV1: poor 2021 (household); 4 people: head, wife, twin daughters (same birth date);
        one daughter disabled (person-level, open-ended)
  hong  Trần Thị Hồng, Tân An KV1: elderly living alone since 2020 (household); 1 person, birth year only
  tam   Lê Văn Tám, Tân An KV2: informal worker from 01/07/2021 (person: Tám), renter (household); 2 people
  mai   Phạm Thị Mai, Tân An KV2: poor until 31/12/2020 only (EXPIRED before both programmes: never eligible);
        1 person
  sau   Võ Văn Sáu, An Hòa KV3: near-poor 2021 (household); 2 people
  lan   Huỳnh Thị Lan, An Hòa KV3: informal worker from 10/07/2021 (person: Lan); 1 person

Programmes (run by the city):
  food  per household, goods ("túi an sinh"), poor / near-poor / elderly living alone, 2 times,
        15/07/2021 – 30/09/2021, Resolution 52/NQ-HĐND
  cash  per person, 1,500,000 VND, informal worker who lost income, 1 time, 01/07/2021 – 31/12/2021,
        Resolution 68/NQ-CP

So, for `food`: eligible households are bay, hong (Tân An) and sau (An Hòa); tam and mai are not. For `cash`:
eligible people are Tám (Tân An) and Lan (An Hòa).

Rows are created straight through the ORM (not the services): tests of the services must not depend on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from phaodai.places.models import AdminUnit, Household, Level
from phaodai.testing import AN_HOA, CITY, TAN_AN, World, citizen_id_for
from phaodai.welfare.models import (
    Beneficiary,
    BenefitKind,
    Category,
    HouseholdCategory,
    Person,
    Programme,
    Relationship,
)


@dataclass
class WelfareWorld:
    neighbourhoods: dict[str, AdminUnit] = field(default_factory=dict)
    households: dict[str, Household] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    programmes: dict[str, Programme] = field(default_factory=dict)

    @property
    def food(self) -> Programme:
        return self.programmes["food"]

    @property
    def cash(self) -> Programme:
        return self.programmes["cash"]


def make_neighbourhood(commune_code: str, number: int, name: str) -> AdminUnit:
    commune = AdminUnit.objects.get(code=commune_code)
    return AdminUnit.objects.create(
        code=f"{commune.code}.{number:02d}",
        name=name,
        division_type="khu vực",
        level=Level.NEIGHBOURHOOD,
        structure=commune.structure,
        parent=commune,
    )


def make_household(neighbourhood: AdminUnit, head_name: str, address: str, phone: str = "", members: int = 1):
    return Household.objects.create(
        neighbourhood=neighbourhood, head_name=head_name, address=address, phone=phone, members=members
    )


def make_person(
    household: Household,
    full_name: str,
    *,
    gender: str = "M",
    dob: date | None = None,
    birth_year: int | None = None,
    relationship: str = Relationship.OTHER,
    phone: str = "",
    with_id: bool = True,
) -> Person:
    citizen_id = citizen_id_for(gender, dob or date(birth_year or 1970, 1, 1)) if with_id else ""
    return Person.objects.create(
        household=household,
        full_name=full_name,
        gender=gender,
        date_of_birth=dob,
        birth_year=birth_year,
        citizen_id=citizen_id,
        phone=phone,
        relationship=relationship,
    )


def make_category(
    household: Household,
    category: str,
    valid_from: date,
    valid_until: date | None = None,
    person: Person | None = None,
) -> HouseholdCategory:
    return HouseholdCategory.objects.create(
        household=household, person=person, category=category, valid_from=valid_from, valid_until=valid_until
    )


def welfare_world(w: World | None = None) -> WelfareWorld:
    """The registry and programmes described in the module docstring (`w` is the base world; unused but asked
    for so that tests build it first: the personas must exist)."""
    ww = WelfareWorld()
    n = ww.neighbourhoods
    n["tan_an_1"] = make_neighbourhood(TAN_AN, 1, "Khu vực 1")
    n["tan_an_2"] = make_neighbourhood(TAN_AN, 2, "Khu vực 2")
    n["an_hoa_3"] = make_neighbourhood(AN_HOA, 3, "Khu vực 3")

    h, p = ww.households, ww.people
    h["bay"] = make_household(n["tan_an_1"], "Nguyễn Văn Bảy", "12 hẻm 3 Mậu Thân", "0939123456", 4)
    p["bay"] = make_person(
        h["bay"], "Nguyễn Văn Bảy", dob=date(1975, 5, 20), relationship=Relationship.HEAD, phone="0939123456"
    )
    p["bay_wife"] = make_person(
        h["bay"], "Trần Thị Thu", gender="F", dob=date(1978, 9, 2), relationship=Relationship.SPOUSE
    )
    p["bay_twin_a"] = make_person(
        h["bay"], "Nguyễn Thị Ánh", gender="F", dob=date(2008, 3, 14), relationship=Relationship.CHILD, with_id=False
    )
    p["bay_twin_b"] = make_person(
        h["bay"], "Nguyễn Thị Ngọc", gender="F", dob=date(2008, 3, 14), relationship=Relationship.CHILD, with_id=False
    )
    make_category(h["bay"], Category.POOR, date(2021, 1, 1), date(2021, 12, 31))
    make_category(h["bay"], Category.DISABLED, date(2015, 1, 1), person=p["bay_twin_b"])

    h["hong"] = make_household(n["tan_an_1"], "Trần Thị Hồng", "45/2 Nguyễn Trãi", "0292382111", 1)
    p["hong"] = make_person(h["hong"], "Trần Thị Hồng", gender="F", birth_year=1941, relationship=Relationship.HEAD)
    make_category(h["hong"], Category.ELDERLY_ALONE, date(2020, 1, 1))

    h["tam"] = make_household(n["tan_an_2"], "Lê Văn Tám", "Phòng 5, dãy trọ 88 Trần Hưng Đạo", "0901234567", 2)
    p["tam"] = make_person(
        h["tam"], "Lê Văn Tám", dob=date(1990, 8, 8), relationship=Relationship.HEAD, phone="0901234567"
    )
    p["tam_brother"] = make_person(h["tam"], "Lê Văn Chín", dob=date(1995, 2, 1), relationship=Relationship.SIBLING)
    make_category(h["tam"], Category.INFORMAL_WORKER, date(2021, 7, 1), person=p["tam"])
    make_category(h["tam"], Category.RENTER, date(2021, 1, 1))

    h["mai"] = make_household(n["tan_an_2"], "Phạm Thị Mai", "7 Lý Tự Trọng", "", 1)
    p["mai"] = make_person(h["mai"], "Phạm Thị Mai", gender="F", dob=date(1960, 12, 1), relationship=Relationship.HEAD)
    make_category(h["mai"], Category.POOR, date(2019, 1, 1), date(2020, 12, 31))

    h["sau"] = make_household(n["an_hoa_3"], "Võ Văn Sáu", "3 Cách Mạng Tháng 8", "0918765432", 2)
    p["sau"] = make_person(h["sau"], "Võ Văn Sáu", dob=date(1968, 6, 6), relationship=Relationship.HEAD)
    p["sau_wife"] = make_person(
        h["sau"], "Đỗ Thị Hạnh", gender="F", dob=date(1970, 10, 10), relationship=Relationship.SPOUSE
    )
    make_category(h["sau"], Category.NEAR_POOR, date(2021, 1, 1), date(2021, 12, 31))

    h["lan"] = make_household(n["an_hoa_3"], "Huỳnh Thị Lan", "20 hẻm 51 Cách Mạng Tháng 8", "0987001122", 1)
    p["lan"] = make_person(h["lan"], "Huỳnh Thị Lan", gender="F", dob=date(1985, 4, 30), relationship=Relationship.HEAD)
    make_category(h["lan"], Category.INFORMAL_WORKER, date(2021, 7, 10), person=p["lan"])

    city = AdminUnit.objects.get(code=CITY)
    ww.programmes["food"] = Programme.objects.create(
        unit=city,
        name="Túi an sinh cho hộ nghèo, cận nghèo và người cao tuổi sống một mình",
        legal_basis="Nghị quyết 52/NQ-HĐND thành phố Cần Thơ",
        categories=[Category.POOR, Category.NEAR_POOR, Category.ELDERLY_ALONE],
        benefit_kind=BenefitKind.GOODS,
        goods="Túi an sinh: 10 kg gạo, mì gói, dầu ăn, nước mắm",
        beneficiary=Beneficiary.HOUSEHOLD,
        times=2,
        start_date=date(2021, 7, 15),
        end_date=date(2021, 9, 30),
    )
    ww.programmes["cash"] = Programme.objects.create(
        unit=city,
        name="Hỗ trợ lao động tự do mất việc làm",
        legal_basis="Nghị quyết 68/NQ-CP ngày 01/7/2021 của Chính phủ",
        categories=[Category.INFORMAL_WORKER],
        benefit_kind=BenefitKind.CASH,
        amount=1_500_000,
        beneficiary=Beneficiary.PERSON,
        times=1,
        start_date=date(2021, 7, 1),
        end_date=date(2021, 12, 31),
    )
    return ww

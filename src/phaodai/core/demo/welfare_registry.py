"""The welfare registry of the demo city (issue #7, item 8; step 1 of welfare_story): people and categories of the
households of three wards of Ninh Kiều.

The households the duty story made for the community teams (Tân An, An Hòa) are reused: they get their people and
categories; new households are made where there are not enough (a ward without a duty story, the third ward). Each
ward gets REGISTRY_SIZE households: a head and 0-5 more members (realistic names, a date of birth or only the year,
citizen IDs for most adults, phones), categories with their periods (poor and near-poor for the year, elderly living
alone, renters, households in lockdown for the last weeks, informal workers who lost their income).

Some records are PLANTED for the "không sót / không trùng" reports (fixed names, found again by them on a second
run): an elderly woman living alone in Tân An whom the ward leaves off its list (omission); a poor household that
moved from Tân An to An Hòa, registered in both (on both wards' lists); an informal worker of Tân An registered twice,
once without diacritics and with the day and month of birth swapped (on Tân An's list twice); two different men of
Tân An with the same very common name and date of birth (namesakes: "not the same").

Hundreds of rows: bulk-created with the fields save() computes and the audit entries auditlog would have written
(the registry services take ~15 ms a row). The rules of welfare.registry hold: one head per household, valid
citizen IDs (structure, gender, year), normalised phones, periods in order, dates of birth in the past.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from auditlog.models import LogEntry
from django.db import transaction

from phaodai.core.audit import creation_entries
from phaodai.core.demo import duty_texts as T
from phaodai.core.demo.people import full_name, mobile
from phaodai.core.text import clean_text, fold
from phaodai.places.models import AdminUnit, Household, Level
from phaodai.staff.identity import FEMALE, MALE, normalise_phone
from phaodai.welfare.models import Category, HouseholdCategory, Person, Relationship

AUDIT_SOURCE = {"source": "demo"}
#: Households kept in each ward's welfare registry (reused from the duty story first).
REGISTRY_SIZE = 72
BIRTH_PROVINCES = ["092"] * 8 + ["093", "094", "089", "086"]
CATEGORY_SOURCE = "Rà soát của Ban điều hành khu vực"

# --- the planted records (found again by their names) ----------------------------------------------------------
OMITTED_HEAD, OMITTED_ADDRESS = "Lâm Thị Út", "Số 7, hẻm 12, đường Ngô Quyền"
MOVED_HEAD = "Đặng Văn Lộc"
MOVED_OLD_ADDRESS, MOVED_NEW_ADDRESS = "Số 31, hẻm 88, đường Phan Đình Phùng", "Phòng 3, dãy trọ số 45, đường Mậu Thân"
MOVED_DOB = date(1979, 11, 23)
TWICE_NAME, TWICE_PLAIN = "Trần Thị Mỹ Duyên", "Tran Thi My Duyen"
TWICE_DOB, TWICE_SWAPPED = date(1992, 3, 7), date(1992, 7, 3)
TWICE_HOME, TWICE_LODGING = "Số 18, hẻm 45, đường Hai Bà Trưng", "Phòng 6, nhà trọ số 102, đường Châu Văn Liêm"
NAMESAKE = "Nguyễn Văn Hùng"
NAMESAKE_DOBS = (date(1985, 2, 14), date(1985, 2, 14))
NAMESAKE_ADDRESSES = ("Số 52, hẻm 19, đường Điện Biên Phủ", "Số 9, hẻm 140, đường Ngô Đức Kế")


@dataclass
class PersonSpec:
    full_name: str
    gender: str
    relationship: str
    date_of_birth: date | None = None
    birth_year: int | None = None
    citizen_id: str = ""
    phone: str = ""
    categories: list[tuple[str, date, date | None]] = field(default_factory=list)


@dataclass
class HouseholdSpec:
    neighbourhood: AdminUnit
    head_name: str
    address: str
    phone: str = ""
    existing: Household | None = None
    people: list[PersonSpec] = field(default_factory=list)
    categories: list[tuple[str, date, date | None]] = field(default_factory=list)


@dataclass
class RegistryCounts:
    households: int = 0
    people: int = 0
    categories: int = 0


class Ids:
    """Citizen IDs (CCCD, 12 digits) whose digits agree with the holder, unique in the registry."""

    def __init__(self) -> None:
        self.used = set(Person.objects.exclude(citizen_id="").values_list("citizen_id", flat=True))

    def new(self, rng: random.Random, gender: str, born: date) -> str:
        digit = {19: 0, 20: 2}[born.year // 100] + (1 if gender == FEMALE else 0)
        while True:
            number = f"{rng.choice(BIRTH_PROVINCES)}{digit}{born.year % 100:02d}{rng.randrange(1_000_000):06d}"
            if number not in self.used:
                self.used.add(number)
                return number


def _born(rng: random.Random, today: date, low: int, high: int) -> date:
    age = rng.randint(low, high)
    return date(today.year - age, 1, 1) + timedelta(days=rng.randrange(365))


def _gender_of(name: str) -> str:
    return FEMALE if " Thị " in f" {name} " else MALE


def _person(
    rng: random.Random, ids: Ids, today: date, name: str, gender: str, relationship: str, born: date
) -> PersonSpec:
    """A date of birth for most, only the year for some (the elderly above all); an ID for most adults."""
    adult = today.year - born.year >= 14
    year_only = rng.random() < (0.5 if today.year - born.year >= 70 else 0.15)
    spec = PersonSpec(name, gender, relationship)
    if year_only:
        spec.birth_year = born.year
    else:
        spec.date_of_birth = born
    if adult and rng.random() < 0.75:
        spec.citizen_id = ids.new(rng, gender, born)
    return spec


def _family(rng: random.Random, ids: Ids, today: date, head: str, size: int) -> list[PersonSpec]:
    """Head, spouse, children (with the head's family name), sometimes a parent."""
    gender = _gender_of(head)
    head_born = _born(rng, today, 28, 78)
    people = [_person(rng, ids, today, head, gender, Relationship.HEAD, head_born)]
    family = head.split()[0]
    if size >= 2 and today.year - head_born.year < 75:
        other = FEMALE if gender == MALE else MALE
        spouse_born = head_born + timedelta(days=rng.randint(-2500, 2500))
        people.append(
            _person(rng, ids, today, full_name(rng, other, False), other, Relationship.SPOUSE, min(spouse_born, today))
        )
    while len(people) < size:
        child_gender = rng.choice([MALE, FEMALE])
        name = full_name(rng, child_gender, False)
        name = " ".join([family if gender == MALE else name.split()[0], *name.split()[1:]])
        low = max(0, today.year - head_born.year - 40)
        high = max(low, today.year - head_born.year - 20)
        born = _born(rng, today, low, high)
        people.append(_person(rng, ids, today, name, child_gender, Relationship.CHILD, born))
    return people


def _categories(rng: random.Random, spec: HouseholdSpec, today: date) -> None:
    """Household categories and, for one working-age member of some households, "informal worker"."""
    year_start, year_end = date(today.year, 1, 1), date(today.year, 12, 31)
    roll = rng.random()
    if roll < 0.14:
        spec.categories.append((Category.POOR, year_start, year_end))
    elif roll < 0.26:
        spec.categories.append((Category.NEAR_POOR, year_start, year_end))
    if rng.random() < 0.15:
        spec.categories.append((Category.RENTER, today - timedelta(days=rng.randint(60, 900)), None))
    if rng.random() < 0.08:
        start = today - timedelta(days=rng.randint(10, 25))
        spec.categories.append((Category.ISOLATION, start, start + timedelta(days=21)))
    working = [p for p in spec.people if 18 <= today.year - _year(p) <= 60]
    if working and rng.random() < 0.2:
        worker = rng.choice(working)
        worker.categories.append((Category.INFORMAL_WORKER, today - timedelta(days=rng.randint(30, 75)), None))


def _year(person: PersonSpec) -> int:
    return person.date_of_birth.year if person.date_of_birth else int(person.birth_year or 0)


def _address(rng: random.Random, ward_code: str) -> str:
    street = rng.choice(T.STREETS.get(ward_code, T.DEFAULT_STREETS))
    return clean_text(f"Số {rng.randint(1, 150)}, hẻm {rng.randint(5, 180)}, đường {street}")


def _generated(
    rng: random.Random, ids: Ids, today: date, ward: AdminUnit, neighbourhoods: list[AdminUnit], reuse: list[Household]
) -> list[HouseholdSpec]:
    specs: list[HouseholdSpec] = []
    seen = {fold(f"{h.head_name} {h.address}") for h in Household.objects.filter(neighbourhood__in=neighbourhoods)}
    for household in reuse[:REGISTRY_SIZE]:
        spec = HouseholdSpec(
            household.neighbourhood, household.head_name, household.address, household.phone, household
        )
        size = min(household.members, 6)
        spec.people = _family(rng, ids, today, household.head_name, size)
        specs.append(spec)
    while len(specs) < REGISTRY_SIZE:
        head = full_name(rng, MALE if rng.random() < 0.6 else FEMALE, rng.random() < 0.02)
        address = _address(rng, ward.code)
        neighbourhood = neighbourhoods[len(specs) % len(neighbourhoods)]
        if fold(f"{head} {address}") in seen:
            continue
        seen.add(fold(f"{head} {address}"))
        phone = normalise_phone(mobile(rng)) if rng.random() < 0.85 else ""
        spec = HouseholdSpec(neighbourhood, clean_text(head), address, phone)
        spec.people = _family(rng, ids, today, spec.head_name, rng.choice([1, 2, 3, 3, 4, 4, 5, 6]))
        specs.append(spec)
    for spec in specs:
        if spec.people[0].phone == "" and spec.phone:
            spec.people[0].phone = spec.phone  # the head answers the household's phone
        _categories(rng, spec, today)
        if len(spec.people) == 1 and today.year - _year(spec.people[0]) >= 65 and rng.random() < 0.7:
            spec.categories.append((Category.ELDERLY_ALONE, date(today.year - rng.randint(1, 6), 1, 1), None))
    return specs


def _planted_tan_an(rng: random.Random, ids: Ids, today: date, neighbourhoods: list[AdminUnit]) -> list[HouseholdSpec]:
    first, second = neighbourhoods[0], neighbourhoods[min(1, len(neighbourhoods) - 1)]
    year_start, year_end = date(today.year, 1, 1), date(today.year, 12, 31)
    worker_from = today - timedelta(days=50)
    omitted = HouseholdSpec(first, OMITTED_HEAD, OMITTED_ADDRESS, "02923821467")
    omitted.people = [PersonSpec(OMITTED_HEAD, FEMALE, Relationship.HEAD, birth_year=1938)]
    omitted.categories = [(Category.ELDERLY_ALONE, date(2015, 1, 1), None)]

    moved = HouseholdSpec(second, MOVED_HEAD, MOVED_OLD_ADDRESS, "0913482260")
    moved.people = [
        PersonSpec(
            MOVED_HEAD,
            MALE,
            Relationship.HEAD,
            date_of_birth=MOVED_DOB,
            citizen_id=ids.new(rng, MALE, MOVED_DOB),
            phone="0913482260",
        ),
        PersonSpec("Lê Thị Bích Ngọc", FEMALE, Relationship.SPOUSE, date_of_birth=date(1982, 4, 16)),
        PersonSpec("Đặng Minh Khang", MALE, Relationship.CHILD, date_of_birth=date(2010, 8, 2)),
    ]
    moved.categories = [(Category.POOR, year_start, year_end)]

    home = HouseholdSpec(first, "Trần Văn Phúc", TWICE_HOME, "0939517204")
    home.people = [
        PersonSpec("Trần Văn Phúc", MALE, Relationship.HEAD, birth_year=1961, phone="0939517204"),
        PersonSpec(
            TWICE_NAME,
            FEMALE,
            Relationship.CHILD,
            date_of_birth=TWICE_DOB,
            citizen_id=ids.new(rng, FEMALE, TWICE_DOB),
            phone="0387251946",
            categories=[(Category.INFORMAL_WORKER, worker_from, None)],
        ),
    ]
    lodging = HouseholdSpec(second, "Võ Thị Hạnh", TWICE_LODGING, "0918203377")
    lodging.people = [
        PersonSpec("Võ Thị Hạnh", FEMALE, Relationship.HEAD, date_of_birth=date(1966, 10, 1), phone="0918203377"),
        PersonSpec(
            TWICE_PLAIN,
            FEMALE,
            Relationship.OTHER,
            date_of_birth=TWICE_SWAPPED,
            phone="0387251946",
            categories=[(Category.INFORMAL_WORKER, worker_from, None)],
        ),
    ]
    lodging.categories = [(Category.RENTER, today - timedelta(days=400), None)]

    namesakes = []
    for index, (born, address) in enumerate(zip(NAMESAKE_DOBS, NAMESAKE_ADDRESSES, strict=True)):
        spec = HouseholdSpec(neighbourhoods[(index * 2) % len(neighbourhoods)], NAMESAKE, address)
        spec.phone = f"09{index + 1}7{rng.randrange(1_000_000):06d}"
        spec.people = [
            PersonSpec(
                NAMESAKE,
                MALE,
                Relationship.HEAD,
                date_of_birth=born,
                birth_year=born.year,
                phone=spec.phone,
                categories=[(Category.INFORMAL_WORKER, worker_from, None)],
            )
        ]
        namesakes.append(spec)
    return [omitted, moved, home, lodging, *namesakes]


def _planted_an_hoa(today: date, neighbourhoods: list[AdminUnit]) -> list[HouseholdSpec]:
    """The household that moved from Tân An: a new record at its lodgings, its head without an ID yet."""
    moved = HouseholdSpec(neighbourhoods[-1], MOVED_HEAD, MOVED_NEW_ADDRESS, "0766190358")
    moved.people = [
        PersonSpec(MOVED_HEAD, MALE, Relationship.HEAD, birth_year=MOVED_DOB.year, phone="0766190358"),
        PersonSpec("Lê Thị Bích Ngọc", FEMALE, Relationship.SPOUSE, birth_year=1982),
        PersonSpec("Đặng Minh Khang", MALE, Relationship.CHILD, birth_year=2010),
    ]
    moved.categories = [
        (Category.POOR, date(today.year, 1, 1), date(today.year, 12, 31)),
        (Category.RENTER, today - timedelta(days=40), None),
    ]
    return [moved]


def ward_neighbourhoods(ward: AdminUnit) -> list[AdminUnit]:
    return list(AdminUnit.objects.filter(parent=ward, level=Level.NEIGHBOURHOOD).order_by("code"))


def build_ward_registry(
    ward: AdminUnit, today: date, seed: int, *, tan_an: bool = False, an_hoa: bool = False
) -> RegistryCounts:
    """The registry of one ward, unless it already has people (then nothing is written)."""
    counts = RegistryCounts()
    neighbourhoods = ward_neighbourhoods(ward)
    if not neighbourhoods or Person.objects.filter(household__neighbourhood__parent=ward).exists():
        return counts
    rng = random.Random(f"{seed}:welfare:{ward.code}")
    ids = Ids()
    reuse = list(Household.objects.filter(neighbourhood__in=neighbourhoods).order_by("pk"))
    specs = _generated(rng, ids, today, ward, neighbourhoods, reuse)
    if tan_an:
        specs += _planted_tan_an(rng, ids, today, neighbourhoods)
    if an_hoa:
        specs += _planted_an_hoa(today, neighbourhoods)
    _write(specs, counts)
    return counts


def _phone(value: str) -> str:
    return normalise_phone(value) if value else ""


def _write(specs: list[HouseholdSpec], counts: RegistryCounts) -> None:
    new_households = []
    for spec in specs:
        if spec.existing is None:
            spec.existing = Household(
                neighbourhood=spec.neighbourhood,
                head_name=spec.head_name,
                address=spec.address,
                phone=_phone(spec.phone),
                members=max(len(spec.people), 1),
                search_name=fold(f"{spec.head_name} {spec.address}"),
            )
            new_households.append(spec.existing)
    with transaction.atomic():
        Household.objects.bulk_create(new_households, batch_size=1000)
        people: list[Person] = []
        owners: list[tuple[PersonSpec, Person]] = []
        for spec in specs:
            for p in spec.people:
                name = clean_text(p.full_name)
                person = Person(
                    household=spec.existing,
                    full_name=name,
                    gender=p.gender,
                    date_of_birth=p.date_of_birth,
                    birth_year=p.date_of_birth.year if p.date_of_birth else p.birth_year,
                    citizen_id=p.citizen_id,
                    phone=_phone(p.phone),
                    relationship=p.relationship,
                    search_name=fold(name),
                )
                people.append(person)
                owners.append((p, person))
        Person.objects.bulk_create(people, batch_size=1000)
        rows = [
            HouseholdCategory(
                household=spec.existing, category=c, valid_from=start, valid_until=end, source=CATEGORY_SOURCE
            )
            for spec in specs
            for c, start, end in spec.categories
        ]
        rows += [
            HouseholdCategory(
                household=person.household,
                person=person,
                category=c,
                valid_from=start,
                valid_until=end,
                source=CATEGORY_SOURCE,
            )
            for p, person in owners
            for c, start, end in p.categories
        ]
        HouseholdCategory.objects.bulk_create(rows, batch_size=1000)
        LogEntry.objects.bulk_create(
            creation_entries(new_households, additional_data=AUDIT_SOURCE)
            + creation_entries(people, additional_data=AUDIT_SOURCE)
            + creation_entries(rows, additional_data=AUDIT_SOURCE),
            batch_size=1000,
        )
    counts.households += len(new_households)
    counts.people += len(people)
    counts.categories += len(rows)

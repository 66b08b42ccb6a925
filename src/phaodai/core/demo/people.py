"""The demo city's civil servants, made up but plausible, and the same on every build.

Each agency has its own random stream (seeded by the build seed and the agency's key), so its people do not
depend on the other agencies or on how many people are asked for: building 300 then 5,000 keeps the first 300.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from phaodai.core.demo import names as N
from phaodai.core.demo.agencies import (
    MALE_POSITIONS,
    MEDICAL_POSITIONS,
    MOSTLY_FEMALE_POSITIONS,
    POSITION_SKILLS,
    PROFILES,
    SAMPLING_POSITIONS,
    AgencySpec,
)
from phaodai.staff.identity import FEMALE, MALE
from phaodai.staff.models import StaffStatus, VaccinationStatus

# The demo is set in late 2021, when the three-level structure was in force; ages are taken then.
REFERENCE_YEAR = 2021
# Where people's birth was registered: mostly Cần Thơ, otherwise the neighbouring provinces.
BIRTH_PROVINCES = [("092", 80), ("093", 5), ("094", 4), ("089", 3), ("086", 3), ("087", 2), ("091", 3)]
# Old 9-digit identity cards (CMND) issued in Cần Thơ began with 36.
OLD_ID_PREFIX = "36"


@dataclass(frozen=True)
class Person:
    full_name: str
    gender: str
    date_of_birth: date
    citizen_id: str
    phone: str
    position: str
    skills: tuple[str, ...]
    status: str
    vaccination_status: str
    home_code: str


class Weighted:
    """Fast weighted choice from a fixed list."""

    def __init__(self, items: Sequence[tuple[str, float]]):
        self.values = [v for v, _ in items]
        self.cum = list(accumulate(w for _, w in items))

    def pick(self, rng: random.Random) -> str:
        return rng.choices(self.values, cum_weights=self.cum)[0]


_SURNAMES = Weighted(N.SURNAMES)
_KHMER_SURNAMES = Weighted(N.KHMER_SURNAMES)
_MALE_MIDDLE = Weighted(N.MALE_MIDDLE)
_FEMALE_MIDDLE = Weighted(N.FEMALE_MIDDLE)
_PROVINCES = Weighted(BIRTH_PROVINCES)
_STATUS = Weighted(
    [(StaffStatus.AVAILABLE.value, 92), (StaffStatus.ON_LEAVE.value, 5), (StaffStatus.ISOLATED.value, 3)]
)
_VACCINATION = Weighted(
    [
        (VaccinationStatus.NONE.value, 8),
        (VaccinationStatus.ONE_DOSE.value, 20),
        (VaccinationStatus.FULL.value, 57),
        (VaccinationStatus.BOOSTER.value, 15),
    ]
)
# Health workers were vaccinated first.
_VACCINATION_HEALTH = Weighted(
    [(VaccinationStatus.ONE_DOSE.value, 3), (VaccinationStatus.FULL.value, 52), (VaccinationStatus.BOOSTER.value, 45)]
)
_GENERAL_SKILLS = {"data_entry": 0.10, "it": 0.03, "driving": 0.05, "logistics": 0.06, "communication": 0.06}


def full_name(rng: random.Random, gender: str, khmer: bool) -> str:
    if khmer:
        surname = _KHMER_SURNAMES.pick(rng)
        given = rng.choice(N.KHMER_FEMALE_GIVEN if gender == FEMALE else N.KHMER_MALE_GIVEN)
        middle = ("Thị" if gender == FEMALE else "Văn") if rng.random() < 0.3 else ""
        return " ".join(p for p in (surname, middle, given) if p)
    surname = _SURNAMES.pick(rng)
    if gender == FEMALE:
        middle = _FEMALE_MIDDLE.pick(rng)
        if middle == "Thị" and rng.random() < 0.25:
            middle += " " + rng.choice(N.FEMALE_SECOND_MIDDLE)
        given = rng.choice(N.FEMALE_GIVEN)
    else:
        middle = _MALE_MIDDLE.pick(rng) if rng.random() < 0.97 else ""
        given = rng.choice(N.MALE_GIVEN)
    if middle.endswith(given):  # "Ngọc Ngọc"
        middle = "Thị" if gender == FEMALE else "Văn"
    return " ".join(p for p in (surname, middle, given) if p)


def birth_date(rng: random.Random, gender: str) -> date:
    # Working age in 2021: from 20 up to retirement (60 for men, 55 for women, as the Labour Code then had it).
    oldest = 60 if gender == MALE else 55
    age = rng.randint(20, 22) if rng.random() < 0.03 else 23 + int(rng.betavariate(2.0, 2.4) * (oldest - 23))
    year = REFERENCE_YEAR - age
    return date(year, 1, 1) + timedelta(days=rng.randrange(365))


def citizen_id(rng: random.Random, gender: str, dob: date, used: set[str]) -> str:
    """A CCCD whose digits agree with the person (staff.identity), or for some older people an old CMND."""
    while True:
        if dob.year <= 1980 and rng.random() < 0.12:
            number = f"{OLD_ID_PREFIX}{rng.randrange(10_000_000):07d}"
        else:
            century_digit = {19: 0, 20: 2}[dob.year // 100] + (1 if gender == FEMALE else 0)
            number = f"{_PROVINCES.pick(rng)}{century_digit}{dob.year % 100:02d}{rng.randrange(1_000_000):06d}"
        if number not in used:
            used.add(number)
            return number


def mobile(rng: random.Random) -> str:
    return f"{rng.choice(N.MOBILE_PREFIXES)}{rng.randrange(10_000_000):07d}"


def home_commune(rng: random.Random, spec: AgencySpec, homes: dict[str, list[str]]) -> str:
    """Most people live near work; city agencies draw from the whole city, weighted to the urban districts."""
    local = homes.get(spec.unit_code)
    if local and rng.random() < 0.8:
        return rng.choice(local)
    return rng.choice(homes["*"])


def people_for(spec: AgencySpec, count: int, seed: int, homes: dict[str, list[str]], used: set[str]) -> list[Person]:
    """The first `count` people of one agency. `used` collects citizen IDs across agencies to keep them unique.

    `homes` maps a unit code to the commune codes people working there live in, and "*" to the whole city.
    """
    rng = random.Random(f"{seed}:{spec.key}")
    profile = PROFILES[spec.profile]
    deputies = rng.randint(*profile.deputies)
    pool = Weighted(profile.pool)
    female_share = 0.6 if spec.health else 0.45
    people: list[Person] = []
    for index in range(count):
        if index == 0:
            position = profile.head
        elif index <= deputies:
            position = profile.deputy
        else:
            position = pool.pick(rng)
        if position in MOSTLY_FEMALE_POSITIONS:
            gender = FEMALE if rng.random() < 0.85 else MALE
        elif position in MALE_POSITIONS:
            gender = MALE
        else:
            gender = FEMALE if rng.random() < female_share else MALE
        khmer = rng.random() < (0.12 if "khmer" in spec.extra_skills else 0.02)
        name = full_name(rng, gender, khmer)
        dob = birth_date(rng, gender)
        number = citizen_id(rng, gender, dob, used)
        roll = rng.random()
        if roll < 0.04:
            phone = ""
        elif roll < 0.055 and people and people[-1].phone:
            phone = people[-1].phone  # a shared family phone: allowed, shown as a warning
        else:
            phone = mobile(rng)
        skills = set()
        medical = position in MEDICAL_POSITIONS or (profile.medical_head and index <= deputies)
        if medical:
            skills.add("medical")
            if position in SAMPLING_POSITIONS and rng.random() < 0.6:
                skills.add("sampling")
        if position in POSITION_SKILLS:
            skills.add(POSITION_SKILLS[position])
        for skill, share in (_GENERAL_SKILLS | spec.extra_skills).items():
            if skill != "khmer" and rng.random() < share:
                skills.add(skill)
        if khmer and rng.random() < 0.8:
            skills.add("khmer")
        vaccination = (_VACCINATION_HEALTH if spec.health else _VACCINATION).pick(rng)
        people.append(
            Person(
                full_name=name,
                gender=gender,
                date_of_birth=dob,
                citizen_id=number,
                phone=phone,
                position=position,
                skills=tuple(sorted(skills)),
                status=_STATUS.pick(rng),
                vaccination_status=vaccination,
                home_code=home_commune(rng, spec, homes),
            )
        )
    return people


def distribute(total: int, caps: Sequence[int]) -> list[int]:
    """Share `total` people among agencies: more in bigger ones, but small ones fuller (weight headcount^0.75),
    never above a cap. Largest-remainder rounding keeps the sum exact."""
    weights = [c**0.75 for c in caps]
    alloc = [0.0] * len(caps)
    free = {i for i, c in enumerate(caps) if c > 0}
    remaining = float(total)
    while free and remaining > 0:
        wsum = sum(weights[i] for i in free)
        capped = [i for i in free if remaining * weights[i] / wsum >= caps[i]]
        if not capped:
            for i in free:
                alloc[i] = remaining * weights[i] / wsum
            break
        for i in capped:
            alloc[i] = caps[i]
            remaining -= caps[i]
            free.discard(i)
    counts = [int(a) for a in alloc]
    short = total - sum(counts)
    for i in sorted(range(len(caps)), key=lambda i: (counts[i] - alloc[i], i)):
        if short <= 0:
            break
        if counts[i] < caps[i]:
            counts[i] += 1
            short -= 1
    return counts

"""Realistic Vietnamese household lists with known duplicates, for the matching benchmark (issue #7).

Households of Cần Thơ's wards (names from core/demo/names.py: a third Nguyễn, Huỳnh and Võ common, some Khmer
names), each with a head and members (spouse, children — twins among them — parents), addresses with house
numbers, hẻm, khu vực. Some people appear again on another ward's list, written the way wards write them:

- without diacritics or in capitals, a typo in the given name, the day and month of birth swapped, only the year,
  a citizen ID with one digit wrong or without its leading zero, a phone without its leading zero, the address
  abbreviated (P., Q., KV, H.) — and households that moved: the same people at a new address with a new phone.
- Traps that must NOT match: twins (one household, one birth date, two given names), and members of one household
  (same address, phone, family name).

`generate(n, seed)` → (records, truth): records as `welfare.matching.Record`, truth the set of key pairs that are
the same person.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from phaodai.core.demo.names import (
    FEMALE_GIVEN,
    FEMALE_MIDDLE,
    MALE_GIVEN,
    MALE_MIDDLE,
    MOBILE_PREFIXES,
    SURNAMES,
)
from phaodai.core.text import fold
from phaodai.welfare.matching import Record

WARDS = ["An Hòa", "Tân An", "Xuân Khánh", "An Khánh", "Hưng Lợi", "Cái Khế", "An Bình", "Thới Bình", "Trà Nóc"]
STREETS = [
    "Mậu Thân", "Nguyễn Trãi", "Trần Hưng Đạo", "30 Tháng 4", "Cách Mạng Tháng 8", "Lý Tự Trọng", "Nguyễn Văn Cừ",
    "Trần Văn Khéo", "Hùng Vương", "Võ Văn Kiệt", "Lê Hồng Phong", "Nguyễn Văn Linh", "3 Tháng 2", "Hai Bà Trưng",
]  # fmt: skip


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    names, weights = zip(*weighted, strict=True)
    return rng.choices(names, weights)[0]


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.serial = 0

    def cid(self, gender: str, born: date) -> str:
        self.serial += 1
        digit = {19: 0, 20: 2}[born.year // 100] + (1 if gender == "F" else 0)
        return f"092{digit}{born.year % 100:02d}{self.rng.randrange(10**6):06d}"

    def phone(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**7):07d}"

    def address(self, ward: str) -> str:
        r = self.rng
        street = r.choice(STREETS)
        if r.random() < 0.5:
            number, alley, area = r.randrange(1, 400), r.randrange(1, 200), r.randrange(1, 9)
            return f"Số {number}, hẻm {alley}, đường {street}, khu vực {area}, phường {ward}"
        return f"{r.randrange(1, 400)}/{r.randrange(1, 60)} {street}, khu vực {r.randrange(1, 9)}, phường {ward}"

    def person(self, family: str, gender: str, born: date) -> str:
        r = self.rng
        middle = _pick(r, MALE_MIDDLE if gender == "M" else FEMALE_MIDDLE)
        given = r.choice(MALE_GIVEN if gender == "M" else FEMALE_GIVEN)
        return f"{family} {middle} {given}"

    def household(self, index: int) -> list[dict]:
        """A household's people as dicts (name, gender, born, cid, phone, address, household)."""
        r = self.rng
        ward = r.choice(WARDS)
        address, phone = self.address(ward), self.phone()
        family = _pick(r, SURNAMES)
        head_born = date(r.randrange(1940, 1995), r.randrange(1, 13), r.randrange(1, 29))
        people = [("M" if r.random() < 0.7 else "F", head_born, family)]
        if r.random() < 0.75:
            people.append(
                (
                    "F" if people[0][0] == "M" else "M",
                    head_born + timedelta(days=r.randrange(-2000, 2000)),
                    _pick(r, SURNAMES),
                )
            )
        children = r.choice([0, 1, 1, 2, 2, 3])
        born = head_born + timedelta(days=365 * r.randrange(20, 35))
        for c in range(children):
            child_born = min(born + timedelta(days=400 * c + r.randrange(0, 200)), date(2021, 6, 30))
            people.append((r.choice("MF"), child_born, family))
            if c == 0 and r.random() < 0.05:  # twins: one birth date, two given names
                people.append((r.choice("MF"), child_born, family))
        rows, names = [], set()
        for gender, day, fam in people:
            name = self.person(fam, gender, day)
            while fold(name).split()[-1] in names:  # one given name per household (twins must differ)
                name = self.person(fam, gender, day)
            names.add(fold(name).split()[-1])
            has_id = day.year < 2006 and r.random() < 0.85
            rows.append(
                {
                    "name": name,
                    "gender": gender,
                    "born": day,
                    "year_only": r.random() < 0.08,
                    "cid": self.cid(gender, day) if has_id else "",
                    "phone": phone if r.random() < 0.6 else (self.phone() if r.random() < 0.5 else ""),
                    "address": address,
                    "household": f"hh{index}",
                    "ward": ward,
                }
            )
        return rows

    # ------------------------------------------------------------------------------------------- variations

    def vary(self, row: dict, moved: bool) -> dict:
        r = self.rng
        out = dict(row)
        words = out["name"].split()
        if r.random() < 0.5:
            out["name"] = fold(out["name"]).title()
        if r.random() < 0.2:
            out["name"] = out["name"].upper()
        if r.random() < 0.15 and len(fold(words[-1])) > 2:  # a typo in the given name
            given = fold(words[-1])
            i = r.randrange(1, len(given))
            out["name"] = " ".join([*out["name"].split()[:-1], given[:i] + r.choice("aeiouhnt") + given[i + 1 :]])
        born = out["born"]
        # A household that moved is known by its people's names, birth dates and IDs (issue #7): those stay.
        roll = 1.0 if moved else r.random()
        if roll < 0.15 and born.day <= 12 and born.day != born.month:
            out["born"] = date(born.year, born.day, born.month)
        elif roll < 0.30:
            out["year_only"] = True
        if out["cid"] and r.random() < 0.2:
            digits = list(out["cid"])
            i = r.randrange(6, 12)
            digits[i] = str((int(digits[i]) + 1) % 10)
            out["cid"] = "".join(digits)
        elif out["cid"] and r.random() < 0.2:
            out["cid"] = out["cid"].lstrip("0")
        elif not moved and r.random() < 0.15:
            out["cid"] = ""
        if out["phone"] and r.random() < 0.3:
            out["phone"] = out["phone"].lstrip("0")
        address = out["address"]
        if r.random() < 0.5:
            address = address.replace("phường", "P.").replace("khu vực", "KV").replace("hẻm", "H.").replace("Số ", "")
        if r.random() < 0.3:
            address = fold(address)
        out["address"] = address
        if moved:
            out["address"] = self.address(r.choice(WARDS))
            out["phone"] = self.phone()
        return out


def generate(n: int = 25_000, seed: int = 2021, duplicate_share: float = 0.12) -> tuple[list[Record], set]:
    """About `n` records: households' people, and `duplicate_share` of them again on another list, varied."""
    g = Generator(seed)
    originals: list[dict] = []
    index = 0
    target = int(n / (1 + duplicate_share))
    while len(originals) < target:
        originals.extend(g.household(index))
        index += 1
    rows = [dict(row, key=f"p{i:06d}") for i, row in enumerate(originals)]
    truth: set[tuple[str, str]] = set()
    # Whole households appear again (a family listed by two wards, or one that moved): members keep their household.
    by_household: dict[str, list[dict]] = {}
    for row in rows:
        by_household.setdefault(row["household"], []).append(row)
    copies: list[dict] = []
    households = list(by_household.values())
    g.rng.shuffle(households)
    for people in households:
        if len(copies) >= n - len(rows):
            break
        moved = g.rng.random() < 0.2
        new_household = f"{people[0]['household']}-again"
        for row in people:
            if g.rng.random() < 0.8:
                copy = g.vary(row, moved)
                copy["key"] = f"d{len(copies):06d}"
                copy["household"] = new_household
                copies.append(copy)
                truth.add(tuple(sorted((row["key"], copy["key"]))))
    records = [
        Record(
            key=row["key"],
            full_name=row["name"],
            date_of_birth=None if row["year_only"] else row["born"],
            birth_year=row["born"].year,
            citizen_id=row["cid"],
            phone=row["phone"],
            address=row["address"],
            household=row["household"],
        )
        for row in rows + copies
    ]
    return records, truth

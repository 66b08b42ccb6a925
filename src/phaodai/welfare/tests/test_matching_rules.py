"""The matcher's rules on small hand-made records, among a few hundred people of a ward (no database needed).

Each test plants one situation of the issue among a background population drawn with a fixed seed, so that the
parameters Splink estimates from the data are those of a realistic list (most people distinct, many "Nguyễn").
"""

from __future__ import annotations

import random
import socket
from datetime import date

import pytest

from phaodai.core.demo.names import FEMALE_GIVEN, MALE_GIVEN, MALE_MIDDLE, SURNAMES
from phaodai.welfare.matching import LIKELY_THRESHOLD, Record, find_candidates, never_the_same, prepare
from phaodai.welfare.normalise import address_key, birth_date, citizen_id_key, phone_key, split_name

STREETS = ["Mậu Thân", "Nguyễn Trãi", "Trần Hưng Đạo", "30 Tháng 4", "Cách Mạng Tháng 8", "Lý Tự Trọng"]


def background(count: int = 300, seed: int = 11) -> list[Record]:
    """Distinct people of a ward, one per household, with a third of them "Nguyễn" (as in the Delta)."""
    rng = random.Random(seed)
    names, weights = zip(*SURNAMES, strict=True)
    middles, middle_weights = zip(*MALE_MIDDLE, strict=True)
    people = []
    for i in range(count):
        family = rng.choices(names, weights)[0]
        given = rng.choice(MALE_GIVEN + FEMALE_GIVEN)
        born = date(rng.randrange(1940, 2005), rng.randrange(1, 13), rng.randrange(1, 29))
        people.append(
            Record(
                key=f"bg:{i:04d}",
                full_name=f"{family} {rng.choices(middles, middle_weights)[0]} {given}",
                date_of_birth=born,
                citizen_id=f"0920{born.year % 100:02d}{rng.randrange(10**6):06d}",
                phone=f"09{rng.randrange(10**8):08d}",
                address=f"{rng.randrange(1, 300)} hẻm {rng.randrange(1, 90)} {rng.choice(STREETS)}",
                household=f"bg-household:{i}",
            )
        )
    return people


def pair_of(pairs, a: str, b: str):
    left, right = sorted((a, b))
    return next((p for p in pairs if (p.left, p.right) == (left, right)), None)


# --------------------------------------------------------------------------------------------------- normalise


def test_names_fold_split_and_join_regional_family_names():
    assert split_name("Nguyễn Thị Ngọc  Lan") == split_name("NGUYEN THI NGOC LAN")
    name = split_name("Huỳnh Thị Ngọc Lan")
    assert (name.family, name.middle, name.given) == ("hoang", "thi ngoc", "lan")
    assert split_name("Võ Văn Sáu").family == split_name("Vũ Văn Sáu").family == "vu"
    assert split_name("Đạt").given == "dat" and split_name("Đạt").family == ""


def test_addresses_written_differently_come_to_one_form():
    long_form = address_key("Số 12, Hẻm 51, Khu vực 2, Phường An Hòa, Quận Ninh Kiều, TP. Cần Thơ")
    assert long_form == address_key("12 hẻm 51 KV2 P. An Hòa Q. Ninh Kiều") == "12 hem 51 khu vuc 2"
    assert address_key("SN 12 kiệt 51 kv 2") == long_form  # kiệt (Huế) is hẻm
    assert address_key("Tổ 5, ĐT 923") == address_key("T5 Đường tỉnh 923")
    assert address_key("Phường An Hòa") == "phuong an hoa"  # nothing but units: kept rather than emptied


def test_phones_ids_and_dates_as_excel_leaves_them():
    assert phone_key("912345678") == phone_key("+84 912 345 678") == "0912345678"
    assert citizen_id_key("9.2190001234e+10") == "092190001234"
    assert citizen_id_key(92190001234) == "092190001234"
    assert birth_date("14/03/2008") == birth_date(date(2008, 3, 14))
    assert birth_date("1941").iso == "" and birth_date("1941").year == 1941
    assert birth_date(None, 1941).year == 1941
    assert birth_date("31/02/2001").iso == ""  # not a date: unknown, not a crash


# --------------------------------------------------------------------------------------------------- the model


def test_the_same_person_written_differently_is_found_with_the_fields_that_agree():
    people = background()
    target = Record(
        key="list-a:1",
        full_name="Trương Thị Diễm Quyên",
        date_of_birth=date(1982, 11, 5),
        citizen_id="092182004455",
        phone="0939555111",
        address="Số 8, Hẻm 14, KV3, P. An Hòa",
        household="a:1",
    )
    variant = Record(
        key="list-b:1",
        full_name="TRUONG THI DIEM QUYEN",  # no diacritics
        date_of_birth="05/11/1982",
        citizen_id="92182004455",  # Excel dropped the leading zero
        phone="939555111",  # and the phone's
        address="8 hẻm 14 khu vực 3 phường An Hòa",
        household="b:1",
    )
    pairs = find_candidates([*people, target, variant])
    found = pair_of(pairs, "list-a:1", "list-b:1")
    assert found is not None and found.probability >= LIKELY_THRESHOLD
    assert set(found.agree) >= {"family", "given", "birth", "citizen_id", "phone", "address"}
    assert found.differ == []


def test_typos_swapped_day_and_month_and_id_typo_are_still_found():
    people = background()
    original = Record(
        key="a:1",
        full_name="Lâm Văn Khải",
        date_of_birth=date(1979, 4, 9),
        citizen_id="092079112233",
        phone="0918000111",
        address="77 Trần Hưng Đạo",
        household="a",
    )
    typed = Record(
        key="b:1",
        full_name="Lam Van Khai",
        date_of_birth=date(1979, 9, 4),  # day and month swapped
        citizen_id="092079112253",  # one digit wrong
        phone="0918000111",
        address="77 Tran Hung Dao",
        household="b",
    )
    found = pair_of(find_candidates([*people, original, typed]), "a:1", "b:1")
    assert found is not None and found.probability >= LIKELY_THRESHOLD
    assert found.fields["birth"]["level"] == "day and month swapped"
    assert found.fields["citizen_id"]["level"] == "one digit wrong"


def test_twins_of_one_household_are_never_proposed():
    people = background()
    shared = {"date_of_birth": date(2008, 3, 14), "phone": "0939123456", "address": "12 hẻm 3 Mậu Thân"}
    twins = [
        Record(key="twin:a", full_name="Nguyễn Thị Ánh", household="bay", **shared),
        Record(key="twin:b", full_name="Nguyễn Thị Ngọc", household="bay", **shared),
    ]
    pairs = find_candidates([*people, *twins], threshold=0.0)
    assert pair_of(pairs, "twin:a", "twin:b") is None
    # The rule holds whatever the probability: the same rows without a household key are scored (not dropped).
    loose = [Record(**{**t.__dict__, "household": ""}) for t in twins]
    assert pair_of(find_candidates([*people, *loose], threshold=0.0), "twin:a", "twin:b") is not None


def test_hard_rule_same_household_different_given_names():
    a, b, c = prepare(
        [
            Record(key="1", full_name="Nguyễn Văn Bảy", household="h"),
            Record(key="2", full_name="Nguyễn Văn Tám", household="h"),
            Record(key="3", full_name="Nguyen Van Bay", household="h"),
        ]
    )
    assert never_the_same(a, b)
    assert not never_the_same(a, c)  # the same given name in one household: the model decides


def test_a_person_who_moved_is_the_same_person_at_a_new_address_with_a_new_phone():
    people = background()
    before = Record(
        key="ninh-kieu:7",
        full_name="Đoàn Thị Hằng",
        date_of_birth=date(1990, 1, 23),
        citizen_id="092190778899",
        phone="0987001122",
        address="20 hẻm 51 Cách Mạng Tháng 8, An Hòa",
        household="nk",
    )
    after = Record(
        key="binh-thuy:3",
        full_name="Đoàn Thị Hằng",
        date_of_birth=date(1990, 1, 23),
        citizen_id="092190778899",
        phone="0356000999",
        address="Phòng 4 dãy trọ 15 Lê Hồng Phong, Trà Nóc",
        household="bt",
    )
    found = pair_of(find_candidates([*people, before, after]), "ninh-kieu:7", "binh-thuy:3")
    assert found is not None and found.probability >= LIKELY_THRESHOLD
    assert {"phone", "address"} <= set(found.differ)


def test_common_family_names_weigh_less_than_rare_ones():
    """Same given name, same year of birth only, nothing else known: two "Nguyễn" are less telling than two
    "Diệp" (term-frequency adjustment on the family name)."""
    people = background()
    sparse = [
        Record(key="n:1", full_name="Nguyễn Văn Tín", birth_year=1970, household="n1"),
        Record(key="n:2", full_name="Nguyễn Văn Tín", birth_year=1970, household="n2"),
        Record(key="d:1", full_name="Diệp Văn Tín", birth_year=1970, household="d1"),
        Record(key="d:2", full_name="Diệp Văn Tín", birth_year=1970, household="d2"),
    ]
    pairs = find_candidates([*people, *sparse], threshold=0.0)
    common, rare = pair_of(pairs, "n:1", "n:2"), pair_of(pairs, "d:1", "d:2")
    assert common is not None and rare is not None
    assert rare.match_weight > common.match_weight + 1


def test_pairs_inside_the_registry_are_not_returned_and_runs_are_deterministic():
    registry = background(200)
    registry.append(Record(**{**registry[0].__dict__, "key": "bg:zzzz", "household": "other"}))  # a registry dup
    newcomer = Record(**{**registry[5].__dict__, "key": "new:1", "household": "new", "phone": ""})
    first = find_candidates([newcomer], against=registry)
    assert [(p.left, p.right) for p in first] == [("bg:0005", "new:1")]
    again = find_candidates([newcomer], against=registry)
    assert [(p.left, p.right, p.probability) for p in again] == [(p.left, p.right, p.probability) for p in first]


def test_households_compare_their_members(monkeypatch):
    people = background(150)
    members = ["Nguyễn Văn Bảy", "Trần Thị Thu", "Nguyễn Thị Ánh", "Nguyễn Thị Ngọc"]
    a = Record(key="ha", full_name="Nguyễn Văn Bảy", address="12 hẻm 3 Mậu Thân", members=members, household="a")
    b = Record(key="hb", full_name="Nguyen Van Bay", address="12 H.3 Mau Than", members=members[:2], household="b")
    for record in people:
        record.members = [record.full_name]
    found = pair_of(find_candidates([*people, a, b], households=True, threshold=0.0), "ha", "hb")
    assert found is not None
    assert found.fields["members"]["level"] == "two or more in common"


def test_the_matcher_never_touches_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the matcher tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    people = background(100)
    twin = Record(**{**people[3].__dict__, "key": "copy", "household": "copy"})
    assert pair_of(find_candidates([*people, twin]), people[3].key, "copy") is not None


@pytest.mark.parametrize("size", [0, 1])
def test_too_few_records_to_compare(size):
    assert find_candidates(background(size)) == []

"""Writing an import: households reused or created, people, categories, list entries — all or nothing, in scope."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from openpyxl import Workbook

from phaodai.accounts.roles import Role
from phaodai.places.models import Household
from phaodai.testing import make_user
from phaodai.welfare import import_apply, importing
from phaodai.welfare.models import HouseholdCategory, ListEntry, ListStatus, Person, SupportList
from phaodai.welfare.testing import make_neighbourhood, welfare_world
from phaodai.welfare.tests.fixtures.workbooks import SAMPLE, to_bytes, ward_list, ward_row

AN_KHANH = "31149"


@pytest.fixture
def ww(world):
    with translation.override("en"), time_machine.travel(datetime(2021, 9, 1, 3, tzinfo=UTC), tick=False):
        yield welfare_world(world)


def target(user, commune_code, **kw):
    from phaodai.places.models import AdminUnit

    return import_apply.resolve_target(user, AdminUnit.objects.get(code=commune_code).pk, **kw)


def draft(ww, w, programme="food", commune_code="31135", user="tan_an"):
    from phaodai.places.models import AdminUnit

    return SupportList.objects.create(
        programme=ww.programmes[programme],
        commune=AdminUnit.objects.get(code=commune_code),
        created_by=w.users[user],
    )


def test_the_sample_list_goes_into_the_registry_and_a_second_import_reuses_it(ww, world):
    user = make_user("an_khanh", Role.COMMUNE, AN_KHANH)
    for i, name in enumerate(["Ấp Nhơn Thọ", "Ấp Mỹ Phụng", "Ấp Trường Thọ", "Khu vực 1", "Khu vực 2", "Khu vực 3"]):
        make_neighbourhood(AN_KHANH, i + 1, name)
    outcome = import_apply.apply(importing.read(str(SAMPLE)), target(user, AN_KHANH), user, source="mau.xlsx")
    assert (outcome.households_created, outcome.people_created) == (40, 40)
    vy = Person.objects.get(citizen_id="079194959425")
    assert (vy.full_name, vy.gender, vy.birth_year, vy.relationship) == ("Nguyễn Vy", "F", 1994, "head")
    assert (vy.household.neighbourhood.name, vy.household.address, vy.household.members) == ("Khu vực 2", "203", 4)
    assert vy.household.phone == "0794699592"
    informal = HouseholdCategory.objects.get(household=vy.household)
    assert (informal.category, informal.person, informal.valid_from) == ("informal_worker", vy, date(2021, 9, 1))
    assert "mau.xlsx" in informal.source
    again = import_apply.apply(importing.read(str(SAMPLE)), target(user, AN_KHANH), user)
    assert (again.households_created, again.households_reused, again.people_created) == (0, 40, 0)
    assert Household.objects.filter(neighbourhood__parent__code=AN_KHANH).count() == 40


def test_rows_join_existing_households_and_a_per_person_list(ww, world):
    user = world.users["tan_an"]
    cash = draft(ww, world, "cash")
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Họ và tên", "Quan hệ với chủ hộ", "Ngày sinh", "Số CCCD", "Địa chỉ", "Khu vực", "Đối tượng"])
    # Tám's household, written with another case and spacing of its address: the same household
    ws.append([1, "Lê Văn Tám", "Chủ hộ", "08/08/1990", None, "phòng 5, dãy trọ 88  Trần Hưng Đạo", "KV2", "LĐTD"])
    ws.append([2, "Lê Thị Mười", "Vợ", "1992", None, None, None, "Lao động tự do mất việc"])
    ws.append([3, "Đinh Văn Mới", "Chủ hộ", "1988", "092088000777", "9 Mậu Thân", "Khu vực 1", "Lao động tự do"])
    outcome = import_apply.apply(importing.read(to_bytes(wb)), target(user, "31135", list_id=cash.pk), user)
    assert (outcome.households_created, outcome.households_reused) == (1, 1)
    assert (outcome.people_created, outcome.people_reused, outcome.entries_created) == (2, 1, 3)
    tam_house = ww.households["tam"]
    assert set(tam_house.people.values_list("full_name", flat=True)) >= {"Lê Văn Tám", "Lê Thị Mười"}
    assert Person.objects.get(full_name="Lê Thị Mười").relationship == "spouse"
    entries = ListEntry.objects.filter(support_list=cash).order_by("row_number")
    assert [(e.person.full_name, e.row_number) for e in entries] == [
        ("Lê Văn Tám", 2),
        ("Lê Thị Mười", 3),
        ("Đinh Văn Mới", 4),
    ]
    assert entries[0].written["Họ và tên"] == "Lê Văn Tám"
    # the same file again: every person is already on the list, nothing is added
    with pytest.raises(ValidationError) as again:
        import_apply.apply(importing.read(to_bytes(wb)), target(user, "31135", list_id=cash.pk), user)
    assert {p.code for p in again.value.params["problems"]} == {"already_listed"}
    assert ListEntry.objects.filter(support_list=cash).count() == 3


def test_one_bad_row_and_nothing_is_imported(ww, world):
    user = world.users["tan_an"]
    before = (Household.objects.count(), Person.objects.count(), HouseholdCategory.objects.count())
    rows = [
        ward_row(1, "Nguyễn Văn Một", 1970, "092070000111", "1", "Khu vực 1", "0912345678"),
        ward_row(2, "Nguyễn Văn Hai", 1971, "092071000222", "2", "Khu vực 9", "0912345679"),  # no such area
    ]
    with pytest.raises(ValidationError) as refused:
        import_apply.apply(importing.read(ward_list(rows)), target(user, "31135"), user)
    problems = refused.value.params["problems"]
    assert [(p.row, p.letter, p.code) for p in problems] == [(11, "G", "neighbourhood_unknown")]
    assert "Khu vực 9" in problems[0].message
    assert (Household.objects.count(), Person.objects.count(), HouseholdCategory.objects.count()) == before


def test_a_database_refusal_midway_leaves_nothing_behind(ww, world, monkeypatch):
    user = world.users["tan_an"]
    before = (Household.objects.count(), Person.objects.count())
    rows = [
        ward_row(1, "Nguyễn Văn Một", 1970, "092070000111", "1", "Khu vực 1", "0912345678"),
        ward_row(2, "Nguyễn Văn Hai", 1971, "092071000222", "2", "Khu vực 1", "0912345679"),
    ]
    reading = importing.read(ward_list(rows))
    real_create = Person.objects.create
    calls = []

    def failing_create(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            from django.db import IntegrityError

            raise IntegrityError("simulated: someone took this citizen ID meanwhile")
        return real_create(**kwargs)

    monkeypatch.setattr(Person.objects, "create", failing_create)
    with pytest.raises(ValidationError) as refused:
        import_apply.apply(reading, target(user, "31135"), user)
    assert refused.value.code == "conflict"
    assert (Household.objects.count(), Person.objects.count()) == before


def test_a_commune_imports_only_into_its_own_neighbourhoods_and_lists(ww, world):
    tan_an = world.users["tan_an"]
    with pytest.raises(ValidationError) as commune:
        target(tan_an, "31120")  # An Hòa
    assert "commune" in commune.value.message_dict
    with pytest.raises(ValidationError) as area:
        target(tan_an, "31135", neighbourhood_id=ww.neighbourhoods["an_hoa_3"].pk)
    assert "neighbourhood" in area.value.message_dict
    an_hoa_list = draft(ww, world, "food", "31120", "an_hoa")
    with pytest.raises(ValidationError) as other_list:
        target(tan_an, "31135", list_id=an_hoa_list.pk)
    assert "support_list" in other_list.value.message_dict
    submitted = draft(ww, world)
    submitted.status = ListStatus.SUBMITTED
    submitted.save()
    with pytest.raises(ValidationError):
        target(tan_an, "31135", list_id=submitted.pk)  # a locked list takes no rows
    with pytest.raises(PermissionDenied):
        target(world.users["observer"], "31135")


def test_a_citizen_id_registered_in_another_commune_is_not_taken_over(ww, world):
    user = world.users["tan_an"]
    lan = ww.people["lan"]  # An Hòa
    rows = [ward_row(1, "Huỳnh Thị Lan", "30/04/1985", lan.citizen_id, "3", "Khu vực 1", "", female=True)]
    with pytest.raises(ValidationError) as refused:
        import_apply.apply(importing.read(ward_list(rows)), target(user, "31135"), user)
    [problem] = refused.value.params["problems"]
    assert problem.code == "citizen_id_elsewhere" and "Lan" not in problem.message
    lan.refresh_from_db()
    assert lan.household == ww.households["lan"]


def test_a_per_household_list_gets_one_entry_per_household(ww, world):
    user = world.users["tan_an"]
    food = draft(ww, world, "food")
    wb = Workbook()
    ws = wb.active
    ws.append(["TT", "Họ tên chủ hộ", "Họ và tên", "Năm sinh", "Địa chỉ", "Đối tượng"])
    ws.append([1, "Trần Thị Hồng", "Trần Thị Hồng", 1941, "45/2 Nguyễn Trãi", "Người cao tuổi sống một mình"])
    ws.append([2, "Ngô Văn Bốn", "Ngô Văn Bốn", 1960, "4 Mậu Thân", "Hộ nghèo"])
    ws.append([3, "Ngô Văn Bốn", "Ngô Thị Năm", 1990, "4 Mậu Thân", "Hộ nghèo"])
    reading = importing.read(to_bytes(wb))
    outcome = import_apply.apply(
        reading, target(user, "31135", neighbourhood_id=ww.neighbourhoods["tan_an_1"].pk, list_id=food.pk), user
    )
    assert outcome.entries_created == 2
    households = [e.household.head_name for e in food.entries.order_by("row_number")]
    assert households == ["Trần Thị Hồng", "Ngô Văn Bốn"]
    bon = Household.objects.get(head_name="Ngô Văn Bốn")
    assert bon.members == 2 and bon.people.count() == 2
    assert HouseholdCategory.objects.filter(household=bon, category="poor").count() == 1
    # Hồng was already elderly living alone: no second category
    assert HouseholdCategory.objects.filter(household=ww.households["hong"], category="elderly_alone").count() == 1

"""The two reports: no one missed (eligible but on no approved list), no one twice (exact keys)."""

import pytest
from django.urls import reverse
from django.utils import translation

from phaodai.places.models import AdminUnit
from phaodai.testing import AN_HOA, TAN_AN
from phaodai.welfare import lists, reports
from phaodai.welfare.testing import make_household, welfare_world


@pytest.fixture
def ww(world):
    with translation.override("en"):
        yield welfare_world(world)


def approve(world, sl):
    lists.submit(sl.created_by, sl)
    lists.check(world.ninh_kieu, sl)
    return lists.approve(world.steering, sl)


def test_missed_lists_the_eligible_households_on_no_approved_list(world, ww):
    assert {h.head_name for h in reports.missed(ww.food, world.ninh_kieu)} == {
        "Nguyễn Văn Bảy",
        "Trần Thị Hồng",
        "Võ Văn Sáu",
    }
    sl = lists.create_list(world.tan_an, ww.food, AdminUnit.objects.get(code=TAN_AN))
    lists.add_entry(world.tan_an, sl, ww.households["bay"])
    assert len(reports.missed(ww.food, world.tan_an)) == 2  # a draft list does not count yet
    approve(world, sl)
    assert [h.head_name for h in reports.missed(ww.food, world.tan_an)] == ["Trần Thị Hồng"]  # Tân An's only


def test_missed_per_person_uses_the_person_category(world, ww):
    assert {p.full_name for p in reports.missed(ww.cash, world.steering)} == {"Lê Văn Tám", "Huỳnh Thị Lan"}
    assert reports.eligible_for(ww.cash, ww.people["tam"]) == "Informal worker who lost income"


def test_duplicates_by_record_by_citizen_id_and_by_head_and_address(world, ww):
    # The same family registered a second time in An Hòa, written without accents: same head and address once folded.
    again = make_household(ww.neighbourhoods["an_hoa_3"], "Nguyen Van Bay", "12 Hẻm 3 Mau Than")
    tan_an = lists.create_list(world.tan_an, ww.food, AdminUnit.objects.get(code=TAN_AN))
    an_hoa = lists.create_list(world.an_hoa, ww.food, AdminUnit.objects.get(code=AN_HOA))
    lists.add_entry(world.tan_an, tan_an, ww.households["bay"])
    lists.add_entry(world.tan_an, tan_an, ww.households["hong"])
    lists.add_entry(world.an_hoa, an_hoa, again, reason="Hộ khó khăn")
    lists.add_entry(world.an_hoa, an_hoa, ww.households["sau"], written={"citizen_id": ww.people["hong"].citizen_id})
    groups = reports.duplicates(ww.food, world.steering)
    found = {frozenset(e.household.head_name for e in g.entries): g.reasons for g in groups}
    assert found == {
        frozenset({"Nguyễn Văn Bảy", "Nguyen Van Bay"}): {"the same head and address"},
        frozenset({"Trần Thị Hồng", "Võ Văn Sáu"}): {"the same citizen ID"},
    }
    assert reports.duplicates(ww.food, world.tan_an) == []  # each commune sees only its own list


def test_a_superseded_revision_is_not_a_duplicate_of_its_replacement(world, ww):
    sl = lists.create_list(world.tan_an, ww.food, AdminUnit.objects.get(code=TAN_AN))
    lists.add_entry(world.tan_an, sl, ww.households["bay"])
    approve(world, sl)
    revision = lists.revise(world.tan_an, sl)
    assert len(reports.duplicates(ww.food, world.steering)) == 1  # both count until the revision is approved
    approve(world, revision)
    assert reports.duplicates(ww.food, world.steering) == []


def test_the_report_pages_and_exports(world, ww, client_for):
    c = client_for(world.ninh_kieu)
    body = c.get(reverse("welfare:report_missed"), {"programme": ww.food.pk}).content.decode()
    assert "Võ Văn Sáu" in body and "Phạm Thị Mai" not in body
    response = c.get(reverse("welfare:report_missed_export"), {"programme": ww.food.pk})
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    assert c.get(reverse("welfare:report_duplicates"), {"programme": ww.cash.pk}).status_code == 200

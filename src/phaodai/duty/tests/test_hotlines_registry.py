"""The hotline registry: numbers normalised, foreign numbers and duplicates refused, scope, operators, pages, API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from phaodai.duty import hotlines
from phaodai.duty.models import Hotline, Line, RosterStatus
from phaodai.duty.testing import duty_world
from phaodai.duty.tests.scope_hotlines import publish_roster
from phaodai.places.models import AdminUnit
from phaodai.testing import AN_HOA, NINH_KIEU, TAN_AN

# Tuesday 14 September 2021, 10:00 in Cần Thơ (03:00 UTC).
TUESDAY = datetime(2021, 9, 14, 3, 0, tzinfo=UTC)


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def sites(world):
    return duty_world(world)


def tan_an() -> AdminUnit:
    return AdminUnit.objects.get(code=TAN_AN)


def test_a_number_is_kept_in_one_form_whatever_way_it_was_typed(world, sites):
    h = hotlines.create_hotline(
        world.tan_an, unit=tan_an(), number="+84 912 345 000", line=Line.HEALTH, site=sites.tan_an_station
    )
    assert h.number == "0912345000"
    landline = hotlines.create_hotline(world.tan_an, unit=tan_an(), number="0292.382.1999", line=Line.GENERAL)
    assert landline.number == "02923821999"


def test_a_number_that_is_not_vietnamese_is_refused_with_a_clear_message(world, sites):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        hotlines.create_hotline(world.tan_an, unit=tan_an(), number="+1 415 555 0100", line=Line.HEALTH)
    assert "is not a Vietnamese phone number" in caught.value.message_dict["number"][0]
    assert not Hotline.objects.exists()


def test_a_number_already_in_use_is_refused_naming_the_hotline_that_has_it(world, sites):
    an_hoa = AdminUnit.objects.get(code=AN_HOA)
    hotlines.create_hotline(world.an_hoa, unit=an_hoa, number="0912345000", line=Line.WELFARE, label="Tổ an sinh")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        hotlines.create_hotline(world.tan_an, unit=tan_an(), number="84912345000", line=Line.HEALTH)
    message = caught.value.message_dict["number"][0]
    assert "0912345000 is already the welfare line of Phường An Hòa (Tổ an sinh)" in message
    assert Hotline.objects.count() == 1


def test_a_number_out_of_use_can_be_given_to_another_hotline_but_not_put_back_twice(world, sites):
    first = hotlines.create_hotline(world.tan_an, unit=tan_an(), number="0912345000", line=Line.HEALTH)
    hotlines.deactivate_hotline(world.tan_an, first)
    second = hotlines.create_hotline(world.tan_an, unit=tan_an(), number="0912345000", line=Line.GENERAL)
    assert second.is_active
    with pytest.raises(ValidationError):
        hotlines.set_active(world.tan_an, first, True)
    first.refresh_from_db()
    assert not first.is_active


def test_an_officer_manages_only_units_of_their_own_subtree(world, sites):
    an_hoa = AdminUnit.objects.get(code=AN_HOA)
    with pytest.raises(PermissionDenied):
        hotlines.create_hotline(world.tan_an, unit=an_hoa, number="0912345000", line=Line.HEALTH)
    # The district manages its communes' hotlines, and its own.
    hotlines.create_hotline(world.ninh_kieu, unit=an_hoa, number="0912345000", line=Line.HEALTH)
    district = AdminUnit.objects.get(code=NINH_KIEU)
    hotlines.create_hotline(world.ninh_kieu, unit=district, number="0912345001", line=Line.HEALTH)
    with pytest.raises(PermissionDenied):  # operators see hotlines, they do not register them
        hotlines.create_hotline(world.hotline_operator, unit=tan_an(), number="0912345002", line=Line.HEALTH)


def test_a_hotline_is_staffed_only_from_a_site_within_its_unit(world, sites):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        hotlines.create_hotline(
            world.ninh_kieu, unit=tan_an(), number="0912345000", line=Line.HEALTH, site=sites.an_hoa_hq
        )
    assert "is not a duty site in use within Phường Tân An" in caught.value.message_dict["site"][0]


def test_correcting_a_hotline_checks_the_number_again(world, sites):
    a = hotlines.create_hotline(world.tan_an, unit=tan_an(), number="0912345000", line=Line.HEALTH)
    b = hotlines.create_hotline(world.tan_an, unit=tan_an(), number="0912345001", line=Line.WELFARE)
    with pytest.raises(ValidationError):
        hotlines.update_hotline(world.tan_an, b, number="0912 345 000")
    updated = hotlines.update_hotline(world.tan_an, b, number="+84912345009", label="Đường dây an sinh")
    assert (updated.number, updated.label) == ("0912345009", "Đường dây an sinh")
    a.refresh_from_db()
    assert a.number == "0912345000"


@time_machine.travel(TUESDAY, tick=False)
def test_operators_are_the_people_on_duty_at_the_site_on_a_published_roster(world, sites, client_for):
    hotline = hotlines.create_hotline(
        world.tan_an, unit=tan_an(), number="0912345000", line=Line.HEALTH, site=sites.tan_an_hq
    )
    an, dat = world.staff["an"], world.staff["dat"]
    now = TUESDAY
    publish_roster(
        tan_an(),
        [sites.tan_an_hq],
        [
            (sites.tan_an_hq, now - timedelta(hours=3), now + timedelta(hours=5), [an]),
            (sites.tan_an_hq, now + timedelta(hours=5), now + timedelta(hours=13), [dat]),
        ],
        by=world.tan_an,
    )
    # A draft is a plan, not duty: Đạt drafted for now is not answering the phone.
    publish_roster(
        tan_an(),
        [sites.tan_an_hq],
        [(sites.tan_an_hq, now - timedelta(hours=1), now + timedelta(hours=1), [dat])],
        by=world.tan_an,
        status=RosterStatus.DRAFT,
    )
    ops = hotlines.operators(hotline, now)
    assert [a.staff.full_name for o in ops.now for a in o.people] == ["Nguyễn Văn An"]
    assert [o.names for o in ops.week] == ["Nguyễn Văn An", "Trần Đình Đạt"]

    page = english(client_for(world.tan_an))
    body = page.get(reverse("duty:hotline_detail", args=[hotline.pk])).content.decode()
    assert "Nguyễn Văn An" in body and "0912345678" in body


def test_the_pages_register_correct_and_take_out_of_use(world, sites, client_for):
    c = english(client_for(world.tan_an))
    response = c.post(
        reverse("duty:hotline_add"),
        {"unit": tan_an().pk, "number": "0912 345 000", "line": Line.HEALTH, "site": sites.tan_an_station.pk},
    )
    hotline = Hotline.objects.get()
    assert response.status_code == 302 and hotline.number == "0912345000"
    response = c.post(reverse("duty:hotline_add"), {"unit": tan_an().pk, "number": "0912345000", "line": "welfare"})
    assert response.status_code == 200 and "is already the health line of Phường Tân An" in response.content.decode()
    c.post(reverse("duty:hotline_edit", args=[hotline.pk]), {"number": "0912345001", "line": Line.WELFARE})
    hotline.refresh_from_db()
    assert (hotline.number, hotline.line) == ("0912345001", Line.WELFARE)
    c.post(reverse("duty:hotline_set_active", args=[hotline.pk]), {"active": "0"})
    hotline.refresh_from_db()
    assert not hotline.is_active
    listing = c.get(reverse("duty:hotline_list"), {"is_active": "false"}).content.decode()
    assert "0912345001" in listing


def test_the_api_registers_corrects_and_takes_hotlines_out_of_use(world, sites, api):
    client = api(world.tan_an)
    response = client.post(
        reverse("api:hotlines-list"),
        {"unit": tan_an().pk, "number": "+84912345000", "line": "health", "site": sites.tan_an_hq.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["number"] == "0912345000"
    pk = response.json()["id"]
    refused = client.post(
        reverse("api:hotlines-list"), {"unit": tan_an().pk, "number": "0033612345678", "line": "health"}
    )
    assert refused.status_code == 400 and "is not a Vietnamese phone number" in refused.json()["number"][0]
    patched = client.patch(reverse("api:hotlines-detail", args=[pk]), {"label": "Trạm Y tế"}, format="json")
    assert patched.status_code == 200 and patched.json()["label"] == "Trạm Y tế"
    assert patched.json()["line"] == "health"  # untouched by a partial update
    assert client.delete(reverse("api:hotlines-detail", args=[pk])).status_code == 204
    assert not Hotline.objects.get(pk=pk).is_active
    assert api(world.hotline_operator).get(reverse("api:hotlines-list")).json()["count"] == 1

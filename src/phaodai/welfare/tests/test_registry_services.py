"""Registry: households, people (citizen ID, phone, one head, birth dates) and categories with valid periods."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from phaodai.welfare import registry
from phaodai.welfare.models import Relationship
from phaodai.welfare.testing import welfare_world

TODAY = date(2021, 8, 1)


@pytest.fixture
def ww(world):
    with translation.override("en"):
        yield welfare_world(world)


def test_a_person_gets_a_normalised_phone_and_a_checked_citizen_id(world, ww):
    p = registry.add_person(
        world.tan_an,
        ww.households["mai"],
        full_name="  Phạm  Văn Tư ",
        gender="M",
        date_of_birth=date(1988, 2, 3),
        citizen_id="092088123456",
        phone="+84 912 345 678",
        relationship=Relationship.CHILD,
        today=TODAY,
    )
    assert (p.full_name, p.phone, p.birth_year) == ("Phạm Văn Tư", "0912345678", 1988)
    with pytest.raises(ValidationError) as exc:
        registry.add_person(
            world.tan_an,
            ww.households["mai"],
            full_name="Phạm Thị Năm",
            gender="F",
            date_of_birth=date(1990, 1, 1),
            citizen_id="092088123457",
            today=TODAY,
        )
    assert "4th digit" in str(exc.value.message_dict["citizen_id"])


def test_a_date_of_birth_in_the_future_and_a_second_head_are_refused(world, ww):
    with pytest.raises(ValidationError) as exc:
        registry.add_person(
            world.tan_an,
            ww.households["bay"],
            full_name="Bé",
            date_of_birth=date(2021, 9, 1),
            relationship=Relationship.HEAD,
            today=TODAY,
        )
    errors = exc.value.message_dict
    assert "in the future" in errors["date_of_birth"][0]
    assert "already the head" in errors["relationship"][0]


def test_a_citizen_id_names_one_person(world, ww):
    with pytest.raises(ValidationError, match="already registered for Nguyễn Văn Bảy"):
        registry.add_person(
            world.tan_an,
            ww.households["mai"],
            full_name="Ai đó",
            gender="M",
            citizen_id=ww.people["bay"].citizen_id,
            today=TODAY,
        )


def test_a_category_period_in_reverse_is_refused(world, ww):
    with pytest.raises(ValidationError, match="ends"):
        registry.add_category(
            world.tan_an,
            ww.households["mai"],
            category="poor",
            valid_from=date(2021, 6, 1),
            valid_until=date(2021, 1, 1),
        )
    with pytest.raises(ValidationError, match="not a member"):
        registry.add_category(
            world.tan_an,
            ww.households["mai"],
            category="disabled",
            valid_from=date(2021, 6, 1),
            person=ww.people["bay"],
        )


def test_a_commune_keeps_only_its_own_registry(world, ww):
    with pytest.raises(PermissionDenied):
        registry.add_person(world.tan_an, ww.households["sau"], full_name="X", today=TODAY)
    with pytest.raises(ValidationError, match="not a neighbourhood of your area"):
        registry.create_household(world.tan_an, neighbourhood=ww.neighbourhoods["an_hoa_3"], head_name="X", address="1")
    with pytest.raises(PermissionDenied):
        registry.create_household(
            world.observer, neighbourhood=ww.neighbourhoods["tan_an_1"], head_name="X", address="1"
        )


def test_the_household_search_ignores_accents_and_the_page_adds_a_household(world, ww, client_for):
    c = client_for(world.tan_an)
    body = c.get(reverse("welfare:household_list"), {"q": "nguyen van bay"}).content.decode()
    assert "Nguyễn Văn Bảy" in body and "Trần Thị Hồng" not in body
    response = c.post(
        reverse("welfare:household_add"),
        {
            "neighbourhood": ww.neighbourhoods["tan_an_2"].pk,
            "head_name": "Đặng Văn Mười",
            "address": "9 Ngô Quyền",
            "phone": "912000111",
            "members": 3,
        },
    )
    assert response.status_code == 302
    detail = c.get(response["Location"]).content.decode()
    assert "Đặng Văn Mười" in detail and "0912000111" in detail

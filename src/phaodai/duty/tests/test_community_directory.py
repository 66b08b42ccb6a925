"""The public directory and its poster: no login, only what is meant to be public."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from phaodai.duty.tests.community_data import (
    AN_HOA_HEAD,
    AN_HOA_LEADER,
    AN_HOA_LINE,
    HEALTH_LINE,
    HOUSEHOLD_HEAD,
    LEADER,
    LEADER_PHONE,
    MEMBER,
    MEMBER_PHONE,
    PRIVATE_LINE,
    WELFARE_LINE,
    community_world,
    staff_site_now,
)
from phaodai.testing import TAN_AN

NOW = datetime(2021, 8, 16, 3, 0, tzinfo=UTC)  # 10:00 in Cần Thơ


@pytest.fixture
def c(world):
    return community_world(world)


def english(client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def page(client, code=TAN_AN) -> str:
    response = english(client).get(reverse("duty:directory", args=[code]))
    assert response.status_code == 200
    return response.content.decode()


PRIVATE = [
    PRIVATE_LINE,
    MEMBER,
    MEMBER_PHONE,
    HOUSEHOLD_HEAD,
    "0907000001",
    "Nguyễn Văn An",
    AN_HOA_LINE,
    AN_HOA_LEADER,
]


def test_anonymous_visitors_see_the_public_numbers_and_nothing_private(client, world, c):
    with time_machine.travel(NOW, tick=False):
        body = page(client)
    for public in (HEALTH_LINE, WELFARE_LINE, LEADER, LEADER_PHONE, "2 Nguyễn Trãi, Phường Tân An", "02923821000"):
        assert public in body
    for private in PRIVATE:
        assert private not in body, private
    assert "No duty roster confirms who answers right now" in body
    assert "/accounts/login" not in body


def test_only_hotlines_staffed_now_by_a_published_roster_are_listed(client, world, c):
    staff_site_now(world, c.sites.tan_an_station, NOW - timedelta(hours=2), NOW + timedelta(hours=6))
    # A draft roster, and a shift already over, put nobody on duty at the headquarters.
    staff_site_now(world, c.sites.tan_an_hq, NOW - timedelta(hours=2), NOW + timedelta(hours=6), published=False)
    staff_site_now(world, c.sites.tan_an_hq, NOW - timedelta(hours=10), NOW - timedelta(hours=2))
    with time_machine.travel(NOW, tick=False):
        body = page(client)
    assert HEALTH_LINE in body and WELFARE_LINE not in body
    assert "On duty now (10:00, 16/08/2021)" in body
    # The people on duty stay private: only the number is public.
    assert "Nguyễn Văn An" not in body
    with time_machine.travel(NOW + timedelta(hours=7), tick=False):
        later = page(client)
    assert HEALTH_LINE in later and WELFARE_LINE in later  # nobody rostered: all public lines, labelled so
    assert "No duty roster confirms" in later


def test_a_commune_is_found_without_accents_and_by_id(client, world, c):
    response = english(client).get(reverse("duty:directory_index"), {"q": "tan an"})
    assert response.status_code == 200
    assert reverse("duty:directory", args=[TAN_AN]) in response.content.decode()
    assert reverse("duty:directory", args=["31120"]) not in response.content.decode()  # An Hòa
    assert HEALTH_LINE in page(client, str(c.kv1.parent.pk))
    assert client.get(reverse("duty:directory", args=[str(c.kv1.pk)])).status_code == 404  # not a commune
    assert client.get(reverse("duty:directory", args=["nowhere"])).status_code == 404


def test_another_communes_directory_shows_its_own_data_only(client, world, c):
    body = page(client, "31120")
    assert AN_HOA_LINE in body and AN_HOA_LEADER in body
    for other in (HEALTH_LINE, LEADER, AN_HOA_HEAD):
        assert other not in body


def test_the_poster_is_a_pdf_with_the_numbers_and_a_qr_code(client, world, c):
    response = client.get(reverse("duty:directory_poster", args=[TAN_AN]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(p.extract_text() for p in reader.pages)
    for public in (HEALTH_LINE, WELFARE_LINE, LEADER_PHONE, "PHƯỜNG TÂN AN", "02923821000"):
        assert public in text
    for private in PRIVATE:
        assert private not in text
    assert "http://testserver/duty/directory/31135/" in text
    assert sum(len(p.images) for p in reader.pages) == 1  # the QR code
    assert reader.pages[0].mediabox.width == pytest.approx(595.27, abs=1)  # A4


def test_every_other_community_page_sends_anonymous_visitors_to_log_in(client, world, c):
    urls = [
        reverse("duty:communityteam_list"),
        reverse("duty:communityteam_export"),
        reverse("duty:communityteam_detail", args=[c.team.pk]),
        reverse("duty:household_list"),
        reverse("duty:household_detail", args=[c.household.pk]),
        reverse("duty:household_gaps"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"], url
    assert client.get(reverse("api:households-list")).status_code == 401

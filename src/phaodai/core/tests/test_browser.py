"""End to end, in a real browser on a cheap phone's screen: a commune official logs in, finds a civil servant by
typing the name without accents, and opens the record.

Drives Debian's Chromium (/usr/bin/chromium, or $PHAODAI_CHROMIUM) through Playwright; nothing is downloaded.
Without Chromium the test is skipped, unless $CI is set: then it fails, so CI cannot pass without it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

from phaodai.testing import PASSWORD, build_world

CHROMIUM = os.environ.get("PHAODAI_CHROMIUM", "/usr/bin/chromium")
# Headless, and quiet: no network of its own (updates, sync, QUIC), as on an offline ward office machine.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A cheap Android phone.
PHONE = {"width": 360, "height": 740}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium binary, or a skip (a failure on CI) saying what is missing. Session-scoped, so a skip comes
    before the database is set up."""
    problem = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = "the playwright package is not installed (pip install -e '.[dev]')"
    if problem is None and not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        problem = f"no Chromium at {CHROMIUM} (apt-get install chromium, or set PHAODAI_CHROMIUM to its path)"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"The browser test must run on CI, but {problem}.", pytrace=False)
        pytest.skip(f"Browser test skipped: {problem}.")
    return CHROMIUM


def assert_fits_the_phone(page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{what} scrolls sideways on a {PHONE['width']}-px phone: it is {width} px wide"


def test_a_commune_official_finds_a_civil_servant_typed_without_accents_on_a_phone(
    chromium: str, flushed_db_refilled, live_server, tmp_path: Path
):
    from playwright.sync_api import expect, sync_playwright

    # All database work before Playwright starts: its event loop makes the ORM refuse to run in this thread.
    world = build_world()
    an, dat = world.staff["an"], world.staff["dat"]
    list_url = live_server.url + reverse("staff:staffmember_list")
    detail_url = live_server.url + an.get_absolute_url()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            # Vietnamese, as the officials' phones ask for: the longer labels are the ones that must fit.
            page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN")
            page.set_default_timeout(10_000)

            # Opening the list while logged out leads to the login page, and back to the list after it.
            page.goto(list_url)
            login = page.locator("main form").filter(has=page.locator("input[name=password]"))
            login.locator("input[name=username]").fill(world.users["tan_an"].username)
            login.locator("input[name=password]").fill(PASSWORD)
            login.locator("button[type=submit]").click()
            page.wait_for_url(list_url)
            results = page.locator("#results")
            expect(results).to_contain_text(dat.full_name)

            page.locator("input[name=q]").fill("nguyen van an")
            page.locator("input[name=q]").press("Enter")
            # Đạt leaving the list shows the search has run; only then is An being there worth anything.
            expect(results).not_to_contain_text(dat.full_name)
            expect(results.get_by_role("link", name=an.full_name)).to_be_visible()
            expect(results).not_to_have_class(re.compile(r"\bhtmx-request\b"))  # not faded mid-request
            page.screenshot(path=tmp_path / "staff-list.png", full_page=True)
            assert_fits_the_phone(page, "The civil servants list")

            results.get_by_role("link", name=an.full_name).click()
            page.wait_for_url(detail_url)
            expect(page.locator("h1")).to_contain_text(an.full_name)
            expect(page.locator("main")).to_contain_text(an.citizen_id)
            page.screenshot(path=tmp_path / "staff-detail.png", full_page=True)
            assert_fits_the_phone(page, "The civil servant's page")
        finally:
            browser.close()

"""Never lose a report, in a real browser on a cheap phone's screen: the team leader fills the report with the
connection gone, sees that it is kept on the phone, and it arrives exactly once when the connection returns.

Drives Debian's Chromium through Playwright like core/tests/test_browser.py (skipped without it, failed on CI).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.urls import reverse

from phaodai.core.tests import test_browser
from phaodai.core.tests.test_browser import CHROMIUM_ARGS, PHONE, assert_fits_the_phone
from phaodai.reporting.default_forms import install_default_forms
from phaodai.reporting.models import TeamReport, TeamReportVersion
from phaodai.reporting.testing import field_world
from phaodai.testing import PASSWORD, build_world

chromium = test_browser.chromium  # the same session fixture: the binary, or a skip (a failure on CI)


def in_thread(query):
    """Run an ORM query outside Playwright's event loop (Django refuses database work inside it)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(query).result()


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_report_filled_offline_is_kept_on_the_phone_and_sent_once_when_back_online(
    chromium: str, flushed_db_refilled, live_server, tmp_path: Path
):
    from playwright.sync_api import expect, sync_playwright

    install_default_forms()  # the flush removed the data migration's forms
    world = build_world()
    field = field_world(world)
    url = live_server.url + reverse("reporting:teamreport_submit", args=[field.team_1.pk])

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN")
            page = context.new_page()
            page.set_default_timeout(10_000)
            page.goto(live_server.url + reverse("accounts:login") + "?next=" + reverse("reporting:today"))
            login = page.locator("main form").filter(has=page.locator("input[name=password]"))
            login.locator("input[name=username]").fill("team_leader")
            login.locator("input[name=password]").fill(PASSWORD)
            login.locator("button[type=submit]").click()
            page.locator(f"a[href$='{reverse('reporting:teamreport_submit', args=[field.team_1.pk])}']").click()
            page.wait_for_url(url)
            assert_fits_the_phone(page, "The team report form")

            context.set_offline(True)
            page.fill("input[name=values-people_on_duty]", "4")
            page.fill("input[name=values-households_visited]", "31")
            page.fill("input[name=values-people_sampled]", "26")
            page.locator("input[name=values-situation][value=stable]").check()
            page.locator("#report-form button[type=submit]").click()
            note = page.locator("#draft-note")
            expect(note).to_be_visible()
            expect(note).to_contain_text("Đã lưu trên điện thoại này")  # a Vietnamese page, whatever the phone asks
            page.screenshot(path=tmp_path / "offline.png", full_page=True)
            assert in_thread(TeamReport.objects.count) == 0

            context.set_offline(False)
            page.wait_for_url(lambda u: "/team-reports/" in u)
            expect(page.locator("main")).to_contain_text("Đã nhận báo cáo lúc")
            assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('phaodai:report:')).length") == 0
            assert_fits_the_phone(page, "The team report page")
        finally:
            browser.close()
    versions = TeamReportVersion.objects.all()
    assert versions.count() == 1
    assert versions.get().values["households_visited"] == 31

"""The compliance board: ≥ 4 numbers, a health and a welfare line, no unstaffed hour this week (seed 002)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from phaodai.duty import compliance
from phaodai.duty.models import DutySite, Hotline, Line, SiteKind
from phaodai.duty.testing import duty_world
from phaodai.duty.tests.scope_hotlines import publish_roster
from phaodai.places.models import AdminUnit, Level
from phaodai.testing import AN_HOA, TAN_AN

# Wednesday 15 September 2021, 12:00 in Cần Thơ. Its ISO week: Monday 13/09 00:00 to Monday 20/09 00:00 local,
# i.e. Sunday 12/09 17:00 UTC to Sunday 19/09 17:00 UTC.
NOW = datetime(2021, 9, 15, 5, 0, tzinfo=UTC)
WEEK_START = datetime(2021, 9, 12, 17, 0, tzinfo=UTC)
WEEK_END = WEEK_START + timedelta(days=7)


@pytest.fixture
def sites(world):
    return duty_world(world)


def four_lines(unit: AdminUnit, site: DutySite | None, prefix: str = "091234500") -> list[Hotline]:
    lines = [Line.HEALTH, Line.WELFARE, Line.SECURITY, Line.GENERAL]
    return [
        Hotline.objects.create(unit=unit, number=f"{prefix}{i}", line=line, site=site) for i, line in enumerate(lines)
    ]


def row_for(board: compliance.Board, code: str) -> compliance.UnitCompliance:
    return next(r for r in board.rows if r.unit.code == code)


def cover_week(world, sites, gap: tuple[datetime, datetime] | None = None):
    """Tân An's headquarters staffed around the clock all week, except `gap`."""
    pieces = [(WEEK_START, WEEK_END)]
    if gap:
        pieces = [(WEEK_START, gap[0]), (gap[1], WEEK_END)]
    shifts = [(sites.tan_an_hq, start, end, [world.staff["an"]]) for start, end in pieces]
    return publish_roster(AdminUnit.objects.get(code=TAN_AN), [sites.tan_an_hq], shifts, by=world.tan_an)


@time_machine.travel(NOW, tick=False)
def test_a_unit_staffed_all_week_with_four_numbers_and_both_lines_complies(world, sites):
    tan_an = AdminUnit.objects.get(code=TAN_AN)
    four_lines(tan_an, sites.tan_an_hq)
    cover_week(world, sites)
    row = row_for(compliance.board(world.tan_an), TAN_AN)
    assert (row.numbers, row.has_health_line, row.has_welfare_line, row.unstaffed_hours) == (4, True, True, 0)
    assert row.compliant and row.problems == []


@time_machine.travel(NOW, tick=False)
def test_each_failing_check_is_explained(world, sites):
    tan_an = AdminUnit.objects.get(code=TAN_AN)
    Hotline.objects.create(unit=tan_an, number="0912345000", line=Line.SECURITY, site=sites.tan_an_hq)
    Hotline.objects.create(unit=tan_an, number="0912345001", line=Line.HEALTH, site=None, is_active=False)
    with translation.override("en"):
        row = row_for(compliance.board(world.tan_an), TAN_AN)
    assert row.numbers == 1  # the hotline out of use does not count
    assert row.problems == [
        "Only 1 active hotline number: at least 4 are required.",
        "No health line.",
        "No welfare line.",
        "168 hours this week with nobody on duty for its hotlines.",
    ]
    assert not row.compliant


@time_machine.travel(NOW, tick=False)
def test_one_hour_without_anybody_on_duty_is_counted(world, sites):
    tan_an = AdminUnit.objects.get(code=TAN_AN)
    four_lines(tan_an, sites.tan_an_hq)
    # Nobody from Thursday 03:00 to 04:00 local (20:00–21:00 UTC on Wednesday) …
    gap_start = datetime(2021, 9, 15, 20, 0, tzinfo=UTC)
    cover_week(world, sites, (gap_start, gap_start + timedelta(hours=1)))
    assert row_for(compliance.board(world.tan_an), TAN_AN).unstaffed_hours == 1


@time_machine.travel(NOW, tick=False)
def test_a_half_hour_gap_leaves_its_hour_unstaffed_and_drafts_and_empty_shifts_staff_nobody(world, sites):
    tan_an = AdminUnit.objects.get(code=TAN_AN)
    four_lines(tan_an, sites.tan_an_hq)
    gap_start = datetime(2021, 9, 15, 20, 15, tzinfo=UTC)
    cover_week(world, sites, (gap_start, gap_start + timedelta(minutes=30)))
    from phaodai.duty.models import RosterStatus

    # A draft covering the gap, and a published shift there with nobody on it, change nothing.
    publish_roster(
        tan_an, [sites.tan_an_hq], [(sites.tan_an_hq, gap_start, gap_start + timedelta(hours=1), [])], by=world.tan_an
    )
    publish_roster(
        tan_an,
        [sites.tan_an_hq],
        [(sites.tan_an_hq, gap_start, gap_start + timedelta(hours=1), [world.staff["dat"]])],
        by=world.tan_an,
        status=RosterStatus.DRAFT,
    )
    assert row_for(compliance.board(world.tan_an), TAN_AN).unstaffed_hours == 1


@time_machine.travel(NOW, tick=False)
def test_the_board_takes_a_constant_number_of_queries_and_covers_districts_and_communes(world, sites):
    def count_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            board = compliance.board(world.admin)
        return len(ctx.captured_queries), len(board.rows)

    four_lines(AdminUnit.objects.get(code=TAN_AN), sites.tan_an_hq, prefix="081234500")
    few_queries, units = count_queries()
    assert units == AdminUnit.objects.filter(level__in=[Level.DISTRICT, Level.COMMUNE]).count()
    # Every commune gets hotlines and its own staffed site: the query count does not move.
    for i, unit in enumerate(AdminUnit.objects.filter(level=Level.COMMUNE)[:30]):
        site = DutySite.objects.create(name=f"Trụ sở {unit.code}", kind=SiteKind.COMMAND_CENTRE, unit=unit)
        four_lines(unit, site, prefix=f"09{i:02d}00000")
        publish_roster(unit, [site], [(site, WEEK_START, WEEK_END, [world.staff["an"]])], by=world.admin)
    many_queries, _units = count_queries()
    assert many_queries == few_queries <= 4
    board = compliance.board(world.admin)
    assert sum(1 for r in board.rows if r.compliant) == 30  # Tân An's headquarters has no roster: 168 h unstaffed


@time_machine.travel(NOW, tick=False)
def test_the_page_cites_its_source_and_filters_the_non_compliant(world, sites, client_for):
    tan_an = AdminUnit.objects.get(code=TAN_AN)
    four_lines(tan_an, sites.tan_an_hq)
    cover_week(world, sites)
    c = client_for(world.ninh_kieu)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = c.get(reverse("duty:hotline_compliance")).content.decode()
    assert "184/KH-UBND" in page
    assert "Phường Tân An" in page and "Phường An Hòa" in page
    failing = c.get(reverse("duty:hotline_compliance"), {"failing": "on"}).content.decode()
    assert "Phường An Hòa" in failing and "Phường Tân An" not in failing
    from phaodai.core.tests.test_endpoint_scope import text_of

    sheet = text_of(c.get(reverse("duty:hotline_compliance_export"), {"failing": "on"}))
    assert AdminUnit.objects.get(code=AN_HOA).name in sheet and "Phường Tân An" not in sheet
    rows = c.get(reverse("api:hotline-compliance-list"), {"failing": "true"}).json()["results"]
    assert "Phường Tân An" not in {r["unit_name"] for r in rows}

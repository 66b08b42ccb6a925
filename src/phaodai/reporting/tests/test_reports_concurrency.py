"""Two submissions of the same team's report at the same moment (a double tap on two phones, a retry racing its
original): the database keeps exactly one slot and never two version 1s; with the same Idempotency-Key, exactly one
version.

PostgreSQL only: two threads, two sessions, real concurrent transactions (the unique constraint on (team, day) makes
the second insert wait for the first transaction, then fail, and the service retries as a correction). SQLite lets
one writer in at a time, so the two cannot overlap there.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import translation

from phaodai.reporting.default_forms import install_default_forms
from phaodai.reporting.models import TeamReport, TeamReportVersion
from phaodai.reporting.team_reports import submit_team_report
from phaodai.reporting.testing import field_world
from phaodai.testing import build_world

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL: SQLite serialises writers"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DAY = date(2021, 8, 12)
NOW = datetime.combine(DAY, time(16, 58), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")).astimezone(UTC)
VALUES = {"people_on_duty": "4", "households_visited": "30", "people_sampled": "25", "situation": "stable"}
WAIT = 30


@pytest.fixture
def field(flushed_db_refilled):
    install_default_forms()
    world = build_world()
    return world, field_world(world, DAY)


def race(world, field, keys: list[str]) -> list[object]:
    results: list[object] = [None] * len(keys)
    start = threading.Barrier(len(keys))

    def run(index: int, key: str) -> None:
        translation.activate("en")
        try:
            start.wait(WAIT)
            results[index] = submit_team_report(
                world.users["team_leader"], field.team_1, DAY, VALUES, idempotency_key=key, now=NOW
            )
        except Exception as exc:  # noqa: BLE001 - reported by the test, not lost in the thread
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, k)) for i, k in enumerate(keys)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    return results


def test_two_first_submissions_at_once_make_one_slot_and_versions_1_and_2(field):
    world, f = field
    with time_machine.travel(NOW, tick=False):
        results = race(world, f, ["phone-a", "phone-b"])
    assert all(isinstance(r, TeamReportVersion) for r in results), results
    assert TeamReport.objects.count() == 1
    report = TeamReport.objects.get()
    assert sorted(report.versions.values_list("number", flat=True)) == [1, 2]
    assert report.version_count == 2 and report.minutes_late == 0


def test_a_retry_racing_its_original_is_stored_once(field):
    world, f = field
    with time_machine.travel(NOW, tick=False):
        results = race(world, f, ["same-key", "same-key", "same-key"])
    assert all(isinstance(r, TeamReportVersion) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert TeamReportVersion.objects.count() == 1 and TeamReport.objects.get().version_count == 1

"""Two clerks record the last allowed time for the same person at the same moment: exactly one wins, the other gets
the plain message. PostgreSQL only (SQLite lets one writer in at a time; its triggers are tested in
test_distributions_limit.py)."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from phaodai.places.models import AdminUnit
from phaodai.testing import TAN_AN, build_world
from phaodai.welfare import distributions, lists
from phaodai.welfare.models import Distribution, ListEntry
from phaodai.welfare.testing import welfare_world

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]
WAIT = 30

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL: SQLite serialises writers"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def entry(flushed_db_refilled):
    world = build_world()
    ww = welfare_world(world)
    sl = lists.create_list(world.tan_an, ww.cash, AdminUnit.objects.get(code=TAN_AN))
    lists.add_entry(world.tan_an, sl, ww.households["tam"], ww.people["tam"])
    lists.submit(world.tan_an, sl)
    lists.check(world.ninh_kieu, sl)
    lists.approve(world.steering, sl)
    return world, sl.entries.get()


def test_two_clerks_recording_the_only_allowed_time_at_once_never_both_win(entry):
    world, the_entry = entry
    results: dict[str, object] = {}
    start = threading.Barrier(2)

    def run(name: str) -> None:
        translation.activate("en")
        try:
            start.wait(WAIT)
            distributions.record(
                world.tan_an,
                ListEntry.objects.select_related("support_list__programme").get(pk=the_entry.pk),
                received_on=date(2021, 8, 20),
                given_by=name,
                today=date(2021, 9, 1),
            )
            results[name] = "recorded"
        except Exception as exc:  # noqa: BLE001 - reported by the test
            results[name] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in ("Tổ 1", "Tổ 2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT)
    outcomes = sorted(results.values(), key=lambda r: r != "recorded")
    assert outcomes[0] == "recorded", results
    assert isinstance(outcomes[1], ValidationError), results
    assert outcomes[1].messages == ["Lê Văn Tám has already received 1 of 1 time(s) on 20/08/2021."]
    assert Distribution.objects.count() == 1

"""Two schedulers running at the same moment (a duplicated worker, or one restarted mid-round) send each round once.

PostgreSQL only: two threads, two database sessions, real concurrent transactions. Both find the same rounds due;
both try to claim them; the unique ReminderRun key makes the second insert wait for the first transaction and then
fail, so the loser queues nothing. (On SQLite, which serialises writers, test_reminders_rounds covers the same
claim with a second scheduler holding stale rounds.)
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from phaodai.notifications.models import Message
from phaodai.reporting.models import ReminderRun
from phaodai.reporting.reminders import _send_round, due_rounds
from phaodai.reporting.testing import field_world
from phaodai.testing import build_world

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL: SQLite serialises writers"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DAY = date(2025, 3, 10)
AT_17_16 = datetime(2025, 3, 10, 10, 16, tzinfo=UTC)  # 17:16 in Hồ Chí Minh City
WAIT = 30


def test_two_schedulers_racing_send_each_round_once(flushed_db_refilled):
    field_world(build_world(), DAY)
    rounds = due_rounds(AT_17_16)
    assert len(rounds) == 4  # leaders and heads, for both delegations
    start = threading.Barrier(2)
    results: dict[str, list] = {}

    def scheduler(name: str) -> None:
        translation.activate("en")
        try:
            mine = due_rounds(AT_17_16)  # each finds every round still due
            start.wait(WAIT)
            results[name] = [_send_round(r, AT_17_16) for r in mine]
        except Exception as exc:  # noqa: BLE001 - reported by the test, not lost in the thread
            results[name] = [exc]
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler, args=(name,)) for name in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT + timedelta(seconds=5).total_seconds())
    assert set(results) == {"a", "b"}, results
    outcomes = [o for name in ("a", "b") for o in results[name]]
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    # Each round was claimed by exactly one scheduler; the other skipped it (None).
    for index in range(len(rounds)):
        pair = [results["a"][index], results["b"][index]]
        assert pair.count(None) == 1, pair
    assert ReminderRun.objects.count() == 4
    # 3 leaders (Minh, Lan, Hoa) + 2 heads (Đạt, Hoa), each once.
    assert Message.objects.count() == 5
    assert len(set(Message.objects.values_list("key", flat=True))) == 5

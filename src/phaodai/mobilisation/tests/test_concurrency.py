"""Two approvals at the same moment that would put one person into two overlapping mobilisations: the database lets
exactly one through and the other gets a message naming the person.

PostgreSQL only: two threads, two database sessions, real concurrent transactions (the exclusion constraint of
migration 0002 makes the second insert wait for the first transaction, then fail). SQLite lets one writer in at a
time, so two approvals cannot overlap in time there; its trigger is tested in test_decisions.py.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from phaodai.mobilisation import services as S
from phaodai.mobilisation.models import AssignmentState, DecisionStatus, MobilisationDecision
from phaodai.mobilisation.testing import assign, make_decision, make_request
from phaodai.notifications import services as notifications
from phaodai.testing import AN_HOA, CITY, TAN_AN, build_world, make_agency, make_staff

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        not ON_POSTGRES,
        reason="needs PostgreSQL: SQLite serialises writers, so two approvals cannot run at the same moment",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BEFORE = date(2021, 8, 12)
WAIT = 30  # seconds: a generous bound, never reached when things work


@pytest.fixture
def two_decisions(flushed_db_refilled):
    """Decision A proposes Tô Văn Chung for Tân An 16-29/08, decision B for An Hòa 20/08-02/09 (with Lý Thị Mai
    too): approving both would mobilise him twice from 20 to 29/08."""
    world = build_world()
    agency = make_agency("Sở Tài chính", CITY, headcount=10, min_in_office=0)
    chung = make_staff("Tô Văn Chung", agency)
    mai = make_staff("Lý Thị Mai", agency, gender="F")
    first = make_request(world, {TAN_AN: 1}, date(2021, 8, 16), date(2021, 8, 29))
    second = make_request(world, {AN_HOA: 2}, date(2021, 8, 20), date(2021, 9, 2))
    a, b = make_decision(world), make_decision(world)
    assign(a, first.targets.get(), chung, state=AssignmentState.PROPOSED)
    assign(b, second.targets.get(), chung, state=AssignmentState.PROPOSED)
    assign(b, second.targets.get(), mai, state=AssignmentState.PROPOSED)
    return world, a, b, chung


def approving(world, decision, number, results, *, start: threading.Barrier | None = None):
    def run() -> None:
        translation.activate("en")  # a thread does not inherit the test's language
        try:
            if start is not None:
                start.wait(WAIT)
            S.approve_decision(
                MobilisationDecision.objects.get(pk=decision.pk),
                world.users["home_affairs"],
                number,
                "Trần Việt Trường",
                "Chủ tịch",
                today=BEFORE,
            )
            results[number] = "approved"
        except ValidationError as exc:
            results[number] = exc
        except Exception as exc:  # noqa: BLE001 - reported by the test, not lost in the thread
            results[number] = exc
        finally:
            connection.close()

    return threading.Thread(target=run, name=number)


def assert_one_approved_one_refused(results, a, b, chung):
    outcomes = sorted(results.items(), key=lambda item: item[1] != "approved")
    (won, won_outcome), (lost, error) = outcomes
    assert won_outcome == "approved", results
    assert isinstance(error, ValidationError), results
    assert {e.code for e in error.error_list} == {"overlap"}
    [message] = error.messages
    assert message.startswith("Tô Văn Chung is already mobilised from ")
    assert message.endswith(f"by decision {won}.")
    statuses = dict(MobilisationDecision.objects.filter(pk__in=[a.pk, b.pk]).values_list("number", "status"))
    assert statuses == {won: DecisionStatus.APPROVED, "": DecisionStatus.PROPOSED}
    assert chung.assignments.filter(state=AssignmentState.APPROVED).count() == 1
    return won


def test_the_second_of_two_simultaneous_approvals_waits_for_the_first_and_is_refused(two_decisions, monkeypatch):
    """A has approved its rows and is still inside its transaction when B tries: the database makes B wait, and
    refuses it once A commits. Nothing of B is saved (Lý Thị Mai stays proposed)."""
    world, a, b, chung = two_decisions
    inside, go_on = threading.Event(), threading.Event()
    notify = notifications.notify_decision_approved

    def hold_the_first(decision):
        if decision.pk == a.pk:
            inside.set()
            assert go_on.wait(WAIT)
        return notify(decision)

    monkeypatch.setattr(notifications, "notify_decision_approved", hold_the_first)
    results: dict[str, object] = {}
    first = approving(world, a, "125/QĐ-UBND", results)
    second = approving(world, b, "126/QĐ-UBND", results)
    first.start()
    assert inside.wait(WAIT), results
    second.start()
    second.join(1.0)
    waited = second.is_alive()
    go_on.set()
    first.join(WAIT)
    second.join(WAIT)
    assert waited, "B did not wait for A's transaction: the two approvals were not concurrent"
    assert assert_one_approved_one_refused(results, a, b, chung) == "125/QĐ-UBND"
    assert b.assignments.get(staff__full_name="Lý Thị Mai").state == AssignmentState.PROPOSED


def test_two_approvals_released_at_once_never_both_win(two_decisions):
    """No help from the test: both start together, whichever the database lets through first wins."""
    world, a, b, chung = two_decisions
    results: dict[str, object] = {}
    start = threading.Barrier(2)
    threads = [
        approving(world, a, "125/QĐ-UBND", results, start=start),
        approving(world, b, "126/QĐ-UBND", results, start=start),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert_one_approved_one_refused(results, a, b, chung)

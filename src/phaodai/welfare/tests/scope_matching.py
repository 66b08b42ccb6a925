"""Scope cases (core/tests/test_endpoint_scope.py) for the duplicate review: URL name → case.

A Tân An reviewer never sees, decides or runs An Hòa's pairs (404, absent from lists); the observer (welfare.view
without welfare.review) is refused (403). Helpers are imported inside the cases (a module-level import of the scope
test would be circular).
"""

from __future__ import annotations

from django.urls import reverse

AN_HOA_PAIR, TAN_AN_PAIR = "Võ Văn Sáu", "Nguyễn Văn Bảy"


def _pairs(w):
    """One pending candidate in each ward, between registry people of welfare_world."""
    from phaodai.places.models import AdminUnit
    from phaodai.testing import AN_HOA, TAN_AN
    from phaodai.welfare.models import MatchCandidate, RecordKind, SupportList
    from phaodai.welfare.review import ordered
    from phaodai.welfare.testing import welfare_world

    ww = welfare_world(w)
    p = ww.people
    made = {}
    for name, a, b, code in (("tan_an", "bay", "hong", TAN_AN), ("an_hoa", "sau", "lan", AN_HOA)):
        left, right = ordered(f"person:{p[a].pk}", f"person:{p[b].pk}")
        made[name] = MatchCandidate.objects.create(
            kind=RecordKind.PERSON,
            left_key=left,
            right_key=right,
            unit=AdminUnit.objects.get(code=code),
            probability=0.8,
            comparison={"family": {"state": "differ", "level": "different"}},
        )
    made["an_hoa_list"] = SupportList.objects.create(
        programme=ww.cash, commune=AdminUnit.objects.get(code=AN_HOA), created_by=w.an_hoa
    )
    made["an_hoa_unit"] = AdminUnit.objects.get(code=AN_HOA)
    return made


def _queue(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_lists

    _pairs(w)
    url = reverse("welfare:match_queue")
    assert_lists(login("tan_an"), url, [TAN_AN_PAIR], [AN_HOA_PAIR])
    assert_forbidden(login("observer"), url)


def _detail(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_hidden

    pairs = _pairs(w)
    assert_hidden(login("tan_an"), reverse("welfare:match_detail", args=[pairs["an_hoa"].pk]))
    assert_forbidden(login("observer"), reverse("welfare:match_detail", args=[pairs["an_hoa"].pk]))


def _decide(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_hidden
    from phaodai.welfare.models import MatchDecision

    pairs = _pairs(w)
    url = reverse("welfare:match_decide", args=[pairs["an_hoa"].pk])
    assert_hidden(login("tan_an"), url, "post", {"same": "no"})
    assert_forbidden(login("observer"), url, "post", {"same": "no"})
    assert not MatchDecision.objects.exists()


def _run(name: str, field: str, target: str):
    def case(w, login):
        from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_hidden
        from phaodai.welfare.models import MatchCandidate

        pairs = _pairs(w)
        data = {field: pairs[target].pk}
        assert_hidden(login("tan_an"), reverse(name), "post", data)
        assert_forbidden(login("observer"), reverse(name), "post", data)
        assert MatchCandidate.objects.count() == 2

    return case


def _api_list(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_lists

    pairs = _pairs(w)
    assert_lists(
        login("tan_an"), reverse("api:match-candidates-list"), [pairs["tan_an"].left_key], [pairs["an_hoa"].left_key]
    )


def _api_detail(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_hidden

    pairs = _pairs(w)
    assert_hidden(login("tan_an"), reverse("api:match-candidates-detail", args=[pairs["an_hoa"].pk]))


def _api_decide(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_hidden

    pairs = _pairs(w)
    url = reverse("api:match-candidates-decide", args=[pairs["an_hoa"].pk])
    assert_hidden(login("tan_an"), url, "post", {"same": False})
    assert_forbidden(login("observer"), url, "post", {"same": False})


def _api_run(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_hidden

    pairs = _pairs(w)
    url = reverse("api:match-candidates-run")
    assert_hidden(login("tan_an"), url, "post", {"commune": pairs["an_hoa_unit"].pk})
    assert_hidden(login("tan_an"), url, "post", {"support_list": pairs["an_hoa_list"].pk})
    assert_forbidden(login("observer"), url, "post", {"commune": pairs["an_hoa_unit"].pk})


CASES: dict = {
    "welfare:match_queue": _queue,
    "welfare:match_detail": _detail,
    "welfare:match_decide": _decide,
    "welfare:match_run_list": _run("welfare:match_run_list", "list", "an_hoa_list"),
    "welfare:match_run_commune": _run("welfare:match_run_commune", "commune", "an_hoa_unit"),
    "api:match-candidates-list": _api_list,
    "api:match-candidates-detail": _api_detail,
    "api:match-candidates-decide": _api_decide,
    "api:match-candidates-run": _api_run,
}

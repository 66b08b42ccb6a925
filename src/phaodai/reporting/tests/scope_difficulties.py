"""Scope cases (core/tests/test_endpoint_scope.py) for the reporting app's difficulties endpoints: URL name → case.

Each case raises one difficulty in Phường Tân An and one in Phường An Hòa (each by its own commune user); a Tân An
persona must get 404 for An Hòa's and never see it listed or exported, and a role without the permission gets 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

TAN_AN_TITLE, AN_HOA_TITLE = "Khó khăn ở Tân An", "Khó khăn ở An Hòa"


@dataclass
class Raised:
    tan_an: object
    an_hoa: object
    tan_an_high: object  # arose in Tân An, routed to Quận Ninh Kiều: Tân An sees it but may not act on it


def _raised(w) -> Raised:
    from phaodai.reporting.difficulties import raise_difficulty
    from phaodai.testing import AN_HOA, TAN_AN, unit

    def make(user, code, title, severity="low"):
        return raise_difficulty(
            user, category="supplies", severity=severity, title=title, description="...", unit=unit(code)
        )

    return Raised(
        make(w.users["tan_an"], TAN_AN, TAN_AN_TITLE),
        make(w.users["an_hoa"], AN_HOA, AN_HOA_TITLE),
        make(w.users["tan_an"], TAN_AN, "Cần quận hỗ trợ", "high"),
    )


def _list(url_name: str):
    def case(w, login):
        from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_lists

        _raised(w)
        assert_lists(login("tan_an"), reverse(url_name), [TAN_AN_TITLE], [AN_HOA_TITLE])
        assert_forbidden(login("hotline_operator"), reverse(url_name))  # no reporting.view

    return case


def _add(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_hidden
    from phaodai.reporting.models import Difficulty, TeamReport
    from phaodai.reporting.testing import field_world

    f = field_world(w)
    url = reverse("reporting:difficulty_add")
    assert_forbidden(login("observer"), url)  # no difficulty.raise
    assert_hidden(login("tan_an"), url, data={"delegation": f.an_hoa.pk})
    from django.utils import timezone

    now = timezone.now()
    report = TeamReport.objects.create(
        team=f.an_hoa_team, day=f.start, deadline=now, first_submitted_at=now, last_submitted_at=now
    )
    assert_hidden(login("team_leader"), url, data={"team_report": report.pk})
    data = {"title": "X", "category": "other", "severity": "low", "description": "Y"}
    assert_hidden(login("tan_an"), f"{url}?delegation={f.an_hoa.pk}", "post", data)
    assert not Difficulty.objects.exists()


def _detail(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_hidden

    r = _raised(w)
    assert_hidden(login("tan_an"), reverse("reporting:difficulty_detail", args=[r.an_hoa.pk]))
    assert_hidden(login("tra_noc"), reverse("reporting:difficulty_detail", args=[r.tan_an.pk]))


def _act(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_hidden

    r = _raised(w)
    data = {"action": "acknowledge"}
    assert_hidden(login("tan_an"), reverse("reporting:difficulty_act", args=[r.an_hoa.pk]), "post", data)
    assert_forbidden(login("observer"), reverse("reporting:difficulty_act", args=[r.tan_an.pk]), "post", data)
    # Seen by Tân An, but it is with Ninh Kiều: only that level (or above) acts.
    assert_forbidden(login("tan_an"), reverse("reporting:difficulty_act", args=[r.tan_an_high.pk]), "post", data)
    r.an_hoa.refresh_from_db()
    assert r.an_hoa.status == "open"


def _ageing(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden

    _raised(w)
    response = login("tan_an").get(reverse("reporting:difficulty_ageing"))
    units = {row.unit.name for row in response.context["ageing"].rows}
    assert units == {"Phường Tân An", "Quận Ninh Kiều"}  # never An Hòa's
    assert response.context["ageing"].totals.total == 2
    assert_forbidden(login("hotline_operator"), reverse("reporting:difficulty_ageing"))


def _api_detail(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_hidden

    r = _raised(w)
    assert_hidden(login("tan_an"), reverse("api:difficulties-detail", args=[r.an_hoa.pk]))


def _api_action(name: str, forbidden: str = "observer"):
    """POST as Tân An (may act and raise) on An Hòa's: 404; as a role that may not: 403."""

    def case(w, login):
        from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_hidden

        r = _raised(w)
        data = {"note": "..."}
        assert_hidden(login("tan_an"), reverse(f"api:difficulties-{name}", args=[r.an_hoa.pk]), "post", data)
        assert_forbidden(login(forbidden), reverse(f"api:difficulties-{name}", args=[r.tan_an.pk]), "post", data)
        r.an_hoa.refresh_from_db()
        assert r.an_hoa.status == "open" and r.an_hoa.steps.count() == 1

    return case


def _api_list(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden

    _list("api:difficulties-list")(w, login)
    assert_forbidden(login("observer"), reverse("api:difficulties-list"), "post", {"title": "X"})


CASES: dict = {
    "reporting:difficulty_list": _list("reporting:difficulty_list"),
    "reporting:difficulty_export": _list("reporting:difficulty_export"),
    "reporting:difficulty_add": _add,
    "reporting:difficulty_detail": _detail,
    "reporting:difficulty_act": _act,
    "reporting:difficulty_ageing": _ageing,
    "api:difficulties-list": _api_list,
    "api:difficulties-detail": _api_detail,
    "api:difficulties-acknowledge": _api_action("acknowledge"),
    "api:difficulties-refer": _api_action("refer"),
    "api:difficulties-resolve": _api_action("resolve"),
    "api:difficulties-reopen": _api_action("reopen"),
    "api:difficulties-comment": _api_action("comment"),
}

"""Scope cases (core/tests/test_endpoint_scope.py) for the welfare app's registry endpoints: URL name → case.

Tân An never sees An Hòa's households or people (404, absent from lists and exports); a role without the permission
gets 403 (a hotline operator sees households but does not keep the registry; a team member sees none)."""

from __future__ import annotations

from django.urls import reverse

from phaodai.welfare.tests.scope_data import AN_HOA_HEAD, TAN_AN_HEAD, scope_world


def _t():
    from phaodai.core.tests import test_endpoint_scope as t  # late: that module imports this one

    return t


def _list(url_name: str, forbidden: str = "team_member"):
    def case(w, login):
        scope_world(w)
        _t().assert_lists(login("tan_an"), reverse(url_name), [TAN_AN_HEAD], [AN_HOA_HEAD])
        _t().assert_forbidden(login(forbidden), reverse(url_name))

    return case


def _household(url_name: str, method: str = "get", data: dict | None = None, forbidden: str = "hotline_operator"):
    def case(w, login):
        s = scope_world(w)
        an_hoa, tan_an = s.ww.households["sau"], s.ww.households["bay"]
        _t().assert_hidden(login("tan_an"), reverse(url_name, args=[an_hoa.pk]), method, data)
        _t().assert_hidden(login("tan_an"), reverse(url_name, args=[an_hoa.pk]), "post", data or {"head_name": "X"})
        _t().assert_forbidden(login(forbidden), reverse(url_name, args=[tan_an.pk]), method, data)
        an_hoa.refresh_from_db()
        assert an_hoa.head_name == AN_HOA_HEAD and an_hoa.people.count() == 2

    return case


def _household_detail(w, login):
    s = scope_world(w)
    _t().assert_hidden(login("tan_an"), reverse("welfare:household_detail", args=[s.ww.households["sau"].pk]))
    # A team member sees no household at all: even Tân An's is hidden from them.
    _t().assert_hidden(login("team_member"), reverse("welfare:household_detail", args=[s.ww.households["bay"].pk]))


def _household_add(w, login):
    s = scope_world(w)
    data = {"neighbourhood": s.ww.neighbourhoods["an_hoa_3"].pk, "head_name": "Lạ", "address": "1 A", "members": 1}
    response = login("tan_an").post(reverse("welfare:household_add"), data)
    assert response.status_code == 200  # the form again: An Hòa's neighbourhood is not a choice for Tân An
    assert not s.ww.neighbourhoods["an_hoa_3"].households.filter(head_name="Lạ").exists()
    _t().assert_forbidden(login("hotline_operator"), reverse("welfare:household_add"))


def _person_edit(w, login):
    s = scope_world(w)
    url = reverse("welfare:person_edit", args=[s.ww.people["sau"].pk])
    _t().assert_hidden(login("tan_an"), url)
    _t().assert_hidden(login("tan_an"), url, "post", {"full_name": "X", "relationship": "head"})
    _t().assert_forbidden(login("observer"), reverse("welfare:person_edit", args=[s.ww.people["bay"].pk]))


def _api_households_list(w, login):
    scope_world(w)
    _t().assert_lists(login("tan_an"), reverse("api:welfare-households-list"), [TAN_AN_HEAD], [AN_HOA_HEAD])
    _t().assert_forbidden(login("hotline_operator"), reverse("api:welfare-households-list"))


def _api_households_detail(w, login):
    s = scope_world(w)
    _t().assert_hidden(login("tan_an"), reverse("api:welfare-households-detail", args=[s.ww.households["sau"].pk]))
    url = reverse("api:welfare-households-detail", args=[s.ww.households["bay"].pk])
    _t().assert_forbidden(login("hotline_operator"), url)


CASES: dict = {
    "welfare:household_list": _list("welfare:household_list"),
    "welfare:household_export": _list("welfare:household_export", forbidden="hotline_operator"),
    "welfare:household_detail": _household_detail,
    "welfare:household_add": _household_add,
    "welfare:household_edit": _household("welfare:household_edit"),
    "welfare:person_add": _household("welfare:person_add"),
    "welfare:category_add": _household("welfare:category_add"),
    "welfare:person_edit": _person_edit,
    "api:welfare-households-list": _api_households_list,
    "api:welfare-households-detail": _api_households_detail,
}

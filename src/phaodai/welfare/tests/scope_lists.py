"""Scope cases (core/tests/test_endpoint_scope.py) for the welfare app's programme, list, distribution and report
endpoints: URL name → case. Tân An never sees An Hòa's lists, entries, distributions or report rows; a role without
the permission gets 403 (a hotline operator sees no welfare; an observer sees but changes nothing)."""

from __future__ import annotations

from django.urls import reverse

from phaodai.welfare.models import ListStatus, SupportList
from phaodai.welfare.tests.scope_data import AN_HOA_HEAD, TAN_AN_HEAD, scope_world


def _t():
    from phaodai.core.tests import test_endpoint_scope as t  # late: that module imports this one

    return t


def _list(url_name: str, present=(TAN_AN_HEAD,), absent=(AN_HOA_HEAD,), query: str = ""):
    def case(w, login):
        s = scope_world(w)
        q = query.format(food=s.ww.food.pk)
        _t().assert_lists(login("tan_an"), reverse(url_name) + q, list(present), list(absent))
        _t().assert_forbidden(login("hotline_operator"), reverse(url_name) + q)

    return case


def _lists_page(url_name: str):
    """Lists carry no head names on the list page: Tân An sees its own commune's list only."""

    def case(w, login):
        scope_world(w)
        _t().assert_lists(login("tan_an"), reverse(url_name), ["Phường Tân An"], ["Phường An Hòa"])
        _t().assert_forbidden(login("hotline_operator"), reverse(url_name))

    return case


def _on_list(
    url_name: str, method: str = "get", data: dict | None = None, forbidden: str = "observer", hider: str = "tan_an"
):
    """An Hòa's list is a 404 for Tân An; Tân An's own list is a 403 for a role without the permission. An Hòa's list
    is unchanged afterwards."""

    def case(w, login):
        s = scope_world(w)
        if hider:
            _t().assert_hidden(login(hider), reverse(url_name, args=[s.an_hoa_list.pk]), method, data)
        # A role that sees no welfare at all finds no list (404); one that sees it but may not act gets 403.
        hidden = forbidden == "hotline_operator" and not url_name.startswith("api:")  # the API checks the role first
        check = _t().assert_hidden if hidden else _t().assert_forbidden
        check(login(forbidden), reverse(url_name, args=[s.tan_an_list.pk]), method, data)
        assert SupportList.objects.get(pk=s.an_hoa_list.pk).status == ListStatus.APPROVED
        assert not SupportList.objects.filter(previous=s.an_hoa_list).exists()

    return case


def _entry_remove(w, login):
    s = scope_world(w)
    entry = s.an_hoa_list.entries.get()
    _t().assert_hidden(login("tan_an"), reverse("welfare:supportlist_entry_remove", args=[entry.pk]), "post")
    own = s.tan_an_list.entries.get()
    url = reverse("welfare:supportlist_entry_remove", args=[own.pk])
    _t().assert_forbidden(login("observer"), url, "post")
    assert s.an_hoa_list.entries.count() == 1


def _distribution_add(w, login):
    s = scope_world(w)
    data = {"received_on": "02/08/2021", "given_by": "X"}
    url = reverse("welfare:distribution_add", args=[s.an_hoa_list.entries.get().pk])
    _t().assert_hidden(login("tan_an"), url, "post", data)
    own = reverse("welfare:distribution_add", args=[s.tan_an_list.entries.get().pk])
    _t().assert_forbidden(login("observer"), own, "post", data)
    assert s.ww.households["sau"].distributions.count() == 1


def _programme(url_name: str, forbidden: str = "hotline_operator", method: str = "get"):
    """Programmes are the city's: a district programme of Bình Thuỷ is hidden from Tân An; roles without the
    permission get 403."""

    def case(w, login):
        from phaodai.places.models import AdminUnit
        from phaodai.welfare.models import Programme

        s = scope_world(w)
        other = Programme.objects.create(
            unit=AdminUnit.objects.get(code="918"),
            name="Hỗ trợ riêng Bình Thuỷ",
            legal_basis="QĐ 1",
            categories=["poor"],
            benefit_kind="cash",
            amount=1,
            beneficiary="household",
            start_date=s.ww.food.start_date,
            end_date=s.ww.food.end_date,
        )
        _t().assert_hidden(login("tan_an"), reverse(url_name, args=[other.pk]), method)
        hidden = forbidden == "hotline_operator" and not url_name.startswith("api:")  # the API checks the role first
        check = _t().assert_hidden if hidden else _t().assert_forbidden
        check(login(forbidden), reverse(url_name, args=[s.ww.food.pk]), method)

    return case


def _programme_list(w, login):
    scope_world(w)
    _t().assert_lists(login("tan_an"), reverse("welfare:programme_list"), ["Túi an sinh"], [])
    _t().assert_forbidden(login("hotline_operator"), reverse("welfare:programme_list"))


def _forbidden_page(url_name: str, role: str):
    def case(w, login):
        scope_world(w)
        _t().assert_forbidden(login(role), reverse(url_name))

    return case


def _api_list_action(name: str, forbidden: str = "observer", data: dict | None = None, hider: str = "tan_an"):
    """The action's own permission is checked first (403); a holder of it outside the list's area gets 404.
    Only the city approves, and it sees every list: there the denial is the commune's 403."""
    return _on_list(f"api:{name}", "post", data, forbidden, hider)


def _api_record(w, login):
    s = scope_world(w)
    data = {"list_entry": s.an_hoa_list.entries.get().pk, "received_on": "2021-08-02", "given_by": "X"}
    _t().assert_hidden(login("tan_an"), reverse("api:welfare-distributions-record"), "post", data)
    _t().assert_forbidden(login("observer"), reverse("api:welfare-distributions-record"), "post", data)
    assert s.ww.households["sau"].distributions.count() == 1


def _api_distribution_detail(w, login):
    s = scope_world(w)
    d = s.ww.households["sau"].distributions.get()
    _t().assert_hidden(login("tan_an"), reverse("api:welfare-distributions-detail", args=[d.pk]))
    _t().assert_forbidden(login("hotline_operator"), reverse("api:welfare-distributions-list"))


def _api_lists_list(w, login):
    s = scope_world(w)
    body = login("tan_an").get(reverse("api:welfare-lists-list")).json()
    assert [row["id"] for row in body["results"]] == [s.tan_an_list.pk]
    _t().assert_forbidden(login("hotline_operator"), reverse("api:welfare-lists-list"))


def _api_distributions_list(w, login):
    s = scope_world(w)
    body = login("tan_an").get(reverse("api:welfare-distributions-list")).json()
    assert [row["household"] for row in body["results"]] == [s.ww.households["bay"].pk]
    _t().assert_forbidden(login("hotline_operator"), reverse("api:welfare-distributions-list"))


def _api_report(action: str):
    def case(w, login):
        s = scope_world(w)
        url = reverse(f"api:welfare-programmes-{action}", args=[s.ww.food.pk])
        body = login("tan_an").get(url).content.decode()
        assert str(s.ww.households["sau"].pk) not in body or action == "missed"
        assert AN_HOA_HEAD not in body
        _t().assert_forbidden(login("hotline_operator"), url)

    return case


CASES: dict = {
    "welfare:programme_list": _programme_list,
    "welfare:programme_add": _forbidden_page("welfare:programme_add", "tan_an"),
    "welfare:programme_detail": _programme("welfare:programme_detail"),
    "welfare:programme_edit": _programme("welfare:programme_edit", forbidden="tan_an"),
    "welfare:supportlist_list": _lists_page("welfare:supportlist_list"),
    "welfare:supportlist_export": _lists_page("welfare:supportlist_export"),
    "welfare:supportlist_add": _forbidden_page("welfare:supportlist_add", "ninh_kieu"),
    "welfare:supportlist_detail": _on_list("welfare:supportlist_detail", forbidden="hotline_operator"),
    "welfare:supportlist_entries_export": _on_list("welfare:supportlist_entries_export", forbidden="hotline_operator"),
    "welfare:supportlist_entry_add": _on_list("welfare:supportlist_entry_add"),
    "welfare:supportlist_entry_remove": _entry_remove,
    "welfare:supportlist_submit": _on_list("welfare:supportlist_submit", "post"),
    "welfare:supportlist_check": _on_list("welfare:supportlist_check", "post"),
    "welfare:supportlist_approve": _on_list("welfare:supportlist_approve", "post"),
    "welfare:supportlist_reject": _on_list("welfare:supportlist_reject", "post", {"reason": "x"}),
    "welfare:supportlist_revise": _on_list("welfare:supportlist_revise", "post"),
    "welfare:distribution_list": _list("welfare:distribution_list"),
    "welfare:distribution_add": _distribution_add,
    "welfare:report_missed": _list("welfare:report_missed", present=(), absent=(AN_HOA_HEAD,)),
    "welfare:report_missed_export": _list("welfare:report_missed_export", present=(), absent=(AN_HOA_HEAD,)),
    "welfare:report_duplicates": _list("welfare:report_duplicates", present=(), absent=(AN_HOA_HEAD,)),
    "welfare:report_duplicates_export": _list("welfare:report_duplicates_export", present=(), absent=(AN_HOA_HEAD,)),
    "api:welfare-programmes-list": _list("api:welfare-programmes-list", present=("Túi an sinh",), absent=()),
    "api:welfare-programmes-detail": _programme("api:welfare-programmes-detail"),
    "api:welfare-programmes-missed": _api_report("missed"),
    "api:welfare-programmes-duplicates": _api_report("duplicates"),
    "api:welfare-lists-list": _api_lists_list,
    "api:welfare-lists-detail": _on_list("api:welfare-lists-detail", forbidden="hotline_operator"),
    "api:welfare-lists-submit": _api_list_action("welfare-lists-submit"),
    "api:welfare-lists-check": _api_list_action("welfare-lists-check", hider="binh_thuy"),
    "api:welfare-lists-approve": _api_list_action("welfare-lists-approve", forbidden="tan_an", hider=""),
    "api:welfare-lists-reject": _api_list_action("welfare-lists-reject", data={"reason": "x"}, hider="binh_thuy"),
    "api:welfare-lists-revise": _api_list_action("welfare-lists-revise"),
    "api:welfare-distributions-list": _api_distributions_list,
    "api:welfare-distributions-detail": _api_distribution_detail,
    "api:welfare-distributions-record": _api_record,
}

"""Scope cases (core/tests/test_endpoint_scope.py) for the duty app's calls endpoints: URL name → case.

Each case records one call in Phường Tân An (by its operator) and one in Phường An Hòa (by An Hòa's operator); a Tân
An persona (the commune user, the operator) must get 404 for An Hòa's request and never see its number listed or
exported, and a role without the permission gets 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

TAN_AN_PHONE, AN_HOA_PHONE = "0909111222", "0909888777"


@dataclass
class Recorded:
    tan_an: object  # HelpRequest
    an_hoa: object


def _recorded(w) -> Recorded:
    from phaodai.duty.calls import record_call
    from phaodai.duty.tests.test_calls_world import calls_world

    c = calls_world(w)
    mine = record_call(
        w.users["hotline_operator"],
        caller_phone=TAN_AN_PHONE,
        commune=c.tan_an,
        neighbourhood=c.kv1,
        category="food",
        need="Gạo cho Tân An",
    )
    other = record_call(
        c.an_hoa_operator,
        caller_phone=AN_HOA_PHONE,
        commune=c.an_hoa,
        neighbourhood=c.an_hoa_kv1,
        category="food",
        need="Gạo cho An Hòa",
    )
    return Recorded(mine.help_request, other.help_request)


def _list(url_name: str, forbidden: str = "team_member"):
    def case(w, login):
        from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_lists

        _recorded(w)
        for who in ("tan_an", "hotline_operator"):
            assert_lists(login(who), reverse(url_name), [TAN_AN_PHONE], [AN_HOA_PHONE])
        assert_forbidden(login(forbidden), reverse(url_name))  # no help.view

    return case


def _call_add(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden
    from phaodai.duty.models import Call, HelpRequest

    r = _recorded(w)
    url = reverse("duty:call_add")
    assert_forbidden(login("observer"), url)  # no calls.take
    # The Tân An operator cannot record a call for An Hòa: the commune is not offered, the post is refused.
    c = login("hotline_operator")
    data = {"caller_phone": "0909000000", "category": "food", "need": "x", "commune": r.an_hoa.commune_id}
    response = c.post(url, data)
    assert response.status_code == 200 and response.context["form"].errors
    assert Call.objects.count() == 2 and HelpRequest.objects.count() == 2
    # A confirmation of another's call is never shown: ?last= only finds one's own scope.
    an_hoa_call = r.an_hoa.calls.get()
    page = c.get(f"{url}?last={an_hoa_call.pk}")
    assert page.context["last"] is None and AN_HOA_PHONE not in page.content.decode()


def _detail(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_hidden

    r = _recorded(w)
    for who in ("tan_an", "hotline_operator", "tra_noc"):
        assert_hidden(login(who), reverse("duty:helprequest_detail", args=[r.an_hoa.pk]))
    assert_hidden(login("team_member"), reverse("duty:helprequest_detail", args=[r.tan_an.pk]))  # sees none
    assert login("ninh_kieu").get(reverse("duty:helprequest_detail", args=[r.an_hoa.pk])).status_code == 200


def _act(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_hidden

    r = _recorded(w)
    data = {"action": "acknowledge"}
    assert_hidden(login("tan_an"), reverse("duty:helprequest_act", args=[r.an_hoa.pk]), "post", data)
    assert_forbidden(login("observer"), reverse("duty:helprequest_act", args=[r.tan_an.pk]), "post", data)
    assert_forbidden(login("hotline_operator"), reverse("duty:helprequest_act", args=[r.tan_an.pk]), "post", data)
    r.an_hoa.refresh_from_db()
    r.tan_an.refresh_from_db()
    assert r.an_hoa.status == "new" and r.tan_an.status == "new"


def _errand(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_hidden
    from phaodai.duty.models import Errand

    r = _recorded(w)
    data = {"step": "save", "shopping_list": "x"}
    assert_hidden(login("tan_an"), reverse("duty:errand_edit", args=[r.an_hoa.pk]))
    assert_hidden(login("tan_an"), reverse("duty:errand_edit", args=[r.an_hoa.pk]), "post", data)
    assert_forbidden(login("observer"), reverse("duty:errand_edit", args=[r.tan_an.pk]))
    assert_forbidden(login("hotline_operator"), reverse("duty:errand_edit", args=[r.tan_an.pk]), "post", data)
    assert not Errand.objects.exists()


def _api_calls(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden

    _list("api:calls-list")(w, login)
    body = {"caller_phone": "0909000000", "commune": 1, "category": "food", "need": "x"}
    assert_forbidden(login("observer"), reverse("api:calls-list"), "post", body)  # no calls.take


def _api_call_detail(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_hidden

    r = _recorded(w)
    other, mine = r.an_hoa.calls.get(), r.tan_an.calls.get()
    assert_hidden(login("tan_an"), reverse("api:calls-detail", args=[other.pk]))
    assert_hidden(login("hotline_operator"), reverse("api:calls-detail", args=[other.pk]))
    assert_forbidden(login("team_member"), reverse("api:calls-detail", args=[mine.pk]))  # no help.view


def _api_detail(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_hidden

    r = _recorded(w)
    assert_hidden(login("tan_an"), reverse("api:help-requests-detail", args=[r.an_hoa.pk]))
    assert_hidden(login("hotline_operator"), reverse("api:help-requests-detail", args=[r.an_hoa.pk]))


def _api_action(name: str, forbidden: str = "observer"):
    """POST as Tân An (may act) on An Hòa's: 404; as a role that may not: 403."""

    def case(w, login):
        from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_hidden

        r = _recorded(w)
        data = {"note": "...", "step": "save", "shopping_list": "x"}
        assert_hidden(login("tan_an"), reverse(f"api:help-requests-{name}", args=[r.an_hoa.pk]), "post", data)
        assert_forbidden(login(forbidden), reverse(f"api:help-requests-{name}", args=[r.tan_an.pk]), "post", data)
        r.an_hoa.refresh_from_db()
        assert r.an_hoa.status == "new" and r.an_hoa.steps.count() == 1

    return case


CASES: dict = {
    "duty:call_add": _call_add,
    "duty:call_list": _list("duty:call_list"),
    "duty:call_export": _list("duty:call_export"),
    "duty:helprequest_list": _list("duty:helprequest_list"),
    "duty:helprequest_export": _list("duty:helprequest_export"),
    "duty:helprequest_detail": _detail,
    "duty:helprequest_act": _act,
    "duty:errand_edit": _errand,
    "api:calls-list": _api_calls,
    "api:calls-detail": _api_call_detail,
    "api:help-requests-list": _list("api:help-requests-list"),
    "api:help-requests-detail": _api_detail,
    "api:help-requests-acknowledge": _api_action("acknowledge", "hotline_operator"),
    "api:help-requests-start": _api_action("start"),
    "api:help-requests-close": _api_action("close"),
    "api:help-requests-reopen": _api_action("reopen"),
    "api:help-requests-reroute": _api_action("reroute"),
    "api:help-requests-comment": _api_action("comment"),
    "api:help-requests-errand": _api_action("errand", "hotline_operator"),
}

"""Scope cases (core/tests/test_endpoint_scope.py) for the duty app's community endpoints: URL name → case.

Tân An (commune) never sees An Hòa's teams or households (404, absent from lists and exports); roles without the
permission get 403 (team members see no team, observers see teams but no household, hotline operators see but do not
change). The three directory pages are public: their cases check, as an anonymous visitor, that nothing private
shows (test_community_directory.py checks the rest).
"""

from __future__ import annotations

import io
from collections.abc import Callable

from django.urls import reverse
from pypdf import PdfReader

from phaodai.duty.tests.community_data import (
    AN_HOA_HEAD,
    AN_HOA_LEADER,
    AN_HOA_LINE,
    HOUSEHOLD_HEAD,
    MEMBER,
    PRIVATE_LINE,
    Community,
    community_world,
)
from phaodai.testing import TAN_AN

TEAM, AN_HOA_TEAM = "Tổ COVID Khu vực 1", "Tổ COVID An Hòa 1"


def _t():
    from phaodai.core.tests import test_endpoint_scope as t  # imported late: that module imports this one

    return t


def _public(reason: str, url: Callable[[Community], str]) -> Callable:
    """A page meant for anyone (the same marker as test_endpoint_scope._public), whose case also proves that an
    anonymous visitor sees nothing private on it."""

    def case(w, login):
        from django.test import Client

        c = community_world(w)
        response = Client().get(url(c))
        assert response.status_code == 200
        if response["Content-Type"] == "application/pdf":
            body = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
        else:
            body = response.content.decode()
        for private in (PRIVATE_LINE, MEMBER, HOUSEHOLD_HEAD, AN_HOA_HEAD, AN_HOA_LINE, AN_HOA_LEADER):
            assert private not in body, private

    case.public_reason = reason  # type: ignore[attr-defined]
    return case


def _list(url_name: str, present: list[str], absent: list[str], forbidden: str) -> Callable:
    def case(w, login):
        community_world(w)
        _t().assert_lists(login("tan_an"), reverse(url_name), present, absent)
        _t().assert_forbidden(login(forbidden), reverse(url_name))

    return case


def _team_change(url_name: str, data: dict | None = None, method: str = "post") -> Callable:
    """An Hòa's team is a 404 for Tân An (GET and POST); Tân An's own team is a 403 for a hotline operator."""

    def case(w, login):
        c = community_world(w)
        url = reverse(url_name, args=[c.an_hoa_team.pk])
        _t().assert_hidden(login("tan_an"), url, "post", data)
        if method == "get":
            _t().assert_hidden(login("tan_an"), url)
        _t().assert_forbidden(login("hotline_operator"), reverse(url_name, args=[c.team.pk]), "post", data)
        c.an_hoa_team.refresh_from_db()
        assert c.an_hoa_team.name == AN_HOA_TEAM and c.an_hoa_team.households.count() == 1
        assert c.an_hoa_team.members.count() == 0

    return case


def _team_detail(w, login):
    c = community_world(w)
    _t().assert_hidden(login("tan_an"), reverse("duty:communityteam_detail", args=[c.an_hoa_team.pk]))
    # A role that sees no team at all: the team does not exist for it (404 before 403).
    _t().assert_hidden(login("team_member"), reverse("duty:communityteam_detail", args=[c.team.pk]))
    # An observer sees the team but not the households it serves.
    _t().assert_lists(
        login("observer"), reverse("duty:communityteam_detail", args=[c.team.pk]), [TEAM], [HOUSEHOLD_HEAD]
    )


def _team_add(w, login):
    c = community_world(w)
    url = reverse("duty:communityteam_add")
    _t().assert_forbidden(login("observer"), url)
    data = {"neighbourhood": c.an_hoa_kv1.pk, "name": "Tổ lạ", "leader_name": "A", "leader_phone": "0912000111"}
    response = login("tan_an").post(url, data)
    assert response.status_code == 200 and "neighbourhood" in response.context["form"].errors
    assert not c.an_hoa_kv1.community_teams.filter(name="Tổ lạ").exists()


def _household_add(w, login):
    c = community_world(w)
    url = reverse("duty:household_add")
    _t().assert_forbidden(login("hotline_operator"), url)
    data = {"neighbourhood": c.an_hoa_kv1.pk, "head_name": "Người Lạ", "address": "1 Đường Lạ", "members": 1}
    response = login("tan_an").post(url, data)
    assert response.status_code == 200 and "neighbourhood" in response.context["form"].errors
    assert not c.an_hoa_kv1.households.filter(head_name="Người Lạ").exists()


def _household_detail(w, login):
    c = community_world(w)
    _t().assert_hidden(login("tan_an"), reverse("duty:household_detail", args=[c.an_hoa_household.pk]))
    # An observer sees no household at all: the household does not exist for it (404 before 403).
    _t().assert_hidden(login("observer"), reverse("duty:household_detail", args=[c.household.pk]))


def _household_edit(w, login):
    c = community_world(w)
    url = reverse("duty:household_edit", args=[c.an_hoa_household.pk])
    _t().assert_hidden(login("tan_an"), url)
    _t().assert_hidden(login("tan_an"), url, "post", {"head_name": "Bị sửa"})
    _t().assert_forbidden(login("hotline_operator"), reverse("duty:household_edit", args=[c.household.pk]))
    c.an_hoa_household.refresh_from_db()
    assert c.an_hoa_household.head_name == AN_HOA_HEAD


def _household_gaps(w, login):
    c = community_world(w)
    c.an_hoa_team.households.all().delete()  # An Hòa now has a gap too: Tân An must not see it
    _t().assert_lists(login("tan_an"), reverse("duty:household_gaps"), ["Khu vực 2"], ["Phường An Hòa"])
    _t().assert_forbidden(login("observer"), reverse("duty:household_gaps"))


def _api_detail(basename: str, obj: Callable[[Community], object], data: dict) -> Callable:
    def case(w, login):
        c = community_world(w)
        url = reverse(f"api:{basename}-detail", args=[obj(c).pk])
        _t().assert_hidden(login("tan_an"), url)
        _t().assert_hidden(login("tan_an"), url, "patch", data)
        _t().assert_hidden(login("tan_an"), url, "delete")

    return case


def _api_teams_list(w, login):
    c = community_world(w)
    url = reverse("api:community-teams-list")
    _t().assert_lists(login("tan_an"), url, [TEAM], [AN_HOA_TEAM, AN_HOA_LEADER])
    _t().assert_forbidden(login("team_member"), url)
    data = {"neighbourhood": c.kv2.pk, "name": "X", "leader_name": "A", "leader_phone": "0912000111"}
    _t().assert_forbidden(login("observer"), url, "post", data)
    # Another commune's neighbourhood does not exist for Tân An.
    response = login("tan_an").post(url, {**data, "neighbourhood": c.an_hoa_kv1.pk})
    assert response.status_code == 400 and "neighbourhood" in response.json()


def _api_households_list(w, login):
    community_world(w)
    url = reverse("api:households-list")
    _t().assert_lists(login("tan_an"), url, [HOUSEHOLD_HEAD], [AN_HOA_HEAD])
    _t().assert_forbidden(login("observer"), url)
    _t().assert_forbidden(login("hotline_operator"), url, "post", {"head_name": "X"})


def _directory_url(c: Community) -> str:
    return reverse("duty:directory", args=[TAN_AN])


CASES: dict = {
    "duty:communityteam_list": _list("duty:communityteam_list", [TEAM], [AN_HOA_TEAM, AN_HOA_LEADER], "team_member"),
    "duty:communityteam_export": _list(
        "duty:communityteam_export", [TEAM, HOUSEHOLD_HEAD], [AN_HOA_TEAM, AN_HOA_HEAD], "observer"
    ),
    "duty:communityteam_add": _team_add,
    "duty:communityteam_detail": _team_detail,
    "duty:communityteam_edit": _team_change(
        "duty:communityteam_edit", {"name": "Bị sửa", "leader_name": "X", "leader_phone": "0912000111"}, "get"
    ),
    "duty:communityteam_member_add": _team_change("duty:communityteam_member_add", {"full_name": "Người Lạ"}, "get"),
    "duty:communityteam_member_remove": _team_change("duty:communityteam_member_remove", {"member": 1}),
    "duty:communityteam_household_add": _team_change("duty:communityteam_household_add", {"household": 1}, "get"),
    "duty:communityteam_household_remove": _team_change("duty:communityteam_household_remove", {"household": 1}),
    "duty:household_list": _list("duty:household_list", [HOUSEHOLD_HEAD], [AN_HOA_HEAD], "observer"),
    "duty:household_export": _list("duty:household_export", [HOUSEHOLD_HEAD], [AN_HOA_HEAD], "observer"),
    "duty:household_gaps": _household_gaps,
    "duty:household_add": _household_add,
    "duty:household_detail": _household_detail,
    "duty:household_edit": _household_edit,
    "duty:directory_index": _public(
        "the public directory's commune search: names of communes only",
        lambda c: reverse("duty:directory_index") + "?q=an",
    ),
    "duty:directory": _public(
        "the public directory of a commune: public hotlines, team leaders, headquarters", _directory_url
    ),
    "duty:directory_poster": _public(
        "the printable poster of the public directory", lambda c: reverse("duty:directory_poster", args=[TAN_AN])
    ),
    "api:community-teams-list": _api_teams_list,
    "api:community-teams-detail": _api_detail("community-teams", lambda c: c.an_hoa_team, {"name": "X"}),
    "api:households-list": _api_households_list,
    "api:households-detail": _api_detail("households", lambda c: c.an_hoa_household, {"head_name": "X"}),
}

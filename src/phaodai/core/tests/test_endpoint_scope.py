"""Every endpoint proves its scope.

The walker lists every URL pattern of the project. Each URL name must have an entry in CASES below — a check
run as a user of Phường Tân An (or another persona) against records of Phường An Hòa / Trà Nóc that must stay
hidden (404), rows that must be absent from lists and exports, or writes the role may not make (403). A new
endpoint without an entry fails `test_every_endpoint_has_a_scope_case`, so it cannot land without its denial test.
Every non-public endpoint is also checked anonymously: pages redirect to the login page, the API answers 401.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from phaodai.duty.tests.scope_cases import DUTY_CASES
from phaodai.places.models import AdminUnit
from phaodai.reporting.tests.scope_cases import REPORTING_CASES
from phaodai.testing import AN_HOA, TAN_AN, World
from phaodai.welfare.tests.scope_cases import WELFARE_CASES

# ---------------------------------------------------------------------------------------------- the walker


def url_names() -> set[str]:
    def walk(patterns, namespace: str | None) -> set[str]:
        names: set[str] = set()
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = ":".join(filter(None, [namespace, p.namespace])) or None
                names |= walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{namespace}:{p.name}" if namespace else p.name)
        return names

    return walk(get_resolver().url_patterns, None)


# ---------------------------------------------------------------------------------------------- helpers


def text_of(response) -> str:
    """The visible content of a page, JSON answer or .xlsx export, as one string."""
    content_type = response.get("Content-Type", "")
    if "spreadsheetml" in content_type:
        book = openpyxl.load_workbook(
            io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content), read_only=True
        )
        return "\n".join(
            " ".join(str(v) for v in row if v is not None)
            for ws in book.worksheets
            for row in ws.iter_rows(values_only=True)
        )
    return response.content.decode()


def assert_hidden(client, url: str, method: str = "get", data: dict | None = None) -> None:
    response = getattr(client, method)(url, data or {})
    assert response.status_code == 404, f"{method.upper()} {url} → {response.status_code}, expected 404"


def assert_forbidden(client, url: str, method: str = "get", data: dict | None = None) -> None:
    response = getattr(client, method)(url, data or {})
    assert response.status_code == 403, f"{method.upper()} {url} → {response.status_code}, expected 403"


def assert_lists(client, url: str, present: list[str], absent: list[str]) -> None:
    response = client.get(url)
    assert response.status_code == 200, f"GET {url} → {response.status_code}"
    body = text_of(response)
    for name in present:
        assert name in body, f"{url} should show {name!r}"
    for name in absent:
        assert name not in body, f"{url} must not show {name!r} (out of scope)"


def an_hoa_unit() -> AdminUnit:
    return AdminUnit.objects.get(code=AN_HOA)


def hoa(w: World):  # Lê Thị Hoa works for An Hòa's People's Committee: outside Tân An
    return w.staff["hoa"]


HOA, AN = "Lê Thị Hoa", "Nguyễn Văn An"
AGENCY_AN_HOA, AGENCY_TAN_AN = "Ủy ban nhân dân Phường An Hòa", "Ủy ban nhân dân Phường Tân An"


# ---------------------------------------------------------------------------------------------- the cases
# Each case gets the world and `login(username)` → a logged-in test client.

Case = Callable[[World, Callable], None]


def _home(w, login):
    c = login("tan_an")
    counts = c.get(reverse("core:home")).context["counts"]
    assert counts["staff_total"] == 3  # An, Đạt (People's Committee) and Minh (health station) of Tân An only
    assert counts["agencies"] == 2


def _history(w, login):
    c = login("tan_an")
    assert_hidden(c, reverse("core:history", args=["staff.staffmember", hoa(w).pk]))
    assert_hidden(c, reverse("core:history", args=["places.agency", w.agencies["ubnd_an_hoa"].pk]))
    assert_hidden(c, reverse("core:history", args=["places.adminunit", an_hoa_unit().pk]))
    assert_hidden(c, reverse("core:history", args=["accounts.user", w.users["an_hoa"].pk]))
    assert_forbidden(login("team_leader"), reverse("core:history", args=["staff.staffmember", w.staff["an"].pk]))


def _users_forbidden(view: str, with_pk: bool = False, method: str = "get") -> Case:
    """Only system administrators manage accounts. On one account's page a role that sees no accounts at all gets
    404 (the account is outside what it sees); on the list and the add page, 403."""

    def case(w, login):
        args = [w.users["an_hoa"].pk] if with_pk else []
        check = assert_hidden if with_pk else assert_forbidden
        check(login("tan_an"), reverse(f"accounts:{view}", args=args), method)
        check(login("ninh_kieu"), reverse(f"accounts:{view}", args=args), method)
        assert login("admin").get(reverse(f"accounts:{view}", args=args)).status_code in (200, 405)

    return case


def _user_export(w, login):
    _users_forbidden("user_export")(w, login)
    assert_lists(login("admin"), reverse("accounts:user_export"), ["tan_an", "an_hoa"], [])


def _unit_list(w, login):
    assert_lists(
        login("tan_an"), reverse("places:adminunit_list"), ["Phường Tân An"], ["Phường An Hòa", "Phường Trà Nóc"]
    )


def _unit_export(w, login):
    assert_lists(login("tan_an"), reverse("places:adminunit_export"), ["Phường Tân An"], ["Phường An Hòa"])


def _unit_detail(w, login):
    assert_hidden(login("tan_an"), reverse("places:adminunit_detail", args=[an_hoa_unit().pk]))


def _unit_edit(w, login):
    c = login("tan_an")
    assert_hidden(c, reverse("places:adminunit_edit", args=[an_hoa_unit().pk]))
    assert_hidden(c, reverse("places:adminunit_edit", args=[an_hoa_unit().pk]), "post", {"name": "X"})
    # Official units come from published data: read-only even inside one's own commune.
    assert_forbidden(c, reverse("places:adminunit_edit", args=[AdminUnit.objects.get(code=TAN_AN).pk]))


def _neighbourhood_add(w, login):
    c = login("tan_an")
    url = reverse("places:neighbourhood_add", args=[an_hoa_unit().pk])
    assert_hidden(c, url, "post", {"name": "Khu vực 1", "kind": "khu vực"})
    assert not an_hoa_unit().children.exists()
    assert_forbidden(login("observer"), url, "post", {"name": "Khu vực 1", "kind": "khu vực"})


def _agency_list(w, login):
    assert_lists(login("tan_an"), reverse("places:agency_list"), [AGENCY_TAN_AN], [AGENCY_AN_HOA, "Sở Y tế"])


def _agency_export(w, login):
    assert_lists(login("tan_an"), reverse("places:agency_export"), [AGENCY_TAN_AN], [AGENCY_AN_HOA])


def _agency_detail(w, login):
    assert_hidden(login("tan_an"), reverse("places:agency_detail", args=[w.agencies["ubnd_an_hoa"].pk]))


def _agency_edit(w, login):
    url = reverse("places:agency_edit", args=[w.agencies["ubnd_an_hoa"].pk])
    assert_hidden(login("binh_thuy"), url)
    assert_hidden(login("binh_thuy"), url, "post", {"name": "X"})
    assert_forbidden(login("observer"), url)


def _agency_add(w, login):
    assert_forbidden(login("tan_an"), reverse("places:agency_add"))  # communes do not create agencies


def _staff_list(w, login):
    assert_lists(login("tan_an"), reverse("staff:staffmember_list"), [AN], [HOA, "Phạm Văn Bình", "Võ Thị Lan"])


def _staff_export(w, login):
    assert_lists(login("tan_an"), reverse("staff:staffmember_export"), [AN], [HOA, "Phạm Văn Bình"])
    assert_forbidden(login("team_member"), reverse("staff:staffmember_export"))


def _staff_detail(w, login):
    assert_hidden(login("tan_an"), reverse("staff:staffmember_detail", args=[hoa(w).pk]))


def _staff_edit(w, login):
    c = login("tan_an")
    url = reverse("staff:staffmember_edit", args=[hoa(w).pk])
    assert_hidden(c, url)
    assert_hidden(c, url, "post", {"full_name": "Bị sửa"})
    hoa(w).refresh_from_db()
    assert hoa(w).full_name == HOA
    assert_forbidden(login("observer"), reverse("staff:staffmember_edit", args=[w.staff["an"].pk]))


def _staff_add(w, login):
    assert_forbidden(login("observer"), reverse("staff:staffmember_add"))
    assert_forbidden(login("team_leader"), reverse("staff:staffmember_add"))


def _staff_import(w, login):
    assert_forbidden(login("observer"), reverse("staff:staffmember_import"))
    assert_forbidden(login("health"), reverse("staff:staffmember_import"), "post")


def _staff_import_template(w, login):
    # The template's list of agencies is the importer's own: Tân An sees no An Hòa agency in it.
    assert_lists(login("tan_an"), reverse("staff:staffmember_import_template"), [AGENCY_TAN_AN], [AGENCY_AN_HOA])
    assert_forbidden(login("observer"), reverse("staff:staffmember_import_template"))


def _message_list(w, login):
    from phaodai.notifications.services import queue

    queue(w.users["tan_an"], "Gửi Tân An", "...")
    queue(w.users["an_hoa"], "Gửi An Hòa", "...")
    assert_lists(login("tan_an"), reverse("notifications:message_list"), ["Gửi Tân An"], ["Gửi An Hòa"])
    assert_lists(login("admin"), reverse("notifications:message_list"), ["Gửi Tân An", "Gửi An Hòa"], [])


# -- mobilisation (issue #4) ------------------------------------------------------------------------------
# One approved mobilisation per ward (phaodai.mobilisation.tests.test_views.mobilised): An sent to Tân An, Hoa to An
# Hòa, each with a decision, a delegation and a team. Tân An must see none of An Hòa's.


def _mobilised(w):
    from phaodai.mobilisation.tests.test_views import mobilised

    return mobilised(w)


def _agency_head(w, login, agency_key: str):
    from phaodai.mobilisation.tests.test_views import agency_head

    return login(agency_head(w, agency_key).username)


def _mob_list(url_name: str, present: list[str], absent: list[str], forbidden: str = "hotline_operator") -> Case:
    def case(w, login):
        _mobilised(w)
        assert_lists(login("tan_an"), reverse(url_name), present, absent)
        assert_forbidden(login(forbidden), reverse(url_name))

    return case


def _mob_hidden(url_name: str, obj: Callable, method: str = "get", forbidden: tuple[str, object] | None = None) -> Case:
    """Tân An gets 404 for An Hòa's record; `forbidden` = (persona, own record) that persona may see but not change."""

    def case(w, login):
        m = _mobilised(w)
        assert_hidden(login("tan_an"), reverse(url_name, args=[obj(m).pk]), method)
        if forbidden is not None:
            who, own = forbidden
            assert_forbidden(login(who), reverse(url_name, args=[own(m).pk]), method)

    return case


def _mob_contacts(w, login):
    """A commune corrects the contacts of delegations in its own area only; a team leader not at all."""
    m = _mobilised(w)
    url = reverse("mobilisation:delegation_contacts", args=[m.an_hoa_delegation.pk])
    assert_hidden(login("tan_an"), url)
    assert_hidden(login("tan_an"), url, "post", {"hotline": "0901234567"})
    own = reverse("mobilisation:delegation_contacts", args=[m.tan_an_delegation.pk])
    assert_forbidden(login("team_leader"), own)
    assert login("tan_an").get(own).status_code == 200


def _mob_request_add(w, login):
    url = reverse("mobilisation:staffingrequest_add")
    assert_forbidden(login("tan_an"), url)  # communes do not propose
    assert_forbidden(login("home_affairs"), url, "post")  # Home Affairs decides, it does not propose


def _mob_request_edit(w, login):
    from phaodai.mobilisation.models import RequestStatus, StaffingRequest

    m = _mobilised(w)
    StaffingRequest.objects.filter(pk=m.an_hoa_request.pk).update(status=RequestStatus.DRAFT)
    url = reverse("mobilisation:staffingrequest_edit", args=[m.an_hoa_request.pk])
    assert_hidden(login("binh_thuy"), url)  # a district that proposes, but not for An Hòa
    assert_hidden(login("binh_thuy"), url, "post", {"title": "X"})
    assert_forbidden(login("health"), reverse("mobilisation:staffingrequest_edit", args=[m.tan_an_request.pk]))


def _mob_request_decide(w, login):
    m = _mobilised(w)
    assert_hidden(login("tan_an"), reverse("mobilisation:staffingrequest_decide", args=[m.an_hoa_request.pk]))
    assert_forbidden(login("health"), reverse("mobilisation:staffingrequest_decide", args=[m.tan_an_request.pk]))


def _mob_pool(w, login):
    assert_lists(login("tan_an"), reverse("mobilisation:pool"), [AGENCY_TAN_AN], [AGENCY_AN_HOA, "Sở Y tế"])
    assert_forbidden(login("hotline_operator"), reverse("mobilisation:pool"))


def _mob_pool_export(w, login):
    assert_lists(login("tan_an"), reverse("mobilisation:pool_export"), [AGENCY_TAN_AN], [AGENCY_AN_HOA])
    assert_forbidden(login("hotline_operator"), reverse("mobilisation:pool_export"))


def _mob_decision_detail(w, login):
    m = _mobilised(w)
    assert_hidden(login("tan_an"), reverse("mobilisation:mobilisationdecision_detail", args=[m.an_hoa_decision.pk]))
    # An agency head sees the decision that sends their people, but only their own people in it.
    head = _agency_head(w, login, "ubnd_an_hoa")
    assert_lists(head, reverse("mobilisation:mobilisationdecision_detail", args=[m.an_hoa_decision.pk]), [], [AN])
    assert_hidden(head, reverse("mobilisation:mobilisationdecision_detail", args=[m.tan_an_decision.pk]))


def _mob_decision_document(url_name: str) -> Case:
    def case(w, login):
        m = _mobilised(w)
        assert_hidden(login("tan_an"), reverse(url_name, args=[m.an_hoa_decision.pk]))
        # The full list of every person is the issuer's: a commune sees its own people in the people list instead.
        assert_forbidden(login("tan_an"), reverse(url_name, args=[m.tan_an_decision.pk]))

    return case


def _mob_propose(w, login):
    url = reverse("mobilisation:mobilisationdecision_propose")
    assert_forbidden(login("health"), url)
    assert_forbidden(login("tan_an"), url, "post")


def _mob_people(w, login):
    _mobilised(w)
    url = reverse("mobilisation:assignment_list")
    assert_lists(login("tan_an"), url, [AN], [HOA])
    assert_lists(_agency_head(w, login, "ubnd_an_hoa"), url, [HOA], [AN])


def _mob_people_export(w, login):
    _mobilised(w)
    url = reverse("mobilisation:assignment_export")
    assert_lists(login("tan_an"), url, [AN], [HOA])
    assert_lists(_agency_head(w, login, "ubnd_an_hoa"), url, [HOA], [AN])
    assert_forbidden(login("team_member"), url)  # lists of people need staff.export


def _mob_delegation_add(w, login):
    assert_forbidden(login("tan_an"), reverse("mobilisation:delegation_add"))
    assert_forbidden(login("home_affairs"), reverse("mobilisation:delegation_add"), "post")


def _mob_coordination_team_add(w, login):
    from phaodai.accounts.roles import Role
    from phaodai.testing import BINH_THUY, NINH_KIEU, make_user

    assert_forbidden(login("tan_an"), reverse("mobilisation:coordinationteam_add"))
    assert_forbidden(login("home_affairs"), reverse("mobilisation:coordinationteam_add"), "post")
    # Health of one district cannot set one up for another district: that unit is not among its choices.
    w.users["health_binh_thuy"] = make_user("health_binh_thuy", Role.HEALTH, BINH_THUY)
    unit = AdminUnit.objects.get(code=NINH_KIEU)
    response = login("health_binh_thuy").post(
        reverse("mobilisation:coordinationteam_add"), {"name": "X", "unit": unit.pk}
    )
    assert response.status_code == 200 and "unit" in response.context["form"].errors


def _mob_membership_move(w, login):
    m = _mobilised(w)
    url = reverse("mobilisation:membership_move", args=[m.an_hoa_team.pk, w.staff["hoa"].pk])
    assert_hidden(login("tan_an"), url)
    assert_hidden(login("tan_an"), url, "post", {"to_team": m.tan_an_team.pk})
    own = reverse("mobilisation:membership_move", args=[m.tan_an_team.pk, w.staff["an"].pk])
    assert_forbidden(login("tan_an"), own)


def _mob_organise(url_name: str, obj: Callable, own: Callable, data: dict | None = None) -> Case:
    """Corrections to delegations and teams: Health of Bình Thuỷ (may organise, not in An Hòa) gets 404 for An Hòa's
    record, GET and POST; Tân An (sees its own record, may not organise) gets 403. `obj`/`own` give the URL args."""

    def case(w, login):
        m = _mobilised(w)
        _persona(w, "health_binh_thuy")
        url = reverse(url_name, args=obj(m, w))
        assert_hidden(login("health_binh_thuy"), url)
        assert_hidden(login("health_binh_thuy"), url, "post", data)
        assert_forbidden(login("tan_an"), reverse(url_name, args=own(m, w)))
        assert_forbidden(login("tan_an"), reverse(url_name, args=own(m, w)), "post", data)

    return case


def _mob_my_assignment(w, login):
    _mobilised(w)
    w.users["team_member"].staff_member = w.staff["an"]
    w.users["team_member"].save()
    # Only one's own assignment, whoever else is mobilised in the same ward or elsewhere.
    assert_lists(login("team_member"), reverse("mobilisation:my_assignment"), ["Phường Tân An"], [HOA, "An Hòa"])


# -- the API --------------------------------------------------------------------------------------------


def _api_list(basename: str, present: list[str], absent: list[str]) -> Case:
    def case(w, login):
        assert_lists(login("tan_an"), reverse(f"api:{basename}-list"), present, absent)

    return case


def _api_detail(basename: str, obj: Callable[[World], object], writer: str = "tan_an") -> Case:
    """Reading as Tân An, and writing as `writer` — a user whose role may write but whose jurisdiction excludes it."""

    def case(w, login):
        url = reverse(f"api:{basename}-detail", args=[obj(w).pk])
        assert_hidden(login("tan_an"), url)
        assert_hidden(login(writer), url, "patch", {"name": "X"})

    return case


def _api_user_detail(w, login):
    url = reverse("api:users-detail", args=[w.users["an_hoa"].pk])
    assert_forbidden(login("tan_an"), url)
    assert_forbidden(login("home_affairs"), url, "patch", {"role": "sysadmin"})


def _api_users_list(w, login):
    assert_forbidden(login("tan_an"), reverse("api:users-list"))
    assert_lists(login("admin"), reverse("api:users-list"), ["an_hoa"], [])


def _api_skills_list(w, login):
    assert_lists(login("tan_an"), reverse("api:skills-list"), ["driving"], [])
    assert_forbidden(login("team_member"), reverse("api:skills-list"))  # team members see no staff data


def _api_skills_detail(w, login):
    from phaodai.staff.models import Skill

    url = reverse("api:skills-detail", args=[Skill.objects.get(code="medical").pk])
    assert login("tan_an").get(url).status_code == 200
    assert_forbidden(login("team_member"), url)


def _api_me(w, login):
    body = login("tan_an").get(reverse("api:me")).json()
    assert body["role"] == "commune"
    assert "user.view" not in body["permissions"]


def _api_root(w, login):
    # The root only lists links; it holds no data, but still needs a login (checked anonymously below).
    assert login("tan_an").get(reverse("api:api-root")).status_code == 200


def _api_mob_list(basename: str, present: list[str], absent: list[str]) -> Case:
    def case(w, login):
        _mobilised(w)
        assert_lists(login("tan_an"), reverse(f"api:{basename}-list"), present, absent)
        assert_forbidden(login("hotline_operator"), reverse(f"api:{basename}-list"))

    return case


def _api_mob_detail(basename: str, obj: Callable) -> Case:
    def case(w, login):
        m = _mobilised(w)
        assert_hidden(login("tan_an"), reverse(f"api:{basename}-detail", args=[obj(m).pk]))

    return case


def _api_mob_action(
    name: str, obj: Callable, writer: str, data: dict | None = None, forbidden: str = "observer"
) -> Case:
    """POST as `writer` (whose role may do it) to a record outside their jurisdiction: 404; a role that may not: 403."""

    def case(w, login):
        m = _mobilised(w)
        _persona(w, writer)
        assert_hidden(login(writer), reverse(f"api:{name}", args=[obj(m).pk]), "post", data)
        assert_forbidden(login(forbidden), reverse(f"api:{name}", args=[obj(m).pk]), "post", data)

    return case


def _persona(w, username: str) -> None:
    """Personas the world does not have: Home Affairs or Health of one district only, agency heads ("head_<agency>")."""
    from phaodai.accounts.roles import Role
    from phaodai.mobilisation.tests.test_views import agency_head
    from phaodai.testing import BINH_THUY, make_user

    if username in w.users:
        return
    if username == "home_affairs_binh_thuy":
        w.users[username] = make_user(username, Role.HOME_AFFAIRS, BINH_THUY)
    elif username == "health_binh_thuy":
        w.users[username] = make_user(username, Role.HEALTH, BINH_THUY)
    elif username.startswith("head_"):
        agency_head(w, username.removeprefix("head_"))


def _api_requests_list(w, login):
    _api_mob_list("staffing-requests", ["Lấy mẫu Tân An"], ["Lấy mẫu An Hòa"])(w, login)
    assert_forbidden(login("tan_an"), reverse("api:staffing-requests-list"), "post", {"title": "X"})


def _api_decisions_propose(w, login):
    m = _mobilised(w)
    assert_forbidden(login("health"), reverse("api:decisions-propose"), "post", {"requests": [m.tan_an_request.pk]})
    # Another district's request is, for this Home Affairs user, a request that does not exist.
    _persona(w, "home_affairs_binh_thuy")
    response = login("home_affairs_binh_thuy").post(
        reverse("api:decisions-propose"), {"requests": [m.an_hoa_request.pk]}
    )
    assert response.status_code == 400 and "does not exist" in response.content.decode()


def _api_delegations_list(w, login):
    _api_mob_list("delegations", ["Đoàn công tác Tân An"], ["Đoàn công tác An Hòa"])(w, login)
    assert_forbidden(login("tan_an"), reverse("api:delegations-list"), "post", {"name": "X"})


def _api_teams_list(w, login):
    m = _mobilised(w)
    assert_lists(login("tan_an"), reverse("api:teams-list"), ["Tổ lấy mẫu số 1"], ["Tổ An Hòa"])
    assert_forbidden(login("hotline_operator"), reverse("api:teams-list"))
    assert_forbidden(login("tan_an"), reverse("api:teams-list"), "post", {"name": "X"})
    # A team for another district's delegation: that delegation does not exist for this Health user.
    _persona(w, "health_binh_thuy")
    data = {"delegation": m.an_hoa_delegation.pk, "name": "X", "task": "sampling", "leader": w.staff["binh"].pk}
    response = login("health_binh_thuy").post(reverse("api:teams-list"), data)
    assert response.status_code == 400 and "delegation" in response.json()


def _api_pool_list(w, login):
    assert_lists(login("tan_an"), reverse("api:pool-list"), [AGENCY_TAN_AN], [AGENCY_AN_HOA, "Sở Y tế"])
    assert_forbidden(login("hotline_operator"), reverse("api:pool-list"))


def _api_pool_detail(w, login):
    assert_hidden(login("tan_an"), reverse("api:pool-detail", args=[w.agencies["ubnd_an_hoa"].pk]))


def _public(reason: str) -> Case:
    def case(w, login):
        pass

    case.public_reason = reason  # type: ignore[attr-defined]
    return case


def _section(w, login):
    """A section lists pages, not data; a role that may open none of them gets 403."""
    assert_forbidden(login("team_member"), reverse("core:section", args=["reporting"]))
    assert_forbidden(login("team_member"), reverse("core:section", args=["duty"]))


CASES: dict[str, Case] = {
    "core:section": _section,
    "set_language": _public("switches the interface language; holds no data"),
    "accounts:login": _public("the login page"),
    "accounts:logout": _public("ends the caller's own session"),
    "api:token": _public("exchanges a username and password for a token: the API's login"),
    "api:schema": _public("describes the open-source API, holds no data"),
    "api:docs": _public("Swagger UI for the schema, holds no data"),
    "core:home": _home,
    "core:history": _history,
    "accounts:user_list": _users_forbidden("user_list"),
    "accounts:user_add": _users_forbidden("user_add"),
    "accounts:user_detail": _users_forbidden("user_detail", with_pk=True),
    "accounts:user_edit": _users_forbidden("user_edit", with_pk=True),
    "accounts:user_password": _users_forbidden("user_password", with_pk=True, method="post"),
    "accounts:user_export": _user_export,
    "places:adminunit_list": _unit_list,
    "places:adminunit_export": _unit_export,
    "places:adminunit_detail": _unit_detail,
    "places:adminunit_edit": _unit_edit,
    "places:neighbourhood_add": _neighbourhood_add,
    "places:agency_list": _agency_list,
    "places:agency_export": _agency_export,
    "places:agency_add": _agency_add,
    "places:agency_detail": _agency_detail,
    "places:agency_edit": _agency_edit,
    "staff:staffmember_list": _staff_list,
    "staff:staffmember_export": _staff_export,
    "staff:staffmember_add": _staff_add,
    "staff:staffmember_detail": _staff_detail,
    "staff:staffmember_edit": _staff_edit,
    "staff:staffmember_import": _staff_import,
    "staff:staffmember_import_template": _staff_import_template,
    "notifications:message_list": _message_list,
    "mobilisation:staffingrequest_list": _mob_list(
        "mobilisation:staffingrequest_list", ["Lấy mẫu Tân An"], ["Lấy mẫu An Hòa"]
    ),
    "mobilisation:staffingrequest_export": _mob_list(
        "mobilisation:staffingrequest_export", ["Lấy mẫu Tân An"], ["Lấy mẫu An Hòa"]
    ),
    "mobilisation:staffingrequest_add": _mob_request_add,
    "mobilisation:staffingrequest_detail": _mob_hidden(
        "mobilisation:staffingrequest_detail", lambda m: m.an_hoa_request
    ),
    "mobilisation:staffingrequest_edit": _mob_request_edit,
    "mobilisation:staffingrequest_submit": _mob_hidden(
        "mobilisation:staffingrequest_submit",
        lambda m: m.an_hoa_request,
        "post",
        forbidden=("home_affairs", lambda m: m.tan_an_request),
    ),
    "mobilisation:staffingrequest_decide": _mob_request_decide,
    "mobilisation:pool": _mob_pool,
    "mobilisation:pool_export": _mob_pool_export,
    "mobilisation:mobilisationdecision_list": _mob_list(
        "mobilisation:mobilisationdecision_list", ["01/QĐ-UBND"], ["02/QĐ-UBND"]
    ),
    "mobilisation:mobilisationdecision_export": _mob_list(
        "mobilisation:mobilisationdecision_export", ["01/QĐ-UBND"], ["02/QĐ-UBND"]
    ),
    "mobilisation:mobilisationdecision_propose": _mob_propose,
    "mobilisation:mobilisationdecision_detail": _mob_decision_detail,
    "mobilisation:mobilisationdecision_approve": _mob_hidden(
        "mobilisation:mobilisationdecision_approve",
        lambda m: m.an_hoa_decision,
        "post",
        forbidden=("tan_an", lambda m: m.tan_an_decision),
    ),
    "mobilisation:mobilisationdecision_cancel": _mob_hidden(
        "mobilisation:mobilisationdecision_cancel",
        lambda m: m.an_hoa_decision,
        "post",
        forbidden=("health", lambda m: m.tan_an_decision),
    ),
    "mobilisation:mobilisationdecision_pdf": _mob_decision_document("mobilisation:mobilisationdecision_pdf"),
    "mobilisation:mobilisationdecision_annex": _mob_decision_document("mobilisation:mobilisationdecision_annex"),
    "mobilisation:assignment_list": _mob_people,
    "mobilisation:assignment_export": _mob_people_export,
    "mobilisation:assignment_swap": _mob_hidden(
        "mobilisation:assignment_swap",
        lambda m: m.an_hoa_decision.assignments.get(),
        forbidden=("health", lambda m: m.tan_an_decision.assignments.get()),
    ),
    "mobilisation:assignment_substitute": _mob_hidden(
        "mobilisation:assignment_substitute",
        lambda m: m.an_hoa_decision.assignments.get(),
        forbidden=("tan_an", lambda m: m.tan_an_decision.assignments.get()),
    ),
    "mobilisation:delegation_list": _mob_list(
        "mobilisation:delegation_list", ["Đoàn công tác Tân An"], ["Đoàn công tác An Hòa"]
    ),
    "mobilisation:delegation_export": _mob_list(
        "mobilisation:delegation_export", ["Đoàn công tác Tân An"], ["Đoàn công tác An Hòa"], forbidden="team_member"
    ),
    "mobilisation:delegation_add": _mob_delegation_add,
    "mobilisation:coordinationteam_add": _mob_coordination_team_add,
    "mobilisation:delegation_detail": _mob_hidden("mobilisation:delegation_detail", lambda m: m.an_hoa_delegation),
    "mobilisation:team_add": _mob_hidden(
        "mobilisation:team_add",
        lambda m: m.an_hoa_delegation,
        "post",
        forbidden=("tan_an", lambda m: m.tan_an_delegation),
    ),
    "mobilisation:team_list": _mob_list("mobilisation:team_list", ["Tổ lấy mẫu số 1"], ["Tổ An Hòa"]),
    "mobilisation:team_export": _mob_list(
        "mobilisation:team_export", ["Tổ lấy mẫu số 1"], ["Tổ An Hòa"], forbidden="team_member"
    ),
    "mobilisation:team_detail": _mob_hidden("mobilisation:team_detail", lambda m: m.an_hoa_team),
    "mobilisation:team_member_add": _mob_hidden(
        "mobilisation:team_member_add",
        lambda m: m.an_hoa_team,
        "post",
        forbidden=("tan_an", lambda m: m.tan_an_team),
    ),
    "mobilisation:membership_move": _mob_membership_move,
    "mobilisation:delegation_edit": _mob_organise(
        "mobilisation:delegation_edit",
        lambda m, w: [m.an_hoa_delegation.pk],
        lambda m, w: [m.tan_an_delegation.pk],
        {"hotline": "0901234567"},
    ),
    "mobilisation:delegation_contacts": _mob_contacts,
    "mobilisation:team_edit": _mob_organise(
        "mobilisation:team_edit", lambda m, w: [m.an_hoa_team.pk], lambda m, w: [m.tan_an_team.pk], {"name": "X"}
    ),
    "mobilisation:team_leader": _mob_organise(
        "mobilisation:team_leader",
        lambda m, w: [m.an_hoa_team.pk],
        lambda m, w: [m.tan_an_team.pk],
        {"leader": 1},
    ),
    "mobilisation:membership_end": _mob_organise(
        "mobilisation:membership_end",
        lambda m, w: [m.an_hoa_team.pk, w.staff["hoa"].pk],
        lambda m, w: [m.tan_an_team.pk, w.staff["an"].pk],
        {"confirm": "yes"},
    ),
    "mobilisation:my_assignment": _mob_my_assignment,
    "api:api-root": _api_root,
    "api:me": _api_me,
    "api:units-list": _api_list("units", ["Phường Tân An"], ["Phường An Hòa", "Phường Trà Nóc"]),
    "api:units-detail": _api_detail("units", lambda w: an_hoa_unit()),
    "api:agencies-list": _api_list("agencies", [AGENCY_TAN_AN], [AGENCY_AN_HOA]),
    "api:agencies-detail": _api_detail("agencies", lambda w: w.agencies["ubnd_an_hoa"], writer="binh_thuy"),
    "api:staff-list": _api_list("staff", [AN], [HOA, "Phạm Văn Bình"]),
    "api:staff-detail": _api_detail("staff", hoa),
    "api:skills-list": _api_skills_list,
    "api:skills-detail": _api_skills_detail,
    "api:users-list": _api_users_list,
    "api:users-detail": _api_user_detail,
    "api:staffing-requests-list": _api_requests_list,
    "api:staffing-requests-detail": _api_mob_detail("staffing-requests", lambda m: m.an_hoa_request),
    "api:staffing-requests-submit": _api_mob_action(
        "staffing-requests-submit", lambda m: m.an_hoa_request, writer="binh_thuy"
    ),
    "api:staffing-requests-decide": _api_mob_action(
        "staffing-requests-decide", lambda m: m.an_hoa_request, "home_affairs_binh_thuy", {"approve": True}
    ),
    "api:pool-list": _api_pool_list,
    "api:pool-detail": _api_pool_detail,
    "api:decisions-list": _api_mob_list("decisions", ["01/QĐ-UBND"], ["02/QĐ-UBND"]),
    "api:decisions-detail": _api_mob_detail("decisions", lambda m: m.an_hoa_decision),
    "api:decisions-propose": _api_decisions_propose,
    "api:decisions-approve": _api_mob_action(
        "decisions-approve", lambda m: m.an_hoa_decision, "home_affairs_binh_thuy", forbidden="health"
    ),
    "api:decisions-cancel": _api_mob_action(
        "decisions-cancel", lambda m: m.an_hoa_decision, "home_affairs_binh_thuy", forbidden="health"
    ),
    "api:assignments-list": _api_mob_list("assignments", [AN], [HOA]),
    "api:assignments-detail": _api_mob_detail("assignments", lambda m: m.an_hoa_decision.assignments.get()),
    "api:assignments-swap": _api_mob_action(
        "assignments-swap", lambda m: m.an_hoa_decision.assignments.get(), "home_affairs_binh_thuy", forbidden="health"
    ),
    "api:assignments-substitute": _api_mob_action(
        "assignments-substitute", lambda m: m.an_hoa_decision.assignments.get(), "head_ubnd_tan_an", forbidden="tan_an"
    ),
    "api:delegations-list": _api_delegations_list,
    "api:delegations-detail": _api_mob_detail("delegations", lambda m: m.an_hoa_delegation),
    "api:teams-list": _api_teams_list,
    "api:teams-detail": _api_mob_detail("teams", lambda m: m.an_hoa_team),
    "api:teams-members": _api_mob_action("teams-members", lambda m: m.an_hoa_team, "health_binh_thuy"),
    "api:teams-move-here": _api_mob_action("teams-move-here", lambda m: m.an_hoa_team, "health_binh_thuy"),
}

# The reporting app keeps its cases beside its code (phaodai/reporting/tests/scope_*.py).
CASES.update(REPORTING_CASES)
CASES.update(DUTY_CASES)
CASES.update(WELFARE_CASES)


def test_every_endpoint_has_a_scope_case():
    names = url_names()
    missing = sorted(names - CASES.keys())
    stale = sorted(CASES.keys() - names)
    assert missing == [], f"endpoints without a scope test: {missing} — add them to CASES"
    assert stale == [], f"CASES entries for endpoints that no longer exist: {stale}"


@pytest.fixture
def login(world, client):
    def as_user(username: str):
        client.logout()
        client.force_login(world.users[username])
        return client

    return as_user


@pytest.mark.parametrize("name", sorted(CASES))
def test_endpoint_hides_what_is_outside_the_jurisdiction(name, world, login):
    CASES[name](world, login)


# ---------------------------------------------------------------------------------------------- anonymous

SAMPLE_ARGS = {
    "core:section": lambda w: ["reporting"],
    "core:history": lambda w: ["staff.staffmember", w.staff["an"].pk],
    "mobilisation:membership_move": lambda w: [1, w.staff["an"].pk],
    "mobilisation:membership_end": lambda w: [1, w.staff["an"].pk],
}


def _args_for(name: str, w: World) -> list:
    if name in SAMPLE_ARGS:
        return SAMPLE_ARGS[name](w)
    pattern_needs_pk = "<int:pk>" in _route_of(name) or "(?P<pk>" in _route_of(name)
    if not pattern_needs_pk:
        return []
    model_by_prefix = {
        "accounts:user": w.users["an_hoa"],
        "api:users": w.users["an_hoa"],
        "places:agency": w.agencies["ubnd_an_hoa"],
        "api:agencies": w.agencies["ubnd_an_hoa"],
        "places:adminunit": an_hoa_unit(),
        "places:neighbourhood": an_hoa_unit(),
        "api:units": an_hoa_unit(),
        "staff:staffmember": hoa(w),
        "api:staff": hoa(w),
    }
    for prefix, obj in model_by_prefix.items():
        if name.startswith(prefix):
            return [obj.pk]
    from phaodai.staff.models import Skill

    return [Skill.objects.first().pk]


def _route_of(name: str) -> str:
    def walk(patterns, namespace, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = ":".join(filter(None, [namespace, p.namespace])) or None
                found = walk(p.url_patterns, ns, prefix + str(p.pattern))
                if found:
                    return found
            elif isinstance(p, URLPattern) and p.name and (f"{namespace}:{p.name}" if namespace else p.name) == name:
                return prefix + str(p.pattern)
        return None

    return walk(get_resolver().url_patterns, None, "") or ""


@pytest.mark.parametrize("name", sorted(n for n, case in CASES.items() if not hasattr(case, "public_reason")))
def test_anonymous_visitors_are_sent_to_log_in(name, world, client):
    url = reverse(name, args=_args_for(name, world))
    response = client.get(url)
    if name.startswith("api:"):
        assert response.status_code == 401, f"{url} → {response.status_code}"
    else:
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], url

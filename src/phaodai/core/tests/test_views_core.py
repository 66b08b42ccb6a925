"""Home page, navigation, language switch and the shared permission rule."""

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.generic import View

from phaodai.core.permissions import RolePermissionMixin
from phaodai.staff.models import StaffStatus

HOME = reverse("core:home")


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_anonymous_visitors_are_redirected_from_home_to_login(client, db):
    response = client.get(HOME)
    assert response.status_code == 302 and response.url == f"{reverse('accounts:login')}?next=/"


def test_home_shows_role_jurisdiction_and_counts_of_what_the_user_sees(world, client_for):
    world.staff["dat"].status = StaffStatus.ISOLATED
    world.staff["dat"].save()
    response = english(client_for(world.users["tan_an"])).get(HOME)
    html = response.content.decode()
    assert "Commune" in html
    assert "Phường Tân An, Quận Ninh Kiều, Thành phố Cần Thơ" in html
    counts = response.context["counts"]
    assert counts["staff_total"] == 3  # An, Đạt, Minh: not Hoa (An Hòa) nor Bình (Trà Nóc)
    assert {code: n for code, _label, n in counts["staff_by_status"]} == {
        "available": 2,
        "mobilised": 0,
        "on_leave": 0,
        "isolated": 1,
    }
    assert counts["agencies"] == 2
    # Its own commune only: the district and the city above it are context on the pages, not its units.
    assert counts["units_total"] == 1
    assert [(label, n) for label, n in counts["units"] if n] == [("Commune", 1)]


def test_home_counts_a_districts_communes_but_not_the_city_above(world, client_for):
    counts = client_for(world.users["ninh_kieu"]).get(HOME).context["counts"]
    assert counts["units_total"] == 1 + 8  # Quận Ninh Kiều and its 8 wards (2021)


def test_home_for_a_city_wide_user_counts_the_whole_city(world, client_for):
    counts = client_for(world.users["home_affairs"]).get(HOME).context["counts"]
    assert counts["staff_total"] == 6 and counts["units_total"] == 90 and counts["agencies"] == 9


def test_the_menu_follows_the_role(world, client_for):
    def menu(who):
        return [item.url for item in client_for(world.users[who]).get(HOME).context["nav_items"]]

    mobilisation = [
        reverse("mobilisation:staffingrequest_list"),
        reverse("mobilisation:mobilisationdecision_list"),
        reverse("mobilisation:delegation_list"),
    ]
    places = [reverse("places:adminunit_list"), reverse("places:agency_list")]
    mine = reverse("notifications:message_list")
    staff = reverse("staff:staffmember_list")
    # Reporting and duty pages are grouped in one menu entry each (a section page), so the phone menu stays short.
    sections = [reverse("core:section", args=[slug]) for slug in ("reporting", "duty", "welfare")]
    call = reverse("duty:call_add")
    assert menu("admin") == [call, *places, staff, *mobilisation, *sections, mine, reverse("accounts:user_list")]
    assert menu("tan_an") == [call, *places, staff, *mobilisation, *sections, mine]
    assert menu("team_member") == [*places, *mobilisation, mine]
    assert menu("hotline_operator") == [call, *places, sections[1], sections[2], mine]  # households: welfare
    # A team leader linked to their civil servant finds today's report first, then their assignment and shifts.
    leader = world.users["team_leader"]
    leader.staff_member = world.staff["minh"]
    leader.save()
    assert menu("team_leader")[0] == reverse("reporting:today")
    assert reverse("mobilisation:my_assignment") in menu("team_leader") and sections[0] in menu("team_leader")
    # "My assignment" and "My shifts" are for a login that belongs to a civil servant.
    member = world.users["team_member"]
    member.staff_member = world.staff["an"]
    member.save()
    assert menu("team_member")[-3:] == [reverse("mobilisation:my_assignment"), reverse("duty:my_shifts"), mine]
    html = client_for(world.users["team_member"]).get(HOME).content.decode()
    assert reverse("staff:staffmember_list") not in html and reverse("accounts:user_list") not in html


def test_a_section_lists_only_the_pages_the_role_may_open(world, client_for):
    url = reverse("core:section", args=["reporting"])
    coordinator = client_for(world.users["tan_an"]).get(url)
    assert coordinator.status_code == 200
    assert reverse("reporting:not_reported") in coordinator.content.decode()
    assert reverse("reporting:form_list") not in coordinator.content.decode()  # forms are Health's and admins'
    assert client_for(world.users["team_member"]).get(url).status_code == 403
    assert client_for(world.users["tan_an"]).get(reverse("core:section", args=["nothing"])).status_code == 404


def test_vietnamese_is_the_default_and_the_language_switch_gives_english(world, client_for):
    client = client_for(world.users["tan_an"])
    page = client.get(reverse("staff:staffmember_list"))
    assert '<html lang="vi">' in page.content.decode()
    assert f'action="{reverse("set_language")}"' in page.content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("staff:staffmember_list")})
    assert response.status_code == 302 and response.url == reverse("staff:staffmember_list")
    html = client.get(reverse("staff:staffmember_list")).content.decode()
    assert '<html lang="en">' in html
    assert ">Civil servants</h1>" in html and "Log out" in html


def test_the_login_page_has_the_language_switch_too(db, client):
    html = english(client).get(reverse("accounts:login")).content.decode()
    assert f'action="{reverse("set_language")}"' in html and "Log in" in html


def test_pages_use_only_local_assets(world, client_for):
    html = client_for(world.users["admin"]).get(reverse("staff:staffmember_list")).content.decode()
    assert "/static/django_htmx/" in html or "/static/" in html
    for cdn in ("https://", "http://", "//unpkg", "//cdn"):
        assert f'src="{cdn}' not in html and f'href="{cdn}' not in html


def test_a_view_without_a_declared_permission_is_a_configuration_error(rf: RequestFactory, world):
    class Forgetful(RolePermissionMixin, View):
        def get(self, request):  # pragma: no cover - never reached
            raise AssertionError

    request = rf.get("/")
    request.user = world.users["admin"]
    with pytest.raises(ImproperlyConfigured):
        Forgetful.as_view()(request)


def _page_views():
    """Every class-based view of the web pages (the excel and api helpers' views are theirs to check)."""

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and hasattr(p.callback, "view_class"):
                yield f"{namespace}{p.name}", p.callback.view_class

    mine = {"phaodai.core.views", "phaodai.places.views", "phaodai.staff.views", "phaodai.accounts.views"}
    return [(name, view) for name, view in walk(get_resolver().url_patterns) if view.__module__ in mine]


def test_every_page_view_declares_its_permission():
    views = _page_views()
    assert len(views) >= 20
    assert [name for name, view in views if not isinstance(getattr(view, "permission", None), str)] == []


def test_every_breadcrumb_trail_marks_the_way_up_that_phones_show():
    """On a phone the style sheet hides every crumb but li.up: a trail without one would vanish."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    trails = [p for p in root.rglob("templates/**/*.html") if 'class="breadcrumbs"' in p.read_text(encoding="utf-8")]
    assert len(trails) >= 10
    missing = [str(p.relative_to(root)) for p in trails if 'class="up"' not in p.read_text(encoding="utf-8")]
    assert missing == []


def test_a_phone_set_to_english_still_gets_vietnamese_pages_until_the_user_switches(world, client_for):
    client = client_for(world.users["tan_an"])
    page = client.get(reverse("staff:staffmember_list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="vi">' in page.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get(reverse("staff:staffmember_list")).content.decode()


def test_api_clients_still_choose_their_language_with_accept_language(world, api):
    client = api(world.users["tan_an"])
    client.credentials(HTTP_AUTHORIZATION=client._credentials["HTTP_AUTHORIZATION"], HTTP_ACCEPT_LANGUAGE="en")
    assert client.get(reverse("api:me")).json()["role_label"] == "Commune officer"
    client.credentials(HTTP_AUTHORIZATION=client._credentials["HTTP_AUTHORIZATION"], HTTP_ACCEPT_LANGUAGE="vi")
    assert client.get(reverse("api:me")).json()["role_label"] == "Cán bộ xã, phường, thị trấn"

"""The pages of administrative units and agencies."""

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.urls import reverse

from phaodai.places.models import AdminUnit, Agency, AgencyKind, Level
from phaodai.places.services import create_neighbourhood
from phaodai.staff.models import StaffStatus
from phaodai.testing import AN_HOA, BINH_THUY, NINH_KIEU, TAN_AN, TRA_NOC, make_agency, make_staff, unit

UNITS = reverse("places:adminunit_list")
AGENCIES = reverse("places:agency_list")


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def unit_url(name: str, u: AdminUnit) -> str:
    return reverse(f"places:{name}", args=[u.pk])


def agency_url(name: str, a: Agency) -> str:
    return reverse(f"places:{name}", args=[a.pk])


def agency_data(u: AdminUnit, **overrides) -> dict:
    data = {
        "name": "Trung tâm Y tế dự phòng",
        "short_name": "TTYTDP",
        "kind": AgencyKind.PUBLIC_SERVICE,
        "bloc": "government",
        "unit": u.pk,
        "parent": "",
        "headcount": 30,
        "min_in_office": 10,
        "phone": "+84 292 3820 123",
    }
    data.update(overrides)
    return data


@pytest.fixture
def hamlet(world):
    return create_neighbourhood(world.users["tan_an"], unit(TAN_AN), "Khu vực 1", "khu vực")


# --- anonymous ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", [UNITS, AGENCIES, reverse("places:agency_add"), reverse("places:adminunit_detail", args=[1])]
)
def test_anonymous_visitors_are_redirected_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


# --- units ----------------------------------------------------------------------------------------------------------


def test_a_commune_user_lists_its_commune_and_the_chain_above_but_no_other_commune(world, client_for, hamlet):
    response = client_for(world.users["tan_an"]).get(UNITS)
    names = {u.name for u in response.context["object_list"]}
    assert {"Phường Tân An", "Quận Ninh Kiều", "Thành phố Cần Thơ", "Khu vực 1"} <= names
    assert "Phường An Hòa" not in names and "Phường Trà Nóc" not in names and "Quận Bình Thuỷ" not in names


def test_the_unit_list_searches_without_accents_and_filters_by_level_and_within(world, client_for):
    client = client_for(world.users["home_affairs"])
    assert {u.name for u in client.get(UNITS, {"q": "an hoa"}).context["object_list"]} == {"Phường An Hòa"}
    communes = client.get(UNITS, {"level": Level.COMMUNE, "under": unit(BINH_THUY).pk}).context["object_list"]
    assert "Phường Trà Nóc" in {u.name for u in communes}
    assert all(u.level == Level.COMMUNE and u.path.startswith(unit(BINH_THUY).path) for u in communes)


def test_the_unit_list_is_paginated(world, client_for):
    response = client_for(world.users["home_affairs"]).get(UNITS)
    assert response.context["paginator"].count == 90  # Cần Thơ: 1 + 9 + 80
    assert len(response.context["object_list"]) == 50
    assert response.context["is_paginated"]
    html = response.content.decode()
    assert f'href="{reverse("places:adminunit_export")}?"' in html and "page=2" in html


def test_on_a_large_tree_the_within_list_offers_provinces_and_districts_but_accepts_a_commune(
    world, client_for, monkeypatch
):
    monkeypatch.setattr("phaodai.core.views.MAX_UNIT_OPTIONS", 20)  # Cần Thơ's 90 units stand in for 10,000
    tan_an = unit(TAN_AN)
    response = client_for(world.users["home_affairs"]).get(UNITS, {"under": tan_an.pk})
    options = [value for value, _label in response.context["filter_form"].fields["under"].widget.choices if value]
    offered = AdminUnit.objects.filter(pk__in=options)
    assert {u.level for u in offered} == {Level.PROVINCE, Level.DISTRICT, Level.COMMUNE}
    assert [u for u in offered if u.level == Level.COMMUNE] == [tan_an]  # only the selected commune
    assert {u.name for u in response.context["object_list"]} == {"Phường Tân An"}


def test_a_unit_page_shows_breadcrumb_children_and_agencies(world, client_for, hamlet):
    html = client_for(world.users["tan_an"]).get(unit_url("adminunit_detail", unit(TAN_AN))).content.decode()
    crumbs = html.split('class="breadcrumbs"', 1)[1].split("</ol>", 1)[0]
    assert crumbs.index("Thành phố Cần Thơ") < crumbs.index("Quận Ninh Kiều") < crumbs.index("Phường Tân An")
    assert "Khu vực 1" in html  # child
    assert "Ủy ban nhân dân Phường Tân An" in html and "Trạm Y tế Phường Tân An" in html  # agencies
    assert reverse("core:history", args=["places.adminunit", unit(TAN_AN).pk]) in html


def test_a_district_page_seen_by_a_commune_user_lists_only_its_own_commune(world, client_for):
    html = client_for(world.users["tan_an"]).get(unit_url("adminunit_detail", unit(NINH_KIEU))).content.decode()
    assert "Phường Tân An" in html and "Phường An Hòa" not in html


@pytest.mark.parametrize("code", [AN_HOA, TRA_NOC, BINH_THUY])
def test_a_commune_user_gets_404_for_units_outside_its_jurisdiction(world, client_for, code):
    client = client_for(world.users["tan_an"])
    other = unit(code)
    assert client.get(unit_url("adminunit_detail", other)).status_code == 404
    assert client.get(unit_url("adminunit_edit", other)).status_code == 404
    assert client.post(unit_url("neighbourhood_add", other), {"name": "X", "kind": "khu vực"}).status_code == 404
    assert client.get(reverse("core:history", args=["places.adminunit", other.pk])).status_code == 404


def test_a_commune_user_gets_404_for_another_communes_neighbourhood(world, client_for):
    other_hamlet = create_neighbourhood(world.users["an_hoa"], unit(AN_HOA), "Khu vực 7", "khu vực")
    client = client_for(world.users["tan_an"])
    assert client.get(unit_url("adminunit_detail", other_hamlet)).status_code == 404
    assert (
        client.post(unit_url("adminunit_edit", other_hamlet), {"name": "X", "division_type": "ấp"}).status_code == 404
    )


def test_official_units_are_read_only_even_for_their_own_commune(world, client_for):
    client = client_for(world.users["tan_an"])
    tan_an = unit(TAN_AN)
    assert client.get(unit_url("adminunit_edit", tan_an)).status_code == 403
    response = client.post(unit_url("adminunit_edit", tan_an), {"name": "Phường Mới", "division_type": "phường"})
    assert response.status_code == 403
    assert client_for(world.users["admin"]).get(unit_url("adminunit_edit", tan_an)).status_code == 403
    tan_an.refresh_from_db()
    assert tan_an.name == "Phường Tân An"


def test_a_commune_adds_a_neighbourhood_from_its_page_and_it_is_audited(world, client_for):
    user = world.users["tan_an"]
    client = client_for(user)
    tan_an = unit(TAN_AN)
    assert 'id="add-neighbourhood"' in client.get(unit_url("adminunit_detail", tan_an)).content.decode()
    response = client.post(unit_url("neighbourhood_add", tan_an), {"name": "  Khu vực  3 ", "kind": "khu vực"})
    assert response.status_code == 302 and response.url == unit_url("adminunit_detail", tan_an)
    hamlet = AdminUnit.objects.get(parent=tan_an, name="Khu vực 3")
    assert hamlet.level == Level.NEIGHBOURHOOD and hamlet.code == f"{TAN_AN}.01"
    assert LogEntry.objects.get_for_object(hamlet).get().actor == user


def test_a_duplicate_neighbourhood_name_is_reported_on_the_name_field(world, client_for, hamlet):
    client = english(client_for(world.users["tan_an"]))
    response = client.post(unit_url("neighbourhood_add", unit(TAN_AN)), {"name": "khu vuc 1", "kind": "khu vực"})
    assert response.status_code == 400
    assert "already has a neighbourhood named" in str(response.context["neighbourhood_form"].errors["name"])
    assert AdminUnit.objects.filter(parent=unit(TAN_AN)).count() == 1


def test_only_communes_get_the_add_neighbourhood_form_and_only_for_unit_change(world, client_for):
    district_page = client_for(world.users["ninh_kieu"]).get(unit_url("adminunit_detail", unit(NINH_KIEU)))
    assert district_page.context["neighbourhood_form"] is None
    observer = client_for(world.users["observer"])
    assert observer.get(unit_url("adminunit_detail", unit(TAN_AN))).context["neighbourhood_form"] is None
    response = observer.post(unit_url("neighbourhood_add", unit(TAN_AN)), {"name": "Khu vực 9", "kind": "khu vực"})
    assert response.status_code == 403
    assert not AdminUnit.objects.filter(parent=unit(TAN_AN)).exists()


def test_a_commune_user_cannot_add_neighbourhoods_to_the_district_above_it(world, client_for):
    response = client_for(world.users["tan_an"]).post(
        unit_url("neighbourhood_add", unit(NINH_KIEU)), {"name": "Khu vực 9", "kind": "khu vực"}
    )
    assert response.status_code == 403


def test_a_commune_renames_its_neighbourhood_and_it_is_audited(world, client_for, hamlet):
    user = world.users["tan_an"]
    response = client_for(user).post(unit_url("adminunit_edit", hamlet), {"name": "Khu vực Một", "division_type": "ấp"})
    assert response.status_code == 302
    hamlet.refresh_from_db()
    assert hamlet.name == "Khu vực Một" and hamlet.division_type == "ấp" and hamlet.search_name == "khu vuc mot"
    entry = LogEntry.objects.get_for_object(hamlet).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == user and entry.changes_dict["name"] == ["Khu vực 1", "Khu vực Một"]


def test_renaming_to_a_siblings_name_is_refused_on_the_field(world, client_for, hamlet):
    create_neighbourhood(world.users["tan_an"], unit(TAN_AN), "Khu vực 2", "khu vực")
    response = client_for(world.users["tan_an"]).post(
        unit_url("adminunit_edit", hamlet), {"name": "KHU VỰC 2", "division_type": "khu vực"}
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("name", "duplicate")


# --- agencies -------------------------------------------------------------------------------------------------------


def test_the_agency_list_shows_only_agencies_in_scope(world, client_for):
    names = {a.name for a in client_for(world.users["tan_an"]).get(AGENCIES).context["object_list"]}
    assert names == {"Ủy ban nhân dân Phường Tân An", "Trạm Y tế Phường Tân An"}
    names = {a.name for a in client_for(world.users["so_y_te"]).get(AGENCIES).context["object_list"]}
    assert names == {"Sở Y tế", "Trạm Y tế Phường Tân An"}  # an agency-scoped user: its agency and those under it


def test_the_agency_list_searches_and_shows_staff_numbers(world, client_for):
    client = client_for(world.users["home_affairs"])
    response = client.get(AGENCIES, {"q": "uy ban nhan dan phuong tan an"})
    (agency,) = response.context["object_list"]
    assert agency.staff_count == 2 and agency.available_count == 2
    assert reverse("places:agency_export") + "?q=uy+ban+nhan+dan+phuong+tan+an" in response.content.decode()


def test_the_agency_list_keeps_a_bounded_number_of_queries(world, client_for, django_assert_max_num_queries):
    for i in range(35):
        a = make_agency(f"Tổ công tác {i:02d}", TAN_AN, AgencyKind.OTHER, 5, 1)
        make_staff(f"Nguyễn Thị Tổ {i:02d}", a, gender="F")
    client = client_for(world.users["tan_an"])
    client.get(AGENCIES)
    with django_assert_max_num_queries(10):
        response = client.get(AGENCIES)
    assert len(response.context["object_list"]) == 37


@pytest.mark.parametrize("key", ["ubnd_an_hoa", "ubnd_tra_noc", "so_y_te"])
def test_a_commune_user_gets_404_for_agencies_outside_its_jurisdiction(world, client_for, key):
    client = client_for(world.users["tan_an"])
    agency = world.agencies[key]
    assert client.get(agency_url("agency_detail", agency)).status_code == 404
    assert client.get(agency_url("agency_edit", agency)).status_code == 404
    assert client.get(reverse("core:history", args=["places.agency", agency.pk])).status_code == 404


def test_the_agency_page_does_the_in_office_arithmetic(world, client_for):
    agency = world.agencies["ubnd_tan_an"]  # headcount 25, minimum 8; An and Đạt available
    for i in range(8):
        make_staff(f"Lê Văn Số {i}", agency, status=StaffStatus.AVAILABLE if i < 7 else StaffStatus.ISOLATED)
    response = english(client_for(world.users["tan_an"])).get(agency_url("agency_detail", agency))
    in_office = response.context["in_office"]
    assert (in_office.headcount, in_office.min_in_office, in_office.available) == (25, 8, 9)
    assert in_office.can_mobilise == 1 and in_office.shortfall == 0
    assert dict((code, n) for code, _label, n in response.context["staff_by_status"]) == {
        "available": 9,
        "mobilised": 0,
        "on_leave": 0,
        "isolated": 1,
    }
    html = response.content.decode()
    assert "9 available − 8 who must stay in the office = 1 who can be sent to the field." in html
    assert reverse("core:history", args=["places.agency", agency.pk]) in html


def test_the_agency_page_warns_when_fewer_are_available_than_must_stay(world, client_for):
    agency = world.agencies["ubnd_tan_an"]
    response = english(client_for(world.users["tan_an"])).get(agency_url("agency_detail", agency))
    assert response.context["in_office"].shortfall == 6  # 2 available, 8 must stay
    assert "6 people short of the minimum in office." in response.content.decode()


def test_a_commune_user_may_read_agencies_but_not_create_or_edit_them(world, client_for):
    client = client_for(world.users["tan_an"])
    assert client.get(reverse("places:agency_add")).status_code == 403
    assert client.get(agency_url("agency_edit", world.agencies["ubnd_tan_an"])).status_code == 403
    response = client.post(reverse("places:agency_add"), agency_data(unit(TAN_AN)))
    assert response.status_code == 403 and not Agency.objects.filter(name="Trung tâm Y tế dự phòng").exists()


def test_a_district_user_creates_an_agency_and_it_is_audited(world, client_for):
    user = world.users["ninh_kieu"]
    response = client_for(user).post(reverse("places:agency_add"), agency_data(unit(TAN_AN)))
    agency = Agency.objects.get(name="Trung tâm Y tế dự phòng")
    assert response.status_code == 302 and response.url == agency_url("agency_detail", agency)
    assert agency.phone == "02923820123" and agency.unit == unit(TAN_AN)
    assert LogEntry.objects.get_for_object(agency).get(action=LogEntry.Action.CREATE).actor == user


def test_the_agency_form_offers_only_units_and_parents_the_user_sees(world, client_for):
    client = client_for(world.users["ninh_kieu"])
    form = client.get(reverse("places:agency_add")).context["form"]
    units = set(form.fields["unit"].queryset)
    assert unit(TAN_AN) in units and unit(NINH_KIEU) in units
    assert unit(TRA_NOC) not in units and unit(BINH_THUY) not in units
    parents = set(form.fields["parent"].queryset)
    assert world.agencies["ubnd_tan_an"] in parents and world.agencies["ubnd_tra_noc"] not in parents
    response = client.post(reverse("places:agency_add"), agency_data(unit(TRA_NOC)))
    assert response.context["form"].has_error("unit", "invalid_choice")
    response = client.post(reverse("places:agency_add"), agency_data(unit(TAN_AN), parent=world.agencies["so_y_te"].pk))
    assert response.context["form"].has_error("parent", "invalid_choice")


def test_minimum_in_office_above_headcount_is_an_error_on_that_field(world, client_for):
    response = client_for(world.users["home_affairs"]).post(
        reverse("places:agency_add"), agency_data(unit(TAN_AN), headcount=5, min_in_office=6)
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.has_error("min_in_office", "min_above_headcount")
    assert not form.non_field_errors()
    html = response.content.decode()
    assert 'id="id_min_in_office_error"' in html


def test_an_agency_cannot_be_placed_under_its_own_child(world, client_for):
    so_y_te = world.agencies["so_y_te"]
    data = agency_data(so_y_te.unit, name=so_y_te.name, parent=world.agencies["tram_y_te_tan_an"].pk)
    response = client_for(world.users["home_affairs"]).post(agency_url("agency_edit", so_y_te), data)
    assert response.context["form"].has_error("parent", "parent_loop")


def test_editing_an_agency_is_audited(world, client_for):
    user = world.users["home_affairs"]
    agency = world.agencies["so_noi_vu"]
    data = agency_data(agency.unit, name=agency.name, kind=agency.kind, headcount=90, min_in_office=35)
    response = client_for(user).post(agency_url("agency_edit", agency), data)
    assert response.status_code == 302
    agency.refresh_from_db()
    assert (agency.headcount, agency.min_in_office) == (90, 35)
    entry = LogEntry.objects.get_for_object(agency).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == user and entry.changes_dict["headcount"] == ["80", "90"]


# --- phone-first details --------------------------------------------------------------------------------------------


def _default_kind(client, commune: AdminUnit) -> str:
    form = client.get(unit_url("adminunit_detail", commune)).context["neighbourhood_form"]
    return form["kind"].value()


def test_a_new_neighbourhood_in_a_phuong_without_any_defaults_to_khu_vuc(world, client_for):
    assert _default_kind(client_for(world.users["tan_an"]), unit(TAN_AN)) == "khu vực"


def test_a_new_neighbourhood_in_a_xa_without_any_defaults_to_ap(world, client_for):
    xa = AdminUnit.objects.filter(level=Level.COMMUNE, division_type="xã").first()
    assert xa is not None
    html = client_for(world.users["admin"]).get(unit_url("adminunit_detail", xa)).content.decode()
    assert '<option value="ấp" selected>' in html


def test_a_new_neighbourhood_defaults_to_the_kind_most_used_in_the_commune(world, client_for):
    tan_an, user = unit(TAN_AN), world.users["tan_an"]
    create_neighbourhood(user, tan_an, "Ấp Một", "ấp")
    create_neighbourhood(user, tan_an, "Ấp Hai", "ấp")
    create_neighbourhood(user, tan_an, "Khu vực 1", "khu vực")
    assert _default_kind(client_for(user), tan_an) == "ấp"  # two ấp against one khu vực, even in a phường


def test_on_phones_the_breadcrumb_keeps_only_the_way_up(world, client_for, hamlet):
    html = client_for(world.users["tan_an"]).get(unit_url("adminunit_detail", unit(TAN_AN))).content.decode()
    crumbs = html.split('class="breadcrumbs"', 1)[1].split("</ol>", 1)[0]
    assert crumbs.count('class="up"') == 1
    up = crumbs.split('class="up"', 1)[1].split("</li>", 1)[0]
    assert "Quận Ninh Kiều" in up  # the parent; the list and the city are hidden on a phone by the style sheet
    agency = world.agencies["ubnd_tan_an"]
    html = client_for(world.users["tan_an"]).get(agency_url("agency_detail", agency)).content.decode()
    assert html.split('class="breadcrumbs"', 1)[1].split("</ol>", 1)[0].count('class="up"') == 1


def test_an_agency_card_on_a_phone_shows_kind_unit_and_the_numbers_on_short_lines(world, client_for):
    client = english(client_for(world.users["tan_an"]))
    html = client.get(AGENCIES, {"q": "uy ban nhan dan phuong tan an"}).content.decode()
    primary = html.split('<td class="primary"', 1)[1].split("</td>", 1)[0]
    assert "Ủy ban nhân dân Phường Tân An" in primary
    assert "Headcount 25 · minimum 8" in primary
    assert "Phường Tân An" in primary.split('class="sub phone-only"', 1)[1]

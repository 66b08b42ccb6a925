"""/api/units/: the administrative tree over the API, scoped like the pages; communes add their neighbourhoods."""

from auditlog.models import LogEntry
from django.urls import reverse

from phaodai.places.models import AdminUnit, Level
from phaodai.places.services import create_neighbourhood
from phaodai.testing import AN_HOA, NINH_KIEU, TAN_AN, TRA_NOC, unit

LIST = reverse("api:units-list")


def detail(obj) -> str:
    return reverse("api:units-detail", args=[obj.pk])


def codes(response) -> set[str]:
    return {row["code"] for row in response.json()["results"]}


def test_anonymous_callers_get_401_for_list_and_detail(world, api):
    assert api().get(LIST).status_code == 401
    assert api().get(detail(unit(TAN_AN))).status_code == 401
    assert api().post(LIST, {"parent": unit(TAN_AN).pk, "name": "Khu vực 1", "kind": "khu vực"}).status_code == 401


def test_a_commune_user_lists_its_commune_and_the_context_above_but_no_other_commune(world, api):
    response = api(world.users["tan_an"]).get(LIST)
    assert response.status_code == 200
    assert {TAN_AN, NINH_KIEU, "92"} <= codes(response)
    assert AN_HOA not in codes(response) and TRA_NOC not in codes(response)


def test_a_commune_user_gets_404_for_another_commune(world, api):
    assert api(world.users["tan_an"]).get(detail(unit(AN_HOA))).status_code == 404
    assert api(world.users["tan_an"]).get(detail(unit(TAN_AN))).status_code == 200


def test_filters_are_the_pages_filters_accent_free_search_and_level(world, api):
    client = api(world.users["ninh_kieu"])
    found = codes(client.get(LIST, {"q": "phuong tan an"}))
    assert found == {TAN_AN}
    communes = client.get(LIST, {"level": Level.COMMUNE, "under": unit(NINH_KIEU).pk}).json()
    assert communes["count"] == AdminUnit.objects.filter(level=Level.COMMUNE, parent__code=NINH_KIEU).count()
    assert TRA_NOC not in {row["code"] for row in communes["results"]}


def test_safe_methods_need_the_view_permission_and_writes_the_change_permission():
    from phaodai.core.api import RolePermission

    class View:
        permission = "unit"

    assert RolePermission.required(View, "GET") == "unit.view"
    assert RolePermission.required(View, "PATCH") == "unit.change"
    assert RolePermission.required(View, "DELETE") == "unit.change"


def test_a_commune_creates_a_neighbourhood_and_the_log_names_the_token_user(world, api):
    response = api(world.users["tan_an"]).post(
        LIST, {"parent": unit(TAN_AN).pk, "name": "  Khu vực   3 ", "kind": "khu vực"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "Khu vực 3" and body["level"] == Level.NEIGHBOURHOOD
    assert body["code"] == f"{TAN_AN}.01" and body["parent"] == unit(TAN_AN).pk
    entry = LogEntry.objects.get_for_object(AdminUnit.objects.get(pk=body["id"])).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == world.users["tan_an"]


def test_a_neighbourhood_under_another_commune_is_a_validation_error_on_parent(world, api):
    response = api(world.users["tan_an"]).post(
        LIST, {"parent": unit(AN_HOA).pk, "name": "Khu vực 1", "kind": "khu vực"}, format="json"
    )
    assert response.status_code == 400
    assert "parent" in response.json()
    assert not AdminUnit.objects.filter(parent__code=AN_HOA, level=Level.NEIGHBOURHOOD).exists()


def test_neighbourhoods_go_under_communes_only(world, api):
    response = api(world.users["ninh_kieu"]).post(
        LIST, {"parent": unit(NINH_KIEU).pk, "name": "Khu vực 1", "kind": "khu vực"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["parent"] == ["Neighbourhoods can only be created inside a commune."]


def test_a_commune_cannot_hang_a_neighbourhood_on_the_district_it_only_sees_as_context(world, api):
    response = api(world.users["tan_an"]).post(
        LIST, {"parent": unit(NINH_KIEU).pk, "name": "Khu vực 1", "kind": "khu vực"}, format="json"
    )
    assert response.status_code == 400 and "parent" in response.json()


def test_service_errors_come_back_per_field(world, api):
    client = api(world.users["tan_an"])
    client.post(LIST, {"parent": unit(TAN_AN).pk, "name": "Khu vực 1", "kind": "khu vực"}, format="json")
    again = client.post(LIST, {"parent": unit(TAN_AN).pk, "name": "khu vuc 1", "kind": "khu vực"}, format="json")
    assert again.status_code == 400
    assert "already has a neighbourhood" in again.json()["name"][0]
    bad_kind = client.post(LIST, {"parent": unit(TAN_AN).pk, "name": "X", "kind": "castle"}, format="json")
    assert bad_kind.status_code == 400 and "kind" in bad_kind.json()


def test_roles_without_unit_change_get_403_on_writes(world, api):
    hamlet = create_neighbourhood(world.users["tan_an"], unit(TAN_AN), "Khu vực 1", "khu vực")
    client = api(world.users["observer"])
    assert client.post(LIST, {"parent": unit(TAN_AN).pk, "name": "Khu vực 2", "kind": "khu vực"}).status_code == 403
    assert client.patch(detail(hamlet), {"name": "Khu vực 9"}, format="json").status_code == 403
    hamlet.refresh_from_db()
    assert hamlet.name == "Khu vực 1"


def test_renaming_a_neighbourhood_works_and_is_audited(world, api):
    hamlet = create_neighbourhood(world.users["tan_an"], unit(TAN_AN), "Khu vực 1", "khu vực")
    response = api(world.users["tan_an"]).patch(detail(hamlet), {"name": "Khu vực Một"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["name"] == "Khu vực Một"
    entry = LogEntry.objects.get_for_object(hamlet).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == world.users["tan_an"]
    assert entry.changes_dict["name"] == ["Khu vực 1", "Khu vực Một"]


def test_a_rename_may_not_duplicate_a_sibling(world, api):
    create_neighbourhood(world.users["tan_an"], unit(TAN_AN), "Khu vực 1", "khu vực")
    second = create_neighbourhood(world.users["tan_an"], unit(TAN_AN), "Khu vực 2", "khu vực")
    response = api(world.users["tan_an"]).patch(detail(second), {"name": "KHU VỰC 1"}, format="json")
    assert response.status_code == 400 and "name" in response.json()


def test_official_units_are_read_only(world, api):
    response = api(world.users["tan_an"]).patch(detail(unit(TAN_AN)), {"name": "Phường Mới"}, format="json")
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert unit(TAN_AN).name == "Phường Tân An"
    assert api(world.users["admin"]).put(detail(unit(TAN_AN)), {"name": "X"}, format="json").status_code == 405
    assert api(world.users["admin"]).delete(detail(unit(TAN_AN))).status_code == 405


def test_another_communes_neighbourhood_is_404_on_rename(world, api):
    hamlet = create_neighbourhood(world.users["an_hoa"], unit(AN_HOA), "Khu vực 1", "khu vực")
    response = api(world.users["tan_an"]).patch(detail(hamlet), {"name": "Khu vực 9"}, format="json")
    assert response.status_code == 404
    hamlet.refresh_from_db()
    assert hamlet.name == "Khu vực 1"

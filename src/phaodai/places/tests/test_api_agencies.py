"""/api/agencies/: CRUD in the caller's jurisdiction, with the headcount rule and clear refusals."""

from auditlog.models import LogEntry
from django.urls import reverse

from phaodai.places.models import Agency, AgencyKind, Bloc
from phaodai.testing import CITY, TAN_AN, unit

LIST = reverse("api:agencies-list")


def detail(obj) -> str:
    return reverse("api:agencies-detail", args=[obj.pk])


def names(response) -> set[str]:
    return {row["name"] for row in response.json()["results"]}


def new_agency(**overrides) -> dict:
    data = {
        "name": "Trường THCS Tân An",
        "kind": AgencyKind.PUBLIC_SERVICE,
        "unit": unit(TAN_AN).pk,
        "headcount": 30,
        "min_in_office": 5,
    }
    data.update(overrides)
    return data


def test_anonymous_callers_get_401(world, api):
    assert api().get(LIST).status_code == 401
    assert api().get(detail(world.agencies["ubnd_tan_an"])).status_code == 401
    assert api().post(LIST, new_agency(), format="json").status_code == 401


def test_a_commune_user_lists_only_its_own_agencies(world, api):
    response = api(world.users["tan_an"]).get(LIST)
    assert response.status_code == 200
    assert {"Ủy ban nhân dân Phường Tân An", "Trạm Y tế Phường Tân An"} <= names(response)
    assert "Ủy ban nhân dân Phường An Hòa" not in names(response)
    assert "Sở Y tế" not in names(response)


def test_an_agency_scoped_user_sees_the_agency_and_the_ones_directly_under_it(world, api):
    found = names(api(world.users["so_y_te"]).get(LIST))
    assert found == {"Sở Y tế", "Trạm Y tế Phường Tân An"}


def test_a_commune_user_gets_404_for_another_communes_agency(world, api):
    client = api(world.users["tan_an"])
    assert client.get(detail(world.agencies["ubnd_an_hoa"])).status_code == 404
    assert client.get(detail(world.agencies["ubnd_tan_an"])).status_code == 200


def test_filters_search_without_accents_and_by_kind(world, api):
    client = api(world.users["home_affairs"])
    assert names(client.get(LIST, {"q": "uy ban nhan dan phuong tan an"})) == {"Ủy ban nhân dân Phường Tân An"}
    assert names(client.get(LIST, {"kind": AgencyKind.HEALTH_STATION})) == {"Trạm Y tế Phường Tân An"}


def test_a_district_user_creates_an_agency_in_its_commune_and_it_is_audited(world, api):
    response = api(world.users["ninh_kieu"]).post(LIST, new_agency(phone="0292 3820 123"), format="json")
    assert response.status_code == 201, response.json()
    agency = Agency.objects.get(pk=response.json()["id"])
    assert agency.unit.code == TAN_AN and agency.phone == "02923820123"
    entry = LogEntry.objects.get_for_object(agency).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor == world.users["ninh_kieu"]


def test_party_kinds_default_to_the_party_bloc(world, api):
    response = api(world.users["ninh_kieu"]).post(
        LIST, new_agency(name="Đoàn phường Tân An", kind=AgencyKind.MASS_ORGANISATION), format="json"
    )
    assert response.status_code == 201 and response.json()["bloc"] == Bloc.PARTY


def test_roles_without_agency_change_get_403(world, api):
    # A commune may view its agencies but not change them; an observer changes nothing.
    assert api(world.users["tan_an"]).post(LIST, new_agency(), format="json").status_code == 403
    patch = api(world.users["observer"]).patch(detail(world.agencies["ubnd_tan_an"]), {"headcount": 99}, format="json")
    assert patch.status_code == 403
    assert Agency.objects.get(pk=world.agencies["ubnd_tan_an"].pk).headcount == 25


def test_a_unit_above_the_jurisdiction_is_a_validation_error(world, api):
    # The district sees the city's name as context; it may not create city-level agencies.
    response = api(world.users["ninh_kieu"]).post(LIST, new_agency(unit=unit(CITY).pk), format="json")
    assert response.status_code == 400 and "unit" in response.json()


def test_an_out_of_scope_parent_is_a_validation_error_not_a_silent_success(world, api):
    response = api(world.users["ninh_kieu"]).post(
        LIST, new_agency(parent=world.agencies["ubnd_binh_thuy"].pk), format="json"
    )
    assert response.status_code == 400 and "parent" in response.json()
    assert not Agency.objects.filter(name="Trường THCS Tân An").exists()


def test_minimum_in_office_above_headcount_is_an_error_on_that_field(world, api):
    client = api(world.users["ninh_kieu"])
    response = client.post(LIST, new_agency(headcount=10, min_in_office=12), format="json")
    assert response.status_code == 400
    assert response.json()["min_in_office"] == ["The minimum in office (12) cannot exceed the headcount (10)."]
    # A partial update is checked against the stored value: Tân An's committee keeps at least 8 in office.
    lowered = client.patch(detail(world.agencies["ubnd_tan_an"]), {"headcount": 5}, format="json")
    assert lowered.status_code == 400 and "min_in_office" in lowered.json()


def test_names_are_unique_within_a_unit(world, api):
    response = api(world.users["ninh_kieu"]).post(
        LIST, new_agency(name="Ủy ban nhân dân  Phường Tân An"), format="json"
    )
    assert response.status_code == 400
    assert response.json()["name"] == ["Phường Tân An already has an agency with this name."]


def test_an_agency_cannot_become_its_own_descendant(world, api):
    so_y_te, tram = world.agencies["so_y_te"], world.agencies["tram_y_te_tan_an"]
    response = api(world.users["home_affairs"]).patch(detail(so_y_te), {"parent": tram.pk}, format="json")
    assert response.status_code == 400 and "parent" in response.json()


def test_updating_an_agency_is_audited_with_the_actor(world, api):
    agency = world.agencies["ubnd_tan_an"]
    response = api(world.users["ninh_kieu"]).patch(detail(agency), {"headcount": 30}, format="json")
    assert response.status_code == 200, response.json()
    entry = LogEntry.objects.get_for_object(agency).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == world.users["ninh_kieu"] and entry.changes_dict["headcount"] == ["25", "30"]


def test_an_agency_with_staff_cannot_be_deleted_and_says_why(world, api):
    agency = world.agencies["ubnd_tan_an"]
    response = api(world.users["ninh_kieu"]).delete(detail(agency))
    assert response.status_code == 409
    assert "civil servants (2)" in response.json()["detail"]
    assert Agency.objects.filter(pk=agency.pk).exists()


def test_an_empty_agency_is_deleted_and_the_deletion_is_audited(world, api):
    empty = Agency.objects.create(
        name="Tổ công tác", kind=AgencyKind.OTHER, unit=unit(TAN_AN), headcount=3, min_in_office=0
    )
    response = api(world.users["ninh_kieu"]).delete(detail(empty))
    assert response.status_code == 204
    entry = LogEntry.objects.get(object_pk=str(empty.pk), action=LogEntry.Action.DELETE)
    assert entry.actor == world.users["ninh_kieu"]


def test_another_jurisdictions_agency_is_404_on_every_write(world, api):
    client = api(world.users["ninh_kieu"])
    other = world.agencies["ubnd_binh_thuy"]
    assert client.patch(detail(other), {"headcount": 1, "min_in_office": 0}, format="json").status_code == 404
    assert client.delete(detail(other)).status_code == 404
    assert Agency.objects.get(pk=other.pk).headcount == 70

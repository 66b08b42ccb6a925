"""/api/staff/ and /api/skills/: civil servants over the API, with the pages' validation, scope and audit."""

from datetime import date

from auditlog.models import LogEntry
from django.urls import reverse

from phaodai.staff.models import StaffMember
from phaodai.testing import AN_HOA, TAN_AN, unit

LIST = reverse("api:staff-list")
SKILLS = reverse("api:skills-list")


def detail(obj) -> str:
    return reverse("api:staff-detail", args=[obj.pk])


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["full_name"] for row in response.json()["results"]}


def new_person(world, **overrides) -> dict:
    # A woman born 14/02/1990 in Cần Thơ: CCCD 092 + 1 (female, 1900s) + 90 + six digits.
    data = {
        "full_name": "Đặng Thị Thu",
        "gender": "F",
        "date_of_birth": "1990-02-14",
        "citizen_id": "092 190 004 321",
        "phone": "+84 903 111 222",
        "agency": world.agencies["ubnd_tan_an"].pk,
        "position": "Công chức văn hoá - xã hội",
        "skills": ["data_entry", "communication"],
    }
    data.update(overrides)
    return data


def test_anonymous_callers_get_401(world, api):
    assert api().get(LIST).status_code == 401
    assert api().get(detail(world.staff["an"])).status_code == 401
    assert api().post(LIST, new_person(world), format="json").status_code == 401
    assert api().delete(detail(world.staff["an"])).status_code == 401
    assert api().get(SKILLS).status_code == 401


def test_a_commune_user_lists_its_own_staff_only(world, api):
    found = names(api(world.users["tan_an"]).get(LIST))
    assert {"Nguyễn Văn An", "Trần Đình Đạt", "Huỳnh Minh"} <= found
    assert not found & {"Lê Thị Hoa", "Phạm Văn Bình", "Võ Thị Lan"}


def test_a_commune_user_gets_404_for_another_communes_staff(world, api):
    client = api(world.users["tan_an"])
    hoa = world.staff["hoa"]
    assert client.get(detail(hoa)).status_code == 404
    assert client.patch(detail(hoa), {"position": "x"}, format="json").status_code == 404
    assert client.delete(detail(hoa)).status_code == 404
    assert StaffMember.objects.filter(pk=hoa.pk, position="").exists()


def test_search_without_accents_finds_the_person(world, api):
    assert names(api(world.users["home_affairs"]).get(LIST, {"q": "nguyen van an"})) == {"Nguyễn Văn An"}
    assert names(api(world.users["home_affairs"]).get(LIST, {"q": "0912 345 678"})) == {"Nguyễn Văn An"}


def test_the_pages_filters_work_skill_status_and_within(world, api):
    client = api(world.users["home_affairs"])
    assert names(client.get(LIST, {"skill": "driving"})) == {"Nguyễn Văn An"}
    within_an_hoa = names(client.get(LIST, {"under": unit(AN_HOA).pk}))
    assert within_an_hoa == {"Lê Thị Hoa"}


def test_filtering_by_an_agency_outside_the_scope_is_refused(world, api):
    response = api(world.users["tan_an"]).get(LIST, {"agency": world.agencies["ubnd_an_hoa"].pk})
    assert response.status_code == 400 and "agency" in response.json()


def test_a_role_without_staff_view_gets_403_and_an_observer_may_not_write(world, api):
    assert api(world.users["team_member"]).get(LIST).status_code == 403
    observer = api(world.users["observer"])
    assert observer.get(detail(world.staff["an"])).status_code == 200
    assert observer.patch(detail(world.staff["an"]), {"position": "x"}, format="json").status_code == 403
    assert observer.post(LIST, new_person(world), format="json").status_code == 403
    assert observer.delete(detail(world.staff["an"])).status_code == 403
    assert StaffMember.objects.filter(pk=world.staff["an"].pk).exists()


def test_creating_stores_normalised_values_and_returns_iso_dates(world, api):
    response = api(world.users["tan_an"]).post(LIST, new_person(world), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["citizen_id"] == "092190004321" and body["citizen_id_is_old"] is False
    assert body["phone"] == "0903111222"
    assert body["date_of_birth"] == "1990-02-14"
    assert sorted(body["skills"]) == ["communication", "data_entry"]
    assert body["warnings"] == []
    person = StaffMember.objects.get(pk=body["id"])
    assert person.citizen_id == "092190004321" and person.date_of_birth == date(1990, 2, 14)


def test_writes_are_audited_with_the_token_user_as_actor(world, api):
    client = api(world.users["tan_an"])
    created = client.post(LIST, new_person(world), format="json").json()
    person = StaffMember.objects.get(pk=created["id"])
    client.patch(detail(person), {"position": "Phó Chủ tịch", "skills": ["driving"]}, format="json")
    entries = list(LogEntry.objects.get_for_object(person))
    [created_entry] = [e for e in entries if e.action == LogEntry.Action.CREATE]
    assert created_entry.actor == world.users["tan_an"]
    [position] = [e for e in entries if "position" in e.changes_dict and e.action == LogEntry.Action.UPDATE]
    assert position.actor == world.users["tan_an"] and position.changes_dict["position"][1] == "Phó Chủ tịch"
    skill_entries = [e for e in entries if "skills" in e.changes_dict]
    assert skill_entries and all(e.actor == world.users["tan_an"] for e in skill_entries)
    client.delete(detail(person))
    deleted = LogEntry.objects.get(object_pk=str(person.pk), action=LogEntry.Action.DELETE)
    assert deleted.actor == world.users["tan_an"]


def test_session_authentication_works_and_is_audited_too(world, client):
    client.force_login(world.users["tan_an"])
    response = client.patch(
        detail(world.staff["an"]), {"position": "Chủ tịch"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    updates = LogEntry.objects.get_for_object(world.staff["an"]).filter(action=LogEntry.Action.UPDATE)
    [entry] = [e for e in updates if "position" in e.changes_dict]
    assert entry.actor == world.users["tan_an"] and entry.changes_dict["position"] == ["", "Chủ tịch"]


def test_a_citizen_id_that_contradicts_gender_and_birth_year_is_an_error_on_that_field(world, api):
    # 092 0 90 …: the 4th digit 0 says "man born 1900-1999", but she is a woman.
    response = api(world.users["tan_an"]).post(LIST, new_person(world, citizen_id="092090004321"), format="json")
    assert response.status_code == 400
    assert response.json()["citizen_id"] == [
        "The 4th digit of the citizen ID (0) does not match a woman born in 1990: it should be 1."
    ]


def test_bad_phone_bad_id_and_out_of_scope_agency_are_all_reported_at_once_per_field(world, api):
    response = api(world.users["tan_an"]).post(
        LIST,
        new_person(world, citizen_id="12345", phone="12ab", agency=world.agencies["ubnd_an_hoa"].pk),
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"agency"}  # field-level errors stop before the model checks ...
    response = api(world.users["tan_an"]).post(LIST, new_person(world, citizen_id="12345", phone="12ab"), format="json")
    errors = response.json()
    assert errors["citizen_id"] == ["A citizen ID has 12 digits (or 9 for an old identity card); this one has 5."]
    assert errors["phone"] == ["“12ab” is not a Vietnamese phone number (10-digit mobile or 11-digit landline)."]
    assert not StaffMember.objects.filter(full_name="Đặng Thị Thu").exists()


def test_a_citizen_id_already_registered_is_refused_after_normalisation(world, api):
    an = world.staff["an"]
    spaced = f"{an.citizen_id[:3]} {an.citizen_id[3:6]} {an.citizen_id[6:]}"
    response = api(world.users["tan_an"]).post(
        LIST, new_person(world, gender="M", date_of_birth="1985-03-14", citizen_id=spaced), format="json"
    )
    assert response.status_code == 400 and "citizen_id" in response.json()


def test_a_shared_phone_is_a_warning_naming_only_people_the_caller_sees(world, api):
    shared = new_person(world, phone="0912345678")  # Nguyễn Văn An's phone
    response = api(world.users["tan_an"]).post(LIST, shared, format="json")
    assert response.status_code == 201
    [warning] = response.json()["warnings"]
    assert warning["code"] == "phone_shared" and "Nguyễn Văn An" in warning["message"]
    assert warning["staff"] == [world.staff["an"].pk]
    # Trà Nóc cannot see An: the same situation is saved without naming him.
    other = new_person(world, citizen_id="092190004322", phone="0912345678", agency=world.agencies["ubnd_tra_noc"].pk)
    response = api(world.users["tra_noc"]).post(LIST, other, format="json")
    assert response.status_code == 201 and response.json()["warnings"] == []


def test_an_update_reports_the_warning_too(world, api):
    dat = world.staff["dat"]
    response = api(world.users["tan_an"]).patch(detail(dat), {"phone": "84912345678"}, format="json")
    assert response.status_code == 200
    assert response.json()["phone"] == "0912345678"
    assert [w["code"] for w in response.json()["warnings"]] == ["phone_shared"]


def test_an_out_of_scope_home_unit_is_a_validation_error(world, api):
    response = api(world.users["tan_an"]).patch(
        detail(world.staff["an"]), {"home_unit": unit(AN_HOA).pk}, format="json"
    )
    assert response.status_code == 400 and "home_unit" in response.json()
    ok = api(world.users["tan_an"]).patch(detail(world.staff["an"]), {"home_unit": unit(TAN_AN).pk}, format="json")
    assert ok.status_code == 200 and ok.json()["home_unit"] == unit(TAN_AN).pk


def test_an_unknown_skill_code_is_a_validation_error(world, api):
    response = api(world.users["tan_an"]).patch(detail(world.staff["an"]), {"skills": ["juggling"]}, format="json")
    assert response.status_code == 400 and "skills" in response.json()


def test_deleting_needs_staff_change_and_removes_the_person(world, api):
    minh = world.staff["minh"]
    assert api(world.users["tan_an"]).delete(detail(minh)).status_code == 204
    assert not StaffMember.objects.filter(pk=minh.pk).exists()


def test_skills_are_listed_by_code_for_roles_that_see_staff(world, api):
    response = api(world.users["tan_an"]).get(SKILLS)
    assert response.status_code == 200
    assert {"medical", "driving", "khmer"} <= {s["code"] for s in response.json()}
    assert api(world.users["team_member"]).get(SKILLS).status_code == 403
    assert api(world.users["admin"]).post(SKILLS, {"code": "x", "name": "x"}).status_code == 405


def test_token_requests_leave_no_audit_signal_receivers_behind(world, api):
    # The audit actor is set inside the view; the middleware's own receiver must still be removed afterwards,
    # or every API request would leak one.
    from django.db.models.signals import pre_save

    client = api(world.users["tan_an"])
    client.patch(detail(world.staff["an"]), {"position": "A"}, format="json")
    before = len(pre_save.receivers)
    for position in ("B", "C", "D"):
        assert client.patch(detail(world.staff["an"]), {"position": position}, format="json").status_code == 200
    assert len(pre_save.receivers) == before


def test_the_list_needs_a_bounded_number_of_queries(world, api, django_assert_max_num_queries):
    from phaodai.staff.models import Skill
    from phaodai.testing import make_staff

    driving = Skill.objects.get(code="driving")
    for i in range(35):
        person = make_staff(f"Người Thứ {i}", world.agencies["ubnd_tan_an"])
        person.skills.add(driving)
    client = api(world.users["tan_an"])
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert response.status_code == 200 and response.json()["count"] == 38

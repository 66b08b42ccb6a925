"""/api/users/, /api/me/ and /api/auth/token/: accounts for administrators, "who am I" for everyone, token login."""

from auditlog.models import LogEntry
from django.urls import reverse
from rest_framework.test import APIClient

from phaodai.accounts.models import User
from phaodai.accounts.roles import Role
from phaodai.testing import AN_HOA, PASSWORD, TAN_AN, unit

USERS = reverse("api:users-list")
ME = reverse("api:me")
TOKEN = reverse("api:token")
NEW_PASSWORD = "mot-mat-khau-dai-2021"


def detail(obj) -> str:
    return reverse("api:users-detail", args=[obj.pk])


def new_user(**overrides) -> dict:
    data = {
        "username": "tan_an_2",
        "first_name": "Thu",
        "last_name": "Đặng Thị",
        "role": Role.COMMUNE,
        "scope_unit": unit(TAN_AN).pk,
        "password": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def test_a_username_and_password_give_a_token_that_authenticates(world, api):
    response = api().post(TOKEN, {"username": "tan_an", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    key = response.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(ME).json()["username"] == "tan_an"
    assert api().post(TOKEN, {"username": "tan_an", "password": "wrong"}, format="json").status_code == 400
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get(ME).status_code == 401


def test_anonymous_callers_get_401(world, api):
    assert api().get(ME).status_code == 401
    assert api().get(USERS).status_code == 401
    assert api().get(detail(world.users["tan_an"])).status_code == 401
    assert api().post(USERS, new_user(), format="json").status_code == 401


def test_me_describes_role_scope_and_permissions(world, api):
    body = api(world.users["tan_an"]).get(ME).json()
    assert body["role"] == Role.COMMUNE and body["role_label"] == "Commune officer"
    assert body["scope_unit"] == {"id": unit(TAN_AN).pk, "code": TAN_AN, "name": "Phường Tân An", "level": 3}
    assert body["scope_agency"] is None and body["sees_everything"] is False
    assert "staff.change" in body["permissions"] and "user.view" not in body["permissions"]
    observer = api(world.users["observer"]).get(ME).json()
    assert "staff.change" not in observer["permissions"]


def test_only_roles_with_user_view_may_list_accounts(world, api):
    for persona in ("tan_an", "ninh_kieu", "home_affairs", "observer"):
        assert api(world.users[persona]).get(USERS).status_code == 403, persona
    response = api(world.users["admin"]).get(USERS, {"role": Role.COMMUNE})
    assert response.status_code == 200
    usernames = {row["username"] for row in response.json()["results"]}
    assert usernames == {"tan_an", "an_hoa", "tra_noc"}


def test_passwords_are_never_returned(world, api):
    client = api(world.users["admin"])
    listed = client.get(USERS).json()["results"]
    assert listed and all("password" not in row for row in listed)
    created = client.post(USERS, new_user(), format="json")
    assert created.status_code == 201, created.json()
    assert "password" not in created.json()
    assert NEW_PASSWORD not in created.content.decode()


def test_creating_a_user_sets_a_usable_password_and_is_audited(world, api):
    response = api(world.users["admin"]).post(USERS, new_user(), format="json")
    assert response.status_code == 201
    user = User.objects.get(username="tan_an_2")
    assert user.check_password(NEW_PASSWORD) and user.scope_unit.code == TAN_AN
    entry = LogEntry.objects.get_for_object(user).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor == world.users["admin"]
    assert "password" not in entry.changes_dict
    token = api().post(TOKEN, {"username": "tan_an_2", "password": NEW_PASSWORD}, format="json")
    assert token.status_code == 200


def test_a_new_user_needs_a_password_that_passes_the_validators(world, api):
    client = api(world.users["admin"])
    missing = client.post(USERS, new_user(password=""), format="json")
    assert missing.status_code == 400 and "password" in missing.json()
    weak = client.post(USERS, new_user(password="12345678"), format="json")
    assert weak.status_code == 400
    assert any("too short" in m or "too common" in m for m in weak.json()["password"])
    assert not User.objects.filter(username="tan_an_2").exists()


def test_every_role_but_sysadmin_needs_a_jurisdiction(world, api):
    response = api(world.users["admin"]).post(USERS, new_user(scope_unit=None), format="json")
    assert response.status_code == 400
    assert response.json()["scope_unit"] == [
        "Every role except system administrator needs a jurisdiction: a unit or an agency."
    ]
    sysadmin = api(world.users["admin"]).post(
        USERS, new_user(username="admin2", role=Role.SYSADMIN, scope_unit=None), format="json"
    )
    assert sysadmin.status_code == 201


def test_a_duplicate_username_is_a_field_error(world, api):
    response = api(world.users["admin"]).post(USERS, new_user(username="tan_an"), format="json")
    assert response.status_code == 400 and "username" in response.json()


def test_an_update_can_reset_the_password_and_change_the_scope(world, api):
    target = world.users["tan_an"]
    response = api(world.users["admin"]).patch(
        detail(target), {"password": NEW_PASSWORD, "scope_unit": unit(AN_HOA).pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD) and target.scope_unit.code == AN_HOA
    entry = LogEntry.objects.get_for_object(target).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == world.users["admin"] and "password" not in entry.changes_dict


def test_an_administrator_cannot_lock_themselves_out(world, api):
    admin = world.users["admin"]
    client = api(admin)
    assert client.patch(detail(admin), {"is_active": False}, format="json").status_code == 400
    demoted = client.patch(detail(admin), {"role": Role.OBSERVER, "scope_unit": unit(TAN_AN).pk}, format="json")
    assert demoted.status_code == 400 and "role" in demoted.json()
    admin.refresh_from_db()
    assert admin.is_active and admin.role == Role.SYSADMIN


def test_accounts_are_deactivated_not_deleted(world, api):
    target = world.users["observer"]
    client = api(world.users["admin"])
    assert client.delete(detail(target)).status_code == 405
    assert client.patch(detail(target), {"is_active": False}, format="json").status_code == 200
    target.refresh_from_db()
    assert target.is_active is False
    # A deactivated account's token stops working.
    assert api(target).get(ME).status_code == 401

"""Log-in, log-out and the user-account pages of the system administrator."""

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from phaodai.accounts.models import User
from phaodai.accounts.roles import PERMISSION_LABELS, PERMISSIONS, Role
from phaodai.testing import PASSWORD, TAN_AN, TRA_NOC, unit

USERS = reverse("accounts:user_list")
LOGIN = reverse("accounts:login")


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def user_url(name: str, account: User) -> str:
    return reverse(f"accounts:{name}", args=[account.pk])


def new_user_data(**overrides) -> dict:
    data = {
        "username": "canbo.tanan",
        "full_name": "Nguyễn Thị Thu",
        "email": "",
        "phone": "",
        "role": Role.COMMUNE,
        "scope_unit": unit(TAN_AN).pk,
        "scope_agency": "",
        "is_active": "on",
        "password1": "mat-khau-rat-dai-2024",
        "password2": "mat-khau-rat-dai-2024",
    }
    data.update(overrides)
    return data


# --- log-in and log-out ---------------------------------------------------------------------------------------------


def test_the_login_page_logs_in_and_goes_home(world, client):
    assert client.get(LOGIN).status_code == 200
    response = client.post(LOGIN, {"username": "tan_an", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200


def test_after_login_the_user_returns_to_the_page_asked_for(world, client):
    staff = reverse("staff:staffmember_list")
    response = client.get(staff)
    assert response.url == f"{LOGIN}?next={staff}"
    response = client.post(response.url, {"username": "tan_an", "password": PASSWORD, "next": staff})
    assert response.url == staff


def test_a_wrong_password_is_refused(world, client):
    response = english(client).post(LOGIN, {"username": "tan_an", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert client.get(reverse("core:home")).status_code == 302


def test_logout_is_a_post_and_ends_the_session(world, client_for):
    client = client_for(world.users["tan_an"])
    assert client.get(reverse("accounts:logout")).status_code == 405  # a link or image cannot log anyone out
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response.url == LOGIN
    assert client.get(reverse("core:home")).status_code == 302


def test_logging_out_anonymously_just_leads_to_the_login_page(db, client):
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)


# --- access ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["accounts:user_list", "accounts:user_add"])
def test_anonymous_visitors_are_redirected_to_login(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and response.url.startswith(LOGIN)


@pytest.mark.parametrize("who", ["tan_an", "home_affairs", "observer"])
def test_only_user_managers_open_the_user_pages(world, client_for, who):
    client = client_for(world.users[who])
    assert client.get(USERS).status_code == 403
    assert client.get(reverse("accounts:user_add")).status_code == 403


def test_someone_without_user_view_gets_404_for_an_account(world, client_for):
    # Accounts are visible only with user.view: for everyone else they do not exist.
    client = client_for(world.users["home_affairs"])
    assert client.get(user_url("user_detail", world.users["tan_an"])).status_code == 404
    assert client.get(user_url("user_edit", world.users["tan_an"])).status_code == 404


def test_the_administrator_lists_and_searches_users(world, client_for):
    client = client_for(world.users["admin"])
    response = client.get(USERS)
    assert response.status_code == 200
    assert {"tan_an", "an_hoa", "so_y_te"} <= {u.username for u in response.context["object_list"]}
    world.users["tan_an"].first_name = "Trần Văn Đức"
    world.users["tan_an"].save()
    found = client.get(USERS, {"q": "tran van duc"}).context["object_list"]
    assert [u.username for u in found] == ["tan_an"]
    inactive = client.get(USERS, {"is_active": "false"}).context["object_list"]
    assert list(inactive) == []
    communes = client.get(USERS, {"role": Role.COMMUNE}).context["object_list"]
    assert {u.username for u in communes} == {"tan_an", "an_hoa", "tra_noc"}
    assert reverse("accounts:user_export") in response.content.decode()


def test_the_user_page_shows_role_scope_and_history_link(world, client_for):
    account = world.users["tan_an"]
    html = english(client_for(world.users["admin"])).get(user_url("user_detail", account)).content.decode()
    assert "Commune" in html and "Phường Tân An" in html
    assert reverse("core:history", args=["accounts.user", account.pk]) in html
    assert user_url("user_password", account) in html


# --- create and edit ------------------------------------------------------------------------------------------------


def test_the_administrator_creates_a_commune_user_and_it_is_audited(world, client_for):
    admin = world.users["admin"]
    response = client_for(admin).post(reverse("accounts:user_add"), new_user_data())
    account = User.objects.get(username="canbo.tanan")
    assert response.status_code == 302 and response.url == user_url("user_detail", account)
    assert account.get_full_name() == "Nguyễn Thị Thu"
    assert account.role == Role.COMMUNE and account.scope_unit == unit(TAN_AN)
    assert account.check_password("mat-khau-rat-dai-2024")
    entry = LogEntry.objects.get_for_object(account).get(action=LogEntry.Action.CREATE)
    assert entry.actor == admin and "password" not in entry.changes_dict


def test_a_weak_or_mismatched_password_is_refused_by_djangos_validators(world, client_for):
    client = client_for(world.users["admin"])
    response = client.post(reverse("accounts:user_add"), new_user_data(password1="12345678", password2="12345678"))
    form = response.context["form"]
    assert form.has_error("password2", "password_too_short") and form.has_error(
        "password2", "password_entirely_numeric"
    )
    response = client.post(reverse("accounts:user_add"), new_user_data(password2="something-else-entirely"))
    assert response.context["form"].has_error("password2", "password_mismatch")
    assert not User.objects.filter(username="canbo.tanan").exists()


def test_a_role_other_than_sysadmin_needs_a_jurisdiction(world, client_for):
    client = english(client_for(world.users["admin"]))
    response = client.post(reverse("accounts:user_add"), new_user_data(scope_unit=""))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.has_error("scope_unit", "scope_required")
    assert "only system administrators work without one" in response.content.decode()
    assert not User.objects.filter(username="canbo.tanan").exists()
    response = client.post(
        reverse("accounts:user_add"), new_user_data(username="admin2", role=Role.SYSADMIN, scope_unit="")
    )
    assert response.status_code == 302 and User.objects.get(username="admin2").scope_unit is None


def test_an_account_is_never_scoped_to_a_neighbourhood(world, client_for):
    form = client_for(world.users["admin"]).get(reverse("accounts:user_add")).context["form"]
    assert {u.level for u in form.fields["scope_unit"].queryset} == {1, 2, 3}


def test_the_administrator_edits_a_user_and_it_is_audited(world, client_for):
    admin = world.users["admin"]
    account = world.users["tan_an"]
    data = new_user_data(username="tan_an", scope_unit=unit(TRA_NOC).pk, is_active="")
    for key in ("password1", "password2"):
        data.pop(key)
    response = client_for(admin).post(user_url("user_edit", account), data)
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.scope_unit == unit(TRA_NOC) and not account.is_active
    assert account.check_password(PASSWORD)  # editing does not touch the password
    entry = LogEntry.objects.get_for_object(account).filter(action=LogEntry.Action.UPDATE).latest("pk")
    assert entry.actor == admin and "scope_unit" in entry.changes_dict and "is_active" in entry.changes_dict


def test_the_administrator_cannot_lock_themself_out(world, client_for):
    admin = world.users["admin"]
    data = {"username": "admin", "full_name": "", "role": Role.SYSADMIN, "is_active": ""}
    response = client_for(admin).post(user_url("user_edit", admin), data)
    assert response.context["form"].has_error("is_active", "self_deactivate")
    response = client_for(admin).post(user_url("user_edit", admin), {**data, "is_active": "on", "role": Role.OBSERVER})
    assert response.context["form"].has_error("role", "self_role")


def test_resetting_a_password_works_and_is_recorded_without_the_password(world, client_for):
    admin = world.users["admin"]
    account = world.users["tan_an"]
    url = user_url("user_password", account)
    client = client_for(admin)
    assert client.get(url).status_code == 200
    response = client.post(url, {"new_password1": "mot-mat-khau-moi-2024", "new_password2": "mot-mat-khau-moi-2024"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.check_password("mot-mat-khau-moi-2024")
    entry = LogEntry.objects.get_for_object(account).latest("pk")
    assert entry.actor == admin and entry.additional_data == {"event": "password_reset"}
    assert "mot-mat-khau-moi-2024" not in str(entry.changes) + str(entry.additional_data)
    history = english(client).get(reverse("core:history", args=["accounts.user", account.pk])).content.decode()
    assert "reset by an administrator" in history


def test_the_password_reset_needs_user_change(world, client_for):
    response = client_for(world.users["tan_an"]).get(user_url("user_password", world.users["an_hoa"]))
    assert response.status_code == 404  # accounts are invisible without user.view


# --- phone-first details --------------------------------------------------------------------------------------------


def test_the_user_page_says_what_the_role_may_do_in_words_not_codes(world, client_for):
    account = world.users["tan_an"]
    html = english(client_for(world.users["admin"])).get(user_url("user_detail", account)).content.decode()
    listed = html.split('<ul class="permissions">', 1)[1].split("</ul>", 1)[0]
    assert "<li>Add and edit civil servants</li>" in listed and "<li>See the history of changes</li>" in listed
    assert "Manage user accounts" not in listed  # a commune officer does not manage accounts
    assert "staff.change" not in html and "audit.view" not in html


def test_every_permission_of_every_role_has_a_readable_label():
    codes = set().union(*PERMISSIONS.values())
    assert codes - PERMISSION_LABELS.keys() == set()


def test_the_user_search_box_and_role_filter_fit_a_phone(world, client_for):
    with translation.override("en"):
        response = english(client_for(world.users["admin"])).get(reverse("accounts:user_list"))
        html = response.content.decode()
        assert 'placeholder="Name, username"' in html
        roles = [str(label) for _value, label in response.context["filter_form"]["role"].field.widget.choices]
    assert roles[0] == "All" and roles.count("All") == 1 and "---------" not in html

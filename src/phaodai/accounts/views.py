from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, FormView, UpdateView

from phaodai.accounts.filters import UserFilterSet
from phaodai.accounts.forms import LoginForm, UserCreateForm, UserForm
from phaodai.accounts.models import User
from phaodai.accounts.roles import PERMISSIONS
from phaodai.core.permissions import LOGGED_IN, PUBLIC, RolePermissionMixin, ScopedObjectMixin
from phaodai.core.views import FilteredListView


class LoginView(auth_views.LoginView):
    permission = PUBLIC
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(RolePermissionMixin, auth_views.LogoutView):
    """POST only (Django 5): a link cannot log anyone out."""

    permission = LOGGED_IN


class UserListView(FilteredListView):
    permission = "user.view"
    model = User
    filterset_class = UserFilterSet
    template_name = "accounts/user_list.html"
    partial_template_name = "accounts/_user_results.html"
    list_select_related = ("scope_unit", "scope_agency")
    export_url_name = "accounts:user_export"


class UserDetailView(ScopedObjectMixin, DetailView):
    permission = "user.view"
    model = User
    template_name = "accounts/user_detail.html"
    context_object_name = "account"  # "user" is the person logged in

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["role_permissions"] = sorted(PERMISSIONS.get(self.object.role, ()))
        return ctx


class UserFormMixin:
    model = User
    template_name = "accounts/user_form.html"
    context_object_name = "account"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "editor": self.request.user}

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
        messages.success(self.request, _("Saved the account “%(username)s”.") % {"username": self.object.username})
        return response


class UserCreateView(UserFormMixin, RolePermissionMixin, CreateView):
    permission = "user.change"
    form_class = UserCreateForm


class UserUpdateView(UserFormMixin, ScopedObjectMixin, UpdateView):
    permission = "user.change"
    form_class = UserForm


class UserPasswordView(ScopedObjectMixin, FormView):
    """An administrator sets a new password for someone who forgot theirs."""

    permission = "user.change"
    model = User
    form_class = SetPasswordForm
    template_name = "accounts/user_password.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.get_object()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(account=self.get_object(), **kwargs)

    @transaction.atomic
    def form_valid(self, form):
        account = form.save()
        # The password itself never enters the audit trail (auditlog excludes it); the fact that it was reset does.
        LogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(User),
            object_pk=str(account.pk),
            object_id=account.pk,
            object_repr=str(account),
            action=LogEntry.Action.UPDATE,
            changes={},
            actor=self.request.user,
            additional_data={"event": "password_reset"},
        )
        messages.success(self.request, _("Set a new password for “%(username)s”.") % {"username": account.username})
        return redirect(account)

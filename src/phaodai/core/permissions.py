"""Who may open a page, in one place: logged in, the role's permission, and the jurisdiction.

Every page view declares `permission = "<perm>"` (see accounts/roles.py PERMISSIONS; "" = any logged-in user).
Views on one object also find it through `Model.objects.visible_to(user)` *before* the permission check, so an
object outside the user's jurisdiction is a 404 (its existence is not revealed) and a visible object the role may
not change is a 403.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

#: `permission` value of pages any logged-in user may open (home page, log-out).
LOGGED_IN = ""
#: `permission` value of pages open to anonymous visitors (log-in). Only for the auth views.
PUBLIC = "public"


def require_role_perm(user: Any, permission: str) -> None:
    """Raise PermissionDenied (403) unless the user's role grants `permission` ("" = any logged-in user)."""
    if permission in (LOGGED_IN, PUBLIC):
        return
    if not user.has_role_perm(permission):
        raise PermissionDenied


class RolePermissionMixin(AccessMixin):
    """Anonymous → redirect to the log-in page; no role permission → 403."""

    permission: str | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.permission is None:
            raise ImproperlyConfigured(f"{type(self).__name__} must declare `permission`.")
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.check_permission()
        return super().dispatch(request, *args, **kwargs)

    def check_permission(self) -> None:
        require_role_perm(self.request.user, self.permission)


class ScopedObjectMixin(RolePermissionMixin):
    """A view on one object of `model`, looked up only among the rows the user may see (404 outside them)."""

    model: type[models.Model]
    pk_url_kwarg = "pk"

    def get_queryset(self) -> models.QuerySet:
        return self.model.objects.visible_to(self.request.user)

    def get_object(self, queryset: models.QuerySet | None = None) -> models.Model:
        if getattr(self, "_scoped_object", None) is None:
            qs = queryset if queryset is not None else self.get_queryset()
            self._scoped_object = get_object_or_404(qs, pk=self.kwargs[self.pk_url_kwarg])
        return self._scoped_object

    def check_permission(self) -> None:
        self.get_object()  # 404 before 403: never confirm that an out-of-scope record exists
        super().check_permission()
        self.check_object_permission(self.get_object())

    def check_object_permission(self, obj: models.Model) -> None:
        """Hook for rules about this particular object (e.g. official units are read-only)."""


class ScopedListMixin(RolePermissionMixin):
    """A list of `model` rows: always starts from `visible_to(user)`."""

    model: type[models.Model]

    def get_queryset(self) -> models.QuerySet:
        return self.model.objects.visible_to(self.request.user)


def role_permission_required(permission: str):
    """The same rule for function views: `@role_permission_required("staff.view")`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require_role_perm(request.user, permission)
            return view(request, *args, **kwargs)

        wrapped.permission = permission
        return wrapped

    return decorator

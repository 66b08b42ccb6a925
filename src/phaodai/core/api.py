"""What every API view shares: role permissions, scoped filters and related fields, audit actor, error mapping.

The rules are the pages' rules: rows come from `Model.objects.visible_to(user)` (anything else is a 404), the
role's permission decides reads (".view") and writes (".change"), and Django's ValidationError becomes DRF field
errors with the same messages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.exceptions import ErrorDetail
from rest_framework.settings import api_settings

from phaodai.core.audit import acting_as


class RolePermission(permissions.BasePermission):
    """The one mapping from HTTP method to role permission.

    A view declares `permission = "staff"`: safe methods need "staff.view", every other method "staff.change".
    Which rows is not decided here: `get_queryset` starts from `visible_to(user)`, so a row outside the
    caller's jurisdiction is a 404 before any object-level question arises.
    """

    message = _("Your role does not allow this.")

    @staticmethod
    def required(view: Any, method: str) -> str:
        prefix = view.permission
        return f"{prefix}.view" if method in permissions.SAFE_METHODS else f"{prefix}.change"

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return user.has_role_perm(self.required(view, request.method))


class ScopedFilterBackend(DjangoFilterBackend):
    """django-filter backend that hands the caller to our `ScopedFilterSet`s (their choices follow the scope)."""

    def get_filterset_kwargs(self, request, queryset, view) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["user"] = request.user
        return kwargs


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This change conflicts with existing data.")
    default_code = "conflict"


def drf_errors(exc: DjangoValidationError) -> dict[str, list[ErrorDetail]] | list[ErrorDetail]:
    """Django's ValidationError as DRF error detail: the same messages on the same fields, codes kept."""
    if not hasattr(exc, "error_dict"):
        return [ErrorDetail(str(m), code=e.code or "invalid") for e in exc.error_list for m in e]
    detail: dict[str, list[ErrorDetail]] = {}
    for field, errors in exc.error_dict.items():
        key = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field
        bucket = detail.setdefault(key, [])
        for error in errors:
            for message in error:
                if str(message) not in bucket:
                    bucket.append(ErrorDetail(str(message), code=error.code or "invalid"))
    return detail


def full_clean_errors(instance: models.Model, exclude: list[str] | None = None) -> dict[str, list[ErrorDetail]]:
    """Run the model's own validation (clean() first, so normalised values reach the field checks).

    A field that clean() rejected is left out of the field checks: one clear message ("not a Vietnamese phone
    number") rather than that plus "at most 11 characters".
    """
    errors: dict[str, list[ErrorDetail]] = {}

    def collect(exc: DjangoValidationError) -> None:
        found = drf_errors(exc)
        if isinstance(found, list):
            found = {api_settings.NON_FIELD_ERRORS_KEY: found}
        for field, messages in found.items():
            bucket = errors.setdefault(field, [])
            bucket.extend(m for m in messages if m not in bucket)

    try:
        instance.clean()
    except DjangoValidationError as exc:
        collect(exc)
    try:
        instance.full_clean(exclude=[*(exclude or []), *errors])
    except DjangoValidationError as exc:
        collect(exc)
    return errors


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key chosen by id among the rows the caller may use.

    `choices(user)` returns that queryset (by default `Model.objects.visible_to(user)`). An id outside it reads
    "does not exist" for the caller, exactly as if the row were absent: no hint about other jurisdictions.
    """

    def __init__(self, model: type[models.Model], choices: Callable[[Any], models.QuerySet] | None = None, **kwargs):
        self.model = model
        self.choices_for = choices or (lambda user: model.objects.visible_to(user))
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", model.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return self.choices_for(user) if user is not None else self.model.objects.none()


@contextmanager
def audit_actor(request) -> Iterator[None]:
    """Make auditlog record the API caller.

    AuditlogMiddleware runs before DRF authenticates a token, so it saw an anonymous user: set the actor here.
    """
    with acting_as(request.user):
        yield


def protected_message(exc: ProtectedError, obj: models.Model) -> str:
    counts = Counter(type(o)._meta.verbose_name_plural for o in exc.protected_objects)
    listed = ", ".join(f"{name} ({count})" for name, count in sorted(counts.items(), key=lambda i: str(i[0])))
    return _("“%(object)s” cannot be deleted while these still refer to it: %(list)s.") % {
        "object": obj,
        "list": listed,
    }


class AuditedModelViewSet(viewsets.ModelViewSet):
    """A ModelViewSet whose writes are transactional, audited with the caller as actor, and fail clearly.

    Subclasses set `permission` (e.g. "staff") and `get_queryset` from `Model.objects.visible_to(user)`.
    """

    permission: str = ""
    permission_classes = [RolePermission]
    filter_backends = [ScopedFilterBackend]

    def perform_create(self, serializer) -> None:
        with audit_actor(self.request):
            self._save(serializer)

    def perform_update(self, serializer) -> None:
        with audit_actor(self.request):
            self._save(serializer)

    def perform_destroy(self, instance) -> None:
        try:
            with audit_actor(self.request), transaction.atomic():
                instance.delete()
        except ProtectedError as exc:
            raise Conflict(protected_message(exc, instance), code="protected") from exc

    @staticmethod
    def _save(serializer) -> None:
        # One transaction: the row, its many-to-many links and their audit entries are saved together or not at all.
        try:
            with transaction.atomic():
                serializer.save()
        except IntegrityError as exc:
            # Validation ran first; this is a race with another writer (two people saving the same ID at once).
            raise Conflict(_("Someone else saved conflicting data at the same moment; reload and try again.")) from exc

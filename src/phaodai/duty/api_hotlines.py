"""API of the duty app's hotlines part: ROUTES are registered by phaodai.api_urls.

- `/api/hotlines/`: the hotline registry in the caller's scope (hotline.view); register, correct (hotline.manage,
  for units in one's own subtree); DELETE takes a hotline out of use (its calls stay linked to it). Filters as the
  list page (q, line, under, is_active, is_public).
- `/api/hotline-compliance/`: the compliance board of the current week, one row per district and commune in scope
  (`?failing=true`: only the non-compliant); `/api/hotline-compliance/{unit id}/` is one unit's row.
- `/api/friday-reports/`: the Friday reports one sees (duty.view); POST submits one (duty.report).

Rows come from the caller's scope (outside it: 404); the services' refusals are a 400 (bad input) or 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response

from phaodai.core.api import RolePermission, ScopedFilterBackend, ScopedRelatedField, audit_actor, drf_errors
from phaodai.duty import compliance, friday, hotlines
from phaodai.duty.forms_hotlines import FridayFilterSet, HotlineFilterSet
from phaodai.duty.models import DutySite, Hotline, Line, WeeklyRosterReport
from phaodai.mobilisation.api import AnyRolePermission
from phaodai.places.models import AdminUnit

MANAGE = ("hotline.manage",)
REPORT = ("duty.report",)


def _call(service, *args: Any, **kwargs: Any) -> Any:
    try:
        return service(*args, **kwargs)
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(drf_errors(exc)) from exc
    except PermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from exc


# --------------------------------------------------------------------------------------------------------------
# Hotlines


class HotlineSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    site_name = serializers.CharField(source="site.name", read_only=True, default=None)

    class Meta:
        model = Hotline
        fields = ["id", "unit", "unit_name", "number", "line", "label", "site", "site_name", "is_public", "is_active"]
        read_only_fields = fields


class HotlineInputSerializer(serializers.Serializer):
    unit = ScopedRelatedField(
        AdminUnit, choices=hotlines.manageable_units, required=False, help_text="A district or commune (on create)."
    )
    number = serializers.CharField(max_length=30, help_text="Any Vietnamese form: 0912 345 678, +84912345678, …")
    line = serializers.ChoiceField(choices=Line.choices)
    label = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    site = ScopedRelatedField(
        DutySite, choices=lambda user: hotlines.usable_sites(user), required=False, allow_null=True, default=None
    )
    is_public = serializers.BooleanField(required=False, default=True)


class HotlineViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Hotline numbers of the districts and communes in the caller's scope."""

    permission = "hotline"
    permission_classes = [RolePermission]
    filter_backends = [ScopedFilterBackend]
    filterset_class = HotlineFilterSet
    serializer_class = HotlineSerializer
    action_permissions: dict[str, tuple[str, ...]] = {
        "create": MANAGE,
        "update": MANAGE,
        "partial_update": MANAGE,
        "destroy": MANAGE,
    }

    def get_permissions(self):
        codes = self.action_permissions.get(getattr(self, "action", None) or "")
        return [AnyRolePermission(codes)] if codes else super().get_permissions()

    def get_queryset(self):
        return Hotline.objects.visible_to(self.request.user).select_related("unit", "site")

    def _answer(self, hotline: Hotline, code: int = status.HTTP_200_OK) -> Response:
        return Response(HotlineSerializer(self.get_queryset().get(pk=hotline.pk)).data, status=code)

    @extend_schema(request=HotlineInputSerializer, responses={201: HotlineSerializer})
    def create(self, request, *args, **kwargs):
        data = HotlineInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if values.get("unit") is None:
            raise exceptions.ValidationError({"unit": [serializers.Field.default_error_messages["required"]]})
        with audit_actor(request):
            created = _call(hotlines.create_hotline, request.user, **values)
        return self._answer(created, status.HTTP_201_CREATED)

    def _update(self, request, partial: bool) -> Response:
        hotline = self.get_object()
        data = HotlineInputSerializer(data=request.data, partial=partial, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        changes = {k: v for k, v in data.validated_data.items() if k != "unit" and (not partial or k in request.data)}
        with audit_actor(request):
            updated = _call(hotlines.update_hotline, request.user, hotline, **changes)
        return self._answer(updated)

    @extend_schema(request=HotlineInputSerializer, responses=HotlineSerializer)
    def update(self, request, *args, **kwargs):
        return self._update(request, partial=False)

    @extend_schema(request=HotlineInputSerializer, responses=HotlineSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self._update(request, partial=True)

    @extend_schema(description="Takes the hotline out of use (it is kept: its calls stay linked to it).")
    def destroy(self, request, *args, **kwargs):
        hotline = self.get_object()
        with audit_actor(request):
            _call(hotlines.deactivate_hotline, request.user, hotline)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --------------------------------------------------------------------------------------------------------------
# Compliance


class ComplianceRowSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    level = serializers.IntegerField(help_text="2 = district, 3 = commune.")
    numbers = serializers.IntegerField(help_text=f"Active hotline numbers (at least {compliance.MIN_NUMBERS}).")
    has_health_line = serializers.BooleanField()
    has_welfare_line = serializers.BooleanField()
    unstaffed_hours = serializers.IntegerField(help_text="Hours of the current ISO week (local) with nobody on duty.")
    compliant = serializers.BooleanField()
    problems = serializers.ListField(child=serializers.CharField(), help_text="Each failing check, in words.")


FAILING = OpenApiParameter("failing", OpenApiTypes.BOOL, description="Only the units that do not comply.")


class HotlineComplianceViewSet(viewsets.ReadOnlyModelViewSet):
    """Seed 002's hotline rules, checked for every district and commune in the caller's scope this week."""

    permission = "hotline"
    permission_classes = [RolePermission]
    filter_backends: list = []
    serializer_class = ComplianceRowSerializer

    def get_queryset(self):
        user = getattr(self.request, "user", None)
        if not getattr(user, "is_authenticated", False):  # the schema generator's anonymous request
            return AdminUnit.objects.none()
        return hotlines.units_in_scope(user)

    @extend_schema(parameters=[FAILING])
    def list(self, request, *args, **kwargs):
        failing = request.query_params.get("failing", "").lower() in ("1", "true", "yes")
        board = compliance.board(request.user, only_failing=failing, units=self.get_queryset())
        page = self.paginate_queryset([row.as_dict() for row in board.rows])
        return self.get_paginated_response(ComplianceRowSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        unit = self.get_object()
        board = compliance.board(request.user, units=self.get_queryset().filter(pk=unit.pk))
        return Response(ComplianceRowSerializer(board.rows[0].as_dict()).data)


# --------------------------------------------------------------------------------------------------------------
# Friday reports


class FridayReportSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    submitted_by = serializers.CharField(source="submitted_by.username", read_only=True)
    content = serializers.JSONField(read_only=True, help_text="The rosters and hotlines as assembled on submission.")

    class Meta:
        model = WeeklyRosterReport
        fields = [
            "id",
            "unit",
            "unit_name",
            "week_start",
            "deadline",
            "submitted_at",
            "minutes_late",
            "submitted_by",
            "note",
            "content",
        ]
        read_only_fields = fields


class FridayInputSerializer(serializers.Serializer):
    unit = ScopedRelatedField(AdminUnit, choices=friday.reportable_units)
    week_start = serializers.DateField(help_text="The Monday of the coming week.")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FridayReportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The Friday duty and hotline roster reports of the districts and communes in the caller's scope."""

    permission = "duty"
    permission_classes = [RolePermission]
    filter_backends = [ScopedFilterBackend]
    filterset_class = FridayFilterSet
    serializer_class = FridayReportSerializer

    def get_permissions(self):
        if getattr(self, "action", None) == "create":
            return [AnyRolePermission(REPORT)]
        return super().get_permissions()

    def get_queryset(self):
        return WeeklyRosterReport.objects.visible_to(self.request.user).select_related("unit", "submitted_by")

    @extend_schema(request=FridayInputSerializer, responses={201: FridayReportSerializer})
    def create(self, request, *args, **kwargs):
        data = FridayInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        v = data.validated_data
        with audit_actor(request):
            report = _call(friday.submit, request.user, v["unit"], v["week_start"], v["note"])
        fresh = WeeklyRosterReport.objects.select_related("unit", "submitted_by").get(pk=report.pk)
        return Response(FridayReportSerializer(fresh).data, status=status.HTTP_201_CREATED)


ROUTES: list = [
    ("hotlines", HotlineViewSet, "hotlines"),
    ("hotline-compliance", HotlineComplianceViewSet, "hotline-compliance"),
    ("friday-reports", FridayReportViewSet, "friday-reports"),
]  # (prefix, viewset, basename)

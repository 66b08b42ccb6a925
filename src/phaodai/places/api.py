"""REST API for the administrative tree and agencies (see core/api.py for the shared rules)."""

from __future__ import annotations

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from phaodai.core.api import AuditedModelViewSet, ScopedRelatedField, audit_actor, drf_errors, full_clean_errors
from phaodai.core.text import clean_text
from phaodai.places.filters import AdminUnitFilterSet, AgencyFilterSet
from phaodai.places.models import PARTY_BLOC_KINDS, AdminUnit, Agency, Bloc, Level, NeighbourhoodKind
from phaodai.places.services import create_neighbourhood, rename_neighbourhood
from phaodai.staff.identity import normalise_phone


def units_in_jurisdiction(user) -> QuerySet[AdminUnit]:
    """Units a caller may attach things to: their own subtree, not the ancestors they see only as context.

    A district user sees the province's name, but creating an agency at province level is not theirs to do.
    """
    visible = AdminUnit.objects.visible_to(user)
    if user.sees_everything:
        return visible
    mine = Q(pk__in=[])
    if user.scope_unit_id is not None:
        mine |= Q(path__startswith=user.scope_unit.path)
    if user.scope_agency_id is not None:
        mine |= Q(path__startswith=user.scope_agency.unit.path)
    return visible.filter(mine)


class AdminUnitSerializer(serializers.ModelSerializer):
    parent_name = serializers.CharField(source="parent.name", read_only=True, default=None)

    class Meta:
        model = AdminUnit
        fields = ["id", "code", "name", "division_type", "level", "structure", "parent", "parent_name", "path"]
        read_only_fields = fields


class NeighbourhoodCreateSerializer(serializers.Serializer):
    parent = ScopedRelatedField(
        AdminUnit, choices=units_in_jurisdiction, help_text="The commune (level 3) the neighbourhood belongs to."
    )
    name = serializers.CharField(max_length=150)
    kind = serializers.ChoiceField(choices=NeighbourhoodKind.choices)

    def validate_parent(self, parent: AdminUnit) -> AdminUnit:
        if parent.level != Level.COMMUNE:
            raise serializers.ValidationError(
                _("Neighbourhoods can only be created inside a commune."), code="not_commune"
            )
        return parent


class NeighbourhoodRenameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)


class AdminUnitViewSet(AuditedModelViewSet):
    """Administrative units in the caller's jurisdiction. Official units are read-only; a commune adds and renames
    its own neighbourhoods (ấp, khu vực, tổ dân phố ...)."""

    permission = "unit"
    filterset_class = AdminUnitFilterSet
    serializer_class = AdminUnitSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return AdminUnit.objects.visible_to(self.request.user).select_related("parent")

    def get_serializer_class(self):
        if self.action == "create":
            return NeighbourhoodCreateSerializer
        if self.action == "partial_update":
            return NeighbourhoodRenameSerializer
        return AdminUnitSerializer

    @extend_schema(request=NeighbourhoodCreateSerializer, responses={201: AdminUnitSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            with audit_actor(request), transaction.atomic():
                unit = create_neighbourhood(request.user, data["parent"], data["name"], data["kind"])
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(drf_errors(exc)) from exc
        return Response(AdminUnitSerializer(unit, context=self.get_serializer_context()).data, status.HTTP_201_CREATED)

    @extend_schema(request=NeighbourhoodRenameSerializer, responses=AdminUnitSerializer)
    def partial_update(self, request, *args, **kwargs):
        unit = self.get_object()
        if unit.level != Level.NEIGHBOURHOOD:
            raise exceptions.PermissionDenied(
                _("Official administrative units come from published data and are read-only.")
            )
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            with audit_actor(request), transaction.atomic():
                rename_neighbourhood(unit, serializer.validated_data["name"])
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(drf_errors(exc)) from exc
        return Response(AdminUnitSerializer(unit, context=self.get_serializer_context()).data)


class AgencySerializer(serializers.ModelSerializer):
    unit = ScopedRelatedField(
        AdminUnit, choices=units_in_jurisdiction, label=Agency._meta.get_field("unit").verbose_name
    )
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    parent = ScopedRelatedField(
        Agency, allow_null=True, required=False, label=Agency._meta.get_field("parent").verbose_name
    )
    parent_name = serializers.CharField(source="parent.name", read_only=True, default=None)

    class Meta:
        model = Agency
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "bloc",
            "unit",
            "unit_name",
            "parent",
            "parent_name",
            "headcount",
            "min_in_office",
            "phone",
        ]
        # Uniqueness is checked by the model's full_clean() below, after the name is tidied.
        validators: list = []

    def validate_phone(self, value: str) -> str:
        if not value:
            return ""
        try:
            return normalise_phone(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages, code=exc.code) from exc

    def validate(self, attrs: dict) -> dict:
        current = self.instance
        if current is None and "bloc" not in attrs and attrs.get("kind") in PARTY_BLOC_KINDS:
            attrs["bloc"] = Bloc.PARTY
        candidate = copy.copy(current) if current is not None else Agency()
        for name, value in attrs.items():
            setattr(candidate, name, value)
        candidate.name = clean_text(candidate.name)

        errors: dict[str, list] = {}
        minimum, headcount = candidate.min_in_office, candidate.headcount
        if minimum is not None and headcount is not None and minimum > headcount:
            errors["min_in_office"] = [
                _("The minimum in office (%(minimum)d) cannot exceed the headcount (%(headcount)d).")
                % {"minimum": minimum, "headcount": headcount}
            ]
        same_name = Agency.objects.filter(unit_id=candidate.unit_id, name=candidate.name).exclude(pk=candidate.pk)
        if candidate.unit_id is not None and same_name.exists():
            errors["name"] = [_("%(unit)s already has an agency with this name.") % {"unit": candidate.unit}]
        if candidate.parent is not None and current is not None and self._is_below(candidate.parent, current):
            errors["parent"] = [_("An agency cannot be placed under itself or one of its own sub-agencies.")]
        # The model's own checks (lengths, choices, constraints) on the tidied values.
        for field, messages in full_clean_errors(candidate, exclude=["search_name", *errors]).items():
            errors.setdefault(field, []).extend(messages)
        if errors:
            raise serializers.ValidationError(errors)
        if "name" in attrs:
            attrs["name"] = candidate.name
        return attrs

    @staticmethod
    def _is_below(parent: Agency, agency: Agency) -> bool:
        seen: set[int] = set()
        node: Agency | None = parent
        while node is not None and node.pk not in seen:
            if node.pk == agency.pk:
                return True
            seen.add(node.pk)
            node = node.parent
        return False


class AgencyViewSet(AuditedModelViewSet):
    """Agencies (cơ quan, đơn vị) in the caller's jurisdiction, with headcount and minimum in office."""

    permission = "agency"
    filterset_class = AgencyFilterSet
    serializer_class = AgencySerializer

    def get_queryset(self):
        return Agency.objects.visible_to(self.request.user).select_related("unit", "parent")

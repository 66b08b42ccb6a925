"""API of the reporting app's difficulties part: ROUTES are registered by phaodai.api_urls.

/api/difficulties/: list and read the difficulties one sees (reporting.view), raise one (difficulty.raise), and act
on it: acknowledge, refer, resolve (difficulty.act, for the unit it is with or a level above), reopen (its reporter),
comment. Outside one's scope: 404; the service's refusals: 403 (routed elsewhere) or 400 (bad input).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from phaodai.core.api import RolePermission, ScopedFilterBackend, ScopedRelatedField, audit_actor, drf_errors
from phaodai.mobilisation.api import AnyRolePermission
from phaodai.mobilisation.models import Delegation
from phaodai.places.models import AdminUnit
from phaodai.reporting import difficulties
from phaodai.reporting.forms_difficulties import DifficultyFilterSet, raisable_units
from phaodai.reporting.models import (
    DelegationReport,
    Difficulty,
    DifficultyCategory,
    DifficultyStep,
    Severity,
    TeamReport,
)


class DifficultyStepSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", read_only=True)
    from_unit_name = serializers.CharField(source="from_unit.name", read_only=True, default=None)
    to_unit_name = serializers.CharField(source="to_unit.name", read_only=True, default=None)

    class Meta:
        model = DifficultyStep
        fields = ["id", "kind", "by", "at", "note", "from_unit", "from_unit_name", "to_unit", "to_unit_name"]
        read_only_fields = fields


class DifficultySerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    acting_unit_name = serializers.CharField(source="acting_unit.name", read_only=True)
    raised_by = serializers.CharField(source="raised_by.username", read_only=True)
    overdue = serializers.SerializerMethodField(help_text="Not resolved and past its due time.")
    actions = serializers.SerializerMethodField(help_text="What the caller may do on it now.")
    steps = DifficultyStepSerializer(many=True, read_only=True)

    class Meta:
        model = Difficulty
        fields = [
            "id",
            "title",
            "description",
            "category",
            "severity",
            "status",
            "unit",
            "unit_name",
            "delegation",
            "team_report",
            "delegation_report",
            "acting_unit",
            "acting_unit_name",
            "due_at",
            "overdue",
            "raised_by",
            "raised_at",
            "acknowledged_at",
            "resolved_at",
            "answer",
            "actions",
            "steps",
        ]
        read_only_fields = fields

    def get_overdue(self, obj: Difficulty) -> bool:
        from django.utils import timezone

        return obj.status in difficulties.PENDING and obj.due_at < timezone.now()

    def get_actions(self, obj: Difficulty) -> list[str]:
        request = self.context.get("request")
        return difficulties.allowed_actions(request.user, obj) if request else []


class DifficultyInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField()
    category = serializers.ChoiceField(choices=DifficultyCategory.choices)
    severity = serializers.ChoiceField(choices=Severity.choices)
    unit = ScopedRelatedField(
        AdminUnit, choices=raisable_units, required=False, help_text="Where, when not raised from a delegation/report."
    )
    delegation = ScopedRelatedField(Delegation, required=False)
    team_report = ScopedRelatedField(TeamReport, required=False)
    delegation_report = ScopedRelatedField(DelegationReport, required=False)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="The answer (resolve) or the reason (refer, reopen)."
    )


ACT, RAISE = (difficulties.ACT,), (difficulties.RAISE,)


def difficulties_queryset(user):
    return (
        Difficulty.objects.visible_to(user)
        .select_related("unit", "acting_unit__parent", "raised_by")
        .prefetch_related("steps__by", "steps__from_unit", "steps__to_unit")
    )


class DifficultyViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Difficulties (khó khăn, vướng mắc) in the caller's scope, the ones they raised included; filters as the list
    page (status, category, severity, acting_unit, overdue, mine)."""

    permission = "reporting"
    permission_classes = [RolePermission]
    filter_backends = [ScopedFilterBackend]
    serializer_class = DifficultySerializer
    filterset_class = DifficultyFilterSet
    action_permissions: dict[str, tuple[str, ...]] = {
        "create": RAISE,
        "acknowledge": ACT,
        "refer": ACT,
        "resolve": ACT,
        "reopen": RAISE,
        "comment": ACT + RAISE,
    }

    def get_permissions(self):
        codes = self.action_permissions.get(getattr(self, "action", None) or "")
        return [AnyRolePermission(codes)] if codes else super().get_permissions()

    def get_queryset(self):
        return difficulties_queryset(self.request.user)

    def call(self, service, *args, **kwargs) -> Any:
        try:
            with audit_actor(self.request):
                return service(*args, **kwargs)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(drf_errors(exc)) from exc

    def _answer(self, obj: Difficulty, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=obj.pk)
        return Response(DifficultySerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=DifficultyInputSerializer, responses={201: DifficultySerializer})
    def create(self, request, *args, **kwargs):
        data = DifficultyInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        created = self.call(difficulties.raise_difficulty, request.user, **data.validated_data)
        return self._answer(created, status.HTTP_201_CREATED)

    def _act(self, request, name: str) -> Response:
        obj = self.get_object()
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(self.call(difficulties.perform, request.user, obj, name, data.validated_data["note"]))

    @extend_schema(request=NoteSerializer, responses=DifficultySerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._act(request, "acknowledge")

    @extend_schema(request=NoteSerializer, responses=DifficultySerializer)
    @action(detail=True, methods=["post"])
    def refer(self, request, pk=None):
        return self._act(request, "refer")

    @extend_schema(request=NoteSerializer, responses=DifficultySerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self._act(request, "resolve")

    @extend_schema(request=NoteSerializer, responses=DifficultySerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._act(request, "reopen")

    @extend_schema(request=NoteSerializer, responses=DifficultySerializer)
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        return self._act(request, "comment")


ROUTES: list = [("difficulties", DifficultyViewSet, "difficulties")]  # (prefix, viewset, basename)

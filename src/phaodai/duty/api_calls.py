"""API of the duty app's calls part: ROUTES are registered by phaodai.api_urls.

/api/calls/: list and read the calls one sees (help.view); record one (calls.take) — send an `Idempotency-Key` header
so that a retried request is the same call, never a second one (201 the first time, 200 with that call after).
/api/help-requests/: list and read the help requests one sees (help.view), and act on them: acknowledge, start,
close, reopen, reroute (help.act, in the request's commune or above), comment (help.act or calls.take), errand
(help.act; food requests). Outside one's scope: 404; the service's refusals: 403 (role, jurisdiction) or 400.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from phaodai.core.api import RolePermission, ScopedFilterBackend, ScopedRelatedField, audit_actor, drf_errors
from phaodai.duty import calls
from phaodai.duty.forms_calls import CallFilterSet, HelpRequestFilterSet
from phaodai.duty.models import (
    Call,
    CommunityTeam,
    DutySite,
    Errand,
    ErrandStatus,
    HelpCategory,
    HelpRequest,
    HelpRequestStep,
    HelpStatus,
    Hotline,
)
from phaodai.mobilisation.api import AnyRolePermission
from phaodai.places.models import AdminUnit

TAKE, ACT = (calls.TAKE,), (calls.ACT,)


@extend_schema_field({"allOf": [{"type": "string", "enum": HelpCategory.values}], "description": "Help category."})
class HelpCategoryField(serializers.ChoiceField):
    """The category with its enum inline (inside allOf, so that it is not made a named component): "category" is
    already the difficulties' enum, and a second one would collide without a settings override."""

    def __init__(self, **kwargs):
        super().__init__(choices=HelpCategory.choices, **kwargs)


@extend_schema_field({"allOf": [{"type": "string", "enum": HelpStatus.values}], "description": "Help request status."})
class HelpStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=HelpStatus.choices, **kwargs)


class CallSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="help_request.category", read_only=True)
    commune = serializers.IntegerField(source="help_request.commune_id", read_only=True)
    operator = serializers.CharField(source="operator.username", read_only=True)
    hotline_number = serializers.CharField(source="hotline.number", read_only=True, default=None)

    class Meta:
        model = Call
        fields = [
            "id",
            "caller_phone",
            "received_at",
            "help_request",
            "category",
            "commune",
            "hotline",
            "hotline_number",
            "operator",
            "note",
        ]
        read_only_fields = fields


class CallResultSerializer(CallSerializer):
    joined = serializers.SerializerMethodField(help_text="True when the call joined an open request of the caller.")
    routing_note = serializers.SerializerMethodField(help_text="Why the request went elsewhere than the table says.")

    class Meta(CallSerializer.Meta):
        fields = [*CallSerializer.Meta.fields, "joined", "routing_note"]
        read_only_fields = fields

    def get_joined(self, obj: Call) -> bool:
        return bool(getattr(obj, "joined", False))

    def get_routing_note(self, obj: Call) -> str:
        return getattr(obj, "routing_note", "")


class CallInputSerializer(serializers.Serializer):
    caller_phone = serializers.CharField(max_length=20)
    commune = ScopedRelatedField(AdminUnit, choices=calls.callable_communes)
    neighbourhood = ScopedRelatedField(AdminUnit, choices=calls.callable_neighbourhoods, required=False)
    category = HelpCategoryField()
    need = serializers.CharField()
    caller_name = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    hotline = ScopedRelatedField(Hotline, required=False)


def _call(request, service, *args, **kwargs) -> Any:
    try:
        with audit_actor(request):
            return service(*args, **kwargs)
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(drf_errors(exc)) from exc


class CallViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Citizen calls in the caller's scope (and those they took); filters as the list page (q, category, hotline,
    mine)."""

    permission = "help"
    permission_classes = [RolePermission]
    filter_backends = [ScopedFilterBackend]
    serializer_class = CallSerializer
    filterset_class = CallFilterSet

    def get_permissions(self):
        if getattr(self, "action", None) == "create":
            return [AnyRolePermission(TAKE)]
        return super().get_permissions()

    def get_queryset(self):
        return Call.objects.visible_to(self.request.user).select_related("help_request", "hotline", "operator")

    @extend_schema(
        request=CallInputSerializer,
        responses={201: CallResultSerializer, 200: CallResultSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="A key of the client's choosing: the same key again returns the same call (200).",
            )
        ],
    )
    def create(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key", "").strip()[:80]
        if (call := calls.existing_call(request.user, key)) is not None:
            # A retry of a call already recorded: the same call, before any validation of the repeated body.
            return Response(CallResultSerializer(call).data, status=status.HTTP_200_OK)
        data = CallInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        call = _call(request, calls.record_call, request.user, idempotency_key=key, **data.validated_data)
        return Response(CallResultSerializer(call).data, status=status.HTTP_201_CREATED)


class HelpRequestStepSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", read_only=True, default=None)

    class Meta:
        model = HelpRequestStep
        fields = ["id", "kind", "by", "at", "note"]
        read_only_fields = fields


class ErrandSerializer(serializers.ModelSerializer):
    class Meta:
        model = Errand
        fields = [
            "shopping_list",
            "deliverer_name",
            "deliverer_phone",
            "status",
            "amount",
            "delivered_at",
            "paid_at",
        ]
        read_only_fields = fields


class HelpRequestSerializer(serializers.ModelSerializer):
    category = HelpCategoryField(read_only=True)
    status = HelpStatusField(read_only=True)
    commune_name = serializers.CharField(source="commune.name", read_only=True)
    neighbourhood_name = serializers.CharField(source="neighbourhood.name", read_only=True, default=None)
    routed_to = serializers.SerializerMethodField(help_text="The team, site or commune that must act.")
    overdue = serializers.SerializerMethodField(help_text="Not acknowledged and past its deadline.")
    actions = serializers.SerializerMethodField(help_text="What the caller may do on it now.")
    steps = HelpRequestStepSerializer(many=True, read_only=True)
    errand = serializers.SerializerMethodField()

    class Meta:
        model = HelpRequest
        fields = [
            "id",
            "category",
            "status",
            "caller_phone",
            "caller_name",
            "address",
            "need",
            "commune",
            "commune_name",
            "neighbourhood",
            "neighbourhood_name",
            "routed_to_team",
            "routed_to_site",
            "routed_to",
            "received_at",
            "acknowledge_by",
            "acknowledged_at",
            "overdue",
            "escalation_level",
            "escalated_at",
            "closed_at",
            "outcome",
            "actions",
            "steps",
            "errand",
        ]
        read_only_fields = fields

    def get_routed_to(self, obj: HelpRequest) -> str:
        return calls.routed_to_name(obj)

    def get_overdue(self, obj: HelpRequest) -> bool:
        return calls.is_overdue(obj, timezone.now())

    def get_actions(self, obj: HelpRequest) -> list[str]:
        request = self.context.get("request")
        return calls.allowed_actions(request.user, obj) if request else []

    @extend_schema_field(ErrandSerializer(allow_null=True))
    def get_errand(self, obj: HelpRequest) -> dict | None:
        errand = Errand.objects.filter(help_request=obj).first()
        return ErrandSerializer(errand).data if errand else None


class HelpNoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="The outcome (close) or the reason (reopen, reroute)."
    )


class RerouteSerializer(HelpNoteSerializer):
    team = ScopedRelatedField(CommunityTeam, required=False, allow_null=True, default=None)
    site = ScopedRelatedField(DutySite, required=False, allow_null=True, default=None)


class ErrandInputSerializer(serializers.Serializer):
    step = serializers.ChoiceField(
        choices=["save", ErrandStatus.DELIVERED.value, ErrandStatus.PAID.value],
        help_text="save: the list and deliverer; delivered; paid (with amount).",
    )
    shopping_list = serializers.CharField(required=False, allow_blank=True, default="")
    deliverer_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)
    deliverer_phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)
    amount = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0)


class HelpRequestViewSet(viewsets.ReadOnlyModelViewSet):
    """Help requests (yêu cầu hỗ trợ) in the caller's scope; filters as the list page (q, status, category, overdue,
    mine, routed_to_team, routed_to_site)."""

    permission = "help"
    permission_classes = [RolePermission]
    filter_backends = [ScopedFilterBackend]
    serializer_class = HelpRequestSerializer
    filterset_class = HelpRequestFilterSet
    action_permissions: dict[str, tuple[str, ...]] = {
        "acknowledge": ACT,
        "start": ACT,
        "close": ACT,
        "reopen": ACT,
        "reroute": ACT,
        "comment": ACT + TAKE,
        "errand": ACT,
    }

    def get_permissions(self):
        codes = self.action_permissions.get(getattr(self, "action", None) or "")
        return [AnyRolePermission(codes)] if codes else super().get_permissions()

    def get_queryset(self):
        return (
            HelpRequest.objects.visible_to(self.request.user)
            .select_related("commune", "neighbourhood", "routed_to_team", "routed_to_site")
            .prefetch_related("steps__by")
        )

    def _answer(self, obj: HelpRequest) -> Response:
        fresh = self.get_queryset().get(pk=obj.pk)
        return Response(HelpRequestSerializer(fresh, context=self.get_serializer_context()).data)

    def _act(self, request, name: str, serializer_class=HelpNoteSerializer) -> Response:
        obj = self.get_object()
        data = serializer_class(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        note = values.pop("note", "")
        return self._answer(_call(request, calls.perform, request.user, obj, name, note, **values))

    @extend_schema(request=HelpNoteSerializer, responses=HelpRequestSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._act(request, "acknowledge")

    @extend_schema(request=HelpNoteSerializer, responses=HelpRequestSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._act(request, "start")

    @extend_schema(request=HelpNoteSerializer, responses=HelpRequestSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._act(request, "close")

    @extend_schema(request=HelpNoteSerializer, responses=HelpRequestSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._act(request, "reopen")

    @extend_schema(request=RerouteSerializer, responses=HelpRequestSerializer)
    @action(detail=True, methods=["post"])
    def reroute(self, request, pk=None):
        return self._act(request, "reroute", RerouteSerializer)

    @extend_schema(request=HelpNoteSerializer, responses=HelpRequestSerializer)
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        return self._act(request, "comment")

    @extend_schema(request=ErrandInputSerializer, responses=HelpRequestSerializer)
    @action(detail=True, methods=["post"])
    def errand(self, request, pk=None):
        obj = self.get_object()
        data = ErrandInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if v["step"] == "save":
            _call(
                request,
                calls.save_errand,
                request.user,
                obj,
                shopping_list=v["shopping_list"],
                deliverer_name=v["deliverer_name"],
                deliverer_phone=v["deliverer_phone"],
            )
        elif v["step"] == ErrandStatus.DELIVERED:
            _call(request, calls.mark_delivered, request.user, obj)
        else:
            _call(request, calls.mark_paid, request.user, obj, v["amount"])
        return self._answer(obj)


ROUTES: list = [
    ("calls", CallViewSet, "calls"),
    ("help-requests", HelpRequestViewSet, "help-requests"),
]  # (prefix, viewset, basename)

"""API of the duplicate review: the candidates the caller may review, their decision, and runs of the matcher.

Reading needs welfare.view (rows: `MatchCandidate.objects.visible_to(user)`, scoped by the unit holding both
records); deciding and running need welfare.review. The work is done by welfare.review, as on the pages.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from phaodai.core.api import RolePermission, audit_actor, drf_errors
from phaodai.places.models import AdminUnit, Level
from phaodai.welfare import review
from phaodai.welfare.models import MatchCandidate, MatchState, SupportList


class ReviewPermission(permissions.BasePermission):
    message = RolePermission.message

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_role_perm(review.REVIEW))


class MatchCandidateSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = MatchCandidate
        fields = ["id", "kind", "left_key", "right_key", "unit", "unit_name", "probability", "comparison", "state"]
        read_only_fields = fields


class DecideSerializer(serializers.Serializer):
    same = serializers.BooleanField(help_text="True: the same person or household (people are merged).")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionSerializer(serializers.Serializer):
    left_key = serializers.CharField()
    right_key = serializers.CharField()
    same = serializers.BooleanField()
    note = serializers.CharField()
    decided_at = serializers.DateTimeField()


class RunSerializer(serializers.Serializer):
    support_list = serializers.IntegerField(required=False, help_text="Compare this list with the programme's others.")
    commune = serializers.IntegerField(required=False, help_text="Compare the registry of this commune.")

    def validate(self, attrs: dict) -> dict:
        if ("support_list" in attrs) == ("commune" in attrs):
            raise serializers.ValidationError("Give either a support list or a commune.", code="target")
        return attrs


class RunResultSerializer(serializers.Serializer):
    compared = serializers.IntegerField()
    proposed = serializers.IntegerField()
    already_decided = serializers.IntegerField()


class MatchCandidateViewSet(viewsets.ReadOnlyModelViewSet):
    """Possible duplicates (?state=pending|same|different), most likely first."""

    permission = "welfare"
    permission_classes = [RolePermission]
    serializer_class = MatchCandidateSerializer

    def get_permissions(self):
        if getattr(self, "action", None) in ("decide", "run"):
            return [ReviewPermission()]
        return super().get_permissions()

    def get_queryset(self):
        qs = MatchCandidate.objects.visible_to(self.request.user).select_related("unit").order_by("-probability", "pk")
        state = self.request.query_params.get("state") if self.request else None
        return qs.filter(state=state) if state in MatchState.values else qs

    @extend_schema(request=DecideSerializer, responses=DecisionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        candidate = self.get_object()
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            with audit_actor(request):
                decision = review.decide(
                    candidate, same=data.validated_data["same"], user=request.user, note=data.validated_data["note"]
                )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(drf_errors(exc)) from exc
        return Response(DecisionSerializer(decision).data)

    @extend_schema(request=RunSerializer, responses=RunResultSerializer)
    @action(detail=False, methods=["post"])
    def run(self, request):
        data = RunSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user
        with audit_actor(request):
            if "support_list" in data.validated_data:
                target = get_object_or_404(SupportList.objects.visible_to(user), pk=data.validated_data["support_list"])
                result = review.run_for_list(target, user)
            else:
                commune = get_object_or_404(
                    AdminUnit.objects.visible_to(user), pk=data.validated_data["commune"], level=Level.COMMUNE
                )
                result = review.run_for_commune(commune, user)
        return Response(RunResultSerializer(result).data)


ROUTES: list = [("match-candidates", MatchCandidateViewSet, "match-candidates")]  # (prefix, viewset, basename)

"""API of the duty app's community part: community COVID teams and households (ROUTES, registered by api_urls).

Reading teams needs "community.view", reading households "household.view"; every write needs "community.manage"
and goes through the same services as the pages (`duty.community`, `duty.households`): a service's ValidationError
is a 400 with the same messages, a record outside one's jurisdiction a 404 (or 403 when seen but not managed).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Count
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, permissions, serializers, viewsets

from phaodai.core.api import RolePermission, ScopedFilterBackend, ScopedRelatedField, audit_actor, drf_errors
from phaodai.duty import community, households
from phaodai.duty.forms_community import CommunityTeamFilterSet, HouseholdFilterSet
from phaodai.duty.models import CommunityTeam, CommunityTeamMember
from phaodai.places.models import AdminUnit, Household


class ReadWritePermission(RolePermission):
    """Safe methods need the view's `read_permission`, every other method its `write_permission` (there is no
    "community.change": teams and households are changed with "community.manage")."""

    @staticmethod
    def required(view, method: str) -> str:
        return view.read_permission if method in permissions.SAFE_METHODS else view.write_permission


def _service(call, *args, **kwargs) -> Any:
    try:
        return call(*args, **kwargs)
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(drf_errors(exc)) from exc


class CommunityTeamMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommunityTeamMember
        fields = ["id", "full_name", "phone", "role"]
        read_only_fields = fields


class CommunityTeamSerializer(serializers.ModelSerializer):
    neighbourhood = ScopedRelatedField(AdminUnit, choices=community.manageable_neighbourhoods)
    neighbourhood_name = serializers.CharField(source="neighbourhood.name", read_only=True)
    leader_phone = serializers.CharField(max_length=20, help_text="Normalised to 10 or 11 digits (Vietnamese only).")
    members = CommunityTeamMemberSerializer(many=True, read_only=True)
    households_count = serializers.IntegerField(read_only=True, help_text="Households the team serves.")

    class Meta:
        model = CommunityTeam
        fields = [
            "id",
            "neighbourhood",
            "neighbourhood_name",
            "name",
            "leader_name",
            "leader_phone",
            "members",
            "households_count",
        ]
        # The services check uniqueness (with an accent-insensitive, clearer message).
        validators: list = []

    def _fields(self, data: dict, instance: CommunityTeam | None) -> dict:
        """A partial update keeps the fields it does not send."""
        keys = ("neighbourhood", "name", "leader_name", "leader_phone")
        return {k: data[k] if k in data else getattr(instance, k, None) for k in keys}

    def create(self, validated_data: dict) -> CommunityTeam:
        user = self.context["request"].user
        return _service(community.create_team, user, **self._fields(validated_data, None))

    def update(self, instance: CommunityTeam, validated_data: dict) -> CommunityTeam:
        user = self.context["request"].user
        return _service(community.update_team, instance, user, **self._fields(validated_data, instance))


class HouseholdSerializer(serializers.ModelSerializer):
    neighbourhood = ScopedRelatedField(AdminUnit, choices=community.manageable_neighbourhoods)
    neighbourhood_name = serializers.CharField(source="neighbourhood.name", read_only=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    team = ScopedRelatedField(
        CommunityTeam,
        required=False,
        allow_null=True,
        source="community_team_link.team",
        help_text="The community team serving the household. On creation: attach it; on update: move it there "
        "(null: remove it from its team).",
    )

    class Meta:
        model = Household
        fields = ["id", "neighbourhood", "neighbourhood_name", "head_name", "address", "phone", "members", "team"]
        validators: list = []

    def create(self, validated_data: dict) -> Household:
        user = self.context["request"].user
        team = validated_data.pop("community_team_link", {}).get("team")
        return _service(households.create_household, user, team=team, **validated_data)

    def update(self, instance: Household, validated_data: dict) -> Household:
        user = self.context["request"].user
        link = validated_data.pop("community_team_link", None)
        keys = ("neighbourhood", "head_name", "address", "phone", "members")
        fields = {k: validated_data.get(k, getattr(instance, k)) for k in keys}
        with transaction.atomic():
            household = _service(households.update_household, instance, user, **fields)
            if link is not None:
                current = community.team_of(household)
                team = link.get("team")
                if team is None and current is not None:
                    _service(community.detach_household, current, user, household)
                elif team is not None and team != current:
                    _service(community.attach_household, team, user, household, move=True)
        # Read back: the instance still holds its team link as it was before the change.
        return Household.objects.select_related("neighbourhood", "community_team_link__team").get(pk=household.pk)


class CommunityViewSet(viewsets.ModelViewSet):
    # The codes are `read_permission` / `write_permission` (ReadWritePermission), not "<permission>.view/.change".
    permission = ""
    permission_classes = [ReadWritePermission]
    filter_backends = [ScopedFilterBackend]
    read_permission = "community.view"
    write_permission = community.MANAGE

    def perform_create(self, serializer) -> None:
        with audit_actor(self.request):
            serializer.save()

    def perform_update(self, serializer) -> None:
        with audit_actor(self.request):
            serializer.save()


@extend_schema_view(
    list=extend_schema(summary="Community COVID teams in the caller's jurisdiction"),
    create=extend_schema(summary="Create a community COVID team (community.manage)"),
)
class CommunityTeamViewSet(CommunityViewSet):
    """Community COVID teams (tổ COVID cộng đồng): one neighbourhood each, its leader's phone, its members."""

    serializer_class = CommunityTeamSerializer
    filterset_class = CommunityTeamFilterSet

    def get_queryset(self):
        return (
            CommunityTeam.objects.visible_to(self.request.user)
            .select_related("neighbourhood")
            .prefetch_related("members")
            .annotate(households_count=Count("households", distinct=True))
            .order_by("neighbourhood__path", "name")  # Meta.ordering does not apply to GROUP BY queries
        )

    def perform_destroy(self, instance: CommunityTeam) -> None:
        user = self.request.user
        community.check_team(user, instance)
        with audit_actor(self.request), transaction.atomic():
            instance.delete()


@extend_schema_view(
    list=extend_schema(summary="Households in the caller's jurisdiction"),
    create=extend_schema(summary="Register a household (community.manage)"),
)
class HouseholdViewSet(CommunityViewSet):
    """Households (hộ gia đình) and the community team that serves each."""

    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilterSet
    read_permission = "household.view"

    def get_queryset(self):
        return (
            Household.objects.visible_to(self.request.user)
            .select_related("neighbourhood", "community_team_link__team")
            .order_by("neighbourhood__path", "address", "head_name")
        )

    def perform_destroy(self, instance: Household) -> None:
        user = self.request.user
        if not community.manageable_neighbourhoods(user).filter(pk=instance.neighbourhood_id).exists():
            raise PermissionDenied
        with audit_actor(self.request), transaction.atomic():
            instance.delete()


ROUTES: list = [  # (prefix, viewset, basename)
    ("community-teams", CommunityTeamViewSet, "community-teams"),
    ("households", HouseholdViewSet, "households"),
]

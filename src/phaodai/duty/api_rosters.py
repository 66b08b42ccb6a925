"""API of the duty app's rosters part: duty sites (read) and rosters (read; create = generate; publish; swap).

Reading needs "duty.view", writing "duty.plan"; rows come from visible_to(user) (outside it: 404). Writes go through
the same services as the pages (duty.rosters); their ValidationError is a 400 with the same messages.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from phaodai.core.api import RolePermission, ScopedRelatedField, audit_actor, drf_errors
from phaodai.duty import rosters
from phaodai.duty.models import CoverageRule, DutySite, Roster, Shift, ShiftAssignment
from phaodai.duty.views_rosters import common_unit
from phaodai.mobilisation.api import AnyRolePermission
from phaodai.staff.models import StaffMember


class CoverageRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = CoverageRule
        fields = ["id", "name", "start_time", "end_time", "weekdays", "people", "leaders"]
        read_only_fields = fields


class DutySiteSerializer(serializers.ModelSerializer):
    coverage_rules = CoverageRuleSerializer(many=True, read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    kind = serializers.CharField(read_only=True, help_text="agency_office, command_centre, health_station, checkpoint")

    class Meta:
        model = DutySite
        fields = [
            "id",
            "name",
            "kind",
            "unit",
            "unit_name",
            "agency",
            "address",
            "phone",
            "is_active",
            "coverage_rules",
        ]
        read_only_fields = fields


class ShiftPlaceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="staff.full_name", read_only=True)

    class Meta:
        model = ShiftAssignment
        fields = ["id", "staff", "name", "as_leader"]
        read_only_fields = fields


class ShiftSerializer(serializers.ModelSerializer):
    assignments = ShiftPlaceSerializer(many=True, read_only=True)

    class Meta:
        model = Shift
        fields = ["id", "site", "name", "start", "end", "people", "leaders", "assignments"]
        read_only_fields = fields


class RosterSerializer(serializers.ModelSerializer):
    messages = serializers.SerializerMethodField(help_text="Why no roster meets every rule, in the caller's language.")
    shifts = ShiftSerializer(many=True, read_only=True)
    status = serializers.CharField(read_only=True, help_text="draft, published or superseded")

    class Meta:
        model = Roster
        fields = [
            "id",
            "unit",
            "sites",
            "start_date",
            "end_date",
            "max_hours_per_week",
            "min_rest_hours",
            "status",
            "version",
            "previous",
            "solver",
            "messages",
            "published_at",
            "shifts",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_messages(self, roster: Roster) -> list[str]:
        return rosters.messages_of(roster)


class RosterListSerializer(RosterSerializer):
    class Meta(RosterSerializer.Meta):
        fields = [f for f in RosterSerializer.Meta.fields if f != "shifts"]
        read_only_fields = fields


class GenerateSerializer(serializers.Serializer):
    sites = serializers.ListField(child=ScopedRelatedField(DutySite), allow_empty=False)
    start = serializers.DateField()
    end = serializers.DateField()
    max_hours_per_week = serializers.IntegerField(default=48)
    min_rest_hours = serializers.IntegerField(default=12)
    pool = serializers.ListField(child=ScopedRelatedField(StaffMember), required=False)


class SwapSerializer(serializers.Serializer):
    first = serializers.IntegerField(help_text="id of a place (shift assignment) on this roster")
    second = serializers.IntegerField(help_text="id of another place on this roster")


class DutySiteViewSet(viewsets.ReadOnlyModelViewSet):
    permission = "duty"
    permission_classes = [RolePermission]
    serializer_class = DutySiteSerializer

    def get_queryset(self):
        return DutySite.objects.visible_to(self.request.user).select_related("unit").prefetch_related("coverage_rules")


class RosterViewSet(viewsets.ReadOnlyModelViewSet):
    permission = "duty"
    permission_classes = [RolePermission]

    def get_permissions(self):
        # reading: duty.view (RolePermission); generating, publishing and swapping: duty.plan
        if self.request is not None and self.request.method not in ("GET", "HEAD", "OPTIONS"):
            return [AnyRolePermission(("duty.plan",))]
        return super().get_permissions()

    def get_queryset(self):
        qs = Roster.objects.visible_to(self.request.user).select_related("unit").prefetch_related("sites")
        if self.action != "list":
            qs = qs.prefetch_related("shifts__assignments__staff")
        return qs

    def get_serializer_class(self):
        return RosterListSerializer if self.action == "list" else RosterSerializer

    def call(self, service, *args, **kwargs):
        try:
            with audit_actor(self.request):
                return service(*args, **kwargs)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(drf_errors(exc)) from exc
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc) or None) from exc

    @extend_schema(request=GenerateSerializer, responses={201: RosterSerializer})
    def create(self, request):
        """Generate a roster (solved in the request, at most 20 seconds)."""
        data = GenerateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        d = data.validated_data
        roster = self.call(
            rosters.generate_roster,
            request.user,
            unit=common_unit(d["sites"]),
            sites=d["sites"],
            start=d["start"],
            end=d["end"],
            pool=d.get("pool"),
            max_hours_per_week=d["max_hours_per_week"],
            min_rest_hours=d["min_rest_hours"],
            time_limit=20,
        )
        return Response(RosterSerializer(roster, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=RosterSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        roster = self.call(rosters.publish, request.user, self.get_object())
        return Response(RosterSerializer(roster, context={"request": request}).data)

    @extend_schema(request=SwapSerializer, responses=RosterSerializer)
    @action(detail=True, methods=["post"])
    def swap(self, request, pk=None):
        roster = self.get_object()
        data = SwapSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        places = ShiftAssignment.objects.filter(shift__roster=roster).select_related("shift", "staff")
        first = get_object_or_404(places, pk=data.validated_data["first"])
        second = get_object_or_404(places, pk=data.validated_data["second"])
        result = self.call(rosters.swap, request.user, roster, first, second)
        return Response(RosterSerializer(result, context={"request": request}).data)


ROUTES: list = [
    ("duty-sites", DutySiteViewSet, "duty-sites"),
    ("rosters", RosterViewSet, "rosters"),
]

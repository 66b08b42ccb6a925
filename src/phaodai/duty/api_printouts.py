"""API of the duty app's printouts part: the caller's own shifts (ROUTES are registered by phaodai.api_urls).

`my-shifts` needs no role permission, only a login linked to a civil-servant record: like the page, it lists the
caller's own places on shifts of published rosters, nobody else's (a login without a record gets an empty list).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, viewsets

from phaodai.duty.models import ShiftAssignment
from phaodai.duty.my_shifts import published_assignments


class ShiftColleagueSerializer(serializers.Serializer):
    full_name = serializers.CharField(source="staff.full_name")
    phone = serializers.CharField(source="staff.phone")
    as_leader = serializers.BooleanField()


class MyShiftSerializer(serializers.ModelSerializer):
    """One of the caller's places on a shift: when, where, and who else is on it."""

    shift = serializers.IntegerField(source="shift_id")
    roster = serializers.IntegerField(source="shift.roster_id")
    roster_version = serializers.IntegerField(source="shift.roster.version")
    shift_name = serializers.CharField(source="shift.name")
    start = serializers.DateTimeField(source="shift.start")
    end = serializers.DateTimeField(source="shift.end")
    site = serializers.IntegerField(source="shift.site_id")
    site_name = serializers.CharField(source="shift.site.name")
    site_address = serializers.CharField(source="shift.site.address")
    site_phone = serializers.CharField(source="shift.site.phone")
    colleagues = serializers.SerializerMethodField(help_text="The other people on the shift, leader first.")

    class Meta:
        model = ShiftAssignment
        fields = [
            "id",
            "shift",
            "roster",
            "roster_version",
            "shift_name",
            "start",
            "end",
            "as_leader",
            "site",
            "site_name",
            "site_address",
            "site_phone",
            "colleagues",
        ]
        read_only_fields = fields

    @extend_schema_field(ShiftColleagueSerializer(many=True))
    def get_colleagues(self, row: ShiftAssignment) -> list[dict]:
        others = [a for a in row.shift.assignments.all() if a.staff_id != row.staff_id]
        others.sort(key=lambda a: (not a.as_leader, a.staff.search_name))
        return ShiftColleagueSerializer(others, many=True).data


PAST = OpenApiParameter(
    "past",
    OpenApiTypes.BOOL,
    description="Also list shifts already over (default: only those not yet over).",
)


@extend_schema_view(list=extend_schema(parameters=[PAST], summary="The caller's own shifts of published rosters"))
class MyShiftViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's own shifts of published duty rosters (never a draft nor a superseded version), soonest first."""

    permission = None  # any logged-in person; only their own shifts (found through their civil-servant record)
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = MyShiftSerializer
    queryset = ShiftAssignment.objects.none()
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ShiftAssignment.objects.none()
        rows = published_assignments(getattr(self.request.user, "staff_member_id", None))
        past = self.request.query_params.get("past", "").lower()
        if past not in ("", "true", "false", "1", "0"):
            raise exceptions.ValidationError({"past": [_("Give true or false.")]})
        if past not in ("true", "1"):
            rows = rows.filter(shift__end__gt=timezone.now())
        return rows.prefetch_related("shift__assignments__staff")


ROUTES: list = [("my-shifts", MyShiftViewSet, "my-shifts")]  # (prefix, viewset, basename)

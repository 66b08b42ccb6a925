"""API of the reporting app's reports part: team reports and delegation reports (issue #5, items 8 and 10).

Reading needs reporting.view and shows the rows of `visible_to(user)`; creating goes through the same services as
the pages (a team's leader: reporting.submit; a delegation's head or deputy: reporting.consolidate). A client sends
an `Idempotency-Key` header: the same key again answers 200 with the submission stored the first time, and stores
nothing (a double tap, or a retry after a lost answer, never makes two reports). Errors are 400 with the messages.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.response import Response

from phaodai.core.api import RolePermission, ScopedFilterBackend, ScopedRelatedField, drf_errors
from phaodai.mobilisation.api import AnyRolePermission
from phaodai.mobilisation.models import Delegation, Team
from phaodai.reporting import deadlines
from phaodai.reporting.delegation_reports import submit_delegation_report
from phaodai.reporting.forms_reports import DelegationReportFilterSet, TeamReportFilterSet
from phaodai.reporting.models import DelegationReport, DelegationReportVersion, TeamReport, TeamReportVersion
from phaodai.reporting.team_reports import submit_team_report
from phaodai.reporting.views_reports import delegations_for, teams_for

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="A unique string per submission (e.g. a UUID), at most 80 characters. Sending the same key again "
    "returns the submission stored the first time with status 200 and stores nothing.",
)


class TeamReportVersionSerializer(serializers.ModelSerializer):
    submitted_by = serializers.CharField(source="submitted_by.username", read_only=True)
    form = serializers.CharField(source="form_version.form.code", read_only=True)
    form_version_number = serializers.IntegerField(source="form_version.number", read_only=True)
    values = serializers.DictField(read_only=True, help_text="Field key → value (whole number or text).")

    class Meta:
        model = TeamReportVersion
        fields = ["number", "form", "form_version", "form_version_number", "values", "submitted_by", "submitted_at"]
        read_only_fields = fields


class TeamReportSerializer(serializers.ModelSerializer):
    team_name = serializers.CharField(source="team.name", read_only=True)
    delegation = serializers.IntegerField(source="team.delegation_id", read_only=True)
    delegation_name = serializers.CharField(source="team.delegation.name", read_only=True)
    is_late = serializers.BooleanField(read_only=True)
    versions = TeamReportVersionSerializer(many=True, read_only=True, help_text="Every version, the latest first.")

    class Meta:
        model = TeamReport
        fields = [
            "id",
            "team",
            "team_name",
            "delegation",
            "delegation_name",
            "day",
            "deadline",
            "first_submitted_at",
            "minutes_late",
            "is_late",
            "last_submitted_at",
            "version_count",
            "versions",
        ]
        read_only_fields = fields


class TeamReportSubmissionSerializer(serializers.Serializer):
    """One submission as stored: its report slot and the version it made."""

    report = serializers.IntegerField(source="report.pk")
    team = serializers.IntegerField(source="report.team_id")
    day = serializers.DateField(source="report.day")
    version = serializers.IntegerField(source="number")
    values = serializers.DictField()
    submitted_at = serializers.DateTimeField()
    first_submitted_at = serializers.DateTimeField(source="report.first_submitted_at")
    minutes_late = serializers.IntegerField(source="report.minutes_late", help_text="Of the first submission.")


class TeamReportInputSerializer(serializers.Serializer):
    team = ScopedRelatedField(Team, choices=teams_for)
    day = serializers.DateField(required=False, help_text="The local day reported on; default: today (local).")
    values = serializers.DictField(help_text="Field key → value, by the team's report form.")


def _idempotency_key(request) -> str:
    return request.headers.get("Idempotency-Key", "")


class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    permission = "reporting"
    permission_classes = [RolePermission]
    filter_backends = [ScopedFilterBackend]
    create_permission = ""

    def get_permissions(self):
        if getattr(self, "action", None) == "create":
            return [AnyRolePermission((self.create_permission,))]
        return super().get_permissions()

    def call(self, service, *args, **kwargs):
        try:
            return service(*args, **kwargs)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(drf_errors(exc)) from exc
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc) or None) from exc


class TeamReportViewSet(ReportViewSet):
    """Team reports (báo cáo của tổ) in the caller's scope, each with all its versions.

    POST submits the report of a team the caller leads (reporting.submit): the first submission of the day fixes
    the lateness; another is a correction (a new version). Send an `Idempotency-Key` header.
    """

    serializer_class = TeamReportSerializer
    filterset_class = TeamReportFilterSet
    create_permission = "reporting.submit"

    def get_queryset(self):
        versions = TeamReportVersion.objects.select_related("submitted_by", "form_version__form").order_by("-number")
        return (
            TeamReport.objects.visible_to(self.request.user)
            .select_related("team__delegation")
            .prefetch_related(Prefetch("versions", queryset=versions))
        )

    @extend_schema(
        request=TeamReportInputSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: TeamReportSubmissionSerializer, 200: TeamReportSubmissionSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = TeamReportInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        team = data.validated_data["team"]
        day = data.validated_data.get("day") or deadlines.local_day(team.delegation)
        version = self.call(
            submit_team_report,
            request.user,
            team,
            day,
            data.validated_data["values"],
            idempotency_key=_idempotency_key(request),
        )
        code = status.HTTP_200_OK if version.is_replay else status.HTTP_201_CREATED
        return Response(TeamReportSubmissionSerializer(version).data, status=code)


class DelegationReportVersionSerializer(serializers.ModelSerializer):
    submitted_by = serializers.CharField(source="submitted_by.username", read_only=True)
    totals = serializers.DictField(read_only=True, help_text="Field key → sum over the teams that reported.")
    missing_teams = serializers.ListField(child=serializers.CharField(), read_only=True)
    team_versions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = DelegationReportVersion
        fields = [
            "number",
            "totals",
            "narrative",
            "proposals",
            "missing_teams",
            "team_versions",
            "submitted_by",
            "submitted_at",
        ]
        read_only_fields = fields


class DelegationReportSerializer(serializers.ModelSerializer):
    delegation_name = serializers.CharField(source="delegation.name", read_only=True)
    is_late = serializers.BooleanField(read_only=True)
    versions = DelegationReportVersionSerializer(many=True, read_only=True)

    class Meta:
        model = DelegationReport
        fields = [
            "id",
            "delegation",
            "delegation_name",
            "day",
            "deadline",
            "first_submitted_at",
            "minutes_late",
            "is_late",
            "last_submitted_at",
            "version_count",
            "versions",
        ]
        read_only_fields = fields


class DelegationReportSubmissionSerializer(serializers.Serializer):
    report = serializers.IntegerField(source="report.pk")
    delegation = serializers.IntegerField(source="report.delegation_id")
    day = serializers.DateField(source="report.day")
    version = serializers.IntegerField(source="number")
    totals = serializers.DictField()
    missing_teams = serializers.ListField(child=serializers.CharField())
    narrative = serializers.CharField()
    proposals = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    first_submitted_at = serializers.DateTimeField(source="report.first_submitted_at")
    minutes_late = serializers.IntegerField(source="report.minutes_late")


class DelegationReportInputSerializer(serializers.Serializer):
    delegation = ScopedRelatedField(Delegation, choices=delegations_for)
    day = serializers.DateField(required=False, help_text="The local day reported on; default: today (local).")
    narrative = serializers.CharField(required=False, allow_blank=True, default="")
    proposals = serializers.CharField(required=False, allow_blank=True, default="")


class DelegationReportViewSet(ReportViewSet):
    """Delegation reports (báo cáo của đoàn) in the caller's scope, each with all its versions.

    POST sends the consolidation of a delegation the caller heads or deputises (reporting.consolidate): the team
    figures summed as they stand, the teams still missing, the narrative and proposals. Send an `Idempotency-Key`.
    """

    serializer_class = DelegationReportSerializer
    filterset_class = DelegationReportFilterSet
    create_permission = "reporting.consolidate"

    def get_queryset(self):
        versions = DelegationReportVersion.objects.select_related("submitted_by").order_by("-number")
        return (
            DelegationReport.objects.visible_to(self.request.user)
            .select_related("delegation")
            .prefetch_related(Prefetch("versions", queryset=versions), "versions__team_versions")
        )

    @extend_schema(
        request=DelegationReportInputSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: DelegationReportSubmissionSerializer, 200: DelegationReportSubmissionSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = DelegationReportInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        v = data.validated_data
        delegation = v["delegation"]
        day = v.get("day") or deadlines.local_day(delegation)
        version = self.call(
            submit_delegation_report,
            request.user,
            delegation,
            day,
            v["narrative"],
            v["proposals"],
            idempotency_key=_idempotency_key(request),
        )
        code = status.HTTP_200_OK if version.is_replay else status.HTTP_201_CREATED
        return Response(DelegationReportSubmissionSerializer(version).data, status=code)


ROUTES: list = [
    ("team-reports", TeamReportViewSet, "team-reports"),
    ("delegation-reports", DelegationReportViewSet, "delegation-reports"),
]

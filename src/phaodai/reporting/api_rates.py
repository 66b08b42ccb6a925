"""API of reporting timeliness and completeness (read-only): the rates and "not reported yet".

- `GET /api/reporting-rates/?from=&to=&level=&kind=`: one row per team, delegation, commune, district or city in the
  caller's scope, with the counts and DHIS2 rates of team reports (`kind=team`, the default) or of delegation
  reports (`kind=delegation`). `GET /api/reporting-rates/{delegation id}/` is one delegation's row.
- `GET /api/not-reported/?day=`: the delegations with a report missing after its deadline (their own, or some of
  their teams'), with the names and phones to call; `/api/not-reported/{delegation id}/` is one delegation's.
  Needs reporting.coordinate.

Rows come from the delegations the caller sees (another jurisdiction's delegation is a 404); bad input is a 400
with the pages' messages. The rules and definitions are reporting.rates'.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions, serializers, viewsets
from rest_framework.response import Response

from phaodai.core.api import RolePermission, drf_errors
from phaodai.mobilisation.models import Delegation
from phaodai.reporting import deadlines, rates

# --------------------------------------------------------------------------------------------------------------
# Input


class RangeQuerySerializer(serializers.Serializer):
    to = serializers.DateField(required=False, help_text="Last day (default: today).")
    level = serializers.ChoiceField(choices=list(rates.LEVELS), required=False, default=rates.DELEGATION)
    kind = serializers.ChoiceField(choices=list(rates.KINDS), required=False, default=rates.TEAM)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # "from" is a Python keyword, so it cannot be declared like the others.
        fields["from"] = serializers.DateField(required=False, help_text="First day (default: six days before `to`).")
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        today = timezone.localdate()
        attrs["to"] = attrs.get("to") or today
        attrs["from"] = attrs.get("from") or attrs["to"] - timedelta(days=6)
        try:
            rates.check_range(attrs["from"], attrs["to"], attrs["level"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError(drf_errors(exc)) from exc
        if attrs["level"] == rates.TEAM and attrs["kind"] == rates.DELEGATION:
            raise serializers.ValidationError(
                {"kind": [_("Teams send no delegation report: choose another level, or kind=team.")]}
            )
        return attrs


class DayQuerySerializer(serializers.Serializer):
    day = serializers.DateField(required=False, help_text="The day (default: today).")


def _query(serializer_class: type[serializers.Serializer], request) -> dict[str, Any]:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


RANGE_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day, YYYY-MM-DD (default: six days before `to`)."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day, YYYY-MM-DD (default: today)."),
    OpenApiParameter("kind", str, enum=list(rates.KINDS), description="Team reports (default) or delegation reports."),
]
LEVEL_PARAMETER = OpenApiParameter(
    "level", str, enum=list(rates.LEVELS), description="Group the rows by (default: delegation)."
)
DAY_PARAMETER = OpenApiParameter("day", OpenApiTypes.DATE, description="The day, YYYY-MM-DD (default: today).")


# --------------------------------------------------------------------------------------------------------------
# Rates


class RateRowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text='"team:<id>", "delegation:<id>" or "unit:<id>".')
    label = serializers.CharField()
    context = serializers.CharField(help_text="What the row belongs to (the team's delegation, the unit above, …).")
    expected = serializers.IntegerField()
    received = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    missing = serializers.IntegerField()
    reporting_rate = serializers.FloatField(allow_null=True, help_text="received ÷ expected × 100; null: none expected")
    on_time_rate = serializers.FloatField(allow_null=True, help_text="on time ÷ expected × 100; null: none expected")


def _rate_row(row: rates.RateRow, kind: str) -> dict[str, Any]:
    counts = row.team if kind == rates.TEAM else row.delegation
    return {"key": row.key, "label": row.label, "context": row.context, **counts.as_dict()}


class ReportingRateViewSet(viewsets.ReadOnlyModelViewSet):
    """Reporting rates (DHIS2 definitions) for a range of days in the caller's scope; see reporting.rates."""

    permission = "reporting"
    permission_classes = [RolePermission]
    filter_backends: list = []
    serializer_class = RateRowSerializer

    def get_queryset(self):
        return rates.scoped_delegations(self.request.user)

    def _rates(self, data: dict[str, Any], level: str, delegations=None) -> rates.Rates:
        try:
            return rates.reporting_rates(self.request.user, data["from"], data["to"], level, delegations=delegations)
        except DjangoValidationError as exc:  # pragma: no cover - the query serializer checks the same
            raise exceptions.ValidationError(drf_errors(exc)) from exc

    @extend_schema(parameters=[*RANGE_PARAMETERS, LEVEL_PARAMETER])
    def list(self, request, *args, **kwargs):
        data = _query(RangeQuerySerializer, request)
        result = self._rates(data, data["level"])
        page = self.paginate_queryset([_rate_row(row, data["kind"]) for row in result.rows])
        return self.get_paginated_response(RateRowSerializer(page, many=True).data)

    @extend_schema(parameters=RANGE_PARAMETERS)
    def retrieve(self, request, *args, **kwargs):
        delegation = self.get_object()
        data = _query(RangeQuerySerializer, request)
        result = self._rates(data, rates.DELEGATION, self.get_queryset().filter(pk=delegation.pk))
        row = result.rows[0] if result.rows else rates.RateRow(f"delegation:{delegation.pk}", delegation.name, "")
        return Response(RateRowSerializer(_rate_row(row, data["kind"])).data)


# --------------------------------------------------------------------------------------------------------------
# Not reported yet


class CoordinatePermission(permissions.BasePermission):
    message = gettext_lazy("Your role does not allow this.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_role_perm("reporting.coordinate"))


class MissingTeamSerializer(serializers.Serializer):
    team = serializers.IntegerField()
    team_name = serializers.CharField()
    leader_name = serializers.CharField()
    leader_phone = serializers.CharField()
    deadline = serializers.DateTimeField()


class NotReportedSerializer(serializers.Serializer):
    delegation = serializers.IntegerField()
    delegation_name = serializers.CharField()
    commune = serializers.CharField()
    head_name = serializers.CharField()
    head_phone = serializers.CharField()
    day = serializers.DateField()
    report_deadline = serializers.DateTimeField()
    report_missing = serializers.BooleanField(help_text="The delegation's own report is missing after its deadline.")
    missing_teams = MissingTeamSerializer(many=True, help_text="Its teams whose report is missing after theirs.")


def _not_reported_rows(result: rates.NotReported, delegations: list[Delegation], day: date) -> list[dict[str, Any]]:
    teams: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for m in result.teams:
        teams[m.delegation.pk].append(
            {
                "team": m.team.pk,
                "team_name": m.team.name,
                "leader_name": m.leader_name,
                "leader_phone": m.leader_phone,
                "deadline": m.deadline,
            }
        )
    missing = {m.delegation.pk for m in result.delegations}
    return [
        {
            "delegation": d.pk,
            "delegation_name": d.name,
            "commune": rates.commune_of(d).name,
            "head_name": d.head.full_name,
            "head_phone": d.head.phone,
            "day": day,
            "report_deadline": deadlines.delegation_deadline(d, day),
            "report_missing": d.pk in missing,
            "missing_teams": teams.get(d.pk, []),
        }
        for d in delegations
    ]


class NotReportedViewSet(viewsets.ReadOnlyModelViewSet):
    """Who has not reported after the deadline on a day: what a coordinator phones down at 17:05."""

    permission = "reporting"
    permission_classes = [RolePermission, CoordinatePermission]
    filter_backends: list = []
    serializer_class = NotReportedSerializer

    def get_queryset(self):
        return rates.scoped_delegations(self.request.user)

    def _day(self) -> date:
        return _query(DayQuerySerializer, self.request).get("day") or timezone.localdate()

    @extend_schema(parameters=[DAY_PARAMETER])
    def list(self, request, *args, **kwargs):
        day = self._day()
        result = rates.not_reported(request.user, day, timezone.now())
        with_something_missing = {m.delegation.pk: m.delegation for m in result.teams}
        with_something_missing |= {m.delegation.pk: m.delegation for m in result.delegations}
        ordered = sorted(with_something_missing.values(), key=lambda d: (d.target_unit.path, d.name))
        page = self.paginate_queryset(_not_reported_rows(result, ordered, day))
        return self.get_paginated_response(NotReportedSerializer(page, many=True).data)

    @extend_schema(parameters=[DAY_PARAMETER])
    def retrieve(self, request, *args, **kwargs):
        delegation = self.get_object()
        day = self._day()
        one = self.get_queryset().filter(pk=delegation.pk)
        result = rates.not_reported(request.user, day, timezone.now(), delegations=one)
        [row] = _not_reported_rows(result, [delegation], day)
        return Response(NotReportedSerializer(row).data)


ROUTES: list = [
    ("reporting-rates", ReportingRateViewSet, "reporting-rates"),
    ("not-reported", NotReportedViewSet, "not-reported"),
]

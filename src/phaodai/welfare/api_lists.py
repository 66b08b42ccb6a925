"""API of welfare programmes, lists (with the approval actions), distributions and the two reports.

Reading needs welfare.view and only shows the caller's area; each action names its own permission and runs the same
service as the pages (a ValidationError is a 400 with the same messages, a PermissionDenied a 403).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from phaodai.core.api import RolePermission, ScopedFilterBackend, audit_actor, drf_errors
from phaodai.mobilisation.api import AnyRolePermission
from phaodai.welfare import distributions, lists, reports
from phaodai.welfare.forms_filters import DistributionFilterSet, ProgrammeFilterSet, SupportListFilterSet
from phaodai.welfare.models import Distribution, ListEntry, Programme, SupportList


class WelfareViewSet(viewsets.ReadOnlyModelViewSet):
    permission = "welfare"
    permission_classes = [RolePermission]
    filter_backends = [ScopedFilterBackend]
    action_permissions: dict[str, tuple[str, ...]] = {}

    def get_permissions(self):
        codes = self.action_permissions.get(getattr(self, "action", None) or "")
        return [AnyRolePermission(codes)] if codes else super().get_permissions()

    def call(self, service, *args, **kwargs):
        try:
            with audit_actor(self.request):
                return service(*args, **kwargs)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(drf_errors(exc)) from exc
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc) or None) from exc


class ProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["id", "unit", "name", "legal_basis", "categories", "benefit_kind", "amount", "goods"]
        fields += ["beneficiary", "times", "start_date", "end_date"]
        read_only_fields = fields


class MissedSerializer(serializers.Serializer):
    household = serializers.IntegerField()
    person = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    address = serializers.CharField()
    eligible_as = serializers.CharField()


class DuplicateEntrySerializer(serializers.Serializer):
    entry = serializers.IntegerField(source="pk")
    support_list = serializers.IntegerField(source="support_list_id")
    household = serializers.IntegerField(source="household_id")
    person = serializers.IntegerField(source="person_id", allow_null=True)


class DuplicateGroupSerializer(serializers.Serializer):
    who = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())
    entries = DuplicateEntrySerializer(many=True)


class ProgrammeViewSet(WelfareViewSet):
    """Support programmes; `missed` and `duplicates` are the two reports for one programme."""

    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilterSet

    def get_queryset(self):
        return Programme.objects.visible_to(self.request.user)

    @extend_schema(responses=MissedSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[])
    def missed(self, request, pk=None):
        programme = self.get_object()
        rows = []
        for r in reports.missed(programme, request.user):
            household = r.household if reports.per_person(programme) else r
            rows.append(
                {
                    "household": household.pk,
                    "person": r.pk if household is not r else None,
                    "name": getattr(r, "full_name", None) or household.head_name,
                    "address": household.address,
                    "eligible_as": reports.eligible_for(programme, r),
                }
            )
        return Response(MissedSerializer(rows, many=True).data)

    @extend_schema(responses=DuplicateGroupSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[])
    def duplicates(self, request, pk=None):
        groups = reports.duplicates(self.get_object(), request.user)
        data = [{"who": g.who, "reasons": sorted(g.reasons), "entries": g.entries} for g in groups]
        return Response(DuplicateGroupSerializer(data, many=True).data)


class EntrySerializer(serializers.ModelSerializer):
    category = serializers.CharField(read_only=True, help_text="The category that makes the entry eligible, if any.")

    class Meta:
        model = ListEntry
        fields = ["id", "household", "person", "category", "written", "row_number"]
        read_only_fields = fields


class SupportListSerializer(serializers.ModelSerializer):
    status = serializers.CharField(
        read_only=True, help_text="draft, submitted, checked, approved, rejected or superseded."
    )
    entries = EntrySerializer(many=True, read_only=True)

    class Meta:
        model = SupportList
        fields = ["id", "programme", "commune", "revision", "previous", "status", "rejection_reason", "note"]
        fields += ["submitted_at", "checked_at", "approved_at", "entries"]
        read_only_fields = fields


REASON = inline_serializer("RejectReason", {"reason": serializers.CharField()})


class SupportListViewSet(WelfareViewSet):
    """Support lists of the caller's area, with their entries; POST actions move them along the approval path."""

    serializer_class = SupportListSerializer
    filterset_class = SupportListFilterSet
    action_permissions = {
        "submit": ("welfare.edit",),
        "check": ("welfare.check",),
        "approve": ("welfare.approve",),
        "reject": ("welfare.check", "welfare.approve"),
        "revise": ("welfare.edit",),
    }

    def get_queryset(self):
        return SupportList.objects.visible_to(self.request.user).prefetch_related("entries")

    def _step(self, service, *args):
        result = self.call(service, self.request.user, self.get_object(), *args)
        return Response(SupportListSerializer(result).data)

    @extend_schema(request=None, responses=SupportListSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._step(lists.submit)

    @extend_schema(request=None, responses=SupportListSerializer)
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        return self._step(lists.check)

    @extend_schema(request=None, responses=SupportListSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step(lists.approve)

    @extend_schema(request=REASON, responses=SupportListSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._step(lists.reject, str(request.data.get("reason", "")))

    @extend_schema(request=None, responses=SupportListSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        return self._step(lists.revise)


class DistributionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Distribution
        fields = ["id", "programme", "household", "person", "list_entry", "occurrence", "programme_times"]
        fields += ["received_on", "amount", "goods", "given_by"]
        read_only_fields = fields


class RecordSerializer(serializers.Serializer):
    list_entry = serializers.IntegerField()
    received_on = serializers.DateField()
    given_by = serializers.CharField()
    amount = serializers.IntegerField(required=False, allow_null=True)
    goods = serializers.CharField(required=False, allow_blank=True)


class DistributionViewSet(WelfareViewSet):
    """Who received what, when, from whom; `record` (welfare.distribute) adds one for an approved list's entry."""

    serializer_class = DistributionSerializer
    filterset_class = DistributionFilterSet
    action_permissions = {"record": ("welfare.distribute",)}

    def get_queryset(self):
        return Distribution.objects.visible_to(self.request.user)

    @extend_schema(request=RecordSerializer, responses={201: DistributionSerializer}, filters=False)
    @action(detail=False, methods=["post"], filter_backends=[])
    def record(self, request):
        data = RecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        visible = SupportList.objects.visible_to(request.user)
        entry = ListEntry.objects.filter(support_list__in=visible, pk=values.pop("list_entry")).first()
        if entry is None:
            raise exceptions.NotFound()
        values["goods"] = values.get("goods") or ""
        result = self.call(distributions.record, request.user, entry, **values)
        return Response(DistributionSerializer(result).data, status=201)


ROUTES: list = [
    ("welfare/programmes", ProgrammeViewSet, "welfare-programmes"),
    ("welfare/lists", SupportListViewSet, "welfare-lists"),
    ("welfare/distributions", DistributionViewSet, "welfare-distributions"),
]

"""API of the reporting app's forms part: ROUTES are registered by phaodai.api_urls.

`report-forms`: the daily report forms with every version (reporting.view); `POST /report-forms/{id}/publish/`
publishes a new version (reporting.forms), checked by forms_schema exactly as in the editor.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from phaodai.core.api import RolePermission, audit_actor, drf_errors
from phaodai.mobilisation.api import AnyRolePermission
from phaodai.reporting import form_admin
from phaodai.reporting.models import ReportForm, ReportFormVersion


class FieldLabelSerializer(serializers.Serializer):
    vi = serializers.CharField()
    en = serializers.CharField()


class FieldChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = FieldLabelSerializer()


class FieldDefinitionSerializer(serializers.Serializer):
    """One field of a form version (see reporting.models.ReportFormVersion)."""

    key = serializers.CharField(help_text="Unique lowercase slug, e.g. households_visited.")
    label = FieldLabelSerializer()
    kind = serializers.ChoiceField(choices=["number", "text", "choice"])
    required = serializers.BooleanField(required=False, default=False)
    carry_over = serializers.BooleanField(
        required=False, default=False, help_text="Pre-filled from the team's previous report."
    )
    sum = serializers.BooleanField(
        required=False, help_text="Added up in the delegation's consolidation (numbers only; default for numbers)."
    )
    choices = FieldChoiceSerializer(many=True, required=False, help_text="Choice fields only: at least 2.")


class ReportFormVersionSerializer(serializers.ModelSerializer):
    fields = FieldDefinitionSerializer(many=True, read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = ReportFormVersion
        fields = ["id", "number", "fields", "created_by", "created_at"]
        read_only_fields = fields


class ReportFormSerializer(serializers.ModelSerializer):
    versions = ReportFormVersionSerializer(many=True, read_only=True, help_text="Newest first.")
    current_version = serializers.SerializerMethodField()

    class Meta:
        model = ReportForm
        fields = ["id", "code", "name", "task", "is_active", "current_version", "versions"]
        read_only_fields = fields

    def get_current_version(self, form: ReportForm) -> int | None:
        versions = list(form.versions.all())
        return versions[0].number if versions else None


class ReportFormViewSet(viewsets.ReadOnlyModelViewSet):
    """The daily report forms (forms as data), with every version they have had.

    `publish` adds a new version from a list of field definitions (reporting.forms); stored reports keep the version
    they were made with. Errors come back as 400 with one message per problem, naming the field.
    """

    permission = "reporting"
    permission_classes = [RolePermission]
    serializer_class = ReportFormSerializer
    action_permissions = {"publish": (form_admin.PERMISSION,)}

    def get_permissions(self):
        codes = self.action_permissions.get(getattr(self, "action", None) or "")
        return [AnyRolePermission(codes)] if codes else super().get_permissions()

    def get_queryset(self):
        versions = ReportFormVersion.objects.select_related("created_by").order_by("-number")
        return (
            ReportForm.objects.visible_to(self.request.user)
            .prefetch_related(Prefetch("versions", queryset=versions))
            .order_by("-is_active", "task", "name")
        )

    @extend_schema(
        request=inline_serializer(name="PublishFormVersion", fields={"fields": FieldDefinitionSerializer(many=True)}),
        responses={201: ReportFormSerializer},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        form = self.get_object()
        fields = request.data.get("fields") if hasattr(request.data, "get") else None
        try:
            with audit_actor(request):
                form_admin.publish_version(request.user, form, fields)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError({"fields": drf_errors(exc)}) from exc
        fresh = self.get_queryset().get(pk=form.pk)
        return Response(
            ReportFormSerializer(fresh, context=self.get_serializer_context()).data, status.HTTP_201_CREATED
        )


ROUTES: list = [("report-forms", ReportFormViewSet, "report-forms")]  # (prefix, viewset, basename)

"""API of the welfare app's imports part: ROUTES are registered by phaodai.api_urls.

/api/welfare-imports/: the draft support lists the caller may import into (list, read); POST a workbook with the
commune (and optionally a neighbourhood and a draft list) → the preview: the sheets, the header found, the proposed
mapping with its confidence, the first rows as they will be read and every problem (row, column, message), and a
token; POST …/confirm/ with the token (and, optionally, the corrected sheet, header row or mapping) → everything is
imported, or nothing (400 with the problems). Everything needs welfare.import; other communes' lists are a 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, parsers, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from phaodai.core.api import RolePermission, drf_errors
from phaodai.welfare import import_apply, importing
from phaodai.welfare import import_mapping as mapping
from phaodai.welfare.forms_imports import check_upload
from phaodai.welfare.models import SupportList


class ImportPermission(permissions.BasePermission):
    """Every action of the importer needs welfare.import (reading the targets too: they exist for importing)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_role_perm("welfare.import"))


class TargetSerializer(serializers.ModelSerializer):
    programme = serializers.CharField(source="programme.name", read_only=True)
    commune_name = serializers.CharField(source="commune.name", read_only=True)

    class Meta:
        model = SupportList
        fields = ["id", "programme", "commune", "commune_name", "revision", "status"]
        read_only_fields = fields


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The workbook (.xlsx), at most 50 MB.")
    commune = serializers.IntegerField(help_text="The commune to import into (one of the caller's).")
    neighbourhood = serializers.IntegerField(required=False, help_text="For rows that name no neighbourhood.")
    support_list = serializers.IntegerField(required=False, help_text="A draft support list of the commune.")
    sheet = serializers.CharField(required=False, help_text='A sheet title, or "*" for every sheet with the header.')
    header_row = serializers.IntegerField(required=False, min_value=1, max_value=importing.HEADER_ROWS)

    def validate_file(self, upload):
        try:
            check_upload(upload)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return upload


class ConfirmSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The token of the preview.")
    sheet = serializers.CharField(required=False)
    header_row = serializers.IntegerField(required=False, min_value=1, max_value=importing.HEADER_ROWS)
    mapping = serializers.DictField(
        child=serializers.ChoiceField(choices=["", *mapping.FIELD_LABELS]),
        required=False,
        help_text='Column index (0-based, as text) → field ("" = not read).',
    )


class ProblemSerializer(serializers.Serializer):
    sheet = serializers.CharField()
    row = serializers.IntegerField(help_text="Excel row number (0: the file or sheet as a whole).")
    column = serializers.CharField(help_text="The header as written in the file.")
    letter = serializers.CharField()
    message = serializers.CharField()
    code = serializers.CharField()


class ColumnSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    letter = serializers.CharField()
    label = serializers.CharField()
    field = serializers.CharField(help_text='The field read from the column ("" = not read).')
    confidence = serializers.FloatField()


class SheetSerializer(serializers.Serializer):
    title = serializers.CharField()
    header_row = serializers.IntegerField(help_text="Last header row (0: no header found).")
    first_header_row = serializers.IntegerField()
    score = serializers.FloatField()


class PreviewSerializer(serializers.Serializer):
    token = serializers.CharField()
    filename = serializers.CharField()
    sheets = SheetSerializer(many=True)
    chosen = serializers.ListField(child=serializers.CharField())
    columns = ColumnSerializer(many=True)
    rows = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
    row_count = serializers.IntegerField()
    new_households = serializers.IntegerField()
    new_people = serializers.IntegerField()
    problems = ProblemSerializer(many=True)
    ok = serializers.BooleanField()


class OutcomeSerializer(serializers.Serializer):
    households_created = serializers.IntegerField()
    households_reused = serializers.IntegerField()
    people_created = serializers.IntegerField()
    people_reused = serializers.IntegerField()
    entries_created = serializers.IntegerField()
    categories_added = serializers.IntegerField()


class ProblemsSerializer(serializers.Serializer):
    detail = serializers.CharField()
    problems = ProblemSerializer(many=True)


def _preview_data(found: import_apply.Preview) -> dict:
    sheet = found.reading.main
    return {
        "token": found.token,
        "filename": found.filename,
        "sheets": [
            {"title": s.title, "header_row": s.header_row, "first_header_row": s.first_header_row, "score": s.score}
            for s in found.reading.sheets
        ],
        "chosen": [s.title for s in found.reading.chosen],
        "columns": [
            {"index": c.index, "letter": c.letter, "label": c.label, "field": c.field, "confidence": c.confidence}
            for c in sheet.columns
        ],
        "rows": [r.display() for r in found.reading.rows[: importing.PREVIEW_ROWS]],
        "row_count": len(found.reading.rows),
        "new_households": found.plan.new_households,
        "new_people": found.plan.new_people,
        "problems": [p.as_dict() for p in found.plan.problems],
        "ok": found.ok,
    }


CONFIRM_PARSERS = [parsers.JSONParser, parsers.FormParser, parsers.MultiPartParser]


class WelfareImportViewSet(viewsets.ReadOnlyModelViewSet):
    """The Excel importer: where one may import (draft lists), the preview, and the all-or-nothing confirmation."""

    permission = "welfare"
    permission_classes = [RolePermission]
    serializer_class = TargetSerializer
    queryset = SupportList.objects.none()  # the schema's model; requests use get_queryset

    def get_permissions(self):
        return [ImportPermission()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SupportList.objects.none()
        return import_apply.importable_lists(self.request.user).order_by("pk")

    def _not_found(self):
        return exceptions.NotFound("This upload is not available any more: send the file again.")

    def _preview(self, token: str) -> Response:
        try:
            found = import_apply.preview(token, self.request.user)
        except importing.ImportError_ as exc:
            import_apply.discard(token)
            raise exceptions.ValidationError({"file": [exc.message]}) from exc
        except DjangoValidationError as exc:
            import_apply.discard(token)
            raise exceptions.ValidationError(drf_errors(exc)) from exc
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied() from exc
        if found is None:
            raise self._not_found()
        return Response(_preview_data(found), status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={201: PreviewSerializer},
        summary="Send a workbook: the preview (mapping, first rows, problems) and its token",
    )
    def create(self, request):
        serializer = UploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            import_apply.resolve_target(
                request.user, data["commune"], data.get("neighbourhood"), data.get("support_list")
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(drf_errors(exc)) from exc
        choices = {
            "commune": data["commune"],
            "neighbourhood": data.get("neighbourhood"),
            "support_list": data.get("support_list"),
            "sheet": data.get("sheet"),
            "header_row": data.get("header_row"),
        }
        token = import_apply.store(data["file"], request.user, data["file"].name or "", choices)
        return self._preview(token)

    @extend_schema(
        request=ConfirmSerializer,
        responses={200: OutcomeSerializer, 400: ProblemsSerializer},
        summary="Import the previewed workbook: every row, or none",
    )
    @action(
        detail=False, methods=["post"], parser_classes=[parsers.JSONParser, parsers.FormParser, parsers.MultiPartParser]
    )
    def confirm(self, request):
        serializer = ConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        token = data["token"]
        if import_apply.stored(token, request.user) is None:
            raise self._not_found()
        changes = {k: data[k] for k in ("sheet", "header_row", "mapping") if k in data}
        if changes:
            import_apply.update_choices(token, changes)
        try:
            outcome = import_apply.confirm(token, request.user)
        except importing.ImportError_ as exc:
            raise exceptions.ValidationError({"file": [exc.message]}) from exc
        except DjangoValidationError as exc:
            problems = (getattr(exc, "params", None) or {}).get("problems")
            if problems is None:
                raise exceptions.ValidationError(drf_errors(exc)) from exc
            return Response(
                {"detail": " ".join(exc.messages), "problems": [p.as_dict() for p in problems]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied() from exc
        if outcome is None:
            raise self._not_found()
        return Response(outcome.as_dict())


ROUTES: list = [("welfare-imports", WelfareImportViewSet, "welfare-imports")]  # (prefix, viewset, basename)

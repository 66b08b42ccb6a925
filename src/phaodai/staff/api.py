"""REST API for civil servants and skills (see core/api.py for the shared rules)."""

from __future__ import annotations

import copy

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from phaodai.core.api import AuditedModelViewSet, RolePermission, ScopedRelatedField, full_clean_errors
from phaodai.places.models import AdminUnit, Agency
from phaodai.staff.filters import StaffMemberFilterSet
from phaodai.staff.models import Skill, StaffMember


class SkillSerializer(serializers.ModelSerializer):
    class Meta:
        model = Skill
        fields = ["id", "code", "name", "name_en"]
        read_only_fields = fields


class SkillViewSet(viewsets.ReadOnlyModelViewSet):
    """Skills useful in the field (reference data): staff refer to them by `code`."""

    permission = "staff"
    permission_classes = [RolePermission]
    serializer_class = SkillSerializer
    queryset = Skill.objects.all()
    pagination_class = None
    filter_backends: list = []


class WarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    staff = serializers.ListField(child=serializers.IntegerField(), help_text="Ids of the other people concerned.")


def staff_warnings(staff: StaffMember, user) -> list[dict]:
    """What is allowed but worth a second look. Only people the caller may see are named."""
    warnings = []
    visible = StaffMember.objects.visible_to(user).values("pk")
    others = list(staff.phone_duplicates().filter(pk__in=visible).order_by("pk"))
    if others:
        warnings.append(
            {
                "code": "phone_shared",
                "message": _("The phone number %(phone)s is also used by: %(names)s.")
                % {"phone": staff.phone, "names": ", ".join(o.full_name for o in others)},
                "staff": [o.pk for o in others],
            }
        )
    return warnings


def _field(name: str):
    return StaffMember._meta.get_field(name)


class StaffMemberSerializer(serializers.ModelSerializer):
    # Wider than the model: "092 085 012 345" or "+84 912 345 678" are welcome and stored normalised.
    citizen_id = serializers.CharField(max_length=30, label=_field("citizen_id").verbose_name)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, label=_field("phone").verbose_name)
    agency = ScopedRelatedField(Agency, label=_field("agency").verbose_name)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    bloc = serializers.CharField(source="agency.bloc", read_only=True)
    home_unit = ScopedRelatedField(AdminUnit, allow_null=True, required=False, label=_field("home_unit").verbose_name)
    skills = serializers.SlugRelatedField(
        many=True, slug_field="code", queryset=Skill.objects.all(), required=False, help_text="Skill codes."
    )
    warnings = serializers.SerializerMethodField(
        help_text="Allowed but worth checking (e.g. a phone shared with other people). Filled on create, update "
        "and retrieve; empty in lists."
    )

    class Meta:
        model = StaffMember
        fields = [
            "id",
            "full_name",
            "gender",
            "date_of_birth",
            "citizen_id",
            "citizen_id_is_old",
            "phone",
            "agency",
            "agency_name",
            "bloc",
            "position",
            "skills",
            "status",
            "vaccination_status",
            "home_unit",
            "created_at",
            "updated_at",
            "warnings",
        ]
        read_only_fields = ["citizen_id_is_old", "created_at", "updated_at"]

    def validate(self, attrs: dict) -> dict:
        """The model's own validation, as on the pages: CCCD against gender and birth year, phone form, uniqueness."""
        candidate = copy.copy(self.instance) if self.instance is not None else StaffMember()
        plain = {k: v for k, v in attrs.items() if k != "skills"}
        for name, value in plain.items():
            setattr(candidate, name, value)
        errors = full_clean_errors(candidate, exclude=["search_name", "skills"])
        if errors:
            raise serializers.ValidationError(errors)
        # Store what clean() normalised (citizen ID digits, 0-prefixed phone, tidied name).
        for name in plain:
            attrs[name] = getattr(candidate, name)
        return attrs

    @extend_schema_field(WarningSerializer(many=True))
    def get_warnings(self, staff: StaffMember) -> list[dict]:
        view = self.context.get("view")
        request = self.context.get("request")
        if request is None or getattr(view, "action", None) == "list":
            return []
        return staff_warnings(staff, request.user)


class StaffMemberViewSet(AuditedModelViewSet):
    """Civil servants in the caller's jurisdiction. `?q=` searches names without accents, citizen IDs and phones."""

    permission = "staff"
    filterset_class = StaffMemberFilterSet
    serializer_class = StaffMemberSerializer

    def get_queryset(self):
        return StaffMember.objects.visible_to(self.request.user).select_related("agency").prefetch_related("skills")

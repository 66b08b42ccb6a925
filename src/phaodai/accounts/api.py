"""REST API for user accounts and for "who am I" (see core/api.py for the shared rules)."""

from __future__ import annotations

import copy

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import generics, permissions, serializers

from phaodai.accounts.filters import UserFilterSet
from phaodai.accounts.models import User
from phaodai.accounts.roles import PERMISSIONS, Role
from phaodai.core.api import AuditedModelViewSet, ScopedRelatedField, full_clean_errors
from phaodai.places.api import units_in_jurisdiction
from phaodai.places.models import AdminUnit, Agency

ALL_PERMISSIONS = sorted(set().union(*PERMISSIONS.values()))


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(
        write_only=True,
        required=False,
        style={"input_type": "password"},
        trim_whitespace=False,
        help_text="Required when creating; on update, sets a new password. Never returned.",
    )
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    scope_unit = ScopedRelatedField(
        AdminUnit,
        choices=units_in_jurisdiction,
        allow_null=True,
        required=False,
        label=User._meta.get_field("scope_unit").verbose_name,
    )
    scope_agency = ScopedRelatedField(
        Agency, allow_null=True, required=False, label=User._meta.get_field("scope_agency").verbose_name
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "phone",
            "role",
            "role_label",
            "scope_unit",
            "scope_agency",
            "is_active",
            "is_superuser",
            "last_login",
            "date_joined",
            "password",
        ]
        read_only_fields = ["is_superuser", "last_login", "date_joined"]

    def validate(self, attrs: dict) -> dict:
        request = self.context["request"]
        current = self.instance
        candidate = copy.copy(current) if current is not None else User()
        password = attrs.pop("password", None)
        for name, value in attrs.items():
            setattr(candidate, name, value)

        errors: dict[str, list] = {}
        if current is None and not password:
            errors["password"] = [_("Set a password for the new user.")]
        elif password:
            try:
                validate_password(password, user=candidate)
            except DjangoValidationError as exc:
                errors["password"] = exc.messages
        unscoped = candidate.scope_unit_id is None and candidate.scope_agency_id is None
        if unscoped and candidate.role != Role.SYSADMIN and not candidate.is_superuser:
            errors["scope_unit"] = [
                _("Every role except system administrator needs a jurisdiction: a unit or an agency.")
            ]
        promoted = candidate.role == Role.SYSADMIN and (current is None or current.role != Role.SYSADMIN)
        if promoted and not request.user.sees_everything:
            errors["role"] = [_("Only a system administrator can make someone a system administrator.")]
        if current is not None and current.pk == request.user.pk:
            # Locking oneself out is a support call at 2 a.m.: another administrator has to do that.
            if "role" in attrs and attrs["role"] != current.role:
                errors["role"] = [_("You cannot change your own role.")]
            if attrs.get("is_active") is False:
                errors["is_active"] = [_("You cannot deactivate your own account.")]
        for field, messages in full_clean_errors(candidate, exclude=["password", *errors]).items():
            errors.setdefault(field, []).extend(messages)
        if errors:
            raise serializers.ValidationError(errors)
        # AbstractUser.clean() normalises the username and e-mail.
        for name in attrs:
            attrs[name] = getattr(candidate, name)
        if password:
            attrs["password"] = password
        return attrs

    def create(self, validated_data: dict) -> User:
        password = validated_data.pop("password")
        user = User(**validated_data)
        user.set_password(password)
        user.save()
        return user

    def update(self, instance: User, validated_data: dict) -> User:
        password = validated_data.pop("password", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        if password:
            instance.set_password(password)
        instance.save()
        return instance


class UserViewSet(AuditedModelViewSet):
    """User accounts (system administrators). Accounts are deactivated (`is_active: false`), never deleted: the
    audit trail keeps pointing at them."""

    permission = "user"
    serializer_class = UserSerializer
    filterset_class = UserFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return User.objects.visible_to(self.request.user).select_related("scope_unit", "scope_agency")


class ScopeUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField()


class ScopeAgencySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MeSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="get_full_name", read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    scope_unit = ScopeUnitSerializer(read_only=True, allow_null=True)
    scope_agency = ScopeAgencySerializer(read_only=True, allow_null=True)
    sees_everything = serializers.BooleanField(read_only=True)
    permissions = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "role",
            "role_label",
            "scope_unit",
            "scope_agency",
            "sees_everything",
            "permissions",
        ]
        read_only_fields = fields

    def get_permissions(self, user: User) -> list[str]:
        return [p for p in ALL_PERMISSIONS if user.has_role_perm(p)]


class MeView(generics.RetrieveAPIView):
    """The caller: role, jurisdiction and the permissions the role grants."""

    permission = None  # any signed-in user may ask who they are
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = MeSerializer

    def get_object(self) -> User:
        return self.request.user

"""API of the welfare registry: households with their people and categories (read; scoped by neighbourhood)."""

from __future__ import annotations

from rest_framework import serializers, viewsets

from phaodai.core.api import RolePermission, ScopedFilterBackend
from phaodai.places.models import Household
from phaodai.welfare.forms_filters import HouseholdFilterSet
from phaodai.welfare.models import HouseholdCategory, Person


class WelfarePersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "full_name", "gender", "date_of_birth", "birth_year", "citizen_id", "phone", "relationship"]
        read_only_fields = fields


class WelfareCategorySerializer(serializers.ModelSerializer):
    category = serializers.CharField(read_only=True, help_text="Category code (poor, near_poor, elderly_alone, ...).")

    class Meta:
        model = HouseholdCategory
        fields = ["id", "category", "person", "valid_from", "valid_until", "source"]
        read_only_fields = fields


class WelfareHouseholdSerializer(serializers.ModelSerializer):
    neighbourhood_name = serializers.CharField(source="neighbourhood.name", read_only=True)
    people = WelfarePersonSerializer(many=True, read_only=True)
    categories = WelfareCategorySerializer(many=True, read_only=True)

    class Meta:
        model = Household
        fields = ["id", "neighbourhood", "neighbourhood_name", "head_name", "address", "phone", "members"]
        fields += ["people", "categories"]
        read_only_fields = fields


class HouseholdViewSet(viewsets.ReadOnlyModelViewSet):
    """Registered households of the caller's area, with their people and categories (welfare.view)."""

    permission = "welfare"
    permission_classes = [RolePermission]
    filter_backends = [ScopedFilterBackend]
    filterset_class = HouseholdFilterSet
    serializer_class = WelfareHouseholdSerializer

    def get_queryset(self):
        return (
            Household.objects.visible_to(self.request.user)
            .select_related("neighbourhood")
            .prefetch_related("people", "categories")
        )


ROUTES: list = [("welfare/households", HouseholdViewSet, "welfare-households")]

"""Filters of the registry, programme, list and distribution pages — shared with the exports and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from phaodai.core.text import fold
from phaodai.places.filters import ALL, FoldedSearchFilter, ScopedFilterSet, UnderUnitFilter
from phaodai.places.models import AdminUnit, Household, Level
from phaodai.welfare.models import Category, Distribution, ListStatus, Programme, SupportList


class CategoryFilter(django_filters.ChoiceFilter):
    """Households with a category of this kind (any period)."""

    def filter(self, qs, value):
        return qs.filter(categories__category=value).distinct() if value else qs


class HouseholdSearchFilter(django_filters.CharFilter):
    """Accent-free search on the recipient household's head and address."""

    def filter(self, qs, value):
        value = (value or "").strip()
        return qs.filter(household__search_name__contains=fold(value)) if value else qs


class HouseholdFilterSet(ScopedFilterSet):
    q = FoldedSearchFilter(label=_("Search"))
    under = UnderUnitFilter(label=_("Within"), empty_label=ALL, path_lookup="neighbourhood__path")
    category = CategoryFilter(label=_("Category"), choices=Category.choices, empty_label=ALL)

    class Meta:
        model = Household
        fields = ["q", "under", "category"]


class ProgrammeFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), field_name="name", lookup_expr="icontains")

    class Meta:
        model = Programme
        fields = ["q"]


class SupportListFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), field_name="programme__name", lookup_expr="icontains")
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"), queryset=Programme.objects.all(), empty_label=ALL
    )
    commune = django_filters.ModelChoiceFilter(
        label=_("Commune"), queryset=AdminUnit.objects.filter(level=Level.COMMUNE), empty_label=ALL
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ListStatus.choices, empty_label=ALL)

    class Meta:
        model = SupportList
        fields = ["q", "programme", "commune", "status"]


class DistributionFilterSet(ScopedFilterSet):
    q = HouseholdSearchFilter(label=_("Search"))
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"), queryset=Programme.objects.all(), empty_label=ALL
    )
    under = UnderUnitFilter(label=_("Within"), empty_label=ALL, path_lookup="household__neighbourhood__path")

    class Meta:
        model = Distribution
        fields = ["q", "programme", "under"]

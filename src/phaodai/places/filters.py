"""Filters shared by the list pages, the Excel exports and the API: one definition, three uses."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from phaodai.core.text import fold
from phaodai.places.models import AdminUnit, Agency, AgencyKind, Bloc, Level

#: The empty choice of every filter select: "All", never "---------" (core.views.tidy_filter_form keeps to it).
ALL = _("All")


class FoldedSearchFilter(django_filters.CharFilter):
    """Accent-free search on a model's `search_name` column: "nguyen van an" finds "Nguyễn Văn An"."""

    def filter(self, qs, value):
        value = (value or "").strip()
        return qs.filter(search_name__contains=fold(value)) if value else qs


@extend_schema_field(OpenApiTypes.INT)
class UnderUnitFilter(django_filters.ModelChoiceFilter):
    """Rows within a unit's subtree (one path-prefix query). `lookup` is the path to that unit's path field."""

    def __init__(self, *args, path_lookup: str = "path", **kwargs):
        self.path_lookup = path_lookup
        kwargs.setdefault("queryset", AdminUnit.objects.filter(level__lte=Level.COMMUNE))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.path_lookup}__startswith": value.path})


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet whose choice lists show only what the user may see."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            for f in self.filters.values():
                manager = f.queryset.model._default_manager if isinstance(f, django_filters.ModelChoiceFilter) else None
                # Only scoped models need narrowing; plain lookups (skills) are the same for everyone.
                if manager is not None and hasattr(manager, "visible_to"):
                    f.queryset = manager.visible_to(user).filter(pk__in=f.queryset.values("pk"))


class AdminUnitFilterSet(ScopedFilterSet):
    q = FoldedSearchFilter(label=_("Search"))
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("Level"), empty_label=ALL)
    under = UnderUnitFilter(label=_("Within"), empty_label=ALL, path_lookup="path")

    class Meta:
        model = AdminUnit
        fields = ["q", "level", "under"]


class AgencyFilterSet(ScopedFilterSet):
    q = FoldedSearchFilter(label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=AgencyKind.choices, label=_("Kind"), empty_label=ALL)
    bloc = django_filters.ChoiceFilter(choices=Bloc.choices, label=_("Bloc"), empty_label=ALL)
    under = UnderUnitFilter(label=_("Within"), empty_label=ALL, path_lookup="unit__path")

    class Meta:
        model = Agency
        fields = ["q", "kind", "bloc", "under"]

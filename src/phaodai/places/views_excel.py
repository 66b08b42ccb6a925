"""Administrative units and agencies to Excel: the list page's filters, every matching row."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from phaodai.core import xlsx
from phaodai.places.filters import AdminUnitFilterSet, AgencyFilterSet
from phaodai.places.models import AdminUnit, Agency


def _label(model, name: str) -> str:
    text = str(model._meta.get_field(name).verbose_name)
    return text[:1].upper() + text[1:]


class AgencyExportView(xlsx.FilteredExportView):
    permission = "agency.view"
    model = Agency
    filterset_class = AgencyFilterSet
    title = gettext_lazy("Agencies")
    select_related = ("unit", "parent")

    def get_columns(self):
        col = xlsx.ExportColumn
        return [
            col(_label(Agency, "name"), "name", width=40),
            col(_label(Agency, "short_name"), "short_name", width=16),
            col(_label(Agency, "kind"), "get_kind_display", width=28),
            col(_label(Agency, "bloc"), "get_bloc_display", width=22),
            col(_label(Agency, "unit"), "unit.name", width=24),
            col(gettext_lazy("Unit code"), "unit.code", width=10),
            col(_label(Agency, "parent"), "parent.name", width=30),
            col(_label(Agency, "headcount"), "headcount", xlsx.NUMBER, 12),
            col(_label(Agency, "min_in_office"), "min_in_office", xlsx.NUMBER, 12),
            col(_label(Agency, "phone"), "phone", width=14),
        ]


class AdminUnitExportView(xlsx.FilteredExportView):
    permission = "unit.view"
    model = AdminUnit
    filterset_class = AdminUnitFilterSet
    title = gettext_lazy("Administrative units")
    select_related = ("parent",)

    def get_columns(self):
        col = xlsx.ExportColumn
        return [
            col(_label(AdminUnit, "code"), "code", width=10),
            col(_label(AdminUnit, "name"), "name", width=30),
            col(_label(AdminUnit, "division_type"), "division_type", width=14),
            col(_label(AdminUnit, "level"), "get_level_display", width=14),
            col(_label(AdminUnit, "parent"), "parent.name", width=28),
            col(gettext_lazy("Parent code"), "parent.code", width=10),
            col(_label(AdminUnit, "structure"), "get_structure_display", width=30),
        ]

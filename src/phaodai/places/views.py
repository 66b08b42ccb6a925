from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, UpdateView

from phaodai.core.permissions import RolePermissionMixin, ScopedObjectMixin
from phaodai.core.views import FilteredListView
from phaodai.places.filters import AdminUnitFilterSet, AgencyFilterSet
from phaodai.places.forms import AgencyForm, NeighbourhoodEditForm, NeighbourhoodForm, may_change_unit
from phaodai.places.models import AdminUnit, Agency, Level
from phaodai.places.services import create_neighbourhood
from phaodai.staff.models import StaffMember, StaffStatus

# --- Administrative units ---------------------------------------------------------------------------------------


class AdminUnitListView(FilteredListView):
    permission = "unit.view"
    model = AdminUnit
    filterset_class = AdminUnitFilterSet
    template_name = "places/adminunit_list.html"
    partial_template_name = "places/_adminunit_results.html"
    list_select_related = ("parent",)
    export_url_name = "places:adminunit_export"


class AdminUnitDetailView(ScopedObjectMixin, DetailView):
    permission = "unit.view"
    model = AdminUnit
    template_name = "places/adminunit_detail.html"
    context_object_name = "unit"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx.update(unit_context(self.request.user, self.object))
        ctx.setdefault(
            "neighbourhood_form", NeighbourhoodForm(commune=self.object) if ctx["can_add_neighbourhood"] else None
        )
        return ctx


def unit_context(user, unit: AdminUnit) -> dict[str, Any]:
    visible = AdminUnit.objects.visible_to(user)
    return {
        # Only the ancestors the user sees: an agency-scoped user's tree starts at the agency's unit.
        "ancestors": list(visible.filter(path__in=unit.ancestor_paths()).order_by("level")),
        "children": list(visible.filter(parent=unit)),
        "agencies": list(Agency.objects.visible_to(user).filter(unit=unit)),
        "can_add_neighbourhood": unit.level == Level.COMMUNE and may_change_unit(user, unit),
        "can_edit": unit.level == Level.NEIGHBOURHOOD and may_change_unit(user, unit),
        "can_filter_staff": unit.level <= Level.COMMUNE and user.has_role_perm("staff.view"),
    }


class NeighbourhoodCreateView(ScopedObjectMixin, DetailView):
    """POST a new neighbourhood into a commune (the form sits on the commune's page)."""

    permission = "unit.change"
    model = AdminUnit
    template_name = "places/adminunit_detail.html"
    context_object_name = "unit"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        commune = self.object = self.get_object()
        form = NeighbourhoodForm(request.POST)
        if form.is_valid():
            try:
                unit = create_neighbourhood(request.user, commune, form.cleaned_data["name"], form.cleaned_data["kind"])
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
            else:
                messages.success(request, _("Added the neighbourhood “%(name)s”.") % {"name": unit.name})
                return redirect(commune)
        ctx = self.get_context_data(object=commune)
        ctx.update(unit_context(request.user, commune), neighbourhood_form=form)
        return self.render_to_response(ctx, status=400)


class AdminUnitUpdateView(ScopedObjectMixin, UpdateView):
    """Renaming a neighbourhood. Official units (province, district, commune) come from published data: 403."""

    permission = "unit.change"
    model = AdminUnit
    form_class = NeighbourhoodEditForm
    template_name = "places/adminunit_form.html"
    context_object_name = "unit"

    def check_object_permission(self, unit: AdminUnit) -> None:
        if unit.level != Level.NEIGHBOURHOOD:
            raise PermissionDenied(_("Official units come from published data and cannot be edited."))
        if not may_change_unit(self.request.user, unit):
            raise PermissionDenied

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
        messages.success(self.request, _("Saved “%(name)s”.") % {"name": self.object.name})
        return response


# --- Agencies ---------------------------------------------------------------------------------------------------


class AgencyListView(FilteredListView):
    permission = "agency.view"
    model = Agency
    filterset_class = AgencyFilterSet
    template_name = "places/agency_list.html"
    partial_template_name = "places/_agency_results.html"
    list_select_related = ("unit",)
    export_url_name = "places:agency_export"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(show_staff_counts=self.request.user.has_role_perm("staff.view"), **kwargs)

    def get_queryset(self):
        qs = super().get_queryset()
        if self.request.user.has_role_perm("staff.view"):
            qs = qs.annotate(
                staff_count=Count("staff", distinct=True),
                available_count=Count("staff", filter=Q(staff__status=StaffStatus.AVAILABLE), distinct=True),
            ).order_by("name", "pk")  # Meta.ordering does not apply to GROUP BY queries
        return qs


@dataclass(frozen=True)
class InOffice:
    """Directive 10/CT-UBND arithmetic: how many may leave the office for the field today."""

    headcount: int
    on_record: int
    min_in_office: int
    available: int

    @property
    def can_mobilise(self) -> int:
        return max(0, self.available - self.min_in_office)

    @property
    def shortfall(self) -> int:
        return max(0, self.min_in_office - self.available)

    @property
    def over_headcount(self) -> int:
        return max(0, self.on_record - self.headcount)


def staff_counts(user, agency: Agency) -> tuple[list[tuple[str, str, int]], InOffice]:
    counts = dict(
        StaffMember.objects.visible_to(user)
        .filter(agency=agency)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    by_status = [(s.value, s.label, counts.get(s.value, 0)) for s in StaffStatus]
    summary = InOffice(
        headcount=agency.headcount,
        on_record=sum(counts.values()),
        min_in_office=agency.min_in_office,
        available=counts.get(StaffStatus.AVAILABLE, 0),
    )
    return by_status, summary


class AgencyDetailView(ScopedObjectMixin, DetailView):
    permission = "agency.view"
    model = Agency
    template_name = "places/agency_detail.html"
    context_object_name = "agency"

    def get_queryset(self):
        return super().get_queryset().select_related("unit", "parent")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user, agency = self.request.user, self.object
        visible = Agency.objects.visible_to(user)
        ctx["parent_visible"] = agency.parent_id is not None and visible.filter(pk=agency.parent_id).exists()
        ctx["children"] = list(visible.filter(parent=agency).select_related("unit"))
        ctx["can_see_staff"] = user.has_role_perm("staff.view")
        if ctx["can_see_staff"]:
            ctx["staff_by_status"], ctx["in_office"] = staff_counts(user, agency)
        return ctx


class AgencyFormMixin:
    model = Agency
    form_class = AgencyForm
    template_name = "places/agency_form.html"
    context_object_name = "agency"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "editor": self.request.user}

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
        agency = self.object
        messages.success(self.request, _("Saved “%(name)s”.") % {"name": agency.name})
        on_record = agency.staff.count()
        if on_record > agency.headcount:
            messages.warning(
                self.request,
                _("%(name)s has %(count)d people on record, more than its headcount of %(headcount)d.")
                % {"name": agency.name, "count": on_record, "headcount": agency.headcount},
            )
        return response


class AgencyCreateView(AgencyFormMixin, RolePermissionMixin, CreateView):
    permission = "agency.change"


class AgencyUpdateView(AgencyFormMixin, ScopedObjectMixin, UpdateView):
    permission = "agency.change"

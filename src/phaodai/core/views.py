"""Shared page machinery (filtered lists with htmx live results) and the core pages: home and history."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, QueryDict
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView

from phaodai.core.history import HISTORY_MODELS, describe, entries_for
from phaodai.core.permissions import LOGGED_IN, RolePermissionMixin, ScopedListMixin, ScopedObjectMixin
from phaodai.places.models import AdminUnit, Agency, Level
from phaodai.staff.models import StaffMember, StaffStatus

PAGE_SIZE = 50


def unit_option_label(unit: AdminUnit) -> str:
    """Units in a select, indented by level so that the tree (ordered by path) reads as a tree."""
    return "\u2003" * (unit.level - 1) + unit.name


def tidy_filter_form(form: forms.Form) -> None:
    """Filter selects say "All" instead of "---------", and unit names are indented by level."""
    for bound in form:
        field = bound.field
        if isinstance(field, forms.ModelChoiceField):
            field.empty_label = _("All")
            if field.queryset.model is AdminUnit:
                field.label_from_instance = unit_option_label
        elif isinstance(field, forms.NullBooleanField):
            field.widget.choices = [("unknown", _("All")), ("true", _("Yes")), ("false", _("No"))]
        elif isinstance(field, forms.ChoiceField) and hasattr(field, "empty_label"):
            # django-filter's ChoiceField adds its empty choice itself, from empty_label, whenever it lists choices.
            field.empty_label = _("All")
        elif isinstance(field, forms.ChoiceField):
            field.choices = [("", _("All"))] + [c for c in field.choices if c[0] != ""]


def clean_query(query: QueryDict, drop: tuple[str, ...] = ()) -> str:
    """The query string without empty values (an untouched filter form sends every field) and without `drop`."""
    return urlencode([(k, v) for k, values in query.lists() if k not in drop for v in values if v != ""])


#: Beyond this many units, a "Within" list offers provinces and districts only (a national tree has 10,000 communes).
MAX_UNIT_OPTIONS = 500


def limit_unit_options(form: forms.Form) -> None:
    """Unit selects list their options once (one query) and stay small on a national tree.

    Validation still accepts any unit of the field's queryset, so a link such as ?under=<commune> keeps working.
    """
    for bound in form:
        field = bound.field
        if not (isinstance(field, forms.ModelChoiceField) and field.queryset.model is AdminUnit):
            continue
        units = list(field.queryset[: MAX_UNIT_OPTIONS + 1])
        if len(units) > MAX_UNIT_OPTIONS:
            selected = str(bound.value() or "")
            keep = Q(level__lte=Level.DISTRICT) | Q(pk=int(selected) if selected.isdigit() else None)
            units = list(field.queryset.filter(keep))
        field.widget.choices = [("", field.empty_label or "")] + [(u.pk, unit_option_label(u)) for u in units]


class FilteredListView(ScopedListMixin, ListView):
    """A list page: visible rows → FilterSet (the one shared with exports and the API) → 50 per page.

    With htmx (live search), only the results partial is sent back; without JavaScript the same URL renders the
    whole page, so every filtered page is also a plain, bookmarkable link.
    """

    filterset_class: type
    paginate_by = PAGE_SIZE
    partial_template_name: str = ""
    list_select_related: tuple[str, ...] = ()
    export_url_name: str = ""
    export_permission: str = ""

    def get_filterset(self):
        # The FilterSet shared with the exports and the API; user= narrows its choice lists to the visible rows.
        filterset = self.filterset_class(
            self.request.GET or None, queryset=super().get_queryset(), user=self.request.user
        )
        tidy_filter_form(filterset.form)
        limit_unit_options(filterset.form)
        return filterset

    def get_queryset(self):
        self.filterset = self.get_filterset()
        qs = self.filterset.qs
        if self.list_select_related:
            qs = qs.select_related(*self.list_select_related)
        return qs

    def paginate_queryset(self, queryset, page_size):
        # A page number past the end (e.g. after narrowing the search) shows the last page instead of a 404.
        paginator = Paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def is_partial(self) -> bool:
        htmx = getattr(self.request, "htmx", None)
        return bool(htmx) and not htmx.history_restore_request and not htmx.boosted

    def get_template_names(self) -> list[str]:
        if self.is_partial() and self.partial_template_name:
            return [self.partial_template_name]
        return super().get_template_names()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["filterset"] = self.filterset
        ctx["filter_form"] = self.filterset.form
        ctx["filters_active"] = any(v for k, v in self.request.GET.items() if k not in ("q", "page"))
        user = self.request.user
        if self.export_url_name and user.has_role_perm(self.export_permission or self.permission):
            ctx["export_url_name"] = self.export_url_name
        return ctx

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)
        # The same URL answers with a fragment or a page: caches must keep them apart.
        patch_vary_headers(response, ("HX-Request",))
        if self.is_partial():
            # Live search pushes the address of the results; keep it short and shareable.
            query = clean_query(self.request.GET)
            response["HX-Push-Url"] = f"{self.request.path}?{query}" if query else self.request.path
        return response


def home_counts(user) -> dict[str, Any]:
    """What the user can see, in numbers: units by level, agencies, staff by status (four queries)."""
    from phaodai.places.forms import units_in_own_jurisdiction  # places.forms imports this module

    # The user's own subtree only: the province and district above a commune are context, not its units.
    own = AdminUnit.objects.visible_to(user).filter(units_in_own_jurisdiction(user))
    units = dict(own.values("level").annotate(n=Count("pk")).values_list("level", "n"))
    staff = StaffMember.objects.visible_to(user).aggregate(
        total=Count("pk"), **{s.value: Count("pk", filter=Q(status=s.value)) for s in StaffStatus}
    )
    return {
        "units": [(Level(level).label, units.get(level, 0)) for level in Level],
        "units_total": sum(units.values()),
        "agencies": Agency.objects.visible_to(user).count(),
        "staff_total": staff["total"],
        "staff_by_status": [(s.value, s.label, staff[s.value]) for s in StaffStatus],
    }


class HomeView(RolePermissionMixin, TemplateView):
    permission = LOGGED_IN
    template_name = "core/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["counts"] = home_counts(user)
        return ctx


class HistoryView(ScopedObjectMixin, TemplateView):
    """The audit trail of one record. 404 if the record is outside the user's jurisdiction, 403 without audit.view."""

    permission = "audit.view"
    template_name = "core/history.html"
    paginate_by = PAGE_SIZE
    title = gettext_lazy("History")

    def get_queryset(self):
        model = HISTORY_MODELS.get(self.kwargs["model"])
        if model is None:
            raise Http404
        self.model = model
        return model.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        obj = self.get_object()
        page = Paginator(entries_for(obj), self.paginate_by).get_page(self.request.GET.get("page"))
        ctx.update(
            object=obj,
            verbose_name=obj._meta.verbose_name,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            entries=describe(list(page.object_list), type(obj), self.request.user),
        )
        return ctx


class SectionView(RolePermissionMixin, TemplateView):
    """One menu section (navigation.SECTIONS): the pages of a capability the user may open. A section with none
    of them is a 403, an unknown one a 404."""

    permission = LOGGED_IN
    template_name = "core/section.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from django.http import Http404

        from phaodai.core.navigation import SECTIONS

        section = SECTIONS.get(self.kwargs["slug"])
        if section is None:
            raise Http404
        items = section.items_for(self.request.user)
        if not any(item.permission for item in items):
            raise PermissionDenied
        return super().get_context_data(section=section, items=items, **kwargs)

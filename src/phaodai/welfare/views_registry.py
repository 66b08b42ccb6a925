"""Registry pages: households with their people and categories. Rules live in welfare.registry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView

from phaodai.core import xlsx
from phaodai.core.permissions import RolePermissionMixin, ScopedObjectMixin
from phaodai.core.views import FilteredListView
from phaodai.mobilisation.views import ServiceFormView
from phaodai.places.models import Household
from phaodai.welfare import forms_core as forms
from phaodai.welfare import registry
from phaodai.welfare.forms_filters import HouseholdFilterSet
from phaodai.welfare.models import Person

FORM_TEMPLATE = "welfare/registry_form.html"


class HouseholdListView(FilteredListView):
    permission = "household.view"
    model = Household
    filterset_class = HouseholdFilterSet
    template_name = "welfare/registry_household_list.html"
    partial_template_name = "welfare/registry_household_results.html"
    list_select_related = ("neighbourhood", "neighbourhood__parent")
    export_url_name = "welfare:household_export"
    export_permission = "welfare.view"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(can_edit=self.request.user.has_role_perm("welfare.edit"), **kwargs)


class HouseholdExportView(xlsx.FilteredExportView):
    permission = "welfare.view"
    model = Household
    filterset_class = HouseholdFilterSet
    title = gettext_lazy("Household registry")
    select_related = ("neighbourhood", "neighbourhood__parent")
    prefetch_related = ("people", "categories")

    def get_columns(self):
        col = xlsx.ExportColumn
        return [
            col(gettext_lazy("Head of household"), "head_name", width=26),
            col(gettext_lazy("Address"), "address", width=34),
            col(gettext_lazy("Neighbourhood"), "neighbourhood.name", width=16),
            col(gettext_lazy("Commune"), "neighbourhood.parent.name", width=18),
            col(gettext_lazy("Phone"), "phone", width=13),
            col(gettext_lazy("Members"), "members", xlsx.NUMBER, 9),
            col(
                gettext_lazy("People"),
                lambda h: "; ".join(f"{p.full_name} ({p.get_relationship_display()})" for p in h.people.all()),
                width=50,
            ),
            col(
                gettext_lazy("Categories"),
                lambda h: "; ".join(
                    f"{c.get_category_display()} {c.valid_from:%d/%m/%Y}–"
                    f"{c.valid_until.strftime('%d/%m/%Y') if c.valid_until else ''}"
                    for c in h.categories.all()
                ),
                width=50,
            ),
        ]


class HouseholdDetailView(ScopedObjectMixin, DetailView):
    permission = "household.view"
    model = Household
    template_name = "welfare/registry_household_detail.html"
    context_object_name = "household"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["people"] = Person.objects.visible_to(user).filter(household=self.object)
        ctx["categories"] = (
            self.object.categories.select_related("person") if user.has_role_perm("welfare.view") else []
        )
        ctx["can_edit"] = user.has_role_perm("welfare.edit")
        return ctx


class HouseholdAddView(RolePermissionMixin, ServiceFormView):
    permission = "welfare.edit"
    form_class = forms.HouseholdForm
    template_name = FORM_TEMPLATE
    title = gettext_lazy("Register a household")

    def perform(self, form):
        return registry.create_household(self.request.user, **form.cleaned_data)

    def success(self, household):
        messages.success(self.request, _("Registered the household of %(head)s.") % {"head": household.head_name})
        return redirect("welfare:household_detail", household.pk)


class HouseholdObjectMixin(ScopedObjectMixin):
    permission = "welfare.edit"
    model = Household
    template_name = FORM_TEMPLATE

    def get_back_url(self) -> tuple[str, str]:
        h = self.get_object()
        return reverse("welfare:household_detail", args=[h.pk]), str(h)


class HouseholdEditView(HouseholdObjectMixin, ServiceFormView):
    form_class = forms.HouseholdForm
    title = gettext_lazy("Edit the household")

    def get_initial(self):
        h = self.get_object()
        return {f: getattr(h, f) for f in ("neighbourhood", "head_name", "address", "phone", "members")}

    def perform(self, form):
        return registry.update_household(self.get_object(), self.request.user, **form.cleaned_data)

    def success(self, household):
        messages.success(self.request, _("Saved."))
        return redirect("welfare:household_detail", household.pk)


class PersonAddView(HouseholdObjectMixin, ServiceFormView):
    form_class = forms.PersonForm
    title = gettext_lazy("Add a person to the household")

    def perform(self, form):
        return registry.add_person(self.request.user, self.get_object(), **form.cleaned_data)

    def success(self, person):
        messages.success(self.request, _("Added %(name)s.") % {"name": person.full_name})
        return redirect("welfare:household_detail", person.household_id)


class PersonEditView(ScopedObjectMixin, ServiceFormView):
    permission = "welfare.edit"
    model = Person
    form_class = forms.PersonForm
    template_name = FORM_TEMPLATE
    title = gettext_lazy("Edit the person")

    def get_back_url(self) -> tuple[str, str]:
        p = self.get_object()
        return reverse("welfare:household_detail", args=[p.household_id]), str(p.household)

    def get_initial(self):
        p = self.get_object()
        fields = ("full_name", "gender", "date_of_birth", "birth_year", "citizen_id", "phone", "relationship")
        return {f: getattr(p, f) for f in fields}

    def perform(self, form):
        return registry.update_person(self.get_object(), self.request.user, **form.cleaned_data)

    def success(self, person):
        messages.success(self.request, _("Saved."))
        return redirect("welfare:household_detail", person.household_id)


class CategoryAddView(HouseholdObjectMixin, ServiceFormView):
    form_class = forms.CategoryForm
    title = gettext_lazy("Add a category")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "household": self.get_object()}

    def perform(self, form):
        return registry.add_category(self.request.user, self.get_object(), **form.cleaned_data)

    def success(self, category):
        messages.success(self.request, _("Added the category %(c)s.") % {"c": category.get_category_display()})
        return redirect("welfare:household_detail", category.household_id)

"""Programme, list, distribution and report pages. Rules live in welfare.programmes / lists / distributions /
reports; the views translate forms into those calls and their errors back into messages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, TemplateView

from phaodai.core import xlsx
from phaodai.core.permissions import RolePermissionMixin, ScopedObjectMixin
from phaodai.core.views import FilteredListView
from phaodai.mobilisation.views import ServiceFormView, show_service_errors
from phaodai.welfare import distributions, lists, programmes, reports
from phaodai.welfare import forms_core as forms
from phaodai.welfare.forms_filters import DistributionFilterSet, ProgrammeFilterSet, SupportListFilterSet
from phaodai.welfare.models import Category, Distribution, ListEntry, Programme, SupportList

FORM_TEMPLATE = "welfare/registry_form.html"
col = xlsx.ExportColumn


def category_labels(codes) -> str:
    return ", ".join(str(Category(c).label) for c in codes if c in Category.values)


# --- programmes --------------------------------------------------------------------------------------------------


class ProgrammeListView(FilteredListView):
    permission = "welfare.view"
    model = Programme
    filterset_class = ProgrammeFilterSet
    template_name = "welfare/programme_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(can_add=self.request.user.has_role_perm("welfare.programme"), **kwargs)


class ProgrammeDetailView(ScopedObjectMixin, DetailView):
    permission = "welfare.view"
    model = Programme
    template_name = "welfare/programme_detail.html"
    context_object_name = "programme"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["category_labels"] = category_labels(self.object.categories)
        ctx["lists"] = SupportList.objects.visible_to(user).filter(programme=self.object).select_related("commune")
        ctx["can_edit"] = user.has_role_perm("welfare.programme")
        return ctx


PROGRAMME_FIELDS = (
    "name",
    "legal_basis",
    "categories",
    "benefit_kind",
    "amount",
    "goods",
    "beneficiary",
    "times",
    "start_date",
    "end_date",
)


class ProgrammeAddView(RolePermissionMixin, ServiceFormView):
    permission = "welfare.programme"
    form_class = forms.ProgrammeForm
    template_name = FORM_TEMPLATE
    title = gettext_lazy("New support programme")

    def perform(self, form):
        return programmes.create_programme(self.request.user, **form.cleaned_data)

    def success(self, programme):
        messages.success(self.request, _("Saved."))
        return redirect(programme)


class ProgrammeEditView(ScopedObjectMixin, ServiceFormView):
    permission = "welfare.programme"
    model = Programme
    form_class = forms.ProgrammeForm
    template_name = FORM_TEMPLATE
    title = gettext_lazy("Edit the programme")

    def get_initial(self):
        return {f: getattr(self.get_object(), f) for f in PROGRAMME_FIELDS}

    def perform(self, form):
        p = self.get_object()
        return programmes.update_programme(p, self.request.user, unit=p.unit, **form.cleaned_data)

    def success(self, programme):
        messages.success(self.request, _("Saved."))
        return redirect(programme)


# --- lists -------------------------------------------------------------------------------------------------------


class SupportListListView(FilteredListView):
    permission = "welfare.view"
    model = SupportList
    filterset_class = SupportListFilterSet
    template_name = "welfare/list_list.html"
    list_select_related = ("programme", "commune")
    export_url_name = "welfare:supportlist_export"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(can_add=self.request.user.has_role_perm("welfare.edit"), **kwargs)


class SupportListExportView(xlsx.FilteredExportView):
    permission = "welfare.view"
    model = SupportList
    filterset_class = SupportListFilterSet
    title = gettext_lazy("Support lists")
    select_related = ("programme", "commune")

    def get_columns(self):
        return [
            col(gettext_lazy("Programme"), "programme.name", width=40),
            col(gettext_lazy("Commune"), "commune.name", width=20),
            col(gettext_lazy("Revision"), "revision", xlsx.NUMBER, 9),
            col(gettext_lazy("Status"), "get_status_display", width=20),
            col(gettext_lazy("Entries"), lambda s: s.entries.count(), xlsx.NUMBER, 9),
            col(gettext_lazy("Reason for rejection"), "rejection_reason", width=30),
            col(gettext_lazy("Approved at"), "approved_at", xlsx.DATETIME, 16),
        ]


class SupportListAddView(RolePermissionMixin, ServiceFormView):
    permission = "welfare.edit"
    form_class = forms.ListCreateForm
    template_name = FORM_TEMPLATE
    title = gettext_lazy("New support list")

    def perform(self, form):
        return lists.create_list(self.request.user, **form.cleaned_data)

    def success(self, support_list):
        messages.success(self.request, _("Created the list: add households or people to it."))
        return redirect(support_list)


class SupportListObjectMixin(ScopedObjectMixin):
    model = SupportList

    def get_queryset(self):
        return super().get_queryset().select_related("programme", "commune", "previous")


class SupportListDetailView(SupportListObjectMixin, DetailView):
    permission = "welfare.view"
    template_name = "welfare/list_detail.html"
    context_object_name = "support_list"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        sl = self.object
        ctx["entries"] = sl.entries.select_related("household", "household__neighbourhood", "person")
        ctx["next_revision"] = SupportList.objects.filter(previous=sl).first()
        ctx["reject_form"] = forms.RejectForm()
        ctx.update(lists.actions(self.request.user, sl))
        return ctx


def entry_rows(support_list: SupportList):
    return support_list.entries.select_related("household", "household__neighbourhood", "person")


class SupportListEntriesExportView(SupportListObjectMixin, View):
    """One list's entries, as the district and the city read it."""

    permission = "welfare.view"

    def get(self, request, *args, **kwargs):
        sl = self.get_object()
        columns = [
            col(gettext_lazy("No."), lambda e: e.number, xlsx.NUMBER, 6),
            col(gettext_lazy("Head of household"), "household.head_name", width=26),
            col(gettext_lazy("Person"), lambda e: e.person.full_name if e.person_id else "", width=26),
            col(gettext_lazy("Citizen ID"), lambda e: e.person.citizen_id if e.person_id else "", width=14),
            col(gettext_lazy("Address"), "household.address", width=34),
            col(gettext_lazy("Neighbourhood"), "household.neighbourhood.name", width=16),
            col(gettext_lazy("Category"), "get_category_display", width=24),
            col(gettext_lazy("Reason"), lambda e: (e.written or {}).get("reason", ""), width=30),
        ]
        rows = list(entry_rows(sl))
        for n, e in enumerate(rows, 1):
            e.number = n
        title = f"{sl.programme.name} - {sl.commune.name} - {sl.revision}"
        return xlsx.xlsx_response(xlsx.write_xlsx(rows, columns, title=title), xlsx.export_filename(title))


class EntryAddView(SupportListObjectMixin, ServiceFormView):
    permission = "welfare.edit"
    form_class = forms.EntryAddForm
    template_name = FORM_TEMPLATE
    title = gettext_lazy("Add to the list")

    def get_back_url(self):
        sl = self.get_object()
        return sl.get_absolute_url(), str(sl)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "support_list": self.get_object()}

    def perform(self, form):
        data = form.cleaned_data
        return lists.add_entry(
            self.request.user, self.get_object(), data["household"], data.get("person"), reason=data["reason"]
        )

    def success(self, entry):
        messages.success(self.request, _("Added %(who)s.") % {"who": entry.person or entry.household})
        return redirect(self.get_object())


class StepView(SupportListObjectMixin, View):
    """POST: one step of the approval (submit, check, approve, reject, revise) or removing an entry."""

    http_method_names = ["post"]
    step = ""

    def check_permission(self) -> None:
        self.get_object()
        user = self.request.user
        if self.step == "reject":
            if not (user.has_role_perm("welfare.check") or user.has_role_perm("welfare.approve")):
                raise PermissionDenied
        else:
            super().check_permission()

    def post(self, request, *args, **kwargs):
        sl, user = self.get_object(), request.user
        try:
            result = self.run(sl, user)
        except (ValidationError, PermissionDenied) as exc:
            show_service_errors(request, exc)
            return redirect(sl)
        return redirect(result)

    def run(self, sl: SupportList, user):
        if self.step == "submit":
            messages.success(self.request, _("Submitted the list to the district."))
            return lists.submit(user, sl)
        if self.step == "check":
            messages.success(self.request, _("Checked; the list goes to the city."))
            return lists.check(user, sl)
        if self.step == "approve":
            messages.success(self.request, _("Approved the list."))
            return lists.approve(user, sl)
        if self.step == "reject":
            messages.success(self.request, _("Rejected; the commune is told why."))
            return lists.reject(user, sl, self.request.POST.get("reason", ""))
        if self.step == "revise":
            messages.success(self.request, _("Created a revision: change it, then submit it again."))
            return lists.revise(user, sl)
        raise Http404


def step_view(step: str, permission: str):
    return type(f"{step.title()}View", (StepView,), {"step": step, "permission": permission}).as_view()


class EntryRemoveView(ScopedObjectMixin, View):
    """POST: take an entry off a draft (or rejected) list."""

    permission = "welfare.edit"
    model = ListEntry
    http_method_names = ["post"]

    def get_queryset(self):
        visible = SupportList.objects.visible_to(self.request.user)
        return ListEntry.objects.filter(support_list__in=visible).select_related("support_list")

    def post(self, request, *args, **kwargs):
        entry = self.get_object()
        try:
            lists.remove_entry(request.user, entry)
        except (ValidationError, PermissionDenied) as exc:
            show_service_errors(request, exc)
        else:
            messages.success(request, _("Removed %(who)s from the list.") % {"who": entry.person or entry.household})
        return redirect(entry.support_list)


# --- distributions -----------------------------------------------------------------------------------------------


class DistributionListView(FilteredListView):
    permission = "welfare.view"
    model = Distribution
    filterset_class = DistributionFilterSet
    template_name = "welfare/distribution_list.html"
    list_select_related = ("programme", "household", "person")


class DistributionAddView(ScopedObjectMixin, ServiceFormView):
    """Record that an entry of an approved list received the benefit."""

    permission = "welfare.distribute"
    model = ListEntry
    form_class = forms.DistributionForm
    template_name = FORM_TEMPLATE
    title = gettext_lazy("Record a distribution")

    def get_queryset(self):
        visible = SupportList.objects.visible_to(self.request.user)
        return ListEntry.objects.filter(support_list__in=visible).select_related("support_list__programme")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("user")
        return kwargs

    def get_back_url(self):
        sl = self.get_object().support_list
        return sl.get_absolute_url(), str(sl)

    def perform(self, form):
        return distributions.record(self.request.user, self.get_object(), **form.cleaned_data)

    def success(self, d):
        messages.success(
            self.request,
            _("Recorded: %(who)s received time %(n)d of %(times)d.")
            % {"who": d.person or d.household, "n": d.occurrence, "times": d.programme_times},
        )
        return redirect(self.get_object().support_list)


# --- the two reports ---------------------------------------------------------------------------------------------


class ReportMixin(RolePermissionMixin):
    permission = "welfare.view"

    def programme(self) -> Programme | None:
        pk = self.request.GET.get("programme")
        visible = Programme.objects.visible_to(self.request.user)
        if pk and pk.isdigit():
            return get_object_or_404(visible, pk=pk)
        return visible.first()


class MissedReportView(ReportMixin, TemplateView):
    template_name = "welfare/report_missed.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        programme = self.programme()
        rows = list(reports.missed(programme, self.request.user)) if programme else []
        for row in rows:
            row.eligible = reports.eligible_for(programme, row)
        ctx.update(
            programme=programme,
            programmes=Programme.objects.visible_to(self.request.user),
            rows=rows,
            per_person=bool(programme and reports.per_person(programme)),
        )
        return ctx


class DuplicatesReportView(ReportMixin, TemplateView):
    template_name = "welfare/report_duplicates.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        programme = self.programme()
        ctx.update(
            programme=programme,
            programmes=Programme.objects.visible_to(self.request.user),
            groups=reports.duplicates(programme, self.request.user) if programme else [],
            likely=reports.likely_duplicates(programme, self.request.user) if programme else [],
        )
        return ctx


class MissedExportView(ReportMixin, View):
    def get(self, request, *args, **kwargs):
        programme = self.programme()
        if programme is None:
            raise Http404
        rows = list(reports.missed(programme, request.user))
        person = reports.per_person(programme)

        def household(r):
            return r.household if person else r

        columns = [
            col(gettext_lazy("Person"), lambda r: r.full_name if person else "", width=26),
            col(gettext_lazy("Head of household"), lambda r: household(r).head_name, width=26),
            col(gettext_lazy("Address"), lambda r: household(r).address, width=34),
            col(gettext_lazy("Neighbourhood"), lambda r: household(r).neighbourhood.name, width=16),
            col(gettext_lazy("Commune"), lambda r: household(r).neighbourhood.parent.name, width=18),
            col(gettext_lazy("Eligible as"), lambda r: reports.eligible_for(programme, r), width=30),
        ]
        title = _("Missed - %(programme)s") % {"programme": programme.name}
        return xlsx.xlsx_response(xlsx.write_xlsx(rows, columns, title=title), xlsx.export_filename(title))


class DuplicatesExportView(ReportMixin, View):
    def get(self, request, *args, **kwargs):
        programme = self.programme()
        if programme is None:
            raise Http404
        rows = []
        for n, group in enumerate(reports.duplicates(programme, request.user), 1):
            for entry in group.entries:
                rows.append((n, group, entry))
        columns = [
            col(gettext_lazy("Group"), lambda r: r[0], xlsx.NUMBER, 7),
            col(gettext_lazy("Why"), lambda r: r[1].reason_text, width=34),
            col(gettext_lazy("Commune"), lambda r: r[2].support_list.commune.name, width=18),
            col(gettext_lazy("List"), lambda r: str(r[2].support_list), width=40),
            col(gettext_lazy("Head of household"), lambda r: r[2].household.head_name, width=26),
            col(gettext_lazy("Person"), lambda r: r[2].person.full_name if r[2].person_id else "", width=26),
            col(gettext_lazy("Address"), lambda r: r[2].household.address, width=34),
        ]
        title = _("Duplicates - %(programme)s") % {"programme": programme.name}
        return xlsx.xlsx_response(xlsx.write_xlsx(rows, columns, title=title), xlsx.export_filename(title))

"""Pages of the forms part: report forms (list, versions, the editor, a new form) and a delegation's deadlines.

Reading forms needs reporting.view; changing them reporting.forms. Forms are the same for the whole deployment (no
jurisdiction); deadlines belong to one delegation, found among those the user sees (404 outside them). The rules
live in form_admin, forms_schema and schedules; the views only translate.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from phaodai.core.permissions import RolePermissionMixin, ScopedListMixin, ScopedObjectMixin
from phaodai.mobilisation.models import Delegation
from phaodai.mobilisation.views import ServiceFormView, add_service_errors, error_messages
from phaodai.reporting import form_admin, schedules
from phaodai.reporting.deadlines import schedule_for
from phaodai.reporting.form_editor import MORE_ROWS, NewFormForm, ScheduleForm, field_rows
from phaodai.reporting.models import FieldKind, ReportForm, ReportFormVersion

KIND_LABELS = dict(FieldKind.choices)


def _versions() -> Prefetch:
    return Prefetch("versions", queryset=ReportFormVersion.objects.select_related("created_by").order_by("-number"))


class FormListView(ScopedListMixin, ListView):
    permission = "reporting.view"
    model = ReportForm
    template_name = "reporting/form_list.html"
    context_object_name = "forms"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(version_number=Max("versions__number"), version_total=Count("versions"))
            .order_by("-is_active", "task", "name")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["can_edit"] = self.request.user.has_role_perm(form_admin.PERMISSION)
        return ctx


def field_rows_for_display(fields: list[dict]) -> list[dict]:
    return [{**f, "kind_label": KIND_LABELS.get(f.get("kind"), f.get("kind"))} for f in fields]


class FormDetailView(ScopedObjectMixin, DetailView):
    """A form and every version it has had, each with its fields (reports keep the version they were made with)."""

    permission = "reporting.view"
    model = ReportForm
    template_name = "reporting/form_detail.html"
    context_object_name = "report_form"

    def get_queryset(self):
        return super().get_queryset().prefetch_related(_versions())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        versions = list(self.object.versions.all())
        ctx.update(
            versions=[{"version": v, "fields": field_rows_for_display(v.fields)} for v in versions],
            task_label=form_admin.task_label(self.object.task),
            can_edit=self.request.user.has_role_perm(form_admin.PERMISSION),
        )
        return ctx


class FieldEditorMixin:
    """The rows editor shared by "new version" and "new form": "Add fields" re-shows the page with more rows."""

    template_name = "reporting/form_edit.html"

    def render_editor(self, formset, header=None, status: int = 200):
        return render(
            self.request,
            self.template_name,
            {
                "formset": formset,
                "header": header,
                "report_form": getattr(self, "report_form", None),
                "current": getattr(self, "current", None),
            },
            status=status,
        )


class FormEditView(FieldEditorMixin, ScopedObjectMixin, View):
    """Publish a new version of a form: its current fields as rows to change, delete or add to."""

    permission = form_admin.PERMISSION
    model = ReportForm

    def check_object_permission(self, obj: ReportForm) -> None:
        self.report_form = obj
        self.current = obj.current_version

    def get(self, request, *args, **kwargs):
        return self.render_editor(field_rows(fields=self.current.fields if self.current else []))

    def post(self, request, *args, **kwargs):
        more = MORE_ROWS if "more_rows" in request.POST else 0
        formset = field_rows(data=request.POST, more=more)
        if more or not formset.is_valid():
            return self.render_editor(formset)
        try:
            version = form_admin.publish_version(request.user, self.report_form, formset.definitions())
        except ValidationError as exc:
            formset.editor_errors = error_messages(exc)
            return self.render_editor(formset)
        messages.success(
            request,
            _("Published version %(number)d of “%(name)s”. Reports already sent keep the version they were made with.")
            % {"number": version.number, "name": self.report_form.name},
        )
        return redirect("reporting:form_detail", pk=self.report_form.pk)


class FormAddView(FieldEditorMixin, RolePermissionMixin, View):
    permission = form_admin.PERMISSION

    def get(self, request, *args, **kwargs):
        return self.render_editor(field_rows(), NewFormForm())

    def post(self, request, *args, **kwargs):
        more = MORE_ROWS if "more_rows" in request.POST else 0
        header = NewFormForm(request.POST)
        formset = field_rows(data=request.POST, more=more)
        if more or not (header.is_valid() & formset.is_valid()):
            return self.render_editor(formset, header)
        data = header.cleaned_data
        try:
            form = form_admin.create_form(request.user, data["code"], data["name"], data["task"], formset.definitions())
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "fields" in exc.error_dict:
                formset.editor_errors = [m for e in exc.error_dict.pop("fields") for m in e]
            if not hasattr(exc, "error_dict") or exc.error_dict:
                add_service_errors(header, exc)
            return self.render_editor(formset, header)
        messages.success(request, _("Created the form “%(name)s”, version 1.") % {"name": form.name})
        return redirect("reporting:form_detail", pk=form.pk)


class FormStatusView(ScopedObjectMixin, View):
    """POST: take a form out of use (`retire`) or put it back (`reactivate`)."""

    permission = form_admin.PERMISSION
    model = ReportForm

    def post(self, request, *args, **kwargs):
        form = self.get_object()
        try:
            if "reactivate" in request.POST:
                form_admin.reactivate_form(request.user, form)
                messages.success(request, _("“%(name)s” is in use again.") % {"name": form.name})
            else:
                form_admin.retire_form(request.user, form)
                messages.success(request, _("“%(name)s” is no longer in use.") % {"name": form.name})
        except ValidationError as exc:
            for message in error_messages(exc):
                messages.error(request, message)
        return redirect("reporting:form_detail", pk=form.pk)


class ScheduleEditView(ScopedObjectMixin, ServiceFormView):
    """A delegation's reporting deadlines and time zone (mobilisation.organise or reporting.forms)."""

    model = Delegation
    permission = "mobilisation.view"  # to find the delegation at all; the edit rule is checked below
    form_class = ScheduleForm

    def check_object_permission(self, obj: Delegation) -> None:
        if not schedules.may_edit_schedules(self.request.user):
            raise PermissionDenied(_("Your role does not allow changing reporting deadlines."))

    @property
    def title(self):
        return _("Reporting deadlines of %(delegation)s") % {"delegation": self.get_object().name}

    @property
    def intro(self):
        return _(
            "Team leaders report by the first time, the head sends the delegation's report by the second, both in "
            "the delegation's local time. Reports already sent keep the deadline they were counted against."
        )

    def get_back_url(self) -> tuple[str, str]:
        delegation = self.get_object()
        return delegation.get_absolute_url(), delegation.name

    def get_initial(self) -> dict[str, Any]:
        schedule = schedule_for(self.get_object())
        return {
            "team_deadline": schedule.team_deadline,
            "delegation_deadline": schedule.delegation_deadline,
            "time_zone": schedule.time_zone,
        }

    def perform(self, form):
        return schedules.update_schedule(self.request.user, self.get_object(), **form.cleaned_data)

    def success(self, schedule):
        messages.success(
            self.request,
            _("Saved: team reports due by %(team)s, the delegation's report by %(delegation)s (%(zone)s).")
            % {
                "team": f"{schedule.team_deadline:%H:%M}",
                "delegation": f"{schedule.delegation_deadline:%H:%M}",
                "zone": schedule.time_zone,
            },
        )
        return redirect(self.get_object())

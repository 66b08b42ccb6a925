"""Difficulty pages: the list (and its Excel export), raising one, one difficulty with its timeline and actions, and
the ageing view. Rows come from `Difficulty.objects.visible_to(user)`; the rules live in reporting.difficulties."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, TemplateView

from phaodai.core import xlsx
from phaodai.core.permissions import RolePermissionMixin, ScopedObjectMixin
from phaodai.core.views import FilteredListView, limit_unit_options, tidy_filter_form
from phaodai.mobilisation.models import Delegation
from phaodai.mobilisation.views import add_service_errors, show_service_errors
from phaodai.reporting import difficulties
from phaodai.reporting.forms_difficulties import DifficultyActionForm, DifficultyFilterSet, DifficultyForm
from phaodai.reporting.models import DelegationReport, Difficulty, TeamReport

VIEW, RAISE, ACT = "reporting.view", difficulties.RAISE, difficulties.ACT
LIST_RELATED = ("unit", "acting_unit", "delegation", "raised_by")


class DifficultyListView(FilteredListView):
    permission = VIEW
    model = Difficulty
    filterset_class = DifficultyFilterSet
    template_name = "reporting/difficulty_list.html"
    partial_template_name = "reporting/_difficulty_results.html"
    list_select_related = LIST_RELATED
    export_url_name = "reporting:difficulty_export"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["can_raise"] = self.request.user.has_role_perm(RAISE)
        ctx["now"] = timezone.now()
        return ctx


def _number(obj: Any) -> int | None:
    return getattr(obj, "_row_number", None)


def _label(name: str) -> str:
    text = str(Difficulty._meta.get_field(name).verbose_name)
    return text[:1].upper() + text[1:]


class DifficultyExportView(xlsx.FilteredExportView):
    permission = VIEW
    model = Difficulty
    filterset_class = DifficultyFilterSet
    title = gettext_lazy("Difficulties")
    select_related = LIST_RELATED

    def get_rows(self, queryset):
        for number, row in enumerate(queryset.iterator(chunk_size=2000), 1):
            row._row_number = number
            yield row

    def get_columns(self):
        col = xlsx.ExportColumn
        now = timezone.now()
        return [
            col(gettext_lazy("No."), _number, xlsx.NUMBER, 6),
            col(_label("title"), "title", width=36),
            col(_label("category"), "get_category_display", width=18),
            col(_label("severity"), "get_severity_display", width=12),
            col(_label("status"), "get_status_display", width=14),
            col(_label("unit"), "unit.name", width=22),
            col(gettext_lazy("Delegation"), "delegation.name", width=30),
            col(_label("acting_unit"), "acting_unit.name", width=22),
            col(_label("raised_at"), "raised_at", xlsx.DATETIME, 16),
            col(_label("due_at"), "due_at", xlsx.DATETIME, 16),
            col(
                gettext_lazy("Overdue"),
                lambda d: d.status in difficulties.PENDING and d.due_at < now,
                xlsx.BOOL,
                10,
            ),
            col(gettext_lazy("Raised by"), "raised_by.username", width=16),
            col(_label("description"), "description", width=50),
            col(_label("answer"), "answer", width=50),
            col(_label("resolved_at"), "resolved_at", xlsx.DATETIME, 16),
        ]


class DifficultyCreateView(RolePermissionMixin, View):
    """GET the form; ?delegation=, ?team_report= or ?delegation_report= raise it from that delegation or report
    (looked up among those the user sees: another's is a 404)."""

    permission = RAISE
    template_name = "reporting/difficulty_form.html"

    def source(self) -> dict[str, Any]:
        params, user = self.request.GET, self.request.user
        found: dict[str, Any] = {}
        for name, model in (("team_report", TeamReport), ("delegation_report", DelegationReport)):
            value = params.get(name) or self.request.POST.get(name)
            if value:
                if not str(value).isdigit():
                    raise Http404
                found[name] = get_object_or_404(model.objects.visible_to(user), pk=value)
        value = params.get("delegation") or self.request.POST.get("delegation")
        if value and not found:
            if not str(value).isdigit():
                raise Http404
            found["delegation"] = get_object_or_404(Delegation.objects.visible_to(user), pk=value)
        return found

    def render_form(self, form, source: dict[str, Any], status: int = 200) -> HttpResponse:
        report = source.get("team_report") or source.get("delegation_report")
        return render(
            self.request,
            self.template_name,
            {"form": form, "source": source, "report": report, "delegation": source.get("delegation")},
            status=status,
        )

    def get(self, request, *args, **kwargs) -> HttpResponse:
        source = self.source()
        return self.render_form(DifficultyForm(user=request.user, from_report=bool(source)), source)

    def post(self, request, *args, **kwargs) -> HttpResponse:
        source = self.source()
        form = DifficultyForm(request.POST, user=request.user, from_report=bool(source))
        if not form.is_valid():
            return self.render_form(form, source)
        try:
            difficulty = difficulties.raise_difficulty(request.user, **form.cleaned_data, **source)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.render_form(form, source)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return self.render_form(form, source)
        messages.success(
            request,
            _("Raised “%(title)s”: it is with %(unit)s, due by %(due)s.")
            % {
                "title": difficulty.title,
                "unit": difficulty.acting_unit.name,
                "due": timezone.localtime(difficulty.due_at).strftime("%H:%M %d/%m/%Y"),
            },
        )
        return redirect(difficulty)


class DifficultyDetailView(ScopedObjectMixin, DetailView):
    permission = VIEW
    model = Difficulty
    template_name = "reporting/difficulty_detail.html"
    context_object_name = "difficulty"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("unit", "acting_unit", "delegation", "team_report__team", "delegation_report", "raised_by")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        d, user = self.object, self.request.user
        ctx["steps"] = d.steps.select_related("by", "from_unit", "to_unit")
        ctx["actions"] = difficulties.allowed_actions(user, d)
        ctx["overdue"] = d.status in difficulties.PENDING and d.due_at < timezone.now()
        return ctx


class DifficultyActView(ScopedObjectMixin, View):
    """POST action=acknowledge|refer|resolve|reopen|comment with a note. Outside one's scope: 404; a role that may
    neither raise nor act: 403; acting on one routed elsewhere: 403 (the service says why)."""

    permission = VIEW
    model = Difficulty
    http_method_names = ["post"]

    def check_object_permission(self, obj: Difficulty) -> None:
        user = self.request.user
        if not (user.has_role_perm(ACT) or user.has_role_perm(RAISE)):
            raise PermissionDenied(_("Your role does not allow acting on difficulties."))

    def post(self, request, *args, **kwargs) -> HttpResponse:
        d = self.get_object()
        form = DifficultyActionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose an action."))
            return redirect(d)
        action, note = form.cleaned_data["action"], form.cleaned_data["note"]
        try:
            difficulties.perform(request.user, d, action, note)
        except ValidationError as exc:
            show_service_errors(request, exc)
            return redirect(d)
        done = {
            "acknowledge": _("Acknowledged."),
            "refer": _("Referred up."),
            "resolve": _("Resolved: the reporter will be told the answer."),
            "reopen": _("Reopened."),
            "comment": _("Comment added."),
        }
        messages.success(request, done[action])
        return redirect(d)


class DifficultyAgeingView(RolePermissionMixin, TemplateView):
    """Pending difficulties by the unit that must act and by age, with those past due: filtered like the list."""

    permission = VIEW
    template_name = "reporting/difficulty_ageing.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        filterset = DifficultyFilterSet(
            self.request.GET or None, queryset=Difficulty.objects.visible_to(user), user=user
        )
        for name in ("status", "overdue", "acting_unit"):  # the ageing view is of pending ones, by acting unit
            del filterset.filters[name]
            filterset.form.fields.pop(name, None)
        tidy_filter_form(filterset.form)
        limit_unit_options(filterset.form)
        ctx["filter_form"] = filterset.form
        ctx["ageing"] = difficulties.ageing(user, timezone.now(), filterset.qs)
        ctx["buckets"] = [
            _("Under 1 day"),
            _("1–3 days"),
            _("3–7 days"),
            _("Over 7 days"),
        ]
        return ctx

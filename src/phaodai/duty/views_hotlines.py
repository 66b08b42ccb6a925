"""Pages of the hotlines part: the hotline registry, the compliance board and the Friday report.

Every page starts from `visible_to(user)` or the user's units (outside them: 404) and declares its permission (403
without it); the rules live in duty.hotlines, duty.compliance and duty.friday.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, TemplateView

from phaodai.core import xlsx
from phaodai.core.permissions import RolePermissionMixin, ScopedObjectMixin
from phaodai.core.views import FilteredListView
from phaodai.duty import compliance, friday, hotlines
from phaodai.duty.forms_hotlines import (
    ComplianceFilterForm,
    FridayFilterSet,
    FridaySubmitForm,
    HotlineFilterSet,
    HotlineForm,
    TrackingForm,
)
from phaodai.duty.models import Hotline, WeeklyRosterReport
from phaodai.mobilisation.views import ServiceFormView, show_service_errors

col = xlsx.ExportColumn

# --------------------------------------------------------------------------------------------------------------
# The registry


class HotlineListView(FilteredListView):
    permission = "hotline.view"
    model = Hotline
    filterset_class = HotlineFilterSet
    template_name = "duty/hotline_list.html"
    partial_template_name = "duty/hotline_results.html"
    list_select_related = ("unit", "site")
    export_url_name = "duty:hotline_export"


class HotlineExportView(xlsx.FilteredExportView):
    permission = "hotline.view"
    model = Hotline
    filterset_class = HotlineFilterSet
    title = gettext_lazy("Hotlines")
    select_related = ("unit", "site")

    def get_columns(self):
        return [
            col(gettext_lazy("Unit"), "unit.name", width=26),
            col(gettext_lazy("Number"), "number", width=14),
            col(gettext_lazy("Line"), "get_line_display", width=16),
            col(gettext_lazy("Label"), "label", width=26),
            col(gettext_lazy("Staffed from"), "site.name", width=32),
            col(gettext_lazy("In the public directory"), "is_public", xlsx.BOOL, 12),
            col(gettext_lazy("In use"), "is_active", xlsx.BOOL, 10),
        ]


class HotlineDetailView(ScopedObjectMixin, DetailView):
    permission = "hotline.view"
    model = Hotline
    template_name = "duty/hotline_detail.html"
    context_object_name = "hotline"

    def get_queryset(self):
        return super().get_queryset().select_related("unit", "site")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        hotline = self.object
        user = self.request.user
        ctx["operators"] = hotlines.operators(hotline)
        ctx["can_manage"] = hotlines.manageable_units(user).filter(pk=hotline.unit_id).exists()
        return ctx


class ManageObjectMixin(ScopedObjectMixin):
    permission = "hotline.manage"
    model = Hotline

    def check_object_permission(self, obj: Hotline) -> None:
        if not hotlines.manageable_units(self.request.user).filter(pk=obj.unit_id).exists():
            raise PermissionDenied


class HotlineCreateView(RolePermissionMixin, ServiceFormView):
    permission = "hotline.manage"
    form_class = HotlineForm
    title = gettext_lazy("Register a hotline number")
    intro = gettext_lazy(
        "Plan 184/KH-UBND: every district and commune keeps at least four hotline numbers, a health line and a welfare "
        "line among them, staffed 24/24 from a duty site's roster."
    )
    submit_label = gettext_lazy("Register")

    def get_back_url(self) -> tuple[str, str]:
        return reverse("duty:hotline_list"), _("Hotlines")

    def perform(self, form) -> Hotline:
        return hotlines.create_hotline(self.request.user, **form.cleaned_data)

    def success(self, hotline: Hotline):
        messages.success(self.request, _("Registered the hotline %(number)s.") % {"number": hotline.number})
        return redirect("duty:hotline_detail", pk=hotline.pk)


class HotlineUpdateView(ManageObjectMixin, ServiceFormView):
    form_class = HotlineForm

    @property
    def title(self):
        hotline = self.get_object()
        return _("Correct the hotline %(number)s of %(unit)s") % {"number": hotline.number, "unit": hotline.unit.name}

    def get_back_url(self) -> tuple[str, str]:
        hotline = self.get_object()
        return reverse("duty:hotline_detail", args=[hotline.pk]), hotline.number

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "hotline": self.get_object()}

    def get_initial(self) -> dict[str, Any]:
        h = self.get_object()
        return {"number": h.number, "line": h.line, "label": h.label, "site": h.site_id, "is_public": h.is_public}

    def perform(self, form) -> Hotline:
        return hotlines.update_hotline(self.request.user, self.get_object(), **form.cleaned_data)

    def success(self, hotline: Hotline):
        messages.success(self.request, _("Saved the hotline %(number)s.") % {"number": hotline.number})
        return redirect("duty:hotline_detail", pk=hotline.pk)


class HotlineSetActiveView(ManageObjectMixin, View):
    """POST active=0 takes the hotline out of use, active=1 puts it back (its number checked again)."""

    http_method_names = ["post"]

    def post(self, request, *args: Any, **kwargs: Any) -> HttpResponse:
        hotline = self.get_object()
        active = request.POST.get("active") == "1"
        try:
            hotline = hotlines.set_active(request.user, hotline, active)
        except (ValidationError, PermissionDenied) as exc:
            show_service_errors(request, exc)
        else:
            text = _("%(number)s is in use again.") if active else _("%(number)s is out of use.")
            messages.success(request, text % {"number": hotline.number})
        return redirect("duty:hotline_detail", pk=hotline.pk)


# --------------------------------------------------------------------------------------------------------------
# The compliance board


def _board(request) -> tuple[compliance.Board, ComplianceFilterForm]:
    form = ComplianceFilterForm(request.GET or None)
    failing = bool(form.is_valid() and form.cleaned_data["failing"])
    return compliance.board(request.user, only_failing=failing), form


class ComplianceView(RolePermissionMixin, TemplateView):
    permission = "hotline.view"
    template_name = "duty/hotline_compliance.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        board, form = _board(self.request)
        return super().get_context_data(
            board=board,
            form=form,
            source=compliance.SOURCE,
            min_numbers=compliance.MIN_NUMBERS,
            week_last=board.week_end - timedelta(seconds=1),
            **kwargs,
        )


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


class ComplianceExportView(RolePermissionMixin, View):
    permission = "hotline.view"

    def get(self, request, *args: Any, **kwargs: Any) -> HttpResponse:
        board, _form = _board(request)
        columns = [
            col(gettext_lazy("Unit"), lambda r: r.unit.name, width=28),
            col(gettext_lazy("Level"), lambda r: r.unit.get_level_display(), width=12),
            col(gettext_lazy("Active numbers"), "numbers", xlsx.NUMBER, 10),
            col(gettext_lazy("Health line"), lambda r: _yes_no(r.has_health_line), width=10),
            col(gettext_lazy("Welfare line"), lambda r: _yes_no(r.has_welfare_line), width=10),
            col(gettext_lazy("Unstaffed hours this week"), "unstaffed_hours", xlsx.NUMBER, 12),
            col(gettext_lazy("Compliant"), lambda r: _yes_no(r.compliant), width=10),
            col(gettext_lazy("What fails"), lambda r: " ".join(r.problems), width=60),
        ]
        title = _("Hotline compliance")
        fileobj = xlsx.write_xlsx(board.rows, columns, title=title)
        return xlsx.xlsx_response(fileobj, xlsx.export_filename(title))


# --------------------------------------------------------------------------------------------------------------
# The Friday report


class FridayListView(FilteredListView):
    permission = "duty.view"
    model = WeeklyRosterReport
    filterset_class = FridayFilterSet
    template_name = "duty/friday_list.html"
    partial_template_name = "duty/friday_results.html"
    list_select_related = ("unit", "submitted_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        return super().get_context_data(
            can_submit=friday.reportable_units(user).exists(), can_track=friday.may_track(user), **kwargs
        )


class FridaySubmitView(RolePermissionMixin, ServiceFormView):
    permission = "duty.report"
    form_class = FridaySubmitForm
    title = gettext_lazy("Submit the Friday report")
    submit_label = gettext_lazy("Submit to Home Affairs")

    @property
    def intro(self):
        week = friday.coming_week()
        return _(
            "The duty and hotline rosters of the coming week, assembled from the published rosters and the hotline "
            "registry, go to the city through the Department of Home Affairs. For the week of %(day)s the report is "
            "due by %(deadline)s."
        ) % {
            "day": date_format(week, "d/m/Y"),
            "deadline": date_format(timezone.localtime(friday.deadline_for(week)), "l d/m/Y H:i"),
        }

    def get_back_url(self) -> tuple[str, str]:
        return reverse("duty:friday_list"), _("Friday reports")

    def perform(self, form) -> WeeklyRosterReport:
        data = form.cleaned_data
        return friday.submit(self.request.user, data["unit"], data["week_start"], data["note"])

    def success(self, report: WeeklyRosterReport):
        if report.minutes_late:
            messages.warning(
                self.request,
                _("Submitted, %(minutes)d minutes after the deadline.") % {"minutes": report.minutes_late},
            )
        else:
            messages.success(self.request, _("Submitted on time."))
        return redirect("duty:friday_detail", pk=report.pk)


class FridayDetailView(ScopedObjectMixin, DetailView):
    permission = "duty.view"
    model = WeeklyRosterReport
    template_name = "duty/friday_detail.html"
    context_object_name = "report"

    def get_queryset(self):
        return super().get_queryset().select_related("unit", "submitted_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["content"] = content_for_display(self.object.content)
        return ctx


def _parse(moment: str) -> datetime | None:
    try:
        return timezone.localtime(datetime.fromisoformat(moment))
    except (TypeError, ValueError):
        return None


def content_for_display(content: dict[str, Any]) -> dict[str, Any]:
    """The JSON snapshot with its instants as local datetimes (templates format them)."""

    def shifts(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**s, "start": _parse(s.get("start", "")), "end": _parse(s.get("end", ""))} for s in items]

    return {
        "rosters": [{**r, "shifts": shifts(r.get("shifts", []))} for r in content.get("rosters", [])],
        "hotlines": [{**h, "operators": shifts(h.get("operators", []))} for h in content.get("hotlines", [])],
    }


class FridayExportView(ScopedObjectMixin, View):
    """One Friday report as a workbook: every shift of its rosters and of its hotlines, one row each."""

    permission = "duty.view"
    model = WeeklyRosterReport

    def get(self, request, *args: Any, **kwargs: Any) -> HttpResponse:
        report = self.get_object()
        content = content_for_display(report.content)
        rows: list[dict[str, Any]] = []
        for roster in content["rosters"]:
            for s in roster["shifts"]:
                rows.append({"kind": _("Duty roster"), "what": s.get("site", ""), **_shift_row(s)})
        for h in content["hotlines"]:
            what = f"{h.get('number', '')} · {h.get('line_label', '')}" + (f" · {h['label']}" if h.get("label") else "")
            if not h["operators"]:
                rows.append({"kind": _("Hotline"), "what": what, "site": h.get("site", ""), "people": ""})
            for s in h["operators"]:
                rows.append({"kind": _("Hotline"), "what": what, **_shift_row(s)})
        columns = [
            col(gettext_lazy("Roster"), lambda r: r["kind"], width=14),
            col(gettext_lazy("Site or hotline"), lambda r: r["what"], width=34),
            col(gettext_lazy("Shift"), lambda r: r.get("name", ""), width=14),
            col(gettext_lazy("From"), lambda r: r.get("start"), xlsx.DATETIME, 17),
            col(gettext_lazy("To"), lambda r: r.get("end"), xlsx.DATETIME, 17),
            col(gettext_lazy("People on duty"), lambda r: r.get("people", ""), width=60),
        ]
        title = _("Friday report %(unit)s %(day)s") % {
            "unit": report.unit.name,
            "day": date_format(report.week_start, "d-m-Y"),
        }
        fileobj = xlsx.write_xlsx(rows, columns, title=title)
        return xlsx.xlsx_response(fileobj, xlsx.export_filename(title))


def _shift_row(s: dict[str, Any]) -> dict[str, Any]:
    people = "; ".join(
        f"{p.get('name', '')}{' (' + p['phone'] + ')' if p.get('phone') else ''}" for p in s.get("people", [])
    )
    return {
        "site": s.get("site", ""),
        "name": s.get("name", ""),
        "start": s["start"],
        "end": s["end"],
        "people": people,
    }


class FridayTrackingView(RolePermissionMixin, TemplateView):
    """Home Affairs (and a district, for its communes): which units have submitted for a week."""

    permission = "duty.view"
    template_name = "duty/friday_tracking.html"

    def check_permission(self) -> None:
        super().check_permission()
        if not friday.may_track(self.request.user):
            raise PermissionDenied

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = TrackingForm(self.request.GET or None)
        week: date = friday.coming_week()
        if form.is_valid() and form.cleaned_data.get("week_start"):
            week = hotlines.week_start_of(form.cleaned_data["week_start"])
        return super().get_context_data(
            form=form, tracking=friday.tracking(self.request.user, week), week_end=friday.week_end(week), **kwargs
        )

"""Pages of reporting timeliness and completeness: the rates, "not reported yet", the city's 18:00 summary, and
their Excel exports. The numbers come from reporting.rates; these views only read the filters and render."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from phaodai.core import xlsx
from phaodai.core.permissions import RolePermissionMixin
from phaodai.reporting import rates

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"inputmode": "numeric", "placeholder": "dd/mm/yyyy"})


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(label=label, input_formats=DATE_FORMATS, widget=DATE_WIDGET)


class RatesForm(forms.Form):
    """?from=&to=&level= (the range is checked by rates.check_range: one message above the form)."""

    def __init__(self, data: Any, today: date):
        defaults = {
            "from": f"{today - timedelta(days=6):%d/%m/%Y}",
            "to": f"{today:%d/%m/%Y}",
            "level": rates.DELEGATION,
        }
        merged = {**defaults, **{k: v for k, v in data.items() if v != ""}}
        super().__init__(merged)
        self.fields["from"] = _date_field(gettext_lazy("From"))
        self.fields["to"] = _date_field(gettext_lazy("To"))
        self.fields["level"] = forms.CharField(
            label=gettext_lazy("By"), widget=forms.Select(choices=list(rates.LEVELS.items()))
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors:
            rates.check_range(data["from"], data["to"], data["level"])  # ValidationError → a non-field error
        return data

    def problems(self) -> str:
        return " ".join(m for errors in self.errors.values() for m in errors)


class DayForm(forms.Form):
    def __init__(self, data: Any, today: date):
        merged = {"day": f"{today:%d/%m/%Y}", **{k: v for k, v in data.items() if v != ""}}
        super().__init__(merged)
        self.fields["day"] = _date_field(gettext_lazy("Day"))

    def problems(self) -> str:
        return " ".join(m for errors in self.errors.values() for m in errors)


def pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:g} %"


# --------------------------------------------------------------------------------------------------------------
# Rates


class RatesView(RolePermissionMixin, TemplateView):
    """Expected / received / on time / late / missing reports for a range, by team, delegation, commune, district
    or city, within the user's scope."""

    permission = "reporting.view"
    template_name = "reporting/rates.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        form = RatesForm(self.request.GET, timezone.localdate())
        ctx["form"] = form
        if form.is_valid():
            d = form.cleaned_data
            ctx["rates"] = rates.reporting_rates(self.request.user, d["from"], d["to"], d["level"])
            ctx["level_label"] = rates.LEVELS[d["level"]]
        return ctx


def _counts_columns(getter, header: Any) -> list[xlsx.ExportColumn]:
    def value(name: str):
        def get(row):
            counts = getter(row)
            return None if counts is None else getattr(counts, name)

        return get

    col = xlsx.ExportColumn
    return [
        col(f"{header}: {_('expected')}", value("expected"), xlsx.NUMBER, 12),
        col(f"{header}: {_('received')}", value("received"), xlsx.NUMBER, 12),
        col(f"{header}: {_('on time')}", value("on_time"), xlsx.NUMBER, 12),
        col(f"{header}: {_('late')}", value("late"), xlsx.NUMBER, 12),
        col(f"{header}: {_('missing')}", value("missing"), xlsx.NUMBER, 12),
        col(f"{header}: {_('reporting rate (%)')}", value("reporting_rate"), xlsx.NUMBER, 14),
        col(f"{header}: {_('on-time rate (%)')}", value("on_time_rate"), xlsx.NUMBER, 14),
    ]


class RatesExportView(RolePermissionMixin, View):
    """The rates page's table as .xlsx, with a total row; a bad filter is a 400 with the page's message."""

    permission = "reporting.view"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = RatesForm(request.GET, timezone.localdate())
        if not form.is_valid():
            return HttpResponseBadRequest(form.problems(), content_type="text/plain; charset=utf-8")
        d = form.cleaned_data
        result = rates.reporting_rates(request.user, d["from"], d["to"], d["level"])
        col = xlsx.ExportColumn
        columns: Sequence[xlsx.ExportColumn] = [
            col(rates.LEVELS[d["level"]], "label", width=32),
            col(_("Within"), "context", width=28),
            *_counts_columns(lambda r: r.team, _("Team reports")),
            *_counts_columns(lambda r: r.delegation, _("Delegation reports")),
        ]
        title = _("Reporting rates %(first)s–%(last)s") % {
            "first": f"{d['from']:%d.%m.%Y}",
            "last": f"{d['to']:%d.%m.%Y}",
        }
        fileobj = xlsx.write_xlsx([*result.rows, result.total], columns, title=title)
        return xlsx.xlsx_response(fileobj, xlsx.export_filename(_("Reporting rates")))


# --------------------------------------------------------------------------------------------------------------
# Not reported yet


class NotReportedView(RolePermissionMixin, TemplateView):
    """The teams and delegations whose report is missing after their deadline: who to phone at 17:05."""

    permission = "reporting.coordinate"
    template_name = "reporting/rates_not_reported.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        form = DayForm(self.request.GET, timezone.localdate())
        ctx["form"] = form
        if form.is_valid():
            ctx["result"] = rates.not_reported(self.request.user, form.cleaned_data["day"], timezone.now())
        return ctx


# --------------------------------------------------------------------------------------------------------------
# The city's 18:00 summary


class SummaryView(RolePermissionMixin, TemplateView):
    """One row per delegation for a day, and the on-time rates of the last 14 days as an inline SVG chart."""

    permission = "reporting.coordinate"
    template_name = "reporting/summary.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        form = DayForm(self.request.GET, timezone.localdate())
        ctx["form"] = form
        if form.is_valid():
            day, now = form.cleaned_data["day"], timezone.now()
            result = rates.summary(self.request.user, day, now)
            ctx["summary"] = result
            figures = [[(row.totals.get(key), label) for key, label in result.total_keys] for row in result.rows]
            ctx["rows"] = list(zip(result.rows, figures, strict=True))
            ctx["total_figures"] = [(result.total_figures[key], label) for key, label in result.total_keys]
            ctx["chart"] = rates.on_time_chart(rates.daily_on_time_rates(self.request.user, day, 14, now))
        return ctx


def summary_columns(result: rates.Summary) -> list[xlsx.ExportColumn]:
    col = xlsx.ExportColumn

    def figure(key: str):
        return lambda row: row.totals.get(key)

    return [
        col(_("Delegation"), "delegation.name", width=36),
        col(_("Commune"), "commune.name", width=24),
        col(_("District"), "district.name", width=22),
        col(_("Teams expected"), "teams_expected", xlsx.NUMBER, 12),
        col(_("Teams reported"), "teams_reported", xlsx.NUMBER, 12),
        col(_("Teams on time"), "teams.on_time", xlsx.NUMBER, 12),
        col(_("Teams late"), "teams.late", xlsx.NUMBER, 12),
        col(_("Teams not reported"), "teams.missing", xlsx.NUMBER, 12),
        col(_("Delegation report"), "status_label", width=16),
        col(_("First submitted at"), "report.first_submitted_at", xlsx.DATETIME, 18),
        col(_("Minutes late"), "report.minutes_late", xlsx.NUMBER, 12),
        *(col(label, figure(key), xlsx.NUMBER, 16) for key, label in result.total_keys),
    ]


class SummaryExportView(RolePermissionMixin, View):
    """The 18:00 summary as .xlsx: one row per delegation, the same columns as the page."""

    permission = "reporting.coordinate"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = DayForm(request.GET, timezone.localdate())
        if not form.is_valid():
            return HttpResponseBadRequest(form.problems(), content_type="text/plain; charset=utf-8")
        day = form.cleaned_data["day"]
        result = rates.summary(request.user, day, timezone.now())
        title = _("Daily summary %(day)s") % {"day": f"{day:%d.%m.%Y}"}
        fileobj = xlsx.write_xlsx(result.rows, summary_columns(result), title=title)
        return xlsx.xlsx_response(fileobj, xlsx.export_filename(_("Daily summary"), day))

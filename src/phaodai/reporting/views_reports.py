"""Report pages (issue #5, items 2, 3, 8, 9): "today" for leaders and heads, the team report form, the head's
consolidation, the lists, details, Excel exports and the delegation report's PDF.

Phone first: a ward official at 16:55 opens "today", taps the big button, checks the pre-filled figures and sends.
Views stay thin: the rules are in team_reports / delegation_reports, which check them again on every write.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import DetailView, TemplateView

from phaodai.core import xlsx
from phaodai.core.permissions import LOGGED_IN, RolePermissionMixin, ScopedObjectMixin
from phaodai.core.views import FilteredListView
from phaodai.mobilisation.models import Delegation, Team
from phaodai.reporting import deadlines
from phaodai.reporting.delegation_reports import check_may_consolidate, labelled_totals, submit_delegation_report
from phaodai.reporting.documents import delegation_report_filename, delegation_report_pdf
from phaodai.reporting.forms_reports import (
    DelegationReportFilterSet,
    NarrativeForm,
    TeamReportFilterSet,
    TeamReportForm,
)
from phaodai.reporting.models import DelegationReport, DelegationReportVersion, TeamReport, TeamReportVersion
from phaodai.reporting.report_values import label_text, labelled_values
from phaodai.reporting.team_reports import (
    check_may_submit,
    consolidate,
    form_for,
    latest_version,
    prefill,
    submit_team_report,
)

#: The report page's script sends this header; it is answered with JSON instead of a redirect (see report-draft.js).
DRAFT_HEADER = "X-Report-Draft"


def day_from(request, delegation: Delegation) -> date:
    """?day=YYYY-MM-DD (or the form's hidden field), else the delegation's local today; a wrong date is a 404."""
    raw = request.POST.get("day") or request.GET.get("day")
    if not raw:
        return deadlines.local_day(delegation)
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise Http404(_("“%(day)s” is not a date (YYYY-MM-DD).") % {"day": raw}) from exc


def lateness_message(minutes: int) -> str:
    if minutes <= 0:
        return _("on time")
    hours, rest = divmod(minutes, 60)
    if hours:
        return _("late by %(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": rest}
    return _("late by %(minutes)d min") % {"minutes": minutes}


def error_list(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [str(m) for errors in exc.error_dict.values() for e in errors for m in e]
    return [str(m) for m in exc.messages]


def local_time(moment, delegation: Delegation):
    return moment.astimezone(deadlines.zone(deadlines.schedule_for(delegation)))


# --- today ------------------------------------------------------------------------------------------------------


class TodayView(RolePermissionMixin, TemplateView):
    """The logged-in person's reporting today: the teams they lead and the delegations they head, nobody else's."""

    permission = LOGGED_IN
    template_name = "reporting/today.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        staff_id = getattr(self.request.user, "staff_member_id", None)
        ctx["has_record"] = bool(staff_id)
        ctx["teams"], ctx["delegations"] = [], []
        if not staff_id:
            return ctx
        now = timezone.now()
        for team in Team.objects.filter(leader_id=staff_id).select_related("delegation").order_by("name"):
            delegation = team.delegation
            day = deadlines.local_day(delegation, now)
            if not deadlines.is_active(delegation, day):
                continue
            report = TeamReport.objects.filter(team=team, day=day).first()
            ctx["teams"].append(
                {
                    "team": team,
                    "day": day,
                    "expected": deadlines.is_expected(team, day),
                    "report": report,
                    "submitted_at": local_time(report.first_submitted_at, delegation) if report else None,
                    "lateness": lateness_message(report.minutes_late) if report else "",
                    "deadline": local_time(deadlines.team_deadline(delegation, day), delegation),
                    "overdue": report is None and now > deadlines.team_deadline(delegation, day),
                }
            )
        headed = Delegation.objects.filter(Q(head_id=staff_id) | Q(deputies=staff_id)).distinct().order_by("name")
        for delegation in headed:
            day = deadlines.local_day(delegation, now)
            if not deadlines.is_active(delegation, day):
                continue
            consolidation = consolidate(delegation, day)
            report = DelegationReport.objects.filter(delegation=delegation, day=day).first()
            ctx["delegations"].append(
                {
                    "delegation": delegation,
                    "day": day,
                    "reported": len(consolidation.reported),
                    "expected": consolidation.expected_count,
                    "report": report,
                    "submitted_at": local_time(report.first_submitted_at, delegation) if report else None,
                    "lateness": lateness_message(report.minutes_late) if report else "",
                    "deadline": local_time(deadlines.delegation_deadline(delegation, day), delegation),
                }
            )
        return ctx


# --- the team report form ---------------------------------------------------------------------------------------


def teams_for(user):
    """The teams a user may open: those in their jurisdiction, and always the ones they lead."""
    visible = Team.objects.visible_to(user).values("pk")
    own = Q(leader_id=user.staff_member_id) if getattr(user, "staff_member_id", None) else Q(pk__in=[])
    return Team.objects.filter(Q(pk__in=visible) | own).select_related("delegation", "leader")


class TeamReportSubmitView(ScopedObjectMixin, View):
    """GET: the form (pre-filled); POST: submit. Only the team's leader; others who see the team get a 403."""

    permission = "reporting.submit"
    model = Team
    template_name = "reporting/teamreport_form.html"

    def get_queryset(self):
        return teams_for(self.request.user)

    def check_object_permission(self, obj: Team) -> None:
        check_may_submit(self.request.user, obj)

    def render(self, team: Team, day: date, form: TeamReportForm, errors: list[str], status: int = 200):
        from django.shortcuts import render

        delegation = team.delegation
        report = TeamReport.objects.filter(team=team, day=day).first()
        ctx = {
            "team": team,
            "delegation": delegation,
            "day": day,
            "is_today": day == deadlines.local_day(delegation),
            "form": form,
            "errors": errors,
            "report": report,
            "lateness": lateness_message(report.minutes_late) if report else "",
            "submitted_at": local_time(report.first_submitted_at, delegation) if report else None,
            "deadline": local_time(deadlines.team_deadline(delegation, day), delegation),
            "idempotency_key": uuid.uuid4().hex,
            "posted": self.request.method == "POST",
            "draft_key": f"phaodai:report:{team.pk}:{day.isoformat()}",
        }
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request, *args, **kwargs):
        team = self.get_object()
        day = day_from(request, team.delegation)
        try:
            version = form_for(team)
        except ValidationError as exc:
            messages.error(request, " ".join(error_list(exc)))
            return redirect("reporting:today")
        current = latest_version(TeamReport.objects.filter(team=team, day=day).first())
        if current is not None:
            initial, carried = dict(current.values), set()
        else:
            initial = prefill(team, day)
            carried = set(initial)
        form = TeamReportForm(initial=initial, version=version, carried=carried)
        return self.render(team, day, form, [])

    def post(self, request, *args, **kwargs):
        team = self.get_object()
        day = day_from(request, team.delegation)
        try:
            version = form_for(team)
        except ValidationError as exc:
            messages.error(request, " ".join(error_list(exc)))
            return redirect("reporting:today")
        form = TeamReportForm(request.POST, version=version)
        form.is_valid()  # binds cleaned_data; the service judges the values
        try:
            saved = submit_team_report(
                request.user,
                team,
                day,
                form.raw_values(),
                idempotency_key=request.POST.get("idempotency_key", ""),
            )
        except ValidationError as exc:
            errors = []
            if hasattr(exc, "error_dict"):
                for key, problems in exc.error_dict.items():
                    if key in form.fields:
                        form.add_error(key, problems)
                    else:
                        errors += [str(m) for e in problems for m in e]
            else:
                errors = error_list(exc)
            return self.render(team, day, form, errors)
        report = saved.report
        if saved.is_replay:
            text = _("This report had already been received; nothing was sent twice.")
        elif saved.number == 1:
            text = _("Report received at %(time)s: %(lateness)s.") % {
                "time": f"{local_time(report.first_submitted_at, team.delegation):%H:%M}",
                "lateness": lateness_message(report.minutes_late),
            }
        else:
            text = _(
                "Correction received (version %(number)d). The report still counts as first sent: %(lateness)s."
            ) % {
                "number": saved.number,
                "lateness": lateness_message(report.minutes_late),
            }
        messages.success(request, text)
        if request.headers.get(DRAFT_HEADER):
            return JsonResponse({"url": report.get_absolute_url(), "version": saved.number})
        return redirect(report)


# --- lists, details, exports --------------------------------------------------------------------------------------


class TeamReportListView(FilteredListView):
    permission = "reporting.view"
    model = TeamReport
    filterset_class = TeamReportFilterSet
    template_name = "reporting/teamreport_list.html"
    partial_template_name = "reporting/_teamreport_results.html"
    list_select_related = ("team", "team__delegation", "team__leader")
    export_url_name = "reporting:teamreport_export"


class TeamReportDetailView(ScopedObjectMixin, DetailView):
    permission = "reporting.view"
    model = TeamReport
    template_name = "reporting/teamreport_detail.html"
    context_object_name = "report"

    def get_queryset(self):
        return super().get_queryset().select_related("team__delegation", "team__leader")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        report: TeamReport = self.object
        delegation = report.team.delegation
        versions = report.versions.select_related("form_version__form", "submitted_by__staff_member").order_by(
            "-number"
        )
        ctx["versions"] = [
            {
                "version": v,
                "submitted_at": local_time(v.submitted_at, delegation),
                "by": getattr(v.submitted_by.staff_member, "full_name", "") or v.submitted_by.get_username(),
                "values": labelled_values(v.form_version, v.values),
            }
            for v in versions
        ]
        ctx["lateness"] = lateness_message(report.minutes_late)
        ctx["first_submitted_at"] = local_time(report.first_submitted_at, delegation)
        ctx["deadline"] = local_time(report.deadline, delegation)
        user = self.request.user
        ctx["can_correct"] = user.has_role_perm("reporting.submit") and user.staff_member_id == report.team.leader_id
        return ctx


def figures_text(version: TeamReportVersion | None) -> str:
    if version is None:
        return ""
    return "; ".join(
        f"{label}: {value}" for _key, label, value in labelled_values(version.form_version, version.values)
    )


col = xlsx.ExportColumn


class TeamReportExportView(xlsx.FilteredExportView):
    permission = "reporting.view"
    model = TeamReport
    filterset_class = TeamReportFilterSet
    title = gettext_lazy("Team reports")
    select_related = ("team__delegation", "team__leader")
    prefetch_related = (
        Prefetch(
            "versions",
            queryset=TeamReportVersion.objects.select_related("form_version").order_by("-number"),
            to_attr="ordered_versions",
        ),
    )

    def get_rows(self, queryset):
        # Prefetching needs a chunk size; the list of one filter is small enough to take in chunks of 2,000.
        return queryset.iterator(chunk_size=2000)

    def get_columns(self):
        def latest(r: TeamReport):
            return r.ordered_versions[0] if r.ordered_versions else None

        return [
            col(gettext_lazy("Day"), "day", xlsx.DATE, 12),
            col(gettext_lazy("Delegation"), "team.delegation.name", width=30),
            col(gettext_lazy("Team"), "team.name", width=18),
            col(gettext_lazy("Team leader"), "team.leader.full_name", width=24),
            col(gettext_lazy("Due by"), "deadline", xlsx.DATETIME, 16),
            col(gettext_lazy("First submitted at"), "first_submitted_at", xlsx.DATETIME, 16),
            col(gettext_lazy("Minutes late"), "minutes_late", xlsx.NUMBER, 10),
            col(gettext_lazy("Versions"), "version_count", xlsx.NUMBER, 9),
            col(gettext_lazy("Last submitted at"), "last_submitted_at", xlsx.DATETIME, 16),
            col(gettext_lazy("Figures (latest version)"), lambda r: figures_text(latest(r)), width=80),
        ]


class DelegationReportListView(FilteredListView):
    permission = "reporting.view"
    model = DelegationReport
    filterset_class = DelegationReportFilterSet
    template_name = "reporting/delegationreport_list.html"
    partial_template_name = "reporting/_delegationreport_results.html"
    list_select_related = ("delegation", "delegation__target_unit")
    export_url_name = "reporting:delegationreport_export"


def latest_delegation_version(report: DelegationReport) -> DelegationReportVersion | None:
    return report.versions.select_related("submitted_by__staff_member").order_by("-number").first()


class DelegationReportDetailView(ScopedObjectMixin, DetailView):
    permission = "reporting.view"
    model = DelegationReport
    template_name = "reporting/delegationreport_detail.html"
    context_object_name = "report"

    def get_queryset(self):
        return super().get_queryset().select_related("delegation__head", "delegation__coordination_team")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        report: DelegationReport = self.object
        delegation = report.delegation
        rows = []
        for v in report.versions.select_related("submitted_by__staff_member").order_by("-number"):
            rows.append(
                {
                    "version": v,
                    "submitted_at": local_time(v.submitted_at, delegation),
                    "by": getattr(v.submitted_by.staff_member, "full_name", "") or v.submitted_by.get_username(),
                    "totals": [(label_text(label), value) for _key, label, value in labelled_totals(v)],
                    "teams": sorted(tv.report.team.name for tv in v.team_versions.select_related("report__team")),
                }
            )
        ctx["versions"] = rows
        ctx["lateness"] = lateness_message(report.minutes_late)
        ctx["first_submitted_at"] = local_time(report.first_submitted_at, delegation)
        ctx["deadline"] = local_time(report.deadline, delegation)
        return ctx


class DelegationReportExportView(xlsx.FilteredExportView):
    permission = "reporting.view"
    model = DelegationReport
    filterset_class = DelegationReportFilterSet
    title = gettext_lazy("Delegation reports")
    select_related = ("delegation__target_unit", "delegation__head")

    def get_columns(self):
        def latest(r: DelegationReport) -> DelegationReportVersion | None:
            return r.versions.order_by("-number").first()

        def figures(r: DelegationReport) -> str:
            v = latest(r)
            return "; ".join(f"{label_text(label)}: {value}" for _k, label, value in labelled_totals(v)) if v else ""

        def missing(r: DelegationReport) -> str:
            v = latest(r)
            return "; ".join(v.missing_teams) if v else ""

        return [
            col(gettext_lazy("Day"), "day", xlsx.DATE, 12),
            col(gettext_lazy("Delegation"), "delegation.name", width=30),
            col(gettext_lazy("Sent to"), "delegation.target_unit.name", width=20),
            col(gettext_lazy("Head"), "delegation.head.full_name", width=24),
            col(gettext_lazy("Due by"), "deadline", xlsx.DATETIME, 16),
            col(gettext_lazy("First submitted at"), "first_submitted_at", xlsx.DATETIME, 16),
            col(gettext_lazy("Minutes late"), "minutes_late", xlsx.NUMBER, 10),
            col(gettext_lazy("Versions"), "version_count", xlsx.NUMBER, 9),
            col(gettext_lazy("Teams missing"), missing, width=30),
            col(gettext_lazy("Figures (latest version)"), figures, width=80),
            col(gettext_lazy("Results and assessment"), lambda r: getattr(latest(r), "narrative", ""), width=60),
            col(gettext_lazy("Proposals"), lambda r: getattr(latest(r), "proposals", ""), width=40),
        ]

    def get_rows(self, queryset):
        return queryset.iterator(chunk_size=2000)


class DelegationReportPdfView(ScopedObjectMixin, View):
    permission = "reporting.view"
    model = DelegationReport

    def get(self, request, *args, **kwargs):
        report = self.get_object()
        response = HttpResponse(delegation_report_pdf(report), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{delegation_report_filename(report)}"'
        response["Cache-Control"] = "private, no-store"
        return response


# --- the head's consolidation -------------------------------------------------------------------------------------


def delegations_for(user):
    """The delegations a user may open: those in their jurisdiction, and always the ones they head or deputise."""
    visible = Delegation.objects.visible_to(user).values("pk")
    staff_id = getattr(user, "staff_member_id", None)
    own = (Q(head_id=staff_id) | Q(deputies=staff_id)) if staff_id else Q(pk__in=[])
    return Delegation.objects.filter(Q(pk__in=visible) | own).distinct()


def difficulty_url(delegation: Delegation) -> str:
    """The page for raising a difficulty about this delegation, when that part of the app is installed."""
    try:
        return reverse("reporting:difficulty_add") + f"?delegation={delegation.pk}"
    except NoReverseMatch:
        return ""


class DelegationConsolidateView(ScopedObjectMixin, View):
    permission = "reporting.consolidate"
    model = Delegation
    template_name = "reporting/delegation_consolidate.html"

    def get_queryset(self):
        return delegations_for(self.request.user).select_related("head", "coordination_team")

    def check_object_permission(self, obj: Delegation) -> None:
        check_may_consolidate(self.request.user, obj)

    def render(self, delegation: Delegation, day: date, form: NarrativeForm, errors: list[str]):
        from django.shortcuts import render

        consolidation = consolidate(delegation, day)
        report = DelegationReport.objects.filter(delegation=delegation, day=day).first()
        ctx = {
            "delegation": delegation,
            "day": day,
            "consolidation": consolidation,
            "lines": [
                {
                    "line": line,
                    "submitted_at": local_time(line.report.first_submitted_at, delegation) if line.report else None,
                    "lateness": lateness_message(line.report.minutes_late) if line.report else "",
                }
                for line in consolidation.lines
            ],
            "totals": [(label_text(t.label), t.value) for t in consolidation.totals],
            "missing_count": len(consolidation.missing),
            "form": form,
            "errors": errors,
            "report": report,
            "lateness": lateness_message(report.minutes_late) if report else "",
            "deadline": local_time(deadlines.delegation_deadline(delegation, day), delegation),
            "idempotency_key": uuid.uuid4().hex,
            "difficulty_url": difficulty_url(delegation),
        }
        return render(self.request, self.template_name, ctx)

    def get(self, request, *args, **kwargs):
        delegation = self.get_object()
        day = day_from(request, delegation)
        initial = {}
        report = DelegationReport.objects.filter(delegation=delegation, day=day).first()
        if report is not None:
            latest = latest_delegation_version(report)
            initial = {"narrative": latest.narrative, "proposals": latest.proposals}
        return self.render(delegation, day, NarrativeForm(initial=initial), [])

    def post(self, request, *args, **kwargs):
        delegation = self.get_object()
        day = day_from(request, delegation)
        form = NarrativeForm(request.POST)
        form.is_valid()
        try:
            saved = submit_delegation_report(
                request.user,
                delegation,
                day,
                request.POST.get("narrative", ""),
                request.POST.get("proposals", ""),
                idempotency_key=request.POST.get("idempotency_key", ""),
            )
        except ValidationError as exc:
            return self.render(delegation, day, form, error_list(exc))
        report = saved.report
        if saved.is_replay:
            messages.success(request, _("This report had already been sent; nothing was sent twice."))
        else:
            messages.success(
                request,
                _("The delegation report was sent (version %(number)d): %(lateness)s.")
                % {"number": saved.number, "lateness": lateness_message(report.minutes_late)},
            )
            if saved.missing_teams:
                count = len(saved.missing_teams)
                messages.warning(
                    request,
                    ngettext(
                        "Sent with %(count)d team missing: %(teams)s.",
                        "Sent with %(count)d teams missing: %(teams)s.",
                        count,
                    )
                    % {"count": count, "teams": ", ".join(saved.missing_teams)},
                )
        return redirect(report)

"""Mobilisation lists to Excel: each list page's filters, every matching row the user may see.

Requests and decisions carry no personal data: seeing them is enough to export them ("mobilisation.view"). Lists that
name people (who is mobilised, delegation heads, team members, with phones) need "staff.export", as the civil-servant
list does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Prefetch
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from phaodai.core import xlsx
from phaodai.core.permissions import RolePermissionMixin
from phaodai.mobilisation.filters import (
    AssignmentFilterSet,
    DelegationFilterSet,
    MobilisationDecisionFilterSet,
    PoolFilterSet,
    StaffingRequestFilterSet,
    TeamFilterSet,
)
from phaodai.mobilisation.models import (
    Assignment,
    AssignmentState,
    Delegation,
    MobilisationDecision,
    RequestTarget,
    StaffingRequest,
    Team,
    TeamMembership,
)
from phaodai.places.models import Agency
from phaodai.staff.excel import numbered
from phaodai.staff.models import StaffMember


def _label(model, name: str) -> str:
    text = str(model._meta.get_field(name).verbose_name)
    return text[:1].upper() + text[1:]


def _number(obj: Any) -> int | None:
    return getattr(obj, "_row_number", None)


col = xlsx.ExportColumn
NO = gettext_lazy("No.")


class Numbered:
    """A read-only row (a frozen dataclass) with its ordinal, for the "No." column."""

    def __init__(self, number: int, row: Any):
        self._row_number = number
        self._row = row

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


class NumberedExportView(xlsx.FilteredExportView):
    def get_rows(self, queryset) -> Iterable[Any]:
        return numbered(queryset.iterator(chunk_size=2000))


class StaffingRequestExportView(NumberedExportView):
    permission = "mobilisation.view"
    model = StaffingRequest
    filterset_class = StaffingRequestFilterSet
    title = gettext_lazy("Staffing requests")
    select_related = ("origin_unit",)
    prefetch_related = (
        Prefetch("targets", queryset=RequestTarget.objects.select_related("commune").order_by("commune__path")),
        "required_skills",
    )

    def get_columns(self):
        R = StaffingRequest

        def communes(r: StaffingRequest) -> str:
            return "; ".join(f"{t.commune.name}: {t.approved}" for t in r.targets.all())

        return [
            col(NO, _number, xlsx.NUMBER, 6),
            col(_label(R, "title"), "title", width=36),
            col(_label(R, "task"), "get_task_display", width=24),
            col(_label(R, "task_detail"), "task_detail", width=24),
            col(_label(R, "origin_unit"), "origin_unit.name", width=22),
            col(_label(R, "start_date"), "start_date", xlsx.DATE, 12),
            col(_label(R, "end_date"), "end_date", xlsx.DATE, 12),
            col(_label(R, "shift_pattern"), "shift_pattern", width=18),
            col(gettext_lazy("Communes (people)"), communes, width=40),
            col(gettext_lazy("People requested"), "people_requested", xlsx.NUMBER, 12),
            col(gettext_lazy("People approved"), "people_approved", xlsx.NUMBER, 12),
            col(_label(R, "required_skills"), lambda r: "; ".join(s.name for s in r.required_skills.all()), width=20),
            col(_label(R, "vaccinated_only"), "vaccinated_only", xlsx.BOOL, 10),
            col(_label(R, "status"), "get_status_display", width=12),
            col(_label(R, "rejection_reason"), "rejection_reason", width=30),
        ]


class PoolExportView(RolePermissionMixin, View):
    """The pool page's agencies and period as a sheet, one row per agency with the arithmetic (no personal data)."""

    permission = "mobilisation.view"

    def get(self, request, *args, **kwargs) -> HttpResponse:
        from phaodai.mobilisation.views import pool_rows

        user = request.user
        filterset = PoolFilterSet(request.GET or None, queryset=Agency.objects.visible_to(user), user=user)
        if filterset.is_bound and not filterset.is_valid():
            problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())
            return HttpResponseBadRequest(
                _("The filter is not valid: %(problems)s") % {"problems": problems}, content_type="text/plain"
            )
        rows, summary = pool_rows(user, filterset, timezone.localdate())
        if summary["error"]:
            return HttpResponseBadRequest(summary["error"], content_type="text/plain")
        title = _("Mobilisable pool %(start)s–%(end)s") % {
            "start": date_format(summary["start"], "SHORT_DATE_FORMAT"),
            "end": date_format(summary["end"], "SHORT_DATE_FORMAT"),
        }
        A = Agency
        columns = [
            col(NO, _number, xlsx.NUMBER, 6),
            col(_label(A, "name"), "agency.name", width=40),
            col(_label(A, "bloc"), "agency.get_bloc_display", width=22),
            col(_label(A, "unit"), "agency.unit.name", width=22),
            col(_label(A, "headcount"), "headcount", xlsx.NUMBER, 11),
            col(gettext_lazy("Staff"), "total", xlsx.NUMBER, 9),
            col(gettext_lazy("On leave"), "on_leave", xlsx.NUMBER, 9),
            col(gettext_lazy("Isolated or sick"), "isolated", xlsx.NUMBER, 10),
            col(gettext_lazy("Already mobilised"), "mobilised", xlsx.NUMBER, 11),
            col(gettext_lazy("Available"), "available", xlsx.NUMBER, 10),
            col(_label(A, "min_in_office"), "min_in_office", xlsx.NUMBER, 11),
            col(gettext_lazy("Kept in the office"), "kept", xlsx.NUMBER, 11),
            col(gettext_lazy("Mobilisable"), "mobilisable", xlsx.NUMBER, 11),
            col(gettext_lazy("Computation"), "computation", width=80),
        ]
        numbered_rows = (Numbered(n, row) for n, row in enumerate(rows, 1))
        fileobj = xlsx.write_xlsx(numbered_rows, columns, title=_("Mobilisable pool"))
        return xlsx.xlsx_response(fileobj, xlsx.export_filename(title, summary["start"]))


class MobilisationDecisionExportView(NumberedExportView):
    permission = "mobilisation.view"
    model = MobilisationDecision
    filterset_class = MobilisationDecisionFilterSet
    title = gettext_lazy("Mobilisation decisions")
    select_related = ("issuing_unit",)
    prefetch_related = ("requests",)

    def get(self, request, *args, **kwargs):
        # People per decision, counted among those the user may see (an agency head: their own agency's only).
        self.people = dict(
            Assignment.objects.visible_to(request.user)
            .exclude(state=AssignmentState.WITHDRAWN)
            .values("decision")
            .annotate(n=Count("pk"))
            .values_list("decision", "n")
        )
        return super().get(request, *args, **kwargs)

    def get_columns(self):
        D = MobilisationDecision
        return [
            col(NO, _number, xlsx.NUMBER, 6),
            col(_label(D, "number"), "number", width=18),
            col(_label(D, "status"), "get_status_display", width=12),
            col(_label(D, "issuing_unit"), "issuing_unit.name", width=22),
            col(_label(D, "requests"), lambda d: "; ".join(r.title for r in d.requests.all()), width=40),
            col(gettext_lazy("People"), lambda d: self.people.get(d.pk, 0), xlsx.NUMBER, 10),
            col(gettext_lazy("Created at"), "created_at", xlsx.DATETIME, 16),
            col(gettext_lazy("Approved at"), "approved_at", xlsx.DATETIME, 16),
            col(_label(D, "signer_name"), "signer_name", width=22),
            col(_label(D, "signer_title"), "signer_title", width=22),
        ]


def _why(a: Assignment) -> str:
    return "; ".join(a.reasons)


class AssignmentExportView(NumberedExportView):
    """The people mobilised (or proposed): the list Home Affairs sends to Health, filtered like the page."""

    permission = "staff.export"
    model = Assignment
    filterset_class = AssignmentFilterSet
    title = gettext_lazy("Mobilised people")
    select_related = ("staff", "agency", "target__commune", "target__request", "decision", "substitutes__staff")

    def get_columns(self):
        A, S = Assignment, StaffMember
        return [
            col(NO, _number, xlsx.NUMBER, 6),
            col(_label(S, "full_name"), "staff.full_name", width=26),
            col(_label(S, "gender"), "staff.get_gender_display", width=8),
            col(_label(S, "date_of_birth"), "staff.date_of_birth", xlsx.DATE, 12),
            col(_label(S, "phone"), "staff.phone", width=13),
            col(_label(S, "position"), "staff.position", width=18),
            col(_label(S, "agency"), "agency.name", width=32),
            col(gettext_lazy("Sent to"), "target.commune.name", width=20),
            col(gettext_lazy("Request"), "target.request.title", width=30),
            col(_label(A, "start_date"), "start_date", xlsx.DATE, 12),
            col(_label(A, "end_date"), "end_date", xlsx.DATE, 12),
            col(_label(A, "state"), "get_state_display", width=12),
            col(gettext_lazy("Decision"), lambda a: str(a.decision), width=18),
            col(_label(A, "why"), _why, width=50),
            col(_label(A, "substitutes"), "substitutes.staff.full_name", width=24),
            col(_label(A, "substitution_reason"), "substitution_reason", width=30),
        ]


class DelegationExportView(NumberedExportView):
    permission = "staff.export"
    model = Delegation
    filterset_class = DelegationFilterSet
    title = gettext_lazy("Delegations")
    select_related = ("target_unit", "head", "coordination_team", "decision")
    prefetch_related = ("overseen_units", "deputies", "teams")

    def get_columns(self):
        D = Delegation
        return [
            col(NO, _number, xlsx.NUMBER, 6),
            col(_label(D, "name"), "name", width=32),
            col(_label(D, "kind"), "get_kind_display", width=20),
            col(_label(D, "target_unit"), "target_unit.name", width=20),
            col(_label(D, "overseen_units"), lambda d: "; ".join(u.name for u in d.overseen_units.all()), width=30),
            col(_label(D, "head"), "head.full_name", width=24),
            col(gettext_lazy("Head's phone"), "head.phone", width=13),
            col(_label(D, "deputies"), lambda d: "; ".join(p.full_name for p in d.deputies.all()), width=30),
            col(_label(D, "coordination_team"), "coordination_team.name", width=28),
            col(_label(D, "start_date"), "start_date", xlsx.DATE, 12),
            col(_label(D, "end_date"), "end_date", xlsx.DATE, 12),
            col(_label(D, "headquarters_address"), "headquarters_address", width=30),
            col(_label(D, "hotline"), "hotline", width=13),
            col(gettext_lazy("Teams"), lambda d: len(d.teams.all()), xlsx.NUMBER, 8),
            col(gettext_lazy("Decision"), lambda d: str(d.decision) if d.decision_id else "", width=18),
        ]


class TeamExportView(NumberedExportView):
    permission = "staff.export"
    model = Team
    filterset_class = TeamFilterSet
    title = gettext_lazy("Teams")
    select_related = ("delegation", "delegation__target_unit", "leader")
    prefetch_related = (
        Prefetch(
            "memberships",
            queryset=TeamMembership.objects.filter(left_on__isnull=True).select_related("staff"),
            to_attr="current_members",
        ),
    )

    def get_columns(self):
        T = Team
        return [
            col(NO, _number, xlsx.NUMBER, 6),
            col(_label(T, "delegation"), "delegation.name", width=30),
            col(gettext_lazy("Sent to"), "delegation.target_unit.name", width=20),
            col(_label(T, "name"), "name", width=20),
            col(_label(T, "task"), "get_task_display", width=22),
            col(_label(T, "leader"), "leader.full_name", width=24),
            col(gettext_lazy("Leader's phone"), "leader.phone", width=13),
            col(gettext_lazy("Members"), lambda t: len(t.current_members), xlsx.NUMBER, 9),
            col(
                gettext_lazy("Members' names"),
                lambda t: "; ".join(m.staff.full_name for m in t.current_members),
                width=50,
            ),
        ]

"""Mobilisation pages: requests, the pool, decisions and their people, delegations and teams, "my assignment".

Every page starts from `Model.objects.visible_to(user)` (an object outside it is a 404) and declares the role
permission it needs (403 without it). The business rules live in `services`, `allocation`, `pool` and
`delegations`; the views only translate forms into those calls and their errors back into messages.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from phaodai.core.permissions import LOGGED_IN, RolePermissionMixin, ScopedObjectMixin
from phaodai.core.views import FilteredListView
from phaodai.mobilisation import delegations, forms, services
from phaodai.mobilisation.blocs import split_explanation
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
    CoordinationTeam,
    DecisionStatus,
    Delegation,
    MobilisationDecision,
    RequestStatus,
    RequestTarget,
    StaffingRequest,
    Team,
    TeamMembership,
)
from phaodai.mobilisation.pool import blocs_mobilisable_by, mobilisable_pool
from phaodai.places.models import Agency

# --- helpers -----------------------------------------------------------------------------------------------------


def error_messages(exc: ValidationError) -> list[str]:
    """A service's ValidationError as plain sentences (field names are the service's, not the form's)."""
    if hasattr(exc, "error_dict"):
        return [str(m) for errors in exc.error_dict.values() for e in errors for m in e]
    return [str(m) for m in exc.messages]


def add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's errors on the form: on the field of the same name when there is one, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def show_service_errors(request, exc: ValidationError | PermissionDenied) -> None:
    if isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or _("Your role does not allow this."))
        return
    for message in error_messages(exc):
        messages.error(request, message)


class ServiceFormView(FormView):
    """A form whose valid data goes to one service function; the service's errors come back onto the form."""

    template_name = "mobilisation/form.html"
    title: Any = ""
    intro: Any = ""
    submit_label: Any = ""
    two_columns = False

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_back_url(self) -> tuple[str, str]:
        return "", ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        back_url, back_label = self.get_back_url()
        ctx.update(
            title=self.title,
            intro=self.intro,
            submit_label=self.submit_label or _("Save"),
            back_url=back_url,
            back_label=back_label,
            two_columns=self.two_columns,
        )
        return ctx

    def perform(self, form) -> Any:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def success(self, result: Any) -> HttpResponseRedirect:  # pragma: no cover
        raise NotImplementedError

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        except PermissionDenied as exc:
            # The page was allowed; this particular choice is not (e.g. a Party-bloc person for Home Affairs): say so
            # on the form rather than on a bare 403 page.
            form.add_error(None, str(exc) or _("Your role does not allow this."))
            return self.form_invalid(form)
        return self.success(result)


# --- requests ----------------------------------------------------------------------------------------------------


def targets_prefetch() -> Prefetch:
    return Prefetch("targets", queryset=RequestTarget.objects.select_related("commune").order_by("commune__path"))


class StaffingRequestListView(FilteredListView):
    permission = "mobilisation.view"
    model = StaffingRequest
    filterset_class = StaffingRequestFilterSet
    template_name = "mobilisation/staffingrequest_list.html"
    partial_template_name = "mobilisation/_staffingrequest_results.html"
    list_select_related = ("origin_unit",)
    export_url_name = "mobilisation:staffingrequest_export"
    export_permission = "staff.export"

    def get_queryset(self):
        return super().get_queryset().prefetch_related(targets_prefetch())


class StaffingRequestDetailView(ScopedObjectMixin, DetailView):
    permission = "mobilisation.view"
    model = StaffingRequest
    template_name = "mobilisation/staffingrequest_detail.html"
    context_object_name = "staffing_request"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("origin_unit", "requested_by", "decided_by")
            .prefetch_related(targets_prefetch(), "required_skills", "preferred_skills")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user, req = self.request.user, self.object
        ctx.update(request_actions(user, req))
        ctx["decisions"] = list(MobilisationDecision.objects.visible_to(user).filter(requests=req))
        ctx["bloc_split"] = split_explanation(req)
        return ctx


class StaffingRequestFormMixin:
    """Create and edit share the form: the request's fields, then one row per commune ("More communes" adds rows)."""

    template_name = "mobilisation/staffingrequest_form.html"

    def initial_targets(self) -> list[dict[str, Any]]:
        return []

    def render_form(self, form, formset, status: int = 200):
        return render(
            self.request,
            self.template_name,
            {"form": form, "formset": formset, "staffing_request": getattr(self, "object", None)},
            status=status,
        )

    def get(self, request, *args, **kwargs):
        form = forms.StaffingRequestForm(initial=self.initial_fields(), user=request.user)
        return self.render_form(form, forms.target_formset(request.user, initial=self.initial_targets()))

    def initial_fields(self) -> dict[str, Any]:
        return {}

    def post(self, request, *args, **kwargs):
        more = forms.EMPTY_TARGET_ROWS if "more_rows" in request.POST else 0
        form = forms.StaffingRequestForm(request.POST, user=request.user)
        formset = forms.target_formset(request.user, data=request.POST, more=more)
        if more or not (form.is_valid() & formset.is_valid()):
            return self.render_form(form, formset)
        try:
            saved = self.save(form.cleaned_data, formset.targets(), submit="submit" in request.POST)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.render_form(form, formset)
        if saved.status == RequestStatus.SUBMITTED:
            messages.success(request, _("Submitted “%(title)s” to Home Affairs.") % {"title": saved.title})
        else:
            messages.success(
                request, _("Saved “%(title)s” as a draft: submit it when it is complete.") % {"title": saved.title}
            )
        return redirect(saved)

    def save(self, data: dict[str, Any], targets: dict, submit: bool) -> StaffingRequest:  # pragma: no cover
        raise NotImplementedError


class StaffingRequestCreateView(StaffingRequestFormMixin, RolePermissionMixin, View):
    permission = "mobilisation.request"

    def save(self, data: dict[str, Any], targets: dict, submit: bool) -> StaffingRequest:
        return services.create_request(self.request.user, targets=targets, submit=submit, **data)


class StaffingRequestUpdateView(StaffingRequestFormMixin, ScopedObjectMixin, View):
    """Editing a draft. A submitted request is no longer the proposer's to change (403)."""

    permission = "mobilisation.request"
    model = StaffingRequest

    def check_object_permission(self, obj: StaffingRequest) -> None:
        if not is_author(self.request.user, obj):
            raise PermissionDenied(_("Only the jurisdiction that made this request may change it."))
        if obj.status != RequestStatus.DRAFT:
            raise PermissionDenied(_("Only a draft can be changed; this request is already submitted."))
        self.object = obj

    def initial_fields(self) -> dict[str, Any]:
        r = self.object
        return {
            "title": r.title,
            "task": r.task,
            "task_detail": r.task_detail,
            "start_date": r.start_date,
            "end_date": r.end_date,
            "shift_pattern": r.shift_pattern,
            "required_skills": list(r.required_skills.all()),
            "preferred_skills": list(r.preferred_skills.all()),
            "vaccinated_only": r.vaccinated_only,
        }

    def initial_targets(self) -> list[dict[str, Any]]:
        return [{"commune": t.commune, "people": t.people_requested} for t in self.object.targets.all()]

    def save(self, data: dict[str, Any], targets: dict, submit: bool) -> StaffingRequest:
        with transaction.atomic():
            saved = services.update_request(self.object, self.request.user, targets=targets, **data)
            if submit:
                saved = services.submit_request(saved, self.request.user)
        return saved


class StaffingRequestSubmitView(ScopedObjectMixin, View):
    """POST: draft → submitted."""

    permission = "mobilisation.request"
    model = StaffingRequest
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            services.submit_request(obj, request.user)
        except ValidationError as exc:
            show_service_errors(request, exc)
        else:
            messages.success(request, _("Submitted “%(title)s” to Home Affairs.") % {"title": obj.title})
        return redirect(obj)


class StaffingRequestDecideView(ScopedObjectMixin, ServiceFormView):
    """Home Affairs approves (numbers per commune may be lowered) or rejects with a reason."""

    permission = "mobilisation.decide"
    model = StaffingRequest
    form_class = forms.DecideRequestForm

    @property
    def title(self):
        return _("Decide: %(title)s") % {"title": self.get_object().title}

    @property
    def intro(self):
        r = self.get_object()
        return _(
            "%(origin)s asks for %(people)d people from %(start)s to %(end)s. To approve fewer, lower the numbers."
        ) % {
            "origin": r.origin_unit.name,
            "people": r.people_requested,
            "start": r.start_date.strftime("%d/%m/%Y"),
            "end": r.end_date.strftime("%d/%m/%Y"),
        }

    @property
    def submit_label(self):
        return _("Record the decision")

    def get_back_url(self) -> tuple[str, str]:
        r = self.get_object()
        return r.get_absolute_url(), r.title

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("user")
        return {**kwargs, "staffing_request": self.get_object()}

    def perform(self, form) -> StaffingRequest:
        approve = form.cleaned_data["outcome"] == "approve"
        return services.decide_request(
            self.get_object(), self.request.user, approve, numbers=form.numbers(), reason=form.cleaned_data["reason"]
        )

    def success(self, decided: StaffingRequest):
        if decided.status == RequestStatus.APPROVED:
            messages.success(self.request, _("Approved: %(people)d people.") % {"people": decided.people_approved})
        else:
            messages.success(self.request, _("Rejected; the proposer is told why."))
        return redirect(decided)


def is_author(user, req: StaffingRequest) -> bool:
    """The request was made by the user's jurisdiction (or one under it): only then may they edit or submit it."""
    if user.sees_everything:
        return True
    unit = user.scope_unit or (user.scope_agency.unit if user.scope_agency_id else None)
    return unit is not None and req.origin_unit.path.startswith(unit.path)


def request_actions(user, req: StaffingRequest) -> dict[str, bool]:
    """Which buttons the request page shows; the services check the same rules again when they are used."""
    may_propose = user.has_role_perm("mobilisation.request") and is_author(user, req)
    return {
        "can_edit": may_propose and req.status == RequestStatus.DRAFT,
        "can_submit": may_propose and req.status == RequestStatus.DRAFT,
        "can_decide": user.has_role_perm("mobilisation.decide") and req.status == RequestStatus.SUBMITTED,
        "can_propose": req.status == RequestStatus.APPROVED and may_allocate(user),
    }


def may_allocate(user) -> bool:
    """Home Affairs allocates the government bloc, the Party Organisation Board the Party bloc."""
    return user.has_role_perm("mobilisation.decide") or user.has_role_perm("mobilisation.party")


# --- the mobilisable pool ---------------------------------------------------------------------------------------

#: The pool's default period: the next two weeks, the usual length of a mobilisation in the seeds.
DEFAULT_POOL_DAYS = 14


def pool_period(filterset, today) -> tuple[Any, Any]:
    """The period asked for in the pool's filters (`start`, `end`), or the next two weeks."""
    form = filterset.form
    if filterset.is_bound:
        form.is_valid()  # a wrong "to" date must not hide a right "from" date: cleaned_data keeps the valid fields
    cleaned = getattr(form, "cleaned_data", {})
    start = cleaned.get("start") or today
    end = cleaned.get("end") or start + timedelta(days=DEFAULT_POOL_DAYS - 1)
    return start, end


def pool_rows(user, filterset, today) -> tuple[list, dict[str, Any]]:
    """The pool of the filtered agencies (all of them, so the totals are right) and its summary."""
    start, end = pool_period(filterset, today)
    summary: dict[str, Any] = {"start": start, "end": end, "error": ""}
    try:
        rows = mobilisable_pool(filterset.qs.select_related("unit"), start, end, today=today)
    except ValidationError as exc:
        summary["error"] = " ".join(error_messages(exc))
        rows = []
    for name in ("total", "available", "min_in_office", "mobilisable"):
        summary[name] = sum(getattr(r, name) for r in rows)
    summary["blocs"] = blocs_mobilisable_by(user)
    return rows, summary


class PoolView(FilteredListView):
    """Who each agency can send for a period: available minus the minimum that stays in office, arithmetic shown."""

    permission = "mobilisation.view"
    model = Agency
    filterset_class = PoolFilterSet
    template_name = "mobilisation/pool.html"
    partial_template_name = "mobilisation/_pool_results.html"
    export_url_name = "mobilisation:pool_export"

    def get_queryset(self):
        super().get_queryset()  # sets self.filterset
        rows, self.summary = pool_rows(self.request.user, self.filterset, timezone.localdate())
        return rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(summary=self.summary, **kwargs)


# --- decisions ---------------------------------------------------------------------------------------------------


class MobilisationDecisionListView(FilteredListView):
    permission = "mobilisation.view"
    model = MobilisationDecision
    filterset_class = MobilisationDecisionFilterSet
    template_name = "mobilisation/mobilisationdecision_list.html"
    partial_template_name = "mobilisation/_mobilisationdecision_results.html"
    list_select_related = ("issuing_unit",)
    export_url_name = "mobilisation:mobilisationdecision_export"
    export_permission = "staff.export"

    def get_queryset(self):
        return super().get_queryset().prefetch_related("requests")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(can_propose=may_allocate(self.request.user), **kwargs)


def explanation_for(user, decision: MobilisationDecision) -> dict[str, Any]:
    """The allocation's explanation as stored, narrowed to the agencies the user may see.

    The quota of an agency the user does not see (another district's committee, for a commune) is not theirs to read.
    """
    data = decision.explanation or {}
    quotas = list(data.get("quotas", []))
    if quotas and not user.sees_everything:
        visible = set(Agency.objects.visible_to(user).values_list("pk", flat=True))
        quotas = [q for q in quotas if q.get("agency") in visible]
    return {**data, "quotas": quotas}


class MobilisationDecisionDetailView(ScopedObjectMixin, DetailView):
    permission = "mobilisation.view"
    model = MobilisationDecision
    template_name = "mobilisation/mobilisationdecision_detail.html"
    context_object_name = "decision"

    def get_queryset(self):
        return super().get_queryset().select_related("issuing_unit", "created_by", "approved_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user, decision = self.request.user, self.object
        ctx["requests"] = list(StaffingRequest.objects.visible_to(user).filter(decisions=decision))
        # Only the people the user may see: an agency head sees their own agency's, a commune those sent to it.
        people = Assignment.objects.visible_to(user).filter(decision=decision)
        targets = decision_targets(decision, people)
        ctx["people_count"] = sum(t["people"] for t in targets)
        # An agency head sees their agency's part only: say so, list only the communes it sends people to, and leave
        # out the decision-wide shortfalls (a "short 25" beside their 2 people reads as their fault).
        ctx["agency_part"] = agency_part(user, decision)
        if ctx["agency_part"] is not None:
            targets = [t for t in targets if t["people"]]
        ctx["targets"] = targets
        explanation = explanation_for(user, decision)
        if ctx["agency_part"] is not None:
            explanation["shortfalls"] = []
        # Hundreds of agencies, most giving nobody: the table lists the givers, the rest fold away.
        quotas = explanation.get("quotas", [])
        ctx["quotas_given"] = [q for q in quotas if q.get("quota")]
        ctx["quotas_none"] = [q for q in quotas if not q.get("quota")]
        ctx["explanation"] = explanation
        ctx.update(decision_actions(user, decision))
        if ctx["can_approve"]:
            ctx["approve_form"] = forms.ApproveDecisionForm()
        ctx["can_download"] = covers_issuer(user, decision) and decision.status != DecisionStatus.CANCELLED
        return ctx


def agency_part(user, decision: MobilisationDecision):
    """The agency whose part of the decision the user sees, when that is all they see (an agency head); else None."""
    if user.scope_agency_id is None or covers_issuer(user, decision):
        return None
    return user.scope_agency


def covers_issuer(user, decision: MobilisationDecision) -> bool:
    """The decision's full list (every person, every agency) is for the jurisdiction that issued it; the others see
    their own part of it in the people list and its export."""
    if user.sees_everything:
        return True
    return user.scope_unit_id is not None and decision.issuing_unit.path.startswith(user.scope_unit.path)


class DecisionDocumentView(ScopedObjectMixin, View):
    """The decision as the official PDF (Decree 30/2020 layout, a draft while proposed) or its list for Health."""

    permission = "mobilisation.view"
    model = MobilisationDecision
    kind = "pdf"

    def get_queryset(self):
        return super().get_queryset().select_related("issuing_unit")

    def check_object_permission(self, decision: MobilisationDecision) -> None:
        if not covers_issuer(self.request.user, decision):
            raise PermissionDenied(_("The decision's full list is for the jurisdiction that issued it."))

    def get(self, request, *args, **kwargs):
        from phaodai.core import xlsx
        from phaodai.mobilisation import documents

        decision = self.get_object()
        if self.kind == "pdf":
            response = HttpResponse(documents.decision_pdf(decision), content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="{documents.decision_filename(decision, "pdf")}"'
            response["Cache-Control"] = "private, no-store"
            return response
        return xlsx.xlsx_response(documents.decision_xlsx(decision), documents.decision_filename(decision, "xlsx"))


def decision_targets(decision: MobilisationDecision, people) -> list[dict[str, Any]]:
    """Per commune and request of the decision: wanted, people (visible to the user) by state."""
    counts: dict[int, dict[str, int]] = {}
    for target_id, state in people.exclude(state=AssignmentState.WITHDRAWN).values_list("target_id", "state"):
        row = counts.setdefault(target_id, {})
        row[state] = row.get(state, 0) + 1
    shortfalls = {s.get("target"): s for s in (decision.explanation or {}).get("shortfalls", [])}
    targets = (
        RequestTarget.objects.filter(Q(request__decisions=decision) | Q(pk__in=counts.keys()))
        .select_related("commune", "request")
        .distinct()
        .order_by("request_id", "commune__path")
    )
    rows = []
    for target in targets:
        by_state = counts.get(target.pk, {})
        shortfall = shortfalls.get(target.pk, {})
        rows.append(
            {
                "target": target,
                "wanted": target.approved,
                "people": sum(by_state.values()),
                "by_state": by_state,
                "shortfall": shortfall.get("missing", 0),
                "shortfall_reason": shortfall.get("reason", ""),
            }
        )
    return rows


def decision_actions(user, decision: MobilisationDecision) -> dict[str, bool]:
    proposed = decision.status == DecisionStatus.PROPOSED
    return {
        "can_approve": proposed and may_allocate(user),
        "can_swap": proposed and may_allocate(user),
        "can_substitute": proposed and user.has_role_perm("mobilisation.substitute"),
        "is_approved": decision.status == DecisionStatus.APPROVED,
    }


class AllocatorPermissionMixin:
    """Home Affairs (government bloc) or the Party Organisation Board (Party bloc): either may allocate, swap,
    approve; the services then keep each to its own bloc."""

    permission = "mobilisation.decide"

    def check_permission(self) -> None:
        if getattr(self, "model", None) is not None and hasattr(self, "get_object"):
            self.get_object()  # 404 before 403
        if not may_allocate(self.request.user):
            raise PermissionDenied


class MobilisationDecisionProposeView(AllocatorPermissionMixin, RolePermissionMixin, ServiceFormView):
    """Choose approved requests; the allocation proposes the people, kept as a PROPOSED decision to review."""

    @property
    def title(self):
        return _("Propose the people")

    @property
    def intro(self):
        return _(
            "The agencies give in proportion to the people they can spare; within them people with the required "
            "skills, living near the commune and least mobilised lately are chosen. Nothing is final until approved."
        )

    @property
    def submit_label(self):
        return _("Propose")

    form_class = forms.ProposeDecisionForm

    def get_back_url(self) -> tuple[str, str]:
        return reverse("mobilisation:mobilisationdecision_list"), _("Mobilisation decisions")

    def get_initial(self) -> dict[str, Any]:
        wanted = [pk for pk in self.request.GET.getlist("requests") if pk.isdigit()]
        return {**super().get_initial(), "requests": wanted}

    def perform(self, form) -> MobilisationDecision:
        return services.propose_decision(list(form.cleaned_data["requests"]), self.request.user)

    def success(self, decision: MobilisationDecision):
        messages.success(self.request, _("Proposed: check the people, swap where needed, then approve."))
        return redirect(decision)


class MobilisationDecisionApproveView(AllocatorPermissionMixin, ScopedObjectMixin, ServiceFormView):
    model = MobilisationDecision
    form_class = forms.ApproveDecisionForm

    @property
    def title(self):
        return _("Approve %(decision)s") % {"decision": self.get_object()}

    @property
    def submit_label(self):
        return _("Approve")

    def get_back_url(self) -> tuple[str, str]:
        decision = self.get_object()
        return decision.get_absolute_url(), str(decision)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("user")
        return kwargs

    def perform(self, form) -> MobilisationDecision:
        data = form.cleaned_data
        return services.approve_decision(
            self.get_object(), self.request.user, data["number"], data["signer_name"], data["signer_title"]
        )

    def success(self, decision: MobilisationDecision):
        messages.success(
            self.request,
            _("Decision %(number)s approved: the people are mobilised and notified.") % {"number": decision.number},
        )
        return redirect(decision)


class MobilisationDecisionCancelView(AllocatorPermissionMixin, ScopedObjectMixin, View):
    """Drop a proposed decision; its requests can be allocated again.

    Two steps, without JavaScript: GET asks "really?", and only a POST carrying `confirm` cancels (a bare POST, say
    from an old page, is sent to the question).
    """

    model = MobilisationDecision
    http_method_names = ["get", "post"]
    template_name = "mobilisation/mobilisationdecision_cancel.html"

    def get(self, request, *args, **kwargs):
        decision = self.get_object()
        if decision.status != DecisionStatus.PROPOSED:
            messages.error(request, _("Only a proposed decision can be cancelled."))
            return redirect(decision)
        people = decision.assignments.exclude(state=AssignmentState.WITHDRAWN).count()
        return render(request, self.template_name, {"decision": decision, "people_count": people})

    def post(self, request, *args, **kwargs):
        decision = self.get_object()
        if request.POST.get("confirm") != "yes":
            return redirect("mobilisation:mobilisationdecision_cancel", pk=decision.pk)
        try:
            services.cancel_decision(decision, request.user)
        except ValidationError as exc:
            show_service_errors(request, exc)
            return redirect(decision)
        messages.success(request, _("The proposal was cancelled; its requests can be allocated again."))
        return redirect("mobilisation:mobilisationdecision_list")


# --- assignments (the people of the decisions) -------------------------------------------------------------------


class AssignmentListView(FilteredListView):
    permission = "mobilisation.view"
    model = Assignment
    filterset_class = AssignmentFilterSet
    template_name = "mobilisation/assignment_list.html"
    partial_template_name = "mobilisation/_assignment_results.html"
    list_select_related = ("staff", "agency", "target__commune", "target__request", "decision", "substitutes__staff")
    export_url_name = "mobilisation:assignment_export"
    export_permission = "staff.export"

    def get_queryset(self):
        qs = super().get_queryset()
        # People taken off a decision (substituted, or its proposal cancelled) are not among its people: the list
        # counts what the decision page counts. They stay one filter away ("State: withdrawn").
        self.withdrawn_hidden = 0
        if not self.request.GET.get("state"):
            self.withdrawn_hidden = qs.filter(state=AssignmentState.WITHDRAWN).count()
            qs = qs.exclude(state=AssignmentState.WITHDRAWN)
        return qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        withdrawn_url = ""
        if self.withdrawn_hidden:
            query = self.request.GET.copy()
            query["state"] = AssignmentState.WITHDRAWN
            query.pop("page", None)
            withdrawn_url = f"{reverse('mobilisation:assignment_list')}?{query.urlencode()}"
        return super().get_context_data(
            can_swap=may_allocate(user),
            can_substitute=user.has_role_perm("mobilisation.substitute"),
            withdrawn_hidden=self.withdrawn_hidden,
            withdrawn_url=withdrawn_url,
            **kwargs,
        )


# --- delegations and teams ---------------------------------------------------------------------------------------


class DelegationListView(FilteredListView):
    permission = "mobilisation.view"
    model = Delegation
    filterset_class = DelegationFilterSet
    template_name = "mobilisation/delegation_list.html"
    partial_template_name = "mobilisation/_delegation_results.html"
    list_select_related = ("target_unit", "head", "coordination_team")
    export_url_name = "mobilisation:delegation_export"
    export_permission = "staff.export"

    def get_queryset(self):
        return super().get_queryset().prefetch_related("teams")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(can_organise=self.request.user.has_role_perm("mobilisation.organise"), **kwargs)


def open_memberships() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=TeamMembership.objects.filter(left_on__isnull=True).select_related("staff", "staff__agency"),
        to_attr="current_members",
    )


class DelegationDetailView(ScopedObjectMixin, DetailView):
    permission = "mobilisation.view"
    model = Delegation
    template_name = "mobilisation/delegation_detail.html"
    context_object_name = "delegation"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("target_unit", "head", "head__agency", "coordination_team", "decision")
            .prefetch_related(
                "overseen_units",
                "deputies",
                Prefetch("teams", queryset=Team.objects.select_related("leader").prefetch_related(open_memberships())),
            )
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user, delegation = self.request.user, self.object
        ctx["can_organise"] = user.has_role_perm("mobilisation.organise")
        ctx["decision_visible"] = (
            delegation.decision_id is not None
            and MobilisationDecision.objects.visible_to(user).filter(pk=delegation.decision_id).exists()
        )
        return ctx


class TeamListView(FilteredListView):
    permission = "mobilisation.view"
    model = Team
    filterset_class = TeamFilterSet
    template_name = "mobilisation/team_list.html"
    partial_template_name = "mobilisation/_team_results.html"
    list_select_related = ("delegation", "delegation__target_unit", "leader")
    export_url_name = "mobilisation:team_export"
    export_permission = "staff.export"

    def get_queryset(self):
        return super().get_queryset().prefetch_related(open_memberships())


class TeamDetailView(ScopedObjectMixin, DetailView):
    """A team, its members today and the whole history of who joined, left and moved where."""

    permission = "mobilisation.view"
    model = Team
    template_name = "mobilisation/team_detail.html"
    context_object_name = "team"

    def get_queryset(self):
        return super().get_queryset().select_related("delegation", "delegation__target_unit", "leader")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        history = list(
            self.object.memberships.select_related("staff", "staff__agency", "moved_to__team").order_by(
                "joined_on", "staff__search_name", "pk"
            )
        )
        ctx["current"] = [m for m in history if m.left_on is None]
        ctx["history"] = history
        ctx["can_organise"] = self.request.user.has_role_perm("mobilisation.organise")
        return ctx


class DelegationCreateView(RolePermissionMixin, ServiceFormView):
    permission = "mobilisation.organise"
    form_class = forms.DelegationForm
    two_columns = True

    @property
    def title(self):
        return _("New delegation")

    @property
    def submit_label(self):
        return _("Form the delegation")

    def get_back_url(self) -> tuple[str, str]:
        return reverse("mobilisation:delegation_list"), _("Delegations")

    @property
    def intro(self):
        if CoordinationTeam.objects.visible_to(self.request.user).exists():
            return ""
        return _("There is no coordination team yet: add one first (“New coordination team”).")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            extra_action=(reverse("mobilisation:coordinationteam_add"), _("New coordination team")), **kwargs
        )

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        decision = self.request.GET.get("decision", "")
        if decision.isdigit():
            initial["decision"] = int(decision)
        return initial

    def perform(self, form) -> Delegation:
        data = form.cleaned_data  # blank dates were taken from the decision by the form
        return delegations.create_delegation(
            self.request.user,
            name=data["name"],
            kind=data["kind"],
            decision=data["decision"],
            target_unit=data["target_unit"],
            overseen_units=data["overseen_units"],
            coordination_team=data["coordination_team"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            head=data["head"],
            deputies=data["deputies"],
            headquarters_address=data["headquarters_address"],
            hotline=data["hotline"],
        )

    def success(self, delegation: Delegation):
        messages.success(self.request, _("Formed the delegation “%(name)s”.") % {"name": delegation.name})
        return redirect(delegation)


class CoordinationTeamCreateView(RolePermissionMixin, ServiceFormView):
    """The coordination team delegations report to: needed once per city (or district) before forming delegations."""

    permission = "mobilisation.organise"
    form_class = forms.CoordinationTeamForm

    @property
    def title(self):
        return _("New coordination team")

    def get_back_url(self) -> tuple[str, str]:
        return reverse("mobilisation:delegation_add"), _("New delegation")

    def perform(self, form) -> CoordinationTeam:
        data = form.cleaned_data
        return delegations.create_coordination_team(
            self.request.user, unit=data["unit"], name=data["name"], phone=data["phone"], email=data["email"]
        )

    def success(self, team: CoordinationTeam):
        messages.success(self.request, _("Added the coordination team “%(name)s”.") % {"name": team.name})
        return redirect("mobilisation:delegation_add")


class TeamCreateView(ScopedObjectMixin, ServiceFormView):
    """Add a team to a delegation (404 for a delegation outside the jurisdiction, 403 without organise)."""

    permission = "mobilisation.organise"
    model = Delegation
    form_class = forms.TeamForm

    @property
    def title(self):
        return _("Add a team to %(delegation)s") % {"delegation": self.get_object().name}

    @property
    def submit_label(self):
        return _("Add the team")

    def get_back_url(self) -> tuple[str, str]:
        delegation = self.get_object()
        return delegation.get_absolute_url(), delegation.name

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "delegation": self.get_object()}

    def perform(self, form) -> Team:
        data = form.cleaned_data
        return delegations.add_team(
            self.get_object(), self.request.user, name=data["name"], task=data["task"], leader=data["leader"]
        )

    def success(self, team: Team):
        messages.success(self.request, _("Added the team “%(name)s”.") % {"name": team.name})
        return redirect(team.delegation)


class TeamMemberAddView(ScopedObjectMixin, ServiceFormView):
    """Put people into a team: all the ticked people join, or nobody does (the first problem is shown)."""

    permission = "mobilisation.organise"
    model = Team
    form_class = forms.TeamMembersForm

    @property
    def title(self):
        return _("Add members to %(team)s") % {"team": self.get_object().name}

    @property
    def intro(self):
        return _("People mobilised for this delegation's area who are not in a team yet.")

    @property
    def submit_label(self):
        return _("Add to the team")

    def get_back_url(self) -> tuple[str, str]:
        team = self.get_object()
        return reverse("mobilisation:team_detail", args=[team.pk]), team.name

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "team": self.get_object()}

    def perform(self, form) -> int:
        team, data = self.get_object(), form.cleaned_data
        with transaction.atomic():
            for person in data["people"]:
                delegations.add_member(team, person, self.request.user, data["day"])
        return len(data["people"])

    def success(self, count: int):
        added = ngettext("Added %(n)d person to the team.", "Added %(n)d people to the team.", count)
        messages.success(self.request, added % {"n": count})
        return redirect("mobilisation:team_detail", pk=self.get_object().pk)


class MembershipMoveView(ScopedObjectMixin, ServiceFormView):
    """Move a member of this team to another team; the old membership is closed and kept in the history."""

    permission = "mobilisation.organise"
    model = Team
    form_class = forms.MoveMemberForm

    def get_membership(self) -> TeamMembership:
        if getattr(self, "_membership", None) is None:
            self._membership = get_object_or_404(
                TeamMembership.objects.select_related("staff", "team__delegation__target_unit"),
                team=self.get_object(),
                staff_id=self.kwargs["staff_id"],
                left_on__isnull=True,
            )
        return self._membership

    @property
    def title(self):
        return _("Move %(name)s to another team") % {"name": self.get_membership().staff.full_name}

    @property
    def submit_label(self):
        return _("Move")

    def get_back_url(self) -> tuple[str, str]:
        team = self.get_object()
        return reverse("mobilisation:team_detail", args=[team.pk]), team.name

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "membership": self.get_membership()}

    def perform(self, form) -> TeamMembership:
        data = form.cleaned_data
        return delegations.move_member(self.get_membership().staff, data["to_team"], self.request.user, data["day"])

    def success(self, membership: TeamMembership):
        messages.success(
            self.request,
            _("%(name)s moved to “%(team)s”.") % {"name": membership.staff.full_name, "team": membership.team.name},
        )
        return redirect("mobilisation:team_detail", pk=self.get_object().pk)


class DelegationUpdateView(ScopedObjectMixin, ServiceFormView):
    """Correct a delegation: a wrong hotline or headquarters address, other dates, the coordination team, deputies."""

    permission = "mobilisation.organise"
    model = Delegation
    form_class = forms.DelegationEditForm
    two_columns = True

    def get_queryset(self):
        return super().get_queryset().select_related("target_unit", "coordination_team", "head")

    @property
    def title(self):
        return _("Correct %(delegation)s") % {"delegation": self.get_object().name}

    @property
    def intro(self):
        d = self.get_object()
        return _("Sent to %(unit)s, headed by %(head)s: for another place or head, form a new delegation.") % {
            "unit": d.target_unit.name,
            "head": d.head.full_name,
        }

    def get_back_url(self) -> tuple[str, str]:
        delegation = self.get_object()
        return delegation.get_absolute_url(), delegation.name

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "delegation": self.get_object()}

    def perform(self, form) -> Delegation:
        return delegations.update_delegation(self.get_object(), self.request.user, **form.cleaned_data)

    def success(self, delegation: Delegation):
        messages.success(self.request, _("Saved the delegation “%(name)s”.") % {"name": delegation.name})
        return redirect(delegation)


class DelegationContactsView(DelegationUpdateView):
    """A commune or district official corrects the headquarters address and hotline of a delegation in their area:
    what its people see on "My assignment"."""

    permission = "mobilisation.contacts"
    form_class = forms.DelegationContactsForm
    two_columns = False

    @property
    def title(self):
        return _("Headquarters and hotline of %(delegation)s") % {"delegation": self.get_object().name}

    @property
    def intro(self):
        return _("The people of the delegation see these on their assignment page.")


class TeamFormView(ScopedObjectMixin, ServiceFormView):
    """A form about one team, back to the team's page."""

    permission = "mobilisation.organise"
    model = Team

    def get_queryset(self):
        return super().get_queryset().select_related("delegation", "leader")

    def get_back_url(self) -> tuple[str, str]:
        team = self.get_object()
        return reverse("mobilisation:team_detail", args=[team.pk]), team.name

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("user")
        return {**kwargs, "team": self.get_object()}


class TeamUpdateView(TeamFormView):
    """Correct a team's name or task (its leader: TeamLeaderView)."""

    form_class = forms.TeamEditForm

    @property
    def title(self):
        return _("Correct %(team)s") % {"team": self.get_object().name}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        team = self.get_object()
        return super().get_context_data(
            extra_action=(reverse("mobilisation:team_leader", args=[team.pk]), _("Change the team leader")), **kwargs
        )

    def perform(self, form) -> Team:
        data = form.cleaned_data
        return delegations.update_team(self.get_object(), self.request.user, name=data["name"], task=data["task"])

    def success(self, team: Team):
        messages.success(self.request, _("Saved the team “%(name)s”.") % {"name": team.name})
        return redirect("mobilisation:team_detail", pk=team.pk)


class TeamLeaderView(TeamFormView):
    """Name another of the team's members its leader."""

    form_class = forms.ChangeLeaderForm

    @property
    def title(self):
        return _("Change the leader of %(team)s") % {"team": self.get_object().name}

    @property
    def intro(self):
        return _("The team leader is now %(name)s. The new leader must be a member of the team: add them first.") % {
            "name": self.get_object().leader.full_name
        }

    @property
    def submit_label(self):
        return _("Change the leader")

    def perform(self, form) -> Team:
        return delegations.change_leader(self.get_object(), form.cleaned_data["leader"], self.request.user)

    def success(self, team: Team):
        messages.success(
            self.request, _("%(name)s now leads “%(team)s”.") % {"name": team.leader.full_name, "team": team.name}
        )
        return redirect("mobilisation:team_detail", pk=team.pk)


class MembershipEndView(ScopedObjectMixin, View):
    """A member leaves the team today (released, sick...); the membership stays in the team's history.

    Two steps, without JavaScript, like cancelling a decision: GET asks "really?", and only a POST carrying `confirm`
    ends the membership (a bare POST is sent to the question).
    """

    permission = "mobilisation.organise"
    model = Team
    http_method_names = ["get", "post"]
    template_name = "mobilisation/membership_end.html"

    def get_membership(self) -> TeamMembership:
        return get_object_or_404(
            TeamMembership.objects.select_related("staff", "staff__agency", "team"),
            team=self.get_object(),
            staff_id=self.kwargs["staff_id"],
            left_on__isnull=True,
        )

    def get(self, request, *args, **kwargs):
        membership = self.get_membership()
        return render(
            request,
            self.template_name,
            {"team": self.get_object(), "membership": membership, "today": timezone.localdate()},
        )

    def post(self, request, *args, **kwargs):
        team, membership = self.get_object(), self.get_membership()
        if request.POST.get("confirm") != "yes":
            return redirect("mobilisation:membership_end", pk=team.pk, staff_id=membership.staff_id)
        try:
            delegations.end_membership(membership.staff, request.user, timezone.localdate())
        except (ValidationError, PermissionDenied) as exc:
            show_service_errors(request, exc)
        else:
            messages.success(
                request,
                _("%(name)s left “%(team)s” today.") % {"name": membership.staff.full_name, "team": team.name},
            )
        return redirect("mobilisation:team_detail", pk=team.pk)


# --- my assignment -----------------------------------------------------------------------------------------------


def my_assignment_for(user, today) -> dict[str, Any] | None:
    """What the person has to do now or next: their assignment (where, when, team, whom to call), and, when they
    lead, the delegation they head (its communes, teams and leaders' phones) or the team they lead (its members).

    Found through the login's own civil-servant record only (`user.staff_member`): a person sees their own part
    whatever their role's jurisdiction; beyond it only the people they report to, or those who report to them.
    """
    staff_id = getattr(user, "staff_member_id", None)
    if staff_id is None:
        return None
    headed = list(
        Delegation.objects.filter(head_id=staff_id, end_date__gte=today)
        .select_related("target_unit", "coordination_team")
        .prefetch_related(
            "overseen_units",
            Prefetch(
                "teams",
                queryset=Team.objects.select_related("leader").prefetch_related(open_memberships()),
            ),
        )
        .order_by("start_date", "pk")
    )
    led = list(
        Team.objects.filter(leader_id=staff_id, delegation__end_date__gte=today)
        .exclude(delegation__in=headed)
        .select_related("delegation", "delegation__target_unit", "delegation__head")
        .prefetch_related(open_memberships())
        .order_by("delegation__start_date", "pk")
    )
    for team in led:
        team.others = [m for m in team.current_members if m.staff_id != staff_id]
    mine = (
        Assignment.objects.filter(staff_id=staff_id, state=AssignmentState.APPROVED, end_date__gte=today)
        .select_related("target__commune", "target__request", "agency")
        .order_by("start_date", "pk")
    )
    assignment = mine.first()
    if assignment is None and not headed and not led:
        return None
    team = delegation = None
    if assignment is not None:
        team, delegation = my_team_and_delegation(staff_id, assignment, today)
    return {
        "assignment": assignment,
        "is_current": assignment is not None and assignment.start_date <= today,
        "team": team,
        "delegation": delegation,
        "headed": headed,
        "led": led,
        # Whom to call: never oneself (the head is not told "the delegation head will tell you").
        "is_head": delegation is not None and delegation.head_id == staff_id,
        "is_leader": team is not None and team.leader_id == staff_id,
    }


def my_team_and_delegation(staff_id: int, assignment: Assignment, today) -> tuple[Team | None, Delegation | None]:
    # The team the person is in now (a move closes one membership and opens another); else the last one they had.
    membership = (
        TeamMembership.objects.filter(staff_id=staff_id)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=today))
        .select_related(
            "team", "team__leader", "team__delegation", "team__delegation__head", "team__delegation__target_unit"
        )
        .order_by("-joined_on", "-pk")
    )
    current = None
    for m in membership:
        if m.left_on is None:
            current = m
            break
        current = current or m
    team = current.team if current else None
    delegation = team.delegation if team else None
    if delegation is None:
        # Not in a team yet: the head of a delegation sent to the same commune still is the person to call.
        delegation = (
            Delegation.objects.filter(
                target_unit=assignment.target.commune, start_date__lte=assignment.end_date, end_date__gte=today
            )
            .select_related("head", "target_unit")
            .order_by("start_date", "pk")
            .first()
        )
    return team, delegation


class MyAssignmentView(RolePermissionMixin, TemplateView):
    """ "Where do I go, when, with whom": for a mobilised person on a phone. Any logged-in person; only their own."""

    permission = LOGGED_IN
    template_name = "mobilisation/my_assignment.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        ctx["today"] = today
        ctx["mine"] = my_assignment_for(self.request.user, today)
        ctx["has_record"] = self.request.user.staff_member_id is not None
        return ctx


class AssignmentFormView(ScopedObjectMixin, ServiceFormView):
    model = Assignment

    def get_queryset(self):
        return (
            super().get_queryset().select_related("staff", "agency", "decision", "target__commune", "target__request")
        )

    def get_back_url(self) -> tuple[str, str]:
        a = self.get_object()
        return f"{reverse('mobilisation:assignment_list')}?decision={a.decision_id}", str(a.decision)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "assignment": self.get_object()}

    def success(self, assignment: Assignment):
        messages.success(
            self.request,
            _("%(name)s now goes to %(commune)s.")
            % {"name": assignment.staff.full_name, "commune": assignment.target.commune.name},
        )
        return redirect(f"{reverse('mobilisation:assignment_list')}?decision={assignment.decision_id}")


class AssignmentSwapView(AllocatorPermissionMixin, AssignmentFormView):
    """Home Affairs puts someone else in a proposed place (the newcomer must be in the pool)."""

    form_class = forms.SwapForm
    submit_label = ""

    @property
    def title(self):
        a = self.get_object()
        return _("Swap %(name)s (%(commune)s)") % {"name": a.staff.full_name, "commune": a.target.commune.name}

    def perform(self, form) -> Assignment:
        return services.swap_person(self.get_object(), form.cleaned_data["person"], self.request.user)


class AssignmentSubstituteView(AssignmentFormView):
    """An agency head sends another of their own people in place of one proposed, with the reason."""

    permission = "mobilisation.substitute"
    form_class = forms.SubstituteForm

    @property
    def title(self):
        a = self.get_object()
        return _("Substitute %(name)s (%(commune)s)") % {"name": a.staff.full_name, "commune": a.target.commune.name}

    def perform(self, form) -> Assignment:
        data = form.cleaned_data
        return services.substitute(self.get_object(), data["person"], self.request.user, data["reason"])

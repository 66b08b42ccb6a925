"""Pages of the rosters part: duty sites and their coverage rules, unavailability, rosters (generate, see, edit,
publish). Thin: the rules are in duty.sites and duty.rosters; scope comes from visible_to (404 outside it)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView

from phaodai.core.permissions import RolePermissionMixin, ScopedListMixin, ScopedObjectMixin
from phaodai.duty import forms_rosters as forms
from phaodai.duty import rosters, sites
from phaodai.duty.models import CoverageRule, DutySite, Roster, RosterStatus, ShiftAssignment
from phaodai.duty.printouts import roster_weeks
from phaodai.mobilisation.views import ServiceFormView, show_service_errors
from phaodai.staff.models import StaffMember

# --- sites -------------------------------------------------------------------------------------------------------


class DutySiteListView(ScopedListMixin, ListView):
    permission = "duty.view"
    model = DutySite
    template_name = "duty/site_list.html"
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().select_related("unit", "agency").prefetch_related("coverage_rules")


class DutySiteDetailView(ScopedObjectMixin, DetailView):
    permission = "duty.view"
    model = DutySite
    template_name = "duty/site_detail.html"
    context_object_name = "site"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["rules"] = self.object.coverage_rules.all()
        ctx["can_plan"] = self.request.user.has_role_perm("duty.plan")
        ctx["weekday_names"] = dict(forms.WEEKDAYS)
        return ctx


class DutySiteCreateView(RolePermissionMixin, ServiceFormView):
    permission = "duty.plan"
    form_class = forms.DutySiteForm
    title = gettext_lazy("New duty site")

    def perform(self, form):
        return sites.save_site(self.request.user, **form.cleaned_data)

    def success(self, site):
        messages.success(self.request, _("Saved the duty site “%(name)s”.") % {"name": site.name})
        return redirect(site)


class DutySiteUpdateView(ScopedObjectMixin, ServiceFormView):
    permission = "duty.plan"
    model = DutySite
    form_class = forms.DutySiteForm
    title = gettext_lazy("Edit the duty site")

    def get_initial(self) -> dict[str, Any]:
        s = self.get_object()
        return {f: getattr(s, f) for f in sites.SITE_FIELDS}

    def get_back_url(self) -> tuple[str, str]:
        return self.get_object().get_absolute_url(), str(self.get_object())

    def perform(self, form):
        return sites.save_site(self.request.user, self.get_object(), **form.cleaned_data)

    def success(self, site):
        messages.success(self.request, _("Saved the duty site “%(name)s”.") % {"name": site.name})
        return redirect(site)


class CoverageRuleCreateView(ScopedObjectMixin, ServiceFormView):
    permission = "duty.plan"
    model = DutySite
    form_class = forms.CoverageRuleForm
    title = gettext_lazy("New coverage rule")
    intro = gettext_lazy("One shift the site needs on some days of the week.")

    def get_back_url(self) -> tuple[str, str]:
        return self.get_object().get_absolute_url(), str(self.get_object())

    def perform(self, form):
        return sites.save_rule(self.request.user, self.get_object(), **form.cleaned_data)

    def success(self, rule):
        messages.success(self.request, _("Saved the shift “%(name)s”.") % {"name": rule.name})
        return redirect(rule.site)


class CoverageRuleUpdateView(CoverageRuleCreateView):
    title = gettext_lazy("Edit the coverage rule")

    def get_queryset(self):
        return CoverageRule.objects.filter(site__in=DutySite.objects.visible_to(self.request.user)).select_related(
            "site"
        )

    def get_initial(self) -> dict[str, Any]:
        return forms.CoverageRuleForm.initial_from(self.get_object())

    def get_back_url(self) -> tuple[str, str]:
        return self.get_object().site.get_absolute_url(), str(self.get_object().site)

    def perform(self, form):
        rule = self.get_object()
        return sites.save_rule(self.request.user, rule.site, rule, **form.cleaned_data)


class UnavailabilityCreateView(RolePermissionMixin, ServiceFormView):
    permission = "duty.plan"
    form_class = forms.UnavailabilityForm
    title = gettext_lazy("Record unavailability")
    intro = gettext_lazy("Leave, sickness or a time a person said they cannot be on duty: rosters will not use them.")

    def perform(self, form):
        return sites.add_unavailability(self.request.user, **form.cleaned_data)

    def success(self, item):
        messages.success(self.request, _("Recorded: %(what)s.") % {"what": item})
        return redirect("duty:roster_list")


# --- rosters -----------------------------------------------------------------------------------------------------


class RosterListView(ScopedListMixin, ListView):
    permission = "duty.view"
    model = Roster
    template_name = "duty/roster_list.html"
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().select_related("unit").prefetch_related("sites")


class RosterCreateView(RolePermissionMixin, ServiceFormView):
    permission = "duty.plan"
    form_class = forms.RosterForm
    title = gettext_lazy("Generate a duty roster")
    intro = gettext_lazy(
        "The roster is solved while you wait, for at most 20 seconds: the people of the sites' agencies, the "
        "coverage rules, rest, weekly hours, leave, sickness, mobilisation and stated unavailability."
    )

    def perform(self, form):
        data = form.cleaned_data
        chosen = list(data["sites"])
        unit = common_unit(chosen)
        return rosters.generate_roster(
            self.request.user,
            unit=unit,
            sites=chosen,
            start=data["start"],
            end=data["end"],
            max_hours_per_week=data["max_hours_per_week"],
            min_rest_hours=data["min_rest_hours"],
            time_limit=20,
        )

    def success(self, roster):
        if roster.solver.get("status") in ("optimal", "feasible"):
            messages.success(self.request, _("The roster is ready as a draft: check it, then publish it."))
        else:
            messages.error(self.request, _("No roster meets every rule: see why below."))
        return redirect(roster)


def common_unit(chosen: list[DutySite]):
    """The deepest unit containing every chosen site's unit."""
    units = [s.unit for s in chosen]
    if not units:
        raise ValidationError({"sites": _("Choose at least one duty site.")})
    best = units[0]
    while not all(u.path.startswith(best.path) for u in units):
        best = best.parent
    return best


class RosterDetailView(ScopedObjectMixin, DetailView):
    permission = "duty.view"
    model = Roster
    template_name = "duty/roster_detail.html"
    context_object_name = "roster"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        roster = self.object
        days: dict[Any, list] = defaultdict(list)
        shifts = roster.shifts.select_related("site").prefetch_related("assignments__staff").order_by("start", "site")
        for shift in shifts:
            days[rosters.local(shift.start).date()].append(shift)
        ctx.update(
            days=sorted(days.items()),
            reasons=rosters.messages_of(roster),
            people=rosters.per_person(roster),
            can_plan=self.request.user.has_role_perm("duty.plan") and roster.status != RosterStatus.SUPERSEDED,
            newer=Roster.objects.filter(previous=roster).first(),
            weeks=roster_weeks(roster),
            solver_status=rosters.solver_status_label(roster),
            pool=roster.pool.order_by("search_name"),
        )
        return ctx


class RosterEditView(ScopedObjectMixin, View):
    """POST one hand edit; the result (or the rule it would break) comes back as a message on the roster."""

    permission = "duty.plan"
    model = Roster
    http_method_names = ["post"]

    def post(self, request, pk):
        roster = self.get_object()
        form = forms.RosterEditForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose what to change."))
            return redirect(roster)
        d = form.cleaned_data
        shifts = roster.shifts.all()
        staff = StaffMember.objects.visible_to(request.user)
        places = ShiftAssignment.objects.filter(shift__roster=roster)
        try:
            if d["action"] == "swap":
                result = rosters.swap(
                    request.user,
                    roster,
                    get_object_or_404(places, pk=d["first"]),
                    get_object_or_404(places, pk=d["second"]),
                )
            elif d["action"] == "assign":
                replacing = get_object_or_404(staff, pk=d["replacing"]) if d["replacing"] else None
                result = rosters.assign(
                    request.user,
                    roster,
                    get_object_or_404(shifts, pk=d["shift"]),
                    get_object_or_404(staff, pk=d["staff"]),
                    replacing=replacing,
                )
            else:
                result = rosters.remove(
                    request.user,
                    roster,
                    get_object_or_404(shifts, pk=d["shift"]),
                    get_object_or_404(staff, pk=d["staff"]),
                )
        except (ValidationError, PermissionDenied) as exc:
            show_service_errors(request, exc)
            return redirect(roster)
        if result.pk != roster.pk:
            messages.info(request, _("The published roster is locked: your change is in a new draft version."))
        messages.success(request, _("Changed."))
        return redirect(result)


class RosterPublishView(ScopedObjectMixin, View):
    permission = "duty.plan"
    model = Roster
    http_method_names = ["post"]

    def post(self, request, pk):
        roster = self.get_object()
        try:
            rosters.publish(request.user, roster)
        except (ValidationError, PermissionDenied) as exc:
            show_service_errors(request, exc)
        else:
            messages.success(request, _("Published: the roster is locked; later changes make a new version."))
        return redirect(roster)

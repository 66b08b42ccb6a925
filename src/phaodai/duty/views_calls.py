"""Call intake and help request pages. Rows come from `visible_to(user)`; the rules live in duty.calls."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView

from phaodai.core import xlsx
from phaodai.core.permissions import RolePermissionMixin, ScopedObjectMixin
from phaodai.core.views import FilteredListView
from phaodai.duty import calls
from phaodai.duty.forms_calls import CallFilterSet, CallForm, ErrandForm, HelpActionForm, HelpRequestFilterSet
from phaodai.duty.models import Call, Errand, HelpCategory, HelpRequest
from phaodai.mobilisation.views import add_service_errors, show_service_errors

TAKE, VIEW, ACT = calls.TAKE, calls.VIEW, calls.ACT
HR_RELATED = ("commune", "neighbourhood", "routed_to_team", "routed_to_site")
CALL_RELATED = ("help_request__commune", "hotline", "operator")


class CallIntakeView(RolePermissionMixin, View):
    """GET an empty form; POST records the call and comes back to an empty form with a confirmation line."""

    permission = TAKE
    template_name = "duty/call_form.html"

    def render_form(self, form, last: Call | None = None) -> HttpResponse:
        return render(self.request, self.template_name, {"form": form, "last": last, "categories": HelpCategory})

    def get(self, request, *args, **kwargs) -> HttpResponse:
        last = None
        value = request.GET.get("last", "")
        if value.isdigit():
            # Only a call the user may see: another's number is simply not confirmed.
            last = Call.objects.visible_to(request.user).select_related("help_request").filter(pk=value).first()
            if last is not None:
                first = last.help_request.calls.order_by("received_at", "pk").values_list("pk", flat=True)[0]
                last.joined = first != last.pk
        return self.render_form(CallForm(user=request.user), last)

    def post(self, request, *args, **kwargs) -> HttpResponse:
        form = CallForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_form(form)
        try:
            call = calls.record_call(request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.render_form(form)
        if call.routing_note:
            messages.warning(request, call.routing_note)
        return redirect(f"{reverse('duty:call_add')}?last={call.pk}")


class CallListView(FilteredListView):
    permission = VIEW
    model = Call
    filterset_class = CallFilterSet
    template_name = "duty/call_list.html"
    partial_template_name = "duty/_call_results.html"
    list_select_related = CALL_RELATED
    export_url_name = "duty:call_export"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["can_take"] = self.request.user.has_role_perm(TAKE)
        return ctx


def _label(model, name: str) -> str:
    text = str(model._meta.get_field(name).verbose_name)
    return text[:1].upper() + text[1:]


class CallExportView(xlsx.FilteredExportView):
    permission = VIEW
    model = Call
    filterset_class = CallFilterSet
    title = gettext_lazy("Calls")
    select_related = CALL_RELATED

    def get_columns(self):
        col = xlsx.ExportColumn
        return [
            col(_label(Call, "received_at"), "received_at", xlsx.DATETIME, 16),
            col(_label(Call, "caller_phone"), "caller_phone", width=14),
            col(gettext_lazy("Help request"), "help_request_id", xlsx.NUMBER, 10),
            col(gettext_lazy("Category"), "help_request.get_category_display", width=22),
            col(gettext_lazy("Commune"), "help_request.commune.name", width=22),
            col(gettext_lazy("Hotline"), lambda c: c.hotline.number if c.hotline_id else "", width=14),
            col(gettext_lazy("Operator"), "operator.username", width=16),
            col(_label(Call, "note"), "note", width=50),
        ]


class HelpRequestListView(FilteredListView):
    permission = VIEW
    model = HelpRequest
    filterset_class = HelpRequestFilterSet
    template_name = "duty/help_list.html"
    partial_template_name = "duty/_help_results.html"
    list_select_related = HR_RELATED
    export_url_name = "duty:helprequest_export"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["now"] = timezone.now()
        ctx["can_take"] = self.request.user.has_role_perm(TAKE)
        return ctx


class HelpRequestExportView(xlsx.FilteredExportView):
    permission = VIEW
    model = HelpRequest
    filterset_class = HelpRequestFilterSet
    title = gettext_lazy("Help requests")
    select_related = HR_RELATED

    def get_columns(self):
        col = xlsx.ExportColumn
        now = timezone.now()
        f = lambda name: _label(HelpRequest, name)  # noqa: E731
        return [
            col(gettext_lazy("No."), "pk", xlsx.NUMBER, 8),
            col(f("received_at"), "received_at", xlsx.DATETIME, 16),
            col(f("category"), "get_category_display", width=22),
            col(f("status"), "get_status_display", width=14),
            col(f("caller_phone"), "caller_phone", width=14),
            col(f("caller_name"), "caller_name", width=20),
            col(f("commune"), "commune.name", width=20),
            col(f("neighbourhood"), lambda r: r.neighbourhood.name if r.neighbourhood_id else "", width=20),
            col(f("address"), "address", width=28),
            col(f("need"), "need", width=40),
            col(gettext_lazy("Routed to"), calls.routed_to_name, width=28),
            col(f("acknowledge_by"), "acknowledge_by", xlsx.DATETIME, 16),
            col(gettext_lazy("Overdue"), lambda r: calls.is_overdue(r, now), xlsx.BOOL, 10),
            col(f("acknowledged_at"), "acknowledged_at", xlsx.DATETIME, 16),
            col(f("escalation_level"), "escalation_level", xlsx.NUMBER, 10),
            col(f("closed_at"), "closed_at", xlsx.DATETIME, 16),
            col(f("outcome"), "outcome", width=40),
        ]


class HelpRequestDetailView(ScopedObjectMixin, DetailView):
    permission = VIEW
    model = HelpRequest
    template_name = "duty/help_detail.html"
    context_object_name = "hr"

    def get_queryset(self):
        return super().get_queryset().select_related(*HR_RELATED, "received_by", "household")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        hr, user = self.object, self.request.user
        ctx["steps"] = hr.steps.select_related("by")
        ctx["calls"] = hr.calls.select_related("operator", "hotline").order_by("received_at", "pk")
        ctx["errand"] = Errand.objects.filter(help_request=hr).first()
        ctx["actions"] = calls.allowed_actions(user, hr)
        ctx["overdue"] = calls.is_overdue(hr)
        ctx["routed_to"] = calls.routed_to_name(hr)
        ctx["can_errand"] = hr.category == HelpCategory.FOOD and calls.may_act(user, hr)
        if "reroute" in ctx["actions"]:
            form = HelpActionForm(help_request=hr)
            ctx["teams"] = form.fields["team"].queryset
            ctx["sites"] = form.fields["site"].queryset
        return ctx


class HelpRequestActView(ScopedObjectMixin, View):
    """POST action=acknowledge|start|close|reopen|reroute|comment with a note (and team/site to reroute). Outside
    one's scope: 404; a role that may neither act nor take calls: 403."""

    permission = VIEW
    model = HelpRequest
    http_method_names = ["post"]

    def check_object_permission(self, obj: HelpRequest) -> None:
        user = self.request.user
        if not (user.has_role_perm(ACT) or user.has_role_perm(TAKE)):
            raise PermissionDenied(_("Your role does not allow acting on help requests."))

    def post(self, request, *args, **kwargs) -> HttpResponse:
        hr = self.get_object()
        form = HelpActionForm(request.POST, help_request=hr)
        if not form.is_valid():
            messages.error(request, _("Choose an action (and, to route elsewhere, a team or a site of the commune)."))
            return redirect(hr)
        data = form.cleaned_data
        action = data["action"]
        extra = {"team": data["team"], "site": data["site"]} if action == "reroute" else {}
        try:
            calls.perform(request.user, hr, action, data["note"], **extra)
        except ValidationError as exc:  # a refusal of the rules (PermissionDenied stays a 403)
            show_service_errors(request, exc)
            return redirect(hr)
        done = {
            "acknowledge": _("Acknowledged."),
            "start": _("Work started."),
            "close": _("Closed."),
            "reopen": _("Reopened."),
            "reroute": _("Routed elsewhere: they must acknowledge it."),
            "comment": _("Comment added."),
        }
        messages.success(request, done[action])
        return redirect(hr)


class ErrandEditView(ScopedObjectMixin, View):
    """The errand of a food request: list and deliverer (save), delivered, paid. help.act in the commune."""

    permission = ACT
    model = HelpRequest
    template_name = "duty/errand_form.html"

    def check_object_permission(self, obj: HelpRequest) -> None:
        if not calls.may_act(self.request.user, obj):
            raise PermissionDenied(_("Only the commune of this help request (or a level above it) handles its errand."))

    def render_form(self, form, errand: Errand | None) -> HttpResponse:
        return render(self.request, self.template_name, {"form": form, "hr": self.get_object(), "errand": errand})

    def get(self, request, *args, **kwargs) -> HttpResponse:
        hr = self.get_object()
        errand = Errand.objects.filter(help_request=hr).first()
        initial = {}
        if errand is not None:
            initial = {
                "shopping_list": errand.shopping_list,
                "deliverer_name": errand.deliverer_name,
                "deliverer_phone": errand.deliverer_phone,
                "amount": errand.amount,
            }
        else:
            initial = {"shopping_list": hr.need}
        return self.render_form(ErrandForm(initial=initial), errand)

    def post(self, request, *args, **kwargs) -> HttpResponse:
        hr = self.get_object()
        errand = Errand.objects.filter(help_request=hr).first()
        step = request.POST.get("step", "save")
        data = request.POST.copy()
        if step != "save" and errand is not None:
            data.setdefault("shopping_list", errand.shopping_list)
        form = ErrandForm(data)
        if step == "save" and not form.is_valid():
            return self.render_form(form, errand)
        form.is_valid()
        cleaned = getattr(form, "cleaned_data", {})
        try:
            if step == "delivered":
                with transaction.atomic():  # the deliverer typed in with "delivered" is saved with it, or neither
                    if form.is_valid() and errand is not None:
                        calls.save_errand(
                            request.user,
                            hr,
                            shopping_list=cleaned["shopping_list"],
                            deliverer_name=cleaned.get("deliverer_name") or errand.deliverer_name,
                            deliverer_phone=cleaned.get("deliverer_phone") or errand.deliverer_phone,
                        )
                    calls.mark_delivered(request.user, hr)
                messages.success(request, _("Marked delivered."))
            elif step == "paid":
                calls.mark_paid(request.user, hr, cleaned.get("amount"))
                messages.success(request, _("Marked paid."))
            else:
                calls.save_errand(
                    request.user,
                    hr,
                    shopping_list=cleaned["shopping_list"],
                    deliverer_name=cleaned.get("deliverer_name", ""),
                    deliverer_phone=cleaned.get("deliverer_phone", ""),
                )
                messages.success(request, _("Errand saved."))
        except ValidationError as exc:
            if step == "save":
                add_service_errors(form, exc)
                return self.render_form(form, errand)
            show_service_errors(request, exc)
            return redirect("duty:errand_edit", pk=hr.pk)
        return redirect(hr)

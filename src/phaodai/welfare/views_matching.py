"""Pages of the duplicate review: the queue, one pair side by side with its decision, and the "run" buttons.

Candidates come from `MatchCandidate.objects.visible_to(user)` (scoped by the unit holding both records); every page
needs welfare.review. The work is done by welfare.review; the views only translate forms and errors.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView

from phaodai.core.permissions import RolePermissionMixin, ScopedListMixin, ScopedObjectMixin
from phaodai.places.models import AdminUnit, Level
from phaodai.welfare import review
from phaodai.welfare.models import ListEntry, ListStatus, MatchCandidate, MatchState, Person, SupportList

PERMISSION = "welfare.review"

FIELD_LABELS = {
    "family": gettext_lazy("Family name"),
    "given": gettext_lazy("Given name"),
    "middle": gettext_lazy("Middle name"),
    "birth": gettext_lazy("Date of birth"),
    "citizen_id": gettext_lazy("Citizen ID"),
    "phone": gettext_lazy("Phone"),
    "address": gettext_lazy("Address"),
    "members": gettext_lazy("Members"),
}
STATE_LABELS = {
    "agree": gettext_lazy("agree"),
    "similar": gettext_lazy("similar"),
    "differ": gettext_lazy("differ"),
    "missing": gettext_lazy("not known on one side"),
}
LEVEL_LABELS = {
    "same": gettext_lazy("the same"),
    "close": gettext_lazy("close"),
    "one typo": gettext_lazy("one letter differs"),
    "day and month swapped": gettext_lazy("day and month swapped"),
    "only the year known, same year": gettext_lazy("only the year known, same year"),
    "same year, other day": gettext_lazy("same year, another day"),
    "a year apart": gettext_lazy("a year apart"),
    "one digit wrong": gettext_lazy("one digit differs"),
    "two or more in common": gettext_lazy("two or more in common"),
    "one in common": gettext_lazy("one in common"),
    "different": gettext_lazy("different"),
    "missing": gettext_lazy("not known on one side"),
}


def describe(record: Any) -> dict[str, Any]:
    """What a reviewer compares, for a registry person or a list row (as written, completed from the registry)."""
    if record is None:
        return {"gone": True}
    if isinstance(record, Person):
        household = record.household
        return {
            "name": record.full_name,
            "born": record.date_of_birth.strftime("%d/%m/%Y") if record.date_of_birth else record.birth_year or "",
            "citizen_id": record.citizen_id,
            "phone": record.phone or household.phone,
            "address": household.address,
            "where": household.neighbourhood,
            "household": household.head_name,
            "list": None,
        }
    entry: ListEntry = record
    as_record = review.entry_record(entry)
    born = as_record.date_of_birth
    return {
        "name": as_record.full_name,
        "born": born.strftime("%d/%m/%Y") if hasattr(born, "strftime") else born or "",
        "citizen_id": as_record.citizen_id,
        "phone": as_record.phone,
        "address": as_record.address,
        "where": entry.support_list.commune,
        "household": entry.household.head_name,
        "list": entry.support_list,
        "row": entry.row_number,
    }


class MatchQueueView(ScopedListMixin, ListView):
    """Possible duplicates to review (by default those still pending), most likely first."""

    permission = PERMISSION
    model = MatchCandidate
    paginate_by = 50
    template_name = "welfare/match_queue.html"

    def get_queryset(self):
        qs = super().get_queryset().select_related("unit")
        self.state = self.request.GET.get("state", MatchState.PENDING)
        if self.state in MatchState.values:
            qs = qs.filter(state=self.state)
        return qs.order_by("-probability", "pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["state"] = self.state
        ctx["states"] = MatchState.choices
        ctx["communes"] = AdminUnit.objects.visible_to(user).filter(level=Level.COMMUNE)
        ctx["lists"] = (
            SupportList.objects.visible_to(user)
            .exclude(status=ListStatus.SUPERSEDED)
            .select_related("programme", "commune")
        )
        ctx["rows"] = [
            {"candidate": c, "left": describe(left), "right": describe(right)}
            for c in ctx["object_list"]
            for left, right in [review.records_of(c)]
        ]
        return ctx


class MatchDetailView(ScopedObjectMixin, DetailView):
    """One pair side by side: the two records, the probability, which fields agree or differ, the decision."""

    permission = PERMISSION
    model = MatchCandidate
    template_name = "welfare/match_detail.html"
    context_object_name = "candidate"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        candidate = self.object
        left, right = review.records_of(candidate)
        ctx["left"], ctx["right"] = describe(left), describe(right)
        ctx["fields"] = [
            {
                "label": FIELD_LABELS.get(name, name),
                "state": value.get("state", ""),
                "state_label": STATE_LABELS.get(value.get("state", ""), ""),
                "level": LEVEL_LABELS.get(value.get("level", ""), value.get("level", "")),
            }
            for name, value in (candidate.comparison or {}).items()
        ]
        ctx["decision"] = review.decision_for(candidate.left_key, candidate.right_key)
        ctx["merges"] = candidate.kind == "person"
        return ctx


class MatchDecideView(ScopedObjectMixin, View):
    """POST same=yes|no (and a note): record the decision; "the same" for two people merges them."""

    permission = PERMISSION
    model = MatchCandidate

    def post(self, request, pk: int):
        candidate = self.get_object()
        choice = request.POST.get("same")
        if choice not in ("yes", "no"):
            messages.error(request, _("Choose “the same” or “not the same”."))
            return redirect("welfare:match_detail", candidate.pk)
        try:
            review.decide(candidate, same=choice == "yes", user=request.user, note=request.POST.get("note", ""))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("welfare:match_detail", candidate.pk)
        messages.success(
            request,
            _("Recorded: the same.")
            if choice == "yes"
            else _("Recorded: not the same. It will not be proposed again."),
        )
        return redirect("welfare:match_queue")


class MatchRunView(RolePermissionMixin, View):
    """POST list=<id> (against the programme's other lists) or commune=<id> (its registry): run the matcher."""

    permission = PERMISSION
    target: str = ""

    def post(self, request):
        user = request.user
        pk = request.POST.get(self.target, "")
        if not pk.isdigit():
            raise Http404
        if self.target == "list":
            support_list = get_object_or_404(SupportList.objects.visible_to(user), pk=pk)
            result = review.run_for_list(support_list, user)
        else:
            commune = get_object_or_404(AdminUnit.objects.visible_to(user), pk=pk, level=Level.COMMUNE)
            result = review.run_for_commune(commune, user)
        messages.success(
            request,
            _("%(compared)d records compared: %(proposed)d possible duplicates to review, %(decided)d already decided.")
            % {"compared": result.compared, "proposed": result.proposed, "decided": result.already_decided},
        )
        return redirect(reverse("welfare:match_queue"))

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import CreateView, DetailView, UpdateView

from phaodai.core.permissions import RolePermissionMixin, ScopedObjectMixin
from phaodai.core.views import FilteredListView
from phaodai.staff.filters import StaffMemberFilterSet
from phaodai.staff.forms import StaffMemberForm
from phaodai.staff.models import StaffMember

#: How many namesakes of a shared phone to name in the warning.
DUPLICATES_NAMED = 5


class StaffMemberListView(FilteredListView):
    permission = "staff.view"
    model = StaffMember
    filterset_class = StaffMemberFilterSet
    template_name = "staff/staffmember_list.html"
    partial_template_name = "staff/_staffmember_results.html"
    list_select_related = ("agency",)
    export_url_name = "staff:staffmember_export"
    export_permission = "staff.export"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["can_import"] = self.request.user.has_role_perm("staff.import")
        return ctx


class StaffMemberDetailView(ScopedObjectMixin, DetailView):
    permission = "staff.view"
    model = StaffMember
    template_name = "staff/staffmember_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return super().get_queryset().select_related("agency", "agency__unit", "home_unit").prefetch_related("skills")


def phone_duplicate_warning(user, person: StaffMember) -> str | None:
    """The others with this phone whom the user may see, as a sentence; None if there are none."""
    others = list(
        StaffMember.objects.visible_to(user)
        .filter(pk__in=person.phone_duplicates().values("pk"))
        .select_related("agency")[: DUPLICATES_NAMED + 1]
    )
    if not others:
        return None
    names = ", ".join(f"{o.full_name} ({o.agency.name})" for o in others[:DUPLICATES_NAMED])
    if len(others) > DUPLICATES_NAMED:
        names += " …"
    return ngettext(
        "Saved, but the phone number %(phone)s is also recorded for %(names)s. Check that it is not a typo.",
        "Saved, but the phone number %(phone)s is also recorded for: %(names)s. Check that it is not a typo.",
        len(others),
    ) % {"phone": person.phone, "names": names}


class StaffMemberFormMixin:
    model = StaffMember
    form_class = StaffMemberForm
    template_name = "staff/staffmember_form.html"
    context_object_name = "person"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "editor": self.request.user}

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
        warning = phone_duplicate_warning(self.request.user, self.object)
        if warning:
            messages.warning(self.request, warning)
        else:
            messages.success(self.request, _("Saved “%(name)s”.") % {"name": self.object.full_name})
        return response


class StaffMemberCreateView(StaffMemberFormMixin, RolePermissionMixin, CreateView):
    permission = "staff.change"


class StaffMemberUpdateView(StaffMemberFormMixin, ScopedObjectMixin, UpdateView):
    permission = "staff.change"

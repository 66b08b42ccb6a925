"""Pages of community COVID teams, households, and the public directory of a commune.

Teams and households: every page starts from `visible_to(user)` (another jurisdiction's record is a 404) and names
its permission (community.view / household.view to read, community.manage to change); the rules live in
`duty.community` and `duty.households`. The directory pages need no login and show only `duty.directory`'s public
values.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, TemplateView

from phaodai.core import xlsx
from phaodai.core.permissions import RolePermissionMixin, ScopedObjectMixin
from phaodai.core.views import FilteredListView
from phaodai.duty import community, directory, households, poster
from phaodai.duty.forms_community import (
    AttachHouseholdForm,
    CommunityTeamFilterSet,
    CommunityTeamForm,
    HouseholdFilterSet,
    HouseholdForm,
    TeamMemberForm,
)
from phaodai.duty.models import CommunityTeam, CommunityTeamHousehold, CommunityTeamMember
from phaodai.mobilisation.views import ServiceFormView, show_service_errors
from phaodai.places.models import Household

FORM_TEMPLATE = "duty/community_form.html"


def may_manage(user, team: CommunityTeam) -> bool:
    return (
        user.has_role_perm(community.MANAGE)
        and community.manageable_neighbourhoods(user).filter(pk=team.neighbourhood_id).exists()
    )


def posted_id(request, name: str) -> int:
    value = request.POST.get(name) or ""
    return int(value) if value.isdigit() else 0


def households_prefetch() -> Prefetch:
    return Prefetch(
        "households", queryset=CommunityTeamHousehold.objects.select_related("household").order_by("household__address")
    )


# --- teams -------------------------------------------------------------------------------------------------------


class CommunityTeamListView(FilteredListView):
    permission = "community.view"
    model = CommunityTeam
    filterset_class = CommunityTeamFilterSet
    template_name = "duty/community_team_list.html"
    partial_template_name = "duty/community_team_results.html"
    list_select_related = ("neighbourhood", "neighbourhood__parent")
    export_url_name = "duty:communityteam_export"
    export_permission = "household.view"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(n_households=Count("households", distinct=True), n_members=Count("members", distinct=True))
            .order_by("neighbourhood__path", "name")  # Meta.ordering does not apply to GROUP BY queries
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["can_manage"] = self.request.user.has_role_perm(community.MANAGE)
        return ctx


class TeamRow:
    """One row of the export: a household of a team (or the team alone when it serves none yet)."""

    def __init__(self, team: CommunityTeam, link: CommunityTeamHousehold | None):
        self.team = team
        self.household = link.household if link else None


class CommunityTeamExportView(xlsx.FilteredExportView):
    """Teams with their households (names and phones of households: household.view)."""

    permission = "household.view"
    model = CommunityTeam
    filterset_class = CommunityTeamFilterSet
    title = gettext_lazy("Community COVID teams")
    select_related = ("neighbourhood", "neighbourhood__parent")

    def get_columns(self):
        col = xlsx.ExportColumn
        return [
            col(_("Commune"), "team.neighbourhood.parent.name", width=22),
            col(_("Neighbourhood"), "team.neighbourhood.name", width=20),
            col(_("Team"), "team.name", width=24),
            col(_("Team leader"), "team.leader_name", width=22),
            col(_("Team leader's phone"), "team.leader_phone", width=14),
            col(_("Head of household"), "household.head_name", width=24),
            col(_("Address"), "household.address", width=30),
            col(_("Phone"), "household.phone", width=14),
            col(_("Household members"), "household.members", kind=xlsx.NUMBER, width=10),
        ]

    def get_rows(self, queryset):
        for team in queryset.prefetch_related(households_prefetch()):
            links = list(team.households.all())
            if not links:
                yield TeamRow(team, None)
            for link in links:
                yield TeamRow(team, link)


class CommunityTeamDetailView(ScopedObjectMixin, DetailView):
    permission = "community.view"
    model = CommunityTeam
    template_name = "duty/community_team_detail.html"
    context_object_name = "team"

    def get_queryset(self):
        return super().get_queryset().select_related("neighbourhood", "neighbourhood__parent")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user, team = self.request.user, self.object
        ctx["members"] = list(team.members.all())
        ctx["can_see_households"] = user.has_role_perm("household.view")
        if ctx["can_see_households"]:
            ctx["households"] = [link.household for link in team.households.select_related("household")]
        ctx["can_manage"] = may_manage(user, team)
        return ctx


class CommunityTeamCreateView(RolePermissionMixin, ServiceFormView):
    permission = community.MANAGE
    template_name = FORM_TEMPLATE
    form_class = CommunityTeamForm
    title = gettext_lazy("New community COVID team")
    intro = gettext_lazy("One team per neighbourhood: its leader's phone must reach every household of it.")

    def get_back_url(self) -> tuple[str, str]:
        return reverse("duty:communityteam_list"), _("Community COVID teams")

    def perform(self, form) -> CommunityTeam:
        return community.create_team(self.request.user, **form.cleaned_data)

    def success(self, team: CommunityTeam):
        messages.success(self.request, _("Created %(team)s.") % {"team": team})
        return redirect("duty:communityteam_detail", team.pk)


class TeamObjectMixin(ScopedObjectMixin):
    """A change to one team: 404 outside what the user sees, 403 unless the user manages its neighbourhood."""

    permission = community.MANAGE
    model = CommunityTeam

    def check_object_permission(self, obj: CommunityTeam) -> None:
        if not may_manage(self.request.user, obj):
            raise PermissionDenied(_("This team is outside your jurisdiction."))

    def get_back_url(self) -> tuple[str, str]:
        team = self.get_object()
        return reverse("duty:communityteam_detail", args=[team.pk]), team.name

    def success(self, result: Any):
        return redirect("duty:communityteam_detail", self.get_object().pk)


class CommunityTeamUpdateView(TeamObjectMixin, ServiceFormView):
    template_name = FORM_TEMPLATE
    form_class = CommunityTeamForm
    title = gettext_lazy("Correct the community team")

    def get_initial(self) -> dict[str, Any]:
        t = self.get_object()
        return {
            "neighbourhood": t.neighbourhood,
            "name": t.name,
            "leader_name": t.leader_name,
            "leader_phone": t.leader_phone,
        }

    def perform(self, form) -> CommunityTeam:
        return community.update_team(self.get_object(), self.request.user, **form.cleaned_data)

    def success(self, team: CommunityTeam):
        messages.success(self.request, _("Saved %(team)s.") % {"team": team})
        return super().success(team)


class CommunityTeamMemberAddView(TeamObjectMixin, ServiceFormView):
    template_name = FORM_TEMPLATE
    form_class = TeamMemberForm
    title = gettext_lazy("Add a member to the team")

    def perform(self, form) -> CommunityTeamMember:
        return community.add_member(self.get_object(), self.request.user, **form.cleaned_data)

    def success(self, member: CommunityTeamMember):
        messages.success(self.request, _("Added %(name)s to the team.") % {"name": member.full_name})
        return super().success(member)


class CommunityTeamMemberRemoveView(TeamObjectMixin, View):
    """POST member=<id>: the member leaves the team."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        team = self.get_object()
        member = get_object_or_404(team.members, pk=posted_id(request, "member"))
        try:
            community.remove_member(member, request.user)
        except (ValidationError, PermissionDenied) as exc:
            show_service_errors(request, exc)
        else:
            messages.success(request, _("%(name)s is no longer a member of the team.") % {"name": member.full_name})
        return redirect("duty:communityteam_detail", team.pk)


class CommunityTeamHouseholdAddView(TeamObjectMixin, ServiceFormView):
    template_name = FORM_TEMPLATE
    form_class = AttachHouseholdForm
    title = gettext_lazy("Attach a household to the team")

    @property
    def intro(self):
        return _("Households of %(unit)s. A household belongs to one team only.") % {
            "unit": self.get_object().neighbourhood
        }

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "team": self.get_object()}

    def perform(self, form):
        data = form.cleaned_data
        return community.attach_household(self.get_object(), self.request.user, data["household"], move=data["move"])

    def success(self, link: CommunityTeamHousehold):
        messages.success(self.request, _("%(household)s now belongs to this team.") % {"household": link.household})
        return super().success(link)


class CommunityTeamHouseholdRemoveView(TeamObjectMixin, View):
    """POST household=<id>: the team no longer serves it (it shows among the gaps until another team takes it)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        team = self.get_object()
        link = get_object_or_404(
            team.households.select_related("household"), household_id=request.POST.get("household") or 0
        )
        try:
            community.detach_household(team, request.user, link.household)
        except (ValidationError, PermissionDenied) as exc:
            show_service_errors(request, exc)
        else:
            messages.success(
                request, _("%(household)s no longer belongs to this team.") % {"household": link.household}
            )
        return redirect("duty:communityteam_detail", team.pk)


# --- households --------------------------------------------------------------------------------------------------


class HouseholdListView(FilteredListView):
    permission = "household.view"
    model = Household
    filterset_class = HouseholdFilterSet
    template_name = "duty/household_list.html"
    partial_template_name = "duty/household_results.html"
    list_select_related = ("neighbourhood", "neighbourhood__parent", "community_team_link__team")
    export_url_name = "duty:household_export"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["can_manage"] = self.request.user.has_role_perm(community.MANAGE)
        return ctx


class HouseholdExportView(xlsx.FilteredExportView):
    permission = "household.view"
    model = Household
    filterset_class = HouseholdFilterSet
    title = gettext_lazy("Households")
    select_related = ("neighbourhood", "neighbourhood__parent", "community_team_link__team")

    def get_columns(self):
        col = xlsx.ExportColumn
        return [
            col(_("Commune"), "neighbourhood.parent.name", width=22),
            col(_("Neighbourhood"), "neighbourhood.name", width=20),
            col(_("Head of household"), "head_name", width=24),
            col(_("Address"), "address", width=30),
            col(_("Phone"), "phone", width=14),
            col(_("Household members"), "members", kind=xlsx.NUMBER, width=10),
            col(_("Community team"), lambda h: team_name(h), width=24),
        ]


def team_name(household: Household) -> str:
    link = getattr(household, "community_team_link", None)
    return link.team.name if link else ""


class HouseholdDetailView(ScopedObjectMixin, DetailView):
    permission = "household.view"
    model = Household
    template_name = "duty/household_detail.html"
    context_object_name = "household"

    def get_queryset(self):
        return super().get_queryset().select_related("neighbourhood", "neighbourhood__parent")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user, h = self.request.user, self.object
        ctx["team"] = community.team_of(h)
        ctx["can_manage"] = (
            user.has_role_perm(community.MANAGE)
            and community.manageable_neighbourhoods(user).filter(pk=h.neighbourhood_id).exists()
        )
        return ctx


class HouseholdCreateView(RolePermissionMixin, ServiceFormView):
    permission = community.MANAGE
    template_name = FORM_TEMPLATE
    form_class = HouseholdForm
    title = gettext_lazy("Register a household")

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        team_pk = self.request.GET.get("team")
        if team_pk and team_pk.isdigit():
            team = CommunityTeam.objects.visible_to(self.request.user).filter(pk=team_pk).first()
            if team is not None:
                initial.update(team=team, neighbourhood=team.neighbourhood)
        return initial

    def get_back_url(self) -> tuple[str, str]:
        return reverse("duty:household_list"), _("Households")

    def perform(self, form) -> Household:
        return households.create_household(self.request.user, **form.cleaned_data)

    def success(self, household: Household):
        messages.success(self.request, _("Registered %(household)s.") % {"household": household})
        return redirect("duty:household_detail", household.pk)


class HouseholdUpdateView(ScopedObjectMixin, ServiceFormView):
    permission = community.MANAGE
    model = Household
    template_name = FORM_TEMPLATE
    form_class = HouseholdForm
    title = gettext_lazy("Correct the household")

    def check_object_permission(self, obj: Household) -> None:
        if not community.manageable_neighbourhoods(self.request.user).filter(pk=obj.neighbourhood_id).exists():
            raise PermissionDenied(_("This household is outside your jurisdiction."))

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "with_team": False}

    def get_initial(self) -> dict[str, Any]:
        h = self.get_object()
        return {
            "neighbourhood": h.neighbourhood,
            "head_name": h.head_name,
            "address": h.address,
            "phone": h.phone,
            "members": h.members,
        }

    def get_back_url(self) -> tuple[str, str]:
        h = self.get_object()
        return reverse("duty:household_detail", args=[h.pk]), str(h)

    def perform(self, form) -> Household:
        return households.update_household(self.get_object(), self.request.user, **form.cleaned_data)

    def success(self, household: Household):
        messages.success(self.request, _("Saved %(household)s.") % {"household": household})
        return redirect("duty:household_detail", household.pk)


class HouseholdGapsView(RolePermissionMixin, TemplateView):
    """Every household belongs to one team: the neighbourhoods where that is not so yet."""

    permission = "household.view"
    template_name = "duty/household_gaps.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["gaps"] = households.gaps(self.request.user)
        ctx["total_without"] = sum(g.without_team for g in ctx["gaps"])
        return ctx


# --- the public directory (no login) -----------------------------------------------------------------------------


class DirectoryIndexView(View):
    """Choose a commune: search by name, with or without accents."""

    def get(self, request, *args, **kwargs):
        query = (request.GET.get("q") or "").strip()
        results = directory.search_communes(query) if query else []
        return render(request, "duty/directory_index.html", {"query": query, "results": results})


def commune_or_404(key: str):
    commune = directory.find_commune(key)
    if commune is None:
        raise Http404(_("No commune with this code."))
    return commune


class DirectoryView(View):
    def get(self, request, key: str, *args, **kwargs):
        commune = commune_or_404(key)
        entry = directory.directory_for(commune)
        poster_url = reverse("duty:directory_poster", args=[commune.code])
        return render(request, "duty/directory_commune.html", {"directory": entry, "poster_url": poster_url})


class DirectoryPosterView(View):
    """The A4 poster (PDF) with a QR code to the directory page."""

    def get(self, request, key: str, *args, **kwargs):
        commune = commune_or_404(key)
        entry = directory.directory_for(commune)
        url = request.build_absolute_uri(reverse("duty:directory", args=[commune.code]))
        pdf = poster.poster_pdf(entry, url)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="duong-day-nong-{commune.code}.pdf"'
        return response

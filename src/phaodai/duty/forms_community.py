"""Forms and filters of community teams and households (the filters are shared by the pages, exports and API)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from phaodai.duty import community
from phaodai.duty.models import CommunityTeam
from phaodai.places.filters import ALL, FoldedSearchFilter, ScopedFilterSet, UnderUnitFilter
from phaodai.places.models import AdminUnit, Household

PHONE_WIDGET = forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "0912345678"})


def neighbourhood_field(user, **kwargs) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        queryset=community.manageable_neighbourhoods(user).select_related("parent"),
        label=_("Neighbourhood"),
        **kwargs,
    )
    field.label_from_instance = lambda u: f"{u.name} · {u.parent.name}"
    return field


class CommunityTeamForm(forms.Form):
    neighbourhood = forms.ModelChoiceField(queryset=AdminUnit.objects.none())
    name = forms.CharField(label=_("Team name"), max_length=120)
    leader_name = forms.CharField(label=_("Team leader"), max_length=120)
    leader_phone = forms.CharField(label=_("Team leader's phone"), max_length=20, widget=PHONE_WIDGET)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"] = neighbourhood_field(user)
        self.order_fields(["neighbourhood", "name", "leader_name", "leader_phone"])


class TeamMemberForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=120)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False, widget=PHONE_WIDGET)
    role = forms.CharField(
        label=_("Role in the team"),
        max_length=120,
        required=False,
        help_text=_("e.g. deputy leader, police officer of the area, youth union member"),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class AttachHouseholdForm(forms.Form):
    household = forms.ModelChoiceField(queryset=Household.objects.none(), label=_("Household"))
    move = forms.BooleanField(
        label=_("Move it here if it belongs to another team"),
        required=False,
        help_text=_("A household belongs to one team only: without this, a household of another team is refused."),
    )

    def __init__(self, *args, user, team: CommunityTeam, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["household"]
        field.queryset = (
            Household.objects.visible_to(user)
            .filter(neighbourhood_id=team.neighbourhood_id)
            .exclude(community_team_link__team=team)
            .select_related("community_team_link__team")
        )

        def label(h: Household) -> str:
            link = getattr(h, "community_team_link", None)
            return f"{h} ({link.team})" if link else str(h)

        field.label_from_instance = label


class HouseholdForm(forms.Form):
    neighbourhood = forms.ModelChoiceField(queryset=AdminUnit.objects.none())
    head_name = forms.CharField(label=_("Head of household"), max_length=120)
    address = forms.CharField(label=_("Address"), max_length=300)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False, widget=PHONE_WIDGET)
    members = forms.IntegerField(label=_("Household members"), min_value=1, max_value=99, initial=1)
    team = forms.ModelChoiceField(
        queryset=CommunityTeam.objects.none(),
        label=_("Community team"),
        required=False,
        help_text=_("The team of the household's neighbourhood that serves it."),
    )

    def __init__(self, *args, user, with_team: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"] = neighbourhood_field(user)
        if with_team:
            self.fields["team"].queryset = (
                CommunityTeam.objects.visible_to(user)
                .filter(neighbourhood__in=community.manageable_neighbourhoods(user))
                .select_related("neighbourhood")
            )
            self.fields["team"].label_from_instance = lambda t: f"{t.name} · {t.neighbourhood.name}"
        else:
            del self.fields["team"]
        self.order_fields(["neighbourhood", "head_name", "address", "phone", "members", "team"])


# --- filters -----------------------------------------------------------------------------------------------------


class TeamSearchFilter(django_filters.CharFilter):
    """Team name, leader name or phone, neighbourhood name (accents as typed)."""

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(
            Q(name__icontains=value)
            | Q(leader_name__icontains=value)
            | Q(leader_phone__contains=value)
            | Q(neighbourhood__name__icontains=value)
        )


def _units_with_neighbourhoods():
    return AdminUnit.objects.all()


class CommunityTeamFilterSet(ScopedFilterSet):
    q = TeamSearchFilter(label=_("Search"))
    under = UnderUnitFilter(
        label=_("Within"), empty_label=ALL, path_lookup="neighbourhood__path", queryset=_units_with_neighbourhoods()
    )

    class Meta:
        model = CommunityTeam
        fields = ["q", "under"]


class WithoutTeamFilter(django_filters.BooleanFilter):
    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(community_team_link__isnull=value)


class HouseholdFilterSet(ScopedFilterSet):
    q = FoldedSearchFilter(label=_("Search"))
    under = UnderUnitFilter(
        label=_("Within"), empty_label=ALL, path_lookup="neighbourhood__path", queryset=_units_with_neighbourhoods()
    )
    team = django_filters.ModelChoiceFilter(
        queryset=CommunityTeam.objects.all(), field_name="community_team_link__team", label=_("Community team")
    )
    without_team = WithoutTeamFilter(label=_("Without a team"))

    class Meta:
        model = Household
        fields = ["q", "under", "team", "without_team"]

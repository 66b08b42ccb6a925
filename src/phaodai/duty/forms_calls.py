"""Forms of the calls part: the phone-first intake, actions on a help request, the errand, and the filters shared
by the list pages, the Excel exports and the API."""

from __future__ import annotations

import uuid

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from phaodai.duty import calls
from phaodai.duty.models import Call, CommunityTeam, DutySite, HelpCategory, HelpRequest, HelpStatus, Hotline
from phaodai.mobilisation.filters import TextSearchFilter
from phaodai.places.filters import ALL, ScopedFilterSet
from phaodai.places.models import AdminUnit, Level


def _unit_label(unit: AdminUnit) -> str:
    return unit.name


def _neighbourhood_label(unit: AdminUnit) -> str:
    return f"{unit.name} ({unit.parent.name})"


class CallForm(forms.Form):
    """One screen, phone first: number, category (big buttons), what is needed; the rest is optional."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)
    caller_phone = forms.CharField(
        label=_("Caller's phone"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "type": "tel", "autocomplete": "off", "autofocus": True, "placeholder": "09…"}
        ),
    )
    category = forms.ChoiceField(label=_("Category"), choices=HelpCategory.choices, widget=forms.RadioSelect)
    need = forms.CharField(label=_("What is needed"), widget=forms.Textarea(attrs={"rows": 2}))
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=AdminUnit.objects.none())
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"), queryset=AdminUnit.objects.none(), required=False, empty_label=_("Not known")
    )
    caller_name = forms.CharField(label=_("Caller's name"), max_length=120, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    hotline = forms.ModelChoiceField(
        label=_("Came in on hotline"), queryset=Hotline.objects.none(), required=False, empty_label="—"
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        communes = calls.callable_communes(user)
        self.fields["commune"].queryset = communes
        self.fields["commune"].label_from_instance = _unit_label
        self.fields["neighbourhood"].queryset = calls.callable_neighbourhoods(user)
        self.fields["neighbourhood"].label_from_instance = _neighbourhood_label
        self.fields["hotline"].queryset = Hotline.objects.visible_to(user).filter(is_active=True)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
            scope = getattr(user, "scope_unit", None)
            if scope is not None and scope.level == Level.COMMUNE:
                self.initial.setdefault("commune", scope.pk)
            elif communes.count() == 1:
                self.initial.setdefault("commune", communes.first().pk)


ACTION_CHOICES = [
    ("acknowledge", _("Acknowledge")),
    ("start", _("Start work")),
    ("close", _("Close with the outcome")),
    ("reopen", _("Reopen")),
    ("reroute", _("Route elsewhere")),
    ("comment", _("Comment")),
]


class HelpActionForm(forms.Form):
    action = forms.ChoiceField(choices=ACTION_CHOICES)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    team = forms.ModelChoiceField(queryset=CommunityTeam.objects.all(), required=False)
    site = forms.ModelChoiceField(queryset=DutySite.objects.all(), required=False)

    def __init__(self, *args, help_request: HelpRequest | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if help_request is not None:
            self.fields["team"].queryset = CommunityTeam.objects.filter(
                neighbourhood__path__startswith=help_request.commune.path
            )
            self.fields["site"].queryset = DutySite.objects.filter(unit=help_request.commune, is_active=True)


class ErrandForm(forms.Form):
    shopping_list = forms.CharField(
        label=_("Shopping list"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What to buy and how much, one item a line."),
    )
    deliverer_name = forms.CharField(label=_("Delivered by"), max_length=120, required=False)
    deliverer_phone = forms.CharField(
        label=_("Deliverer's phone"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    amount = forms.IntegerField(label=_("Amount paid (VND)"), min_value=0, required=False)


class OverdueFilter(django_filters.BooleanFilter):
    """Yes: still not acknowledged and past its acknowledgement deadline."""

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(calls.overdue_q(timezone.now())) if value else qs.exclude(calls.overdue_q(timezone.now()))


def mine_q(user) -> Q:
    """Requests routed to the user's own site (its agency) or community team (the user's phone leads or serves it)."""
    q = Q(pk__in=[])
    agencies = [a for a in (getattr(user, "scope_agency_id", None),) if a]
    staff = getattr(user, "staff_member", None) if getattr(user, "staff_member_id", None) else None
    if staff is not None:
        agencies.append(staff.agency_id)
        if staff.phone:
            q |= Q(routed_to_team__leader_phone=staff.phone) | Q(routed_to_team__members__phone=staff.phone)
    if agencies:
        q |= Q(routed_to_site__agency_id__in=agencies)
    return q


class MineFilter(django_filters.BooleanFilter):
    def filter(self, qs, value):
        user = getattr(self.parent, "user", None)
        if value is None or user is None:
            return qs
        mine = qs.filter(mine_q(user)).values("pk")
        return qs.filter(pk__in=mine) if value else qs.exclude(pk__in=mine)


class HelpRequestFilterSet(ScopedFilterSet):
    q = TextSearchFilter(
        label=_("Phone, name or need"),
        fields=("caller_phone", "caller_name", "need", "address"),
        widget=forms.TextInput(attrs={"placeholder": _("Phone or name")}),
    )
    status = django_filters.ChoiceFilter(choices=HelpStatus.choices, label=_("Status"), empty_label=ALL)
    category = django_filters.ChoiceFilter(choices=HelpCategory.choices, label=_("Category"), empty_label=ALL)
    overdue = OverdueFilter(label=_("Overdue"))
    mine = MineFilter(label=_("Routed to my team or site"))
    routed_to_team = django_filters.ModelChoiceFilter(
        queryset=CommunityTeam.objects.all(), label=_("Community team"), empty_label=ALL
    )
    routed_to_site = django_filters.ModelChoiceFilter(
        queryset=DutySite.objects.all(), label=_("Health station or site"), empty_label=ALL
    )

    class Meta:
        model = HelpRequest
        fields = ["q", "status", "category", "overdue", "mine", "routed_to_team", "routed_to_site"]

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, user=user, **kwargs)


class TakenByMeFilter(django_filters.BooleanFilter):
    def filter(self, qs, value):
        user = getattr(self.parent, "user", None)
        if value is None or user is None:
            return qs
        return qs.filter(operator=user) if value else qs.exclude(operator=user)


class CallFilterSet(ScopedFilterSet):
    q = TextSearchFilter(
        label=_("Phone"), fields=("caller_phone", "note"), widget=forms.TextInput(attrs={"placeholder": "09…"})
    )
    category = django_filters.ChoiceFilter(
        field_name="help_request__category", choices=HelpCategory.choices, label=_("Category"), empty_label=ALL
    )
    hotline = django_filters.ModelChoiceFilter(queryset=Hotline.objects.all(), label=_("Hotline"), empty_label=ALL)
    mine = TakenByMeFilter(label=_("Taken by me"))

    class Meta:
        model = Call
        fields = ["q", "category", "hotline", "mine"]

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, user=user, **kwargs)

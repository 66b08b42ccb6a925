"""Mobilisation filters, shared by the list pages, the Excel exports and the API: one definition, three uses.

Choice lists (requests, decisions, delegations, agencies) only offer what the user may see (`ScopedFilterSet`).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from phaodai.core.text import fold
from phaodai.mobilisation.models import (
    Assignment,
    AssignmentState,
    DecisionStatus,
    Delegation,
    DelegationKind,
    MobilisationDecision,
    RequestStatus,
    StaffingRequest,
    Task,
    Team,
)
from phaodai.places.filters import ALL, AgencyFilterSet, ScopedFilterSet, UnderUnitFilter
from phaodai.places.models import Agency, Bloc

DATE_WIDGET = forms.DateInput(attrs={"inputmode": "numeric", "placeholder": "dd/mm/yyyy"})


class TextSearchFilter(django_filters.CharFilter):
    """Case-insensitive search in a few text columns (titles, names, numbers)."""

    def __init__(self, *args, fields: tuple[str, ...] = (), **kwargs):
        self.fields = fields
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        condition = Q()
        for name in self.fields:
            condition |= Q(**{f"{name}__icontains": value})
        return qs.filter(condition)


class OnDayFilter(django_filters.DateFilter):
    """Rows whose period [start_date, end_date] contains the day."""

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(start_date__lte=value, end_date__gte=value)


class DistinctUnderUnitFilter(UnderUnitFilter):
    """`UnderUnitFilter` across a to-many relation (a request's communes): each row once."""

    def filter(self, qs, value):
        return super().filter(qs, value).distinct() if value else qs


class StaffingRequestFilterSet(ScopedFilterSet):
    q = TextSearchFilter(
        label=_("Title or task details"),
        fields=("title", "task_detail"),
        widget=forms.TextInput(attrs={"placeholder": _("Title")}),
    )
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices, label=_("Status"), empty_label=ALL)
    task = django_filters.ChoiceFilter(choices=Task.choices, label=_("Task"), empty_label=ALL)
    under = DistinctUnderUnitFilter(
        label=_("For communes within"), empty_label=ALL, path_lookup="targets__commune__path"
    )
    on = OnDayFilter(label=_("Running on"), widget=DATE_WIDGET)

    class Meta:
        model = StaffingRequest
        fields = ["q", "status", "task", "under", "on"]


class MobilisationDecisionFilterSet(ScopedFilterSet):
    q = TextSearchFilter(
        label=_("Number and symbol"), fields=("number",), widget=forms.TextInput(attrs={"placeholder": _("Number")})
    )
    status = django_filters.ChoiceFilter(choices=DecisionStatus.choices, label=_("Status"), empty_label=ALL)
    request = django_filters.ModelChoiceFilter(
        field_name="requests", queryset=StaffingRequest.objects.all(), label=_("Request"), empty_label=ALL
    )

    class Meta:
        model = MobilisationDecision
        fields = ["q", "status", "request"]


class StaffNameFilter(django_filters.CharFilter):
    """The person's name without accents ("nguyen van an"), as in the civil-servant list."""

    def __init__(self, *args, staff_lookup: str = "staff", **kwargs):
        self.staff_lookup = staff_lookup
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        value = (value or "").strip()
        return qs.filter(**{f"{self.staff_lookup}__search_name__contains": fold(value)}) if value else qs


class AssignmentFilterSet(ScopedFilterSet):
    q = StaffNameFilter(label=_("Name"), widget=forms.TextInput(attrs={"placeholder": _("Name")}))
    decision = django_filters.ModelChoiceFilter(
        queryset=MobilisationDecision.objects.all(), label=_("Decision"), empty_label=ALL
    )
    request = django_filters.ModelChoiceFilter(
        field_name="target__request", queryset=StaffingRequest.objects.all(), label=_("Request"), empty_label=ALL
    )
    state = django_filters.ChoiceFilter(choices=AssignmentState.choices, label=_("State"), empty_label=ALL)
    agency = django_filters.ModelChoiceFilter(queryset=Agency.objects.all(), label=_("Agency"), empty_label=ALL)
    bloc = django_filters.ChoiceFilter(
        field_name="agency__bloc", choices=Bloc.choices, label=_("Bloc"), empty_label=ALL
    )
    under = UnderUnitFilter(label=_("Sent to (within)"), empty_label=ALL, path_lookup="target__commune__path")
    on = OnDayFilter(label=_("On duty on"), widget=DATE_WIDGET)

    class Meta:
        model = Assignment
        fields = ["q", "decision", "request", "state", "agency", "bloc", "under", "on"]


class DelegationFilterSet(ScopedFilterSet):
    q = TextSearchFilter(label=_("Name"), fields=("name",), widget=forms.TextInput(attrs={"placeholder": _("Name")}))
    kind = django_filters.ChoiceFilter(choices=DelegationKind.choices, label=_("Kind"), empty_label=ALL)
    under = UnderUnitFilter(label=_("Sent to (within)"), empty_label=ALL, path_lookup="target_unit__path")
    decision = django_filters.ModelChoiceFilter(
        queryset=MobilisationDecision.objects.all(), label=_("Decision"), empty_label=ALL
    )
    on = OnDayFilter(label=_("Working on"), widget=DATE_WIDGET)

    class Meta:
        model = Delegation
        fields = ["q", "kind", "under", "decision", "on"]


class TeamFilterSet(ScopedFilterSet):
    q = TextSearchFilter(label=_("Name"), fields=("name",), widget=forms.TextInput(attrs={"placeholder": _("Name")}))
    task = django_filters.ChoiceFilter(choices=Task.choices, label=_("Task"), empty_label=ALL)
    delegation = django_filters.ModelChoiceFilter(
        queryset=Delegation.objects.all(), label=_("Delegation"), empty_label=ALL
    )
    under = UnderUnitFilter(label=_("Sent to (within)"), empty_label=ALL, path_lookup="delegation__target_unit__path")

    class Meta:
        model = Team
        fields = ["q", "task", "delegation", "under"]


class PeriodParameter(django_filters.DateFilter):
    """A day that is not a filter but a parameter of the computation (the pool's period): rows pass unchanged."""

    def filter(self, qs, value):
        return qs


class PoolFilterSet(AgencyFilterSet):
    """The agencies of the pool page, export and API, plus the period the pool is computed for."""

    start = PeriodParameter(label=_("From"), widget=DATE_WIDGET)
    end = PeriodParameter(label=_("To"), widget=DATE_WIDGET)

    class Meta(AgencyFilterSet.Meta):
        fields = ["q", "start", "end", "kind", "bloc", "under"]

"""Difficulty forms and the filter shared by the list page, the Excel export and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from phaodai.mobilisation.filters import TextSearchFilter
from phaodai.places.filters import ALL, ScopedFilterSet
from phaodai.places.models import AdminUnit, Level
from phaodai.reporting.difficulties import PENDING
from phaodai.reporting.models import Difficulty, DifficultyCategory, DifficultyStatus, Severity


class OverdueFilter(django_filters.BooleanFilter):
    """Yes: still pending and past the due time; No: not overdue (resolved, or still within time)."""

    def filter(self, qs, value):
        if value is None:
            return qs
        overdue = Q(status__in=PENDING, due_at__lt=timezone.now())
        return qs.filter(overdue) if value else qs.exclude(overdue)


class MineFilter(django_filters.BooleanFilter):
    """Yes: the difficulties the user raised (the reporter follows theirs)."""

    def filter(self, qs, value):
        if value is None:
            return qs
        user = getattr(self.parent, "user", None)
        if user is None:
            return qs
        return qs.filter(raised_by=user) if value else qs.exclude(raised_by=user)


class DifficultyFilterSet(ScopedFilterSet):
    q = TextSearchFilter(
        label=_("Title or description"),
        fields=("title", "description"),
        widget=forms.TextInput(attrs={"placeholder": _("Title")}),
    )
    status = django_filters.ChoiceFilter(choices=DifficultyStatus.choices, label=_("Status"), empty_label=ALL)
    category = django_filters.ChoiceFilter(choices=DifficultyCategory.choices, label=_("Category"), empty_label=ALL)
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("Severity"), empty_label=ALL)
    acting_unit = django_filters.ModelChoiceFilter(
        queryset=AdminUnit.objects.filter(level__lte=Level.COMMUNE), label=_("Unit that must act"), empty_label=ALL
    )
    overdue = OverdueFilter(label=_("Overdue"))
    mine = MineFilter(label=_("Raised by me"))

    class Meta:
        model = Difficulty
        fields = ["q", "status", "category", "severity", "acting_unit", "overdue", "mine"]

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, user=user, **kwargs)


def raisable_units(user) -> Any:
    """Units one may raise a difficulty for without a report: one's own jurisdiction (province to commune)."""
    units = AdminUnit.objects.filter(level__lte=Level.COMMUNE)
    if user.sees_everything:
        return units
    if user.scope_unit_id is None:
        return units.none()
    return units.filter(path__startswith=user.scope_unit.path)


class DifficultyForm(forms.Form):
    """Raise a difficulty. From a report, the unit is the delegation's commune and the field is not shown."""

    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("In a few words, e.g. “Out of test kits”."))
    category = forms.ChoiceField(label=_("Category"), choices=DifficultyCategory.choices)
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=Severity.choices,
        initial=Severity.MEDIUM,
        help_text=_("Critical: answer within 4 hours; high: 24 hours; medium: 48 hours; low: 72 hours."),
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What is wrong, where, since when, and what is needed."),
    )
    unit = forms.ModelChoiceField(label=_("Where"), queryset=AdminUnit.objects.none())

    def __init__(self, *args, user=None, from_report: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if from_report:
            del self.fields["unit"]
        else:
            units = raisable_units(user)
            self.fields["unit"].queryset = units
            self.fields["unit"].label_from_instance = lambda u: "\u2003" * (u.level - 1) + u.name
            if user is not None and user.scope_unit_id and not self.is_bound:
                self.fields["unit"].initial = user.scope_unit_id


ACTION_CHOICES = [
    ("acknowledge", _("Acknowledge")),
    ("resolve", _("Resolve with an answer")),
    ("refer", _("Refer up")),
    ("reopen", _("Reopen")),
    ("comment", _("Comment")),
]


class DifficultyActionForm(forms.Form):
    action = forms.ChoiceField(choices=ACTION_CHOICES)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

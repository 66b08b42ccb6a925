"""Forms of the rosters part: sites, coverage rules, unavailability, generating a roster, hand edits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from phaodai.duty.models import CoverageRule, DutySite, SiteKind, UnavailabilityKind
from phaodai.places.models import AdminUnit, Agency
from phaodai.staff.models import StaffMember

WEEKDAYS = [
    (1, _("Monday")),
    (2, _("Tuesday")),
    (3, _("Wednesday")),
    (4, _("Thursday")),
    (5, _("Friday")),
    (6, _("Saturday")),
    (7, _("Sunday")),
]


class UserForm(forms.Form):
    def __init__(self, *args: Any, user: Any = None, **kwargs: Any):
        self.user = user
        super().__init__(*args, **kwargs)


class DutySiteForm(UserForm):
    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=SiteKind.choices)
    unit = forms.ModelChoiceField(label=_("unit"), queryset=AdminUnit.objects.none())
    agency = forms.ModelChoiceField(label=_("agency"), queryset=Agency.objects.none(), required=False)
    address = forms.CharField(label=_("address"), max_length=300, required=False)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    is_active = forms.BooleanField(label=_("in use"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = AdminUnit.objects.visible_to(self.user).order_by("path")
        self.fields["agency"].queryset = Agency.objects.visible_to(self.user).order_by("name")


class CoverageRuleForm(UserForm):
    name = forms.CharField(label=_("shift name"), max_length=60)
    start_time = forms.TimeField(label=_("starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(
        label=_("ends at"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("An end at or before the start means the next day (22:00–06:00)."),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("days of the week"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    people = forms.IntegerField(label=_("people"), min_value=0, max_value=99)
    leaders = forms.IntegerField(label=_("of whom leader-level"), min_value=0, max_value=99, initial=0)

    @classmethod
    def initial_from(cls, rule: CoverageRule) -> dict[str, Any]:
        return {f: getattr(rule, f) for f in ("name", "start_time", "end_time", "weekdays", "people", "leaders")}


class UnavailabilityForm(UserForm):
    staff = forms.ModelChoiceField(label=_("person"), queryset=StaffMember.objects.none())
    kind = forms.ChoiceField(label=_("kind"), choices=UnavailabilityKind.choices)
    start = forms.DateTimeField(label=_("from"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    end = forms.DateTimeField(label=_("until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = StaffMember.objects.visible_to(self.user).select_related("agency")


class RosterForm(UserForm):
    sites = forms.ModelMultipleChoiceField(
        label=_("sites"), queryset=DutySite.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    start = forms.DateField(label=_("from"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("to"), widget=forms.DateInput(attrs={"type": "date"}))
    max_hours_per_week = forms.IntegerField(label=_("maximum hours a week"), initial=48, min_value=1, max_value=168)
    min_rest_hours = forms.IntegerField(
        label=_("minimum rest between shifts (hours)"), initial=12, min_value=0, max_value=48
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = DutySite.objects.visible_to(self.user).filter(is_active=True)
        today = timezone.localdate()
        monday = today + timedelta(days=7 - today.weekday())
        self.fields["start"].initial, self.fields["end"].initial = monday, monday + timedelta(days=6)


class RosterEditForm(forms.Form):
    """One hand edit: assign (optionally replacing someone), remove, or swap two places."""

    action = forms.ChoiceField(choices=[("assign", "assign"), ("remove", "remove"), ("swap", "swap")])
    shift = forms.IntegerField(required=False)
    staff = forms.IntegerField(required=False)
    replacing = forms.IntegerField(required=False)
    first = forms.IntegerField(required=False)
    second = forms.IntegerField(required=False)

"""Forms and filters of the hotlines part: the registry, the compliance board and the Friday report.

The FilterSets are shared by the list pages, the Excel exports and the API (one definition, three uses); their
choice lists only offer what the user may see.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from phaodai.core.views import unit_option_label
from phaodai.duty import friday, hotlines
from phaodai.duty.models import DutySite, Hotline, Line, WeeklyRosterReport
from phaodai.places.filters import ALL, ScopedFilterSet, UnderUnitFilter
from phaodai.places.models import AdminUnit

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NumberOrLabelFilter(django_filters.CharFilter):
    """A number however typed (digits only are compared) or words of the label."""

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        digits = "".join(c for c in value if c.isdigit())
        condition = Q(label__icontains=value) | Q(unit__name__icontains=value)
        if digits:
            condition |= Q(number__contains=digits.removeprefix("84") if len(digits) > 10 else digits)
        return qs.filter(condition)


class HotlineFilterSet(ScopedFilterSet):
    q = NumberOrLabelFilter(
        label=_("Number, label or unit"), widget=forms.TextInput(attrs={"placeholder": _("Number")})
    )
    line = django_filters.ChoiceFilter(choices=Line.choices, label=_("Line"), empty_label=ALL)
    under = UnderUnitFilter(label=_("Within"), empty_label=ALL, path_lookup="unit__path")
    is_active = django_filters.BooleanFilter(label=_("In use"))
    is_public = django_filters.BooleanFilter(label=_("In the public directory"))

    class Meta:
        model = Hotline
        fields = ["q", "line", "under", "is_active", "is_public"]


class HotlineForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=AdminUnit.objects.none(), label=_("District or commune"))
    number = forms.CharField(label=_("Number"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    line = forms.ChoiceField(choices=Line.choices, label=_("Line"))
    label = forms.CharField(label=_("Label"), max_length=120, required=False)
    site = forms.ModelChoiceField(
        queryset=DutySite.objects.none(),
        label=_("Staffed from (duty site)"),
        required=False,
        help_text=_("The people on duty at this site, on its published roster, answer the hotline."),
    )
    is_public = forms.BooleanField(label=_("Shown in the public directory"), required=False, initial=True)

    def __init__(self, *args: Any, user=None, hotline: Hotline | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = hotlines.manageable_units(user).order_by("path")
        self.fields["unit"].label_from_instance = unit_option_label
        self.fields["site"].queryset = hotlines.usable_sites(user).order_by("unit__path", "name")
        self.fields["site"].label_from_instance = lambda s: f"{s.name} ({s.unit.name})"
        if hotline is not None:  # the unit of a hotline stays: register a new one for another unit
            del self.fields["unit"]
            self.fields["site"].queryset = hotlines.usable_sites(user, hotline.unit).order_by("unit__path", "name")


class ComplianceFilterForm(forms.Form):
    failing = forms.BooleanField(label=_("Only non-compliant units"), required=False)


class FridayFilterSet(ScopedFilterSet):
    week_start = django_filters.DateFilter(label=_("Week starting"), widget=DATE_WIDGET)
    under = UnderUnitFilter(label=_("Within"), empty_label=ALL, path_lookup="unit__path")
    q = django_filters.CharFilter(field_name="unit__name", lookup_expr="icontains", label=_("Unit"))

    class Meta:
        model = WeeklyRosterReport
        fields = ["q", "week_start", "under"]


class FridaySubmitForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=AdminUnit.objects.none(), label=_("District or commune"))
    week_start = forms.DateField(
        label=_("Week starting (Monday)"), widget=DATE_WIDGET, input_formats=["%Y-%m-%d", "%d/%m/%Y"]
    )
    note = forms.CharField(label=_("Note to Home Affairs"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, user=None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        units = friday.reportable_units(user).order_by("path")
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = unit_option_label
        self.fields["week_start"].initial = friday.coming_week()
        if user is not None and user.scope_unit_id and units.filter(pk=user.scope_unit_id).exists():
            self.fields["unit"].initial = user.scope_unit_id


class TrackingForm(forms.Form):
    week_start = forms.DateField(
        label=_("Week starting (Monday)"), widget=DATE_WIDGET, input_formats=["%Y-%m-%d", "%d/%m/%Y"], required=False
    )

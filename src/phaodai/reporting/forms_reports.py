"""Forms and filters of the report pages: the team report form built from a form version, the head's narrative,
and the FilterSets shared by the lists, their Excel exports and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from phaodai.mobilisation.filters import DATE_WIDGET, TextSearchFilter
from phaodai.mobilisation.models import Delegation, Team
from phaodai.places.filters import ALL, ScopedFilterSet, UnderUnitFilter
from phaodai.reporting.models import DelegationReport, FieldKind, ReportFormVersion, TeamReport
from phaodai.reporting.report_values import TEXT_MAX_LENGTH, field_label, label_text

#: The values' inputs are named "values-<key>": a form key never clashes with "day" or the idempotency key.
VALUES_PREFIX = "values"


class TeamReportForm(forms.Form):
    """One input per field of the form version. Validation is the service's (report_values), so that the page and
    the API say exactly the same; here every input only takes text, with the phone's numeric keypad for numbers."""

    def __init__(self, *args: Any, version: ReportFormVersion, carried: set[str] = frozenset(), **kwargs: Any):
        kwargs.setdefault("prefix", VALUES_PREFIX)
        super().__init__(*args, **kwargs)
        self.version = version
        for spec in version.fields:
            kind, key = spec.get("kind"), spec["key"]
            label = field_label(spec)
            help_text = _("Carried over from your last report: check it.") if key in carried else ""
            if kind == FieldKind.NUMBER:
                widget = forms.TextInput(
                    attrs={"inputmode": "numeric", "pattern": "[0-9]*", "min": "0", "autocomplete": "off"}
                )
                field = forms.CharField(label=label, required=False, widget=widget, help_text=help_text)
            elif kind == FieldKind.CHOICE:
                choices = [(str(c["value"]), label_text(c.get("label"))) for c in spec.get("choices") or []]
                field = forms.ChoiceField(
                    label=label, required=False, choices=choices, widget=forms.RadioSelect, help_text=help_text
                )
            else:
                field = forms.CharField(
                    label=label,
                    required=False,
                    max_length=TEXT_MAX_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    help_text=help_text,
                )
            # Marked required for the reader (the "required" class); the service decides.
            field.show_required = bool(spec.get("required"))
            self.fields[key] = field

    def raw_values(self) -> dict[str, str]:
        """What was typed, by field key (no cleaning: the service checks every value)."""
        return {key: self.data.get(self.add_prefix(key), "") for key in self.fields}


class NarrativeForm(forms.Form):
    narrative = forms.CharField(
        label=_("Results and assessment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the delegation did today, what went well and what did not."),
    )
    proposals = forms.CharField(
        label=_("Proposals"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the delegation asks of the coordination team."),
    )


class LateFilter(django_filters.BooleanFilter):
    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(minutes_late__gt=0) if value else qs.filter(minutes_late=0)


class TeamReportFilterSet(ScopedFilterSet):
    q = TextSearchFilter(
        label=_("Team or delegation"),
        fields=("team__name", "team__delegation__name"),
        widget=forms.TextInput(attrs={"placeholder": _("Team or delegation")}),
    )
    day = django_filters.DateFilter(label=_("Day"), widget=DATE_WIDGET)
    delegation = django_filters.ModelChoiceFilter(
        field_name="team__delegation", queryset=Delegation.objects.all(), label=_("Delegation"), empty_label=ALL
    )
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.all(), label=_("Team"), empty_label=ALL)
    late = LateFilter(label=_("Late"))
    under = UnderUnitFilter(
        label=_("Sent to (within)"), empty_label=ALL, path_lookup="team__delegation__target_unit__path"
    )

    class Meta:
        model = TeamReport
        fields = ["q", "day", "delegation", "team", "late", "under"]


class DelegationReportFilterSet(ScopedFilterSet):
    q = TextSearchFilter(
        label=_("Delegation"), fields=("delegation__name",), widget=forms.TextInput(attrs={"placeholder": _("Name")})
    )
    day = django_filters.DateFilter(label=_("Day"), widget=DATE_WIDGET)
    delegation = django_filters.ModelChoiceFilter(
        queryset=Delegation.objects.all(), label=_("Delegation"), empty_label=ALL
    )
    late = LateFilter(label=_("Late"))
    under = UnderUnitFilter(label=_("Sent to (within)"), empty_label=ALL, path_lookup="delegation__target_unit__path")

    class Meta:
        model = DelegationReport
        fields = ["q", "day", "delegation", "late", "under"]

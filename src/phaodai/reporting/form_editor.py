"""The form editor's Django forms: one row per field, no JSON (issue #5, item 1), and the deadlines form.

A row holds the key, the Vietnamese and English labels, the kind, the flags, and for a choice field its choices as
lines "value = nhãn / label". `field_rows` turns the rows back into the definition list that forms_schema checks;
the rows only parse what was typed, every rule is forms_schema's.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phaodai.mobilisation.models import Task
from phaodai.reporting.forms_schema import MAX_FIELDS
from phaodai.reporting.models import DEFAULT_TIME_ZONE, FieldKind

#: Empty rows under the fields, and how many "Add fields" adds.
EMPTY_ROWS = 2
MORE_ROWS = 3
CHOICE_SEPARATOR = " / "


def choices_text(choices: list[dict]) -> str:
    return "\n".join(f"{c['value']} = {c['label']['vi']}{CHOICE_SEPARATOR}{c['label']['en']}" for c in choices)


def parse_choices(text: str) -> list[dict]:
    """ "stable = Ổn định / Stable" per line → [{"value": "stable", "label": {"vi": "Ổn định", "en": "Stable"}}]."""
    result, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        value, equals, labels = line.partition("=")
        vi, slash, en = labels.partition(CHOICE_SEPARATOR.strip())
        if not equals or not slash:
            errors.append(
                _("Line %(n)d: write the choice as “value = nhãn tiếng Việt / English label”.") % {"n": number}
            )
            continue
        result.append({"value": value.strip(), "label": {"vi": vi.strip(), "en": en.strip()}})
    if errors:
        raise ValidationError(errors)
    return result


class FieldRowForm(forms.Form):
    key = forms.CharField(
        label=gettext_lazy("Key"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("lowercase, e.g. households_visited"),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )
    label_vi = forms.CharField(label=gettext_lazy("Vietnamese label"), max_length=200, required=False)
    label_en = forms.CharField(label=gettext_lazy("English label"), max_length=200, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=FieldKind.choices, initial=FieldKind.NUMBER)
    required = forms.BooleanField(label=gettext_lazy("Required"), required=False)
    carry_over = forms.BooleanField(
        label=gettext_lazy("Carry over"), required=False, help_text=gettext_lazy("pre-filled from the last report")
    )
    sum = forms.BooleanField(
        label=gettext_lazy("Add up"),
        required=False,
        initial=True,
        help_text=gettext_lazy("numbers only: summed in the delegation's report"),
    )
    choices = forms.CharField(
        label=gettext_lazy("Choices"),
        required=False,
        help_text=gettext_lazy("choice fields only, one per line: value = nhãn / label"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_choices(self) -> list[dict]:
        return parse_choices(self.cleaned_data.get("choices") or "")

    def definition(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = data.get("kind")
        field: dict[str, Any] = {
            "key": data.get("key", ""),
            "label": {"vi": data.get("label_vi", ""), "en": data.get("label_en", "")},
            "kind": kind,
            "required": bool(data.get("required")),
            "carry_over": bool(data.get("carry_over")),
            # "Add up" is ticked by default on every row; it only means something for numbers.
            "sum": bool(data.get("sum")) and kind == FieldKind.NUMBER,
        }
        if data.get("choices"):
            field["choices"] = data["choices"]
        return field


class BaseFieldRowFormSet(forms.BaseFormSet):
    def definitions(self) -> list[dict]:
        """The rows kept, in order: not deleted, and not an empty row left untouched (its cleaned_data is {})."""
        return [f.definition() for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


FieldRowFormSet = forms.formset_factory(
    FieldRowForm, formset=BaseFieldRowFormSet, extra=0, can_delete=True, max_num=MAX_FIELDS, validate_max=True
)


def field_rows(data=None, fields: list[dict] | None = None, more: int = 0) -> BaseFieldRowFormSet:
    """The editor's rows: the version's fields (or what was posted), with empty rows to add fields."""
    initial = [
        {
            "key": f["key"],
            "label_vi": f["label"]["vi"],
            "label_en": f["label"]["en"],
            "kind": f["kind"],
            "required": f.get("required", False),
            "carry_over": f.get("carry_over", False),
            "sum": f.get("sum", f["kind"] == FieldKind.NUMBER),
            "choices": choices_text(f.get("choices") or []),
        }
        for f in fields or []
    ]
    if data is not None and more:
        # "Add fields" was pressed: show what was typed again, with more empty rows.
        data = data.copy()
        data["fields-TOTAL_FORMS"] = str(int(data.get("fields-TOTAL_FORMS") or 0) + more)
    formset = FieldRowFormSet(data, initial=initial or None, prefix="fields")
    if data is None:
        formset.extra = EMPTY_ROWS if initial else EMPTY_ROWS + 3
    return formset


class NewFormForm(forms.Form):
    code = forms.SlugField(
        label=gettext_lazy("Code"), max_length=40, help_text=gettext_lazy("short and unique, e.g. sampling_2")
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    task = forms.ChoiceField(
        label=gettext_lazy("For the teams whose task is"),
        required=False,
        choices=[("", gettext_lazy("any task without a form of its own (default form)")), *Task.choices],
    )


class ScheduleForm(forms.Form):
    team_deadline = forms.TimeField(
        label=gettext_lazy("Team reports due by"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    delegation_deadline = forms.TimeField(
        label=gettext_lazy("Delegation report due by"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    time_zone = forms.CharField(
        label=gettext_lazy("Time zone"),
        max_length=64,
        initial=DEFAULT_TIME_ZONE,
        help_text=gettext_lazy("an IANA time zone name; Vietnam is Asia/Ho_Chi_Minh"),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

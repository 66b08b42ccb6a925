from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from phaodai.core.forms import group_by_district
from phaodai.places.models import AdminUnit, Agency, Level
from phaodai.staff.identity import normalise_citizen_id, normalise_phone
from phaodai.staff.models import Skill, StaffMember


def _label(name: str) -> str:
    return capfirst(StaffMember._meta.get_field(name).verbose_name)


def skill_label(skill: Skill) -> str:
    return skill.name_en if (get_language() or "").startswith("en") else skill.name


DATE_HINT = _("Type the date as dd/mm/yyyy or as eight digits ddmmyyyy, e.g. 14/03/1985 or 14031985.")


class DayMonthYearField(forms.DateField):
    """dd/mm/yyyy, or the eight digits ddmmyyyy: a phone's number pad (inputmode=numeric) has no "/" key.

    The formats come from formats/*/formats.py (DATE_INPUT_FORMATS has %d%m%Y); here a run of digits that is not
    exactly eight is refused, since "1111985" could be 11/01/1985 or 01/11/1985.
    """

    default_error_messages = {"invalid": DATE_HINT}

    def to_python(self, value):
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) != 8:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def home_unit_label(unit: AdminUnit) -> str:
    """Within its district's group a commune needs no indent; its neighbourhoods are indented under it."""
    return "\u2003" * max(0, unit.level - Level.COMMUNE) + unit.name


class StaffMemberForm(forms.ModelForm):
    """The whole record; the model's full_clean() checks the citizen ID against gender and birth year."""

    # Wider than the stored columns: people type "092 085 123 456" and "+84 912 345 678"; both are normalised.
    citizen_id = forms.CharField(
        label=_label("citizen_id"),
        max_length=20,
        help_text=_("12-digit citizen ID (CCCD), or the 9-digit number of an old identity card."),
        error_messages={"unique": _("This citizen ID is already registered for another person.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_label("phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "placeholder": "09xx xxx xxx"}),
    )
    date_of_birth = DayMonthYearField(
        label=_label("date_of_birth"),
        help_text=_("dd/mm/yyyy, or 8 digits without slashes: 14031985"),
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )

    class Meta:
        model = StaffMember
        fields = [
            "full_name",
            "gender",
            "date_of_birth",
            "citizen_id",
            "phone",
            "agency",
            "position",
            "skills",
            "status",
            "vaccination_status",
            "home_unit",
        ]
        widgets = {
            "gender": forms.RadioSelect,
            "skills": forms.CheckboxSelectMultiple,
            "full_name": forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "words"}),
        }

    def __init__(self, *args, editor, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor
        agencies = Agency.objects.visible_to(editor)
        self.fields["agency"].queryset = agencies
        homes = AdminUnit.objects.visible_to(editor).filter(level__gte=Level.COMMUNE)
        if self.instance.home_unit_id:
            # Keep an existing place of residence outside the editor's area rather than silently dropping it.
            homes = AdminUnit.objects.filter(Q(pk__in=homes.values("pk")) | Q(pk=self.instance.home_unit_id))
        self.fields["home_unit"].queryset = homes
        self.fields["home_unit"].label_from_instance = home_unit_label
        # A city-level editor chooses among hundreds: one <optgroup> per district.
        group_by_district(self.fields["agency"], agencies.select_related("unit"), lambda a: a.unit.path)
        group_by_district(self.fields["home_unit"], homes, lambda u: u.path)
        self.fields["skills"].label_from_instance = skill_label
        self.fields["gender"].choices = [c for c in self.fields["gender"].choices if c[0] != ""]

    def clean_citizen_id(self) -> str:
        return normalise_citizen_id(self.cleaned_data["citizen_id"])

    def clean_phone(self) -> str:
        phone = (self.cleaned_data.get("phone") or "").strip()
        return normalise_phone(phone) if phone else ""

    def clean_date_of_birth(self) -> date:
        dob = self.cleaned_data["date_of_birth"]
        if dob > timezone.localdate():
            raise forms.ValidationError(_("The date of birth is in the future."), code="dob_future")
        if dob.year < 1900:
            raise ValidationError(_("The year of birth %(year)d is not plausible.") % {"year": dob.year}, code="dob")
        return dob

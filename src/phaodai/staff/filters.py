import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from phaodai.places.filters import ALL, ScopedFilterSet, UnderUnitFilter
from phaodai.places.models import Agency, Bloc
from phaodai.staff.models import Gender, Skill, StaffMember, StaffStatus, VaccinationStatus


class StaffSearchFilter(django_filters.CharFilter):
    def filter(self, qs, value):
        return qs.search(value) if value else qs


class StaffMemberFilterSet(ScopedFilterSet):
    # The placeholder is what fits a 360-px phone beside the button; the label says it in full.
    q = StaffSearchFilter(
        label=_("Name, citizen ID or phone"), widget=forms.TextInput(attrs={"placeholder": _("Name, ID, phone")})
    )
    agency = django_filters.ModelChoiceFilter(queryset=Agency.objects.all(), label=_("Agency"), empty_label=ALL)
    under = UnderUnitFilter(label=_("Within"), empty_label=ALL, path_lookup="agency__unit__path")
    status = django_filters.ChoiceFilter(choices=StaffStatus.choices, label=_("Status"), empty_label=ALL)
    vaccination_status = django_filters.ChoiceFilter(
        choices=VaccinationStatus.choices, label=_("Vaccination"), empty_label=ALL
    )
    gender = django_filters.ChoiceFilter(choices=Gender.choices, label=_("Gender"), empty_label=ALL)
    skill = django_filters.ModelChoiceFilter(
        field_name="skills", queryset=Skill.objects.all(), to_field_name="code", label=_("Skill"), empty_label=ALL
    )
    bloc = django_filters.ChoiceFilter(
        field_name="agency__bloc", choices=Bloc.choices, label=_("Bloc"), empty_label=ALL
    )

    class Meta:
        model = StaffMember
        fields = ["q", "agency", "under", "status", "vaccination_status", "gender", "skill", "bloc"]

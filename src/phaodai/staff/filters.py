import django_filters
from django.utils.translation import gettext_lazy as _

from phaodai.places.filters import ScopedFilterSet, UnderUnitFilter
from phaodai.places.models import Agency, Bloc
from phaodai.staff.models import Gender, Skill, StaffMember, StaffStatus, VaccinationStatus


class StaffSearchFilter(django_filters.CharFilter):
    def filter(self, qs, value):
        return qs.search(value) if value else qs


class StaffMemberFilterSet(ScopedFilterSet):
    q = StaffSearchFilter(label=_("Name, citizen ID or phone"))
    agency = django_filters.ModelChoiceFilter(queryset=Agency.objects.all(), label=_("Agency"))
    under = UnderUnitFilter(label=_("Within"), path_lookup="agency__unit__path")
    status = django_filters.ChoiceFilter(choices=StaffStatus.choices, label=_("Status"))
    vaccination_status = django_filters.ChoiceFilter(choices=VaccinationStatus.choices, label=_("Vaccination"))
    gender = django_filters.ChoiceFilter(choices=Gender.choices, label=_("Gender"))
    skill = django_filters.ModelChoiceFilter(
        field_name="skills", queryset=Skill.objects.all(), to_field_name="code", label=_("Skill")
    )
    bloc = django_filters.ChoiceFilter(field_name="agency__bloc", choices=Bloc.choices, label=_("Bloc"))

    class Meta:
        model = StaffMember
        fields = ["q", "agency", "under", "status", "vaccination_status", "gender", "skill", "bloc"]

"""Forms of the registry, programme, list and distribution pages: they only collect input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from phaodai.places.models import AdminUnit, Household, Level
from phaodai.staff.forms import DayMonthYearField
from phaodai.welfare import registry
from phaodai.welfare.models import (
    Beneficiary,
    BenefitKind,
    Category,
    Gender,
    Person,
    Programme,
    Relationship,
)

DATE = {"widget": forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "dd/mm/yyyy"})}


class UserForm(forms.Form):
    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class HouseholdForm(UserForm):
    neighbourhood = forms.ModelChoiceField(label=_("Neighbourhood"), queryset=AdminUnit.objects.none())
    head_name = forms.CharField(label=_("Head of household"), max_length=120)
    address = forms.CharField(label=_("Address"), max_length=300)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    members = forms.IntegerField(label=_("Members"), min_value=1, max_value=registry.MAX_MEMBERS, initial=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = registry.neighbourhoods_for(self.user).select_related("parent")
        self.fields["neighbourhood"].label_from_instance = lambda u: f"{u.name} · {u.parent.name}"


class PersonForm(UserForm):
    full_name = forms.CharField(label=_("Full name"), max_length=120)
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "—"), *Gender.choices], required=False)
    date_of_birth = DayMonthYearField(label=_("Date of birth"), required=False, **DATE)
    birth_year = forms.IntegerField(
        label=_("Year of birth"), required=False, help_text=_("When only the year is known.")
    )
    citizen_id = forms.CharField(label=_("Citizen ID"), max_length=20, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    relationship = forms.ChoiceField(label=_("Relationship to the head"), choices=Relationship.choices)


class CategoryForm(UserForm):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Empty: the whole household."),
    )
    valid_from = DayMonthYearField(label=_("Valid from"), **DATE)
    valid_until = DayMonthYearField(label=_("Valid until"), required=False, **DATE)
    source = forms.CharField(label=_("Source"), max_length=200, required=False)

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = household.people.all()


class ProgrammeForm(UserForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300)
    categories = forms.MultipleChoiceField(
        label=_("Eligible categories"), choices=Category.choices, widget=forms.CheckboxSelectMultiple
    )
    benefit_kind = forms.ChoiceField(label=_("Benefit"), choices=BenefitKind.choices)
    amount = forms.IntegerField(label=_("Amount (VND)"), required=False, min_value=1)
    goods = forms.CharField(label=_("Goods"), max_length=200, required=False)
    beneficiary = forms.ChoiceField(label=_("Given"), choices=Beneficiary.choices)
    times = forms.IntegerField(label=_("Times a recipient may receive it"), min_value=1, initial=1)
    start_date = DayMonthYearField(label=_("From"), **DATE)
    end_date = DayMonthYearField(label=_("To"), **DATE)


class ListCreateForm(UserForm):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=AdminUnit.objects.none())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.visible_to(self.user)
        communes = AdminUnit.objects.visible_to(self.user).filter(level=Level.COMMUNE)
        if not self.user.sees_everything:
            communes = (
                communes.filter(path__startswith=self.user.scope_unit.path)
                if self.user.scope_unit_id
                else communes.none()
            )
        self.fields["commune"].queryset = communes


class EntryAddForm(UserForm):
    household = forms.ModelChoiceField(label=_("Household"), queryset=Household.objects.none())
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none(), required=False)
    reason = forms.CharField(
        label=_("Reason (when not eligible by category)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, support_list, **kwargs):
        super().__init__(*args, **kwargs)
        path = support_list.commune.path
        self.fields["household"].queryset = Household.objects.visible_to(self.user).filter(
            neighbourhood__path__startswith=path
        )
        if support_list.programme.beneficiary == Beneficiary.PERSON:
            self.fields["person"].queryset = Person.objects.visible_to(self.user).filter(
                household__neighbourhood__path__startswith=path
            )
            self.fields["person"].required = True
        else:
            del self.fields["person"]


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejection"), widget=forms.Textarea(attrs={"rows": 3}))


class DistributionForm(forms.Form):
    received_on = DayMonthYearField(label=_("Received on"), **DATE)
    given_by = forms.CharField(label=_("Given by"), max_length=200)
    amount = forms.IntegerField(label=_("Amount (VND)"), required=False, min_value=1)
    goods = forms.CharField(label=_("Goods"), max_length=200, required=False)

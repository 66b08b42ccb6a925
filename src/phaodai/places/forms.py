from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from phaodai.core.forms import group_by_district
from phaodai.core.views import unit_option_label
from phaodai.places.models import AdminUnit, Agency, Level, NeighbourhoodKind
from phaodai.places.services import check_neighbourhood_name
from phaodai.staff.identity import normalise_phone


def units_in_own_jurisdiction(user) -> Q:
    """Units the user administers: their own subtree (the chain above it is visible as context, not theirs)."""
    if user.sees_everything:
        return Q()
    q = Q(pk__in=[])
    if user.scope_unit_id is not None:
        q |= Q(path__startswith=user.scope_unit.path)
    if user.scope_agency_id is not None:
        q |= Q(path__startswith=user.scope_agency.unit.path)
    return q


def may_change_unit(user, unit: AdminUnit) -> bool:
    return user.has_role_perm("unit.change") and (
        user.sees_everything or AdminUnit.objects.filter(units_in_own_jurisdiction(user), pk=unit.pk).exists()
    )


def default_neighbourhood_kind(commune: AdminUnit) -> str:
    """The kind a new neighbourhood most likely has: the commune's most common one so far, else what its type usually
    has (khu vực in a phường, ấp in a xã or thị trấn)."""
    kinds = set(NeighbourhoodKind.values)
    counts = (
        AdminUnit.objects.filter(parent=commune, level=Level.NEIGHBOURHOOD)
        .values("division_type")
        .annotate(n=Count("pk"))
        .order_by("-n", "division_type")
    )
    for row in counts:
        if row["division_type"] in kinds:
            return row["division_type"]
    return NeighbourhoodKind.AREA if commune.division_type.strip().lower() == "phường" else NeighbourhoodKind.HAMLET


class NeighbourhoodForm(forms.Form):
    """A new neighbourhood (ấp, khu vực, tổ dân phố …) in a commune; the code is given by the service."""

    name = forms.CharField(label=_("Name"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=NeighbourhoodKind.choices)

    def __init__(self, *args, commune: AdminUnit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if commune is not None and not self.is_bound:
            self.initial.setdefault("kind", default_neighbourhood_kind(commune))


class NeighbourhoodEditForm(forms.ModelForm):
    """Renaming a neighbourhood (official units are read-only: they come from published data)."""

    division_type = forms.ChoiceField(label=_("Kind"), choices=NeighbourhoodKind.choices)

    class Meta:
        model = AdminUnit
        fields = ["name", "division_type"]

    def clean_name(self) -> str:
        return check_neighbourhood_name(self.instance.parent, self.cleaned_data["name"], exclude=self.instance)


class AgencyForm(forms.ModelForm):
    # Wider than the column: "+84 292 3820 123" is typed, "02923820123" is stored.
    phone = forms.CharField(
        label=_("Phone"),
        max_length=25,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    class Meta:
        model = Agency
        fields = ["name", "short_name", "kind", "bloc", "unit", "parent", "headcount", "min_in_office", "phone"]
        widgets = {
            "headcount": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "min_in_office": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
        }

    def __init__(self, *args, editor, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor
        units = AdminUnit.objects.visible_to(editor).filter(units_in_own_jurisdiction(editor), level__lte=Level.COMMUNE)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = unit_option_label
        parents = Agency.objects.visible_to(editor)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        group_by_district(self.fields["parent"], parents.select_related("unit"), lambda a: a.unit.path)

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "").strip()
        return normalise_phone(phone) if phone else ""

    def clean_parent(self) -> Agency | None:
        parent = self.cleaned_data.get("parent")
        if parent is not None and self.instance.pk:
            # Walk up from the chosen parent: meeting this agency again would make a loop.
            seen, node = set(), parent
            while node is not None and node.pk not in seen:
                if node.pk == self.instance.pk:
                    raise ValidationError(
                        _("“%(parent)s” is under this agency: it cannot also be its parent.") % {"parent": parent},
                        code="parent_loop",
                    )
                seen.add(node.pk)
                node = node.parent
        return parent

    def clean(self):
        cleaned = super().clean()
        headcount, minimum = cleaned.get("headcount"), cleaned.get("min_in_office")
        if headcount is not None and minimum is not None and minimum > headcount:
            self.add_error(
                "min_in_office",
                ValidationError(
                    _("The minimum in office (%(minimum)d) cannot be more than the headcount (%(headcount)d).")
                    % {"minimum": minimum, "headcount": headcount},
                    code="min_above_headcount",
                ),
            )
        return cleaned

"""The user list's filters, shared by the page, the Excel export and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from phaodai.accounts.models import User
from phaodai.accounts.roles import Role
from phaodai.core.text import fold
from phaodai.places.filters import ALL, ScopedFilterSet


class UserSearchFilter(django_filters.CharFilter):
    """Username or name, with or without accents (user names are few: folding in Python is fine)."""

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        folded = fold(value)
        q = (
            Q(username__icontains=value)
            | Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(email__icontains=value)
        )
        matching = [
            pk
            for pk, first, last in qs.values_list("pk", "first_name", "last_name")
            if folded in fold(f"{first} {last}")
        ]
        return qs.filter(q | Q(pk__in=matching))


class UserFilterSet(ScopedFilterSet):
    q = UserSearchFilter(
        label=_("Username or name"), widget=forms.TextInput(attrs={"placeholder": _("Name, username")})
    )
    role = django_filters.ChoiceFilter(choices=Role.choices, label=_("Role"), empty_label=ALL)
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = User
        fields = ["q", "role", "is_active"]

"""User accounts to Excel (never a password or a password hash)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from phaodai.accounts.filters import UserFilterSet
from phaodai.accounts.models import User
from phaodai.core import xlsx


def _label(name: str) -> str:
    text = str(User._meta.get_field(name).verbose_name)
    return text[:1].upper() + text[1:]


class UserExportView(xlsx.FilteredExportView):
    permission = "user.view"
    model = User
    filterset_class = UserFilterSet
    title = gettext_lazy("Users")
    select_related = ("scope_unit", "scope_agency")

    def get_columns(self):
        col = xlsx.ExportColumn
        return [
            col(_label("username"), "username", width=18),
            col(gettext_lazy("Full name"), "get_full_name", width=26),
            col(_label("email"), "email", width=26),
            col(_label("phone"), "phone", width=14),
            col(_label("role"), "get_role_display", width=28),
            col(_label("scope_unit"), "scope_unit.name", width=24),
            col(_label("scope_agency"), "scope_agency.name", width=30),
            col(_label("is_active"), "is_active", xlsx.BOOL, 10),
            col(_label("last_login"), "last_login", xlsx.DATETIME, 17),
            col(_label("date_joined"), "date_joined", xlsx.DATETIME, 17),
        ]

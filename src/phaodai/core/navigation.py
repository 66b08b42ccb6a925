"""Role-aware navigation: a menu item shows only when the user's role may use the page behind it."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


MENU = [
    NavItem(_("Administrative units"), "places:adminunit_list", "unit.view"),
    NavItem(_("Agencies"), "places:agency_list", "agency.view"),
    NavItem(_("Civil servants"), "staff:staffmember_list", "staff.view"),
    NavItem(_("Users"), "accounts:user_list", "user.view"),
]


def menu_for(user) -> list[NavItem]:
    return [item for item in MENU if user.has_role_perm(item.permission)]

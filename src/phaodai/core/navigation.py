"""Role-aware navigation: a menu item shows only when the user's role may use the page behind it.

`permission` "" means any logged-in user; `own_record` items show only to a login linked to a civil servant.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str
    own_record: bool = False

    @property
    def url(self) -> str:
        return reverse(self.url_name)


MENU = [
    # First for a team leader or delegation head on a phone at 16:55.
    NavItem(_("Today's report"), "reporting:today", "reporting.submit", own_record=True),
    NavItem(_("Administrative units"), "places:adminunit_list", "unit.view"),
    NavItem(_("Agencies"), "places:agency_list", "agency.view"),
    NavItem(_("Civil servants"), "staff:staffmember_list", "staff.view"),
    NavItem(_("Requests"), "mobilisation:staffingrequest_list", "mobilisation.view"),
    NavItem(_("Decisions"), "mobilisation:mobilisationdecision_list", "mobilisation.view"),
    NavItem(_("Delegations"), "mobilisation:delegation_list", "mobilisation.view"),
    NavItem(_("My assignment"), "mobilisation:my_assignment", "", own_record=True),
    NavItem(_("Not reported yet"), "reporting:not_reported", "reporting.coordinate"),
    NavItem(_("Daily summary"), "reporting:summary", "reporting.coordinate"),
    NavItem(_("Daily reports"), "reporting:delegationreport_list", "reporting.view"),
    NavItem(_("Reporting rates"), "reporting:rates", "reporting.view"),
    NavItem(_("Difficulties"), "reporting:difficulty_list", "reporting.view"),
    NavItem(_("Report forms"), "reporting:form_list", "reporting.forms"),
    NavItem(_("Notifications"), "notifications:message_list", ""),
    NavItem(_("Users"), "accounts:user_list", "user.view"),
]


def menu_for(user) -> list[NavItem]:
    return [
        item
        for item in MENU
        if (not item.permission or user.has_role_perm(item.permission))
        and (not item.own_record or user.staff_member_id is not None)
    ]

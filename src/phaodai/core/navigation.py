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


#: Pages grouped by capability: the menu shows one entry per section (a page listing the section's pages the user
#: may open), so a phone's menu stays short however many pages a capability has.
@dataclass(frozen=True)
class NavSection:
    label: str
    slug: str
    items: tuple[NavItem, ...]

    @property
    def url(self) -> str:
        return reverse("core:section", args=[self.slug])

    def items_for(self, user) -> list[NavItem]:
        return [item for item in self.items if _may_open(user, item)]


SECTIONS = {
    section.slug: section
    for section in (
        NavSection(
            _("Daily reporting"),
            "reporting",
            (
                NavItem(_("Not reported yet"), "reporting:not_reported", "reporting.coordinate"),
                NavItem(_("Daily summary"), "reporting:summary", "reporting.coordinate"),
                NavItem(_("Daily reports"), "reporting:delegationreport_list", "reporting.view"),
                NavItem(_("Team reports"), "reporting:teamreport_list", "reporting.view"),
                NavItem(_("Reporting rates"), "reporting:rates", "reporting.view"),
                NavItem(_("Difficulties"), "reporting:difficulty_list", "reporting.view"),
                NavItem(_("Report forms"), "reporting:form_list", "reporting.forms"),
            ),
        ),
        NavSection(
            _("Duty and hotlines"),
            "duty",
            (
                NavItem(_("Help requests"), "duty:helprequest_list", "help.view"),
                NavItem(_("Calls"), "duty:call_list", "help.view"),
                NavItem(_("Duty rosters"), "duty:roster_list", "duty.view"),
                NavItem(_("Duty sites"), "duty:dutysite_list", "duty.view"),
                NavItem(_("Hotlines"), "duty:hotline_list", "hotline.view"),
                NavItem(_("Hotline compliance"), "duty:hotline_compliance", "hotline.view"),
                NavItem(_("Friday roster reports"), "duty:friday_list", "duty.view"),
                NavItem(_("Friday reports: who has submitted"), "duty:friday_tracking", "duty.review"),
                NavItem(_("Community COVID teams"), "duty:communityteam_list", "community.view"),
                NavItem(_("Households"), "duty:household_list", "household.view"),
                NavItem(_("Public directory"), "duty:directory_index", ""),
            ),
        ),
        NavSection(
            _("Welfare"),
            "welfare",
            (
                NavItem(_("Household registry"), "welfare:household_list", "household.view"),
                NavItem(_("Support programmes"), "welfare:programme_list", "welfare.view"),
                NavItem(_("Support lists"), "welfare:supportlist_list", "welfare.view"),
                NavItem(_("Import a list from Excel"), "welfare:import_upload", "welfare.import"),
                NavItem(_("Possible duplicates"), "welfare:match_queue", "welfare.review"),
                NavItem(_("Distributions"), "welfare:distribution_list", "welfare.view"),
                NavItem(_("Not on any list (không sót)"), "welfare:report_missed", "welfare.view"),
                NavItem(_("On a list twice (không trùng)"), "welfare:report_duplicates", "welfare.view"),
            ),
        ),
    )
}

MENU = [
    # First for a team leader or delegation head on a phone at 16:55, or an operator taking a call.
    NavItem(_("Today's report"), "reporting:today", "reporting.submit", own_record=True),
    NavItem(_("Record a call"), "duty:call_add", "calls.take"),
    NavItem(_("Administrative units"), "places:adminunit_list", "unit.view"),
    NavItem(_("Agencies"), "places:agency_list", "agency.view"),
    NavItem(_("Civil servants"), "staff:staffmember_list", "staff.view"),
    NavItem(_("Requests"), "mobilisation:staffingrequest_list", "mobilisation.view"),
    NavItem(_("Decisions"), "mobilisation:mobilisationdecision_list", "mobilisation.view"),
    NavItem(_("Delegations"), "mobilisation:delegation_list", "mobilisation.view"),
    NavItem(_("My assignment"), "mobilisation:my_assignment", "", own_record=True),
    NavItem(_("My shifts"), "duty:my_shifts", "", own_record=True),
    SECTIONS["reporting"],
    SECTIONS["duty"],
    SECTIONS["welfare"],
    NavItem(_("Notifications"), "notifications:message_list", ""),
    NavItem(_("Users"), "accounts:user_list", "user.view"),
]


def _may_open(user, item: NavItem) -> bool:
    return (not item.permission or user.has_role_perm(item.permission)) and (
        not item.own_record or user.staff_member_id is not None
    )


def menu_for(user) -> list[NavItem | NavSection]:
    """The menu entries the user may open; a section shows when at least one of its pages does (and not for a
    section whose only page is open to everyone, like the public directory)."""
    entries: list[NavItem | NavSection] = []
    for entry in MENU:
        if isinstance(entry, NavSection):
            if any(item.permission for item in entry.items_for(user)):
                entries.append(entry)
        elif _may_open(user, entry):
            entries.append(entry)
    return entries

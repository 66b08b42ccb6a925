"""Roles and what each may do. Scope (which rows) is separate: see phaodai.core.scope."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STEERING = "steering", _("City steering committee")
    HOME_AFFAIRS = "home_affairs", _("Department of Home Affairs")
    PARTY_BOARD = "party_board", _("Party Organisation Board")
    HEALTH = "health", _("Department of Health")
    DISTRICT = "district", _("District officer")
    COMMUNE = "commune", _("Commune officer")
    AGENCY_HEAD = "agency_head", _("Head of an agency")
    DELEGATION_HEAD = "delegation_head", _("Delegation head")
    TEAM_LEADER = "team_leader", _("Team leader")
    TEAM_MEMBER = "team_member", _("Team member")
    HOTLINE_OPERATOR = "hotline_operator", _("Hotline operator")
    OBSERVER = "observer", _("Read-only observer")
    SYSADMIN = "sysadmin", _("System administrator")


VIEW = {"unit.view", "agency.view", "staff.view"}
# Mobilisation (issue #4): view; propose requests; decide requests, allocate and approve decisions (Home Affairs);
# mobilise the Party and mass-organisation bloc (Party Organisation Board); substitute one's own staff (agency
# head); form delegations and teams (Health).
MOBILISE_VIEW = {"mobilisation.view"}
# Daily reporting (issue #5): see reports, rates and difficulties in one's scope; submit a team report (its
# leader) and consolidate a delegation's (its head or deputy) — who leads what is checked on the record; follow
# reporting across one's area (coordinators: Health, steering, districts, communes); edit forms and deadlines;
# raise difficulties and act on those routed to one's unit.
REPORT_VIEW = {"reporting.view"}
COORDINATE = REPORT_VIEW | {"reporting.coordinate", "difficulty.raise", "difficulty.act"}
# Duty and hotlines (issue #6): see duty sites, rosters and Friday reports; plan rosters (sites, rules, solve,
# edit, publish); see and manage hotlines; submit the Friday report (districts, communes) and review it (Home
# Affairs); community COVID teams and the households they serve; calls and help requests: take calls (operators),
# see and act on help requests (communes, community teams, health).
DUTY_VIEW = {"duty.view", "hotline.view", "community.view", "help.view"}
LOCAL_DUTY = DUTY_VIEW | {
    "duty.plan",
    "duty.report",
    "hotline.manage",
    "community.manage",
    "household.view",
    "help.act",
    "calls.take",  # a commune or district office answers citizens' calls too
}
# Welfare (issue #7): see registries, programmes, lists and distributions; a commune keeps its registry, compiles
# and imports lists and records distributions; the district checks lists; the city approves them and defines
# programmes; whoever sees both records reviews possible duplicates.
WELFARE_VIEW = {"welfare.view", "household.view"}
COMMUNE_WELFARE = WELFARE_VIEW | {"welfare.edit", "welfare.import", "welfare.distribute", "welfare.review"}
EXPORT = {"staff.export"}
AUDIT = {"audit.view"}

PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SYSADMIN: frozenset(
        VIEW
        | EXPORT
        | AUDIT
        | MOBILISE_VIEW
        | {
            "unit.change",
            "agency.change",
            "staff.change",
            "staff.import",
            "user.view",
            "user.change",
            "mobilisation.request",
            "mobilisation.decide",
            "mobilisation.party",
            "mobilisation.organise",
            "reporting.forms",
            "duty.review",
            "calls.take",
            "welfare.check",
            "welfare.approve",
            "welfare.programme",
        }
        | COORDINATE
        | LOCAL_DUTY
        | COMMUNE_WELFARE
    ),
    Role.STEERING: frozenset(
        VIEW
        | EXPORT
        | AUDIT
        | MOBILISE_VIEW
        | COORDINATE
        | DUTY_VIEW
        | WELFARE_VIEW
        | {"duty.review", "welfare.approve", "welfare.programme", "welfare.review"}
    ),
    Role.HOME_AFFAIRS: frozenset(
        VIEW
        | EXPORT
        | AUDIT
        | MOBILISE_VIEW
        | DUTY_VIEW
        | {"agency.change", "staff.change", "staff.import", "mobilisation.decide", "duty.review"}
    ),
    Role.PARTY_BOARD: frozenset(
        VIEW | EXPORT | AUDIT | MOBILISE_VIEW | {"staff.change", "staff.import", "mobilisation.party"}
    ),
    Role.HEALTH: frozenset(
        VIEW
        | EXPORT
        | MOBILISE_VIEW
        | COORDINATE
        | DUTY_VIEW
        | {"mobilisation.request", "mobilisation.organise", "reporting.forms", "duty.plan", "help.act"}
    ),
    Role.DISTRICT: frozenset(
        VIEW
        | EXPORT
        | AUDIT
        | MOBILISE_VIEW
        | COORDINATE
        | {"unit.change", "agency.change", "staff.change", "staff.import", "mobilisation.request"}
        | {"mobilisation.contacts"}
        | LOCAL_DUTY
        | WELFARE_VIEW
        | {"welfare.check", "welfare.review"}
    ),
    Role.COMMUNE: frozenset(
        VIEW
        | EXPORT
        | AUDIT
        | MOBILISE_VIEW
        | COORDINATE
        | {"unit.change", "staff.change", "staff.import", "mobilisation.contacts"}
        | LOCAL_DUTY
        | COMMUNE_WELFARE
    ),
    Role.AGENCY_HEAD: frozenset(VIEW | EXPORT | MOBILISE_VIEW | {"mobilisation.substitute", "duty.view", "duty.plan"}),
    Role.DELEGATION_HEAD: frozenset(
        VIEW | MOBILISE_VIEW | REPORT_VIEW | {"reporting.submit", "reporting.consolidate", "difficulty.raise"}
    ),
    Role.TEAM_LEADER: frozenset(VIEW | MOBILISE_VIEW | REPORT_VIEW | {"reporting.submit", "difficulty.raise"}),
    Role.TEAM_MEMBER: frozenset({"unit.view", "agency.view"} | MOBILISE_VIEW),
    Role.HOTLINE_OPERATOR: frozenset(
        {"unit.view", "agency.view", "hotline.view", "community.view", "household.view", "help.view", "calls.take"}
    ),
    Role.OBSERVER: frozenset(VIEW | EXPORT | MOBILISE_VIEW | REPORT_VIEW | DUTY_VIEW | {"welfare.view"}),
}

#: What each permission lets a person do, as the user pages show it (in this order). Labels only: the codes above
#: stay the rule.
PERMISSION_LABELS: dict[str, str] = {
    "unit.view": _("See administrative units"),
    "unit.change": _("Add and rename neighbourhoods"),
    "agency.view": _("See agencies"),
    "agency.change": _("Add and edit agencies"),
    "staff.view": _("See civil servants"),
    "staff.change": _("Add and edit civil servants"),
    "staff.import": _("Import civil servants from Excel"),
    "staff.export": _("Export civil servants to Excel"),
    "user.view": _("See user accounts"),
    "user.change": _("Manage user accounts"),
    "audit.view": _("See the history of changes"),
    "mobilisation.view": _("See mobilisation requests and decisions"),
    "mobilisation.request": _("Request civil servants for the field"),
    "mobilisation.decide": _("Decide requests and approve mobilisations"),
    "mobilisation.party": _("Mobilise the Party and mass-organisation bloc"),
    "mobilisation.substitute": _("Name substitutes for one's own staff"),
    "mobilisation.organise": _("Form delegations and teams"),
    "mobilisation.contacts": _("Correct the headquarters address and hotline of delegations in one's area"),
    "reporting.view": _("See daily reports and difficulties"),
    "reporting.submit": _("Submit the daily report of a team one leads"),
    "reporting.consolidate": _("Consolidate and send the daily report of a delegation one heads"),
    "reporting.coordinate": _("Follow reporting timeliness and completeness across one's area"),
    "reporting.forms": _("Edit report forms and reporting deadlines"),
    "difficulty.raise": _("Raise difficulties"),
    "difficulty.act": _("Act on difficulties routed to one's unit"),
    "duty.view": _("See duty sites, rosters and weekly roster reports"),
    "duty.plan": _("Plan duty rosters: sites, coverage rules, solving, editing, publishing"),
    "duty.report": _("Submit the Friday duty and hotline roster report"),
    "duty.review": _("Follow the Friday roster reports of every district and commune"),
    "hotline.view": _("See hotlines and their compliance"),
    "hotline.manage": _("Register and change hotline numbers"),
    "community.view": _("See community COVID teams"),
    "community.manage": _("Manage community COVID teams and the households they serve"),
    "household.view": _("See households"),
    "calls.take": _("Record citizen calls"),
    "help.view": _("See calls and help requests"),
    "help.act": _("Act on help requests routed to one's unit or team"),
    "welfare.view": _("See welfare registries, programmes, lists and distributions"),
    "welfare.edit": _("Keep the household registry and compile support lists"),
    "welfare.import": _("Import welfare lists from Excel"),
    "welfare.distribute": _("Record distributions"),
    "welfare.check": _("Check communes' support lists (district)"),
    "welfare.approve": _("Approve support lists (city)"),
    "welfare.programme": _("Define support programmes"),
    "welfare.review": _("Review possible duplicates"),
}

#: Roles whose holders see every row of the deployment, whatever scope they were given.
CITY_WIDE_ROLES = frozenset({Role.SYSADMIN})


def role_has_perm(role: str, permission: str) -> bool:
    return permission in PERMISSIONS.get(role, frozenset())

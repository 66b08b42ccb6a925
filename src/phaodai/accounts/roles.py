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
    DELEGATION_HEAD = "delegation_head", _("Delegation head")
    TEAM_LEADER = "team_leader", _("Team leader")
    TEAM_MEMBER = "team_member", _("Team member")
    HOTLINE_OPERATOR = "hotline_operator", _("Hotline operator")
    OBSERVER = "observer", _("Read-only observer")
    SYSADMIN = "sysadmin", _("System administrator")


VIEW = {"unit.view", "agency.view", "staff.view"}
EXPORT = {"staff.export"}
AUDIT = {"audit.view"}

PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SYSADMIN: frozenset(
        VIEW
        | EXPORT
        | AUDIT
        | {
            "unit.change",
            "agency.change",
            "staff.change",
            "staff.import",
            "user.view",
            "user.change",
        }
    ),
    Role.STEERING: frozenset(VIEW | EXPORT | AUDIT),
    Role.HOME_AFFAIRS: frozenset(VIEW | EXPORT | AUDIT | {"agency.change", "staff.change", "staff.import"}),
    Role.PARTY_BOARD: frozenset(VIEW | EXPORT | AUDIT | {"staff.change", "staff.import"}),
    Role.HEALTH: frozenset(VIEW | EXPORT),
    Role.DISTRICT: frozenset(VIEW | EXPORT | AUDIT | {"unit.change", "agency.change", "staff.change", "staff.import"}),
    Role.COMMUNE: frozenset(VIEW | EXPORT | AUDIT | {"unit.change", "staff.change", "staff.import"}),
    Role.DELEGATION_HEAD: frozenset(VIEW),
    Role.TEAM_LEADER: frozenset(VIEW),
    Role.TEAM_MEMBER: frozenset({"unit.view", "agency.view"}),
    Role.HOTLINE_OPERATOR: frozenset({"unit.view", "agency.view"}),
    Role.OBSERVER: frozenset(VIEW | EXPORT),
}

#: Roles whose holders see every row of the deployment, whatever scope they were given.
CITY_WIDE_ROLES = frozenset({Role.SYSADMIN})


def role_has_perm(role: str, permission: str) -> bool:
    return permission in PERMISSIONS.get(role, frozenset())

"""Object-level scope in one place.

Every model that users see has a manager built on `ScopedQuerySet`; each one says, in `scope_filter`, how a
user's jurisdiction (an administrative-unit subtree and/or an agency) maps to its rows. Pages, exports and API
views only ever start from `Model.objects.visible_to(user)`, so a view cannot forget the scope.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from phaodai.accounts.models import User


class ScopedQuerySet(models.QuerySet):
    #: Role permission needed to see any row of this model at all (see accounts.roles).
    view_permission: str = ""
    #: True when `scope_filter` follows a to-many relation, so one row can match several times.
    scope_spans_many: bool = False

    def scope_filter(self, user: User) -> Q:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def visible_to(self, user: Any) -> ScopedQuerySet:
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if self.view_permission and not user.has_role_perm(self.view_permission):
            return self.none()
        if user.sees_everything:
            return self.all()
        condition = self.scope_filter(user)
        if condition is None:
            return self.none()
        rows = self.filter(condition)
        return rows.distinct() if self.scope_spans_many else rows


def unit_subtree_q(user: User, unit_path_lookup: str) -> Q:
    """Rows whose unit lies in the user's unit subtree (materialised path prefix: one query at any depth)."""
    if user.scope_unit_id is None:
        return Q(pk__in=[])
    return Q(**{f"{unit_path_lookup}__startswith": user.scope_unit.path})


def agency_q(user: User, agency_lookup: str) -> Q:
    """Rows of the user's agency and the agencies directly under it.

    `agency_lookup` is the path to the agency from the queried model ("" when the model is Agency itself).
    """
    if user.scope_agency_id is None:
        return Q(pk__in=[])
    own = agency_lookup or "pk"
    child = f"{agency_lookup}__parent" if agency_lookup else "parent"
    return Q(**{own: user.scope_agency_id}) | Q(**{child: user.scope_agency_id})

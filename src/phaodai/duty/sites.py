"""Duty sites, their coverage rules and people's stated unavailability: the services behind the pages and the API.

Who: "duty.plan". Where: a commune or district plans the sites of its own area, an agency head its agency's office
(DutySite.objects.visible_to decides both). Every write runs as the user (auditlog) in one transaction; bad input is
refused with a ValidationError naming what is wrong, and nothing is half-saved.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from phaodai.core.audit import acting_as
from phaodai.duty.models import CoverageRule, DutySite, Unavailability, UnavailabilityKind
from phaodai.places.models import AdminUnit, Agency
from phaodai.staff.identity import normalise_phone
from phaodai.staff.models import StaffMember

SITE_FIELDS = ("name", "kind", "unit", "agency", "address", "phone", "is_active")
RULE_FIELDS = ("name", "start_time", "end_time", "weekdays", "people", "leaders")


def require_plan(user: Any) -> None:
    if not user.has_role_perm("duty.plan"):
        raise PermissionDenied(_("Your role does not allow planning duty rosters."))


def check_site_place(user: Any, unit: AdminUnit, agency: Agency | None) -> None:
    """The unit (or the agency) must be within what the user plans."""
    if user.sees_everything:
        return
    in_area = user.scope_unit_id is not None and unit.path.startswith(user.scope_unit.path)
    own_agency = (
        agency is not None
        and user.scope_agency_id is not None
        and (agency.pk == user.scope_agency_id or agency.parent_id == user.scope_agency_id)
    )
    if not (in_area or own_agency):
        raise PermissionDenied(_("This site is outside your area."))


def _clean_site(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    data["name"] = " ".join(str(data.get("name", "")).split())
    if not data["name"]:
        raise ValidationError({"name": _("Give the site a name.")})
    phone = data.get("phone") or ""
    if phone:
        try:
            data["phone"] = normalise_phone(phone)
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from exc
    return data


def save_site(user: Any, site: DutySite | None = None, **data: Any) -> DutySite:
    require_plan(user)
    data = _clean_site({k: v for k, v in data.items() if k in SITE_FIELDS})
    site = site or DutySite()
    for key, value in data.items():
        setattr(site, key, value)
    check_site_place(user, site.unit, site.agency)
    duplicate = DutySite.objects.filter(unit=site.unit, name__iexact=site.name).exclude(pk=site.pk)
    if duplicate.exists():
        raise ValidationError(
            {"name": _("%(unit)s already has a site named “%(name)s”.") % {"unit": site.unit, "name": site.name}}
        )
    with acting_as(user), transaction.atomic():
        site.save()
    return site


def check_rule(*, name: str, start_time: time, end_time: time, weekdays: list[int], people: int, leaders: int) -> None:
    """A rule that cannot be staffed as written is refused here, with what is wrong."""
    errors: dict[str, str] = {}
    if not (name or "").strip():
        errors["name"] = _("Name the shift (e.g. “Morning”, “Night”).")
    if start_time == end_time:
        errors["end_time"] = _("A shift cannot start and end at the same time.")
    if not weekdays:
        errors["weekdays"] = _("Choose at least one day of the week for this shift.")
    elif any(not isinstance(d, int) or not 1 <= d <= 7 for d in weekdays):
        errors["weekdays"] = _("Days of the week go from 1 (Monday) to 7 (Sunday).")
    if people is None or people < 1:
        errors["people"] = _("A shift needs at least one person.")
    elif leaders is not None and leaders > people:
        errors["leaders"] = _(
            "The shift asks for %(leaders)d leader-level people but only %(people)d people in all."
        ) % {"leaders": leaders, "people": people}
    if leaders is not None and leaders < 0:
        errors["leaders"] = _("The number of leader-level people cannot be negative.")
    if errors:
        raise ValidationError(errors)


def save_rule(user: Any, site: DutySite, rule: CoverageRule | None = None, **data: Any) -> CoverageRule:
    require_plan(user)
    check_site_place(user, site.unit, site.agency)
    data = {k: v for k, v in data.items() if k in RULE_FIELDS}
    data["weekdays"] = sorted({int(d) for d in data.get("weekdays") or []})
    data.setdefault("leaders", 0)
    check_rule(**{k: data.get(k) for k in RULE_FIELDS})
    rule = rule or CoverageRule(site=site)
    if rule.site_id != site.pk:
        raise ValidationError(_("This rule belongs to another site."))
    for key, value in data.items():
        setattr(rule, key, value)
    with acting_as(user), transaction.atomic():
        rule.save()
    return rule


def delete_rule(user: Any, rule: CoverageRule) -> None:
    require_plan(user)
    check_site_place(user, rule.site.unit, rule.site.agency)
    with acting_as(user), transaction.atomic():
        rule.delete()


def add_unavailability(
    user: Any, *, staff: StaffMember, kind: str, start: datetime, end: datetime, note: str = ""
) -> Unavailability:
    """A person's leave, sickness or stated unavailability; the planner must see the person."""
    require_plan(user)
    if not StaffMember.objects.visible_to(user).filter(pk=staff.pk).exists():
        raise PermissionDenied(_("This person is outside your area."))
    if kind not in UnavailabilityKind.values:
        raise ValidationError({"kind": _("Choose leave, sickness or stated unavailability.")})
    if not (start and end) or end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    with acting_as(user), transaction.atomic():
        return Unavailability.objects.create(staff=staff, kind=kind, start=start, end=end, note=note.strip())

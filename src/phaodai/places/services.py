"""Writes to the administrative tree that users make (the official units come from loaders.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from phaodai.core.text import clean_text, fold
from phaodai.places.models import AdminUnit, Level, NeighbourhoodKind


@transaction.atomic
def create_neighbourhood(user, commune: AdminUnit, name: str, kind: str) -> AdminUnit:
    """A commune creates its own neighbourhoods (ấp, khu vực, thôn, tổ dân phố, ...).

    The code is the commune's code with a running number: 31117.01, 31117.02, ...
    """
    if not user.has_role_perm("unit.change") or not AdminUnit.objects.visible_to(user).filter(pk=commune.pk).exists():
        raise PermissionDenied
    if user.scope_unit_id and not commune.path.startswith(user.scope_unit.path) and not user.sees_everything:
        raise PermissionDenied
    if commune.level != Level.COMMUNE:
        raise ValidationError(_("Neighbourhoods can only be created inside a commune."), code="not_commune")
    if kind not in NeighbourhoodKind.values:
        raise ValidationError(_("Unknown neighbourhood kind “%(kind)s”.") % {"kind": kind}, code="kind")
    name = clean_text(name)
    if not name:
        raise ValidationError({"name": _("Enter the neighbourhood's name.")}, code="required")
    locked = AdminUnit.objects.select_for_update().get(pk=commune.pk)
    if locked.children.filter(search_name=fold(name)).exists():
        raise ValidationError(
            {
                "name": _("%(commune)s already has a neighbourhood named “%(name)s”.")
                % {"commune": commune, "name": name}
            },
            code="duplicate",
        )
    taken = [c.code.rsplit(".", 1)[-1] for c in locked.children.all()]
    number = max((int(t) for t in taken if t.isdigit()), default=0) + 1
    unit = AdminUnit(
        code=f"{commune.code}.{number:02d}",
        name=name,
        division_type=kind,
        level=Level.NEIGHBOURHOOD,
        structure=commune.structure,
        parent=locked,
    )
    unit.full_clean(exclude=["path", "search_name"])
    unit.save()
    return unit

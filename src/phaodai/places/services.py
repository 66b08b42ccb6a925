"""Writes to the administrative tree that users make (the official units come from loaders.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from phaodai.core.text import clean_text, fold
from phaodai.places.models import AdminUnit, Level, NeighbourhoodKind


def check_neighbourhood_name(commune: AdminUnit, name: str, exclude: AdminUnit | None = None) -> str:
    """The cleaned name, or a ValidationError: empty, or already used in the commune (accent-insensitively)."""
    name = clean_text(name)
    if not name:
        raise ValidationError(_("Enter the neighbourhood's name."), code="required")
    siblings = AdminUnit.objects.filter(parent_id=commune.pk, search_name=fold(name))
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude.pk)
    if siblings.exists():
        raise ValidationError(
            _("%(commune)s already has a neighbourhood named “%(name)s”.") % {"commune": commune, "name": name},
            code="duplicate",
        )
    return name


def _on_name_field(exc: ValidationError) -> ValidationError:
    return ValidationError({"name": exc.messages}, code=exc.code)


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
    locked = AdminUnit.objects.select_for_update().get(pk=commune.pk)  # one running number at a time
    try:
        name = check_neighbourhood_name(locked, name)
    except ValidationError as exc:
        raise _on_name_field(exc) from exc
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


@transaction.atomic
def rename_neighbourhood(unit: AdminUnit, name: str) -> AdminUnit:
    """Neighbourhoods are the commune's own; their names may change. Official units never come here."""
    try:
        unit.name = check_neighbourhood_name(unit.parent, name, exclude=unit)
    except ValidationError as exc:
        raise _on_name_field(exc) from exc
    unit.save()
    return unit

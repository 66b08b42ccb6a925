"""Form helpers shared by the staff, agency and user forms."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.db import models

from phaodai.places.models import AdminUnit, Level


def _district_key(path: str) -> str:
    """ "/92/916/31135/" → "/92/916/"; a province-level path stays as it is."""
    codes = path.strip("/").split("/")
    return "/" + "/".join(codes[:2]) + "/"


def _province_key(path: str) -> str:
    return "/" + path.strip("/").split("/")[0] + "/"


def group_by_district(
    field: forms.ModelChoiceField,
    objects: Iterable[models.Model],
    path_of: Callable[[Any], str],
    label_of: Callable[[Any], str] | None = None,
) -> None:
    """Show `field`'s options in one <optgroup> per district (province-level ones first, under the province).

    A city-level user's lists run to hundreds of options (249 agencies, 743 places of residence): grouped, they can be
    scanned. Only the rendering changes: the values are the same and validation still uses the field's queryset.
    With a single group (a commune user) the list stays flat.
    """
    objects = list(objects)
    label_of = label_of or field.label_from_instance
    keys = {_district_key(path_of(o)) for o in objects}
    heads = {u.path: u for u in AdminUnit.objects.filter(path__in=keys | {_province_key(k) for k in keys})}

    def group_key(obj) -> str:
        key = _district_key(path_of(obj))
        head = heads.get(key)
        # Outside a district (a province-level row, or a commune straight under its province after 2025): the province.
        return key if head is not None and head.level == Level.DISTRICT else _province_key(key)

    groups: dict[str, list[tuple[Any, str]]] = {}
    for obj in objects:
        groups.setdefault(group_key(obj), []).append((obj.pk, label_of(obj)))
    if len(groups) < 2:
        return
    choices: list[Any] = [("", field.empty_label)] if field.empty_label is not None else []
    for key in sorted(groups):  # paths sort as the tree: the province, then its districts by code
        head = heads.get(key)
        choices.append((head.name if head is not None else key, groups[key]))
    field.choices = choices

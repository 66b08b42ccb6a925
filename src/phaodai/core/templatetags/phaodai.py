"""Template helpers: role checks, history links, ages, jurisdiction labels, permission labels, form error summaries."""

from __future__ import annotations

from datetime import date

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from phaodai.accounts.roles import PERMISSION_LABELS
from phaodai.core.history import history_label

register = template.Library()


@register.filter
def can(user, permission: str) -> bool:
    """`{% if user|can:"staff.change" %}`: the role grants the permission."""
    return bool(user and user.is_authenticated and user.has_role_perm(permission))


@register.simple_tag
def history_url(obj) -> str:
    return reverse("core:history", args=[history_label(obj), obj.pk])


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@register.filter
def age(born: date | None) -> int | str:
    return "" if born is None else age_on(born, timezone.localdate())


@register.filter
def jurisdiction(user) -> str:
    """Where the user's data stops: "Phường Tân An, Quận Ninh Kiều, Thành phố Cần Thơ", an agency, or everything."""
    if user.sees_everything:
        return _("Everything (all units and agencies)")
    parts = []
    if user.scope_unit_id:
        parts.append(user.scope_unit.full_name)
    if user.scope_agency_id:
        parts.append(user.scope_agency.name)
    return " · ".join(parts) or _("None")


@register.simple_tag(takes_context=True)
def nav_active(context, item) -> str:
    request = context.get("request")
    return "active" if request is not None and request.path.startswith(item.url) else ""


@register.simple_tag(takes_context=True)
def query_without(context, *names: str) -> str:
    """The current query string minus some keys (e.g. "page") and empty values, for links that keep the filters."""
    from phaodai.core.views import clean_query

    return clean_query(context["request"].GET, drop=names)


@register.filter
def permission_labels(codes) -> list[str]:
    """Permission codes ("staff.change") → what they let one do, in a fixed order; unknown codes as they are."""
    codes = set(codes)
    known = [str(label) for code, label in PERMISSION_LABELS.items() if code in codes]
    return known + sorted(codes - PERMISSION_LABELS.keys())


@register.simple_tag
def error_summary(form) -> list[dict[str, object]]:
    """The wrong fields of `form`, in order, for the summary at the top of a long form: label, messages and the id
    of the input to jump to. The first wrong field gets autofocus, so the phone opens the form where the work is."""
    wrong = []
    for bound in form.visible_fields():
        if not bound.errors:
            continue
        # Radio buttons and checkbox lists have no single input: jump to their first one.
        target = bound.id_for_label or (f"{bound.auto_id}_0" if bound.auto_id else "")
        if not wrong:
            bound.field.widget.attrs["autofocus"] = True
        wrong.append({"target": target, "label": bound.label, "errors": list(bound.errors)})
    return wrong

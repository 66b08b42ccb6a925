"""The values of a report, checked against the form version it is made with (issue #5, items 1-2).

A form version's `fields` (see models.ReportFormVersion) say what a report holds: whole numbers ≥ 0, texts and
choices, required or not. What a team leader sends — strings from the page, JSON numbers from the API — is checked
here, every field at once, so that one answer lists everything to correct and nothing is stored half-way. The
messages name the field by its label in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from phaodai.reporting.models import FieldKind, ReportFormVersion

#: Longest text answer kept (a phone's paragraph or two; longer is a paste by mistake).
TEXT_MAX_LENGTH = 2000
#: Largest figure accepted: more than any team does in a day, so a slip of the thumb ("1200000") is caught.
NUMBER_MAX = 1_000_000


def label_text(label: Any, language: str | None = None) -> str:
    """A label {"vi": ..., "en": ...} in the active language (Vietnamese, then English, as fallbacks)."""
    if not isinstance(label, Mapping):
        return str(label or "")
    language = (language or get_language() or "vi")[:2]
    return str(label.get(language) or label.get("vi") or label.get("en") or "")


def field_label(field: Mapping, language: str | None = None) -> str:
    return label_text(field.get("label"), language) or str(field.get("key", ""))


def choice_label(field: Mapping, value: Any, language: str | None = None) -> str:
    for choice in field.get("choices") or []:
        if choice.get("value") == value:
            return label_text(choice.get("label"), language) or str(value)
    return str(value)


def is_summed(field: Mapping) -> bool:
    """Numbers are added up in the delegation's consolidation unless the form says `"sum": false`."""
    return field.get("kind") == FieldKind.NUMBER and field.get("sum", True) is not False


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


def _number(field: Mapping, raw: Any) -> int:
    name = field_label(field)
    if isinstance(raw, bool) or isinstance(raw, float) and not raw.is_integer():
        raise ValidationError(
            _("%(field)s: “%(value)s” is not a whole number.") % {"field": name, "value": raw}, code="not_a_number"
        )
    if isinstance(raw, int | float):
        value = int(raw)
    else:
        text = str(raw).strip().replace(" ", "")
        digits = text[1:] if text[:1] in "+-" else text
        if not digits.isdigit() or not digits.isascii():
            raise ValidationError(
                _("%(field)s: “%(value)s” is not a number; enter a whole number, 0 or more.")
                % {"field": name, "value": str(raw).strip()},
                code="not_a_number",
            )
        value = int(text)
    if value < 0:
        raise ValidationError(
            _("%(field)s: %(value)s is negative; enter 0 or more.") % {"field": name, "value": value},
            code="negative",
        )
    if value > NUMBER_MAX:
        raise ValidationError(
            _("%(field)s: %(value)s is more than %(max)s; check the figure.")
            % {"field": name, "value": value, "max": f"{NUMBER_MAX:,}".replace(",", ".")},
            code="too_large",
        )
    return value


def _text(field: Mapping, raw: Any) -> str:
    if not isinstance(raw, str | int | float) or isinstance(raw, bool):
        raise ValidationError(_("%(field)s: enter text.") % {"field": field_label(field)}, code="invalid")
    value = str(raw).strip()
    if len(value) > TEXT_MAX_LENGTH:
        raise ValidationError(
            _("%(field)s: at most %(max)d characters (this has %(length)d).")
            % {"field": field_label(field), "max": TEXT_MAX_LENGTH, "length": len(value)},
            code="too_long",
        )
    return value


def _choice(field: Mapping, raw: Any) -> str:
    value = str(raw).strip()
    allowed = [str(c.get("value")) for c in field.get("choices") or []]
    if value not in allowed:
        options = ", ".join(choice_label(field, v) for v in allowed)
        raise ValidationError(
            _("%(field)s: “%(value)s” is not one of the choices (%(options)s).")
            % {"field": field_label(field), "value": value, "options": options},
            code="invalid_choice",
        )
    return value


CLEANERS = {FieldKind.NUMBER: _number, FieldKind.TEXT: _text, FieldKind.CHOICE: _choice}


def validate_values(version: ReportFormVersion, raw_values: Mapping[str, Any] | None) -> dict[str, Any]:
    """The submitted values, cleaned: {key: int | str} for the fields answered (empty optional ones are left out).

    Raises one ValidationError keyed by field key with every problem: a required field left empty, a figure that is
    negative, not a number or not whole, a choice not offered, a text too long, a key the form does not have.
    """
    raw_values = raw_values or {}
    if not isinstance(raw_values, Mapping):
        raise ValidationError({"values": [_("The values must be given as an object {field key: value}.")]})
    errors: dict[str, list[ValidationError]] = {}
    cleaned: dict[str, Any] = {}
    known = set()
    for field in version.fields:
        key = field["key"]
        known.add(key)
        raw = raw_values.get(key)
        if _blank(raw):
            if field.get("required"):
                errors[key] = [
                    ValidationError(_("%(field)s: required.") % {"field": field_label(field)}, code="required")
                ]
            continue
        try:
            cleaned[key] = CLEANERS[field.get("kind")](field, raw)
        except ValidationError as exc:
            errors[key] = [exc]
    for key in raw_values:
        if key not in known:
            errors[str(key)] = [
                ValidationError(
                    _("“%(key)s” is not a field of this form (%(form)s).") % {"key": key, "form": version},
                    code="unknown_field",
                )
            ]
    if errors:
        raise ValidationError(errors)
    return cleaned


def labelled_values(version: ReportFormVersion, values: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
    """[(key, label, shown value)] in the form's order, for pages and documents (choices shown by their label)."""
    rows = []
    for field in version.fields:
        key = field["key"]
        if key not in values:
            continue
        value = values[key]
        if field.get("kind") == FieldKind.CHOICE:
            value = choice_label(field, value)
        rows.append((key, field_label(field), value))
    return rows

"""The DEFINITION of a report form (issue #5, item 1): which fields, of which kind, with which labels.

A form version's `fields` is a list of dicts (see models.ReportFormVersion). `validate_fields` checks a list an
administrator wrote (in the editor, the API or default_forms) and returns it normalised: every key present, in a
fixed order, text stripped, defaults filled in. Every problem is reported at once, each naming the field by its
position and key, so the administrator can correct them all in one go. (The VALUES a team submits are checked
elsewhere, against a version already validated here.)
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from phaodai.reporting.models import FieldKind

KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
KEY_MAX = 40
LABEL_MAX = 200
CHOICE_VALUE_MAX = 40
MAX_FIELDS = 60
LANGUAGES = ("vi", "en")
ALLOWED_KEYS = {"key", "label", "kind", "required", "choices", "carry_over", "sum"}
KINDS = [k.value for k in FieldKind]


def _name(index: int, key: Any) -> str:
    """How an error names a field: its position (1-based), and its key when it has a usable one."""
    if isinstance(key, str) and key.strip():
        return _("Field %(n)d (“%(key)s”)") % {"n": index, "key": key.strip()}
    return _("Field %(n)d") % {"n": index}


def _labels(raw: Any, where: str, errors: list[str]) -> dict[str, str]:
    """{"vi": ..., "en": ...}, both non-empty; an error per missing language."""
    label = raw if isinstance(raw, dict) else {}
    result: dict[str, str] = {}
    for language in LANGUAGES:
        value = label.get(language)
        text = " ".join(value.split()) if isinstance(value, str) else ""
        if not text:
            message = (
                _("%(where)s: give the Vietnamese label.")
                if language == "vi"
                else _("%(where)s: give the English label.")
            )
            errors.append(message % {"where": where})
        elif len(text) > LABEL_MAX:
            errors.append(
                _("%(where)s: a label is longer than %(max)d characters.") % {"where": where, "max": LABEL_MAX}
            )
        result[language] = text
    return result


def _flag(field: dict, name: str, default: bool, where: str, errors: list[str]) -> bool:
    value = field.get(name, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        errors.append(_("%(where)s: “%(flag)s” must be true or false.") % {"where": where, "flag": name})
        return default
    return value


def _choices(raw: Any, where: str, errors: list[str]) -> list[dict]:
    if not isinstance(raw, list) or len(raw) < 2:
        errors.append(_("%(where)s: a choice field needs at least 2 choices.") % {"where": where})
        if not isinstance(raw, list):
            return []
    result: list[dict] = []
    seen: set[str] = set()
    for position, choice in enumerate(raw, start=1):
        choice_where = _("%(where)s, choice %(n)d") % {"where": where, "n": position}
        if not isinstance(choice, dict):
            errors.append(_("%(where)s: give a value and its labels.") % {"where": choice_where})
            continue
        value = choice.get("value")
        value = value.strip() if isinstance(value, str) else ""
        if not value:
            errors.append(_("%(where)s: give the value that is stored.") % {"where": choice_where})
        elif len(value) > CHOICE_VALUE_MAX:
            errors.append(
                _("%(where)s: the value is longer than %(max)d characters.")
                % {"where": choice_where, "max": CHOICE_VALUE_MAX}
            )
        elif value in seen:
            errors.append(
                _("%(where)s: the value “%(value)s” is used twice; each choice needs its own value.")
                % {"where": where, "value": value}
            )
        seen.add(value)
        result.append({"value": value, "label": _labels(choice.get("label"), choice_where, errors)})
    return result


def validate_fields(fields: Any) -> list[dict]:
    """Check a form's field definitions and return them normalised; raise ValidationError with every problem."""
    if not isinstance(fields, list) or not fields:
        raise ValidationError(_("A form needs at least one field."), code="no_fields")
    if len(fields) > MAX_FIELDS:
        raise ValidationError(
            _("A form has at most %(max)d fields; this one has %(n)d.") % {"max": MAX_FIELDS, "n": len(fields)},
            code="too_many_fields",
        )
    errors: list[str] = []
    normalised: list[dict] = []
    keys: dict[str, int] = {}
    for index, field in enumerate(fields, start=1):
        if not isinstance(field, dict):
            errors.append(_("%(where)s is not a field definition.") % {"where": _name(index, None)})
            continue
        where = _name(index, field.get("key"))
        unknown = sorted(set(field) - ALLOWED_KEYS)
        if unknown:
            errors.append(_("%(where)s: unknown setting(s) %(names)s.") % {"where": where, "names": ", ".join(unknown)})
        key = field.get("key")
        key = key.strip() if isinstance(key, str) else ""
        if not key:
            errors.append(_("%(where)s: give the field a key (e.g. households_visited).") % {"where": where})
        elif len(key) > KEY_MAX or not KEY_RE.match(key):
            errors.append(
                _(
                    "%(where)s: the key must be lowercase letters, digits and underscores, start with a letter, "
                    "at most %(max)d characters."
                )
                % {"where": where, "max": KEY_MAX}
            )
        elif key in keys:
            errors.append(
                _("%(where)s: the key “%(key)s” is already used by field %(other)d; keys must be unique.")
                % {"where": where, "key": key, "other": keys[key]}
            )
        else:
            keys[key] = index
        kind = field.get("kind")
        if kind not in KINDS:
            errors.append(
                _("%(where)s: the kind must be one of %(kinds)s.") % {"where": where, "kinds": ", ".join(KINDS)}
            )
        result: dict[str, Any] = {"key": key, "label": _labels(field.get("label"), where, errors), "kind": kind}
        result["required"] = _flag(field, "required", False, where, errors)
        result["carry_over"] = _flag(field, "carry_over", False, where, errors)
        result["sum"] = _flag(field, "sum", kind == FieldKind.NUMBER, where, errors)
        if result["sum"] and kind != FieldKind.NUMBER:
            errors.append(_("%(where)s: only number fields can be added up.") % {"where": where})
        if kind == FieldKind.CHOICE:
            result["choices"] = _choices(field.get("choices"), where, errors)
        elif field.get("choices"):
            errors.append(_("%(where)s: only a choice field has choices.") % {"where": where})
        normalised.append(result)
    if errors:
        raise ValidationError(errors, code="invalid_fields")
    return normalised

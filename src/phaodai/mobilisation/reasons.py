"""The "why" of a pick, stored as message ids and parameters and put into words when read.

An Assignment's `why` is a list of reasons such as
    {"text": "has the required skill %(skill)s", "skills": {"skill": "medical"}}
    {"text": "%(days)d day mobilised in the last 30 days", "plural": "%(days)d days ...", "n": 3, "params": {...}}
so a Home Affairs officer who proposed in Vietnamese and a reader in English (or the API, by Accept-Language) each
read it in their own language. `text`/`plural` are the English source strings, marked for translation with
gettext_noop where they are written (allocation.py, services.py); `skills` are skill codes, named on reading. Plain
strings (rows written before reasons were stored this way) are shown as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext

from phaodai.staff.forms import skill_label
from phaodai.staff.models import Skill


def reason(text: str, *, plural: str | None = None, n: int | None = None, skills: dict | None = None, **params: Any):
    """One reason: `text` (and `plural` for n ≠ 1) are English msgids already marked with gettext_noop."""
    item: dict[str, Any] = {"text": text}
    if plural is not None:
        item["plural"], item["n"] = plural, n
    if skills:
        item["skills"] = skills
    if params:
        item["params"] = params
    return item


def render(why: Iterable[Any] | None) -> list[str]:
    """The reasons as sentences in the active language."""
    items = list(why or [])
    codes = {code for item in items if isinstance(item, dict) for code in item.get("skills", {}).values()}
    skills = {s.code: s for s in Skill.objects.filter(code__in=codes)} if codes else {}
    sentences = []
    for item in items:
        if not isinstance(item, dict):
            sentences.append(str(item))
            continue
        message = item["plural"] if item.get("plural") and item.get("n") != 1 else item["text"]
        params = dict(item.get("params", {}))
        for key, code in item.get("skills", {}).items():
            params[key] = skill_label(skills[code]) if code in skills else code
        text = gettext(message)
        sentences.append(text % params if params else text)
    return sentences

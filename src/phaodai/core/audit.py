"""The audit trail for bulk writes.

auditlog records every save() and delete() through signals, but `bulk_create` sends none: imports and the demo
city, which bulk-create thousands of rows, write the entries auditlog would have written themselves, here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from auditlog.context import auditlog_value, set_actor
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.utils.encoding import smart_str


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """auditlog records `user` as the actor of every change inside; a request's context (its address) is kept.

    auditlog's set_actor replaces the middleware's context and does not put it back: restore it, or the rest of the
    request would be logged without an actor (and the middleware could not disconnect its receiver).
    """
    try:
        outer = auditlog_value.get()
    except LookupError:
        outer = None
    remote = outer or {}
    try:
        with set_actor(user, remote_addr=remote.get("remote_addr"), remote_port=remote.get("remote_port")):
            yield
    finally:
        if outer is not None:
            auditlog_value.set(outer)


def m2m_added(names: Iterable[str]) -> dict[str, Any]:
    """The change auditlog records when objects are added to a many-to-many field."""
    return {"type": "m2m", "operation": "add", "objects": list(names)}


def creation_entries(
    objects: Sequence[Model],
    *,
    actor: Any = None,
    extra_changes: Callable[[Model], dict[str, Any]] | None = None,
    **entry_fields: Any,
) -> list[LogEntry]:
    """Unsaved CREATE entries for rows that were bulk-created, with every field's value as the "after".

    `extra_changes(obj)` adds changes auditlog would log separately (e.g. `{"skills": m2m_added([...])}`);
    `entry_fields` are further LogEntry fields (additional_data, remote_addr, cid, timestamp).
    """
    if not objects:
        return []
    content_type = ContentType.objects.get_for_model(objects[0])
    entries = []
    for obj in objects:
        changes = model_instance_diff(None, obj, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES) or {}
        if extra_changes is not None:
            changes.update(extra_changes(obj))
        entries.append(
            LogEntry(
                content_type=content_type,
                object_pk=str(obj.pk),
                object_id=obj.pk,
                object_repr=smart_str(obj),
                action=LogEntry.Action.CREATE,
                changes=changes,
                actor=actor,
                actor_email=getattr(actor, "email", None) or None,
                **entry_fields,
            )
        )
    return entries

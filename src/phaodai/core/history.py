"""The audit trail of one record, as people read it: who, when, what changed from what to what.

auditlog stores raw values (choice codes, foreign-key ids, ISO dates); here they become labels, names and
dd/mm/yyyy. Names of related records are shown only when the reader may see them (else "#id").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from phaodai.accounts.models import User
from phaodai.mobilisation.models import Delegation, MobilisationDecision, StaffingRequest, Team
from phaodai.places.models import AdminUnit, Agency
from phaodai.staff.models import StaffMember

#: URL label → model of the records that have a history page.
HISTORY_MODELS: dict[str, type[models.Model]] = {
    "places.adminunit": AdminUnit,
    "places.agency": Agency,
    "staff.staffmember": StaffMember,
    "accounts.user": User,
    "mobilisation.staffingrequest": StaffingRequest,
    "mobilisation.mobilisationdecision": MobilisationDecision,
    "mobilisation.delegation": Delegation,
    "mobilisation.team": Team,
}

ACTION_LABELS = {
    LogEntry.Action.CREATE: gettext_lazy("Created"),
    LogEntry.Action.UPDATE: gettext_lazy("Changed"),
    LogEntry.Action.DELETE: gettext_lazy("Deleted"),
    LogEntry.Action.ACCESS: gettext_lazy("Viewed"),
}

EMPTY = "—"


def history_label(obj: models.Model) -> str:
    """The `<model>` part of a history URL: "staff.staffmember"."""
    return obj._meta.label_lower


@dataclass
class FieldChange:
    label: str
    before: str = ""
    after: str = ""
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def is_many(self) -> bool:
        return bool(self.added or self.removed)


@dataclass
class HistoryEntry:
    timestamp: datetime
    actor: str
    action: str
    action_code: int
    changes: list[FieldChange]
    remote_addr: str | None = None


def entries_for(obj: models.Model) -> models.QuerySet:
    return LogEntry.objects.get_for_object(obj).select_related("actor").order_by("-timestamp", "-pk")


def describe(entries: list[LogEntry], model: type[models.Model], user: User) -> list[HistoryEntry]:
    """Readable form of `entries` (all of one model). Related names cost one query per related model."""
    names = _related_names(entries, model, user)
    order = _field_order(model)
    result = []
    for entry in entries:
        changes = []
        # In the form's order (name, gender, date of birth …): the stored JSON's key order is the database's.
        items = sorted((entry.changes_dict or {}).items(), key=lambda item: order.get(item[0], len(order)))
        for name, value in items:
            if _is_noise(model, name):
                continue
            change = _describe_change(model, name, value, names)
            if entry.action == LogEntry.Action.CREATE and change.after == EMPTY and not change.is_many:
                continue  # a new record's empty fields say nothing
            changes.append(change)
        if (entry.additional_data or {}).get("event") == "password_reset":
            changes.append(FieldChange(label=_("Password"), after=_("reset by an administrator")))
        result.append(
            HistoryEntry(
                timestamp=entry.timestamp,
                actor=_actor_name(entry),
                action=str(ACTION_LABELS.get(entry.action, entry.action)),
                action_code=entry.action,
                changes=changes,
                remote_addr=entry.remote_addr,
            )
        )
    return result


def _actor_name(entry: LogEntry) -> str:
    if entry.actor is not None:
        full = entry.actor.get_full_name()
        return f"{full} ({entry.actor.username})" if full else entry.actor.username
    if entry.actor_email:
        return entry.actor_email
    return _("System (import or script)")


def _field(model: type[models.Model], name: str) -> models.Field | None:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _field_order(model: type[models.Model]) -> dict[str, int]:
    """Field name → position in the model's definition (skills sits between position and status, as in the form)."""
    fields = sorted([*model._meta.concrete_fields, *model._meta.many_to_many], key=lambda f: f.creation_counter)
    return {f.name: i for i, f in enumerate(fields)} | {f.attname: i for i, f in enumerate(fields)}


def _is_noise(model: type[models.Model], name: str) -> bool:
    """The primary key, reverse relations ("children", "staff") and automatic timestamps: the entry has its own."""
    f = _field(model, name)
    if f is None:
        return False
    if f.auto_created and not f.concrete:
        return True
    return getattr(f, "primary_key", False) or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)


def _is_none(value: object) -> bool:
    return value is None or value in ("None", "")


def _related_names(entries: list[LogEntry], model: type[models.Model], user: User) -> dict:
    """{related model: {pk string: name}} for every foreign key value in `entries`, among visible rows only."""
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    for entry in entries:
        for name, value in (entry.changes_dict or {}).items():
            f = _field(model, name)
            if isinstance(f, models.ForeignKey) and isinstance(value, list):
                wanted[f.related_model].update(str(v) for v in value if not _is_none(v) and str(v).isdigit())
    names: dict[type[models.Model], dict[str, str]] = {}
    for related, pks in wanted.items():
        manager = related._default_manager
        qs = manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()
        names[related] = {str(obj.pk): str(obj) for obj in qs.filter(pk__in=[int(p) for p in pks])}
    return names


def _describe_change(model: type[models.Model], name: str, value: object, names: dict) -> FieldChange:
    f = _field(model, name)
    label = str(f.verbose_name) if f is not None and hasattr(f, "verbose_name") else name
    label = label[:1].upper() + label[1:]
    if isinstance(value, dict) and value.get("type") == "m2m":
        objects = [str(o) for o in value.get("objects", [])]
        if value.get("operation") == "add":
            return FieldChange(label=label, added=objects)
        return FieldChange(label=label, removed=objects)
    before, after = (value + [None, None])[:2] if isinstance(value, list) else (None, value)
    return FieldChange(label=label, before=_display(f, before, names), after=_display(f, after, names))


def _display(f: models.Field | None, value: object, names: dict) -> str:
    if _is_none(value):
        return EMPTY
    text = str(value)
    if f is None:
        return text
    if isinstance(f, models.ForeignKey):
        return names.get(f.related_model, {}).get(text, f"#{text}")
    if f.choices:
        choices = {str(k): v for k, v in f.flatchoices}
        return str(choices.get(text, text))
    if isinstance(f, models.BooleanField):
        truthy = text in ("True", "true", "1")
        return _("Yes") if truthy else _("No")
    if isinstance(f, models.DateTimeField):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return text
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=UTC)  # auditlog writes datetimes in UTC without an offset
        moment = timezone.localtime(moment)
        return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    if isinstance(f, models.DateField):
        try:
            return formats.date_format(date.fromisoformat(text[:10]), "SHORT_DATE_FORMAT")
        except ValueError:
            return text
    return text

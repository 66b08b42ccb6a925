"""Administering report forms (issue #5, item 1): create a form, publish a new version, retire or reuse a form.

A version is never edited: publishing adds version n + 1 and the reports already stored keep pointing at the version
they were made with. The database allows one active form per task (and one default form, task ""), so a team always
knows which form it fills; a clash is reported here in words before the constraint would. Every write is audited
with the administrator as actor (reporting.forms).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from phaodai.core.audit import acting_as
from phaodai.core.text import clean_text
from phaodai.mobilisation.models import Task
from phaodai.reporting.forms_schema import validate_fields
from phaodai.reporting.models import ReportForm, ReportFormVersion

PERMISSION = "reporting.forms"
CODE_MAX = ReportForm._meta.get_field("code").max_length
NAME_MAX = ReportForm._meta.get_field("name").max_length


def _require(user: Any) -> None:
    if not user.has_role_perm(PERMISSION):
        raise PermissionDenied(_("Your role does not allow editing report forms."))


def task_label(task: str) -> str:
    return Task(task).label if task else _("the default form (teams whose task has no form of its own)")


def _active_clash(task: str, exclude_pk: int | None = None) -> ReportForm | None:
    others = ReportForm.objects.filter(task=task, is_active=True)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.first()


def _clash_error(task: str, other: ReportForm) -> ValidationError:
    return ValidationError(
        {
            "task": _(
                "“%(other)s” is already the form in use for %(task)s: retire it first, or publish a new version of it."
            )
            % {"other": other.name, "task": task_label(task)}
        },
        code="task_taken",
    )


def publish_version(user: Any, form: ReportForm, fields: Any) -> ReportFormVersion:
    """Publish `fields` as the form's next version (number + 1). Refused when nothing changed."""
    _require(user)
    normalised = validate_fields(fields)
    with acting_as(user), transaction.atomic():
        # Lock the form: two administrators publishing at once get versions n + 1 and n + 2, not a clash.
        form = ReportForm.objects.select_for_update().get(pk=form.pk)
        current = form.versions.order_by("-number").first()
        if current is not None and validate_fields(current.fields) == normalised:
            raise ValidationError(
                _("Nothing changed since version %(number)d: there is nothing to publish.")
                % {"number": current.number},
                code="unchanged",
            )
        number = (form.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        return ReportFormVersion.objects.create(form=form, number=number, fields=normalised, created_by=user)


def create_form(user: Any, code: str, name: str, task: str, fields: Any) -> ReportForm:
    """A new form, in use at once, with its version 1."""
    _require(user)
    errors: dict[str, list] = {}
    code = (code or "").strip()
    name = clean_text(name or "")
    task = task or ""
    if not code:
        errors.setdefault("code", []).append(_("Give the form a code (e.g. sampling_2)."))
    elif len(code) > CODE_MAX or not all(c.isascii() and (c.isalnum() or c in "-_") for c in code):
        errors.setdefault("code", []).append(
            _("The code may use letters, digits, hyphens and underscores only, at most %(max)d characters.")
            % {"max": CODE_MAX}
        )
    elif ReportForm.objects.filter(code=code).exists():
        errors.setdefault("code", []).append(_("Another form already has the code “%(code)s”.") % {"code": code})
    if not name:
        errors.setdefault("name", []).append(_("Give the form a name."))
    elif len(name) > NAME_MAX:
        errors.setdefault("name", []).append(_("The name is longer than %(max)d characters.") % {"max": NAME_MAX})
    if task not in Task.values and task != "":
        errors.setdefault("task", []).append(_("Choose a task from the list."))
    elif (other := _active_clash(task)) is not None:
        errors.setdefault("task", []).extend(_clash_error(task, other).error_dict["task"])
    try:
        normalised = validate_fields(fields)
    except ValidationError as exc:
        errors.setdefault("fields", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    try:
        with acting_as(user), transaction.atomic():
            form = ReportForm.objects.create(code=code, name=name, task=task, is_active=True)
            ReportFormVersion.objects.create(form=form, number=1, fields=normalised, created_by=user)
    except IntegrityError as exc:
        # Another administrator created a form with this code, or for this task, at the same moment.
        raise ValidationError(
            _("Someone else saved a form with this code or for this task at the same moment; reload and try again."),
            code="conflict",
        ) from exc
    return form


def retire_form(user: Any, form: ReportForm) -> ReportForm:
    """Take a form out of use (its versions and the reports made with them stay). The default form cannot be
    retired: the teams whose task has no form of its own would have nothing to fill."""
    _require(user)
    with acting_as(user), transaction.atomic():
        form = ReportForm.objects.select_for_update().get(pk=form.pk)
        if not form.is_active:
            raise ValidationError(_("“%(name)s” is already out of use.") % {"name": form.name}, code="inactive")
        if form.task == "":
            raise ValidationError(
                _(
                    "“%(name)s” is the default form, used by every team whose task has no form of its own: it cannot "
                    "be retired. Publish a new version of it instead."
                )
                % {"name": form.name},
                code="default_form",
            )
        form.is_active = False
        form.save(update_fields=["is_active"])
    return form


def reactivate_form(user: Any, form: ReportForm) -> ReportForm:
    """Put a retired form back in use; refused while another form is in use for the same task."""
    _require(user)
    try:
        with acting_as(user), transaction.atomic():
            form = ReportForm.objects.select_for_update().get(pk=form.pk)
            if form.is_active:
                raise ValidationError(_("“%(name)s” is already in use.") % {"name": form.name}, code="active")
            other = _active_clash(form.task, exclude_pk=form.pk)
            if other is not None:
                raise _clash_error(form.task, other)
            form.is_active = True
            form.save(update_fields=["is_active"])
    except IntegrityError as exc:
        raise _clash_error(form.task, _active_clash(form.task, exclude_pk=form.pk) or form) from exc
    return form

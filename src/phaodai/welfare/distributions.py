"""Distributions (cấp phát, chi trả): an entry of an APPROVED list received the programme's benefit.

The n-th time a recipient (the household, or the person for a per-person programme) receives a programme is its
`occurrence`; it may not exceed the programme's `times`. The service says so plainly ("already received 1 of 1
time(s) on 20/08/2021"), and the DATABASE refuses it too (welfare.constraints, migration 0002): two clerks recording
the last allowed time at the same moment cannot both succeed — the loser gets the same plain message.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from phaodai.core.audit import acting_as
from phaodai.core.text import clean_text
from phaodai.welfare.constraints import is_times_violation
from phaodai.welfare.models import BenefitKind, Distribution, ListEntry, ListStatus, Programme, SupportList


def received(programme: Programme, entry: ListEntry):
    """The recipient's distributions of this programme (any list, any revision)."""
    rows = Distribution.objects.filter(programme=programme)
    if entry.person_id:
        return rows.filter(person_id=entry.person_id)
    return rows.filter(household_id=entry.household_id, person__isnull=True)


def _too_many(programme: Programme, entry: ListEntry) -> ValidationError:
    rows = list(received(programme, entry).order_by("occurrence"))
    dates = ", ".join(f"{d.received_on:%d/%m/%Y}" for d in rows)
    return ValidationError(
        _("%(who)s has already received %(n)d of %(times)d time(s) on %(dates)s.")
        % {"who": entry.person or entry.household, "n": len(rows), "times": programme.times, "dates": dates},
        code="times",
    )


def record(
    user,
    entry: ListEntry,
    *,
    received_on: date,
    given_by: str,
    amount: int | None = None,
    goods: str = "",
    today: date | None = None,
) -> Distribution:
    if not user.has_role_perm("welfare.distribute"):
        raise PermissionDenied(_("Your role does not allow this."))
    if not SupportList.objects.visible_to(user).filter(pk=entry.support_list_id).exists():
        raise PermissionDenied(_("This list is outside your area."))
    support_list = SupportList.objects.select_related("programme").get(pk=entry.support_list_id)  # its state now
    programme = support_list.programme
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if support_list.status != ListStatus.APPROVED:
        raise ValidationError(
            _("Only people on an approved list receive support; this list is %(status)s.")
            % {"status": support_list.get_status_display().lower()},
            code="not_approved",
        )
    if received_on is None:
        errors["received_on"] = [_("Enter the day the benefit was received.")]
    elif received_on > today:
        errors["received_on"] = [_("The day received cannot be in the future.")]
    elif not (programme.start_date <= received_on <= programme.end_date):
        errors["received_on"] = [
            _("The programme runs from %(start)s to %(end)s.")
            % {"start": f"{programme.start_date:%d/%m/%Y}", "end": f"{programme.end_date:%d/%m/%Y}"}
        ]
    given_by = clean_text(given_by)
    if not given_by:
        errors["given_by"] = [_("Say who handed over the benefit.")]
    if programme.benefit_kind == BenefitKind.CASH:
        amount = amount or programme.amount
        goods = ""
    else:
        goods = clean_text(goods) or programme.goods
        amount = None
    if errors:
        raise ValidationError(errors)
    try:
        with acting_as(user), transaction.atomic():
            current = Programme.objects.get(pk=programme.pk)  # the programme's times as they are now
            done = received(current, entry).aggregate(m=Max("occurrence"))["m"] or 0
            if done >= current.times:
                raise _too_many(current, entry)
            return Distribution.objects.create(
                programme=current,
                programme_times=current.times,
                household_id=entry.household_id,
                person_id=entry.person_id,
                list_entry=entry,
                occurrence=done + 1,
                received_on=received_on,
                amount=amount,
                goods=goods,
                given_by=given_by,
                recorded_by=user,
            )
    except IntegrityError as exc:
        # Someone recorded the same time at the same moment: the database let one through.
        if is_times_violation(exc):
            raise _too_many(Programme.objects.get(pk=programme.pk), entry) from exc
        raise

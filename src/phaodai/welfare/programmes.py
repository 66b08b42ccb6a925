"""Support programmes (chương trình hỗ trợ): legal basis, eligible categories, benefit (cash or goods), per household
or per person, how many times, and the period. Defined by whoever holds "welfare.programme" (the city), for a unit of
their jurisdiction. Lowering `times` below what someone already received is refused (also by the database).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from phaodai.core.audit import acting_as
from phaodai.core.text import clean_text
from phaodai.places.models import AdminUnit
from phaodai.welfare.models import Beneficiary, BenefitKind, Category, Programme

MAX_TIMES = 24


def _fields(user, data: dict, exclude: Programme | None) -> dict:
    if not user.has_role_perm("welfare.programme"):
        raise PermissionDenied(_("Your role does not allow this."))
    errors: dict[str, list[str]] = {}
    unit: AdminUnit | None = data.get("unit") or user.scope_unit
    if unit is None or not AdminUnit.objects.visible_to(user).filter(pk=unit.pk).exists():
        errors["unit"] = [_("Choose the unit running the programme.")]
    elif not user.sees_everything and not unit.path.startswith(user.scope_unit.path):
        errors["unit"] = [_("A programme is run by your own unit or one under it.")]
    name = clean_text(data.get("name"))
    if not name:
        errors["name"] = [_("Enter the programme's name.")]
    elif unit is not None:
        same = Programme.objects.filter(unit=unit, name__iexact=name)
        if exclude is not None:
            same = same.exclude(pk=exclude.pk)
        if same.exists():
            errors["name"] = [_("%(unit)s already has a programme named “%(name)s”.") % {"unit": unit, "name": name}]
    legal_basis = clean_text(data.get("legal_basis"))
    if not legal_basis:
        errors["legal_basis"] = [_("Enter the legal basis (e.g. Resolution 68/NQ-CP).")]
    categories = list(dict.fromkeys(data.get("categories") or []))
    if not categories:
        errors["categories"] = [_("Choose at least one eligible category.")]
    elif any(c not in Category.values for c in categories):
        errors["categories"] = [_("Unknown category.")]
    kind = data.get("benefit_kind")
    amount, goods = data.get("amount"), clean_text(data.get("goods"))
    if kind == BenefitKind.CASH:
        if not amount or amount <= 0:
            errors["amount"] = [_("Enter the cash amount in VND.")]
        goods = ""
    elif kind == BenefitKind.GOODS:
        if not goods:
            errors["goods"] = [_("Say which goods are given.")]
        amount = None
    else:
        errors["benefit_kind"] = [_("Choose cash or goods.")]
    beneficiary = data.get("beneficiary")
    if beneficiary not in Beneficiary.values:
        errors["beneficiary"] = [_("Choose per household or per person.")]
    elif exclude is not None and beneficiary != exclude.beneficiary and exclude.lists.exists():
        errors["beneficiary"] = [_("The programme already has lists: it can no longer change who receives it.")]
    times = data.get("times")
    if times is None or not (1 <= int(times) <= MAX_TIMES):
        errors["times"] = [_("A benefit is given between 1 and %(max)d times.") % {"max": MAX_TIMES}]
    elif exclude is not None:
        most = exclude.distributions.aggregate(m=Max("occurrence"))["m"] or 0
        if int(times) < most:
            errors["times"] = [
                _("Someone has already received this programme %(n)d times: it cannot allow fewer.") % {"n": most}
            ]
    start, end = data.get("start_date"), data.get("end_date")
    if not isinstance(start, date):
        errors["start_date"] = [_("Enter the first day of the programme.")]
    if not isinstance(end, date):
        errors["end_date"] = [_("Enter the last day of the programme.")]
    elif isinstance(start, date) and end < start:
        errors["end_date"] = [_("The programme ends before it starts.")]
    if errors:
        raise ValidationError(errors)
    return {
        "unit": unit,
        "name": name,
        "legal_basis": legal_basis,
        "categories": categories,
        "benefit_kind": kind,
        "amount": amount,
        "goods": goods,
        "beneficiary": beneficiary,
        "times": int(times),
        "start_date": start,
        "end_date": end,
    }


def create_programme(user, **data) -> Programme:
    fields = _fields(user, data, None)
    with acting_as(user), transaction.atomic():
        return Programme.objects.create(**fields)


def update_programme(programme: Programme, user, **data) -> Programme:
    fields = _fields(user, data, programme)
    try:
        with acting_as(user), transaction.atomic():
            for key, value in fields.items():
                setattr(programme, key, value)
            programme.save()
    except IntegrityError as exc:  # a distribution recorded meanwhile beyond the new number of times
        raise ValidationError({"times": _("Someone has already received this programme more times.")}) from exc
    return programme

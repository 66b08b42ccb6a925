"""The welfare registry: households (places.Household) of a neighbourhood, their people and their categories.

Changing it needs "welfare.edit" and a neighbourhood inside one's own jurisdiction; reading needs "welfare.view" (or
"household.view" for households). A person's citizen ID is checked against its structure and the person's gender and
year of birth (staff.identity), phones are normalised, a household has one head, a date of birth is never in the
future, and a category's period is in order. Every write runs as the user (audited) inside one transaction.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phaodai.core.audit import acting_as
from phaodai.core.text import clean_text, fold
from phaodai.places.models import AdminUnit, Household, Level
from phaodai.staff.identity import normalise_phone, validate_citizen_id
from phaodai.welfare.models import Category, Gender, HouseholdCategory, Person, Relationship

MAX_MEMBERS = 99
EARLIEST_BIRTH_YEAR = 1900


def require(user, permission: str = "welfare.edit") -> None:
    if not user.has_role_perm(permission):
        raise PermissionDenied(_("Your role does not allow this."))


def neighbourhoods_for(user):
    """The neighbourhoods whose households the user may keep."""
    units = AdminUnit.objects.visible_to(user).filter(level=Level.NEIGHBOURHOOD)
    if not user.sees_everything:
        units = units.filter(path__startswith=user.scope_unit.path) if user.scope_unit_id else units.none()
    return units.order_by("path")


def check_neighbourhood(user, neighbourhood: AdminUnit | None) -> AdminUnit:
    if neighbourhood is None:
        raise ValidationError({"neighbourhood": _("Choose the household's neighbourhood.")})
    if not neighbourhoods_for(user).filter(pk=neighbourhood.pk).exists():
        raise ValidationError(
            {"neighbourhood": _("%(unit)s is not a neighbourhood of your area.") % {"unit": neighbourhood}}
        )
    return neighbourhood


def check_household(user, household: Household) -> Household:
    """The household is in the user's area (a 404 at the page; here a refusal)."""
    require(user)
    if not Household.objects.visible_to(user).filter(pk=household.pk).exists():
        raise PermissionDenied(_("This household is outside your area."))
    return household


def _phone(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return normalise_phone(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


# --- households --------------------------------------------------------------------------------------------------


def _household_fields(user, neighbourhood, head_name, address, phone, members, exclude: Household | None) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, object] = {}
    try:
        cleaned["neighbourhood"] = check_neighbourhood(user, neighbourhood)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    head_name, address = clean_text(head_name), clean_text(address)
    if not head_name:
        errors["head_name"] = [_("Enter the head of household's name.")]
    if not address:
        errors["address"] = [_("Enter the household's address.")]
    try:
        cleaned["phone"] = _phone(phone, "phone")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if members is None or not (1 <= int(members) <= MAX_MEMBERS):
        errors["members"] = [_("A household has between 1 and %(max)d members.") % {"max": MAX_MEMBERS}]
    if head_name and address and "neighbourhood" in cleaned:
        same = Household.objects.filter(
            neighbourhood=cleaned["neighbourhood"], search_name=fold(f"{head_name} {address}")
        )
        if exclude is not None:
            same = same.exclude(pk=exclude.pk)
        if same.exists():
            errors.setdefault("head_name", []).append(
                _("%(head)s at %(address)s is already registered in %(unit)s.")
                % {"head": head_name, "address": address, "unit": cleaned["neighbourhood"]}
            )
    if errors:
        raise ValidationError(errors)
    return {**cleaned, "head_name": head_name, "address": address, "members": int(members)}


def create_household(
    user, *, neighbourhood: AdminUnit, head_name: str, address: str, phone: str = "", members: int = 1
) -> Household:
    require(user)
    fields = _household_fields(user, neighbourhood, head_name, address, phone, members, None)
    with acting_as(user), transaction.atomic():
        return Household.objects.create(**fields)


def update_household(
    household: Household, user, *, neighbourhood: AdminUnit, head_name: str, address: str, phone: str, members: int
) -> Household:
    check_household(user, household)
    fields = _household_fields(user, neighbourhood, head_name, address, phone, members, household)
    with acting_as(user), transaction.atomic():
        for key, value in fields.items():
            setattr(household, key, value)
        household.save()
    return household


# --- people ------------------------------------------------------------------------------------------------------


def _person_fields(household: Household, data: dict, exclude: Person | None, today: date) -> dict:
    errors: dict[str, list[str]] = {}
    full_name = clean_text(data.get("full_name"))
    if not full_name:
        errors["full_name"] = [_("Enter the person's full name.")]
    gender = data.get("gender") or ""
    if gender and gender not in Gender.values:
        errors["gender"] = [_("Unknown gender.")]
    dob, year = data.get("date_of_birth"), data.get("birth_year")
    if dob is not None:
        if dob > today:
            errors["date_of_birth"] = [_("The date of birth %(date)s is in the future.") % {"date": f"{dob:%d/%m/%Y}"}]
        elif dob.year < EARLIEST_BIRTH_YEAR:
            errors["date_of_birth"] = [_("The date of birth %(date)s is not plausible.") % {"date": f"{dob:%d/%m/%Y}"}]
        if year and year != dob.year:
            errors["birth_year"] = [_("The year of birth does not match the date of birth.")]
        year = dob.year
    elif year is not None and not (EARLIEST_BIRTH_YEAR <= int(year) <= today.year):
        errors["birth_year"] = [
            _("The year of birth must be between %(first)d and %(last)d.")
            % {"first": EARLIEST_BIRTH_YEAR, "last": today.year}
        ]
    relationship = data.get("relationship") or Relationship.OTHER
    if relationship not in Relationship.values:
        errors["relationship"] = [_("Unknown relationship.")]
    elif relationship == Relationship.HEAD:
        heads = household.people.filter(relationship=Relationship.HEAD)
        if exclude is not None:
            heads = heads.exclude(pk=exclude.pk)
        head = heads.first()
        if head is not None:
            errors["relationship"] = [
                _("%(name)s is already the head of this household; a household has one head.") % {"name": head}
            ]
    citizen_id = (str(data.get("citizen_id") or "")).strip()
    if citizen_id:
        try:
            citizen_id = validate_citizen_id(
                citizen_id, gender or None, dob or (date(int(year), 1, 1) if year else None)
            ).number
        except ValidationError as exc:
            errors["citizen_id"] = exc.messages
        else:
            others = Person.objects.filter(citizen_id=citizen_id)
            if exclude is not None:
                others = others.exclude(pk=exclude.pk)
            other = others.select_related("household").first()
            if other is not None:
                errors["citizen_id"] = [
                    _("The citizen ID %(id)s is already registered for %(name)s (%(household)s).")
                    % {"id": citizen_id, "name": other.full_name, "household": other.household}
                ]
    try:
        phone = _phone(data.get("phone") or "", "phone")
    except ValidationError as exc:
        errors.update(exc.message_dict)
        phone = ""
    if errors:
        raise ValidationError(errors)
    return {
        "full_name": full_name,
        "gender": gender,
        "date_of_birth": dob,
        "birth_year": int(year) if year else None,
        "citizen_id": citizen_id,
        "phone": phone,
        "relationship": relationship,
    }


def add_person(user, household: Household, *, today: date | None = None, **data) -> Person:
    check_household(user, household)
    fields = _person_fields(household, data, None, today or timezone.localdate())
    try:
        with acting_as(user), transaction.atomic():
            return Person.objects.create(household=household, **fields)
    except IntegrityError as exc:  # a race with another clerk on the same citizen ID
        raise ValidationError({"citizen_id": _("This citizen ID was registered at the same moment.")}) from exc


def update_person(person: Person, user, *, today: date | None = None, **data) -> Person:
    check_household(user, person.household)
    fields = _person_fields(person.household, data, person, today or timezone.localdate())
    try:
        with acting_as(user), transaction.atomic():
            for key, value in fields.items():
                setattr(person, key, value)
            person.save()
    except IntegrityError as exc:
        raise ValidationError({"citizen_id": _("This citizen ID was registered at the same moment.")}) from exc
    return person


# --- categories --------------------------------------------------------------------------------------------------


def add_category(
    user,
    household: Household,
    *,
    category: str,
    valid_from: date | None,
    valid_until: date | None = None,
    person: Person | None = None,
    source: str = "",
) -> HouseholdCategory:
    """A household (or one of its people) belongs to a category from `valid_from` until `valid_until` (open)."""
    check_household(user, household)
    errors: dict[str, list[str]] = {}
    if category not in Category.values:
        errors["category"] = [_("Choose a category.")]
    if valid_from is None:
        errors["valid_from"] = [_("Enter the date the category applies from.")]
    elif valid_until is not None and valid_until < valid_from:
        errors["valid_until"] = [
            _("The category's period ends (%(end)s) before it starts (%(start)s).")
            % {"end": f"{valid_until:%d/%m/%Y}", "start": f"{valid_from:%d/%m/%Y}"}
        ]
    if person is not None and person.household_id != household.pk:
        errors["person"] = [_("%(name)s is not a member of this household.") % {"name": person}]
    if errors:
        raise ValidationError(errors)
    with acting_as(user), transaction.atomic():
        return HouseholdCategory.objects.create(
            household=household,
            person=person,
            category=category,
            valid_from=valid_from,
            valid_until=valid_until,
            source=clean_text(source),
        )

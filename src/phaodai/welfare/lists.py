"""Support lists and their approval: a commune compiles, the district checks, the city approves.

    DRAFT ──submit──▶ SUBMITTED ──check (district)──▶ CHECKED ──approve (city)──▶ APPROVED
      ▲                   │ reject (district/city)        │ reject (city)              │ revise
      └── REJECTED ◀──────┴───────────────────────────────┘                            ▼
                                                                  revision n+1 (DRAFT, `previous`) … approved:
                                                                  the old one becomes SUPERSEDED

Rules:
- Entries change only while the list is a draft (or back after a rejection). An APPROVED list is locked: a change is
  `revise(user, list)`, a new revision copying its entries; approving the revision supersedes the old one.
- Who goes on a list: a household (per-household programme) or a person (per-person programme) of the list's
  commune, ELIGIBLE — a category the programme lists, valid on at least one day of the programme's period (a
  person is eligible by their own category or their household's; a household by its own or one of its people's) —
  or, when not eligible, only with a stated reason (kept on the entry as `written["reason"]`, shown to the district
  and the city who check it). A household (person) is on a list once (also a database constraint).
- Each step needs its permission (welfare.edit, welfare.check, welfare.approve) and the list in the user's scope;
  a rejection needs a reason; every step is audited (acting_as) and atomic, the list row locked while it changes.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from phaodai.core.audit import acting_as
from phaodai.core.text import clean_text
from phaodai.places.models import AdminUnit, Household, Level
from phaodai.welfare.models import (
    Beneficiary,
    HouseholdCategory,
    ListEntry,
    ListStatus,
    Person,
    Programme,
    SupportList,
)

EDITABLE = (ListStatus.DRAFT, ListStatus.REJECTED)
#: Lists that count: not replaced, not rejected.
CURRENT = (ListStatus.DRAFT, ListStatus.SUBMITTED, ListStatus.CHECKED, ListStatus.APPROVED)


# --- eligibility -------------------------------------------------------------------------------------------------


def eligible_categories(programme: Programme) -> QuerySet[HouseholdCategory]:
    """Category rows that make someone eligible: one of the programme's categories, valid during its period."""
    return HouseholdCategory.objects.filter(
        category__in=programme.categories, valid_from__lte=programme.end_date
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=programme.start_date))


def eligible_households(programme: Programme) -> QuerySet[Household]:
    return Household.objects.filter(pk__in=eligible_categories(programme).values("household"))


def eligible_people(programme: Programme) -> QuerySet[Person]:
    rows = eligible_categories(programme)
    return Person.objects.filter(
        Q(pk__in=rows.filter(person__isnull=False).values("person"))
        | Q(household__in=rows.filter(person__isnull=True).values("household"))
    )


def eligibility(programme: Programme, household: Household, person: Person | None = None) -> str:
    """The first category making the recipient eligible ("" when none)."""
    rows = eligible_categories(programme).filter(household=household)
    if person is not None:
        rows = rows.filter(Q(person=person) | Q(person__isnull=True))
    return rows.order_by("valid_from").values_list("category", flat=True).first() or ""


# --- permissions -------------------------------------------------------------------------------------------------


def _require(user, permission: str) -> None:
    if not user.has_role_perm(permission):
        raise PermissionDenied(_("Your role does not allow this."))


def _in_scope(user, support_list: SupportList) -> None:
    if not SupportList.objects.visible_to(user).filter(pk=support_list.pk).exists():
        raise PermissionDenied(_("This list is outside your area."))


def _locked(support_list: SupportList) -> SupportList:
    """The list's row, locked for the rest of the transaction: two clicks on "approve" are one approval."""
    return SupportList.objects.select_for_update().select_related("programme", "commune").get(pk=support_list.pk)


def _refresh(target: SupportList, source: SupportList) -> SupportList:
    target.__dict__.update({k: v for k, v in source.__dict__.items() if not k.startswith("_")})
    return target


def _wrong_status(support_list: SupportList, action: str) -> ValidationError:
    return ValidationError(
        _("This list is %(status)s: it cannot be %(action)s.")
        % {"status": support_list.get_status_display().lower(), "action": action},
        code="status",
    )


# --- compiling ---------------------------------------------------------------------------------------------------


def create_list(user, programme: Programme, commune: AdminUnit, note: str = "") -> SupportList:
    """A commune's first list for a programme (later changes are revisions of it)."""
    _require(user, "welfare.edit")
    if not Programme.objects.visible_to(user).filter(pk=programme.pk).exists():
        raise PermissionDenied(_("This programme is outside your area."))
    if commune.level != Level.COMMUNE:
        raise ValidationError({"commune": _("A list is compiled by a commune.")})
    if not user.sees_everything and not (user.scope_unit_id and commune.path.startswith(user.scope_unit.path)):
        raise ValidationError({"commune": _("%(unit)s is not in your area.") % {"unit": commune}})
    if not commune.path.startswith(programme.unit.path):
        raise ValidationError({"commune": _("%(unit)s is not covered by this programme.") % {"unit": commune}})
    if SupportList.objects.filter(programme=programme, commune=commune).exists():
        raise ValidationError(
            _("%(unit)s already has a list for this programme: open it (or revise it once approved).")
            % {"unit": commune},
            code="exists",
        )
    try:
        with acting_as(user), transaction.atomic():
            return SupportList.objects.create(
                programme=programme, commune=commune, note=clean_text(note), created_by=user
            )
    except IntegrityError as exc:
        raise ValidationError(_("This list was created at the same moment by someone else."), code="exists") from exc


def add_entry(
    user,
    support_list: SupportList,
    household: Household,
    person: Person | None = None,
    reason: str = "",
    written: dict | None = None,
    row_number: int | None = None,
) -> ListEntry:
    """Put a household (or person) of the commune on a draft list — eligible, or with a stated reason."""
    _require(user, "welfare.edit")
    _in_scope(user, support_list)
    programme = support_list.programme
    errors: list[str] = []
    if not Household.objects.visible_to(user).filter(
        pk=household.pk
    ).exists() or not household.neighbourhood.path.startswith(support_list.commune.path):
        errors.append(
            _("%(household)s is not a household of %(unit)s.") % {"household": household, "unit": support_list.commune}
        )
    if programme.beneficiary == Beneficiary.PERSON and person is None:
        errors.append(_("This programme is given per person: choose the person."))
    if programme.beneficiary == Beneficiary.HOUSEHOLD:
        person = None
    if person is not None and person.household_id != household.pk:
        errors.append(_("%(name)s is not a member of this household.") % {"name": person})
    if errors:
        raise ValidationError(errors)
    category = eligibility(programme, household, person)
    reason = clean_text(reason)
    if not category and not reason:
        raise ValidationError(
            {
                "reason": _(
                    "%(who)s has no category of this programme valid between %(start)s and %(end)s: "
                    "state why they should be on the list."
                )
                % {
                    "who": person or household,
                    "start": f"{programme.start_date:%d/%m/%Y}",
                    "end": f"{programme.end_date:%d/%m/%Y}",
                }
            },
            code="not_eligible",
        )
    row = dict(written or {})
    if reason:
        row["reason"] = reason
    with acting_as(user), transaction.atomic():
        locked = _locked(support_list)
        if locked.status not in EDITABLE:
            raise _locked_message(locked)
        same = (
            locked.entries.filter(person=person) if person else locked.entries.filter(household=household, person=None)
        )
        if same.exists():
            raise ValidationError(_("%(who)s is already on this list.") % {"who": person or household}, code="twice")
        return ListEntry.objects.create(
            support_list=locked,
            household=household,
            person=person,
            category=category,
            written=row,
            row_number=row_number,
        )


def _locked_message(support_list: SupportList) -> ValidationError:
    if support_list.status == ListStatus.APPROVED:
        return ValidationError(_("An approved list is locked: make a revision to change it."), code="locked")
    return ValidationError(
        _("This list is %(status)s: it can no longer be changed.")
        % {"status": support_list.get_status_display().lower()},
        code="locked",
    )


def remove_entry(user, entry: ListEntry) -> None:
    _require(user, "welfare.edit")
    _in_scope(user, entry.support_list)
    with acting_as(user), transaction.atomic():
        locked = _locked(entry.support_list)
        if locked.status not in EDITABLE:
            raise _locked_message(locked)
        entry.delete()


# --- the approval steps ------------------------------------------------------------------------------------------


def submit(user, support_list: SupportList) -> SupportList:
    """The commune sends its (draft or rejected-and-corrected) list to the district."""
    _require(user, "welfare.edit")
    _in_scope(user, support_list)
    with acting_as(user), transaction.atomic():
        locked = _locked(support_list)
        if locked.status not in EDITABLE:
            raise _wrong_status(locked, _("submitted"))
        if not locked.entries.exists():
            raise ValidationError(_("The list is empty: add households or people before submitting it."), code="empty")
        locked.status = ListStatus.SUBMITTED
        locked.rejection_reason = ""
        locked.submitted_at = timezone.now()
        locked.save()
    return _refresh(support_list, locked)


def check(user, support_list: SupportList) -> SupportList:
    """The district has checked the list and passes it to the city."""
    _require(user, "welfare.check")
    _in_scope(user, support_list)
    with acting_as(user), transaction.atomic():
        locked = _locked(support_list)
        if locked.status != ListStatus.SUBMITTED:
            raise _wrong_status(locked, _("checked"))
        locked.status = ListStatus.CHECKED
        locked.checked_by, locked.checked_at = user, timezone.now()
        locked.save()
    return _refresh(support_list, locked)


def approve(user, support_list: SupportList) -> SupportList:
    """The city approves a checked list; the revision it replaces (if any) is superseded."""
    _require(user, "welfare.approve")
    _in_scope(user, support_list)
    with acting_as(user), transaction.atomic():
        locked = _locked(support_list)
        if locked.status == ListStatus.APPROVED:
            raise ValidationError(_("This list is already approved."), code="approved")
        if locked.status != ListStatus.CHECKED:
            raise _wrong_status(locked, _("approved before the district has checked it"))
        locked.status = ListStatus.APPROVED
        locked.approved_by, locked.approved_at = user, timezone.now()
        locked.save()
        if locked.previous_id:
            previous = SupportList.objects.select_for_update().get(pk=locked.previous_id)
            previous.status = ListStatus.SUPERSEDED
            previous.save()
    return _refresh(support_list, locked)


def reject(user, support_list: SupportList, reason: str) -> SupportList:
    """The district (a submitted list) or the city (submitted or checked) sends it back, saying why."""
    reason = clean_text(reason)
    may_check, may_approve = user.has_role_perm("welfare.check"), user.has_role_perm("welfare.approve")
    if not (may_check or may_approve):
        raise PermissionDenied(_("Your role does not allow this."))
    _in_scope(user, support_list)
    if not reason:
        raise ValidationError({"reason": _("Say why the list is rejected.")}, code="reason")
    with acting_as(user), transaction.atomic():
        locked = _locked(support_list)
        allowed = {ListStatus.SUBMITTED} if may_check else set()
        if may_approve:
            allowed |= {ListStatus.SUBMITTED, ListStatus.CHECKED}
        if locked.status not in allowed:
            raise _wrong_status(locked, _("rejected"))
        locked.status = ListStatus.REJECTED
        locked.rejection_reason = reason
        locked.save()
    return _refresh(support_list, locked)


def revise(user, support_list: SupportList, note: str = "") -> SupportList:
    """A change to an approved list: revision n+1, a draft copy of its entries pointing back at it."""
    _require(user, "welfare.edit")
    _in_scope(user, support_list)
    with acting_as(user), transaction.atomic():
        locked = _locked(support_list)
        if locked.status != ListStatus.APPROVED:
            raise ValidationError(_("Only an approved list is revised; this one can still be changed."), code="status")
        if SupportList.objects.filter(previous=locked).exists():
            raise ValidationError(_("This list already has a revision in progress."), code="revision")
        revision = SupportList.objects.create(
            programme=locked.programme,
            commune=locked.commune,
            revision=locked.revision + 1,
            previous=locked,
            note=clean_text(note) or locked.note,
            created_by=user,
        )
        for e in locked.entries.all():  # one create per row: each is audited
            ListEntry.objects.create(
                support_list=revision,
                household_id=e.household_id,
                person_id=e.person_id,
                category=e.category,
                written=e.written,
                row_number=e.row_number,
            )
    return revision


def actions(user, support_list: SupportList) -> dict[str, bool]:
    """Which buttons the list page shows; the services check the same rules again."""
    status = support_list.status
    return {
        "can_edit": user.has_role_perm("welfare.edit") and status in EDITABLE,
        "can_submit": user.has_role_perm("welfare.edit") and status in EDITABLE,
        "can_check": user.has_role_perm("welfare.check") and status == ListStatus.SUBMITTED,
        "can_approve": user.has_role_perm("welfare.approve") and status == ListStatus.CHECKED,
        "can_reject": (user.has_role_perm("welfare.check") and status == ListStatus.SUBMITTED)
        or (user.has_role_perm("welfare.approve") and status in (ListStatus.SUBMITTED, ListStatus.CHECKED)),
        "can_revise": user.has_role_perm("welfare.edit")
        and status == ListStatus.APPROVED
        and not SupportList.objects.filter(previous=support_list).exists(),
        "can_distribute": user.has_role_perm("welfare.distribute") and status == ListStatus.APPROVED,
    }

"""The mobilisation workflow as plain functions: requests (đề xuất), decisions (quyết định điều động), release.

Health or a district proposes a request (draft → submitted); Home Affairs approves it, possibly with other numbers
per commune, or rejects it with a reason. From approved requests the allocation (allocation.py) proposes a decision
whose people are PROPOSED assignments, each with its "why"; Home Affairs swaps people, an agency head substitutes
one of their own with a reason, and the approval (number and symbol, signer) makes the assignments APPROVED and the
people "mobilised". A daily command (release_ended_mobilisations) marks people mobilised when their period starts
and releases them when it has ended.

Views, the API, commands and the demo call these functions and nothing else writes these rows. Every function runs
in one transaction (nothing is half-saved), checks the caller's role and jurisdiction (PermissionDenied), refuses
bad input with a ValidationError whose message says what to do (English source, translated), and is audited with
the caller as actor.

No person is ever in two overlapping approved assignments: the database refuses it (migration 0002), even for two
approvals at the same moment; `approve_decision` turns that refusal into a message naming the person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from auditlog.context import auditlog_value
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from phaodai.core.audit import acting_as, creation_entries
from phaodai.core.text import clean_text
from phaodai.mobilisation import blocs, reasons
from phaodai.mobilisation.models import (
    Assignment,
    AssignmentState,
    DecisionStatus,
    MobilisationDecision,
    RequestStatus,
    RequestTarget,
    StaffingRequest,
    Task,
)
from phaodai.mobilisation.pool import blocs_mobilisable_by
from phaodai.places.models import AdminUnit, Agency, Bloc, Level
from phaodai.staff.models import Skill, StaffMember, StaffStatus, VaccinationStatus

#: The name of the database rule (migration 0002) in the error PostgreSQL and SQLite give for an overlap.
OVERLAP_CONSTRAINT = "assignment_no_overlapping_mobilisation"
FULLY_VACCINATED = (VaccinationStatus.FULL, VaccinationStatus.BOOSTER)
#: "125/QĐ-UBND", "07/QĐ-SNV", "12/QĐ-BCĐ", "3/QĐ-UBND" (padded to "03/..."): number / type - body[-unit].
DECISION_NUMBER = re.compile(r"^(\d{1,6})/([A-ZĐ][A-Za-zĐđ]*)((?:-[A-ZĐ0-9][A-Za-zĐđ0-9]*)+)$")
# The Party's own numbering (Hướng dẫn 36-HD/VPTW): "18-QĐ/BTCTU", the kind before the slash.
PARTY_DECISION_NUMBER = re.compile(
    r"^(\d{1,6})-([A-ZĐ][A-Za-zĐđ]*)(/[A-ZĐ0-9][A-Za-zĐđ0-9]*(?:-[A-ZĐ0-9][A-Za-zĐđ0-9]*)*)$"
)


# --------------------------------------------------------------------------------------------------------------
# Shared checks
# --------------------------------------------------------------------------------------------------------------


def _require(user: Any, *permissions: str) -> None:
    """PermissionDenied unless the user's role grants one of `permissions`."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in first."))
    if not any(user.has_role_perm(p) for p in permissions):
        raise PermissionDenied(_("Your role does not allow this."))


def _visible(model: type, user: Any, pk: int, *, lock: bool = False):
    """The row as `user` may see it (locked for the rest of the transaction if asked), or PermissionDenied."""
    qs = model.objects.visible_to(user).filter(pk=pk)
    if lock:
        # visible_to() may add DISTINCT, which FOR UPDATE refuses: check visibility, then lock the plain row.
        if not qs.exists():
            raise PermissionDenied(_("This is outside your jurisdiction."))
        return model.objects.select_for_update().get(pk=pk)
    obj = qs.first()
    if obj is None:
        raise PermissionDenied(_("This is outside your jurisdiction."))
    return obj


def _refusal(messages: list[str], code: str) -> ValidationError:
    """Several messages, each carrying the code (forms show them all; callers and tests can read the code)."""
    return ValidationError([ValidationError(message, code=code) for message in messages])


def _day(value: date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _period(start: date, end: date) -> str:
    return _("%(start)s to %(end)s") % {"start": _day(start), "end": _day(end)}


def may_mobilise(user: Any, agency: Agency) -> bool:
    """The Party and mass-organisation bloc is mobilised only by the Party Organisation Board; the government bloc
    only by Home Affairs (mobilisation.decide)."""
    if agency.bloc == Bloc.PARTY:
        return user.has_role_perm("mobilisation.party")
    return user.has_role_perm("mobilisation.decide")


def _require_bloc(user: Any, agency: Agency) -> None:
    if not may_mobilise(user, agency):
        if agency.bloc == Bloc.PARTY:
            message = _(
                "%(agency)s belongs to the Party and mass-organisation bloc: only the Party Organisation Board "
                "mobilises its staff."
            )
        else:
            message = _("%(agency)s belongs to the government bloc: only Home Affairs mobilises its staff.")
        raise PermissionDenied(message % {"agency": agency})


def _jurisdiction_unit(user: Any) -> AdminUnit | None:
    if user.scope_unit_id:
        return user.scope_unit
    if user.scope_agency_id:
        return user.scope_agency.unit
    return None


def _within(unit: AdminUnit, ancestor: AdminUnit) -> bool:
    return unit.path.startswith(ancestor.path)


# --------------------------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------------------------


def _resolve_commune(key: Any) -> AdminUnit | None:
    """A target given as an AdminUnit, its primary key (int) or its GSO code (str)."""
    if isinstance(key, AdminUnit):
        return key
    if isinstance(key, int) and not isinstance(key, bool):
        return AdminUnit.objects.filter(pk=key).first()
    return AdminUnit.objects.filter(code=clean_text(str(key))).first()


def _resolve_skills(values: Iterable[Any], errors: list[str]) -> list[Skill]:
    skills: list[Skill] = []
    codes = []
    for value in values or ():
        if isinstance(value, Skill):
            skills.append(value)
        else:
            codes.append(clean_text(str(value)))
    found = {s.code: s for s in Skill.objects.filter(code__in=codes)}
    for code in codes:
        if code in found:
            skills.append(found[code])
        else:
            known = ", ".join(Skill.objects.order_by("code").values_list("code", flat=True))
            errors.append(
                _("There is no skill “%(code)s”. The skills are: %(known)s.") % {"code": code, "known": known}
            )
    return list({s.pk: s for s in skills}.values())


@dataclass
class _RequestData:
    fields: dict[str, Any]
    targets: list[tuple[AdminUnit, int]]
    required_skills: list[Skill]
    preferred_skills: list[Skill]


def _people_count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _validate_request(
    user: Any,
    *,
    title: str,
    task: str,
    start_date: date | None,
    end_date: date | None,
    targets: Mapping[Any, Any],
    task_detail: str,
    shift_pattern: str,
    required_skills: Iterable[Any],
    preferred_skills: Iterable[Any],
    vaccinated_only: bool,
    origin_unit: AdminUnit,
) -> _RequestData:
    """Every problem of a request at once, by field (the form shows each next to its field)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    title = clean_text(title)
    if not title:
        add("title", _("Give the request a title."))
    task_detail = clean_text(task_detail)
    if task not in Task.values:
        add("task", _("Unknown task “%(task)s”.") % {"task": task})
    elif task == Task.OTHER and not task_detail:
        add("task_detail", _("Describe the task."))
    if start_date is None:
        add("start_date", _("Enter the first day."))
    if end_date is None:
        add("end_date", _("Enter the last day."))
    if start_date and end_date and end_date < start_date:
        add(
            "end_date",
            _("The period ends (%(end)s) before it starts (%(start)s).")
            % {"end": _day(end_date), "start": _day(start_date)},
        )
    resolved: list[tuple[AdminUnit, int]] = []
    if not targets:
        add("targets", _("Name at least one commune and how many people it needs."))
    seen: set[int] = set()
    for key, raw in (targets or {}).items():
        commune = _resolve_commune(key)
        if commune is None:
            add("targets", _("There is no commune “%(key)s”.") % {"key": key})
            continue
        if commune.level != Level.COMMUNE:
            add(
                "targets",
                _("%(unit)s is not a commune: ask for people commune by commune.") % {"unit": commune},
            )
            continue
        if not _within(commune, origin_unit):
            add(
                "targets",
                _("%(commune)s is not in %(origin)s: you may only ask for people for communes of your jurisdiction.")
                % {"commune": commune, "origin": origin_unit},
            )
            continue
        if commune.pk in seen:
            add("targets", _("%(commune)s is named twice.") % {"commune": commune})
            continue
        seen.add(commune.pk)
        people = _people_count(raw)
        if people is None or people < 1:
            add("targets", _("%(commune)s: ask for at least one person.") % {"commune": commune})
            continue
        resolved.append((commune, people))
    skill_errors: list[str] = []
    required = _resolve_skills(required_skills, skill_errors)
    for message in skill_errors:
        add("required_skills", message)
    skill_errors = []
    preferred = _resolve_skills(preferred_skills, skill_errors)
    for message in skill_errors:
        add("preferred_skills", message)
    if errors:
        raise ValidationError(errors)
    required_ids = {s.pk for s in required}
    return _RequestData(
        fields={
            "title": title,
            "task": task,
            "task_detail": task_detail,
            "start_date": start_date,
            "end_date": end_date,
            "shift_pattern": clean_text(shift_pattern),
            "vaccinated_only": bool(vaccinated_only),
            "origin_unit": origin_unit,
        },
        targets=resolved,
        required_skills=required,
        # A required skill is not also "preferred".
        preferred_skills=[s for s in preferred if s.pk not in required_ids],
    )


def _origin_for(user: Any, origin_unit: AdminUnit | None) -> AdminUnit:
    own = _jurisdiction_unit(user)
    if origin_unit is None:
        if own is None:
            raise ValidationError(
                {"origin_unit": [_("Choose the jurisdiction the request is made for.")]}, code="origin_required"
            )
        return own
    if not user.sees_everything and (own is None or not _within(origin_unit, own)):
        raise PermissionDenied(_("%(unit)s is outside your jurisdiction.") % {"unit": origin_unit})
    return origin_unit


def _require_request_author(user: Any, request: StaffingRequest) -> None:
    """Only a proposer (Health, a district) whose jurisdiction covers the request's origin edits or submits it."""
    _require(user, "mobilisation.request")
    own = _jurisdiction_unit(user)
    if not user.sees_everything and (own is None or not _within(request.origin_unit, own)):
        raise PermissionDenied(_("Only the jurisdiction that made this request may change it."))


def _write_targets(request: StaffingRequest, targets: list[tuple[AdminUnit, int]]) -> None:
    wanted = {commune.pk: people for commune, people in targets}
    for target in request.targets.all():
        if target.commune_id not in wanted:
            target.delete()
        elif target.people_requested != wanted[target.commune_id]:
            target.people_requested = wanted[target.commune_id]
            target.save()
    existing = set(request.targets.values_list("commune_id", flat=True))
    for commune, people in targets:
        if commune.pk not in existing:
            RequestTarget.objects.create(request=request, commune=commune, people_requested=people)


def create_request(
    user: Any,
    *,
    title: str,
    task: str,
    start_date: date | None,
    end_date: date | None,
    targets: Mapping[Any, Any],
    task_detail: str = "",
    shift_pattern: str = "",
    required_skills: Iterable[Any] = (),
    preferred_skills: Iterable[Any] = (),
    vaccinated_only: bool = False,
    origin_unit: AdminUnit | None = None,
    submit: bool = False,
) -> StaffingRequest:
    """A draft request (or a submitted one with `submit=True`) of Health or a district for its own communes.

    `targets` maps each commune (an AdminUnit, its pk, or its GSO code) to the number of people it needs; skills are
    Skill objects or codes ("medical"). The proposing jurisdiction is the user's own unless given.
    """
    _require(user, "mobilisation.request")
    with acting_as(user), transaction.atomic():
        origin = _origin_for(user, origin_unit)
        data = _validate_request(
            user,
            title=title,
            task=task,
            start_date=start_date,
            end_date=end_date,
            targets=targets,
            task_detail=task_detail,
            shift_pattern=shift_pattern,
            required_skills=required_skills,
            preferred_skills=preferred_skills,
            vaccinated_only=vaccinated_only,
            origin_unit=origin,
        )
        request = StaffingRequest.objects.create(requested_by=user, **data.fields)
        request.required_skills.set(data.required_skills)
        request.preferred_skills.set(data.preferred_skills)
        _write_targets(request, data.targets)
        if submit:
            request.status = RequestStatus.SUBMITTED
            request.submitted_at = timezone.now()
            request.save(update_fields=["status", "submitted_at"])
        return request


_UNSET: Any = object()


def update_request(
    request: StaffingRequest,
    user: Any,
    *,
    title: str = _UNSET,
    task: str = _UNSET,
    start_date: date | None = _UNSET,
    end_date: date | None = _UNSET,
    targets: Mapping[Any, Any] = _UNSET,
    task_detail: str = _UNSET,
    shift_pattern: str = _UNSET,
    required_skills: Iterable[Any] = _UNSET,
    preferred_skills: Iterable[Any] = _UNSET,
    vaccinated_only: bool = _UNSET,
) -> StaffingRequest:
    """Change a draft; what is not given stays as it is (`targets` replaces all the communes)."""
    with acting_as(user), transaction.atomic():
        request = _visible(StaffingRequest, user, request.pk, lock=True)
        _require_request_author(user, request)
        if request.status != RequestStatus.DRAFT:
            raise ValidationError(
                _("Only a draft can be changed; this request is %(status)s.")
                % {"status": request.get_status_display().lower()},
                code="not_draft",
            )
        given = {
            "title": title,
            "task": task,
            "start_date": start_date,
            "end_date": end_date,
            "targets": targets,
            "task_detail": task_detail,
            "shift_pattern": shift_pattern,
            "required_skills": required_skills,
            "preferred_skills": preferred_skills,
            "vaccinated_only": vaccinated_only,
        }
        current = {
            "title": request.title,
            "task": request.task,
            "start_date": request.start_date,
            "end_date": request.end_date,
            "targets": {t.commune: t.people_requested for t in request.targets.select_related("commune")},
            "task_detail": request.task_detail,
            "shift_pattern": request.shift_pattern,
            "required_skills": list(request.required_skills.all()),
            "preferred_skills": list(request.preferred_skills.all()),
            "vaccinated_only": request.vaccinated_only,
        }
        values = {name: current[name] if value is _UNSET else value for name, value in given.items()}
        data = _validate_request(user, origin_unit=request.origin_unit, **values)
        for name, value in data.fields.items():
            setattr(request, name, value)
        request.save()
        request.required_skills.set(data.required_skills)
        request.preferred_skills.set(data.preferred_skills)
        _write_targets(request, data.targets)
        return request


def submit_request(request: StaffingRequest, user: Any) -> StaffingRequest:
    """Draft → submitted: Home Affairs may now decide it."""
    with acting_as(user), transaction.atomic():
        request = _visible(StaffingRequest, user, request.pk, lock=True)
        _require_request_author(user, request)
        if request.status != RequestStatus.DRAFT:
            raise ValidationError(
                _("This request was already submitted (it is %(status)s).")
                % {"status": request.get_status_display().lower()},
                code="already_submitted",
            )
        if not request.targets.exists():
            raise ValidationError(_("Name at least one commune before submitting."), code="no_targets")
        request.status = RequestStatus.SUBMITTED
        request.submitted_at = timezone.now()
        request.save(update_fields=["status", "submitted_at"])
        return request


def whole_pool(request: StaffingRequest, *, today: date | None = None) -> int:
    """How many people every agency of the request's province could give for its period, all blocs together."""
    return sum(blocs.pools_by_bloc(request).values())


def decide_request(
    request: StaffingRequest,
    user: Any,
    approve: bool,
    numbers: Mapping[Any, Any] | None = None,
    reason: str = "",
    *,
    today: date | None = None,
) -> StaffingRequest:
    """Home Affairs approves a submitted request (`numbers`: target id → people approved, for the communes whose
    number changes) or rejects it with a reason. A request is decided once."""
    _require(user, "mobilisation.decide")
    today = today or timezone.localdate()
    with acting_as(user), transaction.atomic():
        request = _visible(StaffingRequest, user, request.pk, lock=True)
        if request.status in (RequestStatus.APPROVED, RequestStatus.REJECTED):
            raise ValidationError(
                _("This request was already %(status)s on %(date)s by %(user)s.")
                % {
                    "status": request.get_status_display().lower(),
                    "date": _day(timezone.localdate(request.decided_at)) if request.decided_at else "—",
                    "user": request.decided_by or "—",
                },
                code="already_decided",
            )
        if request.status != RequestStatus.SUBMITTED:
            raise ValidationError(_("This request is still a draft: it must be submitted first."), code="not_submitted")
        if approve:
            _approve_numbers(request, numbers or {}, today)
            request.status = RequestStatus.APPROVED
        else:
            reason = clean_text(reason)
            if not reason:
                raise ValidationError({"reason": [_("Give the reason for rejecting the request.")]}, code="no_reason")
            request.status = RequestStatus.REJECTED
            request.rejection_reason = reason
        request.decided_by = user
        request.decided_at = timezone.now()
        request.save()
        _notify_requester(request)
        return request


def _approve_numbers(request: StaffingRequest, numbers: Mapping[Any, Any], today: date) -> None:
    targets = {t.pk: t for t in request.targets.select_related("commune")}
    errors: list[str] = []
    approved: dict[int, int] = {pk: t.people_requested for pk, t in targets.items()}
    for key, raw in numbers.items():
        pk = key.pk if isinstance(key, RequestTarget) else _people_count(key)
        target = targets.get(pk)
        if target is None:
            errors.append(_("“%(key)s” is not one of this request's communes.") % {"key": key})
            continue
        people = _people_count(raw)
        if people is None or people < 0:
            errors.append(_("%(commune)s: enter a number of people (0 or more).") % {"commune": target.commune})
        elif people > target.people_requested:
            errors.append(
                _("%(commune)s: %(approved)d approved but only %(requested)d requested.")
                % {"commune": target.commune, "approved": people, "requested": target.people_requested}
            )
        else:
            approved[pk] = people
    if errors:
        raise ValidationError({"numbers": errors}, code="numbers")
    total = sum(approved.values())
    if total == 0:
        raise ValidationError(
            {"numbers": [_("Nobody would be approved: reject the request instead, with a reason.")]}, code="zero"
        )
    pools = blocs.pools_by_bloc(request)
    pool = sum(pools.values())
    if total > pool:
        raise ValidationError(
            {
                "numbers": [
                    _(
                        "%(total)d people is more than the whole pool: all agencies together can spare %(pool)d "
                        "people from %(period)s (after keeping each one's in-office minimum). Approve at most "
                        "%(pool)d."
                    )
                    % {"total": total, "pool": pool, "period": _period(request.start_date, request.end_date)}
                ]
            },
            code="more_than_pool",
        )
    # Both blocs give in proportion to their pools (blocs.py); the pools are kept to explain the split later.
    shares = blocs.party_shares({pk: approved[pk] for pk in sorted(targets)}, pools)
    for pk, target in targets.items():
        if (target.people_approved, target.party_share) != (approved[pk], shares[pk]):
            target.people_approved, target.party_share = approved[pk], shares[pk]
            target.save(update_fields=["people_approved", "party_share"])
    request.bloc_pools = {bloc: int(n) for bloc, n in pools.items()}


def _notify_requester(request: StaffingRequest) -> None:
    from django.conf import settings
    from django.utils import translation

    from phaodai.notifications import services as notifications

    with translation.override(settings.LANGUAGE_CODE):
        if request.status == RequestStatus.APPROVED:
            subject = _("Request approved: %(title)s") % {"title": request.title}
            body = _("Home Affairs approved your request “%(title)s” for %(people)d people.") % {
                "title": request.title,
                "people": request.people_approved,
            }
        else:
            subject = _("Request rejected: %(title)s") % {"title": request.title}
            body = _("Home Affairs rejected your request “%(title)s”: %(reason)s") % {
                "title": request.title,
                "reason": request.rejection_reason,
            }
    notifications.queue(request.requested_by, subject, body, key=f"request:{request.pk}:{request.status}")


# --------------------------------------------------------------------------------------------------------------
# Decisions
# --------------------------------------------------------------------------------------------------------------


def propose_decision(requests: Iterable[StaffingRequest], user: Any, today: date | None = None) -> MobilisationDecision:
    """Run the allocation for approved requests and keep its result as a PROPOSED decision: one PROPOSED assignment
    per person chosen, with the reasons, and the quota arithmetic and shortfalls as the decision's explanation."""
    from phaodai.mobilisation.allocation import allocate

    _require(user, "mobilisation.decide", "mobilisation.party")
    today = today or timezone.localdate()
    with acting_as(user), transaction.atomic():
        pks = sorted({r.pk for r in requests})
        if not pks:
            raise ValidationError(_("Choose at least one approved request."), code="no_requests")
        visible = set(StaffingRequest.objects.visible_to(user).filter(pk__in=pks).values_list("pk", flat=True))
        if visible != set(pks):
            raise PermissionDenied(_("This is outside your jurisdiction."))
        # Locked: two people proposing from the same requests at once get one decision each, in turn.
        locked = list(StaffingRequest.objects.select_for_update().filter(pk__in=pks).order_by("pk"))
        errors = []
        for request in locked:
            if request.status != RequestStatus.APPROVED:
                errors.append(
                    _("“%(title)s” is %(status)s: only approved requests can be allocated.")
                    % {"title": request, "status": request.get_status_display().lower()}
                )
            elif request.end_date < today:
                errors.append(
                    _("“%(title)s” ended on %(date)s: nobody can be mobilised for a past period.")
                    % {"title": request, "date": _day(request.end_date)}
                )
        # Each bloc's run fills only its own share of each commune, less what that bloc already holds (blocs.py);
        # a request with nothing left for the user's blocs is refused.
        run_blocs = blocs_mobilisable_by(user)
        remaining = {r.pk: sum(blocs.places_left(r.targets.all(), run_blocs).values()) for r in locked}
        full = [r for r in locked if remaining[r.pk] <= 0]
        if full:
            errors.append(
                _("%(titles)s: every place your bloc must fill is already allocated by earlier decisions.")
                % {"titles": ", ".join(f"“{r}”" for r in full)}
            )
        if errors:
            raise _refusal(errors, "requests")
        proposal = allocate(locked, user=user, today=today)
        if not proposal.picks:
            raise ValidationError(
                _(
                    "Nobody can be chosen: no agency you may mobilise has anyone to spare for these periods "
                    "(everyone is on leave, already mobilised or needed for the in-office minimum)."
                ),
                code="pool_empty",
            )
        issuing = _jurisdiction_unit(user) or locked[0].origin_unit
        decision = MobilisationDecision.objects.create(
            issuing_unit=issuing, created_by=user, explanation=proposal.as_json()
        )
        decision.requests.set(locked)
        _create_assignments(decision, proposal.picks, user)
        return decision


def _create_assignments(decision: MobilisationDecision, picks: list[Any], user: Any) -> list[Assignment]:
    """One PROPOSED assignment per pick, bulk-created, with the audit entries auditlog would have written."""
    from auditlog.cid import get_cid
    from auditlog.models import LogEntry

    targets = {
        t.pk: t
        for t in RequestTarget.objects.filter(pk__in={p.target.pk for p in picks}).select_related("commune", "request")
    }
    rows = []
    for pick in picks:
        target = targets[pick.target.pk]
        rows.append(
            Assignment(
                decision=decision,
                target=target,
                staff_id=pick.staff_id,
                agency_id=pick.agency.pk,
                start_date=target.request.start_date,
                end_date=target.request.end_date,
                state=AssignmentState.PROPOSED,
                why=pick.reasons,
            )
        )
    Assignment.objects.bulk_create(rows, batch_size=500)
    if any(row.pk is None for row in rows):  # a backend without RETURNING: look the keys up
        keys = dict(decision.assignments.values_list("staff_id", "pk"))
        for row in rows:
            row.pk = row.id = keys[row.staff_id]
    context = auditlog_value.get({})
    LogEntry.objects.bulk_create(
        creation_entries(rows, actor=user, remote_addr=context.get("remote_addr"), cid=get_cid()), batch_size=500
    )
    return rows


def _eligibility_problems(
    staff: StaffMember, request: StaffingRequest, start: date, end: date, *, exclude: Assignment | None = None
) -> list[str]:
    """Why `staff` cannot take this place (empty list: they can): status, skills, vaccination, another mobilisation."""
    problems = []
    if staff.status == StaffStatus.ON_LEAVE:
        problems.append(_("%(name)s is on leave.") % {"name": staff})
    elif staff.status == StaffStatus.ISOLATED:
        problems.append(_("%(name)s is isolated or sick.") % {"name": staff})
    elif (
        staff.status == StaffStatus.MOBILISED
        and not Assignment.objects.filter(staff=staff, state=AssignmentState.APPROVED).exists()
    ):
        # Mobilised by someone else, outside this system: busy for every period (as in the pool).
        problems.append(_("%(name)s is marked as mobilised elsewhere.") % {"name": staff})
    missing = request.required_skills.exclude(pk__in=staff.skills.values("pk"))
    for skill in missing:
        problems.append(_("%(name)s lacks the required skill %(skill)s.") % {"name": staff, "skill": skill})
    if request.vaccinated_only and staff.vaccination_status not in FULLY_VACCINATED:
        problems.append(
            _("%(name)s is not fully vaccinated, and this task takes vaccinated staff only.") % {"name": staff}
        )
    overlapping = Assignment.objects.filter(
        staff=staff, state=AssignmentState.APPROVED, start_date__lte=end, end_date__gte=start
    ).select_related("decision")
    if exclude is not None:
        overlapping = overlapping.exclude(pk=exclude.pk)
    for other in overlapping:
        problems.append(_overlap_message(staff, other))
    return problems


def _overlap_message(staff: StaffMember, other: Assignment | None) -> str:
    if other is None:
        return _("%(name)s is already mobilised for an overlapping period.") % {"name": staff}
    return _("%(name)s is already mobilised from %(period)s by decision %(decision)s.") % {
        "name": staff,
        "period": _period(other.start_date, other.end_date),
        "decision": other.decision,
    }


def _editable_assignment(assignment: Assignment, user: Any) -> Assignment:
    """The assignment, re-read and locked with its decision, while the decision is still a proposal."""
    assignment = _visible(Assignment, user, assignment.pk, lock=True)
    decision = MobilisationDecision.objects.select_for_update().get(pk=assignment.decision_id)
    if decision.status != DecisionStatus.PROPOSED:
        raise ValidationError(
            _("Decision %(decision)s is %(status)s: its people can no longer be changed.")
            % {"decision": decision, "status": decision.get_status_display().lower()},
            code="decision_closed",
        )
    if assignment.state != AssignmentState.PROPOSED:
        raise ValidationError(
            _("%(name)s is no longer proposed in this decision.") % {"name": assignment.staff}, code="not_proposed"
        )
    return Assignment.objects.select_related("decision", "target__request", "target__commune", "staff", "agency").get(
        pk=assignment.pk
    )


def _check_newcomer(assignment: Assignment, new_staff: StaffMember, user: Any) -> StaffMember:
    visible = StaffMember.objects.visible_to(user).filter(pk=new_staff.pk).select_related("agency").first()
    if visible is None:
        raise PermissionDenied(_("%(name)s is outside your jurisdiction.") % {"name": new_staff})
    new_staff = visible
    if new_staff.pk == assignment.staff_id:
        raise ValidationError(_("%(name)s already holds this place.") % {"name": new_staff}, code="same_person")
    already = assignment.decision.assignments.filter(staff=new_staff).select_related("target__commune").first()
    if already is not None:
        if already.state == AssignmentState.WITHDRAWN:
            message = _("%(name)s was taken off this decision earlier: choose someone else.")
        else:
            message = _("%(name)s is already in this decision (for %(commune)s).")
        raise ValidationError(
            message % {"name": new_staff, "commune": already.target.commune}, code="already_in_decision"
        )
    problems = _eligibility_problems(new_staff, assignment.target.request, assignment.start_date, assignment.end_date)
    if problems:
        raise _refusal(problems, "not_eligible")
    return new_staff


def newcomer_problems(assignment: Assignment, new_staff: StaffMember, user: Any) -> list[str]:
    """Why `new_staff` could not take `assignment`'s place (empty: they could), by the very checks swap and
    substitute make: the forms offer only the people these leave in."""
    try:
        _check_newcomer(assignment, new_staff, user)
    except (ValidationError, PermissionDenied) as exc:
        return list(exc.messages) if isinstance(exc, ValidationError) else [str(exc)]
    return []


def swap_person(assignment: Assignment, new_staff: StaffMember, user: Any) -> Assignment:
    """Home Affairs (or the Party Organisation Board, for its bloc) puts someone else in a proposed place.

    The newcomer must be in the pool: available, with the request's required skills (and vaccinated if it asks),
    not mobilised elsewhere in the period, and their agency must still keep its in-office minimum.
    """
    from phaodai.mobilisation.pool import mobilisable_pool

    _require(user, "mobilisation.decide", "mobilisation.party")
    with acting_as(user), transaction.atomic():
        assignment = _editable_assignment(assignment, user)
        _require_bloc(user, assignment.agency)
        new_staff = _check_newcomer(assignment, new_staff, user)
        agency = new_staff.agency
        _require_bloc(user, agency)
        if agency.pk != assignment.agency_id:
            taken = (
                assignment.decision.assignments.filter(agency=agency)
                .exclude(state=AssignmentState.WITHDRAWN)
                .filter(start_date__lte=assignment.end_date, end_date__gte=assignment.start_date)
                .count()
            )
            [row] = mobilisable_pool(Agency.objects.filter(pk=agency.pk), assignment.start_date, assignment.end_date)
            if taken + 1 > row.mobilisable:
                raise ValidationError(
                    _(
                        "%(agency)s cannot spare another person: %(mobilisable)d can be mobilised (%(arithmetic)s) "
                        "and this decision already takes %(taken)d."
                    )
                    % {
                        "agency": agency,
                        "mobilisable": row.mobilisable,
                        "arithmetic": row.computation,
                        "taken": taken,
                    },
                    code="agency_minimum",
                )
        old = assignment.staff
        assignment.staff = new_staff
        assignment.agency = agency
        assignment.why = [
            reasons.reason(
                gettext_noop("Chosen by %(user)s in place of %(old)s."),
                user=str(user.get_full_name() or user),
                old=str(old),
            )
        ]
        assignment.save()
        return assignment


def substitute(assignment: Assignment, new_staff: StaffMember, user: Any, reason: str) -> Assignment:
    """An agency head puts another of their own agency's people in a proposed place, with the reason.

    The place taken over is withdrawn (kept, for the record); the new one says whom it substitutes and why.
    """
    _require(user, "mobilisation.substitute")
    reason = clean_text(reason)
    with acting_as(user), transaction.atomic():
        assignment = _editable_assignment(assignment, user)
        if not reason:
            raise ValidationError({"reason": [_("Say why %(name)s is substituted.") % {"name": assignment.staff}]})
        new_staff = _check_newcomer(assignment, new_staff, user)
        if new_staff.agency_id != assignment.agency_id:
            raise ValidationError(
                _("%(name)s works for %(their)s, not %(agency)s: an agency substitutes only its own staff.")
                % {"name": new_staff, "their": new_staff.agency, "agency": assignment.agency},
                code="other_agency",
            )
        assignment.state = AssignmentState.WITHDRAWN
        assignment.save(update_fields=["state"])
        return Assignment.objects.create(
            decision=assignment.decision,
            target=assignment.target,
            staff=new_staff,
            agency=assignment.agency,
            start_date=assignment.start_date,
            end_date=assignment.end_date,
            state=AssignmentState.PROPOSED,
            why=[
                reasons.reason(
                    gettext_noop("Put forward by %(agency)s in place of %(old)s: %(reason)s"),
                    agency=str(assignment.agency),
                    old=str(assignment.staff),
                    reason=reason,
                )
            ],
            substitutes=assignment,
            substitution_reason=reason,
        )


def normalise_decision_number(number: str) -> str:
    """ "125/QĐ-UBND" (or the Party's "18-QĐ/BTCTU") as the clerical rules write it: no spaces, the number
    zero-padded below 10 ("05/QĐ-UBND")."""
    text = clean_text(number).replace(" ", "")
    if text.lower().startswith("số:"):
        text = text[3:]
    match = DECISION_NUMBER.match(text)
    if match:
        value, kind, rest = match.groups()
        return f"{int(value):02d}/{kind}{rest}"
    match = PARTY_DECISION_NUMBER.match(text)
    if match:
        value, kind, rest = match.groups()
        return f"{int(value):02d}-{kind}{rest}"
    raise ValidationError(
        {"number": [_("Write the number and symbol as on the document, e.g. 125/QĐ-UBND or 18-QĐ/BTCTU.")]},
        code="number_format",
    )


def approve_decision(
    decision: MobilisationDecision,
    user: Any,
    number: str,
    signer_name: str,
    signer_title: str,
    *,
    today: date | None = None,
) -> MobilisationDecision:
    """Sign the decision: its proposed people become mobilised for their period (status "mobilised" from the first
    day), everyone concerned is notified. Approving twice, or a person on leave, or a person mobilised elsewhere in
    the period (even by an approval at the same moment) is refused, and then nothing is saved."""
    from phaodai.notifications.services import notify_decision_approved

    _require(user, "mobilisation.decide", "mobilisation.party")
    today = today or timezone.localdate()
    with acting_as(user), transaction.atomic():
        decision = _visible(MobilisationDecision, user, decision.pk, lock=True)
        if decision.status == DecisionStatus.APPROVED:
            raise ValidationError(
                _("This decision was already approved as %(number)s on %(date)s.")
                % {"number": decision.number, "date": _day(timezone.localdate(decision.approved_at))},
                code="already_approved",
            )
        if decision.status == DecisionStatus.CANCELLED:
            raise ValidationError(_("This decision was cancelled."), code="cancelled")
        errors: dict[str, list[str]] = {}
        try:
            number = normalise_decision_number(number)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        else:
            clash = MobilisationDecision.objects.filter(
                issuing_unit=decision.issuing_unit,
                status=DecisionStatus.APPROVED,
                number=number,
                approved_at__year=timezone.localtime().year,
            ).exists()
            if clash:
                errors["number"] = [
                    _("Number %(number)s is already used this year by another decision of %(unit)s.")
                    % {"number": number, "unit": decision.issuing_unit}
                ]
        signer_name, signer_title = clean_text(signer_name), signer_title.strip()
        if not signer_name:
            errors["signer_name"] = [_("Enter the full name of the person who signs.")]
        if not clean_text(signer_title):
            errors["signer_title"] = [_("Enter the signer's title, e.g. Chủ tịch.")]
        if errors:
            raise ValidationError(errors)

        rows = list(
            decision.assignments.filter(state=AssignmentState.PROPOSED)
            .select_related("staff", "agency", "target__commune", "target__request")
            .order_by("staff__search_name", "pk")
        )
        if not rows:
            raise ValidationError(_("This decision has nobody to mobilise."), code="empty")
        problems: list[str] = []
        for agency in {row.agency_id: row.agency for row in rows}.values():
            if not may_mobilise(user, agency):
                problems.append(
                    _("%(agency)s is not of your bloc: its staff are mobilised by another decision.")
                    % {"agency": agency}
                )
        for row in rows:
            if row.end_date < today:
                problems.append(
                    _("%(name)s: the period %(period)s has already ended.")
                    % {"name": row.staff, "period": _period(row.start_date, row.end_date)}
                )
            elif row.staff.status in (StaffStatus.ON_LEAVE, StaffStatus.ISOLATED):
                problems.append(
                    _("%(name)s is %(status)s: swap or substitute them first.")
                    % {"name": row.staff, "status": row.staff.get_status_display().lower()}
                )
        if problems:
            raise _refusal(problems, "not_eligible")

        # The database has the last word on overlaps (it also sees approvals happening at this very moment).
        conflicts = _mark_approved(rows)
        if conflicts:
            raise _refusal(conflicts, "overlap")

        decision.number = number
        decision.status = DecisionStatus.APPROVED
        decision.approved_by = user
        decision.approved_at = timezone.now()
        decision.signer_name = signer_name
        decision.signer_title = signer_title
        decision.save()
        for row in rows:
            if row.start_date <= today <= row.end_date and row.staff.status == StaffStatus.AVAILABLE:
                row.staff.status = StaffStatus.MOBILISED
                row.staff.save(update_fields=["status", "updated_at"])
        notify_decision_approved(decision)
        return decision


def _mark_approved(rows: list[Assignment]) -> list[str]:
    """Approve each row in its own savepoint; the rows the database refuses as overlapping become messages."""
    conflicts = []
    for row in rows:
        row.state = AssignmentState.APPROVED
        try:
            with transaction.atomic():
                row.save(update_fields=["state"])
        except IntegrityError as exc:
            if OVERLAP_CONSTRAINT not in str(exc):
                raise
            row.state = AssignmentState.PROPOSED
            other = (
                Assignment.objects.filter(
                    staff_id=row.staff_id,
                    state=AssignmentState.APPROVED,
                    start_date__lte=row.end_date,
                    end_date__gte=row.start_date,
                )
                .exclude(pk=row.pk)
                .select_related("decision")
                .first()
            )
            conflicts.append(_overlap_message(row.staff, other))
    return conflicts


def cancel_decision(decision: MobilisationDecision, user: Any) -> MobilisationDecision:
    """Drop a proposed decision: its places are withdrawn and its requests can be allocated again."""
    _require(user, "mobilisation.decide", "mobilisation.party")
    with acting_as(user), transaction.atomic():
        decision = _visible(MobilisationDecision, user, decision.pk, lock=True)
        if decision.status != DecisionStatus.PROPOSED:
            raise ValidationError(
                _("Only a proposed decision can be cancelled; this one is %(status)s.")
                % {"status": decision.get_status_display().lower()},
                code="not_proposed",
            )
        for row in decision.assignments.filter(state=AssignmentState.PROPOSED):
            row.state = AssignmentState.WITHDRAWN
            row.save(update_fields=["state"])
        decision.status = DecisionStatus.CANCELLED
        decision.save(update_fields=["status"])
        return decision


# --------------------------------------------------------------------------------------------------------------
# The daily run: start and release
# --------------------------------------------------------------------------------------------------------------


def start_due(today: date) -> int:
    """People whose approved period covers `today` and who are marked available become "mobilised".

    (Approval marks those whose period has already begun; this catches periods that begin later.) People on leave
    or isolated keep that status. Returns how many people changed.
    """
    with transaction.atomic():
        people = StaffMember.objects.filter(
            status=StaffStatus.AVAILABLE,
            pk__in=Assignment.objects.active_on(today).values("staff_id"),
        ).select_for_update()
        count = 0
        for person in people:
            person.status = StaffStatus.MOBILISED
            person.save(update_fields=["status", "updated_at"])
            count += 1
        return count


def release_ended(today: date) -> int:
    """Approved assignments that ended before `today` become RELEASED; people marked mobilised who are no longer in
    any approved assignment covering `today` become available again. Returns how many assignments were released."""
    with transaction.atomic():
        ended = Assignment.objects.filter(state=AssignmentState.APPROVED, end_date__lt=today).select_for_update()
        released = 0
        for row in ended:
            row.state = AssignmentState.RELEASED
            row.save(update_fields=["state"])
            released += 1
        # Only people this system mobilised (they have an ended assignment): someone marked mobilised by hand, with
        # no assignment here, was mobilised elsewhere and stays so.
        ended_for = Assignment.objects.filter(
            state__in=[AssignmentState.APPROVED, AssignmentState.RELEASED], end_date__lt=today
        ).values("staff_id")
        still_active = Assignment.objects.active_on(today).values("staff_id")
        people = (
            StaffMember.objects.filter(status=StaffStatus.MOBILISED, pk__in=ended_for)
            .exclude(pk__in=still_active)
            .select_for_update()
        )
        for person in people:
            person.status = StaffStatus.AVAILABLE
            person.save(update_fields=["status", "updated_at"])
        return released

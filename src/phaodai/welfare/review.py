"""The review queue of possible duplicates: run the matcher, store its candidates, record decisions.

- `run_for_commune(commune, user)`: the registry's people of a commune among themselves (kind "person").
- `run_for_list(support_list, user)`: a list's rows against the rows of every other list of the same programme the
  user sees — the lists of other communes included (kind "entry").
- `decide(candidate, same=..., user=...)`: "not the same" is remembered (the pair is never proposed again);
  "the same" for two people merges them: the list rows, distributions and categories of the duplicate are moved to
  the kept person and the duplicate is removed, in one audited transaction. For two list rows it marks them.
- `likely_duplicates(programme, user)`: the likely matches between rows of a programme's lists, for the
  "Không trùng" report.

A candidate belongs to the smallest unit holding both records (`MatchCandidate.unit`): who may review it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from phaodai.core.audit import acting_as
from phaodai.places.models import AdminUnit
from phaodai.welfare import matching
from phaodai.welfare.models import (
    Beneficiary,
    Distribution,
    HouseholdCategory,
    ListEntry,
    ListStatus,
    MatchCandidate,
    MatchDecision,
    MatchState,
    Person,
    Programme,
    RecordKind,
    SupportList,
)

REVIEW = "welfare.review"
#: At most this many registry people help estimate the model for a list run (a district's registry is plenty).
CONTEXT_LIMIT = 50_000


def _require(user: Any, permission: str = REVIEW) -> None:
    if not user.has_role_perm(permission):
        raise PermissionDenied(_("Your role does not allow reviewing possible duplicates."))


def ordered(a: str, b: str) -> tuple[str, str]:
    """A pair's keys, smaller first: how candidates and decisions store them."""
    return (a, b) if a < b else (b, a)


def decision_for(a: str, b: str) -> MatchDecision | None:
    """The decision already taken on this pair of records, if any (for importers: remembered decisions)."""
    left, right = ordered(a, b)
    return MatchDecision.objects.filter(left_key=left, right_key=right).first()


# --------------------------------------------------------------------------------------------------- records


def person_record(person: Person) -> matching.Record:
    household = person.household
    return matching.Record(
        key=f"person:{person.pk}",
        full_name=person.full_name,
        date_of_birth=person.date_of_birth,
        birth_year=person.birth_year,
        citizen_id=person.citizen_id,
        phone=person.phone or household.phone,
        address=household.address,
        household=f"household:{household.pk}",
        source="registry",
    )


def entry_record(entry: ListEntry, members: list[str] | None = None) -> matching.Record:
    """A list row as the commune wrote it (`written`), completed from the registry record it points to."""
    written = entry.written or {}
    person, household = entry.person, entry.household
    name = written.get("full_name") or written.get("head_name") or (person.full_name if person else household.head_name)
    return matching.Record(
        key=f"entry:{entry.pk}",
        full_name=str(name),
        date_of_birth=written.get("date_of_birth") or (person.date_of_birth if person else None),
        birth_year=person.birth_year if person else None,
        citizen_id=str(written.get("citizen_id") or (person.citizen_id if person else "")),
        phone=str(written.get("phone") or (person.phone if person else "") or household.phone),
        address=str(written.get("address") or household.address),
        household=f"household:{household.pk}",
        source=f"list:{entry.support_list_id}",
        members=members or [],
    )


# --------------------------------------------------------------------------------------------------- where


def _path_of(key: str) -> str:
    kind, pk = key.split(":")
    if kind == "person":
        return Person.objects.values_list("household__neighbourhood__path", flat=True).get(pk=pk)
    return ListEntry.objects.values_list("support_list__commune__path", flat=True).get(pk=pk)


def common_unit(paths: Iterable[str]) -> AdminUnit:
    """The smallest unit whose subtree holds every path ("/92/916/31135/…" and "/92/916/31120/" → Ninh Kiều)."""
    split = [p.strip("/").split("/") for p in paths]
    common: list[str] = []
    for codes in zip(*split, strict=False):
        if len(set(codes)) != 1:
            break
        common.append(codes[0])
    return AdminUnit.objects.get(path="/" + "/".join(common) + "/")


# --------------------------------------------------------------------------------------------------- runs


@dataclass
class RunResult:
    compared: int
    proposed: int
    already_decided: int


def store(pairs: list[matching.Pair], kind: str) -> RunResult:
    """Keep the matcher's pairs as candidates to review, except those already decided (remembered decisions)."""
    decided = set(
        MatchDecision.objects.filter(
            Q(left_key__in=[p.left for p in pairs]) | Q(right_key__in=[p.right for p in pairs])
        ).values_list("left_key", "right_key")
    )
    proposed = skipped = 0
    for pair in pairs:
        if (pair.left, pair.right) in decided:
            skipped += 1
            continue
        existing = MatchCandidate.objects.filter(left_key=pair.left, right_key=pair.right).first()
        if existing is not None and existing.state != MatchState.PENDING:
            skipped += 1
            continue
        unit = common_unit([_path_of(pair.left), _path_of(pair.right)])
        values = {"kind": kind, "unit": unit, "probability": round(pair.probability, 6), "comparison": pair.fields}
        if existing is None:
            MatchCandidate.objects.create(left_key=pair.left, right_key=pair.right, **values)
        else:
            for name, value in values.items():
                setattr(existing, name, value)
            existing.save()
        proposed += 1
    return RunResult(compared=0, proposed=proposed, already_decided=skipped)


def run_for_commune(commune: AdminUnit, user: Any) -> RunResult:
    """Look for one person registered twice among the households of a commune (and its neighbourhoods)."""
    _require(user)
    if not AdminUnit.objects.visible_to(user).filter(pk=commune.pk).exists():
        raise PermissionDenied
    people = (
        Person.objects.visible_to(user)
        .filter(household__neighbourhood__path__startswith=commune.path)
        .select_related("household")
    )
    records = [person_record(p) for p in people]
    pairs = matching.find_candidates(records)
    with acting_as(user), transaction.atomic():
        result = store(pairs, RecordKind.PERSON)
    result.compared = len(records)
    return result


def run_for_list(support_list: SupportList, user: Any) -> RunResult:
    """Look for the rows of a list that are also on it again or on another list of the same programme."""
    _require(user)
    if not SupportList.objects.visible_to(user).filter(pk=support_list.pk).exists():
        raise PermissionDenied
    per_household = support_list.programme.beneficiary == Beneficiary.HOUSEHOLD
    entries = (
        ListEntry.objects.filter(
            support_list__in=SupportList.objects.visible_to(user).filter(programme=support_list.programme)
        )
        .exclude(support_list__status=ListStatus.SUPERSEDED)
        .select_related("person", "household", "support_list__commune")
        .prefetch_related("household__people")
    )
    own: list[matching.Record] = []
    others: list[matching.Record] = []
    for entry in entries:
        members = [p.full_name for p in entry.household.people.all()] if per_household else None
        (own if entry.support_list_id == support_list.pk else others).append(entry_record(entry, members))
    # The registry of the communes concerned teaches the model how often names and birth years coincide.
    communes = {support_list.commune.path} | {e.support_list.commune.path for e in entries}
    registry = Q()
    for path in communes:
        registry |= Q(household__neighbourhood__path__startswith=path)
    people = Person.objects.visible_to(user).filter(registry).select_related("household")[:CONTEXT_LIMIT]
    context = [person_record(p) for p in people] if not per_household else []
    pairs = matching.find_candidates(own, against=others, context=context, households=per_household)
    with acting_as(user), transaction.atomic():
        result = store(pairs, RecordKind.ENTRY)
    result.compared = len(own) + len(others)
    return result


# --------------------------------------------------------------------------------------------------- decisions


def decide(candidate: MatchCandidate, *, same: bool, user: Any, note: str = "") -> MatchDecision:
    """Record a reviewer's decision on a candidate; "the same" for two people merges them (see the module doc)."""
    _require(user)
    if not MatchCandidate.objects.visible_to(user).filter(pk=candidate.pk).exists():
        raise PermissionDenied
    with acting_as(user), transaction.atomic():
        candidate = MatchCandidate.objects.select_for_update().get(pk=candidate.pk)
        if candidate.state != MatchState.PENDING:
            raise ValidationError(_("This pair has already been decided."), code="decided")
        if same and candidate.kind == RecordKind.PERSON:
            merge_people(candidate.left_key, candidate.right_key)
        decision = MatchDecision.objects.create(
            left_key=candidate.left_key,
            right_key=candidate.right_key,
            same=same,
            note=note.strip(),
            decided_by=user,
            decided_at=timezone.now(),
        )
        candidate.state = MatchState.SAME if same else MatchState.DIFFERENT
        candidate.save(update_fields=["state"])
    return decision


def merge_people(left_key: str, right_key: str) -> Person:
    """Keep the person registered first; move the other's list rows, distributions and categories to them.

    Called inside decide()'s transaction: either everything moves or nothing does.
    """
    ids = sorted(int(k.split(":")[1]) for k in (left_key, right_key))
    people = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=ids)}
    if len(people) != 2:
        raise ValidationError(_("One of these two people is no longer in the registry."), code="gone")
    kept, duplicate = people[ids[0]], people[ids[1]]
    for entry in ListEntry.objects.filter(person=duplicate).select_related("support_list"):
        if ListEntry.objects.filter(support_list=entry.support_list, person=kept).exists():
            if entry.support_list.status != ListStatus.DRAFT:
                raise ValidationError(
                    _(
                        "Both are on the list “%(list)s”, which is no longer a draft: make a new revision without "
                        "the duplicate row first."
                    )
                    % {"list": entry.support_list},
                    code="both_on_locked_list",
                )
            entry.delete()  # the same person twice on a draft list: the second row goes
            continue
        entry.person = kept
        entry.household = kept.household
        entry.save(update_fields=["person", "household"])
    for given in Distribution.objects.filter(person=duplicate):
        if Distribution.objects.filter(programme=given.programme, person=kept, occurrence=given.occurrence).exists():
            raise ValidationError(
                _(
                    "Both received “%(programme)s” (time %(time)d): this is a double payment to settle before the "
                    "two records can be merged."
                )
                % {"programme": given.programme, "time": given.occurrence},
                code="received_twice",
            )
        given.person = kept
        given.household = kept.household
        given.save(update_fields=["person", "household"])
    HouseholdCategory.objects.filter(person=duplicate).update(person=kept, household=kept.household)
    # Pending pairs naming the removed record would point at nothing.
    gone = f"person:{duplicate.pk}"
    MatchCandidate.objects.filter(Q(left_key=gone) | Q(right_key=gone), state=MatchState.PENDING).exclude(
        left_key=left_key, right_key=right_key
    ).delete()
    duplicate.delete()
    return kept


# --------------------------------------------------------------------------------------------------- reports


def records_of(candidate: MatchCandidate) -> tuple[Any, Any]:
    """The two records of a candidate (None for one that no longer exists)."""
    found = []
    for key in (candidate.left_key, candidate.right_key):
        kind, pk = key.split(":")
        if kind == "person":
            found.append(Person.objects.select_related("household__neighbourhood").filter(pk=pk).first())
        else:
            related = ("support_list__commune", "support_list__programme", "person", "household")
            found.append(ListEntry.objects.select_related(*related).filter(pk=pk).first())
    return found[0], found[1]


def likely_duplicates(programme: Programme, user: Any) -> list[dict[str, Any]]:
    """Rows of the programme's lists that are likely the same person or household as another row (the matcher's
    probability ≥ LIKELY_THRESHOLD, not decided "not the same"), for the "Không trùng" report.

    Each row: candidate, left / right (ListEntry), left_list / right_list (SupportList), probability, state.
    """
    candidates = MatchCandidate.objects.visible_to(user).filter(
        kind=RecordKind.ENTRY,
        probability__gte=matching.LIKELY_THRESHOLD,
        state__in=[MatchState.PENDING, MatchState.SAME],
    )
    rows = []
    for candidate in candidates:
        left, right = records_of(candidate)
        if left is None or right is None or left.support_list.programme_id != programme.pk:
            continue
        rows.append(
            {
                "candidate": candidate,
                "left": left,
                "right": right,
                "left_list": left.support_list,
                "right_list": right.support_list,
                "probability": candidate.probability,
                "state": candidate.state,
            }
        )
    return rows

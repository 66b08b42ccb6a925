"""The two reports the seeds ask for: "không để sót" (no one missed) and "không để trùng" (no one counted twice).

- `missed(programme, user)`: households (per-household programme) or people (per-person) of the registry whose
  categories make them eligible during the programme's period (lists.eligible_*) but who are on no APPROVED list
  of it. Only what the user may see.
- `duplicates(programme, user)`: entries of the programme's current lists (not superseded, not rejected) that stand
  for the same household or person more than once, by EXACT key: the same registry record, the same citizen ID (of
  the person, or the head of the household, or as written in the list), or the same head and address once folded
  (accents, case, spacing). Entries sharing any key form one group. `likely_duplicates(programme, user)` adds the
  matcher's likely matches (welfare.review).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from phaodai.core.text import fold
from phaodai.places.models import Household
from phaodai.welfare import lists
from phaodai.welfare.models import Beneficiary, ListEntry, ListStatus, Person, Programme, Relationship


def per_person(programme: Programme) -> bool:
    return programme.beneficiary == Beneficiary.PERSON


# --- không sót -----------------------------------------------------------------------------------------------


def missed(programme: Programme, user) -> QuerySet:
    """Eligible, visible, and on no approved list of the programme."""
    approved = ListEntry.objects.filter(support_list__programme=programme, support_list__status=ListStatus.APPROVED)
    if per_person(programme):
        return (
            Person.objects.visible_to(user)
            .filter(pk__in=lists.eligible_people(programme).values("pk"))
            .exclude(pk__in=approved.filter(person__isnull=False).values("person"))
            .select_related("household", "household__neighbourhood", "household__neighbourhood__parent")
            .order_by("household__neighbourhood__path", "household__address", "full_name")
        )
    return (
        Household.objects.visible_to(user)
        .filter(pk__in=lists.eligible_households(programme).values("pk"))
        .exclude(pk__in=approved.values("household"))
        .select_related("neighbourhood", "neighbourhood__parent")
        .order_by("neighbourhood__path", "address", "head_name")
    )


def eligible_for(programme: Programme, row) -> str:
    """The eligible categories of a missed row, as words."""
    from phaodai.welfare.models import Category

    rows = lists.eligible_categories(programme)
    if isinstance(row, Person):
        rows = rows.filter(household_id=row.household_id).filter(Q(person=row) | Q(person__isnull=True))
    else:
        rows = rows.filter(household=row)
    return ", ".join(str(Category(c).label) for c in sorted(set(rows.values_list("category", flat=True))))


# --- không trùng ---------------------------------------------------------------------------------------------


@dataclass
class DuplicateGroup:
    """Entries that stand for the same household or person, and why we know (the keys they share)."""

    entries: list[ListEntry] = field(default_factory=list)
    reasons: set[str] = field(default_factory=set)

    @property
    def reason_text(self) -> str:
        return "; ".join(sorted(self.reasons))

    @property
    def who(self) -> str:
        first = self.entries[0]
        return str(first.person.full_name if first.person_id else first.household.head_name)


def current_entries(programme: Programme, user) -> QuerySet[ListEntry]:
    from phaodai.welfare.models import SupportList

    visible = SupportList.objects.visible_to(user).filter(programme=programme, status__in=lists.CURRENT)
    return (
        ListEntry.objects.filter(support_list__in=visible)
        .select_related("support_list", "support_list__commune", "household", "household__neighbourhood", "person")
        .order_by("support_list__commune__path", "pk")
    )


def _keys(entry: ListEntry, heads: dict[int, str]) -> list[tuple[str, str]]:
    keys: list[tuple[str, str]] = []
    written_id = str((entry.written or {}).get("citizen_id") or "").strip()
    if entry.person_id:
        keys.append((_("the same person in the registry"), f"person:{entry.person_id}"))
        if entry.person.citizen_id:
            keys.append((_("the same citizen ID"), f"id:{entry.person.citizen_id}"))
    else:
        keys.append((_("the same household in the registry"), f"household:{entry.household_id}"))
        if heads.get(entry.household_id):
            keys.append((_("the same citizen ID"), f"id:{heads[entry.household_id]}"))
        h = entry.household
        keys.append((_("the same head and address"), f"head:{fold(h.head_name)}|{fold(h.address)}"))
    if written_id:
        keys.append((_("the same citizen ID"), f"id:{written_id}"))
    return keys


def duplicates(programme: Programme, user) -> list[DuplicateGroup]:
    """Groups of two or more current entries of the programme that share an exact key."""
    entries = list(current_entries(programme, user))
    heads = dict(
        Person.objects.filter(household__in={e.household_id for e in entries}, relationship=Relationship.HEAD)
        .exclude(citizen_id="")
        .values_list("household_id", "citizen_id")
    )
    parent = list(range(len(entries)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_key: dict[str, list[int]] = defaultdict(list)
    label: dict[str, str] = {}
    for index, entry in enumerate(entries):
        for reason, key in _keys(entry, heads):
            by_key[key].append(index)
            label[key] = reason
    reasons: dict[int, set[str]] = defaultdict(set)
    for key, indexes in by_key.items():
        if len(set(indexes)) < 2:
            continue
        for other in indexes[1:]:
            parent[find(other)] = find(indexes[0])
        for i in indexes:
            reasons[i].add(label[key])
    groups: dict[int, DuplicateGroup] = {}
    for index, entry in enumerate(entries):
        if index not in reasons:
            continue
        group = groups.setdefault(find(index), DuplicateGroup())
        group.entries.append(entry)
        group.reasons |= reasons[index]
    return [g for g in groups.values() if len(g.entries) > 1]


def likely_duplicates(programme: Programme, user) -> list:
    """The matcher's likely matches for the programme (welfare.review: pairs found by the Splink model with a
    probability of at least its report threshold), beside the exact-key groups above."""
    from phaodai.welfare import review

    return list(review.likely_duplicates(programme, user))

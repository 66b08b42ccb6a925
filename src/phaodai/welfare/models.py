"""Welfare (issue #7): household registries, support programmes, lists and distributions — "không để sót, không để
trùng" (no household missed, none counted twice).

Seeds 001 and 002: lists of poor, vulnerable and lockdown-affected households; support under Resolutions 68/NQ-CP
and 52/NQ-HĐND; food and necessities delivered; lists of informal workers that must be accurate. Today these lists
are Excel files sent up from every ward.

- The **registry** is `places.Household` (an address in a neighbourhood, its head) with its **members** (Person)
  and **categories** (HouseholdCategory / PersonCategory: poor, near-poor, elderly living alone, … with a period
  of validity).
- A **programme** (Programme) has its legal basis, eligible categories, the benefit (cash or goods), whether it is
  per household or per person, how many times, and its period.
- A **list** (SupportList) is compiled by a commune for a programme, checked by the district, approved by the city;
  rejections carry reasons; an approved list is locked: a change is a new **revision** (`revision`, `previous`),
  audited. Its rows are ListEntry (a household, or a person for a per-person programme).
- A **distribution** (Distribution) records who received what, when, from whom; `occurrence` numbers the times a
  recipient received the programme's benefit, and the database refuses more than the programme allows (unique
  occurrence per recipient and programme + a check against the programme's `times`, kept in step by
  welfare.constraints — see the migration).
- **Duplicates**: candidate pairs found by the matcher (welfare.matching, Splink) go to a review queue
  (MatchCandidate); the decision (same / not the same) is recorded (MatchDecision), audited and remembered for the
  next import (a pair decided "not the same" is never proposed again; "same" links the records).
Names follow GLOSSARY.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from phaodai.core.scope import ScopedQuerySet, unit_subtree_q
from phaodai.core.text import clean_text, fold


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Relationship(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other relative or member")


class Category(models.TextChoices):
    POOR = "poor", _("Poor household")
    NEAR_POOR = "near_poor", _("Near-poor household")
    ELDERLY_ALONE = "elderly_alone", _("Elderly living alone")
    DISABLED = "disabled", _("Person with a disability")
    ISOLATION = "isolation", _("In isolation or lockdown")
    INFORMAL_WORKER = "informal_worker", _("Informal worker who lost income")
    RENTER = "renter", _("Renter or worker in lodgings")
    CHILD_ORPHANED = "orphaned", _("Child orphaned by the epidemic")
    OTHER = "other", _("Other hardship")


# --------------------------------------------------------------------------------------------------------------
# Registry


class PersonQuerySet(ScopedQuerySet):
    view_permission = "welfare.view"

    def scope_filter(self, user) -> Q:
        return unit_subtree_q(user, "household__neighbourhood__path")


class Person(models.Model):
    """A member of a registered household. The date of birth may be known only by its year (`birth_year` alone)."""

    household = models.ForeignKey("places.Household", on_delete=models.CASCADE, related_name="people")
    full_name = models.CharField(_("full name"), max_length=120)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    citizen_id = models.CharField(_("citizen ID"), max_length=12, blank=True)
    phone = models.CharField(_("phone"), max_length=11, blank=True)
    relationship = models.CharField(
        _("relationship to the head"), max_length=12, choices=Relationship.choices, default=Relationship.OTHER
    )
    search_name = models.CharField(max_length=120, editable=False, db_index=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["household", "-relationship", "full_name"]
        constraints = [
            # A citizen ID names one person in the whole registry.
            models.UniqueConstraint(
                fields=["citizen_id"], condition=~Q(citizen_id=""), name="person_citizen_id_unique"
            ),
            models.CheckConstraint(
                name="person_birth_year_matches_date",
                condition=Q(date_of_birth__isnull=True)
                | Q(birth_year__isnull=True)
                | Q(birth_year=F("date_of_birth__year")),
            ),
            models.CheckConstraint(
                name="person_birth_year_plausible",
                condition=Q(birth_year__isnull=True) | (Q(birth_year__gte=1900) & Q(birth_year__lte=2100)),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.full_name = clean_text(self.full_name)
        if self.date_of_birth is not None:
            self.birth_year = self.date_of_birth.year
        self.search_name = fold(self.full_name)
        super().save(*args, **kwargs)


class CategoryQuerySet(ScopedQuerySet):
    view_permission = "welfare.view"

    def scope_filter(self, user) -> Q:
        return unit_subtree_q(user, "household__neighbourhood__path")


class HouseholdCategory(models.Model):
    """A category that a household (or one of its people, `person`) belongs to, from `valid_from` until
    `valid_until` (open-ended when empty)."""

    household = models.ForeignKey("places.Household", on_delete=models.CASCADE, related_name="categories")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="categories")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("category of a household or person")
        verbose_name_plural = _("categories of households and people")
        ordering = ["household", "category", "valid_from"]
        constraints = [
            models.CheckConstraint(name="category_valid", condition=Q(category__in=[c.value for c in Category])),
            models.CheckConstraint(
                name="category_period_in_order",
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.get_category_display()}"


# --------------------------------------------------------------------------------------------------------------
# Programmes


class BenefitKind(models.TextChoices):
    CASH = "cash", _("Cash")
    GOODS = "goods", _("Goods")


class Beneficiary(models.TextChoices):
    HOUSEHOLD = "household", _("Per household")
    PERSON = "person", _("Per person")


class ProgrammeQuerySet(ScopedQuerySet):
    view_permission = "welfare.view"

    def scope_filter(self, user) -> Q:
        # A programme of the province (or of a district or commune) is seen by everyone under that unit, and by
        # those above it.
        if user.scope_unit_id is None:
            return Q(pk__in=[])
        path = user.scope_unit.path
        ancestors = [p for p in (path[: i + 1] for i, c in enumerate(path) if c == "/") if len(p) > 1]
        return Q(unit__path__startswith=path) | Q(unit__path__in=ancestors)


class Programme(models.Model):
    """A support programme (chương trình hỗ trợ)."""

    unit = models.ForeignKey("places.AdminUnit", verbose_name=_("run by"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    categories = models.JSONField(_("eligible categories"), default=list)
    benefit_kind = models.CharField(_("benefit"), max_length=8, choices=BenefitKind.choices)
    amount = models.PositiveIntegerField(_("amount (VND)"), null=True, blank=True)
    goods = models.CharField(_("goods"), max_length=200, blank=True)
    beneficiary = models.CharField(_("given"), max_length=10, choices=Beneficiary.choices)
    times = models.PositiveSmallIntegerField(_("times a recipient may receive it"), default=1)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("support programme")
        verbose_name_plural = _("support programmes")
        ordering = ["-start_date", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="programme_unique_name"),
            # (pk, times) is unique, so a distribution can point at both: its occurrence check uses the programme's
            # own number of times (welfare.constraints).
            models.UniqueConstraint(fields=["id", "times"], name="programme_id_times"),
            models.CheckConstraint(name="programme_times_positive", condition=Q(times__gte=1)),
            models.CheckConstraint(name="programme_dates_in_order", condition=Q(end_date__gte=F("start_date"))),
            models.CheckConstraint(
                name="programme_benefit_given",
                condition=(Q(benefit_kind=BenefitKind.CASH) & Q(amount__gt=0))
                | (Q(benefit_kind=BenefitKind.GOODS) & ~Q(goods="")),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("welfare:programme_detail", args=[self.pk])


# --------------------------------------------------------------------------------------------------------------
# Lists and approval


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (commune)")
    SUBMITTED = "submitted", _("Submitted to the district")
    CHECKED = "checked", _("Checked by the district")
    APPROVED = "approved", _("Approved by the city")
    REJECTED = "rejected", _("Rejected")
    SUPERSEDED = "superseded", _("Replaced by a revision")


class SupportListQuerySet(ScopedQuerySet):
    view_permission = "welfare.view"

    def scope_filter(self, user) -> Q:
        return unit_subtree_q(user, "commune__path")


class SupportList(models.Model):
    """A commune's list for a programme; one revision of it."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="lists")
    commune = models.ForeignKey(
        "places.AdminUnit", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    revision = models.PositiveIntegerField(_("revision"), default=1)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_revision"
    )
    status = models.CharField(_("status"), max_length=12, choices=ListStatus.choices, default=ListStatus.DRAFT)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    objects = SupportListQuerySet.as_manager()

    class Meta:
        verbose_name = _("support list")
        verbose_name_plural = _("support lists")
        ordering = ["programme", "commune__path", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "commune", "revision"], name="support_list_revision_unique"),
            models.CheckConstraint(
                name="support_list_status_valid", condition=Q(status__in=[s.value for s in ListStatus])
            ),
            models.CheckConstraint(
                name="support_list_rejection_has_reason",
                condition=~Q(status=ListStatus.REJECTED) | ~Q(rejection_reason=""),
            ),
            models.CheckConstraint(
                name="support_list_approved_has_time",
                condition=~Q(status=ListStatus.APPROVED) | Q(approved_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.commune} · {self.revision}"

    def get_absolute_url(self) -> str:
        return reverse("welfare:supportlist_detail", args=[self.pk])


class ListEntry(models.Model):
    """One row of a list: a household (per-household programme) or a person (per-person programme), as written in
    the list (`written`: the row as imported, for the review of duplicates)."""

    support_list = models.ForeignKey(SupportList, on_delete=models.CASCADE, related_name="entries")
    household = models.ForeignKey("places.Household", on_delete=models.PROTECT, related_name="list_entries")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="list_entries")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    written = models.JSONField(_("as written in the list"), default=dict, blank=True)
    row_number = models.PositiveIntegerField(_("row in the file"), null=True, blank=True)

    class Meta:
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        ordering = ["support_list", "row_number", "pk"]
        constraints = [
            # The same household (or person) once in a list: a second row is a duplicate to resolve, not to store.
            models.UniqueConstraint(
                fields=["support_list", "household"], condition=Q(person__isnull=True), name="list_entry_household_once"
            ),
            models.UniqueConstraint(
                fields=["support_list", "person"], condition=Q(person__isnull=False), name="list_entry_person_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.support_list} · {self.person or self.household}"


# --------------------------------------------------------------------------------------------------------------
# Distributions


class DistributionQuerySet(ScopedQuerySet):
    view_permission = "welfare.view"

    def scope_filter(self, user) -> Q:
        return unit_subtree_q(user, "household__neighbourhood__path")


class Distribution(models.Model):
    """A benefit received: who (household, or person for a per-person programme), what, when, from whom.
    `occurrence` is the n-th time this recipient receives this programme: unique per recipient, and at most the
    programme's `times` (checked in the database against `programme_times`, which must equal the programme's
    `times`: a composite foreign key on PostgreSQL, a trigger on SQLite — migration 0002)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="distributions")
    programme_times = models.PositiveSmallIntegerField()
    household = models.ForeignKey("places.Household", on_delete=models.PROTECT, related_name="distributions")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="distributions")
    list_entry = models.ForeignKey(ListEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    occurrence = models.PositiveSmallIntegerField(_("time"))
    received_on = models.DateField(_("received on"))
    amount = models.PositiveIntegerField(_("amount (VND)"), null=True, blank=True)
    goods = models.CharField(_("goods"), max_length=200, blank=True)
    given_by = models.CharField(_("given by"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = DistributionQuerySet.as_manager()

    class Meta:
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="distribution_occurrence_within_times",
                condition=Q(occurrence__gte=1) & Q(occurrence__lte=F("programme_times")),
            ),
            models.UniqueConstraint(
                fields=["programme", "household", "occurrence"],
                condition=Q(person__isnull=True),
                name="distribution_household_occurrence_once",
            ),
            models.UniqueConstraint(
                fields=["programme", "person", "occurrence"],
                condition=Q(person__isnull=False),
                name="distribution_person_occurrence_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.person or self.household} · {self.occurrence}"


# --------------------------------------------------------------------------------------------------------------
# Duplicates


class RecordKind(models.TextChoices):
    PERSON = "person", _("Person")
    HOUSEHOLD = "household", _("Household")
    ENTRY = "entry", _("List entry")


class MatchState(models.TextChoices):
    PENDING = "pending", _("To review")
    SAME = "same", _("The same")
    DIFFERENT = "different", _("Not the same")


class MatchCandidateQuerySet(ScopedQuerySet):
    view_permission = "welfare.view"

    def scope_filter(self, user) -> Q:
        return unit_subtree_q(user, "unit__path")


class MatchCandidate(models.Model):
    """A pair of records the matcher thinks may be the same, with its probability and the fields that agree or
    differ (`comparison`), waiting for a reviewer. `left_key`/`right_key` identify the records ("person:12",
    "entry:345"), smaller first, so a pair is stored once."""

    kind = models.CharField(_("kind"), max_length=10, choices=RecordKind.choices)
    left_key = models.CharField(max_length=40)
    right_key = models.CharField(max_length=40)
    unit = models.ForeignKey(
        "places.AdminUnit",
        verbose_name=_("where"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The smallest unit holding both records: who may review the pair."),
    )
    probability = models.FloatField(_("probability"))
    comparison = models.JSONField(_("fields compared"), default=dict)
    state = models.CharField(_("state"), max_length=10, choices=MatchState.choices, default=MatchState.PENDING)
    found_at = models.DateTimeField(auto_now_add=True)

    objects = MatchCandidateQuerySet.as_manager()

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["state", "-probability", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["left_key", "right_key"], name="match_candidate_pair_once"),
            models.CheckConstraint(name="match_candidate_ordered", condition=Q(left_key__lt=F("right_key"))),
            models.CheckConstraint(
                name="match_candidate_probability", condition=Q(probability__gte=0) & Q(probability__lte=1)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.left_key} ~ {self.right_key} ({self.probability:.2f})"


class MatchDecision(models.Model):
    """A reviewer's decision on a pair, remembered for every later import (keyed by the records, not the
    candidate: the same pair found again is not proposed again)."""

    left_key = models.CharField(max_length=40)
    right_key = models.CharField(max_length=40)
    same = models.BooleanField(_("the same"))
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("duplicate decision")
        verbose_name_plural = _("duplicate decisions")
        ordering = ["-decided_at"]
        constraints = [
            models.UniqueConstraint(fields=["left_key", "right_key"], name="match_decision_pair_once"),
            models.CheckConstraint(name="match_decision_ordered", condition=Q(left_key__lt=F("right_key"))),
        ]

    def __str__(self) -> str:
        return f"{self.left_key} {'=' if self.same else '≠'} {self.right_key}"

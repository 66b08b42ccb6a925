"""Mobilisation: Health's request → Home Affairs' decision → delegations and teams in the communes.

Seeds 000 (Cần Thơ 3253/UBND-NC) and 001 (HCMC work delegations). Names follow GLOSSARY.md.
"""

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from phaodai.core.scope import ScopedQuerySet, agency_q, unit_subtree_q


class Task(models.TextChoices):
    DISTANCING = "distancing", _("Distancing checkpoints")
    SAMPLING = "sampling", _("Sample-taking support")
    VACCINATION = "vaccination", _("Vaccination support")
    DATA_ENTRY = "data_entry", _("Data entry")
    WELFARE = "welfare", _("Welfare and food delivery")
    OTHER = "other", _("Other")


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class StaffingRequestQuerySet(ScopedQuerySet):
    view_permission = "mobilisation.view"
    scope_spans_many = True

    def scope_filter(self, user) -> Q:
        # A request is seen by the jurisdiction that made it and by those of the communes it asks people for.
        return unit_subtree_q(user, "origin_unit__path") | unit_subtree_q(user, "targets__commune__path")


class StaffingRequest(models.Model):
    """A proposal of how many people a task needs in which communes (đề xuất nhu cầu nhân lực)."""

    title = models.CharField(_("title"), max_length=200)
    task = models.CharField(_("task"), max_length=16, choices=Task.choices)
    task_detail = models.CharField(_("task details"), max_length=300, blank=True)
    origin_unit = models.ForeignKey(
        "places.AdminUnit",
        verbose_name=_("proposing jurisdiction"),
        on_delete=models.PROTECT,
        related_name="staffing_requests",
    )
    requested_by = models.ForeignKey(
        "accounts.User", verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="staffing_requests"
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    shift_pattern = models.CharField(
        _("shift pattern"), max_length=120, blank=True, help_text=_("e.g. two shifts, 07:00-15:00 and 15:00-23:00")
    )
    required_skills = models.ManyToManyField(
        "staff.Skill", verbose_name=_("required skills"), blank=True, related_name="+"
    )
    preferred_skills = models.ManyToManyField(
        "staff.Skill", verbose_name=_("preferred skills"), blank=True, related_name="+"
    )
    vaccinated_only = models.BooleanField(_("fully vaccinated staff only"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", verbose_name=_("decided by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    # Mobilisable people per bloc ({"government": n, "party": n}) when Home Affairs approved: the basis of each
    # target's split between the blocs (mobilisation.blocs), kept so the split stays explainable afterwards.
    bloc_pools = models.JSONField(_("mobilisable pool per bloc at approval"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StaffingRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("staffing request")
        verbose_name_plural = _("staffing requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="request_dates_in_order", condition=Q(end_date__gte=F("start_date"))),
            models.CheckConstraint(name="request_task_valid", condition=Q(task__in=[t.value for t in Task])),
            models.CheckConstraint(
                name="request_status_valid", condition=Q(status__in=[s.value for s in RequestStatus])
            ),
            models.CheckConstraint(
                name="request_rejection_has_reason",
                condition=~Q(status=RequestStatus.REJECTED) | ~Q(rejection_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("mobilisation:staffingrequest_detail", args=[self.pk])

    @property
    def people_requested(self) -> int:
        return sum(t.people_requested for t in self.targets.all())

    @property
    def people_approved(self) -> int:
        return sum(t.approved for t in self.targets.all())


class RequestTarget(models.Model):
    """How many people one request needs in one commune; Home Affairs may approve a different number."""

    request = models.ForeignKey(StaffingRequest, on_delete=models.CASCADE, related_name="targets")
    commune = models.ForeignKey(
        "places.AdminUnit", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="staffing_targets"
    )
    people_requested = models.PositiveIntegerField(_("people requested"))
    people_approved = models.PositiveIntegerField(_("people approved"), null=True, blank=True)
    # Of the people approved, how many the Party and mass-organisation bloc gives (the Party Organisation Board's
    # run); the rest is the government bloc's (Home Affairs). Set at approval; None before, or for requests
    # approved before the split existed (then any bloc fills what is missing).
    party_share = models.PositiveIntegerField(_("places for the Party bloc"), null=True, blank=True)

    class Meta:
        verbose_name = _("request target")
        verbose_name_plural = _("request targets")
        ordering = ["request", "commune__path"]
        constraints = [
            models.UniqueConstraint(fields=["request", "commune"], name="request_target_unique_commune"),
            models.CheckConstraint(name="request_target_positive", condition=Q(people_requested__gt=0)),
            models.CheckConstraint(
                name="request_target_party_share_within_approved",
                condition=Q(party_share__isnull=True)
                | Q(party_share__lte=Coalesce(F("people_approved"), F("people_requested"))),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} · {self.commune}"

    @property
    def approved(self) -> int:
        return self.people_requested if self.people_approved is None else self.people_approved

    @property
    def government_share(self) -> int | None:
        """The places Home Affairs fills from the government bloc (None until the target is split)."""
        return None if self.party_share is None else self.approved - self.party_share


class DecisionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    CANCELLED = "cancelled", _("Cancelled")


class MobilisationDecisionQuerySet(ScopedQuerySet):
    view_permission = "mobilisation.view"
    scope_spans_many = True

    def scope_filter(self, user) -> Q:
        return (
            unit_subtree_q(user, "issuing_unit__path")
            | unit_subtree_q(user, "assignments__target__commune__path")
            | agency_q(user, "assignments__agency")
        )


class MobilisationDecision(models.Model):
    """One allocation run turned into an official decision (quyết định điều động), with its annex list."""

    issuing_unit = models.ForeignKey(
        "places.AdminUnit", verbose_name=_("issuing jurisdiction"), on_delete=models.PROTECT, related_name="+"
    )
    requests = models.ManyToManyField(StaffingRequest, verbose_name=_("requests"), related_name="decisions")
    number = models.CharField(_("number and symbol"), max_length=40, blank=True, help_text=_("e.g. 125/QĐ-UBND"))
    status = models.CharField(
        _("status"), max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.PROPOSED
    )
    # The allocation's explanation: per-agency quota arithmetic and per-request shortfalls, as computed.
    explanation = models.JSONField(_("allocation explanation"), default=dict, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    signer_name = models.CharField(_("signed by"), max_length=120, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=120, blank=True)

    objects = MobilisationDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("mobilisation decision")
        verbose_name_plural = _("mobilisation decisions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="decision_status_valid", condition=Q(status__in=[s.value for s in DecisionStatus])
            ),
            models.CheckConstraint(
                name="decision_approved_has_number",
                condition=~Q(status=DecisionStatus.APPROVED) | (~Q(number="") & Q(approved_at__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return self.number or _("Decision draft #%(pk)s") % {"pk": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("mobilisation:mobilisationdecision_detail", args=[self.pk])


class AssignmentState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Mobilised")
    RELEASED = "released", _("Released")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AssignmentQuerySet(ScopedQuerySet):
    view_permission = "mobilisation.view"

    def scope_filter(self, user) -> Q:
        # Communes see who comes to them; agencies see their own people; the issuer sees the whole decision.
        return (
            unit_subtree_q(user, "target__commune__path")
            | unit_subtree_q(user, "decision__issuing_unit__path")
            | agency_q(user, "agency")
        )

    def active_on(self, day) -> "AssignmentQuerySet":
        return self.filter(state=AssignmentState.APPROVED, start_date__lte=day, end_date__gte=day)


class Assignment(models.Model):
    """One person mobilised (or proposed) for one request target over a period, with the reason they were chosen.

    No person is in two approved assignments whose periods overlap: enforced by the database itself (an exclusion
    constraint on PostgreSQL, triggers on SQLite; migration 0002), so two approvals at the same moment cannot both win.
    """

    decision = models.ForeignKey(MobilisationDecision, on_delete=models.CASCADE, related_name="assignments")
    target = models.ForeignKey(RequestTarget, on_delete=models.PROTECT, related_name="assignments")
    staff = models.ForeignKey("staff.StaffMember", on_delete=models.PROTECT, related_name="assignments")
    # The agency at the time of mobilisation (people change agency; the decision's annex must not).
    agency = models.ForeignKey("places.Agency", on_delete=models.PROTECT, related_name="assignments")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    state = models.CharField(
        _("state"), max_length=16, choices=AssignmentState.choices, default=AssignmentState.PROPOSED
    )
    why = models.JSONField(_("why this person"), default=list, blank=True)
    substitutes = models.ForeignKey(
        "self", verbose_name=_("substitutes for"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    substitution_reason = models.CharField(_("reason for substitution"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["decision", "target", "staff__search_name"]
        constraints = [
            models.CheckConstraint(name="assignment_dates_in_order", condition=Q(end_date__gte=F("start_date"))),
            models.CheckConstraint(
                name="assignment_state_valid", condition=Q(state__in=[s.value for s in AssignmentState])
            ),
            models.UniqueConstraint(fields=["decision", "staff"], name="assignment_once_per_decision"),
            models.CheckConstraint(
                name="assignment_substitution_has_reason",
                condition=Q(substitutes__isnull=True) | ~Q(substitution_reason=""),
            ),
        ]
        indexes = [models.Index(fields=["staff", "state", "start_date", "end_date"], name="assignment_staff_period")]

    def __str__(self) -> str:
        return f"{self.staff} → {self.target.commune}"

    @property
    def reasons(self) -> list[str]:
        """Why this person, in the active language (`why` stores message ids and parameters: reasons.py)."""
        from phaodai.mobilisation.reasons import render

        return render(self.why)


class CoordinationTeamQuerySet(ScopedQuerySet):
    view_permission = "mobilisation.view"

    def scope_filter(self, user) -> Q:
        return unit_subtree_q(user, "unit__path")


class CoordinationTeam(models.Model):
    """The workforce coordination team (Tổ Điều phối nguồn nhân lực) delegations report to."""

    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey("places.AdminUnit", verbose_name=_("level"), on_delete=models.PROTECT, related_name="+")
    phone = models.CharField(_("phone"), max_length=11, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    objects = CoordinationTeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("coordination team")
        verbose_name_plural = _("coordination teams")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="coordination_team_unique_name")]

    def __str__(self) -> str:
        return self.name


class DelegationKind(models.TextChoices):
    WORK = "work", _("Work delegation")
    LEADERSHIP = "leadership", _("Leadership delegation")


class DelegationQuerySet(ScopedQuerySet):
    view_permission = "mobilisation.view"
    scope_spans_many = True

    def scope_filter(self, user) -> Q:
        return (
            unit_subtree_q(user, "target_unit__path")
            | unit_subtree_q(user, "overseen_units__path")
            | Q(head__user_account=user)
            | Q(teams__memberships__staff__user_account=user)
        )


class Delegation(models.Model):
    """A work delegation (đoàn công tác) sent to a commune or district, or a leadership delegation that oversees
    several communes and advises their steering committees."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=DelegationKind.choices, default=DelegationKind.WORK)
    decision = models.ForeignKey(
        MobilisationDecision, on_delete=models.PROTECT, null=True, blank=True, related_name="delegations"
    )
    target_unit = models.ForeignKey(
        "places.AdminUnit", verbose_name=_("sent to"), on_delete=models.PROTECT, related_name="delegations"
    )
    overseen_units = models.ManyToManyField(
        "places.AdminUnit", verbose_name=_("communes overseen"), blank=True, related_name="overseeing_delegations"
    )
    head = models.ForeignKey(
        "staff.StaffMember", verbose_name=_("head"), on_delete=models.PROTECT, related_name="delegations_headed"
    )
    deputies = models.ManyToManyField(
        "staff.StaffMember", verbose_name=_("deputies"), blank=True, related_name="delegations_deputised"
    )
    coordination_team = models.ForeignKey(
        CoordinationTeam, verbose_name=_("reports to"), on_delete=models.PROTECT, related_name="delegations"
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    headquarters_address = models.CharField(_("commune headquarters address"), max_length=300, blank=True)
    hotline = models.CharField(_("commune hotline"), max_length=11, blank=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["target_unit__path", "name"]
        constraints = [
            models.CheckConstraint(name="delegation_dates_in_order", condition=Q(end_date__gte=F("start_date"))),
            models.CheckConstraint(
                name="delegation_kind_valid", condition=Q(kind__in=[k.value for k in DelegationKind])
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mobilisation:delegation_detail", args=[self.pk])


class TeamQuerySet(ScopedQuerySet):
    view_permission = "mobilisation.view"
    scope_spans_many = True

    def scope_filter(self, user) -> Q:
        return unit_subtree_q(user, "delegation__target_unit__path") | unit_subtree_q(
            user, "delegation__overseen_units__path"
        )


class Team(models.Model):
    """A team (tổ công tác) inside a delegation, with a leader and a task."""

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=120)
    task = models.CharField(_("task"), max_length=16, choices=Task.choices)
    leader = models.ForeignKey(
        "staff.StaffMember", verbose_name=_("team leader"), on_delete=models.PROTECT, related_name="teams_led"
    )

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["delegation", "name"]
        constraints = [models.UniqueConstraint(fields=["delegation", "name"], name="team_unique_name")]

    def __str__(self) -> str:
        return f"{self.delegation} · {self.name}"


class TeamMembership(models.Model):
    """A person's time in a team. A move closes one membership and opens another, so history is kept;
    a person is in at most one team at a time (one open membership: a partial unique index)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    staff = models.ForeignKey("staff.StaffMember", on_delete=models.PROTECT, related_name="team_memberships")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    moved_to = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        ordering = ["team", "staff__search_name", "joined_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff"], condition=Q(left_on__isnull=True), name="membership_one_open_team_per_person"
            ),
            models.CheckConstraint(
                name="membership_dates_in_order", condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} @ {self.team}"

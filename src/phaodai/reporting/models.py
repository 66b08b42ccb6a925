"""Daily reporting (issue #5): team reports by 17:00, delegation reports by 18:00, difficulties followed to the end.

Seed 001 (HCMC work delegations): team leaders report to the delegation head by 17:00 every day; the head
consolidates and reports to the workforce coordination team before 18:00; difficulties beyond the delegation's
reach are escalated at once. Names follow GLOSSARY.md.

- A **form** (ReportForm) is data: a list of typed fields in a **version** (ReportFormVersion). Editing a form
  publishes a new version; a stored report keeps the version it was made with.
- A **report slot** is one team (or delegation) and one local day: TeamReport / DelegationReport, unique per day.
  Its content lives in **versions** (…Version): a correction adds a version, none is ever overwritten. The slot
  keeps the first submission's time and lateness, which is what timeliness counts (DHIS2: a report is on time when
  it is first received by the deadline; later corrections do not make it late, nor an early one on time).
- **Deadlines** (ReportingSchedule) are per delegation: local times in the delegation's time zone, 17:00 and 18:00
  in Asia/Ho_Chi_Minh by default. Stored datetimes are UTC-aware; "today" is the local day (services.deadlines).
- A **difficulty** (khó khăn, vướng mắc) is routed to the unit that must act, has a due time by severity and a
  status; every step is a DifficultyStep row (and the audit log).
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from phaodai.core.scope import ScopedQuerySet, unit_subtree_q
from phaodai.mobilisation.models import Task

DEFAULT_TIME_ZONE = "Asia/Ho_Chi_Minh"
DEFAULT_TEAM_DEADLINE = time(17, 0)
DEFAULT_DELEGATION_DEADLINE = time(18, 0)


# --------------------------------------------------------------------------------------------------------------
# Forms as data


class FieldKind(models.TextChoices):
    NUMBER = "number", _("Whole number (0 or more)")
    TEXT = "text", _("Text")
    CHOICE = "choice", _("Choice")


class ReportFormQuerySet(ScopedQuerySet):
    # Forms are not sensitive: whoever sees reports sees the forms they were made with.
    view_permission = "reporting.view"

    def scope_filter(self, user) -> Q:
        return Q()


class ReportForm(models.Model):
    """The daily form of one kind of team (by its task); the form with no task is the default for other teams."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    task = models.CharField(_("task"), max_length=16, choices=Task.choices, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = ReportFormQuerySet.as_manager()

    class Meta:
        verbose_name = _("report form")
        verbose_name_plural = _("report forms")
        ordering = ["name"]
        constraints = [
            # One active form per task (and one default form, task ""): a team always knows which form it fills.
            models.UniqueConstraint(fields=["task"], condition=Q(is_active=True), name="report_form_one_per_task"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def current_version(self) -> ReportFormVersion | None:
        return self.versions.order_by("-number").first()


class ReportFormVersion(models.Model):
    """One published version of a form. `fields` is a list of
    {"key": "households_visited", "label": {"vi": "...", "en": "..."}, "kind": "number"|"text"|"choice",
     "required": bool, "choices": [{"value": "...", "label": {"vi": ..., "en": ...}}], "carry_over": bool,
     "sum": bool}
    (`carry_over`: pre-filled from the team's previous report; `sum`: added up in the delegation's consolidation —
    numbers by default). Validated by reporting.forms_schema; never edited once reports use it."""

    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    fields = models.JSONField(_("fields"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("published at"), auto_now_add=True)

    objects = ReportFormQuerySet.as_manager()

    class Meta:
        verbose_name = _("report form version")
        verbose_name_plural = _("report form versions")
        ordering = ["form", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="report_form_version_unique"),
            models.CheckConstraint(name="report_form_version_positive", condition=Q(number__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.form} v{self.number}"


# --------------------------------------------------------------------------------------------------------------
# Deadlines


class ReportingSchedule(models.Model):
    """A delegation's reporting deadlines, as local times in its time zone (defaults when a delegation has none)."""

    delegation = models.OneToOneField(
        "mobilisation.Delegation", on_delete=models.CASCADE, related_name="reporting_schedule"
    )
    team_deadline = models.TimeField(_("team reports due by"), default=DEFAULT_TEAM_DEADLINE)
    delegation_deadline = models.TimeField(_("delegation report due by"), default=DEFAULT_DELEGATION_DEADLINE)
    time_zone = models.CharField(_("time zone"), max_length=64, default=DEFAULT_TIME_ZONE)

    class Meta:
        verbose_name = _("reporting schedule")
        verbose_name_plural = _("reporting schedules")
        constraints = [
            models.CheckConstraint(
                name="schedule_team_before_delegation", condition=Q(team_deadline__lt=F("delegation_deadline"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegation}: {self.team_deadline:%H:%M} / {self.delegation_deadline:%H:%M}"


# --------------------------------------------------------------------------------------------------------------
# Team reports


class TeamReportQuerySet(ScopedQuerySet):
    view_permission = "reporting.view"
    scope_spans_many = True

    def scope_filter(self, user) -> Q:
        own = Q(pk__in=[])
        if getattr(user, "staff_member_id", None):
            own = (
                Q(team__leader_id=user.staff_member_id)
                | Q(team__delegation__head_id=user.staff_member_id)
                | Q(team__delegation__deputies=user.staff_member_id)
            )
        return own | unit_subtree_q(user, "team__delegation__target_unit__path")


class ReportSlot(models.Model):
    """What team and delegation reports share: one local day, its deadline, and the first submission's time and
    lateness (fixed for good: what timeliness counts), the last submission's time and how many versions."""

    day = models.DateField(_("day"))
    deadline = models.DateTimeField(_("due by"))
    first_submitted_at = models.DateTimeField(_("first submitted at"))
    minutes_late = models.PositiveIntegerField(_("minutes late"), default=0)
    last_submitted_at = models.DateTimeField(_("last submitted at"))
    version_count = models.PositiveIntegerField(_("versions"), default=1)

    class Meta:
        abstract = True

    @property
    def is_late(self) -> bool:
        return self.minutes_late > 0


class TeamReport(ReportSlot):
    """A team's report for one local day: the slot. Its content is in `versions` (the latest is current)."""

    team = models.ForeignKey("mobilisation.Team", on_delete=models.PROTECT, related_name="reports")

    objects = TeamReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("team report")
        verbose_name_plural = _("team reports")
        ordering = ["-day", "team__delegation__name", "team__name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "day"], name="team_report_one_per_day"),
            models.CheckConstraint(
                name="team_report_submission_order", condition=Q(last_submitted_at__gte=F("first_submitted_at"))
            ),
        ]
        indexes = [models.Index(fields=["day"], name="team_report_day")]

    def __str__(self) -> str:
        return f"{self.team} · {self.day:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:teamreport_detail", args=[self.pk])


class TeamReportVersion(models.Model):
    """What a team leader submitted, once: figures and text by the form version's fields. Never changed."""

    report = models.ForeignKey(TeamReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    form_version = models.ForeignKey(ReportFormVersion, on_delete=models.PROTECT, related_name="+")
    values = models.JSONField(_("values"), default=dict)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))
    # The client's Idempotency-Key (API header, or the page's hidden field): the same key again is the same
    # submission, answered with this version rather than stored twice.
    idempotency_key = models.CharField(max_length=80, blank=True)

    class Meta:
        verbose_name = _("team report version")
        verbose_name_plural = _("team report versions")
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="team_report_version_unique"),
            models.UniqueConstraint(
                fields=["submitted_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="team_report_version_idempotent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"


# --------------------------------------------------------------------------------------------------------------
# Delegation reports


class DelegationReportQuerySet(ScopedQuerySet):
    view_permission = "reporting.view"
    scope_spans_many = True

    def scope_filter(self, user) -> Q:
        own = Q(pk__in=[])
        if getattr(user, "staff_member_id", None):
            own = Q(delegation__head_id=user.staff_member_id) | Q(delegation__deputies=user.staff_member_id)
        return (
            own
            | unit_subtree_q(user, "delegation__target_unit__path")
            | unit_subtree_q(user, "delegation__coordination_team__unit__path")
        )


class DelegationReport(ReportSlot):
    """A delegation's consolidated report for one local day, sent to its coordination team (the slot)."""

    delegation = models.ForeignKey("mobilisation.Delegation", on_delete=models.PROTECT, related_name="reports")

    objects = DelegationReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("delegation report")
        verbose_name_plural = _("delegation reports")
        ordering = ["-day", "delegation__name"]
        constraints = [
            models.UniqueConstraint(fields=["delegation", "day"], name="delegation_report_one_per_day"),
            models.CheckConstraint(
                name="delegation_report_submission_order",
                condition=Q(last_submitted_at__gte=F("first_submitted_at")),
            ),
        ]
        indexes = [models.Index(fields=["day"], name="delegation_report_day")]

    def __str__(self) -> str:
        return f"{self.delegation} · {self.day:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:delegationreport_detail", args=[self.pk])


class DelegationReportVersion(models.Model):
    """One submission of the consolidation: the summed team figures (`totals`, by field key), the head's narrative,
    the team report versions it was made from, and the teams that had not reported (kept by name: it says so)."""

    report = models.ForeignKey(DelegationReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    totals = models.JSONField(_("totals"), default=dict)
    narrative = models.TextField(_("results and assessment"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    team_versions = models.ManyToManyField(TeamReportVersion, blank=True, related_name="+")
    missing_teams = models.JSONField(_("teams that had not reported"), default=list)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))
    idempotency_key = models.CharField(max_length=80, blank=True)

    class Meta:
        verbose_name = _("delegation report version")
        verbose_name_plural = _("delegation report versions")
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="delegation_report_version_unique"),
            models.UniqueConstraint(
                fields=["submitted_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="delegation_report_version_idempotent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"


# --------------------------------------------------------------------------------------------------------------
# Difficulties


class DifficultyCategory(models.TextChoices):
    STAFF = "staff", _("Workforce")
    SUPPLIES = "supplies", _("Supplies")
    WELFARE = "welfare", _("Welfare")
    MEDICAL = "medical", _("Medical")
    SECURITY = "security", _("Security and order")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class DifficultyStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")
    REFERRED = "referred", _("Referred up")


class DifficultyQuerySet(ScopedQuerySet):
    view_permission = "reporting.view"

    def scope_filter(self, user) -> Q:
        # Those who must act (the unit it is routed to, and above), where it arose (and above), and who raised it.
        return unit_subtree_q(user, "acting_unit__path") | unit_subtree_q(user, "unit__path") | Q(raised_by=user)


class Difficulty(models.Model):
    """A difficulty or obstacle (khó khăn, vướng mắc), from a report or on its own, followed until resolved."""

    unit = models.ForeignKey(
        "places.AdminUnit", verbose_name=_("where"), on_delete=models.PROTECT, related_name="difficulties"
    )
    delegation = models.ForeignKey(
        "mobilisation.Delegation", on_delete=models.PROTECT, null=True, blank=True, related_name="difficulties"
    )
    team_report = models.ForeignKey(
        TeamReport, on_delete=models.PROTECT, null=True, blank=True, related_name="difficulties"
    )
    delegation_report = models.ForeignKey(
        DelegationReport, on_delete=models.PROTECT, null=True, blank=True, related_name="difficulties"
    )
    category = models.CharField(_("category"), max_length=16, choices=DifficultyCategory.choices)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    acting_unit = models.ForeignKey(
        "places.AdminUnit",
        verbose_name=_("unit that must act"),
        on_delete=models.PROTECT,
        related_name="difficulties_to_act_on",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DifficultyStatus.choices, default=DifficultyStatus.OPEN
    )
    due_at = models.DateTimeField(_("due by"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(_("raised at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)

    objects = DifficultyQuerySet.as_manager()

    class Meta:
        verbose_name = _("difficulty")
        verbose_name_plural = _("difficulties")
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="difficulty_category_valid", condition=Q(category__in=[c.value for c in DifficultyCategory])
            ),
            models.CheckConstraint(
                name="difficulty_severity_valid", condition=Q(severity__in=[s.value for s in Severity])
            ),
            models.CheckConstraint(
                name="difficulty_status_valid", condition=Q(status__in=[s.value for s in DifficultyStatus])
            ),
            models.CheckConstraint(
                name="difficulty_resolved_has_answer",
                condition=~Q(status=DifficultyStatus.RESOLVED) | (~Q(answer="") & Q(resolved_at__isnull=False)),
            ),
            models.CheckConstraint(name="difficulty_due_after_raised", condition=Q(due_at__gt=F("raised_at"))),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="difficulty_status_due")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reporting:difficulty_detail", args=[self.pk])


class DifficultyStepKind(models.TextChoices):
    RAISED = "raised", _("Raised")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    REFERRED = "referred", _("Referred up")
    RESOLVED = "resolved", _("Resolved")
    REOPENED = "reopened", _("Reopened")
    COMMENTED = "commented", _("Commented")


class DifficultyStep(models.Model):
    """One step in a difficulty's life, as the reporter and the acting units read it."""

    difficulty = models.ForeignKey(Difficulty, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=16, choices=DifficultyStepKind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)
    from_unit = models.ForeignKey("places.AdminUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_unit = models.ForeignKey("places.AdminUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("difficulty step")
        verbose_name_plural = _("difficulty steps")
        ordering = ["difficulty", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.difficulty} · {self.get_kind_display()}"


# --------------------------------------------------------------------------------------------------------------
# Reminders


class ReminderKind(models.TextChoices):
    TEAM_LEADERS = "team_leaders", _("16:30 to team leaders who have not reported")
    DELEGATION_HEADS = "delegation_heads", _("17:15 to delegation heads with their missing teams")
    COORDINATION = "coordination", _("18:00 to the coordination team with the missing delegations")


class ReminderRun(models.Model):
    """One reminder round sent for one subject on one local day (`subject`: "delegation:12" for the leaders' and
    head's rounds, whose times follow that delegation's deadlines; "coordination:3" for a coordination team's).
    The unique key is what makes a restarted scheduler skip a round already done, so nobody is reminded twice."""

    kind = models.CharField(max_length=24, choices=ReminderKind.choices)
    day = models.DateField()
    subject = models.CharField(max_length=40)
    ran_at = models.DateTimeField()
    messages = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reminder round")
        verbose_name_plural = _("reminder rounds")
        ordering = ["-day", "kind", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "day", "subject"], name="reminder_run_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.subject} · {self.day:%d/%m/%Y}"

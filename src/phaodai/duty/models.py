"""Duty rosters, hotlines and citizen help requests (issue #6): 24/24/7, and every call answered.

Seeds 004 (Thanh Oai 1392/UBND-YT: strict 24/24/7 duty at agencies, commune headquarters and health facilities) and
002 (Cần Thơ 184/KH-UBND: hotlines staffed 24/24, at least four numbers per district and per commune including a
health line and a welfare line; duty and hotline rosters reported to the city through Home Affairs every Friday
afternoon; community COVID teams whose leader's phone reaches every household; errands for people in lockdown).

- A **duty site** (DutySite) is where people are on duty: an agency office, a commune or district headquarters
  (command centre), a health station, a checkpoint. Its **coverage rules** (CoverageRule) say, per day of the week,
  which shifts it needs and how many people, how many of them leader-level.
- A **roster** (Roster) covers a set of sites sharing staff over a period; it is *solved* (OR-Tools CP-SAT,
  duty.solver) from the rules, the people it may use (`pool`), their stated unavailability (Unavailability), their
  leave/sickness and their mobilisations. Its **shifts** (Shift) are the slots the rules generate; each filled place
  is a ShiftAssignment. Publishing locks a version; a later change makes a new version (`previous`) and notifies
  the people affected.
- A **hotline** (Hotline) is a number of a unit, on a line (health, welfare, security, general), staffed by the
  roster of its duty site. The **Friday report** (WeeklyRosterReport) is a district's or commune's duty and hotline
  rosters for the coming week, submitted to the city through Home Affairs.
- A **community COVID team** (CommunityTeam) serves one neighbourhood; each household (places.Household) belongs to
  at most one team.
- A **call** (Call) is every citizen call an operator records; it opens or joins a **help request** (HelpRequest),
  routed to whoever must act, with a response deadline by category and steps to closure (HelpRequestStep); an
  **errand** (Errand) is shopping done for a household in lockdown.
Names follow GLOSSARY.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from phaodai.core.scope import ScopedQuerySet, agency_q, unit_subtree_q

# --------------------------------------------------------------------------------------------------------------
# Sites and coverage


class SiteKind(models.TextChoices):
    AGENCY_OFFICE = "agency_office", _("Agency office")
    COMMAND_CENTRE = "command_centre", _("Headquarters (command centre)")
    HEALTH_STATION = "health_station", _("Health station")
    CHECKPOINT = "checkpoint", _("Checkpoint")


class DutySiteQuerySet(ScopedQuerySet):
    view_permission = "duty.view"

    def scope_filter(self, user) -> Q:
        return unit_subtree_q(user, "unit__path") | agency_q(user, "agency")


class DutySite(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=SiteKind.choices)
    unit = models.ForeignKey("places.AdminUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    # The agency whose staff are on duty here by default (a People's Committee for its headquarters, the health
    # station itself, a department for its office); a checkpoint may have none (its pool is chosen per roster).
    agency = models.ForeignKey(
        "places.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=11, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = DutySiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty site")
        verbose_name_plural = _("duty sites")
        ordering = ["unit__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="duty_site_unique_name"),
            models.CheckConstraint(name="duty_site_kind_valid", condition=Q(kind__in=[k.value for k in SiteKind])),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("duty:dutysite_detail", args=[self.pk])


class CoverageRule(models.Model):
    """One shift a site needs on some days of the week, e.g. "07:00–15:00, Mon–Fri, 2 people, 1 leader-level".
    A shift whose end is not after its start ends the next day (22:00–06:00). Weekends get rules of their own."""

    site = models.ForeignKey(DutySite, on_delete=models.CASCADE, related_name="coverage_rules")
    name = models.CharField(_("shift name"), max_length=60)
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"))
    # ISO weekdays 1 (Monday) … 7 (Sunday) on which the shift starts.
    weekdays = models.JSONField(_("days of the week"), default=list)
    people = models.PositiveSmallIntegerField(_("people"))
    leaders = models.PositiveSmallIntegerField(_("of whom leader-level"), default=0)

    class Meta:
        verbose_name = _("coverage rule")
        verbose_name_plural = _("coverage rules")
        ordering = ["site", "start_time", "name"]
        constraints = [
            models.CheckConstraint(name="coverage_rule_people_positive", condition=Q(people__gte=1)),
            models.CheckConstraint(name="coverage_rule_leaders_within_people", condition=Q(leaders__lte=F("people"))),
            models.CheckConstraint(name="coverage_rule_not_empty", condition=~Q(start_time=F("end_time"))),
        ]

    def __str__(self) -> str:
        return f"{self.site} · {self.name} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class UnavailabilityKind(models.TextChoices):
    LEAVE = "leave", _("Leave")
    SICK = "sick", _("Sick or isolated")
    STATED = "stated", _("Stated unavailability")


class UnavailabilityQuerySet(ScopedQuerySet):
    view_permission = "duty.view"

    def scope_filter(self, user) -> Q:
        own = Q(staff_id=user.staff_member_id) if getattr(user, "staff_member_id", None) else Q(pk__in=[])
        return own | unit_subtree_q(user, "staff__agency__unit__path") | agency_q(user, "staff__agency")


class Unavailability(models.Model):
    """A time a person cannot be on duty: leave, sickness, or what they stated (e.g. "no nights this week")."""

    staff = models.ForeignKey("staff.StaffMember", on_delete=models.CASCADE, related_name="unavailabilities")
    kind = models.CharField(_("kind"), max_length=12, choices=UnavailabilityKind.choices)
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = UnavailabilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("unavailability")
        verbose_name_plural = _("unavailabilities")
        ordering = ["staff", "start"]
        constraints = [models.CheckConstraint(name="unavailability_in_order", condition=Q(end__gt=F("start")))]

    def __str__(self) -> str:
        return f"{self.staff} · {self.get_kind_display()}"


# --------------------------------------------------------------------------------------------------------------
# Rosters


class RosterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class RosterQuerySet(ScopedQuerySet):
    view_permission = "duty.view"

    def scope_filter(self, user) -> Q:
        return unit_subtree_q(user, "unit__path")


class Roster(models.Model):
    """The duty roster (lịch trực) of one or more sites sharing staff over a period; one version of it."""

    unit = models.ForeignKey("places.AdminUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    sites = models.ManyToManyField(DutySite, verbose_name=_("sites"), related_name="rosters")
    pool = models.ManyToManyField("staff.StaffMember", verbose_name=_("people on the roster"), related_name="+")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    # Rules of the solve (seed 004 asks for strict 24/24 duty; labour rules for the limits).
    max_hours_per_week = models.PositiveSmallIntegerField(_("maximum hours a week"), default=48)
    min_rest_hours = models.PositiveSmallIntegerField(_("minimum rest between shifts (hours)"), default=12)
    status = models.CharField(_("status"), max_length=12, choices=RosterStatus.choices, default=RosterStatus.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    # What the solver said: status (optimal / feasible / infeasible), objective, bound, time; and, when no roster
    # exists, which rule cannot be met and where (a list of {"message": msgid, "params": {...}}).
    solver = models.JSONField(_("solver result"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = RosterQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty roster")
        verbose_name_plural = _("duty rosters")
        ordering = ["-start_date", "-version", "-pk"]
        constraints = [
            models.CheckConstraint(name="roster_dates_in_order", condition=Q(end_date__gte=F("start_date"))),
            models.CheckConstraint(name="roster_status_valid", condition=Q(status__in=[s.value for s in RosterStatus])),
            models.CheckConstraint(
                name="roster_published_has_time",
                condition=~Q(status=RosterStatus.PUBLISHED) | Q(published_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.start_date:%d/%m/%Y}–{self.end_date:%d/%m/%Y} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("duty:roster_detail", args=[self.pk])


class ShiftQuerySet(ScopedQuerySet):
    view_permission = "duty.view"

    def scope_filter(self, user) -> Q:
        own = Q(assignments__staff_id=user.staff_member_id) if getattr(user, "staff_member_id", None) else Q(pk__in=[])
        return own | unit_subtree_q(user, "roster__unit__path")


class Shift(models.Model):
    """One slot of a roster: a site, from when to when (aware datetimes), how many people and leaders."""

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="shifts")
    site = models.ForeignKey(DutySite, on_delete=models.PROTECT, related_name="shifts")
    rule = models.ForeignKey(CoverageRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    name = models.CharField(_("shift"), max_length=60)
    start = models.DateTimeField(_("starts at"))
    end = models.DateTimeField(_("ends at"))
    people = models.PositiveSmallIntegerField(_("people"))
    leaders = models.PositiveSmallIntegerField(_("of whom leader-level"), default=0)

    objects = ShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["roster", "start", "site__name"]
        constraints = [
            models.CheckConstraint(name="shift_in_order", condition=Q(end__gt=F("start"))),
            models.CheckConstraint(name="shift_leaders_within_people", condition=Q(leaders__lte=F("people"))),
            models.UniqueConstraint(fields=["roster", "site", "start", "name"], name="shift_unique_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.site} · {self.name} {self.start:%d/%m %H:%M}"


class ShiftAssignment(models.Model):
    """A person on one shift (`as_leader`: counted as the shift's leader-level person)."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="assignments")
    staff = models.ForeignKey("staff.StaffMember", on_delete=models.PROTECT, related_name="shift_assignments")
    as_leader = models.BooleanField(_("as leader"), default=False)

    class Meta:
        verbose_name = _("shift assignment")
        verbose_name_plural = _("shift assignments")
        ordering = ["shift", "-as_leader", "staff__search_name"]
        constraints = [models.UniqueConstraint(fields=["shift", "staff"], name="shift_assignment_once")]

    def __str__(self) -> str:
        return f"{self.staff} @ {self.shift}"


class CalendarFeed(models.Model):
    """The secret token of a person's iCalendar feed of their shifts: a calendar app fetches it without logging
    in, so the token is the only key; it can be replaced (the old link stops working)."""

    staff = models.OneToOneField("staff.StaffMember", on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.staff}"


# --------------------------------------------------------------------------------------------------------------
# Hotlines and the Friday report


class Line(models.TextChoices):
    HEALTH = "health", _("Health line")
    WELFARE = "welfare", _("Welfare line")
    SECURITY = "security", _("Security line")
    GENERAL = "general", _("General line")


class HotlineQuerySet(ScopedQuerySet):
    view_permission = "hotline.view"

    def scope_filter(self, user) -> Q:
        return unit_subtree_q(user, "unit__path")


class Hotline(models.Model):
    """A hotline number of a district or commune (seed 002: at least four each, a health line and a welfare line
    among them), staffed by the duty roster of `site`."""

    unit = models.ForeignKey("places.AdminUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("number"), max_length=11)
    line = models.CharField(_("line"), max_length=12, choices=Line.choices)
    label = models.CharField(_("label"), max_length=120, blank=True)
    site = models.ForeignKey(
        DutySite,
        verbose_name=_("staffed from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hotlines",
    )
    is_public = models.BooleanField(_("shown in the public directory"), default=True)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = HotlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("hotline")
        verbose_name_plural = _("hotlines")
        ordering = ["unit__path", "line", "number"]
        constraints = [
            models.UniqueConstraint(fields=["number"], condition=Q(is_active=True), name="hotline_number_unique"),
            models.CheckConstraint(name="hotline_line_valid", condition=Q(line__in=[c.value for c in Line])),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.get_line_display()})"


class WeeklyRosterReportQuerySet(ScopedQuerySet):
    view_permission = "duty.view"

    def scope_filter(self, user) -> Q:
        return unit_subtree_q(user, "unit__path")


class WeeklyRosterReport(models.Model):
    """A district's or commune's duty and hotline rosters for the coming week, sent to the city through Home Affairs
    on Friday afternoon (seed 002). `content` is the snapshot assembled from the rosters when submitted."""

    unit = models.ForeignKey("places.AdminUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    week_start = models.DateField(_("week starting"))  # the Monday of the week reported on
    deadline = models.DateTimeField(_("due by"))
    submitted_at = models.DateTimeField(_("submitted at"))
    minutes_late = models.PositiveIntegerField(_("minutes late"), default=0)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content = models.JSONField(_("content"), default=dict)
    note = models.TextField(_("note"), blank=True)

    objects = WeeklyRosterReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("weekly roster report")
        verbose_name_plural = _("weekly roster reports")
        ordering = ["-week_start", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["unit", "week_start"], name="weekly_roster_report_once")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.week_start:%d/%m/%Y}"


# --------------------------------------------------------------------------------------------------------------
# Community COVID teams


class CommunityTeamQuerySet(ScopedQuerySet):
    view_permission = "community.view"

    def scope_filter(self, user) -> Q:
        return unit_subtree_q(user, "neighbourhood__path")


class CommunityTeam(models.Model):
    """The community COVID team (tổ COVID cộng đồng) of one neighbourhood; its leader's phone reaches every
    household of it (seed 002)."""

    neighbourhood = models.ForeignKey(
        "places.AdminUnit", verbose_name=_("neighbourhood"), on_delete=models.PROTECT, related_name="community_teams"
    )
    name = models.CharField(_("name"), max_length=120)
    leader_name = models.CharField(_("leader"), max_length=120)
    leader_phone = models.CharField(_("leader's phone"), max_length=11)

    objects = CommunityTeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("community COVID team")
        verbose_name_plural = _("community COVID teams")
        ordering = ["neighbourhood__path", "name"]
        constraints = [models.UniqueConstraint(fields=["neighbourhood", "name"], name="community_team_unique_name")]

    def __str__(self) -> str:
        return self.name


class CommunityTeamHousehold(models.Model):
    """A household served by a community team: one team at most per household (the unique key)."""

    team = models.ForeignKey(CommunityTeam, on_delete=models.CASCADE, related_name="households")
    household = models.OneToOneField("places.Household", on_delete=models.CASCADE, related_name="community_team_link")

    class Meta:
        verbose_name = _("household of a community team")
        verbose_name_plural = _("households of community teams")
        ordering = ["team", "household"]

    def __str__(self) -> str:
        return f"{self.household} → {self.team}"


class CommunityTeamMember(models.Model):
    team = models.ForeignKey(CommunityTeam, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("full name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=11, blank=True)
    role = models.CharField(_("role in the team"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("community team member")
        verbose_name_plural = _("community team members")
        ordering = ["team", "full_name"]

    def __str__(self) -> str:
        return self.full_name


# --------------------------------------------------------------------------------------------------------------
# Calls and help requests


class HelpCategory(models.TextChoices):
    MEDICAL_EMERGENCY = "medical_emergency", _("Medical emergency")
    FOOD = "food", _("Food and necessities")
    TESTING = "testing", _("Testing")
    VACCINATION = "vaccination", _("Vaccination")
    NEW_ARRIVAL = "new_arrival", _("New arrival or suspected case")
    OTHER = "other", _("Other")


class HelpStatus(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


class HelpRequestQuerySet(ScopedQuerySet):
    view_permission = "help.view"

    def scope_filter(self, user) -> Q:
        return unit_subtree_q(user, "neighbourhood__path") | unit_subtree_q(user, "commune__path")


class HelpRequest(models.Model):
    """What a caller needs, routed to whoever must act (the neighbourhood's community team; the health station for
    medical matters), acknowledged within a deadline by category, followed to closure, escalated when overdue."""

    commune = models.ForeignKey(
        "places.AdminUnit", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    neighbourhood = models.ForeignKey(
        "places.AdminUnit",
        verbose_name=_("neighbourhood"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    caller_phone = models.CharField(_("caller's phone"), max_length=11, db_index=True)
    caller_name = models.CharField(_("caller's name"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    household = models.ForeignKey(
        "places.Household", on_delete=models.SET_NULL, null=True, blank=True, related_name="help_requests"
    )
    category = models.CharField(_("category"), max_length=20, choices=HelpCategory.choices)
    need = models.TextField(_("what is needed"))
    status = models.CharField(_("status"), max_length=12, choices=HelpStatus.choices, default=HelpStatus.NEW)
    routed_to_team = models.ForeignKey(
        CommunityTeam,
        verbose_name=_("community team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="help_requests",
    )
    routed_to_site = models.ForeignKey(
        DutySite,
        verbose_name=_("health station or site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="help_requests",
    )
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledge_by = models.DateTimeField(_("to acknowledge by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalations"), default=0)
    escalated_at = models.DateTimeField(_("last escalated at"), null=True, blank=True)

    objects = HelpRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="help_request_category_valid", condition=Q(category__in=[c.value for c in HelpCategory])
            ),
            models.CheckConstraint(
                name="help_request_status_valid", condition=Q(status__in=[s.value for s in HelpStatus])
            ),
            models.CheckConstraint(
                name="help_request_closed_has_outcome",
                condition=~Q(status=HelpStatus.CLOSED) | (~Q(outcome="") & Q(closed_at__isnull=False)),
            ),
            models.CheckConstraint(
                name="help_request_ack_after_receipt", condition=Q(acknowledge_by__gt=F("received_at"))
            ),
        ]
        indexes = [models.Index(fields=["status", "acknowledge_by"], name="help_request_status_due")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.caller_phone}"

    def get_absolute_url(self) -> str:
        return reverse("duty:helprequest_detail", args=[self.pk])


class CallQuerySet(ScopedQuerySet):
    view_permission = "help.view"

    def scope_filter(self, user) -> Q:
        return (
            unit_subtree_q(user, "help_request__commune__path")
            | unit_subtree_q(user, "hotline__unit__path")
            | Q(operator=user)
        )


class Call(models.Model):
    """One citizen call as the operator recorded it; it opened or joined a help request (repeated calls from the
    same number about the same need join the open request instead of duplicating it)."""

    hotline = models.ForeignKey(Hotline, on_delete=models.PROTECT, null=True, blank=True, related_name="calls")
    caller_phone = models.CharField(_("caller's phone"), max_length=11, db_index=True)
    received_at = models.DateTimeField(_("received at"))
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    help_request = models.ForeignKey(HelpRequest, on_delete=models.PROTECT, related_name="calls")
    note = models.TextField(_("note"), blank=True)
    # The client's key (the intake page's hidden field, the API's Idempotency-Key): a double tap is one call.
    idempotency_key = models.CharField(max_length=80, blank=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["operator", "idempotency_key"], condition=~Q(idempotency_key=""), name="call_idempotent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.caller_phone} · {self.received_at:%d/%m %H:%M}"


class HelpStepKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    CALLED_AGAIN = "called_again", _("Called again")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    STARTED = "started", _("Work started")
    ESCALATED = "escalated", _("Escalated")
    REROUTED = "rerouted", _("Routed elsewhere")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    COMMENTED = "commented", _("Commented")


class HelpRequestStep(models.Model):
    help_request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=16, choices=HelpStepKind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("help request step")
        verbose_name_plural = _("help request steps")
        ordering = ["help_request", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.help_request} · {self.get_kind_display()}"


class ErrandStatus(models.TextChoices):
    TO_BUY = "to_buy", _("To buy")
    DELIVERED = "delivered", _("Delivered")
    PAID = "paid", _("Paid")


class Errand(models.Model):
    """ "Đi chợ giúp dân": the shopping list of a household in lockdown, who delivers, delivered, paid."""

    help_request = models.OneToOneField(HelpRequest, on_delete=models.CASCADE, related_name="errand")
    shopping_list = models.TextField(_("shopping list"))
    deliverer_name = models.CharField(_("delivered by"), max_length=120, blank=True)
    deliverer_phone = models.CharField(_("deliverer's phone"), max_length=11, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ErrandStatus.choices, default=ErrandStatus.TO_BUY)
    amount = models.PositiveIntegerField(_("amount (VND)"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("errand")
        verbose_name_plural = _("errands")
        constraints = [
            models.CheckConstraint(name="errand_status_valid", condition=Q(status__in=[s.value for s in ErrandStatus])),
            models.CheckConstraint(
                name="errand_delivered_has_time",
                condition=Q(status=ErrandStatus.TO_BUY) | Q(delivered_at__isnull=False),
            ),
            models.CheckConstraint(
                name="errand_paid_has_amount",
                condition=~Q(status=ErrandStatus.PAID) | (Q(paid_at__isnull=False) & Q(amount__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.help_request} · {self.get_status_display()}"

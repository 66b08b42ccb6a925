"""The demo city's duty story (issue #6, item 9): rosters for the headquarters and health stations, hotlines (two
wards deliberately non-compliant), community COVID teams with their households, a week of calls, the Friday report.

All on Ninh Kiều (district 916) and its wards, through the real services of phaodai.duty, acting as the demo logins:
`tanan` for Tân An, `ninhkieu` (the district) for the district and its other wards, `tongdai` (the city's hotline
operator) for the calls; the rosters are planned by the district, which lends people to its wards. Steps, each
idempotent (what exists is never made again, so a second run adds nothing):

1. sites (duty.sites): each unit's headquarters (its People's Committee) and health station (the district: its health
   centre), with coverage rules — headquarters three 8-hour shifts, 2 people on weekdays (1 leader-level on the day
   shift), 1 on weekends; health station two 12-hour shifts of 1 person;
2. rosters (duty.rosters.generate_roster, CP-SAT with a short time limit, then publish): last week, this week and
   next week for every unit — last week too, because this week's Monday 00:00–07:00 is the night shift that began
   on last week's Sunday, and without it every unit would show 7 unstaffed hours on the compliance board. A unit
   too small for its rules keeps its infeasible draft (the page says why);
3. hotlines (duty.hotlines.create_hotline): 4-5 numbers per unit, health and welfare lines among them, staffed from
   the sites — except two wards: one with only three numbers, one with no welfare line;
4. community teams and households (duty_story_community);
5. a week of calls (duty_story_calls);
6. the Friday report (duty.friday.submit) of every unit for this week, sent last Friday: most on time, one late,
   one missing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from time import monotonic
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from phaodai.accounts.models import User
from phaodai.core.audit import acting_as
from phaodai.duty import friday, hotlines, rosters, sites
from phaodai.duty.models import (
    CoverageRule,
    DutySite,
    Hotline,
    Line,
    Roster,
    RosterStatus,
    ShiftAssignment,
    SiteKind,
    WeeklyRosterReport,
)
from phaodai.places.models import AdminUnit, Agency, AgencyKind, Level
from phaodai.staff.models import StaffMember, StaffStatus

DISTRICT_CODE = "916"
TAN_AN_CODE = "31135"
AN_HOA_CODE = "31120"
DISTRICT_LOGIN, COMMUNE_LOGIN, OPERATOR_LOGIN = "ninhkieu", "tanan", "tongdai"
#: Seconds CP-SAT may spend on one roster: the first roster comes in milliseconds (from the greedy hint); the rest
#: of the time evens out nights and weekends. 27 rosters must fit in the demo build's budget.
SOLVE_SECONDS = 0.3
SOLVE_WORKERS = 4
RETRY_SECONDS = 5.0
#: People a ward's roster needs for its headquarters and station (456 hours a week, 48 hours each, rest rules).
POOL_TARGET = 18
#: Lendable people the district keeps for its own headquarters and health centre.
DISTRICT_KEEPS = 10
WEEKDAYS, WEEKEND = [1, 2, 3, 4, 5], [6, 7]
# (name, start, end, weekdays, people, leaders)
HQ_RULES = [
    ("Ca sáng", time(7), time(15), WEEKDAYS, 2, 1),
    ("Ca chiều", time(15), time(23), WEEKDAYS, 2, 0),
    ("Ca đêm", time(23), time(7), WEEKDAYS, 2, 0),
    ("Ca sáng cuối tuần", time(7), time(15), WEEKEND, 1, 0),
    ("Ca chiều cuối tuần", time(15), time(23), WEEKEND, 1, 0),
    ("Ca đêm cuối tuần", time(23), time(7), WEEKEND, 1, 0),
]
STATION_RULES = [
    ("Ca ngày", time(7), time(19), WEEKDAYS + WEEKEND, 1, 0),
    ("Ca đêm", time(19), time(7), WEEKDAYS + WEEKEND, 1, 0),
]


class StoryError(Exception):
    """The duty story cannot be played here (the demo city is not built)."""


@dataclass
class DutyStoryResult:
    sites: int = 0
    rules: int = 0
    rosters: int = 0
    published: int = 0
    infeasible: list[str] = field(default_factory=list)
    hotlines: int = 0
    non_compliant: list[str] = field(default_factory=list)  # codes of the wards made non-compliant on purpose
    teams: int = 0
    members: int = 0
    households: int = 0
    unattached: int = 0
    calls: int = 0
    help_requests: int = 0
    escalations: int = 0
    errands: int = 0
    friday_reports: int = 0
    my_shifts_logins: list[str] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def created_anything(self) -> bool:
        return any(
            (
                self.sites,
                self.rules,
                self.rosters,
                self.hotlines,
                self.teams,
                self.members,
                self.households,
                self.calls,
                self.friday_reports,
            )
        )

    def summary(self) -> str:
        return _(
            "Duty story: %(sites)d duty sites, %(rosters)d rosters (%(published)d published), %(hotlines)d hotlines, "
            "%(teams)d community teams with %(households)d households, %(calls)d calls (%(requests)d help "
            "requests, %(escalations)d escalations), %(reports)d Friday reports, in %(seconds).1f s."
        ) % {
            "sites": self.sites,
            "rosters": self.rosters,
            "published": self.published,
            "hotlines": self.hotlines,
            "teams": self.teams,
            "households": self.households,
            "calls": self.calls,
            "requests": self.help_requests,
            "escalations": self.escalations,
            "reports": self.friday_reports,
            "seconds": self.seconds,
        }


@dataclass
class Story:
    """What every step needs: the units, the logins, the clock."""

    district: AdminUnit
    wards: list[AdminUnit]
    district_user: User
    commune_user: User | None
    operator: User | None
    now: datetime
    today: date
    seed: int
    result: DutyStoryResult

    @property
    def units(self) -> list[AdminUnit]:
        return [self.district, *self.wards]

    def actor(self, unit: AdminUnit) -> User:
        """Tân An acts as its own login; the district and the other wards as the district's."""
        if unit.code == TAN_AN_CODE and self.commune_user is not None:
            return self.commune_user
        return self.district_user

    def rng(self, *parts: Any) -> random.Random:
        return random.Random(":".join([str(self.seed), "duty", *map(str, parts)]))

    @property
    def non_compliant(self) -> tuple[str, str]:
        """(only three numbers, no welfare line): the last two wards by code, never Tân An or An Hòa."""
        codes = [w.code for w in self.wards if w.code not in (TAN_AN_CODE, AN_HOA_CODE)]
        return (codes[-1], codes[-2]) if len(codes) >= 2 else ("", "")


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _message(exc: ValidationError | PermissionDenied) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


# ---------------------------------------------------------------------------------------------------- 1. sites


def _agency(unit: AdminUnit, kinds: list[str]) -> Agency | None:
    return Agency.objects.filter(unit=unit, kind__in=kinds).order_by("pk").first()


def unit_sites(unit: AdminUnit) -> list[DutySite]:
    """The unit's headquarters and health station, as the story names them (those that exist)."""
    return list(
        DutySite.objects.filter(unit=unit, kind__in=[SiteKind.COMMAND_CENTRE, SiteKind.HEALTH_STATION]).order_by(
            "kind", "pk"
        )
    )


def build_sites(story: Story) -> dict[int, list[DutySite]]:
    out: dict[int, list[DutySite]] = {}
    for unit in story.units:
        user = story.actor(unit)
        is_district = unit.level == Level.DISTRICT
        committee = _agency(unit, [AgencyKind.DISTRICT_COMMITTEE if is_district else AgencyKind.COMMUNE_COMMITTEE])
        health = _agency(unit, [AgencyKind.HEALTH_CENTRE if is_district else AgencyKind.HEALTH_STATION])
        found: list[DutySite] = []
        for kind, agency, rules in (
            (SiteKind.COMMAND_CENTRE, committee, HQ_RULES),
            (SiteKind.HEALTH_STATION, health, STATION_RULES),
        ):
            if agency is None:
                story.result.notes.append(
                    _("%(unit)s has no %(kind)s agency in the demo city: no site for it.")
                    % {"unit": unit.name, "kind": SiteKind(kind).label}
                )
                continue
            name = f"Trụ sở {agency.name}" if kind == SiteKind.COMMAND_CENTRE else agency.name
            site = DutySite.objects.filter(unit=unit, name=name).first()
            if site is None:
                site = sites.save_site(user, name=name, kind=kind, unit=unit, agency=agency, phone=agency.phone)
                story.result.sites += 1
            if not CoverageRule.objects.filter(site=site).exists():
                for rule_name, start, end, days, people, leaders in rules:
                    sites.save_rule(
                        user,
                        site,
                        name=rule_name,
                        start_time=start,
                        end_time=end,
                        weekdays=days,
                        people=people,
                        leaders=leaders,
                    )
                    story.result.rules += 1
            found.append(site)
        out[unit.pk] = found
    return out


# -------------------------------------------------------------------------------------------------- 2. rosters


def reinforcements(story: Story, unit_sites_: dict[int, list[DutySite]]) -> dict[int, list[StaffMember]]:
    """Per ward: the district's people lent to it (tăng cường) so its pool reaches POOL_TARGET.

    A ward's People's Committee (20-odd people) and health station (5-10) cannot keep a headquarters and a station
    staffed 24/24 within 48 hours a week on their own; the district lends staff of its health centre and its People's
    Committee, as the districts did in 2021. Each person is lent to one ward only (Tân An and An Hòa first), never a
    key leader (they lead the district), only people available now; they serve either site of the ward. Those lent
    are left out of the district's own pool. A ward still short keeps an infeasible draft (the page says why)."""
    lenders = [
        _agency(story.district, [AgencyKind.HEALTH_CENTRE]),
        _agency(story.district, [AgencyKind.DISTRICT_COMMITTEE]),
    ]
    spare = [
        p
        for agency in lenders
        if agency is not None
        for p in StaffMember.objects.filter(agency=agency, status=StaffStatus.AVAILABLE).order_by("pk")
        if not rosters.is_leader(p)
    ]
    spare = spare[: max(0, len(spare) - DISTRICT_KEEPS)]
    first = {TAN_AN_CODE: 0, AN_HOA_CODE: 1}
    out: dict[int, list[StaffMember]] = {}
    for ward in sorted(story.wards, key=lambda w: (first.get(w.code, 2), w.code)):
        # Only those free to serve count: this week's mobilisation takes many of a ward's own people.
        own = sum(1 for p in rosters.default_pool(unit_sites_.get(ward.pk) or []) if p.status == StaffStatus.AVAILABLE)
        need = max(0, POOL_TARGET - own)
        out[ward.pk], spare = spare[:need], spare[need:]
    out[story.district.pk] = []
    return out


def build_rosters(story: Story, unit_sites_: dict[int, list[DutySite]]) -> None:
    this_monday = monday_of(story.today)
    weeks = [this_monday - timedelta(days=7), this_monday, this_monday + timedelta(days=7)]
    lent = reinforcements(story, unit_sites_)
    lent_ids = {p.pk for people in lent.values() for p in people}
    user = story.district_user  # the district plans: the people it lends are outside a ward's own area
    for monday in weeks:  # week by week: a published week blocks its people's times for the next
        for unit in [*story.wards, story.district]:
            site_list = unit_sites_.get(unit.pk) or []
            if not site_list:
                continue
            if Roster.objects.filter(unit=unit, start_date=monday).exists():
                continue  # this unit's roster of that week exists (published, draft or infeasible)
            pool = [p for p in rosters.default_pool(site_list) if p.pk not in lent_ids] + lent[unit.pk]
            kwargs = dict(unit=unit, sites=site_list, start=monday, end=monday + timedelta(days=6), pool=pool)
            roster = rosters.generate_roster(user, time_limit=SOLVE_SECONDS, num_workers=SOLVE_WORKERS, **kwargs)
            if roster.solver.get("status") == "unknown":
                # No roster in the short limit (a busy machine): the demo drops its own draft and solves again.
                with acting_as(user), transaction.atomic():
                    roster.delete()
                roster = rosters.generate_roster(user, time_limit=RETRY_SECONDS, num_workers=SOLVE_WORKERS, **kwargs)
            story.result.rosters += 1
            if roster.solver.get("status") in ("optimal", "feasible"):
                try:
                    rosters.publish(user, roster)
                    story.result.published += 1
                except ValidationError as exc:
                    story.result.notes.append(f"{unit.name}: {_message(exc)}")
            else:
                story.result.infeasible.append(f"{unit.name} ({monday:%d/%m/%Y})")


# ------------------------------------------------------------------------------------------------- 3. hotlines


def _landline(rng: random.Random, used: set[str]) -> str:
    while True:
        number = f"02923{rng.randint(700000, 899999)}"  # Cần Thơ: 0292 + 7 digits
        if number not in used:
            used.add(number)
            return number


def _mobile(rng: random.Random, used: set[str]) -> str:
    while True:
        number = f"09{rng.choice('0134678')}{rng.randrange(10_000_000):07d}"
        if number not in used:
            used.add(number)
            return number


def hotline_plan(story: Story, unit: AdminUnit, used: set[str]) -> list[tuple[str, str, str, str]]:
    """(number, line, label, site kind) of the unit's hotlines; the two non-compliant wards lack something."""
    rng = story.rng("hotlines", unit.code)
    plan = [
        (_landline(rng, used), Line.HEALTH, "Trạm Y tế – trực 24/24", SiteKind.HEALTH_STATION),
        (_mobile(rng, used), Line.HEALTH, "Tư vấn F0 tại nhà", SiteKind.HEALTH_STATION),
        (_landline(rng, used), Line.WELFARE, "Hỗ trợ lương thực, an sinh", SiteKind.COMMAND_CENTRE),
        (_landline(rng, used), Line.GENERAL, "Ban Chỉ đạo phòng, chống dịch", SiteKind.COMMAND_CENTRE),
        (_mobile(rng, used), Line.SECURITY, "Công an – an ninh trật tự", SiteKind.COMMAND_CENTRE),
    ]
    if unit.level == Level.DISTRICT:
        plan[0] = (plan[0][0], Line.HEALTH, "Trung tâm Y tế – trực 24/24", SiteKind.HEALTH_STATION)
    only_three, no_welfare = story.non_compliant
    if unit.code == only_three:
        plan = [plan[0], plan[2], plan[3]]  # health, welfare, general: one number short
    elif unit.code == no_welfare:
        plan = [p for p in plan if p[1] != Line.WELFARE]  # four numbers, but nobody for food and welfare
    return plan


def build_hotlines(story: Story, unit_sites_: dict[int, list[DutySite]]) -> None:
    used = set(Hotline.objects.values_list("number", flat=True))
    for unit in story.units:
        plan = hotline_plan(story, unit, used)  # always drawn: the numbers of one unit never depend on another
        if Hotline.objects.filter(unit=unit).exists():
            continue  # the unit manages its own numbers once it has some
        by_kind = {s.kind: s for s in unit_sites_.get(unit.pk, [])}
        for number, line, label, kind in plan:
            if Hotline.objects.filter(number=number, is_active=True).exists():
                continue
            hotlines.create_hotline(
                story.district_user, unit=unit, number=number, line=line, label=label, site=by_kind.get(kind)
            )
            story.result.hotlines += 1
    story.result.non_compliant = [code for code in story.non_compliant if code]


# ------------------------------------------------------------------------------------------ 6. the Friday report


def build_friday_reports(story: Story) -> None:
    """This week's report of every unit, sent on last Friday: on time for most (14:00-16:55), late for one
    (Friday evening), missing for one."""
    week = monday_of(story.today)
    deadline = friday.deadline_for(week)
    codes = [w.code for w in story.wards if w.code != TAN_AN_CODE]
    missing = codes[0] if codes else ""
    late = codes[1] if len(codes) > 1 else ""
    for unit in story.units:
        if unit.code == missing or WeeklyRosterReport.objects.filter(unit=unit, week_start=week).exists():
            continue
        rng = story.rng("friday", unit.code, week)
        if unit.code == late:
            at = deadline + timedelta(minutes=rng.randint(90, 200))
        else:
            at = deadline - timedelta(minutes=rng.randint(5, 180))
        if at > story.now:
            continue
        friday.submit(story.actor(unit), unit, week, note="", now=at)
        story.result.friday_reports += 1


# ------------------------------------------------------------------------------------------------------ the story


def _logins() -> dict[str, User]:
    names = [DISTRICT_LOGIN, COMMUNE_LOGIN, OPERATOR_LOGIN]
    return {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}


def my_shifts_logins(today: date) -> list[str]:
    """Demo logins linked to a civil servant who has shifts on a published roster from this week on."""
    start = datetime.combine(monday_of(today), time.min, zone())
    staff = ShiftAssignment.objects.filter(
        shift__roster__status=RosterStatus.PUBLISHED, shift__end__gt=start
    ).values_list("staff_id", flat=True)
    return sorted(
        User.objects.filter(Q(staff_member__in=staff), is_active=True)
        .exclude(username__startswith="demo.")
        .values_list("username", flat=True)
    )


def build_duty_story(
    province: AdminUnit, *, today: date | None = None, now: datetime | None = None, seed: int = 2021
) -> DutyStoryResult:
    """Play the duty story on Ninh Kiều. Raises ValidationError / PermissionDenied when a service refuses a step
    (the builder reports it), StoryError when the demo city is not built."""
    # Imported here: they import this module's constants.
    from phaodai.core.demo.duty_story_calls import build_calls
    from phaodai.core.demo.duty_story_community import build_community

    started = monotonic()
    now = now or timezone.now()
    today = today or now.astimezone(zone()).date()
    result = DutyStoryResult()
    district = AdminUnit.objects.filter(code=DISTRICT_CODE, path__startswith=province.path).first()
    logins = _logins()
    if district is None or DISTRICT_LOGIN not in logins:
        raise StoryError(_("The duty story needs Ninh Kiều (916) and the demo login “ninhkieu”: build the city first."))
    wards = list(AdminUnit.objects.filter(parent=district, level=Level.COMMUNE).order_by("code"))
    story = Story(
        district,
        wards,
        logins[DISTRICT_LOGIN],
        logins.get(COMMUNE_LOGIN),
        logins.get(OPERATOR_LOGIN),
        now,
        today,
        seed,
        result,
    )
    by_unit = build_sites(story)
    build_rosters(story, by_unit)
    build_hotlines(story, by_unit)
    build_community(story)
    build_calls(story)
    build_friday_reports(story)
    result.my_shifts_logins = my_shifts_logins(today)
    result.seconds = monotonic() - started
    return result

"""Roster generation: a solved roster obeys every rule (checked here independently of the solver), people who are
mobilised, on leave, sick or unavailable are never rostered, and when no roster exists the reason names the rule
and the place."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from phaodai.duty import rosters, sites
from phaodai.duty.models import CoverageRule, RosterStatus, Shift, ShiftAssignment, UnavailabilityKind
from phaodai.duty.testing import duty_world, more_staff
from phaodai.mobilisation.testing import assign as mobilisation_assign
from phaodai.mobilisation.testing import make_decision, make_request
from phaodai.places.models import AdminUnit
from phaodai.staff.models import StaffStatus
from phaodai.staff.positions import is_key_leader
from phaodai.testing import TAN_AN, TRA_NOC

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = date(2021, 8, 2)


def three_shifts(site, people: int = 1, leaders_day: int = 1) -> None:
    every_day = [1, 2, 3, 4, 5, 6, 7]
    CoverageRule.objects.create(
        site=site,
        name="Sáng",
        start_time=time(6),
        end_time=time(14),
        weekdays=every_day,
        people=people,
        leaders=leaders_day,
    )
    CoverageRule.objects.create(
        site=site, name="Chiều", start_time=time(14), end_time=time(22), weekdays=every_day, people=people
    )
    CoverageRule.objects.create(
        site=site, name="Đêm", start_time=time(22), end_time=time(6), weekdays=every_day, people=people
    )


def check_rules(roster) -> None:
    """Every rule, checked from the stored rows only."""
    by_person = defaultdict(list)
    for shift in roster.shifts.prefetch_related("assignments__staff"):
        people = [a.staff for a in shift.assignments.all()]
        assert len(people) == shift.people, shift
        assert sum(1 for p in people if is_key_leader(p.position)) >= shift.leaders, shift
        assert sum(1 for a in shift.assignments.all() if a.as_leader) == shift.leaders
        for p in people:
            assert p.status not in (StaffStatus.ON_LEAVE, StaffStatus.ISOLATED)
            by_person[p.pk].append(shift)
    for shifts in by_person.values():
        shifts.sort(key=lambda s: s.start)
        for a, b in zip(shifts, shifts[1:], strict=False):
            assert b.start >= a.end + timedelta(hours=roster.min_rest_hours), (a, b)
        weeks = defaultdict(float)
        for s in shifts:
            weeks[s.start.astimezone(HCM).isocalendar()[:2]] += (s.end - s.start).total_seconds() / 3600
        assert max(weeks.values()) <= roster.max_hours_per_week


@pytest.fixture
def setting(world):
    s = duty_world(world)
    people = more_staff(world.agencies["ubnd_tan_an"], 8, leaders=3)
    three_shifts(s.tan_an_hq)
    return s, people


def generate(world, s, **kw):
    return rosters.generate_roster(
        world.tan_an,
        unit=AdminUnit.objects.get(code=TAN_AN),
        sites=[s.tan_an_hq],
        start=MONDAY,
        end=MONDAY + timedelta(days=6),
        time_limit=10,
        **kw,
    )


def test_a_week_of_three_shifts_is_solved_within_every_rule(world, setting):
    s, people = setting
    roster = generate(world, s)
    assert roster.status == RosterStatus.DRAFT and roster.version == 1
    assert roster.solver["status"] in ("optimal", "feasible") and roster.solver["messages"] == []
    assert roster.shifts.count() == 21
    # the night shift of Sunday ends on Monday 06:00, local time
    last = roster.shifts.order_by("start").last()
    assert last.end == datetime(2021, 8, 9, 6, tzinfo=HCM)
    check_rules(roster)
    # fairness: 21 places among 10 people (8 new + An, Đạt): nobody takes more than 3 shifts or 2 nights
    counts = rosters.per_person(roster)
    assert max(r["shifts"] for r in counts) - min(r["shifts"] for r in counts) <= 1
    assert max(r["nights"] for r in counts) <= 1
    assert roster.solver["gap"] is not None and roster.solver["objective"] is not None


def test_mobilised_on_leave_and_unavailable_people_are_never_rostered(world, setting):
    s, people = setting
    sick = people[3]
    sick.status = StaffStatus.ISOLATED
    sick.save()
    sites.add_unavailability(
        world.tan_an,
        staff=people[4],
        kind=UnavailabilityKind.STATED,
        start=datetime(2021, 8, 1, tzinfo=HCM),
        end=datetime(2021, 8, 20, tzinfo=HCM),
    )
    sites.add_unavailability(
        world.tan_an,
        staff=people[5],
        kind=UnavailabilityKind.LEAVE,
        start=datetime(2021, 8, 4, tzinfo=HCM),
        end=datetime(2021, 8, 6, tzinfo=HCM),
    )
    request = make_request(world, {TRA_NOC: 1}, start=date(2021, 8, 1), end=date(2021, 8, 31))
    mobilisation_assign(make_decision(world), request.targets.get(), people[6])
    roster = generate(world, s)
    check_rules(roster)
    on = set(ShiftAssignment.objects.filter(shift__roster=roster).values_list("staff_id", flat=True))
    assert sick.pk not in on and people[4].pk not in on and people[6].pk not in on
    assert people[5].pk in on  # on leave only two days: rostered on the others
    leave_days = ShiftAssignment.objects.filter(
        shift__roster=roster,
        staff=people[5],
        shift__start__lt=datetime(2021, 8, 6, tzinfo=HCM),
        shift__end__gt=datetime(2021, 8, 4, tzinfo=HCM),
    )
    assert not leave_days.exists()


def test_too_few_leaders_names_the_rule_and_the_place(world):
    s = duty_world(world)
    more_staff(world.agencies["ubnd_tan_an"], 10, leaders=1)
    every_day = [1, 2, 3, 4, 5, 6, 7]
    CoverageRule.objects.create(
        site=s.tan_an_hq, name="Đêm", start_time=time(22), end_time=time(6), weekdays=every_day, people=2, leaders=1
    )
    roster = generate(world, s)
    assert roster.solver["status"] == "infeasible" and not ShiftAssignment.objects.filter(shift__roster=roster)
    with translation.override("en"):
        text = " ".join(rosters.messages_of(roster))
    assert "Phường Tân An has 1 leader-level staff for 7 “Đêm” shifts" in text
    assert "at most 6 of the 7 leader places" in text


def test_a_shift_nobody_is_free_for_is_named(world, setting):
    s, people = setting
    everyone = [*people, world.staff["an"], world.staff["dat"]]
    for p in everyone:
        sites.add_unavailability(
            world.tan_an,
            staff=p,
            kind=UnavailabilityKind.SICK,
            start=datetime(2021, 8, 4, 20, tzinfo=HCM),
            end=datetime(2021, 8, 5, 1, tzinfo=HCM),
        )
    roster = generate(world, s)
    with translation.override("en"):
        text = rosters.messages_of(roster)
    assert roster.solver["status"] == "infeasible"
    assert any("On 04/08/2021 the “Đêm” shift (22:00–06:00)" in m and "only 0 are free" in m for m in text), text


def test_weekly_hours_too_low_is_explained(world, setting):
    s, _people = setting
    roster = generate(world, s, max_hours_per_week=8)
    with translation.override("en"):
        text = " ".join(rosters.messages_of(roster))
    assert "A maximum of 8 hours a week cannot cover 168 hours of duty" in text


def test_rest_rule_infeasibility_without_a_cheap_reason_lists_unfillable_shifts(world):
    s = duty_world(world)
    every_day = [1, 2, 3, 4, 5, 6, 7]
    CoverageRule.objects.create(
        site=s.tan_an_hq, name="Ngày", start_time=time(8), end_time=time(20), weekdays=every_day, people=2
    )
    # 2 people (An, Đạt) for 2 places a day: fine with 12 h rest (8–20 then 8 next day), impossible with 13 h.
    ok = generate(world, s, min_rest_hours=12, max_hours_per_week=84)
    assert ok.solver["status"] in ("optimal", "feasible")
    bad = generate(world, s, min_rest_hours=13, max_hours_per_week=84)
    assert bad.solver["status"] == "infeasible"
    with translation.override("en"):
        assert any("cannot be filled" in m or "at most" in m for m in rosters.messages_of(bad))


def test_bad_input_and_scope_are_refused(world, setting):
    s, _people = setting
    unit = AdminUnit.objects.get(code=TAN_AN)
    with pytest.raises(ValidationError):
        rosters.generate_roster(world.tan_an, unit=unit, sites=[s.tan_an_hq], start=MONDAY, end=MONDAY - timedelta(1))
    with pytest.raises(PermissionDenied):
        rosters.generate_roster(world.tan_an, unit=unit, sites=[s.an_hoa_hq], start=MONDAY, end=MONDAY)
    with pytest.raises(PermissionDenied):
        rosters.generate_roster(world.observer, unit=unit, sites=[s.tan_an_hq], start=MONDAY, end=MONDAY)
    with pytest.raises(ValidationError):  # no rule
        rosters.generate_roster(world.tan_an, unit=unit, sites=[s.tan_an_station], start=MONDAY, end=MONDAY)
    assert not Shift.objects.exists() or Shift.objects.filter(roster__sites=s.tan_an_station).count() == 0


def test_impossible_rules_are_refused_with_clear_messages(world):
    s = duty_world(world)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        sites.save_rule(
            world.tan_an,
            s.tan_an_hq,
            name="Đêm",
            start_time=time(22),
            end_time=time(6),
            weekdays=[],
            people=1,
            leaders=2,
        )
    text = str(exc.value)
    assert "at least one day of the week" in text and "2 leader-level people but only 1 people" in text
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        sites.save_rule(
            world.tan_an, s.tan_an_hq, name="X", start_time=time(8), end_time=time(8), weekdays=[1], people=0
        )
    assert "at least one person" in str(exc.value) and "same time" in str(exc.value)
    assert not CoverageRule.objects.exists()
    with pytest.raises(PermissionDenied):
        sites.save_rule(
            world.tan_an, s.an_hoa_hq, name="Ngày", start_time=time(8), end_time=time(17), weekdays=[1], people=1
        )

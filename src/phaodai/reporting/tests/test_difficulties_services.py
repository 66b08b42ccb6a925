"""Difficulties as services: routing, due times, the life cycle with its steps and audit actor, bad input, scope,
notifications and ageing (reporting.difficulties)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from phaodai.notifications.models import Message
from phaodai.places.models import AdminUnit, Level, Structure
from phaodai.reporting import difficulties as svc
from phaodai.reporting.models import Difficulty, DifficultyStatus, DifficultyStep, TeamReport
from phaodai.reporting.testing import field_world
from phaodai.testing import AN_HOA, CITY, NINH_KIEU, TAN_AN, TRA_NOC, unit


@pytest.fixture(autouse=True)
def english():
    # The messages are checked in English (the gettext source); the Vietnamese is checked by test_translations.
    with translation.override("en"):
        yield


NOW = datetime(2021, 8, 10, 3, 0, tzinfo=UTC)  # 10:00 in Hồ Chí Minh City


def raise_(user, **kw):
    data = {
        "category": "supplies",
        "severity": "low",
        "title": "Hết que test nhanh",
        "description": "Tổ 1 còn 20 que test, cần thêm 500 que.",
        "now": NOW,
    }
    data.update(kw)
    if "unit" not in data and not {"delegation", "team_report", "delegation_report"} & set(data):
        data["unit"] = unit(TAN_AN)
    return svc.raise_difficulty(user, **data)


# --------------------------------------------------------------------------------------------------- routing


@pytest.mark.parametrize(
    ("category", "severity", "acting"),
    [
        ("supplies", "low", TAN_AN),
        ("welfare", "medium", TAN_AN),
        ("security", "high", NINH_KIEU),
        ("other", "critical", CITY),
        ("staff", "low", CITY),  # staff: the level that mobilised, whatever the severity
        ("medical", "high", NINH_KIEU),
        ("medical", "critical", CITY),
    ],
)
def test_routing_by_severity_and_category(world, category, severity, acting):
    d = raise_(world.tan_an, category=category, severity=severity)
    assert d.acting_unit.code == acting
    assert d.status == DifficultyStatus.OPEN


def test_a_unit_above_the_rules_level_acts_itself(world):
    d = raise_(world.ninh_kieu, unit=unit(NINH_KIEU), severity="low")
    assert d.acting_unit.code == NINH_KIEU


def test_without_districts_district_means_the_province(world):
    province = AdminUnit.objects.create(
        code="99", name="Tỉnh Thử", division_type="tỉnh", level=Level.PROVINCE, structure=Structure.TWO_LEVEL_2025
    )
    commune = AdminUnit.objects.create(
        code="99001",
        name="Xã Thử",
        division_type="xã",
        level=Level.COMMUNE,
        structure=Structure.TWO_LEVEL_2025,
        parent=province,
    )
    assert svc.route(commune, "security", "high") == province
    assert svc.route(commune, "security", "low") == commune


@pytest.mark.parametrize(("severity", "hours"), [("critical", 4), ("high", 24), ("medium", 48), ("low", 72)])
def test_due_time_by_severity(world, severity, hours):
    d = raise_(world.tan_an, severity=severity)
    assert d.due_at == NOW + timedelta(hours=hours)
    assert d.raised_at == NOW


# --------------------------------------------------------------------------------------------------- life cycle


def test_whole_life_cycle_with_steps_audit_and_answer(world):
    field_world(world)
    reporter = world.team_leader
    d = raise_(reporter, severity="medium")
    assert d.acting_unit.code == TAN_AN
    later = NOW + timedelta(hours=2)
    svc.acknowledge(world.tan_an, d, "Đã nhận, đang liên hệ Trạm Y tế.", now=later)
    d.refresh_from_db()
    assert d.status == DifficultyStatus.ACKNOWLEDGED and d.acknowledged_at == later

    # Tân An cannot supply it: refer up to Ninh Kiều, open again there with a new due time.
    referred_at = NOW + timedelta(hours=5)
    svc.refer(world.tan_an, d, "Phường hết kinh phí mua que test.", now=referred_at)
    d.refresh_from_db()
    assert d.acting_unit.code == NINH_KIEU
    assert d.status == DifficultyStatus.REFERRED
    assert d.due_at == referred_at + timedelta(hours=48)
    assert d.acknowledged_at is None
    # The ward no longer acts on it: it is Ninh Kiều's now.
    with pytest.raises(PermissionDenied, match="Quận Ninh Kiều"):
        svc.resolve(world.tan_an, d, "Đã xong")

    svc.resolve(world.ninh_kieu, d, "Quận cấp 500 que test, giao trước 17:00.", now=referred_at + timedelta(hours=3))
    d.refresh_from_db()
    assert d.status == DifficultyStatus.RESOLVED and d.answer.startswith("Quận cấp 500")

    svc.reopen(reporter, d, "Mới nhận 200 que.", now=referred_at + timedelta(days=1))
    d.refresh_from_db()
    assert d.status == DifficultyStatus.OPEN and d.answer == "" and d.resolved_at is None
    assert d.acting_unit.code == NINH_KIEU

    steps = list(d.steps.values_list("kind", "by__username", "from_unit__code", "to_unit__code"))
    assert steps == [
        ("raised", "team_leader", None, TAN_AN),
        ("acknowledged", "tan_an", TAN_AN, TAN_AN),
        ("referred", "tan_an", TAN_AN, NINH_KIEU),
        ("resolved", "ninh_kieu", NINH_KIEU, NINH_KIEU),
        ("reopened", "team_leader", NINH_KIEU, NINH_KIEU),
    ]
    actors = {e.actor.username for e in LogEntry.objects.get_for_object(d) if e.action == LogEntry.Action.UPDATE}
    assert actors == {"tan_an", "ninh_kieu", "team_leader"}
    created = LogEntry.objects.get_for_object(d).get(action=LogEntry.Action.CREATE)
    assert created.actor == reporter


def test_resolving_needs_an_answer_and_leaves_nothing_half_saved(world):
    d = raise_(world.tan_an)
    with pytest.raises(ValidationError, match="Write the answer"):
        svc.resolve(world.tan_an, d, "   ")
    d.refresh_from_db()
    assert d.status == DifficultyStatus.OPEN
    assert list(d.steps.values_list("kind", flat=True)) == ["raised"]


def test_referring_up_from_the_province_is_refused(world):
    d = raise_(world.steering, category="staff", severity="high")
    assert d.acting_unit.code == CITY
    with pytest.raises(ValidationError, match="highest level"):
        svc.refer(world.steering, d, "Xin ý kiến Trung ương")
    d.refresh_from_db()
    assert d.acting_unit.code == CITY and d.steps.count() == 1


def test_referring_needs_a_reason(world):
    d = raise_(world.tan_an)
    with pytest.raises(ValidationError, match="why"):
        svc.refer(world.tan_an, d, "")
    d.refresh_from_db()
    assert d.acting_unit.code == TAN_AN


def test_only_the_unit_it_is_with_or_above_acts(world):
    d = raise_(world.tan_an, severity="high")  # → Ninh Kiều
    with pytest.raises(PermissionDenied):
        svc.acknowledge(world.tan_an, d)  # the ward it arose in, below the acting unit
    with pytest.raises(PermissionDenied):
        svc.acknowledge(world.binh_thuy, d)  # another district
    with pytest.raises(PermissionDenied):
        svc.acknowledge(world.observer, d)  # no difficulty.act
    svc.acknowledge(world.steering, d)  # the city is above Ninh Kiều
    assert Difficulty.objects.get(pk=d.pk).status == DifficultyStatus.ACKNOWLEDGED


def test_only_the_reporter_reopens_and_only_when_resolved(world):
    d = raise_(world.tan_an)
    with pytest.raises(ValidationError, match="resolved"):
        svc.reopen(world.tan_an, d, "Chưa xong")
    svc.resolve(world.tan_an, d, "Đã cấp.")
    with pytest.raises(PermissionDenied):
        svc.reopen(world.ninh_kieu, d, "Chưa xong")
    with pytest.raises(ValidationError, match="resolved"):
        svc.acknowledge(world.tan_an, d)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"category": "weather"}, "“weather” is not a difficulty category"),
        ({"severity": "urgent"}, "“urgent” is not a severity"),
        ({"title": " "}, "short title"),
        ({"unit": None}, "Say where"),
    ],
)
def test_bad_input_is_refused_clearly(world, kw, message):
    with pytest.raises(ValidationError, match=message):
        raise_(world.tan_an, **kw)
    assert not Difficulty.objects.exists() and not DifficultyStep.objects.exists()


def test_a_unit_outside_ones_scope_is_refused(world):
    with pytest.raises(ValidationError, match="outside your jurisdiction"):
        raise_(world.tan_an, unit=unit(AN_HOA))
    with pytest.raises(PermissionDenied):
        raise_(world.observer)  # no difficulty.raise
    assert not Difficulty.objects.exists()


def test_raised_from_a_team_report_is_in_the_delegations_commune(world):
    f = field_world(world)
    report = TeamReport.objects.create(
        team=f.team_1, day=f.start, deadline=NOW, first_submitted_at=NOW, last_submitted_at=NOW
    )
    d = raise_(world.team_leader, team_report=report, category="welfare")
    assert d.unit.code == TAN_AN and d.delegation == f.tan_an and d.team_report == report
    # An Hòa's report is not one Tân An's team leader sees.
    other = TeamReport.objects.create(
        team=f.an_hoa_team, day=f.start, deadline=NOW, first_submitted_at=NOW, last_submitted_at=NOW
    )
    with pytest.raises(ValidationError, match="not one you can see"):
        raise_(world.team_leader, team_report=other)


def test_a_delegation_head_raises_for_their_delegation_from_outside_its_commune(world):
    f = field_world(world)
    head = world.delegation_head
    head.scope_unit = unit(TRA_NOC)  # the login's jurisdiction is elsewhere; heading the delegation is enough
    head.save()
    d = raise_(head, delegation=f.tan_an)
    assert d.unit.code == TAN_AN
    with pytest.raises(ValidationError, match="lead"):
        raise_(head, delegation=f.an_hoa)


# --------------------------------------------------------------------------------------------------- scope


def test_scope_commune_district_reporter(world):
    tan_an = raise_(world.tan_an, title="Khó khăn Tân An")
    an_hoa = raise_(world.an_hoa, unit=unit(AN_HOA), title="Khó khăn An Hòa")
    tra_noc = raise_(world.tra_noc, unit=unit(TRA_NOC), title="Khó khăn Trà Nóc")
    visible = set(Difficulty.objects.visible_to(world.tan_an))
    assert tan_an in visible and an_hoa not in visible
    assert set(Difficulty.objects.visible_to(world.ninh_kieu)) == {tan_an, an_hoa}
    assert tra_noc in set(Difficulty.objects.visible_to(world.binh_thuy))
    # The reporter sees the answer even from a login whose jurisdiction has since changed.
    svc.resolve(world.an_hoa, an_hoa, "Đã bổ sung.")
    world.an_hoa.scope_unit = unit(TRA_NOC)
    world.an_hoa.save()
    seen = Difficulty.objects.visible_to(world.an_hoa).get(pk=an_hoa.pk)
    assert seen.answer == "Đã bổ sung."


# --------------------------------------------------------------------------------------------------- notifications


def test_notifications_to_the_acting_unit_and_to_the_reporter(world):
    d = raise_(world.team_leader, severity="critical")  # → the city
    recipients = set(Message.objects.values_list("recipient_user__username", flat=True))
    assert recipients == {"steering", "health"}  # the city's users who may act (the observer may not)
    assert "Hết que test nhanh" in Message.objects.first().subject

    Message.objects.all().delete()
    d2 = raise_(world.team_leader, severity="low")  # → Tân An
    svc.refer(world.tan_an, d2, "Cần quận hỗ trợ")
    assert set(Message.objects.values_list("recipient_user__username", flat=True)) == {"tan_an", "ninh_kieu"}

    Message.objects.all().delete()
    svc.resolve(world.steering, d, "Sở Y tế chuyển 2 bình oxy.")
    message = Message.objects.get()
    assert message.recipient_user == world.team_leader
    assert "Sở Y tế chuyển 2 bình oxy." in message.body


def test_a_failed_step_queues_nothing(world):
    d = raise_(world.tan_an)
    before = Message.objects.count()
    with pytest.raises(ValidationError):
        svc.refer(world.steering, Difficulty.objects.get(pk=d.pk), "")
    assert Message.objects.count() == before


# --------------------------------------------------------------------------------------------------- ageing


def test_ageing_buckets_and_overdue_with_a_frozen_clock(world):
    now = datetime(2021, 8, 20, 3, 0, tzinfo=UTC)
    ages = {"a": timedelta(hours=5), "b": timedelta(days=2), "c": timedelta(days=5), "d": timedelta(days=9)}
    made = {}
    for key, age in ages.items():
        made[key] = raise_(world.tan_an, title=key, severity="low", now=now - age)  # due 72 h after raising
    high = raise_(world.tan_an, title="quận", severity="high", now=now - timedelta(hours=30))  # Ninh Kiều, overdue
    done = raise_(world.tan_an, title="xong", now=now - timedelta(days=10))
    svc.resolve(world.tan_an, done, "Đã xử lý.", now=now - timedelta(days=9))
    raise_(world.an_hoa, unit=unit(AN_HOA), title="An Hòa", now=now - timedelta(days=20))

    with time_machine.travel(now, tick=False):
        result = svc.ageing(world.ninh_kieu)
    by_unit = {row.unit.code: row for row in result.rows}
    assert by_unit[TAN_AN].buckets == {"lt_1d": 1, "1_3d": 1, "3_7d": 1, "gt_7d": 1}
    assert by_unit[TAN_AN].overdue == 2  # 5 and 9 days old, due after 3 days
    assert by_unit[NINH_KIEU].buckets["1_3d"] == 1 and by_unit[NINH_KIEU].overdue == 1
    assert by_unit[AN_HOA].buckets["gt_7d"] == 1
    assert result.totals.total == 6 and result.totals.overdue == 4  # the resolved one is not counted
    assert high.acting_unit.code == NINH_KIEU

    # A commune sees only its own.
    own = svc.ageing(world.tan_an, now)
    assert {row.unit.code for row in own.rows} == {TAN_AN, NINH_KIEU}  # no An Hòa
    assert own.totals.total == 5


def test_age_bucket_boundaries():
    assert svc.age_bucket(timedelta(hours=23, minutes=59)) == "lt_1d"
    assert svc.age_bucket(timedelta(days=1)) == "1_3d"
    assert svc.age_bucket(timedelta(days=3)) == "3_7d"
    assert svc.age_bucket(timedelta(days=7)) == "gt_7d"

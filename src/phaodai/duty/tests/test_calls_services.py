"""Call intake and help requests: routing, deadlines, linking repeated calls, idempotency, statuses, errands."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from phaodai.duty import calls
from phaodai.duty.models import Call, CommunityTeam, Errand, HelpRequest, HelpStepKind
from phaodai.duty.tests.test_calls_world import T0, call, calls_world
from phaodai.notifications.models import Message


@pytest.fixture
def c(world):
    return calls_world(world)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# -- routing and deadlines ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "category,minutes",
    [("medical_emergency", 15), ("new_arrival", 60), ("testing", 240), ("vaccination", 240), ("food", 120)],
)
def test_the_routing_table_and_the_acknowledgement_deadline_by_category(c, category, minutes):
    hr = call(c, category=category).help_request
    assert hr.acknowledge_by - hr.received_at == timedelta(minutes=minutes)
    if category == "food":
        assert hr.routed_to_team == c.team and hr.routed_to_site is None
    else:
        assert hr.routed_to_site == c.sites.tan_an_station and hr.routed_to_team is None


def test_other_goes_to_the_team_within_a_day(c):
    hr = call(c, category="other").help_request
    assert hr.routed_to_team == c.team
    assert hr.acknowledge_by - hr.received_at == timedelta(hours=24)


def test_without_a_team_or_a_health_station_the_commune_headquarters_acts_and_the_note_says_so(c, world):
    food = call(c, neighbourhood=c.kv2)
    assert food.help_request.routed_to_site == c.sites.tan_an_hq and food.help_request.routed_to_team is None
    assert "Khu vực 2 has no community COVID team" in food.routing_note
    medical = call(c, user=c.an_hoa_operator, commune=c.an_hoa, neighbourhood=None, category="medical_emergency")
    assert medical.help_request.routed_to_site == c.sites.an_hoa_hq
    assert "no health station" in medical.routing_note
    assert "no health station" in medical.help_request.steps.get().note


def test_the_routed_people_are_told_through_the_outbox(c, world):
    medical = call(c, category="medical_emergency").help_request
    told = set(
        Message.objects.filter(key__startswith=f"help:{medical.pk}:").values_list("recipient_user__username", flat=True)
    )
    assert told == {"tram_y_te"}  # the station's user; the commune is not told of a plain medical call
    arrival = call(c, category="new_arrival", caller_phone="0909000111").help_request
    told = set(
        Message.objects.filter(key__startswith=f"help:{arrival.pk}:").values_list("recipient_user__username", flat=True)
    )
    assert told == {"tram_y_te", "tan_an"}  # a new arrival: the commune registers them too


# -- repeated calls and idempotency --------------------------------------------------------------------------


def test_a_repeated_call_about_the_same_need_joins_the_open_request(c):
    first = call(c)
    again = call(c, caller_phone="+84 909 123 456", need="Gọi lại: chưa ai đến", now=T0 + timedelta(hours=5))
    assert again.joined and not first.joined
    assert again.help_request_id == first.help_request_id
    assert HelpRequest.objects.count() == 1 and Call.objects.count() == 2
    kinds = list(first.help_request.steps.values_list("kind", flat=True))
    assert kinds == [HelpStepKind.RECEIVED, HelpStepKind.CALLED_AGAIN]


def test_a_different_category_a_closed_request_or_an_old_one_opens_a_new_request(c, world):
    first = call(c).help_request
    assert call(c, category="medical_emergency").help_request_id != first.pk
    calls.close(world.users["tan_an"], first, "Đã giao gạo", now=T0 + timedelta(hours=1))
    after_close = call(c, now=T0 + timedelta(hours=2)).help_request
    assert after_close.pk != first.pk
    late = call(c, now=after_close.received_at + timedelta(hours=73)).help_request
    assert late.pk != after_close.pk
    assert HelpRequest.objects.count() == 4


def test_the_same_idempotency_key_is_the_same_call_and_nothing_new(c):
    first = call(c, idempotency_key="tap-1")
    again = call(c, idempotency_key="tap-1", need="bấm hai lần")
    assert again.pk == first.pk
    assert Call.objects.count() == 1 and HelpRequest.objects.get().steps.count() == 1
    other = call(c, idempotency_key="tap-2")
    assert other.pk != first.pk and other.joined


def test_bad_intake_is_refused_clearly_and_nothing_is_saved(c, world):
    with pytest.raises(ValidationError) as err:
        call(c, caller_phone="+1 202 555 0100", need="")
    assert "not a Vietnamese phone number" in err.value.message_dict["caller_phone"][0]
    assert "Write what the caller needs" in err.value.message_dict["need"][0]
    with pytest.raises(ValidationError) as err:
        call(c, neighbourhood=c.an_hoa_kv1)
    assert "is not in Phường Tân An" in err.value.message_dict["neighbourhood"][0]
    with pytest.raises(ValidationError) as err:
        call(c, commune=c.an_hoa, neighbourhood=None)  # the Tân An operator does not serve An Hòa
    assert "outside your jurisdiction" in err.value.message_dict["commune"][0]
    with pytest.raises(PermissionDenied):
        call(c, user=world.users["observer"])
    assert not HelpRequest.objects.exists() and not Call.objects.exists()


# -- statuses ------------------------------------------------------------------------------------------------


def test_acknowledge_start_close_reopen_and_comment_each_leave_a_step(c, world):
    hr = call(c).help_request
    user = world.users["tan_an"]
    calls.acknowledge(user, hr, now=T0 + timedelta(minutes=5))
    calls.start(user, hr, "Tổ đang đi mua", now=T0 + timedelta(minutes=10))
    with pytest.raises(ValidationError) as err:
        calls.close(user, hr, "  ", now=T0 + timedelta(hours=1))
    assert "Write the outcome" in err.value.message_dict["outcome"][0]
    calls.close(user, hr, "Đã giao", now=T0 + timedelta(hours=1))
    hr.refresh_from_db()
    assert hr.status == "closed" and hr.outcome == "Đã giao" and hr.acknowledged_at == T0 + timedelta(minutes=5)
    with pytest.raises(ValidationError, match="Say why"):
        calls.reopen(user, hr, "")
    calls.reopen(user, hr, "Thiếu sữa", now=T0 + timedelta(hours=3))
    hr.refresh_from_db()
    assert hr.status == "new" and hr.outcome == "" and hr.acknowledge_by == T0 + timedelta(hours=5)
    calls.comment(world.users["hotline_operator"], hr, "Người dân gọi hỏi")
    kinds = list(hr.steps.values_list("kind", flat=True))
    assert kinds == ["received", "acknowledged", "started", "closed", "reopened", "commented"]


def test_refusals_wrong_state_role_or_jurisdiction(c, world):
    hr = call(c).help_request
    with pytest.raises(PermissionDenied):
        calls.acknowledge(world.users["hotline_operator"], hr)  # operators take calls, they do not act
    with pytest.raises(PermissionDenied, match="Phường Tân An"):
        calls.acknowledge(world.users["an_hoa"], hr)
    calls.acknowledge(world.users["ninh_kieu"], hr)  # the district above may act
    with pytest.raises(ValidationError, match="already acknowledged"):
        calls.acknowledge(world.users["tan_an"], hr)
    with pytest.raises(ValidationError, match="Only a closed"):
        calls.reopen(world.users["tan_an"], hr, "x")
    with pytest.raises(ValidationError, match="Unknown action"):
        calls.perform(world.users["tan_an"], hr, "delete")
    calls.close(world.users["tan_an"], hr, "Xong")
    with pytest.raises(ValidationError, match="closed"):
        calls.start(world.users["tan_an"], hr)
    hr.refresh_from_db()
    assert set(calls.allowed_actions(world.users["tan_an"], hr)) == {"reopen", "comment"}
    assert calls.allowed_actions(world.users["hotline_operator"], hr) == ["comment"]


def test_reroute_within_the_commune_needs_a_reason_and_restarts_the_clock(c, world):
    hr = call(c).help_request
    user = world.users["tan_an"]
    calls.acknowledge(user, hr, now=T0 + timedelta(minutes=1))
    with pytest.raises(ValidationError) as err:
        calls.reroute(user, hr, "x", team=c.an_hoa_team)
    assert "does not serve Phường Tân An" in err.value.message_dict["team"][0]
    with pytest.raises(ValidationError, match="either a community team or a site"):
        calls.reroute(user, hr, "x")
    with pytest.raises(ValidationError, match="Say why"):
        calls.reroute(user, hr, "", site=c.sites.tan_an_hq)
    other = CommunityTeam.objects.create(
        neighbourhood=c.kv2, name="Tổ COVID Khu vực 2", leader_name="A", leader_phone="0901000003"
    )
    calls.reroute(user, hr, "Nhà ở Khu vực 2", team=other, now=T0 + timedelta(minutes=30))
    hr.refresh_from_db()
    assert hr.routed_to_team == other and hr.status == "new" and hr.acknowledged_at is None
    assert hr.acknowledge_by == T0 + timedelta(minutes=150)
    assert hr.steps.last().kind == "rerouted" and "Tổ COVID Khu vực 2" in hr.steps.last().note


# -- errands -------------------------------------------------------------------------------------------------


def test_errand_goes_to_buy_then_delivered_then_paid_and_no_other_way(c, world):
    hr = call(c).help_request
    user = world.users["tan_an"]
    with pytest.raises(ValidationError, match="shopping list first"):
        calls.mark_delivered(user, hr)
    with pytest.raises(ValidationError) as err:
        calls.save_errand(user, hr, shopping_list="", deliverer_phone="123")
    assert set(err.value.message_dict) == {"shopping_list", "deliverer_phone"}
    calls.save_errand(user, hr, shopping_list="10 kg gạo\n2 thùng mì", deliverer_phone="0912 000 111")
    with pytest.raises(ValidationError, match="Say who delivered"):
        calls.mark_delivered(user, hr)
    with pytest.raises(ValidationError, match="mark it delivered first"):
        calls.mark_paid(user, hr, 250000)
    calls.save_errand(
        user, hr, shopping_list="10 kg gạo", deliverer_name="Đoàn viên Minh", deliverer_phone="0912000111"
    )
    calls.mark_delivered(user, hr, at=T0 + timedelta(hours=2))
    with pytest.raises(ValidationError, match="already delivered"):
        calls.save_errand(user, hr, shopping_list="thêm trứng")
    with pytest.raises(ValidationError, match="amount"):
        calls.mark_paid(user, hr, None)
    calls.mark_paid(user, hr, 250000, at=T0 + timedelta(hours=3))
    errand = Errand.objects.get()
    assert (errand.status, errand.amount, errand.deliverer_phone) == ("paid", 250000, "0912000111")
    with pytest.raises(ValidationError, match="already paid"):
        calls.mark_paid(user, hr, 1)


def test_errands_only_for_food_and_only_by_those_who_act(c, world):
    medical = call(c, category="medical_emergency").help_request
    with pytest.raises(ValidationError, match="Errands are for food"):
        calls.save_errand(world.users["tan_an"], medical, shopping_list="x")
    food = call(c).help_request
    with pytest.raises(PermissionDenied):
        calls.save_errand(world.users["an_hoa"], food, shopping_list="x")
    assert not Errand.objects.exists()


def test_the_overdue_filter_and_scope(c, world):
    from phaodai.duty.forms_calls import HelpRequestFilterSet

    call(c, category="medical_emergency")
    call(c, user=c.an_hoa_operator, commune=c.an_hoa, neighbourhood=c.an_hoa_kv1)
    assert list(HelpRequest.objects.visible_to(world.users["tan_an"]).values_list("commune", flat=True)) == [
        c.tan_an.pk
    ]
    assert HelpRequest.objects.visible_to(world.users["hotline_operator"]).count() == 1
    qs = HelpRequest.objects.visible_to(world.users["ninh_kieu"])
    overdue = HelpRequestFilterSet({"overdue": "true"}, queryset=qs, user=world.users["ninh_kieu"]).qs
    assert overdue.count() == 2  # T0 is long past: both unacknowledged
    # "Routed to my team or site": the station's people get the medical one, the team leader's phone the food one.
    mine = HelpRequestFilterSet({"mine": "true"}, queryset=HelpRequest.objects.all(), user=c.station_user).qs
    assert [r.category for r in mine] == ["medical_emergency"]

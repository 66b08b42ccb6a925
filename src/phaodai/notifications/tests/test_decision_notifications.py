"""An approved decision notifies every mobilised person (where, when, what) and every agency head (their people)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from phaodai.accounts.roles import Role
from phaodai.mobilisation.models import AssignmentState, DecisionStatus
from phaodai.mobilisation.testing import assign, make_decision, make_request
from phaodai.notifications.models import Message, MessageState
from phaodai.notifications.services import notify_decision_approved
from phaodai.testing import AN_HOA, TAN_AN, make_user


@pytest.fixture
def approved(world, settings):
    settings.LANGUAGE_CODE = "en"  # messages are written in the deployment's language
    settings.NOTIFICATION_CHANNELS = [
        "phaodai.notifications.channels.EmailChannel",
        "phaodai.notifications.channels.ConsoleChannel",
    ]
    request = make_request(world, {TAN_AN: 3, AN_HOA: 1})
    request.shift_pattern = "07:00-15:00"
    request.save()
    tan_an, an_hoa = request.targets.order_by("commune__code").reverse()  # 31135 Tân An, 31120 An Hòa
    decision = make_decision(world)
    assign(decision, tan_an, world.staff["an"])
    assign(decision, tan_an, world.staff["minh"])  # the Tân An health station, under Sở Y tế
    assign(decision, an_hoa, world.staff["hoa"])
    assign(decision, tan_an, world.staff["dat"], state=AssignmentState.PROPOSED)  # swapped out before approval
    decision.number, decision.status, decision.approved_at = "125/QĐ-UBND", DecisionStatus.APPROVED, timezone.now()
    decision.save()
    heads = {
        "tan_an": make_user("head_tan_an", Role.AGENCY_HEAD, agency=world.agencies["ubnd_tan_an"]),
        "so_y_te": make_user("head_so_y_te", Role.AGENCY_HEAD, agency=world.agencies["so_y_te"]),
        "tra_noc": make_user("head_tra_noc", Role.AGENCY_HEAD, agency=world.agencies["ubnd_tra_noc"]),
    }
    heads["tan_an"].email = "chutich.tanan@example.gov.vn"
    heads["tan_an"].save()
    return decision, heads


def test_each_mobilised_person_is_told_where_when_and_what(world, approved):
    decision, _heads = approved
    notify_decision_approved(decision)
    to_an = Message.objects.get(recipient_staff=world.staff["an"])
    assert to_an.subject == "Mobilised: Phường Tân An, 16/08/2021 to 29/08/2021"
    assert "decision 125/QĐ-UBND" in to_an.body
    assert "Phường Tân An, Quận Ninh Kiều, Thành phố Cần Thơ from 16/08/2021 to 29/08/2021" in to_an.body
    assert "Sample-taking support" in to_an.body and "07:00-15:00" in to_an.body
    assert (to_an.channel, to_an.address) == ("console", "0912345678")  # no login: the phone, until an SMS gateway
    to_hoa = Message.objects.get(recipient_staff=world.staff["hoa"])
    assert "Phường An Hòa" in to_hoa.subject
    assert not Message.objects.filter(recipient_staff=world.staff["dat"]).exists(), "only approved assignments"


def test_each_agency_head_gets_the_list_of_their_own_people(world, approved):
    decision, heads = approved
    notify_decision_approved(decision)
    tan_an = Message.objects.get(recipient_user=heads["tan_an"])
    assert (tan_an.channel, tan_an.address) == ("email", "chutich.tanan@example.gov.vn")
    assert "mobilises 1 of your staff" in tan_an.subject
    assert "Nguyễn Văn An, Ủy ban nhân dân Phường Tân An: Phường Tân An, 16/08/2021 to 29/08/2021" in tan_an.body
    assert "Huỳnh Minh" not in tan_an.body and "Lê Thị Hoa" not in tan_an.body
    # The head of Sở Y tế oversees the health station under it (the agency scope: own agency and those under it).
    so_y_te = Message.objects.get(recipient_user=heads["so_y_te"])
    assert "Huỳnh Minh" in so_y_te.body and "Nguyễn Văn An" not in so_y_te.body
    assert not Message.objects.filter(recipient_user=heads["tra_noc"]).exists(), "nobody of Trà Nóc is mobilised"


def test_notifying_queues_only_and_a_second_call_queues_nothing_new(world, approved):
    decision, _heads = approved
    first = notify_decision_approved(decision)
    assert len(first) == 3 + 2
    assert mail.outbox == []
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.QUEUED}
    again = notify_decision_approved(decision)
    assert sorted(m.pk for m in again) == sorted(m.pk for m in first)
    assert Message.objects.count() == 5


def test_an_inactive_head_is_not_notified(world, approved):
    decision, heads = approved
    heads["tan_an"].is_active = False
    heads["tan_an"].save()
    notify_decision_approved(decision)
    assert not Message.objects.filter(recipient_user=heads["tan_an"]).exists()

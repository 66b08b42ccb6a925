"""A week of calls to the Tân An and An Hòa hotlines (issue #6, item 9, step 5 of duty_story).

About sixty help requests over the last seven days, recorded by the city's hotline operator (`tongdai`) through
duty.calls.record_call with `now` at the call's instant: food and necessities most often, medical emergencies
rarely; many callers are households of the registry (their household is linked). Some call again within the hour
(the call joins the open request). Then what the ward did, through the same services at their own instants:
acknowledged (most in time, some late), work started, closed with an outcome — food requests as errands with a
shopping list, delivered and paid; the most recent ones still open; a few never acknowledged. Escalation
(duty.escalation.escalate_overdue) runs before every event and at the end, so overdue requests are escalated when
they were overdue. Everything is played in time order, in one transaction: the week exists whole or not at all.
The step is done once: a second run finds the calls (their idempotency keys start with KEY_PREFIX) and adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from phaodai.core.demo import duty_texts as T
from phaodai.core.demo.duty_story import AN_HOA_CODE, TAN_AN_CODE, Story, zone
from phaodai.core.demo.people import full_name, mobile
from phaodai.duty import calls, escalation
from phaodai.duty.models import Call, HelpCategory, HelpRequest, Hotline, Line
from phaodai.places.models import AdminUnit, Household, Level
from phaodai.staff.identity import FEMALE, MALE

KEY_PREFIX = "demo-duty:"
REQUESTS = 60
DAYS = 7
CATEGORY_WEIGHTS = [
    (HelpCategory.FOOD, 40),
    (HelpCategory.TESTING, 15),
    (HelpCategory.VACCINATION, 12),
    (HelpCategory.NEW_ARRIVAL, 12),
    (HelpCategory.OTHER, 13),
    (HelpCategory.MEDICAL_EMERGENCY, 8),
]
LINE_OF = {
    HelpCategory.FOOD: Line.WELFARE,
    HelpCategory.OTHER: Line.GENERAL,
    HelpCategory.MEDICAL_EMERGENCY: Line.HEALTH,
    HelpCategory.TESTING: Line.HEALTH,
    HelpCategory.VACCINATION: Line.HEALTH,
    HelpCategory.NEW_ARRIVAL: Line.HEALTH,
}
REPEAT_SHARE = 0.15
NEVER_ACKNOWLEDGED_SHARE = 0.08
LATE_SHARE = 0.2


@dataclass
class Event:
    at: datetime
    order: int  # ties: calls before what is done about them
    run: Callable[[datetime], None]


def _received_at(story: Story, rng) -> datetime:
    """Spread over the last week, mostly in the daytime (the hotline is 24/24, but few call at 3 a.m.)."""
    for _attempt in range(3):
        at = story.now - timedelta(minutes=rng.randint(15, DAYS * 24 * 60 - 60))
        if 6 <= at.astimezone(zone()).hour <= 22 or rng.random() < 0.3:
            break
    return at.replace(second=rng.randint(0, 59), microsecond=0)


def plan_calls(story: Story, ward: AdminUnit, share: float, first: int, count: int, events: list[Event]) -> int:
    """Schedule `count` requests of `ward` (keys first … first+count-1); returns how many calls."""
    neighbourhoods = list(AdminUnit.objects.filter(parent=ward, level=Level.NEIGHBOURHOOD).order_by("code"))
    by_line: dict[str, Hotline] = {}
    for hotline in Hotline.objects.filter(unit=ward, is_active=True).order_by("pk"):
        by_line.setdefault(hotline.line, hotline)
    homes = {n.pk: list(Household.objects.filter(neighbourhood=n).order_by("pk")) for n in neighbourhoods}
    actor = story.actor(ward)
    operator = story.operator or story.district_user
    categories = [c for c, _w in CATEGORY_WEIGHTS]
    weights = [w for _c, w in CATEGORY_WEIGHTS]
    n_calls = 0
    for index in range(first, first + count):
        rng = story.rng("call", ward.code, index)
        category = rng.choices(categories, weights)[0]
        neighbourhood = rng.choice(neighbourhoods) if neighbourhoods else None
        household = None
        if neighbourhood is not None and homes[neighbourhood.pk] and rng.random() < 0.6:
            household = rng.choice(homes[neighbourhood.pk])
        if household is not None and household.phone:
            phone, name, address = household.phone, household.head_name, household.address
        else:
            phone, name, address = mobile(rng), full_name(rng, rng.choice([MALE, FEMALE]), False), ""
        need = rng.choice(T.NEEDS[category])
        hotline = by_line.get(LINE_OF[category]) or by_line.get(Line.GENERAL)
        received = _received_at(story, rng)
        key = f"{KEY_PREFIX}{ward.code}:{index}"
        holder: dict[str, HelpRequest] = {}

        def record(at, *, key=key, category=category, need=need, nb=neighbourhood, phone=phone, name=name,
                   address=address, hotline=hotline, holder=holder, again=False):  # fmt: skip
            call = calls.record_call(
                operator,
                caller_phone=phone,
                commune=ward,
                category=category,
                need=T.AGAIN if again else need,
                neighbourhood=nb,
                caller_name=name,
                address=address,
                hotline=hotline,
                idempotency_key=key,
                now=at,
            )
            holder.setdefault("hr", call.help_request)
            story.result.calls += 1
            story.result.help_requests += 0 if call.joined else 1

        events.append(Event(received, 0, record))
        n_calls += 1
        if rng.random() < REPEAT_SHARE:
            again_at = received + timedelta(minutes=rng.randint(20, 90))
            if again_at < story.now:
                events.append(Event(again_at, 0, lambda at, r=record, k=key: r(at, key=f"{k}:again", again=True)))
                n_calls += 1
        # What the ward does about it.
        due = calls.ACKNOWLEDGE_WITHIN[category]
        if rng.random() < NEVER_ACKNOWLEDGED_SHARE and story.now - received < timedelta(days=2):
            continue  # nobody acknowledged it: it is escalated, and stays overdue
        late = rng.random() < LATE_SHARE
        ack_at = received + (due * rng.uniform(1.3, 3.0) if late else due * rng.uniform(0.15, 0.9))
        if ack_at >= story.now:
            continue  # still new (not due yet, or due and about to be escalated)

        def act(fn, note="", box=holder):
            def run(at):
                hr = HelpRequest.objects.get(pk=box["hr"].pk)
                fn(actor, hr, note=note, now=at)

            return run

        events.append(Event(ack_at, 1, act(calls.acknowledge)))
        start_at = ack_at + timedelta(minutes=rng.randint(10, 60))
        if start_at >= story.now or rng.random() < 0.08:
            continue  # acknowledged, not started yet
        events.append(Event(start_at, 2, act(calls.start)))
        hours = rng.uniform(0.5, 2) if category == HelpCategory.MEDICAL_EMERGENCY else rng.uniform(2, 20)
        close_at = start_at + timedelta(hours=hours)
        if category == HelpCategory.FOOD:
            shopping, deliverer = rng.choice(T.SHOPPING_LISTS), rng.choice(T.DELIVERERS)
            deliverer_name = f"{full_name(rng, rng.choice([MALE, FEMALE]), False)} ({deliverer})"
            deliverer_phone = mobile(rng)
            delivered_at = close_at - timedelta(minutes=rng.randint(5, 30))
            amount = 0 if rng.random() < 0.3 else rng.randrange(120_000, 480_000, 5_000)

            def errand(at, holder=holder, shopping=shopping, name=deliverer_name, phone=deliverer_phone):
                calls.save_errand(
                    actor, holder["hr"], shopping_list=shopping, deliverer_name=name, deliverer_phone=phone
                )
                story.result.errands += 1

            events.append(Event(start_at, 3, errand))
            if delivered_at < story.now:
                events.append(Event(delivered_at, 4, lambda at, h=holder: calls.mark_delivered(actor, h["hr"], at)))
                events.append(
                    Event(delivered_at, 5, lambda at, h=holder, a=amount: calls.mark_paid(actor, h["hr"], a, at))
                )
        if close_at < story.now:
            events.append(Event(close_at, 6, act(calls.close, rng.choice(T.OUTCOMES[category]))))
    return n_calls


def build_calls(story: Story) -> None:
    if Call.objects.filter(idempotency_key__startswith=KEY_PREFIX).exists():
        return  # the week of calls was played already
    if story.operator is None:
        story.result.notes.append(_("No “tongdai” login: the district's login recorded the demo calls."))
    wards = {w.code: w for w in story.wards}
    events: list[Event] = []
    first = 0
    for code, share in ((TAN_AN_CODE, 0.55), (AN_HOA_CODE, 0.45)):
        if code not in wards:
            continue
        count = round(REQUESTS * share)
        plan_calls(story, wards[code], share, first, count, events)
        first += count
    events.sort(key=lambda e: (e.at, e.order))
    with transaction.atomic():
        for event in events:
            story.result.escalations += escalation.escalate_overdue(event.at)
            event.run(event.at)
        story.result.escalations += escalation.escalate_overdue(story.now)

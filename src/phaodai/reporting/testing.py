"""Builders for reporting tests: delegations in the field, on top of phaodai.testing's world.

`field_world(w, today)` gives (all approved, built directly — mobilisation's own tests cover how they get there):
- Tân An: delegation "Đoàn công tác Phường Tân An" (head Đạt, linked to the `delegation_head` login), active
  from `today` − 6 days to `today` + 7 days, with two teams: "Tổ 1" (sampling; leader Minh, linked to the
  `team_leader` login; member An) and "Tổ 2" (data entry; leader Lan);
- An Hòa: delegation "Đoàn công tác Phường An Hòa" (head Hoa), team "Tổ An Hòa" (welfare; leader Hoa);
all reporting to the city's coordination team.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from phaodai.mobilisation.models import (
    CoordinationTeam,
    DecisionStatus,
    Delegation,
    MobilisationDecision,
    Task,
    Team,
    TeamMembership,
)
from phaodai.mobilisation.testing import assign, make_decision, make_request
from phaodai.places.models import AdminUnit
from phaodai.testing import AN_HOA, CITY, TAN_AN, World

TAN_AN_DELEGATION = "Đoàn công tác Phường Tân An"
AN_HOA_DELEGATION = "Đoàn công tác Phường An Hòa"


@dataclass
class Field:
    start: date
    end: date
    coordination: CoordinationTeam
    tan_an: Delegation
    an_hoa: Delegation
    team_1: Team  # Tân An, leader Minh (login team_leader)
    team_2: Team  # Tân An, leader Lan
    an_hoa_team: Team  # An Hòa, leader Hoa


def field_world(w: World, today: date | None = None) -> Field:
    today = today or timezone.localdate()
    start, end = today - timedelta(days=6), today + timedelta(days=7)
    s = w.staff
    request = make_request(w, {TAN_AN: 4, AN_HOA: 1}, start, end)
    targets = {t.commune.code: t for t in request.targets.select_related("commune")}
    decision = make_decision(w)
    decision.requests.add(request)
    assignments = {}
    for key in ("dat", "minh", "an", "lan"):
        assignments[key] = assign(decision, targets[TAN_AN], s[key])
    assignments["hoa"] = assign(decision, targets[AN_HOA], s["hoa"])
    MobilisationDecision.objects.filter(pk=decision.pk).update(
        number="01/QĐ-UBND", status=DecisionStatus.APPROVED, approved_at=timezone.now()
    )
    coordination, _ = CoordinationTeam.objects.get_or_create(
        name="Tổ Điều phối nguồn nhân lực", unit=AdminUnit.objects.get(code=CITY), defaults={"phone": "02923820123"}
    )
    tan_an = Delegation.objects.create(
        name=TAN_AN_DELEGATION,
        decision=decision,
        target_unit=AdminUnit.objects.get(code=TAN_AN),
        head=s["dat"],
        coordination_team=coordination,
        start_date=start,
        end_date=end,
    )
    an_hoa = Delegation.objects.create(
        name=AN_HOA_DELEGATION,
        decision=decision,
        target_unit=AdminUnit.objects.get(code=AN_HOA),
        head=s["hoa"],
        coordination_team=coordination,
        start_date=start,
        end_date=end,
    )
    team_1 = Team.objects.create(delegation=tan_an, name="Tổ 1", task=Task.SAMPLING, leader=s["minh"])
    team_2 = Team.objects.create(delegation=tan_an, name="Tổ 2", task=Task.DATA_ENTRY, leader=s["lan"])
    an_hoa_team = Team.objects.create(delegation=an_hoa, name="Tổ An Hòa", task=Task.WELFARE, leader=s["hoa"])
    for team, key in ((team_1, "minh"), (team_1, "an"), (team_2, "lan"), (an_hoa_team, "hoa")):
        TeamMembership.objects.create(team=team, staff=s[key], assignment=assignments[key], joined_on=start)
    for username, key in (("team_leader", "minh"), ("delegation_head", "dat")):
        user = w.users[username]
        user.staff_member = s[key]
        user.save(update_fields=["staff_member"])
    return Field(start, end, coordination, tan_an, an_hoa, team_1, team_2, an_hoa_team)

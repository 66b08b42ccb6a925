"""Community COVID teams and households of the demo city (issue #6, item 9, step 4 of duty_story).

Every neighbourhood of Tân An and An Hòa gets a team (duty.community: leader with a phone, 2-4 members) and 20-40
households attached to it, except a few households of Tân An's last neighbourhood left outside any team, so the
"households without a team" page has something to show. Teams and members go through the services. Households,
several hundred, are bulk-created with the services' own rules (clean, normalised, unique head and address) and the
audit entries auditlog would have written: the service takes ~15 ms a household, too slow for the demo build.
"""

from __future__ import annotations

from auditlog.models import LogEntry
from django.db import transaction

from phaodai.core.audit import creation_entries
from phaodai.core.demo import duty_texts as T
from phaodai.core.demo.duty_story import AN_HOA_CODE, TAN_AN_CODE, Story
from phaodai.core.demo.people import full_name, mobile
from phaodai.core.text import clean_text, fold
from phaodai.duty import community
from phaodai.duty.models import CommunityTeam, CommunityTeamHousehold
from phaodai.places.models import AdminUnit, Household, Level
from phaodai.staff.identity import FEMALE, MALE, normalise_phone

COMMUNITY_WARDS = (TAN_AN_CODE, AN_HOA_CODE)
AUDIT_SOURCE = {"source": "demo"}
#: Households of Tân An's last neighbourhood left outside any team.
UNATTACHED = 5


def team_name(neighbourhood: AdminUnit) -> str:
    return f"Tổ COVID cộng đồng {neighbourhood.name}"


def _person(story: Story, *parts: object) -> tuple[str, str]:
    rng = story.rng(*parts)
    return full_name(rng, rng.choice([MALE, FEMALE]), False), mobile(rng)


def _team(story: Story, neighbourhood: AdminUnit, user) -> CommunityTeam:
    team = CommunityTeam.objects.filter(neighbourhood=neighbourhood).order_by("pk").first()
    if team is not None:
        return team
    leader, phone = _person(story, "team-leader", neighbourhood.code)
    team = community.create_team(
        user, neighbourhood=neighbourhood, name=team_name(neighbourhood), leader_name=leader, leader_phone=phone
    )
    story.result.teams += 1
    rng = story.rng("team-members", neighbourhood.code)
    roles = rng.sample(T.TEAM_ROLES, k=rng.randint(2, 4))
    for index, role in enumerate(roles):
        name, phone = _person(story, "team-member", neighbourhood.code, index)
        community.add_member(team, user, full_name=name, phone=phone, role=role)
        story.result.members += 1
    return team


def _households(story: Story, neighbourhood: AdminUnit, ward_code: str) -> list[Household]:
    rng = story.rng("households", neighbourhood.code)
    streets = T.STREETS.get(ward_code, T.DEFAULT_STREETS)
    street = rng.choice(streets)
    alley = rng.randint(5, 180)
    seen: set[str] = set()
    out = []
    for _i in range(rng.randint(20, 40)):
        head = full_name(rng, MALE if rng.random() < 0.6 else FEMALE, rng.random() < 0.02)
        if rng.random() < 0.2:
            street, alley = rng.choice(streets), rng.randint(5, 180)  # the neighbourhood spans a few alleys
        address = clean_text(f"Số {rng.randint(1, 150)}, hẻm {alley}, đường {street}")
        key = fold(f"{head} {address}")
        if key in seen:
            continue
        seen.add(key)
        phone = normalise_phone(mobile(rng)) if rng.random() < 0.85 else ""
        out.append(
            Household(
                neighbourhood=neighbourhood,
                head_name=clean_text(head),
                address=address,
                phone=phone,
                members=rng.choice([1, 2, 3, 3, 4, 4, 4, 5, 5, 6, 7]),
                search_name=key,
            )
        )
    return out


def build_community(story: Story) -> None:
    wards = [w for w in story.wards if w.code in COMMUNITY_WARDS]
    new_households: list[Household] = []
    links: list[tuple[CommunityTeam, Household]] = []
    for ward in wards:
        user = story.actor(ward)
        neighbourhoods = list(AdminUnit.objects.filter(parent=ward, level=Level.NEIGHBOURHOOD).order_by("code"))
        for position, neighbourhood in enumerate(neighbourhoods):
            team = _team(story, neighbourhood, user)
            if Household.objects.filter(neighbourhood=neighbourhood).exists():
                continue
            households = _households(story, neighbourhood, ward.code)
            gap = UNATTACHED if ward.code == TAN_AN_CODE and position == len(neighbourhoods) - 1 else 0
            new_households += households
            links += [(team, h) for h in households[: len(households) - gap]]
            story.result.unattached += gap
    with transaction.atomic():
        Household.objects.bulk_create(new_households, batch_size=1000)
        link_rows = CommunityTeamHousehold.objects.bulk_create(
            [CommunityTeamHousehold(team=t, household=h) for t, h in links], batch_size=1000
        )
        LogEntry.objects.bulk_create(
            creation_entries(new_households, additional_data=AUDIT_SOURCE)
            + creation_entries(link_rows, additional_data=AUDIT_SOURCE),
            batch_size=1000,
        )
    story.result.households += len(new_households)

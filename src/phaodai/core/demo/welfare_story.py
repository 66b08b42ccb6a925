"""The demo city's welfare story (issue #7, item 8): registries, two programmes of the city, lists from three wards of
Ninh Kiều with planted duplicates and an omission, the matcher's review queue, and distributions.

Through the real services of phaodai.welfare, acting as the demo logins: `tanan` for Tân An; `admin` compiles the
lists of An Hòa and the third ward (no ward login exists for them); `ninhkieu` (the district) checks lists;
`bcd.thanhpho` (the city's steering committee) defines the programmes and approves lists. Steps, each idempotent
(what exists is never made again, so a second run adds nothing):

1. registries (welfare_registry): ~70 households per ward with their people and categories, the planted records;
2. two programmes: food for households in difficulty (goods, per household, twice) and 1,500,000 đồng for informal
   workers who lost their job (cash, per person, once);
3. lists: each ward compiles one list per programme from its eligible households or people. Food: Tân An's
   APPROVED (submitted, checked by the district, approved by the city) — all its eligible households but the
   planted elderly woman (the omission); An Hòa's SUBMITTED, with the household that moved from Tân An (its head's
   ID written on the list: an exact duplicate across wards); the third ward's DRAFT, imported from an Excel file
   through the importer (welfare_import). Workers: Tân An's CHECKED, with the worker registered twice (a likely
   duplicate within a list); An Hòa's SUBMITTED; the third ward's DRAFT;
4. the matcher (welfare.review) on Tân An's people and on the lists; one pair decided "the same" (the worker
   registered twice), one "not the same" (the namesakes);
5. distributions of Tân An's approved food list: most households received it once, some twice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from time import monotonic
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phaodai.accounts.models import User
from phaodai.core.demo import welfare_registry as R
from phaodai.core.demo.duty_story import AN_HOA_CODE, DISTRICT_CODE, TAN_AN_CODE, StoryError
from phaodai.core.demo.welfare_import import import_list
from phaodai.places.models import AdminUnit, Household, Level
from phaodai.welfare import distributions, lists, programmes, review
from phaodai.welfare.models import (
    Beneficiary,
    BenefitKind,
    Category,
    Distribution,
    ListEntry,
    ListStatus,
    MatchCandidate,
    MatchDecision,
    MatchState,
    Person,
    Programme,
    SupportList,
)

#: The third ward, when Ninh Kiều has it (otherwise its first other ward by code).
THIRD_WARD_NAME = "Xuân Khánh"
COMMUNE_LOGIN, COMPILER_LOGIN, DISTRICT_LOGIN, CITY_LOGIN = "tanan", "admin", "ninhkieu", "bcd.thanhpho"

FOOD_NAME = "Hỗ trợ lương thực, thực phẩm cho hộ gia đình khó khăn bị ảnh hưởng bởi dịch COVID-19"
FOOD_BASIS = (
    "Kế hoạch số 184/KH-UBND ngày 05/9/2021 của UBND thành phố Cần Thơ; "
    "Nghị định số 20/2021/NĐ-CP ngày 15/3/2021 của Chính phủ"
)
FOOD_GOODS = "Túi an sinh: 10 kg gạo, 30 gói mì, 1 lít dầu ăn, 1 chai nước mắm, 1 kg đường"
FOOD_CATEGORIES = [Category.POOR, Category.NEAR_POOR, Category.ELDERLY_ALONE, Category.ISOLATION]
WORKERS_NAME = "Hỗ trợ người lao động tự do mất việc làm theo Nghị quyết 68/NQ-CP"
WORKERS_BASIS = (
    "Nghị quyết số 68/NQ-CP ngày 01/7/2021 của Chính phủ; "
    "Nghị quyết số 52/NQ-HĐND ngày 27/8/2021 của HĐND thành phố Cần Thơ"
)
WORKERS_AMOUNT = 1_500_000
#: Days before today the programmes began (and after today they end).
FOOD_DAYS, WORKERS_DAYS = 40, 60
#: Share of the approved list who received the food once, and of those a second time.
FIRST_SHARE, SECOND_SHARE = 0.88, 0.35


@dataclass
class WelfareStoryResult:
    households: int = 0
    people: int = 0
    categories: int = 0
    programmes: int = 0
    lists: int = 0
    entries: int = 0
    imported: int = 0
    candidates: int = 0
    decisions: int = 0
    distributions: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def created_anything(self) -> bool:
        return any(
            (
                self.households,
                self.people,
                self.categories,
                self.programmes,
                self.lists,
                self.entries,
                self.candidates,
                self.decisions,
                self.distributions,
            )
        )

    def summary(self) -> str:
        return _(
            "Welfare story: %(households)d households and %(people)d people registered (%(categories)d categories), "
            "%(programmes)d programmes, %(lists)d support lists with %(entries)d entries (%(imported)d imported from "
            "Excel), %(candidates)d possible duplicates to review (%(decisions)d decided), %(distributions)d "
            "distributions, in %(seconds).1f s."
        ) % {
            "households": self.households,
            "people": self.people,
            "categories": self.categories,
            "programmes": self.programmes,
            "lists": self.lists,
            "entries": self.entries,
            "imported": self.imported,
            "candidates": self.candidates,
            "decisions": self.decisions,
            "distributions": self.distributions,
            "seconds": self.seconds,
        }


@dataclass
class Story:
    city: AdminUnit
    district: AdminUnit
    tan_an: AdminUnit
    an_hoa: AdminUnit
    third: AdminUnit
    users: dict[str, User]
    today: date
    seed: int
    result: WelfareStoryResult

    @property
    def wards(self) -> list[AdminUnit]:
        return [self.tan_an, self.an_hoa, self.third]

    def compiler(self, ward: AdminUnit) -> User:
        return self.users[COMMUNE_LOGIN] if ward.pk == self.tan_an.pk else self.users[COMPILER_LOGIN]

    def rng(self, *parts: object) -> random.Random:
        return random.Random(":".join([str(self.seed), "welfare", *map(str, parts)]))

    def moment(self, day: date, hour: int) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _story(province: AdminUnit, today: date, seed: int) -> Story:
    district = AdminUnit.objects.filter(code=DISTRICT_CODE, parent=province).first()
    if district is None:
        raise StoryError(_("The welfare story is played in Ninh Kiều (Cần Thơ), which is not loaded here."))
    wards = {w.code: w for w in AdminUnit.objects.filter(parent=district, level=Level.COMMUNE).order_by("code")}
    if TAN_AN_CODE not in wards or AN_HOA_CODE not in wards:
        raise StoryError(_("Tân An and An Hòa (Ninh Kiều) are not loaded: the welfare story needs them."))
    others = [w for code, w in wards.items() if code not in (TAN_AN_CODE, AN_HOA_CODE)]
    third = next((w for w in others if w.name.endswith(THIRD_WARD_NAME)), others[0] if others else None)
    if third is None:
        raise StoryError(_("Ninh Kiều has no third ward for the welfare story."))
    logins = (COMMUNE_LOGIN, COMPILER_LOGIN, DISTRICT_LOGIN, CITY_LOGIN)
    users = {u.username: u for u in User.objects.filter(username__in=logins, is_active=True)}
    missing = [name for name in logins if name not in users]
    if missing:
        raise StoryError(
            _("The demo logins %(names)s are missing: build the demo city first.") % {"names": ", ".join(missing)}
        )
    return Story(
        province, district, wards[TAN_AN_CODE], wards[AN_HOA_CODE], third, users, today, seed, WelfareStoryResult()
    )


# ------------------------------------------------------------------------------------------------- 1. registries


def build_registries(story: Story) -> None:
    for ward in story.wards:
        counts = R.build_ward_registry(
            ward,
            story.today,
            story.seed,
            tan_an=ward.pk == story.tan_an.pk,
            an_hoa=ward.pk == story.an_hoa.pk,
        )
        story.result.households += counts.households
        story.result.people += counts.people
        story.result.categories += counts.categories


# ------------------------------------------------------------------------------------------------- 2. programmes


def build_programmes(story: Story) -> tuple[Programme, Programme]:
    user = story.users[CITY_LOGIN]
    wanted = [
        dict(
            name=FOOD_NAME,
            legal_basis=FOOD_BASIS,
            categories=FOOD_CATEGORIES,
            benefit_kind=BenefitKind.GOODS,
            goods=FOOD_GOODS,
            beneficiary=Beneficiary.HOUSEHOLD,
            times=2,
            start_date=story.today - timedelta(days=FOOD_DAYS),
            end_date=story.today + timedelta(days=FOOD_DAYS),
        ),
        dict(
            name=WORKERS_NAME,
            legal_basis=WORKERS_BASIS,
            categories=[Category.INFORMAL_WORKER],
            benefit_kind=BenefitKind.CASH,
            amount=WORKERS_AMOUNT,
            beneficiary=Beneficiary.PERSON,
            times=1,
            start_date=story.today - timedelta(days=WORKERS_DAYS),
            end_date=story.today + timedelta(days=WORKERS_DAYS),
        ),
    ]
    found = []
    for data in wanted:
        programme = Programme.objects.filter(unit=story.city, name=data["name"]).first()
        if programme is None:
            programme = programmes.create_programme(user, unit=story.city, **data)
            story.result.programmes += 1
        found.append(programme)
    return found[0], found[1]


# ------------------------------------------------------------------------------------------------- 3. lists


def planted_omission(ward: AdminUnit) -> Household | None:
    return Household.objects.filter(
        neighbourhood__parent=ward, head_name=R.OMITTED_HEAD, address=R.OMITTED_ADDRESS
    ).first()


def _households(programme: Programme, ward: AdminUnit) -> list[Household]:
    return list(
        lists.eligible_households(programme)
        .filter(neighbourhood__parent=ward)
        .select_related("neighbourhood")
        .order_by("neighbourhood__code", "address", "head_name")
    )


def _people(programme: Programme, ward: AdminUnit) -> list[Person]:
    return list(
        lists.eligible_people(programme)
        .filter(household__neighbourhood__parent=ward)
        .select_related("household")
        .order_by("household__neighbourhood__code", "household__address", "pk")
    )


def _moved_written(story: Story, household: Household) -> dict:
    """An Hòa's row for the household that moved: the head's citizen ID as on his card (registered in Tân An)."""
    old = Person.objects.filter(
        full_name=R.MOVED_HEAD, household__neighbourhood__parent=story.tan_an, household__address=R.MOVED_OLD_ADDRESS
    ).first()
    row = {"head_name": household.head_name, "address": household.address, "phone": household.phone}
    if old is not None and old.citizen_id:
        row["citizen_id"] = old.citizen_id
    return row


def _compile(story: Story, programme: Programme, ward: AdminUnit, status: str) -> SupportList | None:
    """The ward's list of the programme, compiled from the registry and taken to `status`; None when it existed."""
    if SupportList.objects.filter(programme=programme, commune=ward).exists():
        return None
    user = story.compiler(ward)
    with transaction.atomic():
        support_list = lists.create_list(user, programme, ward, note=_note(programme, ward))
        if programme.beneficiary == Beneficiary.PERSON:
            for person in _people(programme, ward):
                lists.add_entry(user, support_list, person.household, person)
                story.result.entries += 1
        else:
            omitted = planted_omission(ward)
            for household in _households(programme, ward):
                if omitted is not None and household.pk == omitted.pk:
                    continue  # the planted omission: eligible, on no list
                written = None
                if ward.pk == story.an_hoa.pk and household.head_name == R.MOVED_HEAD:
                    written = _moved_written(story, household)
                lists.add_entry(user, support_list, household, written=written)
                story.result.entries += 1
        _advance(story, support_list, status)
    story.result.lists += 1
    return support_list


def _note(programme: Programme, ward: AdminUnit) -> str:
    return f"Danh sách đợt 1 của UBND {ward.name}"


def _advance(story: Story, support_list: SupportList, status: str) -> None:
    """Submit, check and approve as far as `status`, then date the steps in the programme's first days (the
    services stamp them now; the distributions that follow happened weeks ago)."""
    if status == ListStatus.DRAFT:
        return
    start = support_list.programme.start_date
    lists.submit(story.compiler(support_list.commune), support_list)
    stamps = {"created_at": story.moment(start + timedelta(days=1), 9)}
    stamps["submitted_at"] = story.moment(start + timedelta(days=3), 16)
    if status in (ListStatus.CHECKED, ListStatus.APPROVED):
        lists.check(story.users[DISTRICT_LOGIN], support_list)
        stamps["checked_at"] = story.moment(start + timedelta(days=5), 10)
    if status == ListStatus.APPROVED:
        lists.approve(story.users[CITY_LOGIN], support_list)
        stamps["approved_at"] = story.moment(start + timedelta(days=7), 15)
    SupportList.objects.filter(pk=support_list.pk).update(**stamps)


def _import_third(story: Story, food: Programme) -> None:
    ward = story.third
    if SupportList.objects.filter(programme=food, commune=ward).exists():
        return
    user = story.users[COMPILER_LOGIN]
    rows = []
    for household in _households(food, ward):
        rows.append((household, lists.eligibility(food, household)))
    with transaction.atomic():
        support_list = lists.create_list(user, food, ward, note=_note(food, ward))
        outcome = import_list(user, support_list, rows, story.district, story.today)
    story.result.lists += 1
    story.result.entries += outcome.entries_created
    story.result.imported += outcome.entries_created
    story.result.households += outcome.households_created
    story.result.people += outcome.people_created
    story.result.categories += outcome.categories_added


def build_lists(story: Story, food: Programme, workers: Programme) -> None:
    _compile(story, food, story.tan_an, ListStatus.APPROVED)
    _compile(story, food, story.an_hoa, ListStatus.SUBMITTED)
    _import_third(story, food)
    _compile(story, workers, story.tan_an, ListStatus.CHECKED)
    _compile(story, workers, story.an_hoa, ListStatus.SUBMITTED)
    _compile(story, workers, story.third, ListStatus.DRAFT)


# ------------------------------------------------------------------------------------------------- 4. review


def _entry_key(support_list: SupportList, **person) -> str:
    entry = ListEntry.objects.filter(support_list=support_list, **person).order_by("pk").first()
    return f"entry:{entry.pk}" if entry else ""


def _pair(a: str, b: str) -> MatchCandidate | None:
    if not a or not b:
        return None
    left, right = review.ordered(a, b)
    return MatchCandidate.objects.filter(left_key=left, right_key=right).first()


def build_review(story: Story, food: Programme, workers: Programme) -> None:
    if MatchCandidate.objects.filter(unit__path__startswith=story.district.path).exists():
        return
    commune_user, district_user = story.users[COMMUNE_LOGIN], story.users[DISTRICT_LOGIN]
    before = MatchCandidate.objects.count()
    workers_list = SupportList.objects.filter(programme=workers, commune=story.tan_an).first()
    an_hoa_food = SupportList.objects.filter(programme=food, commune=story.an_hoa).first()
    review.run_for_commune(story.tan_an, commune_user)
    if workers_list is not None:
        review.run_for_list(workers_list, commune_user)
    if an_hoa_food is not None:
        review.run_for_list(an_hoa_food, district_user)  # An Hòa's rows against Tân An's: the district sees both
    story.result.candidates += MatchCandidate.objects.count() - before
    if workers_list is None:
        return
    twice = _pair(
        _entry_key(workers_list, person__full_name=R.TWICE_NAME),
        _entry_key(workers_list, person__full_name=R.TWICE_PLAIN),
    )
    if twice is not None and twice.state == MatchState.PENDING:
        review.decide(twice, same=True, user=commune_user, note="Cùng một người: đăng ký hai lần (nơi ở và nơi trọ).")
        story.result.decisions += 1
    namesakes = list(
        Person.objects.filter(full_name=R.NAMESAKE, household__neighbourhood__parent=story.tan_an).order_by("pk")
    )
    if len(namesakes) != 2:
        return
    different = _pair(*[f"person:{p.pk}" for p in namesakes]) or _pair(
        *[_entry_key(workers_list, person=p) for p in namesakes]
    )
    if different is not None and different.state == MatchState.PENDING:
        review.decide(
            different, same=False, user=commune_user, note="Hai người khác nhau: trùng họ tên và ngày sinh, khác nhà."
        )
        story.result.decisions += 1


# ------------------------------------------------------------------------------------------------- 5. distributions


def build_distributions(story: Story, food: Programme) -> None:
    if Distribution.objects.filter(programme=food).exists():
        return
    approved = SupportList.objects.filter(programme=food, commune=story.tan_an, status=ListStatus.APPROVED).first()
    if approved is None:
        return
    user = story.users[COMMUNE_LOGIN]
    rng = story.rng("distributions")
    first_day = food.start_date + timedelta(days=10)
    second_day = min(food.start_date + timedelta(days=30), story.today)
    with transaction.atomic():
        for entry in approved.entries.select_related("household__neighbourhood").order_by("pk"):
            if rng.random() >= FIRST_SHARE:
                continue
            given_by = f"Tổ COVID cộng đồng {entry.household.neighbourhood.name}"
            days = [first_day + timedelta(days=rng.randint(0, 2))]
            if rng.random() < SECOND_SHARE:
                days.append(min(second_day + timedelta(days=rng.randint(0, 2)), story.today))
            for day in days:
                distributions.record(user, entry, received_on=day, given_by=given_by, today=story.today)
                story.result.distributions += 1


# ------------------------------------------------------------------------------------------------- the story


def build_welfare_story(province: AdminUnit, *, today: date | None = None, seed: int = 2021) -> WelfareStoryResult:
    """Play the welfare story on the demo city (built with its logins). Idempotent."""
    started = monotonic()
    story = _story(province, today or timezone.localdate(), seed)
    build_registries(story)
    food, workers = build_programmes(story)
    build_lists(story, food, workers)
    build_review(story, food, workers)
    build_distributions(story, food)
    if not MatchDecision.objects.exists():
        story.result.notes.append(_("Welfare story: the matcher proposed none of the planted pairs to decide."))
    story.result.seconds = monotonic() - started
    return story.result

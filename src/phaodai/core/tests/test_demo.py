"""The demo city: built on the real Cần Thơ units, realistic, consistent with every rule, and idempotent."""

from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import translation

from phaodai.accounts.models import User
from phaodai.accounts.roles import Role
from phaodai.core.demo import DEMO_LOGINS, DEMO_PASSWORD, build_demo_city
from phaodai.core.demo.people import distribute
from phaodai.core.text import fold
from phaodai.places.models import PARTY_BLOC_KINDS, AdminUnit, Agency, AgencyKind, Bloc, Level
from phaodai.staff.identity import normalise_phone, validate_citizen_id
from phaodai.staff.models import StaffMember
from phaodai.testing import CITY, NINH_KIEU, TAN_AN

STAFF = 300


@pytest.fixture
def demo_mode(settings):
    settings.DEMO_MODE = True
    return settings


@pytest.fixture
def demo(db, demo_mode):
    return build_demo_city(staff=STAFF, duty=False, welfare=False)


def build(**kwargs) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("build_demo_city", "--staff", str(STAFF), stdout=out, **kwargs)
    return out.getvalue()


def test_every_commune_gets_numbered_khu_vuc_or_named_ap_like_create_neighbourhood_makes(demo):
    communes = AdminUnit.objects.filter(level=Level.COMMUNE, path__startswith=f"/{CITY}/")
    assert communes.count() == 80
    for commune in communes:
        hamlets = list(commune.children.order_by("code"))
        assert 4 <= len(hamlets) <= 12, commune
        expected_kind = "khu vực" if commune.division_type == "phường" else "ấp"
        for number, hamlet in enumerate(hamlets, start=1):
            assert hamlet.level == Level.NEIGHBOURHOOD
            assert hamlet.division_type == expected_kind
            assert hamlet.code == f"{commune.code}.{number:02d}"
            assert hamlet.path == f"{commune.path}{hamlet.code}/"
            assert hamlet.search_name == fold(hamlet.name)
            assert hamlet.structure == commune.structure
        assert len({h.search_name for h in hamlets}) == len(hamlets), "names are unique within a commune"
    tan_an = AdminUnit.objects.get(code=TAN_AN)
    assert tan_an.children.filter(name="Khu vực 1").exists()
    assert AdminUnit.objects.filter(level=Level.NEIGHBOURHOOD, name__startswith="Ấp ").exists()


def test_a_commune_that_already_has_neighbourhoods_keeps_them_as_they_are(db, demo_mode):
    tan_an = AdminUnit.objects.get(code=TAN_AN)
    AdminUnit.objects.create(code=f"{TAN_AN}.01", name="Khu vực Bình Nhựt", division_type="khu vực", level=4,
                             structure=tan_an.structure, parent=tan_an)  # fmt: skip
    build_demo_city(staff=STAFF, duty=False, welfare=False)
    assert list(tan_an.children.values_list("name", flat=True)) == ["Khu vực Bình Nhựt"]


def test_agencies_of_every_kind_exist_with_headcounts_and_in_office_minimums(demo):
    agencies = Agency.objects.all()
    assert agencies.count() >= 60
    kinds = set(agencies.values_list("kind", flat=True))
    assert kinds == set(AgencyKind.values)
    for agency in agencies:
        expected_bloc = Bloc.PARTY if agency.kind in PARTY_BLOC_KINDS else Bloc.GOVERNMENT
        assert agency.bloc == expected_bloc, agency
        assert 0.3 * agency.headcount - 1 <= agency.min_in_office <= 0.5 * agency.headcount + 1, agency
        assert agency.search_name == fold(f"{agency.name} {agency.short_name}")
        assert normalise_phone(agency.phone) == agency.phone
    health = Agency.objects.get(name="Sở Y tế", unit__code=CITY)
    assert Agency.objects.get(name="Trung tâm Kiểm soát bệnh tật thành phố Cần Thơ").parent == health
    assert Agency.objects.filter(kind=AgencyKind.HOSPITAL, parent=health).count() >= 10
    for name in ["Ban Tổ chức Thành ủy Cần Thơ", "Thành đoàn Cần Thơ", "Liên đoàn Lao động thành phố Cần Thơ"]:
        assert Agency.objects.get(name=name).bloc == Bloc.PARTY
    ninh_kieu = AdminUnit.objects.get(code=NINH_KIEU)
    assert Agency.objects.get(unit=ninh_kieu, kind=AgencyKind.HEALTH_CENTRE).name == "Trung tâm Y tế quận Ninh Kiều"
    # Every district and commune has its People's Committee; every commune health station is under its district's
    # health centre.
    assert Agency.objects.filter(kind=AgencyKind.DISTRICT_COMMITTEE).count() == 9
    assert Agency.objects.filter(kind=AgencyKind.COMMUNE_COMMITTEE).count() == 80
    for station in Agency.objects.filter(kind=AgencyKind.HEALTH_STATION).select_related("parent__unit", "unit"):
        assert station.parent.kind == AgencyKind.HEALTH_CENTRE
        assert station.unit.path.startswith(station.parent.unit.path)


def test_the_requested_number_of_staff_is_built_and_no_agency_holds_more_than_its_headcount(demo):
    assert demo.staff == STAFF
    assert StaffMember.objects.count() == STAFF
    over = Agency.objects.annotate(n=Count("staff")).filter(n__gt=0).values_list("name", "headcount", "n")
    assert over and all(n <= headcount for _, headcount, n in over)


def test_an_agency_whose_headcount_is_already_full_gets_nobody_more(db, demo_mode):
    city = AdminUnit.objects.get(code=CITY)
    small = Agency.objects.create(name="Sở Y tế", kind=AgencyKind.DEPARTMENT, unit=city, headcount=1, min_in_office=0)
    result = build_demo_city(staff=3000, duty=False, welfare=False)
    assert small.staff.count() == 1
    assert result.not_placed > 0
    assert StaffMember.objects.count() == 3000 - result.not_placed


def test_every_person_has_a_citizen_id_consistent_with_gender_and_birth_year_and_a_normalised_phone(demo):
    people = list(StaffMember.objects.all())
    for person in people:
        checked = validate_citizen_id(person.citizen_id, person.gender, person.date_of_birth)
        assert checked.number == person.citizen_id
        assert checked.is_old == person.citizen_id_is_old == (len(person.citizen_id) == 9)
        if person.phone:
            assert normalise_phone(person.phone) == person.phone
        assert person.search_name == fold(person.full_name)
        assert person.home_unit.path.startswith(f"/{CITY}/")
    assert any(p.citizen_id_is_old for p in people), "some older people still hold a 9-digit identity card"
    assert sum(p.citizen_id.startswith("092") for p in people) > 0.6 * len(people), "most were born in Cần Thơ"
    surnames = [p.full_name.split()[0] for p in people]
    assert 0.25 < surnames.count("Nguyễn") / len(surnames) < 0.45
    assert {"F", "M"} == {p.gender for p in people}


def test_medical_staff_work_in_health_agencies_and_shared_phones_exist_at_city_scale(db, demo_mode):
    build_demo_city(staff=3000, duty=False, welfare=False)
    medical = StaffMember.objects.filter(skills__code="medical")
    assert medical.count() > 300
    health_kinds = {AgencyKind.HOSPITAL, AgencyKind.HEALTH_CENTRE, AgencyKind.HEALTH_STATION, AgencyKind.PUBLIC_SERVICE}
    in_health = medical.filter(agency__kind__in=health_kinds).count()
    assert in_health > 0.9 * medical.count()
    shared = StaffMember.objects.exclude(phone="").values("phone").annotate(n=Count("pk")).filter(n__gt=1)
    assert shared.exists()
    statuses = set(StaffMember.objects.values_list("status", flat=True))
    assert {"available", "on_leave", "isolated"} <= statuses


def test_one_login_per_role_with_the_demo_password_and_the_right_jurisdiction(demo):
    users = {u.username: u for u in User.objects.filter(username__in=[d.username for d in DEMO_LOGINS])}
    assert {u.role for u in users.values()} == set(Role.values)
    assert len(users) == len(Role.values)
    for username in users:
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username
    assert users["admin"].role == Role.SYSADMIN and users["admin"].scope_unit is None
    assert users["sonoivu"].role == Role.HOME_AFFAIRS and users["sonoivu"].scope_unit.code == CITY
    assert users["ninhkieu"].role == Role.DISTRICT and users["ninhkieu"].scope_unit.code == NINH_KIEU
    assert users["tanan"].role == Role.COMMUNE and users["tanan"].scope_unit.code == TAN_AN
    seen_by_tan_an = StaffMember.objects.visible_to(users["tanan"])
    assert seen_by_tan_an.exists()
    assert all(s.agency.unit.path.startswith("/92/916/31135/") for s in seen_by_tan_an)
    assert StaffMember.objects.visible_to(users["ninhkieu"]).count() > seen_by_tan_an.count()
    assert StaffMember.objects.visible_to(users["sonoivu"]).count() == STAFF


def test_a_second_build_creates_nothing_and_prints_the_logins_again(db, demo_mode):
    first = build()
    counts = (
        AdminUnit.objects.count(),
        Agency.objects.count(),
        StaffMember.objects.count(),
        StaffMember.skills.through.objects.count(),
        User.objects.count(),
        LogEntry.objects.count(),
    )
    second = build()
    assert counts == (
        AdminUnit.objects.count(),
        Agency.objects.count(),
        StaffMember.objects.count(),
        StaffMember.skills.through.objects.count(),
        User.objects.count(),
        LogEntry.objects.count(),
    )
    assert "nothing to do" in second
    for output in (first, second):
        assert "Demo logins" in output
        for login in DEMO_LOGINS:
            assert login.username in output
        assert DEMO_PASSWORD in output and "Phường Tân An" in output


def test_two_builds_make_the_same_people(db, demo_mode):
    build_demo_city(staff=STAFF, duty=False, welfare=False)
    first = sorted(StaffMember.objects.values_list("citizen_id", "full_name", "date_of_birth", "agency__name", "phone"))
    LogEntry.objects.all().delete()
    StaffMember.objects.all().delete()
    result = build_demo_city(staff=STAFF, duty=False, welfare=False)
    assert result.staff == STAFF
    again = sorted(StaffMember.objects.values_list("citizen_id", "full_name", "date_of_birth", "agency__name", "phone"))
    assert first == again


def test_a_login_whose_password_was_changed_is_given_the_demo_password_back(demo, demo_mode):
    tanan = User.objects.get(username="tanan")
    tanan.set_password("someone-changed-it-42")
    tanan.role = Role.OBSERVER
    tanan.save()
    result = build_demo_city(staff=STAFF, duty=False, welfare=False)
    assert result.users_updated == 1 and result.users_created == 0
    tanan.refresh_from_db()
    assert tanan.role == Role.COMMUNE
    assert authenticate(username="tanan", password=DEMO_PASSWORD) == tanan


def test_bulk_created_rows_have_their_creation_in_the_audit_log(demo):
    person = StaffMember.objects.filter(skills__isnull=False).first()
    entries = LogEntry.objects.get_for_object(person)
    created = entries.get(action=LogEntry.Action.CREATE)
    assert created.actor is None and created.additional_data == {"source": "demo"}
    assert created.changes_dict["full_name"] == ["None", person.full_name]
    assert created.changes_dict["citizen_id"][1] == person.citizen_id
    assert set(created.changes_dict["skills"]["objects"]) == {s.name for s in person.skills.all()}
    assert LogEntry.objects.filter(action=LogEntry.Action.CREATE, additional_data__source="demo").count() == (
        STAFF + Agency.objects.count() + AdminUnit.objects.filter(level=Level.NEIGHBOURHOOD).count()
    )


def test_the_demo_city_is_refused_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    with translation.override("en"), pytest.raises(CommandError, match="PHAODAI_DEMO=1"):
        call_command("build_demo_city", "--staff", "10", stdout=StringIO())
    assert not User.objects.filter(username__in=[d.username for d in DEMO_LOGINS]).exists()
    assert not AdminUnit.objects.filter(level=Level.NEIGHBOURHOOD).exists()
    assert not StaffMember.objects.exists()


def test_without_the_units_loaded_the_command_says_to_load_them(db, demo_mode):
    demo_mode.DEMO_PROVINCE_CODE = "01"  # Hà Nội is not in the test database
    with translation.override("en"), pytest.raises(CommandError, match="load_admin_units"):
        call_command("build_demo_city", stdout=StringIO())


@pytest.mark.parametrize(("total", "caps"), [(10, [5, 5, 5]), (14, [1, 3, 10]), (0, [4, 4]), (300, [1] * 250 + [900])])
def test_people_are_shared_out_exactly_and_never_above_a_cap(total, caps):
    counts = distribute(total, caps)
    assert sum(counts) == total
    assert all(0 <= n <= cap for n, cap in zip(counts, caps, strict=True))

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from phaodai.places.loaders import LoadError, load_admin_units
from phaodai.places.models import AdminUnit, Level

pytestmark = pytest.mark.django_db


def test_can_tho_2021_has_nine_districts_with_their_communes():
    city = AdminUnit.objects.get(code="92")
    assert city.name == "Thành phố Cần Thơ" and city.level == Level.PROVINCE
    districts = city.children.all()
    assert districts.count() == 9
    assert {d.name for d in districts} >= {"Quận Ninh Kiều", "Huyện Phong Điền", "Huyện Thới Lai"}
    communes = AdminUnit.objects.filter(path__startswith=city.path, level=Level.COMMUNE)
    assert communes.count() == 80
    tan_an = AdminUnit.objects.get(code="31135")
    assert tan_an.name == "Phường Tân An" and tan_an.division_type == "phường"
    assert tan_an.parent.code == "916" and tan_an.path == "/92/916/31135/"
    assert tan_an.search_name == "phuong tan an"


def test_loading_twice_changes_nothing():
    before = list(AdminUnit.objects.values_list("pk", "code", "name", "path").order_by("pk"))
    result = load_admin_units("2021", ["92"])
    assert result.created == 0 and result.updated == 0 and result.unchanged == 90
    assert list(AdminUnit.objects.values_list("pk", "code", "name", "path").order_by("pk")) == before


def test_loading_the_whole_country_adds_the_other_provinces():
    result = load_admin_units("2021")
    assert result.by_level == {1: 63, 2: 696, 3: 10051}
    assert result.unchanged == 90
    assert AdminUnit.objects.filter(level=Level.PROVINCE).count() == 63
    assert AdminUnit.objects.get(code="01").name == "Thành phố Hà Nội"


def test_a_second_structure_is_refused_in_the_same_database():
    with pytest.raises(LoadError, match="one structure"):
        load_admin_units("2025", ["92"])


def test_all_units_under_a_district_is_one_query_at_any_depth():
    ninh_kieu = AdminUnit.objects.get(code="916")
    with CaptureQueriesContext(connection) as queries:
        codes = set(AdminUnit.objects.under(ninh_kieu).values_list("code", flat=True))
    assert len(queries) == 1
    assert "916" in codes and "31135" in codes and "31171" not in codes  # Trà Nóc is in Bình Thuỷ


def test_the_command_reports_counts(capsys):
    call_command("load_admin_units", "--structure", "2021", "--province", "92")
    out = capsys.readouterr().out
    assert "0 created" in out and "90 unchanged" in out


def test_the_2025_structure_loads_into_an_empty_tree():
    for level in (Level.COMMUNE, Level.DISTRICT, Level.PROVINCE):  # children first: parents are protected
        AdminUnit.objects.filter(level=level).delete()
    result = load_admin_units("2025")
    assert result.by_level[Level.PROVINCE] == 34
    assert result.by_level[Level.COMMUNE] == 3321
    assert Level.DISTRICT not in result.by_level
    can_tho = AdminUnit.objects.get(code="92")
    assert can_tho.children.filter(level=Level.COMMUNE).exists()
    assert load_admin_units("2025").created == 0

"""The history page: who changed what, when, from what to what, for records the reader may see."""

from datetime import UTC, date, datetime

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.conf import settings
from django.urls import reverse

from phaodai.places.models import AdminUnit
from phaodai.staff.models import Skill, StaffStatus


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def history(obj) -> str:
    return reverse("core:history", args=[obj._meta.label_lower, obj.pk])


def test_anonymous_visitors_are_redirected_to_login(world, client):
    response = client.get(history(world.staff["an"]))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_a_role_without_audit_view_gets_403_for_a_record_it_sees(world, client_for):
    client = client_for(world.users["observer"])
    an = world.staff["an"]
    assert client.get(reverse("staff:staffmember_detail", args=[an.pk])).status_code == 200
    assert client.get(history(an)).status_code == 403
    assert history(an) not in client.get(reverse("staff:staffmember_detail", args=[an.pk])).content.decode()


def test_a_record_outside_the_jurisdiction_is_404_even_with_audit_view(world, client_for):
    client = client_for(world.users["tan_an"])
    assert client.get(history(world.staff["hoa"])).status_code == 404
    assert client.get(history(world.agencies["ubnd_an_hoa"])).status_code == 404
    assert client.get(history(world.users["an_hoa"])).status_code == 404  # no user.view: accounts are invisible


@pytest.mark.parametrize("label", ["auth.group", "auditlog.logentry", "staff.skill", "nonsense"])
def test_only_the_four_audited_models_have_history_pages(world, client_for, label):
    response = client_for(world.users["admin"]).get(reverse("core:history", args=[label, 1]))
    assert response.status_code == 404


def test_history_lists_who_when_and_each_change_newest_first(world, client_for):
    an = world.staff["an"]
    with set_actor(world.users["home_affairs"]):
        an.status = StaffStatus.MOBILISED
        an.date_of_birth = date(1985, 4, 14)
        an.citizen_id = an.citizen_id  # unchanged fields are not listed
        an.save()
    with set_actor(world.users["tan_an"]):
        an.skills.add(Skill.objects.get(code="medical"))
    update, skill = LogEntry.objects.get_for_object(an).order_by("-pk")[:2][::-1]
    # Fixed times, after the fixture's own entries: 03:30 UTC is 10:30 in Hồ Chí Minh City.
    LogEntry.objects.filter(pk=update.pk).update(timestamp=datetime(2040, 8, 1, 3, 30, tzinfo=UTC))
    LogEntry.objects.filter(pk=skill.pk).update(timestamp=datetime(2040, 8, 2, 1, 0, tzinfo=UTC))

    response = english(client_for(world.users["tan_an"])).get(history(an))
    assert response.status_code == 200
    entries = response.context["entries"]
    assert entries[0].changes[0].label == "Skills" and entries[0].changes[0].added == ["Chuyên môn y tế"]
    assert "tan_an" in entries[0].actor
    assert "home_affairs" in entries[1].actor and entries[1].action == "Changed"
    changes = {c.label: (c.before, c.after) for c in entries[1].changes}
    assert changes["Status"] == ("Available", "Mobilised")
    assert changes["Date of birth"] == ("14/03/1985", "14/04/1985")
    assert "Citizen ID" not in changes
    html = response.content.decode()
    assert "01/08/2040 10:30" in html and "02/08/2040 08:00" in html
    assert html.index("+ ") < html.index("Available")  # the skill (newest) comes first
    assert entries[-1].action == "Created"


def test_foreign_keys_show_names_but_only_of_records_the_reader_sees(world, client_for):
    hoa = world.staff["hoa"]
    with set_actor(world.users["admin"]):
        hoa.agency = world.agencies["ubnd_tan_an"]  # moved from An Hòa to Tân An
        hoa.save()
    move = next(
        e
        for e in english(client_for(world.users["tan_an"])).get(history(hoa)).context["entries"]
        if any(c.label == "Agency" for c in e.changes)
    )
    change = next(c for c in move.changes if c.label == "Agency")
    assert change.after == "Ủy ban nhân dân Phường Tân An"
    assert change.before == f"#{world.agencies['ubnd_an_hoa'].pk}"  # An Hòa's agency is not Tân An's business
    admin_view = client_for(world.users["admin"]).get(history(hoa)).context["entries"]
    names = {c.before for e in admin_view for c in e.changes if c.label in ("Agency", "Cơ quan")}
    assert "Ủy ban nhân dân Phường An Hòa" in names


def test_every_detail_page_links_to_its_history(world, client_for):
    client = client_for(world.users["admin"])
    an, agency, account = world.staff["an"], world.agencies["ubnd_tan_an"], world.users["tan_an"]
    pages = {
        reverse("staff:staffmember_detail", args=[an.pk]): an,
        reverse("places:agency_detail", args=[agency.pk]): agency,
        reverse("places:adminunit_detail", args=[agency.unit_id]): agency.unit,
        reverse("accounts:user_detail", args=[account.pk]): account,
    }
    for url, obj in pages.items():
        assert history(obj) in client.get(url).content.decode(), url
        assert client.get(history(obj)).status_code == 200


def test_the_history_page_keeps_a_bounded_number_of_queries(world, client_for, django_assert_max_num_queries):
    an = world.staff["an"]
    for i in range(30):
        with set_actor(world.users["home_affairs"]):
            an.position = f"Chức vụ {i}"
            an.agency = world.agencies["ubnd_tan_an"] if i % 2 else world.agencies["tram_y_te_tan_an"]
            an.save()
    client = client_for(world.users["tan_an"])
    client.get(history(an))
    with django_assert_max_num_queries(12):
        response = client.get(history(an))
    assert len(response.context["entries"]) >= 30


def test_a_creation_lists_its_fields_in_the_forms_order_whatever_order_they_were_stored_in(world, client_for):
    an = world.staff["an"]
    created = LogEntry.objects.get_for_object(an).get(action=LogEntry.Action.CREATE)
    # PostgreSQL's jsonb keeps keys ordered by length, not as written: store them scrambled on purpose.
    scrambled = dict(sorted(created.changes_dict.items(), key=lambda item: (len(item[0]), item[0])))
    LogEntry.objects.filter(pk=created.pk).update(changes=scrambled)
    entries = english(client_for(world.users["tan_an"])).get(history(an)).context["entries"]
    labels = [c.label for c in entries[-1].changes]
    assert labels[:4] == ["Full name", "Gender", "Date of birth", "Citizen ID"]
    assert labels.index("Agency") < labels.index("Status") < labels.index("Vaccination")


def test_dates_and_times_in_the_history_are_local_and_automatic_timestamps_are_left_out(world, client_for):
    account, an = world.users["tan_an"], world.staff["an"]
    for obj, changes in [
        (account, {"date_joined": ["2040-08-01 03:30:00", "2040-08-01 17:05:00.123456"]}),
        (an, {"updated_at": ["2040-08-01 03:30:00", "2040-08-02 03:30:00"], "position": ["", "Chủ tịch"]}),
    ]:
        LogEntry.objects.log_create(obj, action=LogEntry.Action.UPDATE, changes=changes, force_log=True)
    client = english(client_for(world.users["admin"]))
    joined = next(
        c for e in client.get(history(account)).context["entries"] for c in e.changes if c.label == "Date joined"
    )
    # auditlog stores datetimes as naive UTC: 03:30 UTC is 10:30 in Hồ Chí Minh City, 17:05 UTC is 00:05 next day.
    assert (joined.before, joined.after) == ("01/08/2040 10:30", "02/08/2040 00:05")
    labels = {c.label for e in client.get(history(an)).context["entries"] for c in e.changes}
    assert "Position" in labels and not labels & {"Updated at", "Created at", "updated at", "created at"}


def test_the_way_back_from_the_history_is_a_button(world, client_for):
    an = world.staff["an"]
    html = client_for(world.users["tan_an"]).get(history(an)).content.decode()
    assert f'<a class="button secondary" href="{reverse("staff:staffmember_detail", args=[an.pk])}">' in html


def test_mobilisation_records_have_a_history_page_scoped_like_the_records(world, client_for):
    from datetime import date

    from phaodai.mobilisation.services import create_request
    from phaodai.testing import AN_HOA

    request = create_request(
        world.users["ninh_kieu"],
        title="Hỗ trợ lấy mẫu",
        task="sampling",
        start_date=date(2030, 8, 16),
        end_date=date(2030, 8, 29),
        targets={AdminUnit.objects.get(code=AN_HOA).pk: 5},
    )
    url = reverse("core:history", args=["mobilisation.staffingrequest", request.pk])
    page = client_for(world.users["ninh_kieu"]).get(url)
    assert page.status_code == 200 and "Hỗ trợ lấy mẫu" in page.content.decode()
    assert client_for(world.users["binh_thuy"]).get(url).status_code == 404

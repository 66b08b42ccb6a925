"""The civil-servant pages: list, search, detail, create and edit, always inside the user's jurisdiction."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from phaodai.staff.models import Skill, StaffMember, StaffStatus
from phaodai.testing import citizen_id_for, make_staff

LIST = reverse("staff:staffmember_list")


def detail(person):
    return reverse("staff:staffmember_detail", args=[person.pk])


def edit(person):
    return reverse("staff:staffmember_edit", args=[person.pk])


def form_data(agency, **overrides):
    dob = overrides.pop("dob", date(1990, 5, 17))
    gender = overrides.pop("gender", "M")
    data = {
        "full_name": "Đặng Thị Mai" if gender == "F" else "Đặng Văn Mạnh",
        "gender": gender,
        "date_of_birth": dob.strftime("%d/%m/%Y"),
        "citizen_id": citizen_id_for(gender, dob),
        "phone": "",
        "agency": agency.pk,
        "position": "Chuyên viên",
        "status": StaffStatus.AVAILABLE,
        "vaccination_status": "full",
        "home_unit": "",
    }
    data.update(overrides)
    return data


def english(client):
    """The pages pick the language per request (cookie set by the language switch); tests read English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def names_in(response) -> set[str]:
    return {p.full_name for p in response.context["object_list"]}


# --- access --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["staff:staffmember_list", "staff:staffmember_add"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_anonymous_visitors_cannot_open_a_record(client, world):
    response = client.get(detail(world.staff["an"]))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_a_commune_user_sees_only_their_communes_staff_in_the_list(world, client_for):
    response = client_for(world.users["tan_an"]).get(LIST)
    assert response.status_code == 200
    names = names_in(response)
    assert {"Nguyễn Văn An", "Trần Đình Đạt", "Huỳnh Minh"} <= names
    assert "Lê Thị Hoa" not in names and "Phạm Văn Bình" not in names and "Võ Thị Lan" not in names
    assert "Lê Thị Hoa" not in response.content.decode()


def test_a_district_user_sees_all_its_communes_but_not_another_district(world, client_for):
    names = names_in(client_for(world.users["ninh_kieu"]).get(LIST))
    assert {"Nguyễn Văn An", "Lê Thị Hoa"} <= names
    assert "Phạm Văn Bình" not in names


@pytest.mark.parametrize("who", ["hoa", "binh"])
def test_a_commune_user_gets_404_for_another_communes_staff(world, client_for, who):
    client = client_for(world.users["tan_an"])
    person = world.staff[who]
    assert client.get(detail(person)).status_code == 404
    assert client.get(edit(person)).status_code == 404
    assert client.post(edit(person), form_data(world.agencies["ubnd_tan_an"])).status_code == 404
    history = reverse("core:history", args=["staff.staffmember", person.pk])
    assert client.get(history).status_code == 404


def test_a_role_without_staff_view_gets_403_on_the_list(world, client_for):
    assert client_for(world.users["team_member"]).get(LIST).status_code == 403


def test_an_observer_may_read_but_gets_403_when_editing(world, client_for):
    client = client_for(world.users["observer"])
    an = world.staff["an"]
    assert client.get(detail(an)).status_code == 200
    assert client.get(edit(an)).status_code == 403
    assert client.post(edit(an), form_data(an.agency, full_name="Hacked")).status_code == 403
    assert client.get(reverse("staff:staffmember_add")).status_code == 403
    an.refresh_from_db()
    assert an.full_name == "Nguyễn Văn An"


# --- list: search, filters, pagination ------------------------------------------------------------------------------


def test_accent_free_search_finds_nguyen_van_an(world, client_for):
    response = client_for(world.users["home_affairs"]).get(LIST, {"q": "nguyen van an"})
    assert names_in(response) == {"Nguyễn Văn An"}


def test_search_by_phone_digits(world, client_for):
    response = client_for(world.users["home_affairs"]).get(LIST, {"q": "0987 654"})
    assert names_in(response) == {"Trần Đình Đạt"}


def test_filters_by_skill_and_status_combine(world, client_for):
    world.staff["dat"].status = StaffStatus.ON_LEAVE
    world.staff["dat"].save()
    client = client_for(world.users["home_affairs"])
    assert names_in(client.get(LIST, {"skill": "driving"})) == {"Nguyễn Văn An"}
    assert names_in(client.get(LIST, {"status": "on_leave"})) == {"Trần Đình Đạt"}
    assert names_in(client.get(LIST, {"gender": "F", "bloc": "government"})) == {"Lê Thị Hoa", "Võ Thị Lan"}


def test_filter_choices_offer_only_visible_agencies(world, client_for):
    response = client_for(world.users["tan_an"]).get(LIST)
    agencies = {a.name for a in response.context["filter_form"].fields["agency"].queryset}
    assert "Ủy ban nhân dân Phường Tân An" in agencies
    assert "Ủy ban nhân dân Phường An Hòa" not in agencies


def test_the_htmx_live_search_returns_only_the_results_partial(world, client_for):
    query = {"q": "nguyen van an", "agency": "", "status": "", "skill": ""}  # what the untouched form sends
    response = client_for(world.users["home_affairs"]).get(LIST, query, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nguyễn Văn An" in html and "Trần Đình Đạt" not in html
    assert "<html" not in html and 'name="q"' not in html
    assert "HX-Request" in response["Vary"]
    assert response["HX-Push-Url"] == f"{LIST}?q=nguyen+van+an"  # the address bar gets the short URL
    assert f'href="{reverse("staff:staffmember_export")}?q=nguyen+van+an"' in html  # export follows the search


def test_without_javascript_the_same_url_renders_the_whole_page(world, client_for):
    html = client_for(world.users["home_affairs"]).get(LIST, {"q": "nguyen van an"}).content.decode()
    assert "<html" in html and 'hx-get="/staff/"' in html and 'value="nguyen van an"' in html


def test_the_list_is_paginated_by_50_and_keeps_the_filter_in_page_links(world, client_for):
    agency = world.agencies["ubnd_tan_an"]
    for i in range(55):
        make_staff(f"Nguyễn Văn Phụ {i:02d}", agency, dob=date(1980, 1, 1))
    response = client_for(world.users["tan_an"]).get(LIST, {"q": "phu"})
    assert len(response.context["object_list"]) == 50
    assert response.context["paginator"].count == 55
    html = response.content.decode()
    assert "q=phu&amp;page=2" in html
    page2 = client_for(world.users["tan_an"]).get(LIST, {"q": "phu", "page": 2})
    assert len(page2.context["object_list"]) == 5


def test_the_list_uses_a_bounded_number_of_queries(world, client_for, django_assert_max_num_queries):
    agency = world.agencies["ubnd_tan_an"]
    other = world.agencies["tram_y_te_tan_an"]
    for i in range(40):
        make_staff(f"Trần Thị Bé {i:02d}", agency if i % 2 else other, gender="F", dob=date(1991, 1, 1))
    client = client_for(world.users["tan_an"])
    client.get(LIST)  # warm the session
    with django_assert_max_num_queries(12):
        response = client.get(LIST, {"status": "available"})
    assert len(response.context["object_list"]) > 30


def test_export_and_import_links_follow_the_role(world, client_for):
    html = client_for(world.users["tan_an"]).get(LIST, {"q": "an"}).content.decode()
    assert reverse("staff:staffmember_export") + "?q=an" in html
    assert reverse("staff:staffmember_import") in html
    html = client_for(world.users["health"]).get(LIST).content.decode()
    assert reverse("staff:staffmember_export") in html  # health may export ...
    assert reverse("staff:staffmember_import") not in html  # ... but not import
    assert reverse("staff:staffmember_add") not in html


# --- detail ---------------------------------------------------------------------------------------------------------


def test_the_detail_page_shows_all_fields_age_skills_and_the_old_id_mark(world, client_for):
    lan = world.staff["lan"]
    lan.citizen_id = "361234567"
    lan.save()
    with translation.override("en"):
        response = english(client_for(world.users["home_affairs"])).get(detail(lan))
        html = response.content.decode()
    assert "Võ Thị Lan" in html and "Sở Y tế" in html
    assert "30/11/1979" in html
    assert "old 9-digit ID" in html
    assert "Medical" in html  # the English skill name
    assert "years old" in html
    assert reverse("core:history", args=["staff.staffmember", lan.pk]) in html


# --- create and edit ------------------------------------------------------------------------------------------------


def test_a_commune_user_adds_a_person_and_the_creation_is_audited(world, client_for):
    user = world.users["tan_an"]
    agency = world.agencies["ubnd_tan_an"]
    data = form_data(agency, phone="+84 912 000 999", citizen_id="")
    data["citizen_id"] = " ".join([citizen_id_for("M", date(1990, 5, 17))[i : i + 3] for i in range(0, 12, 3)])
    data["skills"] = [Skill.objects.get(code="medical").pk]
    response = client_for(user).post(reverse("staff:staffmember_add"), data)
    person = StaffMember.objects.get(full_name="Đặng Văn Mạnh")
    assert response.status_code == 302 and response.url == detail(person)
    assert person.phone == "0912000999" and len(person.citizen_id) == 12 and " " not in person.citizen_id
    assert person.date_of_birth == date(1990, 5, 17)
    assert list(person.skills.values_list("code", flat=True)) == ["medical"]
    entry = LogEntry.objects.get_for_object(person).get(action=LogEntry.Action.CREATE)
    assert entry.actor == user


def test_editing_a_person_is_audited_with_the_actor(world, client_for):
    an = world.staff["an"]
    user = world.users["tan_an"]
    data = form_data(
        an.agency,
        full_name=an.full_name,
        citizen_id=an.citizen_id,
        dob=an.date_of_birth,
        phone=an.phone,
        position="Phó Chủ tịch",
        status=StaffStatus.MOBILISED,
        skills=[Skill.objects.get(code="driving").pk, Skill.objects.get(code="it").pk],
    )
    last_before = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    response = client_for(user).post(edit(an), data)
    assert response.status_code == 302
    an.refresh_from_db()
    assert an.position == "Phó Chủ tịch" and an.status == StaffStatus.MOBILISED
    assert set(an.skills.values_list("code", flat=True)) == {"driving", "it"}
    updates = list(LogEntry.objects.get_for_object(an).filter(pk__gt=last_before, action=LogEntry.Action.UPDATE))
    assert updates and all(e.actor == user for e in updates)
    changed = next(e for e in updates if "status" in e.changes_dict)
    assert changed.changes_dict["status"] == ["available", "mobilised"]
    assert any(e.changes_dict.get("skills", {}).get("operation") == "add" for e in updates)


def test_the_edit_form_shows_the_date_as_dd_mm_yyyy(world, client_for):
    html = client_for(world.users["tan_an"]).get(edit(world.staff["an"])).content.decode()
    assert 'value="14/03/1985"' in html


def test_a_citizen_id_that_contradicts_gender_shows_its_error_on_the_field(world, client_for):
    agency = world.agencies["ubnd_tan_an"]
    data = form_data(agency, gender="M", citizen_id=citizen_id_for("F", date(1990, 5, 17)))
    with translation.override("en"):
        response = english(client_for(world.users["tan_an"])).post(reverse("staff:staffmember_add"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["citizen_id"]
    html = response.content.decode()
    # The model's message, rendered inside the citizen ID field's group (its error list has the field's id).
    assert 'id="id_citizen_id_error"' in html
    error_list = html.split('id="id_citizen_id_error"', 1)[1].split("</ul>", 1)[0]
    assert "does not match a man born in 1990" in error_list
    assert not StaffMember.objects.filter(full_name="Đặng Văn Mạnh").exists()


def test_a_bad_phone_and_a_taken_citizen_id_are_reported_on_their_fields(world, client_for):
    agency = world.agencies["ubnd_tan_an"]
    an = world.staff["an"]
    data = form_data(agency, phone="12345", citizen_id=an.citizen_id, dob=an.date_of_birth)
    with translation.override("en"):
        response = english(client_for(world.users["tan_an"])).post(reverse("staff:staffmember_add"), data)
    form = response.context["form"]
    assert form.has_error("phone", "phone_invalid")
    assert form.has_error("citizen_id", "unique")
    assert "already registered" in response.content.decode()


def test_the_agency_choices_are_limited_to_visible_agencies(world, client_for):
    client = client_for(world.users["tan_an"])
    form = client.get(reverse("staff:staffmember_add")).context["form"]
    choices = set(form.fields["agency"].queryset)
    assert world.agencies["ubnd_tan_an"] in choices and world.agencies["ubnd_an_hoa"] not in choices
    response = client.post(reverse("staff:staffmember_add"), form_data(world.agencies["ubnd_an_hoa"]))
    assert response.context["form"].has_error("agency", "invalid_choice")
    assert not StaffMember.objects.filter(full_name="Đặng Văn Mạnh").exists()


def test_a_shared_phone_saves_but_warns_naming_the_visible_others_only(world, client_for):
    make_staff("Lê Văn Khác", world.agencies["ubnd_tra_noc"], phone="0912345678")  # outside Tân An
    data = form_data(world.agencies["ubnd_tan_an"], phone="0912 345 678")
    with translation.override("en"):
        response = english(client_for(world.users["tan_an"])).post(reverse("staff:staffmember_add"), data, follow=True)
    assert StaffMember.objects.filter(full_name="Đặng Văn Mạnh", phone="0912345678").exists()
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert "Nguyễn Văn An" in warnings[0] and "0912345678" in warnings[0]
    assert "Lê Văn Khác" not in warnings[0]


def test_no_warning_when_the_phone_is_unique(world, client_for):
    data = form_data(world.agencies["ubnd_tan_an"], phone="0933 111 222")
    response = client_for(world.users["tan_an"]).post(reverse("staff:staffmember_add"), data, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["success"]


# --- phone-first details --------------------------------------------------------------------------------------------


def test_a_date_of_birth_typed_as_eight_digits_on_a_number_pad_is_accepted(world, client_for):
    data = form_data(world.agencies["ubnd_tan_an"], dob=date(1990, 5, 17))
    data["date_of_birth"] = "17051990"  # a phone's number pad has no "/"
    response = client_for(world.users["tan_an"]).post(reverse("staff:staffmember_add"), data)
    assert response.status_code == 302
    assert StaffMember.objects.get(full_name="Đặng Văn Mạnh").date_of_birth == date(1990, 5, 17)


@pytest.mark.parametrize("typed", ["1751990", "170519900", "32051990"])
def test_digits_that_are_not_a_ddmmyyyy_date_are_refused_with_the_expected_form(world, client_for, typed):
    data = form_data(world.agencies["ubnd_tan_an"], dob=date(1990, 5, 17))
    data["date_of_birth"] = typed  # 7 digits could be 1/7/1990 or 17/5/1990: guessing would store a wrong birthday
    with translation.override("en"):
        response = english(client_for(world.users["tan_an"])).post(reverse("staff:staffmember_add"), data)
    form = response.context["form"]
    assert form.has_error("date_of_birth", "invalid")
    assert "14031985" in form.errors["date_of_birth"][0]
    assert not StaffMember.objects.filter(full_name="Đặng Văn Mạnh").exists()


def test_the_date_of_birth_help_text_tells_about_the_digits_only_form(world, client_for):
    with translation.override("en"):
        html = english(client_for(world.users["tan_an"])).get(reverse("staff:staffmember_add")).content.decode()
    assert "dd/mm/yyyy, or 8 digits without slashes: 14031985" in html
    assert 'inputmode="numeric"' in html.split('name="date_of_birth"', 1)[1].split(">", 1)[0]


def test_a_form_with_errors_opens_with_a_summary_linking_to_each_wrong_field(world, client_for):
    data = form_data(world.agencies["ubnd_tan_an"], phone="0123", gender="")
    with translation.override("en"):
        response = english(client_for(world.users["tan_an"])).post(reverse("staff:staffmember_add"), data)
    html = response.content.decode()
    assert 'class="form-errors error-summary"' in html
    summary = html.split('class="form-errors error-summary"', 1)[1].split("</div>", 1)[0]
    assert "2 fields need correcting" in summary
    # In form order; radio buttons have no single input, so the link goes to the first one.
    assert summary.index('href="#id_gender_0"') < summary.index('href="#id_phone"')
    assert "not a Vietnamese phone number" in summary
    assert html.index("error-summary") < html.index('name="full_name"')  # at the top, above the fields

    # The first wrong field has the focus when the page opens; the others do not.
    def tag(marker: str) -> str:
        return html.split(marker, 1)[1].split(">", 1)[0]

    assert "autofocus" in tag('value="M"') and "autofocus" not in tag('name="phone"')


def test_a_city_level_editor_picks_agency_and_residence_from_lists_grouped_by_district(world, client_for):
    form = client_for(world.users["home_affairs"]).get(reverse("staff:staffmember_add")).context["form"]
    agency_groups = {label: [pk for pk, _name in options] for label, options in form.fields["agency"].choices[1:]}
    assert world.agencies["so_y_te"].pk in agency_groups["Thành phố Cần Thơ"]  # city-level agencies first
    assert world.agencies["ubnd_tan_an"].pk in agency_groups["Quận Ninh Kiều"]
    assert world.agencies["ubnd_tra_noc"].pk in agency_groups["Quận Bình Thuỷ"]
    assert list(agency_groups)[0] == "Thành phố Cần Thơ"
    home_groups = {label for label, _options in form.fields["home_unit"].choices[1:]}
    assert {"Quận Ninh Kiều", "Quận Bình Thuỷ"} <= home_groups
    html = client_for(world.users["home_affairs"]).get(reverse("staff:staffmember_add")).content.decode()
    assert '<optgroup label="Quận Ninh Kiều">' in html


def test_grouping_keeps_values_and_validation_as_they_were(world, client_for):
    client = client_for(world.users["home_affairs"])
    response = client.post(
        reverse("staff:staffmember_add"),
        form_data(world.agencies["ubnd_tra_noc"], home_unit=world.agencies["ubnd_tan_an"].unit_id),
    )
    assert response.status_code == 302
    person = StaffMember.objects.get(full_name="Đặng Văn Mạnh")
    assert person.agency == world.agencies["ubnd_tra_noc"] and person.home_unit.name == "Phường Tân An"


def test_a_commune_editor_keeps_a_flat_agency_list(world, client_for):
    form = client_for(world.users["tan_an"]).get(reverse("staff:staffmember_add")).context["form"]
    labels = [label for _value, label in form.fields["agency"].choices]
    assert all(isinstance(label, str) for label in labels)  # no (group, options) pairs
    assert "Ủy ban nhân dân Phường Tân An" in labels


def test_every_filter_select_starts_with_all_never_dashes(world, client_for):
    with translation.override("en"):
        response = english(client_for(world.users["home_affairs"])).get(LIST)
        form = response.context["filter_form"]
        selects = [name for name in form.fields if name != "q"]
        assert len(selects) == 7
        for name in selects:
            labels = [(str(value), str(label)) for value, label in form[name].field.widget.choices]
            assert labels[0] == ("", "All"), name
            assert [label for _value, label in labels].count("All") == 1, name
    assert "---------" not in response.content.decode()


def test_the_search_box_has_a_placeholder_that_fits_a_phone(world, client_for):
    with translation.override("en"):
        html = english(client_for(world.users["tan_an"])).get(LIST).content.decode()
    assert 'placeholder="Name, ID, phone"' in html
    assert ">Name, citizen ID or phone</label>" in html  # the full label stays for screen readers


def test_an_empty_result_offers_no_export(world, client_for):
    client = client_for(world.users["tan_an"])
    html = client.get(LIST, {"q": "zzzz nobody"}).content.decode()
    assert reverse("staff:staffmember_export") not in html
    assert 'colspan="6" class="empty"' in html
    assert reverse("staff:staffmember_export") in client.get(LIST, {"q": "an"}).content.decode()


def test_a_phone_card_shows_status_and_position_with_agency_under_the_name(world, client_for):
    an = world.staff["an"]
    an.position = "Chủ tịch"
    an.phone = "0912345678"
    an.save()
    with translation.override("en"):
        html = english(client_for(world.users["tan_an"])).get(LIST, {"q": "nguyen van an"}).content.decode()
    primary = html.split('<td class="primary"', 1)[1].split("</td>", 1)[0]
    assert "Nguyễn Văn An" in primary and "Available" in primary
    assert "Chủ tịch · Ủy ban nhân dân Phường Tân An" in primary
    assert '<td class="tel" data-label="Phone"><a href="tel:0912345678">' in html


def test_the_import_page_puts_the_check_only_box_and_its_words_on_one_tappable_row(world, client_for):
    html = client_for(world.users["tan_an"]).get(reverse("staff:staffmember_import")).content.decode()
    row = html.split('<label class="checkbox-row" for="id_dry_run">', 1)[1].split("</label>", 1)[0]
    assert 'type="checkbox"' in row and 'name="dry_run"' in row
    assert '<ul class="help-list">' in html

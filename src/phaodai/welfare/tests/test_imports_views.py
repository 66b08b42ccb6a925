"""The import pages and API: upload → preview → confirm, refusals, and the upload kept only for its sender."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from phaodai.places.models import AdminUnit, Household
from phaodai.welfare import forms_imports, import_apply
from phaodai.welfare.testing import welfare_world
from phaodai.welfare.tests.fixtures.workbooks import ward_list, ward_row

TAN_AN = "31135"


@pytest.fixture
def ww(world, tmp_path, settings):
    settings.WELFARE_IMPORT_DIR = str(tmp_path / "imports")
    with time_machine.travel(datetime(2021, 9, 1, 3, tzinfo=UTC), tick=False):
        yield welfare_world(world)


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def upload(rows, name="ds.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ward_list(rows).getvalue())


GOOD = [
    ward_row(1, "Nguyễn Văn Một", 1970, "092070000111", "1", "Khu vực 1", 912345678),
    ward_row(2, "Nguyễn Thị Hai", "02/03/1971", "092171000222", "2", "KV2", "0912345679", female=True),
]


def test_upload_preview_and_confirm_import_everything(ww, world, client_for, tmp_path):
    c = english(client_for(world.users["tan_an"]))
    commune = AdminUnit.objects.get(code=TAN_AN)
    response = c.post(reverse("welfare:import_upload"), {"file": upload(GOOD), "commune": commune.pk})
    assert response.status_code == 302
    preview_url = response["Location"]
    page = c.get(preview_url)
    html = page.content.decode()
    assert page.status_code == 200 and "No problem found: 2 rows can be imported." in html
    assert "0912345678" in html and "Năm sinh / Nữ" in html  # the phone restored; the two-row header shown
    assert Household.objects.filter(head_name="Nguyễn Văn Một").count() == 0  # nothing saved by the preview
    done = c.post(preview_url, {"action": "confirm"})
    assert done.status_code == 200 and "Every row of the file was imported." in done.content.decode()
    assert Household.objects.filter(head_name__in=["Nguyễn Văn Một", "Nguyễn Thị Hai"]).count() == 2
    assert list((tmp_path / "imports").iterdir()) == []  # the file is gone after the import
    assert c.get(preview_url).status_code == 404


def test_the_preview_lists_problems_and_the_mapping_can_be_corrected(ww, world, client_for):
    c = english(client_for(world.users["tan_an"]))
    rows = [*GOOD, ward_row(3, "Lê Văn Ba", 1972, "1.23457E+11", "3", "Khu vực 1", "0912345670")]
    response = c.post(
        reverse("welfare:import_upload"), {"file": upload(rows), "commune": AdminUnit.objects.get(code=TAN_AN).pk}
    )
    preview_url = response["Location"]
    html = c.get(preview_url).content.decode()
    assert "1 problem found: nothing can be imported yet." in html
    assert "re-type it as text" in html
    assert 'value="confirm"' not in html  # no import button while a problem remains
    refused = c.post(preview_url, {"action": "confirm"})
    assert refused.status_code == 400 and Household.objects.filter(head_name="Nguyễn Văn Một").count() == 0
    # the user says column E is not to be read: the damaged ID no longer blocks the import
    token = preview_url.rsplit("token=", 1)[-1]
    found = import_apply.preview(token, world.users["tan_an"])
    data = {f"col_{col.index}": col.field for col in found.reading.main.columns}
    data.update({"col_4": "", "sheet": "Danh sách", "header_row": 7, "action": "update"})
    assert c.post(preview_url, data).status_code == 302
    html = c.get(preview_url).content.decode()
    assert "No problem found: 3 rows can be imported." in html


def test_bad_files_get_clear_messages(ww, world, client_for, monkeypatch):
    c = english(client_for(world.users["tan_an"]))
    commune = AdminUnit.objects.get(code=TAN_AN).pk
    url = reverse("welfare:import_upload")
    fake = SimpleUploadedFile("ds.xlsx", b"this is not a workbook")
    response = c.post(url, {"file": fake, "commune": commune}, follow=True)
    assert "could not be read as an Excel workbook" in response.content.decode()
    old = SimpleUploadedFile("ds.xls", b"\xd0\xcf\x11\xe0old")
    assert "97-2003" in c.post(url, {"file": old, "commune": commune}).content.decode()
    monkeypatch.setattr(forms_imports, "MAX_UPLOAD_BYTES", 1024)
    big = c.post(url, {"file": upload(GOOD), "commune": commune})
    assert big.status_code == 400 and "larger than" in big.content.decode()


def test_a_preview_is_only_for_the_user_who_sent_it(ww, world, client_for, api):
    commune = AdminUnit.objects.get(code=TAN_AN).pk
    created = api(world.users["tan_an"]).post(
        reverse("api:welfare-imports-list"), {"file": upload(GOOD), "commune": commune}, format="multipart"
    )
    token = created.json()["token"]
    other = make_second_tan_an_user()
    assert english(client_for(other)).get(f"{reverse('welfare:import_preview')}?token={token}").status_code == 404
    confirm = api(other).post(reverse("api:welfare-imports-confirm"), {"token": token}, format="json")
    assert confirm.status_code == 404


def make_second_tan_an_user():
    from phaodai.accounts.roles import Role
    from phaodai.testing import make_user

    return make_user("tan_an_2", Role.COMMUNE, TAN_AN)


def test_the_api_previews_then_imports_all_or_nothing(ww, world, api):
    client = api(world.users["tan_an"])
    commune = AdminUnit.objects.get(code=TAN_AN).pk
    bad = [*GOOD, ward_row(3, "Nguyễn Văn Một", 1970, "092070000111", "1", "Khu vực 1", "0912345678")]
    preview = client.post(
        reverse("api:welfare-imports-list"), {"file": upload(bad), "commune": commune}, format="multipart"
    )
    assert preview.status_code == 201
    body = preview.json()
    assert body["ok"] is False and body["row_count"] == 3
    assert {c["letter"]: c["field"] for c in body["columns"]}["E"] == "citizen_id"
    assert [(p["row"], p["code"]) for p in body["problems"]] == [(12, "repeated")]
    refused = client.post(reverse("api:welfare-imports-confirm"), {"token": body["token"]}, format="json")
    assert refused.status_code == 400 and refused.json()["problems"][0]["row"] == 12
    assert Household.objects.filter(head_name="Nguyễn Văn Một").count() == 0
    good = client.post(
        reverse("api:welfare-imports-list"), {"file": upload(GOOD), "commune": commune}, format="multipart"
    ).json()
    done = client.post(reverse("api:welfare-imports-confirm"), {"token": good["token"]}, format="json")
    assert done.status_code == 200 and done.json()["households_created"] == 2
    outside = client.post(
        reverse("api:welfare-imports-list"),
        {"file": upload(GOOD), "commune": AdminUnit.objects.get(code="31120").pk},
        format="multipart",
    )
    assert outside.status_code == 400 and "commune" in outside.json()

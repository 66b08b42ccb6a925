"""The list pages: the commune compiles and submits, the district checks, the city approves — through the buttons;
a rejection shows its reason; an approved list is exported; the API moves a list the same way."""

import io

import openpyxl
from django.urls import reverse

from phaodai.mobilisation.tests.test_views import english
from phaodai.places.models import AdminUnit
from phaodai.testing import TAN_AN
from phaodai.welfare.models import ListStatus, SupportList
from phaodai.welfare.testing import welfare_world


def test_a_list_goes_through_its_pages_from_draft_to_approved_and_is_exported(world, client_for):
    ww = welfare_world(world)
    c = english(client_for(world.tan_an))
    response = c.post(
        reverse("welfare:supportlist_add"), {"programme": ww.food.pk, "commune": AdminUnit.objects.get(code=TAN_AN).pk}
    )
    sl = SupportList.objects.get()
    assert response["Location"] == sl.get_absolute_url()
    c.post(reverse("welfare:supportlist_entry_add", args=[sl.pk]), {"household": ww.households["bay"].pk})
    page = c.post(reverse("welfare:supportlist_entry_add", args=[sl.pk]), {"household": ww.households["mai"].pk})
    assert "state why they should be on the list" in page.content.decode()
    c.post(reverse("welfare:supportlist_submit", args=[sl.pk]))
    c = english(client_for(world.ninh_kieu))
    c.post(reverse("welfare:supportlist_reject", args=[sl.pk]), {"reason": "Thiếu chữ ký"})
    assert SupportList.objects.get().status == ListStatus.REJECTED
    c = english(client_for(world.tan_an))
    assert "Thiếu chữ ký" in c.get(sl.get_absolute_url()).content.decode()
    c.post(reverse("welfare:supportlist_submit", args=[sl.pk]))
    english(client_for(world.ninh_kieu)).post(reverse("welfare:supportlist_check", args=[sl.pk]))
    c = english(client_for(world.steering))
    c.post(reverse("welfare:supportlist_approve", args=[sl.pk]))
    assert SupportList.objects.get().status == ListStatus.APPROVED
    response = c.post(reverse("welfare:supportlist_approve", args=[sl.pk]), follow=True)
    assert "already approved" in response.content.decode()
    export = c.get(reverse("welfare:supportlist_entries_export", args=[sl.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    assert [r[1] for r in book.active.iter_rows(min_row=2, values_only=True)] == ["Nguyễn Văn Bảy"]


def test_the_api_moves_a_list_and_refuses_a_change_to_an_approved_one(world, api):
    from phaodai.welfare import lists

    ww = welfare_world(world)
    sl = lists.create_list(world.tan_an, ww.food, AdminUnit.objects.get(code=TAN_AN))
    lists.add_entry(world.tan_an, sl, ww.households["bay"])
    assert api(world.tan_an).post(reverse("api:welfare-lists-submit", args=[sl.pk])).json()["status"] == "submitted"
    assert api(world.ninh_kieu).post(reverse("api:welfare-lists-check", args=[sl.pk])).status_code == 200
    assert api(world.steering).post(reverse("api:welfare-lists-approve", args=[sl.pk])).json()["status"] == "approved"
    response = api(world.steering).post(reverse("api:welfare-lists-approve", args=[sl.pk]))
    assert response.status_code == 400 and "already approved" in str(response.json())
    entry = sl.entries.get()
    data = {"list_entry": entry.pk, "received_on": "2021-08-20", "given_by": "Tổ 1"}
    from datetime import UTC, datetime

    import time_machine

    with time_machine.travel(datetime(2021, 9, 1, 3, tzinfo=UTC), tick=False):
        assert api(world.tan_an).post(reverse("api:welfare-distributions-record"), data).json()["occurrence"] == 1
        assert api(world.tan_an).post(reverse("api:welfare-distributions-record"), data).status_code == 201
        third = api(world.tan_an).post(reverse("api:welfare-distributions-record"), data)
    assert third.status_code == 400 and "2 of 2 time(s)" in str(third.json())
    revision = api(world.tan_an).post(reverse("api:welfare-lists-revise", args=[sl.pk])).json()
    assert (revision["revision"], revision["previous"], revision["status"]) == (2, sl.pk, "draft")

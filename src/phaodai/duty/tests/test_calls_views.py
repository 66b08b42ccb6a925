"""Call intake and help request pages, and the API: phone-first form, linking, actions, errand, idempotency."""

import pytest
from django.urls import reverse

from phaodai.duty.models import Call, Errand, HelpRequest
from phaodai.duty.tests.test_calls_world import call, calls_world
from phaodai.mobilisation.tests.test_views import english


@pytest.fixture
def c(world):
    return calls_world(world)


def intake(c, **extra):
    return {
        "idempotency_key": "k1",
        "caller_phone": "0909 123 456",
        "category": "food",
        "need": "Cần gạo",
        "commune": c.tan_an.pk,
        "neighbourhood": c.kv1.pk,
        **extra,
    }


def test_the_intake_form_is_phone_first_and_empty_again_after_each_call(c, world, client_for):
    client = english(client_for(world.users["hotline_operator"]))
    page = client.get(reverse("duty:call_add"))
    html = page.content.decode()
    assert 'inputmode="tel"' in html and 'class="medical_emergency"' in html
    assert page.context["form"].initial["commune"] == c.tan_an.pk  # the operator's commune by default
    response = client.post(reverse("duty:call_add"), intake(c))
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    hr = HelpRequest.objects.get()
    assert f"new request #{hr.pk}" in html
    assert page.context["form"].initial["idempotency_key"] != "k1"  # a fresh key for the next call
    response = client.post(reverse("duty:call_add"), intake(c, idempotency_key="k2", caller_phone="+84909123456"))
    html = client.get(response["Location"]).content.decode()
    assert f"linked to request #{hr.pk} opened at" in html
    # A double tap (same key) is still one call.
    client.post(reverse("duty:call_add"), intake(c, idempotency_key="k2"))
    assert Call.objects.count() == 2 and HelpRequest.objects.count() == 1


def test_the_intake_form_shows_a_clear_message_for_a_foreign_number(c, world, client_for):
    client = english(client_for(world.users["hotline_operator"]))
    response = client.post(reverse("duty:call_add"), intake(c, caller_phone="+44 20 7946 0958"))
    assert response.status_code == 200
    assert "is not a Vietnamese phone number" in response.content.decode()
    assert not Call.objects.exists()


def test_list_detail_act_and_errand_pages(c, world, client_for):
    hr = call(c).help_request
    call(c, category="medical_emergency", caller_phone="0909000333")
    client = english(client_for(world.users["tan_an"]))
    listed = client.get(reverse("duty:helprequest_list"), {"category": "food"})
    assert list(listed.context["object_list"]) == [hr]
    detail = client.get(reverse("duty:helprequest_detail", args=[hr.pk]))
    assert detail.context["actions"] == ["acknowledge", "start", "close", "reroute", "comment"]
    url = reverse("duty:helprequest_act", args=[hr.pk])
    client.post(url, {"action": "acknowledge"})
    response = client.post(url, {"action": "close", "note": ""}, follow=True)
    assert "Write the outcome" in response.content.decode()
    hr.refresh_from_db()
    assert hr.status == "acknowledged"
    errand_url = reverse("duty:errand_edit", args=[hr.pk])
    assert client.get(errand_url).context["form"].initial["shopping_list"] == hr.need
    client.post(errand_url, {"step": "save", "shopping_list": "10 kg gạo", "deliverer_name": "Minh"})
    client.post(errand_url, {"step": "delivered", "shopping_list": "10 kg gạo", "deliverer_name": "Minh"})
    response = client.post(errand_url, {"step": "paid", "amount": "180000"})
    assert response.status_code == 302
    errand = Errand.objects.get()
    assert (errand.status, errand.amount, errand.deliverer_name) == ("paid", 180000, "Minh")
    client.post(url, {"action": "close", "note": "Đã giao đủ"})
    hr.refresh_from_db()
    assert hr.status == "closed" and hr.outcome == "Đã giao đủ"
    export = client.get(reverse("duty:helprequest_export"))
    assert export.status_code == 200


def test_an_operator_may_comment_but_not_act(c, world, client_for):
    hr = call(c).help_request
    client = client_for(world.users["hotline_operator"])
    url = reverse("duty:helprequest_act", args=[hr.pk])
    assert client.post(url, {"action": "acknowledge"}).status_code == 403
    assert client.post(url, {"action": "comment", "note": "Gọi lại lần 2"}).status_code == 302
    assert list(hr.steps.values_list("kind", flat=True)) == ["received", "commented"]
    assert client.get(reverse("duty:errand_edit", args=[hr.pk])).status_code == 403


def test_the_api_records_calls_once_per_idempotency_key_and_acts(c, world, api):
    operator = api(world.users["hotline_operator"])
    body = {
        "caller_phone": "0909123456",
        "commune": c.tan_an.pk,
        "neighbourhood": c.kv1.pk,
        "category": "food",
        "need": "Gạo",
    }
    first = operator.post(reverse("api:calls-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="abc")
    assert first.status_code == 201, first.content
    again = operator.post(reverse("api:calls-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="abc")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    joined = operator.post(reverse("api:calls-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="def")
    assert joined.json()["joined"] is True and joined.json()["help_request"] == first.json()["help_request"]
    bad = operator.post(reverse("api:calls-list"), {**body, "caller_phone": "12345"}, format="json")
    assert bad.status_code == 400 and "not a Vietnamese phone number" in bad.json()["caller_phone"][0]
    assert Call.objects.count() == 2
    assert len(operator.get(reverse("api:calls-list")).json()["results"]) == 2

    pk = first.json()["help_request"]
    commune = api(world.users["tan_an"])
    assert commune.get(reverse("api:help-requests-detail", args=[pk])).json()["actions"][0] == "acknowledge"
    assert operator.post(reverse("api:help-requests-acknowledge", args=[pk]), {}).status_code == 403
    done = commune.post(reverse("api:help-requests-close", args=[pk]), {"note": ""}, format="json")
    assert done.status_code == 400 and "outcome" in done.json()
    done = commune.post(reverse("api:help-requests-close", args=[pk]), {"note": "Đã giao"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "closed"
    errand = commune.post(reverse("api:help-requests-errand", args=[pk]), {"step": "paid", "amount": 1}, format="json")
    assert errand.status_code == 400 and "shopping list first" in str(errand.json())

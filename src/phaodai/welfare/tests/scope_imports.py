"""Scope cases (core/tests/test_endpoint_scope.py) for the welfare app's imports endpoints: URL name → case."""

from __future__ import annotations


def _commune(code: str):
    from phaodai.places.models import AdminUnit

    return AdminUnit.objects.get(code=code)


def _an_hoa_draft(w):
    from phaodai.welfare.models import SupportList
    from phaodai.welfare.testing import welfare_world

    ww = welfare_world(w)
    return SupportList.objects.create(
        programme=ww.food, commune=_commune("31120"), created_by=w.users["an_hoa"], note="Danh sách An Hòa"
    ), ww


def _an_hoa_upload(w) -> str:
    from phaodai.welfare import import_apply
    from phaodai.welfare.tests.fixtures.workbooks import ward_list, ward_row

    data = ward_list([ward_row(1, "Nguyễn Văn Một", 1970, "092070000111", "1", "Khu vực 3", "0912345678")])
    return import_apply.store(data, w.users["an_hoa"], "an-hoa.xlsx", {"commune": _commune("31120").pk})


def _upload(w, login):
    from django.urls import reverse

    from phaodai.core.tests.test_endpoint_scope import assert_forbidden

    c = login("tan_an")
    page = c.get(reverse("welfare:import_upload"))
    communes = list(page.context["form"].fields["commune"].queryset.values_list("code", flat=True))
    assert communes == ["31135"]  # An Hòa is not offered
    assert_forbidden(login("observer"), reverse("welfare:import_upload"))
    assert_forbidden(login("ninh_kieu"), reverse("welfare:import_upload"), "post")


def _preview(w, login):
    from django.urls import reverse

    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_hidden

    token = _an_hoa_upload(w)
    url = f"{reverse('welfare:import_preview')}?token={token}"
    assert_hidden(login("tan_an"), url)
    assert_hidden(login("tan_an"), url, "post", {"action": "confirm"})
    assert_forbidden(login("observer"), url)
    assert login("an_hoa").get(url).status_code == 200


def _api_list(w, login):
    from django.urls import reverse

    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_lists

    _an_hoa_draft(w)
    url = reverse("api:welfare-imports-list")
    assert_lists(login("an_hoa"), url, ["An Hòa"], [])
    assert_lists(login("tan_an"), url, [], ["An Hòa"])
    assert_forbidden(login("observer"), url)


def _api_detail(w, login):
    from django.urls import reverse

    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_hidden

    draft, _ww = _an_hoa_draft(w)
    url = reverse("api:welfare-imports-detail", args=[draft.pk])
    assert_hidden(login("tan_an"), url)
    assert_forbidden(login("observer"), url)
    assert login("an_hoa").get(url).status_code == 200


def _api_confirm(w, login):
    from django.urls import reverse

    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_hidden
    from phaodai.places.models import Household

    token = _an_hoa_upload(w)
    url = reverse("api:welfare-imports-confirm")
    assert_hidden(login("tan_an"), url, "post", {"token": token})
    assert not Household.objects.filter(head_name="Nguyễn Văn Một").exists()
    assert_forbidden(login("observer"), url, "post", {"token": token})


CASES: dict = {
    "welfare:import_upload": _upload,
    "welfare:import_preview": _preview,
    "api:welfare-imports-list": _api_list,
    "api:welfare-imports-detail": _api_detail,
    "api:welfare-imports-confirm": _api_confirm,
}

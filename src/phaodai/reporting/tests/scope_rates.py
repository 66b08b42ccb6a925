"""Scope cases (core/tests/test_endpoint_scope.py) for the reporting app's rates endpoints: URL name → case.

Each builds the field (Tân An: Tổ 1 and Tổ 2; An Hòa: Tổ An Hòa) with no report yesterday, so every team and both
delegations are missing then: Tân An's user must see its own and never An Hòa's, in pages, exports and the API.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from phaodai.reporting.testing import AN_HOA_DELEGATION, TAN_AN_DELEGATION, field_world

YESTERDAY_QUERY = "?day={:%Y-%m-%d}"


def _yesterday() -> str:
    return YESTERDAY_QUERY.format(timezone.localdate() - timedelta(days=1))


def _rates(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_lists

    field_world(w)
    url = reverse("reporting:rates")
    assert_lists(login("tan_an"), url + "?level=team", ["Tổ 1", "Tổ 2"], ["Tổ An Hòa", AN_HOA_DELEGATION])
    assert_lists(login("tan_an"), url + "?level=delegation", [TAN_AN_DELEGATION], [AN_HOA_DELEGATION])
    assert_lists(login("tan_an"), url + "?level=commune", ["Phường Tân An"], ["Phường An Hòa"])
    assert_forbidden(login("team_member"), url)  # no reporting.view


def _rates_export(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_lists

    field_world(w)
    url = reverse("reporting:rates_export")
    assert_lists(login("tan_an"), url + "?level=team", ["Tổ 1", "Tổ 2"], ["Tổ An Hòa", AN_HOA_DELEGATION])
    assert_lists(login("tan_an"), url + "?level=commune", ["Phường Tân An"], ["Phường An Hòa"])
    assert_forbidden(login("team_member"), url)


def _not_reported(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_lists

    field_world(w)
    url = reverse("reporting:not_reported") + _yesterday()
    assert_lists(login("tan_an"), url, ["Tổ 1", "Võ Thị Lan", TAN_AN_DELEGATION], ["Tổ An Hòa", AN_HOA_DELEGATION])
    assert_lists(login("an_hoa"), url, ["Tổ An Hòa", AN_HOA_DELEGATION], ["Tổ 1", TAN_AN_DELEGATION])
    assert_forbidden(login("observer"), url)  # sees reports, does not coordinate
    assert_forbidden(login("team_leader"), url)


def _summary(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_lists

    field_world(w)
    url = reverse("reporting:summary") + _yesterday()
    assert_lists(login("tan_an"), url, [TAN_AN_DELEGATION], [AN_HOA_DELEGATION, "Phường An Hòa"])
    assert_forbidden(login("observer"), url)


def _summary_export(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_lists

    field_world(w)
    url = reverse("reporting:summary_export") + _yesterday()
    assert_lists(login("tan_an"), url, [TAN_AN_DELEGATION], [AN_HOA_DELEGATION, "Phường An Hòa"])
    assert_forbidden(login("observer"), url)


def _api_rates_list(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_lists

    field_world(w)
    url = reverse("api:reporting-rates-list")
    assert_lists(login("tan_an"), url + "?level=team", ["Tổ 1", "Tổ 2"], ["Tổ An Hòa", AN_HOA_DELEGATION])
    assert_lists(login("tan_an"), url + "?level=delegation", [TAN_AN_DELEGATION], [AN_HOA_DELEGATION])
    assert_forbidden(login("team_member"), url)


def _api_rates_detail(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_hidden

    f = field_world(w)
    assert_hidden(login("tan_an"), reverse("api:reporting-rates-detail", args=[f.an_hoa.pk]))
    assert login("tan_an").get(reverse("api:reporting-rates-detail", args=[f.tan_an.pk])).status_code == 200
    assert_forbidden(login("team_member"), reverse("api:reporting-rates-detail", args=[f.tan_an.pk]))


def _api_not_reported_list(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_lists

    field_world(w)
    url = reverse("api:not-reported-list") + _yesterday()
    assert_lists(login("tan_an"), url, ["Tổ 1", TAN_AN_DELEGATION], ["Tổ An Hòa", AN_HOA_DELEGATION])
    assert_forbidden(login("observer"), url)


def _api_not_reported_detail(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_hidden

    f = field_world(w)
    assert_hidden(login("tan_an"), reverse("api:not-reported-detail", args=[f.an_hoa.pk]))
    assert_forbidden(login("observer"), reverse("api:not-reported-detail", args=[f.tan_an.pk]))


CASES: dict = {
    "reporting:rates": _rates,
    "reporting:rates_export": _rates_export,
    "reporting:not_reported": _not_reported,
    "reporting:summary": _summary,
    "reporting:summary_export": _summary_export,
    "api:reporting-rates-list": _api_rates_list,
    "api:reporting-rates-detail": _api_rates_detail,
    "api:not-reported-list": _api_not_reported_list,
    "api:not-reported-detail": _api_not_reported_detail,
}

"""Scope cases (core/tests/test_endpoint_scope.py) for the reporting app's forms endpoints: URL name → case.

Report forms are the deployment's, not a jurisdiction's (ReportFormQuerySet: whoever sees reports sees the forms),
so their cases prove the role rules: without reporting.view nothing is shown (403), without reporting.forms nothing
can be changed (403). A delegation's deadlines are the delegation's: 404 outside the jurisdiction, 403 for a role
that may neither organise delegations nor edit forms.
"""

from __future__ import annotations

from django.urls import reverse

SAMPLING_FORM = "Báo cáo ngày — hỗ trợ lấy mẫu xét nghiệm"


def _form():
    from phaodai.reporting.models import ReportForm

    return ReportForm.objects.get(code="sampling")


def _form_list(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_lists

    url = reverse("reporting:form_list")
    assert_lists(login("tan_an"), url, [SAMPLING_FORM], [])
    assert_forbidden(login("team_member"), url)
    assert_forbidden(login("hotline_operator"), url)


def _form_detail(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_hidden, assert_lists

    url = reverse("reporting:form_detail", args=[_form().pk])
    assert_lists(login("team_leader"), url, ["people_sampled"], [])
    # A role that sees no reports sees no form either: for it the form does not exist (404, as for any record).
    assert_hidden(login("team_member"), url)
    assert_forbidden(login("tan_an"), reverse("reporting:form_edit", args=[_form().pk]))
    assert_hidden(login("tan_an"), reverse("reporting:form_detail", args=[999999]))


def _form_edit(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden

    url = reverse("reporting:form_edit", args=[_form().pk])
    assert_forbidden(login("tan_an"), url)
    assert_forbidden(login("tan_an"), url, "post", {"fields-TOTAL_FORMS": "0", "fields-INITIAL_FORMS": "0"})
    assert_forbidden(login("delegation_head"), url)


def _form_add(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden

    url = reverse("reporting:form_add")
    assert_forbidden(login("tan_an"), url)
    assert_forbidden(login("steering"), url, "post", {"code": "x", "name": "X"})


def _form_status(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden

    url = reverse("reporting:form_status", args=[_form().pk])
    assert_forbidden(login("tan_an"), url, "post", {"retire": "1"})
    assert _form().is_active


def _schedule_edit(w, login):
    from phaodai.core.tests.test_endpoint_scope import _persona, assert_forbidden, assert_hidden
    from phaodai.reporting.models import ReportingSchedule
    from phaodai.reporting.testing import field_world

    f = field_world(w)
    _persona(w, "health_binh_thuy")  # may organise delegations, but only in Bình Thuỷ
    url = reverse("reporting:schedule_edit", args=[f.an_hoa.pk])
    data = {"team_deadline": "16:00", "delegation_deadline": "17:00", "time_zone": "Asia/Ho_Chi_Minh"}
    assert_hidden(login("health_binh_thuy"), url)
    assert_hidden(login("health_binh_thuy"), url, "post", data)
    own = reverse("reporting:schedule_edit", args=[f.tan_an.pk])
    assert_forbidden(login("tan_an"), own)  # sees its delegation, may not change its deadlines
    assert_forbidden(login("delegation_head"), own, "post", data)
    assert not ReportingSchedule.objects.exists()


def _api_forms_list(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_lists

    url = reverse("api:report-forms-list")
    assert_lists(login("tan_an"), url, [SAMPLING_FORM], [])
    assert_forbidden(login("team_member"), url)
    assert_forbidden(login("tan_an"), url, "post", {"code": "x"})


def _api_forms_detail(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden, assert_hidden

    assert_forbidden(login("team_member"), reverse("api:report-forms-detail", args=[_form().pk]))
    assert_hidden(login("tan_an"), reverse("api:report-forms-detail", args=[999999]))


def _api_forms_publish(w, login):
    from phaodai.core.tests.test_endpoint_scope import assert_forbidden

    url = reverse("api:report-forms-publish", args=[_form().pk])
    assert_forbidden(login("tan_an"), url, "post", {"fields": []})
    assert_forbidden(login("team_leader"), url, "post", {"fields": []})
    assert _form().versions.count() == 1


CASES: dict = {
    "reporting:form_list": _form_list,
    "reporting:form_detail": _form_detail,
    "reporting:form_edit": _form_edit,
    "reporting:form_add": _form_add,
    "reporting:form_status": _form_status,
    "reporting:schedule_edit": _schedule_edit,
    "api:report-forms-list": _api_forms_list,
    "api:report-forms-detail": _api_forms_detail,
    "api:report-forms-publish": _api_forms_publish,
}

"""URL patterns of the reporting app's forms part (included by reporting.urls under the "reporting" namespace)."""

from django.urls import path

from phaodai.reporting import views_forms

urlpatterns: list = [
    path("forms/", views_forms.FormListView.as_view(), name="form_list"),
    path("forms/add/", views_forms.FormAddView.as_view(), name="form_add"),
    path("forms/<int:pk>/", views_forms.FormDetailView.as_view(), name="form_detail"),
    path("forms/<int:pk>/edit/", views_forms.FormEditView.as_view(), name="form_edit"),
    path("forms/<int:pk>/status/", views_forms.FormStatusView.as_view(), name="form_status"),
    path("deadlines/<int:pk>/", views_forms.ScheduleEditView.as_view(), name="schedule_edit"),
]

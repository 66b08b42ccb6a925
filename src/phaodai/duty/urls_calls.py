"""URL patterns of the duty app's calls part (in the "duty" namespace)."""

from django.urls import path

from phaodai.duty import views_calls as views

urlpatterns: list = [
    path("calls/new/", views.CallIntakeView.as_view(), name="call_add"),
    path("calls/", views.CallListView.as_view(), name="call_list"),
    path("calls/export/", views.CallExportView.as_view(), name="call_export"),
    path("help-requests/", views.HelpRequestListView.as_view(), name="helprequest_list"),
    path("help-requests/export/", views.HelpRequestExportView.as_view(), name="helprequest_export"),
    path("help-requests/<int:pk>/", views.HelpRequestDetailView.as_view(), name="helprequest_detail"),
    path("help-requests/<int:pk>/act/", views.HelpRequestActView.as_view(), name="helprequest_act"),
    path("help-requests/<int:pk>/errand/", views.ErrandEditView.as_view(), name="errand_edit"),
]

"""URL patterns of the duty app's hotlines part (in the "duty" namespace)."""

from django.urls import path

from phaodai.duty import views_hotlines as v

urlpatterns: list = [
    path("hotlines/", v.HotlineListView.as_view(), name="hotline_list"),
    path("hotlines/export/", v.HotlineExportView.as_view(), name="hotline_export"),
    path("hotlines/add/", v.HotlineCreateView.as_view(), name="hotline_add"),
    path("hotlines/compliance/", v.ComplianceView.as_view(), name="hotline_compliance"),
    path("hotlines/compliance/export/", v.ComplianceExportView.as_view(), name="hotline_compliance_export"),
    path("hotlines/<int:pk>/", v.HotlineDetailView.as_view(), name="hotline_detail"),
    path("hotlines/<int:pk>/edit/", v.HotlineUpdateView.as_view(), name="hotline_edit"),
    path("hotlines/<int:pk>/active/", v.HotlineSetActiveView.as_view(), name="hotline_set_active"),
    path("friday-reports/", v.FridayListView.as_view(), name="friday_list"),
    path("friday-reports/submit/", v.FridaySubmitView.as_view(), name="friday_submit"),
    path("friday-reports/tracking/", v.FridayTrackingView.as_view(), name="friday_tracking"),
    path("friday-reports/<int:pk>/", v.FridayDetailView.as_view(), name="friday_detail"),
    path("friday-reports/<int:pk>/export/", v.FridayExportView.as_view(), name="friday_export"),
]

"""URL patterns of the reporting app's reports part (included by reporting.urls under the "reporting" namespace)."""

from django.urls import path

from phaodai.reporting import views_reports as v

urlpatterns: list = [
    path("today/", v.TodayView.as_view(), name="today"),
    path("teams/<int:pk>/report/", v.TeamReportSubmitView.as_view(), name="teamreport_submit"),
    path("team-reports/", v.TeamReportListView.as_view(), name="teamreport_list"),
    path("team-reports/export/", v.TeamReportExportView.as_view(), name="teamreport_export"),
    path("team-reports/<int:pk>/", v.TeamReportDetailView.as_view(), name="teamreport_detail"),
    path("delegations/<int:pk>/consolidate/", v.DelegationConsolidateView.as_view(), name="delegation_consolidate"),
    path("delegation-reports/", v.DelegationReportListView.as_view(), name="delegationreport_list"),
    path("delegation-reports/export/", v.DelegationReportExportView.as_view(), name="delegationreport_export"),
    path("delegation-reports/<int:pk>/", v.DelegationReportDetailView.as_view(), name="delegationreport_detail"),
    path("delegation-reports/<int:pk>/pdf/", v.DelegationReportPdfView.as_view(), name="delegationreport_pdf"),
]

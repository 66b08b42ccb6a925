"""URL patterns of the reporting app's rates part (included by reporting.urls under the "reporting" namespace)."""

from django.urls import path

from phaodai.reporting import views_rates

urlpatterns: list = [
    path("rates/", views_rates.RatesView.as_view(), name="rates"),
    path("rates/export/", views_rates.RatesExportView.as_view(), name="rates_export"),
    path("not-reported/", views_rates.NotReportedView.as_view(), name="not_reported"),
    path("summary/", views_rates.SummaryView.as_view(), name="summary"),
    path("summary/export/", views_rates.SummaryExportView.as_view(), name="summary_export"),
]

"""Daily reporting pages: each part keeps its own patterns (urls_reports, urls_rates, urls_difficulties,
urls_forms); they share the "reporting" namespace."""

from phaodai.reporting import urls_difficulties, urls_forms, urls_rates, urls_reports

app_name = "reporting"

urlpatterns: list = [
    *urls_reports.urlpatterns,
    *urls_rates.urlpatterns,
    *urls_difficulties.urlpatterns,
    *urls_forms.urlpatterns,
]

"""Duty and hotline pages: each part keeps its own patterns; they share the "duty" namespace."""

from phaodai.duty import urls_calls, urls_community, urls_hotlines, urls_printouts, urls_rosters

app_name = "duty"

urlpatterns: list = [
    *urls_rosters.urlpatterns,
    *urls_printouts.urlpatterns,
    *urls_hotlines.urlpatterns,
    *urls_community.urlpatterns,
    *urls_calls.urlpatterns,
]

"""Welfare pages: each part keeps its own patterns; they share the "welfare" namespace."""

from phaodai.welfare import urls_imports, urls_lists, urls_matching, urls_registry

app_name = "welfare"

urlpatterns: list = [
    *urls_registry.urlpatterns,
    *urls_lists.urlpatterns,
    *urls_imports.urlpatterns,
    *urls_matching.urlpatterns,
]

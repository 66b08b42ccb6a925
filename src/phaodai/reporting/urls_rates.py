"""URL patterns of the reporting app's rates part (included by reporting.urls under the "reporting" namespace)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []

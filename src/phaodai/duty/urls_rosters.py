"""URL patterns of the duty app's rosters part (in the "duty" namespace)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []

"""URL patterns of the duty app's hotlines part (in the "duty" namespace)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []

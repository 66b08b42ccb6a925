"""URL patterns of the reporting app's difficulties part (in the "reporting" namespace)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []

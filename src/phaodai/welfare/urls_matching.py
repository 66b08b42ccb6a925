"""URL patterns of the welfare app's matching part (in the "welfare" namespace)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []

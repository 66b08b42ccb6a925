"""URL patterns of the welfare app's registry part (in the "welfare" namespace)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []

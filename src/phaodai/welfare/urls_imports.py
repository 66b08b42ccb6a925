"""URL patterns of the welfare app's imports part (in the "welfare" namespace)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []

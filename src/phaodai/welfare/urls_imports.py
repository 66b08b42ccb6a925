"""URL patterns of the welfare app's imports part (in the "welfare" namespace)."""

from django.urls import path

from phaodai.welfare import views_imports

urlpatterns: list = [
    path("imports/", views_imports.ImportUploadView.as_view(), name="import_upload"),
    path("imports/preview/", views_imports.ImportPreviewView.as_view(), name="import_preview"),
]

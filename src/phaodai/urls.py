from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("phaodai.core.urls")),
    path("accounts/", include("phaodai.accounts.urls")),
    path("places/", include("phaodai.places.urls")),
    path("staff/", include("phaodai.staff.urls")),
    path("django-admin/", admin.site.urls),
]

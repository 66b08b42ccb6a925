from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("phaodai.core.urls")),
    path("accounts/", include("phaodai.accounts.urls")),
    path("places/", include("phaodai.places.urls")),
    path("staff/", include("phaodai.staff.urls")),
    path("mobilisation/", include("phaodai.mobilisation.urls")),
    path("notifications/", include("phaodai.notifications.urls")),
    path("reporting/", include("phaodai.reporting.urls")),
    path("duty/", include("phaodai.duty.urls")),
    path("welfare/", include("phaodai.welfare.urls")),
    path("api/", include("phaodai.api_urls")),
]

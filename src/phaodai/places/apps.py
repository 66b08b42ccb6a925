from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "phaodai.places"
    verbose_name = _("Places")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from phaodai.places.models import AdminUnit, Agency, Household

        auditlog.register(AdminUnit, exclude_fields=["search_name", "path"])
        auditlog.register(Agency, exclude_fields=["search_name"])
        auditlog.register(Household, exclude_fields=["search_name"])

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "phaodai.staff"
    verbose_name = _("Civil servants")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from phaodai.staff.models import StaffMember

        auditlog.register(StaffMember, exclude_fields=["search_name"], m2m_fields={"skills"})

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WelfareConfig(AppConfig):
    name = "phaodai.welfare"
    verbose_name = _("Welfare")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from phaodai.welfare import models as m

        auditlog.register(m.Person, exclude_fields=["search_name"])
        for model in (m.HouseholdCategory, m.Programme, m.SupportList, m.ListEntry, m.Distribution):
            auditlog.register(model)
        auditlog.register(m.MatchCandidate)
        auditlog.register(m.MatchDecision)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "phaodai.reporting"
    verbose_name = _("Daily reporting")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from phaodai.reporting import models as m

        auditlog.register(m.ReportForm)
        auditlog.register(m.ReportFormVersion)
        auditlog.register(m.ReportingSchedule)
        auditlog.register(m.TeamReport)
        auditlog.register(m.TeamReportVersion)
        auditlog.register(m.DelegationReport)
        auditlog.register(m.DelegationReportVersion, m2m_fields={"team_versions"})
        auditlog.register(m.Difficulty)
        auditlog.register(m.DifficultyStep)

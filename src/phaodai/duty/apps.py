from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "phaodai.duty"
    verbose_name = _("Duty and hotlines")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from phaodai.duty import models as m

        for model in (
            m.DutySite,
            m.CoverageRule,
            m.Unavailability,
            m.Shift,
            m.ShiftAssignment,
            m.Hotline,
            m.WeeklyRosterReport,
            m.CommunityTeam,
            m.CommunityTeamHousehold,
            m.CommunityTeamMember,
            m.HelpRequest,
            m.Call,
            m.HelpRequestStep,
            m.Errand,
        ):
            auditlog.register(model)
        auditlog.register(m.Roster, m2m_fields={"sites", "pool"})

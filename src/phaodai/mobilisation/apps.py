from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilisationConfig(AppConfig):
    name = "phaodai.mobilisation"
    verbose_name = _("Mobilisation")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from phaodai.mobilisation import models as m

        auditlog.register(m.StaffingRequest, m2m_fields={"required_skills", "preferred_skills"})
        auditlog.register(m.RequestTarget)
        auditlog.register(m.MobilisationDecision)
        auditlog.register(m.Assignment)
        auditlog.register(m.CoordinationTeam)
        auditlog.register(m.Delegation, m2m_fields={"deputies", "overseen_units"})
        auditlog.register(m.Team)
        auditlog.register(m.TeamMembership)

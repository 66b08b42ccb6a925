from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "phaodai.accounts"
    verbose_name = _("Users")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from phaodai.accounts.models import User

        auditlog.register(User, exclude_fields=["password", "last_login"])

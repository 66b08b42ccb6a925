from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "phaodai.core"
    verbose_name = "phaodai"

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "victimcare.core"
    label = "core"
    verbose_name = "Core"

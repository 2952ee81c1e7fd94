from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Victim portal"

    def ready(self) -> None:
        from . import handlers

        handlers.register()

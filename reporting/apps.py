from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Compliance reporting"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from contacts.hooks import work_page_panels

        from . import handlers

        work_page_panels.register(handlers.work_page_headline)

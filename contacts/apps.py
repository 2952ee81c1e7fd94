from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = "Contacts and obligations"

    def ready(self) -> None:
        from . import handlers

        handlers.register()

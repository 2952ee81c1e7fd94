from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "victimcare.audit"
    label = "audit"
    verbose_name = "Audit"

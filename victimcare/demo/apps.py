from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "victimcare.demo"
    label = "demo"
    verbose_name = "Demo data"

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "victimcare.accounts"
    label = "accounts"
    verbose_name = "Staff and organisation"

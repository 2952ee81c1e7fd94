from django.apps import AppConfig
from django.db.models.signals import pre_save


class AccountsConfig(AppConfig):
    name = "victimcare.accounts"
    label = "accounts"
    verbose_name = "Staff and organisation"

    def ready(self) -> None:
        from .models import User

        pre_save.connect(_password_changed_revokes_tokens, sender=User, dispatch_uid="accounts-token-revoke")


def _password_changed_revokes_tokens(sender, instance, **kwargs) -> None:
    """A new password ends API access by the old token (sessions end too: Django checks the session's
    password hash). `_password` is set only by set_password, not by Django re-hashing on sign-in."""
    if instance.pk and getattr(instance, "_password", None) is not None:
        from .tokens import revoke

        revoke(instance)

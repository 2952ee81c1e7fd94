from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import pre_save


class AccountsConfig(AppConfig):
    name = "victimcare.accounts"
    label = "accounts"
    verbose_name = "Staff and organisation"

    def ready(self) -> None:
        from .models import User

        pre_save.connect(_password_changed_revokes_tokens, sender=User, dispatch_uid="accounts-token-revoke")
        user_logged_in.connect(_signed_in, dispatch_uid="accounts-two-factor-step")


def _signed_in(sender, request, user, **kwargs) -> None:
    from .two_factor import signed_in

    signed_in(request, user)


def _password_changed_revokes_tokens(sender, instance, **kwargs) -> None:
    """A new password ends API access by the old token (sessions end too: Django checks the session's
    password hash). `_password` is set only by set_password, not by Django re-hashing on sign-in."""
    if instance.pk and getattr(instance, "_password", None) is not None:
        from .tokens import revoke

        revoke(instance)

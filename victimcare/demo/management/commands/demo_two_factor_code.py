"""Print the demo administrator's current two-factor code (demo accounts only), for trying the demo
without an authenticator app: `python manage.py demo_two_factor_code`."""

import time

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from victimcare.demo.data import DEMO_ADMIN, DEMO_DOMAIN


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo account (the demo admin by default)."

    def add_arguments(self, parser):
        parser.add_argument("email", nargs="?", default=DEMO_ADMIN)

    def handle(self, *args, email: str, **options):
        if not email.lower().endswith(f"@{DEMO_DOMAIN}"):
            raise CommandError(f"Only demo accounts (@{DEMO_DOMAIN}) have a code this command may print.")
        device = TOTPDevice.objects.filter(user__email=email.lower(), confirmed=True).first()
        if device is None:
            raise CommandError(f"{email} has no authenticator app set up.")
        now = time.time()
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
        left = device.step - int(now - device.t0) % device.step
        self.stdout.write(f"{code:0{device.digits}d}")
        self.stderr.write(f"(the code for {email}; it changes in {left} seconds)")

"""The code a demo user's authenticator app would show now, so a person trying the demo can get
past the MFA step without an app. Reads only the devices demo_logins made (synthetic demo only)."""

import time

from django.core.management.base import BaseCommand, CommandError

from casework.accounts.mfa import totp_code
from casework.accounts.models import User
from casework.synthetic.management.commands.demo_logins import DEMO_DEVICE_NAME, DEMO_USERNAMES


class Command(BaseCommand):
    help = "Print the current MFA code of a demo user (only for the demo devices demo_logins made)."

    def add_arguments(self, parser):
        parser.add_argument("username", choices=DEMO_USERNAMES)

    def handle(self, *args, username, **options):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        user = User.objects.filter(username=username).first()
        device = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME, confirmed=True).first() if user else None
        if device is None:
            raise CommandError(
                f"{username} has no demo authenticator: run manage.py demo_logins first (make demo does)"
            )
        # The server accepts a code once and also accepts the next 30 seconds' code, so after a sign-in
        # in these 30 seconds print the next one rather than one that would be refused.
        now = time.time()
        current_step = int(now - device.t0) // device.step + device.drift
        at = now + device.step if device.last_t >= current_step else now
        self.stdout.write(totp_code(device, at=at))

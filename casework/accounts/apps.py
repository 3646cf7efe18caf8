from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "casework.accounts"
    label = "accounts"

    def ready(self):
        from casework.accounts import (  # noqa: F401
            checks,  # registers the demo sign-in's system checks
            receivers,  # connects the lockout receiver
        )

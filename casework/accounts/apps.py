from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "casework.accounts"
    label = "accounts"

    def ready(self):
        from casework.accounts import receivers  # noqa: F401  (connects the lockout receiver)

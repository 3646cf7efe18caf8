from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "casework.audit"
    label = "audit"

    def ready(self):
        from casework.audit import receivers  # noqa: F401  (connects the sign-in receivers)

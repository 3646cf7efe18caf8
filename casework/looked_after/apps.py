from django.apps import AppConfig


class LookedAfterConfig(AppConfig):
    name = "casework.looked_after"
    label = "looked_after"
    verbose_name = "Looked-after children"

    def ready(self):
        from casework.looked_after.imports import models  # noqa: F401  (ImportBatch)

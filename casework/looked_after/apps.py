from django.apps import AppConfig


class LookedAfterConfig(AppConfig):
    name = "casework.looked_after"
    label = "looked_after"
    verbose_name = "Looked-after children"

    def ready(self):
        from casework.jobs import housekeeping
        from casework.looked_after import dues
        from casework.looked_after.imports import models  # noqa: F401  (ImportBatch)

        # what only the passing of time changes (a planned placement starting, an 18th birthday coming)
        housekeeping.register("looked_after_dues", lambda today: dues.refresh_due(today=today))

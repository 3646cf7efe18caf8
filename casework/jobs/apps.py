from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "casework.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self):
        # each app says what jobs it runs in its own jobs.py (kinds.register), as chronology.py does
        autodiscover_modules("jobs")

        from casework.audit import partitions
        from casework.jobs import housekeeping

        # the audit log's next months' partitions made ahead (PostgreSQL; nothing on SQLite), daily, idempotent
        housekeeping.register("audit_partitions", partitions.make_ahead)

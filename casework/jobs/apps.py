from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "casework.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self):
        # each app says what jobs it runs in its own jobs.py (kinds.register), as chronology.py does
        autodiscover_modules("jobs")

from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    """Outcome indicators over the looked-after children's records. No models, so not installed:
    ``indicators``, ``data`` and ``compute`` are plain modules imported where they are used."""

    name = "casework.outcomes"
    label = "outcomes"
    verbose_name = "Outcome indicators"

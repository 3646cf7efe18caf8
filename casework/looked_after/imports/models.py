"""An import of an authority's 903 files, kept from its preview to its confirmation (and reversal).

Loaded by ``LookedAfterConfig.ready`` (the app's ``models.py`` holds the recording models). The
files are kept as uploaded (a zip of ``<year>/<name>``) and read again when the manager confirms,
so what is written is what was checked; ``preview`` is what the manager was shown.
"""

from django.conf import settings
from django.db import models

from casework.looked_after.codes import year_label


class ImportBatch(models.Model):
    class State(models.TextChoices):
        PREVIEWED = "previewed", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Imported"
        REVERSED = "reversed", "Reversed"

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    commissioner = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    years = models.JSONField(default=list)  # collection years, oldest first
    files = models.BinaryField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREVIEWED)
    # what the manager was shown: {"years": [summary, ...], "notes": [...], "children": [{...}, ...]}
    preview = models.JSONField(default=dict)
    # what confirming wrote, so reversing undoes exactly that: {"app.Model": [pk, ...]} and
    # {"app.Model": {pk: {field: [before, after]}}} (values as JSON)
    created_records = models.JSONField(default=dict)
    updated_records = models.JSONField(default=dict)
    previewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    previewed_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reversed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-previewed_at", "-pk"]

    def __str__(self):
        return f"903 import {self.pk}"

    @property
    def year_labels(self) -> str:
        """The collection years as people say them: 2025/26 and 2026/27."""
        return " and ".join(year_label(year) for year in self.years)

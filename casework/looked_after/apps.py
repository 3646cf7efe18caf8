from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate


def fill_missing_dues(sender, *, using=DEFAULT_DB_ALIAS, apps=None, **kwargs) -> None:
    """After ``migrate``: stored dues for any child without a row, worked out by today's code, and
    only on a database migrated as far as today's code (its StoredDues has every field the live
    model has), so the rows are written with the columns they will be read with."""
    from casework.looked_after import dues
    from casework.looked_after.models import LookedAfterChild, StoredDues

    if using != DEFAULT_DB_ALIAS or apps is None:
        return
    try:
        migrated = {f.name for f in apps.get_model("looked_after", "StoredDues")._meta.get_fields()}
    except LookupError:
        return  # migrated to before the table
    if not {f.name for f in StoredDues._meta.get_fields()} <= migrated:
        return
    if LookedAfterChild.objects.filter(dues__isnull=True).exists():
        dues.fill_missing()


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
        post_migrate.connect(fill_missing_dues, sender=self, dispatch_uid="looked_after_fill_missing_dues")

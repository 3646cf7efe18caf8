"""Postcodes stored without their space, ``LS101AA``, are put in the usual form, ``LS10 1AA``, as every
postcode is now stored: episodes' from the 903 import (and the care pages), and the people's and
episodes' the demonstration data wrote from the ONS file (which writes a 4-character outward code
without the space). Only a full postcode without a space is changed: anything else (a partial
district code, say) is left as it is."""

from django.db import migrations

from casework.core import identifiers

FIELDS = (
    ("looked_after", "Episode", "placement_postcode"),
    ("looked_after", "Episode", "home_postcode"),
    ("people", "Person", "postcode"),
)


def add_the_space(apps, schema_editor):
    # one pass over the rows without a space, written back 2,000 at a time: an UPDATE per distinct
    # postcode scanned the whole table for each (minutes at 100,000 people)
    for app, name, field in FIELDS:
        model = apps.get_model(app, name)
        without = model.objects.exclude(**{field: ""}).exclude(**{f"{field}__contains": " "})
        changed = [
            model(pk=pk, **{field: identifiers.normalise_postcode(value)})
            for pk, value in without.values_list("pk", field)
            if identifiers.is_valid_postcode(value)
        ]
        model.objects.bulk_update(changed, [field], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("looked_after", "0008_stored_dues_allocated_worker"), ("people", "0004_person_search_indexes")]

    operations = [migrations.RunPython(add_the_space, migrations.RunPython.noop)]

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
    for app, name, field in FIELDS:
        model = apps.get_model(app, name)
        without = model.objects.exclude(**{field: ""}).exclude(**{f"{field}__contains": " "})
        for value in set(without.values_list(field, flat=True)):
            if identifiers.is_valid_postcode(value):
                model.objects.filter(**{field: value}).update(**{field: identifiers.normalise_postcode(value)})


class Migration(migrations.Migration):
    dependencies = [("looked_after", "0008_stored_dues_allocated_worker"), ("people", "0004_person_search_indexes")]

    operations = [migrations.RunPython(add_the_space, migrations.RunPython.noop)]

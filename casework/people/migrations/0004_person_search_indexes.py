"""Indexes for the person search at national size (issue 14).

Both databases: expression indexes on the upper-cased names, which serve the search's prefix
ranges and preferred-name matches. PostgreSQL only: the pg_trgm extension and GIN trigram indexes
on the given and family names, which serve the search's trigram-similar condition (``%``) and let
the database rank by ``similarity``. ``TrigramExtension`` does nothing on SQLite; the GIN indexes
are raw SQL guarded by the connection's vendor, and are not in the model's state, so SQLite's
schema never has them and ``makemigrations`` does not miss them.
"""

import django.db.models.functions.text
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

TRIGRAM_INDEXES = {
    "person_family_name_trgm": "family_name",
    "person_given_name_trgm": "given_name",
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "people_person" USING gin ("{column}" gin_trgm_ops)'
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_initial"),
        ("people", "0003_restriction"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(django.db.models.functions.text.Upper("family_name"), name="person_family_name_upper"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(django.db.models.functions.text.Upper("given_name"), name="person_given_name_upper"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(django.db.models.functions.text.Upper("preferred_name"), name="person_preferred_upper"),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]

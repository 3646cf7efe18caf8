"""Chain the audit log: every entry carries the hash of the one before it (see AuditEvent).

The rows already there are chained here, in id order, as if they had been written that way. The
append-only triggers refuse the UPDATE that needs, and SQLite drops them anyway when it rebuilds
the table to add columns, so they are dropped first and made again last, in the same transaction.
"""

from django.db import migrations, models
from django.utils import timezone

from casework.audit import chain

SQLITE_TRIGGERS = [
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_event_no_update;", "DROP TRIGGER IF EXISTS audit_event_no_delete;"]
POSTGRES_TRIGGERS = [
    """CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON audit_auditevent
       FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update_delete ON audit_auditevent;",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;",
]


def _run(schema_editor, by_vendor):
    for sql in by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})


def create_triggers(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRES_TRIGGERS})


def chain_existing_rows(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    LookedAfterChild = apps.get_model("looked_after", "LookedAfterChild")
    previous, last_id, batch = chain.GENESIS, None, []
    for event in AuditEvent.objects.order_by("pk").iterator(chunk_size=2000):
        # whose record it was, where the log already says: views and changes of a person or a
        # looked-after child (ids only), so the who-viewed page covers the log's earlier entries
        if event.object_type == "people.person" and event.object_id.isdigit():
            event.person_id = int(event.object_id)
        elif event.object_type == "looked_after.lookedafterchild" and event.object_id.isdigit():
            event.person_id = (
                LookedAfterChild.objects.filter(pk=int(event.object_id)).values_list("person_id", flat=True).first()
            )
        event.detail = chain.plain_detail(event.detail)
        event.previous_hash = previous
        event.entry_hash = chain.entry_hash(**{f: getattr(event, f) for f in chain.HASHED_FIELDS})
        previous, last_id = event.entry_hash, event.pk
        batch.append(event)
        if len(batch) >= 2000:
            AuditEvent.objects.bulk_update(batch, ["person_id", "detail", "previous_hash", "entry_hash"])
            batch = []
    if batch:
        AuditEvent.objects.bulk_update(batch, ["person_id", "detail", "previous_hash", "entry_hash"])
    AuditChainHead.objects.update_or_create(pk=1, defaults={"last_event_id": last_id, "entry_hash": previous})


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_action_delete"),
        ("looked_after", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(drop_triggers, create_triggers),
        migrations.AlterField(
            model_name="auditevent",
            name="occurred_at",
            field=models.DateTimeField(db_index=True, default=timezone.now),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("view", "Viewed"),
                    ("view_refused", "Refused: restricted record"),
                    ("create", "Created"),
                    ("update", "Updated"),
                    ("end", "Ended"),
                    ("delete", "Removed"),
                    ("transfer", "Transferred"),
                    ("allocate", "Allocated"),
                    ("sign_in", "Signed in"),
                    ("sign_out", "Signed out"),
                    ("sign_in_failed", "Failed sign-in"),
                    ("import", "Imported"),
                    ("export", "Exported"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="person_id",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="entry_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["person_id", "occurred_at"], name="audit_event_person_idx"),
        ),
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("last_event_id", models.BigIntegerField(null=True)),
                ("entry_hash", models.CharField(max_length=64)),
            ],
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]

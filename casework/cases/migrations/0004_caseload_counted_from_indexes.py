"""Allocations carry their case's service type, copied from the case for the rows already there, so
the caseload figures count open allocations per worker and service type from one partial index
(issue 14, docs/benchmarks.md "The daily page mix at 100,000 people")."""

from django.db import migrations, models

from casework.core.codes import ServiceType

COPY = """UPDATE cases_allocation SET service_type =
          (SELECT c.service_type FROM cases_case c WHERE c.id = cases_allocation.case_id)"""
COPY_HISTORY = """UPDATE cases_historicalallocation SET service_type =
          COALESCE((SELECT c.service_type FROM cases_case c WHERE c.id = cases_historicalallocation.case_id), '')"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_version"),
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="allocation",
            name="service_type",
            field=models.CharField(choices=ServiceType.choices, default="", max_length=20),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalallocation",
            name="service_type",
            field=models.CharField(choices=ServiceType.choices, default="", max_length=20),
            preserve_default=False,
        ),
        migrations.RunSQL(COPY, migrations.RunSQL.noop),
        migrations.RunSQL(COPY_HISTORY, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="allocation",
            index=models.Index(
                condition=models.Q(("end_date__isnull", True)),
                fields=["organisation", "worker", "service_type"],
                name="allocation_open_caseload",
            ),
        ),
    ]

"""Stored dues for a database migrated from before they existed: filled after ``migrate`` by today's
code, and only once the database has every column today's code writes (a migration that filled them
with today's code failed on a database with children at 0006 once 0008 added a column)."""

import ast
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from casework.looked_after.apps import fill_missing_dues
from casework.looked_after.models import StoredDues
from tests.looked_after.builders import child_in_care

ROOT = Path(__file__).resolve().parents[2]


def _state_apps(target=None):
    loader = MigrationExecutor(connection).loader
    nodes = [target] if target else loader.graph.leaf_nodes()
    return loader.project_state(nodes).apps


@pytest.mark.django_db
def test_a_child_without_a_row_gets_one_after_migrating_to_the_end(world):
    child = child_in_care(world, date(2025, 5, 1))
    StoredDues.objects.filter(child=child).delete()
    fill_missing_dues(sender=None, using="default", apps=_state_apps())
    assert StoredDues.objects.filter(child=child, in_care=True).exists()


@pytest.mark.django_db
def test_nothing_is_written_on_a_database_migrated_only_part_way(world):
    child = child_in_care(world, date(2025, 5, 1))
    StoredDues.objects.filter(child=child).delete()
    for target in (("looked_after", "0007_stored_dues"), ("looked_after", "0006_child_former_relevant_by_return")):
        fill_missing_dues(sender=None, using="default", apps=_state_apps(target))
        assert not StoredDues.objects.filter(child=child).exists()


# Modules a migration may import from the product: they hold constants or pure functions whose
# meaning a later change must keep (a code list, a postcode's form, the audit chain's hash, how a
# month's partition is named). A migration that writes rows through today's models or services
# breaks on any database migrated from before a later migration changes those models.
PURE_FOR_MIGRATIONS = {
    "casework.core.codes",
    "casework.core.identifiers",
    "casework.core.validators",  # fields' validators, named by Django's generated migrations
    "casework.audit.chain",
    "casework.audit.partitions",
}


def test_migrations_import_only_pure_modules_of_the_product():
    found = []
    for path in sorted(ROOT.glob("casework/*/migrations/*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("casework"):
                modules = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
                if not any(m in PURE_FOR_MIGRATIONS for m in modules):
                    found.append(f"{path.relative_to(ROOT)}: from {node.module} import ...")
            elif isinstance(node, ast.Import):
                found += [
                    f"{path.relative_to(ROOT)}: import {a.name}"
                    for a in node.names
                    if a.name.startswith("casework") and a.name not in PURE_FOR_MIGRATIONS
                ]
    assert found == []

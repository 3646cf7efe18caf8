"""The statutory rules modules are pure: importing them loads no Django (so they are tested without a
database and can be read as the rules, nothing else). A rules module once came to import a Django
validator for one message; this catches any module of the list doing so."""

import subprocess
import sys

import pytest

PURE_MODULES = [
    "casework.core.identifiers",
    "casework.core.statistics",
    "casework.audit.chain",
    "casework.people.rules",
    "casework.contracts.rules",
    "casework.looked_after.rules",
    "casework.looked_after.timescales",
    "casework.looked_after.year_end",
]


@pytest.mark.parametrize("module", PURE_MODULES)
def test_the_rules_module_imports_no_django(module):
    script = f"import sys, {module}; print(' '.join(m for m in sys.modules if m.startswith('django')))"
    loaded = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert loaded == [], f"{module} loads {loaded[:3]}"

"""The dependency audit's fallback report: which pins have a newer release in their own series."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("audit_dependencies", ROOT / "scripts" / "audit_dependencies.py")
audit_dependencies = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit_dependencies)


def test_a_newer_patch_in_the_series_is_reported_and_a_later_series_is_told_apart():
    releases = ["5.2.18", "5.2.19", "5.2.20", "5.2.21rc1", "6.0", "6.1.3", "6.2a1", "not-a-version"]
    assert audit_dependencies.newer_in_series("5.2.19", releases) == ("5.2.20", "6.1.3")
    # a release candidate is not a release to move to
    assert audit_dependencies.newer_in_series("5.2.20", releases) == (None, "6.1.3")
    assert audit_dependencies.newer_in_series("6.1.3", releases) == (None, None)
    # post-releases belong to their series
    assert audit_dependencies.newer_in_series("2.9.0", ["2.9.0", "2.9.0.post0", "4.0.0"]) == ("2.9.0.post0", "4.0.0")


def test_pins_are_read_with_extras_and_comments(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(
        "# Runtime\nDjango==5.2.19\npsycopg[binary]==3.3.9  # the driver\n\nsomething>=1.0\nruff==0.17.6\n"
    )
    assert audit_dependencies.pins(requirements) == [("Django", "5.2.19"), ("psycopg", "3.3.9"), ("ruff", "0.17.6")]


def test_every_requirement_is_pinned_to_one_version():
    lines = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    wanted = [line for line in lines if line and not line.startswith("-")]
    assert len(audit_dependencies.pins()) == len(wanted) > 20

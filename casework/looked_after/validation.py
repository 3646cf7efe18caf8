"""Validate a 903 return with the DfE rules, in their own process and environment.

``validate_directory`` runs ``looked_after/dfe/runner.py`` under ``settings.SSDA903_VALIDATOR_PYTHON``
(.venv-903, created by ``make setup``) in a scratch working directory, so nothing the package
writes or logs reaches the application.
"""

import json
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

RUNNER = Path(__file__).resolve().parent / "dfe" / "runner.py"
# Rules that crash on every input in csc-validator-be-903 0.1.17 (they read columns the package
# never creates; see ../shared/reference/ssda903.md 3.1.8): reported, never counted as errors.
KNOWN_BROKEN_RULES = frozenset({"231", "233"})


class ValidatorUnavailable(RuntimeError):
    pass


@dataclass
class ValidationResult:
    year: int
    authority: str
    errors: list[dict]
    rules: int
    ran: int
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def unexpected_failures(self) -> list[str]:
        return [code for code in self.failed if code not in KNOWN_BROKEN_RULES]

    def by_child(self) -> dict[str, list[dict]]:
        grouped: dict[str, list[dict]] = {}
        for error in self.errors:
            grouped.setdefault(error["child"], []).append(error)
        return grouped

    def by_code(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for error in self.errors:
            counts[error["code"]] = counts.get(error["code"], 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def validator_python() -> Path:
    return Path(settings.SSDA903_VALIDATOR_PYTHON)


def validate_directory(directory: Path, *, year: int, authority: str, previous: Path | None = None) -> ValidationResult:
    python = validator_python()
    if not python.exists():
        raise ValidatorUnavailable(f"The DfE validator is not installed at {python}: run `make setup`")
    args = [str(python), str(RUNNER), str(Path(directory).resolve()), str(year), authority]
    if previous is not None:
        args.append(str(Path(previous).resolve()))
    with tempfile.TemporaryDirectory(prefix="validator-") as scratch:
        completed = subprocess.run(  # noqa: S603 (fixed interpreter and script, arguments are paths and codes)
            args, cwd=scratch, capture_output=True, text=True, timeout=settings.SSDA903_VALIDATOR_TIMEOUT
        )
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        tail = completed.stderr.strip().splitlines()[-5:]
        raise ValidatorUnavailable("The DfE validator stopped: " + " | ".join(tail))
    data = json.loads(lines[-1])
    return ValidationResult(year=year, authority=authority, **data)

"""Audit the installed dependencies (requirements.txt and what they pull in) for known vulnerabilities.

pip-audit asks PyPI's JSON API (per release) for advisories. Where that does not answer (a
machine that reaches only a package mirror), say so and skip the audit cleanly, as the PostgreSQL
run does: a skip is printed, never a silent pass. Exit 1 when pip-audit finds anything that
docs/security.md does not justify (``IGNORED`` below, each with its reason there).

When the audit is skipped, what can still be read is reported instead: for each pin in
requirements.txt, whether a newer release of the same series exists (security fixes ship as such
releases). That report never fails the build (it changes whenever a project publishes, not when
this code changes); it says which pins to update and test.
"""

import json
import re
import subprocess
import sys
import urllib.request
from importlib.metadata import version
from pathlib import Path

from packaging.version import InvalidVersion, Version

# advisory id -> why it does not apply (mirrored in docs/security.md); none so far
IGNORED: dict[str, str] = {}

REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements.txt"
PIN = re.compile(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^\s#;]+)")


def _get_json(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (fixed https URLs on pypi.org)
            return json.load(response) if response.status == 200 else None
    except (OSError, ValueError):
        return None


def advisories_answer() -> bool:
    return _get_json(f"https://pypi.org/pypi/django/{version('django')}/json") is not None


def pins(path: Path = REQUIREMENTS) -> list[tuple[str, str]]:
    found = []
    for line in path.read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            found.append((match.group(1), match.group(2)))
    return found


def newer_in_series(pinned: str, releases: list[str]) -> tuple[str | None, str | None]:
    """The newest final release of the pin's series (same major.minor) when newer than the pin,
    and the newest final release of all when it is in a later series."""
    try:
        pin = Version(pinned)
    except InvalidVersion:
        return None, None
    finals = []
    for text in releases:
        try:
            release = Version(text)
        except InvalidVersion:
            continue
        if not (release.is_prerelease or release.is_devrelease):
            finals.append(release)
    series = [r for r in finals if r.release[:2] == pin.release[:2] and r > pin]
    later = [r for r in finals if r.release[:2] > pin.release[:2]]
    return (str(max(series)) if series else None), (str(max(later)) if later else None)


def freshness_report() -> None:
    behind = 0
    for name, pinned in pins():
        project = _get_json(f"https://pypi.org/pypi/{name}/json")
        if project is None:
            print(f"  {name}=={pinned}: PyPI does not answer for it")
            continue
        releases = [text for text, files in project.get("releases", {}).items() if files]
        in_series, later = newer_in_series(pinned, releases)
        if in_series:
            behind += 1
            print(f"  {name}=={pinned}: {in_series} is out in the same series: update and test")
        elif later:
            print(f"  {name}=={pinned}: newest of its series ({later} is a later series)")
    if behind:
        print(f"pip-audit fallback: {behind} pin(s) behind the newest release of their series")
    else:
        print("pip-audit fallback: every pin is the newest release of its series")


def main() -> int:
    if not advisories_answer():
        print("pip-audit: PyPI's advisory API does not answer from this machine: dependency audit skipped")
        print("Instead, the pins in requirements.txt against PyPI's release lists:")
        freshness_report()
        return 0
    # the project's environment as installed from requirements.txt, transitive dependencies included
    command = [sys.executable, "-m", "pip_audit", "--local", "--progress-spinner", "off"]
    for advisory in IGNORED:
        command += ["--ignore-vuln", advisory]
    return subprocess.run(command, check=False).returncode  # noqa: S603 (our own interpreter and arguments)


if __name__ == "__main__":
    sys.exit(main())

"""Audit the installed dependencies (requirements.txt and what they pull in) for known vulnerabilities.

pip-audit asks PyPI's JSON API (per release) for advisories. Where that does not answer (a
machine that reaches only a package mirror), say so and skip cleanly, as the PostgreSQL run
does: a skip is printed, never a silent pass. Exit 1 when pip-audit finds anything that
docs/security.md does not justify (``IGNORED`` below, each with its reason there).
"""

import subprocess
import sys
import urllib.request
from importlib.metadata import version

# advisory id -> why it does not apply (mirrored in docs/security.md); none so far
IGNORED: dict[str, str] = {}


def advisories_answer() -> bool:
    url = f"https://pypi.org/pypi/django/{version('django')}/json"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (a fixed https URL)
            return response.status == 200
    except OSError:
        return False


def main() -> int:
    if not advisories_answer():
        print("pip-audit: PyPI's advisory API does not answer from this machine: dependency audit skipped")
        return 0
    # the project's environment as installed from requirements.txt, transitive dependencies included
    command = [sys.executable, "-m", "pip_audit", "--local", "--progress-spinner", "off"]
    for advisory in IGNORED:
        command += ["--ignore-vuln", advisory]
    return subprocess.run(command, check=False).returncode  # noqa: S603 (our own interpreter and arguments)


if __name__ == "__main__":
    sys.exit(main())

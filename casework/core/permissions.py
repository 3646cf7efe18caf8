"""The permission matrix (role x capability), written out from ``access.CAPABILITIES``.

``docs/permissions.md`` is this module's output (``manage.py permission_matrix`` rewrites it; a
test fails when the file and the code disagree), and tests/core/test_permission_matrix.py signs
in as every role and tries every capability's page, so each cell is checked against what the
application really does, not only what it declares.
"""

from casework.accounts.models import Role
from casework.core import access

# What each capability lets a role do, in a manager's words (a capability without a line here
# fails the tests: say what it is for when you add one).
DESCRIPTIONS: dict[str, str] = {
    "person.view": "Find and open the records of people on the practice's list",
    "person.create": "Record a new person",
    "person.update": "Change a person's details",
    "relationship.manage": "Record relationships between people",
    "household.manage": "Record households",
    "note.add": "Write case notes",
    "registration.manage": "Register people with the practice, end, transfer and name their worker",
    "case.manage": "Open and close cases",
    "allocation.manage": "Allocate cases to workers",
    "practice_list.view": "See the practice's registration list",
    "caseload.own": "See my caseload and my due work",
    "caseload.team": "See the caseloads and due work of the teams I manage",
    "caseload.practice": "See every team's caseload in the practice",
    "workforce.view": "See workers and their caseloads",
    "commissioning.aggregates": "See aggregate figures for the practices the authority commissions",
    "looked_after.record": "Record looked-after children's episodes, reviews, visits, health and the rest",
    "looked_after.return_check": "Check the SSDA903 return against the DfE rules and import a return",
    "looked_after.return_download": "Download the authority's SSDA903 return",
    "contract.manage": "Let, change and renew contracts and choose their outcome measures",
    "contract.view": "See contracts, their monitoring reports, payment statements and children's outcomes",
    "admin.site": "Run the Django admin for organisations, teams, workers and users",
    "person.restrict": "Restrict a person's record to named users, change who is named, lift the restriction",
    "audit.who_viewed": "See who in the practice viewed a person's record, or was refused it",
    "audit.log": (
        "Read the organisation's audit log (sign-ins, failed sign-ins and lockouts, MFA, records viewed,"
        " downloads, changes) and download it as CSV"
    ),
}


def matrix() -> list[tuple[str, str, dict[str, bool]]]:
    """(capability, description, {role: has it}) for every capability, in the code's order."""
    return [
        (capability, DESCRIPTIONS.get(capability, ""), {role: role in roles for role in Role.values})
        for capability, roles in access.CAPABILITIES.items()
    ]


def matrix_markdown() -> str:
    roles = Role.choices
    lines = [
        "# Permission matrix",
        "",
        "Who may do what, by role. Generated from `casework/core/access.py` by",
        "`python manage.py permission_matrix` (do not edit by hand: a test fails when this file and",
        "the code disagree, and tests/core/test_permission_matrix.py signs in as every role and tries",
        "every capability, so each cell is what the application does).",
        "",
        "A capability says which actions a role may take; the scope in `access.scoped` says on which",
        "records (practice staff: their own practice's; commissioners: their own contracts and the",
        "children they are responsible for). A record outside the scope is a 404 whatever the role.",
        "",
        "| Capability | What it allows | " + " | ".join(label for _, label in roles) + " |",
        "|---|---|" + "---|" * len(roles),
    ]
    for capability, description, has in matrix():
        cells = " | ".join("yes" if has[role] else "" for role, _ in roles)
        lines.append(f"| `{capability}` | {description} | {cells} |")
    return "\n".join(lines) + "\n"

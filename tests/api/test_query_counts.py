"""A page of any size costs the same number of queries: pinned for pages of 2 and of 10 rows.

Each count, worked out from the selectors: 1 to find the token (with its user and organisation),
1 to count the rows, 1 for the page's rows with what they show joined, and 1 per prefetch
(a case's current worker; a contract's years and their measures; a person's "on our list")."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.accounts.models import Role
from casework.cases import services as case_services
from casework.contracts import services as contract_services
from casework.contracts.models import DelegatedFunction
from casework.looked_after.models import Episode, LookedAfterChild
from tests.conftest import TODAY, add_person

pytestmark = pytest.mark.django_db

EXPECTED = {
    # each list of person-level records also writes its page's rows to the audit log in one append
    # to the chain, whatever the page's size: lock the chain head, insert the entries, move the head
    # (casework/audit/middleware.py: note_listed); and each person-level list reads once who is
    # restricted from the reader (access.REQUEST_MEMO), where its count and page each carried that
    # as a subquery
    # token, count, people, which of them are on the list now, which another practice holds now
    # (their NHS and pupil numbers are not shown: access.held_elsewhere); the audit log
    "/api/people/": 9,
    "/api/registrations/": 7,  # token, count, registrations with practice, worker, referrer; the log
    "/api/cases/": 8,  # token, count, cases with commissioner, current allocations with worker; the log
    "/api/allocations/": 7,  # token, count, allocations with worker and case; the log
    "/api/case-notes/": 7,  # token, count, notes with author; the log
    "/api/looked-after-children/": 7,  # token, count, children with commissioner; the log
    "/api/contracts/": 5,  # token, count, contracts with both parties, years, measures (about no one)
    # token, the child (scope), count, episodes with the child, and the audit log: the view of the
    # child's record and the episodes listed, written together (lock the chain head, insert, move the head)
    "episodes": 8,
}


@pytest.fixture
def a_dozen(world):
    """Twelve of everything in practice A (the world has two people and one contract)."""
    a, manager = world.a, world.a.users[Role.TEAM_MANAGER]
    child = None
    for n in range(10):
        person, case = add_person(a, world.commissioner, given="Test", family=f"Counted{n}")
        case_services.case_note_add(
            actor=manager,
            person=person,
            case=case,
            note_type="visit",
            occurred_on=case.opened_on,
            summary="Visit",
            text="Seen",
        )
        child = LookedAfterChild.objects.create(
            organisation=a.org, person=person, commissioner=world.commissioner, child_id=f"Q{n}"
        )
    for n in range(12):
        Episode.objects.create(
            organisation=a.org,
            child=child,
            start_date=TODAY - timedelta(days=300 - 20 * n),
            end_date=TODAY - timedelta(days=300 - 20 * n - 19),
            reason_new_episode="S" if n == 0 else "P",
            reason_ceased="E11",
            legal_status="C2",
            category_of_need="N1",
            placement_type="U4",
        )
    for n in range(11):
        contract_services.contract_let_for_years(
            commissioner=world.commissioner,
            practice=a.org,
            reference=f"COUNT-{n:02d}",
            title="Counted",
            functions=[DelegatedFunction.LOOKED_AFTER_CASE_HOLDING],
            cohort="Counted children",
            start_date=TODAY - timedelta(days=800),
            until=TODAY + timedelta(days=100),
            price_model="per_child_week",
            price=Decimal("1000"),
            caseload_cap_per_fte=Decimal("18"),
        )
    return child


def _queries(client, url: str, page_size: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{url}?page_size={page_size}")
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == page_size  # the page really is full
    return len(queries)


@pytest.mark.parametrize("url", list(EXPECTED))
def test_a_page_costs_the_same_whatever_its_size(world, a_dozen, api, url):
    if url == "episodes":
        url = f"/api/looked-after-children/{a_dozen.pk}/episodes/"
        expected = EXPECTED["episodes"]
    else:
        expected = EXPECTED[url]
    api.get("/api/people/")  # the token's first use records when it was used: not part of a page
    assert _queries(api, url, 2) == expected
    assert _queries(api, url, 10) == expected

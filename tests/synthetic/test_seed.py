"""The seed is deterministic and its data keeps the rules the services enforce."""

import io
import os
import sqlite3
import subprocess
import sys
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from casework.cases.models import Allocation, Case
from casework.core import identifiers
from casework.core.postcodes import postcodes_in
from casework.organisations.models import Worker
from casework.people.models import Person
from casework.registration.models import Registration
from casework.synthetic.generate import COMMISSIONERS, seed

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 11, 1)


def _seed_file(path: Path, seed_value: int) -> list:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [*manage, "seed", "--people", "250", "--seed", str(seed_value), "--as-of", AS_OF.isoformat()],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    with sqlite3.connect(path) as db:
        return [
            db.execute(
                "SELECT given_name, family_name, date_of_birth, nhs_number, upn, postcode, ethnicity "
                "FROM people_person ORDER BY id"
            ).fetchall(),
            db.execute(
                "SELECT person_id, practice_id, start_date, end_date, route, named_worker_id "
                "FROM registration_registration ORDER BY id"
            ).fetchall(),
            db.execute("SELECT person_id, service_type, opened_on, closed_on FROM cases_case ORDER BY id").fetchall(),
            db.execute(
                "SELECT case_id, worker_id, start_date, end_date, change_reason FROM cases_allocation ORDER BY id"
            ).fetchall(),
        ]


def test_same_seed_same_data_other_seed_other_data(tmp_path):
    first = _seed_file(tmp_path / "a.sqlite3", 3)
    again = _seed_file(tmp_path / "b.sqlite3", 3)
    other = _seed_file(tmp_path / "c.sqlite3", 4)
    assert first == again
    assert first[0] != other[0]
    assert len(first[0]) == 250


@pytest.fixture
def seeded(db):
    return seed(practices=2, people=1500, seed=21, as_of=AS_OF)


def test_seeded_identifiers_and_postcodes_are_valid(seeded):
    people = list(Person.objects.all())
    assert len(people) == 1500
    nhs = [p.nhs_number for p in people if p.nhs_number]
    assert len(nhs) == len(set(nhs)) and all(identifiers.is_valid_nhs_number(n) for n in nhs)
    assert all(identifiers.is_valid_upn(p.upn) for p in people if p.upn)
    area_postcodes = set()
    for spec in COMMISSIONERS:
        area_postcodes |= set(postcodes_in(spec["ons_code"], spec["letters"]))
    assert all(p.postcode in area_postcodes for p in people)
    ages = [(AS_OF - p.date_of_birth).days / 365.25 for p in people]
    assert min(ages) >= 0 and max(ages) < 100
    assert sum(a < 18 for a in ages) > len(ages) * 0.3  # a children's-services population


def test_seeded_allocations_keep_the_allocation_rules(seeded):
    by_case = defaultdict(list)
    for a in Allocation.objects.select_related("worker").order_by("start_date", "pk"):
        by_case[a.case_id].append(a)
    cases = {c.pk: c for c in Case.objects.all()}
    assert set(by_case) == set(cases)
    changed = 0
    for case_id, allocations in by_case.items():
        case = cases[case_id]
        assert allocations[0].start_date == case.opened_on
        assert allocations[0].change_reason == "FCONTA"
        assert all(a.change_reason != "FCONTA" for a in allocations[1:])
        for earlier, later in zip(allocations, allocations[1:]):
            assert earlier.end_date == later.start_date  # half-open, no gap, no overlap
            assert earlier.worker_id != later.worker_id
        assert allocations[-1].end_date == case.closed_on
        for a in allocations:
            w = a.worker
            assert w.start_date <= a.start_date
            assert w.leave_date is None or a.start_date < w.leave_date
        changed += len(allocations) > 1
    assert changed > len(by_case) * 0.3  # some children have had more than one social worker


def test_seeded_registrations_and_caseloads_are_plausible(seeded):
    for case in Case.objects.all():
        assert Registration.objects.filter(
            person_id=case.person_id, practice_id=case.organisation_id, start_date__lte=case.opened_on
        ).exists()
    family_workers = defaultdict(set)
    for r in Registration.objects.exclude(household=None).filter(route__in=["commissioner_referral", "self_referral"]):
        family_workers[r.household_id].add(r.named_worker_id)
    assert family_workers and all(len(w) == 1 for w in family_workers.values())
    assert Registration.objects.filter(route="transfer_in").exists()
    # around 15 open cases per FTE across the case-holding workers
    holders = Worker.objects.filter(
        leave_date=None,
        job_role__in=["social_worker", "senior_practitioner", "advanced_practitioner", "personal_adviser"],
    )
    fte = sum((w.fte for w in holders), Decimal("0"))
    open_allocations = Allocation.objects.filter(end_date=None).count()
    assert 8 <= open_allocations / float(fte) <= 20


@pytest.mark.django_db
def test_the_demos_restricted_record_is_seen_by_the_named_practitioner_only(client):
    from django.core.management import call_command

    from casework.accounts.models import User
    from casework.audit.models import AuditEvent
    from casework.people.models import PersonRestriction

    call_command("seed", practices=2, people=150, seed=3, as_of=AS_OF, restricted_record=True, stdout=io.StringIO())
    restriction = PersonRestriction.objects.get(lifted_at=None)
    person, practitioner = restriction.person, User.objects.get(username="p1.practitioner")
    assert [named.user for named in restriction.named.all()] == [practitioner]
    # on the named practitioner's caseload, so the demo shows it in their list and to nobody else
    assert Allocation.objects.filter(case__person=person, worker__user=practitioner, end_date=None).exists()
    url = f"/people/{person.pk}/"
    client.force_login(practitioner)
    assert client.get(url).status_code == 200
    for username in ["p1.teammanager", "p1.manager"]:
        client.force_login(User.objects.get(username=username))
        refused = client.get(url)
        assert refused.status_code == 403 and "This record is restricted" in refused.content.decode()
    assert AuditEvent.objects.filter(action="view_refused", person_id=person.pk).count() == 2

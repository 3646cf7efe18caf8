"""Deterministic synthetic data: the same seed and as-of date always give the same rows.

Built for the demo, the tests and the benchmarks (up to 100,000 people and beyond), so rows are
made in memory and written with bulk inserts: the database constraints still hold every row
to the rules (one current registration, one current allocation, dates in order ...), and
tests/synthetic checks the rules that constraints cannot express. Field-level history starts
from the first change made after seeding.
"""

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from casework.accounts.models import Role, User
from casework.audit.services import audit_record
from casework.cases.models import Allocation, Case, CaseNote
from casework.contracts.models import DelegatedFunction
from casework.contracts.services import contract_let_for_years
from casework.core import identifiers
from casework.core.codes import DEFAULT_CASE_WEIGHTS, ServiceType
from casework.core.postcodes import postcodes_in
from casework.looked_after import codes, rules
from casework.organisations.models import Commissioning, Organisation, Team, Worker
from casework.people.models import Household, HouseholdMembership, Person, Relationship
from casework.people.rules import INVERSE_RELATIONSHIP, name_key
from casework.registration.models import Registration
from casework.synthetic import names
from casework.synthetic.chance import weighted
from casework.synthetic.looked_after import LookedAfterWriter

DEMO_PASSWORD = "casework-demo-2026"  # noqa: S105 (published in the README: synthetic demo only)
# The audit log entry every seed ends with: it marks the database as one the seed filled (a demo
# database, where the demo's one-click sign-in may be switched on: casework/accounts/demo.py).
SEED_OBJECT_TYPE = "synthetic.seed"
BATCH = 2000
CASES_PER_FTE = 15

COMMISSIONERS = [
    {
        "name": "Leeds City Council",
        "ons_code": "E08000035",
        "letters": ("L",),
        "la_number": "383",
        "town": "Leeds",
        "slug": "leeds",
    },
    {
        "name": "London Borough of Camden",
        "ons_code": "E09000007",
        "letters": ("N", "W"),
        "la_number": "202",
        "town": "London",
        "slug": "camden",
    },
]
PRACTICES = [
    ("Riverside Social Work Practice CIC", Organisation.LegalForm.CIC),
    ("Northgate Family Practice", Organisation.LegalForm.STAFF_MUTUAL),
    ("Hillside Care Partnership", Organisation.LegalForm.COMPANY),
    ("Meadowbank Social Work Trust", Organisation.LegalForm.CHARITY),
]
TEAMS = [
    ("Looked-after children", Team.Function.LOOKED_AFTER_CHILDREN),
    ("Leaving care", Team.Function.LEAVING_CARE),
    ("Access", Team.Function.ACCESS),
    ("Complex case management", Team.Function.COMPLEX_CASE_MANAGEMENT),
    ("Safeguarding and Court of Protection", Team.Function.SAFEGUARDING),
    ("Continuing healthcare", Team.Function.CONTINUING_HEALTHCARE),
    ("Business support", Team.Function.BUSINESS_SUPPORT),
]
TEAM_FOR_SERVICE = {
    ServiceType.LOOKED_AFTER_CHILD: Team.Function.LOOKED_AFTER_CHILDREN,
    ServiceType.CHILD_IN_NEED: Team.Function.LOOKED_AFTER_CHILDREN,
    ServiceType.CARE_LEAVER: Team.Function.LEAVING_CARE,
    ServiceType.ADULT_ACCESS: Team.Function.ACCESS,
    ServiceType.ADULT_COMPLEX: Team.Function.COMPLEX_CASE_MANAGEMENT,
    ServiceType.SAFEGUARDING_ENQUIRY: Team.Function.SAFEGUARDING,
    ServiceType.DOLS_COP: Team.Function.SAFEGUARDING,
    ServiceType.CONTINUING_HEALTHCARE: Team.Function.CONTINUING_HEALTHCARE,
}
CHANGE_REASONS = [
    ("LEFTRL", 30),
    ("MANAGE", 20),
    ("TSPROC", 20),
    ("ORGRST", 8),
    ("ABSENC", 8),
    ("CHCHAN", 5),
    ("PCCHAN", 4),
    ("OTHERS", 5),
]
NOTE_TEXTS = {
    CaseNote.NoteType.VISIT: (
        "Home visit",
        "Visited at home. Seen and spoken with. Discussed school, friends "
        "and contact arrangements. No new concerns; plan reviewed.",
    ),
    CaseNote.NoteType.PHONE_CALL: (
        "Call with carer",
        "Spoke with the carer by phone about routines and the next review. Agreed actions recorded in the plan.",
    ),
    CaseNote.NoteType.MEETING: (
        "Professionals meeting",
        "Meeting with school and health colleagues. Shared "
        "the current plan; actions agreed with named leads and dates.",
    ),
    CaseNote.NoteType.SUPERVISION: (
        "Case supervision",
        "Case discussed in supervision. Progress against the plan reviewed; next steps agreed.",
    ),
    CaseNote.NoteType.MANAGEMENT_DECISION: (
        "Management decision",
        "Manager reviewed the case and agreed the plan continues with the current level of support.",
    ),
}


@dataclass
class SeedSummary:
    organisations: int = 0
    workers: int = 0
    users: int = 0
    people: int = 0
    households: int = 0
    registrations: int = 0
    cases: int = 0
    allocations: int = 0
    notes: int = 0
    looked_after_children: int = 0
    episodes: int = 0
    demo_logins: list[tuple[str, str, str]] = field(default_factory=list)


def _nhs_number(rng: random.Random, used: set[str]) -> str:
    while True:
        nine = f"{rng.randint(400000000, 799999999)}"
        check = identifiers.nhs_check_digit(nine)
        if check is not None and nine + str(check) not in used:
            used.add(nine + str(check))
            return nine + str(check)


def _upn(rng: random.Random, la_number: str, used: set[str]) -> str:
    while True:
        twelve = f"{la_number}{rng.randint(1000, 9999)}{rng.randint(10, 25)}{rng.randint(0, 999):03d}"
        upn = identifiers.upn_check_letter(twelve) + twelve
        if upn not in used:
            used.add(upn)
            return upn


def _end_of_march(day: date) -> bool:
    return day.month == 3 and day.day >= 25


def _years_ago(as_of: date, rng: random.Random, low: float, high: float) -> date:
    return as_of - timedelta(days=int(rng.uniform(low, high) * 365.25))


class _Generator:
    def __init__(self, *, practices: int, people: int, seed: int, as_of: date, looked_after: int | None = None):
        self.rng = random.Random(seed)
        self.n_practices = practices
        self.n_people = people
        self.n_looked_after = looked_after
        # the extra looked-after children draw from their own stream, so the rest of the population
        # is the same people, families and case timelines with or without them
        self.extra_rng = random.Random(f"looked-after-{seed}")
        self.as_of = as_of
        self.summary = SeedSummary()
        self.used_nhs: set[str] = set()
        self.used_upn: set[str] = set()
        self.swe_counter = 100000 + seed % 1000 * 100

    # -- organisations -------------------------------------------------------------------
    def organisations(self):
        self.commissioners = []
        for spec in COMMISSIONERS:
            org = Organisation.objects.create(
                name=spec["name"],
                kind=Organisation.Kind.COMMISSIONER,
                commissioner_type=Organisation.CommissionerType.LOCAL_AUTHORITY,
                ons_code=spec["ons_code"],
            )
            self.commissioners.append((org, spec, postcodes_in(spec["ons_code"], spec["letters"])))
        self.practices = []
        self.contracts = {}
        for i in range(self.n_practices):
            name, form = PRACTICES[i] if i < len(PRACTICES) else (f"Practice {i + 1} CIC", Organisation.LegalForm.CIC)
            # capacity a little above the expected list size, so the list page has something to show
            listed = self.n_people + 2 * (self.n_looked_after or 0)  # an extra child comes with a parent or two
            capacity = math.ceil(listed / self.n_practices * (1.05 if i % 2 == 0 else 0.9))
            org = Organisation.objects.create(
                name=name, kind=Organisation.Kind.PRACTICE, legal_form=form, list_capacity=capacity
            )
            self.practices.append(org)
            primary = self.commissioners[i % len(self.commissioners)][0]
            self._commission(primary, org, self.as_of - timedelta(days=9 * 365), "per_child_week", "1150.00")
            if i == 0 and len(self.commissioners) > 1:
                self._commission(
                    self.commissioners[1][0], org, self.as_of - timedelta(days=3 * 365), "block", "2400000.00"
                )
        self.teams = {}
        for org in self.practices:
            for team_name, function in TEAMS:
                self.teams[(org.pk, function)] = Team.objects.create(
                    organisation=org, name=team_name, function=function
                )
        self.summary.organisations = len(self.practices) + len(self.commissioners)

    # -- people and families -------------------------------------------------------------
    def _person(
        self, *, practice_index, commissioner, background, sex, age_low, age_high, family_name, address, rng=None
    ):
        rng = rng or self.rng
        org, spec, _ = commissioner
        ethnicity = weighted(rng, next(b[2] for b in names.BACKGROUNDS if b[0] == background))
        dob = _years_ago(self.as_of, rng, age_low, age_high)
        given = rng.choice(names.GIVEN_NAMES[background][sex])
        age = (self.as_of - dob).days / 365.25
        person = Person(
            organisation=self.practices[practice_index],
            given_name=given,
            family_name=family_name,
            preferred_name=given[:3] if rng.random() < 0.03 else "",
            date_of_birth=dob,
            sex=sex,
            ethnicity=ethnicity,
            nhs_number=_nhs_number(rng, self.used_nhs) if rng.random() < 0.93 else "",
            upn=(
                _upn(rng, spec["la_number"], self.used_upn)
                if 4 <= age < 19 and rng.random() < 0.9
                else ("UN1" if age < 4 and rng.random() < 0.5 else "")
            ),
            address_line_1=address[0],
            town=spec["town"],
            postcode=address[1],
            given_name_key=name_key(given),
            family_name_key=name_key(family_name),
        )
        return person

    def people(self):
        rng = self.rng
        self.families = []  # (practice_index, commissioner, [(person, role)], is_family)
        made = 0
        while made < self.n_people:
            practice_index = rng.randrange(self.n_practices)
            commissioner = self.commissioners[practice_index % len(self.commissioners)]
            if practice_index == 0 and len(self.commissioners) > 1 and rng.random() < 0.25:
                commissioner = self.commissioners[1]
            background = weighted(rng, [(b[0], b[1]) for b in names.BACKGROUNDS])
            family_name = rng.choice(names.FAMILY_NAMES[background])
            postcode = rng.choice(commissioner[2])
            address = (f"{rng.randint(1, 180)} {rng.choice(names.STREETS)}", postcode)
            kind = weighted(rng, [("children", 58), ("care_leaver", 8), ("adult", 18), ("older_adult", 16)])
            members = []
            common = {
                "practice_index": practice_index,
                "commissioner": commissioner,
                "background": background,
                "address": address,
            }
            if kind == "children":
                n_children = weighted(rng, [(1, 35), (2, 30), (3, 20), (4, 10), (5, 5)])
                n_adults = weighted(rng, [(1, 55), (2, 45)])
                eldest = rng.uniform(0.2, 17.5)
                for _ in range(n_adults):
                    sex = rng.choice("FM") if n_adults == 2 and members else "F" if rng.random() < 0.8 else "M"
                    members.append(
                        (
                            self._person(
                                sex=sex, age_low=eldest + 18, age_high=eldest + 32, family_name=family_name, **common
                            ),
                            "parent",
                        )
                    )
                for _ in range(n_children):
                    members.append(
                        (
                            self._person(
                                sex=rng.choice("FM"), age_low=0.05, age_high=eldest, family_name=family_name, **common
                            ),
                            "child",
                        )
                    )
            elif kind == "care_leaver":
                members.append(
                    (
                        self._person(
                            sex=rng.choice("FM"), age_low=18.05, age_high=21.9, family_name=family_name, **common
                        ),
                        "care_leaver",
                    )
                )
            elif kind == "adult":
                members.append(
                    (
                        self._person(sex=rng.choice("FM"), age_low=22, age_high=64, family_name=family_name, **common),
                        "adult",
                    )
                )
            else:
                members.append(
                    (
                        self._person(sex=rng.choice("FM"), age_low=65, age_high=96, family_name=family_name, **common),
                        "older_adult",
                    )
                )
                if rng.random() < 0.3:
                    members.append(
                        (
                            self._person(
                                sex=rng.choice("FM"), age_low=40, age_high=70, family_name=family_name, **common
                            ),
                            "carer",
                        )
                    )
            members = members[: self.n_people - made]
            made += len(members)
            self.families.append((practice_index, commissioner, members, kind == "children" and len(members) > 1))
        everyone = [p for f in self.families for p, _ in f[2]]
        Person.objects.bulk_create(everyone, batch_size=BATCH)
        self.summary.people = len(everyone)

    # -- workforce -------------------------------------------------------------------------
    def _swe(self) -> str:
        self.swe_counter += self.rng.randint(1, 37)
        return f"SW{self.swe_counter}"

    def _worker(self, org, team, job_role, *, start, leave=None, agency=False, fte=None):
        rng = self.rng
        registered = job_role in ("social_worker", "senior_practitioner", "advanced_practitioner", "team_manager")
        return Worker(
            organisation=org,
            team=team,
            given_name=rng.choice(names.WORKER_GIVEN),
            family_name=rng.choice(rng.choice(list(names.FAMILY_NAMES.values()))),
            job_role=job_role,
            swe_registration_number=self._swe() if registered else "",
            fte=fte or Decimal(weighted(rng, [("1.00", 70), ("0.80", 15), ("0.60", 10), ("0.50", 5)])),
            start_date=start,
            leave_date=leave,
            employment=Worker.Employment.AGENCY if agency else Worker.Employment.EMPLOYED,
            list_capacity=rng.choice([40, 50, 60]) if job_role != "team_manager" else None,
        )

    def workforce(self, open_cases_by_team: dict):
        rng = self.rng
        workers = []
        self.pool = defaultdict(list)  # (org, function) -> current case-holding workers
        self.former = defaultdict(list)  # (org, function) -> workers who have left
        self.managers = {}
        for org in self.practices:
            for _, function in TEAMS:
                team = self.teams[(org.pk, function)]
                manager = self._worker(
                    org, team, "team_manager", start=_years_ago(self.as_of, rng, 3, 12), fte=Decimal("1.00")
                )
                workers.append(manager)
                self.managers[(org.pk, function)] = manager
                if function == Team.Function.BUSINESS_SUPPORT:
                    for _ in range(2):
                        workers.append(
                            self._worker(org, team, "business_support", start=_years_ago(self.as_of, rng, 1, 8))
                        )
                    continue
                weighted_cases = open_cases_by_team.get((org.pk, function), 0)
                n = max(2, math.ceil(weighted_cases / (CASES_PER_FTE * 0.93)))
                for k in range(n):
                    if function == Team.Function.LEAVING_CARE and k % 2:
                        role = "personal_adviser"
                    else:
                        role = weighted(
                            rng, [("social_worker", 70), ("senior_practitioner", 22), ("advanced_practitioner", 8)]
                        )
                    w = self._worker(
                        org, team, role, start=_years_ago(self.as_of, rng, 0.5, 10), agency=rng.random() < 0.15
                    )
                    workers.append(w)
                    self.pool[(org.pk, function)].append(w)
                for _ in range(max(1, n // 4)):
                    start = _years_ago(self.as_of, rng, 6, 12)
                    leave = _years_ago(self.as_of, rng, 0.2, 5)
                    w = self._worker(org, team, "social_worker", start=start, leave=leave)
                    workers.append(w)
                    self.former[(org.pk, function)].append(w)
        self.workers = workers

    # -- registrations, cases, allocations -------------------------------------------------
    def _service_for(self, role: str, age: float, rng=None) -> str | None:
        rng = rng or self.rng
        if role == "child" and age < 18:
            return weighted(rng, [(ServiceType.LOOKED_AFTER_CHILD, 35), (ServiceType.CHILD_IN_NEED, 25), (None, 40)])
        if role == "care_leaver":
            return ServiceType.CARE_LEAVER if rng.random() < 0.85 else None
        if role == "adult":
            return weighted(
                rng,
                [
                    (ServiceType.ADULT_ACCESS, 35),
                    (ServiceType.ADULT_COMPLEX, 30),
                    (ServiceType.SAFEGUARDING_ENQUIRY, 10),
                    (ServiceType.CONTINUING_HEALTHCARE, 8),
                    (None, 17),
                ],
            )
        if role == "older_adult":
            return weighted(
                rng,
                [
                    (ServiceType.ADULT_ACCESS, 25),
                    (ServiceType.ADULT_COMPLEX, 35),
                    (ServiceType.SAFEGUARDING_ENQUIRY, 10),
                    (ServiceType.CONTINUING_HEALTHCARE, 12),
                    (ServiceType.DOLS_COP, 10),
                    (None, 8),
                ],
            )
        return None

    def plan_cases(self):
        """Registrations and case timelines, before workers exist (their number follows the caseload)."""
        rng = self.rng
        self.households = []
        self.memberships = []
        self.registrations = []  # (Registration, family members, practice)
        self.case_plans = []
        open_weight = defaultdict(float)
        for practice_index, commissioner, members, is_family in self.families:
            org = self.practices[practice_index]
            youngest_birth = max(p.date_of_birth for p, _ in members)
            earliest = max(youngest_birth, self.as_of - timedelta(days=6 * 365))
            span = (self.as_of - earliest).days
            start = earliest + timedelta(days=int(rng.random() * max(span - 1, 0)))
            care_leaver = members[0][1] == "care_leaver"
            if care_leaver:
                start = self._care_leaver_registered(rng, members[0][0].date_of_birth)
            household = None
            if is_family:
                household = Household(organisation=org, name=f"The {members[0][0].family_name} family")
                self.households.append((household, members, start))
            route = weighted(
                rng, [(Registration.Route.COMMISSIONER_REFERRAL, 72), (Registration.Route.SELF_REFERRAL, 28)]
            )
            ending = 1.0 if care_leaver else rng.random()
            end = None
            end_reason = ""
            transfer_to = None
            if ending < 0.08 and (self.as_of - start).days > 60:
                end = start + timedelta(days=rng.randint(30, (self.as_of - start).days - 1))
                end_reason = weighted(
                    rng,
                    [
                        (Registration.EndReason.MOVED_AWAY, 60),
                        (Registration.EndReason.NO_LONGER_ELIGIBLE, 30),
                        (Registration.EndReason.CHOSE_TO_LEAVE, 10),
                    ],
                )
            elif ending < 0.11 and self.n_practices > 1 and (self.as_of - start).days > 60:
                end = start + timedelta(days=rng.randint(30, (self.as_of - start).days - 1))
                end_reason = Registration.EndReason.TRANSFERRED
                transfer_to = self.practices[(practice_index + 1) % self.n_practices]
            plan = {
                "org": org,
                "commissioner": commissioner[0],
                "household": household,
                "start": start,
                "route": route,
                "end": end,
                "end_reason": end_reason,
                "transfer_to": transfer_to,
                "members": members,
            }
            self.registrations.append(plan)
            for person, role in members:
                age = (self.as_of - person.date_of_birth).days / 365.25
                service = self._service_for(role, age)
                if role == "care_leaver":
                    self._plan_care_leaver(rng, org, person, commissioner[0], start, service, open_weight)
                    continue
                if service is None:
                    continue
                # work done at the practice the person is on the list of (after any transfer)
                holder = transfer_to or org
                case_start_floor = end if transfer_to else start
                last = end if (end and not transfer_to) else self.as_of
                span = (last - case_start_floor).days
                if span < 2:
                    continue
                opened = case_start_floor + timedelta(days=rng.randint(0, max(0, min(span - 1, 400))))
                closed = None
                close_reason = ""
                leaving = None
                if end and not transfer_to:
                    closed = end
                    close_reason = {"moved_away": "moved_away", "no_longer_eligible": "no_longer_eligible"}.get(
                        end_reason, "other"
                    )
                elif (
                    service == ServiceType.LOOKED_AFTER_CHILD
                    and rules.age_on(person.date_of_birth, opened) < 4
                    and (last - opened).days > 760
                    and rng.random() < 0.45
                ):
                    # adopted: placement order, adoptive placement, then the adoption order (20+ months)
                    closed = opened + timedelta(days=rng.randint(620, (last - opened).days))
                    close_reason = Case.CloseReason.OUTCOMES_MET
                    leaving = "adopted"
                elif rng.random() < 0.18 and (last - opened).days > 30:
                    closed = opened + timedelta(days=rng.randint(30, (last - opened).days))
                    close_reason = Case.CloseReason.OUTCOMES_MET
                self.case_plans.append(
                    {
                        "org": holder,
                        "person": person,
                        "commissioner": commissioner[0],
                        "service": service,
                        "opened": opened,
                        "closed": closed,
                        "close_reason": close_reason,
                        "leaving": leaving,
                    }
                )
                if closed is None:
                    open_weight[(holder.pk, TEAM_FOR_SERVICE[service])] += float(DEFAULT_CASE_WEIGHTS[service])
        return open_weight

    def looked_after_year(self) -> int:
        """The last collection year (1 April to 31 March) that ended before the as-of date."""
        return codes.collection_year_of(self.as_of) - 1

    def extra_looked_after(self, open_weight):
        """``--looked-after N``: more families whose children are looked after, until about N children
        are looked after at some time in ``looked_after_year()`` (the children the main mix already
        has count). They are made like the main mix (same families, names, areas and commissioners),
        only their cases are planned so that each period of care overlaps that year: about a third
        began in it, the rest up to six years before; about a quarter end in or after it (home,
        adopted, moved away, 18th birthday).
        Their histories come from the same simulation as every other looked-after child's."""
        rng = self.extra_rng
        year = self.looked_after_year()
        first, last = codes.collection_start(year), codes.collection_end(year)

        def in_care(plan):
            return (
                plan["service"] == ServiceType.LOOKED_AFTER_CHILD
                and plan["opened"] <= last
                and (plan["closed"] is None or plan["closed"] >= first)
            )

        counted = {(plan["commissioner"].pk, id(plan["person"])) for plan in self.case_plans if in_care(plan)}
        wanted = self.n_looked_after - len(counted)
        # an extra child is born at least a few weeks before the year ends
        youngest = (self.as_of - last).days / 365.25 + 0.1
        born_before_year = (self.as_of - first).days / 365.25 + 0.1
        # and one leaving care at 18 has the 18th birthday within the year
        eighteen_low = (self.as_of - date(last.year - 18, last.month, last.day)).days / 365.25 + 0.01
        eighteen_high = (self.as_of - date(first.year - 18, first.month, first.day)).days / 365.25 - 0.01
        six_years_ago = self.as_of - timedelta(days=6 * 365)
        people = []
        made = 0
        while made < wanted:
            practice_index = rng.randrange(self.n_practices)
            commissioner = self.commissioners[practice_index % len(self.commissioners)]
            if practice_index == 0 and len(self.commissioners) > 1 and rng.random() < 0.25:
                commissioner = self.commissioners[1]
            org = self.practices[practice_index]
            background = weighted(rng, [(b[0], b[1]) for b in names.BACKGROUNDS])
            family_name = rng.choice(names.FAMILY_NAMES[background])
            address = (f"{rng.randint(1, 180)} {rng.choice(names.STREETS)}", rng.choice(commissioner[2]))
            common = {
                "practice_index": practice_index,
                "commissioner": commissioner,
                "background": background,
                "address": address,
                "family_name": family_name,
                "rng": rng,
            }
            route = weighted(
                rng, [(Registration.Route.COMMISSIONER_REFERRAL, 72), (Registration.Route.SELF_REFERRAL, 28)]
            )
            plan = {
                "org": org,
                "commissioner": commissioner[0],
                "household": None,
                "route": route,
                "end": None,
                "end_reason": "",
                "transfer_to": None,
            }
            if rng.random() < 0.1:
                # a young person looked after until the 18th birthday, in the year, then a care leaver
                person = self._person(sex=rng.choice("FM"), age_low=eighteen_low, age_high=eighteen_high, **common)
                start = self._care_leaver_registered(rng, person.date_of_birth)
                people.append(person)
                service = self._service_for("care_leaver", 18, rng)
                self._plan_care_leaver(rng, org, person, commissioner[0], start, service, open_weight)
                self.registrations.append({**plan, "start": start, "members": [(person, "care_leaver")]})
                made += 1
                continue
            # siblings come into care together: about a third in the year, the rest before it (born by then)
            entering_in_year = rng.random() < 0.3
            born_by = youngest if entering_in_year else born_before_year
            n_children = min(weighted(rng, [(1, 40), (2, 30), (3, 18), (4, 8), (5, 4)]), wanted - made)
            n_adults = weighted(rng, [(1, 55), (2, 45)])
            eldest = rng.uniform(born_by + 0.2, 17.5)
            members = []
            for _ in range(n_adults):
                sex = rng.choice("FM") if n_adults == 2 and members else "F" if rng.random() < 0.8 else "M"
                members.append((self._person(sex=sex, age_low=eldest + 18, age_high=eldest + 32, **common), "parent"))
            for _ in range(n_children):
                child = self._person(sex=rng.choice("FM"), age_low=born_by, age_high=eldest, **common)
                members.append((child, "child"))
            people += [p for p, _ in members]
            made += n_children
            earliest = max(max(p.date_of_birth for p, _ in members), six_years_ago)
            if entering_in_year:
                from_day = max(earliest, first)
                entered = from_day + timedelta(days=rng.randint(0, (last - from_day).days))
            else:
                entered = earliest + timedelta(days=rng.randint(0, (first - earliest).days - 1))
            start = max(earliest, entered - timedelta(days=rng.randint(0, 90)))  # on the practice's list first
            household = Household(organisation=org, name=f"The {family_name} family")
            self.households.append((household, members, start))
            end, end_reason = None, ""
            leaving_from = max(first, start + timedelta(days=31))
            if rng.random() < 0.06 and leaving_from < self.as_of:
                # the family left the practice's list in or after the year; the care ended then
                end = leaving_from + timedelta(days=rng.randint(0, (self.as_of - leaving_from).days - 1))
                end_reason = weighted(
                    rng,
                    [
                        (Registration.EndReason.MOVED_AWAY, 60),
                        (Registration.EndReason.NO_LONGER_ELIGIBLE, 30),
                        (Registration.EndReason.CHOSE_TO_LEAVE, 10),
                    ],
                )
            self.registrations.append(
                {
                    **plan,
                    "household": household,
                    "start": start,
                    "end": end,
                    "end_reason": end_reason,
                    "members": members,
                }
            )
            for person, role in members:
                if role != "child":
                    continue
                latest = min(last, end - timedelta(days=30)) if end else last
                opened = min(entered + timedelta(days=rng.randint(0, 20)), latest)
                closed, close_reason, leaving = None, "", None
                stayed = (self.as_of - opened).days
                if end:
                    closed = end
                    close_reason = {"moved_away": "moved_away", "no_longer_eligible": "no_longer_eligible"}.get(
                        end_reason, "other"
                    )
                elif rules.age_on(person.date_of_birth, opened) < 4 and stayed > 760 and rng.random() < 0.45:
                    # adopted (20+ months after care began), on or after the year's start
                    low = max(620, (first - opened).days)
                    if low <= stayed:
                        closed = opened + timedelta(days=rng.randint(low, stayed))
                        close_reason, leaving = Case.CloseReason.OUTCOMES_MET, "adopted"
                elif rng.random() < 0.25:
                    low = max(30, (first - opened).days)
                    if low <= stayed:
                        closed = opened + timedelta(days=rng.randint(low, stayed))
                        close_reason = Case.CloseReason.OUTCOMES_MET
                self.case_plans.append(
                    {
                        "org": org,
                        "person": person,
                        "commissioner": commissioner[0],
                        "service": ServiceType.LOOKED_AFTER_CHILD,
                        "opened": opened,
                        "closed": closed,
                        "close_reason": close_reason,
                        "leaving": leaving,
                    }
                )
                if closed is None:
                    open_weight[(org.pk, TEAM_FOR_SERVICE[ServiceType.LOOKED_AFTER_CHILD])] += float(
                        DEFAULT_CASE_WEIGHTS[ServiceType.LOOKED_AFTER_CHILD]
                    )
        Person.objects.bulk_create(people, batch_size=BATCH)
        self.summary.people += len(people)

    def _care_leaver_registered(self, rng: random.Random, dob: date) -> date:
        # registered while still looked after, so the practice held the case before 18
        latest = rules.birthday(dob, 17) - timedelta(days=30)
        earliest = max(rules.birthday(dob, 13), self.as_of - timedelta(days=6 * 365))
        return earliest + timedelta(days=rng.randint(0, max(0, (latest - earliest).days)))

    def _plan_care_leaver(self, rng, org, person, commissioner, start, service, open_weight):
        # looked after until their 18th birthday, then a care leaver
        eighteen = rules.birthday(person.date_of_birth, 18)
        self.case_plans.append(
            {
                "org": org,
                "person": person,
                "commissioner": commissioner,
                "service": ServiceType.LOOKED_AFTER_CHILD,
                "opened": start + timedelta(days=rng.randint(1, 20)),
                "closed": eighteen,
                "close_reason": Case.CloseReason.OUTCOMES_MET,
                "leaving": "eighteen",
            }
        )
        if service is not None:
            self.case_plans.append(
                {
                    "org": org,
                    "person": person,
                    "commissioner": commissioner,
                    "service": service,
                    "opened": eighteen,
                    "closed": None,
                    "close_reason": "",
                }
            )
            open_weight[(org.pk, TEAM_FOR_SERVICE[service])] += float(DEFAULT_CASE_WEIGHTS[service])

    def write_registrations(self):
        rng = self.rng
        Household.objects.bulk_create([h for h, _, _ in self.households], batch_size=BATCH)
        memberships = [
            HouseholdMembership(household=h, person=p, joined_on=start)
            for h, members, start in self.households
            for p, _ in members
        ]
        HouseholdMembership.objects.bulk_create(memberships, batch_size=BATCH)
        relationships = []
        for h, members, _ in self.households:
            parents = [p for p, r in members if r == "parent"]
            children = [p for p, r in members if r == "child"]
            pairs = [(parent, child, "parent") for parent in parents for child in children]
            pairs += [(a, b, "sibling") for i, a in enumerate(children) for b in children[i + 1 :]]
            pairs += [(a, b, "partner") for i, a in enumerate(parents) for b in parents[i + 1 :]]
            for a, b, kind in pairs:
                relationships.append(
                    Relationship(
                        organisation=h.organisation,
                        person=a,
                        related_person=b,
                        relationship_type=kind,
                        recorded_by=self.system_user,
                    )
                )
                relationships.append(
                    Relationship(
                        organisation=h.organisation,
                        person=b,
                        related_person=a,
                        relationship_type=INVERSE_RELATIONSHIP[kind],
                        recorded_by=self.system_user,
                    )
                )
        Relationship.objects.bulk_create(relationships, batch_size=BATCH)

        first, second = [], []
        for plan in self.registrations:
            org = plan["org"]
            # one named worker for the whole family, from the team that serves its main member
            role = plan["members"][-1][1]
            function = (
                Team.Function.LOOKED_AFTER_CHILDREN
                if role in ("child", "parent")
                else Team.Function.LEAVING_CARE
                if role == "care_leaver"
                else Team.Function.COMPLEX_CASE_MANAGEMENT
            )
            named = rng.choice(self.pool[(org.pk, function)])
            named_after_transfer = (
                rng.choice(self.pool[(plan["transfer_to"].pk, function)]) if plan["transfer_to"] is not None else None
            )
            for person, _ in plan["members"]:
                referred = plan["commissioner"] if plan["route"] == Registration.Route.COMMISSIONER_REFERRAL else None
                reg = Registration(
                    person=person,
                    practice=org,
                    named_worker=named,
                    household=plan["household"],
                    start_date=plan["start"],
                    route=plan["route"],
                    referred_by=referred,
                    end_date=plan["end"],
                    end_reason=plan["end_reason"],
                )
                first.append(reg)
                if plan["transfer_to"] is not None:
                    to = plan["transfer_to"]
                    second.append(
                        (
                            reg,
                            Registration(
                                person=person,
                                practice=to,
                                named_worker=named_after_transfer,
                                start_date=plan["end"],
                                route=Registration.Route.TRANSFER_IN,
                            ),
                        )
                    )
                self._earliest(named, plan["start"])
        Registration.objects.bulk_create(first, batch_size=BATCH)
        for previous, reg in second:
            reg.transferred_from = previous
            self._earliest(reg.named_worker, reg.start_date)
        Registration.objects.bulk_create([r for _, r in second], batch_size=BATCH)
        self.summary.registrations = len(first) + len(second)
        self.summary.households = len(self.households)

    def _commission(self, commissioner, practice, start: date, price_model: str, price: str):
        """The commissioning and its contract, renewed every year (no random draws: the rest of the
        seed is unchanged by it)."""
        Commissioning.objects.create(commissioner=commissioner, practice=practice, start_date=start)
        number = len(self.contracts) + 1
        self.contracts[(practice.pk, commissioner.pk)] = contract_let_for_years(
            commissioner=commissioner,
            practice=practice,
            reference=f"{commissioner.ons_code}-SWP-{number:03d}",
            title=f"Social work practice services for {commissioner.name}",
            functions=list(DelegatedFunction.values),
            cohort="Children looked after and care leavers, and adults, the authority refers to the practice",
            start_date=start,
            until=self.as_of + timedelta(days=365),
            price_model=price_model,
            price=Decimal(price),
            caseload_cap_per_fte=Decimal("18"),
        )
        self._select_measures(self.contracts[(practice.pk, commissioner.pk)], payments=number == 1)

    @staticmethod
    def _select_measures(contract, *, payments: bool):
        """Every measure of the outcome framework for every contract year, targets a little better
        than England's, and (for the first contract) payment on three of them."""
        from casework.contracts.models import ContractMeasure
        from casework.outcomes.indicators import INDICATORS

        paid = {
            "health_assessment": ("threshold", "cohort", Decimal("20000"), None),
            "placement_stability_3plus": ("sliding", "cohort", Decimal("30000"), Decimal("15")),
            "care_leavers_eet": ("threshold", "per_child", Decimal("500"), None),
        }
        rows = []
        for year in contract.years.all():
            for indicator in INDICATORS.values():
                benchmark = indicator.benchmark.value if indicator.benchmark else None
                target = Decimal(
                    str(benchmark if benchmark is not None else (50 if indicator.unit == "percent" else 10))
                )
                if benchmark is not None and indicator.unit == "percent":
                    target = (
                        min(Decimal("100"), target + 5)
                        if indicator.direction == "higher"
                        else max(Decimal("0"), target - 2)
                    )
                rule, basis, stake, floor = (
                    paid.get(indicator.id, ("", "", None, None)) if payments else ("", "", None, None)
                )
                rows.append(
                    ContractMeasure(
                        contract_year=year,
                        indicator=indicator.id,
                        target=target,
                        payment_rule=rule,
                        payment_basis=basis,
                        amount_at_stake=stake,
                        floor=floor,
                    )
                )
        ContractMeasure.objects.bulk_create(rows)

    def _contract_for(self, practice, commissioner):
        """A case for a commissioner the practice had no commissioning with (a child placed by
        another authority) brings that authority's commissioning and contract into being."""
        if (practice.pk, commissioner.pk) not in self.contracts:
            self._commission(commissioner, practice, self.as_of - timedelta(days=9 * 365), "per_case", "9500.00")
        return self.contracts[(practice.pk, commissioner.pk)]

    def _earliest(self, worker: Worker, on: date):
        # a worker named or allocated on a date must have been in post by then
        if worker.start_date > on:
            worker.start_date = on - timedelta(days=self.rng.randint(0, 200))

    def write_cases(self):
        rng = self.rng
        cases = []
        for plan in self.case_plans:
            cases.append(
                Case(
                    organisation=plan["org"],
                    person=plan["person"],
                    commissioner=plan["commissioner"],
                    service_type=plan["service"],
                    contract=self._contract_for(plan["org"], plan["commissioner"]),
                    opened_on=plan["opened"],
                    open_reason="Referred by the commissioner for statutory work",
                    closed_on=plan["closed"],
                    close_reason=plan["close_reason"],
                )
            )
        Case.objects.bulk_create(cases, batch_size=BATCH)
        allocations = []
        notes = []
        reasons = CHANGE_REASONS
        registered = {
            key: [w for w in pool if w.swe_registration_number] or pool for key, pool in self.pool.items()
        }  # once per team, not per case: a team holds thousands of workers at 80,000 looked-after children
        for case in cases:
            function = TEAM_FOR_SERVICE[case.service_type]
            pool = self.pool[(case.organisation_id, function)]
            if case.service_type != ServiceType.CARE_LEAVER:
                pool = registered[(case.organisation_id, function)]
            end = case.closed_on or self.as_of
            n_changes = weighted(rng, [(0, 45), (1, 32), (2, 15), (3, 8)])
            days = (end - case.opened_on).days
            # a worker holds a case for at least three days (DfE rule SW09 on social worker episodes)
            change_days = (
                sorted(rng.sample(range(1, days // 3), min(n_changes, max(days // 3 - 1, 0)))) if days > 6 else []
            )
            change_days = [d * 3 for d in change_days]
            # and none changes in the last days of March: the DfE check SW11b misreads a change there
            change_days = [d for d in change_days if not _end_of_march(case.opened_on + timedelta(days=d))]
            starts = [case.opened_on] + [case.opened_on + timedelta(days=d) for d in change_days]
            worker = rng.choice(pool)
            previous = None
            for i, start in enumerate(starts):
                reason = "FCONTA" if i == 0 else weighted(rng, reasons)
                if i > 0:
                    worker = rng.choice([w for w in pool if w is not previous] or pool)
                former = [w for w in self.former[(case.organisation_id, function)] if w is not previous]
                if i < len(starts) - 1 and rng.random() < 0.3 and former:
                    # an earlier worker who has since left the practice held this stretch
                    worker = rng.choice(former)
                allocation_end = starts[i + 1] if i + 1 < len(starts) else case.closed_on
                if worker.leave_date and (allocation_end is None or worker.leave_date < allocation_end):
                    worker.leave_date = allocation_end or self.as_of
                self._earliest(worker, start)
                allocations.append(
                    Allocation(
                        organisation_id=case.organisation_id,
                        case=case,
                        service_type=case.service_type,
                        worker=worker,
                        start_date=start,
                        end_date=allocation_end,
                        change_reason=reason,
                    )
                )
                previous = worker
            if case.closed_on is None:
                for _ in range(rng.randint(1, 3)):
                    note_type = weighted(
                        rng,
                        [
                            (CaseNote.NoteType.VISIT, 50),
                            (CaseNote.NoteType.PHONE_CALL, 25),
                            (CaseNote.NoteType.MEETING, 12),
                            (CaseNote.NoteType.SUPERVISION, 8),
                            (CaseNote.NoteType.MANAGEMENT_DECISION, 5),
                        ],
                    )
                    summary, text = NOTE_TEXTS[note_type]
                    on = max(starts[-1], self.as_of - timedelta(days=rng.randint(0, 120)))
                    notes.append((case, worker, note_type, on, summary, text))
        self.allocations = allocations
        self.cases = cases
        self.notes = notes

    def demo_logins(self):
        hashed = make_password(DEMO_PASSWORD)
        logins = []
        for i, org in enumerate(self.practices[:2]):
            prefix = f"p{i + 1}"
            # the practitioner login is a seeded social worker with open looked-after children's cases
            lac_workers = [
                w
                for w in self.pool[(org.pk, Team.Function.LOOKED_AFTER_CHILDREN)]
                if w.pk in self.worker_users and w.swe_registration_number
            ]
            counts = defaultdict(int)
            for a in self.allocations:
                if a.end_date is None and a.organisation_id == org.pk:
                    counts[a.worker_id] += 1
            practitioner = max(lac_workers, key=lambda w: (counts[w.pk], -w.pk))
            user = self.worker_users[practitioner.pk]
            user.username = f"{prefix}.practitioner"
            user.save(update_fields=["username"])
            logins.append((user.username, Role.PRACTITIONER.label, org.name))
            manager = self.managers[(org.pk, Team.Function.LOOKED_AFTER_CHILDREN)]
            user = self.worker_users[manager.pk]
            user.username = f"{prefix}.teammanager"
            user.save(update_fields=["username"])
            logins.append((user.username, Role.TEAM_MANAGER.label, org.name))
            pm_worker = Worker.objects.create(
                organisation=org,
                given_name="Practice",
                family_name="Manager",
                job_role="practice_manager",
                start_date=self.as_of - timedelta(days=3000),
            )
            pm = User.objects.create(
                username=f"{prefix}.manager",
                password=hashed,
                role=Role.PRACTICE_MANAGER,
                organisation=org,
                first_name="Practice",
                last_name="Manager",
            )
            pm_worker.user = pm
            pm_worker.save(update_fields=["user"])
            logins.append((pm.username, Role.PRACTICE_MANAGER.label, org.name))
        for org, spec, _ in self.commissioners:
            u = User.objects.create(
                username=f"{spec['slug']}.officer", password=hashed, role=Role.COMMISSIONER_OFFICER, organisation=org
            )
            logins.append((u.username, Role.COMMISSIONER_OFFICER.label, org.name))
        extras = [
            ("evaluator", Role.EVALUATOR, self.commissioners[0][0]),
            ("auditor", Role.AUDITOR, self.practices[0]),
            ("admin", Role.SYSTEM_ADMINISTRATOR, self.practices[0]),
        ]
        for username, role, org in extras:
            u = User.objects.create(
                username=username,
                password=hashed,
                role=role,
                organisation=org,
                is_staff=role == Role.SYSTEM_ADMINISTRATOR,
                is_superuser=role == Role.SYSTEM_ADMINISTRATOR,
            )
            logins.append((u.username, role.label, org.name))
        self.summary.demo_logins = logins

    def run(self) -> SeedSummary:
        self.organisations()
        self.system_user = User.objects.create(
            username="seed",
            role=Role.SYSTEM_ADMINISTRATOR,
            organisation=self.practices[0],
            is_active=False,
            password="!",  # noqa: S106 (unusable hash: the account only records who seeded rows)
        )
        self.people()
        open_weight = self.plan_cases()
        if self.n_looked_after:
            self.extra_looked_after(open_weight)
        self.workforce(open_weight)
        # Workers are created before anything points at them; their start and leave dates are
        # adjusted while registrations and allocations are planned, then saved in one go.
        Worker.objects.bulk_create(self.workers, batch_size=BATCH)
        self.write_registrations()
        self.write_cases()
        Worker.objects.bulk_update(self.workers, ["start_date", "leave_date"], batch_size=BATCH)
        self._users_and_rest()
        LookedAfterWriter(self).write()
        self.demo_logins()
        audit_record(actor=None, action="create", object_type=SEED_OBJECT_TYPE, people=self.summary.people)
        return self.summary

    def _users_and_rest(self):
        hashed = make_password(DEMO_PASSWORD)
        users = []
        for w in self.workers:
            # most current staff sign in; every team manager does
            if (
                w.leave_date is None
                and w.job_role != "business_support"
                and (w.job_role == "team_manager" or self.rng.random() < 0.9)
            ):
                role = Role.TEAM_MANAGER if w.job_role == "team_manager" else Role.PRACTITIONER
                users.append(
                    User(
                        username=f"w{w.pk}",
                        password=hashed,
                        role=role,
                        organisation_id=w.organisation_id,
                        first_name=w.given_name,
                        last_name=w.family_name,
                    )
                )
        User.objects.bulk_create(users, batch_size=BATCH)
        by_worker = {int(u.username[1:]): u for u in users}
        for w in self.workers:
            w.user = by_worker.get(w.pk)
        Worker.objects.bulk_update([w for w in self.workers if w.user is not None], ["user"], batch_size=BATCH)
        Allocation.objects.bulk_create(self.allocations, batch_size=BATCH)
        notes = []
        for case, worker, note_type, on, summary, text in self.notes:
            manager = self.managers[(case.organisation_id, TEAM_FOR_SERVICE[case.service_type])]
            author = by_worker.get(worker.pk) or by_worker.get(manager.pk) or self.system_user
            notes.append(
                CaseNote(
                    organisation_id=case.organisation_id,
                    person_id=case.person_id,
                    case=case,
                    author=author,
                    note_type=note_type,
                    occurred_on=on,
                    summary=summary,
                    text=text,
                )
            )
        CaseNote.objects.bulk_create(notes, batch_size=BATCH)
        self.summary.workers = len(self.workers)
        self.summary.users = len(users)
        self.summary.cases = len(self.cases)
        self.summary.allocations = len(self.allocations)
        self.summary.notes = len(notes)
        self.worker_users = by_worker


def seed(*, practices: int, people: int, seed: int, as_of: date, looked_after: int | None = None) -> SeedSummary:
    """``looked_after``: add children looked after at some time in the last collection year that ended
    before ``as_of`` until about that many are (None: the usual mix only, unchanged)."""
    if practices < 1 or people < 1:
        raise ValueError("Seed at least one practice and one person")
    if looked_after is not None and looked_after < 0:
        raise ValueError("Give a number of looked-after children of zero or more")
    with transaction.atomic():
        generator = _Generator(practices=practices, people=people, seed=seed, as_of=as_of, looked_after=looked_after)
        summary = generator.run()
    # Fresh statistics after a bulk load, or the planners guess (PostgreSQL sorted the practice
    # list with a hash join over every registration, 180 ms instead of 2 ms, until ANALYZE).
    if not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return summary


DEMO_RESTRICTION_REASON = "A relative of a member of staff (synthetic demo example)"


def restrict_demo_record() -> Person | None:
    """The demo's example of a restricted record, set as a practice manager would set it: p1.manager
    restricts one person on p1.practitioner's caseload and names only p1.practitioner. Everyone
    else in the practice (p1.teammanager, p1.manager themself) sees the name and nothing more, and
    each attempt to open it is logged (docs/security.md, "Restricted records")."""
    from casework.people.services import person_restrict

    manager = User.objects.filter(username="p1.manager").first()
    practitioner = User.objects.filter(username="p1.practitioner").first()
    if manager is None or practitioner is None:
        return None
    allocation = (
        Allocation.objects.filter(
            worker__user=practitioner,
            end_date__isnull=True,
            case__closed_on__isnull=True,
            case__organisation_id=manager.organisation_id,
        )
        .select_related("case__person")
        .order_by("case__person_id")
        .first()
    )
    if allocation is None:
        return None
    person = allocation.case.person
    with transaction.atomic():
        person_restrict(actor=manager, person=person, reason=DEMO_RESTRICTION_REASON, named_users=[practitioner])
    return person

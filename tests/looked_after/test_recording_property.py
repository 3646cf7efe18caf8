"""Right first time, as a property: whatever the recording services accept exports with zero DfE errors.

Hypothesis draws children and random sequences of recording actions with random dates and codes,
valid or not (every code of every list, whichever year it belongs to), and drives them through the
services exactly as the pages do. Refusals are expected and ignored; what was accepted is exported
for every supported year and run through the DfE validator (csc-validator-be-903 in .venv-903).
The run is derandomised so CI is repeatable; ``HYPOTHESIS_EXAMPLES=200`` explores further locally.
"""

import os
from datetime import date, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck as HypothesisHealthCheck
from hypothesis import Phase, event, given, settings
from hypothesis import strategies as st

from casework.accounts.models import Role
from casework.cases import services as case_services
from casework.core.codes import ServiceType, SocialWorkerChangeReason
from casework.core.identifiers import upn_check_letter
from casework.looked_after import codes, rules, services
from casework.looked_after.export import build_return
from casework.looked_after.models import HealthCheck, LookedAfterChild
from casework.looked_after.validation import (
    HISTORY_BLIND_RULES,
    LEFT_CARE_MISREAD_RULES,
    OPEN_MISSING_MISREAD_RULES,
    PERIOD_END_MISREAD_RULES,
    WORKER_CHANGE_MISREAD_RULES,
    confirm_against_history,
    validate_directory,
)
from casework.people import services as people_services
from casework.registration import services as registration_services

# The services' "today" is moved to after the end of 2026/27, so every supported year is a complete
# return (an unfinished year rightly lacks what is not due yet).
TODAY = date(2027, 5, 1)
EARLIEST = date(2023, 10, 1)
POSTCODES = ["LS1 4AP", "LS2 7UE", "LS6 2AA", "BD1 1AA", "M1 1AE"]
URNS = ["SC123456", "SC654321", "1234567"]


def _all(code_list):
    return st.sampled_from(list(code_list))


any_placement = st.fixed_dictionaries(
    {
        "placement_type": _all(codes.PLACEMENT_TYPE),
        "placement_provider": st.sampled_from(["", *codes.PLACEMENT_PROVIDER]),
        "placement_postcode": st.sampled_from(POSTCODES),
        "urn": st.sampled_from(["", *URNS]),
    }
)
# Mostly what a worker would enter, so that care starts and the later actions have something to
# act on; a third of the time anything at all, so the refusals are exercised too.
usual_placement = st.builds(
    lambda kind, postcode: {**kind, "placement_postcode": postcode},
    st.sampled_from(
        [
            {"placement_type": "U6", "placement_provider": "PR4", "urn": "SC123456"},
            {"placement_type": "U3", "placement_provider": "PR1", "urn": "SC654321"},
            {"placement_type": "U4", "placement_provider": "PR5", "urn": "1234567"},
            {"placement_type": "K2", "placement_provider": "PR4", "urn": "SC654321"},
            {"placement_type": "K2", "placement_provider": "PR1", "urn": "SC123456"},
            {"placement_type": "P1", "placement_provider": "PR0", "urn": ""},
            {"placement_type": "Z1", "placement_provider": "PR4", "urn": ""},
            {"placement_type": "H5", "placement_provider": "PR4", "urn": ""},
            {"placement_type": "K3", "placement_provider": "PR4", "urn": "SC123456"},
        ]
    ),
    st.sampled_from(POSTCODES),
)
placement = st.one_of(usual_placement, usual_placement, any_placement)
legal_status = st.one_of(st.sampled_from(["C1", "C2", "V2", "C1", "V2"]), _all(codes.LEGAL_STATUS))

ACTIONS = st.one_of(
    st.tuples(st.just("change"), placement, legal_status, st.booleans(), _all(codes.REASON_PLACE_CHANGE)),
    st.tuples(st.just("legal"), _all(codes.LEGAL_STATUS)),
    st.tuples(st.just("end"), _all(codes.REASON_EPISODE_CEASED)),
    st.tuples(st.just("restart"), placement, legal_status, _all(codes.PREVIOUS_PERMANENCE)),
    st.tuples(st.just("review"), _all(codes.REVIEW_PARTICIPATION)),
    st.tuples(st.just("visit"), st.booleans(), st.booleans()),
    st.tuples(st.just("health"), st.sampled_from(HealthCheck.Kind.values)),
    st.tuples(st.just("sdq"), st.one_of(st.integers(0, 40), _all(codes.SDQ_REASON))),
    st.tuples(st.just("missing"), _all(codes.MISSING_TYPE), st.integers(0, 40), st.booleans(), st.booleans()),
    st.tuples(st.just("missing_now"), _all(codes.MISSING_TYPE)),
    st.tuples(st.just("missing_return"), st.booleans(), st.booleans()),
    st.tuples(st.just("conviction")),
    st.tuples(st.just("substance"), st.booleans(), st.booleans()),
    st.tuples(st.just("decision")),
    st.tuples(st.just("decision_ceased"), _all(codes.PLACED_FOR_ADOPTION_CEASED)),
    st.tuples(st.just("adoption"), _all(codes.ADOPTER_SEX), _all(codes.ADOPTER_LEGAL_STATUS), st.booleans()),
    st.tuples(st.just("adoptive_placement"), st.sampled_from(["A5", "A6"])),
    st.tuples(st.just("temporary"), st.sampled_from(sorted(codes.TEMPORARY_PLACEMENTS)), st.sampled_from(POSTCODES)),
    st.tuples(st.just("return")),
    st.tuples(st.just("adoption_journey"), st.sampled_from(["E11", "E12"]), _all(codes.ADOPTER_SEX)),
    st.tuples(st.just("leave_at_18"), st.sampled_from(["E5", "E6", "E17", "E13"]), _all(codes.CARE_LEAVER_IN_TOUCH)),
    st.tuples(st.just("dolo"), st.one_of(st.none(), st.integers(1, 120))),
    st.tuples(st.just("dolo_end")),
    st.tuples(st.just("uasc"), st.booleans()),
    st.tuples(st.just("mother")),
    st.tuples(st.just("worker"), _all(SocialWorkerChangeReason)),
    st.tuples(
        st.just("care_leaver"),
        st.integers(17, 21),
        _all(codes.CARE_LEAVER_IN_TOUCH),
        _all(codes.CARE_LEAVER_ACTIVITY),
        _all(codes.CARE_LEAVER_ACCOMMODATION),
        st.booleans(),
    ),
)

CHILD = st.fixed_dictionaries(
    {
        "dob": st.dates(date(2007, 6, 1), date(2024, 6, 1)),
        "sex": st.sampled_from(["M", "F"]),
        "start_offset": st.integers(0, 900),
        "placement": placement,
        "legal_status": legal_status,
        "category_of_need": _all(codes.CATEGORY_OF_NEED),
        "uasc": st.booleans(),
        "steps": st.lists(st.tuples(st.integers(1, 150), ACTIONS), min_size=3, max_size=25),
    }
)


def _upn(n: int) -> str:
    body = f"383{n:09d}"
    return upn_check_letter(body) + body


class Recorder:
    """Plays one child's script through the services; a refusal is simply not recorded."""

    def __init__(self, world, index: int, script: dict):
        self.world = world
        self.manager = world.a.users[Role.TEAM_MANAGER]
        self.workers = [w for w in world.a.workers if w.swe_registration_number]
        self.script = script
        self.index = index
        self.accepted: list[str] = []

    def attempt(self, name, call):
        try:
            call()
        except ValidationError:
            return False
        self.accepted.append(name)
        event(f"accepted: {name}")  # --hypothesis-show-statistics shows what the run exercised
        return True

    def run(self):
        s, manager = self.script, self.manager
        dob = s["dob"]
        start = max(dob + timedelta(days=1), EARLIEST) + timedelta(days=s["start_offset"])
        if start >= TODAY:
            return
        person = people_services.person_create(
            actor=manager,
            given_name="Test",
            family_name=f"Child{self.index}",
            date_of_birth=dob,
            sex=s["sex"],
            ethnicity="WBRI",
            upn=_upn(self.index),
            postcode="LS1 4AP",
        )
        registration_services.registration_start(
            actor=manager,
            person=person,
            start_date=start,
            route="commissioner_referral",
            referred_by=self.world.commissioner,
            named_worker=self.workers[0],
        )
        self.case = case_services.case_open(
            actor=manager,
            person=person,
            service_type=ServiceType.LOOKED_AFTER_CHILD,
            commissioner=self.world.commissioner,
            opened_on=start,
            open_reason="Looked after",
            worker=self.workers[0],
        )
        self.child = services.looked_after_child_create(
            actor=manager, person=person, commissioner=self.world.commissioner, child_id=f"P{self.index:05d}"
        )
        if s["uasc"]:
            self.attempt("uasc", lambda: services.uasc_update(actor=manager, child=self.child, uasc=True))
        if not self.attempt(
            "start",
            lambda: services.care_start(
                actor=manager,
                child=self.child,
                start_date=start,
                legal_status=s["legal_status"],
                category_of_need=s["category_of_need"],
                home_postcode="LS2 7UE",
                is_mother=False if s["sex"] == "F" else None,
                **s["placement"],
            ),
        ):
            return
        day = start
        for gap, action in s["steps"]:
            day += timedelta(days=gap)
            if day > TODAY:
                break
            self.attempt(action[0], lambda d=day, a=action: self.act(d, *a))
        self.end_temporary_placement()
        self.end_short_lived_status()
        self.recode_retired_placements()
        self.leave_care_on_18th_birthday()
        self.questionnaires_when_due()

    def return_to_usual_placement(self, day):
        latest = list(self.child.episodes.order_by("-start_date")[:2])
        if len(latest) < 2 or latest[0].end_date is not None:
            raise ValidationError("no temporary placement to return from")
        current, usual = latest
        services.episode_change(
            actor=self.manager,
            child=self.child,
            change_date=day,
            legal_status=current.legal_status,
            **{f: getattr(usual, f) for f in ("placement_type", "placement_provider", "placement_postcode", "urn")},
        )

    def adoption_journey(self, day, ending, adopters):
        """Decision, placement order, placed with adopters, matched, adopted: the path AD1 reports."""
        m, c = self.manager, self.child
        current = c.episodes.filter(end_date__isnull=True).first()
        if current is None:
            raise ValidationError("not looked after")
        steps = [
            lambda: services.adoption_decision_record(actor=m, child=c, decided_on=day),
            lambda: self.act(day + timedelta(days=20), "legal", "E1"),
            lambda: self.act(day + timedelta(days=60), "adoptive_placement", "A6"),
            lambda: services.adoption_record(
                actor=m,
                child=c,
                matched_on=day + timedelta(days=50),
                by_foster_carers=False,
                number_of_adopters=2 if adopters in ("MM", "FF", "MF") else 1,
                adopter_sex=adopters,
                adopter_legal_status="L11" if adopters == "MF" else ("L12" if adopters in ("MM", "FF") else "L0"),
            ),
            lambda: services.care_end(actor=m, child=c, end_date=day + timedelta(days=200), reason_ceased=ending),
        ]
        for step in steps:
            if not self.attempt("adoption step", step):
                break

    def leave_at_18(self, ending, in_touch):
        """Care ends on the 18th birthday; then contact around each later birthday that has come (OC3)."""
        eighteenth = rules.birthday(self.script["dob"], 18)
        if eighteenth > TODAY:
            raise ValidationError("not 18 yet")
        services.care_end(actor=self.manager, child=self.child, end_date=eighteenth, reason_ceased=ending)
        not_in_touch = in_touch in codes.NOT_IN_TOUCH
        for age in (19, 20, 21):
            turned = rules.birthday(self.script["dob"], age)
            if turned > TODAY:
                break
            self.attempt(
                "care leaver contact",
                lambda a=age, t=turned: services.care_leaver_contact_record(
                    actor=self.manager,
                    child=self.child,
                    birthday_age=a,
                    contacted_on=t,
                    in_touch=in_touch,
                    activity="" if not_in_touch else "F5",
                    accommodation="" if not_in_touch else "U",
                    accommodation_suitable=None if not_in_touch else True,
                ),
            )

    def leave_care_on_18th_birthday(self):
        """What the work tray prompts: a young person still in care on their 18th birthday leaves it then."""
        if self.child.episodes.filter(end_date__isnull=True).exists():
            self.attempt("left at 18", lambda: self.leave_at_18("E5", "YES"))

    def recode_retired_placements(self):
        """What the work tray prompts: a placement whose code the DfE retires (H5, P2, Z1) is recoded
        on 1 April of the first year it is no longer valid in (same carers, 'change in the status of
        the placement only')."""
        current = self.child.episodes.filter(end_date__isnull=True).first()
        if current is None:
            return
        entry = codes.PLACEMENT_TYPE.codes[current.placement_type]
        new_year_day = codes.collection_start(entry.last_year + 1)
        if new_year_day > TODAY or new_year_day <= current.start_date:
            return
        replacement = {"H5": "K3", "P2": "K3", "Z1": "Z14"}[current.placement_type]
        self.attempt(
            "recoded",
            lambda: services.episode_change(
                actor=self.manager,
                child=self.child,
                change_date=new_year_day,
                legal_status=current.legal_status,
                placement_type=replacement,
                placement_provider=current.placement_provider or "PR4",
                placement_postcode=current.placement_postcode,
                urn=current.urn or "SC123456",
                same_carers=True,
                reason_place_change="PLACE",
            ),
        )

    def end_temporary_placement(self):
        """What the work tray prompts: the child goes back to the usual placement within the limit."""
        current = self.child.episodes.filter(end_date__isnull=True).first()
        if current is not None and current.placement_type in codes.TEMPORARY_PLACEMENTS:
            self.attempt("returned", lambda: self.return_to_usual_placement(current.start_date + timedelta(days=1)))

    def questionnaires_when_due(self):
        """What the work tray prompts: an SDQ each year for a child aged 4 to 16 (the return wants
        one for every such child looked after for a year, DfE rule 186)."""
        for period in rules.periods_of_care(self.child.episodes.all()):
            day = period.start_date + timedelta(days=300)
            while day <= min(period.end_date or TODAY, TODAY):
                age = rules.age_on(self.script["dob"], day)
                self.attempt(
                    "sdq_due",
                    lambda d=day, a=age: services.sdq_record(
                        actor=self.manager,
                        child=self.child,
                        assessed_on=d,
                        score=12 if 4 <= a <= 16 else None,
                        reason_not_done="" if 4 <= a <= 16 else "SDQ1",
                    ),
                )
                day += timedelta(days=300)

    def end_short_lived_status(self):
        """What the work tray prompts: police protection, an EPO, a CAO or PACE accommodation ends
        within its limit, so no return shows one still open past it (DfE rules 361-364)."""
        current = self.child.episodes.filter(end_date__isnull=True).first()
        if current is None or current.legal_status not in rules.LEGAL_STATUS_MAXIMUM_DAYS:
            return
        keep = {f: getattr(current, f) for f in ("placement_type", "placement_provider", "placement_postcode", "urn")}
        day = current.start_date + timedelta(days=1)
        self.attempt(
            "status_ends",
            lambda: services.episode_change(
                actor=self.manager,
                child=self.child,
                change_date=day,
                legal_status="C1" if current.placement_type == "P1" else "V2",
                same_carers=True,
                **keep,
            ),
        )

    def act(self, day, kind, *args):  # noqa: C901 (one branch per kind of action, read as a table)
        m, c = self.manager, self.child
        if kind == "change":
            place, legal, same, reason = args
            services.episode_change(
                actor=m,
                child=c,
                change_date=day,
                legal_status=legal,
                same_carers=same,
                reason_place_change=reason,
                **place,
            )
        elif kind in ("legal", "adoptive_placement"):
            current = c.episodes.filter(end_date__isnull=True).first()
            if current is None:
                raise ValidationError("not looked after")
            keep = {
                f: getattr(current, f) for f in ("placement_type", "placement_provider", "placement_postcode", "urn")
            }
            legal = current.legal_status
            if kind == "legal":
                legal = args[0]
            else:
                keep["placement_type"] = args[0]
            services.episode_change(
                actor=m,
                child=c,
                change_date=day,
                legal_status=legal,
                same_carers=kind == "legal" or args[0] == "A5",
                reason_place_change="CARPL",
                **keep,
            )
        elif kind == "temporary":
            current = c.episodes.filter(end_date__isnull=True).first()
            if current is None:
                raise ValidationError("not looked after")
            services.episode_change(
                actor=m,
                child=c,
                change_date=day,
                legal_status=current.legal_status,
                placement_type=args[0],
                placement_postcode=args[1],
            )
        elif kind == "return":
            self.return_to_usual_placement(day)
        elif kind == "adoption_journey":
            self.adoption_journey(day, *args)
        elif kind == "leave_at_18":
            self.leave_at_18(*args)
        elif kind == "end":
            services.care_end(actor=m, child=c, end_date=day, reason_ceased=args[0])
        elif kind == "restart":
            place, legal, prev = args
            services.care_start(
                actor=m,
                child=c,
                start_date=day,
                legal_status=legal,
                category_of_need="N1",
                previous_permanence=prev,
                permanence_arranged_by="383",
                permanence_order_date=(day - timedelta(days=60)).strftime("ZZ/%m/%Y"),
                **place,
            )
        elif kind == "review":
            services.review_record(actor=m, child=c, review_date=day, participation=args[0])
        elif kind == "visit":
            services.visit_record(actor=m, child=c, visit_date=day, child_seen=args[0], seen_alone=args[1])
        elif kind == "health":
            services.health_check_record(actor=m, child=c, kind=args[0], check_date=day)
        elif kind == "sdq":
            value = args[0]
            score, reason = (value, "") if isinstance(value, int) else (None, value)
            services.sdq_record(actor=m, child=c, assessed_on=day, score=score, reason_not_done=reason)
        elif kind == "missing":
            missing_kind, length, offered, accepted = args
            services.missing_record(
                actor=m,
                child=c,
                kind=missing_kind,
                start_date=day,
                end_date=day + timedelta(days=length),
                return_interview_offered=offered,
                return_interview_accepted=accepted,
            )
        elif kind == "missing_now":
            services.missing_record(actor=m, child=c, kind=args[0], start_date=day)
        elif kind == "missing_return":
            offered, accepted = args
            services.missing_return(
                actor=m, child=c, end_date=day, return_interview_offered=offered, return_interview_accepted=accepted
            )
        elif kind == "conviction":
            services.conviction_record(actor=m, child=c, convicted_on=day)
        elif kind == "substance":
            services.substance_misuse_record(
                actor=m, child=c, identified_on=day, intervention_received=args[0], intervention_offered_refused=args[1]
            )
        elif kind == "decision":
            services.adoption_decision_record(actor=m, child=c, decided_on=day)
        elif kind == "decision_ceased":
            services.adoption_decision_cease(actor=m, child=c, ceased_on=day, ceased_reason=args[0])
        elif kind == "adoption":
            sex, legal, foster = args
            services.adoption_record(
                actor=m,
                child=c,
                matched_on=day,
                by_foster_carers=foster,
                number_of_adopters=2 if sex in ("MM", "FF", "MF") else 1,
                adopter_sex=sex,
                adopter_legal_status=legal,
            )
        elif kind == "dolo":
            length = args[0]
            services.deprivation_of_liberty_record(
                actor=m, child=c, start_date=day, end_date=None if length is None else day + timedelta(days=length)
            )
        elif kind == "dolo_end":
            services.deprivation_of_liberty_end(actor=m, child=c, end_date=day)
        elif kind == "uasc":
            services.uasc_update(actor=m, child=c, uasc=True, uasc_ceased=day if args[0] else None)
        elif kind == "mother":
            services.mother_update(actor=m, child=c, is_mother=True, mother_child_dob=day)
        elif kind == "worker":
            current = self.case.allocations.get(end_date__isnull=True).worker
            other = next(w for w in self.workers if w.pk != current.pk)
            case_services.allocation_change(
                actor=m, case=self.case, worker=other, start_date=day, change_reason=args[0]
            )
        elif kind == "care_leaver":
            age, in_touch, activity, accommodation, suitable = args
            services.care_leaver_contact_record(
                actor=m,
                child=c,
                birthday_age=age,
                contacted_on=day,
                in_touch=in_touch,
                activity="" if in_touch in codes.NOT_IN_TOUCH else activity,
                accommodation="" if in_touch in codes.NOT_IN_TOUCH else accommodation,
                accommodation_suitable=None if in_touch in codes.NOT_IN_TOUCH else suitable,
            )


def _validate_every_year(world) -> dict:
    children = LookedAfterChild.objects.filter(commissioner=world.commissioner)
    found = {}
    with TemporaryDirectory() as tmp:
        tmp = os.environ.get("KEEP_903_FILES", tmp)  # to look at the files of a failing example
        previous = None
        for year in codes.SUPPORTED_YEARS:
            directory = Path(tmp) / str(year)
            build_return(children=children, year=year).write(directory)
            result = validate_directory(directory, year=year, authority="E08000035", previous=previous)
            confirm_against_history(result, children=children)
            set_aside = {e["code"] for e in result.confirmed_by_history}
            misread = (
                PERIOD_END_MISREAD_RULES
                | WORKER_CHANGE_MISREAD_RULES
                | OPEN_MISSING_MISREAD_RULES
                | LEFT_CARE_MISREAD_RULES
            )
            assert set_aside <= HISTORY_BLIND_RULES | misread, set_aside
            if result.errors:
                found[year] = [
                    (e["code"], e.get("child"), e.get("message", "")[:150], e.get("table")) for e in result.errors[:8]
                ]
            previous = directory
    return found


EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "10"))


@pytest.mark.django_db
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 10,
    database=None,
    # an example runs the DfE validator three times: shrinking would take many minutes, and the
    # failure message already names each error's rule, child and the actions accepted for it
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HypothesisHealthCheck.function_scoped_fixture, HypothesisHealthCheck.too_slow],
)
@given(scripts=st.lists(CHILD, min_size=4, max_size=8))
def test_whatever_the_services_accept_exports_with_zero_dfe_errors(world, scripts):
    # each example starts from the same world: its children are rolled back afterwards
    with transaction.atomic(), mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        recorders = []
        for index, script in enumerate(scripts):
            recorder = Recorder(world, index, script)
            recorder.run()
            recorders.append(recorder)
        errors = _validate_every_year(world)
        accepted = [(r.child.child_id, r.accepted) for r in recorders if hasattr(r, "child")]
        transaction.set_rollback(True)
    report = [f"{year} {e}" for year, found in errors.items() for e in found] + [f"{c}: {a}" for c, a in accepted]
    assert errors == {}, "\n".join(report)

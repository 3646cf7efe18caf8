"""Synthetic looked-after children's histories: episodes, reviews, visits, health, missing
episodes, adoptions, care leavers, UASC and deprivation of liberty orders.

Each history is simulated forward in time from the day the child starts to be looked after, so
the records tell one consistent story: a legal status that follows the court process (interim
then full care order, a placement order before an adoptive placement), placement moves with a
reason, reviews and visits at the statutory intervals, health checks on time (mostly), and an
ending that fits the child's age. Only codes valid in every supported collection year are used,
so the same records export cleanly for 2024/25, 2025/26 and 2026/27.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from casework.looked_after import codes, dues, rules
from casework.looked_after.timescales import add_working_days
from casework.people.models import Person
from casework.synthetic.chance import weighted

# Placements used by the seed and who provides them.
FOSTER_PROVIDERS = [("PR1", 60), ("PR4", 30), ("PR5", 10)]
HOME_PROVIDERS = [("PR4", 70), ("PR1", 20), ("PR5", 10)]
CHANGE_REASONS = [
    ("CARPL", 35),
    ("CREQB", 14),
    ("CREQO", 12),
    ("CHILD", 8),
    ("LAREQ", 8),
    ("STAND", 4),
    ("ALLEG", 3),
    ("CLOSE", 4),
    ("APPRR", 2),
    ("OTHER", 10),
]


def _days(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randint(low, max(low, high)))


@dataclass
class History:
    episodes: list[dict] = field(default_factory=list)
    reviews: list[dict] = field(default_factory=list)
    visits: list[dict] = field(default_factory=list)
    health_checks: list[dict] = field(default_factory=list)
    sdqs: list[dict] = field(default_factory=list)
    substance: list[dict] = field(default_factory=list)
    convictions: list[dict] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)
    decisions: list[dict] = field(default_factory=list)
    adoption: dict | None = None
    previous_permanence: dict | None = None
    care_leaver_contacts: list[dict] = field(default_factory=list)
    deprivations: list[dict] = field(default_factory=list)
    uasc: bool = False
    uasc_ceased: date | None = None
    is_mother: bool | None = None
    mother_child_dob: date | None = None


class ChildHistory:
    """Simulates one period of care from ``start`` to ``end`` (None: still looked after on ``as_of``)."""

    def __init__(self, rng, *, dob, sex, start, end, leaving, as_of, home_postcode, near, far, la_number, uasc=False):
        self.rng = rng
        self.dob = dob
        self.sex = sex
        self.start = start
        self.end = end
        self.leaving = leaving  # "adopted", "home", "eighteen", "moved", "other" or None when still in care
        self.as_of = as_of
        self.home_postcode = home_postcode
        self.near = near
        self.near_set = frozenset(near)
        self.far = far
        self.history = History(uasc=uasc)
        self.la_number = la_number
        self.urns: dict[str, str] = {}

    def age(self, on: date) -> int:
        return rules.age_on(self.dob, on)

    # -- placements ----------------------------------------------------------------------
    def _urn(self, placement_postcode: str) -> str:
        if placement_postcode not in self.urns:
            self.urns[placement_postcode] = f"SC{self.rng.randint(100000, 999999)}"
        return self.urns[placement_postcode]

    def _placement(self, on: date, *, adoptive: str | None = None) -> dict:
        rng = self.rng
        age = self.age(on)
        if adoptive:
            place = adoptive
        elif age >= 12 and rng.random() < 0.28:
            place = "K2"
        elif rng.random() < 0.22:
            place = "U3"  # family and friends
        else:
            place = "U6"
        postcode = rng.choice(self.far if rng.random() < 0.12 and self.far else self.near)
        while postcode == self.home_postcode:
            # never the child's home postcode (DfE rule 392d: only P1, placed with parents, may share
            # it); drawn again only then, so every other history is the same as before
            postcode = rng.choice(self.near)
        far = postcode not in self.near_set
        if far:
            provider = weighted(rng, [("PR4", 70), ("PR5", 20), ("PR2", 10)])  # not the authority's own
        elif place in codes.ADOPTION_PLACEMENTS:
            provider = weighted(rng, [("PR1", 60), ("PR2", 25), ("PR5", 15)])
        elif place == "K2":
            provider = weighted(rng, HOME_PROVIDERS)
        else:
            provider = weighted(rng, FOSTER_PROVIDERS)
        return {
            "placement_type": place,
            "placement_provider": provider,
            "placement_postcode": postcode,
            "urn": self._urn(postcode) if codes.needs_urn(place) else "",
        }

    # -- episodes ------------------------------------------------------------------------
    def _add_episode(self, start: date, rne: str, legal_status: str, cin: str, placement: dict):
        if self.history.episodes:
            self.history.episodes[-1]["end_date"] = start
            self.history.episodes[-1]["reason_ceased"] = "X1"
            if rne in ("P", "T", "B", "U"):
                self.history.episodes[-1]["reason_place_change"] = weighted(self.rng, CHANGE_REASONS)
        self.history.episodes.append(
            {
                "start_date": start,
                "reason_new_episode": rne,
                "legal_status": legal_status,
                "category_of_need": cin,
                "home_postcode": self.home_postcode,
                "end_date": None,
                "reason_ceased": "",
                "reason_place_change": "",
                **placement,
            }
        )

    def episodes(self):
        rng = self.rng
        last_day = self.end or self.as_of
        cin = (
            "N8"
            if self.history.uasc
            else weighted(rng, [("N1", 62), ("N4", 8), ("N5", 14), ("N2", 4), ("N3", 4), ("N6", 2), ("N8", 6)])
        )
        young = self.age(self.start) < 5
        adopting = self.leaving == "adopted"
        legal = "V2" if self.history.uasc or self.age(self.start) >= 15 else weighted(rng, [("V2", 40), ("C1", 60)])
        if adopting:
            legal = "C1"
        day = self.start
        self._add_episode(day, "S", legal, cin, self._placement(day))
        # court process: interim to full care order after 4 to 10 months
        events = []
        if legal == "C1":
            events.append((self.start + _days(rng, 120, 300), "legal", "C2"))
        if adopting:
            placement_order = self.start + _days(rng, 330, 420)
            events.append((placement_order, "legal", "E1"))
            events.append((placement_order + _days(rng, 60, 150), "adoptive", None))
        moves = rng.choices([0, 1, 2, 3, 4], weights=[40, 30, 17, 9, 4])[0]
        span = (last_day - self.start).days
        for _ in range(moves):
            if span > 60:
                events.append((self.start + timedelta(days=rng.randint(30, span - 20)), "move", None))
        events.sort(key=lambda e: e[0])
        adoptive_from = None
        for when, kind, value in events:
            current = self.history.episodes[-1]
            if when <= current["start_date"] or when >= last_day:
                continue
            if adoptive_from is not None:
                break  # nothing changes once placed for adoption
            if kind == "legal":
                self._add_episode(when, "L", value, cin, self._carry(current))
            elif kind == "adoptive":
                place = "A5" if current["placement_type"] in codes.FOSTER_PLACEMENTS and rng.random() < 0.2 else "A6"
                placement = self._placement(when, adoptive=place)
                rne = "T" if place == "A5" else "P"
                if place == "A5":
                    placement["placement_postcode"] = current["placement_postcode"]
                    placement["urn"] = current["urn"]
                self._add_episode(when, rne, current["legal_status"], cin, placement)
                adoptive_from = when
            else:
                placement = self._placement(when)
                while placement["placement_postcode"] == current["placement_postcode"]:
                    placement = self._placement(when)  # a move is to somewhere else
                self._add_episode(when, "P", current["legal_status"], cin, placement)
        if self.end is not None:
            last = self.history.episodes[-1]
            last["end_date"] = self.end
            last["reason_ceased"] = self._ending(last, adoptive_from is not None)
        self.adoptive_from = adoptive_from
        self.young = young

    @staticmethod
    def _carry(episode: dict) -> dict:
        return {k: episode[k] for k in ("placement_type", "placement_provider", "placement_postcode", "urn")}

    def _ending(self, last: dict, adopted: bool) -> str:
        rng = self.rng
        if adopted:
            return rng.choice(["E11", "E12"])
        if self.leaving == "eighteen":
            return weighted(rng, [("E17", 25), ("E5", 45), ("E6", 15), ("E13", 10), ("E8", 5)])
        if self.leaving == "moved":
            return "E3"
        endings = [("E4A", 40), ("E13", 20), ("E41", 10), ("E45", 12), ("E47", 8), ("E8", 10)]
        return weighted(rng, [(code, w) for code, w in endings if not rules.ending_problem(code, last)])

    # -- everything that hangs off the episodes -------------------------------------------
    def reviews_and_visits(self):
        rng = self.rng
        last_day = min(self.end or self.as_of, self.as_of)
        due = add_working_days(self.start, 20)
        review_dates = []
        on = self.start + timedelta(days=rng.randint(5, 26))
        on = min(on, due) if rng.random() < 0.9 else on
        gap_months = [3] + [6] * 40
        i = 0
        while on < last_day:
            review_dates.append(on)
            on = on + timedelta(
                days=int(gap_months[i] * 30.4) - rng.randint(0, 20) + (rng.randint(0, 25) if rng.random() < 0.08 else 0)
            )
            i += 1
        for when in review_dates:
            age = self.age(when)
            code = (
                "PN0"
                if age < 4
                else weighted(
                    rng, [("PN1", 55), ("PN2", 8), ("PN3", 5), ("PN4", 7), ("PN5", 10), ("PN6", 5), ("PN7", 10)]
                )
            )
            self.history.reviews.append({"review_date": when, "participation": code})
        on = self.start + timedelta(days=rng.randint(1, 7))
        while on < last_day:
            seen = rng.random() < 0.95
            self.history.visits.append(
                {"visit_date": on, "child_seen": seen, "seen_alone": seen and self.age(on) >= 8 and rng.random() < 0.7}
            )
            first_year = (on - self.start).days < 365
            on += timedelta(days=rng.randint(28, 42) if first_year else rng.randint(45, 88))

    def health(self):
        rng = self.rng
        last_day = min(self.end or self.as_of, self.as_of)
        on = self.start + timedelta(days=rng.randint(10, 28))
        while on < last_day:
            age = self.age(on)
            kept_up = rng.random() < 0.9
            if kept_up:
                self.history.health_checks.append({"kind": "health_assessment", "check_date": on})
            if age >= 1 and rng.random() < 0.85:
                self.history.health_checks.append(
                    {"kind": "dental_check", "check_date": on + timedelta(days=rng.randint(0, 60))}
                )
            if rng.random() < 0.88:
                self.history.health_checks.append({"kind": "immunisations", "check_date": on})
            if age < 5:
                self.history.health_checks.append({"kind": "development_check", "check_date": on + timedelta(days=1)})
            if 4 <= age <= 16:
                if rng.random() < 0.82:
                    score = min(40, max(0, int(rng.gauss(14, 6))))
                    self.history.sdqs.append({"assessed_on": on, "score": score, "reason_not_done": ""})
                else:
                    reason = weighted(rng, [("SDQ2", 20), ("SDQ3", 10), ("SDQ4", 40), ("SDQ5", 30)])
                    self.history.sdqs.append({"assessed_on": on, "score": None, "reason_not_done": reason})
            if age >= 12 and rng.random() < 0.04:
                self.history.substance.append(
                    {
                        "identified_on": on + timedelta(days=rng.randint(0, 200)),
                        "intervention_received": rng.random() < 0.6,
                        "intervention_offered_refused": rng.random() < 0.3,
                    }
                )
            if age >= 12 and rng.random() < 0.03:
                self.history.convictions.append({"convicted_on": on + timedelta(days=rng.randint(0, 300))})
            on += timedelta(days=rng.randint(150, 175) if age < 5 else rng.randint(330, 364))
        self.history.health_checks = [c for c in self.history.health_checks if c["check_date"] < last_day]
        self.history.substance = [s for s in self.history.substance if s["identified_on"] < last_day]
        self.history.convictions = [c for c in self.history.convictions if c["convicted_on"] < last_day]

    def missing(self):
        rng = self.rng
        last_day = min(self.end or self.as_of, self.as_of)
        if self.age(last_day) < 11 or rng.random() > 0.14:
            return
        on = max(self.start, rules.birthday(self.dob, 11)) + timedelta(days=rng.randint(20, 200))
        while on < last_day - timedelta(days=5):
            length = rng.choice([0, 1, 1, 2, 3, 5])
            ended = on + timedelta(days=length)
            offered = rng.random() < 0.9
            self.history.missing.append(
                {
                    "kind": "M" if rng.random() < 0.75 else "A",
                    "start_date": on,
                    "end_date": ended,
                    "return_interview_offered": offered,
                    "return_interview_accepted": offered and rng.random() < 0.6,
                }
            )
            on = ended + timedelta(days=rng.randint(14, 160))
        # a missing period ends before the placement it started from does, and not across 31 March
        boundaries = [e["end_date"] for e in self.history.episodes if e["end_date"]]
        self.history.missing = [
            x
            for x in self.history.missing
            if not any(x["start_date"] <= b <= x["end_date"] for b in boundaries)
            and codes.collection_year_of(x["start_date"]) == codes.collection_year_of(x["end_date"])
        ]

    def adoption(self):
        placement_orders = [e for e in self.history.episodes if e["legal_status"] == "E1"]
        if not placement_orders:
            return
        rng = self.rng
        # the decision that the child should be placed for adoption comes before the placement order
        decided = max(placement_orders[0]["start_date"] - _days(rng, 20, 90), self.start + timedelta(days=1))
        self.history.decisions.append({"decided_on": decided, "ceased_on": None, "ceased_reason": ""})
        if self.end is None or self.adoptive_from is None:
            return
        matched = self.adoptive_from - _days(rng, 7, 40)
        matched = max(matched, decided + timedelta(days=1))
        couple = rng.random() < 0.8
        sex = weighted(rng, [("MF", 80), ("FF", 10), ("MM", 10)]) if couple else rng.choice(["F1", "M1"])
        self.history.adoption = {
            "decision_date": decided,
            "matched_on": matched,
            "by_foster_carers": self.history.episodes[-1]["placement_type"] == "A5",
            "number_of_adopters": 2 if couple else 1,
            "adopter_sex": sex,
            "adopter_legal_status": (
                weighted(rng, [("L12", 70), ("L2", 30)])
                if sex in ("MM", "FF")
                else weighted(rng, [("L11", 80), ("L2", 20)])
                if couple
                else "L0"
            ),
        }

    def previous_permanence(self):
        rng = self.rng
        option = weighted(rng, [("Z1", 84), ("P2", 8), ("P3", 5), ("P1", 3)])
        order_date, arranged_by = "", ""
        if option != "Z1" and (self.start - self.dob).days > 100:
            # a month before care began at the latest, so a partial date (ZZ for the day) is still before it
            made = self.dob + timedelta(days=rng.randint(30, (self.start - self.dob).days - 40))
            order_date = made.strftime("ZZ/%m/%Y" if rng.random() < 0.3 else "%d/%m/%Y")
            arranged_by = self.la_number
        else:
            option = "Z1"
        self.history.previous_permanence = {
            "period_start": self.start,
            "option": option,
            "order_date": order_date,
            "arranged_by": arranged_by,
        }

    def mother(self):
        if self.sex != "F":
            return
        age = self.age(min(self.end or self.as_of, self.as_of))
        self.history.is_mother = False
        # Only girls who stay in care are seeded as mothers: for one who then leaves care, DfE rules
        # 612, 624 and 628 contradict each other (docs/looked-after.md).
        if age >= 12 and self.end is None:
            if age >= 15 and self.rng.random() < 0.03:
                self.history.is_mother = True
                self.history.mother_child_dob = max(rules.birthday(self.dob, 15), self.start) + _days(self.rng, 30, 300)
                if self.history.mother_child_dob > self.as_of:
                    self.history.is_mother, self.history.mother_child_dob = False, None

    def deprivation(self):
        rng = self.rng
        homes = [e for e in self.history.episodes if e["placement_type"] == "K2" and self.age(e["start_date"]) >= 12]
        if not homes or rng.random() > 0.2:
            return
        episode = homes[-1]
        started = episode["start_date"] + _days(rng, 3, 40)
        until = episode["end_date"] or self.as_of
        if started >= until:
            return
        # DoLOs are time-limited orders; the seed records only ones already ended, because DfE rule 707
        # misreads an open order depending on where the child's rows fall in the file
        ended = started + _days(rng, 30, 180)
        if ended < until:
            self.history.deprivations.append({"start_date": started, "end_date": ended})

    def care_leaver_contacts(self):
        """Around each birthday from 19 to 21 (the 18th is the day care ends) after leaving care at 18."""
        if self.leaving != "eighteen":
            return
        rng = self.rng
        for age in (19, 20, 21):
            turned = rules.birthday(self.dob, age)
            if turned > self.as_of:
                break
            in_touch = weighted(rng, [("YES", 88), ("NO", 5), ("REFU", 4), ("NREQ", 3)])
            if in_touch == "YES":
                activity = weighted(
                    rng,
                    [
                        ("F1", 8),
                        ("F2", 18),
                        ("P2", 6),
                        ("F4", 5),
                        ("F5", 20),
                        ("P5", 10),
                        ("G4", 8),
                        ("G5", 20),
                        ("G6", 5),
                    ],
                )
                accommodation = weighted(
                    rng,
                    [
                        ("U", 35),
                        ("Z", 12),
                        ("B", 12),
                        ("D", 14),
                        ("E", 8),
                        ("T", 5),
                        ("K", 4),
                        ("C", 2),
                        ("S", 2),
                        ("X", 2),
                        ("Y", 4),
                    ],
                )
                suitable = False if accommodation in codes.ALWAYS_UNSUITABLE else rng.random() < 0.88
            else:
                activity, accommodation, suitable = "", "", None
            self.history.care_leaver_contacts.append(
                {
                    "birthday_age": age,
                    "contacted_on": turned + _days(rng, -20, 20),
                    "in_touch": in_touch,
                    "activity": activity,
                    "accommodation": accommodation,
                    "accommodation_suitable": suitable,
                }
            )

    def build(self) -> History:
        self.episodes()
        self.reviews_and_visits()
        self.health()
        self.missing()
        self.adoption()
        self.previous_permanence()
        self.mother()
        self.deprivation()
        self.care_leaver_contacts()
        if self.history.uasc:
            eighteen = rules.birthday(self.dob, 18)
            self.history.uasc_ceased = eighteen if eighteen <= self.as_of else None
        return self.history


class LookedAfterWriter:
    """Writes a history for every looked-after-child case the main generator made, in bulk."""

    def __init__(self, generator):
        self.g = generator
        self.rng = random.Random(generator.rng.random())

    def _leaving(self, plan: dict, case, dob: date) -> str | None:
        if plan.get("leaving"):
            return plan["leaving"]
        young = rules.age_on(dob, case.opened_on) < 4
        if case.closed_on is None:
            # some young children still looked after are on their way to adoption
            if young and (self.g.as_of - case.opened_on).days > 400 and self.rng.random() < 0.3:
                return "adopted"
            return None
        return "moved" if case.close_reason == "moved_away" else "home"

    def write(self):
        from casework.looked_after import models as m

        rng = self.rng
        postcodes = {org.pk: pcs for org, _, pcs in self.g.commissioners}
        others = {
            org.pk: [pc for other, _, pcs in self.g.commissioners if other.pk != org.pk for pc in pcs]
            for org, _, _ in self.g.commissioners
        }
        numbers = {org.pk: spec["la_number"] for org, spec, _ in self.g.commissioners}
        counter = {org.pk: 0 for org, _, _ in self.g.commissioners}
        children, histories, upn_updates = [], [], []
        seen = set()
        for plan, case in zip(self.g.case_plans, self.g.cases):
            if case.service_type != "lac":
                continue
            person = plan["person"]
            key = (case.commissioner_id, person.pk)
            if key in seen:
                continue
            seen.add(key)
            age_at_start = rules.age_on(person.date_of_birth, case.opened_on)
            uasc = age_at_start >= 14 and rng.random() < (0.4 if person.sex == "M" else 0.08)
            history = ChildHistory(
                rng,
                dob=person.date_of_birth,
                sex=person.sex,
                start=case.opened_on,
                end=case.closed_on,
                leaving=self._leaving(plan, case, person.date_of_birth),
                as_of=self.g.as_of,
                home_postcode="" if uasc else person.postcode,  # no home address in England
                la_number=numbers[case.commissioner_id],
                near=postcodes[case.commissioner_id],
                far=others[case.commissioner_id],
                uasc=uasc,
            ).build()
            counter[case.commissioner_id] += 1
            if not person.upn and rules.age_on(person.date_of_birth, self.g.as_of) >= 5:
                # a school-age child without a UPN is recorded with the reason it is unknown
                person.upn = "UN3" if uasc else rng.choice(["UN2", "UN5"])
                upn_updates.append(person)
            children.append(
                m.LookedAfterChild(
                    organisation_id=case.organisation_id,
                    person=person,
                    commissioner_id=case.commissioner_id,
                    child_id=f"{numbers[case.commissioner_id]}{counter[case.commissioner_id]:07d}",
                    is_mother=history.is_mother,
                    mother_child_dob=history.mother_child_dob,
                    uasc=history.uasc,
                    uasc_ceased=history.uasc_ceased,
                )
            )
            histories.append((case, history))
        m.LookedAfterChild.objects.bulk_create(children, batch_size=2000)
        Person.objects.bulk_update(upn_updates, ["upn"], batch_size=2000)
        rows = {
            name: []
            for name in (
                "Episode",
                "Review",
                "Visit",
                "HealthCheck",
                "StrengthsDifficulties",
                "SubstanceMisuse",
                "Conviction",
                "MissingEpisode",
                "AdoptionDecision",
                "Adoption",
                "PreviousPermanence",
                "CareLeaverContact",
                "DeprivationOfLiberty",
            )
        }
        for child, (case, h) in zip(children, histories):
            common = {"organisation_id": case.organisation_id, "child": child}
            rows["Episode"] += [m.Episode(case=case, **common, **e) for e in h.episodes]
            rows["Review"] += [m.Review(**common, **r) for r in h.reviews]
            rows["Visit"] += [m.Visit(**common, **v) for v in h.visits]
            rows["HealthCheck"] += [m.HealthCheck(**common, **c) for c in h.health_checks]
            rows["StrengthsDifficulties"] += [m.StrengthsDifficulties(**common, **s) for s in h.sdqs]
            rows["SubstanceMisuse"] += [m.SubstanceMisuse(**common, **s) for s in h.substance]
            rows["Conviction"] += [m.Conviction(**common, **c) for c in h.convictions]
            rows["MissingEpisode"] += [m.MissingEpisode(**common, **x) for x in h.missing]
            rows["AdoptionDecision"] += [m.AdoptionDecision(**common, **d) for d in h.decisions]
            if h.adoption:
                rows["Adoption"].append(m.Adoption(**common, **h.adoption))
            if h.previous_permanence:
                rows["PreviousPermanence"].append(m.PreviousPermanence(**common, **h.previous_permanence))
            rows["CareLeaverContact"] += [m.CareLeaverContact(**common, **c) for c in h.care_leaver_contacts]
            rows["DeprivationOfLiberty"] += [m.DeprivationOfLiberty(**common, **d) for d in h.deprivations]
        for name, objects in rows.items():
            getattr(m, name).objects.bulk_create(objects, batch_size=2000)
        # the stored due dates, by the same function the services use
        dues.refresh([child.pk for child in children])
        self.g.summary.looked_after_children = len(children)
        self.g.summary.episodes = len(rows["Episode"])

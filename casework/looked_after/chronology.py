"""The looked-after records in a person's chronology: one kind reading each model in one query,
through ``access.scoped`` (so only the recording practice's rows, and none about a person
restricted from the reader). The person's looked-after records are read first; someone with none
(four people in five) costs that one query, not one per model. Titles are in words; a DfE code is
shown by its meaning.

Each kind reads only the fields its entries show (named rows, not model objects), except the
missing episodes, read whole and left in ``read`` for the person page's "missing now" banner; the
child records come from ``read`` when the page has read them already."""

from casework.core import chronology
from casework.core.chronology import Entry, rows_about, scoped_about
from casework.looked_after import codes
from casework.looked_after.models import (
    Adoption,
    AdoptionDecision,
    CareLeaverContact,
    Conviction,
    DeprivationOfLiberty,
    Episode,
    HealthCheck,
    LookedAfterChild,
    MissingEpisode,
    PreviousPermanence,
    Review,
    StrengthsDifficulties,
    SubstanceMisuse,
    Visit,
)

KIND = "looked-after"
EPISODE_TITLES = {
    "S": "Started to be looked after",
    "L": "Legal status changed",
    "P": "Placement changed",
    "T": "Placement changed (same carers)",
    "B": "Placement and legal status changed",
    "U": "Placement and legal status changed (same carers)",
}


def _rows(actor, person, model, children: list[int], *fields: str):
    # every looked-after row carries its child's organisation (the services and the 903 import write
    # it so), so the person's child records in scope name every row of theirs in scope; only the
    # fields the entries show, in no order (the chronology sorts them)
    rows = scoped_about(actor, person, model).filter(child_id__in=children).order_by()
    return rows.values_list("pk", *fields, named=True)


def _entry(day, title: str, row, detail: str = "", order: int = 5) -> Entry:
    return Entry(day, KIND, title, detail, (order, row.pk))


def child_entries(children: list[LookedAfterChild]) -> list[Entry]:
    entries = []
    for child in children:
        if child.uasc_ceased:
            entries.append(_entry(child.uasc_ceased, "No longer an unaccompanied asylum-seeking child", child))
        if child.is_mother and child.mother_child_dob:
            entries.append(_entry(child.mother_child_dob, "Her first child was born", child))
    return entries


def episode_entries(*, actor, person, children) -> list[Entry]:
    entries = []
    for e in _rows(
        actor,
        person,
        Episode,
        children,
        "start_date",
        "end_date",
        "reason_new_episode",
        "legal_status",
        "placement_type",
        "reason_ceased",
    ):
        placement = codes.PLACEMENT_TYPE.label(e.placement_type)
        detail = f"{codes.LEGAL_STATUS.label(e.legal_status)}. Placement: {placement}"
        title = EPISODE_TITLES.get(e.reason_new_episode, "New episode of care")
        entries.append(_entry(e.start_date, title, e, detail, order=1))
        if e.end_date and e.reason_ceased != "X1":  # X1 is the change the next episode shows
            entries.append(
                _entry(
                    e.end_date, "Stopped being looked after", e, codes.REASON_EPISODE_CEASED.label(e.reason_ceased), 8
                )
            )
    return entries


def review_entries(*, actor, person, children) -> list[Entry]:
    return [
        _entry(r.review_date, "Looked-after review", r, codes.REVIEW_PARTICIPATION.label(r.participation))
        for r in _rows(actor, person, Review, children, "review_date", "participation")
    ]


def visit_entries(*, actor, person, children) -> list[Entry]:
    def seen(v):
        return "child seen alone" if v.seen_alone else "child seen" if v.child_seen else "child not seen"

    return [
        _entry(v.visit_date, f"Visit: {seen(v)}", v)
        for v in _rows(actor, person, Visit, children, "visit_date", "child_seen", "seen_alone")
    ]


def health_entries(*, actor, person, children) -> list[Entry]:
    kinds = dict(HealthCheck.Kind.choices)
    return [
        _entry(h.check_date, kinds.get(h.kind, h.kind), h)
        for h in _rows(actor, person, HealthCheck, children, "check_date", "kind")
    ]


def sdq_entries(*, actor, person, children) -> list[Entry]:
    def result(s):
        return f"score {s.score}" if s.score is not None else codes.SDQ_REASON.label(s.reason_not_done)

    return [
        _entry(s.assessed_on, f"Strengths and Difficulties Questionnaire: {result(s)}", s)
        for s in _rows(actor, person, StrengthsDifficulties, children, "assessed_on", "score", "reason_not_done")
    ]


def substance_misuse_entries(*, actor, person, children) -> list[Entry]:
    def intervention(s):
        if s.intervention_received:
            return "Intervention received"
        return "Intervention offered and refused" if s.intervention_offered_refused else ""

    return [
        _entry(s.identified_on, "Substance misuse identified", s, intervention(s))
        for s in _rows(
            actor,
            person,
            SubstanceMisuse,
            children,
            "identified_on",
            "intervention_received",
            "intervention_offered_refused",
        )
    ]


def conviction_entries(*, actor, person, children) -> list[Entry]:
    return [
        _entry(c.convicted_on, "Convicted, given a final warning or a youth caution", c)
        for c in _rows(actor, person, Conviction, children, "convicted_on")
    ]


def missing_entries(episodes: list[MissingEpisode]) -> list[Entry]:
    entries = []
    for m in episodes:
        went = "Went missing" if m.kind == "M" else "Away from placement without permission"
        entries.append(_entry(m.start_date, went, m, codes.MISSING_TYPE.label(m.kind), order=3))
        if m.end_date:
            entries.append(_entry(m.end_date, "Came back", m, return_interview_words(m), order=4))
    return entries


def return_interview_words(m: MissingEpisode) -> str:
    if not m.return_interview_offered:
        return "Return interview not offered" if m.return_interview_offered is False else ""
    return "Return interview offered and " + ("accepted" if m.return_interview_accepted else "not accepted")


def adoption_decision_entries(*, actor, person, children) -> list[Entry]:
    entries = []
    for d in _rows(actor, person, AdoptionDecision, children, "decided_on", "ceased_on", "ceased_reason"):
        entries.append(_entry(d.decided_on, "Decision that the child should be placed for adoption", d))
        if d.ceased_on:
            reason = codes.PLACED_FOR_ADOPTION_CEASED.label(d.ceased_reason)
            entries.append(_entry(d.ceased_on, "Decision to place for adoption ceased", d, reason, order=6))
    return entries


def adoption_entries(*, actor, person, children) -> list[Entry]:
    return [
        _entry(a.matched_on, "Matched with adopters", a, "By their foster carers" if a.by_foster_carers else "")
        for a in _rows(actor, person, Adoption, children, "matched_on", "by_foster_carers")
    ]


def previous_permanence_entries(*, actor, person, children) -> list[Entry]:
    return [
        _entry(p.period_start, "Permanence before this period of care", p, codes.PREVIOUS_PERMANENCE.label(p.option), 2)
        for p in _rows(actor, person, PreviousPermanence, children, "period_start", "option")
    ]


def care_leaver_entries(*, actor, person, children) -> list[Entry]:
    return [
        _entry(
            c.contacted_on,
            f"Care leaver contact around the {c.birthday_age}th birthday",
            c,
            codes.CARE_LEAVER_IN_TOUCH.label(c.in_touch),
        )
        for c in _rows(actor, person, CareLeaverContact, children, "contacted_on", "birthday_age", "in_touch")
    ]


def deprivation_of_liberty_entries(*, actor, person, children) -> list[Entry]:
    entries = []
    for d in _rows(actor, person, DeprivationOfLiberty, children, "start_date", "end_date"):
        entries.append(_entry(d.start_date, "Deprivation of liberty order made", d))
        if d.end_date:
            entries.append(_entry(d.end_date, "Deprivation of liberty order ended", d, order=7))
    return entries


SOURCES = (
    (Episode, episode_entries),
    (Review, review_entries),
    (Visit, visit_entries),
    (HealthCheck, health_entries),
    (StrengthsDifficulties, sdq_entries),
    (SubstanceMisuse, substance_misuse_entries),
    (Conviction, conviction_entries),
    (AdoptionDecision, adoption_decision_entries),
    (Adoption, adoption_entries),
    (PreviousPermanence, previous_permanence_entries),
    (CareLeaverContact, care_leaver_entries),
    (DeprivationOfLiberty, deprivation_of_liberty_entries),
)


def looked_after_entries(*, actor, person, read) -> list[Entry]:
    children = rows_about(actor, person, LookedAfterChild, read, lambda rows: rows.filter(person=person))
    if not children:
        return []
    ids = [child.pk for child in children]
    entries = child_entries(children)
    # read whole and left in ``read``: the person page's "missing now" banner is those with no return
    entries += missing_entries(
        rows_about(actor, person, MissingEpisode, read, lambda rows: rows.filter(child_id__in=ids))
    )
    for _, source in SOURCES:
        entries += source(actor=actor, person=person, children=ids)
    return entries


chronology.register(
    "looked_after",
    models=[LookedAfterChild, MissingEpisode, *(model for model, _ in SOURCES)],
    source=looked_after_entries,
)

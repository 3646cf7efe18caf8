"""The looked-after records in a person's chronology: one kind reading each model in one query,
through ``access.scoped`` (so only the recording practice's rows, and none about a person
restricted from the reader). The person's looked-after records are read first; someone with none
(four people in five) costs that one query, not one per model. Titles are in words; a DfE code is
shown by its meaning."""

from casework.core import chronology
from casework.core.chronology import Entry, scoped_about
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


def _rows(actor, person, model, children: list[int]):
    # every looked-after row carries its child's organisation (the services and the 903 import write
    # it so), so the person's child records in scope name every row of theirs in scope
    return scoped_about(actor, person, model).filter(child_id__in=children)


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
    for e in _rows(actor, person, Episode, children):
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
        for r in _rows(actor, person, Review, children)
    ]


def visit_entries(*, actor, person, children) -> list[Entry]:
    def seen(v):
        return "child seen alone" if v.seen_alone else "child seen" if v.child_seen else "child not seen"

    return [_entry(v.visit_date, f"Visit: {seen(v)}", v) for v in _rows(actor, person, Visit, children)]


def health_entries(*, actor, person, children) -> list[Entry]:
    return [_entry(h.check_date, h.get_kind_display(), h) for h in _rows(actor, person, HealthCheck, children)]


def sdq_entries(*, actor, person, children) -> list[Entry]:
    def result(s):
        return f"score {s.score}" if s.score is not None else codes.SDQ_REASON.label(s.reason_not_done)

    return [
        _entry(s.assessed_on, f"Strengths and Difficulties Questionnaire: {result(s)}", s)
        for s in _rows(actor, person, StrengthsDifficulties, children)
    ]


def substance_misuse_entries(*, actor, person, children) -> list[Entry]:
    def intervention(s):
        if s.intervention_received:
            return "Intervention received"
        return "Intervention offered and refused" if s.intervention_offered_refused else ""

    return [
        _entry(s.identified_on, "Substance misuse identified", s, intervention(s))
        for s in _rows(actor, person, SubstanceMisuse, children)
    ]


def conviction_entries(*, actor, person, children) -> list[Entry]:
    return [
        _entry(c.convicted_on, "Convicted, given a final warning or a youth caution", c)
        for c in _rows(actor, person, Conviction, children)
    ]


def missing_entries(*, actor, person, children) -> list[Entry]:
    entries = []
    for m in _rows(actor, person, MissingEpisode, children):
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
    for d in _rows(actor, person, AdoptionDecision, children):
        entries.append(_entry(d.decided_on, "Decision that the child should be placed for adoption", d))
        if d.ceased_on:
            reason = codes.PLACED_FOR_ADOPTION_CEASED.label(d.ceased_reason)
            entries.append(_entry(d.ceased_on, "Decision to place for adoption ceased", d, reason, order=6))
    return entries


def adoption_entries(*, actor, person, children) -> list[Entry]:
    return [
        _entry(a.matched_on, "Matched with adopters", a, "By their foster carers" if a.by_foster_carers else "")
        for a in _rows(actor, person, Adoption, children)
    ]


def previous_permanence_entries(*, actor, person, children) -> list[Entry]:
    return [
        _entry(p.period_start, "Permanence before this period of care", p, codes.PREVIOUS_PERMANENCE.label(p.option), 2)
        for p in _rows(actor, person, PreviousPermanence, children)
    ]


def care_leaver_entries(*, actor, person, children) -> list[Entry]:
    return [
        _entry(
            c.contacted_on,
            f"Care leaver contact around the {c.birthday_age}th birthday",
            c,
            codes.CARE_LEAVER_IN_TOUCH.label(c.in_touch),
        )
        for c in _rows(actor, person, CareLeaverContact, children)
    ]


def deprivation_of_liberty_entries(*, actor, person, children) -> list[Entry]:
    entries = []
    for d in _rows(actor, person, DeprivationOfLiberty, children):
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
    (MissingEpisode, missing_entries),
    (AdoptionDecision, adoption_decision_entries),
    (Adoption, adoption_entries),
    (PreviousPermanence, previous_permanence_entries),
    (CareLeaverContact, care_leaver_entries),
    (DeprivationOfLiberty, deprivation_of_liberty_entries),
)


def looked_after_entries(*, actor, person) -> list[Entry]:
    children = list(scoped_about(actor, person, LookedAfterChild).filter(person=person))
    if not children:
        return []
    ids = [child.pk for child in children]
    entries = child_entries(children)
    for _, source in SOURCES:
        entries += source(actor=actor, person=person, children=ids)
    return entries


chronology.register(
    "looked_after", models=[LookedAfterChild, *(model for model, _ in SOURCES)], source=looked_after_entries
)

"""SSDA903 code lists, by collection year: defined once, used by forms, services, export and import.

A collection year is named by the year it ends (2026 means 1 April 2025 to 31 March 2026), as the
DfE validator names it. Each code carries the first and last collection year it is valid in, so
"is this code valid for this year" is one lookup, and forms offer only what the year accepts.
Validity follows the DfE rules as implemented by csc-validator-be-903 (see
../shared/reference/ssda903.md), which is what the return must pass.
"""

from dataclasses import dataclass
from datetime import date

SUPPORTED_YEARS = (2025, 2026, 2027)
FIRST, LAST = 2020, 9999


def year_label(year: int) -> str:
    return f"{year - 1}/{str(year)[2:]}"


def collection_start(year: int) -> date:
    return date(year - 1, 4, 1)


def collection_end(year: int) -> date:
    return date(year, 3, 31)


def collection_year_of(day: date) -> int:
    return day.year + 1 if day.month >= 4 else day.year


@dataclass(frozen=True)
class Code:
    code: str
    label: str
    first_year: int = FIRST
    last_year: int = LAST

    def valid_in(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


class CodeList:
    def __init__(self, name: str, codes: list[Code]):
        self.name = name
        self.codes = {c.code: c for c in codes}

    def valid(self, code: str, year: int) -> bool:
        entry = self.codes.get(code)
        return entry is not None and entry.valid_in(year)

    def label(self, code: str) -> str:
        entry = self.codes.get(code)
        return entry.label if entry else code

    def choices(self, year: int | None = None) -> list[tuple[str, str]]:
        """Choices for a form: every code valid in the year (or ever, for displaying history)."""
        return [(c.code, f"{c.code}: {c.label}") for c in self.codes.values() if year is None or c.valid_in(year)]

    def all_choices(self) -> list[tuple[str, str]]:
        return [(c.code, c.label) for c in self.codes.values()]

    def __contains__(self, code: str) -> bool:
        return code in self.codes

    def __iter__(self):
        return iter(self.codes)


def _codes(*rows) -> list[Code]:
    return [Code(*row) for row in rows]


REASON_NEW_EPISODE = CodeList(
    "RNE",
    _codes(
        ("S", "Started to be looked after"),
        ("L", "Change of legal status only"),
        ("P", "Change of placement and carer(s) only"),
        ("T", "Change of placement (same carer(s)) only"),
        ("B", "Change of legal status and placement and carer(s) at the same time"),
        ("U", "Change of legal status and change of placement (same carer(s))"),
    ),
)

LEGAL_STATUS = CodeList(
    "LS",
    _codes(
        ("C1", "Interim care order"),
        ("C2", "Full care order"),
        ("D1", "Freeing order granted"),
        ("E1", "Placement order granted"),
        ("V2", "Single period of accommodation under section 20"),
        ("V3", "Agreed series of short-term breaks, individual episodes recorded"),
        ("V4", "Short-term breaks, agreement recorded (not individual episodes)"),
        ("L1", "Under police protection and in local authority accommodation"),
        ("L2", "Emergency protection order"),
        ("L3", "Under child assessment order and in local authority accommodation"),
        ("J1", "Remanded to local authority or youth detention accommodation"),
        ("J2", "Placed in local authority accommodation under PACE 1984"),
        ("J3", "Sentenced to a youth rehabilitation order with residence or intensive fostering requirement"),
    ),
)

CATEGORY_OF_NEED = CodeList(
    "CIN",
    _codes(
        ("N1", "Abuse or neglect"),
        ("N2", "Child's disability"),
        ("N3", "Parental illness or disability"),
        ("N4", "Family in acute stress"),
        ("N5", "Family dysfunction"),
        ("N6", "Socially unacceptable behaviour"),
        ("N7", "Low income"),
        ("N8", "Absent parenting"),
    ),
)

PLACEMENT_TYPE = CodeList(
    "PLACE",
    _codes(
        ("A3", "Placed for adoption with consent with current foster carer(s)"),
        ("A4", "Placed for adoption with consent, not with current foster carer(s)"),
        ("A5", "Placed for adoption with placement order with current foster carer(s)"),
        ("A6", "Placed for adoption with placement order, not with current foster carer(s)"),
        ("H5", "Semi-independent living accommodation not subject to children's homes regulations", FIRST, 2025),
        ("K1", "Secure children's home"),
        ("K2", "Children's home subject to Children's Homes Regulations"),
        ("K3", "Registered supported accommodation", 2026),
        ("P1", "Placed with own parent(s) or other person(s) with parental responsibility"),
        ("P2", "Independent living, for example in a flat, lodgings, bedsit or B&B", FIRST, 2024),
        ("P3", "Residential employment"),
        ("R1", "Residential care home"),
        ("R2", "NHS or health trust or other establishment providing medical or nursing care"),
        ("R3", "Family centre or mother and baby unit"),
        ("R5", "Young offender institution"),
        ("S1", "Residential school (not dual-registered as a children's home)"),
        ("T0", "All types of temporary move"),
        ("T1", "Temporary period in hospital"),
        ("T2", "Temporary absence of the child on holiday"),
        ("T3", "Temporary accommodation whilst normal foster carer(s) is/are on holiday"),
        ("T4", "Temporary accommodation of seven days or less, not covered by T1 to T3"),
        ("U1", "Foster placement with relative(s) or friend(s): long-term fostering"),
        ("U2", "Foster placement with relative(s) or friend(s) who are also approved adopters"),
        ("U3", "Foster placement with relative(s) or friend(s): not long-term or FFA"),
        ("U4", "Foster placement with other foster carer(s): long-term fostering"),
        ("U5", "Foster placement with other foster carer(s) who are also approved adopters"),
        ("U6", "Foster placement with other foster carer(s): not long-term or FFA"),
        ("Z1", "Other placements", FIRST, 2025),
        ("Z11", "Other placement: unregistered children's home", 2026),
        ("Z12", "Other placement: unregistered residential setting", 2026),
        ("Z13", "Other placement: unregistered supported accommodation", 2026),
        ("Z14", "Other placement: any other", 2026),
    ),
)
TEMPORARY_PLACEMENTS = frozenset({"T0", "T1", "T2", "T3", "T4"})
ADOPTION_PLACEMENTS = frozenset({"A3", "A4", "A5", "A6"})
FOSTER_PLACEMENTS = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})
OTHER_PLACEMENTS = frozenset({"Z1", "Z11", "Z12", "Z13", "Z14"})
# Placements that need no Ofsted URN (DfE rule 218; and rule 222 forbids one in 2024/25).
NO_URN_PLACEMENTS = frozenset({"P1", "P3", "R1", "R2", "R5"}) | TEMPORARY_PLACEMENTS | OTHER_PLACEMENTS


def needs_provider(placement: str, year: int) -> bool:
    """Rule 178: no provider for temporary and 'other' placements (T4 needs one from 2025/26)."""
    if year >= 2026:
        return placement not in {"T0", "T1", "T2", "T3"} | OTHER_PLACEMENTS
    return placement not in TEMPORARY_PLACEMENTS | OTHER_PLACEMENTS


def needs_urn(placement: str) -> bool:
    return placement not in NO_URN_PLACEMENTS


PLACEMENT_PROVIDER = CodeList(
    "PLACE_PROVIDER",
    _codes(
        ("PR0", "Parent(s) or other person(s) with parental responsibility"),
        ("PR1", "Own provision by the local authority"),
        ("PR2", "Other local authority provision"),
        ("PR3", "Other public provision (for example NHS)"),
        ("PR4", "Private provision"),
        ("PR5", "Voluntary or third sector provision"),
    ),
)

REASON_EPISODE_CEASED = CodeList(
    "REC",
    _codes(
        ("X1", "Episode ceases and new episode begins on the same day"),
        ("E11", "Adopted: application unopposed"),
        ("E12", "Adopted: consent dispensed with by the court"),
        ("E13", "Left care to live with parent(s), relative(s) or other person(s) with no parental responsibility"),
        ("E14", "Accommodation on remand ended"),
        ("E15", "Age assessment determined child is 18 or over"),
        ("E16", "Child moved abroad"),
        ("E17", "Aged 18 or over and remained with current carers (including staying put)"),
        ("E2", "Died"),
        ("E3", "Care taken over by another local authority in the UK"),
        ("E4A", "Returned home to parent(s) as part of the care planning process"),
        ("E4B", "Returned home to parent(s), not as part of the care planning process"),
        ("E41", "Residence order or child arrangements order granted"),
        ("E45", "Special guardianship order to former foster carer(s) who are relatives or friends"),
        ("E46", "Special guardianship order to former foster carer(s) who are not relatives or friends"),
        ("E47", "Special guardianship order to carer(s) other than former foster carer(s): relatives or friends"),
        ("E48", "Special guardianship order to carer(s) other than former foster carer(s): not relatives or friends"),
        ("E5", "Moved into independent living with supportive accommodation"),
        ("E6", "Moved into independent living without formalised support"),
        ("E7", "Transferred to residential care funded by adult social care"),
        ("E8", "Period of being looked after ceased for any other reason"),
        ("E9", "Sentenced to custody"),
    ),
)
ADOPTED = frozenset({"E11", "E12"})
SGO_TO_FOSTER_CARERS = frozenset({"E45", "E46"})

REASON_PLACE_CHANGE = CodeList(
    "REASON_PLACE_CHANGE",
    _codes(
        ("CARPL", "Change to or implementation of the care plan"),
        ("CLOSE", "Resignation or closure of the provision"),
        ("ALLEG", "Allegation (section 47)"),
        ("STAND", "Standards of care concern"),
        ("APPRR", "Approval removed"),
        ("CREQB", "Carer(s) requested the placement end because of the child's behaviour"),
        ("CREQO", "Carer(s) requested the placement end, not because of the child's behaviour"),
        ("CHILD", "Child requested the placement end"),
        ("LAREQ", "Responsible or area authority requested the placement end"),
        ("PLACE", "Change in the status of the placement only"),
        ("CUSTOD", "Custody arrangement"),
        ("OTHER", "Other"),
    ),
)

REVIEW_PARTICIPATION = CodeList(
    "REVIEW_CODE",
    _codes(
        ("PN0", "Child under 4 at the time of the review"),
        ("PN1", "Child attends and speaks for themselves"),
        ("PN2", "Child attends and an advocate speaks for them"),
        ("PN3", "Child attends and conveys their views symbolically"),
        ("PN4", "Child attends but does not speak or convey their views"),
        ("PN5", "Child does not attend but briefs an advocate to speak for them"),
        ("PN6", "Child does not attend but conveys their feelings by a facilitative medium"),
        ("PN7", "Child does not attend and their views are not conveyed"),
    ),
)

MISSING_TYPE = CodeList(
    "MISSING",
    _codes(("M", "Missing from care (whereabouts unknown)"), ("A", "Away from placement without authorisation")),
)

SDQ_REASON = CodeList(
    "SDQ_REASON",
    _codes(
        ("SDQ1", "No form returned: child aged under 4 or over 16 at the latest assessment"),
        ("SDQ2", "Carer(s) refused to return the questionnaire"),
        ("SDQ3", "Not possible because of the severity of the child's disability"),
        ("SDQ4", "Other"),
        ("SDQ5", "Child or young person refused"),
    ),
)

CARE_LEAVER_IN_TOUCH = CodeList(
    "IN_TOUCH",
    _codes(
        ("YES", "In touch"),
        ("NO", "Not in touch"),
        ("DIED", "Died since leaving care"),
        ("REFU", "Young person refuses contact"),
        ("NREQ", "Young person no longer requires services"),
        ("RHOM", "Returned home to parents for six months or more"),
    ),
)
NOT_IN_TOUCH = frozenset({"NO", "DIED", "REFU", "NREQ", "RHOM"})

CARE_LEAVER_ACTIVITY = CodeList(
    "ACTIV",
    _codes(
        ("F1", "Full-time higher education"),
        ("P1", "Part-time higher education"),
        ("F2", "Full-time other education"),
        ("P2", "Part-time other education"),
        ("F4", "Full-time apprenticeship"),
        ("P4", "Part-time apprenticeship"),
        ("F5", "Full-time training or employment (not apprenticeship)"),
        ("P5", "Part-time training or employment (not apprenticeship)"),
        ("G4", "Not in education, employment or training: illness or disability"),
        ("G5", "Not in education, employment or training: other circumstances"),
        ("G6", "Not in education, employment or training: pregnancy or parenting"),
    ),
)
IN_EDUCATION_EMPLOYMENT_TRAINING = frozenset({"F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5"})

CARE_LEAVER_ACCOMMODATION = CodeList(
    "ACCOM",
    _codes(
        ("B", "With parents or relatives"),
        ("C", "Community home or other form of residential care"),
        ("D", "Semi-independent, transitional accommodation"),
        ("E", "Supported lodgings"),
        ("G", "Gone abroad"),
        ("H", "Deported"),
        ("K", "Ordinary lodgings, without formal support"),
        ("R", "Residence not known"),
        ("S", "No fixed abode or homeless"),
        ("T", "Foyers and similar supported accommodation"),
        ("U", "Independent living"),
        ("V", "Emergency accommodation"),
        ("W", "Bed and breakfast"),
        ("X", "In custody"),
        ("Y", "Other accommodation"),
        ("Z", "With former foster carer(s)"),
    ),
)
# DfE rule 133: these two cannot be suitable.
ALWAYS_UNSUITABLE = frozenset({"S", "X"})

PLACED_FOR_ADOPTION_CEASED = CodeList(
    "REASON_PLACED_CEASED",
    _codes(
        ("RD1", "The child's needs changed after the decision"),
        ("RD2", "The court did not make a placement order"),
        ("RD3", "Prospective adopters could not be found"),
        ("RD4", "Any other reason"),
    ),
)

PREVIOUS_PERMANENCE = CodeList(
    "PREV_PERM",
    _codes(
        ("P1", "Adoption"),
        ("P2", "Special guardianship order"),
        ("P3", "Residence order or child arrangements order"),
        ("P4", "Previous permanence option not known"),
        ("Z1", "No previous permanence option"),
    ),
)

ADOPTER_SEX = CodeList(
    "SEX_ADOPTR",
    _codes(
        ("M1", "Single male"),
        ("F1", "Single female"),
        ("MM", "Male couple"),
        ("FF", "Female couple"),
        ("MF", "Mixed couple"),
    ),
)
ADOPTER_LEGAL_STATUS = CodeList(
    "LS_ADOPTR",
    _codes(
        ("L0", "Single person"),
        ("L11", "Married couple"),
        ("L12", "Civil partnership couple"),
        ("L2", "Unmarried couple"),
        ("L3", "Unmarried couple, one partner the child's parent"),
        ("L4", "Other"),
    ),
)


def sex_code(sex: str, year: int) -> str:
    """SEX in Header and UASC: 1/2 up to 2023/24, M/F/U from 2024/25."""
    if year >= 2025:
        return sex
    return {"M": "1", "F": "2"}.get(sex, "")

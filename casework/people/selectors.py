"""Reads about people: search, duplicates, the person page."""

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    Expression,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Window,
)

from casework.core import access, identifiers
from casework.people import rules
from casework.people.models import HouseholdMembership, Person, PersonRestriction, Relationship, RestrictionAccess

# A misspelt name still scores around 0.85-0.95 against the right record; unrelated names fall
# well below 0.75 (Jaro-Winkler), so this keeps near misses and drops noise.
MATCH_THRESHOLD = 0.75
# PostgreSQL ranks by trigram similarity instead: a misspelt name scores 0.25-0.5 against the right
# one (Smiht/Smith 0.33, Jonh/Jonathan 0.27), a name that merely shares a Soundex key under 0.15
# (Snead/Smith 0.09), so this keeps the first and drops the second, as the threshold above does.
TRIGRAM_FLOOR = 0.2
# SQLite ranks the candidates' names in Python: a bound on how many it reads; a search that finds
# more says so ("more than") and asks for more to go on.
MAX_CANDIDATES = 2000


@dataclass(frozen=True)
class SearchResult:
    person: Person
    score: float


def _name_score(tokens: list[str], names: tuple[str, ...]) -> float:
    """Mean of each search word's best similarity to one of the person's names; 0 when any word
    matches none of them (so "Amara Okafro" does not bring back every Amara)."""
    names = [n for n in names if n]
    if not tokens:
        return 1.0
    best = [max(rules.name_similarity(t, n) for n in names) for t in tokens]
    return 0.0 if min(best) < MATCH_THRESHOLD else sum(best) / len(best)


def _upper(token: str) -> str:
    # SQLite's UPPER() changes ASCII letters only: compare with what it stores in its index
    if connection.vendor == "sqlite":
        return "".join(c.upper() if c.isascii() else c for c in token)
    return token.upper()


class _PersonSql(Expression):
    """A fragment of SQL about the searched person's row, written out (``{p}`` is its table): one
    expression where the same test built of lookups is a dozen nodes, each resolved, copied and
    compiled on every search (most of what the ORM added to the search's own SQL time). The
    table's alias is taken when the query resolves it and follows the query if it is relabelled,
    so the fragment stays right inside a subquery (a count)."""

    def __init__(self, sql: str, params: list, output_field):
        super().__init__(output_field=output_field)
        self.sql, self.params, self.alias = sql, params, None

    def __repr__(self):
        return f"{self.__class__.__name__}({self.sql!r}, {self.params!r})"

    @property
    def conditional(self):
        return isinstance(self.output_field, BooleanField)

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        resolved = self.copy()
        resolved.alias = query.get_initial_alias()
        return resolved

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def get_group_by_cols(self):
        return [self]

    def as_sql(self, compiler, connection):
        return self.sql.replace("{p}", compiler.quote_name_unless_alias(self.alias)), list(self.params)


def _word(token: str) -> _PersonSql:
    """The people a search word may be about: one of their names sounds like it (Soundex), starts
    with its first three letters, or is their preferred name; each an indexed lookup (the names
    compared upper-cased as ranges, which the expression indexes ``UPPER(name)`` serve). On
    PostgreSQL also a name trigram-similar to it (``%``, the GIN indexes), which finds a slip in
    the first letter."""
    key = rules.name_key(token)
    upper = _upper(token)
    sql = [
        '{p}."given_name_key" = %s',
        '{p}."family_name_key" = %s',
        'UPPER({p}."preferred_name") = %s',
    ]
    params = [key, key, upper]
    if len(upper) >= 3:
        low = upper[:3]
        high = low[:-1] + chr(ord(low[-1]) + 1)
        sql += [
            '(UPPER({p}."family_name") >= %s AND UPPER({p}."family_name") < %s)',
            '(UPPER({p}."given_name") >= %s AND UPPER({p}."given_name") < %s)',
        ]
        params += [low, high, low, high]
    if connection.vendor == "postgresql":
        sql += ['{p}."family_name" %% %s', '{p}."given_name" %% %s']
        params += [token, token]
    return _PersonSql("(" + " OR ".join(sql) + ")", params, BooleanField())


def _best_similarity(token: str) -> tuple[str, list]:
    """PostgreSQL: the word's trigram similarity to the best of the person's names."""
    names = ("given_name", "family_name", "preferred_name")
    return "GREATEST(" + ", ".join(f'SIMILARITY({{p}}."{n}", %s)' for n in names) + ")", [token] * 3


# What the search page shows of each person (templates/people/search.html): with ``shown``, the
# page's rows are read as these columns only, not whole records (``SearchMatches``).
SHOWN_ON_PAGE = ("pk", "given_name", "family_name", "preferred_name", "date_of_birth", "nhs_number", "postcode")


class SearchMatches:
    """The matches of one search, best first, as a paginator wants them: ``count()`` and a slice
    load only what they need, so a broad surname renders one page whatever the number of matches.

    PostgreSQL ranks in SQL (trigram similarity of each word to the best of the person's names,
    averaged) and reads one page; SQLite reads the candidates' names only (at most
    ``MAX_CANDIDATES``), ranks them in Python by Jaro-Winkler, then reads the page's people.
    Either way a page is at most two queries: the names, or the count (skipped when the page
    expected comes first: ``expect_page``), and the page's people, read with whether another
    practice holds them now (``access.held_elsewhere_now``), whose current details are then blanked
    (``access.without_details_held_elsewhere``). With ``shown`` (field names), the page's people
    are read as those columns only, each result's ``person`` a plain object with them (the search
    page); without, as Person records (the API, the duplicate check, the pickers)."""

    def __init__(
        self, actor, scope: QuerySet, tokens: list[str], *, conditions: list, shown: tuple[str, ...] | None = None
    ):
        self.actor = actor
        self.tokens = tokens
        self.shown = shown
        self.truncated = False  # SQLite read MAX_CANDIDATES names and there were more
        self._ranked: list[tuple[float, int]] | None = None
        self._count: int | None = None
        self._expected: slice | None = None
        self._read: tuple[int, list] | None = None  # PostgreSQL: the expected page, read with the count
        self.in_sql = connection.vendor == "postgresql"
        held = access.held_elsewhere_now(actor)
        if not self.in_sql:
            self.people = scope.filter(*conditions)
            # the page's people, by id, without the search's conditions again
            self.scope = scope.annotate(held_elsewhere_now=held)
            return
        if tokens:
            best = [_best_similarity(token) for token in tokens]
            params = [param for _, word in best for param in word]
            conditions = conditions + [
                _PersonSql(f"{sql} >= %s", [*word, TRIGRAM_FLOOR], BooleanField()) for sql, word in best
            ]
            score = _PersonSql(f"({' + '.join(sql for sql, _ in best)}) / {len(tokens)}", params, FloatField())
            order = ("-score", "family_name", "given_name", "pk")
        else:
            score, order = _PersonSql("1.0", [], FloatField()), ("family_name", "given_name", "pk")
        self.people = scope.filter(*conditions).annotate(score=score, held_elsewhere_now=held).order_by(*order)

    def _rank_in_python(self) -> list[tuple[float, int]]:
        if self._ranked is None:
            # unordered: an ORDER BY would sort every candidate, or tempt SQLite to walk a name index
            candidates = self.people.order_by().values_list("pk", "given_name", "family_name", "preferred_name")
            rows = list(candidates[: MAX_CANDIDATES + 1])
            self.truncated = len(rows) > MAX_CANDIDATES
            ranked = []
            # names recur (a surname, a given name): Jaro-Winkler once per set of names, kept as
            # the sort key (best first), or None below the threshold
            keys: dict[tuple[str, str, str], float | None] = {}
            for pk, given, family, preferred in rows[:MAX_CANDIDATES]:
                names = (given, family, preferred)
                if names not in keys:
                    score = _name_score(self.tokens, names)
                    keys[names] = -round(score, 3) if score >= MATCH_THRESHOLD or not self.tokens else None
                key = keys[names]
                if key is not None:
                    ranked.append((key, family, given, pk))
            ranked.sort()
            self._ranked = [(-r[0], r[3]) for r in ranked]
        return self._ranked

    def expect_page(self, number, per_page: int) -> "SearchMatches":
        """Say which page will be asked for (the view's ``?page=``), so that on PostgreSQL the count
        comes with that page's rows (``COUNT(*) OVER ()``) in one ranked query rather than two."""
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        self._expected = slice((number - 1) * per_page, number * per_page)
        return self

    def _rows(self, people: QuerySet, *extra: str) -> list:
        """The people of ``people`` as records, or with ``shown`` as plain objects of those columns
        and ``extra`` (no model instances: the page shows a few columns of each)."""
        if self.shown is None:
            return list(people)
        return [
            SimpleNamespace(**row) for row in people.values(*self.shown, "is_restricted", "held_elsewhere_now", *extra)
        ]

    def count(self) -> int:
        if self._count is None and self.in_sql and self._expected is not None:
            rows = self._rows(self.people.annotate(matches=Window(Count("pk")))[self._expected], "score", "matches")
            if rows:  # else the page is past the end: count on its own
                self._count = rows[0].matches
                self._read = (self._expected.start, rows)
        if self._count is None:
            self._count = self.people.count() if self.in_sql else len(self._rank_in_python())
        return self._count

    def _already_read(self, index: slice) -> list | None:
        if self._read is None or index.step is not None:
            return None
        start, rows = self._read
        stop = self.count() if index.stop is None else min(index.stop, self.count())
        if (index.start or 0) == start and stop - start <= len(rows):
            return rows[: stop - start]
        return None

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index : index + 1][0]
        if self.in_sql:
            people = self._already_read(index)
            if people is None:
                people = self._rows(self.people[index], "score")
            scores = {p.pk: p.score for p in people}
        else:
            page = self._rank_in_python()[index]
            scores = {pk: score for score, pk in page}
            # unordered (the ranking orders them): the model's default order would sort them in SQL
            found = {p.pk: p for p in self._rows(self.scope.filter(pk__in=list(scores)).order_by())}
            people = [found[pk] for pk in scores]
        access.without_details_held_elsewhere(self.actor, people, read_with_them=True)
        return [SearchResult(p, float(scores[p.pk])) for p in people]

    def __iter__(self):
        return iter(self[0 : self.count()])


def person_search_matches(
    *,
    actor,
    name: str = "",
    date_of_birth: date | None = None,
    nhs_number: str = "",
    upn: str = "",
    near_date_of_birth: bool = False,
    shown: tuple[str, ...] | None = None,
) -> SearchMatches | list:
    """People in the actor's scope matching every criterion given, best match first, to page through.

    Names are matched tolerantly: indexed Soundex keys, name prefixes and (PostgreSQL) trigrams
    pick candidates, which are then ranked on their names only, so "Jonh Smiht" finds John Smith.
    A person restricted from the actor is found by name only (``is_restricted`` on the result): a
    match on a date of birth or a number would tell the searcher that detail of the record.
    ``near_date_of_birth`` also matches the dates a typing slip gives (``rules.likely_same_birth_dates``).
    The scope is checked per candidate (``access.scoped(..., per_candidate=True)``): an indexed
    lookup of the candidate's registrations, never the practice's whole list. ``shown``: read the
    page's people as these columns only (``SearchMatches``).
    """
    access.require(actor, "person.view")
    tokens = [t for t in name.replace(",", " ").split() if any(c.isalpha() for c in t)]
    if not (tokens or date_of_birth or nhs_number or upn):
        return []
    # one filter of every condition, not one per criterion: each queryset step copies the query,
    # which at a few milliseconds a search is what the ORM adds to the SQL itself
    conditions: list = []
    if date_of_birth or nhs_number or upn:
        conditions.append(Q(is_restricted=False))
    if nhs_number or upn:
        # the numbers another practice holds now are not the searcher's to match against
        conditions.append(~Q(Exists(access.held_elsewhere(actor).filter(person_id=OuterRef("pk")))))
    if nhs_number:
        conditions.append(Q(nhs_number=identifiers.normalise_nhs_number(nhs_number)))
    if upn:
        conditions.append(Q(upn=upn.strip().upper()))
    if date_of_birth and near_date_of_birth:
        conditions.append(Q(date_of_birth__in=rules.likely_same_birth_dates(date_of_birth)))
    elif date_of_birth:
        conditions.append(Q(date_of_birth=date_of_birth))
    # every word must sound like, start like or be similar to one of the person's names
    conditions += [_word(token) for token in tokens]
    scope = access.scoped(actor, Person, restricted="mark", per_candidate=True)
    return SearchMatches(actor, scope, tokens, conditions=conditions, shown=shown)


def person_search(**criteria) -> list[SearchResult]:
    """``person_search_matches`` as a list (at most ``MAX_CANDIDATES``), for the API, the duplicate
    check and the pickers."""
    matches = person_search_matches(**criteria)
    return matches[0:MAX_CANDIDATES] if isinstance(matches, SearchMatches) else []


def possible_duplicates(
    *, actor, given_name: str, family_name: str, date_of_birth: date | None, nhs_number: str = ""
) -> list[Person]:
    """Existing people the actor can see who may be the one about to be recorded:
    the same NHS number, or a similar name with the same date of birth or one a slip of the
    keyboard away (a day out, or day and month swapped). Someone another practice holds now is
    matched by name and date of birth only, and shown without their current details."""
    people = access.scoped(actor, Person).exclude(pk__in=access.held_elsewhere(actor))
    matches: dict[int, Person] = {}
    if nhs_number:
        for p in people.filter(nhs_number=identifiers.normalise_nhs_number(nhs_number)):
            matches[p.pk] = p
    if date_of_birth:
        near = person_search(
            actor=actor, name=f"{given_name} {family_name}", date_of_birth=date_of_birth, near_date_of_birth=True
        )
        for result in near:
            matches.setdefault(result.person.pk, result.person)
    return list(matches.values())


def person_get(*, actor, person_id: int) -> Person:
    """The person, to open their record: 404 outside scope, "restricted" (403) when not named.
    ``under_restriction`` says whether the practice has restricted the record (so a named user
    knows they are looking at one)."""
    return access.open_record(actor, _people_to_open(actor), pk=person_id)


def person_page_get(*, actor, person_id: int) -> Person:
    """``person_get`` for the person's own page, read with whether another practice holds them now
    (``access.held_elsewhere_now``), so that ``person_page_may_change`` needs no second query."""
    people = _people_to_open(actor).annotate(held_elsewhere_now=access.held_elsewhere_now(actor))
    return access.open_record(actor, people, pk=person_id)


def person_page_may_change(*, person: Person) -> bool:
    """``person_may_change`` for a person read by ``person_page_get``: opened, so in the actor's
    scope, and so changeable now unless another practice holds them now (``access.may_change``
    for a person: the same rule, answered from the row already read)."""
    return person.held_elsewhere_now is None  # AttributeError: not read by person_page_get


def _people_to_open(actor) -> QuerySet:
    live = PersonRestriction.objects.filter(
        organisation_id=actor.organisation_id, person_id=OuterRef("pk"), lifted_at__isnull=True
    )
    return access.scoped(actor, Person, restricted="mark").annotate(under_restriction=Exists(live))


def person_get_for_change(*, actor, person_id: int) -> Person:
    """The person, for a form or a write about them: 404 unless the actor may change them now
    (``access.changeable``: not held by another practice), "restricted" (403) when not named."""
    return access.open_record(actor, access.changeable(actor, Person, restricted="mark"), pk=person_id)


def person_may_change(*, actor, person: Person) -> bool:
    """Whether the person's page offers the forms that change them (no when another practice holds them now)."""
    return access.may_change(actor, person)


def person_relationships(*, actor, person: Person) -> QuerySet:
    """The person's relationships; one to a relative restricted from the actor is marked
    ``is_restricted`` and shows the relative's name only."""
    return access.scoped(actor, Relationship, restricted="mark").filter(person=person).select_related("related_person")


def person_households(*, actor, person: Person) -> QuerySet:
    """The person's household memberships, each with its household (the person's page names it)."""
    return access.scoped(actor, HouseholdMembership).filter(person=person).select_related("household")


def person_list_for_choice(*, actor) -> QuerySet:
    """Whom a form may pick to change their household or relationships: no one another practice holds now."""
    return access.changeable(actor, Person)


def person_and_relatives(*, actor, person: Person) -> QuerySet:
    """The person and everyone recorded as related to them (choices for a household)."""
    relatives = person_relationships(actor=actor, person=person).values("related_person_id")
    return access.changeable(actor, Person).filter(Q(pk=person.pk) | Q(pk__in=relatives)).order_by("date_of_birth")


def _found(actor, name: str, exclude: set[int]) -> list[Person]:
    """People found by the tolerant name search, best first, leaving out ``exclude``, anyone
    restricted from the actor (they are shown by name only, never picked) and anyone another
    practice holds now (not the actor's to change)."""
    if not name.strip():
        return []
    results = person_search(actor=actor, name=name)
    found = [r.person.pk for r in results]
    held = set(access.held_elsewhere(actor).filter(person_id__in=found).values_list("person_id", flat=True))
    return [r.person for r in results if not r.person.is_restricted and r.person.pk not in exclude | held]


def household_member_candidates(*, actor, household, name: str) -> list[Person]:
    """Whom a practitioner may add to a household: people found by name who do not live there now."""
    living_there = HouseholdMembership.objects.filter(household=household, left_on__isnull=True)
    current = set(living_there.values_list("person_id", flat=True))
    return _found(actor, name, current)


def relationship_candidates(*, actor, person: Person, name: str = "") -> list[Person]:
    """Whom a relationship may be recorded with, picked rather than typed: the people the person
    lives with now (their current households), then anyone found by ``name``."""
    households = access.scoped(actor, HouseholdMembership).filter(person=person, left_on__isnull=True)
    living_with = list(
        access.changeable(actor, Person, restricted="mark")
        .filter(
            household_memberships__household__in=households.values("household"),
            household_memberships__left_on__isnull=True,
            is_restricted=False,
        )
        .exclude(pk=person.pk)
        .distinct()
        .order_by("date_of_birth", "pk")
    )
    shown = {person.pk} | {p.pk for p in living_with}
    return living_with + _found(actor, name, shown)


# Restricted records: what the practice manager's restriction pages read.


def person_for_restriction(*, actor, person_id: int) -> Person:
    """The person whose restriction a practice manager manages: 404 outside the practice, 403
    without the capability. Found whether or not the record is restricted from the manager: the
    restriction pages show the name, the reason and who is named, never the record."""
    person = access.one_or_404(access.scoped(actor, Person, restricted="include"), pk=person_id)
    access.require(actor, "person.restrict")
    return person


def person_for_restriction_change(*, actor, person_id: int) -> Person:
    """As ``person_for_restriction``, for the pages that set, change or lift a restriction: 404 too
    when another practice holds the person now (the practice they left changes nothing of theirs)."""
    person = access.one_or_404(access.changeable(actor, Person, restricted="include"), pk=person_id)
    access.require(actor, "person.restrict")
    return person


def restriction_current(*, actor, person: Person) -> PersonRestriction | None:
    return (
        access.scoped(actor, PersonRestriction)
        .filter(person=person, lifted_at__isnull=True)
        .select_related("restricted_by")
        .prefetch_related(Prefetch("named", queryset=RestrictionAccess.objects.select_related("user").order_by("pk")))
        .first()
    )


def restrictions_lifted(*, actor, person: Person) -> list[PersonRestriction]:
    return list(
        access.scoped(actor, PersonRestriction)
        .filter(person=person, lifted_at__isnull=False)
        .select_related("restricted_by", "lifted_by")
        .order_by("-lifted_at")
    )


def restriction_named_choices(*, actor) -> QuerySet:
    """Whom a practice manager may name: the practice's own active staff who work with records."""
    from django.contrib.auth import get_user_model

    access.require(actor, "person.restrict")
    return (
        get_user_model()
        .objects.filter(organisation_id=actor.organisation_id, role__in=access.PRACTICE_ROLES, is_active=True)
        .order_by("last_name", "first_name", "username")
    )

"""Person search at national size: the product's search next to a hand-written indexed SQL query.

    .venv/bin/python bench/person_search.py --people 100000 --repeats 30 --databases sqlite,postgresql

For each database: its own database (bench/results/person_search-<people>.sqlite3, PostgreSQL
casework_person_search_<people>) is reused when it already holds the people asked for, else migrated and
seeded as bench/foundation.py seeds (``seed --practices 2 --people N --seed 7``); migrations are
applied either way. Then a worker process, as practice 1's practitioner, times four searches (a
full name, a misspelt family name, a broad common surname, a given name only):

* product: ``people.selectors.person_search_matches`` then the count and the first page of 25, as
  the search page asks (the columns it shows; two queries on SQLite, one on PostgreSQL);
* baseline: one hand-written SQL query for the same matches on the same indexes, scope and
  restriction included: on PostgreSQL the ranked first page (the columns the page shows) with the
  count (``count(*) OVER ()``);
  on SQLite the candidates' names (Jaro-Winkler, the ranking, is not SQL there);
* the whole page (``GET /people/?name=...``), for the record.

interleaved one for one, so machine noise hits both. Printed: medians in ms, the ratio
product / baseline, the matches, and the plan (EXPLAIN) of the product's main query. Results also in
bench/results/person_search-<database>.json.
"""

import argparse
import json
import os
import statistics
import sys
import time

import seeded

ROOT = seeded.ROOT
RESULTS = seeded.RESULTS
PAGE = 25


# The hand-written baselines: the same candidate conditions as people/selectors.py (Soundex key,
# upper-cased prefix range, preferred name; on PostgreSQL also trigram-similar), the practice's
# scope checked per candidate and restricted people marked, one query.
def _word_sql(i: int, vendor: str) -> str:
    word = (
        f"(p.given_name_key = %(key{i})s OR p.family_name_key = %(key{i})s"
        f" OR UPPER(p.preferred_name) = %(upper{i})s"
        f" OR (UPPER(p.family_name) >= %(low{i})s AND UPPER(p.family_name) < %(high{i})s)"
        f" OR (UPPER(p.given_name) >= %(low{i})s AND UPPER(p.given_name) < %(high{i})s)"
    )
    if vendor == "postgresql":
        word += f" OR p.family_name %% %(token{i})s OR p.given_name %% %(token{i})s"
    return word + ")"


# As access.scoped(..., per_candidate=True) has it: a scalar subquery per candidate, since PostgreSQL
# turns an EXISTS under OR into the practice's whole list, hashed, for a broad surname.
SCOPE_SQL = (
    "(p.organisation_id = %(org)s OR (SELECT r.id FROM registration_registration r"
    " WHERE r.person_id = p.id AND r.practice_id + 0 = %(org)s LIMIT 1) IS NOT NULL)"
)
RESTRICTED_SQL = (
    "EXISTS (SELECT 1 FROM people_personrestriction pr WHERE pr.person_id = p.id"
    " AND pr.organisation_id = %(org)s AND pr.lifted_at IS NULL AND pr.id NOT IN"
    " (SELECT ra.restriction_id FROM people_restrictionaccess ra WHERE ra.user_id = %(user)s))"
)


# What the search page shows of each person (people.selectors.SHOWN_ON_PAGE), as the product reads them.
PAGE_COLUMNS = "p.id, p.given_name, p.family_name, p.preferred_name, p.date_of_birth, p.nhs_number, p.postcode"


def _baseline_sql(tokens: list[str], vendor: str) -> str:
    words = " AND ".join(_word_sql(i, vendor) for i in range(len(tokens)))
    if vendor == "sqlite":
        return (
            f"SELECT p.id, p.given_name, p.family_name, p.preferred_name, {RESTRICTED_SQL} AS is_restricted"
            f" FROM people_person p WHERE {SCOPE_SQL} AND {words}"
        )
    best = [
        f"GREATEST(similarity(p.given_name, %(token{i})s), similarity(p.family_name, %(token{i})s),"
        f" similarity(p.preferred_name, %(token{i})s))"
        for i in range(len(tokens))
    ]
    floors = " AND ".join(f"{b} >= 0.2" for b in best)
    score = "(" + " + ".join(best) + f") / {len(tokens)}"
    return (
        f"SELECT {PAGE_COLUMNS}, {RESTRICTED_SQL} AS is_restricted, {score} AS score, count(*) OVER () AS total"
        f" FROM people_person p WHERE {SCOPE_SQL} AND {words} AND {floors}"
        f" ORDER BY score DESC, p.family_name, p.given_name, p.id LIMIT {PAGE}"
    )


def _baseline_params(tokens: list[str], actor, vendor: str) -> dict:
    from casework.people import rules, selectors

    params = {"org": actor.organisation_id, "user": actor.pk}
    for i, token in enumerate(tokens):
        upper = selectors._upper(token)
        low = upper[:3]
        params.update(
            {
                f"token{i}": token,
                f"key{i}": rules.name_key(token),
                f"upper{i}": upper,
                f"low{i}": low if len(upper) >= 3 else "\uffff",  # an empty range when the word is short
                f"high{i}": (low[:-1] + chr(ord(low[-1]) + 1)) if len(upper) >= 3 else "\uffff",
            }
        )
    return params


def _explain(connection, sql: str, params) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return [str(row[-1]) for row in cursor.fetchall()]
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + sql, params)
        return [row[0] for row in cursor.fetchall()]


def _worker(repeats: int) -> dict:
    """Runs inside a process whose DATABASE_URL points at the seeded database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.config.settings")
    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from casework.accounts.models import User
    from casework.accounts.testing import force_login_verified
    from casework.core import access
    from casework.people import selectors
    from casework.people.models import Person

    vendor = connection.vendor
    practitioner = User.objects.get(username="p1.practitioner")
    ours = access.scoped(practitioner, Person)
    common = ours.values("family_name").annotate(n=Count("pk")).order_by("-n", "family_name").first()["family_name"]
    given = ours.values("given_name").annotate(n=Count("pk")).order_by("-n", "given_name").first()["given_name"]
    someone = ours.filter(family_name__regex=r"^[A-Za-z]{6,}$").order_by("pk").first()
    family = someone.family_name
    misspelt = family[:3] + family[4] + family[3] + family[5:]  # two letters swapped
    searches = [
        ("full name", f"{someone.given_name} {someone.family_name}"),
        ("misspelt family name", f"{someone.given_name} {misspelt}"),
        ("broad common surname", common),
        ("given name only", given),
    ]
    client = Client(HTTP_HOST="localhost")
    force_login_verified(client, practitioner)

    def product(name):
        matches = selectors.person_search_matches(actor=practitioner, name=name, shown=selectors.SHOWN_ON_PAGE)
        matches.expect_page(1, PAGE)
        return matches.count(), matches[0:PAGE]

    def baseline(sql, params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def timed(fn, *args):
        started = time.perf_counter()
        value = fn(*args)
        return time.perf_counter() - started, value

    rows = []
    for label, name in searches:
        tokens = name.split()
        sql, params = _baseline_sql(tokens, vendor), _baseline_params(tokens, practitioner, vendor)
        url = f"/people/?name={name.replace(' ', '+')}"
        for _ in range(3):
            product(name), baseline(sql, params), client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            count, page = product(name)
        queries = len(ctx.captured_queries)
        main_query = ctx.captured_queries[0]["sql"]
        found = baseline(sql, params)
        times = {"product": [], "baseline": [], "page": []}
        for _ in range(repeats):
            times["baseline"].append(timed(baseline, sql, params)[0])
            times["product"].append(timed(product, name)[0])
            elapsed, response = timed(client.get, url)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            times["page"].append(elapsed)
        medians = {k: statistics.median(v) * 1000 for k, v in times.items()}
        matches = selectors.person_search_matches(actor=practitioner, name=name)
        matches.count()
        rows.append(
            {
                "search": label,
                "name": "<synthetic>" if label != "broad common surname" else name,
                "matches": count,
                "truncated": matches.truncated,
                "baseline_rows": found[0][-1] if vendor == "postgresql" and found else len(found),
                "queries": queries,
                "product_ms": round(medians["product"], 2),
                "baseline_ms": round(medians["baseline"], 2),
                "ratio": round(medians["product"] / medians["baseline"], 2),
                "page_ms": round(medians["page"], 2),
                "top": [round(r.score, 2) for r in page[:3]],
                "product_plan": _explain(connection, main_query, None),
            }
        )
    return {"vendor": vendor, "people": Person.objects.count(), "searches": rows}


def _print(database: str, prepared: dict, measured: dict, show_plans: bool) -> None:
    seeded = f"seeded in {prepared['seed_seconds']} s" if prepared["seed_seconds"] else "database reused"
    print(f"\n{database}: {measured['people']:,} people; {seeded}")
    print(
        f"{'search':<24}{'matches':>9}{'baseline rows':>15}{'queries':>9}{'product ms':>12}{'baseline ms':>13}"
        f"{'ratio':>7}{'page ms':>9}"
    )
    for row in measured["searches"]:
        print(
            f"{row['search']:<24}{row['matches']:>9}{row['baseline_rows']:>15}{row['queries']:>9}"
            f"{row['product_ms']:>12}{row['baseline_ms']:>13}{row['ratio']:>7}{row['page_ms']:>9}"
        )
    if show_plans:
        for row in measured["searches"]:
            print(f"\nplan of the product's first query, {row['search']}:")
            print("\n".join(f"  {line}" for line in row["product_plan"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--plans", action="store_true", help="print each search's query plan")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.worker:
        print(json.dumps(_worker(args.repeats)))
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    for database in args.databases.split(","):
        name = f"person_search-{args.people}" if database == "sqlite" else f"casework_person_search_{args.people}"
        prepared = seeded.prepare(database, args.people, name=name, reuse=True)
        if prepared is None:
            continue
        measured = seeded.measure(__file__, prepared["env"], "--repeats", str(args.repeats))
        measured["seed_seconds"] = prepared["seed_seconds"]
        (RESULTS / f"person_search-{database}.json").write_text(json.dumps(measured, indent=2))
        _print(database, prepared, measured, args.plans)


if __name__ == "__main__":
    main()

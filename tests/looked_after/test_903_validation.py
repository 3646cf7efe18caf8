"""The seeded histories export with zero DfE errors for every supported year, proved by the DfE
validator itself (csc-validator-be-903, in .venv-903), and the validator does catch a bad record."""

import csv
from datetime import date, timedelta

import pytest
from django.db import transaction

from casework.looked_after import codes
from casework.looked_after.export import build_return
from casework.looked_after.models import Episode, LookedAfterChild, Review
from casework.looked_after.validation import (
    HISTORY_BLIND_RULES,
    LEFT_CARE_MISREAD_RULES,
    confirm_against_history,
    validate_directory,
)
from casework.synthetic.generate import seed

AUTHORITIES = ("E08000035", "E09000007")
AS_OF = date(2027, 5, 1)  # after the end of 2026/27, so every supported year is complete


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seed(practices=2, people=2500, seed=11, as_of=AS_OF)
        yield
        transaction.set_rollback(True)


def _export(tmp_path, authority, year):
    children = LookedAfterChild.objects.filter(commissioner__ons_code=authority)
    result = build_return(children=children, year=year)
    result.write(tmp_path / authority / str(year))
    return result


@pytest.mark.django_db
def test_seeded_returns_have_zero_dfe_errors_in_every_supported_year(seeded, tmp_path):
    totals = {}
    for authority in AUTHORITIES:
        children = LookedAfterChild.objects.filter(commissioner__ons_code=authority)
        previous = None
        for year in codes.SUPPORTED_YEARS:
            exported = _export(tmp_path, authority, year)
            counts = exported.counts()
            for table in ("Header", "Episodes", "Reviews", "OC2", "SWEpisodes"):
                assert counts[table] > 0, (authority, year, table, counts)
            for table, n in counts.items():
                totals[table] = totals.get(table, 0) + n
            result = validate_directory(
                tmp_path / authority / str(year), year=year, authority=authority, previous=previous
            )
            assert result.ran > 250, "the validator ran its rules"
            assert result.unexpected_failures == []
            confirm_against_history(result, children=children)
            assert result.errors == [], (authority, year, result.by_code(), result.errors[:5])
            # what was set aside is only the two history-blind care leaver checks, and SW17 for
            # children whose social worker's episode ended with their care
            set_aside = {(e["code"], e["table"]) for e in result.confirmed_by_history}
            assert set_aside <= {(code, "OC3") for code in HISTORY_BLIND_RULES} | {
                (code, "SWEpisodes") for code in LEFT_CARE_MISREAD_RULES
            }
            previous = tmp_path / authority / str(year)
    # across the returns, every table is exercised (the validator skips rules whose table is empty)
    assert all(n > 0 for n in totals.values()), totals


@pytest.mark.django_db
def test_the_validator_catches_a_bad_review_code_and_an_episode_gap(seeded, tmp_path):
    authority, year = "E08000035", 2026
    teenager_review = (
        Review.objects.filter(
            child__commissioner__ons_code=authority,
            review_date__range=(codes.collection_start(year), codes.collection_end(year)),
            participation="PN1",
        )
        .select_related("child")
        .first()
    )
    Review.objects.filter(pk=teenager_review.pk).update(participation="PN0")  # PN0 is for under-4s only
    # and an episode that starts a week before the previous one ends (overlapping episodes)
    pair = None
    for episode in Episode.objects.filter(
        child__commissioner__ons_code=authority,
        reason_ceased="X1",
        end_date__range=(codes.collection_start(year) + timedelta(days=14), codes.collection_end(year)),
    ).order_by("pk"):
        if (episode.end_date - episode.start_date).days > 14:
            pair = (episode, Episode.objects.get(child=episode.child, start_date=episode.end_date))
            break
    Episode.objects.filter(pk=pair[1].pk).update(start_date=pair[0].end_date - timedelta(days=7))
    _export(tmp_path, authority, year)
    result = validate_directory(tmp_path / authority / str(year), year=year, authority=authority)
    flagged = {(e["child"], e["table"]) for e in result.errors}
    assert (teenager_review.child.child_id, "Reviews") in flagged
    assert (pair[0].child.child_id, "Episodes") in flagged
    with (tmp_path / authority / str(year) / "reviews.csv").open() as handle:
        assert any(
            row["REVIEW_CODE"] == "PN0" and row["CHILD"] == teenager_review.child.child_id
            for row in csv.DictReader(handle)
        )

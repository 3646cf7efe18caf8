"""``seed --looked-after N``: about N children looked after in the last complete collection year,
split across the commissioners, whose histories the DfE validator passes; the main mix of people
is the same with or without them."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import transaction

from casework.looked_after import codes
from casework.looked_after.export import build_return
from casework.looked_after.models import Episode, LookedAfterChild
from casework.looked_after.validation import confirm_against_history, validate_directory
from casework.people.models import Person
from casework.synthetic.generate import seed

AS_OF = date(2026, 5, 1)  # 2025/26 is the last collection year that ended before it
YEAR = 2026
AUTHORITIES = ("E08000035", "E09000007")
WANTED = 400


def _people():
    return list(
        Person.objects.order_by("pk").values_list("given_name", "family_name", "date_of_birth", "nhs_number", "upn")
    )


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        with transaction.atomic():
            seed(practices=2, people=300, seed=5, as_of=AS_OF)
            plain = _people()
            transaction.set_rollback(True)
        out = io.StringIO()
        call_command("seed", practices=2, people=300, seed=5, as_of=AS_OF, looked_after=WANTED, stdout=out)
        yield {"output": out.getvalue(), "plain": plain}
        transaction.set_rollback(True)


def _looked_after_in_year():
    start, end = codes.collection_start(YEAR), codes.collection_end(YEAR)
    episodes = Episode.objects.filter(start_date__lte=end).exclude(end_date__lt=start)
    return LookedAfterChild.objects.filter(pk__in=episodes.values("child_id"))


@pytest.mark.django_db
def test_about_n_children_are_looked_after_in_the_year_in_both_authorities(seeded):
    assert "looked-after children with histories" in seeded["output"]
    in_year = _looked_after_in_year()
    assert in_year.count() == WANTED
    by_authority = {a: in_year.filter(commissioner__ons_code=a).count() for a in AUTHORITIES}
    assert all(n > WANTED * 0.2 for n in by_authority.values()), by_authority
    # every kind of ending the main mix has, among the extra children too
    ended = Episode.objects.filter(child__in=in_year, end_date__range=(codes.collection_start(YEAR), AS_OF)).exclude(
        reason_ceased="X1"
    )
    reasons = set(ended.values_list("reason_ceased", flat=True))
    assert reasons & {"E11", "E12"} and reasons & {"E4A", "E13", "E41", "E45", "E47", "E8"}
    assert reasons & {"E17", "E5", "E6"}  # left care at 18


@pytest.mark.django_db
def test_the_returns_have_zero_dfe_errors(seeded, tmp_path):
    for authority in AUTHORITIES:
        children = LookedAfterChild.objects.filter(commissioner__ons_code=authority)
        previous = None
        for year in (YEAR - 1, YEAR):
            folder = tmp_path / authority / str(year)
            build_return(children=children, year=year).write(folder)
            result = validate_directory(folder, year=year, authority=authority, previous=previous)
            assert result.unexpected_failures == []
            confirm_against_history(result, children=children)
            assert result.errors == [], (authority, year, result.by_code(), result.errors[:5])
            previous = folder


@pytest.mark.django_db
def test_the_main_mix_is_the_same_with_or_without_extra_looked_after_children(seeded):
    people = _people()
    assert len(seeded["plain"]) == 300 and len(people) > 300 + WANTED
    # the extra children and their parents come after the main mix, which is unchanged (the
    # extras have their own random stream; the reason a UPN is missing is drawn after them)
    assert [p[:4] for p in people[:300]] == [p[:4] for p in seeded["plain"]]

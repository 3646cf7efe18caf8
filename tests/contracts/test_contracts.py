"""Contracts: every case names one, renewals follow on, and only the two parties see a contract."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from casework.accounts.models import Role
from casework.cases import services as case_services
from casework.contracts import services
from casework.contracts.models import Contract, ContractYear
from casework.core import access
from casework.core.codes import ServiceType
from tests.conftest import TODAY, add_person


def test_a_case_names_the_contract_that_delegates_its_service(world):
    case = world.a.cases[0]
    assert case.contract is not None
    assert case.contract.commissioner == world.commissioner and case.contract.practice == world.a.org
    assert ServiceType.LOOKED_AFTER_CHILD in case.contract.functions


def test_a_case_no_contract_covers_is_refused_with_the_reason(world):
    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    contract.functions = [ServiceType.ADULT_ACCESS]  # the authority no longer delegates children's work
    contract.save()
    with pytest.raises(ValidationError) as refused:
        add_person(world.a, world.commissioner, given="Test", family="Uncovered", dob=date(2014, 1, 1))
    assert "No contract with Test Borough Council covers this service" in str(refused.value)


def test_a_renewal_starts_the_day_after_the_last_year_ends_and_keeps_its_own_terms(world):
    officer = world.commissioner_users[Role.COMMISSIONER_OFFICER]
    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    last = contract.years.order_by("-start_date").first()
    terms = {"price_model": "block", "price": Decimal("2000000"), "caseload_cap_per_fte": Decimal("16")}
    with pytest.raises(ValidationError) as refused:
        services.contract_year_add(
            actor=officer,
            contract=contract,
            start_date=last.end_date + timedelta(days=2),
            end_date=last.end_date + timedelta(days=366),
            **terms,
        )
    assert "starts the day after the previous year ends" in str(refused.value)
    renewal = services.contract_year_add(
        actor=officer,
        contract=contract,
        start_date=last.end_date + timedelta(days=1),
        end_date=last.end_date + timedelta(days=365),
        **terms,
    )
    last.refresh_from_db()
    assert (renewal.price_model, renewal.caseload_cap_per_fte) == ("block", Decimal("16"))
    assert (last.price_model, last.caseload_cap_per_fte) == ("per_child_week", Decimal("18"))
    # the practice cannot change the terms; another authority cannot either
    with pytest.raises(Exception):  # noqa: B017 (PermissionDenied for the practice manager)
        services.contract_year_add(
            actor=world.a.users[Role.PRACTICE_MANAGER],
            contract=contract,
            start_date=renewal.end_date + timedelta(days=1),
            end_date=renewal.end_date + timedelta(days=365),
            **terms,
        )
    with pytest.raises(ValidationError):
        services.contract_year_add(
            actor=world.other_commissioner_users[Role.COMMISSIONER_OFFICER],
            contract=contract,
            start_date=renewal.end_date + timedelta(days=1),
            end_date=renewal.end_date + timedelta(days=365),
            **terms,
        )


def test_a_change_of_terms_is_kept_in_the_contract_history(world):
    year = ContractYear.objects.filter(contract__practice=world.a.org).order_by("-start_date").first()
    before = year.history.count()
    year.caseload_cap_per_fte = Decimal("17")
    year.save()
    assert year.history.count() == before + 1
    assert year.history.first().caseload_cap_per_fte == Decimal("17")
    assert year.history.all()[1].caseload_cap_per_fte == Decimal("18")


def test_only_the_commissioner_that_let_it_and_the_practice_that_holds_it_see_a_contract(world):
    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    sees = {
        "commissioner": world.commissioner_users[Role.COMMISSIONER_OFFICER],
        "holding practice": world.a.users[Role.PRACTICE_MANAGER],
    }
    blind = {
        "other commissioner": world.other_commissioner_users[Role.COMMISSIONER_OFFICER],
        "other practice": world.b.users[Role.PRACTICE_MANAGER],
    }
    for who, user in sees.items():
        assert access.scoped(user, Contract).filter(pk=contract.pk).exists(), who
        assert access.scoped(user, ContractYear).filter(contract=contract).exists(), who
    for who, user in blind.items():
        assert not access.scoped(user, Contract).filter(pk=contract.pk).exists(), who
        assert not access.scoped(user, ContractYear).filter(contract=contract).exists(), who


def test_a_contract_covers_a_case_only_within_a_contract_year(world):
    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    last = contract.years.order_by("-start_date").first()
    found = services.contract_covering(
        practice_id=world.a.org.pk,
        commissioner=world.commissioner,
        service_type=ServiceType.LOOKED_AFTER_CHILD,
        on=TODAY,
    )
    assert found == contract
    after_last_year = services.contract_covering(
        practice_id=world.a.org.pk,
        commissioner=world.commissioner,
        service_type=ServiceType.LOOKED_AFTER_CHILD,
        on=last.end_date + timedelta(days=1),
    )
    assert after_last_year is None
    with pytest.raises(ValidationError):
        case_services.case_open(
            actor=world.a.users[Role.TEAM_MANAGER],
            person=world.a.people[0],
            service_type=ServiceType.CARE_LEAVER,
            commissioner=world.commissioner,
            opened_on=contract.start_date - timedelta(days=1),
            open_reason="Before the contract",
        )


def test_every_seeded_case_names_a_contract_between_its_own_commissioner_and_practice(db):
    from django.db.models import F

    from casework.cases.models import Case
    from casework.synthetic.generate import seed

    seed(practices=2, people=300, seed=5, as_of=TODAY)
    cases = Case.objects.all()
    assert cases.count() > 50
    assert not cases.filter(contract__isnull=True).exists()
    assert not cases.exclude(contract__commissioner=F("commissioner")).exists()
    assert not cases.exclude(contract__practice=F("organisation")).exists()
    # each contract runs in consecutive years covering today
    for contract in Contract.objects.all():
        years = list(contract.years.order_by("start_date"))
        assert years[0].start_date == contract.start_date
        assert all((b.start_date - a.end_date).days == 1 for a, b in zip(years, years[1:], strict=False))
        assert years[-1].end_date >= TODAY


def test_contract_pages_for_the_two_parties(world, client):
    from django.urls import reverse

    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    url = reverse("contract_detail", args=[contract.pk])
    for user in (world.commissioner_users[Role.COMMISSIONER_OFFICER], world.a.users[Role.PRACTICE_MANAGER]):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert contract.reference in page and "Case holding for looked-after children" in page
        assert contract.reference in client.get(reverse("contract_list")).content.decode()
    for user in (world.other_commissioner_users[Role.COMMISSIONER_OFFICER], world.b.users[Role.PRACTICE_MANAGER]):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert contract.reference not in client.get(reverse("contract_list")).content.decode()

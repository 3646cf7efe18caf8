"""Writes about organisations, teams, workers and users (set-up work: admin and seed)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from casework.accounts.models import Role, User
from casework.audit.services import audit_record
from casework.cases.models import CaseWeight
from casework.core import identifiers
from casework.core.access import PRACTICE_ROLES
from casework.core.persistence import clean_and_save
from casework.organisations.models import Commissioning, Organisation, Team, Worker


@transaction.atomic
def organisation_create(*, actor, **fields) -> Organisation:
    org = clean_and_save(Organisation(**fields), actor=actor)
    audit_record(actor=actor, action="create", obj=org)
    return org


@transaction.atomic
def commissioning_create(*, actor, commissioner: Organisation, practice: Organisation, start_date) -> Commissioning:
    if commissioner.kind != Organisation.Kind.COMMISSIONER or practice.kind != Organisation.Kind.PRACTICE:
        raise ValidationError("A commissioner commissions a practice")
    link = clean_and_save(
        Commissioning(commissioner=commissioner, practice=practice, start_date=start_date), actor=actor
    )
    audit_record(actor=actor, action="create", obj=link)
    return link


@transaction.atomic
def team_create(*, actor, organisation: Organisation, name: str, function: str) -> Team:
    if not organisation.is_practice:
        raise ValidationError({"organisation": "Teams belong to practices"})
    team = clean_and_save(Team(organisation=organisation, name=name, function=function), actor=actor)
    audit_record(actor=actor, action="create", obj=team)
    return team


@transaction.atomic
def worker_create(*, actor, organisation: Organisation, team: Team | None = None, **fields) -> Worker:
    if team is not None and team.organisation_id != organisation.pk:
        raise ValidationError({"team": "Choose a team of the worker's own practice"})
    if fields.get("swe_registration_number"):
        fields["swe_registration_number"] = identifiers.normalise_swe_registration(fields["swe_registration_number"])
    worker = clean_and_save(Worker(organisation=organisation, team=team, **fields), actor=actor)
    audit_record(actor=actor, action="create", obj=worker)
    return worker


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str,
    role: str,
    organisation: Organisation,
    worker: Worker | None = None,
    **fields,
) -> User:
    if role in PRACTICE_ROLES and not organisation.is_practice:
        raise ValidationError({"role": "Practice roles belong to practices"})
    if role == Role.COMMISSIONER_OFFICER and organisation.kind != Organisation.Kind.COMMISSIONER:
        raise ValidationError({"role": "Commissioner officers belong to commissioners"})
    user = User(
        username=username, role=role, organisation=organisation, is_staff=role == Role.SYSTEM_ADMINISTRATOR, **fields
    )
    user.set_password(password)
    clean_and_save(user, actor=actor)
    if worker is not None:
        if worker.organisation_id != organisation.pk:
            raise ValidationError({"worker": "The worker must belong to the user's organisation"})
        worker.user = user
        clean_and_save(worker, actor=actor)
    audit_record(actor=actor, action="create", obj=user, role=role)
    return user


@transaction.atomic
def case_weight_set(*, actor, organisation: Organisation, service_type: str, weight) -> CaseWeight:
    weight_row, _ = CaseWeight.objects.update_or_create(
        organisation=organisation, service_type=service_type, defaults={"weight": weight}
    )
    weight_row.full_clean()
    audit_record(actor=actor, action="update", obj=weight_row, service_type=service_type)
    return weight_row

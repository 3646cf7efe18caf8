"""Reads about the workforce and commissioning links."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from casework.core import access
from casework.organisations.models import Commissioning, Organisation, Worker


def workers_in_post(*, actor) -> QuerySet:
    today = timezone.localdate()
    return (
        access.scoped(actor, Worker)
        .filter(start_date__lte=today)
        .filter(Q(leave_date__isnull=True) | Q(leave_date__gt=today))
        .order_by("family_name", "given_name")
    )


def our_commissioners(*, actor) -> QuerySet:
    """Commissioners that commission the actor's practice."""
    ids = access.scoped(actor, Commissioning).filter(practice_id=actor.organisation_id).values("commissioner_id")
    return Organisation.objects.filter(pk__in=ids).order_by("name")

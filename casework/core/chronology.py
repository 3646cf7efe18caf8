"""The chronology: every event recorded about a person, newest first, from one registry.

Each app says which of its records are events by registering a *kind* in its own
``chronology.py`` (found here by autodiscovery, so a new app joins without anyone editing this
module): the models the kind reads and a function ``(actor, person) -> entries``. Each function
reads its rows through ``access.scoped``, so restricted records and another practice's records
never appear (after a transfer the sending practice sees only what it recorded), and costs a fixed
number of queries however many rows there are: the person page's query count grows with the
number of kinds, never with the number of events (pinned in tests/test_query_counts.py).

``tests/core/test_chronology.py`` finds every model with a date and a link to a person, case or
looked-after record and fails if it is neither registered here nor listed there as not an event.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Model
from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Entry:
    on: date
    kind: str  # a CSS modifier on the page: registration, case, allocation, note, looked-after ...
    title: str
    detail: str = ""
    # orders entries of the same day: a start before what happens in it, an ending last
    sort_key: tuple = ()


Source = Callable[..., Iterable[Entry]]


@dataclass(frozen=True)
class Kind:
    name: str
    models: tuple[type[Model], ...]
    source: Source


_KINDS: dict[str, Kind] = {}
_discovered = False


def register(name: str, *, models: Iterable[type[Model]], source: Source) -> None:
    """Add a kind of chronology entry: ``source(actor=..., person=...)`` returns its entries."""
    _KINDS[name] = Kind(name, tuple(models), source)


def kinds() -> list[Kind]:
    global _discovered
    if not _discovered:
        autodiscover_modules("chronology")
        _discovered = True
    return list(_KINDS.values())


def registered_models() -> set[type[Model]]:
    return {model for kind in kinds() for model in kind.models}


def for_person(*, actor, person) -> list[Entry]:
    """Every event about ``person`` the actor may see, newest first."""
    entries = [entry for kind in kinds() for entry in kind.source(actor=actor, person=person)]
    entries.sort(key=lambda e: (e.on, e.sort_key), reverse=True)
    return entries

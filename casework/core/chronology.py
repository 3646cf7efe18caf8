"""The chronology: every event recorded about a person, newest first, from one registry.

Each app says which of its records are events by registering a *kind* in its own
``chronology.py`` (found here by autodiscovery, so a new app joins without anyone editing this
module): the models the kind reads and a function ``(actor, person, read) -> entries``. Each function
reads its rows through ``access.scoped``, so restricted records and another practice's records
never appear (after a transfer the sending practice sees only what it recorded), and costs a fixed
number of queries however many rows there are: the person page's query count grows with the
number of kinds, never with the number of events (pinned in tests/test_query_counts.py).

A page that has already read some of the person's rows through ``access.scoped`` (the person page
reads their registrations, cases, allocations, notes and looked-after records to show them) hands
them over in ``read`` (model -> rows): a kind uses those rows instead of reading them again
(``rows_about``), and leaves there the full rows it read itself, for the page to use in turn.

``tests/core/test_chronology.py`` finds every model with a date and a link to a person, case or
looked-after record and fails if it is neither registered here nor listed there as not an event.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Model, QuerySet
from django.utils.module_loading import autodiscover_modules

from casework.core import access
from casework.core.templatetags.dates import day_month_year


@dataclass(frozen=True)
class Entry:
    on: date
    kind: str  # a CSS modifier on the page: registration, case, allocation, note, looked-after ...
    title: str
    detail: str = ""
    # orders entries of the same day: a start before what happens in it, an ending last
    sort_key: tuple = ()

    @property
    def day(self) -> str:
        """The date as the page shows it, "7 Dec 2026" (the date filter's "j M Y" in English),
        written here: the filter cost as much as the rest of an entry's markup (issue 14)."""
        return day_month_year(self.on)


Source = Callable[..., Iterable[Entry]]


@dataclass(frozen=True)
class Kind:
    name: str
    models: tuple[type[Model], ...]
    source: Source


_KINDS: dict[str, Kind] = {}
_discovered = False


def register(name: str, *, models: Iterable[type[Model]], source: Source) -> None:
    """Add a kind of chronology entry: ``source(actor=..., person=..., read=...)`` returns its entries."""
    _KINDS[name] = Kind(name, tuple(models), source)


def kinds() -> list[Kind]:
    global _discovered
    if not _discovered:
        autodiscover_modules("chronology")
        _discovered = True
    return list(_KINDS.values())


def registered_models() -> set[type[Model]]:
    return {model for kind in kinds() for model in kind.models}


def scoped_about(actor, person, model: type[Model]) -> QuerySet:
    """``access.scoped(actor, model)`` for a kind's rows, which the kind then narrows to rows about
    ``person`` alone. A person opened for the page by ``access.open_record`` (``is_restricted`` read
    False) is not restricted from the actor, so rows about them alone need not be checked against
    the restricted people again: that subquery, built and compiled into each kind's query, was a
    third of the person page's CPU (issue 14). A person not opened that way is checked as usual."""
    opened = getattr(person, "is_restricted", None) is False
    return access.scoped(actor, model, restricted="include" if opened else "exclude")


Read = dict[type[Model], list]


def rows_about(actor, person, model: type[Model], read: Read, narrow: Callable[[QuerySet], QuerySet]) -> list:
    """The actor's rows of ``model`` about ``person``: those in ``read`` when the page read them
    already (every row of the model about the person in the actor's scope, as full objects),
    otherwise ``narrow(scoped_about(...))`` read now and kept in ``read``. ``narrow`` must give
    every such row as a full object: a kind reading only some fields does not use this."""
    if model not in read:
        read[model] = list(narrow(scoped_about(actor, person, model)))
    return read[model]


def for_person(*, actor, person, read: Read | None = None) -> list[Entry]:
    """Every event about ``person`` the actor may see, newest first. ``read``: the rows about
    ``person`` the page has already read through ``access.scoped`` (model -> every such row in the
    actor's scope); the kinds add the full rows they read to it."""
    read = {} if read is None else read
    entries = [entry for kind in kinds() for entry in kind.source(actor=actor, person=person, read=read)]
    entries.sort(key=lambda e: (e.on, e.sort_key), reverse=True)
    return entries

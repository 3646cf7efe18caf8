"""Statistics for fair comparison (reference/outcomes.md): pure functions, no database."""

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

Z_95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution
SUPPRESS_BELOW = 5  # counts under 5 are never shown in anything a commissioner can export
SUPPRESSED = "[c]"  # what is shown instead (the DfE's marker for a confidential figure)


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float] | None:
    """Wilson score interval for a proportion: sound for small cohorts and for 0 % or 100 %, where
    the usual normal approximation gives impossible bounds. None when there are no trials."""
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError("successes must be between 0 and the number of trials")
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = (z / (1 + z2 / trials)) * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    return max(0.0, centre - half), min(1.0, centre + half)


def suppressed(count: int | None) -> str:
    """A count as a commissioner may see it exported: under 5 (but not 0) becomes '[c]'."""
    if count is None:
        return ""
    return SUPPRESSED if 0 < count < SUPPRESS_BELOW else str(count)


# --- small-count suppression: what of a table may be shown ------------------------------------------
#
# The DfE's practice for children looked after (reference/outcomes.md): a count of 1 to 4 children is
# never shown ("[c]"), and neither is anything computed from it (the percentage, its interval, a
# payment's workings). A zero is shown, as the DfE shows it: it says that none of the cohort did
# something, which names no child. That is primary suppression. Secondary suppression then hides
# further figures wherever what is shown, with what a reader knows of how the figures add up (the
# categories of a measure add up to its cohort; the age groups add up to all ages), would let a
# hidden count be worked back by subtraction.


def is_small(count) -> bool:
    """A count shown as '[c]': 1 to 4 (0 says no one, and is shown)."""
    return count is not None and 0 < count < SUPPRESS_BELOW


@dataclass(frozen=True)
class Sum:
    """What a reader knows of a table: the cell ``total`` is the sum of the cells ``parts``."""

    total: Hashable
    parts: tuple[Hashable, ...]


def withheld(
    values: Mapping[Hashable, float],
    *,
    counts: Iterable[Hashable],
    protect: Iterable[Hashable] = (),
    sums: Iterable[Sum] = (),
    unpublished: Iterable[Hashable] = (),
) -> frozenset:
    """The cells of a table to withhold so that no count under 5 is shown or can be worked back.

    ``values`` holds every cell's true value; ``counts`` are the cells that count people (1 to 4 is
    withheld); ``protect`` are further cells never to show or give away (the total of a small group's
    scores); ``sums`` are how the cells add up; ``unpublished`` cells take part in sums but are never
    shown (the children in the age groups a table leaves out: a reader can guess that such a group
    is empty, so an empty one counts as known). While a withheld or unpublished count under 5 (or a
    protected cell) can be solved for from the shown cells and the sums, the smallest shown cell of
    a sum it takes part in is withheld too (secondary suppression, as the DfE does it)."""
    counts, sums, unpublished = set(counts), list(sums), set(unpublished)
    hidden = {cell for cell in counts if is_small(values[cell])} | set(protect)
    sensitive = hidden | {cell for cell in unpublished if cell in counts and is_small(values[cell])}
    guessable = {cell for cell in unpublished if values[cell] == 0}
    while True:
        unknown = (hidden | unpublished) - guessable
        leaked = [cell for cell in sorted(_solvable(unknown, sums), key=repr) if cell in sensitive]
        if not leaked:
            return frozenset(hidden - unpublished)
        cell = leaked[0]
        shown = [c for s in sums if cell in (s.total, *s.parts) for c in (s.total, *s.parts) if c not in unknown]
        if not shown:  # worked back through a chain of sums: withhold from any sum still showing cells
            shown = [c for s in sums for c in (s.total, *s.parts) if c not in unknown]
        if not shown:
            return frozenset(hidden - unpublished)
        totals = {s.total for s in sums}
        # the DfE's choice: the next smallest cell, a part before a total, a zero last
        hidden.add(min(shown, key=lambda c: (c in totals, values[c] == 0, values[c], repr(c))))


def _solvable(unknown: set, sums: list[Sum]) -> set:
    """The unknown cells whose values the sums fix, whatever the other unknowns are (Gauss-Jordan
    elimination over the unknowns: a cell is fixed when its pivot row has no free unknown in it)."""
    columns = sorted(unknown, key=repr)
    index = {cell: n for n, cell in enumerate(columns)}
    rows = []
    for s in sums:
        row = [Fraction(0)] * len(columns)
        for cell, sign in ((s.total, 1), *((part, -1) for part in s.parts)):
            if cell in index:
                row[index[cell]] += sign
        if any(row):
            rows.append(row)
    pivots: list[int] = []
    for column in range(len(columns)):
        found = next((r for r in range(len(pivots), len(rows)) if rows[r][column]), None)
        if found is None:
            continue
        at = len(pivots)
        rows[at], rows[found] = rows[found], rows[at]
        lead = rows[at][column]
        rows[at] = [x / lead for x in rows[at]]
        for r in range(len(rows)):
            if r != at and rows[r][column]:
                factor = rows[r][column]
                rows[r] = [x - factor * y for x, y in zip(rows[r], rows[at], strict=True)]
        pivots.append(column)
    free = set(range(len(columns))) - set(pivots)
    return {columns[column] for r, column in enumerate(pivots) if not any(rows[r][f] for f in free)}

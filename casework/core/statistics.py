"""Statistics for fair comparison (reference/outcomes.md): pure functions, no database."""

import math

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

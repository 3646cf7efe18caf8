"""Random choices shared by the seed's generators."""

import random


def weighted(rng: random.Random, pairs):
    """One value from (value, weight) pairs."""
    values, weights = zip(*pairs)
    return rng.choices(values, weights=weights)[0]

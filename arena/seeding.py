"""Derive every random seed from the tournament seed, so any match replays alone.

A match's seed depends only on (tournament seed, match index); a seat's agent seed only on
(match seed, seat). NumPy's ``SeedSequence`` mixes the entropy, so neighbouring indices give
unrelated streams and no global RNG is ever touched.
"""

from __future__ import annotations

import numpy as np

_SEED_BITS = 63


def derive_seed(*entropy: int) -> int:
    """Return a non-negative 63-bit seed mixed from ``entropy`` (all non-negative ints)."""
    state = np.random.SeedSequence(list(entropy)).generate_state(2, dtype=np.uint32)
    return int((int(state[0]) << 32 | int(state[1])) & ((1 << _SEED_BITS) - 1))


def match_seed(tournament_seed: int, match_index: int) -> int:
    """The environment seed of match ``match_index`` of a tournament seeded ``tournament_seed``."""
    return derive_seed(tournament_seed, match_index)


def seat_seed(seed: int, seat: int) -> int:
    """The seed of the agent in ``seat`` for a match whose environment seed is ``seed``."""
    return derive_seed(seed, seat + 1)

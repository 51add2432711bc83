"""Derive every random seed from the tournament seed, so any match replays alone.

A match's seed depends only on (tournament seed, match index); a seat's agent seed only on
(match seed, seat). NumPy's ``SeedSequence`` mixes the entropy, so neighbouring indices give
unrelated streams and no global RNG is ever touched.
"""

from __future__ import annotations

from typing import Any

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


# NumPy's SeedSequence (numpy/random/bit_generator.pyx) with its default pool of four 32-bit
# words, spelled out on arrays so that a schedule's seeds come from a few array operations.
_MASK = 0xFFFFFFFF
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_POOL = 4


def _words(value: int) -> list[int]:
    """``value`` as SeedSequence reads an int: 32-bit words, least significant first."""
    words = [value & _MASK]
    value >>= 32
    while value:
        words.append(value & _MASK)
        value >>= 32
    return words


def match_seeds(tournament_seed: int, count: int) -> list[int]:
    """``[match_seed(tournament_seed, i) for i in range(count)]``, computed at once.

    The same numbers (``tests/arena/test_seeding.py`` checks them against ``match_seed``),
    from NumPy array operations rather than a ``SeedSequence`` per match: a schedule of
    100,000 matches gets its seeds in milliseconds instead of most of a second.
    """
    if tournament_seed < 0 or count < 0:
        raise ValueError("the seed and the count must be non-negative")
    if count > _MASK + 1:  # an index of two words: not worth a second spelling
        return [match_seed(tournament_seed, i) for i in range(count)]
    mask = np.uint64(_MASK)
    entropy: list[Any] = [np.uint64(w) for w in _words(tournament_seed)]
    entropy.append(np.arange(count, dtype=np.uint64))
    while len(entropy) < _POOL:
        entropy.append(np.uint64(0))
    hash_const = _INIT_A

    def hashmix(value: Any) -> Any:
        nonlocal hash_const
        value = value ^ np.uint64(hash_const)
        hash_const = (hash_const * _MULT_A) & _MASK
        value = (value * np.uint64(hash_const)) & mask
        return value ^ (value >> np.uint64(16))

    def mix(x: Any, y: Any) -> Any:
        result = (np.uint64(_MIX_L) * x - np.uint64(_MIX_R) * y) & mask
        return result ^ (result >> np.uint64(16))

    with np.errstate(over="ignore"):  # products wrap modulo 2**64: only the low 32 bits count
        pool = [hashmix(word) for word in entropy[:_POOL]]
        for source in range(_POOL):
            for target in range(_POOL):
                if source != target:
                    pool[target] = mix(pool[target], hashmix(pool[source]))
        for word in entropy[_POOL:]:
            for target in range(_POOL):
                pool[target] = mix(pool[target], hashmix(word))
        state, hash_b = [], _INIT_B
        for word in pool[:2]:
            value = word ^ np.uint64(hash_b)
            hash_b = (hash_b * _MULT_B) & _MASK
            value = (value * np.uint64(hash_b)) & mask
            state.append(value ^ (value >> np.uint64(16)))
        seeds = ((state[0] << np.uint64(32)) | state[1]) & np.uint64((1 << _SEED_BITS) - 1)
    return np.broadcast_to(seeds, (count,)).tolist()

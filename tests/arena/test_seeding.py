"""Seeds: a schedule's seeds computed at once are the seeds ``match_seed`` gives one by one."""

from __future__ import annotations

import pytest

from arena.seeding import match_seed, match_seeds


@pytest.mark.parametrize(
    "seed",
    [0, 1, 7, 2**32 - 1, 2**32, 2**63 - 1, 2**64 + 5, 2**100 + 3, 2**130 + 9, 12345678901234567],
)
def test_match_seeds_are_match_seed_for_every_index(seed: int) -> None:
    """Tournament seeds of one to five 32-bit words: SeedSequence's pool of four words holds
    up to four, a fifth goes through its second mixing loop."""
    assert match_seeds(seed, 300) == [match_seed(seed, i) for i in range(300)]


def test_match_seeds_of_no_and_one_match() -> None:
    assert match_seeds(3, 0) == []
    assert match_seeds(3, 1) == [match_seed(3, 0)]
    with pytest.raises(ValueError, match="non-negative"):
        match_seeds(-1, 3)

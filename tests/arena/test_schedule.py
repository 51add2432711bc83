"""Round-robin schedules: who meets whom, in which seats, how often, with which seeds."""

from __future__ import annotations

from collections import Counter

import pytest

from arena.schedule import round_robin
from arena.seeding import match_seed, seat_seed


@pytest.mark.parametrize(
    ("n", "swap", "self_play", "per_repetition"),
    [
        (4, True, False, 12),
        (4, False, False, 6),
        (4, True, True, 16),
        (4, False, True, 10),
        (2, True, False, 2),
    ],
)
def test_two_seat_counts(n: int, swap: bool, self_play: bool, per_repetition: int) -> None:
    fixtures = round_robin(n, 2, repetitions=3, swap_seats=swap, self_play=self_play)
    assert len(fixtures) == 3 * per_repetition
    assert [f.index for f in fixtures] == list(range(len(fixtures)))
    first = [f.seats for f in fixtures[:per_repetition]]
    assert [f.seats for f in fixtures[per_repetition : 2 * per_repetition]] == first


def test_swapped_seats_balance_every_agent() -> None:
    fixtures = round_robin(5, 2, repetitions=1, swap_seats=True)
    seat_counts = Counter((a, seat) for f in fixtures for seat, a in enumerate(f.seats))
    assert set(seat_counts.values()) == {4}


def test_three_seats() -> None:
    fixtures = round_robin(4, 3, swap_seats=True)
    assert len(fixtures) == 4 * 6  # 4 groups of 3, each in 3! seat orders
    assert all(len(set(f.seats)) == 3 for f in fixtures)


def test_seeds_depend_only_on_tournament_seed_and_index() -> None:
    a = round_robin(6, 2, repetitions=2, seed=9)
    b = round_robin(3, 2, repetitions=1, seed=9)
    assert [f.seed for f in b] == [f.seed for f in a[: len(b)]]
    assert [f.seed for f in a] == [match_seed(9, f.index) for f in a]
    assert len({f.seed for f in a}) == len(a)
    assert round_robin(6, 2, seed=10)[0].seed != a[0].seed


def test_seat_seeds_differ_between_seats_and_matches() -> None:
    seeds = {seat_seed(match_seed(1, i), s) for i in range(50) for s in range(3)}
    assert len(seeds) == 150
    assert all(0 <= s < 2**63 for s in seeds)

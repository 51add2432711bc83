"""Who plays whom, in which seat, in which order: the tournament's list of matches."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from arena.seeding import match_seed


@dataclass(frozen=True)
class Fixture:
    """One scheduled match: its index, the agents (by index) in seat order, its seed."""

    index: int
    seats: tuple[int, ...]
    seed: int


MAX_MATCHES = 1_000_000  # per tournament: more is a typo, or a job for several tournaments


def seatings_count(n_agents: int, n_seats: int, *, swap_seats: bool, self_play: bool) -> int:
    """How many seatings ``round_robin`` makes per repetition, computed without making them."""
    if self_play:
        return n_agents**n_seats if swap_seats else math.comb(n_agents + n_seats - 1, n_seats)
    return math.perm(n_agents, n_seats) if swap_seats else math.comb(n_agents, n_seats)


def round_robin(
    n_agents: int,
    n_seats: int,
    *,
    repetitions: int = 1,
    swap_seats: bool = True,
    self_play: bool = False,
    seed: int = 0,
) -> list[Fixture]:
    """Every group of ``n_seats`` agents meets ``repetitions`` times.

    With ``swap_seats`` each group plays in every distinct seat order, so no agent gains from
    a seat. Repetition ``r`` of every pairing comes before repetition ``r + 1``, so a partial
    run is balanced. Match ``i``'s seed depends only on (``seed``, ``i``).
    """
    groups = (
        itertools.combinations_with_replacement(range(n_agents), n_seats)
        if self_play
        else itertools.combinations(range(n_agents), n_seats)
    )
    seatings: list[tuple[int, ...]] = []
    for group in groups:
        if swap_seats:
            seatings.extend(dict.fromkeys(itertools.permutations(group)))
        else:
            seatings.append(group)
    order = [s for _ in range(repetitions) for s in seatings]
    return [Fixture(i, seats, match_seed(seed, i)) for i, seats in enumerate(order)]

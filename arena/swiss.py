"""The Swiss schedule: rounds that pair agents of similar standing, for fields too large to meet
every other agent.

Each round pairs the field by its standings after the earlier rounds (points: a win 1, a draw
1/2, a loss 0, decided by the match's total payoffs as the leaderboard decides them), in the
Monrad manner: the highest-placed agent not yet paired meets the next-placed one it has not
met, and so on down the table, backtracking where a choice would leave some later agent with
only opponents it has met; only when no pairing without a rematch exists (more rounds than
opponents, say) are rematches allowed, the fewest the greedy pass finds. Agents level on
points are ordered by a draw seeded from (seed, round), so round 0 is a seeded random pairing.
In a field of odd size one agent sits out each round (the bye): the lowest-placed of those
with the fewest byes so far; a bye scores 1 point, as a pairing-allocated bye does in FIDE
Swiss events, and is no match (no rating counts it). In each pair the agent that sat first
less often (first minus second seat) takes the first seat, a seeded coin on a tie, so seats
alternate.

Round ``r`` is a pure function of (number of agents, rounds, seed, the stored results of rounds
``< r``): the byes of earlier rounds are read back from the results (the agent missing from a
round's matches), so nothing but the matches needs storing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from arena.schedule import Fixture, Played, RoundPlan, balanced_seats
from arena.seeding import match_seed

_SWISS_STREAM = (1 << 40) + 2  # mixed with the seed for the tie-breaks: no match seed's stream
_SEARCH_BUDGET = 200_000  # backtracking steps per round before rematches are allowed


def pair_points(a: float, b: float) -> tuple[float, float]:
    """The points of two seats with total payoffs ``a`` and ``b`` (the leaderboard's rule:
    equal totals, within 1e-9, are a draw)."""
    from arena.leaderboards.standings import pair_score

    score = pair_score(a, b)
    return score, 1.0 - score


@dataclass(frozen=True)
class SwissSchedule:
    """``rounds`` Swiss rounds of ``n_agents`` agents, ``n_agents // 2`` matches a round."""

    n_agents: int
    rounds: int
    seed: int = 0

    def __post_init__(self) -> None:
        if self.n_agents < 2:
            raise ValueError(f"a Swiss schedule needs at least 2 agents, got {self.n_agents}")
        if self.rounds < 1:
            raise ValueError(f"rounds must be at least 1, got {self.rounds}")

    @property
    def per_round(self) -> int:
        return self.n_agents // 2

    @property
    def max_matches(self) -> int:
        """Every round is played: exactly ``rounds * (n_agents // 2)`` matches."""
        return self.rounds * self.per_round

    def round_size(self, number: int, start: int) -> int:
        return self.per_round if number < self.rounds else 0

    def standings(self, played: Sequence[Played]) -> tuple[list[float], list[int]]:
        """Points and byes of every agent after ``played`` (whole rounds, in match order)."""
        points = [0.0] * self.n_agents
        byes = [0] * self.n_agents
        by_round: dict[int, list[Played]] = {}
        for match in played:
            by_round.setdefault(match.index // self.per_round, []).append(match)
        for matches in by_round.values():
            present = {a for match in matches for a in match.seats}
            for match in matches:
                a, b = match.seats
                pa, pb = pair_points(*match.payoffs)
                points[a] += pa
                points[b] += pb
            if self.n_agents % 2:
                for agent in set(range(self.n_agents)) - present:
                    points[agent] += 1.0
                    byes[agent] += 1
        return points, byes

    def plan(self, number: int, start: int, played: Sequence[Played]) -> RoundPlan:
        """Round ``number``: pairs of similar standing, no rematch where one can be avoided."""
        if number >= self.rounds:
            return RoundPlan((), f"{self.rounds} rounds played")
        points, byes = self.standings(played)
        met: set[tuple[int, int]] = set()
        first = [0] * self.n_agents
        second = [0] * self.n_agents
        for match in played:
            a, b = match.seats
            met.add((min(a, b), max(a, b)))
            first[a] += 1
            second[b] += 1
        rng = np.random.default_rng([self.seed, _SWISS_STREAM, number])
        draw = rng.permutation(self.n_agents).tolist()
        order = sorted(range(self.n_agents), key=lambda a: (-points[a], draw[a]))
        if self.n_agents % 2:
            fewest = min(byes)
            bye = next(a for a in reversed(order) if byes[a] == fewest)
            order.remove(bye)
        pairs = monrad_pairs(order, met)
        coins = rng.random(len(pairs)) < 0.5
        fixtures = []
        for k, ((a, b), coin) in enumerate(zip(pairs, coins)):
            index = start + k
            seats = balanced_seats(a, b, first, second, bool(coin))
            fixtures.append(Fixture(index, seats, match_seed(self.seed, index)))
        return RoundPlan(tuple(fixtures))


def monrad_pairs(order: Sequence[int], met: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """Pair ``order`` (best placed first, even length) top down: each agent with the next one
    it has not met, backtracking when that leaves a later agent without a fresh opponent.

    Without a pairing free of rematches (or after ``_SEARCH_BUDGET`` steps) the greedy pass
    pairs each agent with the next fresh opponent, or else the next one at all.

    >>> monrad_pairs([0, 1, 2, 3], {(0, 1)})
    [(0, 2), (1, 3)]
    """

    def fresh(a: int, b: int) -> bool:
        return (min(a, b), max(a, b)) not in met

    budget = _SEARCH_BUDGET
    stack: list[tuple[list[int], int]] = []  # (the agents left, the partner tried) per pair
    pairs: list[tuple[int, int]] = []
    rest, k = list(order), 1
    while rest and budget > 0:
        while k < len(rest) and not fresh(rest[0], rest[k]):
            k += 1
            budget -= 1
        if k < len(rest):  # pair rest[0] with rest[k], then the others
            stack.append((rest, k))
            pairs.append((rest[0], rest[k]))
            rest, k = rest[1:k] + rest[k + 1 :], 1
        elif stack:  # nobody fresh is left for rest[0]: undo the last pair, try its next
            rest, k = stack.pop()
            pairs.pop()
            k += 1
        else:
            break
        budget -= 1
    if not rest:
        return pairs
    rest = list(order)
    pairs = []
    while rest:
        a = rest.pop(0)
        k = next((k for k, b in enumerate(rest) if fresh(a, b)), 0)
        pairs.append((a, rest.pop(k)))
    return pairs

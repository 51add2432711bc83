"""Who plays whom, in which seat, in which order: the tournament's list of matches.

Static formats, fixed before the first match: ``round_robin`` (every group of agents, in every
seat order), ``random_groups`` (a given number of matches of seeded random groups, for fields
too large to meet every group), ``role_balanced`` (hidden-role games: every agent plays every
role a set number of times) and ``gauntlet`` (the agents under test each play a fixed
reference pool). Each is a pure function of its arguments, so a resumed tournament plays
exactly the matches an uninterrupted one would, and match ``i``'s seed depends only on
(seed, ``i``).

Dynamic formats (``arena.swiss``, ``arena.adaptive``) play in rounds: a ``DynamicSchedule``
plans round ``r`` from the file, the seed and the stored results of the rounds before it
(``Played``), and ``arena.tournament`` plays each round before it plans the next.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from arena.seeding import match_seed, match_seeds


@dataclass(frozen=True)
class Fixture:
    """One scheduled match: its index, the agents (by index) in seat order, its seed, and the
    game's reset options the schedule fixes for it (``roles`` in a role-balanced schedule)."""

    index: int
    seats: tuple[int, ...]
    seed: int
    options: dict[str, Any] | None = field(default=None, hash=False)


MAX_MATCHES = 1_000_000  # per tournament: more is a typo, or a job for several tournaments

# Mixed with the tournament seed for the draw of random groups: far above any match index, so
# the stream is not the one any match's seed comes from.
_GROUPS_STREAM = 1 << 40
_ROLES_STREAM = (1 << 40) + 1


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
    seeds = match_seeds(seed, len(order))
    return [Fixture(i, seats, s) for i, (seats, s) in enumerate(zip(order, seeds))]


def random_groups(n_agents: int, n_seats: int, *, matches: int, seed: int = 0) -> list[Fixture]:
    """``matches`` matches of seeded random groups of ``n_seats`` distinct agents, seats rotated.

    Groups are dealt from shuffled decks of all the agents: each match takes the next
    ``n_seats`` agents of the deck, and when fewer are left, those few and the first others of
    a fresh shuffle (one agent never twice in a group). Every agent is in every deck once, so
    play counts differ by about one at most. The group then takes the rotation of its seat
    order (of the ``n_seats`` cyclic ones) that seats its agents where they have sat least so
    far (the smallest sum of their counts in those seats; the first such rotation on a tie),
    so every agent sits in every seat about equally often.

    Raises ``ValueError`` for fewer agents than seats or fewer than one match. The draw is
    seeded from ``seed`` alone (a NumPy generator, never the global RNG), and the first ``m``
    fixtures of ``matches = M`` are those of ``matches = m``; match ``i``'s seed is
    ``match_seed(seed, i)``, as in ``round_robin``.

    >>> [f.seats for f in random_groups(4, 3, matches=4, seed=1)]
    [(1, 3, 2), (0, 2, 3), (2, 0, 1), (0, 1, 3)]
    """
    if n_seats < 1:
        raise ValueError(f"n_seats must be at least 1, got {n_seats}")
    if n_agents < n_seats:
        raise ValueError(f"random groups of {n_seats} agents need {n_seats}, got {n_agents}")
    if matches < 1:
        raise ValueError(f"matches must be at least 1, got {matches}")
    rng = np.random.default_rng([seed, _GROUPS_STREAM])
    counts = [[0] * n_seats for _ in range(n_agents)]  # counts[agent][seat]
    deck: list[int] = []
    at = 0
    fixtures: list[Fixture] = []
    seeds = match_seeds(seed, matches)
    for index in range(matches):
        if len(deck) - at >= n_seats:
            group = deck[at : at + n_seats]
            at += n_seats
        else:
            group = deck[at:]
            deck, at = [], 0
            for agent in rng.permutation(n_agents).tolist():
                if len(group) < n_seats and agent not in group:
                    group.append(agent)
                else:
                    deck.append(agent)
        costs = [
            sum(counts[agent][(k + shift) % n_seats] for k, agent in enumerate(group))
            for shift in range(n_seats)
        ]
        shift = costs.index(min(costs))
        seats = tuple(group[(seat - shift) % n_seats] for seat in range(n_seats))
        for seat, agent in enumerate(seats):
            counts[agent][seat] += 1
        fixtures.append(Fixture(index, seats, seeds[index]))
    return fixtures


def role_balanced(
    n_agents: int, roles: Sequence[str], *, games_per_role: int = 1, seed: int = 0
) -> list[Fixture]:
    """Matches of a hidden-role game in which every agent plays every role of the deal
    ``roles`` (one role per seat, e.g. 2 werewolves, a seer, a doctor, 4 villagers) at least
    ``games_per_role`` times, so that no rating rewards the luck of the deal.

    Match by match, the scarcest roles are given first, each to the agent that still lacks
    it most (then to the agent that has played least, then by a seeded draw); then two of the
    match's agents swap roles while that evens out how often each has held each role (per
    slot of the role); the agents then take their seats in a seeded random order, so a seat
    says nothing about its role. Matches are added until no agent lacks any role. Each
    fixture fixes its roles through the game's reset options (``{"roles": [one per seat]}``).
    Seeded from ``seed`` alone; match ``i``'s seed is ``match_seed(seed, i)``.

    >>> fixtures = role_balanced(4, ["werewolf", "seer", "villager"], seed=3)
    >>> len(fixtures), sorted(fixtures[0].options["roles"])
    (4, ['seer', 'villager', 'werewolf'])
    """
    n_seats = len(roles)
    if n_seats < 1:
        raise ValueError("a role-balanced schedule needs at least one role")
    if n_agents < n_seats:
        raise ValueError(f"role-balanced matches of {n_seats} seats need {n_seats} agents")
    if games_per_role < 1:
        raise ValueError(f"games_per_role must be at least 1, got {games_per_role}")
    kinds = sorted(set(roles), key=lambda role: (list(roles).count(role), role))
    slots = [role for role in kinds for _ in range(list(roles).count(role))]
    counts = {(a, role): 0 for a in range(n_agents) for role in kinds}
    played = [0] * n_agents
    rng = np.random.default_rng([seed, _ROLES_STREAM])
    # The scarcest role has one slot a match at least: every agent lacking it needs a match.
    most = n_agents * games_per_role * len(kinds)
    fixtures: list[Fixture] = []
    while any(c < games_per_role for c in counts.values()):
        if len(fixtures) >= min(most, MAX_MATCHES):
            raise ValueError("no role-balanced schedule found (a bug: please report it)")
        draw = rng.permutation(n_agents).tolist()
        place = {agent: k for k, agent in enumerate(draw)}
        given: dict[int, str] = {}
        for role in slots:
            agent = min(
                (a for a in range(n_agents) if a not in given),
                key=lambda a: (-(games_per_role - counts[a, role]), played[a], place[a]),
            )
            given[agent] = role
        _even_out(given, counts, {role: slots.count(role) for role in kinds})
        for agent, role in given.items():
            counts[agent, role] += 1
            played[agent] += 1
        seated = list(given)
        order = rng.permutation(n_seats).tolist()
        seats = tuple(seated[k] for k in order)
        index = len(fixtures)
        dealt = [given[agent] for agent in seats]
        fixtures.append(Fixture(index, seats, match_seed(seed, index), {"roles": dealt}))
    return fixtures


def _even_out(
    given: dict[int, str], counts: dict[tuple[int, str], int], slots: dict[str, int]
) -> None:
    """Swap the roles of two agents of a match while the swap lowers the sum, over the
    match's agents, of (times held + 1) squared per slot of the role: the greedy deal gives
    the scarce roles first and can leave the common ones to agents that had them often."""

    def cost(agent: int, role: str) -> float:
        return (counts[agent, role] + 1) ** 2 / slots[role]

    agents = list(given)
    better = True
    while better:
        better = False
        for i, a in enumerate(agents):
            for b in agents[i + 1 :]:
                ra, rb = given[a], given[b]
                if ra != rb and cost(a, rb) + cost(b, ra) < cost(a, ra) + cost(b, rb) - 1e-12:
                    given[a], given[b] = rb, ra
                    better = True


def gauntlet(
    n_agents: int,
    reference: Sequence[int],
    *,
    repetitions: int = 1,
    swap_seats: bool = True,
    seed: int = 0,
) -> list[Fixture]:
    """Every agent not in ``reference`` (the agents under test) plays every reference agent
    ``repetitions`` times; with ``swap_seats`` in both seat orders (test agent first, then
    reference agent first). Reference agents do not play each other, nor test agents each
    other: a gauntlet measures the agents under test against a fixed yardstick, so adding an
    agent under test adds its own matches and changes no other.

    Two-seat games only. Repetition ``r`` of every pairing comes before repetition ``r + 1``,
    as in ``round_robin``, so a partial run is balanced; match ``i``'s seed is
    ``match_seed(seed, i)``.

    >>> [f.seats for f in gauntlet(3, [0], swap_seats=True)]
    [(1, 0), (0, 1), (2, 0), (0, 2)]
    """
    pool = list(dict.fromkeys(reference))
    if len(pool) != len(reference):
        raise ValueError(f"reference agents must be distinct, got {list(reference)}")
    if not pool or any(not 0 <= a < n_agents for a in pool):
        raise ValueError(f"reference agents must be among 0..{n_agents - 1}, got {pool}")
    if repetitions < 1:
        raise ValueError(f"repetitions must be at least 1, got {repetitions}")
    tested = [a for a in range(n_agents) if a not in pool]
    if not tested:
        raise ValueError("a gauntlet needs at least one agent that is not in the reference pool")
    seatings: list[tuple[int, ...]] = []
    for agent in tested:
        for ref in pool:
            seatings.append((agent, ref))
            if swap_seats:
                seatings.append((ref, agent))
    order = [s for _ in range(repetitions) for s in seatings]
    seeds = match_seeds(seed, len(order))
    return [Fixture(i, seats, s) for i, (seats, s) in enumerate(zip(order, seeds))]


@dataclass(frozen=True)
class Played:
    """A stored match as a dynamic schedule reads it: its index, the agents (by index) in
    seat order and their total payoffs."""

    index: int
    seats: tuple[int, ...]
    payoffs: tuple[float, ...]


@dataclass(frozen=True)
class RoundPlan:
    """One round of a dynamic schedule: its fixtures, or none and why the schedule ends.

    ``widest`` is the widest 95% rating interval the plan was made with (adaptive schedules),
    in rating points; ``None`` where the schedule fits no ratings.
    """

    fixtures: tuple[Fixture, ...]
    stopped: str | None = None
    widest: float | None = None


class DynamicSchedule(Protocol):
    """A schedule planned round by round from what was played (``arena.swiss``,
    ``arena.adaptive``).

    ``plan(number, start, played)`` returns round ``number``, whose matches take the indices
    from ``start`` on, as a pure function of the schedule's settings, its seed and ``played``
    (the stored results of the earlier rounds, in match order): the same arguments give the
    same round, which is what lets a killed run resume to what an uninterrupted run stores.
    ``round_size(number, start)`` is how many matches that round has if it is played at all
    (computed without the results), so that a round stored in full need not be planned again.
    ``max_matches`` bounds the whole schedule.
    """

    @property
    def max_matches(self) -> int: ...

    def round_size(self, number: int, start: int) -> int: ...

    def plan(self, number: int, start: int, played: Sequence[Played]) -> RoundPlan: ...


def balanced_seats(
    a: int, b: int, first: list[int], second: list[int], coin: bool
) -> tuple[int, int]:
    """The seat order of ``a`` and ``b`` that evens out how often each sat first: the one with
    the smaller (first - second) count sits first; on a tie ``coin`` (a seeded draw) decides.
    ``first`` and ``second`` (per agent) are updated."""
    lead_a, lead_b = first[a] - second[a], first[b] - second[b]
    if lead_a > lead_b or (lead_a == lead_b and coin):
        a, b = b, a
    first[a] += 1
    second[b] += 1
    return a, b

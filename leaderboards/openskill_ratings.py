"""OpenSkill's Plackett-Luce ratings of multiplayer matches, with seeded bootstrap intervals.

Each match is a ranking of its seats by total payoff: the highest payoff first, payoffs within
1e-9 of each other (relative or absolute, as the pairwise leaderboard counts a draw) share a
rank. Weng and Lin's Bayesian approximation (JMLR 12, 2011, algorithm 4), as the ``openskill``
package implements it (``PlackettLuce`` with its defaults: mu 25, sigma 25/3, beta 25/6,
tau 25/300), moves every seat's (mu, sigma) once per match. Unlike the Bradley-Terry fit, the
result depends on the order of the matches, so they are always fed in stored (match) order:
the same matches in the same order give the same numbers. The *ordinal* ``mu - 3 sigma`` is
the conservative skill openskill ranks by.

Self-play: a match in which one agent holds two seats is left out of this fit. One
Plackett-Luce update moves each team once, from the ratings it had before the match; an agent
in two places would be moved twice from one starting point, and its two seats' results (one
of which it necessarily loses to itself) say nothing about it against the others that the
pairwise fit does not already leave out too.

Speed. ``openskill``'s ``rate`` checks its arguments, deep-copies every rating (giving each copy
a new UUID), sorts the teams by rank and back again, for every match. This fit does what does
not change from match to match once: each agent has one rating object for the whole fit, every
match's teams are built once, already sorted by rank; then each match costs the tau
correction that ``rate`` applies (``sigma = sqrt(sigma^2 + tau^2)``) and one call of the model's
own update (``PlackettLuce._compute``), which moves those objects in place. The numbers are
those of the plain ``rate`` loop, bit for bit: checked once per process on a few tied matches
(and by the tests); an ``openskill`` whose private update differs or is missing is driven
through ``rate`` instead. A bootstrap round costs as much as the fit: about 10 µs a match on
the benchmark's machine (``benchmarks/results/openskill.md``), times the rounds.

Bootstrap: each round draws as many matches as there are, with replacement, from a NumPy
generator seeded with the leaderboard's seed (never the global RNG), keeps the draws in stored
order, and refits from the prior; the interval is the percentile interval of the ordinal.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

TIE_TOLERANCE = 1e-9  # payoffs this close (relative or absolute) share a rank
ORDINAL_Z = 3.0  # ordinal = mu - ORDINAL_Z * sigma, openskill's default


@dataclass(frozen=True)
class OpenSkillFit:
    """Per-agent Plackett-Luce ratings of a field of ``n`` agents.

    ``ordinal_low`` and ``ordinal_high`` are ``None`` without bootstrap rounds. ``rated`` matches
    went into the fit, ``skipped`` (self-play) did not.
    """

    mu: np.ndarray
    sigma: np.ndarray
    ordinal: np.ndarray
    ordinal_low: np.ndarray | None
    ordinal_high: np.ndarray | None
    rated: int
    skipped: int
    rounds: int = 0  # bootstrap rounds


def _tied(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=TIE_TOLERANCE, abs_tol=TIE_TOLERANCE)


def payoff_ranks(payoffs: Sequence[float]) -> list[int]:
    """Each seat's rank by payoff: 1 for the highest; tied seats share the better rank.

    Ties chain: sorted from the highest payoff down, a payoff within 1e-9 of the one before it
    joins that one's rank. A NaN payoff ranks last.

    >>> payoff_ranks([3.0, 5.0, 3.0 + 1e-12, 1.0])
    [2, 1, 2, 4]
    >>> payoff_ranks([0.0, 0.0, 0.0])
    [1, 1, 1]
    """
    order = sorted(
        range(len(payoffs)),
        key=lambda k: math.inf if math.isnan(payoffs[k]) else -payoffs[k],
    )
    ranks = [0] * len(payoffs)
    for place, seat in enumerate(order):
        before = order[place - 1] if place else None
        if before is not None and _tied(payoffs[before], payoffs[seat]):
            ranks[seat] = ranks[before]
        else:
            ranks[seat] = place + 1
    return ranks


def _model() -> Any:
    from openskill.models import PlackettLuce

    return PlackettLuce()


def _rate(model: Any, team: list[list[Any]], ranks: list[int]) -> None:
    """One match by ``model.rate``, the new ratings copied back into the objects given."""
    for (player,), (new,) in zip(team, model.rate(team, ranks=ranks)):
        player.mu, player.sigma = new.mu, new.sigma


def _update_in_place(
    model: Any, teams: Iterable[list[list[Any]]], ranks: Iterable[list[int]]
) -> None:
    """Matches by the model's own update, moving the rating objects themselves.

    What ``rate`` does per match, less what need not be done again: the tau correction of
    every sigma, then the update of teams sorted by rank (``rate`` sorts them, then sorts the
    result back; ``_compute`` moves the objects it is given, ``rate`` gives it copies).
    """
    compute = model._compute
    tau_squared = model.tau * model.tau
    sqrt = math.sqrt
    for team, rank in zip(teams, ranks):
        for (player,) in team:
            player.sigma = sqrt(player.sigma * player.sigma + tau_squared)
        compute(team, rank)


@functools.cache
def _fast_path_agrees() -> bool:
    """Whether the in-place update gives exactly ``rate``'s numbers (a few tied matches)."""
    model = _model()
    matches = [([0, 1, 2, 3], [1, 2, 2, 4]), ([2, 0, 3], [1, 1, 3]), ([3, 1, 0, 2], [1, 2, 3, 4])]
    try:
        plain = [model.rating() for _ in range(4)]
        for seats, ranks in matches:
            for agent, (new,) in zip(seats, model.rate([[plain[a]] for a in seats], ranks=ranks)):
                plain[agent] = new
        fast = [model.rating() for _ in range(4)]
        teams = [[[fast[a]] for a in seats] for seats, _ in matches]  # already sorted by rank
        _update_in_place(model, teams, [ranks for _, ranks in matches])
    except (AttributeError, TypeError):  # an openskill without this private update
        return False
    return all(p.mu == f.mu and p.sigma == f.sigma for p, f in zip(plain, fast))


@dataclass(frozen=True)
class _Matches:
    """The matches to fit, each's agents sorted by rank (stable) and its ranks sorted."""

    seats: list[list[int]]
    ranks: list[list[int]]
    skipped: int  # self-play matches left out


def _prepared(n: int, seats: Sequence[Sequence[int]], ranks: Sequence[Sequence[int]]) -> _Matches:
    """Checked and sorted by rank, vectorised per number of seats; ``ValueError`` if bad."""
    if n < 0:
        raise ValueError(f"n must be non-negative, got {n}")
    if len(seats) != len(ranks):
        raise ValueError(f"{len(seats)} matches of seats but {len(ranks)} of ranks")
    sizes = np.array([len(s) for s in seats], dtype=np.int64)
    wrong = (sizes != np.array([len(r) for r in ranks], dtype=np.int64)) | (sizes < 2)
    if wrong.any():
        m = int(np.flatnonzero(wrong)[0])
        raise ValueError(
            f"match {m}: {len(seats[m])} seats and {len(ranks[m])} ranks "
            "(at least two seats, one rank each)"
        )
    sorted_seats: list[list[int]] = [[]] * len(seats)  # placeholders, each replaced below
    sorted_ranks: list[list[int]] = [[]] * len(seats)
    kept = np.ones(len(seats), dtype=bool)
    groups = np.unique(sizes).tolist()
    for size in groups:
        where = np.flatnonzero(sizes == size)
        alike = len(groups) == 1  # every match has this many seats: no gathering
        chosen = where.tolist()
        agents = np.array(seats if alike else [seats[m] for m in chosen]).reshape(-1, size)
        places = np.array(ranks if alike else [ranks[m] for m in chosen]).reshape(-1, size)
        if not np.issubdtype(agents.dtype, np.integer) or np.any((agents < 0) | (agents >= n)):
            raise ValueError(f"agents must be integers in [0, {n})")
        if not np.issubdtype(places.dtype, np.integer):
            raise ValueError("ranks must be integers")
        ordered = np.sort(agents, axis=1)
        kept[where] = np.all(ordered[:, 1:] != ordered[:, :-1], axis=1)
        order = np.argsort(places, axis=1, kind="stable")
        by_rank = np.take_along_axis(agents, order, axis=1).tolist()
        ranked = np.take_along_axis(places, order, axis=1).tolist()
        if alike:
            sorted_seats, sorted_ranks = by_rank, ranked
            break
        for k, m in enumerate(chosen):
            sorted_seats[m], sorted_ranks[m] = by_rank[k], ranked[k]
    if kept.all():
        return _Matches(sorted_seats, sorted_ranks, skipped=0)
    keep = np.flatnonzero(kept).tolist()
    return _Matches(
        [sorted_seats[m] for m in keep],
        [sorted_ranks[m] for m in keep],
        skipped=len(seats) - len(keep),
    )


class _Field:
    """One rating object per agent and every match's teams, sorted by rank, built once."""

    def __init__(self, n: int, matches: _Matches, fast: bool) -> None:
        self.model = _model()
        self.players = [self.model.rating() for _ in range(n)]
        alone = [[player] for player in self.players]  # a one-player team, shared by its matches
        self.teams = [list(map(alone.__getitem__, seats)) for seats in matches.seats]
        self.ranks = matches.ranks
        self.fast = fast

    def fit(self, picks: Sequence[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(mu, sigma) after the matches ``picks`` (default: all), in that order, from the prior."""
        model = self.model
        for player in self.players:
            player.mu, player.sigma = model.mu, model.sigma
        teams: Iterable[list[list[Any]]] = self.teams
        ranks: Iterable[list[int]] = self.ranks
        if picks is not None:
            teams, ranks = map(self.teams.__getitem__, picks), map(self.ranks.__getitem__, picks)
        if self.fast:
            _update_in_place(model, teams, ranks)
        else:
            for team, rank in zip(teams, ranks):
                _rate(model, team, rank)
        mu = np.array([p.mu for p in self.players], dtype=np.float64)
        sigma = np.array([p.sigma for p in self.players], dtype=np.float64)
        return mu, sigma


def plackett_luce(
    n: int, seats: Sequence[Sequence[int]], ranks: Sequence[Sequence[int]]
) -> tuple[np.ndarray, np.ndarray]:
    """Every agent's (mu, sigma) after the matches, in the order given, from openskill's prior.

    Parameters
    ----------
    n : number of agents; agents are ``0 .. n - 1``.
    seats : per match, the agent in each seat.
    ranks : per match, each seat's rank (lower is better, equal is a tie), e.g. from
        ``payoff_ranks``.

    Matches in which an agent holds two seats are left out (see the module's notes).

    >>> mu, sigma = plackett_luce(3, [[0, 1, 2]], [[1, 2, 3]])
    >>> bool(mu[0] > mu[1] > mu[2]), bool(np.all(sigma < 25 / 3))
    (True, True)
    """
    return _Field(n, _prepared(n, seats, ranks), _fast_path_agrees()).fit()


def openskill_fit(
    n: int,
    seats: Sequence[Sequence[int]],
    ranks: Sequence[Sequence[int]],
    *,
    rounds: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> OpenSkillFit:
    """Plackett-Luce ratings with percentile intervals of the ordinal from ``rounds`` resamples.

    ``rounds=0`` gives no intervals. A round that happens to draw no match of an agent leaves
    it at the prior (ordinal 0). Intervals always contain the point estimate. Seeded from
    ``seed`` alone.
    """
    if rounds < 0:
        raise ValueError(f"rounds must be non-negative, got {rounds}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie in (0, 1), got {level}")
    matches = _prepared(n, seats, ranks)
    field = _Field(n, matches, _fast_path_agrees())
    mu, sigma = field.fit()
    ordinal = mu - ORDINAL_Z * sigma
    low: np.ndarray | None = None
    high: np.ndarray | None = None
    m = len(matches.seats)
    if rounds > 0:
        if m == 0:
            low, high = ordinal.copy(), ordinal.copy()
        else:
            rng = np.random.default_rng(seed)
            samples = np.empty((rounds, n))
            for r in range(rounds):
                picks = np.sort(rng.integers(0, m, size=m)).tolist()
                mu_r, sigma_r = field.fit(picks)
                samples[r] = mu_r - ORDINAL_Z * sigma_r
            tail = (1.0 - level) / 2.0 * 100.0
            low, high = np.percentile(samples, [tail, 100.0 - tail], axis=0)
            low, high = np.minimum(low, ordinal), np.maximum(high, ordinal)
    return OpenSkillFit(
        mu, sigma, ordinal, low, high, rated=m, skipped=matches.skipped, rounds=rounds
    )

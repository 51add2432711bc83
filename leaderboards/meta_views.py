"""Meta-game views of a population: who scores what against whom, and the Nash average.

A rating answers one question, who wins head to head; a population of agents raises others.
From the stored results (the ones the standings rank, in match order) this module builds:

- the **mean payoff matrix**: ``payoff[i, j]`` is agent ``i``'s mean payoff against agent ``j``
  over the pairs of seats in which they met, counted as the pairwise ratings count them (every
  pair of seats of a match, except pairs held by one agent, which are self-play, and pairs of
  teammates in a team game); ``NaN`` where they never met and on the diagonal;
- the **win-rate matrix**: ``win_rate[i, j]`` is the share of those pairwise results that ``i``
  won, draws counting half (the standings' ``pair_score``), so ``win_rate + win_rate.T = 1``
  wherever they met; ``NaN`` where they never met and on the diagonal; ``pairs[i, j]`` says
  how many pairwise results each cell rests on;
- the **Nash average** (Balduzzi et al. 2018, ``arena.solver.nash_average``) of the meta-game
  whose entry is the logit of the win rate, ``log(P / (1 - P))``, win rates clipped to
  ``[0.001, 0.999]`` so that a perfect record counts as about 6.9 rather than infinity. A pair
  that never met counts as a win rate of 0.5 (logit 0): no evidence either way, so the pair
  neither helps nor hurts either agent. The maximum-entropy Nash mixture ``nash_mixture`` is
  the mix of agents that no agent beats on average; its ``support`` are the agents it plays;
  ``nash_rating`` is each agent's expected log-odds against it, at most 0 and 0 for the
  support. Unlike the mean payoff and the Bradley-Terry rating it does not reward beating
  many weak or copied agents: it asks who holds up against the strongest mix of the field.

Three orders (``MetaViews.order``), each answering its own question: ``"rating"`` (the
Bradley-Terry headline: who wins head to head), ``"payoff"`` (mean payoff per seat, as
Axelrod's tournaments rank: who scores most on average) and ``"nash"`` (the Nash average). In
the repeated Prisoner's Dilemma they disagree: always-defect wins or draws every match, so it
leads by rating, yet it scores less than the reciprocating strategies, which cooperate with
each other.

Payoffs are averaged so that they cannot overflow, as the standings average them. Everything
is deterministic: the same results give the same matrices and the same mixture.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from arena.leaderboards.standings import (
    MatchResult,
    Sides,
    Standing,
    checked_sides,
    compute_standings,
    payoff_exponent,
)

__all__ = [
    "NASH_CLIP",
    "NEVER_MET_WIN_RATE",
    "RANK_BY",
    "RANK_BY_QUESTIONS",
    "MetaViews",
    "compute_meta_views",
]

# The orders a leaderboard can be ranked by, the default (the Bradley-Terry headline) first.
RANK_BY = ("rating", "payoff", "nash")

# The question each order answers, for the sentence under a table.
RANK_BY_QUESTIONS = {
    "rating": "who wins head to head (Bradley-Terry)",
    "payoff": "who scores most on average (mean payoff, as Axelrod ranks)",
    "nash": "who holds up against the strongest mix of the field (Nash average)",
}

# What the meta-game takes for a pair that never met: an even record, logit 0.
NEVER_MET_WIN_RATE = 0.5

# Win rates are clipped to [NASH_CLIP, 1 - NASH_CLIP] before the logit (nash_average's clip).
NASH_CLIP = 1e-3

# Nash ratings closer than this (in log-odds) tie, and the order breaks the tie by mass:
# the solver's ratings are exact to about 1e-11 on a meta-game of at most 6.9 (the clip).
_NASH_TIE = 1e-9


@dataclass(frozen=True, eq=False)
class MetaViews:
    """The population's meta-game views, every array indexed by ``agents``.

    Attributes
    ----------
    agents : tuple of str
        The agents in Bradley-Terry order (the standings' order), the order of every array.
    payoff : ndarray, shape (n, n)
        Row agent's mean payoff against the column agent; NaN where they never met and on the
        diagonal (self-play is not a meeting).
    win_rate : ndarray, shape (n, n)
        Share of their pairwise results the row agent won, draws half; NaN as ``payoff``.
    pairs : ndarray of int, shape (n, n)
        How many pairwise results each cell rests on (symmetric, 0 on the diagonal).
    nash_rating : ndarray, shape (n,)
        Each agent's Nash average: its expected log-odds of winning against ``nash_mixture``
        (at most 0; 0 for the agents in the support).
    nash_mixture : ndarray, shape (n,)
        The maximum-entropy Nash equilibrium of the meta-game, a distribution over agents.
    support : tuple of str
        The agents ``nash_mixture`` plays, in ``agents`` order.
    game : ndarray, shape (n, n)
        The antisymmetric meta-game the Nash average is taken in (win-rate logits, pairs that
        never met at 0).
    rating : ndarray, shape (n,)
        The Bradley-Terry ratings, for the ``"rating"`` order.
    mean_payoff : ndarray, shape (n,)
        Each agent's mean payoff per seat over all its matches (the standings' column, with
        self-play), for the ``"payoff"`` order.
    """

    agents: tuple[str, ...]
    payoff: np.ndarray
    win_rate: np.ndarray
    pairs: np.ndarray
    nash_rating: np.ndarray
    nash_mixture: np.ndarray
    support: tuple[str, ...]
    game: np.ndarray
    rating: np.ndarray
    mean_payoff: np.ndarray

    def index(self, agent: str) -> int:
        """The position of ``agent`` in ``agents`` (and in every array)."""
        return self.agents.index(agent)

    def order(self, rank_by: str) -> list[str]:
        """The agents best first by ``rank_by``: ``"rating"`` (Bradley-Terry), ``"payoff"``
        (mean payoff) or ``"nash"`` (Nash average).

        Ties go to the agent ranked higher by rating, then to the name. Under ``"nash"`` the
        support comes first (its ratings are all 0), heaviest mass first, then the others by
        rating against the mixture. Raises ``ValueError`` for another ``rank_by``.
        """
        check_rank_by(rank_by)
        k = range(len(self.agents))

        def by_name(i: int) -> str:
            return self.agents[i]

        rating = [_finite_or_lowest(float(r)) for r in self.rating]
        if rank_by == "rating":
            ranked = sorted(k, key=lambda i: (-rating[i], by_name(i)))
        elif rank_by == "payoff":
            payoff = [_finite_or_lowest(float(p)) for p in self.mean_payoff]
            ranked = sorted(k, key=lambda i: (-payoff[i], -rating[i], by_name(i)))
        else:
            played = set(self.support)
            ranked = sorted(
                k,
                key=lambda i: (
                    self.agents[i] not in played,
                    -round(float(self.nash_rating[i]) / _NASH_TIE),
                    -float(self.nash_mixture[i]),
                    -rating[i],
                    by_name(i),
                ),
            )
        return [self.agents[i] for i in ranked]

    def ranks(self, rank_by: str) -> dict[str, int]:
        """Each agent's rank (1 = best) in the ``rank_by`` order."""
        return {agent: rank for rank, agent in enumerate(self.order(rank_by), start=1)}

    def row(self, agent: str) -> dict[str, Any]:
        """``agent``'s views as JSON: its Nash numbers and its row of each matrix, keyed by
        opponent in ``agents`` order (itself left out), non-finite numbers as ``None``.

        ``nash_rating`` to 4 decimals, ``nash_mass`` to 6 (a small mass stays visible),
        payoffs and win rates to 4 as the standings' rates.
        """
        i = self.index(agent)
        others = [j for j in range(len(self.agents)) if j != i]
        return {
            "nash_rating": _rounded(float(self.nash_rating[i]), 4),
            "nash_mass": _rounded(float(self.nash_mixture[i]), 6),
            "in_nash_support": agent in self.support,
            "payoff_against": {
                self.agents[j]: _rounded(float(self.payoff[i, j]), 4) for j in others
            },
            "win_rate_against": {
                self.agents[j]: _rounded(float(self.win_rate[i, j]), 4) for j in others
            },
            "pairs_against": {self.agents[j]: int(self.pairs[i, j]) for j in others},
        }


# The keys ``MetaViews.row`` adds to a leaderboard row.
META_KEYS = (
    "nash_rating",
    "nash_mass",
    "in_nash_support",
    "payoff_against",
    "win_rate_against",
    "pairs_against",
)


def check_rank_by(rank_by: str) -> str:
    """``rank_by`` if it is an order a leaderboard knows, else ``ValueError`` naming them."""
    if rank_by not in RANK_BY:
        raise ValueError(f"rank_by must be one of {', '.join(RANK_BY)}, got {rank_by!r}")
    return rank_by


def _finite_or_lowest(value: float) -> float:
    """``value``, or minus infinity for NaN: an order needs comparable keys."""
    return -math.inf if math.isnan(value) else value


def _rounded(value: float, digits: int) -> float | None:
    return round(value, digits) if math.isfinite(value) else None


def compute_meta_views(
    results: Sequence[MatchResult],
    *,
    sides: Sequence[Sides | None] | None = None,
    standings: Sequence[Standing] | None = None,
) -> MetaViews:
    """The meta-game views of ``results`` (the matches the standings rank).

    ``sides`` (one per result) marks teammates, whose pairs are not meetings, as the standings
    treat them. ``standings`` (``compute_standings``' rows of the same results, best first)
    gives the agents' order, ratings and mean payoffs; without it they are computed here,
    without bootstrap. Raises ``ValueError`` when there is no agent, when ``sides`` does not
    match ``results``, or when ``standings`` rank other agents than ``results`` hold.

    >>> from arena.store import Result
    >>> cycle = [Result("t", 0, ("rock", "scissors"), (1.0, 0.0)),
    ...          Result("t", 1, ("scissors", "paper"), (1.0, 0.0)),
    ...          Result("t", 2, ("paper", "rock"), (1.0, 0.0))]
    >>> views = compute_meta_views(cycle)
    >>> views.nash_mixture.round(4).tolist(), views.support
    ([0.3333, 0.3333, 0.3333], ('paper', 'rock', 'scissors'))
    """
    sided = checked_sides(results, sides)
    if standings is None:
        standings = compute_standings(results, bootstrap=0, sides=sides)[0]
    agents = tuple(s.agent for s in standings)
    if not agents:
        raise ValueError("no agents: meta-game views need at least one match")
    seated = {agent for result in results for agent in result.agents}
    if seated != set(agents):
        raise ValueError(
            f"the standings rank {sorted(agents)}, the results seat {sorted(seated)}: "
            "they must be of the same matches"
        )
    exponent = payoff_exponent(results)
    index = {agent: k for k, agent in enumerate(agents)}
    pairs, won, paid = _pairwise(results, sided, index, exponent)
    met = pairs > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        payoff = np.where(met, np.ldexp(paid / np.where(met, pairs, 1), exponent), np.nan)
        win_rate = np.where(met, won / np.where(met, pairs, 1), np.nan)
    evidence = np.where(met, win_rate, NEVER_MET_WIN_RATE)
    np.fill_diagonal(evidence, 0.5)

    from arena.solver import nash_average  # here: the solver loads Numba, boards by hand need not

    nash = nash_average(evidence, "winrate", agents=agents, clip=NASH_CLIP)
    return MetaViews(
        agents=agents,
        payoff=_readonly(payoff),
        win_rate=_readonly(win_rate),
        pairs=_readonly(pairs.astype(np.int64)),
        nash_rating=_readonly(np.array(nash.ratings, dtype=float)),
        nash_mixture=_readonly(np.array(nash.strategy, dtype=float)),
        support=tuple(agents[int(k)] for k in nash.support),
        game=_readonly(np.array(nash.game, dtype=float)),
        rating=_readonly(np.array([s.rating for s in standings], dtype=float)),
        mean_payoff=_readonly(np.array([s.mean_payoff for s in standings], dtype=float)),
    )


def _readonly(array: np.ndarray) -> np.ndarray:
    array = np.array(array)
    array.setflags(write=False)
    return array


def _pairwise(
    results: Sequence[MatchResult],
    sides: Sequence[Sides | None],
    index: Mapping[str, int],
    exponent: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per ordered pair of agents: how many pairwise results they had, the row agent's score
    in them (1 a win, 0.5 a draw) and its payoffs summed divided by ``2**exponent``
    (``payoff_exponent``, so that no sum overflows).

    Matches are grouped by their number of seats and each pair of seat positions is handled
    for the whole group at once; a pair is counted unless one agent holds both seats or the
    seats are teammates, exactly as ``compute_standings`` counts them.
    """
    n = len(index)
    pairs = np.zeros(n * n)
    won = np.zeros(n * n)
    paid = np.zeros(n * n)
    groups: dict[int, list[int]] = {}
    for k, result in enumerate(results):
        groups.setdefault(len(result.agents), []).append(k)
    for seats, members in groups.items():
        if seats < 2:
            continue
        agents = np.array([[index[a] for a in results[k].agents] for k in members], np.int64)
        payoffs = np.array([results[k].payoffs for k in members], dtype=float)
        teams = np.array([_team_labels(sides[k], seats) for k in members], np.int64)
        for u in range(seats):
            for v in range(u + 1, seats):
                counted = (agents[:, u] != agents[:, v]) & (teams[:, u] != teams[:, v])
                i, j = agents[counted, u], agents[counted, v]
                a, b = payoffs[counted, u], payoffs[counted, v]
                score = _pair_scores(a, b)
                for first, second, s, pay in ((i, j, score, a), (j, i, 1.0 - score, b)):
                    cell = first * n + second
                    np.add.at(pairs, cell, 1.0)
                    np.add.at(won, cell, s)
                    np.add.at(paid, cell, np.ldexp(pay, -exponent))
    shape = (n, n)
    return pairs.reshape(shape), won.reshape(shape), paid.reshape(shape)


def _team_labels(side: Sides | None, seats: int) -> list[int]:
    """Per seat, the first seat of its team: equal labels are teammates (no teams: all differ)."""
    teams = None if side is None else side.teams
    if teams is None:
        return list(range(seats))
    return [teams.index(team) for team in teams]


def _pair_scores(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``pair_score`` for arrays: 1 where ``a`` beats ``b``, 0.5 for a draw, 0 for a loss.

    A draw is ``math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)``: equal, or both finite and
    that close (an infinity is close only to itself; NaN to nothing, and loses).
    """
    with np.errstate(invalid="ignore", over="ignore"):
        finite = np.isfinite(a) & np.isfinite(b)
        close = np.abs(a - b) <= np.maximum(1e-9 * np.maximum(np.abs(a), np.abs(b)), 1e-9)
        draw = (a == b) | (finite & close)
    return np.where(draw, 0.5, np.where(a > b, 1.0, 0.0))

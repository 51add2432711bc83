"""The leaderboard table: per-agent ratings, intervals, results and payoffs from stored matches.

Every match is split into its pairs of seats; in a pair the higher total payoff wins (equal
totals, within 1e-9, are a draw). A pair of seats held by the same agent (self-play) counts
towards its matches and mean payoff but not towards ratings or wins, draws and losses.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import numpy as np

from arena.leaderboards.ratings import bootstrap_intervals, bradley_terry, online_elo, win_matrix


class MatchResult(Protocol):
    """What a leaderboard needs of a match (``arena.store.Result`` has it)."""

    agents: tuple[str, ...]
    payoffs: tuple[float, ...]


@dataclass(frozen=True)
class Standing:
    """One row of the leaderboard."""

    agent: str
    rating: float
    ci_low: float
    ci_high: float
    elo: float
    matches: int
    wins: int
    draws: int
    losses: int
    mean_payoff: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, ratings to 0.1 point and payoffs to 4 decimals."""
        row = asdict(self)
        for key in ("rating", "ci_low", "ci_high", "elo"):
            row[key] = round(row[key], 1)
        row["mean_payoff"] = round(row["mean_payoff"], 4)
        return row


def pair_score(a: float, b: float) -> float:
    """1 if ``a`` beats ``b``, 0.5 for a draw, 0 for a loss."""
    if math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9):
        return 0.5
    return 1.0 if a > b else 0.0


def compute_leaderboard(
    results: Sequence[MatchResult], *, seed: int = 0, bootstrap: int = 1000
) -> list[Standing]:
    """Rank the agents of ``results`` (given in match order) by Bradley-Terry rating."""
    names = sorted({agent for result in results for agent in result.agents})
    index = {name: k for k, name in enumerate(names)}
    n = len(names)
    first: list[int] = []
    second: list[int] = []
    score: list[float] = []
    matches = np.zeros(n, dtype=np.int64)
    payoff_sum = np.zeros(n)
    seats = np.zeros(n, dtype=np.int64)
    outcomes = np.zeros((n, 3), dtype=np.int64)  # wins, draws, losses
    for result in results:
        for agent in set(result.agents):
            matches[index[agent]] += 1
        for agent, payoff in zip(result.agents, result.payoffs):
            payoff_sum[index[agent]] += payoff
            seats[index[agent]] += 1
        for (a, pa), (b, pb) in itertools.combinations(zip(result.agents, result.payoffs), 2):
            if a == b:
                continue
            s = pair_score(pa, pb)
            i, j = index[a], index[b]
            first.append(i)
            second.append(j)
            score.append(s)
            column = {1.0: 0, 0.5: 1, 0.0: 2}[s]
            outcomes[i, column] += 1
            outcomes[j, 2 - column] += 1
    i_arr, j_arr, s_arr = np.array(first, int), np.array(second, int), np.array(score, float)
    rating = bradley_terry(win_matrix(n, i_arr, j_arr, s_arr))
    low, high = bootstrap_intervals(n, i_arr, j_arr, s_arr, rounds=bootstrap, seed=seed)
    elo = online_elo(n, first, second, score)
    standings = [
        Standing(
            agent=name,
            rating=float(rating[k]),
            ci_low=float(min(low[k], rating[k])),
            ci_high=float(max(high[k], rating[k])),
            elo=float(elo[k]),
            matches=int(matches[k]),
            wins=int(outcomes[k, 0]),
            draws=int(outcomes[k, 1]),
            losses=int(outcomes[k, 2]),
            mean_payoff=float(payoff_sum[k] / seats[k]) if seats[k] else 0.0,
        )
        for k, name in enumerate(names)
    ]
    return sorted(standings, key=lambda s: (-s.rating, s.agent))

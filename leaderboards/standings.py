"""The leaderboard table: per-agent ratings, intervals, results and payoffs from stored matches.

Every match is split into its pairs of seats; in a pair the higher total payoff wins (equal
totals, within 1e-9, are a draw). A pair of seats held by the same agent (self-play) counts
towards its matches and mean payoff but not towards ratings or wins, draws and losses.

Beside its rating, each agent's LLM usage: how often its replies could not be used as a move
(the invalid-move rate, per LLM turn), how often the game's fallback move was played for it
(forfeits), the faults by class, its tokens and their cost: a rating says less when many of
its moves were fallbacks. Scripted agents have no LLM turns: zeros, and ``None`` for the rate and
the cost.

Games with more than two seats also get OpenSkill's Plackett-Luce ratings of each match's
ranking by payoff (``arena.leaderboards.openskill_ratings``): ``openskill_mu``,
``openskill_sigma``, their ``ordinal`` (mu - 3 sigma) and its bootstrap interval
(``ordinal_ci_low``, ``ordinal_ci_high``), seeded with the same seed and as many rounds as the
Bradley-Terry intervals. The table stays sorted by the Bradley-Terry rating. Rows of two-seat
games have no such keys.

Without bootstrap rounds there is no interval: ``ci_low`` and ``ci_high`` are ``None``. Mean
payoffs are computed so that they cannot overflow (payoffs of 1e308 average to 1e308, not to
infinity), and ``Standing.to_dict`` turns any number that is still not finite (a stored infinite
payoff) into ``None``, so that the rows always serialise as strict JSON.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import numpy as np

from arena.leaderboards.openskill_ratings import openskill_fit, payoff_ranks
from arena.leaderboards.ratings import bootstrap_intervals, bradley_terry, online_elo, win_matrix


class MatchResult(Protocol):
    """What a leaderboard needs of a match (``arena.store.Result`` has it)."""

    agents: tuple[str, ...]
    payoffs: tuple[float, ...]


class LLMUsage(Protocol):
    """What a leaderboard needs of an agent's LLM turns (``arena.store.AgentUsage`` has it)."""

    turns: int
    tokens_in: int
    tokens_out: int
    tokens_cached: int
    cost: float | None

    @property
    def faults(self) -> dict[str, int]: ...

    def turns_with(self, classes: Iterable[str]) -> int: ...


# Each OpenSkill resample refits every match in order (about 10 us a match), so its interval
# takes at most this many resamples whatever the Bradley-Terry bootstrap's (1,000 by default).
OPENSKILL_BOOTSTRAP = 200

# A reply that could not be played as a move, whether or not a retry then produced one.
INVALID_MOVE_FAULTS = frozenset({"unparseable", "illegal", "empty", "refusal", "truncated"})


@dataclass(frozen=True)
class Standing:
    """One row of the leaderboard; the fields after ``mean_payoff`` are LLM usage, then the
    OpenSkill ratings of a multiplayer game (``None`` for two-seat games)."""

    agent: str
    rating: float
    ci_low: float | None  # None without bootstrap rounds
    ci_high: float | None
    elo: float
    matches: int
    wins: int
    draws: int
    losses: int
    mean_payoff: float
    llm_turns: int = 0
    invalid_move_rate: float | None = None  # None without LLM turns
    forfeits: int = 0
    faults: dict[str, int] = field(default_factory=dict)  # occurrences by class
    tokens_in: int = 0
    tokens_out: int = 0
    tokens_cached: int = 0
    cost: float | None = None  # US dollars; None when no turn had a price
    openskill_mu: float | None = None  # None: a two-seat game
    openskill_sigma: float | None = None
    ordinal: float | None = None  # openskill_mu - 3 openskill_sigma
    ordinal_ci_low: float | None = None  # None without bootstrap rounds
    ordinal_ci_high: float | None = None

    @property
    def multiplayer(self) -> bool:
        """Whether the row has OpenSkill ratings (a game of more than two seats)."""
        return self.openskill_mu is not None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ratings to 0.1 point, payoffs and rates to 4 decimals, cost to 6,
        OpenSkill's numbers to 3; rows of two-seat games have no OpenSkill keys.

        A number that is not finite becomes ``None`` (JSON ``null``): strict JSON has no
        ``Infinity`` or ``NaN``.
        """
        row = asdict(self)
        if not self.multiplayer:
            for key in OPENSKILL_KEYS:
                del row[key]
        for key, digits in DECIMALS.items():
            if key in row:
                row[key] = _rounded(row[key], digits)
        return row


# The keys only rows of games with more than two seats have.
OPENSKILL_KEYS = ("openskill_mu", "openskill_sigma", "ordinal", "ordinal_ci_low", "ordinal_ci_high")


# Decimals kept in JSON, per float field of a standing.
DECIMALS = {
    "rating": 1,
    "ci_low": 1,
    "ci_high": 1,
    "elo": 1,
    "mean_payoff": 4,
    "invalid_move_rate": 4,
    "cost": 6,
    **dict.fromkeys(OPENSKILL_KEYS, 3),
}


def _rounded(value: float | None, digits: int) -> float | None:
    """``value`` to ``digits`` decimals; ``None`` when it is missing or not finite."""
    if value is None or not math.isfinite(value):
        return None
    return round(value, digits)


def percent(rate: float | None) -> str:
    """A rate for tables: ``12.5%``, or ``-`` for an agent without LLM turns."""
    return "-" if rate is None else f"{rate:.1%}"


def dollars(cost: float | None) -> str:
    """A cost for tables, to the hundredth of a cent: ``$0.0123``, or ``-`` without a price."""
    return "-" if cost is None else f"${cost:,.4f}"


def interval(low: float | None, high: float | None, between: str = " to ", digits: int = 0) -> str:
    """A 95% interval for tables: ``1012 to 1048``, or ``-`` without bootstrap rounds.

    >>> interval(1012.4, 1047.6), interval(-1.234, 5.0, digits=1), interval(None, None)
    ('1012 to 1048', '-1.2 to 5.0', '-')
    """
    if low is None or high is None:
        return "-"
    return f"{low:.{digits}f}{between}{high:.{digits}f}"


def payoff(value: float, decimals: int = 3) -> str:
    """A mean payoff for tables: fixed decimals, or 4 significant digits when it is huge.

    >>> payoff(2.5), payoff(1e308), payoff(float("inf"))
    ('2.500', '1e+308', 'inf')
    """
    if math.isfinite(value) and abs(value) < 1e9:
        return f"{value:.{decimals}f}"
    return f"{value:.4g}"


def usage_fields(usage: LLMUsage | None) -> dict[str, Any]:
    """A standing's LLM-usage fields from an agent's summed turns (``None``: no LLM turns)."""
    if usage is None or usage.turns == 0:
        return {}
    faults = usage.faults
    return {
        "llm_turns": usage.turns,
        "invalid_move_rate": usage.turns_with(INVALID_MOVE_FAULTS) / usage.turns,
        "forfeits": faults.get("forfeit", 0),
        "faults": faults,
        "tokens_in": usage.tokens_in,
        "tokens_out": usage.tokens_out,
        "tokens_cached": usage.tokens_cached,
        "cost": usage.cost,
    }


def pair_score(a: float, b: float) -> float:
    """1 if ``a`` beats ``b``, 0.5 for a draw, 0 for a loss."""
    if math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9):
        return 0.5
    return 1.0 if a > b else 0.0


def _payoff_exponent(results: Sequence[MatchResult]) -> int:
    """``e`` such that every finite payoff is below ``2**e`` in magnitude.

    Payoffs are summed divided by ``2**e``: exact (a power of two), and no sum of them can
    overflow (two payoffs of 1e308 add up to infinity, two halves of them do not).
    """
    largest = max((abs(p) for r in results for p in r.payoffs if math.isfinite(p)), default=1.0)
    return math.frexp(largest)[1]


def compute_leaderboard(
    results: Sequence[MatchResult],
    *,
    seed: int = 0,
    bootstrap: int = 1000,
    usage: Mapping[str, LLMUsage] | None = None,
) -> list[Standing]:
    """Rank the agents of ``results`` (given in match order) by Bradley-Terry rating.

    ``usage`` (``Store.usage()``) adds each agent's LLM turns, faults, tokens and cost; an agent
    of ``usage`` that is not in ``results`` is left out, so both should cover the same matches.
    ``bootstrap=0`` gives no intervals (``ci_low`` and ``ci_high`` are ``None``); no results
    give an empty table.
    """
    usage = usage or {}
    names = sorted({agent for result in results for agent in result.agents})
    if not names:
        return []
    exponent = _payoff_exponent(results)
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
            payoff_sum[index[agent]] += math.ldexp(payoff, -exponent)
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
    low: np.ndarray | None = None
    high: np.ndarray | None = None
    if bootstrap > 0:
        low, high = bootstrap_intervals(n, i_arr, j_arr, s_arr, rounds=bootstrap, seed=seed)
    elo = online_elo(n, first, second, score)
    openskill = _openskill_fields(results, index, seed=seed, bootstrap=bootstrap)
    standings = [
        Standing(
            agent=name,
            rating=float(rating[k]),
            ci_low=None if low is None else float(min(low[k], rating[k])),
            ci_high=None if high is None else float(max(high[k], rating[k])),
            elo=float(elo[k]),
            matches=int(matches[k]),
            wins=int(outcomes[k, 0]),
            draws=int(outcomes[k, 1]),
            losses=int(outcomes[k, 2]),
            mean_payoff=math.ldexp(float(payoff_sum[k] / seats[k]), exponent) if seats[k] else 0.0,
            **usage_fields(usage.get(name)),
            **openskill[k],
        )
        for k, name in enumerate(names)
    ]
    return sorted(standings, key=lambda s: (-s.rating, s.agent))


def is_multiplayer(results: Sequence[MatchResult]) -> bool:
    """Whether any match has more than two seats: such leaderboards get OpenSkill ratings."""
    return any(len(result.agents) > 2 for result in results)


def self_play_matches(results: Sequence[MatchResult]) -> int:
    """How many matches seat one agent twice (left out of the OpenSkill fit)."""
    return sum(len(set(result.agents)) < len(result.agents) for result in results)


def _openskill_fields(
    results: Sequence[MatchResult], index: Mapping[str, int], *, seed: int, bootstrap: int
) -> list[dict[str, Any]]:
    """Each agent's OpenSkill fields of a multiplayer leaderboard (else empty), in match order."""
    n = len(index)
    if not is_multiplayer(results):
        return [{} for _ in range(n)]
    seats = [[index[agent] for agent in result.agents] for result in results]
    ranks = [payoff_ranks(result.payoffs) for result in results]
    fit = openskill_fit(n, seats, ranks, rounds=min(bootstrap, OPENSKILL_BOOTSTRAP), seed=seed)
    return [
        {
            "openskill_mu": float(fit.mu[k]),
            "openskill_sigma": float(fit.sigma[k]),
            "ordinal": float(fit.ordinal[k]),
            "ordinal_ci_low": None if fit.ordinal_low is None else float(fit.ordinal_low[k]),
            "ordinal_ci_high": None if fit.ordinal_high is None else float(fit.ordinal_high[k]),
        }
        for k in range(n)
    ]

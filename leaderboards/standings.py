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

Team games (Werewolf: the village against the werewolves) say who played with whom: each
stored match's outcome names every seat's team and role (``Sides``). Then the pairs of
seats are only pairs of opponents (teammates share one result: they would always draw), the
OpenSkill fit rates the teams as they played (``openskill_team_fit``: each team ranked by the
mean payoff of its seats, so the winners first and an undecided game a tie; each team with its
side term, the virtual player of its team's name that absorbs the advantage of the deal, so
six villagers and two wolves start even; ``compute_standings`` returns the side terms beside
the rows), and every row has each role's record (``roles``): games played in it, wins (its
team ranked first alone), draws (first, tied with another team) and the win rate with its 95%
Wilson score interval.
An agent with seats on two teams of a match plays against itself: that match is in neither
its OpenSkill fit nor its role records (nor, as always, its pairs with itself); an agent with
two seats in one team plays one game in each role it held there, counted in its role
records, left out of the OpenSkill fit (see ``arena.leaderboards.openskill_ratings``).

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

from arena.leaderboards.openskill_ratings import (
    SideTerm,
    openskill_fit,
    openskill_team_fit,
    payoff_ranks,
)
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


@dataclass(frozen=True)
class Sides:
    """Who played with whom in one match, and as what: one team name and one role name per
    seat (a stored outcome's ``teams`` and ``roles``), ``None`` when the game has none."""

    teams: tuple[str, ...] | None = None
    roles: tuple[str, ...] | None = None


@dataclass(frozen=True)
class RoleRecord:
    """An agent's games in one role of a team game: how often its team won, with the 95%
    Wilson score interval of the win rate (``None`` without games)."""

    role: str
    games: int
    wins: int
    draws: int
    win_rate: float | None
    ci_low: float | None
    ci_high: float | None


# The two-sided 95% normal quantile: NormalDist().inv_cdf(0.975).
WILSON_Z = 1.959963984540054


def wilson_interval(wins: int, games: int, z: float = WILSON_Z) -> tuple[float, float]:
    """The Wilson score interval of a win rate (Wilson 1927): unlike the normal approximation it
    stays inside [0, 1], is not a point at no wins or all wins, and keeps close to its 95%
    coverage over the few games a role gets (Brown, Cai and DasGupta 2001 recommend it for
    small samples).

    >>> [round(x, 4) for x in wilson_interval(7, 10)]
    [0.3968, 0.8922]
    >>> wilson_interval(0, 5)[0], wilson_interval(5, 5)[1]
    (0.0, 1.0)
    """
    if games <= 0:
        raise ValueError(f"games must be positive, got {games}")
    if not 0 <= wins <= games:
        raise ValueError(f"wins must lie in [0, {games}], got {wins}")
    p = wins / games
    z2 = z * z
    centre = (p + z2 / (2 * games)) / (1 + z2 / games)
    half = z / (1 + z2 / games) * math.sqrt(p * (1 - p) / games + z2 / (4 * games * games))
    low = 0.0 if wins == 0 else max(0.0, centre - half)  # exactly 0: the bound is 0, not 3e-17
    high = 1.0 if wins == games else min(1.0, centre + half)
    return low, high


# Each OpenSkill resample refits every match in order (about 10 us a match), so its interval
# takes at most this many resamples whatever the Bradley-Terry bootstrap's (1,000 by default).
OPENSKILL_BOOTSTRAP = 200

# A reply that could not be played as a move, whether or not a retry then produced one.
INVALID_MOVE_FAULTS = frozenset({"unparseable", "illegal", "empty", "refusal", "truncated"})


@dataclass(frozen=True)
class Standing:
    """One row of the leaderboard; the fields after ``mean_payoff`` are LLM usage, then the
    OpenSkill ratings of a multiplayer game (``None`` for two-seat games), then the agent's
    record in each role of a game with roles (``None`` for games without)."""

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
    roles: tuple[RoleRecord, ...] | None = None  # None: a game without roles

    @property
    def multiplayer(self) -> bool:
        """Whether the row has OpenSkill ratings (a game of more than two seats)."""
        return self.openskill_mu is not None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ratings to 0.1 point, payoffs and rates to 4 decimals, cost to 6,
        OpenSkill's numbers to 3; rows of two-seat games have no OpenSkill keys, rows of games
        without roles no ``roles``. ``roles`` maps each role to its record (``RoleRecord``
        without the role: games, wins, draws, win_rate, ci_low, ci_high, rates to 4 decimals).

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
        if self.roles is None:
            del row["roles"]
        else:
            row["roles"] = {
                r.role: {
                    "games": r.games,
                    "wins": r.wins,
                    "draws": r.draws,
                    **{key: _rounded(getattr(r, key), 4) for key in ROLE_RATES},
                }
                for r in self.roles
            }
        return row


# The keys only rows of games with more than two seats have.
OPENSKILL_KEYS = ("openskill_mu", "openskill_sigma", "ordinal", "ordinal_ci_low", "ordinal_ci_high")


# The rates of a role's record in JSON (4 decimals), beside its games, wins and draws.
ROLE_RATES = ("win_rate", "ci_low", "ci_high")


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


def payoff_exponent(results: Sequence[MatchResult]) -> int:
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
    sides: Sequence[Sides | None] | None = None,
) -> list[Standing]:
    """``compute_standings``' rows alone."""
    return compute_standings(results, seed=seed, bootstrap=bootstrap, usage=usage, sides=sides)[0]


def compute_standings(
    results: Sequence[MatchResult],
    *,
    seed: int = 0,
    bootstrap: int = 1000,
    usage: Mapping[str, LLMUsage] | None = None,
    sides: Sequence[Sides | None] | None = None,
) -> tuple[list[Standing], tuple[SideTerm, ...]]:
    """Rank the agents of ``results`` (given in match order) by Bradley-Terry rating; with the
    OpenSkill side terms of a team game (empty for other games: they have no sides).

    ``usage`` (``Store.usage()``) adds each agent's LLM turns, faults, tokens and cost; an agent
    of ``usage`` that is not in ``results`` is left out, so both should cover the same matches.
    ``sides`` (one per result, ``None`` for a match without) gives each seat's team and role
    in a team game: pairs of teammates are not compared, OpenSkill rates the teams, and every
    row gets its ``roles`` when any match has roles. ``bootstrap=0`` gives no intervals
    (``ci_low`` and ``ci_high`` are ``None``); no results give an empty table. Raises
    ``ValueError`` when ``sides`` does not match ``results``.
    """
    usage = usage or {}
    sided = checked_sides(results, sides)
    names = sorted({agent for result in results for agent in result.agents})
    if not names:
        return [], ()
    exponent = payoff_exponent(results)
    index = {name: k for k, name in enumerate(names)}
    n = len(names)
    first: list[int] = []
    second: list[int] = []
    score: list[float] = []
    matches = np.zeros(n, dtype=np.int64)
    payoff_sum = np.zeros(n)
    seats = np.zeros(n, dtype=np.int64)
    outcomes = np.zeros((n, 3), dtype=np.int64)  # wins, draws, losses
    for result, side in zip(results, sided):
        for agent in set(result.agents):
            matches[index[agent]] += 1
        for agent, payoff in zip(result.agents, result.payoffs):
            payoff_sum[index[agent]] += math.ldexp(payoff, -exponent)
            seats[index[agent]] += 1
        team = None if side is None else side.teams
        seated = zip(itertools.count(), result.agents, result.payoffs)
        for (u, a, pa), (v, b, pb) in itertools.combinations(seated, 2):
            if a == b or (team is not None and team[u] == team[v]):  # self-play, teammates
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
    openskill, terms = _openskill_fields(results, sided, index, seed=seed, bootstrap=bootstrap)
    roles = _role_fields(results, sided, index)
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
            **roles[k],
        )
        for k, name in enumerate(names)
    ]
    return sorted(standings, key=lambda s: (-s.rating, s.agent)), terms


def is_multiplayer(results: Sequence[MatchResult]) -> bool:
    """Whether any match has more than two seats: such leaderboards get OpenSkill ratings."""
    return any(len(result.agents) > 2 for result in results)


def self_play_matches(results: Sequence[MatchResult]) -> int:
    """How many matches seat one agent twice (left out of the OpenSkill fit)."""
    return sum(len(set(result.agents)) < len(result.agents) for result in results)


def is_team_game(sides: Sequence[Sides | None] | None) -> bool:
    """Whether any match says who played with whom: the OpenSkill fit then rates teams."""
    return any(side is not None and side.teams is not None for side in sides or ())


def left_out_of_teams(results: Sequence[MatchResult], sides: Sequence[Sides | None]) -> int:
    """How many matches the team fit leaves out: those seating one agent twice, and those
    whose seats are all on one team (no opponents; Werewolf never deals one)."""
    return sum(
        len(set(result.agents)) < len(result.agents) or len(team_ranking(result, side)[0]) < 2
        for result, side in zip(results, checked_sides(results, sides))
    )


def team_ranking(result: MatchResult, side: Sides | None) -> tuple[list[list[int]], list[int]]:
    """A match's teams (each a list of seats, in order of their first seat) and each team's
    rank by the mean payoff of its seats (``payoff_ranks``: 1 first, ties share the better
    rank). Without teams every seat is a team of its own.

    >>> from arena.store import Result
    >>> won = Result("t", 0, ("a", "b", "c"), (1.0, 0.0, 1.0))
    >>> team_ranking(won, Sides(teams=("village", "werewolves", "village")))
    ([[0, 2], [1]], [1, 2])
    """
    teams = None if side is None else side.teams
    if teams is None:
        groups = [[seat] for seat in range(len(result.agents))]
    else:
        by_team: dict[str, list[int]] = {}
        for seat, name in enumerate(teams):
            by_team.setdefault(name, []).append(seat)
        groups = list(by_team.values())
    # each quotient first: a sum of payoffs near the largest float would overflow
    means = [sum(result.payoffs[seat] / len(group) for seat in group) for group in groups]
    return groups, payoff_ranks(means)


def checked_sides(
    results: Sequence[MatchResult], sides: Sequence[Sides | None] | None
) -> list[Sides | None]:
    """``sides`` as one per result (all ``None`` when not given), checked seat for seat."""
    if sides is None:
        return [None] * len(results)
    if len(sides) != len(results):
        raise ValueError(f"{len(sides)} sides for {len(results)} matches (one per match)")
    for k, (result, side) in enumerate(zip(results, sides)):
        if side is None:
            continue
        for what, names in (("teams", side.teams), ("roles", side.roles)):
            if names is not None and len(names) != len(result.agents):
                raise ValueError(
                    f"match {k}: {len(names)} {what} for {len(result.agents)} seats (one a seat)"
                )
    return list(sides)


def _openskill_fields(
    results: Sequence[MatchResult],
    sides: Sequence[Sides | None],
    index: Mapping[str, int],
    *,
    seed: int,
    bootstrap: int,
) -> tuple[list[dict[str, Any]], tuple[SideTerm, ...]]:
    """Each agent's OpenSkill fields of a multiplayer leaderboard (else empty), in match order:
    of its seats ranked by payoff, or of its teams as they played in a team game, each team
    with the side term of its name (none in a match without teams); and the side terms."""
    n = len(index)
    if not is_multiplayer(results):
        return [{} for _ in range(n)], ()
    rounds = min(bootstrap, OPENSKILL_BOOTSTRAP)
    if is_team_game(sides):
        teams: list[list[list[int]]] = []
        team_ranks: list[list[int]] = []
        team_sides: list[list[str] | None] = []
        for result, side in zip(results, sides):
            groups, ranks = team_ranking(result, side)
            if len(groups) < 2:  # no opponents: nothing to rate
                continue
            teams.append([[index[result.agents[seat]] for seat in group] for group in groups])
            team_ranks.append(ranks)
            named = None if side is None else side.teams
            team_sides.append(None if named is None else [named[group[0]] for group in groups])
        fit = openskill_team_fit(n, teams, team_ranks, sides=team_sides, rounds=rounds, seed=seed)
    else:
        seats = [[index[agent] for agent in result.agents] for result in results]
        ranks = [payoff_ranks(result.payoffs) for result in results]
        fit = openskill_fit(n, seats, ranks, rounds=rounds, seed=seed)
    fields = [
        {
            "openskill_mu": float(fit.mu[k]),
            "openskill_sigma": float(fit.sigma[k]),
            "ordinal": float(fit.ordinal[k]),
            "ordinal_ci_low": None if fit.ordinal_low is None else float(fit.ordinal_low[k]),
            "ordinal_ci_high": None if fit.ordinal_high is None else float(fit.ordinal_high[k]),
        }
        for k in range(n)
    ]
    return fields, fit.sides


def _role_fields(
    results: Sequence[MatchResult], sides: Sequence[Sides | None], index: Mapping[str, int]
) -> list[dict[str, Any]]:
    """Each agent's ``roles`` (every role of the board, by name) when any match has roles.

    Per match, an agent plays one game in each role it held; its team's result is its own (a
    win when the team is ranked first alone, a draw when first with another). An agent on two
    teams of one match plays against itself: the match is left out of its records.
    """
    n = len(index)
    names = sorted({r for side in sides if side is not None and side.roles for r in side.roles})
    if not names:
        return [{} for _ in range(n)]
    column = {role: k for k, role in enumerate(names)}
    counts = np.zeros((n, len(names), 3), dtype=np.int64)  # games, wins, draws
    for result, side in zip(results, sides):
        if side is None or side.roles is None:
            continue
        groups, ranks = team_ranking(result, side)
        firsts = ranks.count(1)
        held: dict[str, tuple[set[int], set[str]]] = {}  # agent: its teams and its roles
        for team, group in enumerate(groups):
            for seat in group:
                teams, roles = held.setdefault(result.agents[seat], (set(), set()))
                teams.add(team)
                roles.add(side.roles[seat])
        for agent, (teams, roles) in held.items():
            if len(teams) > 1:  # against itself
                continue
            rank = ranks[teams.pop()]
            for role in roles:
                cell = counts[index[agent], column[role]]
                cell[0] += 1
                cell[1] += rank == 1 and firsts == 1
                cell[2] += rank == 1 and firsts > 1
    return [
        {"roles": tuple(_record(role, *counts[k, j]) for j, role in enumerate(names))}
        for k in range(n)
    ]


def _record(role: str, games: int, wins: int, draws: int) -> RoleRecord:
    if games == 0:
        return RoleRecord(role, 0, 0, 0, None, None, None)
    low, high = wilson_interval(int(wins), int(games))
    return RoleRecord(role, int(games), int(wins), int(draws), int(wins) / int(games), low, high)

"""OpenSkill's Plackett-Luce ratings of multiplayer matches, with seeded bootstrap intervals.

Each match is a ranking of its seats by total payoff: the highest payoff first, payoffs within
1e-9 of each other (relative or absolute, as the pairwise leaderboard counts a draw) share a
rank. Weng and Lin's Bayesian approximation (JMLR 12, 2011, algorithm 4), as the ``openskill``
package implements it (``PlackettLuce`` with its defaults: mu 25, sigma 25/3, beta 25/6,
tau 25/300), moves every seat's (mu, sigma) once per match. Unlike the Bradley-Terry fit, the
result depends on the order of the matches, so they are always fed in stored (match) order:
the same matches in the same order give the same numbers. The *ordinal* ``mu - 3 sigma`` is
the conservative skill openskill ranks by.

Teams. A team game (Werewolf: the village against the werewolves) is rated with the teams as
they played (``openskill_team_fit``): each match is a list of teams, each a list of agents,
and one rank per team; the model adds up a team's members' mu and sigma squared, ranks the
teams, and moves every member by its share of its team's variance (Weng and Lin's team
strength is the sum of its members'). A one-agent team is a seat of ``openskill_fit``: the
numbers are the same.

Sides. A sum of members' mu makes a deal of unequal teams lopsided before anyone plays: six
villagers (150) against two werewolves (50) start at a predicted 0.99998 village win, so every
wolf win moves each player almost three points and every village win next to nothing. Given
each team's *side* (``sides``: its name, ``village`` or ``werewolves``), the fit adds one
virtual player per side to that side's team in every match, as Elo's home-advantage term: it
is rated with the agents, in match order, and absorbs the structural advantage of the deal
(team size and role powers), so that the agents' mu say how they did against what the side
alone would predict. Its prior mu makes the prior team strengths equal: (largest team size -
its team's size) * mu, so two wolves plus 100 against six villagers plus 0 start at 50/50
(``side_priors``). Its prior sigma is three agents' (``SIDE_SIGMA``: 25), not the agents'
own: how much of the deal's edge lands on the agents is the priors' call alone, since lowering
every agent by x is, to every prediction, raising the wolves' side by (6 - 2) x. With the
agents' sigma, every agent's mu carries about a quarter of what the two side terms move apart
(after 200 wolf wins in a row whoever plays, every agent ends near 13); with three times it,
about a twenty-fifth (near 19.4; over the 80 games of ``examples/werewolf-scripted.toml``, a
mean mu of 25.2 against 22.0). Not wider: a side's variance is in every match's team variance,
so the wider it is, the less each match moves the agents.

Self-play: a match in which one agent holds two seats is left out of this fit, whether the
seats are on two teams or in one. One Plackett-Luce update moves each team once, from the
ratings it had before the match; an agent in two places would be moved twice from one
starting point (``rate`` returns two new ratings for it, one of which would be lost), and its
two seats' results (one of which it necessarily loses to itself, on two teams) say nothing
about it against the others that the pairwise fit does not already leave out too. Twice in
one team it would count twice in its team's strength and be moved twice as well.

Speed. ``openskill``'s ``rate`` checks its arguments, deep-copies every rating (giving each copy
a new UUID), sorts the teams by rank and back again, for every match. This fit does what does
not change from match to match once: each agent has one rating object for the whole fit, every
match's teams are built once, already sorted by rank; then each match costs the tau
correction that ``rate`` applies (``sigma = sqrt(sigma^2 + tau^2)``) and one call of the model's
own update (``PlackettLuce._compute``), which moves those objects in place. The numbers are
those of the plain ``rate`` loop, bit for bit: checked once per process on a few tied matches,
of one-agent and of larger teams (and by the tests); an ``openskill`` whose private update
differs or is missing is driven through ``rate`` instead. A bootstrap round costs as much as
the fit: about 10 µs a match on the benchmark's machine (``benchmarks/results/openskill.md``),
times the rounds.

Bootstrap: each round draws as many matches as there are, with replacement, from a NumPy
generator seeded with the leaderboard's seed (never the global RNG), keeps the draws in stored
order, and refits from the prior (the sides from theirs); the interval is the percentile
interval of an agent's ordinal.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

TIE_TOLERANCE = 1e-9  # payoffs this close (relative or absolute) share a rank
ORDINAL_Z = 3.0  # ordinal = mu - ORDINAL_Z * sigma, openskill's default
SIDE_SIGMA = 3.0  # a side's prior sigma, in agents' prior sigmas (see the module's notes)


@dataclass(frozen=True)
class SideTerm:
    """A side's fitted rating (the virtual player added to its team), and the prior it began at."""

    side: str
    mu: float
    sigma: float
    prior_mu: float
    prior_sigma: float


@dataclass(frozen=True)
class OpenSkillFit:
    """Per-agent Plackett-Luce ratings of a field of ``n`` agents.

    ``ordinal_low`` and ``ordinal_high`` are ``None`` without bootstrap rounds. ``rated`` matches
    went into the fit, ``skipped`` (self-play) did not. ``sides``: the side terms of a team fit
    given sides, in order of first appearance (else empty).
    """

    mu: np.ndarray
    sigma: np.ndarray
    ordinal: np.ndarray
    ordinal_low: np.ndarray | None
    ordinal_high: np.ndarray | None
    rated: int
    skipped: int
    rounds: int = 0  # bootstrap rounds
    sides: tuple[SideTerm, ...] = ()


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


def _rate(model: Any, teams: list[list[Any]], ranks: list[int]) -> None:
    """One match by ``model.rate``, the new ratings copied back into the objects given."""
    for members, rated in zip(teams, model.rate(teams, ranks=ranks)):
        for player, new in zip(members, rated):
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
    for match, rank in zip(teams, ranks):
        for team in match:
            for player in team:
                player.sigma = sqrt(player.sigma * player.sigma + tau_squared)
        compute(match, rank)


# A few tied matches of five agents, each's teams already sorted by rank: one-agent teams
# (the seats of ``openskill_fit``), then teams of two and three, then teams with side players
# (5 and 6: ratings of another prior, ``_CHECK_SIDES``).
_CHECKS = (
    ([[0], [1], [2], [3]], [1, 2, 2, 4]),
    ([[2], [0], [3]], [1, 1, 3]),
    ([[3], [1], [0], [2]], [1, 2, 3, 4]),
    ([[0, 1], [4], [2, 3]], [1, 2, 2]),
    ([[4, 2, 0], [1, 3]], [1, 2]),
    ([[3], [0, 4], [1, 2]], [1, 1, 3]),
    ([[1, 3, 2, 6], [0, 4, 5]], [1, 2]),
    ([[4, 0, 5], [2, 1, 3, 6]], [1, 2]),
    ([[2, 3, 6], [1, 0, 5]], [1, 1]),
)
_CHECK_SIDES = ((75.0, 25.0), (0.0, 25.0))  # (mu, sigma) of players 5 and 6


@functools.cache
def _fast_path_agrees() -> bool:
    """Whether the in-place update gives exactly ``rate``'s numbers (``_CHECKS``)."""
    model = _model()

    def field() -> list[Any]:
        sides = [model.rating(mu=mu, sigma=sigma) for mu, sigma in _CHECK_SIDES]
        return [*(model.rating() for _ in range(5)), *sides]

    try:
        plain = field()
        for teams, ranks in _CHECKS:
            rated = model.rate([[plain[a] for a in team] for team in teams], ranks=ranks)
            for team, new_team in zip(teams, rated):
                for agent, new in zip(team, new_team):
                    plain[agent] = new
        fast = field()
        matches = [[[fast[a] for a in team] for team in teams] for teams, _ in _CHECKS]
        _update_in_place(model, matches, [ranks for _, ranks in _CHECKS])
    except (AttributeError, TypeError):  # an openskill without this private update
        return False
    return all(p.mu == f.mu and p.sigma == f.sigma for p, f in zip(plain, fast))


@dataclass(frozen=True)
class _Matches:
    """The matches to fit, each's agents sorted by rank (stable) and its ranks sorted.

    ``sizes`` (team matches): per match, its teams' sizes in rank order, the teams' members
    one after the other in ``seats`` and one rank per team in ``ranks``; ``None``: every
    agent is a team of its own.
    """

    seats: list[list[int]]
    ranks: list[list[int]]
    skipped: int  # self-play matches left out
    sizes: list[list[int]] | None = None
    sides: tuple[SideTerm, ...] = ()  # at their priors: players n, n + 1, ... of ``seats``


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


def _is_integer(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _prepared_teams(
    n: int,
    teams: Sequence[Sequence[Sequence[int]]],
    ranks: Sequence[Sequence[int]],
    sides: Sequence[Sequence[str] | None] | None = None,
    side_priors: Mapping[str, tuple[float, float]] | None = None,
) -> _Matches:
    """Checked, self-play left out, each match's teams sorted by rank (stable), each team's side
    player (if ``sides``) last in it; ``ValueError`` if bad. A plain loop: team games are played
    by the thousand, not the million."""
    if n < 0:
        raise ValueError(f"n must be non-negative, got {n}")
    if len(teams) != len(ranks):
        raise ValueError(f"{len(teams)} matches of teams but {len(ranks)} of ranks")
    if sides is not None and len(sides) != len(teams):
        raise ValueError(f"{len(teams)} matches of teams but {len(sides)} of sides")
    seats: list[list[int]] = []
    sizes: list[list[int]] = []
    sorted_ranks: list[list[int]] = []
    players: dict[str, int] = {}  # side: its player, n and up in order of first appearance
    gaps: dict[str, list[int]] = {}  # side: per match, the largest team's size less its own
    for m, (match, places) in enumerate(zip(teams, ranks)):
        if len(match) != len(places) or len(match) < 2:
            raise ValueError(
                f"match {m}: {len(match)} teams and {len(places)} ranks "
                "(at least two teams, one rank each)"
            )
        for team in match:
            listed = isinstance(team, Sequence | np.ndarray) and not isinstance(team, str)
            if not listed or len(team) == 0:
                raise ValueError(f"match {m}: a team is a non-empty list of agents, got {team!r}")
            if not all(_is_integer(a) and 0 <= a < n for a in team):
                raise ValueError(f"match {m}: agents must be integers in [0, {n})")
        if not all(_is_integer(r) for r in places):
            raise ValueError(f"match {m}: ranks must be integers")
        named = None if sides is None else _checked_sides(m, sides[m], len(match))
        agents = [int(a) for team in match for a in team]
        if len(set(agents)) < len(agents):  # self-play: on two teams, or twice in one
            continue
        order = sorted(range(len(match)), key=places.__getitem__)  # stable, as ``rate``'s
        members = [[int(a) for a in match[k]] for k in order]
        if named is not None:  # side players numbered in order of first appearance
            largest = max(len(team) for team in match)
            ids = [players.setdefault(side, n + len(players)) for side in named]
            for side, team in zip(named, match):
                gaps.setdefault(side, []).append(largest - len(team))
            for k, team in zip(order, members):
                team.append(ids[k])
        seats.append([a for team in members for a in team])
        sizes.append([len(team) for team in members])
        sorted_ranks.append([int(places[k]) for k in order])
    return _Matches(
        seats,
        sorted_ranks,
        skipped=len(teams) - len(seats),
        sizes=sizes,
        sides=_side_priors(gaps, side_priors),
    )


def _checked_sides(m: int, named: Sequence[str] | None, teams: int) -> Sequence[str] | None:
    """One match's sides, one a team, each a name, none twice (a side is one player)."""
    if named is None:
        return None
    if isinstance(named, str) or len(named) != teams:
        raise ValueError(f"match {m}: {teams} teams but sides {named!r} (one name a team)")
    if not all(isinstance(side, str) for side in named):
        raise ValueError(f"match {m}: sides are names, got {named!r}")
    if len(set(named)) < len(named):
        raise ValueError(f"match {m}: a side plays once a match, got {named!r}")
    return named


def _side_priors(
    gaps: Mapping[str, list[int]], given: Mapping[str, tuple[float, float]] | None
) -> tuple[SideTerm, ...]:
    """Each side at its prior: ``given``'s (mu, sigma), else the prior of equal starts: mu is
    the model's mu times the number of players its team lacks (the mean over its matches of
    the largest team's size less its own: one number in a fixed deal), sigma ``SIDE_SIGMA``
    agents'."""
    model = _model()
    terms = []
    for side, gap in gaps.items():
        if given is None:
            mu, sigma = math.fsum(gap) / len(gap) * model.mu, SIDE_SIGMA * model.sigma
        elif side in given:
            mu, sigma = (float(x) for x in given[side])
        else:
            raise ValueError(f"no prior for side {side!r} (side_priors has {sorted(given)})")
        if not (math.isfinite(mu) and math.isfinite(sigma) and sigma > 0):
            raise ValueError(f"side {side!r}: a prior needs a finite mu and sigma > 0")
        terms.append(SideTerm(side, mu, sigma, prior_mu=mu, prior_sigma=sigma))
    return tuple(terms)


def _split(players: list[Any], sizes: list[int]) -> list[list[Any]]:
    """``players`` cut into consecutive teams of ``sizes``."""
    teams: list[list[Any]] = []
    start = 0
    for size in sizes:
        teams.append(players[start : start + size])
        start += size
    return teams


class _Field:
    """One rating object per agent and every match's teams, sorted by rank, built once."""

    def __init__(self, n: int, matches: _Matches, fast: bool) -> None:
        self.model = _model()
        self.priors = [(self.model.mu, self.model.sigma)] * n
        self.priors += [(side.prior_mu, side.prior_sigma) for side in matches.sides]
        self.players = [self.model.rating(mu=mu, sigma=sigma) for mu, sigma in self.priors]
        self.teams: list[list[list[Any]]]
        if matches.sizes is None:
            alone = [[player] for player in self.players]  # a one-player team, for all matches
            self.teams = [list(map(alone.__getitem__, seats)) for seats in matches.seats]
        else:
            self.teams = [
                _split(list(map(self.players.__getitem__, seats)), sizes)
                for seats, sizes in zip(matches.seats, matches.sizes)
            ]
        self.ranks = matches.ranks
        self.fast = fast

    def fit(self, picks: Sequence[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(mu, sigma) of every player, the agents' then the sides', after the matches ``picks``
        (default: all), in that order, from the priors."""
        model = self.model
        for player, (mu, sigma) in zip(self.players, self.priors):
            player.mu, player.sigma = mu, sigma
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


def team_plackett_luce(
    n: int,
    teams: Sequence[Sequence[Sequence[int]]],
    ranks: Sequence[Sequence[int]],
    *,
    sides: Sequence[Sequence[str] | None] | None = None,
    side_priors: Mapping[str, tuple[float, float]] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Every agent's (mu, sigma) after the team matches, in the order given, from the prior.

    Parameters
    ----------
    n : number of agents; agents are ``0 .. n - 1``.
    teams : per match, its teams, each a list of agents (at least two teams, none empty).
    ranks : per match, each team's rank (lower is better, equal is a tie).
    sides : per match, each team's side (a name, none twice in a match): the side's virtual
        player joins its team (see the module's notes); ``None``: no side terms (for a match:
        none in it).
    side_priors : each side's prior (mu, sigma); ``None``: equal starts (the module's notes).

    Matches in which an agent holds two seats (on two teams, or twice in one) are left out.
    The side terms themselves are ``openskill_team_fit``'s ``sides``.

    >>> mu, sigma = team_plackett_luce(4, [[[0, 1], [2, 3]]], [[1, 2]])
    >>> bool(mu[0] == mu[1] > mu[2] == mu[3])
    True
    """
    matches = _prepared_teams(n, teams, ranks, sides, side_priors)
    mu, sigma = _Field(n, matches, _fast_path_agrees()).fit()
    return mu[:n], sigma[:n]


def openskill_team_fit(
    n: int,
    teams: Sequence[Sequence[Sequence[int]]],
    ranks: Sequence[Sequence[int]],
    *,
    sides: Sequence[Sequence[str] | None] | None = None,
    side_priors: Mapping[str, tuple[float, float]] | None = None,
    rounds: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> OpenSkillFit:
    """``openskill_fit`` of team matches (``team_plackett_luce``'s arguments): the ratings of
    the teams as they played, with percentile intervals of the ordinal from ``rounds``
    resamples of the matches. ``skipped`` counts the matches with self-play; ``sides`` has the
    fitted side terms (the point fit's, no interval).

    >>> fit = openskill_team_fit(8, [[[0, 1], [2, 3, 4, 5, 6, 7]]], [[1, 2]],
    ...                          sides=[["werewolves", "village"]], rounds=0)
    >>> [(t.side, t.prior_mu) for t in fit.sides]
    [('werewolves', 100.0), ('village', 0.0)]
    >>> bool(fit.sides[0].mu > 100.0 and fit.sides[1].mu < 0.0 and fit.mu[0] > 25.0)
    True
    """
    _check_options(rounds, level)
    matches = _prepared_teams(n, teams, ranks, sides, side_priors)
    return _bootstrapped(n, matches, rounds, seed, level)


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
    _check_options(rounds, level)
    return _bootstrapped(n, _prepared(n, seats, ranks), rounds, seed, level)


def _check_options(rounds: int, level: float) -> None:
    if rounds < 0:
        raise ValueError(f"rounds must be non-negative, got {rounds}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie in (0, 1), got {level}")


def _bootstrapped(n: int, matches: _Matches, rounds: int, seed: int, level: float) -> OpenSkillFit:
    """The fit of ``matches`` and, with ``rounds``, the ordinal's percentile intervals."""
    field = _Field(n, matches, _fast_path_agrees())
    players_mu, players_sigma = field.fit()
    mu, sigma = players_mu[:n], players_sigma[:n]  # the side players after the agents
    ordinal = mu - ORDINAL_Z * sigma
    sides = tuple(
        dataclasses.replace(side, mu=float(players_mu[k]), sigma=float(players_sigma[k]))
        for k, side in enumerate(matches.sides, start=n)
    )
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
                samples[r] = mu_r[:n] - ORDINAL_Z * sigma_r[:n]
            tail = (1.0 - level) / 2.0 * 100.0
            low, high = np.percentile(samples, [tail, 100.0 - tail], axis=0)
            low, high = np.minimum(low, ordinal), np.maximum(high, ordinal)
    return OpenSkillFit(
        mu, sigma, ordinal, low, high, rated=m, skipped=matches.skipped, rounds=rounds, sides=sides
    )

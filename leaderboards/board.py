"""Which stored tournaments a leaderboard ranks, and the leaderboard of them.

A leaderboard ranks one tournament unless asked for more: without names, the only tournament
of the database, or the most recent one (and it says which). Tournaments pool only when they
play the same game with the same settings (``rounds``, ``variant``, ...): mean payoffs of a
200-round and a 10-round game, or ratings of two rule sets, do not belong in one table.

A team game's matches say who played with whom: each stored outcome (or, failing it, the
stored metrics) names every seat's ``teams`` and ``roles`` (lists of names, one a seat, as
Werewolf's), read into ``arena.leaderboards.standings.Sides``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from arena.errors import ArenaError
from arena.leaderboards.meta_views import MetaViews, check_rank_by, compute_meta_views
from arena.leaderboards.openskill_ratings import SideTerm
from arena.leaderboards.standings import (
    OPENSKILL_BOOTSTRAP,
    Sides,
    Standing,
    compute_standings,
    is_multiplayer,
    is_team_game,
    left_out_of_teams,
    self_play_matches,
)

if TYPE_CHECKING:
    from arena.store import AgentUsage, Result, Store, TournamentRow


class LeaderboardError(ArenaError):
    """The stored tournaments asked for cannot be ranked together, or hold nothing to rank."""


@dataclass(frozen=True)
class Board:
    """A leaderboard: its standings and what they rank.

    ``rows()`` is the JSON form (``arena leaderboard show --json`` and ``leaderboard.json``):
    each standing's ``to_dict()`` with the ``game`` and the ``tournaments`` it ranks. A game of
    more than two seats (``multiplayer``) adds OpenSkill's ratings to every row; a team game
    (``teams``) rates the teams as they played, each with its side term (``sides``: fitted with
    the agents, not agents, so not rows: every row carries them as ``openskill_sides``, beside
    the ``game`` and ``tournaments`` it carries), and a game with roles adds each row's
    ``roles`` (its record in each of the board's ``roles``).

    ``meta`` holds the population's meta-game views (``arena.leaderboards.meta_views``): the
    mean-payoff and win-rate matrices, the Nash average and its mixture. ``load_board`` always
    builds them; a board made by hand may have none. With them every row also carries the
    agent's ``nash_rating``, ``nash_mass`` and ``in_nash_support`` and its own row of each
    matrix, keyed by opponent (``payoff_against``, ``win_rate_against``, ``pairs_against``):
    each matrix is in the JSON once, spread over the rows, so that the rows stay one object per
    agent, as every consumer reads them.
    """

    standings: tuple[Standing, ...]
    game: str
    tournaments: tuple[str, ...]
    settings: Mapping[str, Any] = field(default_factory=dict)  # the game's stated parameters
    matches: int = 0
    bootstrap: int = 1000
    seed: int = 0
    database: str = ""  # the database file's name
    rounds: tuple[dict[str, Any], ...] = ()  # a bargaining feedback schedule's report by round
    multiplayer: bool = False  # more than two seats: the standings have OpenSkill ratings
    self_play: int = 0  # matches seating one agent twice (or of one team): not in OpenSkill
    teams: bool = False  # the matches say who played with whom: OpenSkill rates teams
    sides: tuple[SideTerm, ...] = ()  # a team game's OpenSkill side terms
    meta: MetaViews | None = None  # the meta-game views; None on a board made by hand

    @property
    def roles(self) -> tuple[str, ...]:
        """The roles of a game with roles (every row has a record of each), else ``()``."""
        for standing in self.standings:
            if standing.roles is not None:
                return tuple(record.role for record in standing.roles)
        return ()

    @property
    def title(self) -> str:
        """``Leaderboard: quickstart`` (tournament names joined by commas)."""
        return self.heading()

    @property
    def game_text(self) -> str:
        """``matrix/prisoners-dilemma-v0 (rounds 200)``: the game and its stated settings."""
        return self.game_with()

    @property
    def subtitle(self) -> str:
        """What was ranked and how: game, tournaments, matches, bootstrap and database."""
        return self.summary()

    def heading(self, escape: Callable[[str], str] = str) -> str:
        """The title, with ``escape`` applied to the user text in it (tournament names)."""
        return f"Leaderboard: {', '.join(map(escape, self.tournaments))}"

    def game_with(self, escape: Callable[[str], str] = str) -> str:
        """The game and its settings, with ``escape`` applied to the game id and the values."""
        settings = ", ".join(
            f"{key} {escape(str(value))}" for key, value in sorted(self.settings.items())
        )
        return f"{escape(self.game)} ({settings})" if settings else escape(self.game)

    def summary(self, escape: Callable[[str], str] = str) -> str:
        """The subtitle, with ``escape`` applied to the user text in it."""
        kind = "tournament" if len(self.tournaments) == 1 else "tournaments"
        intervals = (
            f"95% intervals from {self.bootstrap} bootstrap rounds, seed {self.seed}"
            if self.bootstrap > 0
            else "no intervals (no bootstrap rounds)"
        )
        parts = [
            self.game_with(escape),
            f"{kind} {', '.join(map(escape, self.tournaments))}",
            f"{self.matches} matches",
            intervals,
        ]
        if self.multiplayer:
            rated = self.matches - self.self_play
            left_out = f" ({self.self_play} with self-play left out)" if self.self_play else ""
            resamples = min(self.bootstrap, OPENSKILL_BOOTSTRAP)
            ordinal = f", its interval from {resamples} of them" if resamples else ""
            teams = " of the teams as they played" if self.teams else ""
            parts.append(
                f"OpenSkill Plackett-Luce{teams} over {rated} matches in match order"
                f"{left_out}{ordinal}"
            )
        if self.sides:
            terms = ", ".join(
                f"{escape(t.side)} {t.mu:.1f} (sigma {t.sigma:.1f}, prior {t.prior_mu:.0f})"
                for t in self.sides
            )
            parts.append(f"side terms (mu) {terms}")
        if self.database:
            parts.append(escape(self.database))
        return " · ".join(parts)

    def rows(self) -> list[dict[str, Any]]:
        """The JSON rows, best first; strict JSON (non-finite numbers are ``None``)."""
        ranked: dict[str, Any] = {"game": self.game, "tournaments": list(self.tournaments)}
        if self.sides:
            ranked["openskill_sides"] = side_terms(self.sides)
        meta = self.meta
        return [
            {**s.to_dict(), **(meta.row(s.agent) if meta is not None else {}), **ranked}
            for s in self.standings
        ]

    def ranked(self, rank_by: str = "rating") -> Board:
        """This board with its standings in the ``rank_by`` order (``MetaViews.order``):
        ``"rating"`` (as stored, Bradley-Terry), ``"payoff"`` (mean payoff) or ``"nash"``
        (Nash average). Raises ``ValueError`` for another order, and ``LeaderboardError`` when
        a board without meta-game views is asked for another order than ``"rating"``.
        """
        check_rank_by(rank_by)
        if rank_by == "rating":
            return self
        if self.meta is None:
            raise LeaderboardError(f"this leaderboard has no meta-game views to rank {rank_by}")
        by_agent = {s.agent: s for s in self.standings}
        order = tuple(by_agent[agent] for agent in self.meta.order(rank_by))
        return dataclasses.replace(self, standings=order)


def side_terms(sides: Iterable[SideTerm]) -> dict[str, dict[str, float | None]]:
    """The side terms as JSON: per side, its fitted mu and sigma and its prior mu and sigma,
    to 3 decimals as the rows' OpenSkill numbers (``None`` if not finite)."""
    keys = ("mu", "sigma", "prior_mu", "prior_sigma")
    return {
        t.side: {
            key: round(value, 3) if math.isfinite(value := getattr(t, key)) else None
            for key in keys
        }
        for t in sides
    }


@dataclass(frozen=True)
class Selection:
    """Tournaments to rank, oldest first, and why these when none were named (else ``""``)."""

    tournaments: tuple[TournamentRow, ...]
    note: str = ""


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(repr(name) for name in names)


def game_settings(tournament: TournamentRow) -> dict[str, Any]:
    """The game parameters the tournament's file stated (``{}`` when none are stored)."""
    game = tournament.config.get("game")
    if not isinstance(game, dict):
        return {}
    return {key: value for key, value in game.items() if key != "id"}


def select_tournaments(
    store: Store, names: Sequence[str] = (), *, every: bool = False
) -> Selection:
    """The stored tournaments called ``names``; all of them with ``every``; else the latest.

    Raises ``LeaderboardError`` for an unknown name, an empty database, and tournaments that
    do not pool (different games, or one game with different settings).
    """
    stored = store.tournaments()  # oldest first
    if not stored:
        raise LeaderboardError(f"{store.path}: no tournaments stored, nothing to rank")
    by_name = {t.name: t for t in stored}
    note = ""
    if every:
        chosen = stored
    elif names:
        unknown = [name for name in dict.fromkeys(names) if name not in by_name]
        if unknown:
            raise LeaderboardError(
                f"{store.path}: no tournament {_quoted(unknown)} (stored: {', '.join(by_name)})"
            )
        wanted = set(names)
        chosen = [t for t in stored if t.name in wanted]
    else:
        chosen = [stored[-1]]
        if len(stored) == 1:
            note = f"ranking tournament {stored[-1].name!r}, the only one in {store.path.name}"
        else:
            others = _quoted(t.name for t in stored[:-1])
            note = (
                f"ranking tournament {stored[-1].name!r}, the most recent of {len(stored)} in "
                f"{store.path.name} (also: {others}); choose with --tournament"
            )
    _check_poolable(chosen)
    return Selection(tuple(chosen), note)


def _check_poolable(tournaments: Sequence[TournamentRow]) -> None:
    games: dict[str, list[str]] = {}
    for t in tournaments:
        games.setdefault(t.game_id, []).append(t.name)
    if len(games) > 1:
        listed = "; ".join(
            f"{_quoted(names)} {'plays' if len(names) == 1 else 'play'} {game}"
            for game, names in games.items()
        )
        raise LeaderboardError(
            f"tournaments of different games do not pool ({listed}); "
            "name the tournaments of one game with --tournament"
        )
    first = tournaments[0]
    for t in tournaments[1:]:
        a, b = game_settings(first), game_settings(t)
        if a != b:
            differ = ", ".join(
                f"{key} {a.get(key, '(default)')} vs {b.get(key, '(default)')}"
                for key in sorted(a.keys() | b.keys())
                if a.get(key) != b.get(key)
            )
            raise LeaderboardError(
                f"tournaments {first.name!r} and {t.name!r} play {first.game_id} with different "
                f"settings ({differ}): their payoffs do not pool"
            )


def _merged_usage(parts: Iterable[Mapping[str, AgentUsage]]) -> dict[str, AgentUsage]:
    """Each agent's LLM usage summed over several tournaments."""
    from arena.store import AgentUsage

    merged: dict[str, AgentUsage] = {}
    for usage in parts:
        for agent, u in usage.items():
            if agent not in merged:
                merged[agent] = u
                continue
            m = merged[agent]
            faults = dict(m.fault_turns)
            for joined, turns in u.fault_turns.items():
                faults[joined] = faults.get(joined, 0) + turns
            costs = [c for c in (m.cost, u.cost) if c is not None]
            merged[agent] = AgentUsage(
                agent,
                turns=m.turns + u.turns,
                tokens_in=m.tokens_in + u.tokens_in,
                tokens_out=m.tokens_out + u.tokens_out,
                tokens_cached=m.tokens_cached + u.tokens_cached,
                cost=sum(costs) if costs else None,
                fault_turns=dict(sorted(faults.items())),
            )
    return merged


def load_board(
    store: Store, selection: Selection, *, seed: int = 0, bootstrap: int = 1000
) -> Board:
    """The leaderboard of the selected tournaments, their matches in tournament then match order.

    Raises ``LeaderboardError`` when they hold no stored match.
    """
    tournaments = selection.tournaments
    names = tuple(t.name for t in tournaments)
    results = [result for name in names for result in store.results(name)]
    if not results:
        which = f"tournament {names[0]!r} has" if len(names) == 1 else f"{_quoted(names)} have"
        raise LeaderboardError(f"{which} no stored matches: nothing to rank")
    usage = _merged_usage(store.usage(name) for name in names)
    sides = stored_sides(store, results)
    standings, terms = compute_standings(
        results, seed=seed, bootstrap=bootstrap, usage=usage, sides=sides
    )
    multiplayer = is_multiplayer(results)
    teams = is_team_game(sides)
    if not multiplayer:
        left_out = 0
    elif teams and sides is not None:
        left_out = left_out_of_teams(results, sides)
    else:
        left_out = self_play_matches(results)
    meta = compute_meta_views(results, sides=sides, standings=standings)
    return Board(
        rounds=tuple(_feedback_rounds(store, tournaments, seed)),
        standings=tuple(standings),
        game=tournaments[0].game_id,
        tournaments=names,
        settings=game_settings(tournaments[0]),
        matches=len(results),
        bootstrap=bootstrap,
        seed=seed,
        database=store.path.name,
        multiplayer=multiplayer,
        self_play=left_out,
        teams=teams,
        sides=terms,
        meta=meta,
    )


def match_sides(outcome: Mapping[str, Any], metrics: Mapping[str, Any]) -> Sides | None:
    """Each seat's team and role as a stored match names them (its outcome's ``teams`` and
    ``roles``, else its metrics'), or ``None`` when it names neither. Only a list of names
    counts: another game's ``roles`` that is not one says nothing about teams.

    >>> match_sides({"teams": ["village", "werewolves"], "roles": ["seer", "werewolf"]}, {})
    Sides(teams=('village', 'werewolves'), roles=('seer', 'werewolf'))
    >>> match_sides({"roles": {"buyer": 0}}, {}) is None
    True
    """

    def names(key: str) -> tuple[str, ...] | None:
        for source in (outcome, metrics):
            value = source.get(key)
            if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                return tuple(value)
        return None

    teams, roles = names("teams"), names("roles")
    return None if teams is None and roles is None else Sides(teams, roles)


def stored_sides(store: Store, results: Sequence[Result]) -> list[Sides | None] | None:
    """Each result's ``Sides`` from its stored outcome, in the order of ``results``; ``None``
    when no match names any (a game without teams or roles, or a file older than schema v5).

    Raises ``LeaderboardError`` for a match whose teams or roles are not one a seat.
    """
    stored: dict[tuple[str | None, int | None], Sides | None] = {}
    for name in dict.fromkeys(result.tournament for result in results):
        if name is None:
            continue
        for index, outcome, metrics in store.sides(name):
            stored[name, index] = match_sides(outcome, metrics)
    sides = [stored.get((result.tournament, result.match_index)) for result in results]
    if all(side is None for side in sides):
        return None
    for result, side in zip(results, sides):
        for what, listed in (("teams", side and side.teams), ("roles", side and side.roles)):
            if listed and len(listed) != len(result.agents):
                raise LeaderboardError(
                    f"tournament {result.tournament!r}, match {result.match_index}: its outcome "
                    f"names {len(listed)} {what} for {len(result.agents)} seats (one a seat)"
                )
    return sides


def _feedback_rounds(store: Store, tournaments: Sequence[Any], seed: int) -> list[dict[str, Any]]:
    """``arena report``'s rounds of a single bargaining feedback schedule (else none)."""
    if len(tournaments) != 1 or not tournaments[0].game_id.startswith("bargaining/"):
        return []
    feedback = store.feedback(tournaments[0].name)
    if not feedback:
        return []
    from arena.leaderboards.bargaining_report import by_round
    from arena.registry import make_game

    row = tournaments[0]
    params = {k: v for k, v in row.config["game"].items() if k != "id"}
    seats = list(make_game(row.game_id, **params).possible_agents)
    return by_round(store.outcomes(row.name), feedback, row.game_id, seats, seed)

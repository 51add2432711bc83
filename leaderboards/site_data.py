"""What the published site reads from a database: its tournaments, and every match in bulk.

The leaderboards read results through ``Store``'s summaries; the match browser needs every
match's moves too, and ``Store.match`` reads one match at a time (three queries each: a
minute for 100,000 matches). So this module reads a tournament's matches in three queries
over the store's own read-only connection (the schema of ``arena.store``): heads, players and
each seat's turns, decoding every seat's JSON array of ``[step, action, reward]`` once. Only
the matches with LLM details (a reply's text, tokens, a fault or a moderator's verdict: one
row of ``turn_details`` each) are read again in full through ``Store.match``; they are few,
since every such turn was a model call.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from arena.records import MatchRecord

if TYPE_CHECKING:
    from arena.store import Store, TournamentRow

# A fault of a turn that is not the model's (the transport's), so not a retry of the move.
TRANSPORT_FAULTS = frozenset({"rate_limit", "transport", "timeout", "malformed", "server_error"})


@dataclass(frozen=True)
class TournamentEntry:
    """A stored tournament as the site lists it."""

    row: TournamentRow
    created: float | None  # when it was first opened (seconds since the epoch)
    agents: tuple[str, ...]  # display names, in the order its file lists them
    slug: str  # its folder under ``tournaments/``: unique, safe in a path and a URL

    @property
    def name(self) -> str:
        return self.row.name


def slug(row_id: int, name: str) -> str:
    """A folder name for a tournament: its row id (unique) and the name's ASCII letters.

    >>> slug(3, "Weekly <b>cup</b> 2025"), slug(4, "../../etc"), slug(5, "日本")
    ('3-weekly-b-cup-b-2025', '4-etc', '5')
    """
    words = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].strip("-")
    return f"{row_id}-{words}" if words else str(row_id)


def tournament_entries(store: Store, rows: Sequence[TournamentRow]) -> list[TournamentEntry]:
    """``rows`` with their creation times and agents, in the order given."""
    created = dict(store.connection.execute("SELECT id, created_at FROM tournaments"))
    entries = []
    for row in rows:
        agents = tuple(
            str(agent.get("display_name") or agent.get("name"))
            for agent in row.config.get("agents", [])
            if isinstance(agent, dict)
        )
        entries.append(TournamentEntry(row, created.get(row.id), agents, slug(row.id, row.name)))
    return entries


@dataclass(frozen=True)
class StoredMatch:
    """One stored match as the browser shows it: the result, every seat's moves, and (for
    matches with LLM turns) the full record with each turn's reply, fault and verdict."""

    index: int
    seed: int
    steps: int
    agents: tuple[str, ...]
    payoffs: tuple[float, ...]
    outcome_json: str | None  # the stored outcome and measures, JSON (decoded when asked)
    metrics_json: str | None
    stored_turns: tuple[str, ...]  # per seat: its turns as stored, JSON [[step, action, reward]]
    record: MatchRecord | None = None  # only matches with LLM details
    feedback: dict[str, Any] | None = None  # a feedback schedule's round, with the critic's text

    @cached_property
    def outcome(self) -> dict[str, Any]:
        """The game's own end report (``{}`` when none is stored)."""
        return json.loads(self.outcome_json) if self.outcome_json else {}

    @cached_property
    def metrics(self) -> dict[str, Any]:
        """The yardsticks computed after the match (``{}`` when none are stored)."""
        return json.loads(self.metrics_json) if self.metrics_json else {}

    @cached_property
    def moves(self) -> tuple[list[list[Any]], ...]:
        """Per seat: its ``[step, action, reward]`` turns in step order (decoded when asked:
        a simultaneous game's pages read the actions straight from ``stored_turns``)."""
        return tuple(json.loads(text) for text in self.stored_turns)

    def turn_counts(self) -> list[int]:
        """How many turns each seat has (without decoding them: one ``[`` a turn, and one
        around them; exact when no action holds a list)."""
        return [max(text.count("[") - 1, 0) for text in self.stored_turns]


def read_matches(
    store: Store,
    row: TournamentRow,
    feedback: Iterable[Mapping[str, Any]] = (),
    *,
    first: int | None = None,
    last: int | None = None,
    turns: bool = True,
) -> list[StoredMatch]:
    """The stored matches of tournament ``row`` (those with an index from ``first`` to
    ``last``, when given), in match order (see the module docstring); without ``turns``
    their ``stored_turns`` are left empty (what the leaderboard pages need)."""
    db = store.connection
    columns = "m.outcome, m.metrics" if store.version >= 5 else "NULL, NULL"
    where = "m.tournament_id = ? AND m.match_index BETWEEN ? AND ?"
    span = (row.id, -(2**63) if first is None else first, 2**63 - 1 if last is None else last)
    heads = db.execute(
        f"SELECT m.id, m.match_index, m.seed, m.steps, {columns} FROM matches m"
        f" WHERE {where} ORDER BY m.match_index",
        span,
    ).fetchall()
    players: dict[int, list[tuple[str, float]]] = {}
    for match_id, agent, payoff in db.execute(
        "SELECT mp.match_id, mp.agent, mp.payoff FROM match_players mp"
        f" JOIN matches m ON m.id = mp.match_id WHERE {where} ORDER BY mp.match_id, mp.seat",
        span,
    ):
        players.setdefault(match_id, []).append((agent, payoff))
    seats: dict[int, dict[int, str]] = {}
    if turns:
        for match_id, seat, encoded in db.execute(
            "SELECT st.match_id, st.seat, st.turns FROM seat_turns st"
            f" JOIN matches m ON m.id = st.match_id WHERE {where}",
            span,
        ):
            seats.setdefault(match_id, {})[seat] = encoded
    detailed = {
        match_id
        for (match_id,) in db.execute(
            "SELECT DISTINCT td.match_id FROM turn_details td"
            f" JOIN matches m ON m.id = td.match_id WHERE {where}",
            span,
        )
    }
    by_index = {f["match_index"]: dict(f) for f in feedback}
    matches = []
    for match_id, index, seed, steps, outcome, metrics in heads:
        seated = players.get(match_id, [])
        moves = seats.get(match_id, {})
        matches.append(
            StoredMatch(
                index=index,
                seed=seed,
                steps=steps,
                agents=tuple(a for a, _ in seated),
                payoffs=tuple(p for _, p in seated),
                outcome_json=outcome,
                metrics_json=metrics,
                stored_turns=(
                    tuple(moves.get(seat, "[]") for seat in range(len(seated))) if turns else ()
                ),
                record=store.match(row.name, index) if match_id in detailed else None,
                feedback=by_index.get(index),
            )
        )
    return matches


def seat_names(match: StoredMatch, key: str) -> list[str] | None:
    """A match's per-seat ``teams`` or ``roles`` (outcome first, then metrics), if it names
    them as a list of names, one a seat."""
    quoted = f'"{key}"'
    for text, source in ((match.outcome_json, "outcome"), (match.metrics_json, "metrics")):
        if not text or quoted not in text:  # most games name neither: no need to decode
            continue
        value = getattr(match, source).get(key)
        if (
            isinstance(value, list)
            and len(value) == len(match.agents)
            and all(isinstance(v, str) for v in value)
        ):
            return value
    return None


CSV_COLUMNS = (
    "tournament",
    "match",
    "seed",
    "steps",
    "seat",
    "agent",
    "payoff",
    "team",
    "role",
    "llm_turns",
    "faults",
)


def matches_csv(tournaments: Iterable[tuple[str, Sequence[StoredMatch]]]) -> str:
    """The matches as CSV, one row a seat (a tidy table: filter by agent, group by match).

    ``faults`` lists the seat's fault classes with their counts (``unparseable:2 forfeit:1``);
    ``team`` and ``role`` are empty for games without them, ``llm_turns`` is 0 for scripted
    seats. Payoffs are written with ``repr`` precision, so they read back exactly.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for name, matches in tournaments:
        for m in matches:
            teams, roles = seat_names(m, "teams"), seat_names(m, "roles")
            turns, faults = seat_usage(m)
            for seat, (agent, paid) in enumerate(zip(m.agents, m.payoffs)):
                counted = " ".join(f"{k}:{v}" for k, v in sorted(faults[seat].items()))
                writer.writerow(
                    (
                        name,
                        m.index,
                        m.seed,
                        m.steps,
                        seat,
                        agent,
                        repr(float(paid)),
                        teams[seat] if teams else "",
                        roles[seat] if roles else "",
                        turns[seat],
                        counted,
                    )
                )
    return out.getvalue()


def seat_usage(match: StoredMatch) -> tuple[list[int], list[dict[str, int]]]:
    """Per seat: its LLM turns and its faults by class (zeros for a match without LLM turns)."""
    n = len(match.agents)
    turns = [0] * n
    faults: list[dict[str, int]] = [{} for _ in range(n)]
    if match.record is None:
        return turns, faults
    for turn in match.record.turns:
        if turn.seat >= n or not _has_details(turn):
            continue
        turns[turn.seat] += 1
        for fault in (turn.fault or "").split("+"):
            if fault:
                faults[turn.seat][fault] = faults[turn.seat].get(fault, 0) + 1
    return turns, faults


def _has_details(turn: Any) -> bool:
    return any(value is not None for value in tuple(turn)[4:])

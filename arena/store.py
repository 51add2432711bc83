"""SQLite storage of tournaments, matches, turns and registered agents.

One file in WAL mode with a versioned schema (``PRAGMA user_version``). Every turn is stored:
each seat's turns of a match as one JSON array of ``[step, action, reward]`` in ``seat_turns``
(a 200-round match is two rows, not four hundred), readable turn by turn through the view
``turns`` (match_id, step, seat, action, reward); what only some turns have (an LLM's raw text,
latency, tokens, cost, a fault) is in ``turn_details``, one row per such turn. A match is written
once, in one transaction, under the unique key (tournament, match index): a tournament killed at
any moment and resumed never stores a match twice and never loses one that was reported stored.
Ratings are always recomputed from these rows; they are never stored as the only truth.

A match that a failure of the infrastructure ended (an endpoint that stayed down through the
SDK's retries) is not a result: it goes to ``void_matches`` with the error, is never rated, and
is played again by the next run, whose real result replaces it.

Every writer checkpoints the write-ahead log when it closes, so the database file alone holds
everything once a command exits. Readers open the file read-only (``readonly=True``): they
never create, migrate or write it, and they read the older schemas too.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import time
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arena.errors import StoreError
from arena.records import MatchRecord, Turn

SCHEMA_VERSION = 5
TABLES = (
    "tournaments",
    "matches",
    "match_players",
    "seat_turns",
    "turns",
    "turn_details",
    "agents",
    "llm_cache",
    "void_matches",
    "feedback",
)
_DETAILS = "text, latency, tokens_in, tokens_out, cost, fault, tokens_cached, verdict"  # Turn[4:]
_NO_DETAILS = (None,) * 8  # a turn with no text, latency, tokens, cost, fault or verdict

_SCHEMA = """
CREATE TABLE tournaments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    game_id TEXT NOT NULL,
    config TEXT NOT NULL,
    config_hash TEXT NOT NULL,
    seed INTEGER NOT NULL,
    n_matches INTEGER NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE matches (
    id INTEGER PRIMARY KEY,
    tournament_id INTEGER REFERENCES tournaments(id),
    match_index INTEGER,
    game_id TEXT NOT NULL,
    params TEXT NOT NULL,
    seed INTEGER NOT NULL,
    steps INTEGER NOT NULL,
    duration REAL NOT NULL,
    created_at REAL NOT NULL,
    UNIQUE (tournament_id, match_index)
);
CREATE TABLE match_players (
    match_id INTEGER NOT NULL REFERENCES matches(id),
    seat INTEGER NOT NULL,
    agent TEXT NOT NULL,
    payoff REAL NOT NULL,
    PRIMARY KEY (match_id, seat)
) WITHOUT ROWID;
CREATE INDEX match_players_by_agent ON match_players (agent);
CREATE TABLE seat_turns (
    match_id INTEGER NOT NULL REFERENCES matches(id),
    seat INTEGER NOT NULL,
    turns TEXT NOT NULL,
    PRIMARY KEY (match_id, seat)
) WITHOUT ROWID;
CREATE VIEW turns AS
    SELECT st.match_id AS match_id, json_extract(j.value, '$[0]') AS step, st.seat AS seat,
           json_extract(j.value, '$[1]') AS action, json_extract(j.value, '$[2]') AS reward
    FROM seat_turns st, json_each(st.turns) j;
CREATE TABLE turn_details (
    match_id INTEGER NOT NULL REFERENCES matches(id),
    step INTEGER NOT NULL,
    seat INTEGER NOT NULL,
    text TEXT,
    latency REAL,
    tokens_in INTEGER,
    tokens_out INTEGER,
    cost REAL,
    fault TEXT,
    PRIMARY KEY (match_id, step, seat)
) WITHOUT ROWID;
CREATE TABLE agents (
    name TEXT PRIMARY KEY,
    spec TEXT NOT NULL,
    created_at REAL NOT NULL
);
"""

# Statements that take a database from version N to N + 1; a new file gets all of them.
_MIGRATIONS: dict[int, str] = {
    1: """
CREATE TABLE llm_cache (
    key TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at REAL NOT NULL
) WITHOUT ROWID;
""",
    2: """
ALTER TABLE turn_details ADD COLUMN tokens_cached INTEGER;
""",
    3: """
CREATE TABLE void_matches (
    tournament_id INTEGER NOT NULL REFERENCES tournaments(id),
    match_index INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    agents TEXT NOT NULL,
    error TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (tournament_id, match_index)
) WITHOUT ROWID;
""",
    4: """
ALTER TABLE turn_details ADD COLUMN verdict TEXT;
ALTER TABLE matches ADD COLUMN outcome TEXT;
ALTER TABLE matches ADD COLUMN metrics TEXT;
CREATE TABLE feedback (
    match_id INTEGER PRIMARY KEY REFERENCES matches(id),
    experiment INTEGER NOT NULL,
    round INTEGER NOT NULL,
    seat INTEGER NOT NULL,
    critic TEXT NOT NULL,
    text TEXT NOT NULL,
    data TEXT NOT NULL,
    memory_before TEXT NOT NULL,
    memory_after TEXT NOT NULL
);
""",
}


def _json_default(value: Any) -> Any:
    if hasattr(value, "tolist"):  # NumPy arrays and scalars (a 0-d array gives its number)
        return value.tolist()
    raise TypeError(f"cannot store {type(value).__name__} {value!r} as JSON")


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=_json_default)


_TURN_ROWS: dict[str, Any] = {
    "separators": (",", ":"),
    "default": _json_default,
    "check_circular": False,
}
_INTS = frozenset({int})
_PLAIN_REWARDS = frozenset({float, type(None)})
_NEGATIVE_ZERO = array("d", [-0.0]).tobytes()
_ROW_TEXTS: dict[tuple[Any, ...], str] = {}  # a plain row's JSON text, by the row
_ROW_TEXTS_KEPT = 1 << 16  # rows of a 200-round 2x2 matrix game: 1,600


def _columns(turns: list[Turn]) -> list[tuple[Any, ...]]:
    """The turns' fields as columns (steps, seats, actions, rewards, texts, ...): one C-level
    transpose instead of a getter call per turn and field."""
    return list(zip(*turns)) if turns else [()] * len(Turn._fields)


def _plain(steps: tuple[Any, ...], actions: tuple[Any, ...], rewards: tuple[Any, ...]) -> bool:
    """Whether every row's JSON text is a function of the row's value, so can be looked up by
    it: steps and actions exact ints (not ``True``, ``1.0`` or a NumPy integer, which compare
    equal to ``1`` but print otherwise), rewards exact floats or ``None``, and no ``-0.0``
    (equal to ``0.0``, printed ``-0.0``)."""
    if not set(map(type, steps)) <= _INTS or not set(map(type, actions)) <= _INTS:
        return False
    kinds = set(map(type, rewards))
    if not kinds <= _PLAIN_REWARDS:
        return False
    if float in kinds and 0.0 in rewards:  # either zero: look for the negative one's bytes
        floats = [r for r in rewards if r is not None] if len(kinds) > 1 else rewards
        # A match across two numbers' bytes only sends the rows to json.dumps: still exact.
        return _NEGATIVE_ZERO not in array("d", floats).tobytes()
    return True


def _rows_text(rows: list[tuple[Any, Any, Any]], plain: bool) -> str:
    """``json.dumps(rows)`` (compact); plain rows (``_plain``) from each row's text, kept by
    row: a 2x2 game's rows take a few thousand values, and formatting floats is most of the
    encoder's time. A row's text is kept without its brackets, as ``0,1,3.0``."""
    if not plain or not rows:
        return json.dumps(rows, **_TURN_ROWS)
    texts = _ROW_TEXTS
    try:
        return "[[" + "],[".join(map(texts.__getitem__, rows)) + "]]"
    except KeyError:
        text = json.dumps(rows, **_TURN_ROWS)
        if len(texts) > _ROW_TEXTS_KEPT:
            texts.clear()
        # "[[0,0,3.0],[1,0,3.0]]": no plain row's text holds "],[", so this cuts it in rows.
        pieces = text[2:-2].split("],[")
        if len(pieces) == len(rows):
            texts.update(zip(rows, pieces))
        return text


def _seat_rows(
    match_id: int, turns: list[Turn], columns: list[tuple[Any, ...]] | None = None
) -> list[tuple[int, int, str]]:
    """One ``(match_id, seat, JSON [[step, action, reward], ...])`` row per seat.

    The hottest encoding of a scripted tournament (every turn of every match): the turns are
    transposed into columns at C level (``columns``, when the caller has them), and when the
    seats move in turn (0, 1, ..., 0, 1, ...: every simultaneous game, most turn-based ones)
    each seat's rows are slices of them rather than a Python loop; see ``_rows_text``.
    """
    steps, seats, actions, rewards = (columns or _columns(turns))[:4]
    n = max(seats) + 1 if seats else 0
    plain = _plain(steps, actions, rewards)
    by_seat: dict[int, list[tuple[Any, Any, Any]]]
    if n and seats == (tuple(range(n)) * (len(seats) // n + 1))[: len(seats)]:
        by_seat = {
            seat: list(zip(steps[seat::n], actions[seat::n], rewards[seat::n]))
            for seat in range(min(n, len(seats)))
        }
    else:
        by_seat = {}
        for seat, row in zip(seats, zip(steps, actions, rewards)):
            by_seat.setdefault(seat, []).append(row)
    return [(match_id, seat, _rows_text(rows, plain)) for seat, rows in sorted(by_seat.items())]


@dataclass(frozen=True)
class PreparedMatch:
    """A match record encoded for the database, before it has a row id."""

    head: tuple[Any, ...]  # match_index, game_id, params, seed, steps, duration, outcome, metrics
    players: list[tuple[int, str, float]]
    seats: list[tuple[int, str]]
    details: list[tuple[Any, ...]]
    feedback: tuple[Any, ...] | None


@dataclass(frozen=True)
class _Encoded:
    """What ``prepare_matches`` reuses for records that share their turns (replays)."""

    turns: list[Turn]  # held, so that the key ``id(turns)`` stays this list's
    outcome: dict[str, Any]
    metrics: dict[str, Any]
    outcome_text: str | None
    metrics_text: str | None
    seats: list[tuple[int, str]]
    details: list[tuple[Any, ...]]


def _details(turns: list[Turn], columns: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The ``turn_details`` rows of the turns that have any (none for scripted agents)."""
    n = len(turns)
    if all(column.count(None) == n for column in columns[4:]):  # C-level passes
        return []
    return [
        (*t[:2], *t[4:11], None if t[11] is None else _dumps(t[11]))
        for t in turns
        if t[4:] != _NO_DETAILS
    ]


def prepare_matches(
    records: Iterable[MatchRecord], reuse: dict[int, Any] | None = None
) -> list[PreparedMatch]:
    """Every record encoded (JSON and all), ready for ``Store.write_prepared``.

    ``reuse`` lets a caller that replays matches encode their turns once: an entry ``None``
    under ``id(record.turns)`` asks for that record's encoded turns, outcome and metrics to be
    kept there (with the turns, so that the key stays theirs), and every later record with the
    same turns, outcome and metrics objects (a replay, which shares them) gets them from there.
    """
    prepared = []
    for record in records:
        key = id(record.turns)
        kept = reuse.get(key) if reuse is not None else None
        if (
            kept is None
            or kept.turns is not record.turns
            or kept.outcome is not record.outcome
            or kept.metrics is not record.metrics
        ):
            columns = _columns(record.turns)
            kept = _Encoded(
                record.turns,
                record.outcome,
                record.metrics,
                _dumps(record.outcome) if record.outcome else None,
                _dumps(record.metrics) if record.metrics else None,
                [(seat, text) for _, seat, text in _seat_rows(0, record.turns, columns)],
                _details(record.turns, columns),
            )
            if reuse is not None and key in reuse:
                reuse[key] = kept
        feedback = None
        if record.feedback is not None:
            f = record.feedback
            feedback = (
                f["experiment"],
                f["round"],
                f["seat"],
                f["critic"],
                f["text"],
                _dumps(f.get("data", {})),
                _dumps(f["memory_before"]),
                _dumps(f["memory_after"]),
            )
        prepared.append(
            PreparedMatch(
                head=(
                    record.match_index,
                    record.game_id,
                    json.dumps(record.params, sort_keys=True),
                    record.seed,
                    record.steps,
                    record.duration,
                    kept.outcome_text,
                    kept.metrics_text,
                ),
                players=[(s, a, p) for s, (a, p) in enumerate(zip(record.agents, record.payoffs))],
                seats=kept.seats,
                details=kept.details,
                feedback=feedback,
            )
        )
    return prepared


def config_differences(old: Any, new: Any, where: str = "") -> list[str]:
    """The keys (``game.rounds``, ``agents[1].params``) at which two configurations differ."""
    if isinstance(old, dict) and isinstance(new, dict):
        keys = sorted(set(old) | set(new), key=str)
        found: list[str] = []
        for key in keys:
            path = f"{where}.{key}" if where else str(key)
            if key not in old or key not in new:
                found.append(path)
            else:
                found += config_differences(old[key], new[key], path)
        return found
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [
            path
            for k, (a, b) in enumerate(zip(old, new))
            for path in config_differences(a, b, f"{where}[{k}]")
        ]
    return [] if old == new else [where or "(the whole configuration)"]


def _listed(keys: list[str], most: int = 6) -> str:
    shown = ", ".join(keys[:most])
    return shown + (f" and {len(keys) - most} more" if len(keys) > most else "")


@dataclass(frozen=True)
class VoidMatch:
    """A scheduled match that a failure of the infrastructure ended: stored, never rated."""

    match_index: int
    seed: int
    agents: tuple[str, ...]
    error: str


def config_hash(config: dict[str, Any]) -> str:
    """A stable digest of the parts of a configuration that decide the results."""
    text = json.dumps(config, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class TournamentRow:
    """A stored tournament and how far it got."""

    id: int
    name: str
    game_id: str
    config: dict[str, Any]
    config_hash: str
    seed: int
    n_matches: int
    stored: int


@dataclass(frozen=True)
class Result:
    """The outcome of one stored match: agents and total payoffs in seat order."""

    tournament: str | None
    match_index: int | None
    agents: tuple[str, ...]
    payoffs: tuple[float, ...]


@dataclass(frozen=True)
class AgentUsage:
    """One agent's LLM turns summed over stored matches: what they cost and how they failed.

    ``fault_turns`` counts turns by their whole fault string ("illegal+forfeit": 3), so that
    both counts per class and turns with any of several classes can be derived from it.
    """

    agent: str
    turns: int = 0  # turns with LLM details (text, tokens, cost or a fault)
    tokens_in: int = 0
    tokens_out: int = 0
    tokens_cached: int = 0
    cost: float | None = None  # None when no turn had a cost (no price for the model)
    fault_turns: dict[str, int] = field(default_factory=dict)

    @property
    def faults(self) -> dict[str, int]:
        """How often each fault class occurred (a turn may hold several, joined by "+")."""
        counts: dict[str, int] = {}
        for joined, turns in self.fault_turns.items():
            for fault in joined.split("+"):
                if fault:
                    counts[fault] = counts.get(fault, 0) + turns
        return dict(sorted(counts.items()))

    def turns_with(self, classes: Iterable[str]) -> int:
        """Turns with at least one fault of ``classes``."""
        wanted = set(classes)
        return sum(n for joined, n in self.fault_turns.items() if wanted & set(joined.split("+")))


class Store:
    """A connection to one arena database file; creates and migrates the schema on open.

    ``readonly=True`` opens an existing file for reading only: nothing is created, migrated or
    written, and a file the user may not write (or in a folder they may not write) still opens.
    """

    def __init__(self, path: str | Path, *, create: bool = True, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        if (readonly or not create) and not self.path.is_file():
            if self.path.is_dir():
                raise StoreError(f"{self.path}: is a directory, expected a database file")
            raise StoreError(f"{self.path}: no such database (run a tournament first)")
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a directory, expected a database file")
        if not self.path.parent.exists():
            raise StoreError(f"{self.path}: folder {self.path.parent} does not exist")
        try:
            self._db = self._connect_readonly() if readonly else self._connect()
            self.version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if readonly:
                self._check_readable()
            else:
                self._migrate()
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: not an arena database ({error})") from None

    def _connect(self) -> sqlite3.Connection:
        # SQLite opens a file it may not write read-only without a word, and then fails at
        # the first write (or not, when its -wal and -shm files happen to be writable): ask
        # the operating system first.
        folder = self.path.parent
        if (self.path.exists() and not os.access(self.path, os.W_OK)) or not os.access(
            folder, os.W_OK
        ):
            what = self.path if self.path.exists() else folder
            raise StoreError(
                f"{self.path}: cannot write the database ({what} is read-only for this user); "
                "check its permissions"
            )
        try:
            db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            # A new file gets 16 KiB pages (a no-op on an existing one): a seat's turns of a
            # 200-round match, 2.4 KB of JSON, then fit in a page of the WITHOUT ROWID table
            # instead of spilling into an overflow page each, which made the file and the
            # writes of a scripted tournament 70% larger.
            db.execute("PRAGMA page_size=16384")
            db.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as error:
            if "unable to open" in str(error) or "readonly" in str(error):
                raise StoreError(
                    f"{self.path}: cannot write the database ({error}); check its permissions"
                ) from None
            raise
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        return db

    def _connect_readonly(self) -> sqlite3.Connection:
        """Read-only; ``immutable`` when SQLite cannot even create the WAL index (a read-only
        folder), which is safe there because no writer can change the file either."""
        uri = self.path.resolve().as_uri()
        try:
            db = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None)
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return db
        except sqlite3.OperationalError:
            if os.access(self.path.parent, os.W_OK) and os.access(self.path, os.W_OK):
                raise
        return sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None)

    def _check_readable(self) -> None:
        if self.version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema version {self.version} is newer than this arena supports "
                f"({SCHEMA_VERSION}); upgrade strategic-arena"
            )
        if self.version == 0:
            if not self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                raise StoreError(f"{self.path}: an empty database (a run may still be creating it)")
            raise StoreError(f"{self.path}: an SQLite file that is not an arena database")

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this arena supports "
                f"({SCHEMA_VERSION}); upgrade strategic-arena"
            )
        if version == SCHEMA_VERSION:
            return
        self._db.execute("BEGIN IMMEDIATE")  # one process migrates if several race
        try:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                if self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                    raise StoreError(f"{self.path}: an SQLite file that is not an arena database")
                self._execute_script(_SCHEMA)
                version = 1
            while version < SCHEMA_VERSION:
                self._execute_script(_MIGRATIONS[version])
                version += 1
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            self._db.execute("COMMIT")
            self.version = SCHEMA_VERSION
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def _execute_script(self, script: str) -> None:
        for statement in filter(str.strip, script.split(";")):
            self._db.execute(statement)

    @property
    def connection(self) -> sqlite3.Connection:
        """The open connection (for components that keep their own tables, like the LLM cache)."""
        return self._db

    def transaction(self) -> _Transaction:
        """``with store.transaction():`` runs its body atomically (BEGIN IMMEDIATE ... COMMIT)."""
        return _Transaction(self._db)

    def checkpoint(self) -> None:
        """Copy what the write-ahead log holds into the database file now, without waiting
        for other connections (a passive checkpoint; busy: skipped, a later one copies it).

        Workers call it after each batch they store, while the others go on playing, so that
        the closing checkpoint, which the run waits for, finds little left to copy.
        """
        with contextlib.suppress(sqlite3.OperationalError):
            self._db.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def close(self) -> None:
        """Close; a writer first copies the write-ahead log into the database file, so the
        file alone is complete (a copy of it loses nothing)."""
        if not self.readonly:
            # Busy with another writer: the last connection to close checkpoints instead.
            with contextlib.suppress(sqlite3.OperationalError):
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- tournaments -----------------------------------------------------------------------

    def open_tournament(
        self, name: str, *, game_id: str, config: dict[str, Any], seed: int, n_matches: int
    ) -> TournamentRow:
        """Create tournament ``name``, or return it when it exists with the same configuration.

        A stored tournament of the same name whose configuration differs is an error naming the
        keys that differ: resuming it would mix two rule sets in one result table. While it has
        no match stored (its first match failed, say), the new configuration replaces the old.
        """
        digest = config_hash(config)
        row_values = (game_id, json.dumps(config, sort_keys=True), digest, seed, n_matches)
        with self.transaction():
            row = self._db.execute(
                "SELECT id, config, config_hash FROM tournaments WHERE name = ?", (name,)
            ).fetchone()
            if row is None:
                self._db.execute(
                    "INSERT INTO tournaments (game_id, config, config_hash, seed, n_matches,"
                    " name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (*row_values, name, time.time()),
                )
            elif row[2] != digest:
                if self._has_matches(row[0]):
                    changed = config_differences(json.loads(row[1]), config)
                    raise StoreError(
                        f"{self.path}: tournament {name!r} already exists with a different "
                        f"configuration (it differs in {_listed(changed)}); give the tournament "
                        "a new name or use another --db"
                    )
                self._db.execute(
                    "UPDATE tournaments SET game_id = ?, config = ?, config_hash = ?, seed = ?,"
                    " n_matches = ? WHERE id = ?",
                    (*row_values, row[0]),
                )
        tournament = self.tournament(name)
        assert tournament is not None
        return tournament

    def _has_matches(self, tournament_id: int) -> bool:
        for table in ("matches", "void_matches"):
            query = f"SELECT 1 FROM {table} WHERE tournament_id = ? LIMIT 1"
            if self._db.execute(query, (tournament_id,)).fetchone():
                return True
        return False

    def tournament(self, name: str) -> TournamentRow | None:
        """The stored tournament called ``name``, or ``None``."""
        row = self._db.execute(
            "SELECT t.id, t.name, t.game_id, t.config, t.config_hash, t.seed, t.n_matches,"
            " (SELECT count(*) FROM matches m WHERE m.tournament_id = t.id)"
            " FROM tournaments t WHERE t.name = ?",
            (name,),
        ).fetchone()
        if row is None:
            return None
        return TournamentRow(row[0], row[1], row[2], json.loads(row[3]), *row[4:])

    def tournaments(self) -> list[TournamentRow]:
        """Every stored tournament, oldest first."""
        names = [r[0] for r in self._db.execute("SELECT name FROM tournaments ORDER BY id")]
        return [t for t in map(self.tournament, names) if t is not None]

    def stored_indices(self, tournament_id: int) -> set[int]:
        """Match indices of ``tournament_id`` already stored."""
        rows = self._db.execute(
            "SELECT match_index FROM matches WHERE tournament_id = ?", (tournament_id,)
        )
        return {r[0] for r in rows}

    def write_void(self, tournament_id: int, voids: Iterable[VoidMatch]) -> int:
        """Keep matches that the infrastructure ended (replacing an earlier void of the same
        index); a match already stored as a result is left alone. Return how many were kept."""
        kept = 0
        with self.transaction():
            for void in voids:
                if self._db.execute(
                    "SELECT 1 FROM matches WHERE tournament_id = ? AND match_index = ?",
                    (tournament_id, void.match_index),
                ).fetchone():
                    continue
                self._db.execute(
                    "INSERT OR REPLACE INTO void_matches (tournament_id, match_index, seed,"
                    " agents, error, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        tournament_id,
                        void.match_index,
                        void.seed,
                        _dumps(list(void.agents)),
                        void.error,
                        time.time(),
                    ),
                )
                kept += 1
        return kept

    def void_matches(self, tournament: str) -> list[VoidMatch]:
        """The matches of ``tournament`` now stored as void, in match order."""
        if self.version < 4:
            return []
        rows = self._db.execute(
            "SELECT v.match_index, v.seed, v.agents, v.error FROM void_matches v"
            " JOIN tournaments t ON t.id = v.tournament_id WHERE t.name = ?"
            " ORDER BY v.match_index",
            (tournament,),
        )
        return [VoidMatch(i, seed, tuple(json.loads(a)), e) for i, seed, a, e in rows]

    # -- registered agents -----------------------------------------------------------------

    def register_agent(self, name: str, spec: dict[str, Any], *, replace: bool = False) -> None:
        """Keep an agent spec under ``name`` (a spec names its key's variable, never the key)."""
        with self.transaction():
            exists = self._db.execute("SELECT 1 FROM agents WHERE name = ?", (name,)).fetchone()
            if exists and not replace:
                raise StoreError(
                    f"{self.path}: agent {name!r} is already registered"
                    " (use --replace to change it)"
                )
            self._db.execute(
                "INSERT OR REPLACE INTO agents (name, spec, created_at) VALUES (?, ?, ?)",
                (name, json.dumps(spec, sort_keys=True), time.time()),
            )

    def remove_agent(self, name: str) -> None:
        """Forget a registered agent (its stored matches stay)."""
        with self.transaction():
            if not self._db.execute("DELETE FROM agents WHERE name = ?", (name,)).rowcount:
                raise StoreError(f"{self.path}: no registered agent {name!r}")

    def registered_agents(self) -> dict[str, dict[str, Any]]:
        """Every registered agent's spec, by name."""
        rows = self._db.execute("SELECT name, spec FROM agents ORDER BY name")
        return {name: json.loads(spec) for name, spec in rows}

    # -- matches ---------------------------------------------------------------------------

    def write_matches(self, tournament_id: int | None, records: Iterable[MatchRecord]) -> int:
        """Store finished matches with all their turns in one transaction; return how many.

        A record whose (tournament, match index) is already stored is skipped, so writing
        the same match twice (a retried chunk, say) cannot duplicate it.
        """
        return self.write_prepared(tournament_id, prepare_matches(records))

    def write_prepared(self, tournament_id: int | None, prepared: list[PreparedMatch]) -> int:
        """Store matches encoded by ``prepare_matches`` in one transaction; return how many.

        Workers encode outside the lock they share and hold it only for the inserts: one
        statement per match for its row id, then every match's players, turns, details and
        feedback in one ``executemany`` each.
        """
        written = 0
        now = time.time()
        db = self._db
        players: list[tuple[Any, ...]] = []
        seats: list[tuple[Any, ...]] = []
        details: list[tuple[Any, ...]] = []
        feedback: list[tuple[Any, ...]] = []
        with self.transaction():
            # A real result replaces a void one: only tournaments with void matches look.
            voids = self.version >= 4 and (
                db.execute(
                    "SELECT 1 FROM void_matches WHERE tournament_id = ? LIMIT 1", (tournament_id,)
                ).fetchone()
                is not None
            )
            for match in prepared:
                cursor = db.execute(
                    "INSERT OR IGNORE INTO matches (tournament_id, match_index, game_id, params,"
                    " seed, steps, duration, created_at, outcome, metrics)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (tournament_id, *match.head[:6], now, *match.head[6:]),
                )
                if cursor.rowcount == 0:
                    continue
                if voids:
                    db.execute(
                        "DELETE FROM void_matches WHERE tournament_id = ? AND match_index = ?",
                        (tournament_id, match.head[0]),
                    )
                match_id = cursor.lastrowid
                players += [(match_id, *player) for player in match.players]
                seats += [(match_id, seat, text) for seat, text in match.seats]
                if match.details:
                    details += [(match_id, *row) for row in match.details]
                if match.feedback is not None:
                    feedback.append((match_id, *match.feedback))
                written += 1
            db.executemany(
                "INSERT INTO match_players (match_id, seat, agent, payoff) VALUES (?, ?, ?, ?)",
                players,
            )
            db.executemany("INSERT INTO seat_turns VALUES (?, ?, ?)", seats)
            if details:
                db.executemany(
                    f"INSERT INTO turn_details (match_id, step, seat, {_DETAILS})"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    details,
                )
            if feedback:
                db.executemany("INSERT INTO feedback VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", feedback)
        return written

    def outcomes(self, tournament: str) -> list[dict[str, Any]]:
        """Every stored match's index, agents, payoffs, outcome and metrics, in match order
        (without its turns: what reports read)."""
        if self.version < 5:
            return []
        players: dict[int, list[tuple[str, float]]] = {}
        for match_id, agent, payoff in self._db.execute(
            "SELECT mp.match_id, mp.agent, mp.payoff FROM match_players mp"
            " JOIN matches m ON m.id = mp.match_id JOIN tournaments t ON t.id = m.tournament_id"
            " WHERE t.name = ? ORDER BY mp.match_id, mp.seat",
            (tournament,),
        ):
            players.setdefault(match_id, []).append((agent, payoff))
        rows = self._db.execute(
            "SELECT m.id, m.match_index, m.outcome, m.metrics FROM matches m"
            " JOIN tournaments t ON t.id = m.tournament_id WHERE t.name = ?"
            " ORDER BY m.match_index",
            (tournament,),
        )
        return [
            {
                "match_index": index,
                "agents": tuple(a for a, _ in players.get(match_id, [])),
                "payoffs": tuple(p for _, p in players.get(match_id, [])),
                "outcome": json.loads(outcome) if outcome else {},
                "metrics": json.loads(metrics) if metrics else {},
            }
            for match_id, index, outcome, metrics in rows
        ]

    def sides(self, tournament: str) -> list[tuple[int, dict[str, Any], dict[str, Any]]]:
        """``(match_index, outcome, metrics)`` of every match whose outcome or metrics has a
        ``teams`` or ``roles`` list, each dictionary holding only those lists: what rating by
        team and role reads. SQLite picks them out (a text search first, then its JSON
        functions), so a tournament without teams decodes nothing: 36,000 matrix matches
        took 2.5 s through ``outcomes``."""
        if self.version < 5:
            return []
        picked = ", ".join(
            f"CASE WHEN json_type(m.{column}, '$.{key}') = 'array' "
            f"THEN json_extract(m.{column}, '$.{key}') END"
            for column in ("outcome", "metrics")
            for key in ("teams", "roles")
        )
        named = " OR ".join(
            f"instr(m.{column}, '\"{key}\"') > 0"
            for column in ("outcome", "metrics")
            for key in ("teams", "roles")
        )
        rows = self._db.execute(
            f"SELECT m.match_index, {picked} FROM matches m"
            " JOIN tournaments t ON t.id = m.tournament_id"
            f" WHERE t.name = ? AND ({named}) ORDER BY m.match_index",
            (tournament,),
        )
        found = []
        for index, *lists in rows:
            outcome_teams, outcome_roles, metrics_teams, metrics_roles = (
                None if value is None else json.loads(value) for value in lists
            )
            outcome = {k: v for k, v in (("teams", outcome_teams), ("roles", outcome_roles)) if v}
            metrics = {k: v for k, v in (("teams", metrics_teams), ("roles", metrics_roles)) if v}
            found.append((index, outcome, metrics))
        return found

    def feedback(self, tournament: str) -> list[dict[str, Any]]:
        """Every stored round of a feedback schedule, by experiment then round."""
        if self.version < 5:
            return []
        rows = self._db.execute(
            "SELECT m.match_index, f.experiment, f.round, f.seat, f.critic, f.text, f.data,"
            " f.memory_before, f.memory_after FROM feedback f JOIN matches m ON m.id = f.match_id"
            " JOIN tournaments t ON t.id = m.tournament_id WHERE t.name = ?"
            " ORDER BY f.experiment, f.round",
            (tournament,),
        )
        keys = ("match_index", "experiment", "round", "seat", "critic", "text")
        return [
            {
                **dict(zip(keys, row[:6])),
                "data": json.loads(row[6]),
                "memory_before": json.loads(row[7]),
                "memory_after": json.loads(row[8]),
            }
            for row in rows
        ]

    def results(self, tournament: str | None = None) -> list[Result]:
        """Every stored match's agents and payoffs (of one tournament, or all), in match order."""
        query = (
            "SELECT t.name, m.match_index, mp.seat, mp.agent, mp.payoff FROM matches m"
            " JOIN match_players mp ON mp.match_id = m.id"
            " LEFT JOIN tournaments t ON t.id = m.tournament_id"
        )
        args: tuple[Any, ...] = ()
        if tournament is not None:
            if self.tournament(tournament) is None:
                known = ", ".join(t.name for t in self.tournaments()) or "none"
                raise StoreError(f"{self.path}: no tournament {tournament!r} (stored: {known})")
            query += " WHERE t.name = ?"
            args = (tournament,)
        query += " ORDER BY m.tournament_id, m.match_index, m.id, mp.seat"
        results: list[Result] = []
        current: tuple[Any, ...] | None = None
        agents: list[str] = []
        payoffs: list[float] = []
        for name, index, _seat, agent, payoff in self._db.execute(query, args):
            key = (name, index)
            if key != current and current is not None:
                results.append(Result(current[0], current[1], tuple(agents), tuple(payoffs)))
                agents, payoffs = [], []
            current = key
            agents.append(agent)
            payoffs.append(payoff)
        if current is not None:
            results.append(Result(current[0], current[1], tuple(agents), tuple(payoffs)))
        return results

    def usage(self, tournament: str | None = None) -> dict[str, AgentUsage]:
        """Each agent's LLM turns, tokens, cost and faults (of one tournament, or all), by agent.

        Sums ``turn_details`` over the seats the agent held; an agent that never had an LLM turn
        (a scripted strategy) is absent. Grouping by fault string keeps the query to one pass;
        the strings are split into classes in Python (``AgentUsage.faults``).
        """
        cached = "coalesce(sum(td.tokens_cached), 0)" if self.version >= 3 else "0"
        query = (
            "SELECT mp.agent, td.fault, count(*), coalesce(sum(td.tokens_in), 0),"
            f" coalesce(sum(td.tokens_out), 0), {cached}, sum(td.cost)"
            " FROM turn_details td"
            " JOIN match_players mp ON mp.match_id = td.match_id AND mp.seat = td.seat"
        )
        args: tuple[Any, ...] = ()
        if tournament is not None:
            if self.tournament(tournament) is None:
                known = ", ".join(t.name for t in self.tournaments()) or "none"
                raise StoreError(f"{self.path}: no tournament {tournament!r} (stored: {known})")
            query += (
                " JOIN matches m ON m.id = td.match_id"
                " JOIN tournaments t ON t.id = m.tournament_id WHERE t.name = ?"
            )
            args = (tournament,)
        query += " GROUP BY mp.agent, td.fault ORDER BY mp.agent, td.fault"
        groups: dict[str, list[tuple[Any, ...]]] = {}
        for agent, *group in self._db.execute(query, args):
            groups.setdefault(agent, []).append(tuple(group))
        usage = {}
        for agent, rows in groups.items():  # row: fault, turns, in, out, cached, cost
            costs = [row[5] for row in rows if row[5] is not None]
            usage[agent] = AgentUsage(
                agent,
                turns=sum(row[1] for row in rows),
                tokens_in=sum(row[2] for row in rows),
                tokens_out=sum(row[3] for row in rows),
                tokens_cached=sum(row[4] for row in rows),
                cost=sum(costs) if costs else None,
                fault_turns={row[0]: row[1] for row in rows if row[0]},
            )
        return usage

    def match(self, tournament: str, match_index: int) -> MatchRecord:
        """Read one stored match back, turns included."""
        row = self._db.execute(
            f"SELECT m.id, m.game_id, m.params, m.seed, m.steps, m.duration, {self._outcome}"
            " FROM matches m"
            " JOIN tournaments t ON t.id = m.tournament_id"
            " WHERE t.name = ? AND m.match_index = ?",
            (tournament, match_index),
        ).fetchone()
        if row is None:
            raise StoreError(f"{self.path}: no match {match_index} in tournament {tournament!r}")
        match_id, game_id, params, seed, steps, duration, outcome, metrics = row
        players = self._db.execute(
            "SELECT agent, payoff FROM match_players WHERE match_id = ? ORDER BY seat", (match_id,)
        ).fetchall()
        details = {
            (r[0], r[1]): (*r[2:9], None if r[9] is None else json.loads(r[9]))
            for r in self._db.execute(
                f"SELECT step, seat, {self._details} FROM turn_details WHERE match_id = ?",
                (match_id,),
            )
        }
        turns = []
        for seat, encoded in self._db.execute(
            "SELECT seat, turns FROM seat_turns WHERE match_id = ?", (match_id,)
        ):
            for step, action, reward in json.loads(encoded):
                turns.append(Turn(step, seat, action, reward, *details.get((step, seat), ())))
        turns.sort(key=lambda turn: (turn.step, turn.seat))
        return MatchRecord(
            game_id=game_id,
            params=json.loads(params),
            seed=seed,
            agents=tuple(p[0] for p in players),
            payoffs=tuple(p[1] for p in players),
            turns=turns,
            steps=steps,
            match_index=match_index,
            duration=duration,
            outcome=json.loads(outcome) if outcome else {},
            metrics=json.loads(metrics) if metrics else {},
        )

    @property
    def _details(self) -> str:
        """The detail columns as this file's schema has them (v1 and v2 lack tokens_cached,
        v4 and older the verdict)."""
        columns = _DETAILS if self.version >= 5 else _DETAILS.replace("verdict", "NULL")
        return columns if self.version >= 3 else columns.replace("tokens_cached", "NULL")

    @property
    def _outcome(self) -> str:
        """The outcome and metrics columns (NULL in files older than v5)."""
        return "m.outcome, m.metrics" if self.version >= 5 else "NULL, NULL"

    def count(self, table: str) -> int:
        """Rows in one of the store's tables (for reports and tests)."""
        if table not in TABLES:
            raise StoreError(f"unknown table {table!r}")
        return int(self._db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


class _Transaction:
    """BEGIN IMMEDIATE on entry, COMMIT on success, ROLLBACK on any exception."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self._db.execute("COMMIT" if kind is None else "ROLLBACK")

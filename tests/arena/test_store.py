"""The SQLite store: atomic, idempotent match writes; schema versions; clear refusals."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arena.errors import StoreError
from arena.match import play_match
from arena.records import Turn
from arena.store import SCHEMA_VERSION, Store, VoidMatch


def record(index: int, seed: int = 0):
    r = play_match("matrix/prisoners-dilemma-v0", ["tit-for-tat", "random"], seed=seed, rounds=5)
    return r.__class__(**{**r.__dict__, "match_index": index})


def test_round_trip_of_a_match(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        t = store.open_tournament("t", game_id="g", config={"x": 1}, seed=0, n_matches=2)
        original = record(0, seed=4)
        assert store.write_matches(t.id, [original]) == 1
        back = store.match("t", 0)
    assert back.payoffs == original.payoffs and back.agents == original.agents
    assert back.turns == original.turns and back.seed == original.seed


def test_writing_a_match_twice_stores_it_once(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        t = store.open_tournament("t", game_id="g", config={}, seed=0, n_matches=2)
        assert store.write_matches(t.id, [record(0), record(1)]) == 2
        assert store.write_matches(t.id, [record(1), record(0)]) == 0
        assert store.count("matches") == 2 and store.count("turns") == 2 * 5 * 2
        assert store.count("seat_turns") == 2 * 2  # one JSON row per seat and match
        assert store.stored_indices(t.id) == {0, 1}


def test_a_failed_batch_leaves_nothing_half_written(tmp_path: Path) -> None:
    good = record(0)
    bad = record(1).__class__(**{**record(1).__dict__, "turns": [Turn(0, 0, object(), 1.0)]})
    with Store(tmp_path / "a.db") as store:
        t = store.open_tournament("t", game_id="g", config={}, seed=0, n_matches=2)
        with pytest.raises(TypeError):
            store.write_matches(t.id, [good, bad])
        assert store.count("matches") == 0 and store.count("turns") == 0


def test_llm_details_are_kept_only_where_present(tmp_path: Path) -> None:
    r = record(0)
    turns = list(r.turns)
    turns[3] = turns[3]._replace(text="Option J", latency=0.2, tokens_in=10, fault="unparseable")
    r = r.__class__(**{**r.__dict__, "turns": turns})
    with Store(tmp_path / "a.db") as store:
        t = store.open_tournament("t", game_id="g", config={}, seed=0, n_matches=1)
        store.write_matches(t.id, [r])
        assert store.count("turn_details") == 1
        assert store.match("t", 0).turns == turns
        assert store.match("t", 0).faults == {"unparseable": 1}


def test_same_name_different_config_is_refused(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        t = store.open_tournament("t", game_id="g", config={"rounds": 1}, seed=0, n_matches=1)
        assert store.open_tournament("t", game_id="g", config={"rounds": 1}, seed=0, n_matches=1)
        store.write_matches(t.id, [record(0)])  # with a match stored, the configuration is fixed
        with pytest.raises(StoreError, match="already exists with a different configuration"):
            store.open_tournament("t", game_id="g", config={"rounds": 2}, seed=0, n_matches=1)


def test_results_in_match_order_and_unknown_tournament(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        t = store.open_tournament("t", game_id="g", config={}, seed=0, n_matches=3)
        store.write_matches(t.id, [record(2), record(0), record(1)])
        assert [r.match_index for r in store.results("t")] == [0, 1, 2]
        assert store.results("t")[0].agents == ("tit-for-tat", "random")
        with pytest.raises(StoreError, match=r"no tournament 'u' \(stored: t\)"):
            store.results("u")


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer than this arena supports"):
        Store(path)


def test_a_version_1_database_is_migrated_in_place(tmp_path: Path) -> None:
    """A file written by the first release (no LLM cache, no cached-token column) still opens."""
    from arena.store import _SCHEMA

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.executescript(_SCHEMA)
        db.execute("PRAGMA user_version=1")
        db.execute("INSERT INTO tournaments VALUES (1, 't', 'g', '{}', 'h', 0, 1, 0)")
        db.execute("INSERT INTO matches VALUES (1, 1, 0, 'g', '{}', 0, 1, 0, 0)")
        db.execute("INSERT INTO match_players VALUES (1, 0, 'a', 1.0)")
        db.execute("INSERT INTO seat_turns VALUES (1, 0, '[[0, 1, 1.0]]')")
        db.execute("INSERT INTO turn_details VALUES (1, 0, 0, 'Option F', 0.1, 5, 2, NULL, NULL)")
    with Store(path) as store:
        assert store.connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.count("llm_cache") == 0
        turn = store.match("t", 0).turns[0]
    assert turn == Turn(0, 0, 1, 1.0, "Option F", 0.1, 5, 2, None, None, None)


@pytest.mark.parametrize("content", [b"not a database at all" * 100, None])
def test_foreign_files_are_refused(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "other.db"
    if content is None:
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE x (y)")
    else:
        path.write_bytes(content)
    with pytest.raises(StoreError):
        Store(path)


def test_a_file_caught_before_its_schema_is_read_as_empty_then_created(tmp_path: Path) -> None:
    """A reader polling a run that has just opened its file sees an empty database, not a
    foreign one; the run (or a resumed one) then writes the schema into the same file."""
    path = tmp_path / "new.db"
    sqlite3.connect(path).execute("PRAGMA journal_mode=WAL").fetchone()
    with pytest.raises(StoreError, match="an empty database"):
        Store(path, readonly=True)
    Store(path).close()
    with Store(path, readonly=True) as store:
        assert store.count("matches") == 0


def test_read_only_open_does_not_create(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such database"):
        Store(tmp_path / "missing.db", create=False)
    assert not (tmp_path / "missing.db").exists()


def test_wal_mode(tmp_path: Path) -> None:
    Store(tmp_path / "a.db").close()
    with sqlite3.connect(tmp_path / "a.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_turns_view_reads_every_turn(tmp_path: Path) -> None:
    original = record(0, seed=2)
    with Store(tmp_path / "a.db") as store:
        t = store.open_tournament("t", game_id="g", config={}, seed=0, n_matches=1)
        store.write_matches(t.id, [original])
    with sqlite3.connect(tmp_path / "a.db") as db:
        rows = db.execute("SELECT step, seat, action, reward FROM turns ORDER BY step, seat")
        assert [tuple(r) for r in rows] == [t[:4] for t in original.turns]


def test_numpy_and_structured_actions_round_trip(tmp_path: Path) -> None:
    import numpy as np

    r = record(0)
    turns = [
        r.turns[0]._replace(action=np.int64(1)),
        r.turns[1]._replace(action={"offer": [1.5, 2], "say": "deal?"}),
        *r.turns[2:],
    ]
    with Store(tmp_path / "a.db") as store:
        t = store.open_tournament("t", game_id="g", config={}, seed=0, n_matches=1)
        store.write_matches(t.id, [r.__class__(**{**r.__dict__, "turns": turns})])
        back = store.match("t", 0).turns
    assert back[0].action == 1 and back[1].action == {"offer": [1.5, 2], "say": "deal?"}


def test_a_changed_configuration_names_the_keys_that_differ(tmp_path: Path) -> None:
    old = {"game": {"id": "g", "rounds": 200}, "agents": [{"name": "a"}, {"name": "b"}]}
    new = {"game": {"id": "g", "rounds": 100}, "agents": [{"name": "a"}, {"name": "c"}]}
    with Store(tmp_path / "a.db") as store:
        t = store.open_tournament("t", game_id="g", config=old, seed=0, n_matches=2)
        store.write_matches(t.id, [record(0)])
        with pytest.raises(StoreError) as error:
            store.open_tournament("t", game_id="g", config=new, seed=0, n_matches=2)
    assert "it differs in agents[1].name, game.rounds" in str(error.value)


def test_a_tournament_with_no_match_stored_takes_a_new_configuration(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        first = store.open_tournament("t", game_id="g", config={"x": 1}, seed=0, n_matches=2)
        again = store.open_tournament("t", game_id="h", config={"x": 2}, seed=5, n_matches=3)
        assert again.id == first.id and again.config == {"x": 2}
        assert (again.game_id, again.seed, again.n_matches) == ("h", 5, 3)
        store.write_void(again.id, [VoidMatch(0, 1, ("a", "b"), "HTTP 503: down")])
        with pytest.raises(StoreError, match="differs in x"):  # a void match pins it too
            store.open_tournament("t", game_id="h", config={"x": 3}, seed=5, n_matches=3)


def test_void_matches_are_kept_apart_and_a_result_replaces_them(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        t = store.open_tournament("t", game_id="g", config={}, seed=0, n_matches=2)
        void = VoidMatch(1, 99, ("tit-for-tat", "random"), "HTTP 500: internal error")
        assert store.write_void(t.id, [void]) == 1
        assert store.void_matches("t") == [void]
        assert store.results("t") == [] and store.stored_indices(t.id) == set()
        store.write_matches(t.id, [record(1)])
        assert store.void_matches("t") == []
        assert store.write_void(t.id, [void]) == 0  # a stored result is never made void
        assert [r.match_index for r in store.results("t")] == [1]


def test_closing_a_writer_leaves_everything_in_the_database_file(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        t = store.open_tournament("t", game_id="g", config={}, seed=0, n_matches=2)
        reader = Store(tmp_path / "a.db", readonly=True)  # a second connection stays open
        store.write_matches(t.id, [record(0), record(1)])
    copy = tmp_path / "copy.db"
    copy.write_bytes((tmp_path / "a.db").read_bytes())  # the one file, without -wal
    reader.close()
    with Store(copy, readonly=True) as store:
        assert len(store.results("t")) == 2


def test_a_checkpoint_copies_the_log_into_the_file_while_others_stay_connected(
    tmp_path: Path,
) -> None:
    """What a pool's worker does after each batch it stores: the file alone then holds it."""
    path = tmp_path / "a.db"
    with Store(path) as store, Store(path) as other:  # the other worker's connection
        t = store.open_tournament("t", game_id="g", config={}, seed=0, n_matches=2)
        store.checkpoint()  # the schema and the tournament
        store.write_matches(t.id, [record(0), record(1)])
        before = tmp_path / "before.db"
        before.write_bytes(path.read_bytes())  # the file alone, without -wal
        store.checkpoint()
        after = tmp_path / "after.db"
        after.write_bytes(path.read_bytes())
        assert len(other.results("t")) == 2
    with Store(before, readonly=True) as copy:
        assert copy.results("t") == []  # the matches were still only in the log
    with Store(after, readonly=True) as copy:
        assert len(copy.results("t")) == 2


def test_sides_are_the_teams_and_roles_lists_of_outcomes_and_metrics(tmp_path: Path) -> None:
    """``Store.sides`` picks in SQL what rating by team reads from ``Store.outcomes``."""
    from dataclasses import replace

    from arena.leaderboards.board import match_sides

    kinds = [
        ({"teams": ["village", "werewolves"], "roles": ["seer", "werewolf"]}, {}),
        ({}, {"roles": ["buyer", "seller"]}),
        ({"roles": {"buyer": 0}}, {"teams": []}),  # neither a list of names
        ({"teams": "village"}, {"x": 1}),  # the key, not a list
        ({"note": 'the "teams" word, not the key'}, {}),
        ({"teams": ["a", "b"]}, {"roles": ["r", "s"], "solver": {"regret": [0.5, 1.5]}}),
        ({}, {}),
    ]
    with Store(tmp_path / "a.db") as store:
        t = store.open_tournament("t", game_id="g", config={}, seed=0, n_matches=len(kinds))
        base = record(0)
        store.write_matches(
            t.id,
            [
                replace(base, match_index=k, outcome=outcome, metrics=metrics)
                for k, (outcome, metrics) in enumerate(kinds)
            ],
        )
        found = {index: match_sides(o, m) for index, o, m in store.sides("t")}
        expected = {
            row["match_index"]: match_sides(row["outcome"], row["metrics"])
            for row in store.outcomes("t")
        }
    assert {k: v for k, v in found.items() if v} == {k: v for k, v in expected.items() if v}
    assert set(found) == {0, 1, 2, 3, 5}  # 4 and 6 name neither key: not decoded
    assert found[5] is not None and found[5].roles == ("r", "s")


def filled(path: Path) -> Path:
    with Store(path) as store:
        t = store.open_tournament("t", game_id="g", config={}, seed=0, n_matches=1)
        store.write_matches(t.id, [record(0)])
    return path


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write read-only files")
@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_database_can_be_read(tmp_path: Path, what: str) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    db = filled(folder / "a.db")
    (db if what == "file" else folder).chmod(0o444 if what == "file" else 0o555)
    try:
        with Store(db, readonly=True) as store:
            assert len(store.results("t")) == 1
        with pytest.raises(StoreError, match=r"cannot write|not an arena"):
            Store(db)
    finally:
        folder.chmod(0o755)
        db.chmod(0o644)


def test_a_read_only_database_can_be_read_by_anyone(tmp_path: Path) -> None:
    """As root (CI), file modes do not stop writes: an immutable open is checked directly."""
    db = filled(tmp_path / "a.db")
    db.chmod(0o444)
    before = db.read_bytes()
    with Store(db, readonly=True) as store:
        assert len(store.results("t")) == 1
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            store.connection.execute("DELETE FROM matches")
    assert db.read_bytes() == before


def test_reading_an_older_database_does_not_upgrade_it(tmp_path: Path) -> None:
    db = filled(tmp_path / "a.db")
    with sqlite3.connect(db) as con:  # back to version 3: no void_matches, verdicts, outcomes
        con.execute("DROP TABLE void_matches")
        con.execute("DROP TABLE feedback")
        for table, column in (("turn_details", "verdict"), ("matches", "outcome")):
            con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        con.execute("ALTER TABLE matches DROP COLUMN metrics")
        con.execute("PRAGMA user_version=3")
    with Store(db, readonly=True) as store:
        assert store.version == 3
        assert len(store.results("t")) == 1 and store.void_matches("t") == []
        assert store.usage("t") == {}
        match = store.match("t", 0)
        assert match.outcome == {} and all(turn.verdict is None for turn in match.turns)
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == 3
    with Store(db) as store:  # a writer upgrades it
        assert store.version == SCHEMA_VERSION == 5


@pytest.mark.parametrize(
    "seats",
    [[0, 1, 0, 1], [0, 1, 2, 0, 1], [1, 0, 1, 0], [0, 1, 1, 0, 2], [2, 2], [0], []],
)
def test_turn_rows_group_every_seats_moves_in_order_whatever_the_turn_order(
    seats: list[int],
) -> None:
    import json

    import numpy as np

    from arena.records import Turn
    from arena.store import _seat_rows

    turns = [Turn(k, seat, np.array([float(k)]), 0.5 * k) for k, seat in enumerate(seats)]
    rows = {seat: json.loads(text) for _, seat, text in _seat_rows(7, turns)}
    assert sorted(rows) == sorted(set(seats))
    for seat, moves in rows.items():
        assert moves == [[k, [float(k)], 0.5 * k] for k, s in enumerate(seats) if s == seat]


# Values whose JSON text is not their repr, that compare equal to others they print unlike
# (True and 1, 1 and 1.0, -0.0 and 0.0), or that a NumPy-typed move brings.
AWKWARD = st.sampled_from(
    [True, False, 1.0, -0.0, 0.0, float("nan"), float("inf"), 5e-324, np.int64(1), None, "a,b"]
)
PLAIN_REWARDS = st.sampled_from([0.0, -0.0, 1.0, 3.0, 5.0, -1.5, None])


@settings(max_examples=400, deadline=None)
@given(
    moves=st.lists(
        st.tuples(
            st.integers(0, 2) | AWKWARD,
            st.integers(-1, 3) | AWKWARD | st.lists(st.integers(0, 3), max_size=2),
            PLAIN_REWARDS | AWKWARD | st.integers(-3, 3),
        ),
        max_size=12,
    ),
    interleaved=st.booleans(),
)
def test_turn_rows_are_the_json_of_each_seats_moves_whatever_their_types(
    moves: list[tuple[Any, Any, Any]], interleaved: bool
) -> None:
    """Plain rows come from a cache of each row's text: it must never give a row the text of
    another that merely compares equal (``[0,1,3.0]`` for ``(0, True, 3)``)."""
    from arena.store import _TURN_ROWS, _seat_rows

    n = len(moves)
    seats = [k % 2 for k in range(n)] if interleaved else sorted(k % 3 for k in range(n))
    turns = [Turn(step, seat, action, reward) for (step, action, reward), seat in zip(moves, seats)]
    expected: dict[int, list[tuple[Any, Any, Any]]] = {}
    for turn in turns:
        expected.setdefault(turn.seat, []).append((turn.step, turn.action, turn.reward))
    for _ in range(2):  # the second time from the cache
        rows = {seat: text for _, seat, text in _seat_rows(7, turns)}
        assert rows == {s: json.dumps(r, **_TURN_ROWS) for s, r in expected.items()}


@pytest.mark.parametrize("first", [0.0, -0.0])
def test_a_negative_zero_reward_keeps_its_sign(first: float) -> None:
    from arena.store import _seat_rows

    turns = [Turn(0, 0, 1, first), Turn(1, 0, 1, -first), Turn(2, 0, 1, first)]
    for _ in range(2):
        ((_, _, text),) = _seat_rows(0, turns)
        assert text == json.dumps([[0, 1, first], [1, 1, -first], [2, 1, first]]).replace(" ", "")


def test_a_new_database_has_pages_that_hold_a_seats_turns(tmp_path: Path) -> None:
    """16 KiB pages: a 200-round match's JSON per seat stays in its page (no overflow page)."""
    with Store(tmp_path / "a.db") as store:
        assert store.connection.execute("PRAGMA page_size").fetchone()[0] == 16384
        t = store.open_tournament("t", game_id="g", config={}, seed=0, n_matches=1)
        long = play_match("matrix/prisoners-dilemma-v0", ["tit-for-tat", "random"], rounds=200)
        store.write_matches(t.id, [long.__class__(**{**long.__dict__, "match_index": 0})])
        assert store.match("t", 0).turns == long.turns
    from arena.store import _SCHEMA

    old = tmp_path / "old.db"  # a file of an earlier release keeps its pages
    with sqlite3.connect(old) as db:
        db.execute("PRAGMA page_size=4096")
        db.executescript(_SCHEMA)
        db.execute("PRAGMA user_version=1")
    with Store(old) as store:
        assert store.version == SCHEMA_VERSION
        assert store.connection.execute("PRAGMA page_size").fetchone()[0] == 4096


def test_replays_share_one_encoding_and_store_the_same_turns(tmp_path: Path) -> None:
    from dataclasses import replace

    from arena.store import prepare_matches

    first = record(0, seed=1)
    replays = [replace(first, match_index=k, seed=k, duration=0.0) for k in (1, 2)]
    other = record(3, seed=2)
    reuse: dict[int, Any] = {id(first.turns): None}
    prepared = prepare_matches([first, *replays, other], reuse)
    assert prepared[1].seats is prepared[0].seats is prepared[2].seats
    assert prepared[3].seats is not prepared[0].seats
    assert list(reuse) == [id(first.turns)]  # only what the caller asked to keep
    assert [p.head[0] for p in prepared] == [0, 1, 2, 3]
    assert prepared == prepare_matches([first, *replays, other])  # the same text, unshared
    with Store(tmp_path / "a.db") as store:
        t = store.open_tournament("t", game_id="g", config={}, seed=0, n_matches=4)
        assert store.write_prepared(t.id, prepared) == 4
        assert all(store.match("t", k).turns == first.turns for k in (0, 1, 2))
        assert store.match("t", 3).turns == other.turns
        assert store.count("turns") == 4 * 5 * 2

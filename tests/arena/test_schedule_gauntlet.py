"""Gauntlets: the agents under test each play a fixed reference pool, nobody else.

The schedule itself (``arena.schedule.gauntlet``), the file's ``reference`` key and its errors
(through the real ``arena`` command: one line naming the file, the key and the bad name, and
nothing written), the shipped example run and ranked, and a run resumed after losing matches.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from arena.config import load_config
from arena.errors import ConfigError
from arena.schedule import gauntlet
from arena.seeding import match_seed
from arena.store import Store
from arena.tournament import run_tournament
from tests.arena.test_cli import assert_one_line_error
from tests.arena.test_tournament import stored_digest
from tests.conftest import run_cli

EXAMPLE = Path(__file__).parents[2] / "examples" / "gauntlet-prisoners-dilemma.toml"


def gauntlet_file(schedule: str, agents: tuple[str, ...] = ("tit-for-tat", "always-defect")) -> str:
    blocks = "\n".join(f'[[agents]]\nname = "{a}"' for a in agents)
    return f"""
[tournament]
name = "g"
seed = 4
[game]
id = "matrix/prisoners-dilemma-v0"
rounds = 10
[schedule]
format = "gauntlet"
{schedule}
{blocks}
[[agents]]
name = "random"
p = 0.7
alias = "nice-random"
[[agents]]
name = "grim-trigger"
"""


@pytest.mark.parametrize("swap_seats", [True, False])
@pytest.mark.parametrize(("n_agents", "reference"), [(3, [0]), (5, [1, 3]), (6, [5, 0, 2])])
def test_every_agent_under_test_meets_every_reference_agent_and_nobody_else(
    n_agents: int, reference: list[int], swap_seats: bool
) -> None:
    fixtures = gauntlet(n_agents, reference, repetitions=3, swap_seats=swap_seats, seed=8)
    tested = [a for a in range(n_agents) if a not in reference]
    orders = 2 if swap_seats else 1
    assert len(fixtures) == len(tested) * len(reference) * 3 * orders
    assert [f.index for f in fixtures] == list(range(len(fixtures)))
    assert [f.seed for f in fixtures] == [match_seed(8, f.index) for f in fixtures]
    seatings = Counter(f.seats for f in fixtures)
    for agent in tested:
        for ref in reference:
            assert seatings[(agent, ref)] == 3
            assert seatings[(ref, agent)] == (3 if swap_seats else 0)
    assert all(len(set(f.seats) & set(reference)) == 1 for f in fixtures)  # no ref v ref
    # Repetition r of every pairing comes before repetition r + 1: a partial run is balanced.
    per_repetition = len(fixtures) // 3
    blocks = [fixtures[k : k + per_repetition] for k in range(0, len(fixtures), per_repetition)]
    assert all(Counter(f.seats for f in b) == Counter(f.seats for f in blocks[0]) for b in blocks)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param((3, [0, 1, 2]), "at least one agent that is not", id="everyone-is-reference"),
        pytest.param((3, [0, 0]), "distinct", id="twice"),
        pytest.param((3, [3]), "among 0..2", id="out-of-range"),
        pytest.param((3, []), "among 0..2", id="empty"),
    ],
)
def test_bad_arguments(args: tuple[int, list[int]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        gauntlet(*args)


def test_the_file_gives_the_schedule_and_the_resumption_key(
    write_toml: Callable[..., Path],
) -> None:
    path = write_toml(
        gauntlet_file('reference = ["always-defect", "nice-random"]\nrepetitions = 2')
    )
    config = load_config(path)
    assert config.format == "gauntlet"
    assert config.reference == (1, 2)
    assert config.dynamic_schedule() is None
    assert config.fixtures(2) == gauntlet(4, [1, 2], repetitions=2, swap_seats=True, seed=4)
    assert config.results_key()["schedule"] == {
        "format": "gauntlet",
        "reference": ["always-defect", "nice-random"],
        "repetitions": 2,
        "swap_seats": True,
    }


@pytest.mark.parametrize(
    ("schedule", "fragments"),
    [
        pytest.param(
            'reference = ["tit-for-tat", "grim-triger"]',
            [
                "[schedule] reference: 'grim-triger' is not one of the agents",
                "(tit-for-tat, always-defect, nice-random, grim-trigger)",
            ],
            id="unknown-name",
        ),
        pytest.param(
            'reference = ["random"]',
            ["[schedule] reference: 'random' is not one of the agents", "nice-random"],
            id="name-instead-of-alias",
        ),
        pytest.param("", ["[schedule] reference: required for format = 'gauntlet'"], id="none"),
        pytest.param(
            "reference = []", ["[schedule] reference: List should have at least 1 item"], id="empty"
        ),
        pytest.param(
            'reference = ["tit-for-tat", "tit-for-tat"]',
            ["[schedule] reference: 'tit-for-tat' is listed twice"],
            id="twice",
        ),
        pytest.param(
            'reference = ["tit-for-tat", "always-defect", "nice-random", "grim-trigger"]',
            ["[schedule] reference: every agent is in the reference pool"],
            id="nobody-under-test",
        ),
        pytest.param(
            'reference = ["tit-for-tat"]\nself_play = true',
            ["[schedule] self_play: only for format = 'round-robin'"],
            id="self-play",
        ),
        pytest.param(
            'reference = ["tit-for-tat"]\nrounds = 3',
            ["[schedule] rounds: only for format = 'feedback' or 'swiss'"],
            id="rounds",
        ),
        pytest.param(
            'reference = ["tit-for-tat"]\nrepetitions = 600000',
            ["[schedule] repetitions: 3,600,000 matches; a tournament holds at most 1,000,000"],
            id="too-many",
        ),
    ],
)
def test_bad_gauntlets_are_one_line_errors_naming_file_key_and_name(
    write_toml: Callable[..., Path], tmp_path: Path, schedule: str, fragments: list[str]
) -> None:
    path = write_toml(gauntlet_file(schedule))
    db = tmp_path / "a.db"
    assert_one_line_error(run_cli("run", path, "--db", db), str(path), *fragments)
    assert not db.exists()
    with pytest.raises(ConfigError):
        load_config(path, db=db)


def test_reference_belongs_to_the_gauntlet(write_toml: Callable[..., Path]) -> None:
    path = write_toml(
        gauntlet_file('reference = ["tit-for-tat"]').replace(
            'format = "gauntlet"', 'format = "round-robin"'
        )
    )
    assert_one_line_error(
        run_cli("run", path), str(path), "[schedule] reference: only for format = 'gauntlet'"
    )


def test_games_of_more_seats_are_refused(write_toml: Callable[..., Path]) -> None:
    text = gauntlet_file('reference = ["tit-for-tat"]').replace(
        'id = "matrix/prisoners-dilemma-v0"\nrounds = 10',
        'id = "matrix/custom-v0"\nrounds = 2\npayoffs = '
        + json.dumps([[[[1, 0], [0, 1]], [[0, 1], [1, 0]]]] * 3),
    )
    path = write_toml(text)
    assert_one_line_error(
        run_cli("run", path), str(path), "[schedule] format: 'gauntlet' pairs agents", "seats 3"
    )


def test_the_example_runs_and_ranks(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    result = run_cli("run", EXAMPLE, "--db", db, "--quiet")
    assert result.returncode == 0, result.stderr
    assert "150 matches (150 played, 0 already stored)" in result.stdout  # 5 x 3 x 5 x 2
    shown = run_cli("leaderboard", "show", "--db", db, "--json")
    assert shown.returncode == 0, shown.stderr
    rows = {row["agent"]: row for row in json.loads(shown.stdout)}
    assert len(rows) == 8
    for reference in ("tit-for-tat", "always-defect", "random"):
        assert rows[reference]["matches"] == 5 * 5 * 2  # five agents under test
    for tested in ("grim-trigger", "win-stay-lose-shift", "tit-for-two-tats"):
        assert rows[tested]["matches"] == 3 * 5 * 2
    with Store(db, readonly=True) as store:
        stored = store.results("gauntlet-prisoners-dilemma")
        row = store.tournament("gauntlet-prisoners-dilemma")
    assert row is not None and row.n_matches == 150
    reference = {"tit-for-tat", "always-defect", "random"}
    assert all(len(set(r.agents) & reference) == 1 for r in stored)


def test_a_gauntlet_resumes_to_what_an_uninterrupted_one_stores(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    path = write_toml(
        gauntlet_file('reference = ["always-defect", "nice-random"]\nrepetitions = 3')
    )
    reference, db = tmp_path / "reference.db", tmp_path / "a.db"
    assert run_tournament(load_config(path), reference, workers=2).played == 24
    assert run_tournament(load_config(path), db, workers=1).played == 24
    with sqlite3.connect(db) as con:  # lose the last matches and some earlier ones
        ids = [
            r[0]
            for r in con.execute("SELECT id FROM matches WHERE match_index > 15 OR match_index = 3")
        ]
        for table in ("turn_details", "seat_turns", "match_players"):
            con.executemany(f"DELETE FROM {table} WHERE match_id = ?", [(i,) for i in ids])
        con.executemany("DELETE FROM matches WHERE id = ?", [(i,) for i in ids])
    resumed = run_cli("run", path, "--db", db, "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert f"({len(ids)} played, {24 - len(ids)} already stored)" in resumed.stdout
    assert stored_digest(db) == stored_digest(reference)


def test_changing_the_reference_pool_is_a_different_tournament(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    db = tmp_path / "a.db"
    first = write_toml(gauntlet_file('reference = ["always-defect"]'), "a.toml")
    assert run_tournament(load_config(first), db, workers=1).played == 6
    second = write_toml(gauntlet_file('reference = ["nice-random"]'), "b.toml")
    result = run_cli("run", second, "--db", db)
    assert_one_line_error(result, "'g' already exists with a different configuration")
    assert "reference" in result.stderr


def test_the_docstring_example_runs() -> None:
    import doctest

    import arena.schedule

    result = doctest.testmod(arena.schedule)
    assert result.attempted > 0 and result.failed == 0

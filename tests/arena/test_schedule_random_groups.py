"""Random-groups schedules: seeded groups of distinct agents, seats rotated, resumable.

The schedule itself (``arena.schedule.random_groups``), the tournament file's keys and their
errors (through the real ``arena`` command: one line naming the file and the key, nothing
written), and a real tournament of a four-player game interrupted and resumed.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from arena.config import load_config
from arena.errors import ConfigError
from arena.schedule import MAX_MATCHES, random_groups
from arena.seeding import match_seed
from arena.store import Store
from arena.tournament import fixtures_for, run_tournament
from tests.arena.test_cli import assert_one_line_error
from tests.arena.test_tournament import stored_digest
from tests.conftest import run_cli

CASES = [(3, 2, 100), (4, 3, 90), (5, 3, 200), (7, 3, 70), (6, 4, 500), (10, 5, 37), (5, 5, 60)]


def seat_counts(n_agents: int, n_seats: int, matches: int, seed: int) -> np.ndarray:
    counts = np.zeros((n_agents, n_seats), dtype=np.int64)
    for fixture in random_groups(n_agents, n_seats, matches=matches, seed=seed):
        for seat, agent in enumerate(fixture.seats):
            counts[agent, seat] += 1
    return counts


@pytest.mark.parametrize(("n_agents", "n_seats", "matches"), CASES)
def test_groups_are_distinct_agents_and_seeds_are_the_round_robins(
    n_agents: int, n_seats: int, matches: int
) -> None:
    fixtures = random_groups(n_agents, n_seats, matches=matches, seed=9)
    assert [f.index for f in fixtures] == list(range(matches))
    assert all(len(set(f.seats)) == n_seats == len(f.seats) for f in fixtures)
    assert all(0 <= a < n_agents for f in fixtures for a in f.seats)
    assert [f.seed for f in fixtures] == [match_seed(9, i) for i in range(matches)]


@pytest.mark.parametrize(("n_agents", "n_seats", "matches"), CASES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_agent_plays_as_often_and_sits_in_every_seat_about_equally(
    n_agents: int, n_seats: int, matches: int, seed: int
) -> None:
    counts = seat_counts(n_agents, n_seats, matches, seed)
    plays = counts.sum(axis=1)
    assert plays.max() - plays.min() <= 1
    assert (counts.max(axis=1) - counts.min(axis=1)).max() <= n_seats // 2 + 1


def test_seats_stay_balanced_however_long_the_schedule() -> None:
    counts = seat_counts(6, 3, 6000, seed=4)  # each agent plays 3,000 times
    assert (counts.max(axis=1) - counts.min(axis=1)).max() <= 2
    # random seat orders would drift apart like sqrt(plays): about 40 here


def test_seeded_and_a_pure_function_of_its_arguments() -> None:
    a = random_groups(8, 4, matches=100, seed=3)
    assert random_groups(8, 4, matches=100, seed=3) == a
    assert random_groups(8, 4, matches=100, seed=4) != a
    assert random_groups(8, 4, matches=40, seed=3) == a[:40]  # a shorter run is a prefix
    assert len({f.seats for f in a}) > 50  # the groups vary


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param((3, 4, 10), "need 4, got 3", id="more-seats-than-agents"),
        pytest.param((3, 2, 0), "matches must be at least 1", id="no-matches"),
        pytest.param((3, 0, 5), "n_seats must be at least 1", id="no-seats"),
    ],
)
def test_bad_arguments(args: tuple[int, int, int], message: str) -> None:
    n_agents, n_seats, matches = args
    with pytest.raises(ValueError, match=message):
        random_groups(n_agents, n_seats, matches=matches)


def four_player_game(schedule: str, agents: int = 5, name: str = "groups") -> str:
    """A four-player game in which defecting pays, with ``schedule`` as its schedule keys."""
    payoffs = np.zeros((4, 2, 2, 2, 2))
    for joint in np.ndindex(2, 2, 2, 2):
        for player in range(4):
            payoffs[(player, *joint)] = joint.count(0) / 2 + joint[player]
    listed = ["always-cooperate", "always-defect", "alternator", "tit-for-tat", "random"]
    listed += ["grim-trigger"]
    blocks = "\n".join(f'[[agents]]\nname = "{a}"' for a in listed[:agents])
    return f"""
[tournament]
name = "{name}"
seed = 11
[game]
id = "matrix/custom-v0"
rounds = 5
payoffs = {payoffs.tolist()}
[schedule]
{schedule}
{blocks}
"""


def test_the_file_gives_the_schedule_and_the_resumption_key(
    write_toml: Callable[..., Path],
) -> None:
    config = load_config(write_toml(four_player_game('format = "random-groups"\nmatches = 30')))
    assert (config.format, config.matches) == ("random-groups", 30)
    assert config.results_key()["schedule"] == {"format": "random-groups", "matches": 30}
    assert config.fixtures(4) == random_groups(5, 4, matches=30, seed=11)
    assert fixtures_for(config, 4) == config.fixtures(4)
    robin = load_config(write_toml(four_player_game('format = "round-robin"')))
    assert robin.format == "round-robin" and robin.matches is None
    assert robin.results_key()["schedule"]["format"] == "round-robin"


@pytest.mark.parametrize(
    ("schedule", "agents", "fragments"),
    [
        pytest.param(
            'format = "random-groups"',
            5,
            ["[schedule] matches: required for format = 'random-groups'"],
            id="matches-missing",
        ),
        pytest.param(
            'format = "random-groups"\nmatches = 0',
            5,
            ["[schedule] matches: Input should be greater than or equal to 1"],
            id="matches-zero",
        ),
        pytest.param(
            'format = "random-groups"\nmatches = "ten"',
            5,
            ["[schedule] matches: Input should be a valid integer"],
            id="matches-not-a-number",
        ),
        pytest.param(
            f'format = "random-groups"\nmatches = {MAX_MATCHES + 1}',
            5,
            ["[schedule] matches: 1,000,001 matches; a tournament holds at most 1,000,000"],
            id="too-many-matches",
        ),
        pytest.param(
            'format = "round-robin"\nmatches = 10',
            5,
            ["[schedule] matches: only for format = 'random-groups'"],
            id="matches-with-round-robin",
        ),
        pytest.param(
            "matches = 10",
            5,
            ["[schedule] matches: only for format = 'random-groups'"],
            id="matches-with-the-default-format",
        ),
        pytest.param(
            'format = "random-groups"\nmatches = 10\nrepetitions = 2',
            5,
            ["[schedule] repetitions: only for format = 'round-robin'"],
            id="repetitions-with-random-groups",
        ),
        pytest.param(
            'format = "random-groups"\nmatches = 10\nself_play = true',
            5,
            ["[schedule] self_play: only for format = 'round-robin'"],
            id="self-play-with-random-groups",
        ),
        pytest.param(
            'format = "random-groups"\nmatches = 10',
            3,
            ["agents: matrix/custom-v0 seats 4 players but only 3 agents are listed"],
            id="more-seats-than-agents",
        ),
        pytest.param(
            'format = "round-robin"',
            3,
            ["agents: matrix/custom-v0 seats 4 players but only 3 agents are listed"],
            id="more-seats-than-agents-round-robin",
        ),
        pytest.param(
            'format = "random-groups"\nmatches = 10\nlearner = "x"',
            5,
            ["[schedule] learner: only for format = 'feedback'"],
            id="feedback-key-with-random-groups",
        ),
    ],
)
def test_bad_schedules_are_one_line_errors_naming_file_and_key(
    write_toml: Callable[..., Path], tmp_path: Path, schedule: str, agents: int, fragments: list
) -> None:
    path = write_toml(four_player_game(schedule, agents=agents))
    db = tmp_path / "a.db"
    result = run_cli("run", path, "--db", db)
    assert_one_line_error(result, str(path), *fragments)
    assert not db.exists()
    with pytest.raises(ConfigError):
        load_config(path, db=db)


def test_a_random_groups_tournament_resumes_to_what_an_uninterrupted_one_stores(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    path = write_toml(four_player_game('format = "random-groups"\nmatches = 40'))
    reference, db = tmp_path / "reference.db", tmp_path / "a.db"
    assert run_cli("run", path, "--db", reference, "--quiet").returncode == 0
    assert run_cli("run", path, "--db", db, "--quiet", "--workers", "1").returncode == 0
    with sqlite3.connect(db) as con:  # lose every third match, as an interruption would
        ids = [r[0] for r in con.execute("SELECT id FROM matches WHERE match_index % 3 = 0")]
        for table in ("turn_details", "seat_turns", "match_players"):
            con.executemany(f"DELETE FROM {table} WHERE match_id = ?", [(i,) for i in ids])
        con.executemany("DELETE FROM matches WHERE id = ?", [(i,) for i in ids])
    resumed = run_cli("run", path, "--db", db, "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert f"({len(ids)} played, {40 - len(ids)} already stored)" in resumed.stdout
    assert stored_digest(db) == stored_digest(reference)
    with Store(db, readonly=True) as store:
        stored = store.results("groups")
    config = load_config(path, db=db)
    names = [agent.display_name for agent in config.agents]
    expected = [tuple(names[a] for a in f.seats) for f in random_groups(5, 4, matches=40, seed=11)]
    assert [r.agents for r in stored] == expected
    seats = Counter((seat, agent) for r in stored for seat, agent in enumerate(r.agents))
    assert len(seats) == 5 * 4  # every agent sat in every seat


def test_changing_the_number_of_matches_is_a_different_tournament(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    db = tmp_path / "a.db"
    first = write_toml(four_player_game('format = "random-groups"\nmatches = 8'), "a.toml")
    assert run_tournament(load_config(first), db, workers=1).played == 8
    second = write_toml(four_player_game('format = "random-groups"\nmatches = 9'), "b.toml")
    result = run_cli("run", second, "--db", db)
    assert_one_line_error(result, "groups")
    assert "matches" in result.stderr


def test_the_docstring_example_runs() -> None:
    import doctest

    import arena.schedule

    result = doctest.testmod(arena.schedule)
    assert result.attempted > 0 and result.failed == 0

"""Swiss schedules: rounds of agents of similar standing, no rematch while one can be avoided.

The pairing (``arena.swiss``) against outcomes given by a rule (the lower index wins), so a
round's standings are known; the file's keys and their errors through the real command; and
real tournaments played round by round, interrupted mid-round and resumed.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from arena.config import TournamentConfig, load_config
from arena.errors import ConfigError
from arena.schedule import Played
from arena.seeding import match_seed
from arena.store import Store
from arena.swiss import SwissSchedule, monrad_pairs
from arena.tournament import played_matches, run_tournament
from tests.arena.test_cli import assert_one_line_error
from tests.arena.test_tournament import stored_digest
from tests.conftest import run_cli

EXAMPLE = Path(__file__).parents[2] / "examples" / "swiss-prisoners-dilemma.toml"


def play_out(schedule: SwissSchedule, winner: Callable[[int, int], int]) -> list[Played]:
    """Every round of ``schedule`` with ``winner(a, b)`` winning (``-1``: a draw)."""
    played: list[Played] = []
    for number in range(schedule.rounds):
        plan = schedule.plan(number, len(played), played)
        assert len(plan.fixtures) == schedule.round_size(number, len(played))
        for f in plan.fixtures:
            a, b = f.seats
            won = winner(a, b)
            payoffs = (0.5, 0.5) if won < 0 else ((1.0, 0.0) if won == a else (0.0, 1.0))
            played.append(Played(f.index, f.seats, payoffs))
    final = schedule.plan(schedule.rounds, len(played), played)
    assert final.fixtures == () and final.stopped == f"{schedule.rounds} rounds played"
    return played


def lower_wins(a: int, b: int) -> int:
    return min(a, b)


@pytest.mark.parametrize("n_agents", [2, 5, 8, 13, 32])
@pytest.mark.parametrize("seed", [0, 1])
def test_no_rematch_while_fresh_opponents_remain(n_agents: int, seed: int) -> None:
    rounds = min(n_agents - 1, 7) if n_agents % 2 == 0 else min(n_agents - 2, 7)
    schedule = SwissSchedule(n_agents, rounds, seed)
    played = play_out(schedule, lower_wins)
    assert len(played) == schedule.max_matches == rounds * (n_agents // 2)
    assert [m.index for m in played] == list(range(len(played)))
    pairs = Counter(tuple(sorted(m.seats)) for m in played)
    assert max(pairs.values()) == 1
    per_round = n_agents // 2
    for r in range(rounds):  # every agent at most once a round
        seated = [a for m in played[r * per_round : (r + 1) * per_round] for a in m.seats]
        assert len(seated) == len(set(seated)) == 2 * per_round


def test_more_rounds_than_opponents_rematch_as_little_as_needed() -> None:
    played = play_out(SwissSchedule(4, 6, seed=2), lower_wins)
    pairs = Counter(tuple(sorted(m.seats)) for m in played)
    assert sorted(pairs) == list(itertools.combinations(range(4), 2))  # everyone met everyone
    assert all(m.seats[0] != m.seats[1] for m in played)


def test_agents_of_similar_standing_meet() -> None:
    """With the lower index always winning, round 3 of 16 pairs agents on equal points."""
    schedule = SwissSchedule(16, 4, seed=5)
    played = play_out(schedule, lower_wins)
    points, _ = schedule.standings(played[:24])  # after rounds 0, 1, 2
    for m in played[24:32]:
        a, b = m.seats
        assert points[a] == points[b]
    # After 4 rounds the unbeaten agent is unique (16 = 2**4), and it is agent 0.
    final, _ = schedule.standings(played)
    assert final.count(4.0) == 1 and final[0] == 4.0


def test_byes_rotate_in_an_odd_field_and_score_a_point() -> None:
    schedule = SwissSchedule(7, 5, seed=3)
    played = play_out(schedule, lambda a, b: -1)  # every match drawn
    points, byes = schedule.standings(played)
    assert sum(byes) == 5 and max(byes) == 1  # five different agents sat out
    for agent in range(7):
        games = sum(agent in m.seats for m in played)
        assert points[agent] == pytest.approx(0.5 * games + byes[agent])  # halves: exact


def test_seats_alternate() -> None:
    played = play_out(SwissSchedule(10, 9, seed=1), lower_wins)
    for agent in range(10):
        first = sum(m.seats[0] == agent for m in played)
        second = sum(m.seats[1] == agent for m in played)
        assert abs(first - second) <= 1


def test_a_round_is_a_pure_function_of_the_earlier_results() -> None:
    schedule = SwissSchedule(9, 4, seed=11)
    played = play_out(schedule, lower_wins)
    again = play_out(SwissSchedule(9, 4, seed=11), lower_wins)
    assert again == played
    assert schedule.plan(2, 8, played[:8]) == schedule.plan(2, 8, list(played[:8]))
    other = play_out(SwissSchedule(9, 4, seed=12), lower_wins)
    assert [m.seats for m in other] != [m.seats for m in played]
    plan = schedule.plan(1, 4, played[:4])
    assert [f.seed for f in plan.fixtures] == [match_seed(11, i) for i in range(4, 8)]


def test_monrad_backtracks_rather_than_rematch() -> None:
    # 0-1 and 1-3 met: 0-2 would leave 1-3, a rematch; so 0 meets 3 and 1 meets 2.
    assert monrad_pairs([0, 1, 2, 3], {(0, 1), (1, 3)}) == [(0, 3), (1, 2)]
    everyone = set(itertools.combinations(range(4), 2))
    assert monrad_pairs([0, 1, 2, 3], everyone) == [(0, 1), (2, 3)]  # no fresh pairing: greedy


def swiss_file(schedule: str, name: str = "s", agents: int = 7) -> str:
    listed = ["tit-for-tat", "always-defect", "grim-trigger", "random", "alternator"]
    listed += ["win-stay-lose-shift", "always-cooperate", "tit-for-two-tats"]
    blocks = "\n".join(f'[[agents]]\nname = "{a}"' for a in listed[:agents])
    return f"""
[tournament]
name = "{name}"
seed = 6
[game]
id = "matrix/prisoners-dilemma-v0"
rounds = 20
noise = 0.05
[schedule]
format = "swiss"
{schedule}
{blocks}
"""


@pytest.mark.parametrize(
    ("schedule", "agents", "fragments"),
    [
        pytest.param("", 7, ["[schedule] rounds: required for format = 'swiss'"], id="no-rounds"),
        pytest.param(
            "rounds = 0",
            7,
            ["[schedule] rounds: Input should be greater than or equal to 1"],
            id="zero-rounds",
        ),
        pytest.param(
            "rounds = 3\nrepetitions = 2",
            7,
            ["[schedule] repetitions: only for format = 'round-robin' or 'gauntlet'"],
            id="repetitions",
        ),
        pytest.param(
            "rounds = 3\nmax_matches = 2",
            7,
            ["[schedule] max_matches: only for format = 'adaptive'"],
            id="adaptive-key",
        ),
        pytest.param(
            "rounds = 3",
            1,
            ["agents: a swiss schedule pairs agents, so it needs at least 2"],
            id="one-agent",
        ),
    ],
)
def test_bad_swiss_files_are_one_line_errors(
    write_toml: Callable[..., Path],
    tmp_path: Path,
    schedule: str,
    agents: int,
    fragments: list[str],
) -> None:
    path = write_toml(swiss_file(schedule, agents=agents))
    db = tmp_path / "a.db"
    assert_one_line_error(run_cli("run", path, "--db", db), str(path), *fragments)
    assert not db.exists()
    with pytest.raises(ConfigError):
        load_config(path, db=db)


def test_the_file_gives_the_schedule_and_the_resumption_key(
    write_toml: Callable[..., Path],
) -> None:
    config = load_config(write_toml(swiss_file("rounds = 4")))
    assert (config.format, config.swiss_rounds) == ("swiss", 4)
    assert config.results_key()["schedule"] == {"format": "swiss", "rounds": 4}
    assert config.dynamic_schedule() == SwissSchedule(7, 4, seed=6)
    with pytest.raises(ValueError, match="round by round"):
        config.fixtures(2)


def test_a_swiss_tournament_plays_its_rounds_and_says_so(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    config = load_config(write_toml(swiss_file("rounds = 5")))
    calls: list[tuple[int, int]] = []
    report = run_tournament(
        config,
        tmp_path / "a.db",
        workers=1,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert (report.total, report.played, report.rounds) == (15, 15, 5)
    assert report.stopped == "5 rounds played"
    assert calls[0] == (0, 15) and calls[-1] == (15, 15)  # the total is known: 5 x 3
    with Store(tmp_path / "a.db", readonly=True) as store:
        row = store.tournament("s")
        played = played_matches(store.results("s"), config)
    assert row is not None and row.n_matches == 15
    assert played == play_out_stored(config, played)


def play_out_stored(config: TournamentConfig, played: list[Played]) -> list[Played]:
    """The stored rounds planned again from the stored results: the same matches."""
    schedule = config.dynamic_schedule()
    assert isinstance(schedule, SwissSchedule)
    planned = []
    for number in range(schedule.rounds):
        start = number * schedule.per_round
        plan = schedule.plan(number, start, played[:start])
        planned += [Played(f.index, f.seats, played[f.index].payoffs) for f in plan.fixtures]
    return planned


def test_an_interrupted_swiss_tournament_resumes_to_the_uninterrupted_result(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    path = write_toml(swiss_file("rounds = 6", agents=8))
    reference, db = tmp_path / "reference.db", tmp_path / "a.db"
    assert run_cli("run", path, "--db", reference, "--quiet").returncode == 0
    assert run_cli("run", path, "--db", db, "--quiet", "--workers", "1").returncode == 0
    with sqlite3.connect(db) as con:  # a kill in round 3: part of it and all after it lost
        ids = [
            r[0]
            for r in con.execute(
                "SELECT id FROM matches WHERE match_index >= 14 OR match_index = 13"
            )
        ]
        for table in ("turn_details", "seat_turns", "match_players"):
            con.executemany(f"DELETE FROM {table} WHERE match_id = ?", [(i,) for i in ids])
        con.executemany("DELETE FROM matches WHERE id = ?", [(i,) for i in ids])
    assert len(ids) == 24 - 13
    resumed = run_cli("run", path, "--db", db, "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert "24 matches (11 played, 13 already stored)" in resumed.stdout
    assert stored_digest(db) == stored_digest(reference)


def test_the_example_runs_and_ranks(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    result = run_cli("run", EXAMPLE, "--db", db, "--quiet")
    assert result.returncode == 0, result.stderr
    assert "30 matches (30 played, 0 already stored)" in result.stdout
    shown = run_cli("leaderboard", "show", "--db", db)
    assert shown.returncode == 0, shown.stderr
    assert "mostly-cooperate" in shown.stdout


def test_the_docstring_example_runs() -> None:
    import doctest

    import arena.swiss

    result = doctest.testmod(arena.swiss)
    assert result.attempted > 0 and result.failed == 0


def test_arena_run_says_how_the_schedule_ended(tmp_path: Path) -> None:
    example = Path(__file__).parents[2] / "examples" / "swiss-prisoners-dilemma.toml"
    done = run_cli("run", example, "--db", tmp_path / "a.db", "--quiet")
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("; 5 rounds played")

"""Adaptive schedules: matches go where the ratings are least certain, until the intervals are
narrow enough or the budget is spent; every round planned again alike from the stored results.

The planner (``arena.adaptive``) on synthetic results; the file's keys and their errors
through the real command; real tournaments that stop for each reason, report it honestly,
and resume, after lost matches and after a real ``arena run`` killed with SIGKILL, to exactly
what an uninterrupted run stores.
"""

from __future__ import annotations

import itertools
import json
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from arena.adaptive import (
    BUDGET_SPENT,
    TARGET_REACHED,
    WARMUP_CYCLES,
    AdaptiveSchedule,
    default_batch,
    fit_ratings,
    warmup_size,
)
from arena.config import AdaptiveSettings, load_config
from arena.errors import ConfigError
from arena.schedule import Played
from arena.seeding import match_seed
from arena.store import Store
from arena.tournament import played_matches, replay_match, run_tournament
from tests.arena.test_cli import assert_one_line_error
from tests.arena.test_resume_after_kill import stored_count
from tests.arena.test_tournament import stored_digest
from tests.conftest import ARENA, run_cli

EXAMPLE = Path(__file__).parents[2] / "examples" / "adaptive-known-strengths.toml"
STRONG_WEAK = "[[[0, 1], [0, 0]], [[0, 0], [1, 0]]]"  # strong beats weak, equal moves draw


def adaptive_file(
    schedule: str, *, name: str = "a", strengths: tuple[float, ...] = (0.1, 0.3, 0.5, 0.7, 0.9)
) -> str:
    blocks = "\n".join(f'[[agents]]\nname = "random"\np = {p}\nalias = "p{p}"' for p in strengths)
    return f"""
[tournament]
name = "{name}"
seed = 12
[game]
id = "matrix/custom-v0"
rounds = 1
payoffs = {STRONG_WEAK}
[schedule]
format = "adaptive"
{schedule}
{blocks}
"""


def connected(n: int, pairs: list[tuple[int, int]]) -> bool:
    parent = list(range(n))

    def root(a: int) -> int:
        while parent[a] != a:
            a = parent[a]
        return a

    for a, b in pairs:
        parent[root(a)] = root(b)
    return len({root(a) for a in range(n)}) == 1


@pytest.mark.parametrize("n_agents", [2, 5, 9, 10, 23])
def test_the_warm_up_gives_every_agent_matches_and_connects_the_field(n_agents: int) -> None:
    schedule = AdaptiveSchedule(n_agents, 100.0, 10_000, 10, seed=4)
    plan = schedule.plan(0, 0, [])
    pairs = [f.seats for f in plan.fixtures]
    assert len(pairs) == warmup_size(n_agents) == schedule.round_size(0, 0)
    assert [f.index for f in plan.fixtures] == list(range(len(pairs)))
    assert [f.seed for f in plan.fixtures] == [match_seed(4, i) for i in range(len(pairs))]
    assert connected(n_agents, pairs)
    plays = Counter(a for seats in pairs for a in seats)
    if n_agents <= 2 * WARMUP_CYCLES + 1:  # every pair once
        assert sorted(tuple(sorted(s)) for s in pairs) == list(
            itertools.combinations(range(n_agents), 2)
        )
    else:  # cycles: every agent 2 matches a cycle
        assert set(plays.values()) == {2 * WARMUP_CYCLES}
    for agent in range(n_agents):  # seats balanced, match by match: within one of even
        first = sum(s[0] == agent for s in pairs)
        assert abs(2 * first - plays[agent]) <= 2


def synthetic_results(rng: np.random.Generator) -> list[Played]:
    """Agents 0..4 meet 30 times a pair (wins, losses, draws); agent 5 has played twice."""
    played = []
    for _ in range(30):
        for a, b in itertools.combinations(range(5), 2):
            r = rng.random()
            payoffs = (1.0, 0.0) if r < 0.4 else ((0.0, 1.0) if r < 0.8 else (0.0, 0.0))
            played.append(Played(len(played), (a, b), payoffs))
    played.append(Played(len(played), (5, 0), (1.0, 0.0)))
    played.append(Played(len(played), (1, 5), (1.0, 0.0)))
    return played


def test_the_next_matches_go_to_the_agent_whose_interval_is_widest() -> None:
    played = synthetic_results(np.random.default_rng(0))
    schedule = AdaptiveSchedule(6, 200.0, 10_000, 12, seed=3)
    widths = schedule.fit(1, played).widths
    assert widths[5] > 200.0 > widths[:5].max()  # agent 5 alone is still wide
    plan = schedule.plan(1, len(played), played)
    assert plan.stopped is None and plan.widest == pytest.approx(widths.max(), rel=1e-12)
    assert len(plan.fixtures) == 12
    assert all(5 in f.seats for f in plan.fixtures)
    assert len({f.seats for f in plan.fixtures}) > 1  # spread over opponents and seat orders
    assert [f.index for f in plan.fixtures] == list(range(len(played), len(played) + 12))


def test_a_round_is_a_pure_function_of_the_stored_results_and_the_seed() -> None:
    played = synthetic_results(np.random.default_rng(1))
    schedule = AdaptiveSchedule(6, 120.0, 10_000, 8, seed=3)
    plan = schedule.plan(4, len(played), played)
    assert AdaptiveSchedule(6, 120.0, 10_000, 8, seed=3).plan(4, len(played), list(played)) == plan
    # The bootstrap is seeded from (seed, round): the same fit again, another in another round.
    a, b = schedule.fit(4, played), schedule.fit(4, played)
    assert np.array_equal(a.samples, b.samples) and np.array_equal(a.ratings, b.ratings)
    assert not np.array_equal(schedule.fit(5, played).samples, a.samples)
    assert not np.array_equal(
        AdaptiveSchedule(6, 120.0, 10_000, 8, seed=4).fit(4, played).samples, a.samples
    )


def test_the_fit_is_the_leaderboards() -> None:
    """Ratings and intervals as ``compute_standings`` gives them for the same bootstrap seed."""
    from arena.leaderboards.standings import compute_standings
    from arena.store import Result

    played = synthetic_results(np.random.default_rng(2))
    names = [f"agent-{k}" for k in range(6)]  # sorted as indexed: the same resamples
    results = [Result("t", m.index, tuple(names[a] for a in m.seats), m.payoffs) for m in played]
    rows = {row.agent: row for row in compute_standings(results, seed=9, bootstrap=200)[0]}
    fit = fit_ratings(6, played, seed=9, bootstrap=200)
    for k, name in enumerate(names):
        # The same fit by another path (the leaderboard's own pairing of seats): to rounding.
        assert fit.ratings[k] == pytest.approx(rows[name].rating, abs=1e-6)
        assert fit.low[k] == pytest.approx(rows[name].ci_low, abs=1e-6)
        assert fit.high[k] == pytest.approx(rows[name].ci_high, abs=1e-6)


def test_the_schedule_stops_for_its_two_reasons() -> None:
    played = synthetic_results(np.random.default_rng(0))
    loose = AdaptiveSchedule(6, 1e6, 10_000, 8, seed=3).plan(1, len(played), played)
    assert (loose.fixtures, loose.stopped) == ((), TARGET_REACHED)
    assert loose.widest is not None and loose.widest < 1e6
    spent = AdaptiveSchedule(6, 10.0, len(played), 8, seed=3).plan(1, len(played), played)
    assert (spent.fixtures, spent.stopped) == ((), BUDGET_SPENT)
    last = AdaptiveSchedule(6, 10.0, len(played) + 3, 8, seed=3).plan(1, len(played), played)
    assert len(last.fixtures) == 3  # the last round is what the budget leaves
    small = AdaptiveSchedule(6, 10.0, 4, 8, seed=3)
    assert len(small.plan(0, 0, []).fixtures) == 4  # the warm-up too
    assert default_batch(5) == 10 and default_batch(40) == 40


@pytest.mark.parametrize(
    ("schedule", "fragments"),
    [
        pytest.param(
            "max_matches = 100",
            ["[schedule] target_ci: required for format = 'adaptive'"],
            id="no-target",
        ),
        pytest.param(
            "target_ci = 100",
            ["[schedule] max_matches: required for format = 'adaptive'"],
            id="no-budget",
        ),
        pytest.param(
            "target_ci = 0\nmax_matches = 100",
            ["[schedule] target_ci: Input should be greater than 0"],
            id="zero-target",
        ),
        pytest.param(
            "target_ci = inf\nmax_matches = 100",
            ["[schedule] target_ci: Input should be a finite number"],
            id="infinite-target",
        ),
        pytest.param(
            'target_ci = "100"\nmax_matches = 100',
            ["[schedule] target_ci: Input should be a valid number"],
            id="text-target",
        ),
        pytest.param(
            "target_ci = 100\nmax_matches = 100\nbatch = 0",
            ["[schedule] batch: Input should be greater than or equal to 1"],
            id="zero-batch",
        ),
        pytest.param(
            "target_ci = 100\nmax_matches = 1000001",
            ["[schedule] max_matches: 1,000,001 matches; a tournament holds at most 1,000,000"],
            id="too-many",
        ),
        pytest.param(
            "target_ci = 100\nmax_matches = 100\nswap_seats = false",
            ["[schedule] swap_seats: only for format = 'round-robin' or 'gauntlet'"],
            id="swap-seats",
        ),
        pytest.param(
            'target_ci = 100\nmax_matches = 100\nreference = ["p0.1"]',
            ["[schedule] reference: only for format = 'gauntlet'"],
            id="reference",
        ),
    ],
)
def test_bad_adaptive_files_are_one_line_errors_naming_file_and_key(
    write_toml: Callable[..., Path], tmp_path: Path, schedule: str, fragments: list[str]
) -> None:
    path = write_toml(adaptive_file(schedule))
    db = tmp_path / "a.db"
    assert_one_line_error(run_cli("run", path, "--db", db), str(path), *fragments)
    assert not db.exists()
    with pytest.raises(ConfigError):
        load_config(path, db=db)


def test_adaptive_keys_belong_to_the_adaptive_format(write_toml: Callable[..., Path]) -> None:
    path = write_toml(
        adaptive_file("target_ci = 100").replace('format = "adaptive"', 'format = "round-robin"')
    )
    assert_one_line_error(
        run_cli("run", path), str(path), "[schedule] target_ci: only for format = 'adaptive'"
    )


def test_the_file_gives_the_schedule_and_the_resumption_key(
    write_toml: Callable[..., Path],
) -> None:
    config = load_config(write_toml(adaptive_file("target_ci = 90\nmax_matches = 400")))
    assert config.format == "adaptive"
    assert config.adaptive == AdaptiveSettings(90.0, 400, default_batch(5))
    assert config.dynamic_schedule() == AdaptiveSchedule(5, 90.0, 400, 10, seed=12)
    assert config.results_key()["schedule"] == {
        "format": "adaptive",
        "target_ci": 90.0,
        "max_matches": 400,
        "batch": 10,
    }
    with pytest.raises(ValueError, match="round by round"):
        config.fixtures(2)


def test_a_tournament_stops_at_the_target_and_reports_it(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    config = load_config(write_toml(adaptive_file("target_ci = 260\nmax_matches = 2000")))
    calls: list[tuple[int, int]] = []
    db = tmp_path / "a.db"
    report = run_tournament(
        config, db, workers=1, progress=lambda done, total: calls.append((done, total))
    )
    assert report.stopped == TARGET_REACHED
    assert report.widest_ci is not None and report.widest_ci < 260
    assert report.played == report.total < 2000 and report.max_matches == 2000
    assert report.rounds is not None and report.total == 10 + 10 * (report.rounds - 1)
    assert calls[0] == (0, 2000)  # the bound while it plays ...
    assert all(total == 2000 for _, total in calls[:-1])
    assert calls[-1] == (report.total, report.total)  # ... and what it played when it stopped
    with Store(db, readonly=True) as store:
        row = store.tournament("a")
        played = played_matches(store.results("a"), config)
    assert row is not None and row.n_matches == 2000 and row.stored == report.total
    schedule = config.dynamic_schedule()
    assert isinstance(schedule, AdaptiveSchedule)
    # The stopping fit, from what is stored, says what the report says.
    assert schedule.fit(report.rounds, played).widths.max() == pytest.approx(
        report.widest_ci, rel=1e-12
    )
    for index in (0, report.total - 1):  # a planned match replays alone, as any other
        with Store(db, readonly=True) as store:
            turns = store.match("a", index).turns
        assert replay_match(db, "a", index).turns == turns
    again = run_tournament(config, db, workers=1)  # nothing left: the same stop, nothing played
    assert (again.played, again.already_stored, again.stopped) == (0, report.total, TARGET_REACHED)


def test_a_tournament_stops_when_the_budget_is_spent(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    config = load_config(write_toml(adaptive_file("target_ci = 20\nmax_matches = 37\nbatch = 9")))
    report = run_tournament(config, tmp_path / "a.db", workers=2)
    assert (report.total, report.played, report.stopped) == (37, 37, BUDGET_SPENT)
    assert report.rounds == 4  # a warm-up of 10, then 9, 9 and the 9 left
    assert report.widest_ci is not None and report.widest_ci >= 20


def lose(db: Path, where: str) -> int:
    """Delete the matches ``where`` selects, as an interruption loses them; how many."""
    with sqlite3.connect(db) as con:
        ids = [r[0] for r in con.execute(f"SELECT id FROM matches WHERE {where}")]
        for table in ("turn_details", "seat_turns", "match_players"):
            con.executemany(f"DELETE FROM {table} WHERE match_id = ?", [(i,) for i in ids])
        con.executemany("DELETE FROM matches WHERE id = ?", [(i,) for i in ids])
    return len(ids)


def test_matches_lost_mid_round_are_played_again_to_the_same_result(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    path = write_toml(adaptive_file("target_ci = 200\nmax_matches = 3000\nbatch = 7"))
    reference, db = tmp_path / "reference.db", tmp_path / "a.db"
    whole = run_cli("run", path, "--db", reference, "--quiet")
    assert whole.returncode == 0, whole.stderr
    total = stored_count(reference)
    assert total > 10 + 3 * 7  # several rounds after the warm-up
    assert run_cli("run", path, "--db", db, "--quiet", "--workers", "1").returncode == 0
    # A kill in round 3 (matches 24 to 30): part of it stored, nothing after it.
    lost = lose(db, "match_index > 26 OR match_index = 25")
    resumed = run_cli("run", path, "--db", db, "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert f"{total} matches ({lost} played, {total - lost} already stored)" in resumed.stdout
    assert stored_digest(db) == stored_digest(reference)


def test_stored_matches_the_plan_does_not_give_are_refused(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    path = write_toml(adaptive_file("target_ci = 200\nmax_matches = 3000\nbatch = 7"))
    db = tmp_path / "a.db"
    assert run_cli("run", path, "--db", db, "--quiet").returncode == 0
    lose(db, "match_index > 26")
    with sqlite3.connect(db) as con:  # match 25 as if another arena had planned it
        (match_id,) = con.execute("SELECT id FROM matches WHERE match_index = 25").fetchone()
        con.execute("UPDATE match_players SET agent = 'p0.1' WHERE match_id = ?", (match_id,))
    result = run_cli("run", path, "--db", db, "--quiet")
    assert_one_line_error(result, "stored match 25", "is not the one round 3 plans")


def test_changing_the_target_is_a_different_tournament(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    db = tmp_path / "a.db"
    first = write_toml(adaptive_file("target_ci = 300\nmax_matches = 50"), "a.toml")
    assert run_tournament(load_config(first), db, workers=1).played > 0
    second = write_toml(adaptive_file("target_ci = 250\nmax_matches = 50"), "b.toml")
    result = run_cli("run", second, "--db", db)
    assert_one_line_error(result, "'a' already exists with a different configuration")
    assert "target_ci" in result.stderr


def test_the_example_runs_and_ranks(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    result = run_cli("run", EXAMPLE, "--db", db, "--quiet")
    assert result.returncode == 0, result.stderr
    assert "already stored" in result.stdout
    shown = run_cli("leaderboard", "show", "--db", db, "--json")
    assert shown.returncode == 0, shown.stderr
    rows = json.loads(shown.stdout)
    assert len(rows) == 8
    # The leaderboard draws its own resamples (seed 0): its widths agree with the schedule's
    # within bootstrap noise, not to the point.
    assert max(row["ci_high"] - row["ci_low"] for row in rows) < 150 + 25
    ranked = [row["agent"] for row in rows]
    assert ranked.index("p97") < ranked.index("p50") < ranked.index("p10")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").exists(), reason="waits on the database as it grows")
def test_a_killed_run_resumes_to_the_uninterrupted_result(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    strengths = tuple(float(p) for p in np.round(np.linspace(0.05, 0.95, 14), 3))
    text = adaptive_file("target_ci = 60\nmax_matches = 900\nbatch = 14", strengths=strengths)
    path = write_toml(text)
    whole, killed = tmp_path / "whole.db", tmp_path / "killed.db"
    assert run_cli("run", path, "--db", whole, "--quiet", timeout=600).returncode == 0
    total = stored_count(whole)
    assert total == 900  # the budget, so the run lasts: its rounds are many
    run = subprocess.Popen(
        [str(ARENA), "run", str(path), "--db", str(killed), "--workers", "2", "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while stored_count(killed) < 300 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert run.poll() is None, "the run finished before it could be killed; make it longer"
    run.send_signal(signal.SIGKILL)
    run.wait()
    partial = stored_count(killed)
    assert 0 < partial < total
    resumed = run_cli("run", path, "--db", killed, "--quiet", timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{total} matches ({total - partial} played, {partial} already stored)" in resumed.stdout
    assert stored_digest(killed) == stored_digest(whole)

"""Tournaments: every match stored once, replayable alone, the same for any worker count."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from arena.agents.base import AgentInfo, ScriptedAgent
from arena.backends.plan import MatchFailed
from arena.config import load_config
from arena.match import play_match
from arena.registry import AGENTS
from arena.store import Store
from arena.tournament import replay_match, run_tournament
from tests.conftest import tournament_text


def stored_digest(db: Path) -> list[tuple]:
    """Every stored match with its seats, payoffs and turns, in match order."""
    with sqlite3.connect(db) as con:
        matches = con.execute(
            "SELECT m.id, m.match_index, m.seed FROM matches m ORDER BY m.match_index"
        ).fetchall()
        digest = []
        for match_id, index, seed in matches:
            players = con.execute(
                "SELECT agent, payoff FROM match_players WHERE match_id = ? ORDER BY seat",
                (match_id,),
            ).fetchall()
            turns = con.execute(
                "SELECT step, seat, action, reward FROM turns WHERE match_id = ?"
                " ORDER BY step, seat",
                (match_id,),
            ).fetchall()
            digest.append((index, seed, tuple(players), tuple(turns)))
    return digest


@pytest.mark.parametrize("workers", [1, 2])
def test_every_match_and_turn_is_stored(
    write_toml: Callable[..., Path], tmp_path: Path, workers: int
) -> None:
    config = load_config(write_toml(tournament_text(rounds=15, repetitions=3)))
    report = run_tournament(config, tmp_path / "a.db", workers=workers)
    assert report.total == 3 * 5 * 4 == report.played
    with Store(tmp_path / "a.db") as store:
        assert store.count("matches") == 60
        assert store.count("turns") == 60 * 15 * 2
        assert store.count("match_players") == 120


def test_worker_count_does_not_change_results(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    config = load_config(write_toml(tournament_text(rounds=30, repetitions=2)))
    run_tournament(config, tmp_path / "one.db", workers=1)
    run_tournament(config, tmp_path / "two.db", workers=2)
    assert stored_digest(tmp_path / "one.db") == stored_digest(tmp_path / "two.db")


def test_any_match_replays_alone(write_toml: Callable[..., Path], tmp_path: Path) -> None:
    config = load_config(write_toml(tournament_text(rounds=25, repetitions=2)))
    run_tournament(config, tmp_path / "a.db", workers=2)
    with Store(tmp_path / "a.db") as store:
        for index in (0, 7, 33):
            stored = store.match("t", index)
            replay = play_match(
                stored.game_id, list(stored.agents), seed=stored.seed, **stored.params
            )
            assert replay.payoffs == stored.payoffs
            assert replay.turns == stored.turns


def test_seed_changes_stochastic_results(write_toml: Callable[..., Path], tmp_path: Path) -> None:
    a = load_config(write_toml(tournament_text(seed=1, agents=["random", "tit-for-tat"]), "a.toml"))
    b = load_config(write_toml(tournament_text(seed=2, agents=["random", "tit-for-tat"]), "b.toml"))
    run_tournament(a, tmp_path / "a.db", workers=1)
    run_tournament(b, tmp_path / "b.db", workers=1)
    assert stored_digest(tmp_path / "a.db") != stored_digest(tmp_path / "b.db")


def test_running_again_resumes_and_completes(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    config = load_config(write_toml(tournament_text(rounds=10, repetitions=2)))
    db = tmp_path / "a.db"
    run_tournament(config, tmp_path / "reference.db", workers=1)
    run_tournament(config, db, workers=1)
    with sqlite3.connect(db) as con:  # lose a third of the matches, as an interruption would
        ids = [r[0] for r in con.execute("SELECT id FROM matches WHERE match_index % 3 = 0")]
        for table in ("seat_turns", "match_players"):
            con.executemany(f"DELETE FROM {table} WHERE match_id = ?", [(i,) for i in ids])
        con.executemany("DELETE FROM matches WHERE id = ?", [(i,) for i in ids])
    report = run_tournament(config, db, workers=2)
    assert report.played == len(ids) and report.already_stored == report.total - len(ids)
    assert stored_digest(db) == stored_digest(tmp_path / "reference.db")
    again = run_tournament(config, db, workers=2)
    assert again.played == 0


def test_progress_reports_reach_the_total(write_toml: Callable[..., Path], tmp_path: Path) -> None:
    config = load_config(write_toml(tournament_text(rounds=5)))
    seen: list[tuple[int, int]] = []
    run_tournament(config, tmp_path / "a.db", workers=2, progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 40) and seen[-1] == (40, 40)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_three_player_tournament(write_toml: Callable[..., Path], tmp_path: Path) -> None:
    text = """
[tournament]
name = "three"
[game]
id = "matrix/custom-v0"
rounds = 4
payoffs = [
  [[[1, 0], [0, 0]], [[0, 0], [0, 2]]],
  [[[1, 0], [0, 0]], [[0, 0], [0, 2]]],
  [[[1, 0], [0, 0]], [[0, 0], [0, 2]]],
]
[[agents]]
name = "always-cooperate"
[[agents]]
name = "always-defect"
[[agents]]
name = "tit-for-tat"
[[agents]]
name = "alternator"
"""
    report = run_tournament(load_config(write_toml(text)), tmp_path / "a.db", workers=1)
    assert report.total == 4 * 6
    with Store(tmp_path / "a.db") as store:
        assert all(len(r.agents) == 3 for r in store.results("three"))


class Explodes(ScriptedAgent):
    """Raises in round 3: a bug in an agent, not bad input."""

    info = AgentInfo(False, 0)

    def decide(self, observation: dict) -> int:
        if observation["round"] == 2:
            raise RuntimeError("boom")
        return 0


@pytest.fixture
def exploding_agent() -> Iterator[str]:
    name = "test-explodes"
    AGENTS.register(name, f"{__name__}:Explodes")
    yield name
    AGENTS._entries.pop(name)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_crashing_agent_names_the_match_to_replay(
    write_toml: Callable[..., Path], tmp_path: Path, exploding_agent: str, workers: int
) -> None:
    config = load_config(write_toml(tournament_text(agents=["tit-for-tat", exploding_agent])))
    with pytest.raises(
        MatchFailed,
        match=r"match \d+ \(.*test-explodes.*, seed \d+\) failed: "
        r"RuntimeError: boom",
    ):
        run_tournament(config, tmp_path / "a.db", workers=workers)


def test_a_match_of_aliased_and_parameterised_agents_replays_alone(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    text = tournament_text(rounds=30, agents=["tit-for-tat"])
    text += '[[agents]]\nname = "random"\np = 0.3\nalias = "random-30"\n'
    text += '[[agents]]\nname = "generous-tit-for-tat"\ngenerosity = 0.2\n'
    run_tournament(load_config(write_toml(text)), tmp_path / "a.db", workers=2)
    with Store(tmp_path / "a.db") as store:
        stored = [store.match("t", index) for index in range(12)]
    seated = {agent for match in stored for agent in match.agents}
    assert {"random-30", "generous-tit-for-tat(generosity=0.2)"} <= seated
    for match in stored:
        again = replay_match(tmp_path / "a.db", "t", match.match_index)
        assert again.agents == match.agents and again.turns == match.turns


def test_a_tournament_whose_first_match_failed_runs_again_with_a_corrected_file(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    db = tmp_path / "a.db"
    with Store(db) as store:  # what a run that failed in its first match leaves behind
        store.open_tournament("t", game_id="matrix/prisoners-dilemma-v0", config={}, seed=0,
                              n_matches=1)  # fmt: skip
    report = run_tournament(load_config(write_toml(tournament_text(rounds=3))), db, workers=1)
    assert report.played == report.total == 40

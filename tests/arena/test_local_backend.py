"""The local backend: a worker killed mid-run ends the run at once, and the run resumes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from arena.backends.local import MAX_CHUNK, balanced_chunks
from arena.config import load_config
from arena.schedule import Fixture
from arena.tournament import run_tournament
from tests.arena.test_resume_after_kill import AGENTS, processes_in_group, stored_count
from tests.arena.test_tournament import stored_digest
from tests.conftest import ARENA, run_cli, tournament_text


def workers_of(pid: int) -> list[int]:
    """The child processes of ``pid`` (the pool's workers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").exists(), reason="reads child processes from /proc")
def test_a_killed_worker_ends_the_run_promptly_and_it_resumes(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    path = write_toml(tournament_text(name="oom", rounds=200, repetitions=20, agents=AGENTS))
    db = tmp_path / "a.db"
    run = subprocess.Popen(
        [str(ARENA), "run", str(path), "--db", str(db), "--workers", "2", "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while stored_count(db) == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        workers = workers_of(run.pid)
        assert workers, "the run has no worker processes"
        os.kill(workers[0], signal.SIGKILL)  # what the out-of-memory killer does
        _, stderr = run.communicate(timeout=30)  # before the fix: hung here forever
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    assert run.returncode == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    assert lines[0].startswith("arena: error: a worker process died (killed by SIGKILL")
    assert "run the same command again to resume" in lines[0]
    time.sleep(0.2)
    assert not processes_in_group(run.pid), "workers outlived the run"
    partial = stored_count(db)
    assert 0 < partial < 20 * 90
    resumed = run_cli("run", path, "--db", db, "--workers", "2", "-q")
    assert resumed.returncode == 0, resumed.stderr
    reference = tmp_path / "reference.db"
    run_tournament(load_config(path), reference, workers=1)
    assert stored_digest(db) == stored_digest(reference)


def test_a_clean_run_leaves_the_database_file_complete_on_its_own(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    """Only ``arena.db`` is copied, as a user would: every match must be in it."""
    path = write_toml(tournament_text(rounds=50, repetitions=10))
    db = tmp_path / "run" / "arena.db"
    db.parent.mkdir()
    result = run_cli("run", path, "--db", db, "--workers", "2", "-q")
    assert result.returncode == 0, result.stderr
    copy = tmp_path / "copy" / "arena.db"
    copy.parent.mkdir()
    copy.write_bytes(db.read_bytes())
    assert stored_count(copy) == 10 * 20
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0


def test_scripted_batches_collect_garbage_less_often_and_restore_the_thresholds() -> None:
    import gc

    from arena.backends.plan import fewer_collections

    before = gc.get_threshold()
    with fewer_collections(123_456):
        assert gc.get_threshold()[0] == 123_456
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("a match failed")
    assert gc.get_threshold() == before


def test_a_replaying_seating_goes_to_one_chunk_and_chunks_shrink_towards_the_end() -> None:
    # Agents 0 and 1 replay (deterministic), agent 2 does not: seatings (0, 1), (1, 0), (0, 2)
    # and (2, 1), five repetitions each, repetition by repetition as a round robin orders them.
    seatings = [(0, 1), (1, 0), (0, 2), (2, 1)]
    fixtures = [Fixture(i, seatings[i % 4], i) for i in range(20)]
    fixtures.append(Fixture(20, (0, 1), 20, {"roles": ["x", "y"]}))  # options: played, alone
    chunks = balanced_chunks(fixtures, 2, replayable={0, 1})
    assert sorted(f.index for chunk in chunks for f in chunk) == list(range(21))
    for seats in [(0, 1), (1, 0)]:
        holding = [c for c in chunks if any(f.seats == seats and f.options is None for f in c)]
        assert len(holding) == 1  # played once, replayed four times, by one worker
    played = [
        sum(1 for f in c if f.options is not None or 2 in f.seats)
        + len({f.seats for f in c if f.options is None and 2 not in f.seats})
        for c in chunks
    ]
    assert sum(played) == 10 + 1 + 2  # (0, 2), (2, 1), the one with options; (0, 1), (1, 0)
    assert len(chunks) > 2 and played[-1] <= played[0]


def test_a_chunk_plays_at_most_a_bounded_number_of_matches() -> None:
    fixtures = [Fixture(i, (0, 1), i) for i in range(10_000)]
    chunks = balanced_chunks(fixtures, 2, replayable=set())
    assert max(map(len, chunks)) == MAX_CHUNK  # records wait in memory until stored
    assert sum(map(len, chunks)) == 10_000
    assert [len(c) for c in balanced_chunks(fixtures[:3], 2, set())] == [1, 1, 1]


def test_two_workers_play_each_deterministic_seating_once(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    """A replayed match is stored with no duration: of a deterministic seating's repetitions
    exactly one took time, whichever worker played it."""
    agents = ["tit-for-tat", "always-defect", "grim-trigger", "random"]
    path = write_toml(tournament_text(rounds=30, repetitions=6, agents=agents))
    report = run_tournament(load_config(path), tmp_path / "two.db", workers=2)
    assert report.workers == 2 and report.played == 6 * 12
    with sqlite3.connect(tmp_path / "two.db") as con:
        rows = con.execute(
            "SELECT group_concat(p.agent, ' vs '), m.duration > 0 FROM matches m"
            " JOIN match_players p ON p.match_id = m.id GROUP BY m.id"
        ).fetchall()
    played: dict[str, int] = {}
    for seating, took_time in rows:
        played[seating] = played.get(seating, 0) + took_time
    for seating, count in played.items():
        assert count == (6 if "random" in seating else 1), seating
    reference = tmp_path / "one.db"
    run_tournament(load_config(path), reference, workers=1)
    assert stored_digest(tmp_path / "two.db") == stored_digest(reference)

"""Kill a real ``arena run`` with SIGKILL, run it again: the same matches and results as one run."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from arena.config import load_config
from arena.tournament import run_tournament
from tests.arena.test_tournament import stored_digest
from tests.conftest import ARENA, run_cli, tournament_text

AGENTS = [
    "tit-for-tat",
    "grim-trigger",
    "win-stay-lose-shift",
    "tit-for-two-tats",
    "generous-tit-for-tat",
    "suspicious-tit-for-tat",
    "always-cooperate",
    "always-defect",
    "alternator",
    "random",
]
TOTAL = 20 * 90  # 20 repetitions of 45 pairs in both seat orders


def stored_count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
            return con.execute("SELECT count(*) FROM matches").fetchone()[0]
    except sqlite3.OperationalError:  # schema not created yet
        return 0


def processes_in_group(group: int) -> list[int]:
    """Live processes whose process group is ``group`` (the killed run and its workers)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            alive.append(int(entry.name))
    return alive


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> list[tuple]:
    folder = tmp_path_factory.mktemp("reference")
    path = folder / "t.toml"
    path.write_text(tournament_text(name="kill", rounds=200, repetitions=20, agents=AGENTS))
    run_tournament(load_config(path), folder / "reference.db", workers=2)
    return stored_digest(folder / "reference.db")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").exists(), reason="reads process groups from /proc")
@pytest.mark.parametrize(
    "kill_after", [0, 1, TOTAL // 2], ids=["at-start", "first-match", "half-way"]
)
def test_sigkill_then_resume(
    write_toml: Callable[..., Path], tmp_path: Path, reference: list[tuple], kill_after: int
) -> None:
    path = write_toml(tournament_text(name="kill", rounds=200, repetitions=20, agents=AGENTS))
    db = tmp_path / "arena.db"
    run = subprocess.Popen(
        [str(ARENA), "run", str(path), "--db", str(db), "--workers", "2", "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while stored_count(db) < kill_after and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert run.poll() is None, "the run finished before it could be killed; make it longer"
    run.send_signal(signal.SIGKILL)
    run.wait()
    interrupted_at = stored_count(db)
    assert interrupted_at < TOTAL

    for _ in range(200):  # workers are killed with their parent (PR_SET_PDEATHSIG)
        if not processes_in_group(run.pid):
            break
        time.sleep(0.02)
    assert processes_in_group(run.pid) == []

    resumed = run_cli("run", path, "--db", db, "--workers", "2", "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert f"{TOTAL - interrupted_at} played, {interrupted_at} already stored" in resumed.stdout
    assert stored_digest(db) == reference


def test_a_clean_run_leaves_no_process_behind(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    path = write_toml(tournament_text(rounds=5))
    run = subprocess.Popen(
        [str(ARENA), "run", str(path), "--db", str(tmp_path / "a.db"), "--quiet"],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    assert run.wait(timeout=60) == 0
    time.sleep(0.05)
    assert processes_in_group(run.pid) == []
    assert os.path.exists(tmp_path / "a.db")

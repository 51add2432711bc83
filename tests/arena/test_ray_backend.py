"""The Ray backend on a real local Ray cluster: the same results as the local backend.

These tests run when the ``ray`` extra is installed (``make test`` installs it). They share one
xdist group, so one pytest worker runs them one after another and at most one cluster of the
module runs at a time, beside the ones ``arena run`` starts itself.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from arena.config import load_config
from arena.errors import EndpointError
from arena.testing.llm_server import LLMServer
from arena.tournament import run_tournament
from tests.arena.test_cli import assert_one_line_error
from tests.arena.test_llm_tournament import PLANTED, tit_for_tat_policy
from tests.arena.test_resume_after_kill import processes_in_group, stored_count
from tests.conftest import ARENA, run_cli, tournament_text

pytestmark = pytest.mark.xdist_group("ray")

NOISY = """
[tournament]
name = "{name}"
seed = 5

[game]
id = "matrix/prisoners-dilemma-v0"
rounds = {rounds}
noise = 0.05

[schedule]
repetitions = {repetitions}

[[agents]]
name = "tit-for-tat"
[[agents]]
name = "random"
[[agents]]
name = "win-stay-lose-shift"
[[agents]]
name = "generous-tit-for-tat"
[[agents]]
name = "always-defect"
"""


def full_digest(db: Path, tournament: str | None = None) -> list[tuple[Any, ...]]:
    """Every stored match of ``tournament`` (default: all) as the tables hold it, by match
    index, without wall-clock times."""
    with sqlite3.connect(db) as con:
        rows = con.execute(
            "SELECT m.id, m.match_index, m.game_id, m.params, m.seed, m.steps, m.outcome,"
            " m.metrics FROM matches m JOIN tournaments t ON t.id = m.tournament_id"
            " WHERE ? IS NULL OR t.name = ? ORDER BY m.match_index",
            (tournament, tournament),
        ).fetchall()
        digest = []
        for match_id, *match in rows:
            players = con.execute(
                "SELECT seat, agent, payoff FROM match_players WHERE match_id = ? ORDER BY seat",
                (match_id,),
            ).fetchall()
            turns = con.execute(
                "SELECT seat, turns FROM seat_turns WHERE match_id = ? ORDER BY seat", (match_id,)
            ).fetchall()
            details = con.execute(
                "SELECT step, seat, text, tokens_in, tokens_out, fault, verdict FROM turn_details"
                " WHERE match_id = ? ORDER BY step, seat",
                (match_id,),
            ).fetchall()
            digest.append((*match, tuple(players), tuple(turns), tuple(details)))
    return digest


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[Any]:
    ray = pytest.importorskip("ray", reason="the ray extra is not installed")
    ray.init(
        address="local",  # a new one, whatever `ray start` left behind
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        logging_level="ERROR",
    )
    yield ray
    ray.shutdown()


def ray_processes(prefix: bytes) -> list[int]:
    """Live processes whose command line starts with ``prefix`` (Ray names busy workers
    ``ray::<task>``)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "cmdline").read_bytes().startswith(prefix):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def command(pid: int) -> bytes:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes()
    except OSError:
        return b""


@pytest.mark.parametrize(
    "text",
    [
        NOISY.format(name="noisy", rounds=30, repetitions=3),
        # No noise: the deterministic pairings are played once and replayed, encoded once
        NOISY.format(name="replays", rounds=30, repetitions=4).replace("noise = 0.05", ""),
        (Path(__file__).parents[2] / "examples" / "werewolf-scripted.toml")
        .read_text()
        .replace("games_per_role = 10", "games_per_role = 1"),
    ],
    ids=["matrix-with-noise", "matrix-with-replays", "werewolf-role-balanced"],
)
def test_ray_stores_what_the_local_backend_stores(
    ray_cluster: Any, write_toml: Callable[..., Path], tmp_path: Path, text: str
) -> None:
    config = load_config(write_toml(text))
    local = run_tournament(config, tmp_path / "local.db", workers=2)
    remote = run_tournament(config, tmp_path / "ray.db", backend="ray")
    assert remote.played == local.played == local.total > 0
    assert remote.workers == 2  # the cluster's CPUs
    assert full_digest(tmp_path / "ray.db") == full_digest(tmp_path / "local.db")


def test_a_worker_killed_mid_task_loses_nothing(
    ray_cluster: Any, write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    # Stochastic strategies are played every time (no replay), so each task takes a while.
    config = load_config(write_toml(NOISY.format(name="kill", rounds=400, repetitions=6)))
    killed: list[int] = []

    def kill_a_busy_worker() -> None:
        deadline = time.monotonic() + 60
        while not killed and time.monotonic() < deadline:
            busy = ray_processes(b"ray::play_batch")
            if busy:
                os.kill(busy[0], signal.SIGKILL)
                killed.append(busy[0])
            time.sleep(0.01)

    killer = threading.Thread(target=kill_a_busy_worker)
    killer.start()
    report = run_tournament(config, tmp_path / "ray.db", backend="ray")
    killer.join()
    assert killed, "no busy Ray worker was seen"
    assert report.played == report.total == 6 * 20
    run_tournament(config, tmp_path / "local.db", workers=2)
    with sqlite3.connect(tmp_path / "ray.db") as con:
        indices = [row[0] for row in con.execute("SELECT match_index FROM matches")]
    assert sorted(indices) == list(range(report.total))  # each match once
    assert full_digest(tmp_path / "ray.db") == full_digest(tmp_path / "local.db")


def llm_text(base_url: str, name: str, concurrency: int) -> str:
    models = "\n".join(
        f"""[[agents]]
name = "{model}"
provider = "openai-compatible"
model = "{model}"
base_url = "{base_url}"
api_key_env = "ARENA_TEST_KEY"
concurrency = {concurrency}
timeout = 10.0
"""
        for model in ("model-a", "model-b")
    )
    return f"""
[tournament]
name = "{name}"
seed = 11

[game]
id = "matrix/prisoners-dilemma-v0"
rounds = 3

[schedule]
repetitions = 4

{models}
[[agents]]
name = "tit-for-tat"
[[agents]]
name = "always-defect"
"""


def test_language_models_keep_one_concurrency_limit_for_the_whole_cluster(
    ray_cluster: Any,
    write_toml: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ARENA_TEST_KEY", PLANTED)
    with LLMServer(policy=tit_for_tat_policy, api_key=PLANTED, latency=0.02) as server:
        # Both models call one endpoint, limited to 3 calls at once: two tasks of 24 matches
        # each would keep 6 in flight if each process kept its own limit.
        first = load_config(write_toml(llm_text(server.openai_base_url, "llm", 3), "a.toml"))
        report = run_tournament(first, tmp_path / "ray.db", backend="ray")
        assert report.played == report.total == 48
        assert server.stats.max_in_flight == 3
        calls = server.stats.calls
        assert calls == 2 * (6 * 4 * 3)  # each model sits in 6 seatings, 4 times, 3 rounds

        # The same matches under another name: every reply comes from the driver's cache.
        again = load_config(write_toml(llm_text(server.openai_base_url, "again", 3), "b.toml"))
        run_tournament(again, tmp_path / "ray.db", backend="ray")
        assert server.stats.calls == calls

        run_tournament(first, tmp_path / "local.db")
    local = full_digest(tmp_path / "local.db")
    assert full_digest(tmp_path / "ray.db", "llm") == local
    replayed = full_digest(tmp_path / "ray.db", "again")  # the cache gives the same matches
    assert [m[:9] for m in replayed] == [m[:9] for m in local]  # seats, payoffs, turns
    assert (tmp_path / "ray.db").read_bytes().find(PLANTED.encode()) == -1
    session = Path(ray_cluster.get_runtime_context().gcs_address and "/tmp/ray/session_latest")
    logs = [p for p in (session / "logs").rglob("*") if p.is_file()]
    assert logs, "the cluster wrote no logs to search"
    assert not [p for p in logs if PLANTED.encode() in p.read_bytes()]  # the key stays out


def test_a_dead_endpoint_stops_the_run_with_nothing_stored(
    ray_cluster: Any,
    write_toml: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ARENA_TEST_KEY", PLANTED)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    config = load_config(write_toml(llm_text(f"http://127.0.0.1:{closed}/v1", "down", 2)))
    with pytest.raises(EndpointError, match=r"model-a|model-b"):
        run_tournament(config, tmp_path / "ray.db", backend="ray")
    with sqlite3.connect(tmp_path / "ray.db") as con:
        assert con.execute("SELECT count(*) FROM matches").fetchone()[0] == 0


@pytest.fixture
def head_node() -> Iterator[str]:
    """``ray start --head``, as a user starts a cluster; its address."""
    pytest.importorskip("ray", reason="the ray extra is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ray = Path(sys.executable).with_name("ray")
    head = subprocess.Popen(
        [
            str(ray),
            "start",
            "--head",
            "--block",
            f"--port={port}",
            "--num-cpus=2",
            "--include-dashboard=false",
            "--disable-usage-stats",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "RAY_AUTH_MODE": "token"},
    )
    assert head.stdout is not None
    for line in head.stdout:
        if "Ray runtime started" in line:
            break
    threading.Thread(target=head.stdout.read, daemon=True).start()  # keep the pipe drained
    try:
        yield f"127.0.0.1:{port}"
    finally:
        head.send_signal(signal.SIGTERM)  # it stops the node's processes, then exits
        head.wait(timeout=60)


def test_arena_run_joins_an_existing_cluster(
    head_node: str,
    write_toml: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RAY_AUTH_MODE", "token")  # the cluster's token is in ~/.ray/auth_token
    path = write_toml(NOISY.format(name="joined", rounds=20, repetitions=2))
    db = tmp_path / "ray.db"
    done = run_cli("run", path, "--db", db, "--backend", "ray", "--address", head_node, "-q")
    assert done.returncode == 0, done.stderr
    assert "40 played" in done.stdout and "2 workers" in done.stdout
    run_tournament(load_config(path), tmp_path / "local.db")
    assert full_digest(db) == full_digest(tmp_path / "local.db")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").exists(), reason="reads processes from /proc")
def test_a_killed_driver_resumes_to_the_uninterrupted_result(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    pytest.importorskip("ray", reason="the ray extra is not installed")
    path = write_toml(NOISY.format(name="driver", rounds=300, repetitions=10))
    db = tmp_path / "ray.db"
    run = subprocess.Popen(
        [str(ARENA), "run", str(path), "--db", str(db), "--backend", "ray", "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while stored_count(db) < 40 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert run.poll() is None, "the run finished before it could be killed; make it longer"
    run.send_signal(signal.SIGKILL)
    run.wait()
    interrupted_at = stored_count(db)
    assert 40 <= interrupted_at < 200
    # Ray's reaper stops the killed driver's cluster: its raylet, store and workers go at
    # once; its two agents poll the raylet and exit on their own a minute or two later.
    lingering = (b"ray::DashboardAgent", b"ray::RuntimeEnvAgent")
    for _ in range(300):
        left = [p for p in processes_in_group(run.pid) if not command(p).startswith(lingering)]
        if not left:
            break
        time.sleep(0.1)
    assert [command(p) for p in left] == []

    resumed = run_cli("run", path, "--db", db, "--backend", "ray", "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    assert f"{200 - interrupted_at} played, {interrupted_at} already stored" in resumed.stdout
    run_tournament(load_config(path), tmp_path / "local.db", workers=2)
    assert full_digest(db) == full_digest(tmp_path / "local.db")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--backend", "spark"], "--backend: expected one of local, ray, got 'spark'"),
        (["--address", "auto"], "--address: only with --backend ray"),
    ],
)
def test_backend_options_are_checked(
    write_toml: Callable[..., Path], tmp_path: Path, args: list[str], expected: str
) -> None:
    path = write_toml(tournament_text(rounds=2))
    done = run_cli("run", path, "--db", tmp_path / "a.db", *args)
    assert_one_line_error(done, expected)
    assert not (tmp_path / "a.db").exists()


def test_an_address_without_the_ray_backend_is_refused(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    text = tournament_text(rounds=2).replace("seed = 3", 'seed = 3\naddress = "auto"')
    done = run_cli("run", write_toml(text), "--db", tmp_path / "a.db")
    assert_one_line_error(done, "[tournament] address: only for backend = 'ray'")


def test_an_address_nobody_listens_at_is_one_line(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    pytest.importorskip("ray", reason="the ray extra is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    path = write_toml(tournament_text(rounds=2))
    done = run_cli(
        "run",
        path,
        "--db",
        tmp_path / "a.db",
        "--backend",
        "ray",
        "--address",
        f"127.0.0.1:{closed}",
    )
    assert_one_line_error(done, f"no Ray cluster answers at 127.0.0.1:{closed}")
    assert not (tmp_path / "a.db").exists()

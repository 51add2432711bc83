"""How close an LLM tournament comes to the ideal time, and what the arena costs per call.

A loopback server in its own process answers every call after a fixed latency, speaking the
OpenAI protocol; the tournament drives it through the real ``openai`` SDK. With ``calls``
calls of ``latency`` seconds and at most ``concurrency`` in flight, no scheduler can finish
before ``calls x latency / concurrency``: the table gives that ideal, the measured wall time and
their ratio (goal: at most 1.2), and the arena process's own CPU time per call (goal: under
2 ms), which includes the SDK, the game, the text protocol and storing every turn and every
reply in SQLite. The server's CPU time is not counted: it runs in another process.

Setup: five language-model agents on one endpoint (so one concurrency limit governs every
call), a round robin with seats swapped, 10 repetitions: 200 matches of the 10-round repeated
Prisoner's Dilemma, two models per match, 4,000 calls. Each run uses a fresh database, so the
response cache answers nothing.

Run: ``python benchmarks/bench_llm_concurrency.py`` (``--quick`` for a smaller smoke run).
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from statistics import median

from loopback_process import LoopbackProcess  # benchmarks/ is on the path when a script runs
from machine_info import machine

LATENCY = 0.2
ROUNDS = 10
AGENTS = 5  # 5 agents, every pair in both seat orders: 20 matches a repetition
RUNS = 3
RESULTS = Path(__file__).with_name("results") / "llm_concurrency.md"

SERVER = """
import sys
from arena.testing.llm_server import LLMServer
with LLMServer(policy=lambda request: "Option J", latency=float(sys.argv[1])) as server:
    print(server.port, flush=True)
    sys.stdin.read()  # serve until the benchmark closes our stdin
    print(server.stats.calls, server.stats.max_in_flight, flush=True)
"""


def tournament_text(port: int, concurrency: int, repetitions: int, name: str) -> str:
    agents = "\n".join(
        f"""
[[agents]]
name = "model-{k}"
provider = "openai-compatible"
model = "model-{k}"
base_url = "http://127.0.0.1:{port}/v1"
concurrency = {concurrency}
timeout = 30.0
"""
        for k in range(AGENTS)
    )
    return f"""
[tournament]
name = "{name}"
seed = 1
[game]
id = "matrix/prisoners-dilemma-v0"
rounds = {ROUNDS}
[schedule]
repetitions = {repetitions}
swap_seats = true
{agents}
"""


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def one_run(concurrency: int, repetitions: int) -> dict[str, float]:
    """A live run against the server, then the same tournament replayed from the cache."""
    from arena.config import load_config
    from arena.store import Store
    from arena.tournament import run_tournament

    with LoopbackProcess(SERVER, str(LATENCY)) as server, tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "a.db"
        timings = {}
        for name in ("live", "replay"):
            path = Path(folder) / f"{name}.toml"
            path.write_text(tournament_text(server.port, concurrency, repetitions, name))
            config = load_config(path, db=db)
            cpu = cpu_seconds()
            started = time.perf_counter()
            report = run_tournament(config, db)
            timings[name] = (time.perf_counter() - started, cpu_seconds() - cpu)
            if name == "live":
                calls, most = map(int, server.stop().split())  # the replay must not need it
        with Store(db) as store:
            replayed = store.usage("replay")
    turns = sum(u.turns for u in replayed.values())
    if turns != calls or any(u.faults for u in replayed.values()):
        raise SystemExit(f"the replay did not answer all {calls} calls from the cache")
    ideal = calls * LATENCY / concurrency
    (wall, cpu), (replay_wall, replay_cpu) = timings["live"], timings["replay"]
    return {
        "matches": report.played,
        "calls": calls,
        "concurrency": concurrency,
        "max_in_flight": most,
        "ideal": ideal,
        "wall": wall,
        "ratio": wall / ideal,
        "cpu_ms_per_call": 1000 * cpu / calls,
        "replay_wall": replay_wall,
        "arena_ms_per_call": 1000 * replay_cpu / calls,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 run of 40 matches; no file")
    args = parser.parse_args()
    repetitions, runs = (2, 1) if args.quick else (10, RUNS)
    from arena.tournament import run_tournament  # noqa: F401  (imports outside the timing)

    rows = []
    for concurrency in (64, 16):
        results = [one_run(concurrency, repetitions) for _ in range(runs)]
        best = {key: median(r[key] for r in results) for key in results[0]}
        rows.append(best)
    lines = [
        "# LLM tournament against a loopback server: ideal time and the arena's CPU per call",
        "",
        f"{AGENTS} models on one OpenAI-compatible endpoint, every pair in both seat orders, "
        f"{repetitions} repetitions: {int(rows[0]['matches'])} matches of the {ROUNDS}-round "
        f"repeated Prisoner's Dilemma, two models a match. The server (in its own process) "
        f"answers every call after {LATENCY * 1000:.0f} ms. One run of "
        "`benchmarks/bench_llm_concurrency.py`; each row is the median of "
        f"{runs} runs, each with a fresh database (the response cache answers nothing).",
        f"Machine: {machine()}. openai {version('openai')}, strategic-arena "
        f"{version('strategic-arena')}.",
        "",
        "| concurrency | matches | calls | most in flight | ideal s | measured s | ratio "
        "| process CPU ms per call | arena's own CPU ms per call (cache replay) "
        "| replay s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {int(r['concurrency'])} | {int(r['matches'])} | {int(r['calls'])} "
            f"| {int(r['max_in_flight'])} | {r['ideal']:.2f} | {r['wall']:.2f} "
            f"| {r['ratio']:.3f}x | {r['cpu_ms_per_call']:.2f} | {r['arena_ms_per_call']:.2f} "
            f"| {r['replay_wall']:.2f} |"
        )
    lines += [
        "",
        "Ideal = calls x latency / concurrency: the time with every slot busy from the first",
        "call to the last. Process CPU is everything the arena process spent per call: the",
        "game, the text protocol, the agent, storing every turn and every reply, and the",
        "official SDK with its HTTP stack (httpx, httpcore, h11, anyio). The arena's own CPU",
        "is measured by replaying the same tournament from the response cache with the server",
        "stopped: every step but the SDK call runs, so the difference is the SDK's share.",
        "Goals (issue 3): ratio at most 1.2 at concurrency 64, and under 2 ms of the arena's",
        "own CPU per call.",
    ]
    table = "\n".join(lines) + "\n"
    print(table)
    if not args.quick:
        RESULTS.write_text(table)
        print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()

"""What the feedback schedule costs per model call, beside the plain LLM tournament's figure.

Fu et al.'s loop on a loopback server in its own process (the real ``openai`` SDK, every call
answered after ``LATENCY`` seconds): a language-model seller coached by the ``fu2023`` critic (a
model on the same endpoint) against a scripted Boulware buyer, the rule moderator deciding
deals, ``EXPERIMENTS`` chains of ``ROUNDS`` rounds. The table gives calls, wall time, the arena
process's CPU time per call live (the SDK and its HTTP stack included), and per call when the
same schedule is replayed from the response cache: the arena's own work per call (the game,
the text protocol, the moderator, the critic's prompt, the learner's memory, storing every
turn, verdict, feedback and memory in SQLite). Goal: under 1 ms.

Run: ``python benchmarks/bench_feedback_overhead.py``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from bench_llm_concurrency import cpu_seconds  # benchmarks/ is on the path when a script runs
from machine_info import machine

LATENCY = 0.05
EXPERIMENTS = 40
ROUNDS = 5
RESULTS = Path(__file__).with_name("results") / "feedback_overhead.md"

SERVER = """
import sys
from arena.testing.llm_server import LLMServer

def reply(request):
    if request.system.startswith("You coach"):
        return "1. Open higher.\\n2. Concede in smaller steps.\\n3. Explain why your price is fair."
    return "I can let it go for $15, it is a fine balloon."

with LLMServer(policy=reply, latency=float(sys.argv[1])) as server:
    print(server.port, flush=True)
    sys.stdin.read()
    print(server.stats.calls, flush=True)
"""


def schedule_text(port: int, name: str) -> str:
    model = f'provider = "openai-compatible"\nbase_url = "http://127.0.0.1:{port}/v1"'
    return f"""
[tournament]
name = "{name}"
seed = 3
[game]
id = "bargaining/buyer-seller-v0"
turns = 5
[schedule]
format = "feedback"
learner = "seller-model"
learner_seat = "seller"
opponent = "boulware"
rounds = {ROUNDS}
experiments = {EXPERIMENTS}
[critic]
name = "fu2023"
model = "critic-model"
{model}
[[agents]]
name = "seller-model"
model = "seller-model"
concurrency = 32
{model}
[[agents]]
name = "boulware"
"""


def main() -> None:
    from arena.config import load_config
    from arena.tournament import run_tournament

    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(LATENCY)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdin is not None and server.stdout is not None
    port = int(server.stdout.readline())
    timings = {}
    try:
        with tempfile.TemporaryDirectory() as folder:
            db = Path(folder) / "a.db"
            for name in ("live", "replay"):
                path = Path(folder) / f"{name}.toml"
                path.write_text(schedule_text(port, name))
                config = load_config(path, db=db)
                cpu, started = cpu_seconds(), time.perf_counter()
                report = run_tournament(config, db)
                timings[name] = (time.perf_counter() - started, cpu_seconds() - cpu)
                if name == "live":
                    server.stdin.close()
                    calls = int(server.stdout.readline())
                    server.wait(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
    (wall, cpu), (replay_wall, replay_cpu) = timings["live"], timings["replay"]
    arena_ms = 1000 * replay_cpu / calls
    lines = [
        "# The feedback schedule's cost per model call",
        "",
        f"Machine: {machine()}. openai {version('openai')}, strategic-arena "
        f"{version('strategic-arena')}. {EXPERIMENTS} chains of {ROUNDS} rounds of the balloon "
        f"(5 turns a side), the seller and the critic models on a loopback server answering "
        f"after {LATENCY * 1000:.0f} ms; {report.total} games. One run of "
        "`benchmarks/bench_feedback_overhead.py`.",
        "",
        "| run | calls | wall s | CPU ms per call |",
        "|---|---:|---:|---:|",
        f"| live (SDK and HTTP included) | {calls:,} | {wall:.1f} | {1000 * cpu / calls:.2f} |",
        f"| replayed from the cache (the arena alone) | {calls:,} | {replay_wall:.1f} "
        f"| {arena_ms:.2f} |",
        "",
        f"Goal: the arena's own CPU under 1 ms a call: {'met' if arena_ms < 1 else 'not met'}.",
    ]
    table = "\n".join(lines) + "\n"
    print(table)
    RESULTS.write_text(table, encoding="utf-8")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()

"""The Axelrod round robin scaled to 200 strategies on the local backend and on Ray, in one run.

The 10 strategies of ``bench_axelrod_round_robin.py`` (those the arena shares with the Axelrod
library), 20 aliased copies of each: 200 agents, every pair (self-play included, one seat
order) 5 times, 200 turns a match, 100,500 matches, every turn stored in SQLite. The same file
plays on the local backend (a pool of one process per core) and on a Ray instance started
here with as many CPUs, each in a fresh interpreter. The table gives both times, Ray's
overhead per match, and the projected time on clusters of 10 and 100 machines like this one.

Run: ``make bench-ray``, or ``python benchmarks/bench_ray.py [--agents N] [--repetitions R]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from machine_info import machine, publish  # benchmarks/ is on the path when a script runs

STRATEGIES = [
    "alternator",
    "always-cooperate",
    "always-defect",
    "generous-tit-for-tat",
    "grim-trigger",
    "random",
    "suspicious-tit-for-tat",
    "tit-for-tat",
    "tit-for-two-tats",
    "win-stay-lose-shift",
]
TURNS = 200
RESULTS = Path(__file__).with_name("results") / "ray.md"
MACHINES = (10, 100)


def tournament_file(folder: Path, agents: int, repetitions: int) -> Path:
    copies = agents // len(STRATEGIES)
    blocks = "\n".join(
        f'[[agents]]\nname = "{name}"\nalias = "{name}-{k:02d}"'
        for k in range(copies)
        for name in STRATEGIES
    )
    path = folder / "round_robin_200.toml"
    path.write_text(
        f"""[tournament]
name = "axelrod-{agents}"
seed = 1
[game]
id = "matrix/prisoners-dilemma-v0"
rounds = {TURNS}
[schedule]
repetitions = {repetitions}
swap_seats = false
self_play = true
{blocks}
"""
    )
    return path


def measure(backend: str, path: Path, db: Path, workers: int) -> dict[str, float]:
    """One run of the tournament into a fresh database, in this (fresh) process."""
    from arena.config import load_config
    from arena.tournament import run_tournament

    config = load_config(path)
    started = time.perf_counter()
    report = run_tournament(config, db, workers=workers, backend=backend)
    seconds = time.perf_counter() - started
    with sqlite3.connect(db) as con:
        turns = con.execute("SELECT count(*) FROM turns").fetchone()[0]
    if turns != report.played * TURNS * 2:
        raise SystemExit(f"{backend}: expected {report.played * TURNS * 2} turns, found {turns}")
    stats = report.backend_stats
    result = {"matches": report.played, "seconds": seconds, "workers": report.workers}
    if backend == "ray":
        result.update(
            tasks=stats.tasks,
            task_seconds=stats.task_seconds,
            write_seconds=stats.write_seconds,
            start_seconds=stats.start_seconds,
        )
    return result


def in_subprocess(*args: str) -> dict[str, float]:
    command = [sys.executable, __file__, "--measure", *args]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def same_results(a: Path, b: Path) -> bool:
    """Whether two databases hold the same matches: seeds, payoffs and every turn."""
    query = (
        "SELECT m.match_index, m.seed, p.seat, p.agent, p.payoff, s.turns FROM matches m"
        " JOIN match_players p ON p.match_id = m.id"
        " JOIN seat_turns s ON s.match_id = m.id AND s.seat = p.seat ORDER BY 1, 3"
    )
    with sqlite3.connect(a) as one, sqlite3.connect(b) as other:
        return one.execute(query).fetchall() == other.execute(query).fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=200, help="a multiple of 10")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print only; keep the table")
    parser.add_argument("--measure", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        backend, path, db, workers = args.measure
        print(json.dumps(measure(backend, Path(path), Path(db), int(workers))))
        return
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory() as folder:
        path = tournament_file(Path(folder), args.agents, args.repetitions)
        local_db, ray_db = Path(folder) / "local.db", Path(folder) / "ray.db"
        local = in_subprocess("local", str(path), str(local_db), str(cores))
        ray = in_subprocess("ray", str(path), str(ray_db), str(cores))
        identical = same_results(local_db, ray_db)
    matches = local["matches"]
    overhead_ms = (ray["seconds"] - local["seconds"]) / matches * 1000
    ratio = ray["seconds"] / local["seconds"]
    # What more machines divide is the tasks' own time; what they do not is the driver's:
    # starting Ray, and writing every batch, which overlaps the play while the play is longer.
    play = ray["task_seconds"]

    # The rest is fixed: starting the instance, the workers' imports, shutting down.
    fixed = ray["seconds"] - max(ray["write_seconds"], play / ray["workers"])

    def projected(cpus: int) -> float:
        return fixed + max(ray["write_seconds"], play / cpus)

    lines = [
        f"# {args.agents}-strategy Axelrod round robin: local backend vs Ray, in one run",
        "",
        f"{len(STRATEGIES)} strategies of `bench_axelrod_round_robin.py`, {args.agents // 10} "
        f"aliased copies each: {args.agents} agents, every pair (self-play included) "
        f"{args.repetitions} times, {TURNS} turns, {matches:,} matches, every turn stored in "
        "SQLite. Each backend runs once, in a fresh interpreter, into a fresh database; Ray "
        f"starts a local instance with {cores} CPUs (its start-up is counted). One run of "
        "`benchmarks/bench_ray.py`.",
        f"Machine: {machine()}. ray {version('ray')}, strategic-arena "
        f"{version('strategic-arena')}.",
        "",
        "| backend | processes | matches | seconds | matches/s | vs local |",
        "|---|---:|---:|---:|---:|---:|",
        f"| local (process pool) | {local['workers']} | {matches:,} | {local['seconds']:.1f} "
        f"| {matches / local['seconds']:,.0f} | 1.00x |",
        f"| ray (local instance) | {ray['workers']} | {ray['matches']:,} | {ray['seconds']:.1f} "
        f"| {ray['matches'] / ray['seconds']:,.0f} | {ratio:.2f}x |",
        "",
        f"Same results: {'yes' if identical else 'NO'} (seeds, payoffs and every turn, match by "
        f"match). Goal: Ray within 1.3x of the local backend: "
        f"{'met' if ratio <= 1.3 else 'not met'} ({ratio:.2f}x).",
        "",
        f"Ray's overhead: {overhead_ms:.3f} ms a match beyond the local backend's. Of Ray's "
        f"{ray['seconds']:.1f} s, starting the instance took {ray['start_seconds']:.1f} s; "
        f"{ray['tasks']:,} tasks played for {play:.1f} s in all (their own clocks), and "
        f"the driver spent {ray['write_seconds']:.2f} s writing their batches.",
        "",
        "Projected on a cluster of machines like this one "
        f"({cores} cores each), driver on one of them:",
        "",
        "| machines | CPUs | projected seconds | matches/s |",
        "|---:|---:|---:|---:|",
    ]
    lines.append(
        f"| 1 (this run, measured) | {ray['workers']} | {ray['seconds']:.1f} "
        f"| {matches / ray['seconds']:,.0f} |"
    )
    for n in MACHINES:
        cpus = n * ray["workers"]
        lines.append(f"| {n} | {cpus} | {projected(cpus):.1f} | {matches / projected(cpus):,.0f} |")
    lines += [
        "",
        "How the projection is computed: projected = fixed + max(driver's writes, play / CPUs).",
        "The play (the tasks' summed time, each task's own clock) divides over the cluster's",
        "CPUs; the driver writes each batch as it arrives, so its writes overlap the play while",
        "the play is longer, and bound the run once it is shorter: the store's one writer, not",
        "the play, is what limits a large cluster. The fixed part is what this run took beyond",
        f"max(writes, play / {ray['workers']}): {fixed:.1f} s here, the instance's start-up",
        f"({ray['start_seconds']:.1f} s), the workers' imports, the shut-down and the CPU the",
        "driver took from the workers on this machine; it is all counted as fixed, so the",
        "projection errs long. It assumes a task takes as long on other machines,",
        "that the network carries the batches as fast as the driver writes them (a 200-turn",
        "match is about 3 KB encoded), and that joining a real cluster costs what starting the",
        "local instance did.",
    ]
    publish(lines, RESULTS, write=not args.no_write)
    if not identical:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

"""Axelrod's round robin of the strategies both tools share, in both tools, in one run.

The Axelrod library's ``Tournament`` plays every pair of players (self-play included) for
200 turns, 10 repetitions, and keeps every interaction in a file. The arena plays the same
schedule (``self_play = true``, no seat swap) with its default workers and stores every turn in
SQLite. The table gives matches per second and ratios to axelrod's single-process rate, and the
run checks that deterministic strategies score identically in both tools.

Run: ``make bench`` (installs the ``bench`` extra first), or
``python benchmarks/bench_axelrod_round_robin.py``.
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
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from statistics import median

from machine_info import machine, publish  # benchmarks/ is on the path when a script runs

TURNS = 200
REPETITIONS = 10
RUNS = 9  # each configuration is timed this many times, in turn; the table shows the median
RESULTS = Path(__file__).with_name("results") / "axelrod_round_robin.md"


def shared_strategies() -> list[tuple[str, str, bool]]:
    """(our name, axelrod name, stochastic) for every built-in with an Axelrod twin."""
    from arena.registry import AGENTS

    shared = []
    for entry in AGENTS:
        info = entry.load().info
        if info.axelrod_name:
            shared.append((entry.name, info.axelrod_name, info.stochastic))
    return shared


def axelrod_players(names: list[str]) -> list:
    import axelrod as axl

    by_name = {cls.name: cls for cls in axl.strategies}
    return [by_name[name]() for name in names]


def time_axelrod(names: list[str], processes: int, build_results: bool) -> tuple[int, float]:
    """Axelrod's own round robin. Its serial mode is ``processes=None``: any number, even 1,
    starts worker processes that import axelrod again."""
    import axelrod as axl

    players = axelrod_players(names)
    with tempfile.TemporaryDirectory() as folder:
        tournament = axl.Tournament(players, turns=TURNS, repetitions=REPETITIONS, seed=1)
        started = time.perf_counter()
        tournament.play(
            processes=None if processes == 1 else processes,
            progress_bar=False,
            build_results=build_results,
            filename=os.path.join(folder, "interactions.csv"),
        )
        seconds = time.perf_counter() - started
    n = len(players)
    return n * (n + 1) // 2 * REPETITIONS, seconds


def tournament_file(folder: Path, names: list[str]) -> Path:
    agents = "\n".join(f'[[agents]]\nname = "{n}"' for n in names)
    path = folder / "round_robin.toml"
    path.write_text(
        f"""[tournament]
name = "axelrod-round-robin"
seed = 1
[game]
id = "matrix/prisoners-dilemma-v0"
rounds = {TURNS}
[schedule]
repetitions = {REPETITIONS}
swap_seats = false
self_play = true
{agents}
"""
    )
    return path


def time_arena(names: list[str], workers: int | None, folder: Path) -> tuple[int, float, Path, int]:
    """Play the round robin into a fresh database; check every turn was stored."""
    from arena.config import load_config
    from arena.tournament import run_tournament

    config = load_config(tournament_file(folder, names))
    db = folder / f"arena-{workers}.db"
    started = time.perf_counter()
    report = run_tournament(config, db, workers=workers)
    seconds = time.perf_counter() - started
    with sqlite3.connect(db) as con:
        turns = con.execute("SELECT count(*) FROM turns").fetchone()[0]
    if turns != report.played * TURNS * 2:
        raise SystemExit(f"expected {report.played * TURNS * 2} stored turns, found {turns}")
    return report.played, seconds, db, report.workers


def check_identical_scores(shared: list[tuple[str, str, bool]], db: Path) -> tuple[int, list[str]]:
    """Compare every deterministic pair's scores with axelrod's own ``Match``."""
    import axelrod as axl

    deterministic = [(ours, theirs) for ours, theirs, stochastic in shared if not stochastic]
    stored: dict[tuple[str, str], tuple[float, float]] = {}
    with sqlite3.connect(db) as con:
        rows = con.execute(
            "SELECT a.agent, b.agent, a.payoff, b.payoff FROM match_players a"
            " JOIN match_players b ON a.match_id = b.match_id AND a.seat = 0 AND b.seat = 1"
        )
        for first, second, pa, pb in rows:
            stored[(first, second)] = (pa, pb)
    mismatches = []
    for i, (ours_a, axl_a) in enumerate(deterministic):
        for ours_b, axl_b in deterministic[i:]:
            players = axelrod_players([axl_a, axl_b])
            match = axl.Match(players, turns=TURNS)
            match.play()
            expected = tuple(float(s) for s in match.final_score())
            if stored.get((ours_a, ours_b)) != expected:
                mismatches.append(
                    f"{ours_a} vs {ours_b}: arena {stored.get((ours_a, ours_b))}, "
                    f"axelrod {expected}"
                )
    n = len(deterministic)
    return n * (n + 1) // 2, mismatches


def timer(tool: str, mode: str, folder: Path) -> Callable[[int], dict]:
    """One timing of a configuration per call, in this (fresh) process, after its imports."""
    shared = shared_strategies()
    if tool == "axelrod":
        started = time.perf_counter()
        import axelrod  # noqa: F401  (import time is reported, not timed as play)

        imported = time.perf_counter() - started
        processes, build = {"serial": (1, False), "serial-results": (1, True), "two": (2, False)}[
            mode
        ]

        def time_once(k: int) -> dict:
            matches, seconds = time_axelrod([s[1] for s in shared], processes, build)
            return {
                "matches": matches,
                "seconds": seconds,
                "processes": processes,
                "import_seconds": imported,
            }

        return time_once
    workers = 1 if mode == "one" else None

    def time_arena_once(k: int) -> dict:
        run_folder = folder / f"{mode}-{k}"
        run_folder.mkdir()
        played, seconds, _, used = time_arena([s[0] for s in shared], workers, run_folder)
        return {"matches": played, "seconds": seconds, "processes": used}

    return time_arena_once


def serve(tool: str, mode: str, folder: Path) -> None:
    """Time the configuration once per line read, printing each timing as a JSON line: the
    parent takes the configurations' timings in turn, so that a busy moment of the machine
    falls on all of them alike. The first timing (imports and caches warming up) is taken
    before the first line and not reported."""
    time_once = timer(tool, mode, folder)
    time_once(0)
    print(json.dumps({"ready": True}), flush=True)
    for k, _ in enumerate(sys.stdin, start=1):
        print(json.dumps(time_once(k)), flush=True)


class Server:
    """A fresh interpreter serving one configuration's timings (``--serve``), so that neither
    tool's imports burden the other."""

    def __init__(self, tool: str, mode: str, folder: str) -> None:
        command = [sys.executable, __file__, "--serve", tool, mode, folder]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def read(self) -> dict:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"a timing process failed (exit {self.process.wait()})")
        return json.loads(line)

    def time_once(self) -> dict:
        assert self.process.stdin is not None
        self.process.stdin.write("run\n")
        self.process.stdin.flush()
        return self.read()

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only; keep the table")
    parser.add_argument(
        "--serve", nargs=3, metavar=("TOOL", "MODE", "FOLDER"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.serve:
        tool, mode, folder = args.serve
        serve(tool, mode, Path(folder))
        return

    shared = shared_strategies()
    ours = [s[0] for s in shared]
    configurations = [
        ("axelrod", "serial", "Tournament.play, serial, no result set"),
        ("axelrod", "serial-results", "Tournament.play, serial, result set (its default)"),
        ("axelrod", "two", "Tournament.play(processes=2), no result set"),
        ("arena", "one", "run_tournament, one worker, every turn in SQLite"),
        ("arena", "default", "run_tournament, default workers, every turn in SQLite"),
    ]
    timings: dict[str, list[dict]] = {mode: [] for _, mode, _ in configurations}
    with tempfile.TemporaryDirectory() as folder:
        servers = {mode: Server(tool, mode, folder) for tool, mode, _ in configurations}
        try:
            for server in servers.values():  # all import and warm up at once, untimed
                server.read()
            # The 2-process axelrod mode starts worker processes that import axelrod again
            # (~10 s a run): timed once, alone, before the others.
            two = servers.pop("two")
            timings["two"].append(two.time_once())
            two.close()
            for _ in range(RUNS):  # in turn, so that a busy moment hits every configuration
                for mode, server in servers.items():
                    timings[mode].append(server.time_once())
        finally:
            for server in servers.values():
                server.close()
        rows = []
        for tool, mode, label in configurations:
            runs = timings[mode]
            seconds = median(run["seconds"] for run in runs)
            rows.append((tool, label, runs[0]["processes"], runs[0]["matches"], seconds))
        imported = timings["serial"][0]["import_seconds"]
        _, _, db, _ = time_arena(ours, None, Path(folder))
        compared, mismatches = check_identical_scores(shared, db)

    fastest = rows[0][3] / rows[0][4]  # axelrod serial, no result set
    default = rows[1][3] / rows[1][4]  # axelrod serial with its result set: Tournament.play()
    lines = [
        "# Axelrod round robin: arena vs the Axelrod library",
        "",
        f"{len(shared)} shared strategies ({', '.join(ours)}), {TURNS} turns, {REPETITIONS} "
        "repetitions, self-play included, one run of `benchmarks/bench_axelrod_round_robin.py`. "
        "Each configuration runs in a fresh interpreter of its own, which times it once "
        f"untimed to warm up and then {RUNS} times, the configurations taking turns, so that "
        "a busy moment of the machine falls on all of them alike; seconds are the median "
        "(the 2-process axelrod row: one timing, taken alone first).",
        f"Machine: {machine()}. axelrod {version('axelrod')}, "
        f"strategic-arena {version('strategic-arena')}.",
        f"Importing axelrod took {imported:.1f} s (not counted).",
        "",
        "| tool | mode | processes | matches | seconds | matches/s "
        "| vs axelrod serial, no result set | vs axelrod serial, result set |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for tool, mode, processes, matches, seconds in rows:
        rate = matches / seconds
        lines.append(
            f"| {tool} | {mode} | {processes} | {matches} | {seconds:.2f} | {rate:.0f} "
            f"| {rate / fastest:.2f}x | {rate / default:.2f}x |"
        )
    lines += [
        "",
        f"Deterministic pairs compared with axelrod's own `Match`: {compared}; "
        f"identical scores: {compared - len(mismatches)}.",
    ]
    lines += [f"- mismatch: {m}" for m in mismatches]
    lines += [
        "",
        "Reading it: axelrod's serial mode is `processes=None`; any number, even 1, starts worker",
        "processes that import axelrod (and torch) again, hence the slow 2-process row. Both",
        "tools replay a deterministic pairing from a cache instead of playing it again. axelrod",
        "keeps each match's interactions as move strings in a CSV file; `Tournament.play()` by",
        "default then builds its result set. The arena steps a PettingZoo environment each round",
        "and stores every turn in SQLite (one JSON row per seat; the `turns` view reads them).",
        "",
        "Where the arena's time goes (profiled on the Intel Xeon 2-core machine in a quiet",
        "moment, CPU time of one process): of about 300 ms for the 550 matches, playing takes",
        "about 210 ms (the environment's `step` about 2.3 us a round, 1.4 us of which is",
        "building the dictionaries PettingZoo's parallel API returns; both agents' moves and",
        "the loop about 1.2 us; the turn records 0.5 us), encoding turns and metrics as JSON",
        "55 ms and SQLite about 30 ms; a played match adds about 0.25 ms (seating with its",
        "seeds, reset, the solver's yardsticks), a replayed one about 0.05 ms (stored, not",
        "played). Of 550 matches 226 are played. With two workers every deterministic pairing",
        "is played once in all and replayed by the worker that played it; the solver starts",
        "once, before the pool forks. The serial part of a run: the schedule 1 ms, forking the",
        "workers about 15 ms, the database's schema 5 ms, the closing checkpoint 1-3 ms (the",
        "workers checkpoint the log after each batch they store).",
        "",
        "Two workers against one: on this machine a second process does not always get a core",
        "of its own. In ten interleaved runs the CPU time two workers spent on the same",
        "matches was 0.94 to 1.65 times one worker's, and two workers took 1.1x to 1.8x less",
        "wall time than one; a pure-Python loop in two processes at once showed the same.",
    ]
    publish(lines, RESULTS, write=not args.no_write)
    if mismatches:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

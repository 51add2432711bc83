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
from importlib.metadata import version
from pathlib import Path
from statistics import median

from machine_info import machine  # benchmarks/ is on the path when a script runs

TURNS = 200
REPETITIONS = 10
RUNS = 5  # each configuration is timed this many times; the table shows the median
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


def measure(tool: str, mode: str, folder: Path) -> dict:
    """Time one configuration ``RUNS`` times, in this (fresh) process."""
    shared = shared_strategies()
    if tool == "axelrod":
        started = time.perf_counter()
        import axelrod  # noqa: F401  (import time is reported, not timed as play)

        imported = time.perf_counter() - started
        processes, build = {"serial": (1, False), "serial-results": (1, True), "two": (2, False)}[
            mode
        ]
        runs = 1 if processes > 1 else RUNS  # the 2-process mode re-imports axelrod: ~10 s a run
        timings = [time_axelrod([s[1] for s in shared], processes, build) for _ in range(runs)]
        return {
            "matches": timings[0][0],
            "seconds": median(t for _, t in timings),
            "processes": processes,
            "import_seconds": imported,
        }
    workers = 1 if mode == "one" else None
    timings, used, played = [], 0, 0
    for k in range(RUNS):
        run_folder = folder / f"{mode}-{k}"
        run_folder.mkdir()
        played, seconds, _, used = time_arena([s[0] for s in shared], workers, run_folder)
        timings.append(seconds)
    return {"matches": played, "seconds": median(timings), "processes": used}


def in_subprocess(*args: str) -> dict:
    """Run ``--measure`` in a fresh interpreter, so neither tool's imports burden the other."""
    command = [sys.executable, __file__, "--measure", *args]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only; keep the table")
    parser.add_argument(
        "--measure", nargs=3, metavar=("TOOL", "MODE", "FOLDER"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.measure:
        tool, mode, folder = args.measure
        print(json.dumps(measure(tool, mode, Path(folder))))
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
    rows, imported = [], 0.0
    with tempfile.TemporaryDirectory() as folder:
        for tool, mode, label in configurations:
            result = in_subprocess(tool, mode, folder)
            imported = result.get("import_seconds", imported)
            rows.append((tool, label, result["processes"], result["matches"], result["seconds"]))
        _, _, db, _ = time_arena(ours, None, Path(folder))
        compared, mismatches = check_identical_scores(shared, db)

    fastest = rows[0][3] / rows[0][4]  # axelrod serial, no result set
    default = rows[1][3] / rows[1][4]  # axelrod serial with its result set: Tournament.play()
    lines = [
        "# Axelrod round robin: arena vs the Axelrod library",
        "",
        f"{len(shared)} shared strategies ({', '.join(ours)}), {TURNS} turns, {REPETITIONS} "
        "repetitions, self-play included, one run of `benchmarks/bench_axelrod_round_robin.py`. "
        "Each configuration runs in a fresh interpreter; seconds are the median of "
        f"{RUNS} timings (the 2-process axelrod row: one timing).",
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
        "Where the arena's time goes (profiled on the 2-core machine, CPU time): a round of a",
        "played match costs about 0.8 us of the environment's `step`, 0.8 us of both agents'",
        "moves and the loop, 0.3 us for its two turn records and 0.3 us for their JSON; a played",
        "match adds about 0.3 ms (the solver's yardsticks, seating, reset, its rows in SQLite),",
        "a replayed one about 0.05 ms (it is stored, not played). Of 550 matches 226 are played.",
        "With two workers every deterministic pairing is played once in all and replayed by the",
        "worker that played it; the solver starts once, before the pool forks (importing Numba",
        "and SciPy takes about a second); the fixed part of a run (schedule, forking, the",
        "database's schema, the closing checkpoint) is about 35 ms of it.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(text)
        print(f"wrote {RESULTS}")
    if mismatches:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

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
import os
import platform
import sqlite3
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

TURNS = 200
REPETITIONS = 10
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


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--no-write", action="store_true", help="print only; do not update the table"
    )
    args = parser.parse_args()

    shared = shared_strategies()
    ours = [s[0] for s in shared]
    theirs = [s[1] for s in shared]
    started = time.perf_counter()
    import axelrod  # noqa: F401  (import time is reported, not timed as play)

    import_seconds = time.perf_counter() - started
    rows = []
    axl_1 = time_axelrod(theirs, processes=1, build_results=False)
    rows.append(("axelrod", "Tournament.play, serial, no result set", 1, *axl_1))
    axl_1r = time_axelrod(theirs, processes=1, build_results=True)
    rows.append(("axelrod", "Tournament.play, serial, result set", 1, *axl_1r))
    axl_2 = time_axelrod(theirs, processes=2, build_results=False)
    rows.append(("axelrod", "Tournament.play(processes=2), no result set", 2, *axl_2))
    with tempfile.TemporaryDirectory() as folder:
        one = time_arena(ours, 1, Path(folder))
        rows.append(("arena", "run_tournament, every turn in SQLite", one[3], one[0], one[1]))
        default = time_arena(ours, None, Path(folder))
        rows.append(
            (
                "arena",
                "run_tournament, default workers, every turn in SQLite",
                default[3],
                default[0],
                default[1],
            )
        )
        compared, mismatches = check_identical_scores(shared, default[2])

    baseline = axl_1[0] / axl_1[1]
    lines = [
        "# Axelrod round robin: arena vs the Axelrod library",
        "",
        f"{len(shared)} shared strategies ({', '.join(ours)}), {TURNS} turns, {REPETITIONS} "
        "repetitions, self-play included, one run of `benchmarks/bench_axelrod_round_robin.py`.",
        f"Machine: {machine()}. axelrod {version('axelrod')}, "
        f"strategic-arena {version('strategic-arena')}.",
        f"Importing axelrod took {import_seconds:.1f} s (not counted).",
        "",
        "| tool | mode | processes | matches | seconds | matches/s | ratio to axelrod, 1 process |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for tool, mode, processes, matches, seconds in rows:
        rate = matches / seconds
        lines.append(
            f"| {tool} | {mode} | {processes} | {matches} | {seconds:.2f} | {rate:.0f} "
            f"| {rate / baseline:.1f}x |"
        )
    lines += [
        "",
        f"Deterministic pairs compared with axelrod's own `Match`: {compared}; "
        f"identical scores: {compared - len(mismatches)}.",
    ]
    lines += [f"- mismatch: {m}" for m in mismatches]
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

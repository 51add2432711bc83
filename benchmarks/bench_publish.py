"""Publishing the site of 100,000 matches of 20 agents: seconds, not minutes.

The database is built as a user builds one: ``arena run`` of a round robin of 20 scripted
agents (12 registered matrix strategies and ``random`` at 8 other probabilities of its first
action) in the 10-round Prisoner's Dilemma, every seating both ways, 264 times: 100,320
matches, every turn stored. Then ``arena leaderboard publish`` (its defaults: 1,000 bootstrap
rounds) writes the whole site, ``RUNS`` times into fresh folders, each timed from outside (wall
time, and the CPU time of the process and its workers); ``arena leaderboard show --json``, which
ranks the same tournament and writes nothing else, is timed beside it, so the table says what
the site itself costs. The folder's size, its number of files and its largest match page are
read from the last site.

Run: ``python benchmarks/bench_publish.py`` (``--quick``: 20,000 matches, no file written).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from machine_info import machine  # benchmarks/ is on the path when a script runs

ARENA = Path(sys.executable).with_name("arena")
RESULTS = Path(__file__).parent / "results" / "publish.md"
RUNS = 3
GOAL_SECONDS = 30.0  # "seconds, not minutes"
STRATEGIES = (
    "tit-for-tat",
    "always-defect",
    "always-cooperate",
    "alternator",
    "defect-once",
    "generous-tit-for-tat",
    "grim-trigger",
    "suspicious-tit-for-tat",
    "tit-for-two-tats",
    "win-stay-lose-shift",
    "turn-taker",
    "random",
)
RANDOM_P = (10, 20, 30, 40, 60, 70, 80, 90)  # random agents' chance of the first action, in %


def tournament(repetitions: int) -> str:
    """The tournament file: 20 agents, a round robin both ways, ``repetitions`` times."""
    agents = [f'[[agents]]\nname = "{name}"' for name in STRATEGIES]
    agents += [f'[[agents]]\nname = "random"\nalias = "random-{p}"\np = 0.{p}' for p in RANDOM_P]
    return (
        '[tournament]\nname = "bench"\nseed = 1\n'
        '[game]\nid = "matrix/prisoners-dilemma-v0"\nrounds = 10\n'
        f'[schedule]\nformat = "round-robin"\nrepetitions = {repetitions}\nswap_seats = true\n'
        + "\n".join(agents)
        + "\n"
    )


def timed(*args: str | Path) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user and system, with the workers it waited for) of one
    ``arena`` command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([str(ARENA), *map(str, args)], capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"arena {' '.join(map(str, args))} failed:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def folder_facts(site: Path) -> dict[str, float]:
    files = [p for p in site.rglob("*") if p.is_file()]
    pages = [p for p in files if p.parent.name == "matches" and p.stem.isdigit()]
    return {
        "files": len(files),
        "pages": len(pages),
        "megabytes": sum(p.stat().st_size for p in files) / 1e6,
        "largest_page_kb": max(p.stat().st_size for p in pages) / 1e3,
        "finder_mb": max(p.stat().st_size for p in files if p.name == "find.html") / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 matches, no file written")
    quick = parser.parse_args().quick
    repetitions = 53 if quick else 264
    with tempfile.TemporaryDirectory(prefix="arena-bench-publish-") as work:
        folder = Path(work)
        path = folder / "bench.toml"
        path.write_text(tournament(repetitions), encoding="utf-8")
        db = folder / "bench.db"
        build_wall, _ = timed("run", path, "--db", db, "--quiet")
        load = os.getloadavg()[0]
        shows, publishes = [], []
        for run in range(RUNS):
            shows.append(timed("leaderboard", "show", "--db", db, "--json"))
            publishes.append(
                timed("leaderboard", "publish", "--db", db, "--out", folder / f"s{run}")
            )
        facts = folder_facts(folder / f"s{RUNS - 1}")
        matches = 380 * repetitions
    show_wall = statistics.median(w for w, _ in shows)
    show_cpu = statistics.median(c for _, c in shows)
    wall = statistics.median(w for w, _ in publishes)
    cpu = statistics.median(c for _, c in publishes)
    lines = [
        "# Publishing the site: 100,000 matches of 20 agents",
        "",
        f"Machine: {machine()}. strategic-arena {version('strategic-arena')}, matplotlib "
        f"{version('matplotlib')}, jinja2 {version('jinja2')}. One run of "
        "`benchmarks/bench_publish.py`; each command timed from outside, the median of "
        f"{RUNS} runs (load average {load:.1f} when they started: the machine is shared).",
        "",
        f"The database: `arena run` of a round robin of 20 scripted agents, 10-round Prisoner's "
        f"Dilemma, every seating both ways, {repetitions} times: {matches:,} matches, every turn "
        f"stored ({build_wall:.1f} s to play and store them).",
        "",
        "| command | wall seconds | CPU seconds (with its workers) |",
        "|---|---:|---:|",
        f"| `arena leaderboard show --json` (the ranking alone) | {show_wall:.1f} | "
        f"{show_cpu:.1f} |",
        f"| `arena leaderboard publish` (the whole site) | {wall:.1f} | {cpu:.1f} |",
        "",
        f"The site: {facts['files']:,.0f} files, {facts['megabytes']:.0f} MB; "
        f"{facts['pages']:,.0f} match pages (at most 100 matches each), the largest "
        f"{facts['largest_page_kb']:.0f} kB; the finder's page, with its index of every match, "
        f"{facts['finder_mb']:.1f} MB.",
        "",
        f"Goal: the site of 100,000 matches in seconds, not minutes (< {GOAL_SECONDS:.0f} s): "
        f"{wall:.1f} s, {'met' if wall < GOAL_SECONDS else 'NOT met'}.",
        "",
        "Where the time goes: the ranking (Bradley-Terry with 1,000 bootstrap rounds, the",
        "meta-game views) is the `show` row; on top of it the site reads every match in three",
        "queries, cuts a matrix game's actions out of the stored JSON with one regular",
        "expression (not decoding the rewards), builds each match's seats and moves as escaped",
        "HTML in Python, and leaves the rest of each page to Jinja; a tournament of more than",
        "5,000 matches has its match pages rendered by worker processes while the main process",
        "ranks and draws the figures; the files are written unflushed and flushed in one",
        "`syncfs`, then swapped in whole.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if not quick:
        RESULTS.write_text(text, encoding="utf-8")
        print(f"written: {RESULTS}")


if __name__ == "__main__":
    main()

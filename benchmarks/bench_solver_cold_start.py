"""Cold start: a fresh process that imports the solver and solves one game, cache warm.

Numba compiles a kernel the first time it is called and, with ``cache=True``, keeps the
machine code beside the source (``__pycache__``) so that later processes only load it. This
script times whole fresh interpreters (``python -c ...``), as ``arena solve`` or a notebook
starts, in two layouts:

- the working tree (a fresh clone, installed in editable mode), and
- an installed copy (``pip install --no-deps --target``), as from a wheel.

For each it runs one process to fill the cache (its time is shown, not the goal), then
times several more and reports the median, and reads Numba's own cache statistics to show
that the later processes compiled nothing. Beside them: ``import quantecon`` alone.

Run: ``make bench-solver`` or ``python benchmarks/bench_solver_cold_start.py [--quick]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from machine_info import machine, publish  # benchmarks/ is on the path when a script runs

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("results") / "solver_cold_start.md"
GOAL_SECONDS = 1.0

SOLVE_ONE_GAME = """
import json
import arena.solver as solver
result = solver.support_enumeration([[3, 0], [5, 1]], [[3, 5], [0, 1]])
from arena.solver.support_enumeration import _support_enumeration as kernel
print(json.dumps({"equilibria": len(result), "file": solver.__file__,
                  "hits": sum(kernel.stats.cache_hits.values()),
                  "misses": sum(kernel.stats.cache_misses.values())}))
"""


def run(code: str, env: dict[str, str], cwd: Path) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"the probe failed:\n{done.stderr}")
    return seconds, done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def layout_rows(name: str, env: dict[str, str], cwd: Path, repeats: int) -> list[str]:
    first, first_out = run(SOLVE_ONE_GAME, env, cwd)
    timings, stats = [], []
    for _ in range(repeats):
        seconds, out = run(SOLVE_ONE_GAME, env, cwd)
        timings.append(seconds)
        stats.append(json.loads(out))
    median = statistics.median(timings)
    misses = sum(s["misses"] for s in stats)
    hits = sum(s["hits"] for s in stats)
    verdict = "met" if median < GOAL_SECONDS and misses == 0 else "NOT met"
    first_stats = json.loads(first_out)
    print(f"{name}: arena.solver from {first_stats['file']}")
    return [
        f"| {name}: first process (fills the cache) | {first:.2f} | "
        f"{first_stats['misses']} compiled, {first_stats['hits']} loaded | |",
        f"| {name}: later processes, median of {repeats} | {median:.2f} | "
        f"{misses} compiled, {hits} loaded | {verdict} |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, no results file")
    args = parser.parse_args()
    repeats = 3 if args.quick else 9
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    lines = [
        "# Solver cold start: a fresh process imports the solver and solves one game",
        "",
        f"Machine: {machine()}. numba {version('numba')}, quantecon {version('quantecon')}, "
        f"strategic-arena {version('strategic-arena')}.",
        "Wall time of a whole `python -c` process: import `arena.solver`, solve the "
        "Prisoner's Dilemma by support enumeration. Goal: under 1 s with the cache warm, and "
        "nothing compiled.",
        "",
        "| layout | seconds | Numba kernels | goal |",
        "|---|---:|---|---|",
    ]
    with tempfile.TemporaryDirectory() as folder:
        # A working tree whose cache starts empty: its own copy of the cache directory.
        env = {**base_env, "NUMBA_CACHE_DIR": str(Path(folder) / "clone-cache")}
        lines += layout_rows("fresh clone (editable install)", env, ROOT, repeats)
        target = Path(folder) / "site"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-deps",
                "--target",
                str(target),
                str(ROOT),
            ],
            check=True,
        )
        env = {**base_env, "PYTHONPATH": str(target)}
        lines += layout_rows("installed package (pip --target)", env, Path(folder), repeats)
        quantecon = statistics.median(
            run("import quantecon", base_env, Path(folder))[0] for _ in range(repeats)
        )
        lines.append(f"| `import quantecon` alone, median of {repeats} | {quantecon:.2f} | | |")
    publish(lines, RESULTS, write=not args.quick)


if __name__ == "__main__":
    main()

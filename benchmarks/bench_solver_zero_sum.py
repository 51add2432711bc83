"""Zero-sum game values: arena.solver.zero_sum_value against scipy's HiGHS, in one run.

Each game is a seeded random matrix; every tool solves the same games in the same process,
after a warm-up that compiles (or loads) the Numba kernels. The peers:

- ``scipy.optimize.linprog(method="highs")`` on the row player's LP ``max v s.t. A'x >= v 1,
  sum(x) = 1, x >= 0``. One call gives the value, the row strategy and (from the duals) the
  column strategy. Only the call is timed; building its constraint matrices is not.
- ``nashpy.Game(A).linear_program()``, which solves one such LP per player through the same
  ``linprog``, for reference.

``zero_sum_value`` is timed as a user calls it: validation, scaling, the simplex and the
refinement of both strategies. Times are the median of several repeats; ratios are peer time
over our time (above 1: we are faster). The run checks that the values agree with HiGHS's to
1e-9 and that our strategies certify the value (``gap``) to 1e-9.

Run: ``python benchmarks/bench_solver_zero_sum.py`` (``--quick`` for fewer repeats,
``--no-write`` to keep the committed table).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from functools import partial
from importlib.metadata import version
from pathlib import Path
from statistics import median
from typing import TypeVar

import numpy as np
from machine_info import machine, publish  # benchmarks/ is on the path when a script runs

Result = TypeVar("Result")
RESULTS = Path(__file__).with_name("results") / "solver_zero_sum.md"
AGREEMENT = 1e-9
# (label, rows, columns, kind, seed, part of the goal)
GAMES = [
    ("10x10 normal", 10, 10, "normal", 1, True),
    ("100x100 normal", 100, 100, "normal", 2, True),
    ("300x300 normal", 300, 300, "normal", 3, True),
    ("100x100 {-1, 0, 1} (degenerate)", 100, 100, "ternary", 4, False),
    ("50x200 normal", 50, 200, "normal", 5, False),
]


def make_game(rows: int, cols: int, kind: str, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if kind == "normal":
        return rng.standard_normal((rows, cols))
    return rng.integers(-1, 2, (rows, cols)).astype(float)


def highs_solver(A: np.ndarray) -> Callable[[], float]:
    """The HiGHS call on the prepared LP; returns the value."""
    from scipy.optimize import linprog

    m, n = A.shape
    cost = np.zeros(m + 1)
    cost[-1] = -1.0
    A_ub = np.hstack([-A.T, np.ones((n, 1))])
    b_ub = np.zeros(n)
    A_eq = np.append(np.ones(m), 0.0)[None, :]
    bounds = [(0, None)] * m + [(None, None)]

    def solve() -> float:
        result = linprog(
            cost, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=[1.0], bounds=bounds, method="highs"
        )
        return float(-result.fun)

    return solve


def nashpy_solver(A: np.ndarray) -> Callable[[], float]:
    import nashpy

    game = nashpy.Game(A)

    def solve() -> float:
        row, col = game.linear_program()
        return float(row @ A @ col)

    return solve


def timed(solve: Callable[[], Result], repeats: int) -> tuple[float, Result]:
    """Median seconds of ``repeats`` calls, and the last call's result."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = solve()
        times.append(time.perf_counter() - started)
    return median(times), result


def repeats_for(size: int, quick: bool) -> int:
    if quick:
        return 3
    return 50 if size <= 20 else 15 if size <= 100 else 7


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 repeats per game")
    parser.add_argument("--no-write", action="store_true", help="print only; keep the table")
    args = parser.parse_args()

    from arena.solver import zero_sum_value

    zero_sum_value(np.eye(3))  # compile or load the cached kernels
    rows, failures = [], []
    for label, m, n, kind, seed, in_goal in GAMES:
        A = make_game(m, n, kind, seed)
        repeats = repeats_for(max(m, n), args.quick)
        highs = highs_solver(A)
        nashpy = nashpy_solver(A)
        highs()  # warm both peers up too
        nashpy()
        t_highs, v_highs = timed(highs, repeats)
        t_nashpy, _ = timed(nashpy, repeats)
        t_ours, ours = timed(partial(zero_sum_value, A), repeats)
        difference = abs(ours.value - v_highs)
        agrees = difference <= AGREEMENT and ours.gap <= AGREEMENT and ours.converged
        if not agrees:
            failures.append(f"{label}: |value - HiGHS| = {difference:.1e}, gap {ours.gap:.1e}")
        rows.append((label, in_goal, t_highs, t_nashpy, t_ours, ours, difference, agrees))

    goal_rows = [row for row in rows if row[1]]
    met = all(row[2] >= row[4] and row[7] for row in goal_rows)
    mode = "quick run (3 repeats)" if args.quick else "median of 7-50 repeats"
    lines = [
        "# Zero-sum game values: arena vs scipy's HiGHS",
        "",
        f"Seeded random games, one run of `benchmarks/bench_solver_zero_sum.py`, {mode}.",
        f"Machine: {machine()}. numpy {version('numpy')}, numba {version('numba')}, "
        f"scipy {version('scipy')}, nashpy {version('nashpy')}.",
        "",
        "| game | scipy linprog HiGHS (ms) | nashpy linear_program (ms) | zero_sum_value (ms) "
        "| HiGHS / ours | nashpy / ours | pivots | gap | |value - HiGHS| |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, in_goal, t_highs, t_nashpy, t_ours, ours, difference, _ in rows:
        name = f"**{label}**" if in_goal else label
        lines.append(
            f"| {name} | {t_highs * 1e3:.3f} | {t_nashpy * 1e3:.3f} | {t_ours * 1e3:.3f} "
            f"| {t_highs / t_ours:.1f}x | {t_nashpy / t_ours:.1f}x | {ours.iterations} "
            f"| {ours.gap:.1e} | {difference:.1e} |"
        )
    lines += [
        "",
        "Goal (bold rows): at least as fast as scipy.optimize.linprog with HiGHS on 10x10, "
        f"100x100 and 300x300 games, values agreeing to {AGREEMENT:g}: "
        f"**{'met' if met else 'not met'}**.",
        "",
        "Reading it: HiGHS returns the value and the row strategy from one LP (the column",
        "strategy from its duals); nashpy solves one LP per player. `zero_sum_value` returns",
        "both strategies and `gap`, the spread of what they guarantee, which certifies the",
        "value. Its LP is a dense one-phase simplex on the condensed tableau (steepest edge,",
        "Bland's rule after degenerate stretches), refined at the optimal basis.",
    ]
    lines += [f"- disagreement: {failure}" for failure in failures]
    publish(lines, RESULTS, write=not args.no_write)
    if failures:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

"""All equilibria of small random bimatrix games: the arena's solver beside its peers, one run.

Games have independent standard-normal payoffs (nondegenerate with probability one), drawn
from one seeded generator, so every tool solves the same games. Each tool starts from the
payoff matrices ``(A, B)``; for quantecon that includes building its ``NormalFormGame``, and
a second quantecon row times ``support_enumeration`` alone on prebuilt games. Peers that are
slow are timed on a sample of the games and reported per game; our batched kernel solves the
whole stack in one call. The JIT is warmed up before timing; each figure is the median of
several timings. The run also checks, on a sample, that every tool finds the same equilibria
(nashpy is shown but not checked: it misses mixed equilibria of float games larger than 2x2).

Run: ``make bench-solver`` or ``python benchmarks/bench_solver_enumeration.py [--quick]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import numpy as np
from machine_info import machine, publish  # benchmarks/ is on the path when a script runs

RESULTS = Path(__file__).with_name("results") / "solver_enumeration.md"
SEED = 20261123


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def rounded(pairs) -> list[tuple[float, ...]]:
    return sorted(
        tuple(np.round(np.concatenate([np.asarray(x), np.asarray(y)]), 6) + 0.0) for x, y in pairs
    )


def quantecon_solver(prebuilt: bool):
    import quantecon.game_theory as gt

    def solve(A: np.ndarray, B: np.ndarray):
        return gt.support_enumeration(gt.NormalFormGame((gt.Player(A), gt.Player(B.T))))

    if not prebuilt:
        return solve, lambda A, B: (A, B)

    return (lambda game, _unused: gt.support_enumeration(game)), (
        lambda A, B: (gt.NormalFormGame((gt.Player(A), gt.Player(B.T))), None)
    )


def nashpy_solve(A: np.ndarray, B: np.ndarray):
    import nashpy

    return list(nashpy.Game(A, B).support_enumeration())


def gambit_solve(A: np.ndarray, B: np.ndarray):
    import pygambit as gbt

    game = gbt.Game.from_arrays(A, B)
    result = gbt.nash.enummixed_solve(game, rational=False)
    return [
        tuple(np.array([float(eq[p][s]) for s in p.strategies]) for p in game.players)
        for eq in result.equilibria
    ]


def per_game_seconds(solve, prepare, A: np.ndarray, B: np.ndarray, repeats: int) -> float:
    """Median over repeats of the time per game to solve every game of the sample."""
    inputs = [prepare(A[g], B[g]) for g in range(A.shape[0])]

    def run() -> None:
        for first, second in inputs:
            solve(first, second)

    return median_seconds(run, repeats) / A.shape[0]


def bench_shape(m: int, n: int, games: int, sample: int, repeats: int, with_nashpy: bool):
    from arena.solver.batch import all_equilibria_batch
    from arena.solver.support_enumeration import support_enumeration

    rng = np.random.default_rng(SEED + 10 * m + n)
    A = rng.standard_normal((games, m, n))
    B = rng.standard_normal((games, m, n))
    SA, SB = A[:sample], B[:sample]

    # Warm up every JIT (ours and quantecon's) and check agreement on the sample.
    batch = all_equilibria_batch(A, B)
    qe_solve, qe_prepare = quantecon_solver(prebuilt=False)
    disagreements = 0
    for g in range(min(sample, 200)):
        ours = rounded(support_enumeration(SA[g], SB[g]))
        if ours != rounded(zip(*batch.of(g))) or ours != rounded(qe_solve(SA[g], SB[g])):
            disagreements += 1
        if g < 50 and ours != rounded(gambit_solve(SA[g], SB[g])):
            disagreements += 1

    rows: list[tuple[str, float]] = []
    rows.append(
        (
            "quantecon: NormalFormGame + support_enumeration",
            per_game_seconds(qe_solve, qe_prepare, SA, SB, repeats),
        )
    )
    pre_solve, pre_prepare = quantecon_solver(prebuilt=True)
    rows.append(
        (
            "quantecon: support_enumeration, game prebuilt",
            per_game_seconds(pre_solve, pre_prepare, SA, SB, repeats),
        )
    )
    if with_nashpy:
        small = max(sample // 10, 20)
        rows.append(
            (
                "nashpy: Game + support_enumeration",
                per_game_seconds(
                    nashpy_solve, lambda a, b: (a, b), SA[:small], SB[:small], max(repeats // 2, 1)
                ),
            )
        )
    small = max(sample // 5, 20)
    rows.append(
        (
            "pygambit: enummixed_solve (float)",
            per_game_seconds(
                gambit_solve, lambda a, b: (a, b), SA[:small], SB[:small], max(repeats // 2, 1)
            ),
        )
    )
    rows.append(
        (
            "arena: support_enumeration, one game per call",
            per_game_seconds(support_enumeration, lambda a, b: (a, b), SA, SB, repeats),
        )
    )
    batch_seconds = median_seconds(lambda: all_equilibria_batch(A, B), repeats) / games
    rows.append((f"arena: all_equilibria_batch, {games:,} games in one call", batch_seconds))
    return rows, disagreements


GOALS = {
    (2, 2): ("arena: all_equilibria_batch", "quantecon: NormalFormGame", 100.0),
    (3, 3): ("arena: support_enumeration", "quantecon: support_enumeration, game prebuilt", 1.0),
    (5, 5): ("arena: support_enumeration", "quantecon: support_enumeration, game prebuilt", 1.0),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small samples, no results file")
    args = parser.parse_args()
    plans = [
        # (m, n, games in the batch, sample for per-game tools, repeats, nashpy)
        (2, 2, 100_000, 5_000, 5, True),
        (3, 3, 20_000, 2_000, 5, True),
        (5, 5, 2_000, 300, 5, False),
    ]
    if args.quick:
        plans = [
            (m, n, games // 100, max(sample // 100, 20), 1, ny)
            for m, n, games, sample, _, ny in plans
        ]

    lines = [
        "# All equilibria of random bimatrix games: arena vs quantecon, nashpy, pygambit",
        "",
        f"Machine: {machine()}. quantecon {version('quantecon')}, nashpy {version('nashpy')}, "
        f"pygambit {version('pygambit')}, numba {version('numba')}, "
        f"strategic-arena {version('strategic-arena')}.",
        "Standard-normal payoffs, one seeded generator; every tool starts from `(A, B)`. "
        "Medians of several timings after a warm-up; per-game peers timed on a sample.",
        "",
        "| games | tool | µs per game | games/s | our speed-up (peer time / ours) |",
        "|---|---|---:|---:|---:|",
    ]
    verdicts = []
    for m, n, games, sample, repeats, with_nashpy in plans:
        rows, disagreements = bench_shape(m, n, games, sample, repeats, with_nashpy)
        goal = GOALS.get((m, n))
        ours = min(sec for name, sec in rows if goal and name.startswith(goal[0])) if goal else None
        for name, seconds in rows:
            ratio = ""
            if name.startswith("arena"):
                reference = dict(rows)["quantecon: NormalFormGame + support_enumeration"]
                ratio = f"{reference / seconds:.1f}x vs quantecon"
            lines.append(
                f"| {m}x{n} | {name} | {seconds * 1e6:,.2f} | {1 / seconds:,.0f} | {ratio} |"
            )
        if goal:
            peer = next(sec for name, sec in rows if name.startswith(goal[1]))
            achieved = peer / ours
            verdicts.append(
                f"- {m}x{n}: {goal[0]} is {achieved:.1f}x {goal[1]} "
                f"(goal: at least {goal[2]:g}x): {'met' if achieved >= goal[2] else 'NOT met'}."
            )
        verdicts.append(
            f"- {m}x{n}: equilibria differing from quantecon/pygambit on the checked sample: "
            f"{disagreements}."
        )
    lines += ["", "Goals and checks:", *verdicts]
    publish(lines, RESULTS, write=not args.quick)


if __name__ == "__main__":
    main()

"""Exact round robin of 200 memory-one strategies over 200 turns, against playing it out.

``arena.solver.memory_one_tournament`` gives the exact expected scores of every pair (self-play
included: 20,100 pairs) from the Markov chain of outcomes, in one jitted kernel. Peers on the
same 200 seeded random strategies (first-move probability included), Axelrod's Prisoner's
Dilemma:

- the Axelrod library, if importable: ``MemoryOnePlayer`` / ``Match``, one match per pair, timed
  on a sample of pairs and extrapolated to all of them (it is not a dependency; when it is
  missing this row is left out);
- NumPy, simulation by play, one match per pair turn by turn (what a match runner does), timed
  on a sample of pairs and extrapolated;
- NumPy, simulation by play of all pairs at once (one match each, vectorised over pairs);
- NumPy, the same exact Markov chain as ours, vectorised over pairs (200 steps of ``v M``).

Simulations give one noisy sample per pair, not the expectation; the table shows how far one
match lands from the exact score. The exact NumPy chain must agree with ours to 1e-9, and the
simulations' mean error must be within 4 standard errors of 0. Times are medians of several
runs after a warm-up call (JIT compiled or loaded from cache); the cold first call is listed
apart.

Run: ``python benchmarks/bench_solver_memory_one.py`` (writes
``benchmarks/results/solver_memory_one.md``), or ``--quick`` for a smoke run that writes nothing.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from statistics import median
from typing import Any

import numpy as np
from machine_info import machine, publish  # benchmarks/ is on the path when a script runs

STRATEGIES = 200
TURNS = 200
SEED = 2024
GOAL_SECONDS = 1.0
PD = np.array([[3.0, 0.0], [5.0, 1.0]])  # R, S, T, P = 3, 0, 5, 1
RESULTS = Path(__file__).with_name("results") / "solver_memory_one.md"


def seeded_strategies() -> np.ndarray:
    return np.random.default_rng(SEED).random((STRATEGIES, 5))


def unordered_pairs(size: int) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = np.triu_indices(size)
    return rows, cols


def timed(call: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median seconds of ``runs`` calls, and the last result."""
    seconds = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        seconds.append(time.perf_counter() - started)
    return median(seconds), result


def ours(strategies: np.ndarray) -> np.ndarray:
    from arena.solver import memory_one_tournament

    return memory_one_tournament(strategies, PD, turns=TURNS)


def numpy_exact(strategies: np.ndarray) -> np.ndarray:
    """The chain of outcomes for every unordered pair at once: ``TURNS`` steps of ``v M``."""
    size = len(strategies)
    rows, cols = unordered_pairs(size)
    p, q = strategies[rows], strategies[cols]
    x_of = np.array([0, 0, 1, 1])
    y_of = np.array([0, 1, 0, 1])
    # X cooperates after state s = 2x + y with p[1 + s]; Y sees (y, x): q[1 + 2y + x].
    px = p[:, 1:5]
    qy = q[:, 1 + 2 * y_of + x_of]
    law_x = np.stack([px, 1 - px], axis=2)  # (pairs, state, x')
    law_y = np.stack([qy, 1 - qy], axis=2)
    M = (law_x[:, :, :, None] * law_y[:, :, None, :]).reshape(-1, 4, 4)
    v = (
        np.stack([p[:, 0], 1 - p[:, 0]], 1)[:, :, None]
        * np.stack([q[:, 0], 1 - q[:, 0]], 1)[:, None, :]
    ).reshape(-1, 4)
    occupation = np.zeros_like(v)
    for _ in range(TURNS):
        occupation += v
        v = np.einsum("ps,pst->pt", v, M)
    scores = np.empty((size, size))
    scores[rows, cols] = occupation @ PD.ravel() / TURNS
    scores[cols, rows] = occupation @ PD.T.ravel() / TURNS
    return scores


def numpy_play_vectorised(strategies: np.ndarray, seed: int) -> np.ndarray:
    """One match per unordered pair, all pairs moving together, turn by turn."""
    rng = np.random.default_rng(seed)
    size = len(strategies)
    rows, cols = unordered_pairs(size)
    p, q = strategies[rows], strategies[cols]
    every = np.arange(len(rows))
    x = (rng.random(len(rows)) >= p[:, 0]).astype(np.int64)  # 0 = C
    y = (rng.random(len(rows)) >= q[:, 0]).astype(np.int64)
    totals_x = np.zeros(len(rows))
    totals_y = np.zeros(len(rows))
    for _ in range(TURNS):
        totals_x += PD[x, y]
        totals_y += PD[y, x]
        cooperate_x = p[every, 1 + 2 * x + y]
        cooperate_y = q[every, 1 + 2 * y + x]
        x = (rng.random(len(rows)) >= cooperate_x).astype(np.int64)
        y = (rng.random(len(rows)) >= cooperate_y).astype(np.int64)
    scores = np.empty((size, size))
    scores[rows, cols] = totals_x / TURNS
    scores[cols, rows] = totals_y / TURNS
    return scores


def play_match(p: np.ndarray, q: np.ndarray, rng: np.random.Generator) -> tuple[float, float]:
    """One match of ``TURNS`` rounds, move by move, as a match runner plays it."""
    draws = rng.random((TURNS, 2)).tolist()
    p_list, q_list = p.tolist(), q.tolist()
    x = 0 if draws[0][0] < p_list[0] else 1
    y = 0 if draws[0][1] < q_list[0] else 1
    own = other = 0.0
    for turn in range(TURNS):
        own += PD[x, y]
        other += PD[y, x]
        if turn + 1 < TURNS:
            next_x = 0 if draws[turn + 1][0] < p_list[1 + 2 * x + y] else 1
            next_y = 0 if draws[turn + 1][1] < q_list[1 + 2 * y + x] else 1
            x, y = next_x, next_y
    return own / TURNS, other / TURNS


def sampled_pairs(sample: int) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = unordered_pairs(STRATEGIES)
    chosen = np.random.default_rng(SEED + 1).choice(len(rows), size=sample, replace=False)
    return rows[chosen], cols[chosen]


def numpy_play_per_match(strategies: np.ndarray, pairs: tuple[np.ndarray, np.ndarray]) -> list:
    rng = np.random.default_rng(SEED + 2)
    return [play_match(strategies[i], strategies[j], rng) for i, j in zip(*pairs)]


def axelrod_per_match(strategies: np.ndarray, pairs: tuple[np.ndarray, np.ndarray]) -> list:
    """Axelrod's ``Match`` of two ``MemoryOnePlayer``s; the opening move is drawn from p0."""
    import axelrod as axl

    rng = np.random.default_rng(SEED + 3)
    C, D = axl.Action.C, axl.Action.D
    results = []
    for k, (i, j) in enumerate(zip(*pairs)):
        p, q = strategies[i], strategies[j]
        players = (
            axl.MemoryOnePlayer(tuple(map(float, p[1:])), C if rng.random() < p[0] else D),
            axl.MemoryOnePlayer(tuple(map(float, q[1:])), C if rng.random() < q[0] else D),
        )
        match = axl.Match(players, turns=TURNS, seed=SEED + k)
        match.play()
        own, other = match.final_score()
        results.append((own / TURNS, other / TURNS))
    return results


def sample_errors(
    exact: np.ndarray, pairs: tuple[np.ndarray, np.ndarray], scores: list
) -> np.ndarray:
    i, j = pairs
    played = np.array(scores)
    return np.concatenate([played[:, 0] - exact[i, j], played[:, 1] - exact[j, i]])


def full_errors(exact: np.ndarray, played: np.ndarray) -> np.ndarray:
    return (played - exact).ravel()


def unbiased(errors: np.ndarray) -> bool:
    standard_error = errors.std(ddof=1) / np.sqrt(errors.size)
    return bool(abs(errors.mean()) <= 4 * standard_error)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and pairs; write nothing")
    parser.add_argument("--no-write", action="store_true", help="print only; keep the table")
    args = parser.parse_args()
    runs = 3 if args.quick else 7
    sample = 40 if args.quick else 400
    strategies = seeded_strategies()
    pair_count = STRATEGIES * (STRATEGIES + 1) // 2

    started = time.perf_counter()
    ours(strategies[:2])  # compiles the kernels, or loads them from Numba's cache
    cold = time.perf_counter() - started
    ours_seconds, exact = timed(lambda: ours(strategies), runs)

    rows = []  # (method, pairs timed, seconds for all pairs, extrapolated, result)
    rows.append(("arena.solver.memory_one_tournament", pair_count, ours_seconds, False, "exact"))
    checks = []
    try:
        import axelrod  # noqa: F401

        have_axelrod = True
    except ImportError:
        have_axelrod = False
    pairs = sampled_pairs(sample)
    if have_axelrod:
        seconds, played = timed(lambda: axelrod_per_match(strategies, pairs), 1)
        errors = sample_errors(exact, pairs, played)
        rows.append(
            (
                "axelrod MemoryOnePlayer + Match, one match per pair",
                sample,
                seconds * pair_count / sample,
                True,
                f"one match: RMS error {np.sqrt(np.mean(errors**2)):.3f}",
            )
        )
        checks.append(("axelrod mean error within 4 standard errors of 0", unbiased(errors)))
    seconds, played = timed(lambda: numpy_play_per_match(strategies, pairs), 1 if args.quick else 3)
    errors = sample_errors(exact, pairs, played)
    rows.append(
        (
            "NumPy simulation by play, one match per pair, turn by turn",
            sample,
            seconds * pair_count / sample,
            True,
            f"one match: RMS error {np.sqrt(np.mean(errors**2)):.3f}",
        )
    )
    checks.append(("per-match simulation: mean error within 4 standard errors", unbiased(errors)))
    seconds, played = timed(lambda: numpy_play_vectorised(strategies, SEED + 4), runs)
    errors = full_errors(exact, played)
    one_match_rms = float(np.sqrt(np.mean(errors**2)))
    vector_seconds = seconds
    rows.append(
        (
            "NumPy simulation by play, all pairs vectorised, one match each",
            pair_count,
            seconds,
            False,
            f"one match: RMS error {np.sqrt(np.mean(errors**2)):.3f}",
        )
    )
    checks.append(("vectorised simulation: mean error within 4 standard errors", unbiased(errors)))
    seconds, chain = timed(lambda: numpy_exact(strategies), runs)
    difference = float(np.abs(chain - exact).max())
    rows.append(
        (
            "NumPy exact Markov chain, all pairs vectorised",
            pair_count,
            seconds,
            False,
            f"exact: max difference {difference:.1e}",
        )
    )
    checks.append(("NumPy exact chain equals ours to 1e-9", difference <= 1e-9))

    met = ours_seconds < GOAL_SECONDS
    matches_needed = (one_match_rms / 0.01) ** 2
    lines = [
        "# Memory-one round robin: exact expected scores vs playing it out",
        "",
        f"{STRATEGIES} seeded random memory-one strategies (seed {SEED}, first move included), "
        f"{TURNS} turns, Prisoner's Dilemma R, S, T, P = 3, 0, 5, 1, every unordered pair once "
        f"with self-play: {pair_count} pairs. One run of `benchmarks/bench_solver_memory_one.py`"
        f"{' --quick' if args.quick else ''}; seconds are medians of {runs} runs after a warm-up "
        f"call (sampled rows: {sample} pairs, extrapolated to all {pair_count}).",
        f"Machine: {machine()}. numpy {version('numpy')}, numba {version('numba')}"
        + (f", axelrod {version('axelrod')}" if have_axelrod else ", axelrod not installed")
        + ".",
        f"First call of ours (JIT compile or cache load, 2 strategies): {cold:.2f} s "
        "(not counted).",
        "",
        "| method | pairs timed | seconds, all pairs | µs per pair | time / ours | result |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for method, timed_pairs, seconds, extrapolated, note in rows:
        label = f"{seconds:.3f}" + (" (extrapolated)" if extrapolated else "")
        lines.append(
            f"| {method} | {timed_pairs} | {label} | {seconds / pair_count * 1e6:.1f} "
            f"| {seconds / ours_seconds:.1f}x | {note} |"
        )
    lines += [
        "",
        f"Goal: exact expected scores of the {STRATEGIES}-strategy, {TURNS}-turn round robin in "
        f"< {GOAL_SECONDS:g} s (JIT warm): {ours_seconds:.3f} s, "
        + ("met." if met else "NOT met."),
        "",
        "Checks:",
    ]
    lines += [f"- {name}: {'yes' if ok else 'NO'}" for name, ok in checks]
    lines += [
        "",
        "Reading it: a simulation gives one random sample of each pair's score; its error",
        f"shrinks only like 1/sqrt(matches): for a standard error of 0.01 a pair needs about "
        f"{matches_needed:.0f} matches",
        f"(the vectorised NumPy row would take about {vector_seconds * matches_needed:.0f} s). "
        "The exact chain needs no repetitions: ours",
        "squares the 4x4 transition matrix (8 squarings for 200 turns) per pair in one jitted",
        "loop, and each unordered pair is computed once for both seats.",
    ]
    publish(lines, RESULTS, write=not (args.quick or args.no_write))
    if not all(ok for _, ok in checks) or not met:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

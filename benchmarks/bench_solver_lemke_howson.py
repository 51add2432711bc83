"""Lemke-Howson on random square games: the arena's solver against quantecon, pygambit, nashpy.

Each size gets the same seeded games with payoffs uniform on [0, 1). Every tool finds one
equilibrium of each game; each game is timed ``REPEATS`` times and its median kept, and the
table gives the mean of those medians per game and the ratio peer time / our time (above 1:
we are faster). The arena and quantecon drop label 0 (the row player's first action) and must
return the same equilibrium in the same number of pivots; pygambit's ``lcp_solve`` (Lemke's
algorithm in C++, ``rational=False, stop_after=1``) and nashpy's ``lemke_howson`` (NumPy)
must return an equilibrium (nashpy runs on the two smallest sizes only, and its wrong
answers are counted: its integer pivoting overflows on longer paths). pygambit runs in a
forked child with a time limit, because its float LCP solver does not finish on some games;
those games are counted and left out of its mean. quantecon's ``NormalFormGame`` and
pygambit's ``Game`` are built outside the timed call; the arena's time includes checking the
input arrays.

Goal (the solver issue): at least as fast as quantecon on 10x10, 30x30 and 100x100.

Run: ``python benchmarks/bench_solver_lemke_howson.py`` (writes
``benchmarks/results/solver_lemke_howson.md``), or with ``--quick`` for a smoke run that
writes nothing.
"""

from __future__ import annotations

import multiprocessing
import warnings
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
from machine_info import machine  # benchmarks/ is on the path when a script runs
from solver_bench_support import duration, games, main, timed

RESULTS = Path(__file__).with_name("results") / "solver_lemke_howson.md"
SIZES = {4: 20, 10: 20, 30: 10, 100: 5}  # size: number of games
NASHPY_SIZES = {4, 10}
GOAL_SIZES = {10, 30, 100}
REPEATS = 7
GAMBIT_LIMIT = 10.0  # seconds one game may take in pygambit before it counts as not finishing
TOL = 1e-8


def _gambit_child(connection: Any, A: np.ndarray, B: np.ndarray, repeats: int) -> None:
    import pygambit as gbt

    game = gbt.Game.from_arrays(A, B)
    seconds, found = timed(partial(gbt.nash.lcp_solve, game, rational=False, stop_after=1), repeats)
    profile = found.equilibria[0]
    x, y = (np.array([profile[p][s] for s in p.strategies], float) for p in game.players)
    connection.send((seconds, x, y))


def gambit_lcp(
    A: np.ndarray, B: np.ndarray, repeats: int, limit: float
) -> tuple[float, np.ndarray, np.ndarray] | None:
    """pygambit's timing and equilibrium, from a forked child stopped after ``limit`` s."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_gambit_child, args=(sender, A, B, repeats))
    child.start()
    answer = receiver.recv() if receiver.poll(limit) else None
    if child.is_alive():
        child.terminate()
    child.join()
    return answer


def regret(A: np.ndarray, B: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    return max(float((A @ y).max() - x @ A @ y), float((x @ B).max() - x @ B @ y))


def run(quick: bool) -> tuple[list[str], bool]:
    import nashpy
    import quantecon.game_theory as qe

    from arena.solver.lemke_howson import lemke_howson

    sizes = {size: max(2, count // 5) for size, count in SIZES.items()} if quick else SIZES
    repeats = 3 if quick else REPEATS
    limit = 5.0 if quick else GAMBIT_LIMIT

    # warm the JITs up (quantecon's and ours) on a game of each size
    for size in sizes:
        A, B = games(size, 1)[0]
        lemke_howson(A, B)
        qe.lemke_howson(qe.NormalFormGame((qe.Player(A), qe.Player(B.T))))

    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    for size, count in sizes.items():
        seconds: dict[str, list[float]] = {"arena": [], "quantecon": [], "pygambit": []}
        nashpy_failures = 0
        gambit_unfinished = 0
        if size in NASHPY_SIZES:
            seconds["nashpy"] = []
        pivots = []
        for index, (A, B) in enumerate(games(size, count)):
            ours_seconds, ours = timed(partial(lemke_howson, A, B), repeats)
            seconds["arena"].append(ours_seconds)
            pivots.append(ours.pivots)
            if not ours.converged or regret(A, B, ours.row, ours.col) > TOL:
                problems.append(f"{size}x{size} game {index}: arena result is not an equilibrium")

            game = qe.NormalFormGame((qe.Player(A), qe.Player(B.T)))
            theirs_seconds, (theirs, info) = timed(
                partial(qe.lemke_howson, game, full_output=True), repeats
            )
            seconds["quantecon"].append(theirs_seconds)
            same = np.allclose(theirs[0], ours.row, atol=1e-9) and np.allclose(
                theirs[1], ours.col, atol=1e-9
            )
            if not same or info.num_iter != ours.pivots:
                problems.append(f"{size}x{size} game {index}: quantecon's path differs")

            gambit = gambit_lcp(A, B, repeats, limit)
            if gambit is None:
                gambit_unfinished += 1
            else:
                seconds["pygambit"].append(gambit[0])
                if regret(A, B, gambit[1], gambit[2]) > TOL:
                    problems.append(f"{size}x{size} game {index}: pygambit's result is not one")

            if "nashpy" in seconds:
                nash_game = nashpy.Game(A, B)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    nash_seconds, (x, y) = timed(
                        partial(nash_game.lemke_howson, initial_dropped_label=0), repeats
                    )
                seconds["nashpy"].append(nash_seconds)
                right = x.shape == (size,) and y.shape == (size,) and np.isfinite(x).all()
                if not right or not np.isfinite(y).all() or regret(A, B, x, y) > TOL:
                    nashpy_failures += 1
        ours_mean = float(np.mean(seconds["arena"]))
        row = {
            "size": size,
            "games": count,
            "pivots": float(np.median(pivots)),
            "arena": ours_mean,
            "nashpy_failures": nashpy_failures,
            "gambit_unfinished": gambit_unfinished,
        }
        for tool in ("quantecon", "pygambit", "nashpy"):
            if seconds.get(tool):
                row[tool] = float(np.mean(seconds[tool]))
        rows.append(row)

    lines = [
        "# Lemke-Howson: arena vs quantecon, pygambit and nashpy",
        "",
        "One equilibrium of each seeded random square game (payoffs uniform on [0, 1)), label 0, "
        "one run of `benchmarks/bench_solver_lemke_howson.py`"
        + (" --quick" if quick else "")
        + f". Each game is timed {repeats} times (median); the table gives the mean per game "
        "and the ratio peer time / arena time (above 1: the arena is faster).",
        f"Machine: {machine()}. quantecon {version('quantecon')}, pygambit "
        f"{version('pygambit')}, nashpy {version('nashpy')}, numba {version('numba')}.",
        "",
        "| size | games | median pivots | arena | quantecon | vs quantecon | pygambit lcp "
        "| vs pygambit | nashpy | vs nashpy | goal: >= quantecon |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    met = True
    for row in rows:
        arena_time = row["arena"]
        quantecon_ratio = row["quantecon"] / arena_time
        cells = [
            f"{row['size']}x{row['size']}",
            str(row["games"]),
            f"{row['pivots']:.0f}",
            duration(arena_time),
            duration(row["quantecon"]),
            f"{quantecon_ratio:.2f}x",
        ]
        unfinished = row["gambit_unfinished"]
        note = f" ({unfinished} of {row['games']} unfinished)" if unfinished else ""
        if "pygambit" in row:
            cells += [duration(row["pygambit"]) + note, f"{row['pygambit'] / arena_time:.2f}x"]
        else:
            cells += ["none finished", "-"]
        if "nashpy" in row:
            failures = row["nashpy_failures"]
            note = f" ({failures} of {row['games']} wrong)" if failures else ""
            cells += [duration(row["nashpy"]) + note, f"{row['nashpy'] / arena_time:.2f}x"]
        else:
            cells += ["-", "-"]
        if row["size"] in GOAL_SIZES:
            ok = quantecon_ratio >= 1.0
            met = met and ok
            cells.append("met" if ok else "NOT met")
        else:
            cells.append("-")
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "Agreement: "
        + (
            "every arena result is an equilibrium and equals quantecon's (same pivots); "
            "every pygambit result is an equilibrium."
            if not problems
            else "PROBLEMS below."
        ),
    ]
    lines += [f"- {p}" for p in problems]
    lines += [
        "",
        "Reading it: quantecon's time excludes building its `NormalFormGame`; the arena's "
        "includes validating (A, B). pygambit's `lcp_solve` runs Lemke's algorithm on the "
        "LCP of the game, not the Lemke-Howson path from a label, so its pivots differ; an "
        f"unfinished game ran over {limit:.0f} s in it and is left out of its mean.",
    ]
    return lines, met and not problems


if __name__ == "__main__":
    main(__doc__.splitlines()[0], run, RESULTS)

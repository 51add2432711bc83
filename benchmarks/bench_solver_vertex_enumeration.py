"""All equilibria of random square games: the arena's vertex enumeration against its peers.

Each size gets the same seeded games with payoffs uniform on [0, 1) (nondegenerate with
probability one). Every tool lists all equilibria of each game; each game is timed
``REPEATS`` times (3 when one call takes over 50 ms) and its median kept, and the table gives
the mean of those medians per game and the ratio peer time / our time (above 1: we are
faster). Peers: quantecon's ``vertex_enumeration`` (Qhull on the polar polytopes, then a
Numba matching), pygambit's ``enummixed_solve(rational=False)`` (C++) and nashpy's
``vertex_enumeration`` (NumPy and SciPy's halfspace intersection, on the two smallest sizes
only). Every tool's set of equilibria must equal ours. quantecon's ``NormalFormGame``,
pygambit's ``Game`` and nashpy's ``Game`` are built outside the timed call; the arena's time
includes checking the input arrays.

Goal (the solver issue): at least as fast as quantecon on 8x8 and 10x10.

Run: ``python benchmarks/bench_solver_vertex_enumeration.py`` (writes
``benchmarks/results/solver_vertex_enumeration.md``), or with ``--quick`` for a smoke run that
writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
from machine_info import machine  # benchmarks/ is on the path when a script runs
from solver_bench_support import duration, games, main, timed

RESULTS = Path(__file__).with_name("results") / "solver_vertex_enumeration.md"
SIZES = {4: 30, 6: 20, 8: 20, 10: 10}  # size: number of games
NASHPY_SIZES = {4, 6}
GOAL_SIZES = {8, 10}
REPEATS = 7


def as_set(pairs: Iterable[tuple[Any, Any]]) -> set[tuple[float, ...]]:
    return {
        tuple(np.round(np.concatenate([np.asarray(x, float), np.asarray(y, float)]), 6) + 0.0)
        for x, y in pairs
    }


def gambit_pairs(game: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    import pygambit as gbt

    found = gbt.nash.enummixed_solve(game, rational=False)
    row_player, col_player = game.players
    return [
        (
            np.array([profile[row_player][s] for s in row_player.strategies], float),
            np.array([profile[col_player][s] for s in col_player.strategies], float),
        )
        for profile in found.equilibria
    ]


def nashpy_pairs(game: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    return list(game.vertex_enumeration())


def run(quick: bool) -> tuple[list[str], bool]:
    import nashpy
    import pygambit as gbt
    import quantecon.game_theory as qe

    from arena.solver.vertex_enumeration import vertex_enumeration

    sizes = {size: max(2, count // 5) for size, count in SIZES.items()} if quick else SIZES
    repeats = 3 if quick else REPEATS

    # warm the JITs up (quantecon's and ours)
    A, B = games(4, 1)[0]
    vertex_enumeration(A, B)
    qe.vertex_enumeration(qe.NormalFormGame((qe.Player(A), qe.Player(B.T))))

    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    for size, count in sizes.items():
        seconds: dict[str, list[float]] = {"arena": [], "quantecon": [], "pygambit": []}
        if size in NASHPY_SIZES:
            seconds["nashpy"] = []
        found = []
        for index, (A, B) in enumerate(games(size, count)):
            ours_seconds, ours = timed(partial(vertex_enumeration, A, B), repeats, slow=0.05)
            seconds["arena"].append(ours_seconds)
            found.append(len(ours))
            expected = as_set(ours)
            if ours.degenerate or len(expected) != len(ours):
                problems.append(f"{size}x{size} game {index}: arena flags or repeats")

            game = qe.NormalFormGame((qe.Player(A), qe.Player(B.T)))
            theirs_seconds, theirs = timed(partial(qe.vertex_enumeration, game), repeats, slow=0.05)
            seconds["quantecon"].append(theirs_seconds)
            if as_set(theirs) != expected:
                problems.append(f"{size}x{size} game {index}: quantecon's set differs")

            gambit_game = gbt.Game.from_arrays(A, B)
            gambit_seconds, listed = timed(partial(gambit_pairs, gambit_game), repeats, slow=0.05)
            seconds["pygambit"].append(gambit_seconds)
            if as_set(listed) != expected:
                problems.append(f"{size}x{size} game {index}: pygambit's set differs")

            if "nashpy" in seconds:
                nash_game = nashpy.Game(A, B)
                nash_seconds, listed = timed(partial(nashpy_pairs, nash_game), repeats, slow=0.05)
                seconds["nashpy"].append(nash_seconds)
                if as_set(listed) != expected:
                    problems.append(f"{size}x{size} game {index}: nashpy's set differs")
        row: dict[str, Any] = {"size": size, "games": count, "equilibria": float(np.mean(found))}
        for tool, values in seconds.items():
            row[tool] = float(np.mean(values))
        rows.append(row)

    lines = [
        "# Vertex enumeration: arena vs quantecon, pygambit and nashpy",
        "",
        "All equilibria of each seeded random square game (payoffs uniform on [0, 1)), one run "
        "of `benchmarks/bench_solver_vertex_enumeration.py`"
        + (" --quick" if quick else "")
        + f". Each game is timed {repeats} times (median; 3 times when a call takes over "
        "50 ms); the table gives the mean per game and the ratio peer time / arena time "
        "(above 1: the arena is faster).",
        f"Machine: {machine()}. quantecon {version('quantecon')}, scipy {version('scipy')}, "
        f"pygambit {version('pygambit')}, nashpy {version('nashpy')}, "
        f"numba {version('numba')}.",
        "",
        "| size | games | mean equilibria | arena | quantecon | vs quantecon | pygambit "
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
            f"{row['equilibria']:.1f}",
            duration(arena_time),
            duration(row["quantecon"]),
            f"{quantecon_ratio:.2f}x",
            duration(row["pygambit"]),
            f"{row['pygambit'] / arena_time:.2f}x",
        ]
        if "nashpy" in row:
            cells += [duration(row["nashpy"]), f"{row['nashpy'] / arena_time:.2f}x"]
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
            "every tool listed the same set of equilibria as the arena on every game, and the "
            "arena flagged no game as degenerate and listed none twice."
            if not problems
            else "PROBLEMS below."
        ),
    ]
    lines += [f"- {p}" for p in problems]
    lines += [
        "",
        "Reading it: the arena searches the feasible bases of both best-response polytopes "
        "breadth first in one Numba kernel and matches label bit masks by hashing; quantecon "
        "calls Qhull on each polar polytope from Python, then matches in Numba. Games built "
        "by each library are not timed.",
    ]
    return lines, met and not problems


if __name__ == "__main__":
    main(__doc__.splitlines()[0], run, RESULTS)

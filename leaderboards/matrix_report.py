"""What a repeated matrix game tournament measured, agent by agent, from the solver's scores.

Every number is read from ``metrics["solver"]``, stored with each match when it was played
(``arena.games.matrix.yardsticks`` and ``arena.scoring``), never recomputed from the turns.
Per agent, over its seats: the mean regret of its empirical play against its opponents'
(0: it played a best reply to what it met), its cooperation rate (where the game names a
cooperative action), its payoff per round beside the stage game's equilibrium payoffs and
best symmetric outcome (the stage game's, for each seat, in the tournament's part), and,
over the seats where every player was a memory-one strategy, the
exact expected payoff per round and the luck (scored minus expected). For the tournament: the
mean NashConv of the matches' empirical profiles.

Intervals: the seats of an agent are independent matches, and there are usually many, so
each mean gets the normal approximation, mean +- 1.96 standard errors (no interval with fewer
than two seats). It costs one pass, so a report of 100,000 matches takes no longer than
reading them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from arena.leaderboards.werewolf_report import Z95

__all__ = ["summary"]

MEASURES = ("regret", "cooperation", "payoff_per_round")
MEMORY_ONE = ("expected_per_round", "scored_per_round", "luck_per_round")
KEYS = tuple(f"memory_one_{key}" for key in MEMORY_ONE)


def _interval(values: Sequence[float]) -> dict[str, Any]:
    """The mean of ``values`` with its normal-approximation 95% interval."""
    n = len(values)
    if not n:
        return {"mean": None, "ci_low": None, "ci_high": None, "n": 0}
    mean = math.fsum(values) / n
    if n < 2:
        return {"mean": mean, "ci_low": None, "ci_high": None, "n": n}
    variance = math.fsum((v - mean) ** 2 for v in values) / (n - 1)
    half = Z95 * math.sqrt(variance / n)
    return {"mean": mean, "ci_low": mean - half, "ci_high": mean + half, "n": n}


def _seat_values(solver: dict[str, Any], seat: int) -> dict[str, float | None]:
    memory_one = solver.get("memory_one") or {}

    def at(source: dict[str, Any], key: str) -> float | None:
        values = source.get(key)
        return values[seat] if isinstance(values, list) and seat < len(values) else None

    return {
        "regret": at(solver, "regret"),
        "cooperation": at(solver, "cooperation"),
        "payoff_per_round": at(solver, "payoff_per_round"),
        **{f"memory_one_{key}": at(memory_one, key) for key in MEMORY_ONE},
    }


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The tournament's and each agent's measures over ``rows`` (``Store.outcomes``)."""
    scored = [r for r in rows if isinstance(r.get("metrics", {}).get("solver"), dict)]
    collected: dict[str, dict[str, list[float]]] = {}
    for row in scored:
        solver = row["metrics"]["solver"]
        for seat, agent in enumerate(row["agents"]):
            values = collected.setdefault(agent, {key: [] for key in ("seats", *MEASURES, *KEYS)})
            values["seats"].append(1.0)
            for key, value in _seat_values(solver, seat).items():
                if value is not None:
                    values[key].append(float(value))
    agents: list[dict[str, Any]] = [
        {
            "agent": agent,
            "seats": len(values["seats"]),
            **{key: _interval(values[key]) for key in MEASURES},
            "memory_one": {key: _interval(values[f"memory_one_{key}"]) for key in MEMORY_ONE},
        }
        for agent, values in collected.items()
    ]
    agents.sort(key=lambda a: (-(a["payoff_per_round"]["mean"] or 0.0), a["agent"]))
    stage = scored[0]["metrics"]["solver"] if scored else {}  # the same in every match
    best = stage.get("best_symmetric") or [None]
    return {
        "matches": len(rows),
        "scored": len(scored),
        "nash_conv": _interval([float(r["metrics"]["solver"]["nash_conv"]) for r in scored]),
        "equilibrium_payoff": stage.get("equilibrium_payoff"),
        "equilibrium_method": stage.get("equilibrium_method"),
        "best_symmetric": best[0],
        "agents": agents,
        "intervals": "In brackets: 95% intervals, mean +- 1.96 standard errors over an agent's "
        "seats; memory-one: the exact expectation and the score over the seats where both "
        "players were memory-one strategies",
    }


def _cell(measure: dict[str, Any], digits: int = 2) -> str:
    """``0.12 (0.10 to 0.14)``; without an interval the mean alone; a dash for nothing."""
    if measure["mean"] is None:
        return "-"
    if measure["ci_low"] is None:
        return f"{measure['mean']:.{digits}f}"
    low, high = measure["ci_low"], measure["ci_high"]
    return f"{measure['mean']:.{digits}f} ({low:.{digits}f} to {high:.{digits}f})"


def tables(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The report as the terminal and the site show it: the game's measures, then each
    agent's (``title``, ``head``, ``rows`` of text; names as they are, for the caller to
    escape)."""
    ranges = report["equilibrium_payoff"] or []
    equilibrium = "; ".join(
        "-" if r is None else f"seat {seat}: {r['min']:g} to {r['max']:g}"
        for seat, r in enumerate(ranges)
    )
    best = report["best_symmetric"]
    game = [
        ["matches scored", f"{report['scored']} of {report['matches']}"],
        ["NashConv of the empirical play (95% CI)", _cell(report["nash_conv"])],
        [f"equilibrium payoff ({report['equilibrium_method'] or '-'})", equilibrium or "-"],
        ["best symmetric outcome", "-" if best is None else f"{best:g}"],
    ]
    head = ["agent", "seats", "payoff a round", "regret", "cooperation"]
    head += ["memory-one: expected, scored", "luck a round"]
    rows = []
    for a in report["agents"]:
        memory = a["memory_one"]
        expected = "-"
        if memory["expected_per_round"]["mean"] is not None:
            expected = (
                f"{memory['expected_per_round']['mean']:.2f}, "
                f"{memory['scored_per_round']['mean']:.2f} "
                f"({memory['expected_per_round']['n']} seats)"
            )
        rows.append(
            [
                a["agent"],
                str(a["seats"]),
                _cell(a["payoff_per_round"]),
                _cell(a["regret"]),
                _cell(a["cooperation"]),
                expected,
                _cell(memory["luck_per_round"], 3),
            ]
        )
    return [
        {"title": "The solver's scores", "head": ["measure", "value"], "rows": game},
        {"title": "By agent", "head": head, "rows": rows},
    ]

"""What an auction tournament measured: revenue beside the theory's, efficiency, and each
bidder's profit, regret and distance from the equilibrium bid (the family's own report).

Every number is read from the metrics stored with each match (``games/auction``), never
recomputed. Intervals are 95% percentile bootstraps over matches (seeded, as the bargaining
report's), so the same database gives the same report.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from arena.leaderboards.bargaining_report import mean_interval


def _items(outcome: dict[str, Any]) -> int:
    """Items put up in a match: rounds of a sealed-bid or Dutch auction, English lots."""
    for key in ("winners", "rounds", "items"):  # sealed bids, the Dutch clock, English lots
        if key in outcome:
            return len(outcome[key])
    return 0


def _interval(values: list[float], seed: int) -> dict[str, float | None]:
    mean, low, high = mean_interval(values, seed)
    return {"mean": mean, "ci_low": low, "ci_high": high}


def summary(rows: list[dict[str, Any]], seed: int = 0) -> dict[str, Any]:
    """The auction's and each bidder's measures over ``rows`` (``Store.outcomes``)."""
    items = sum(_items(r["outcome"]) for r in rows)
    revenue = [r["metrics"]["revenue"] for r in rows]
    per_item = [r["metrics"]["revenue"] / n for r in rows if (n := _items(r["outcome"]))]
    expected = [r["metrics"].get("expected_revenue") for r in rows]
    expected_per_item = [
        e / n for e, r in zip(expected, rows) if e is not None and (n := _items(r["outcome"]))
    ]
    efficiency = [
        r["metrics"]["efficiency"] for r in rows if r["metrics"].get("efficiency") is not None
    ]
    bidders: dict[str, dict[str, list[float]]] = {}
    for r in rows:
        metrics = r["metrics"]
        for seat, agent in enumerate(r["agents"]):
            own = bidders.setdefault(
                agent,
                {"profit": [], "regret": [], "deviation": [], "items_won": [], "value_won": []},
            )
            own["profit"].append(metrics["profit"][seat])
            own["items_won"].append(metrics["items_won"][seat])
            own["value_won"].append(metrics["value_won"][seat])
            if metrics.get("money_left") is not None:
                own.setdefault("money_left", []).append(metrics["money_left"][seat])
            if metrics.get("regret") is not None:
                own["regret"].append(metrics["regret"][seat])
            if metrics.get("equilibrium_deviation") is not None:
                own["deviation"].append(metrics["equilibrium_deviation"][seat])
    return {
        "format": rows[0]["outcome"].get("format") if rows else None,
        "matches": len(rows),
        "items": items,
        "revenue_per_match": _interval(revenue, seed),
        "revenue_per_item": _interval(per_item, seed),
        "expected_revenue_per_item": (
            float(np.mean(expected_per_item))
            if len(expected_per_item) == len(rows) and rows
            else None
        ),
        "efficiency": _interval(efficiency, seed),
        "bidders": [
            {
                "agent": agent,
                "seats": len(own["profit"]),
                "profit": _interval(own["profit"], seed),
                "items_won": float(np.mean(own["items_won"])),
                "value_won": _interval(own["value_won"], seed),
                "money_left": _interval(own.get("money_left", []), seed),
                "regret": _interval(own["regret"], seed),
                "equilibrium_deviation": _interval(own["deviation"], seed),
            }
            for agent, own in sorted(bidders.items(), key=lambda kv: -np.mean(kv[1]["profit"]))
        ],
    }

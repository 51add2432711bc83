"""What a bargaining tournament measured: deals, prices and shares, round by round for a
feedback schedule (the family's own report, beside the ratings).

Intervals are 95% percentile bootstraps over games (2,000 resamples, seeded), so the same
database gives the same report.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

BOOTSTRAP = 2000


def mean_interval(values: Sequence[float], seed: int = 0) -> tuple[float | None, ...]:
    """The mean and its 95% bootstrap interval (``None`` for no values)."""
    if not values:
        return None, None, None
    data = np.asarray(values, dtype=float)
    rng = np.random.default_rng(seed)
    means = data[rng.integers(len(data), size=(BOOTSTRAP, len(data)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(data.mean()), float(low), float(high)


def _price(game_id: str, outcome: dict[str, Any]) -> float | None:
    """The deal's price: the price (buyer-seller), the first seat's share of the pie
    (alternating offers), nothing for a division of items."""
    if not outcome.get("deal"):
        return None
    if outcome.get("price") is not None:
        return float(outcome["price"])
    shares = outcome.get("shares")
    return float(next(iter(shares.values()))) if shares else None


def _shares(game_id: str, row: dict[str, Any], seats: list[str]) -> list[float | None]:
    """Each seat's share of what was to be shared, when they agreed."""
    outcome, metrics = row["outcome"], row["metrics"]
    if not outcome.get("deal"):
        return [None] * len(seats)
    if outcome.get("surplus_share"):
        return [outcome["surplus_share"].get(seat) for seat in seats]
    if outcome.get("shares"):
        total = sum(outcome["shares"].values())
        return [outcome["shares"][seat] / total if total else None for seat in seats]
    if "joint_value" in metrics:
        return [p / 10.0 for p in row["payoffs"]]
    return [None] * len(seats)


def summary(rows: list[dict[str, Any]], game_id: str, seats: list[str], seed: int = 0) -> dict:
    """Deal rate, price with its interval, each seat's share and payoff, turns to agreement and
    the distance to the Nash bargaining solution, over ``rows`` (``Store.outcomes``)."""
    deals = [r for r in rows if r["outcome"].get("deal")]
    prices = [p for r in deals if (p := _price(game_id, r["outcome"])) is not None]
    mean, low, high = mean_interval(prices, seed)
    roles = {}
    for k, seat in enumerate(seats):
        shares = [share for r in rows if (share := _shares(game_id, r, seats)[k]) is not None]
        roles[seat] = {
            "mean_payoff": float(np.mean([r["payoffs"][k] for r in rows])) if rows else None,
            "mean_share": float(np.mean(shares)) if shares else None,
        }
    distances = [
        r["metrics"][key]
        for r in rows
        for key in ("nbs_distance", "spe_distance")
        if r["metrics"].get(key) is not None
    ]
    turns = [r["outcome"]["turns_used"] for r in deals if "turns_used" in r["outcome"]]
    zones = [r["metrics"].get("zone_of_agreement") for r in rows]
    return {
        "games": len(rows),
        "deals": len(deals),
        "deal_rate": len(deals) / len(rows) if rows else None,
        "mean_price": mean,
        "price_ci_low": low,
        "price_ci_high": high,
        "roles": roles,
        "mean_distance_to_solution": float(np.mean(distances)) if distances else None,
        "mean_turns_to_agreement": float(np.mean(turns)) if turns else None,
        "no_zone_of_agreement": bool(rows) and all(zone is False for zone in zones),
    }


def by_round(
    rows: list[dict[str, Any]],
    feedback: list[dict[str, Any]],
    game_id: str,
    seats: list[str],
    seed: int = 0,
) -> list[dict[str, Any]]:
    """The summary of every feedback round, with the deals broken since the round before
    (experiments that had a deal in round r - 1 and none in round r)."""
    by_index = {r["match_index"]: r for r in rows}
    rounds: dict[int, list[dict[str, Any]]] = {}
    deal_at: dict[tuple[int, int], bool] = {}
    for f in feedback:
        row = by_index[f["match_index"]]
        rounds.setdefault(f["round"], []).append(row)
        deal_at[f["experiment"], f["round"]] = bool(row["outcome"].get("deal"))
    report = []
    for r in sorted(rounds):
        broken = sum(
            1
            for (experiment, k), deal in deal_at.items()
            if k == r and not deal and deal_at.get((experiment, r - 1))
        )
        report.append(
            {"round": r, **summary(rounds[r], game_id, seats, seed), "deals_broken": broken}
        )
    return report

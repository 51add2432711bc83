"""The solver's yardsticks for a finished bargaining game, computed once and stored with it.

Each game's ``metrics()`` calls one function here after the match (the solver, and with it
Numba, is imported only then). Critics, ``arena report`` and the site read these numbers
rather than recompute them. Shares are of the surplus (buyer-seller) or of the pie
(alternating offers), from the seat order's first player's side unless named.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np


def buyer_seller(cost: float, value: float, deal: bool, price: float | None) -> dict[str, Any]:
    """Surplus shares against the Nash bargaining solution (the midpoint price)."""
    from arena.solver import nash_bargaining_solution

    surplus = value - cost
    zone = surplus > 0
    metrics: dict[str, Any] = {
        "surplus": surplus,
        "zone_of_agreement": zone,
        "efficient": deal == zone,  # trade exactly when trade creates value
        "nbs_price": None,
        "nbs_distance": None,
        "seller_share": None,
    }
    if zone:
        nbs = nash_bargaining_solution(surplus)
        metrics["nbs_price"] = cost + float(nbs.utilities[0])
        if deal and price is not None:
            share = (price - cost) / surplus
            metrics["seller_share"] = share
            metrics["nbs_distance"] = abs(share - float(nbs.utilities[0]) / surplus)
    return metrics


def alternating_offers(
    pie: float,
    discount: tuple[float, float],
    horizon: int,
    first: int,
    shares: tuple[float, float] | None,
    payoffs: tuple[float, float],
) -> dict[str, Any]:
    """The agreement against the subgame-perfect split of the game as played (finite horizon)
    and Rubinstein's infinite-horizon split; ``efficiency`` is the pie not lost to delay."""
    from arena.solver import finite_horizon_split, rubinstein_split

    spe = finite_horizon_split(pie, list(discount), horizon, first=first)
    metrics: dict[str, Any] = {
        "spe_shares": spe.shares.tolist(),
        "rubinstein_shares": None,
        "spe_distance": None,
        "efficiency": sum(payoffs) / pie,
    }
    if max(discount) < 1.0:
        metrics["rubinstein_shares"] = rubinstein_split(*discount, pie, first=first).shares.tolist()
    if shares is not None:
        metrics["spe_distance"] = abs(shares[0] - float(spe.shares[0])) / pie
    return metrics


def multi_issue(
    pool: tuple[int, ...], values: tuple[tuple[int, ...], ...], payoffs: tuple[float, float]
) -> dict[str, Any]:
    """Joint value, Pareto efficiency and the distance to the Nash bargaining solution over
    every division of the pool (the convex hull of their utility points)."""
    from arena.solver import nash_bargaining_solution

    own, other = np.array(values[0]), np.array(values[1])
    total = np.array(pool)
    points = np.array(
        [
            (own @ keep, other @ (total - keep))
            for keep in (np.array(k) for k in itertools.product(*(range(n + 1) for n in pool)))
        ],
        dtype=float,
    )
    achieved = np.array(payoffs, dtype=float)
    dominated = np.any(np.all(points >= achieved, axis=1) & np.any(points > achieved, axis=1))
    nbs = nash_bargaining_solution(points)
    return {
        "joint_value": float(achieved.sum()),
        "max_joint_value": float(points.sum(axis=1).max()),
        "pareto_efficient": not bool(dominated),
        "nbs_utilities": nbs.utilities.tolist(),
        "nbs_distance": float(np.linalg.norm(achieved - nbs.utilities)),
    }

"""The solver's yardsticks for a finished bargaining game, computed once and stored with it.

Each game's ``metrics()`` calls one function here after the match (the solver, and with it
Numba, is imported only then). Critics, ``arena report`` and the site read these numbers
rather than recompute them. Shares are of the surplus (buyer-seller) or of the pie
(alternating offers), from the seat order's first player's side unless named.
"""

from __future__ import annotations

import functools
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
    points, nbs = _utility_points(tuple(pool), (tuple(values[0]), tuple(values[1])))
    achieved = np.array(payoffs, dtype=float)
    dominated = np.any(np.all(points >= achieved, axis=1) & np.any(points > achieved, axis=1))
    return {
        "joint_value": float(achieved.sum()),
        "max_joint_value": float(points.sum(axis=1).max()),
        "pareto_efficient": not bool(dominated),
        "nbs_utilities": nbs.tolist(),
        "nbs_distance": float(np.linalg.norm(achieved - nbs)),
    }


@functools.lru_cache(maxsize=8192)
def _utility_points(
    pool: tuple[int, ...], values: tuple[tuple[int, ...], tuple[int, ...]]
) -> tuple[np.ndarray, np.ndarray]:
    """Both players' utilities of every division of ``pool`` and the Nash bargaining solution
    over them: the same for every match of an instance, so solved once per instance (the
    arrays are made read-only, being shared)."""
    from arena.solver import nash_bargaining_solution

    kept = np.array(list(itertools.product(*(range(n + 1) for n in pool))), dtype=np.int64)
    own, other = np.array(values[0]), np.array(values[1])
    points = np.column_stack([kept @ own, (np.array(pool) - kept) @ other]).astype(float)
    nbs = np.array(nash_bargaining_solution(points).utilities, dtype=float)
    points.flags.writeable = False
    nbs.flags.writeable = False
    return points, nbs

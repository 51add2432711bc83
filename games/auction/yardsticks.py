"""The theory's yardsticks for a finished sealed-bid auction, computed once and stored with it.

Per bidder: profit, value won, items won and ex-post regret (its best reply to the others'
realised bids, minus what it earned), and how far its bids were from the equilibrium bid for
its values; for the auction: revenue beside the expected revenue of the equilibrium, and
allocative efficiency (the value of who won over the highest values, item by item).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from arena.games.auction import theory
from arena.games.auction.values import ValueDistribution


def sealed_bid(
    auction: str,
    dist: ValueDistribution,
    reserve: float,
    values: np.ndarray,
    bids: np.ndarray,
    winners: np.ndarray,
    paid: np.ndarray,
) -> dict[str, Any]:
    """``values``, ``bids`` and ``paid`` are rounds x bidders; ``winners`` a seat per round
    (-1: unsold)."""
    rounds, n = values.shape
    won = np.zeros_like(values, dtype=bool)
    sold = winners >= 0
    won[np.flatnonzero(sold), winners[sold]] = True
    payoff = np.where(won, values, 0.0) - paid
    best = values.max(axis=1).sum() if rounds else 0.0
    expected = theory.expected_revenue(auction, n, dist, reserve)
    deviation: list[float] | None = None
    if theory.closed_form(auction, dist) is None and rounds:
        equilibrium = theory.equilibrium_bid(auction, values, n, dist, reserve)
        deviation = np.abs(bids - equilibrium).mean(axis=0).tolist()
    regret = (theory.best_response_payoffs(values, bids, reserve) - payoff).sum(axis=0)
    return {
        "profit": payoff.sum(axis=0).tolist(),
        "value_won": np.where(won, values, 0.0).sum(axis=0).tolist(),
        "items_won": won.sum(axis=0).tolist(),
        "money_left": None,
        "revenue": float(paid.sum()),
        "expected_revenue": None if expected is None else expected * rounds,
        "efficiency": float(np.where(won, values, 0.0).sum() / best) if best > 0 else None,
        "regret": np.maximum(regret, 0.0).tolist(),
        "equilibrium_deviation": deviation,
    }

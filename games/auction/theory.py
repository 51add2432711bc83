"""What auction theory says for a configured auction, where it has a closed form.

The solver (``arena.solver.auctions``) knows the symmetric Bayes-Nash equilibrium of
first-price, second-price and all-pay auctions with values iid uniform on ``[0, high]``; the
Dutch clock is strategically first price and the English clock second price. Second price
(and English) needs no distribution at all: bidding one's value is dominant. For any other
configured distribution ``closed_form`` says why there is none, rather than guessing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from arena.games.auction.values import Uniform, ValueDistribution

TRUTHFUL = frozenset({"second_price", "english"})  # bid your value, whatever the others
STRATEGIC = {"first_price": "first_price", "dutch": "first_price", "all_pay": "all_pay"}


def closed_form(auction: str, dist: ValueDistribution) -> str | None:
    """``None`` when the solver has the equilibrium of ``auction`` under ``dist``, else why not."""
    if auction in TRUTHFUL:
        return None
    if auction not in STRATEGIC:
        return f"the solver has no equilibrium for {auction} auctions"
    if isinstance(dist, Uniform) and dist.low == 0.0:
        return None
    return (
        f"the solver's {auction.replace('_', '-')} equilibrium is for values uniform on "
        f"[0, high]; these are {dist.dist}"
        + (f" from {dist.low:g}" if isinstance(dist, Uniform) else "")
    )


def equilibrium_bid(
    auction: str, values: Any, n_bidders: int, dist: ValueDistribution, reserve: float
) -> Any:
    """The symmetric equilibrium bid (or clock stop) for ``values`` (a number or an array)."""
    from arena.solver import auctions

    why = closed_form(auction, dist)
    if why is not None:
        raise ValueError(why)
    if auction in TRUTHFUL:
        return auctions.second_price_bid(values, reserve)
    if STRATEGIC[auction] == "first_price":
        return auctions.first_price_bid(values, n_bidders, dist.high, reserve)
    return auctions.all_pay_bid(values, n_bidders, dist.high, reserve)


def expected_revenue(
    auction: str, n_bidders: int, dist: ValueDistribution, reserve: float
) -> float | None:
    """The seller's expected revenue per item in equilibrium (``None`` without a closed form:
    revenue equivalence is for uniform values here, whatever the format)."""
    from arena.solver import auctions

    if not (isinstance(dist, Uniform) and dist.low == 0.0) or auction not in {
        *TRUTHFUL,
        *STRATEGIC,
    }:
        return None
    return float(auctions.expected_revenue(n_bidders, auction, dist.high, reserve))


def best_response_payoffs(values: np.ndarray, bids: np.ndarray, reserve: float) -> np.ndarray:
    """Each bidder's payoff from its best reply to the others' realised bids, per round: win
    at (just above) the highest other bid that counts, or the reserve, when that is below its
    value; otherwise stay out. The same in first-price, second-price and all-pay auctions."""
    n = bids.shape[1]
    best = np.zeros_like(values)
    for k in range(n):
        others = np.delete(bids, k, axis=1)
        counted = np.where(others >= reserve, others, 0.0) if n > 1 else np.zeros_like(others)
        to_beat = np.maximum(counted.max(axis=1), reserve)
        best[:, k] = np.maximum(values[:, k] - to_beat, 0.0)
    return best

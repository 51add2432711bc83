"""``auction/second-price-v0``: Vickrey's auction, the highest bid wins and pays the
second-highest (or the reserve, when that is higher); see ``sealed_bid.py``."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from arena.games.auction.sealed_bid import SealedBidAuction


class SecondPriceAuction(SealedBidAuction):
    """Sealed bids; the winner pays the highest other bid that counts, at least the reserve."""

    format = "second_price"
    metadata: ClassVar[dict[str, Any]] = {**SealedBidAuction.metadata, "name": "second_price_v0"}

    def payments(self, bids: np.ndarray, winner: int, eligible: np.ndarray) -> np.ndarray:
        paid = np.zeros_like(bids)
        if winner >= 0:
            others = np.delete(bids[eligible], np.flatnonzero(np.flatnonzero(eligible) == winner))
            paid[winner] = max(float(others.max()) if len(others) else 0.0, self.params.reserve)
        return paid

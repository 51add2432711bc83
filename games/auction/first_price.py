"""``auction/first-price-v0``: the highest bid wins and pays itself (see ``sealed_bid.py``)."""

from __future__ import annotations

from typing import Any, ClassVar

from arena.games.auction.sealed_bid import SealedBidAuction


class FirstPriceAuction(SealedBidAuction):
    """Sealed bids; the winner pays its own bid."""

    format = "first_price"
    metadata: ClassVar[dict[str, Any]] = {**SealedBidAuction.metadata, "name": "first_price_v0"}

    def payments(self, bids: list[float], winner: int, eligible: list[bool]) -> list[float]:
        paid = [0.0] * len(bids)
        if winner >= 0:
            paid[winner] = bids[winner]
        return paid

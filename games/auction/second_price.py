"""``auction/second-price-v0``: Vickrey's auction, the highest bid wins and pays the
second-highest (or the reserve, when that is higher); see ``sealed_bid.py``."""

from __future__ import annotations

from typing import Any, ClassVar

from arena.games.auction.sealed_bid import SealedBidAuction


class SecondPriceAuction(SealedBidAuction):
    """Sealed bids; the winner pays the highest other bid that counts, at least the reserve."""

    format = "second_price"
    metadata: ClassVar[dict[str, Any]] = {**SealedBidAuction.metadata, "name": "second_price_v0"}

    def payments(self, bids: list[float], winner: int, eligible: list[bool]) -> list[float]:
        paid = [0.0] * len(bids)
        if winner >= 0:
            others = [b for k, (b, ok) in enumerate(zip(bids, eligible)) if ok and k != winner]
            paid[winner] = max([*others, self.params.reserve])
        return paid

"""``auction/all-pay-v0``: the highest bid wins, and every bid that counts (at least the
reserve, the minimum bid) is paid, won or lost; see ``sealed_bid.py``."""

from __future__ import annotations

from typing import Any, ClassVar

from arena.games.auction.sealed_bid import SealedBidAuction


class AllPayAuction(SealedBidAuction):
    """Sealed bids; every bidder pays its bid, the highest wins the item."""

    format = "all_pay"
    metadata: ClassVar[dict[str, Any]] = {**SealedBidAuction.metadata, "name": "all_pay_v0"}

    def payments(self, bids: list[float], winner: int, eligible: list[bool]) -> list[float]:
        return [b if ok else 0.0 for b, ok in zip(bids, eligible)]

"""The text protocol of the sealed-bid auctions: one's value and the past rounds in words, a bid.

A reply may say anything, then end with its bid on a last line: ``BID: 42.50`` (or ``BID: 0``
to stay out). AucArena's phrasing reads too: a last line such as ``I bid $1,200!`` is a bid
of 1,200 and ``I'm out!`` is a bid of 0. Only the last line is read. The value is told each
round, the results of the rounds before it too: what won, at what price, and what one bid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from arena.errors import MoveError
from arena.games.auction.english_text import clean_tag, read_amount
from arena.games.auction.sealed_bid import NONE, sealed_bid
from arena.games.auction.values import parse_values
from arena.games.bargaining.messages import format_price, tagged_reply

_AMOUNT = r"\$?\s*(\d[\d,]*(?:\.\d+)?)"
_BID = re.compile(rf"^(?:bid\s*:|i(?:'ll| will)?\s+bid)\s*{_AMOUNT}\s*[.!]?$", re.IGNORECASE)
_OUT = re.compile(r"^(?:i'?m out|i am out|out|pass|no bid)\s*[.!]?$", re.IGNORECASE)

RULES = {
    "first_price": "The highest bid wins the item and pays its own bid.",
    "second_price": (
        "The highest bid wins the item and pays the second-highest bid (or the reserve, if "
        "that is higher), not its own."
    ),
    "all_pay": (
        "The highest bid wins the item, and every bidder pays its own bid, whether it wins or not."
    ),
}


@dataclass(frozen=True)
class SealedBidText:
    """One sealed-bid auction told to one bidder."""

    info: dict[str, Any]
    seat: str
    moderated = False

    def _price(self, amount: float) -> str:
        return format_price(round(float(amount), 2), self.info["currency"])

    @property
    def cap(self) -> float:
        return float(parse_values(self.info["values"]).high)

    def rules(self, agent: str = "") -> str:
        """The auction, read once: the format, the rounds, how values are drawn, how to bid."""
        info = self.info
        dist = parse_values(info["values"])
        reserve = info["reserve"]
        lines = [
            f"You are one of {info['bidders']} bidders in {info['rounds']} sealed-bid auctions, "
            "one item each, held one after another. Each round every bidder submits one "
            "secret bid at the same time. " + RULES[info["format"]],
            f"Each round you learn your own value for that round's item, "
            f"{dist.describe(info['currency'])}, independently for every bidder; nobody "
            "else learns yours. Winning gives you your value minus what you pay; "
            + ("every bid is paid." if info["format"] == "all_pay" else "losing costs nothing."),
            f"No bid may exceed {self._price(self.cap)}."
            + (
                f" Bids below the reserve of {self._price(reserve)} do not count."
                if reserve
                else ""
            ),
            "After each round you see the winning bid and the price paid"
            + (", and every bid." if info["reveal_bids"] else "."),
            "You may think in a sentence, then give your bid on a last line of its own: "
            "BID: <amount> (BID: 0 to stay out).",
        ]
        return "\n".join(lines)

    def _reserve_rule(self, reserve: float) -> str:
        return f" Bids below the reserve of {self._price(reserve)} do not count." if reserve else ""

    def describe(self, observation: dict[str, Any]) -> str:
        """The rounds so far, this round's value and the question."""
        lines = []
        history = observation["history"]
        for r in range(int(observation["round"])):
            value, bid, winning, price, won = (float(x) for x in history[r])
            if winning == NONE:
                result = "nothing sold"
            elif won:
                result = f"you won with {self._price(winning)} and paid {self._price(price)}"
            else:
                result = f"the winning bid was {self._price(winning)}, paying {self._price(price)}"
            lines.append(
                f"Round {r + 1}: your value {self._price(value)}, you bid {self._price(bid)}; "
                f"{result}."
            )
            if self.info["reveal_bids"]:
                shown = ", ".join(self._price(b) for b in observation["bids"][r])
                lines.append(f"  All bids: {shown}.")
        now = int(observation["round"]) + 1
        if now > self.info["rounds"]:
            return "\n".join([*lines, "The auction is over."])
        value = float(observation["value"][0])
        lines.append(
            f"Round {now} of {self.info['rounds']}: your value for this item is "
            f"{self._price(value)}. Your bid, on a last line: BID: <amount>"
        )
        return "\n".join(lines)

    def parse(self, reply: str, observation: dict[str, Any] | None = None) -> Any:
        """The bid on the reply's last line; ``MoveError`` when it is none or not allowed."""
        _, tag = tagged_reply(reply, self._expected())
        tag = clean_tag(tag)  # without quotes around it, curly apostrophes made straight
        if _OUT.match(tag):
            return sealed_bid(0.0)
        found = _BID.match(tag)
        if found is None:
            raise MoveError(f"the last line {tag[:60]!r} is not a bid; {self._expected()}")
        amount = read_amount(found.group(1))
        if amount > self.cap:
            raise MoveError(
                f"a bid of {self._price(amount)} is above the highest allowed, "
                f"{self._price(self.cap)}; {self._expected()}",
                fault="illegal",
            )
        return sealed_bid(amount)

    def _expected(self) -> str:
        return f"end with a line BID: <amount>, at most {self._price(self.cap)}"

    def legal_moves(self, observation: dict[str, Any] | None) -> list[str]:
        return [f"BID: <amount from 0 to {self.cap:g}>"]

    def schema(self, observation: dict[str, Any]) -> dict[str, Any]:
        """A JSON schema of a reply: a short thought and the tagged bid."""
        return {
            "type": "object",
            "properties": {
                "move": {"type": "string", "pattern": r"^([^\n]{0,300}\n)?BID: \d+(\.\d{1,2})?$"}
            },
            "required": ["move"],
            "additionalProperties": False,
        }

    def fallback(self, observation: dict[str, Any]) -> Any:
        """The declared fallback: no bid (0), which can neither win nor cost anything."""
        return sealed_bid(0.0)

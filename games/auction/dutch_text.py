"""The text protocol of the Dutch auction: one's value and the clock in words, take or wait.

A reply may think aloud, then gives its decision on a last line of its own: ``TAKE`` (buy the
item at the clock's price now) or ``WAIT`` (let the clock drop). Natural variants of that
line read too: ``I take it!``, ``I'll take it``, ``Take it now``, ``Stop``, ``Buy``; ``I wait``,
``I'll wait``, ``Pass``, ``Hold``, ``Not yet``. Only the last line is read. Every tick the
bidder is told its value this round, the clock, the next price, and its past rounds. The
``beliefs`` option (as in the English auction's protocol) asks each reply to start with a
short summary of what it believes about the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from arena.errors import MoveError
from arena.games.auction.dutch import NONE, take, wait
from arena.games.auction.english_text import clean_tag, money
from arena.games.auction.values import parse_values
from arena.games.bargaining.messages import tagged_reply

_NOW = r"(?:\s+(?:now|at\s+(?:this\s+price|\$?\s*[\d,]+(?:\.\d+)?)))?"
_TAKE = re.compile(
    r"^(?:take|take\s+it|i\s+take(?:\s+it)?|i'?ll\s+take\s+it|i\s+will\s+take\s+it|"
    rf"stop|stop\s+the\s+clock|buy|i\s+buy(?:\s+it)?|mine){_NOW}\s*[.!]*$",
    re.IGNORECASE,
)
_WAIT = re.compile(
    r"^(?:wait|i\s+wait|i'?ll\s+wait|i\s+will\s+wait|keep\s+waiting|pass|i\s+pass|hold|"
    r"not\s+yet)\s*[.!]*$",
    re.IGNORECASE,
)
BELIEFS = (
    "Begin your reply with a short summary of what you believe about the other bidders: how "
    "high their values may be and at what price they are likely to take the item. Then decide."
)


@dataclass(frozen=True)
class DutchText:
    """The Dutch auction told to one bidder."""

    info: dict[str, Any]  # the game's public_info()
    seat: str
    beliefs: bool = False
    moderated = False

    def _money(self, amount: float) -> str:
        return money(amount, self.info["currency"])

    def rules(self, agent: str = "") -> str:
        """The auction, read once: the rounds, the values, the clock, how to answer."""
        info = self.info
        dist = parse_values(info["values"])
        reserve = float(info["reserve"])
        end = (
            f"down to the reserve price of {self._money(reserve)}"
            if reserve
            else f"down to {self._money(0)}"
        )
        lines = [
            f"You are {self.seat}, one of {info['bidders']} bidders in {info['rounds']} Dutch "
            "auctions, one item each, held one after another.",
            f"Each round you learn your own value for that round's item, "
            f"{dist.describe(info['currency'])}, independently for every bidder; nobody else "
            "learns yours, and you do not learn theirs.",
            f"A clock starts at {self._money(info['start'])} and drops by "
            f"{self._money(info['step'])} at every tick, {end}. At every tick all bidders "
            "decide at the same time whether to take the item at the clock's price. The first "
            "to take it wins it and pays that price; if several take it at the same tick, a "
            "fair lottery picks the winner among them. If nobody takes it even at the last "
            "price, the item goes unsold.",
            "Winning gives you your value minus the price; losing costs nothing. After each "
            "round you learn the price paid and whether you won.",
            "You may think in a sentence, then give your decision on a last line of its own: "
            "TAKE (buy at the price now) or WAIT (let the clock drop).",
        ]
        if self.beliefs:
            lines.append(BELIEFS)
        return "\n".join(lines)

    def describe(self, observation: dict[str, Any]) -> str:
        """The past rounds, this round's value, the clock and the question."""
        lines = []
        history = observation["history"]
        rounds = int(self.info["rounds"])
        played = int(observation["round"])
        profit = 0.0
        for r in range(played):
            value, price, won = (float(x) for x in history[r])
            if price == NONE:
                result = "nobody took the item: unsold"
            elif won:
                result = (
                    f"you took it at {self._money(price)} (profit {self._money(value - price)})"
                )
                profit += value - price
            else:
                result = f"another bidder took it at {self._money(price)}"
            lines.append(f"Round {r + 1}: your value {self._money(value)}; {result}.")
        if played:
            lines.append(f"Your profit so far: {self._money(profit)}.")
        if played >= rounds:
            lines.append("The auction is over.")
            return "\n".join(lines)
        value, price = float(observation["value"][0]), float(observation["price"][0])
        step, reserve = float(self.info["step"]), float(self.info["reserve"])
        if price - step > reserve + 1e-9 * max(1.0, price):
            after = f"If nobody takes it now, the clock drops to {self._money(price - step)}."
        elif price > reserve:
            after = (
                "If nobody takes it now, the clock drops to its last price, "
                f"{self._money(reserve)}."
            )
        else:
            after = "This is the last price: if nobody takes it now, the item goes unsold."
        lines.append(
            f"Round {played + 1} of {rounds}: your value for this item is {self._money(value)}. "
            f"The clock is at {self._money(price)} and nobody has taken the item yet. {after}"
        )
        if self.beliefs:
            lines.append(BELIEFS)
        lines.append(f"Your decision, on a last line: TAKE (at {self._money(price)}) or WAIT")
        return "\n".join(lines)

    def parse(self, reply: str, observation: dict[str, Any] | None = None) -> int:
        """The move on the reply's last line; ``MoveError`` when it is none."""
        _, tag = tagged_reply(reply, self._expected())
        tag = clean_tag(tag)
        if _TAKE.match(tag):
            if observation is not None and int(observation["round"]) >= int(self.info["rounds"]):
                raise MoveError("the auction is over", fault="illegal")
            return take()
        if _WAIT.match(tag):
            return wait()
        raise MoveError(f"the last line {tag[:60]!r} is not a move; {self._expected()}")

    def _expected(self) -> str:
        return "end with a line TAKE or WAIT"

    def legal_moves(self, observation: dict[str, Any] | None) -> list[str]:
        return ["TAKE", "WAIT"]

    def schema(self, observation: dict[str, Any]) -> dict[str, Any]:
        """A JSON schema of a reply: optional lines of thought, then the move."""
        thought = r"([^\n]{0,400}\n){0,6}" if self.beliefs else r"([^\n]{0,300}\n)?"
        return {
            "type": "object",
            "properties": {"move": {"type": "string", "pattern": f"^{thought}(TAKE|WAIT)$"}},
            "required": ["move"],
            "additionalProperties": False,
        }

    def fallback(self, observation: dict[str, Any]) -> int:
        """The declared fallback: wait (it never costs anything)."""
        return wait()

"""The text protocol of the English auction: one's budget and estimates, the bidding, a bid or out.

A reply may think aloud, then gives its decision on a last line of its own: ``BID: 1200`` or
``OUT``. AucArena's phrasing reads too, as that last line: ``I bid $1,200!``, ``I bid 1200``,
``I'm out!``, ``I withdraw``. Only the last line is read; a reply whose last line is none of
these is not a move (nothing is guessed from the prose). A bid over the money left or below
the minimum bid is an illegal move, and the error names the limit.

Each turn the bidder is told the results of every hammer so far (winner, price, true value),
what it has won and paid, its money left, the items still to come with its estimates, and the
bidding on the item on the block. With the option ``beliefs`` (AucArena's belief step) each
reply is asked to start with a short summary of what the bidder believes about the others;
the move is still read from the last line. ``protocol = "beliefs"`` (an LLM agent's
``protocol`` setting) turns it on too.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from arena.errors import ConfigError, MoveError
from arena.games.auction.english import NONE, OBJECTIVES, bid, out
from arena.games.bargaining.messages import tagged_reply

_AMOUNT = r"\$?\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_BID = re.compile(rf"^(?:bid\s*:?|i(?:'ll| will)?\s+bid)\s*{_AMOUNT}\s*[.!]*$", re.IGNORECASE)
_OUT = re.compile(
    r"^(?:out|i'?m\s+out|i\s+am\s+out|i\s+withdraw|withdraw|i\s+pass|pass)\s*[.!]*$",
    re.IGNORECASE,
)
BELIEFS = (
    "Begin your reply with a short summary of what you believe about the other bidders: the "
    "money each has left, which of the remaining items each wants, and how each bids. Then "
    "decide."
)
PROTOCOLS = ("plain", "beliefs")


def read_options(game: str, options: dict[str, Any]) -> bool:
    """Whether the protocol asks for beliefs: ``beliefs = true`` or ``protocol = "beliefs"``;
    unknown options are a ``ConfigError`` naming them."""
    options = dict(options)
    options.pop("seed", None)  # nothing in the protocol is drawn
    beliefs = options.pop("beliefs", False)
    style = options.pop("protocol", None)
    if options:
        raise ConfigError(
            f"{game} takes no {', '.join(sorted(options))} option (its text protocol takes "
            "beliefs = true or false, or protocol = 'plain' or 'beliefs')"
        )
    if not isinstance(beliefs, bool):
        raise ConfigError(f"beliefs: expected true or false, got {beliefs!r}")
    if style is not None and style not in PROTOCOLS:
        raise ConfigError(f"protocol: expected 'plain' or 'beliefs', got {style!r}")
    return beliefs or style == "beliefs"


def money(amount: float, currency: str = "$") -> str:
    """``$1,200`` or ``$1,234.50``: whole amounts without cents, thousands separated."""
    amount = round(float(amount), 2)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if amount == int(amount):
        return f"{sign}{currency}{int(amount):,}"
    return f"{sign}{currency}{amount:,.2f}"


def clean_tag(tag: str) -> str:
    """A move line without surrounding quotes, curly apostrophes made straight."""
    straight = tag.replace("\u2019", "'").replace("\u2018", "'")
    return straight.strip("\"'\u201c\u201d").strip()


def read_amount(text: str) -> float:
    """``1,200.50`` -> 1200.5."""
    return float(text.replace(",", ""))


def _plain(amount: float) -> str:
    """``1100`` or ``1100.5``: an amount as a reply would write it."""
    return f"{float(amount):.2f}".rstrip("0").rstrip(".")


def cents_up(amount: float) -> float:
    """``amount`` rounded up to the cent (a minimum told in cents is still legal)."""
    return math.ceil(float(amount) * 100 - 1e-6) / 100


def cents_down(amount: float) -> float:
    """``amount`` rounded down to the cent (a maximum told in cents is still legal)."""
    return math.floor(float(amount) * 100 + 1e-6) / 100


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class EnglishText:
    """The English auction told to one bidder: its own budget, estimates and objective."""

    info: dict[str, Any]  # the game's public_info()
    seat: str
    budget: float
    estimates: tuple[float, ...]
    objective: str
    beliefs: bool = False
    moderated = False

    @property
    def index(self) -> int:
        return int(self.seat.rsplit("_", 1)[1])

    def _money(self, amount: float) -> str:
        return money(amount, self.info["currency"])

    def _who(self, seat: int) -> str:
        return "you" if seat == self.index else f"bidder_{seat}"

    def rules(self, agent: str = "") -> str:
        """The auction, read once: the items, how an item sells, one's own money and aims."""
        info, n = self.info, self.info["bidders"]
        items = info["items"]
        listed = ", ".join(
            f"{item['name']} (starting price {self._money(item['start'])})" for item in items
        )
        raise_pct = f"{info['min_raise'] * 100:g}%"
        estimates = ", ".join(
            f"{item['name']} {self._money(e)}" for item, e in zip(items, self.estimates)
        )
        if OBJECTIVES.index(self.objective) == 0:
            aim = (
                "Your objective: the highest profit by the end of the auction, the sum over the "
                "items you win of each item's true value minus the price you paid."
            )
        else:
            aim = (
                "Your objective: to win as many items as possible by the end of the auction "
                "(your score is the number of items you win)."
            )
        lines = [
            f"You are {self.seat}, one of {n} bidders (bidder_0 to bidder_{n - 1}) in an "
            f"English auction of {_plural(len(items), 'item')}, sold one after another in this "
            f"order: {listed}.",
            "How an item is sold: the bidders still in are asked in turn, round after round; "
            "the standing high bidder is not asked. When asked, you either bid or go out of "
            "the item, which is final for that item. The first bid on an item is at least its "
            f"starting price, every later bid at least the standing high bid plus {raise_pct} "
            "of the item's starting price. When nobody is left to outbid the high bidder, the "
            "hammer falls: the item is sold to the high bidder at its bid, and its true value "
            "is announced to everyone. An item nobody bids on goes unsold. Bidding on item 1 "
            "opens with bidder_0, on item 2 with bidder_1, and so on round the seats. After "
            f"{info['max_bidding_rounds']} bidding rounds on one item the hammer falls anyway.",
            f"Your budget for the whole auction is {self._money(self.budget)}: what you win "
            "is paid out of it, and you can never bid more than the money you have left. Each "
            "bidder's budget is private, yours included.",
            f"Your own estimates of the items' values (private, and possibly off the true "
            f"values): {estimates}.",
            aim,
            "You may think in a few sentences, then give your decision on a last line of its "
            "own: BID: <amount> (for example BID: 1200) or OUT. AucArena's phrasing works "
            'too, as that last line: "I bid $1,200!" or "I\'m out!".',
        ]
        if self.beliefs:
            lines.append(BELIEFS)
        return "\n".join(lines)

    def describe(self, observation: dict[str, Any]) -> str:
        """The hammers so far, what one has won and left, the item on the block, the question."""
        items = self.info["items"]
        n_items = len(items)
        k = int(observation["item"])
        winners, prices = observation["winners"], observation["prices"]
        values = observation["true_values"]
        lines = []
        for j in range(min(k, n_items)):
            name, value = items[j]["name"], self._money(values[j])
            if winners[j] < 0:
                lines.append(f"Hammer: {name} went unsold (true value {value}).")
            else:
                lines.append(
                    f"Hammer: {name} sold to {self._who(int(winners[j]))} at "
                    f"{self._money(prices[j])} (true value {value})."
                )
        mine = [j for j in range(min(k, n_items)) if winners[j] == self.index]
        paid = sum(float(prices[j]) for j in mine)
        profit = sum(float(values[j]) - float(prices[j]) for j in mine)
        left = cents_down(observation["budget"][0])
        won = ", ".join(items[j]["name"] for j in mine)
        lines.append(
            f"You have won {_plural(len(mine), 'item')}{f' ({won})' if mine else ''} and paid "
            f"{self._money(paid)}; your profit so far is {self._money(profit)}; your money "
            f"left is {self._money(left)}."
        )
        if k >= n_items:
            lines.append("The auction is over.")
            return "\n".join(lines)
        later = [
            f"{items[j]['name']} (starting price {self._money(items[j]['start'])}, your "
            f"estimate {self._money(self.estimates[j])})"
            for j in range(k + 1, n_items)
        ]
        lines.append(
            f"Items after this one: {', '.join(later)}." if later else "This is the last item."
        )
        item = items[k]
        lines.append(
            f"On the block, item {k + 1} of {n_items}: {item['name']}, starting price "
            f"{self._money(item['start'])}, your estimate {self._money(self.estimates[k])}."
        )
        standing, leader = float(observation["standing"][0]), int(observation["leader"])
        if leader >= 0:
            lines.append(
                f"The standing high bid is {self._money(standing)} by {self._who(leader)}."
            )
        else:
            lines.append("Nobody has bid on it yet.")
        active = observation["active"]
        still = [self._who(s) for s in range(len(active)) if active[s]]
        gone = [self._who(s) for s in range(len(active)) if not active[s]]
        bids = int(observation["my_bids"])
        lines.append(
            f"Still in: {', '.join(still)}"
            + (f"; out: {', '.join(gone)}" if gone else "")
            + f". You have bid {_plural(bids, 'time')} on this item."
        )
        low = cents_up(observation["min_bid"][0])
        if not self._can_bid(observation):
            lines.append(
                f"The minimum bid is {self._money(low)}, more than your money left: you can "
                "only go out."
            )
        else:
            lines.append(
                f"You may bid from {self._money(low)} (the minimum bid) to {self._money(left)} "
                "(your money left), or go out."
            )
        if self.beliefs:
            lines.append(BELIEFS)
        lines.append("Your decision, on a last line: " + " or ".join(self.legal_moves(observation)))
        return "\n".join(lines)

    def parse(self, reply: str, observation: dict[str, Any] | None = None) -> dict[str, Any]:
        """The move on the reply's last line; ``MoveError`` when it is none or not legal."""
        _, tag = tagged_reply(reply, self._expected(observation))
        tag = clean_tag(tag)
        if _OUT.match(tag):
            return out()
        found = _BID.match(tag)
        if found is None:
            raise MoveError(
                f"the last line {tag[:60]!r} is not a move; {self._expected(observation)}"
            )
        amount = read_amount(found.group(1))
        if observation is not None:
            if int(observation["item"]) >= len(self.info["items"]):
                raise MoveError("the auction is over", fault="illegal")
            low, left = float(observation["min_bid"][0]), float(observation["budget"][0])
            slack = 1e-9 * max(1.0, amount)
            if amount > left + slack:
                raise MoveError(
                    f"a bid of {self._money(amount)} is more than your money left, "
                    f"{self._money(left)}; {self._expected(observation)}",
                    fault="illegal",
                )
            if amount < low - slack:
                raise MoveError(
                    f"a bid of {self._money(amount)} is below the minimum bid, "
                    f"{self._money(low)}; {self._expected(observation)}",
                    fault="illegal",
                )
        return bid(amount)

    def _can_bid(self, observation: dict[str, Any] | None) -> bool:
        if observation is None:
            return True
        low, left = float(observation["min_bid"][0]), float(observation["budget"][0])
        return low != NONE and cents_up(low) <= cents_down(left)

    def _expected(self, observation: dict[str, Any] | None) -> str:
        return "end with a line " + " or ".join(self.legal_moves(observation))

    def legal_moves(self, observation: dict[str, Any] | None) -> list[str]:
        """The moves that are legal now: a bid within its limits (if affordable) and out."""
        if observation is None:
            return ["BID: <amount>", "OUT"]
        if not self._can_bid(observation):
            return ["OUT"]
        low, left = cents_up(observation["min_bid"][0]), cents_down(observation["budget"][0])
        return [f"BID: <amount from {_plain(low)} to {_plain(left)}>", "OUT"]

    def schema(self, observation: dict[str, Any]) -> dict[str, Any]:
        """A JSON schema of a reply: optional lines of thought (a belief summary), then the
        tagged move."""
        tag = r"(BID: [0-9]+(\.[0-9]{1,2})?|OUT)" if self._can_bid(observation) else "OUT"
        thought = r"([^\n]{0,400}\n){0,6}" if self.beliefs else r"([^\n]{0,300}\n)?"
        return {
            "type": "object",
            "properties": {"move": {"type": "string", "pattern": f"^{thought}{tag}$"}},
            "required": ["move"],
            "additionalProperties": False,
        }

    def fallback(self, observation: dict[str, Any]) -> dict[str, Any]:
        """The declared fallback: go out of the item (always legal, never costs anything)."""
        return out()

"""The text protocols of the buyer-seller game: Fu et al.'s free talk, or tagged offers.

``free`` (the default) is Fu et al.'s (2023) setting in our own words: each side writes one
short sentence a turn, naming a price when it makes an offer; the reply is the move (talk),
and a moderator (``arena.judges.moderators``) reads the dialogue after each turn and says
whether a deal was struck and at what price. There is no walking away in free talk: the
negotiation runs until a deal or until every turn is used.

``structured`` (``protocol = "structured"`` on the agent's spec) asks for a sentence and then
a final line of its own that is the move: ``OFFER: 12``, ``ACCEPT`` or ``WALK AWAY``. Only that
line is read (the sentence is the message the other side sees); a reply without it is
unparseable, and an acceptance with nothing to accept is illegal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from arena.errors import ConfigError, MoveError
from arena.games.bargaining.buyer_seller import (
    ACCEPT,
    NONE,
    OFFER,
    PRICE_MAX,
    ROLES,
    TALK,
    WALK,
    BuyerSellerParams,
    move,
)
from arena.games.bargaining.messages import MAX_MESSAGE, clean_message, format_price, tagged_reply

PROTOCOLS = ("free", "structured")
_OFFER = re.compile(r"^offer\s*:\s*\D{0,3}?\s*([0-9]+(?:\.[0-9]+)?)\s*\.?$", re.IGNORECASE)
_ACCEPT = re.compile(r"^accept\.?$", re.IGNORECASE)
_WALK = re.compile(r"^walk\s+away\.?$", re.IGNORECASE)
_TAG_PATTERN = r"^[^\n]{0,300}\n(OFFER: [0-9]{1,9}(\.[0-9]{1,2})?|ACCEPT|WALK AWAY)$"


def protocol_for(params: BuyerSellerParams, agent: str, **options: Any) -> BuyerSellerText:
    """The protocol of seat ``agent``; ``options`` are the agent's (``protocol``, ``seed``)."""
    options.pop("seed", None)  # nothing here is drawn at random
    style = options.pop("protocol", None) or "free"
    if options:
        raise ConfigError(
            f"bargaining/buyer-seller-v0 takes no {', '.join(sorted(options))} option "
            "(its text protocol takes protocol = 'free' or 'structured')"
        )
    if style not in PROTOCOLS:
        raise ConfigError(f"protocol: expected 'free' or 'structured', got {style!r}")
    cls = StructuredText if style == "structured" else BuyerSellerText
    return cls(params=params, role=agent)


@dataclass(frozen=True)
class BuyerSellerText:
    """Fu et al.'s free talk for one side: one short sentence a turn; a moderator decides."""

    params: BuyerSellerParams
    role: str
    moderated = True  # a moderator reads the dialogue and closes deals (the runner asks it)

    @property
    def currency(self) -> str:
        return self.params.currency

    def settle(self, action: dict[str, Any], verdict: Any) -> dict[str, Any]:
        """The move with a moderator's verdict folded in: a deal is an acceptance at its price,
        a turn that offers a price is an offer (the other side sees it standing), else talk."""
        if verdict.deal and verdict.price is not None:
            return move(ACCEPT, verdict.price, action["message"])
        offer = getattr(verdict, "offer", None)
        if offer is not None and 0 <= offer <= PRICE_MAX:
            return move(OFFER, offer, action["message"])
        return action

    @property
    def other(self) -> str:
        return ROLES[1 - ROLES.index(self.role)]

    def price(self, amount: float) -> str:
        return format_price(amount, self.params.currency)

    def _situation(self) -> str:
        p = self.params
        item = p.item
        if self.role == "seller":
            own = (
                f"You are the seller in a negotiation over one {item}. The {item} cost you "
                f"{self.price(p.cost)}; only you know this. Your goal is to sell it for as high "
                "a price as you can, above your cost."
            )
            opening = f"Open at {self.price(p.seller_open)}."
            outside = p.seller_outside
        else:
            own = (
                f"You are the buyer in a negotiation over one {item}. The {item} is worth "
                f"{self.price(p.value)} to you; only you know this. Your goal is to buy it for as "
                "low a price as you can, below that worth."
            )
            opening = f"Open at {self.price(p.buyer_open)}."
            outside = p.buyer_outside
        fallback = f" Without a deal you get {self.price(outside)}." if outside else ""
        speaks = "You speak first." if p.first == self.role else f"The {self.other} speaks first."
        return (
            f"{own}{fallback} {opening} You and the {self.other} take turns, {p.turns} turns "
            f"each. {speaks}"
        )

    def _how_to_reply(self) -> str:
        return (
            "Each turn, write one short sentence to the other side, and name a price whenever "
            "you make an offer. To accept the other side's price, say so plainly (for example "
            f'"Deal at {self.price(self.params.buyer_open)}."). The negotiation ends with a '
            "deal, or with no deal when every turn is used."
        )

    def rules(self, agent: str = "") -> str:
        """The situation and how to reply, read once before the first turn."""
        return f"{self._situation()}\n{self._how_to_reply()}"

    def describe(self, observation: dict[str, Any]) -> str:
        """The dialogue so far and the question for this turn."""
        lines = []
        history, messages = observation["history"], observation["messages"]
        said = [
            f"{ROLES[int(history[t][0])].capitalize()}: {messages[t] or '(says nothing)'}"
            for t in range(int(observation["turn"]))
        ]
        if said:
            lines += ["The conversation so far:", *said]
        left = int(observation["turns_left"])
        last = " (your last)" if left == 1 else ""
        lines.append(f"You have {left} turn{'s' if left != 1 else ''} left, this one{last}.")
        lines.append(self._question(observation))
        return "\n".join(lines)

    def _question(self, observation: dict[str, Any]) -> str:
        return f"Your reply to the {self.other}, one short sentence:"

    def parse(self, reply: str, observation: dict[str, Any] | None = None) -> dict[str, Any]:
        """Free talk: the reply is the message (the moderator decides what it closes)."""
        message = clean_message(reply if isinstance(reply, str) else "", MAX_MESSAGE)
        if not message:
            raise MoveError("the reply is empty; write one short sentence", fault="empty")
        return move(TALK, NONE, message)

    def legal_moves(self, observation: dict[str, Any]) -> list[str]:
        """What may be replied now, for the retry message."""
        return ["one short sentence, naming a price when you make an offer"]

    def _own_price(self, observation: dict[str, Any]) -> float:
        standing = float(observation["standing"][int(observation["role"])])
        return standing if standing >= 0 else float(observation["opening"])

    def fallback(self, observation: dict[str, Any]) -> dict[str, Any]:
        """The declared fallback: restate one's own standing offer (the opening at first)."""
        price = self._own_price(observation)
        return move(TALK, NONE, f"I stay at {self.price(price)}.")


@dataclass(frozen=True)
class StructuredText(BuyerSellerText):
    """A sentence, then the move on a line of its own: ``OFFER: 12``, ``ACCEPT``, ``WALK AWAY``."""

    moderated = False

    def _how_to_reply(self) -> str:
        return (
            "Each turn, write one short sentence to the other side, then the move on a last "
            "line of its own, exactly one of:\n"
            f"OFFER: <price> (a number, for example OFFER: {self.params.buyer_open:g})\n"
            "ACCEPT (the other side's standing offer)\n"
            "WALK AWAY (end without a deal)\n"
            "The negotiation ends with an acceptance, a walk-away, or when every turn is used."
        )

    def _question(self, observation: dict[str, Any]) -> str:
        standing = float(observation["standing"][1 - int(observation["role"])])
        on_table = (
            f"The {self.other}'s standing offer is {self.price(standing)}. "
            if standing >= 0
            else f"The {self.other} has made no offer yet. "
        )
        return f"{on_table}Your sentence, then OFFER: <price>, ACCEPT or WALK AWAY on a last line:"

    def parse(self, reply: str, observation: dict[str, Any] | None = None) -> dict[str, Any]:
        """The move the reply's last line names; ``MoveError`` when it names none, or when it
        accepts while the other side (in ``observation``) has nothing standing."""
        message, tag = tagged_reply(reply, self._expected())
        if offer := _OFFER.match(tag):
            price = float(offer.group(1))
            if price > PRICE_MAX:
                raise MoveError(f"{price:g} is not a price; " + self._expected(), fault="illegal")
            return move(OFFER, price, message)
        if _ACCEPT.match(tag):
            if observation is not None and observation["standing"][1 - ROLES.index(self.role)] < 0:
                raise MoveError(
                    f"the {self.other} has made no offer to accept; " + self._expected(),
                    fault="illegal",
                )
            return move(ACCEPT, NONE, message)
        if _WALK.match(tag):
            return move(WALK, NONE, message)
        raise MoveError(f"the last line {tag[:60]!r} is not a move; " + self._expected())

    def _expected(self) -> str:
        return "end with a line OFFER: <price>, ACCEPT or WALK AWAY"

    def legal_moves(self, observation: dict[str, Any]) -> list[str]:
        moves = ["OFFER: <price>"]
        if observation["standing"][1 - int(observation["role"])] >= 0:
            moves.append("ACCEPT")
        return [*moves, "WALK AWAY"]

    def schema(self, observation: dict[str, Any]) -> dict[str, Any]:
        """A JSON schema of legal replies (``{"move": "<sentence>\\nOFFER: 12"}``)."""
        return {
            "type": "object",
            "properties": {"move": {"type": "string", "pattern": _TAG_PATTERN}},
            "required": ["move"],
            "additionalProperties": False,
        }

    def fallback(self, observation: dict[str, Any]) -> dict[str, Any]:
        """The declared fallback: repeat one's own standing offer (the opening at first)."""
        price = self._own_price(observation)
        return move(OFFER, price, f"I stay at {self.price(price)}.")

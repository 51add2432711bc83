"""A seller and a buyer negotiate the price of one item, turn by turn (Fu et al. 2023).

=====================  ===============================================================
Id                     ``bargaining/buyer-seller-v0``
Agents                 ``seller``, ``buyer`` (seat order; ``first`` says who speaks first)
Moves                  turn-based (AEC API), alternating; ``turns`` turns per side
Information            private: the seller's ``cost``, the buyer's ``value`` (and each
                       side's outside option and opening price); public: the dialogue
Action space           ``Dict``: ``act`` (``Discrete(4)``: 0 talk, 1 offer, 2 accept,
                       3 walk away), ``price`` (``Box(-1, PRICE_MAX, ())``: the offer,
                       or with accept the agreed price; negative = none), ``message``
                       (``Text``)
Observation space      ``Dict``: ``role`` (0 seller, 1 buyer), ``private`` (own cost or
                       value), ``outside`` (own outside option), ``opening`` (own opening
                       price), ``turn`` (moves made), ``turns_left`` (own), ``standing``
                       (the seller's and the buyer's standing offers, -1 = none),
                       ``history`` (one row per move: speaker, act, price; -1 = not yet),
                       ``messages`` (one string per move, "" = not yet)
Payoffs                deal at price p: seller ``p - cost``, buyer ``value - p``; no deal:
                       each side's outside option (default 0)
End                    an acceptance (deal), a walk-away, or every turn used (no deal);
                       ``infos[agent]`` then holds ``payoffs``, ``deal``, ``price``,
                       ``turns_used``, ``closed_by`` and ``surplus_share``
=====================  ===============================================================

Arguments
---------
item : what is sold (default ``"balloon"``).
cost : the seller's private cost (default 8).
value : the buyer's private value (default 20).
seller_open, buyer_open : the prices each side is told to open with (defaults 20 and 10).
turns : turns per side (default 10).
first : ``"seller"`` (default) or ``"buyer"``.
currency : the currency sign prices are written with (default ``"$"``).
seller_outside, buyer_outside : what each side gets without a deal (default 0).

An offer sets the mover's standing offer. An acceptance closes the deal at the other side's
standing offer; an acceptance that carries a price (``price >= 0``) closes at that price: that
is how a moderator's verdict on a free-text negotiation enters the game (see
``arena.judges.moderators``), so the game itself never reads prose. An acceptance when the
other side has no standing offer and names no price closes nothing: the turn counts as talk
(``infos[agent]["void_accept"]``). A cost above the value is a legal game with no zone of
agreement: no deal is then the rational outcome.

Version history
---------------
v0: first release.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

import gymnasium
import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from arena.games.bargaining.messages import format_price, message_space
from arena.games.bargaining.negotiation import Negotiation
from arena.validation import validate_model

ROLES = ("seller", "buyer")
ACTS = ("talk", "offer", "accept", "walk")
TALK, OFFER, ACCEPT, WALK = range(4)
PRICE_MAX = 1e12  # the largest price a move may carry; amounts beyond it are typos
NONE = -1.0  # no standing offer, no price


class BuyerSellerParams(BaseModel):
    """The game's parameters, with Fu et al.'s balloon as the default."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    item: str = Field("balloon", min_length=1, max_length=100)
    cost: float = Field(8.0, ge=0.0, le=PRICE_MAX)
    value: float = Field(20.0, ge=0.0, le=PRICE_MAX)
    seller_open: float = Field(20.0, ge=0.0, le=PRICE_MAX)
    buyer_open: float = Field(10.0, ge=0.0, le=PRICE_MAX)
    turns: int = Field(10, ge=1, le=1000)
    first: Literal["seller", "buyer"] = "seller"
    currency: str = Field("$", max_length=8)
    seller_outside: float = Field(0.0, ge=-PRICE_MAX, le=PRICE_MAX)
    buyer_outside: float = Field(0.0, ge=-PRICE_MAX, le=PRICE_MAX)
    render_mode: Literal["ansi"] | None = None


def move(act: int, price: float = NONE, message: str = "") -> dict[str, Any]:
    """A move as the game takes it: ``move(OFFER, 12.0, "I can pay $12.")``."""
    return {"act": act, "price": np.array(float(price)), "message": message}


class BuyerSellerGame(Negotiation):
    """One item, two sides, a price found in at most ``2 * turns`` moves."""

    move_keys = ("act", "price", "message")
    metadata: ClassVar[dict[str, Any]] = {
        "name": "buyer_seller_v0",
        "render_modes": ["ansi"],
        "is_parallelizable": False,
    }

    def __init__(self, **params: Any) -> None:
        super().__init__()
        self.params = validate_model(BuyerSellerParams, params)
        p = self.params
        self.render_mode = p.render_mode
        self.possible_agents = list(ROLES)
        self.agents: list[str] = []
        self.private = {"seller": p.cost, "buyer": p.value}
        self.outside = {"seller": p.seller_outside, "buyer": p.buyer_outside}
        self.opening = {"seller": p.seller_open, "buyer": p.buyer_open}
        self.max_moves = 2 * p.turns
        self._action_spaces = {
            role: gymnasium.spaces.Dict(
                {
                    "act": gymnasium.spaces.Discrete(len(ACTS)),
                    "price": gymnasium.spaces.Box(NONE, PRICE_MAX, (), np.float64),
                    "message": message_space(),
                }
            )
            for role in ROLES
        }
        observation_space = gymnasium.spaces.Dict(
            {
                "role": gymnasium.spaces.Discrete(2),
                "private": gymnasium.spaces.Box(0.0, PRICE_MAX, (), np.float64),
                "outside": gymnasium.spaces.Box(-PRICE_MAX, PRICE_MAX, (), np.float64),
                "opening": gymnasium.spaces.Box(0.0, PRICE_MAX, (), np.float64),
                "turn": gymnasium.spaces.Discrete(self.max_moves + 1),
                "turns_left": gymnasium.spaces.Discrete(p.turns + 1),
                "standing": gymnasium.spaces.Box(NONE, PRICE_MAX, (2,), np.float64),
                "history": gymnasium.spaces.Box(NONE, PRICE_MAX, (self.max_moves, 3), np.float64),
                "messages": gymnasium.spaces.Tuple([message_space()] * self.max_moves),
            }
        )
        self._observation_spaces = dict.fromkeys(ROLES, observation_space)

    def reset(self, seed: int | None = None, options: Mapping[str, Any] | None = None) -> None:
        self._start(self.params.first, seed)
        self.standing = np.full(2, NONE)
        self.history = np.full((self.max_moves, 3), NONE)
        self.messages = [""] * self.max_moves
        self.deal = False
        self.price: float | None = None
        self.closed_by: str | None = None
        self.walked_away: str | None = None

    def observe(self, agent: str) -> dict[str, Any]:
        role = ROLES.index(agent)
        moved = (self.turn + 1) // 2 if agent == self.params.first else self.turn // 2
        return {
            "role": role,
            "private": np.array(self.private[agent]),
            "outside": np.array(self.outside[agent]),
            "opening": np.array(self.opening[agent]),
            "turn": self.turn,
            "turns_left": self.params.turns - min(moved, self.params.turns),
            "standing": self.standing.copy(),
            "history": self.history.copy(),
            "messages": tuple(self.messages),
        }

    def public_info(self) -> dict[str, Any]:
        """What both sides may know: the item, the currency and the number of turns."""
        p = self.params
        return {"item": p.item, "currency": p.currency, "turns": p.turns, "first": p.first}

    def _price(self, value: Any) -> float:
        price = float(np.asarray(value, dtype=np.float64))
        if not NONE <= price <= PRICE_MAX:  # NaN fails too
            raise ValueError(f"price must be between 0 and {PRICE_MAX:g}, got {price!r}")
        return NONE if price < 0 else price

    def _check(self, agent: str, action: Mapping[str, Any]) -> tuple[int, float]:
        act = int(action["act"])
        if not 0 <= act < len(ACTS):
            raise ValueError(f"{agent}: act must be 0..{len(ACTS) - 1}, got {act}")
        price = self._price(action["price"])
        if act == OFFER and price == NONE:
            raise ValueError(f"{agent}: an offer needs a price")
        return act, price

    def _play(self, agent: str, move: tuple[int, float]) -> bool:
        act, price = move
        role = ROLES.index(agent)
        other = 1 - role
        if act == ACCEPT:
            if price == NONE:
                price = float(self.standing[other])
            if price == NONE:
                act = TALK
                self.infos[agent]["void_accept"] = True
        if act == OFFER:
            self.standing[role] = price
        self.history[self.turn] = (role, act, price if act in (OFFER, ACCEPT) else NONE)
        if act == ACCEPT:
            self.deal, self.price, self.closed_by = True, price, agent
        elif act == WALK:
            self.walked_away = agent
        over = act in (ACCEPT, WALK) or self.turn + 1 >= self.max_moves
        if not over:
            self.agent_selection = ROLES[other]
        return over

    def payoffs(self) -> dict[str, float]:
        """Each side's payoff as things stand (the final ones once the game is over)."""
        if not self.deal or self.price is None:
            return dict(self.outside)
        return {"seller": self.price - self.params.cost, "buyer": self.params.value - self.price}

    def outcome(self) -> dict[str, Any]:
        """How the negotiation ended: deal, price, turns used, who closed or walked away, and
        each side's share of the surplus ``value - cost`` (``None`` without a deal or when
        there is no surplus to share)."""
        surplus = self.params.value - self.params.cost
        shares = None
        if self.deal and surplus > 0 and self.price is not None:
            seller = (self.price - self.params.cost) / surplus
            shares = {"seller": seller, "buyer": 1.0 - seller}
        return {
            "deal": self.deal,
            "price": self.price,
            "turns_used": self.turn,
            "closed_by": self.closed_by,
            "walked_away": self.walked_away,
            "surplus_share": shares,
        }

    def metrics(self) -> dict[str, Any]:
        """The solver's yardsticks for the finished game (``yardsticks.buyer_seller``)."""
        from arena.games.bargaining import yardsticks

        return yardsticks.buyer_seller(self.params.cost, self.params.value, self.deal, self.price)

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        currency = self.params.currency
        lines = [f"buyer-seller: {self.params.item}, move {self.turn} of {self.max_moves}"]
        for t in range(self.turn):
            speaker, act, price = self.history[t]
            shown = f" ({ACTS[int(act)]} {format_price(price, currency)})" if price >= 0 else ""
            lines.append(f"  {ROLES[int(speaker)]}: {self.messages[t]}{shown}")
        return "\n".join(lines)

    def text_protocol(self, agent: str, **options: Any) -> Any:
        """How ``agent`` is told this game in words and how its replies become moves."""
        from arena.games.bargaining.buyer_seller_text import protocol_for

        return protocol_for(self.params, agent, **options)

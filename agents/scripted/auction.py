"""Scripted bidders for every auction: truthful, equilibrium, shading, AucArena's rule bidder
and a budget-pacing bidder.

Each bidder is one rule read three ways: a sealed bid (first price, second price, all-pay), a
clock stop (Dutch: take the price once the clock reaches the bid) and a drop-out point (English:
keep raising by the minimum while the next bid is at most the limit and within budget). The
auction's public rules reach a bidder in its match context (``public_info``), its private value
or estimate and budget in its observation.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from arena.agents.base import AgentInfo, MatchContext, ScriptedAgent
from arena.errors import ConfigError

SEALED = frozenset({"first_price", "second_price", "all_pay"})
AUCARENA = "Chen et al. (2023), AucArena"


def _take(now: bool) -> int:
    return 1 if now else 0


class Bidder(ScriptedAgent):
    """What every scripted bidder shares: reading the format and moving in each auction."""

    info = AgentInfo(False, 0, families=("auction",), source="Vickrey (1961)")
    formats: frozenset[str] = frozenset({*SEALED, "dutch", "english"})  # what it can play

    def reset(self, context: MatchContext) -> None:
        super().reset(context)
        self.public: dict[str, Any] = dict(context.extra.get("public", {}))
        self.format = str(self.public.get("format", ""))
        if self.format not in self.formats:
            plays = ", ".join(sorted(self.formats))
            raise ConfigError(f"{self.name} bids in {plays} auctions, not in {context.game_id}")
        self.seat = context.seat
        self._rng = random.Random(context.seed)
        self._max_bid = float(self.public.get("max_bid", np.inf))

    def limit(self, value: float) -> float:
        """The most it would pay for an item worth ``value`` to it (its sealed bid)."""
        return value

    def decide(self, observation: dict[str, Any]) -> Any:
        if self.format in SEALED:
            value = observation["value"].item()
            return np.array([min(max(self.limit(value), 0.0), self._max_bid)], dtype=np.float64)
        if self.format == "dutch":
            value = observation["value"].item()
            return _take(float(observation["price"][0]) <= self.limit(value) + 1e-9)
        return self.english(observation)

    def english(self, observation: dict[str, Any]) -> Any:
        """Raise by the minimum while the next bid is within its limit and its budget."""
        from arena.games.auction import english

        item = int(observation["item"])
        estimate = float(observation["estimates"][item])
        next_bid = float(observation["min_bid"][0])
        if int(observation["leader"]) == self.seat:
            return english.out()  # never asked while it leads; nothing to raise
        if next_bid <= min(self.english_limit(observation, estimate), self._budget(observation)):
            return english.bid(next_bid)
        return english.out()

    def english_limit(self, observation: dict[str, Any], estimate: float) -> float:
        return self.limit(estimate)

    @staticmethod
    def _budget(observation: dict[str, Any]) -> float:
        return float(observation["budget"][0]) + 1e-9


class Truthful(Bidder):
    """Bids its value: the dominant strategy of a second-price (and English) auction."""


class Equilibrium(Bidder):
    """The symmetric Bayes-Nash bid for the configured values and bidders, from the solver:
    first-price and all-pay bids, truthful in second price, the first-price stop on the Dutch
    clock and the value as the English drop-out point. Where the solver has no closed form
    for the configured distribution it says so when seated, rather than guessing."""

    info = AgentInfo(
        False, 0, families=("auction",), source="Vickrey (1961); Riley & Samuelson (1981)"
    )

    def reset(self, context: MatchContext) -> None:
        super().reset(context)
        from arena.games.auction import theory
        from arena.games.auction.values import parse_values

        self.__dict__.pop("limit", None)  # an earlier auction's bid rule, if any
        if self.format == "english":
            return  # drop out at the value: no distribution needed
        self.dist = parse_values(self.public.get("values"))
        why = theory.closed_form(self.format, self.dist)
        if why is not None:
            raise ConfigError(f"{self.name} cannot bid in {context.game_id}: {why}")
        from arena.solver.auctions import bid_rule

        n, reserve = int(self.public["bidders"]), float(self.public.get("reserve", 0.0))
        auction = theory.STRATEGIC.get(self.format, self.format)
        self.limit = bid_rule(auction, n, self.dist.high, reserve)  # type: ignore[method-assign,assignment]


class ShadeParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    fraction: float = Field(
        0.75, ge=0.0, le=1.0, strict=False, description="the share of its value it bids"
    )


class Shade(Bidder):
    """Bids a fixed fraction of its value (``fraction``, default 0.75)."""

    Params = ShadeParams

    def limit(self, value: float) -> float:
        return float(self.params.fraction) * value  # type: ignore[attr-defined]


class AucArenaRule(Bidder):
    """AucArena's rule bidder: raises by the minimum increment, at most four bids an item,
    within its budget, whatever the item is worth to it (English auctions only)."""

    info = AgentInfo(False, 0, families=("auction",), source=AUCARENA)
    formats = frozenset({"english"})
    MAX_BIDS = 4

    def english(self, observation: dict[str, Any]) -> Any:
        from arena.games.auction import english

        next_bid = float(observation["min_bid"][0])
        if int(observation["leader"]) == self.seat:
            return english.out()
        if int(observation["my_bids"]) < self.MAX_BIDS and next_bid <= self._budget(observation):
            return english.bid(next_bid)
        return english.out()


class BudgetPacing(Bidder):
    """Spreads its budget over the items left: on each item it bids up to its estimate, but no
    more than its money left divided by the items still to come, this one included (English
    auctions only)."""

    info = AgentInfo(False, 0, families=("auction",), source="budget pacing (Balseiro & Gur 2019)")
    formats = frozenset({"english"})

    def english_limit(self, observation: dict[str, Any], estimate: float) -> float:
        items_left = len(observation["start_prices"]) - int(observation["item"])
        return min(estimate, float(observation["budget"][0]) / max(items_left, 1))


def random_auction_move(
    context: MatchContext, observation: dict[str, Any], rng: random.Random
) -> Any:
    """A uniformly random legal move: a sealed bid uniform on [0, the highest value]; on the
    Dutch clock take or wait alike; in an English auction out or a bid uniform between the
    minimum and its budget alike (out when it cannot afford the minimum)."""
    public = context.extra.get("public", {})
    auction = str(public.get("format", ""))
    if auction in SEALED:
        from arena.games.auction.values import parse_values

        return np.array([rng.uniform(0.0, parse_values(public.get("values")).high)])
    if auction == "dutch":
        return rng.randrange(2)
    from arena.games.auction import english

    low, budget = float(observation["min_bid"][0]), float(observation["budget"][0])
    if int(observation["leader"]) == context.seat or low > budget or rng.random() < 0.5:
        return english.out()
    return english.bid(rng.uniform(low, budget))

"""AucArena's English auction: items sold in sequence by an ascending open-cry clock, with budgets.

=====================  ===============================================================
Id                     ``auction/english-v0``
Agents                 ``bidder_0`` ... ``bidder_{n-1}`` (``bidders``, 2 to 10, default 3)
Moves                  turn-based (AEC API): within a bidding round the bidders still in
                       are asked in turn; each bids (at least ``min_bid``, at most its
                       money left) or goes out of the item for good
Information            private: one's budget (money left), one's value estimates, one's
                       objective; public: the items and their starting prices, every bid
                       (the standing high bid and its bidder), who is still in, every
                       hammer (winner, price, and the item's true value)
Action space           ``Dict``: ``act`` (``Discrete(2)``: 0 out of this item, 1 bid),
                       ``amount`` (``Box(0, inf, (1,))``: the bid; ignored when out)
Observation space      ``Dict``: ``item`` (the item on the block; the number of items once
                       over), ``start_prices``, ``estimates`` (own), ``budget`` (own money
                       left), ``standing`` (the high bid, -1 none), ``leader`` (its seat,
                       -1 none), ``min_bid`` (the least legal bid now, -1 once over),
                       ``my_bids`` (own bids on this item), ``active`` (1 for the bidders
                       still in), ``winners``, ``prices``, ``true_values`` (per item, -1
                       not yet / unsold), ``objective`` (own: 0 profit, 1 items)
Rewards                at the end only: ``maximize_profit``: the profit, the sum over the
                       items won of true value minus price; ``maximize_items``: the number
                       of items won (``metrics`` keeps everyone's profit too)
End                    after the last item's hammer; ``infos[agent]`` then holds
                       ``payoffs`` (by agent) and the public ``outcome``
=====================  ===============================================================

Arguments
---------
bidders : the number of bidders, 2 to 10 (default 3).
budget : each bidder's money for the whole auction (default 10,000): one number for all, or a
    list with one per seat. Never negative.
items : the items in the order they are sold, each a table ``{name, start, value}``: its
    starting price (above 0) and its true value (at least 0). The default is AucArena's demo,
    ``data/example/items_demo.jsonl`` in jiangjiechen/auction-arena: Widget A, Gadget B,
    Thingamajig C and Doodad D starting at 1,000 with true value 2,000, then Equipment E
    starting at 5,000 with true value 10,000.
overestimate : each bidder's estimate of an item is its true value times
    ``1 + overestimate`` (default 0.1, AucArena's ``overestimate_percent = 10``); a number for
    all or a list per seat; at least -1 (an estimate is never negative).
objective : ``"maximize_profit"`` (default) or ``"maximize_items"``, AucArena's two desires;
    a string for all or a list per seat. It sets the bidder's reward (see the table).
min_raise : the least raise over the standing bid, as a fraction of the item's starting price
    (default 0.1, AucArena's ``min_markup_pct``); in (0, 1].
max_bidding_rounds : the most bidding rounds on one item (default 100); when the last one
    ends the hammer falls on the standing bid, so every game ends.
currency : how amounts read in the text protocol (default ``$``).

The rules in detail
-------------------
Bidding on item ``k`` (counted from 0) opens with ``bidder_{k mod n}`` and goes round the
seats in order; so the opener rotates by seat from item to item (nothing is drawn: the game
has no chance moves and ``deterministic`` is True). A bidding round asks every bidder still
in, once, in that order, except the standing high bidder: the leader never has to answer its
own bid. The first bid on an item is at least its starting price, every later bid at least
the standing bid plus ``min_raise`` times the starting price (``min_bid``). Going out is final
for the item (AucArena's withdrawal). An item is sold when a whole bidding round passes with
no new bid, which, since going out is final, is as soon as no bidder other than the leader is
still in: to the leader at its bid, or unsold when nobody bid. The hammer reveals the item's
true value to everyone, sold or not. A bidder may be asked while the minimum bid is more than
its money left: its only legal move is then to go out.

A bid above the bidder's money left or below ``min_bid``, a move of a bidder who is out, or a
malformed action is an illegal move: ``step`` raises ``ValueError`` before anything changes
(the arena's retry and forfeit machinery answers it). PettingZoo's checkers sample actions
with ``infos[agent]["action_mask"]``, which allows only "out" (the one move that is legal
whatever the amount): a random amount is almost never a legal bid.

Yardsticks (``metrics``): every bidder values an item at its true value (the estimates are
only what it believes), so the efficiency is the true value of the items sold over the true
value of all items. The ex-post regret of a bidder is what its best response to the others'
realised bids would have earned, minus what it earned, in its own reward's unit: knowing the
others' highest bid on every item, it could have won any item at that bid plus the minimum
raise (or at the starting price when nobody else bid), within its initial budget; the best
set of items is found exactly (by enumeration, up to 20 items worth winning; greedily
beyond). The others' bids are taken as given, although in an open auction they answer one's
own. No closed form exists for the expected revenue or the equilibrium with budgets and
several items: both are ``None``.

Version history
---------------
v0: first release.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Literal

import gymnasium
import numpy as np
from pettingzoo import AECEnv
from pydantic import BaseModel, ConfigDict, Field

from arena.errors import ConfigError
from arena.validation import validate_model

OUT, BID = 0, 1
PROFIT, ITEMS = 0, 1
OBJECTIVES = ("maximize_profit", "maximize_items")
NONE = -1.0  # no bid yet, not sold yet, not revealed yet
MAX_ITEMS = 100
EXACT_ITEMS = 20  # the regret's best response is exact up to this many items worth winning

Number = Annotated[float, Field(strict=False, allow_inf_nan=False)]

# AucArena's data/example/items_demo.jsonl (jiangjiechen/auction-arena), in its order.
DEMO_ITEMS: tuple[dict[str, Any], ...] = (
    {"name": "Widget A", "start": 1000.0, "value": 2000.0},
    {"name": "Gadget B", "start": 1000.0, "value": 2000.0},
    {"name": "Thingamajig C", "start": 1000.0, "value": 2000.0},
    {"name": "Doodad D", "start": 1000.0, "value": 2000.0},
    {"name": "Equipment E", "start": 5000.0, "value": 10000.0},
)


class Item(BaseModel):
    """One item: its name, starting price and true value."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    name: str = Field(min_length=1, max_length=80)
    start: Number = Field(gt=0.0)
    value: Number = Field(ge=0.0)


class EnglishParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    bidders: int = Field(3, ge=2, le=10)
    budget: Any = 10_000.0  # a number or one per seat: checked by ``per_seat``
    items: list[Item] = Field(
        default_factory=lambda: [Item(**item) for item in DEMO_ITEMS],
        min_length=1,
        max_length=MAX_ITEMS,
    )
    overestimate: Any = 0.1
    objective: Any = "maximize_profit"
    min_raise: Number = Field(0.1, gt=0.0, le=1.0)
    max_bidding_rounds: int = Field(100, ge=1, le=10_000)
    currency: str = Field("$", max_length=8)
    render_mode: Literal["ansi"] | None = None


def _number(key: str, value: Any, low: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{key}: expected a number, got {value!r}")
    number = float(value)
    if not np.isfinite(number) or number < low:
        raise ConfigError(f"{key}: must be a finite number of at least {low:g}, got {value!r}")
    return number


def _objective(key: str, value: Any) -> int:
    if value not in OBJECTIVES:
        raise ConfigError(f"{key}: expected 'maximize_profit' or 'maximize_items', got {value!r}")
    return OBJECTIVES.index(value)


def per_seat(key: str, spec: Any, n: int, read: Any) -> tuple[Any, ...]:
    """One setting per seat from one for all or a list of ``n``; errors name ``key[seat]``."""
    if isinstance(spec, list | tuple):
        if len(spec) != n:
            raise ConfigError(f"{key}: {len(spec)} values for {n} bidders (give one per seat)")
        return tuple(read(f"{key}[{k}]", x) for k, x in enumerate(spec))
    return (read(key, spec),) * n


def bid(amount: float) -> dict[str, Any]:
    """A bid of ``amount`` as the action space holds it."""
    return {"act": BID, "amount": np.array([amount], dtype=np.float64)}


def out() -> dict[str, Any]:
    """Going out of the item on the block (final for that item)."""
    return {"act": OUT, "amount": np.zeros(1, dtype=np.float64)}


def _close(a: float, b: float) -> float:
    """The tolerance of comparing two amounts (floating sums of raises)."""
    return 1e-9 * max(1.0, abs(a), abs(b))


def best_response(costs: np.ndarray, gains: np.ndarray, budget: float) -> float:
    """The most a bidder could earn buying any set of items at ``costs`` within ``budget``,
    each item earning its ``gains`` (a 0/1 knapsack: exact over the items worth buying, up
    to ``EXACT_ITEMS`` of them, greedy by gain per cost beyond)."""
    worth = np.flatnonzero((gains > 0) & (costs <= budget + _close(budget, 0.0)))
    if len(worth) == 0:
        return 0.0
    cost, gain = costs[worth], gains[worth]
    if len(worth) <= EXACT_ITEMS:
        pick = np.array(list(itertools.product((0.0, 1.0), repeat=len(worth))))
        fits = pick @ cost <= budget + _close(budget, 0.0)
        return float((pick[fits] @ gain).max())
    total, spent = 0.0, 0.0
    for k in np.argsort(-gain / np.maximum(cost, 1e-12)):
        if spent + cost[k] <= budget + _close(budget, 0.0):
            spent += cost[k]
            total += gain[k]
    return total


@dataclass
class Auctioneer:
    """The rules and state of one English auction, without the AEC bookkeeping."""

    starts: np.ndarray  # (items,)
    values: np.ndarray  # (items,) true values
    budgets: np.ndarray  # (n,) initial budgets
    min_raise: float
    max_rounds: int
    n: int = field(init=False)
    item: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.n = len(self.budgets)
        n_items = len(self.starts)
        self.money = self.budgets.astype(np.float64).copy()
        self.winners = np.full(n_items, -1, dtype=np.int64)
        self.prices = np.full(n_items, NONE)
        self.revealed = np.full(n_items, NONE)
        self.high_bids = np.full((n_items, self.n), NONE)  # each seat's highest bid per item
        self.bids_made = np.zeros(n_items, dtype=np.int64)
        self.rounds_used = np.zeros(n_items, dtype=np.int64)
        self.item = 0
        self._open(0)

    @property
    def over(self) -> bool:
        return self.item >= len(self.starts)

    def _open(self, k: int) -> None:
        """Put item ``k`` on the block: its bidding opens with ``bidder_{k mod n}``."""
        self.order = [(k + j) % self.n for j in range(self.n)]
        self.pos = 0
        self.bidding_round = 0
        self.standing = NONE
        self.leader = -1
        self.active = np.ones(self.n, dtype=np.int8)
        self.my_bids = np.zeros(self.n, dtype=np.int64)
        self.to_act = self.order[0]
        self.rounds_used[k] = 1

    def min_bid(self) -> float:
        """The least legal bid now: the starting price, or the standing bid plus the raise."""
        if self.over:
            return NONE
        start = float(self.starts[self.item])
        return start if self.leader < 0 else self.standing + self.min_raise * start

    def check(self, seat: int, amount: float | None) -> None:
        """``ValueError`` saying why ``seat`` may not make this move now (``None``: out)."""
        who = f"bidder_{seat}"
        if self.over:
            raise ValueError("the auction is over")
        if seat != self.to_act:
            raise ValueError(f"{who}: it is bidder_{self.to_act}'s turn")
        if not self.active[seat]:
            raise ValueError(f"{who} is out of this item and cannot bid on it")
        if amount is None:
            return
        if not np.isfinite(amount):
            raise ValueError(f"{who}: a bid is a finite amount, got {amount!r}")
        low, money = self.min_bid(), float(self.money[seat])
        if amount > money + _close(amount, money):
            raise ValueError(f"{who}: a bid of {amount:g} is more than its money left, {money:g}")
        if amount < low - _close(amount, low):
            raise ValueError(f"{who}: a bid of {amount:g} is below the minimum bid, {low:g}")

    def play(self, seat: int, amount: float | None) -> None:
        """Apply a checked move, then ask the next bidder or let the hammer fall."""
        if amount is None:
            self.active[seat] = 0
        else:
            k = self.item
            self.standing, self.leader = float(amount), seat
            self.my_bids[seat] += 1
            self.bids_made[k] += 1
            self.high_bids[k, seat] = max(self.high_bids[k, seat], float(amount))
        self._advance()

    def _advance(self) -> None:
        """The next bidder to answer (still in, not the leader), or the hammer when none is
        left or the last bidding round has ended."""
        for _ in range(self.n):
            self.pos += 1
            if self.pos == self.n:
                self.pos = 0
                self.bidding_round += 1
                if self.bidding_round >= self.max_rounds:
                    break
            seat = self.order[self.pos]
            if self.active[seat] and seat != self.leader:
                self.to_act = seat
                self.rounds_used[self.item] = self.bidding_round + 1
                return
        self._hammer()

    def _hammer(self) -> None:
        k = self.item
        self.revealed[k] = self.values[k]
        if self.leader >= 0:
            self.winners[k] = self.leader
            self.prices[k] = self.standing
            self.money[self.leader] -= self.standing
        self.item = k + 1
        if self.over:
            self.to_act = -1
            self.standing, self.leader = NONE, -1
            self.active = np.zeros(self.n, dtype=np.int8)
            self.my_bids = np.zeros(self.n, dtype=np.int64)
        else:
            self._open(self.item)

    def profits(self) -> np.ndarray:
        """Each seat's profit so far: true value minus price over the items it won."""
        profit = np.zeros(self.n)
        for k in np.flatnonzero(self.winners >= 0):
            profit[self.winners[k]] += self.values[k] - self.prices[k]
        return profit

    def items_won(self) -> np.ndarray:
        return np.bincount(self.winners[self.winners >= 0], minlength=self.n).astype(np.int64)

    def to_beat(self, seat: int) -> np.ndarray:
        """Per item, the least price at which ``seat`` would have beaten the others' bids."""
        others = np.delete(self.high_bids, seat, axis=1)
        highest = others.max(axis=1) if others.shape[1] else np.full(len(self.starts), NONE)
        return np.where(highest < 0, self.starts, highest + self.min_raise * self.starts)


class EnglishAuction(AECEnv):
    """Several items, one after another, each by an ascending open-cry auction with budgets."""

    format: ClassVar[str] = "english"
    metadata: ClassVar[dict[str, Any]] = {
        "name": "english_auction_v0",
        "render_modes": ["ansi"],
        "is_parallelizable": False,
    }
    deterministic = True  # nothing is drawn: the opener rotates by seat

    def __init__(self, **params: Any) -> None:
        super().__init__()
        self.params = validate_model(EnglishParams, params)
        p = self.params
        n = p.bidders
        self.budgets = np.array(per_seat("budget", p.budget, n, lambda k, x: _number(k, x, 0.0)))
        over = per_seat("overestimate", p.overestimate, n, lambda k, x: _number(k, x, -1.0))
        self.objectives = per_seat("objective", p.objective, n, _objective)
        self.starts = np.array([item.start for item in p.items], dtype=np.float64)
        self.values = np.array([item.value for item in p.items], dtype=np.float64)
        # AucArena: the true value times (1 + overestimate), here to the cent
        self.estimates = np.round(np.outer(1.0 + np.array(over), self.values), 2)
        self.render_mode = p.render_mode
        self.possible_agents = [f"bidder_{k}" for k in range(n)]
        self.agents: list[str] = []
        n_items = len(p.items)
        money = gymnasium.spaces.Box(0.0, np.inf, (1,), np.float64)
        self._action_spaces = {
            a: gymnasium.spaces.Dict({"act": gymnasium.spaces.Discrete(2), "amount": money})
            for a in self.possible_agents
        }
        per_item = gymnasium.spaces.Box(NONE, np.inf, (n_items,), np.float64)
        observation_space = gymnasium.spaces.Dict(
            {
                "item": gymnasium.spaces.Discrete(n_items + 1),
                "start_prices": gymnasium.spaces.Box(0.0, np.inf, (n_items,), np.float64),
                "estimates": gymnasium.spaces.Box(0.0, np.inf, (n_items,), np.float64),
                "budget": gymnasium.spaces.Box(0.0, np.inf, (1,), np.float64),
                "standing": gymnasium.spaces.Box(NONE, np.inf, (1,), np.float64),
                "leader": gymnasium.spaces.Discrete(n + 1, start=-1),
                "min_bid": gymnasium.spaces.Box(NONE, np.inf, (1,), np.float64),
                "my_bids": gymnasium.spaces.Discrete(p.max_bidding_rounds + 1),
                "active": gymnasium.spaces.MultiBinary(n),
                "winners": gymnasium.spaces.Box(-1, n - 1, (n_items,), np.int64),
                "prices": per_item,
                "true_values": per_item,
                "objective": gymnasium.spaces.Discrete(2),
            }
        )
        self._observation_spaces = dict.fromkeys(self.possible_agents, observation_space)
        self.auction = self._new_auction()

    def _new_auction(self) -> Auctioneer:
        p = self.params
        return Auctioneer(self.starts, self.values, self.budgets, p.min_raise, p.max_bidding_rounds)

    def observation_space(self, agent: str) -> gymnasium.spaces.Space:
        return self._observation_spaces[agent]

    def action_space(self, agent: str) -> gymnasium.spaces.Space:
        return self._action_spaces[agent]

    def public_info(self) -> dict[str, Any]:
        """What every bidder may know: the rules' numbers and the items' starting prices
        (no budget, estimate, objective or true value: those are private or revealed later)."""
        p = self.params
        return {
            "format": self.format,
            "bidders": p.bidders,
            "currency": p.currency,
            "items": [{"name": item.name, "start": item.start} for item in p.items],
            "min_raise": p.min_raise,
            "max_bidding_rounds": p.max_bidding_rounds,
        }

    # -- play --------------------------------------------------------------------------------

    def reset(self, seed: int | None = None, options: Mapping[str, Any] | None = None) -> None:
        if seed is not None:
            for k, space in enumerate(self._action_spaces.values()):
                space.seed(seed + k)
        self.auction = self._new_auction()
        self.agents = list(self.possible_agents)
        self.rewards = dict.fromkeys(self.agents, 0.0)
        self._cumulative_rewards = dict.fromkeys(self.agents, 0.0)
        self.terminations = dict.fromkeys(self.agents, False)
        self.truncations = dict.fromkeys(self.agents, False)
        self.infos: dict[str, dict[str, Any]] = {a: self._mask() for a in self.agents}
        self.agent_selection = self.possible_agents[self.auction.to_act]

    @staticmethod
    def _mask() -> dict[str, Any]:
        # Only "out" is legal whatever the amount; samplers (PettingZoo's checkers) use this.
        return {"action_mask": {"act": np.array([1, 0], dtype=np.int8), "amount": None}}

    def observe(self, agent: str) -> dict[str, Any]:
        seat = self.possible_agents.index(agent)
        a = self.auction
        return {
            "item": a.item,
            "start_prices": self.starts.copy(),
            "estimates": self.estimates[seat].copy(),
            "budget": np.array([max(a.money[seat], 0.0)]),
            "standing": np.array([a.standing]),
            "leader": a.leader,
            "min_bid": np.array([a.min_bid()]),
            "my_bids": int(a.my_bids[seat]),
            "active": a.active.copy(),
            "winners": a.winners.copy(),
            "prices": a.prices.copy(),
            "true_values": a.revealed.copy(),
            "objective": self.objectives[seat],
        }

    def read_move(self, agent: str, action: Any) -> float | None:
        """The bid an action makes (``None``: out), checked: ``ValueError`` otherwise."""
        if not isinstance(action, Mapping) or "act" not in action:
            raise ValueError(f"{agent}: a move is a dict with act and amount, got {action!r}")
        act = action["act"]
        if isinstance(act, bool) or not isinstance(act, int | np.integer) or act not in (0, 1):
            raise ValueError(f"{agent}: act is 0 (out) or 1 (bid), got {act!r}")
        amount: float | None = None
        if int(act) == BID:
            if "amount" not in action:
                raise ValueError(f"{agent}: a bid needs an amount")
            try:
                amount = float(np.asarray(action["amount"], dtype=np.float64).reshape(-1)[0])
            except (TypeError, ValueError, IndexError):
                raise ValueError(f"{agent}: amount is a number, got {action['amount']!r}") from None
        self.auction.check(self.possible_agents.index(agent), amount)
        return amount

    def step(self, action: Any) -> None:
        agent = self.agent_selection
        if self.terminations[agent] or self.truncations[agent]:
            self._was_dead_step(action)
            return
        amount = self.read_move(agent, action)  # raises before anything changes
        self._cumulative_rewards[agent] = 0.0
        self.rewards = dict.fromkeys(self.agents, 0.0)
        self.auction.play(self.possible_agents.index(agent), amount)
        if self.auction.over:
            self._finish()
        else:
            self.infos = {a: self._mask() for a in self.agents}
            self.agent_selection = self.possible_agents[self.auction.to_act]
        self._accumulate_rewards()

    def payoffs(self) -> dict[str, float]:
        """Each bidder's reward: its profit, or the number of items it won (its objective)."""
        profit, count = self.auction.profits(), self.auction.items_won()
        return {
            a: float(count[k] if self.objectives[k] == ITEMS else profit[k])
            for k, a in enumerate(self.possible_agents)
        }

    def _finish(self) -> None:
        payoffs = self.payoffs()
        outcome = {"payoffs": payoffs, **self.outcome()}
        for agent in self.agents:
            self.rewards[agent] = payoffs[agent]
            self.terminations[agent] = True
            self.infos[agent] = dict(outcome)

    # -- what is kept ------------------------------------------------------------------------

    def outcome(self) -> dict[str, Any]:
        """Per item: winner (seat index or None), price, true value, bids and bidding rounds.
        Everything in it is public once the hammer has fallen."""
        a = self.auction
        return {
            "format": self.format,
            "items": [
                {
                    "name": item.name,
                    "start": item.start,
                    "winner": int(a.winners[k]) if a.winners[k] >= 0 else None,
                    "price": float(a.prices[k]) if a.winners[k] >= 0 else None,
                    "true_value": item.value,
                    "bids": int(a.bids_made[k]),
                    "bidding_rounds": int(a.rounds_used[k]),
                }
                for k, item in enumerate(self.params.items[: a.item])
            ],
        }

    def metrics(self) -> dict[str, Any]:
        """Profit, value won, money left, items won, revenue, efficiency and ex-post regret
        (see the module's docstring); no closed form for expected revenue or equilibrium."""
        a = self.auction
        sold = a.winners >= 0
        value_won = np.zeros(a.n)
        for k in np.flatnonzero(sold):
            value_won[a.winners[k]] += self.values[k]
        done = a.item
        total = float(self.values[:done].sum())
        profit, count = a.profits(), a.items_won()
        regret = []
        for seat in range(a.n):
            costs = a.to_beat(seat)[:done]
            if self.objectives[seat] == ITEMS:
                best = best_response(costs, np.ones(done), float(self.budgets[seat]))
                regret.append(max(best - float(count[seat]), 0.0))
            else:
                best = best_response(costs, self.values[:done] - costs, float(self.budgets[seat]))
                regret.append(max(best - float(profit[seat]), 0.0))
        return {
            "profit": profit.tolist(),
            "value_won": value_won.tolist(),
            "money_left": a.money.tolist(),
            "items_won": count.tolist(),
            "revenue": float(a.prices[sold].sum()),
            "expected_revenue": None,
            "efficiency": float(self.values[sold].sum() / total) if total > 0 else None,
            "regret": regret,
            "equilibrium_deviation": None,
        }

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        a = self.auction
        lines = []
        for k, item in enumerate(self.params.items[: a.item]):
            if a.winners[k] >= 0:
                lines.append(f"{item.name}: bidder_{a.winners[k]} at {a.prices[k]:g}")
            else:
                lines.append(f"{item.name}: unsold")
        if not a.over:
            item = self.params.items[a.item]
            lead = f"bidder_{a.leader} at {a.standing:g}" if a.leader >= 0 else "no bid"
            lines.append(f"{item.name} on the block: {lead}, bidder_{a.to_act} to answer")
        return "\n".join(lines)

    def close(self) -> None:
        """Nothing to release."""

    def text_protocol(self, agent: str, **options: Any) -> Any:
        """How ``agent`` is told this auction in words and how its replies become moves."""
        from arena.games.auction.english_text import EnglishText, read_options

        seat = self.possible_agents.index(agent)
        return EnglishText(
            info=self.public_info(),
            seat=agent,
            budget=float(self.budgets[seat]),
            estimates=tuple(float(x) for x in self.estimates[seat]),
            objective=OBJECTIVES[self.objectives[seat]],
            beliefs=read_options("auction/english-v0", options),
        )

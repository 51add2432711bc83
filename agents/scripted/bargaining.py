"""Scripted negotiators for the bargaining games, each with a short natural message per move.

Time-dependent tactics after Faratin, Sierra and Jennings (1998): at its k-th of n turns a
negotiator concedes the fraction ``alpha = (k / (n - 1)) ** (1 / beta)`` of the way from its
opening to its reservation (the seller's cost, the buyer's value). ``beta < 1`` is Boulware
(holds out, concedes at the deadline), ``beta = 1`` linear, ``beta > 1`` Conceder (gives way
early). Every negotiator accepts the other side's standing offer when it is at least as good
as the offer it would make next, and at its last turn any offer better than no deal.

The messages are ordinary sentences ("I can let it go for $17."), so a language model facing a
scripted negotiator reads what it would read from a person. They never state a private number
except as an offer the negotiator chooses to make.
"""

from __future__ import annotations

import functools
import itertools
import random
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from arena.agents.base import AgentInfo, MatchContext, ScriptedAgent
from arena.games.bargaining import alternating_offers as ao
from arena.games.bargaining import multi_issue as mi
from arena.games.bargaining.buyer_seller import ACCEPT, NONE, OFFER, WALK, move
from arena.games.bargaining.messages import format_price

BUYER_SELLER = "bargaining/buyer-seller-v0"
ALTERNATING = "bargaining/alternating-offers-v0"
MULTI_ISSUE = "bargaining/multi-issue-v0"
_CENT = 0.01  # prices are quoted in cents: an offer within a cent of a target meets it
SELLER = 0


def _round_cents(price: float) -> float:
    return round(price, 2)


def _counted(keep: list[int]) -> str:
    """'1 book, 2 hats and 0 balls'."""
    names = [f"{n} {item}{'' if n == 1 else 's'}" for n, item in zip(keep, mi.ITEMS)]
    return f"{names[0]}, {names[1]} and {names[2]}"


class BuyerSellerView:
    """What a negotiator needs from a buyer-seller observation, in its own terms."""

    def __init__(self, observation: dict[str, Any]) -> None:
        self.role = int(observation["role"])
        self.seller = self.role == SELLER
        self.reservation = float(observation["private"])
        self.outside = float(observation["outside"])
        opening = float(observation["opening"])
        # An opening on the wrong side of one's reservation is treated as the reservation.
        worse = opening < self.reservation if self.seller else opening > self.reservation
        self.opening = self.reservation if worse else opening
        self.turns_left = int(observation["turns_left"])
        history = observation["history"][: int(observation["turn"])]
        self.own_moves = sum(1 for r in history if int(r[0]) == self.role)
        self.own_offers = [float(r[2]) for r in history if int(r[0]) == self.role and r[1] == OFFER]
        self.their_offers = [
            float(r[2]) for r in history if int(r[0]) != self.role and r[1] == OFFER
        ]
        standing = float(observation["standing"][1 - self.role])
        self.standing = None if standing < 0 else standing

    def payoff(self, price: float) -> float:
        """One's own payoff from a deal at ``price``."""
        return price - self.reservation if self.seller else self.reservation - price

    def at(self, alpha: float) -> float:
        """The price a fraction ``alpha`` of the way from the opening to the reservation."""
        alpha = min(max(alpha, 0.0), 1.0)
        return _round_cents(self.opening + alpha * (self.reservation - self.opening))


class SplitView:
    """What a negotiator needs from an alternating-offers observation."""

    def __init__(self, observation: dict[str, Any]) -> None:
        self.seat = int(observation["seat"])
        self.period = int(observation["period"])
        self.proposing = int(observation["phase"]) == ao.PROPOSING
        self.pie = float(observation["pie"])
        self.discount = float(observation["discount"][0])
        self.other_discount = float(observation["discount"][1])
        self.horizon = int(observation["horizon"])
        proposer = int(observation["proposer"])
        own_periods = [
            p
            for p in range(self.horizon)
            if (proposer if (p - self.period) % 2 == 0 else 1 - proposer) == self.seat
        ]
        self.own_periods = len(own_periods)
        rows = [r for r in observation["history"] if r[0] >= 0 and r[1] == ao.PROPOSE]
        self.own_keeps = [float(r[2]) for r in rows if int(r[0]) == self.seat]
        self.their_keeps = [float(r[2]) for r in rows if int(r[0]) != self.seat]
        self.offered = float(observation["standing"][0])  # to me, when responding
        self.first = proposer if self.period % 2 == 0 else 1 - proposer

    @property
    def last_period(self) -> bool:
        return self.period >= self.horizon - 1


class DivisionView:
    """What a negotiator needs from a Deal or No Deal observation."""

    def __init__(self, observation: dict[str, Any]) -> None:
        self.seat = int(observation["seat"])
        self.turn = int(observation["turn"])
        self.pool = [int(x) for x in observation["pool"]]
        self.values = [int(x) for x in observation["values"]]
        self.max_turns = len(observation["messages"])
        rows = [[int(x) for x in r] for r in observation["history"][: self.turn]]
        self.own_keeps = [r[2:] for r in rows if r[0] == self.seat and r[1] == mi.PROPOSE]
        self.their_keeps = [r[2:] for r in rows if r[0] != self.seat and r[1] == mi.PROPOSE]
        standing = [int(x) for x in observation["standing"]]
        self.offered = None if standing[0] < 0 else standing
        first_turns = range(self.seat, self.max_turns, 2)  # player_0 moves at even turns
        self.own_turns = len(first_turns)

    def value(self, counts: list[int]) -> int:
        return sum(v * n for v, n in zip(self.values, counts))

    @property
    def last_move(self) -> bool:
        return self.turn >= self.max_turns - 1

    def divisions(self) -> list[list[int]]:
        """Every division, as the items kept."""
        return [list(d) for d, _ in _divisions(tuple(self.pool), tuple(self.values))]

    def keeping(self, target: float) -> list[int]:
        """The division worth at least ``target`` to itself that leaves the other side the most
        items (then the one worth least above the target): concede what it values least."""
        for kept, value in _divisions(tuple(self.pool), tuple(self.values)):
            if value >= target - 1e-9:
                return list(kept)
        worth = self.value(self.pool)
        raise ValueError(f"no division is worth {target} (the whole pool is worth {worth})")


@functools.lru_cache(maxsize=8192)
def _divisions(
    pool: tuple[int, ...], values: tuple[int, ...]
) -> tuple[tuple[tuple[int, ...], int], ...]:
    """Every division of ``pool`` (the items kept) with its value, fewest items kept first, then
    least value, then in order: the order ``keeping`` searches. Computed once per instance
    (a negotiator asks every turn of every match)."""
    table = [
        (kept, sum(v * n for v, n in zip(values, kept)))
        for kept in itertools.product(*(range(n + 1) for n in pool))
    ]
    return tuple(sorted(table, key=lambda row: (sum(row[0]), row[1], row[0])))


class Negotiator(ScriptedAgent):
    """The machinery every scripted negotiator shares: offers, acceptance and messages."""

    info = AgentInfo(False, float("inf"), families=("bargaining",), source="")

    def reset(self, context: MatchContext) -> None:
        super().reset(context)
        public = context.extra.get("public", {})
        self.currency = str(public.get("currency", "$"))
        self.item = str(public.get("item", "it"))

    def decide(self, observation: dict[str, Any]) -> Any:
        game = self.context.game_id
        if game == ALTERNATING:
            return self._split_move(SplitView(observation))
        if game == MULTI_ISSUE:
            return self._division_move(DivisionView(observation))
        if game != BUYER_SELLER:
            raise NotImplementedError(f"{self.name} does not play {game}")
        view = BuyerSellerView(observation)
        offer = self.next_price(view)
        if view.standing is not None and self._accepts(view, offer):
            return move(ACCEPT, NONE, f"Deal at {self._price(view.standing)}.")
        if offer is None:
            return move(WALK, NONE, "That is too far from what I can do; I walk away.")
        return move(OFFER, offer, self._offer_message(view, offer))

    def alpha(self, made: int, turns: int) -> float:
        """The fraction of the way from its opening to its reservation after ``made`` of its
        ``turns`` moves (time-dependent tactics; 0: it never concedes)."""
        return 0.0

    def next_price(self, view: BuyerSellerView) -> float | None:
        """The price this negotiator would offer now (``None``: it would walk away)."""
        return view.at(self.alpha(view.own_moves, view.own_moves + view.turns_left))

    def next_keep(self, view: SplitView, made: int) -> float:
        """What it would keep in its proposal after ``made`` proposals (from the whole pie
        towards nothing, the value of an impasse)."""
        alpha = min(max(self.alpha(made, view.own_periods), 0.0), 1.0)
        return _round_cents(view.pie * (1.0 - alpha))

    def accepts_split(self, view: SplitView) -> bool:
        """Whether to accept what the proposal on the table offers it: at least what it would
        keep as the next proposer, discounted by a period; anything in the last period."""
        if view.last_period:
            return view.offered >= 0.0
        waiting = view.discount * self.next_keep(view, len(view.own_keeps))
        return view.offered >= waiting - 1e-9

    def target_value(self, view: DivisionView, made: int) -> float:
        """What its next proposal must be worth to it (from the whole 10 towards nothing)."""
        alpha = min(max(self.alpha(made, view.own_turns), 0.0), 1.0)
        return mi.TOTAL_VALUE * (1.0 - alpha)

    def accepts_division(self, view: DivisionView) -> bool:
        """Whether to accept the proposal on the table: worth at least what its own next
        proposal would ask; at the last move of the game anything better than nothing."""
        assert view.offered is not None
        value = view.value(view.offered)
        if view.last_move:
            return value > 0
        return value >= self.target_value(view, len(view.own_keeps)) - 1e-9

    def _division_move(self, view: DivisionView) -> dict[str, Any]:
        if view.offered is not None and self.accepts_division(view):
            return mi.acceptance("I accept.")
        keep = view.keeping(self.target_value(view, len(view.own_keeps)))
        return mi.division(keep, f"I would like to keep {_counted(keep)}.")

    def _split_move(self, view: SplitView) -> dict[str, Any]:
        if not view.proposing:
            if self.accepts_split(view):
                return ao.response(True, "I accept.")
            return ao.response(False, "I reject that.")
        keep = self.next_keep(view, len(view.own_keeps))
        rest = _round_cents(view.pie - keep)
        return ao.proposal(keep, f"I propose to keep {keep:g} and give you {rest:g}.")

    def _accepts(self, view: BuyerSellerView, offer: float | None) -> bool:
        assert view.standing is not None
        gain = view.payoff(view.standing)
        if gain < view.outside or (gain == view.outside and view.turns_left > 1):
            return False
        if offer is None or view.turns_left == 1:
            return True
        return gain >= view.payoff(offer) - _CENT

    def _price(self, price: float) -> str:
        return format_price(price, self.currency)

    def _offer_message(self, view: BuyerSellerView, price: float) -> str:
        shown = self._price(price)
        if view.seller:
            return f"I can let the {self.item} go for {shown}."
        return f"I can pay {shown} for the {self.item}."


class TimeDependentParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    beta: float = Field(1.0, gt=0.0, le=100.0, description="concession exponent")


class TimeDependent(Negotiator):
    """Faratin et al.'s time-dependent tactic with concession exponent ``beta``."""

    info = AgentInfo(
        False, float("inf"), families=("bargaining",), source="Faratin, Sierra, Jennings (1998)"
    )
    Params = TimeDependentParams
    default_beta = 1.0

    def __init__(self, name: str | None = None, **params: Any) -> None:
        params.setdefault("beta", self.default_beta)
        super().__init__(name, **params)

    def alpha(self, made: int, turns: int) -> float:
        t = 1.0 if turns <= 1 else min(made / (turns - 1), 1.0)
        return float(t ** (1.0 / self.beta))

    @property
    def beta(self) -> float:
        """The concession exponent in use."""
        return float(self.params.beta)  # type: ignore[attr-defined]


class Boulware(TimeDependent):
    """Holds near its opening and concedes late (``beta = 0.2`` by default)."""

    default_beta = 0.2


class Linear(TimeDependent):
    """Concedes the same amount every turn (``beta = 1``)."""

    default_beta = 1.0


class Conceder(TimeDependent):
    """Gives way early (``beta = 5`` by default)."""

    default_beta = 5.0


class Adaptive(TimeDependent):
    """A time-dependent negotiator that learns from the ``solver`` critic between games.

    It starts linear (``beta = 1``); after each game it reads the critic's advice as data
    (``concede``): ``"slower"`` halves ``beta`` (more Boulware), ``"faster"`` doubles it (more
    Conceder), ``"hold"`` keeps it; ``beta`` stays within [1/32, 32]. The scripted stand-in for
    a language model improving with AI feedback (Fu et al. 2023).
    """

    info = AgentInfo(
        False, float("inf"), families=("bargaining",), source="Faratin et al., coached"
    )

    def __init__(self, name: str | None = None, **params: Any) -> None:
        super().__init__(name, **params)
        self._beta = float(self.params.beta)  # type: ignore[attr-defined]

    @property
    def beta(self) -> float:
        return self._beta

    def remember(self, feedback: Any) -> None:
        super().remember(feedback)
        advice = getattr(feedback, "data", {}).get("concede")
        factor = {"slower": 0.5, "faster": 2.0}.get(str(advice), 1.0)
        self._beta = min(max(self._beta * factor, 1 / 32), 32.0)

    def memory_snapshot(self) -> dict[str, Any]:
        return {**super().memory_snapshot(), "beta": self._beta}

    def load_memory(self, snapshot: dict[str, Any]) -> None:
        super().load_memory(snapshot)
        self._beta = float(snapshot.get("beta", self.params.beta))  # type: ignore[attr-defined]


class Hardliner(Negotiator):
    """Never concedes: offers its opening every turn and accepts only that or better."""

    info = AgentInfo(False, 0, families=("bargaining",), source="a take-it-or-leave-it baseline")

    def next_price(self, view: BuyerSellerView) -> float | None:
        return view.opening


class TitForTatConcession(Negotiator):
    """Mirrors the other side: concedes by as much as the other side conceded in its last
    offer (Faratin et al.'s absolute tit-for-tat), never past its own reservation."""

    info = AgentInfo(
        False, float("inf"), families=("bargaining",), source="Faratin, Sierra, Jennings (1998)"
    )

    def next_price(self, view: BuyerSellerView) -> float | None:
        if not view.own_offers:
            return view.opening
        last = view.own_offers[-1]
        theirs = view.their_offers
        conceded = abs(theirs[-1] - theirs[-2]) if len(theirs) >= 2 else 0.0
        step = -conceded if view.seller else conceded
        price = last + step
        price = max(price, view.reservation) if view.seller else min(price, view.reservation)
        return _round_cents(price)

    def next_keep(self, view: SplitView, made: int) -> float:
        if made == 0 or not view.own_keeps:
            return view.pie
        theirs = view.their_keeps
        conceded = max(theirs[-2] - theirs[-1], 0.0) if len(theirs) >= 2 else 0.0
        return _round_cents(max(view.own_keeps[-1] - conceded, 0.0))

    def target_value(self, view: DivisionView, made: int) -> float:
        # Items the other side gave up in its last proposal, valued at this side's average.
        if made == 0 or not view.own_keeps:
            return float(mi.TOTAL_VALUE)
        theirs = view.their_keeps
        given = max(sum(theirs[-2]) - sum(theirs[-1]), 0) if len(theirs) >= 2 else 0
        per_item = mi.TOTAL_VALUE / sum(view.pool)
        return max(view.value(view.own_keeps[-1]) - given * per_item, 0.0)


class Equilibrium(Negotiator):
    """The solver's answer where the game has one, else the Nash bargaining split of what is
    on the table.

    Buyer-seller (incomplete information: neither side knows the other's reservation, so no
    split can be computed in advance): each turn it offers the midpoint of its own standing
    offer and the other side's, which is the symmetric Nash bargaining solution of the gap
    between them (``arena.solver.nash_bargaining_solution`` of a pie the size of the gap
    gives each side half), never past its own reservation; it opens at its opening price and
    accepts any offer at least as good as that midpoint.

    Alternating offers (complete information): the subgame-perfect strategy of the game as
    configured, by backward induction over its horizon (``arena.solver.finite_horizon_split``):
    it proposes to keep what the equilibrium gives the proposer of the period and accepts
    exactly the offers the equilibrium responder accepts."""

    info = AgentInfo(
        False, float("inf"), families=("bargaining",), source="Nash (1950), on the offers made"
    )

    def next_price(self, view: BuyerSellerView) -> float | None:
        if view.standing is None or not view.own_offers:
            return view.opening
        own = view.own_offers[-1]
        middle = (own + view.standing) / 2.0
        price = max(middle, view.reservation) if view.seller else min(middle, view.reservation)
        return _round_cents(price)

    def _split(self, view: SplitView) -> Any:
        from arena.solver.bargaining import finite_horizon_split

        discount = [0.0, 0.0]
        discount[view.seat] = view.discount
        discount[1 - view.seat] = view.other_discount
        return finite_horizon_split(view.pie, discount, view.horizon, first=view.first)

    def next_keep(self, view: SplitView, made: int) -> float:
        period = view.period if view.proposing else view.period + 1
        return float(self._split(view).keeps[min(period, view.horizon - 1)])

    def accepts_split(self, view: SplitView) -> bool:
        return bool(self._split(view).accepts(view.period, view.offered))

    def _nash_division(self, view: DivisionView) -> list[int]:
        return list(_nash_division(tuple(view.pool), tuple(view.values)))

    def target_value(self, view: DivisionView, made: int) -> float:
        return float(view.value(self._nash_division(view)))


@functools.lru_cache(maxsize=8192)
def _nash_division(pool: tuple[int, ...], values: tuple[int, ...]) -> tuple[int, ...]:
    """The division maximising the Nash product when the other's values are unknown: each item
    is believed worth the average, 10 / items (once per instance)."""
    per_item = mi.TOTAL_VALUE / sum(pool)

    def product(row: tuple[tuple[int, ...], int]) -> tuple[float, int, tuple[int, ...]]:
        kept, value = row
        return value * (sum(pool) - sum(kept)) * per_item, value, kept

    return max(_divisions(pool, values), key=product)[0]


def random_bargaining_move(
    context: MatchContext, observation: dict[str, Any], rng: random.Random
) -> dict[str, Any]:
    """A uniformly random legal move. Buyer-seller: talk, offer at a price drawn between 0 and
    twice the larger of one's opening and reservation, accept (when something stands), or walk
    away. Alternating offers: a proposal keeping a uniform share of the pie, or an acceptance
    or a rejection with equal chances. Deal or No Deal: with a proposal on the table, accept it
    or propose with equal chances; a proposal keeps a uniform count of each item type."""
    if context.game_id == ALTERNATING:
        split = SplitView(observation)
        if not split.proposing:
            accept = rng.random() < 0.5
            return ao.response(accept, "Fine." if accept else "No.")
        keep = _round_cents(rng.uniform(0.0, split.pie))
        return ao.proposal(keep, f"I keep {keep:g}.")
    if context.game_id == MULTI_ISSUE:
        pool = DivisionView(observation)
        if pool.offered is not None and rng.random() < 0.5:
            return mi.acceptance("Fine.")
        counts = [rng.randint(0, n) for n in pool.pool]
        return mi.division(counts, f"I keep {_counted(counts)}.")
    if context.game_id != BUYER_SELLER:
        raise NotImplementedError(f"random does not play {context.game_id}")
    currency = str(context.extra.get("public", {}).get("currency", "$"))
    view = BuyerSellerView(observation)
    acts = ["talk", "offer", "walk"] + (["accept"] if view.standing is not None else [])
    act = rng.choice(acts)
    if act == "offer":
        high = 2.0 * max(float(observation["opening"]), view.reservation, 1.0)
        price = _round_cents(rng.uniform(0.0, high))
        return move(OFFER, price, f"How about {format_price(price, currency)}?")
    if act == "accept":
        return move(ACCEPT, NONE, "Deal.")
    if act == "walk":
        return move(WALK, NONE, "I walk away.")
    return move(0, NONE, "Let me think about it.")

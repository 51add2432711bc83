"""Sealed-bid auctions as a PettingZoo ParallelEnv: one item a round, bids in at once.

=====================  ===============================================================
Ids                    ``auction/first-price-v0``, ``auction/second-price-v0``,
                       ``auction/all-pay-v0`` (one file each: the pricing rule)
Agents                 ``bidder_0`` ... ``bidder_{n-1}`` (``bidders``, 2 to 10, default 3)
Moves                  simultaneous: each round every bidder submits one sealed bid
Information            each bidder knows its own value this round and, after each round,
                       the winning bid, the price paid and whether it won (all bids too
                       with ``reveal_bids``)
Action space           ``Box(0, high, (1,))``: the bid (no bid may exceed the highest
                       possible value, ``values``' ``high``: it could only lose money)
Observation space      ``Dict``: ``round`` (rounds played), ``value`` (own value now),
                       ``history`` (rounds x 5: own value, own bid, winning bid, price,
                       1 if it won; -1 = not yet / unsold), ``bids`` (rounds x n, every
                       bid when revealed, else -1)
Rewards                each round: the winner's value minus what it pays, minus what every
                       bidder pays in an all-pay auction; 0 to the rest
End                    ``infos[agent]["payoffs"]`` = every bidder's total, by agent
=====================  ===============================================================

Arguments
---------
values : where the private values come from, drawn afresh each round (see ``values.py``;
    default uniform on [0, 100]).
reserve : the lowest bid the seller accepts (default 0); a bid below it is no bid.
rounds : items auctioned one after another (default 10).
reveal_bids : whether every bid is shown after each round (default False).
currency : how amounts read in the text protocol (default ``$``).

Ties among the highest bids are broken by a lottery drawn from the game's seeded generator.

Version history
---------------
v0: first release.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

import gymnasium
import numpy as np
from pettingzoo import ParallelEnv
from pydantic import BaseModel, ConfigDict, Field

from arena.errors import ConfigError
from arena.games.auction.values import ValueDistribution, as_table, parse_values
from arena.validation import validate_model

NONE = -1.0  # not yet played, or unsold
MAX_ROUNDS = 1_000_000
HISTORY = ("value", "bid", "winning_bid", "price", "won")  # the columns of ``history``


class SealedBidParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    bidders: int = Field(3, ge=2, le=10)
    reserve: float = Field(0.0, ge=0.0, allow_inf_nan=False, strict=False)
    rounds: int = Field(10, ge=1, le=MAX_ROUNDS)
    reveal_bids: bool = False
    currency: str = Field("$", max_length=8)
    render_mode: Literal["ansi"] | None = None


def sealed_bid(amount: float) -> np.ndarray:
    """A bid as the action space holds it."""
    return np.array([amount], dtype=np.float64)


class SealedBidAuction(ParallelEnv):
    """Rounds of one sealed-bid auction; subclasses set ``format`` and ``payments``."""

    format: ClassVar[str] = ""
    metadata: ClassVar[dict[str, Any]] = {
        "name": "sealed_bid_v0",
        "render_modes": ["ansi"],
        "is_parallelizable": True,
    }
    deterministic = False  # values are drawn

    def __init__(self, **params: Any) -> None:
        params = dict(params)
        self.distribution: ValueDistribution = parse_values(params.pop("values", None))
        self.params = validate_model(SealedBidParams, params)
        p = self.params
        if p.reserve > self.distribution.high:
            raise ConfigError(
                f"reserve: {p.reserve:g} is above every possible value (values go up to "
                f"{self.distribution.high:g}), so nothing could sell"
            )
        if self.distribution.dist == "fixed":
            self.distribution.draw(np.random.default_rng(0), p.bidders)  # the list fits
        self.render_mode = p.render_mode
        self.possible_agents = [f"bidder_{k}" for k in range(p.bidders)]
        self.agents: list[str] = []
        self.cap = float(self.distribution.high)
        self._action_space = gymnasium.spaces.Box(0.0, self.cap, (1,), np.float64)
        self._observation_space = gymnasium.spaces.Dict(
            {
                "round": gymnasium.spaces.Discrete(p.rounds + 1),
                "value": gymnasium.spaces.Box(0.0, self.cap, (1,), np.float64),
                "history": gymnasium.spaces.Box(
                    NONE, max(self.cap, 1.0), (p.rounds, len(HISTORY)), np.float64
                ),
                "bids": gymnasium.spaces.Box(NONE, self.cap, (p.rounds, p.bidders), np.float64),
            }
        )
        self._lottery = np.random.default_rng()

    def observation_space(self, agent: str) -> gymnasium.spaces.Space:
        return self._observation_space

    def action_space(self, agent: str) -> gymnasium.spaces.Space:
        return self._action_space

    def public_info(self) -> dict[str, Any]:
        """What every bidder may know: the format, the bidders, the rules' numbers."""
        p = self.params
        return {
            "format": self.format,
            "bidders": p.bidders,
            "rounds": p.rounds,
            "values": as_table(self.distribution),
            "reserve": p.reserve,
            "max_bid": self.cap,
            "reveal_bids": p.reveal_bids,
            "currency": p.currency,
        }

    # -- play --------------------------------------------------------------------------------

    def reset(
        self, seed: int | None = None, options: Mapping[str, Any] | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        p = self.params
        values_seed, lottery_seed = np.random.SeedSequence(seed).spawn(2)
        self._lottery = np.random.default_rng(lottery_seed)
        self._action_space.seed(None if seed is None else seed + 1)
        self.agents = list(self.possible_agents)
        self.round = 0
        # Every round's values, drawn at once from their own generator (the same stream as
        # round by round), so that ties drawn in between cannot shift them.
        self.values = self.distribution.draw_rounds(
            np.random.default_rng(values_seed), p.rounds, p.bidders
        )
        # Played rounds, kept as lists (appending costs less than writing array rows); the
        # ``bids``, ``winners`` and ``paid`` arrays are built from them when asked for.
        self._bids: list[list[float]] = []
        self._winners: list[int] = []
        self._paid: list[list[float]] = []
        self.totals = [0.0] * p.bidders
        # One array per bidder (not views of one): an observation's arrays reach nothing else.
        self._history = [np.full((p.rounds, len(HISTORY)), NONE) for _ in range(p.bidders)]
        self._shown = np.full((p.rounds, p.bidders), NONE)
        return self._observations(), {a: {} for a in self.agents}

    @property
    def bids(self) -> np.ndarray:
        """Every round's bids, rounds x bidders (-1: not yet played)."""
        return self._table(self._bids, NONE)

    @property
    def paid(self) -> np.ndarray:
        """What each bidder paid each round, rounds x bidders (0: not yet played)."""
        return self._table(self._paid, 0.0)

    @property
    def winners(self) -> np.ndarray:
        """Each round's winner's seat (-1: unsold, or not yet played)."""
        table = np.full(self.params.rounds, -1, dtype=np.int64)
        table[: len(self._winners)] = self._winners
        return table

    def _table(self, rows: list[list[float]], missing: float) -> np.ndarray:
        table = np.full((self.params.rounds, self.params.bidders), missing)
        if rows:
            table[: len(rows)] = rows
        return table

    def _observations(self) -> dict[str, dict[str, Any]]:
        """Each bidder's own arrays, whose rows never change once written (no copy a round);
        the value is a new array, since the values of every seat and round sit in one."""
        r = min(self.round, self.params.rounds - 1)
        values, history, shown = self.values[r].tolist(), self._history, self._shown
        array, round_ = np.array, self.round
        return {
            agent: {
                "round": round_,
                "value": array((values[k],)),
                "history": history[k],
                "bids": shown,
            }
            for k, agent in enumerate(self.agents)
        }

    def _read_bids(self, actions: Mapping[str, Any]) -> list[float]:
        """Every bidder's bid, checked before anything changes (``ValueError`` otherwise)."""
        bids = []
        for agent in self.possible_agents:
            if agent not in actions:
                raise ValueError(f"{agent}: no bid this round")
            action = actions[agent]
            try:
                if isinstance(action, np.ndarray) and action.shape == (1,):
                    amount = float(action[0])
                else:
                    amount = float(np.asarray(action, dtype=np.float64).reshape(-1)[0])
            except (TypeError, ValueError, IndexError):
                raise ValueError(f"{agent}: a bid is a number, got {action!r}") from None
            if not 0.0 <= amount <= self.cap:
                raise ValueError(
                    f"{agent}: a bid must be between 0 and {self.cap:g}, got {amount!r}"
                )
            bids.append(amount)
        return bids

    def payments(self, bids: list[float], winner: int, eligible: list[bool]) -> list[float]:
        """What each bidder pays this round (``winner`` is -1 when nothing sells)."""
        raise NotImplementedError

    def step(self, actions: Mapping[str, Any]) -> tuple[dict, dict, dict, dict, dict]:
        if not self.agents:
            raise ValueError("the auction is over: reset it first")
        bids = self._read_bids(actions)  # plain floats: a handful of bidders, every round
        p, r = self.params, self.round
        reserve = p.reserve
        eligible = (
            [b >= reserve and b > 0.0 for b in bids]
            if reserve == 0.0
            else [b >= reserve for b in bids]
        )
        winner = -1
        counted = [b for b, ok in zip(bids, eligible) if ok]
        if counted:
            best = max(counted)
            top = [k for k, (b, ok) in enumerate(zip(bids, eligible)) if ok and b == best]
            winner = top[0] if len(top) == 1 else int(self._lottery.choice(top))
        paid = self.payments(bids, winner, eligible)
        values = self.values[r].tolist()
        payoff = [0.0 - x for x in paid]  # (no negative zeros)
        price = NONE
        if winner >= 0:
            payoff[winner] += values[winner]
            price = paid[winner]
        self._bids.append(bids)
        self._winners.append(winner)
        self._paid.append(paid)
        self.totals = [t + x for t, x in zip(self.totals, payoff)]
        winning_bid = bids[winner] if winner >= 0 else NONE
        won = [0.0] * p.bidders
        if winner >= 0:
            won[winner] = 1.0
        for k, history in enumerate(self._history):
            history[r] = (values[k], bids[k], winning_bid, price, won[k])
        if p.reveal_bids:
            self._shown[r] = bids
        self.round = r + 1
        over = self.round >= p.rounds
        agents = self.agents
        rewards = dict(zip(agents, payoff))
        round_info: dict[str, Any] = {
            "round": r,
            "winner": self.possible_agents[winner] if winner >= 0 else None,
            "winning_bid": winning_bid if winner >= 0 else None,
            "price": price if winner >= 0 else None,
        }
        if over:
            round_info["payoffs"] = dict(zip(agents, self.totals))
        infos = dict.fromkeys(agents, round_info)  # one public record of the round, shared
        observations = self._observations()
        terminations = dict.fromkeys(agents, over)
        truncations = dict.fromkeys(agents, False)
        if over:
            self.agents = []
        return observations, rewards, terminations, truncations, infos

    # -- what is kept ------------------------------------------------------------------------

    def outcome(self) -> dict[str, Any]:
        """Every round's values, winner (seat index, or None unsold) and revenue, as columns (a
        match may hold a million rounds). The bids are in the stored turns, and with them what
        each bidder paid: the revenue, by the winner (first and second price), or every bid
        that counts (all-pay)."""
        played = self.round
        return {
            "format": self.format,
            "reserve": self.params.reserve,
            "values": self.values[:played].tolist(),
            "winners": [w if w >= 0 else None for w in self._winners],
            "revenue": [sum(row) for row in self._paid],
        }

    def metrics(self) -> dict[str, Any]:
        """The theory's yardsticks for the finished auction (``yardsticks.sealed_bid``)."""
        from arena.games.auction import yardsticks

        played = self.round
        return yardsticks.sealed_bid(
            self.format,
            self.distribution,
            self.params.reserve,
            self.values[:played],
            self.bids[:played],
            self.winners[:played],
            self.paid[:played],
        )

    def text_protocol(self, agent: str, **options: Any) -> Any:
        """How ``agent`` is told this auction in words and how its replies become bids."""
        from arena.games.auction.sealed_bid_text import SealedBidText

        options.pop("seed", None)
        if options:
            raise ConfigError(f"sealed-bid auctions take no {', '.join(sorted(options))} option")
        return SealedBidText(info=self.public_info(), seat=agent)

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        r = self.round - 1
        if r < 0:
            return "no round played yet"
        bids = ", ".join(f"{b:g}" for b in self._bids[r])
        winner = self._winners[r]
        sold = f"bidder_{winner} wins, pays {self._paid[r][winner]:g}" if winner >= 0 else "unsold"
        return f"round {r + 1}: bids {bids}: {sold}"

    def close(self) -> None:
        """Nothing to release."""

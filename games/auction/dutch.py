"""The Dutch auction: a descending clock, rounds of one item each; the first to take it wins.

=====================  ===============================================================
Id                     ``auction/dutch-v0``
Agents                 ``bidder_0`` ... ``bidder_{n-1}`` (``bidders``, 2 to 10, default 3)
Moves                  simultaneous (Parallel API): each step is one tick of the clock, at
                       which every bidder at once takes the item at the current price or
                       waits
Information            private: one's value this round (drawn afresh each round); public:
                       the clock, and after each round the price paid; each bidder also
                       knows whether it won
Action space           ``Discrete(2)``: 0 wait, 1 take the item at the current price
Observation space      ``Dict``: ``round`` (rounds played), ``value`` (own value this
                       round), ``price`` (the clock now), ``history`` (rounds x 3: own
                       value, price paid or -1 unsold, 1.0 if this bidder won else 0.0;
                       -1 rows = not yet played); ``value`` and ``price`` are -1 once over
Rewards                when a round ends: its value minus the price to the winner, 0 to
                       the others
End                    after ``rounds`` rounds; ``infos[agent]["payoffs"]`` = every
                       bidder's total, by agent
=====================  ===============================================================

Arguments
---------
values : where the private values come from, drawn afresh each round (see ``values.py``;
    default uniform on [0, 100]).
rounds : items auctioned one after another (default 10).
start : where the clock starts each round (default: the values' ``high``).
step : how much the clock drops each tick (default 1 % of ``start``).
reserve : the lowest price (default 0): the clock stops there, and if nobody takes the item
    at the reserve it goes unsold. It may not be above the values' ``high``; ``start`` must
    be above it.
currency : how amounts read in the text protocol (default ``$``).

The clock reads ``start``, ``start - step``, ... and last the reserve itself (the final drop
may be shorter than ``step``). When several bidders take at the same tick a lottery drawn
from the game's seeded generator picks the winner. Values come from a generator of their own
(spawned from the seed beside the lottery's), so a seed gives the same values whoever plays.

Yardsticks (``metrics``): the Dutch clock is strategically the first-price auction, so for
values uniform on [0, high] the equilibrium stops the clock at the first-price bid
(``arena.solver.auctions.first_price_bid``, capped at ``start``) and the expected revenue is
``rounds x expected_revenue(n, "dutch", high, reserve)`` (given when ``start`` is at least the
highest equilibrium stop; the clock's ticks are ignored, so measured prices can be up to one
``step`` apart from the theory). Per round, ``s`` is the price at which the round ended (the
price paid, or the reserve when unsold); a bidder's best response to the others' realised
stopping is to take just before ``s`` when its value is above it, so its ex-post regret is
``max(0, value - s)`` minus what it earned (a lower bound for a lone winner: when the others
never stopped, how much lower they would have let the clock fall is not observed). Its
deviation from equilibrium is ``|price it took at - equilibrium stop|`` when it took, and
``max(0, equilibrium stop - s)`` when it did not (it let the clock pass its stop), averaged
over the rounds. Both are ``None`` for other value distributions.

Version history
---------------
v0: first release.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

import gymnasium
import numpy as np
from pettingzoo import ParallelEnv
from pydantic import BaseModel, ConfigDict, Field

from arena.errors import ConfigError
from arena.games.auction.values import Uniform, ValueDistribution, as_table, parse_values
from arena.validation import validate_model

WAIT, TAKE = 0, 1
NONE = -1.0  # not yet played, unsold, or over
MAX_ROUNDS = 1_000_000
MAX_TICKS = 1_000_000  # clock ticks in one round
HISTORY = ("value", "price", "won")  # the columns of ``history``

Number = Annotated[float, Field(strict=False, allow_inf_nan=False)]


class DutchParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    bidders: int = Field(3, ge=2, le=10)
    rounds: int = Field(10, ge=1, le=MAX_ROUNDS)
    start: Number | None = Field(None, gt=0.0)
    step: Number | None = Field(None, gt=0.0)
    reserve: Number = Field(0.0, ge=0.0)
    currency: str = Field("$", max_length=8)
    render_mode: Literal["ansi"] | None = None


def take() -> int:
    """Take the item at the clock's price now."""
    return TAKE


def wait() -> int:
    """Let the clock drop."""
    return WAIT


class DutchAuction(ParallelEnv):
    """Rounds of a descending-clock auction, one item each, with fresh private values."""

    format: ClassVar[str] = "dutch"
    metadata: ClassVar[dict[str, Any]] = {
        "name": "dutch_auction_v0",
        "render_modes": ["ansi"],
        "is_parallelizable": True,
    }
    deterministic = False  # values and lotteries are drawn

    def __init__(self, **params: Any) -> None:
        params = dict(params)
        self.distribution: ValueDistribution = parse_values(params.pop("values", None))
        self.params = validate_model(DutchParams, params)
        p, dist = self.params, self.distribution
        if p.reserve > dist.high:
            raise ConfigError(
                f"reserve: {p.reserve:g} is above every possible value (values go up to "
                f"{dist.high:g}), so nothing could sell"
            )
        if dist.dist == "fixed":
            dist.draw(np.random.default_rng(0), p.bidders)  # the list fits the bidders
        self.start = float(p.start if p.start is not None else dist.high)
        if self.start <= p.reserve:
            raise ConfigError(
                f"start: the clock must start above the reserve ({p.reserve:g}), got {self.start:g}"
            )
        self.step_size = float(p.step if p.step is not None else self.start / 100)
        self.last_tick = math.ceil((self.start - p.reserve) / self.step_size - 1e-9)
        if self.last_tick >= MAX_TICKS:
            raise ConfigError(
                f"step: {self.step_size:g} takes {self.last_tick:,} ticks from the start to the "
                f"reserve; at most {MAX_TICKS:,}"
            )
        self.render_mode = p.render_mode
        self.possible_agents = [f"bidder_{k}" for k in range(p.bidders)]
        self.agents: list[str] = []
        self._action_spaces = {a: gymnasium.spaces.Discrete(2) for a in self.possible_agents}
        self._observation_space = gymnasium.spaces.Dict(
            {
                "round": gymnasium.spaces.Discrete(p.rounds + 1),
                "value": gymnasium.spaces.Box(NONE, np.inf, (1,), np.float64),
                "price": gymnasium.spaces.Box(NONE, np.inf, (1,), np.float64),
                "history": gymnasium.spaces.Box(NONE, np.inf, (p.rounds, 3), np.float64),
            }
        )
        self.reset()
        self.agents = []

    def observation_space(self, agent: str) -> gymnasium.spaces.Space:
        return self._observation_space

    def action_space(self, agent: str) -> gymnasium.spaces.Space:
        return self._action_spaces[agent]

    def public_info(self) -> dict[str, Any]:
        """What every bidder may know: the format, the bidders and the clock's numbers."""
        p = self.params
        return {
            "format": self.format,
            "bidders": p.bidders,
            "currency": p.currency,
            "rounds": p.rounds,
            "values": as_table(self.distribution),
            "start": self.start,
            "step": self.step_size,
            "reserve": p.reserve,
        }

    def price(self, tick: int) -> float:
        """The clock after ``tick`` drops: never below the reserve."""
        if tick >= self.last_tick:
            return float(self.params.reserve)
        return self.start - tick * self.step_size

    # -- play --------------------------------------------------------------------------------

    def reset(
        self, seed: int | None = None, options: Mapping[str, Any] | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        p = self.params
        values_seed, lottery_seed = np.random.SeedSequence(seed).spawn(2)
        values_rng = np.random.default_rng(values_seed)
        self._lottery = np.random.default_rng(lottery_seed)
        if seed is not None:
            for k, space in enumerate(self._action_spaces.values()):
                space.seed(seed + k)
        self.agents = list(self.possible_agents)
        self.round = 0
        self.tick = 0
        n = p.bidders
        if self.distribution.dist == "fixed":  # the same every round
            self.values = np.tile(self.distribution.draw(values_rng, n), (p.rounds, 1))
        else:  # every round's values at once, round after round
            self.values = self.distribution.draw(values_rng, p.rounds * n).reshape(p.rounds, n)
        self.winners = np.full(p.rounds, -1, dtype=np.int64)
        self.prices = np.full(p.rounds, NONE)  # what the winner paid
        self.ended_at = np.full(p.rounds, NONE)  # the clock when the round ended
        self.took = np.full((p.rounds, n), NONE)  # the price at which each bidder took
        self.ticks = np.zeros(p.rounds, dtype=np.int64)
        self.totals = np.zeros(n)
        self._history = np.full((n, p.rounds, len(HISTORY)), NONE)
        return self._observations(), {a: {} for a in self.agents}

    def _observations(self) -> dict[str, dict[str, Any]]:
        over = self.round >= self.params.rounds
        price = np.array([NONE if over else self.price(self.tick)])
        return {
            agent: {
                "round": self.round,
                "value": np.array([NONE if over else self.values[self.round, k]]),
                "price": price.copy(),
                "history": self._history[k].copy(),
            }
            for k, agent in enumerate(self.possible_agents)
        }

    def _read(self, actions: Mapping[str, Any]) -> np.ndarray:
        """Who takes at this tick, checked before anything changes (``ValueError`` otherwise)."""
        takes = np.zeros(len(self.possible_agents), dtype=bool)
        for k, agent in enumerate(self.possible_agents):
            if agent not in actions:
                raise ValueError(f"{agent}: no action at this tick")
            action = actions[agent]
            if (
                isinstance(action, bool)
                or not isinstance(action, int | np.integer)
                or action not in (WAIT, TAKE)
            ):
                raise ValueError(f"{agent}: an action is 0 (wait) or 1 (take), got {action!r}")
            takes[k] = action == TAKE
        return takes

    def step(self, actions: Mapping[str, Any]) -> tuple[dict, dict, dict, dict, dict]:
        if not self.agents:
            raise ValueError("the auction is over: reset it first")
        takes = self._read(actions)
        p, r = self.params, self.round
        price = self.price(self.tick)
        rewards = dict.fromkeys(self.possible_agents, 0.0)
        infos: dict[str, dict[str, Any]] = {a: {} for a in self.possible_agents}
        ended = bool(takes.any()) or self.tick >= self.last_tick
        if not ended:
            self.tick += 1
        else:
            winner = -1
            if takes.any():
                takers = np.flatnonzero(takes)
                winner = int(takers[0] if len(takers) == 1 else self._lottery.choice(takers))
                self.took[r, takers] = price
                self.winners[r], self.prices[r] = winner, price
                payoff = float(self.values[r, winner] - price)
                self.totals[winner] += payoff
                rewards[self.possible_agents[winner]] = payoff
            self.ended_at[r] = price
            self.ticks[r] = self.tick + 1
            for k in range(p.bidders):
                self._history[k, r] = (self.values[r, k], self.prices[r], float(k == winner))
            round_info = {
                "round": r,
                "winner": self.possible_agents[winner] if winner >= 0 else None,
                "price": price if winner >= 0 else None,
            }
            infos = {a: dict(round_info) for a in self.possible_agents}
            self.round, self.tick = r + 1, 0
        over = self.round >= p.rounds
        if over:
            payoffs = {a: float(self.totals[k]) for k, a in enumerate(self.possible_agents)}
            for info in infos.values():
                info["payoffs"] = payoffs
        observations = self._observations()
        terminations = dict.fromkeys(self.possible_agents, over)
        truncations = dict.fromkeys(self.possible_agents, False)
        if over:
            self.agents = []
        return observations, rewards, terminations, truncations, infos

    # -- what is kept ------------------------------------------------------------------------

    def outcome(self) -> dict[str, Any]:
        """Every round's values, winner (seat index or None), price, takers and clock ticks."""
        return {
            "format": self.format,
            "reserve": self.params.reserve,
            "rounds": [
                {
                    "values": self.values[r].tolist(),
                    "winner": int(self.winners[r]) if self.winners[r] >= 0 else None,
                    "price": float(self.prices[r]) if self.winners[r] >= 0 else None,
                    "takers": int((self.took[r] >= 0).sum()),
                    "ticks": int(self.ticks[r]),
                }
                for r in range(self.round)
            ],
        }

    def _equilibrium_stop(self, values: np.ndarray) -> np.ndarray | None:
        """Where the symmetric equilibrium stops the clock, or ``None`` without a closed form."""
        from arena.solver.auctions import first_price_bid

        dist = self.distribution
        if not (isinstance(dist, Uniform) and dist.low == 0.0):
            return None
        stops = first_price_bid(values, self.params.bidders, dist.high, self.params.reserve)
        return np.minimum(stops, self.start)

    def metrics(self) -> dict[str, Any]:
        """Profit, value won, items won, revenue beside the theory's, efficiency, regret and
        deviation from the equilibrium stop (see the module's docstring)."""
        from arena.solver.auctions import expected_revenue, first_price_bid

        played, n = self.round, self.params.bidders
        values = self.values[:played]
        won = np.zeros((played, n), dtype=bool)
        sold = self.winners[:played] >= 0
        won[np.flatnonzero(sold), self.winners[:played][sold]] = True
        paid = np.where(won, self.prices[:played, None], 0.0)
        payoff = np.where(won, values - paid, 0.0)
        value_won = np.where(won, values, 0.0)
        best = float(values.max(axis=1).sum()) if played else 0.0
        ended = self.ended_at[:played, None]
        regret = (np.maximum(values - ended, 0.0) - payoff).sum(axis=0)
        expected: float | None = None
        deviation: list[float] | None = None
        stops = self._equilibrium_stop(values)
        dist = self.distribution
        if stops is not None and played:
            took = self.took[:played]
            gaps = np.where(took >= 0, np.abs(took - stops), np.maximum(stops - ended, 0.0))
            deviation = gaps.mean(axis=0).tolist()
            top = first_price_bid(dist.high, n, dist.high, self.params.reserve)
            if self.start >= top:
                expected = played * expected_revenue(n, "dutch", dist.high, self.params.reserve)
        return {
            "profit": payoff.sum(axis=0).tolist(),
            "value_won": value_won.sum(axis=0).tolist(),
            "money_left": None,
            "items_won": won.sum(axis=0).tolist(),
            "revenue": float(self.prices[:played][sold].sum()),
            "expected_revenue": expected,
            "efficiency": float(value_won.sum() / best) if best > 0 else None,
            "regret": np.maximum(regret, 0.0).tolist(),
            "equilibrium_deviation": deviation,
        }

    def text_protocol(self, agent: str, **options: Any) -> Any:
        """How ``agent`` is told this auction in words and how its replies become moves."""
        from arena.games.auction.dutch_text import DutchText
        from arena.games.auction.english_text import read_options

        return DutchText(
            info=self.public_info(),
            seat=agent,
            beliefs=read_options("auction/dutch-v0", options),
        )

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        if self.round >= self.params.rounds:
            return f"the auction is over: revenue {float(self.prices[self.prices >= 0].sum()):g}"
        return f"round {self.round + 1}: the clock at {self.price(self.tick):g}"

    def close(self) -> None:
        """Nothing to release."""

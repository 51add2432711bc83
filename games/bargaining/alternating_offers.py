"""Rubinstein's alternating offers: two players split a pie, proposing in turn, discounting delay.

=====================  ===============================================================
Id                     ``bargaining/alternating-offers-v0``
Agents                 ``player_0``, ``player_1``
Moves                  turn-based (AEC API): in each period the proposer proposes a split
                       and the responder accepts or rejects; the proposer alternates
Information            complete: the pie, both discount factors and the horizon are known
Action space           ``Dict``: ``act`` (``Discrete(3)``: 0 propose, 1 accept, 2 reject),
                       ``keep`` (``Box(0, pie, ())``: what the proposer keeps),
                       ``message`` (``Text``)
Observation space      ``Dict``: ``seat``, ``period``, ``phase`` (0 propose, 1 respond),
                       ``proposer`` (seat of this period's proposer), ``pie``, ``discount``
                       (own first), ``horizon``, ``standing`` (the proposal on the table:
                       for me, for the other; -1 = none), ``history`` (one row per move:
                       seat, act, keep, period; -1 = not yet), ``messages``
Payoffs                agreement on shares ``x`` in period ``t``: ``discount[i] ** t * x[i]``;
                       no agreement after ``horizon`` periods: 0 each
End                    an acceptance, or the last period's rejection; ``infos[agent]``
                       then holds ``payoffs``, ``deal``, ``shares``, ``period``, ``closed_by``
=====================  ===============================================================

Arguments
---------
pie : the size of the pie (default 100).
discount : one discount factor per seat, each in (0, 1] (default ``[0.9, 0.9]``).
horizon : the number of periods (default 10); ``horizon = 1`` is the ultimatum game.
first : the seat that proposes in period 0 (default ``"player_0"``).

In a proposing turn the move is a proposal whatever its ``act`` says; in a responding turn
``act = 1`` accepts and anything else rejects. The text protocol asks for exactly the moves
that are legal, so these readings only matter to programs that sample the action space.

Version history
---------------
v0: first release.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

import gymnasium
import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from arena.games.bargaining.messages import message_space
from arena.games.bargaining.negotiation import Negotiation
from arena.validation import validate_model

SEATS = ("player_0", "player_1")
ACTS = ("propose", "accept", "reject")
PROPOSE, ACCEPT, REJECT = range(3)
PROPOSING, RESPONDING = 0, 1
PIE_MAX = 1e12
NONE = -1.0


class AlternatingOffersParams(BaseModel):
    """Rubinstein's game, with a horizon."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    pie: float = Field(100.0, gt=0.0, le=PIE_MAX)
    discount: tuple[float, float] = (0.9, 0.9)
    horizon: int = Field(10, ge=1, le=1000)
    first: Literal["player_0", "player_1"] = "player_0"
    render_mode: Literal["ansi"] | None = None

    @field_validator("discount", mode="before")
    @classmethod
    def _a_list_of_two(cls, value: Any) -> Any:
        if isinstance(value, list):  # TOML arrays arrive as lists
            value = tuple(value)
        return value

    @field_validator("discount")
    @classmethod
    def _factors(cls, value: tuple[float, float]) -> tuple[float, float]:
        for factor in value:
            if not 0.0 < factor <= 1.0:
                raise ValueError(f"each discount factor must be in (0, 1], got {factor:g}")
        return value


def proposal(keep: float, message: str = "") -> dict[str, Any]:
    """A proposal in which the proposer keeps ``keep``."""
    return {"act": PROPOSE, "keep": np.array(float(keep)), "message": message}


def response(accept: bool, message: str = "") -> dict[str, Any]:
    """An acceptance or a rejection of the proposal on the table."""
    return {"act": ACCEPT if accept else REJECT, "keep": np.array(0.0), "message": message}


class AlternatingOffersGame(Negotiation):
    """A pie, two players, at most ``horizon`` proposals."""

    move_keys = ("act", "keep", "message")
    metadata: ClassVar[dict[str, Any]] = {
        "name": "alternating_offers_v0",
        "render_modes": ["ansi"],
        "is_parallelizable": False,
    }

    def __init__(self, **params: Any) -> None:
        super().__init__()
        self.params = validate_model(AlternatingOffersParams, params)
        p = self.params
        self.render_mode = p.render_mode
        self.possible_agents = list(SEATS)
        self.agents: list[str] = []
        self.pie = p.pie
        self.discount = np.array(p.discount)
        self.max_moves = 2 * p.horizon
        self._action_spaces = {
            seat: gymnasium.spaces.Dict(
                {
                    "act": gymnasium.spaces.Discrete(len(ACTS)),
                    "keep": gymnasium.spaces.Box(0.0, p.pie, (), np.float64),
                    "message": message_space(),
                }
            )
            for seat in SEATS
        }
        observation_space = gymnasium.spaces.Dict(
            {
                "seat": gymnasium.spaces.Discrete(2),
                "period": gymnasium.spaces.Discrete(p.horizon + 1),
                "phase": gymnasium.spaces.Discrete(2),
                "proposer": gymnasium.spaces.Discrete(2),
                "pie": gymnasium.spaces.Box(0.0, PIE_MAX, (), np.float64),
                "discount": gymnasium.spaces.Box(0.0, 1.0, (2,), np.float64),
                "horizon": gymnasium.spaces.Discrete(p.horizon + 1),
                "standing": gymnasium.spaces.Box(NONE, PIE_MAX, (2,), np.float64),
                "history": gymnasium.spaces.Box(NONE, PIE_MAX, (self.max_moves, 4), np.float64),
                "messages": gymnasium.spaces.Tuple([message_space()] * self.max_moves),
            }
        )
        self._observation_spaces = dict.fromkeys(SEATS, observation_space)

    def proposer_of(self, period: int) -> int:
        """The seat that proposes in ``period``."""
        first = SEATS.index(self.params.first)
        return first if period % 2 == 0 else 1 - first

    def reset(self, seed: int | None = None, options: Mapping[str, Any] | None = None) -> None:
        self._start(SEATS[self.proposer_of(0)], seed)
        self.period = 0
        self.phase = PROPOSING
        self.keep = NONE  # what the standing proposal gives its proposer
        self.history = np.full((self.max_moves, 4), NONE)
        self.messages = [""] * self.max_moves
        self.deal = False
        self.shares: tuple[float, float] | None = None
        self.closed_by: str | None = None

    def observe(self, agent: str) -> dict[str, Any]:
        seat = SEATS.index(agent)
        standing = np.full(2, NONE)
        if self.phase == RESPONDING:
            proposer = self.proposer_of(self.period)
            split = (self.keep, self.pie - self.keep)
            standing[:] = split if seat == proposer else split[::-1]
        return {
            "seat": seat,
            "period": self.period,
            "phase": self.phase,
            "proposer": self.proposer_of(min(self.period, self.params.horizon - 1)),
            "pie": np.array(self.pie),
            "discount": self.discount[[seat, 1 - seat]].copy(),
            "horizon": self.params.horizon,
            "standing": standing,
            "history": self.history.copy(),
            "messages": tuple(self.messages),
        }

    def public_info(self) -> dict[str, Any]:
        """Everything about the game is public (complete information)."""
        p = self.params
        return {"pie": p.pie, "discount": list(p.discount), "horizon": p.horizon, "first": p.first}

    def _check(self, agent: str, action: Mapping[str, Any]) -> float | bool:
        if self.phase != PROPOSING:
            return int(action["act"]) == ACCEPT
        keep = float(np.asarray(action["keep"], dtype=np.float64))
        if not 0.0 <= keep <= self.pie:  # NaN fails too
            raise ValueError(f"{agent}: keep must be between 0 and the pie ({self.pie:g})")
        return keep

    def _play(self, agent: str, move: float | bool) -> bool:
        seat = SEATS.index(agent)
        if self.phase == PROPOSING:
            self.keep = float(move)
            self.history[self.turn] = (seat, PROPOSE, self.keep, self.period)
            self.phase = RESPONDING
            self.agent_selection = SEATS[1 - seat]
            return False
        self.history[self.turn] = (seat, ACCEPT if move else REJECT, NONE, self.period)
        if move:
            shares = [0.0, 0.0]
            shares[1 - seat], shares[seat] = self.keep, self.pie - self.keep
            self.deal, self.shares, self.closed_by = True, (shares[0], shares[1]), agent
            return True
        self.period += 1
        self.phase = PROPOSING
        self.keep = NONE
        self.agent_selection = agent  # who rejected proposes next
        return self.period >= self.params.horizon

    def payoffs(self) -> dict[str, float]:
        """Each player's discounted share (0 without agreement)."""
        if not self.deal or self.shares is None:
            return dict.fromkeys(SEATS, 0.0)
        return {
            seat: float(self.discount[k] ** self.period * self.shares[k])
            for k, seat in enumerate(SEATS)
        }

    def outcome(self) -> dict[str, Any]:
        """Whether and when they agreed, and on what split (undiscounted)."""
        return {
            "deal": self.deal,
            "shares": dict(zip(SEATS, self.shares)) if self.shares else None,
            "period": self.period if self.deal else None,
            "closed_by": self.closed_by,
            "turns_used": self.turn,
        }

    def metrics(self) -> dict[str, Any]:
        """The solver's yardsticks for the finished game (``yardsticks.alternating_offers``)."""
        from arena.games.bargaining import yardsticks

        payoffs = self.payoffs()
        return yardsticks.alternating_offers(
            self.pie,
            self.params.discount,
            self.params.horizon,
            SEATS.index(self.params.first),
            self.shares,
            (payoffs["player_0"], payoffs["player_1"]),
        )

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        lines = [f"alternating offers: pie {self.pie:g}, period {self.period}"]
        for t in range(self.turn):
            seat, act, keep, period = self.history[t]
            what = f"keeps {keep:g}" if act == PROPOSE else ACTS[int(act)]
            lines.append(f"  {int(period)}: {SEATS[int(seat)]} {what}  {self.messages[t]}")
        return "\n".join(lines)

    def text_protocol(self, agent: str, **options: Any) -> Any:
        """How ``agent`` is told this game in words and how its replies become moves."""
        from arena.games.bargaining.alternating_offers_text import AlternatingOffersText

        options.pop("seed", None)
        if options:
            from arena.errors import ConfigError

            raise ConfigError(
                f"bargaining/alternating-offers-v0 takes no {', '.join(sorted(options))} option"
            )
        return AlternatingOffersText(params=self.params, seat=agent)

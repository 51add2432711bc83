"""The uniformly random player of every family: the baseline any strategy should beat."""

from __future__ import annotations

import random
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from arena.agents.base import AgentInfo, MatchContext, ScriptedAgent

BARGAINING = "bargaining/"
AUCTION = "auction/"
SOCIAL = "social/"


def _below(rng: random.Random, n: int) -> int:
    """``rng.randrange(n)``, drawn as CPython draws it (``Random._randbelow_with_getrandbits``:
    ``n.bit_length()`` random bits until they fall below ``n``) without its two Python frames
    per move; ``tests/agents/scripted`` checks that both give the same numbers."""
    k = n.bit_length()
    r = rng.getrandbits(k)
    while r >= n:
        r = rng.getrandbits(k)
    return r


class RandomParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    p: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="matrix games: probability of action 0; default: all actions alike",
    )


class RandomPlayer(ScriptedAgent):
    """A uniformly random legal move in every game.

    Matrix games: action 0 with probability ``p``, otherwise one of the other actions
    uniformly; without ``p`` every action is equally likely (with two actions ``p = 0.5``, as
    axelrod's ``Random``). Bargaining games: a uniformly random legal move of the game (see
    ``arena.agents.scripted.bargaining.random_bargaining_move``). Auctions: see
    ``arena.agents.scripted.auction.random_auction_move``. Social games (Werewolf): see
    ``arena.agents.scripted.social.random_social_move``.
    """

    info = AgentInfo(
        True,
        0,
        families=("matrix", "bargaining", "auction", "social"),
        source="Axelrod (1980)",
        axelrod_name="Random",
    )
    Params = RandomParams

    def reset(self, context: MatchContext) -> None:
        super().reset(context)
        self._rng = random.Random(context.seed)
        self._p: float | None = self.params.p  # type: ignore[attr-defined]
        self._bargaining = context.game_id.startswith(BARGAINING)
        self._auction = context.game_id.startswith(AUCTION)
        self._social = context.game_id.startswith(SOCIAL)

    def decide(self, observation: dict[str, Any]) -> Any:
        if self._bargaining:
            from arena.agents.scripted.bargaining import random_bargaining_move

            return random_bargaining_move(self.context, observation, self._rng)
        if self._auction:
            from arena.agents.scripted.auction import random_auction_move

            return random_auction_move(self.context, observation, self._rng)
        if self._social:
            from arena.agents.scripted.social import random_social_move

            return random_social_move(self.context, observation, self._rng)
        n = observation["payoff_matrix"].shape[0]
        if self._p is None:
            return _below(self._rng, n)
        if self._rng.random() < self._p:
            return 0
        return 1 + _below(self._rng, n - 1) if n > 1 else 0

    def memory_one(
        self, payoff_matrix: Any, noise: float
    ) -> tuple[float, float, float, float, float] | None:
        """With two actions it ignores the history: action 0 with probability ``p`` (1/2
        without one), whatever happened (see ``arena.agents.scripted.matrix``)."""
        p = self.params.p  # type: ignore[attr-defined]
        p = 0.5 if p is None else float(p)
        return (p, p, p, p, p)

"""A scripted traveler: the best reply to the other traveler's last claim."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from arena.agents.base import AgentInfo, MatchContext, ScriptedAgent
from arena.errors import ConfigError
from arena_plugin_example.rules import best_reply


class UndercutParams(BaseModel):
    """An ``[[agents]]`` table's keys beside ``name``."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    opening: int | None = Field(None, description="the first claim; default: the highest")


class Undercut(ScriptedAgent):
    """claims one less than the other traveler's last claim: the best reply to it (Basu 1994)

    It opens with ``opening`` (the highest claim by default) and never claims below the lowest
    claim, so against itself it walks down to the equilibrium claim one step a round; against
    a traveler who keeps claiming the same amount it earns the bonus every round after the
    first.
    """

    info = AgentInfo(
        stochastic=False,
        memory_depth=1,
        families=("example",),
        source="Basu (1994): the myopic best reply",
    )
    Params = UndercutParams

    def reset(self, context: MatchContext) -> None:
        super().reset(context)
        public = context.extra.get("public", {})  # the game's public_info()
        if "low" not in public:
            raise ConfigError(f"{context.game_id} is not a Traveler's Dilemma (no claim range)")
        self.low, high = int(public["low"]), int(public["high"])
        opening = self.params.opening  # type: ignore[attr-defined]
        self.opening = high if opening is None else opening
        if not self.low <= self.opening <= high:
            raise ConfigError(f"opening: {self.opening} is not a claim from {self.low} to {high}")

    def decide(self, observation: dict[str, Any]) -> int:
        played = int(observation["round"])
        if not played:
            return self.opening - self.low
        theirs = int(observation["claims"][played - 1][1])
        return best_reply(theirs, self.low) - self.low

"""``equilibrium``: the game theorist's player in every family that has an equilibrium.

One registered name, as ``random`` is one: in a bargaining game it is the negotiator of
``bargaining.Equilibrium``, in an auction the bidder of ``auction.Equilibrium``. It becomes
the right one when seated, so a tournament file names it the same way whatever the game.
"""

from __future__ import annotations

from typing import Any

from arena.agents.base import AgentInfo, MatchContext, ScriptedAgent
from arena.errors import ConfigError


class EquilibriumPlayer(ScriptedAgent):
    """Plays the solver's equilibrium strategy of the game it is seated in."""

    info = AgentInfo(
        False,
        float("inf"),
        families=("bargaining", "auction"),
        source="Rubinstein (1982); Nash (1950); Vickrey (1961); Riley & Samuelson (1981)",
    )

    def __init__(self, name: str | None = None, **params: Any) -> None:
        super().__init__(name, **params)
        self._players: dict[str, ScriptedAgent] = {}
        self._player: ScriptedAgent | None = None

    def reset(self, context: MatchContext) -> None:
        super().reset(context)
        family = context.game_id.split("/")[0]
        if family not in self._players:
            if family == "bargaining":
                from arena.agents.scripted.bargaining import Equilibrium as Player
            elif family == "auction":
                from arena.agents.scripted.auction import Equilibrium as Player  # type: ignore[assignment]
            else:
                raise ConfigError(f"{self.name} has no equilibrium strategy for {context.game_id}")
            self._players[family] = Player(name=self.name)
        self._player = self._players[family]
        self._player.reset(context)
        self.decide = self._player.decide  # type: ignore[method-assign]  # no call in between

    def decide(self, observation: Any) -> Any:
        assert self._player is not None, "decide before reset"
        return self._player.decide(observation)

    def remember(self, feedback: Any) -> None:
        super().remember(feedback)
        for player in self._players.values():
            player.remember(feedback)

"""What every bargaining game shares as a PettingZoo AEC environment: two seats taking turns,
a move that is a dict with a message, a public dialogue, and payoffs only at the end.

A game subclasses ``Negotiation``, sets its spaces, and implements ``_play`` (apply one
checked move), ``payoffs`` and ``outcome``; ``step`` does the AEC bookkeeping around it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import gymnasium
import numpy as np
from pettingzoo import AECEnv

from arena.games.bargaining.messages import MAX_MESSAGE, clean_message


class Negotiation(AECEnv):
    """The AEC bookkeeping of a two-seat negotiation; subclasses hold the rules."""

    move_keys: tuple[str, ...] = ("act", "message")  # what a move must carry
    history: np.ndarray  # one row per move, its first column the mover's seat index
    messages: list[str]
    turn: int  # moves made
    _space_seed: int | None = None  # seeds the action spaces when one is next asked for

    _action_spaces: dict[str, gymnasium.spaces.Space]
    _observation_spaces: dict[str, gymnasium.spaces.Space]

    def observation_space(self, agent: str) -> gymnasium.spaces.Space:
        return self._observation_spaces[agent]

    def action_space(self, agent: str) -> gymnasium.spaces.Space:
        if self._space_seed is not None:  # seeded on first use: seeding costs more than a move
            seed, self._space_seed = self._space_seed, None
            for k, space in enumerate(self._action_spaces.values()):
                space.seed(seed + k)
        return self._action_spaces[agent]

    def _start(self, first: str, seed: int | None) -> None:
        """Reset the AEC state for a new game that ``first`` opens."""
        # The games draw no chance moves in ``step``: the seed only seeds the samplers.
        self._space_seed = seed
        self.agents = list(self.possible_agents)
        self.rewards = dict.fromkeys(self.agents, 0.0)
        self._cumulative_rewards = dict.fromkeys(self.agents, 0.0)
        self.terminations = dict.fromkeys(self.agents, False)
        self.truncations = dict.fromkeys(self.agents, False)
        self.infos: dict[str, dict[str, Any]] = {a: {} for a in self.agents}
        self.turn = 0
        self.agent_selection = first

    def dialogue(self) -> list[tuple[str, str]]:
        """The public dialogue so far: (speaker, message) per move (what a moderator reads)."""
        seats = self.possible_agents
        return [(seats[int(self.history[t, 0])], self.messages[t]) for t in range(self.turn)]

    def step(self, action: Any) -> None:
        agent = self.agent_selection
        if self.terminations[agent] or self.truncations[agent]:
            self._was_dead_step(action)
            return
        if not isinstance(action, Mapping) or not set(self.move_keys) <= set(action):
            keys = ", ".join(self.move_keys[:-1]) + f" and {self.move_keys[-1]}"
            raise ValueError(f"{agent}: a move is a dict with {keys}, got {action!r}")
        move = self._check(agent, action)  # raises before anything changes
        self.infos = {a: {} for a in self.agents}
        self.rewards = dict.fromkeys(self.agents, 0.0)
        self._cumulative_rewards[agent] = 0.0
        message = clean_message(str(action["message"]), MAX_MESSAGE)
        t = self.turn
        over = self._play(agent, move)
        self.messages[t] = message
        self.turn = t + 1
        if over:
            self._finish()
        self._accumulate_rewards()

    def _check(self, agent: str, action: Mapping[str, Any]) -> Any:
        """``agent``'s move read and checked (``ValueError`` says what is wrong with it)."""
        raise NotImplementedError

    def _play(self, agent: str, move: Any) -> bool:
        """Apply a checked move (``step`` stores its message): write its row of ``history``
        at ``turn``, choose who moves next; return whether the game is over."""
        raise NotImplementedError

    def payoffs(self) -> dict[str, float]:
        raise NotImplementedError

    def outcome(self) -> dict[str, Any]:
        raise NotImplementedError

    def _finish(self) -> None:
        payoffs = self.payoffs()
        outcome = {"payoffs": payoffs, **self.outcome()}
        for agent in self.agents:
            self.rewards[agent] = payoffs[agent]
            self.terminations[agent] = True
            self.infos[agent] = {**self.infos[agent], **outcome}

    def close(self) -> None:
        """Nothing to release."""

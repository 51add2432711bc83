"""The repeated Traveler's Dilemma (Basu 1994) as a PettingZoo ParallelEnv.

=====================  ===============================================================
Id                     ``example/travelers-dilemma-v0``
Agents                 ``player_0``, ``player_1``
Moves                  simultaneous (Parallel API; ``parallel_to_aec`` gives the AEC view)
Information            perfect recall of every claim; nothing is private
Action space           ``Discrete(high - low + 1)``: action ``k`` claims ``low + k``
Observation space      ``Dict``: ``round`` (rounds played so far) and ``claims`` (rounds x 2
                       claims, own column first, -1 = not yet played)
Rewards                each round: equal claims pay both the claim; otherwise both are paid
                       the lower claim, plus ``bonus`` for the lower claimant and minus
                       ``bonus`` for the other
End                    after ``rounds`` rounds; ``infos[agent]["payoffs"]`` = both totals
Public information     ``public_info()``: ``low``, ``high``, ``bonus``, ``rounds``
=====================  ===============================================================

Two travelers lost identical luggage and each claims its value, without talking to the other.
Whoever claims less is believed and rewarded. With ``bonus > 1`` any claim above ``low`` is
beaten by claiming one less, so the stage game's only Nash equilibrium is both claiming ``low``;
people, like Capra et al.'s (1999) subjects when the bonus is small, claim far more.

Arguments
---------
rounds : number of rounds (default 10).
low, high : the smallest and the largest claim (default 2 and 100, as Basu's); at most 1,000
    claims.
bonus : the reward and the penalty, a whole number of at least 1 (default 2).

Yardsticks (``metrics()["claims"]``, lists in seat order): ``mean_claim``; ``regret``, what
best replies to the other's actual claims would have earned beyond the seat's payoff; and
``equilibrium_claim`` (``low``).

The game has no chance moves: ``reset``'s seed is accepted, as PettingZoo's API asks, and
changes nothing.

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
from arena.validation import validate_model
from arena_plugin_example.rules import regret, stage_payoffs

GAME_ID = "example/travelers-dilemma-v0"
MAX_ROUNDS = 10_000
MAX_CLAIMS = 1_000  # the text protocol's schema enumerates them; providers take 1,000


class TravelersParams(BaseModel):
    """The game's parameters: a tournament file's ``[game]`` keys beside ``id``."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    rounds: int = Field(10, ge=1, le=MAX_ROUNDS)
    low: int = Field(2, ge=0)
    high: int = Field(100, ge=1)
    bonus: int = Field(2, ge=1)
    render_mode: Literal["ansi"] | None = None


class TravelersDilemma(ParallelEnv):
    """Two travelers claim for lost luggage; the lower claim is paid, with a bonus and a fine."""

    metadata: ClassVar[dict[str, Any]] = {
        "name": "travelers_dilemma_v0",
        "render_modes": ["ansi"],
        "is_parallelizable": True,
    }
    # What `arena games list` shows (built-ins declare it in arena/builtins.py). Without
    # arena_summary the list shows the docstring's first line.
    arena_summary: ClassVar[str] = (
        "repeated Traveler's Dilemma: claim 2 to 100, the lower claim is paid, +-2 (Basu 1994)"
    )
    arena_players: ClassVar[int] = 2

    def __init__(self, **params: Any) -> None:
        config = validate_model(TravelersParams, params)
        if config.high <= config.low:
            raise ConfigError(f"high: {config.high} must be above low ({config.low})")
        if config.high - config.low + 1 > MAX_CLAIMS:
            raise ConfigError(
                f"high: {config.high - config.low + 1:,} claims from low to high; "
                f"at most {MAX_CLAIMS:,}"
            )
        self.rounds = config.rounds
        self.low, self.high, self.bonus = config.low, config.high, config.bonus
        self.render_mode = config.render_mode
        self.possible_agents = ["player_0", "player_1"]
        self.agents: list[str] = []
        n_claims = self.high - self.low + 1
        self._action_spaces = {a: gymnasium.spaces.Discrete(n_claims) for a in self.possible_agents}
        self._observation_spaces = {
            a: gymnasium.spaces.Dict(
                {
                    "round": gymnasium.spaces.Discrete(self.rounds + 1),
                    "claims": gymnasium.spaces.Box(-1, self.high, (self.rounds, 2), np.int64),
                }
            )
            for a in self.possible_agents
        }
        self._claims = np.full((self.rounds, 2), -1, dtype=np.int64)  # seat order
        self._totals = [0, 0]
        self._round = 0

    def observation_space(self, agent: str) -> gymnasium.spaces.Space:
        return self._observation_spaces[agent]

    def action_space(self, agent: str) -> gymnasium.spaces.Space:
        return self._action_spaces[agent]

    def reset(
        self, seed: int | None = None, options: Mapping[str, Any] | None = None
    ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
        self.agents = list(self.possible_agents)
        self._claims = np.full((self.rounds, 2), -1, dtype=np.int64)
        self._totals = [0, 0]
        self._round = 0
        return self._observations(), {a: {} for a in self.agents}

    def _observations(self) -> dict[str, dict[str, Any]]:
        """Snapshots (copies), so an agent that keeps one sees the round it was given."""
        return {
            agent: {
                "round": self._round,
                "claims": (self._claims if seat == 0 else self._claims[:, ::-1]).copy(),
            }
            for seat, agent in enumerate(self.possible_agents)
        }

    def _claim(self, actions: Mapping[str, Any], agent: str) -> int:
        """The claim ``agent``'s action makes, or the error saying what is wrong with it."""
        if agent not in actions:
            raise ValueError(f"no action given for {agent}")
        action = actions[agent]
        if isinstance(action, bool) or not isinstance(action, int | np.integer):
            raise ValueError(f"{agent}: action must be an integer, got {action!r}")
        if not 0 <= action <= self.high - self.low:
            raise ValueError(f"{agent}: action {action} is out of range 0..{self.high - self.low}")
        return self.low + int(action)

    def step(self, actions: Mapping[str, Any]) -> tuple[dict, dict, dict, dict, dict]:
        if not self.agents:
            raise RuntimeError("step() called on a finished game; call reset() first")
        claims = [self._claim(actions, agent) for agent in self.possible_agents]
        paid = stage_payoffs(claims[0], claims[1], self.bonus)
        self._claims[self._round] = claims
        self._totals = [total + p for total, p in zip(self._totals, paid)]
        self._round += 1
        done = self._round == self.rounds
        agents = self.possible_agents
        rewards = {a: float(p) for a, p in zip(agents, paid)}
        infos: dict[str, dict[str, Any]] = {a: {} for a in agents}
        if done:
            totals = {a: float(t) for a, t in zip(agents, self._totals)}
            for a in agents:
                infos[a]["payoffs"] = totals
            self.agents = []
        observations = self._observations()
        terminations = dict.fromkeys(agents, done)
        truncations = dict.fromkeys(agents, False)
        return observations, rewards, terminations, truncations, infos

    @property
    def deterministic(self) -> bool:
        """No chance moves: the arena may replay a match of deterministic players."""
        return True

    def public_info(self) -> dict[str, int]:
        """What every seat knows before the first round (agents read it from their context)."""
        return {"low": self.low, "high": self.high, "bonus": self.bonus, "rounds": self.rounds}

    def metrics(self) -> dict[str, Any]:
        """Mean claims and regrets of the rounds played (see the module's docstring)."""
        played = self._claims[: self._round]
        if not len(played):
            return {}
        regrets = [
            sum(regret(int(r[seat]), int(r[1 - seat]), self.low, self.bonus) for r in played)
            for seat in (0, 1)
        ]
        return {
            "claims": {
                "mean_claim": [float(played[:, seat].mean()) for seat in (0, 1)],
                "regret": [float(r) for r in regrets],
                "equilibrium_claim": self.low,
            }
        }

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        lines = [f"{GAME_ID}: round {self._round} of {self.rounds}"]
        lines += [f"  {t + 1}: {a} / {b}" for t, (a, b) in enumerate(self._claims[: self._round])]
        return "\n".join(lines)

    def close(self) -> None:
        """Nothing to release: the game holds no external resources."""

    def text_protocol(self, agent: str, **options: Any) -> Any:
        """How ``agent`` is told this game in words and how its replies are read."""
        from arena_plugin_example.text import ClaimTextProtocol

        unknown = set(options) - {"seed"}
        if unknown:
            raise ConfigError(f"{GAME_ID} takes no {', '.join(sorted(unknown))} option")
        return ClaimTextProtocol(low=self.low, high=self.high, bonus=self.bonus, rounds=self.rounds)

"""Finitely repeated normal-form games (any payoff tensor, N players) as a PettingZoo ParallelEnv.

=====================  ===============================================================
Ids                    ``matrix/prisoners-dilemma-v0``, ``matrix/battle-of-the-sexes-v0``,
                       ``matrix/stag-hunt-v0``, ``matrix/chicken-v0``,
                       ``matrix/matching-pennies-v0``, ``matrix/harmony-v0``,
                       ``matrix/deadlock-v0``, ``matrix/rock-paper-scissors-v0``,
                       ``matrix/custom-v0`` (any payoffs)
Agents                 ``player_0`` ... ``player_{N-1}`` (two for the named games)
Moves                  simultaneous (Parallel API; ``parallel_to_aec`` gives the AEC view)
Information            perfect recall of every realised action and stage payoff
Action space           ``Discrete(n_i)`` for player *i*
Observation space      ``Dict``: ``round`` (rounds played so far), ``seat``, ``history``
                       (rounds x N realised actions, own column first, -1 = not yet
                       played), ``rewards`` (rounds x N stage payoffs, own first),
                       ``payoff_matrix`` (own payoffs, own action on axis 0)
Rewards                the stage payoff each round
End                    ``infos[agent]["payoffs"]`` = every player's total, by agent
=====================  ===============================================================

Arguments
---------
payoffs : one array per player in seat order (see ``matrix_payoffs`` for the orientation).
rounds : number of rounds, or the cap when ``continuation`` is set (default 10).
continuation : probability that another round follows each round (``None``: fixed length).
noise : probability that a chosen action is replaced by another one (a "trembling hand";
    with two actions this flips it). Every player observes the realised actions.

Yardsticks (``metrics``): ``metrics()["solver"]`` holds, per seat, the empirical strategy, its
regret against the others' empirical play, the cooperation rate, the payoff per round beside
the stage game's equilibrium payoffs and best symmetric outcome, and the profile's NashConv
(see :mod:`arena.games.matrix.yardsticks`); the match runner adds memory-one agents' exact
expected payoffs (:mod:`arena.scoring`).

Observations are read-only views of arrays the environment fills as play goes on (no history is
copied per round; with two players the second seat's view is the first one's, columns reversed);
they stay valid until the next ``reset``, which allocates fresh arrays.

Version history
---------------
v0: first release.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import gymnasium
import numpy as np
from pettingzoo import ParallelEnv
from pydantic import BaseModel, ConfigDict, Field

from arena.errors import ConfigError
from arena.games.matrix.payoffs import own_first, validate_payoffs
from arena.validation import validate_model

if TYPE_CHECKING:
    from arena.games.matrix.yardsticks import StageYardsticks

MAX_ROUNDS = 1_000_000


class RepeatParams(BaseModel):
    """How the stage game repeats; shared by every registered matrix game."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    rounds: int = Field(10, ge=1, le=MAX_ROUNDS)
    continuation: float | None = Field(None, gt=0.0, lt=1.0)
    noise: float = Field(0.0, ge=0.0, le=1.0)
    render_mode: Literal["ansi"] | None = None


class RepeatedMatrixGame(ParallelEnv):
    """A stage game played ``rounds`` times (or until a continuation draw fails)."""

    metadata: ClassVar[dict[str, Any]] = {
        "name": "repeated_matrix_v0",
        "render_modes": ["ansi"],
        "is_parallelizable": True,
    }

    def __init__(
        self,
        payoffs: Sequence[Any],
        *,
        action_names: Sequence[Sequence[str]] | None = None,
        game_name: str = "custom",
        **repeat: Any,
    ) -> None:
        params = validate_model(RepeatParams, repeat)
        tables = validate_payoffs(list(payoffs))
        self.game_name = game_name
        self.rounds = params.rounds
        self.continuation = params.continuation
        self.noise = params.noise
        self.render_mode = params.render_mode
        self.payoffs = tables
        self.n_actions: tuple[int, ...] = tables[0].shape
        n_players = len(tables)
        self.possible_agents = [f"player_{i}" for i in range(n_players)]
        self.agents: list[str] = []
        self.action_names = self._names(action_names)
        self._own_payoffs = []
        for p in range(n_players):
            matrix = own_first(tables, p)
            matrix.flags.writeable = False
            self._own_payoffs.append(matrix)
        # Flat per-player tables indexed by the mixed-radix code of the joint action: one
        # Python list lookup per player and round, no NumPy scalar overhead on the hot path.
        self._flat = [table.ravel().tolist() for table in tables]
        self._radix = [int(np.prod(self.n_actions[i + 1 :])) for i in range(n_players)]
        self._orders = [[p, *(q for q in range(n_players) if q != p)] for p in range(n_players)]
        self._action_spaces = {
            a: gymnasium.spaces.Discrete(n) for a, n in zip(self.possible_agents, self.n_actions)
        }
        self._observation_spaces: dict[str, gymnasium.spaces.Space] = {}  # made when asked
        self._seed: int | None = None
        self._generator: np.random.Generator | None = None
        self._round = 0

    def _names(self, names: Sequence[Sequence[str]] | None) -> tuple[tuple[str, ...], ...]:
        if names is None:
            return tuple(tuple(f"action {k}" for k in range(n)) for n in self.n_actions)
        names = tuple(tuple(str(x) for x in player) for player in names)
        if tuple(len(x) for x in names) != self.n_actions:
            raise ConfigError(
                f"action_names: expected {self.n_actions} names per player, "
                f"got {tuple(len(x) for x in names)}"
            )
        return names

    def _observation_space(self, player: int) -> gymnasium.spaces.Dict:
        n = len(self.possible_agents)
        return gymnasium.spaces.Dict(
            {
                "round": gymnasium.spaces.Discrete(self.rounds + 1),
                "seat": gymnasium.spaces.Discrete(n),
                "history": gymnasium.spaces.Box(
                    -1, max(self.n_actions) - 1, (self.rounds, n), dtype=np.int64
                ),
                "rewards": gymnasium.spaces.Box(-np.inf, np.inf, (self.rounds, n), np.float64),
                "payoff_matrix": gymnasium.spaces.Box(
                    -np.inf, np.inf, self._own_payoffs[player].shape, np.float64
                ),
            }
        )

    def observation_space(self, agent: str) -> gymnasium.spaces.Space:
        space = self._observation_spaces.get(agent)
        if space is None:  # built on demand: matches never ask, and Box spaces cost to build
            if agent not in self.possible_agents:
                raise KeyError(agent)
            player = self.possible_agents.index(agent)
            space = self._observation_spaces[agent] = self._observation_space(player)
        return space

    def action_space(self, agent: str) -> gymnasium.spaces.Space:
        return self._action_spaces[agent]

    def reset(
        self, seed: int | None = None, options: Mapping[str, Any] | None = None
    ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
        if seed is not None:
            self._seed, self._generator = seed, None  # made from the seed at its first draw
        self.agents = list(self.possible_agents)
        self._round = 0
        n = len(self.possible_agents)
        self._totals = [0.0] * n
        if n == 2:
            # One array in seat order; the second seat's own-first view is it with its columns
            # reversed, so a round is two writes per array rather than one per seat and column.
            self._history = [np.full((self.rounds, n), -1, dtype=np.int64)]
            self._rewards = [np.zeros((self.rounds, n), dtype=np.float64)]
        else:
            self._history = [np.full((self.rounds, n), -1, dtype=np.int64) for _ in range(n)]
            self._rewards = [np.zeros((self.rounds, n), dtype=np.float64) for _ in range(n)]
        self._share_views()
        return self._observations(), {a: {} for a in self.agents}

    @property
    def _rng(self) -> np.random.Generator:
        """The game's chance: trembles and the continuation draws, seeded by ``reset``. Made
        when first drawn from, so a game without chance (no noise, a fixed length) never
        builds one; the draws are the same as from one built at ``reset``."""
        if self._generator is None:
            self._generator = np.random.default_rng(self._seed)
        return self._generator

    def _share_views(self) -> None:
        """The read-only views each seat observes, and its observation with them filled in.

        Each round's observations are copies of these templates with the round set: the views
        are shared, never copied, and no observation dictionary is built key by key.
        """
        self._pair: tuple[Any, ...] | None = None
        if len(self.possible_agents) == 2:
            history, rewards = self._history[0], self._rewards[0]
            own_first = [(history, rewards), (history[:, ::-1], rewards[:, ::-1])]
        else:
            own_first = list(zip(self._history, self._rewards))
        self._views = []
        for history, rewards in own_first:
            history_view, rewards_view = history.view(), rewards.view()
            history_view.flags.writeable = False
            rewards_view.flags.writeable = False
            self._views.append((history_view, rewards_view))
        self._templates = [
            {
                "round": 0,
                "seat": p,
                "history": self._views[p][0],
                "rewards": self._views[p][1],
                "payoff_matrix": self._own_payoffs[p],
            }
            for p in range(len(self.possible_agents))
        ]
        if len(self.possible_agents) == 2:
            # What a two-player step touches, in one tuple: the round's cells are written
            # through flat memoryviews of the arrays (row t holds cells 2t and 2t + 1).
            self._pair = (
                *self.possible_agents,
                *self.n_actions,
                *self._flat,
                self._history[0].data.cast("B").cast("q"),
                self._rewards[0].data.cast("B").cast("d"),
                self._totals,
                *self._templates,
                self.rounds,
                bool(self.noise) or self.continuation is not None,  # any chance moves
            )

    def __getstate__(self) -> dict[str, Any]:
        # Views pickle as copies of what they show: leave them out and share them again.
        state = dict(self.__dict__)
        state.pop("_views", None)
        state.pop("_templates", None)
        state.pop("_pair", None)  # memoryviews do not pickle
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        if "_history" in state:
            self._share_views()

    def _observations(self) -> dict[str, dict[str, Any]]:
        t = self._round
        observations = {}
        for agent, template in zip(self.possible_agents, self._templates):
            observation = observations[agent] = template.copy()
            observation["round"] = t
        return observations

    def _invalid_action(self, actions: Mapping[str, Any], player: int) -> int:
        """Coerce a NumPy integer, or raise the error that says what is wrong with the action."""
        agent = self.possible_agents[player]
        if agent not in actions:
            raise ValueError(f"no action given for {agent}")
        action = actions[agent]
        if isinstance(action, bool) or not isinstance(action, int | np.integer):
            raise ValueError(f"{agent}: action must be an integer, got {action!r}")
        action = int(action)
        if not 0 <= action < self.n_actions[player]:
            raise ValueError(
                f"{agent}: action {action} is out of range 0..{self.n_actions[player] - 1}"
            )
        return action

    def _tremble(self, chosen: list[int]) -> list[int]:
        played = list(chosen)
        for p, action in enumerate(chosen):
            n = self.n_actions[p]
            if n > 1 and self._rng.random() < self.noise:
                other = int(self._rng.integers(n - 1))
                played[p] = other if other < action else other + 1
        return played

    def step(self, actions: Mapping[str, Any]) -> tuple[dict, dict, dict, dict, dict]:
        if not self.agents:
            raise RuntimeError("step() called on a finished game; call reset() first")
        if self._pair is None:
            return self._step_any(actions)
        # Two players (every named game): the same rules as _step_any, spelled out for two.
        (
            first,
            second,
            n_first,
            n_second,
            flat_first,
            flat_second,
            history,
            stage_rewards,
            totals,
            template_first,
            template_second,
            rounds,
            chance,
        ) = self._pair
        x, y = actions.get(first), actions.get(second)
        if type(x) is not int or not 0 <= x < n_first:
            x = self._invalid_action(actions, 0)
        if type(y) is not int or not 0 <= y < n_second:
            y = self._invalid_action(actions, 1)
        if chance and self.noise:
            x, y = self._tremble([x, y])
        cell = x * n_second + y
        r = flat_first[cell]
        s = flat_second[cell]
        t = self._round
        i = t + t  # row t holds cells 2t and 2t + 1
        history[i] = x
        history[i + 1] = y
        stage_rewards[i] = r
        stage_rewards[i + 1] = s
        totals[0] += r
        totals[1] += s
        t += 1
        self._round = t
        done = t >= rounds or (
            chance and self.continuation is not None and self._rng.random() >= self.continuation
        )
        seen_first = template_first.copy()
        seen_first["round"] = t
        seen_second = template_second.copy()
        seen_second["round"] = t
        infos: dict[str, dict[str, Any]] = {first: {}, second: {}}
        if chance and self.noise:
            infos[first]["played"], infos[second]["played"] = x, y
        if done:
            payoffs = {first: totals[0], second: totals[1]}
            infos[first]["payoffs"] = infos[second]["payoffs"] = payoffs
            self.agents = []
        return (
            {first: seen_first, second: seen_second},
            {first: r, second: s},
            {first: done, second: done},
            {first: False, second: False},
            infos,
        )

    def _step_any(self, actions: Mapping[str, Any]) -> tuple[dict, dict, dict, dict, dict]:
        chosen = []
        for p, agent in enumerate(self.possible_agents):
            action = actions.get(agent)
            if type(action) is not int or not 0 <= action < self.n_actions[p]:
                action = self._invalid_action(actions, p)
            chosen.append(action)
        played = self._tremble(chosen) if self.noise else chosen
        code = 0
        for action, radix in zip(played, self._radix):
            code += action * radix
        stage = [flat[code] for flat in self._flat]
        t = self._round
        for p, order in enumerate(self._orders):
            history, stage_rewards = self._history[p], self._rewards[p]
            for column, q in enumerate(order):
                history[t, column] = played[q]
                stage_rewards[t, column] = stage[q]
            self._totals[p] += stage[p]
        self._round = t + 1
        done = self._round >= self.rounds or (
            self.continuation is not None and self._rng.random() >= self.continuation
        )
        agents = self.possible_agents
        observations = self._observations()
        rewards = dict(zip(agents, stage))
        terminations = dict.fromkeys(agents, done)
        truncations = dict.fromkeys(agents, False)
        infos: dict[str, dict[str, Any]] = {a: {} for a in agents}
        if self.noise:
            for p, a in enumerate(agents):
                infos[a]["played"] = played[p]
        if done:
            totals = dict(zip(agents, self._totals))
            for a in agents:
                infos[a]["payoffs"] = totals
            self.agents = []
        return observations, rewards, terminations, truncations, infos

    @property
    def deterministic(self) -> bool:
        """True when the game has no chance moves: deterministic players always replay the
        same match, whatever the seed (lets a tournament reuse such a match's turns)."""
        return self.noise == 0 and self.continuation is None

    @property
    def rounds_played(self) -> int:
        """Rounds completed since the last reset."""
        return self._round

    def metrics(self) -> dict[str, Any]:
        """The solver's yardsticks of the rounds played (``yardsticks.repeated``) under
        ``"solver"``; empty before the first round."""
        if not self._round:
            return {}
        from arena.games.matrix import yardsticks

        stage = self.prepare_metrics()
        cooperative = yardsticks.cooperative_actions(self.game_name, self.action_names)
        played = self._history[0][: self._round]  # player 0's own-first order is the seat order
        return {"solver": yardsticks.repeated(stage, played, self._totals, cooperative)}

    def prepare_metrics(self) -> StageYardsticks:
        """The stage game's yardsticks (``yardsticks.stage_yardsticks``), solved at the first
        call and kept: the same for every match of this env. Called before a process forks
        workers, it spares each of them the solver's start (importing Numba and SciPy)."""
        stage = self.__dict__.get("_stage_yardsticks")
        if stage is None:
            from arena.games.matrix import yardsticks

            stage = self._stage_yardsticks = yardsticks.stage_yardsticks(self.payoffs)
        return stage

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        lines = [f"{self.game_name}: round {self._round} of {self.rounds}"]
        for t in range(self._round):
            seat_order = self._history[0][t]  # player 0's own-first order is the seat order
            moves = ", ".join(self.action_names[p][a] for p, a in enumerate(seat_order))
            lines.append(f"  {t + 1}: {moves}")
        return "\n".join(lines)

    def close(self) -> None:
        """Nothing to release: the game holds no external resources."""

    def text_protocol(self, agent: str, **options: Any) -> Any:
        """The text protocol that tells ``agent`` this game in words and reads its replies."""
        from arena.games.matrix.text import MatrixTextProtocol

        player = self.possible_agents.index(agent)
        tables = tuple(np.moveaxis(self.payoffs[q], player, 0) for q in self._orders[player])
        horizon = None if self.continuation is not None else self.rounds
        unknown = set(options) - {"labels", "shuffle", "seed"}
        if unknown:
            raise ConfigError(
                f"matrix games take no {', '.join(sorted(unknown))} option (their text "
                "protocol takes labels and shuffle_options)"
            )
        return MatrixTextProtocol(
            payoffs=tables, horizon=horizon, continuation=self.continuation, **options
        )

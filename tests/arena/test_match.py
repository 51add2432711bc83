"""The match runner: scripted agents' loop gives the turns the general one gives, move by move."""

from __future__ import annotations

import asyncio
import math
from typing import Any, ClassVar

import gymnasium
import pytest
from pettingzoo import ParallelEnv

from arena.agents.base import Agent, ScriptedAgent
from arena.match import run_match
from arena.records import MatchRecord, Turn
from arena.registry import make_agent, make_game

PD = "matrix/prisoners-dilemma-v0"


class Waiting(Agent):
    """A scripted agent behind ``await act``: the runner treats it as it treats a model."""

    def __init__(self, inner: ScriptedAgent) -> None:
        super().__init__(inner.name)
        self.inner = inner
        self.info = inner.info  # type: ignore[misc]

    def reset(self, context: Any) -> None:
        super().reset(context)
        self.inner.reset(context)

    async def act(self, observation: Any) -> Any:
        await asyncio.sleep(0)  # a real suspension, as a network call would make
        return self.inner.decide(observation)

    def memory_one(self, payoff_matrix: Any, noise: float) -> Any:
        return getattr(self.inner, "memory_one", lambda *_: None)(payoff_matrix, noise)


def play(env: Any, agents: list[Any], seed: int, game_id: str = PD) -> MatchRecord:
    return asyncio.run(run_match(env, agents, game_id=game_id, seed=seed))


def close(a: Any, b: Any) -> bool:
    """Metrics of two runs of one match: equal, floats within 1e-12 (the same arithmetic on
    the same numbers, so in practice bit for bit; a tolerance rather than ``==`` on floats)."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return bool(a == b)


@pytest.mark.parametrize(
    ("names", "params"),
    [
        (("tit-for-tat", "random"), {"rounds": 60}),
        (("win-stay-lose-shift", "generous-tit-for-tat"), {"rounds": 60, "noise": 0.1}),
        (("grim-trigger", "alternator"), {"rounds": 200, "continuation": 0.97}),
        (("random", "random"), {"rounds": 1}),
    ],
    ids=["fixed-length", "noise", "continuation", "one-round"],
)
def test_scripted_agents_play_the_match_the_general_loop_plays(
    names: tuple[str, str], params: dict[str, Any]
) -> None:
    for seed in (1, 2):
        direct = play(make_game(PD, **params), [make_agent(n) for n in names], seed)
        waited = play(make_game(PD, **params), [Waiting(make_agent(n)) for n in names], seed)
        assert direct.turns == waited.turns and direct.payoffs == waited.payoffs
        assert all(type(turn) is Turn for turn in direct.turns)
        assert [t.step for t in direct.turns[:4]] == [0, 0, 1, 1] or len(direct.turns) == 2
        assert close(direct.metrics, waited.metrics)


def test_three_seats_play_alike_in_both_loops() -> None:
    payoffs = [[[[1, 0], [0, 1]], [[0, 1], [1, 0]]]] * 3
    names = ["random", "tit-for-tat", "alternator"]
    direct = play(make_game("matrix/custom-v0", payoffs=payoffs, rounds=25), names_to(names), 5)
    waited = play(
        make_game("matrix/custom-v0", payoffs=payoffs, rounds=25),
        [Waiting(agent) for agent in names_to(names)],
        5,
    )
    assert direct.turns == waited.turns and len(direct.turns) == 75


def names_to(names: list[str]) -> list[Any]:
    return [make_agent(name) for name in names]


class Dropout(ParallelEnv):
    """Seat 1 leaves after two steps; seat 1 gets no reward in step 1, seat 0 none in step 3."""

    metadata: ClassVar[dict[str, Any]] = {"name": "dropout_v0"}

    def __init__(self) -> None:
        self.possible_agents = ["a", "b"]
        self.agents: list[str] = []

    def observation_space(self, agent: str) -> gymnasium.spaces.Space:
        return gymnasium.spaces.Discrete(10)

    def action_space(self, agent: str) -> gymnasium.spaces.Space:
        return gymnasium.spaces.Discrete(3)

    def reset(self, seed: int | None = None, options: Any = None) -> tuple[dict, dict]:
        self.agents, self.t = ["a", "b"], 0
        return {a: 0 for a in self.agents}, {a: {} for a in self.agents}

    def step(self, actions: dict[str, int]) -> tuple[dict, dict, dict, dict, dict]:
        self.t += 1
        rewards = {a: float(actions[a] + self.t) for a in self.agents}
        if self.t in (1, 3):
            del rewards["b" if self.t == 1 else "a"]
        done = {a: (a == "b" and self.t >= 2) or self.t >= 4 for a in self.agents}
        self.agents = [a for a in self.agents if not done[a]]
        observations = {a: self.t for a in self.agents}
        return observations, rewards, done, dict.fromkeys(done, False), {a: {} for a in done}


class Counter(ScriptedAgent):
    """Plays the observation modulo 3."""

    info = make_agent("tit-for-tat").info

    def decide(self, observation: int) -> int:
        return observation % 3


def test_seats_that_leave_early_and_missing_rewards_are_recorded_as_before() -> None:
    direct = play(Dropout(), [Counter("x"), Counter("y")], 0, game_id="dropout")
    waited = play(Dropout(), [Waiting(Counter("x")), Waiting(Counter("y"))], 0, "dropout")
    assert direct.turns == waited.turns
    assert [(t.step, t.seat, t.action, t.reward) for t in direct.turns] == [
        (0, 0, 0, 1.0),
        (0, 1, 0, None),  # while both seats play
        (1, 0, 1, 3.0),
        (1, 1, 1, 3.0),
        (2, 0, 2, None),  # once seat 1 has left
        (3, 0, 0, 4.0),
    ]

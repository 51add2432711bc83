"""Hidden roles stay hidden: every observation and every prompt of every seat, at every step of
many seeded games, is searched for facts that seat may not know.

A seat may know its own role; a wolf, its fellow wolves and their channel; the seer, its own
checks; the doctor, its own protections; everyone, what is public (speeches, votes, deaths,
and a dead player's role when ``reveal_role``). The wolves' messages carry a distinctive
token and the speeches are neutral, so a secret can only reach another seat's view by
leaking. The structured observation is checked field by field (and no array of one seat's
observation shares memory with another's); the text is searched for the token, the
channel, the seer's and doctor's lines, and every sentence that could tell another seat's
role.
"""

from __future__ import annotations

import asyncio
import random
import re
from typing import Any

import numpy as np
import pytest

from arena import make_game
from arena.agents.base import AgentInfo, MatchContext, ScriptedAgent
from arena.games.social.werewolf import (
    BID,
    DOCTOR,
    E_DEATH,
    E_ELIMINATED,
    E_PROTECT,
    E_SEER_CHECK,
    E_WOLF_CHAT,
    E_WOLF_VICTIM,
    E_WOLF_VOTE,
    NONE,
    OVER,
    SEER,
    SPEECH,
    WEREWOLF,
    WOLF_CHAT,
    WerewolfGame,
    floor_bid,
    speech,
    target,
)
from arena.games.social.werewolf_text import role_phrase
from arena.match import run_match
from arena.registry import make_agent

GAME = "social/werewolf-v0"
TOKEN = "WOLFTOKEN"
WOLF_ONLY = {E_WOLF_CHAT, E_WOLF_VOTE, E_WOLF_VICTIM}
SETTINGS = [
    {},
    {"speaking": "bidding", "tie": "runoff"},
    {"reveal_role": True, "players": 11},
    {"players": 5, "doctor_repeat": False, "doctor_self": False, "discussion_rounds": 1},
    {"players": 15, "werewolves": 4, "reveal_role": True, "max_days": 4},
]


def may_know_role(env: WerewolfGame, seat: int, other: int, alive: Any = None) -> bool:
    if other == seat:
        return True
    if env.roles[seat] == WEREWOLF and env.roles[other] == WEREWOLF:
        return True
    return env.params.reveal_role and not (env.alive if alive is None else alive)[other]


def check_structured(
    env: WerewolfGame, seat: int, observation: dict[str, Any], live: bool = True
) -> None:
    """``live``: ``env`` is at the moment of the observation (else only its deal is used)."""
    role = env.roles[seat]
    alive = observation["alive"].tolist()
    assert observation["role"] == role
    for other, known in enumerate(observation["roles"].tolist()):
        assert known == (env.roles[other] if may_know_role(env, seat, other, alive) else NONE)
    if role != SEER:
        assert observation["seer_checks"].tolist() == [NONE] * env.n
    if role != DOCTOR:
        assert observation["protected"] == NONE
    for event in observation["log"]:
        if event.kind in WOLF_ONLY:
            assert role == WEREWOLF
        if event.kind == E_SEER_CHECK:
            assert role == SEER and event.actor == seat
        if event.kind == E_PROTECT:
            assert role == DOCTOR and event.actor == seat
        if event.kind in (E_DEATH, E_ELIMINATED) and not env.params.reveal_role:
            assert event.value == NONE
        assert TOKEN not in event.text or role == WEREWOLF
    if live and env.possible_agents[seat] not in env.simultaneous():
        assert not observation["legal"].any()  # whom others may name is not told


def role_sentences(env: WerewolfGame, other: int) -> list[str]:
    """Every way the text protocol could tell ``other``'s role or team."""
    name, phrase = env.names[other], role_phrase(env.roles[other])
    sentences = [f"{name} ({phrase})", f"{name}, {phrase}", f"{name} was {phrase}"]
    sentences.append(f"{name} is {'a werewolf' if env.roles[other] == WEREWOLF else 'on the'}")
    return sentences


def check_text(env: WerewolfGame, seat: int, text: str, alive: Any = None) -> None:
    role = env.roles[seat]
    if role != WEREWOLF:
        assert TOKEN not in text and "werewolves' channel" not in text
        assert "fellow werewolves" not in text and "The pack chose" not in text
    if role != SEER:
        assert "[your check" not in text and "Your checks" not in text
    if role != DOCTOR:
        assert "You protected" not in text and "you protected" not in text
    told = re.sub(r'"[^"]*"', '""', text)  # what players said is theirs to say: only the rest
    checked = set(np.flatnonzero(np.array(env._checks[seat]) != NONE).tolist())
    for other in range(env.n):
        if may_know_role(env, seat, other, alive) or other in checked:
            continue
        for sentence in role_sentences(env, other):
            assert sentence not in told, (seat, other, sentence)


def move(env: WerewolfGame, observation: dict[str, Any], rng: random.Random) -> Any:
    phase = observation["phase"]
    if phase == WOLF_CHAT:
        return speech(f"{TOKEN} {rng.choice(env.names)} tonight")
    if phase == SPEECH:
        return speech(f"Let us talk about {rng.choice(env.names)}.")
    if phase == BID:
        return floor_bid(rng.randrange(5))
    return target(rng.choice(np.flatnonzero(observation["legal"]).tolist()))


def assert_no_shared_memory(observations: list[dict[str, Any]]) -> None:
    arrays = [
        (k, value.base if value.base is not None else value)
        for k, observation in enumerate(observations)
        for value in observation.values()
        if isinstance(value, np.ndarray)
    ]
    for i, (seat_a, a) in enumerate(arrays):
        for seat_b, b in arrays[i + 1 :]:
            if seat_a != seat_b:
                assert not np.shares_memory(a, b)


@pytest.mark.parametrize("params", SETTINGS)
def test_no_seat_sees_a_secret_it_may_not_know(params: dict[str, Any]) -> None:
    env = make_game(GAME, **params)
    rng = random.Random(7)
    steps = 0
    for seed in range(25):
        env.reset(seed=seed)
        protocols = [env.text_protocol(agent, seed=seed) for agent in env.possible_agents]
        rules = [p.rules() for p in protocols]
        for seat in range(env.n):  # the rules are public: no role in them
            for other in range(env.n):
                for sentence in role_sentences(env, other):
                    assert sentence not in rules[seat]
        while env.phase != OVER:
            observations = [env.observe(agent) for agent in env.possible_agents]
            for seat, observation in enumerate(observations):
                check_structured(env, seat, observation)
                check_text(env, seat, protocols[seat].describe(observation))
            if steps % 7 == 0:
                assert_no_shared_memory(observations)
            mover = env.possible_agents.index(env.agent_selection)
            env.step(move(env, observations[mover], rng))
            steps += 1
    assert steps > 25 * 10  # every game played for real


class Spy(ScriptedAgent):
    """A scripted player that keeps every observation it is given, and the prompt it reads:
    it declares that it reads text, so the runner gives it its seat's text protocol, as it
    gives a language model's."""

    info = AgentInfo(True, float("inf"), families=("social",), reads_text=True)

    def __init__(self, inner: ScriptedAgent) -> None:
        super().__init__(name=inner.name)
        self.inner = inner
        self.seen: list[tuple[dict[str, Any], str]] = []

    def reset(self, context: MatchContext) -> None:
        super().reset(context)
        self.inner.reset(context)
        self.seen = []

    def decide(self, observation: dict[str, Any]) -> Any:
        self.seen.append((observation, self.context.protocol.describe(observation)))
        return self.inner.decide(observation)


@pytest.mark.parametrize("params", SETTINGS[:3])
def test_scripted_players_in_the_real_runner_see_only_their_own(params: dict[str, Any]) -> None:
    """The runner hands each seat its own observation only: what every scripted player was
    given, and the prompt its seat reads, in real matches of random and heuristic play."""
    env = make_game(GAME, **params)
    kinds = ["random", "werewolf-heuristic"]
    for seed in range(12):
        spies = [Spy(make_agent(kinds[(seed + k) % 2])) for k in range(env.n)]
        asyncio.run(run_match(env, spies, game_id=GAME, seed=seed))
        first_victims = [d["seat"] for d in env.outcome()["deaths"] if d["day"] == 1]
        for k, spy in enumerate(spies):
            assert spy.seen or k in first_victims  # a night-1 victim may never have moved
            for observation, text in spy.seen:
                check_structured(env, k, observation, live=False)
                check_text(env, k, text, observation["alive"].tolist())

"""Werewolf: PettingZoo's checkers, every phase and rule reached, sealed moves, illegal moves,
the end of a game and bad parameters."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import numpy as np
import pytest
from pettingzoo import AECEnv
from pettingzoo.test import api_test, seed_test

from arena import make_game
from arena.errors import ConfigError
from arena.games.social.werewolf import (
    BID,
    E_DEATH,
    E_ELIMINATED,
    E_NO_DEATH,
    E_NO_ELIMINATION,
    E_RUNOFF,
    E_VOTE,
    NIGHT,
    PHASES,
    RUNOFF,
    SEALED,
    SPEECH,
    VOTE,
    WOLF_CHAT,
    WerewolfGame,
    floor_bid,
    mentions,
    speech,
    target,
)

GAME = "social/werewolf-v0"
# Seats 0 and 1 are the wolves, 2 the seer, 3 the doctor, 4 to 7 villagers.
FIXED = ["werewolf", "werewolf", "seer", "doctor", "villager", "villager", "villager", "villager"]
SETTINGS = [
    {},
    {"speaking": "bidding", "tie": "runoff", "reveal_role": True},
    {"players": 5, "wolf_chat": False, "discussion_rounds": 0},
    {"players": 15, "doctor_repeat": False, "doctor_self": False, "max_days": 3},
    {"discussion_rounds": 1, "day_vote": False, "max_days": 2},
]


def random_move(env: WerewolfGame, observation: dict[str, Any], rng: random.Random) -> Any:
    """A random legal move of the phase."""
    phase = observation["phase"]
    if phase in (SPEECH, WOLF_CHAT):
        return speech(f"I think {rng.choice(env.names)} is quiet.")
    if phase == BID:
        return floor_bid(rng.randrange(5))
    return target(rng.choice(np.flatnonzero(observation["legal"]).tolist()))


FINAL: dict[str, float] = {}  # each agent's reward as the last game's end told it


def play(env: WerewolfGame, seed: int, choose: Any = None) -> list[tuple[str, int]]:
    """One game to its end; the (agent, phase) of every move."""
    rng = random.Random(seed)
    env.reset(seed=seed)
    moves = []
    FINAL.clear()
    for agent in env.agent_iter():
        observation, reward, terminated, truncated, _ = env.last()
        if terminated or truncated:
            FINAL[agent] = reward
            env.step(None)
            continue
        assert env.alive[env.possible_agents.index(agent)]  # the dead only observe
        assert observation["asked"] == 1
        moves.append((agent, int(observation["phase"])))
        move = choose(env, agent, observation) if choose else None
        env.step(move if move is not None else random_move(env, observation, rng))
    return moves


@pytest.mark.filterwarnings("ignore::UserWarning")  # PettingZoo's advice on Dict spaces
@pytest.mark.parametrize("params", SETTINGS[:4])
def test_pettingzoo_api_and_seed_tests_pass(params: dict[str, Any]) -> None:
    api_test(make_game(GAME, **params), num_cycles=300)
    seed_test(lambda: make_game(GAME, **params), num_cycles=100)


def test_native_api_is_aec() -> None:
    assert isinstance(make_game(GAME), AECEnv)


@pytest.mark.parametrize("params", SETTINGS)
def test_every_game_ends_with_a_winner_or_at_max_days(params: dict[str, Any]) -> None:
    env = make_game(GAME, **params)
    for seed in range(40):
        play(env, seed)
        outcome = env.outcome()
        wolves = [k for k, r in enumerate(outcome["roles"]) if r == "werewolf"]
        living_wolves = sum(env.alive[k] for k in wolves)
        others = sum(env.alive) - living_wolves
        if outcome["winner"] == "village":
            assert living_wolves == 0
        elif outcome["winner"] == "werewolves":
            assert living_wolves >= others
        else:  # undecided: the days ran out, and every player shares the draw
            assert outcome["days"] == env.params.max_days and all(env.truncations.values())
            assert set(env.payoffs().values()) == set(FINAL.values()) == {0.5}
        if outcome["winner"] is not None:
            assert all(env.terminations.values())
            for k, agent in enumerate(env.possible_agents):
                won = outcome["teams"][k] == outcome["winner"]
                assert env.payoffs()[agent] == float(won) == FINAL[agent]


def test_every_phase_and_event_is_reached() -> None:
    phases: Counter[str] = Counter()
    events: Counter[int] = Counter()
    for params in SETTINGS[:2]:
        env = make_game(GAME, **params)
        for seed in range(30):
            phases.update(PHASES[p] for _, p in play(env, seed))
            events.update(e.kind for log in env._logs for e in log)
    assert set(phases) == set(PHASES) - {"over"}
    assert {E_DEATH, E_NO_DEATH, E_VOTE, E_RUNOFF, E_ELIMINATED, E_NO_ELIMINATION} <= set(events)


def test_a_scripted_night_and_day() -> None:
    """Wolves pick the seer, the doctor guards a villager: the seer dies; by day the vote
    eliminates a wolf, and the votes are published together."""
    env = make_game(GAME, roles=FIXED)
    env.reset(seed=3)
    order = []
    while env.phase == WOLF_CHAT:
        order.append(env.agent_selection)
        env.step(speech("the seer is Jacob"))
    assert sorted(order) == ["player_0", "player_1"]
    assert env.phase == NIGHT
    assert env.simultaneous() == ["player_0", "player_1", "player_2", "player_3"]
    for chosen in (2, 2, 0, 4):  # wolves -> Jacob (the seer); seer checks Derek; doctor guards 4
        env.step(target(chosen))
    assert not env.alive[2] and sum(env.alive) == 7
    assert env.observe("player_2")["seer_checks"].tolist() == [1] + [-1] * 7
    assert env.phase == SPEECH
    while env.phase == SPEECH:
        env.step(speech("Derek is a werewolf"))
    assert env.phase == VOTE and env.simultaneous() == [
        f"player_{k}" for k in (0, 1, 3, 4, 5, 6, 7)
    ]
    before = env.observe("player_7")
    for voter in (0, 1, 3, 4, 5, 6):
        env.step(target(5 if voter < 2 else 0))
        assert not any(e.kind == E_VOTE for e in env.observe("player_7")["log"])  # sealed
    assert env.observe("player_7")["log"] == before["log"]
    env.step(target(0))
    log = env.observe("player_7")["log"]
    assert sum(e.kind == E_VOTE for e in log) == 7
    assert [e.target for e in log if e.kind == E_ELIMINATED] == [0]
    assert env.phase == WOLF_CHAT and env.day == 2  # night 2: one wolf left
    assert env.queue == [1]


def test_observations_within_a_sealed_phase_do_not_change_until_the_last_move() -> None:
    env = make_game(GAME, speaking="bidding", tie="runoff")
    rng = random.Random(0)
    checked = Counter()
    for seed in range(20):
        env.reset(seed=seed)
        while env.agents and env.phase != len(PHASES) - 1:
            batch = env.simultaneous()
            if env.phase in SEALED and len(batch) > 1:
                seen = {a: env.observe(a) for a in batch}
                for a in batch[:-1]:
                    env.step(random_move(env, env.observe(a), rng))
                    for later in batch[batch.index(a) + 1 :]:
                        now = env.observe(later)
                        assert now["log"] == seen[later]["log"]
                        assert now["legal"].tolist() == seen[later]["legal"].tolist()
                        assert now["alive"].tolist() == seen[later]["alive"].tolist()
                checked[PHASES[env.phase]] += 1
                env.step(random_move(env, env.observe(batch[-1]), rng))
            else:
                env.step(random_move(env, env.observe(env.agent_selection), rng))
    assert {"night", "bid", "vote"} <= set(checked)


@pytest.mark.parametrize(
    ("phase_move", "problem"),
    [
        ("dead", "not legal"),
        ("self", "not legal"),
        ("wolf", "not legal"),
        ("bid5", "from 0 to 4"),
        ("long", "longer than"),
        ("control", "cannot be printed"),
        ("bool", "seat number"),
    ],
)
def test_illegal_moves_raise_before_anything_changes(phase_move: str, problem: str) -> None:
    env = make_game(GAME, roles=FIXED, speaking="bidding", max_speech=50)
    env.reset(seed=1)
    while env.phase == WOLF_CHAT:
        env.step(speech("hi"))
    for chosen in (4, 4, 0, 5):  # the villager in seat 4 dies
        env.step(target(chosen))
    moves = {
        "dead": target(4),
        "self": target(int(env.agent_selection.rsplit("_", 1)[1])),
        "bid5": floor_bid(5),
        "bool": {"target": True, "bid": True, "message": ""},
    }
    if phase_move == "wolf":  # back to a night: a wolf may not name a wolf
        env2 = make_game(GAME, roles=FIXED)
        env2.reset(seed=1)
        while env2.phase == WOLF_CHAT:
            env2.step(speech("hi"))
        env, move = env2, target(1)
    elif phase_move in ("long", "control"):
        while env.phase != SPEECH:
            env.step(floor_bid(0))
        move = speech("x" * 51 if phase_move == "long" else "a\x00b")
    elif phase_move in ("dead", "self", "bool"):
        while env.phase != VOTE:
            env.step(floor_bid(0) if env.phase == BID else speech("hm"))
        move = moves[phase_move]
        if phase_move == "self":
            move = target(int(env.agent_selection.rsplit("_", 1)[1]))
    else:
        move = moves[phase_move]

    def state() -> tuple[Any, ...]:
        return env.agent_selection, env.phase, list(env.queue), dict(env.sealed), len(env._logs[0])

    before = state()
    with pytest.raises(ValueError, match=problem):
        env.step(move)
    assert state() == before


def test_the_doctor_saves_and_the_repeat_rule_holds() -> None:
    env = make_game(GAME, roles=FIXED, wolf_chat=False, doctor_repeat=False, doctor_self=False)
    env.reset(seed=0)
    assert env.legal_targets(3) == [0, 1, 2, 4, 5, 6, 7]  # not itself
    for chosen in (5, 5, 0, 5):
        env.step(target(chosen))
    assert all(env.alive)  # saved
    assert env.observe("player_0")["log"][-1].kind == E_NO_DEATH
    while env.phase != NIGHT:
        seat = int(env.agent_selection.rsplit("_", 1)[1])
        env.step(speech("calm") if env.phase == SPEECH else target(env.legal_targets(seat)[-1]))
    if env.alive[3]:
        assert 5 not in env.legal_targets(3)  # not the same player two nights in a row


def test_bidding_gives_the_floor_to_the_highest_bid_then_to_the_named() -> None:
    env = make_game(GAME, roles=FIXED, speaking="bidding", wolf_chat=False)
    env.reset(seed=2)
    for chosen in (4, 4, 0, 5):
        env.step(target(chosen))
    assert env.phase == BID and len(env.simultaneous()) == 7
    for agent in env.simultaneous():
        env.step(floor_bid(3 if agent == "player_6" else 1))
    assert env.phase == SPEECH and env.agent_selection == "player_6"
    env.step(speech("Mason and Scott, explain yourselves."))  # no Mason at 8 seats: Scott
    assert env.phase == BID and "player_6" not in env.simultaneous()
    for agent in env.simultaneous():
        env.step(floor_bid(2 if agent in ("player_1", "player_5") else 0))
    assert env.agent_selection == "player_1"  # tied with David, but named


def test_runoff_between_the_tied() -> None:
    env = make_game(GAME, roles=FIXED, tie="runoff", wolf_chat=False, discussion_rounds=0)
    env.reset(seed=0)
    for chosen in (4, 4, 0, 4):  # saved
        env.step(target(chosen))
    votes = {0: 5, 1: 5, 2: 0, 3: 0, 4: 7, 5: 6, 6: 7, 7: 6}  # 5, 0, 7, 6 two votes each
    for voter in range(8):
        env.step(target(votes[voter]))
    assert env.phase == RUNOFF and env.candidates == [0, 5, 6, 7]
    assert env.legal_targets(0) == [5, 6, 7] and env.legal_targets(2) == [0, 5, 6, 7]
    for voter in range(8):
        env.step(target(0 if voter != 0 else 5))
    assert not env.alive[0]
    assert [v[3] for v in env.day_votes].count(1) == 8


def test_reset_options_fix_the_roles_and_are_checked() -> None:
    env = make_game(GAME)
    shuffled = FIXED[::-1]
    env.reset(seed=9, options={"roles": shuffled})
    assert [r for r in env.outcome()["roles"]] == shuffled
    with pytest.raises(ConfigError, match="roles"):
        env.reset(seed=9, options={"roles": ["werewolf"] * 8})
    env.reset(seed=9, options={"colour": 1})  # other options are ignored, as Gymnasium's
    assert sorted(env.outcome()["roles"]) == sorted(FIXED)


def test_roles_are_dealt_from_the_seed() -> None:
    env = make_game(GAME)
    deals = set()
    for seed in range(30):
        env.reset(seed=seed)
        deals.add(env.roles)
        assert Counter(env.roles) == Counter({0: 4, 1: 2, 2: 1, 3: 1})
        env.reset(seed=seed)
        assert env.roles in deals
    assert len(deals) > 20
    assert make_game(GAME, players=12).role_deal().count("werewolf") == 3


def test_mentions_match_whole_names_only() -> None:
    names = ("Dan", "Daniel", "Sam")
    assert mentions("daniel thinks SAM is odd", names) == [1, 2]
    assert mentions("Dan, Dan!", names) == [0]
    assert mentions("Samuel", names) == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"players": 4}, "players"),
        ({"roles": ["villager"] * 8}, "roles: the game needs at least one werewolf"),
        ({"werewolves": 0}, "werewolves: the game needs at least one werewolf"),
        ({"roles": ["werewolf"] * 4 + ["villager"] * 4}, "at least as many as"),
        ({"players": 5, "werewolves": 3}, "at least as many as"),
        ({"roles": ["wolf"] + ["villager"] * 7}, r"roles\[0\]: unknown role 'wolf'"),
        ({"roles": ["werewolf"] * 2}, "2 roles for 8 players"),
        ({"discussion_rounds": 0, "day_vote": False}, "no discussion and no vote"),
        ({"names": ["Ann"] * 8}, r"names\[1\]: 'Ann' is also"),
        ({"names": ["<b>", *"ABCDEFG"]}, r"names\[0\]"),
        ({"speaking": "shouting"}, "speaking"),
        ({"roles": FIXED, "werewolves": 2}, "not both"),
    ],
)
def test_bad_parameters_are_one_line_errors_naming_the_key(
    params: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as error:
        make_game(GAME, **params)
    assert "\n" not in str(error.value)

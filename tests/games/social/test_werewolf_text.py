"""Werewolf's text protocol: what a player is told, and how replies become moves."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from arena import make_game
from arena.errors import MoveError
from arena.games.social.werewolf import (
    BID,
    NIGHT,
    SPEECH,
    VOTE,
    WOLF_CHAT,
    WerewolfGame,
    floor_bid,
    speech,
    target,
)

GAME = "social/werewolf-v0"
FIXED = ["werewolf", "werewolf", "seer", "doctor", "villager", "villager", "villager", "villager"]


def at(phase: int, **params: Any) -> tuple[WerewolfGame, Any]:
    """A game of the fixed deal played until ``phase``, and its text protocols."""
    env = make_game(GAME, roles=FIXED, **params)
    env.reset(seed=0)
    protocols = [env.text_protocol(a, seed=1) for a in env.possible_agents]
    while env.phase != phase:
        seat = int(env.agent_selection.rsplit("_", 1)[1])
        if env.phase in (SPEECH, WOLF_CHAT):
            env.step(speech("Tyler seems quiet."))
        elif env.phase == BID:
            env.step(floor_bid(1))
        else:
            env.step(target(env.legal_targets(seat)[-1]))
    return env, protocols


def observed(env: WerewolfGame) -> tuple[int, dict[str, Any]]:
    seat = int(env.agent_selection.rsplit("_", 1)[1])
    return seat, env.observe(env.agent_selection)


@pytest.mark.parametrize(
    "reply",
    [
        "VOTE: Ginger",
        "vote: ginger",
        "I weighed it.\n**VOTE: Ginger**",
        "Vote - Ginger.",
        "VOTE: 'Ginger'",
    ],
)
def test_votes_read_from_the_last_line(reply: str) -> None:
    env, protocols = at(VOTE)
    seat, observation = observed(env)
    assert protocols[seat].parse(reply, observation) == target(7)


def test_unknown_and_illegal_names_are_told_apart() -> None:
    env, protocols = at(VOTE)
    seat, observation = observed(env)
    with pytest.raises(MoveError, match="no player's name") as unknown:
        protocols[seat].parse("VOTE: Nobody", observation)
    assert unknown.value.fault == "unparseable"
    own = env.names[seat]
    with pytest.raises(MoveError, match="may not be named now") as illegal:
        protocols[seat].parse(f"VOTE: {own}", observation)
    assert illegal.value.fault == "illegal"
    assert "one of" in illegal.value.reason
    with pytest.raises(MoveError, match="not a move"):
        protocols[seat].parse("TARGET: Ginger", observation)  # a night word by day


def test_night_targets_and_bids() -> None:
    env, protocols = at(NIGHT)
    seat, observation = observed(env)  # a wolf: never a fellow wolf
    assert protocols[seat].parse("TARGET: Jacob", observation) == target(2)
    with pytest.raises(MoveError) as wolf:
        protocols[seat].parse("TARGET: Scott", observation)
    assert wolf.value.fault == "illegal"
    env, protocols = at(BID, speaking="bidding")
    seat, observation = observed(env)
    assert protocols[seat].parse("I must answer.\nBID: 4", observation) == floor_bid(4)
    with pytest.raises(MoveError, match="a bid is 0 to 4"):
        protocols[seat].parse("BID: 7", observation)


def test_a_speech_is_the_whole_reply_cut_to_the_limit() -> None:
    env, protocols = at(SPEECH, max_speech=40)
    seat, observation = observed(env)
    move = protocols[seat].parse(
        "SAY: I trust Jacob.\nAnd I doubt Isaac, a lot, really.", observation
    )
    assert move["message"] == "I trust Jacob.\nAnd I doubt Isaac, a lot,"[:40]
    env.step(move)  # the game takes it
    with pytest.raises(MoveError) as empty:
        protocols[seat].parse("   ", observation)
    assert empty.value.fault == "empty"


def test_what_a_player_is_told_is_its_own_and_new() -> None:
    env, protocols = at(SPEECH)
    seat, observation = observed(env)
    protocol = protocols[seat]
    text = protocol.describe(observation)
    assert f"You are {env.names[seat]}" in text and "So far:" in text
    assert "Dawn of day 1" in text and "your turn to speak" in text
    again = protocol.describe(observation)
    assert "Dawn of day 1" not in again  # told once: the conversation keeps it
    seer = protocols[2].describe(env.observe("player_2"))
    assert "Your checks so far:" in seer and "Nothing is asked of you now." in seer
    wolf = protocols[0].describe(env.observe("player_0"))
    assert "Your fellow werewolves: Scott." in wolf and "werewolves' channel" in wolf


def test_the_rules_are_public_and_the_same_for_every_seat_but_the_name() -> None:
    env, protocols = at(NIGHT)
    rules = [p.rules() for p in protocols]
    assert len({r.replace(env.names[k], "NAME", 1) for k, r in enumerate(rules)}) == 1
    assert "2 werewolves, 1 seer, 1 doctor, 4 villagers" in rules[0]


@pytest.mark.parametrize("phase", [WOLF_CHAT, NIGHT, BID, SPEECH, VOTE])
def test_fallbacks_are_legal_and_schemas_accept_the_legal_replies(phase: int) -> None:
    env, protocols = at(phase, speaking="bidding")
    seat, observation = observed(env)
    protocol = protocols[seat]
    move = protocol.fallback(observation)
    schema = protocol.schema(observation)
    assert schema["required"] == ["move"]
    if phase not in (SPEECH, WOLF_CHAT):
        pattern = re.compile(schema["properties"]["move"]["pattern"])
        for legal in protocol.legal_moves(observation):
            assert pattern.match(f"Some thought.\n{legal}")
            assert protocol.parse(legal, observation)
        assert not pattern.match("VOTE: Nobody")
    json.dumps(schema)
    env.step(move)  # the game accepts the declared fallback

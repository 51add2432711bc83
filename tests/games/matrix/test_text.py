"""The repeated-matrix text protocol: what a language model reads and how its reply is read."""

from __future__ import annotations

import pytest

from arena.errors import ConfigError, MoveError
from arena.registry import make_game


@pytest.fixture
def bos() -> tuple:
    env = make_game("matrix/battle-of-the-sexes-v0", rounds=10)
    observations, _ = env.reset(seed=0)
    return env, observations


def test_rules_state_both_players_payoffs_from_the_readers_side(bos: tuple) -> None:
    env, _ = bos
    rules = env.text_protocol("player_1").rules()
    assert "You will play 10 rounds in total" in rules
    # Seat 1 prefers the second option: coordinating on F pays it 10 and the other 7.
    assert (
        "If you choose Option F and the other player chooses Option F, then you win 10 points"
        in rules
    )
    assert (
        "If you choose Option J and the other player chooses Option J, then you win 7 points"
        in rules
    )


def test_history_is_told_round_by_round(bos: tuple) -> None:
    env, _ = bos
    env.step({"player_0": 0, "player_1": 1})
    observations, *_ = env.step({"player_0": 0, "player_1": 0})
    text = env.text_protocol("player_0").describe(observations["player_0"])
    assert "In round 1, you chose Option J and the other player chose Option F." in text
    assert (
        "In round 2, you chose Option J and the other player chose Option J. "
        "Thus, you won 10 points and the other player won 7 points." in text
    )
    assert "You have 10 points in total so far." in text
    assert "You are now in round 3 of 10." in text


def test_unknown_horizon_is_not_revealed() -> None:
    env = make_game("matrix/prisoners-dilemma-v0", rounds=50, continuation=0.9)
    observations, _ = env.reset(seed=0)
    protocol = env.text_protocol("player_0")
    assert "probability 0.9" in protocol.rules()
    assert "of 50" not in protocol.describe(observations["player_0"])


@pytest.mark.parametrize(
    ("reply", "action"),
    [
        ("Option J", 0),
        ("option f", 1),
        ("F", 1),
        ("**Option F**", 1),
        ("I choose Option: J.", 0),
        ("Option 'J'", 0),
        ("j", 0),
    ],
)
def test_parse_reads_one_option(bos: tuple, reply: str, action: int) -> None:
    env, _ = bos
    assert env.text_protocol("player_0").parse(reply) == action


@pytest.mark.parametrize(
    ("reply", "fault", "reason"),
    [
        ("", "empty", "the reply is empty"),
        ("   ", "empty", "the reply is empty"),
        ("Option J or Option F", "unparseable", "names several options"),
        ("Option K", "illegal", "there is no option k"),
        ("I would rather not", "unparseable", "names no option"),
    ],
)
def test_parse_explains_what_is_wrong(bos: tuple, reply: str, fault: str, reason: str) -> None:
    env, _ = bos
    with pytest.raises(MoveError) as error:
        env.text_protocol("player_0").parse(reply)
    assert error.value.fault == fault
    assert reason in error.value.reason
    assert "Option J, Option F" in error.value.reason  # the legal options, for the retry


def test_custom_labels_and_shuffled_order(bos: tuple) -> None:
    env, observations = bos
    protocol = env.text_protocol("player_0", labels=("X", "Y"), shuffle=True, seed=4)
    assert protocol.parse("Option Y") == 1
    questions = [protocol.describe(observations["player_0"]).splitlines()[-1]]
    for _ in range(11):
        observations, *_ = (
            env.step({"player_0": 0, "player_1": 0}) if env.agents else (observations,)
        )
        questions.append(protocol.describe(observations["player_0"]).splitlines()[-1])
    firsts = {q.split("choose, ")[1].split(" or ")[0] for q in questions}
    assert firsts == {"Option X", "Option Y"}  # the first-listed option varies by round
    again = env.text_protocol("player_0", labels=("X", "Y"), shuffle=True, seed=4)
    assert again.describe(observations["player_0"]) == protocol.describe(observations["player_0"])


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (("A",), "expected 2 labels"),
        (("A", "a"), "must differ ignoring case"),
        (("A", "B C"), "is not 1-16 letters or digits"),
    ],
)
def test_bad_labels(bos: tuple, labels: tuple, message: str) -> None:
    env, _ = bos
    with pytest.raises(ConfigError, match=message):
        env.text_protocol("player_0", labels=labels)


def test_fallback_repeats_own_last_move(bos: tuple) -> None:
    env, observations = bos
    protocol = env.text_protocol("player_1")
    assert protocol.fallback(observations["player_1"]) == 0
    observations, *_ = env.step({"player_0": 0, "player_1": 1})
    assert protocol.fallback(observations["player_1"]) == 1


def test_rock_paper_scissors_has_three_letter_options() -> None:
    env = make_game("matrix/rock-paper-scissors-v0")
    protocol = env.text_protocol("player_0")
    assert protocol.options == ("Option A", "Option B", "Option C")
    assert protocol.parse("Option C") == 2

"""The Dutch auction's text protocol: TAKE and WAIT and their natural variants parse, other
replies do not, and the prompt tells one's value, the clock and the past rounds."""

from __future__ import annotations

import re
from typing import Any

import pytest

from arena import make_game
from arena.errors import ConfigError, MoveError
from arena.games.auction.dutch import TAKE, WAIT

GAME = "auction/dutch-v0"
PARAMS = {
    "values": {"dist": "fixed", "list": [30.5, 60.25, 90.75]},
    "rounds": 3,
    "start": 100,
    "step": 10,
}


def setup(**options: Any) -> tuple[Any, Any, dict[str, Any]]:
    env = make_game(GAME, **PARAMS)
    observations, _ = env.reset(seed=0)
    return env, env.text_protocol("bidder_1", **options), observations["bidder_1"]


@pytest.mark.parametrize(
    "reply",
    [
        "TAKE",
        "take",
        "I take it!",
        "I'll take it",
        "I\u2019ll take it.",
        "Take it now!",
        "Stop",
        "Buy",
        "I take it at $70",
        "**TAKE**",
        "Sixty is a bargain for me.\nTAKE",
    ],
)
def test_takes_parse(reply: str) -> None:
    _, protocol, seen = setup()
    assert protocol.parse(reply, seen) == TAKE


@pytest.mark.parametrize(
    "reply", ["WAIT", "wait.", "I wait", "I'll wait!", "Pass", "Hold", "Not yet", "Too high.\nWAIT"]
)
def test_waits_parse(reply: str) -> None:
    _, protocol, seen = setup()
    assert protocol.parse(reply, seen) == WAIT


@pytest.mark.parametrize(
    ("reply", "fault"),
    [
        ("", "empty"),
        ("TAKE\nor maybe not", "unparseable"),
        ("I would take it if it were cheaper", "unparseable"),
        ("BID: 70", "unparseable"),
        ("yes", "unparseable"),
    ],
)
def test_non_moves_are_not_guessed(reply: str, fault: str) -> None:
    _, protocol, seen = setup()
    with pytest.raises(MoveError, match="TAKE or WAIT") as error:
        protocol.parse(reply, seen)
    assert error.value.fault == fault


def test_the_prompt_tells_the_value_the_clock_and_the_rounds_so_far() -> None:
    env, protocol, seen = setup()
    text = protocol.describe(seen)
    assert "Round 1 of 3: your value for this item is $60.25." in text
    assert "The clock is at $100 and nobody has taken the item yet." in text
    assert "If nobody takes it now, the clock drops to $90." in text
    assert text.endswith("Your decision, on a last line: TAKE (at $100) or WAIT")
    env.step({"bidder_0": WAIT, "bidder_1": WAIT, "bidder_2": TAKE})  # round 1: 100 to bidder_2
    observations, *_ = env.step({"bidder_0": WAIT, "bidder_1": WAIT, "bidder_2": WAIT})
    observations, *_ = env.step({"bidder_0": WAIT, "bidder_1": TAKE, "bidder_2": WAIT})  # at 90
    text = protocol.describe(observations["bidder_1"])
    assert "Round 1: your value $60.25; another bidder took it at $100." in text
    assert "Round 2: your value $60.25; you took it at $90 (profit -$29.75)." in text
    assert "Your profit so far: -$29.75." in text
    for _ in range(10):
        observations, *_ = env.step(dict.fromkeys(env.possible_agents, WAIT))
    assert "This is the last price" in protocol.describe(observations["bidder_1"])
    observations, *_ = env.step(dict.fromkeys(env.possible_agents, WAIT))
    text = protocol.describe(observations["bidder_1"])
    assert "Round 3: your value $60.25; nobody took the item: unsold." in text
    assert text.endswith("The auction is over.")


def test_rules_tell_the_clock_and_the_values() -> None:
    env = make_game(GAME, start=80, step=2.5, reserve=10)
    rules = env.text_protocol("bidder_0").rules()
    assert "10 Dutch auctions" in rules
    assert "drawn uniformly between $0 and $100" in rules
    assert "A clock starts at $80 and drops by $2.50 at every tick" in rules
    assert "down to the reserve price of $10" in rules
    assert "TAKE (buy at the price now) or WAIT" in rules


def test_schema_fallback_and_legal_moves() -> None:
    _, protocol, seen = setup()
    pattern = re.compile(protocol.schema(seen)["properties"]["move"]["pattern"])
    assert pattern.match("TAKE") and pattern.match("Cheap.\nWAIT") and not pattern.match("Take")
    assert protocol.fallback(seen) == WAIT
    assert protocol.legal_moves(seen) == ["TAKE", "WAIT"]


def test_beliefs_option() -> None:
    _, protocol, seen = setup(beliefs=True)
    assert "what you believe about the other bidders" in protocol.rules()
    assert "what you believe about the other bidders" in protocol.describe(seen)
    reply = "The others' values are probably below 70.\nThey will wait.\nWAIT"
    assert protocol.parse(reply, seen) == WAIT
    assert re.match(protocol.schema(seen)["properties"]["move"]["pattern"], reply)
    _, plain, _ = setup(seed=4)
    assert "believe" not in plain.rules()


def test_unknown_options_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="auction/dutch-v0 takes no shuffle option"):
        make_game(GAME).text_protocol("bidder_0", shuffle=True)

"""The buyer-seller text protocols: what each side reads, and how replies become moves."""

from __future__ import annotations

import pytest

from arena import make_game
from arena.errors import ConfigError, MoveError
from arena.games.bargaining.buyer_seller import ACCEPT, OFFER, TALK, WALK, move
from arena.games.bargaining.buyer_seller_text import protocol_for
from arena.judges.verdict import Verdict

GAME = "bargaining/buyer-seller-v0"


def protocol(role: str = "seller", style: str = "free", **params: object):  # type: ignore[no-untyped-def]
    env = make_game(GAME, **params)
    env.reset()
    return env, protocol_for(env.params, role, protocol=style)


def test_free_talk_rules_follow_fu_et_al() -> None:
    _, seller = protocol("seller")
    rules = seller.rules()
    assert "seller in a negotiation over one balloon" in rules
    assert "cost you $8; only you know this" in rules and "Open at $20." in rules
    assert "one short sentence" in rules and "You speak first." in rules
    _, buyer = protocol("buyer")
    assert "worth $20 to you" in buyer.rules() and "Open at $10." in buyer.rules()
    assert "The seller speaks first." in buyer.rules()


def test_free_talk_reply_is_the_message_and_the_moderator_settles_it() -> None:
    _, seller = protocol()
    assert seller.moderated
    action = seller.parse("  How about $18?  ")
    assert action["act"] == TALK and action["message"] == "How about $18?"
    settled = seller.settle(action, Verdict(True, 15.0, "rule"))
    assert settled["act"] == ACCEPT and float(settled["price"]) == 15.0
    assert seller.settle(action, Verdict(False)) is action
    with pytest.raises(MoveError, match="empty") as error:
        seller.parse("   ")
    assert error.value.fault == "empty"


def test_describe_shows_the_dialogue_and_turns_left() -> None:
    env, buyer = protocol("buyer", currency="€", item="lamp")
    env.step(move(OFFER, 30, "The lamp is €30."))
    text = buyer.describe(env.observe("buyer"))
    assert "Seller: The lamp is €30." in text
    assert "You have 10 turns left, this one." in text
    assert "worth €20 to you" in buyer.rules()


@pytest.mark.parametrize(
    ("reply", "act", "price", "message"),
    [
        ("I can go lower.\nOFFER: 15", OFFER, 15.0, "I can go lower."),
        ("OFFER: $14.50", OFFER, 14.5, ""),
        ("Fine.\n**ACCEPT**", ACCEPT, -1.0, "Fine."),
        ("Too much.\nwalk away.", WALK, -1.0, "Too much."),
    ],
)
def test_structured_replies(reply: str, act: int, price: float, message: str) -> None:
    env, seller = protocol("seller", "structured")
    env.step(move(OFFER, 20, "20"))  # the seller's turn passes; the buyer offers next
    env.step(move(OFFER, 11, "11"))
    action = seller.parse(reply, env.observe("seller"))
    assert (action["act"], float(action["price"]), action["message"]) == (act, price, message)


@pytest.mark.parametrize(
    ("reply", "fault", "says"),
    [
        ("I offer 15 dollars.", "unparseable", "is not a move"),
        ("", "empty", "empty"),
        ("Deal!\nACCEPT", "illegal", "no offer to accept"),
    ],
)
def test_structured_errors(reply: str, fault: str, says: str) -> None:
    env, seller = protocol("seller", "structured")
    with pytest.raises(MoveError, match=says) as error:
        seller.parse(reply, env.observe("seller"))
    assert error.value.fault == fault


def test_structured_legal_moves_schema_and_fallback() -> None:
    env, buyer = protocol("buyer", "structured")
    assert not buyer.moderated
    before = env.observe("buyer")
    assert buyer.legal_moves(before) == ["OFFER: <price>", "WALK AWAY"]
    env.step(move(OFFER, 19, "19"))
    after = env.observe("buyer")
    assert buyer.legal_moves(after) == ["OFFER: <price>", "ACCEPT", "WALK AWAY"]
    assert "standing offer is $19" in buyer.describe(after)
    assert buyer.schema(after)["properties"]["move"]["pattern"].endswith("WALK AWAY)$")
    fallback = buyer.fallback(after)
    assert fallback["act"] == OFFER and float(fallback["price"]) == 10.0  # its opening


def test_unknown_protocol_options_are_configuration_errors() -> None:
    env = make_game(GAME)
    with pytest.raises(ConfigError, match="takes no labels option"):
        protocol_for(env.params, "seller", labels=("J", "F"))
    with pytest.raises(ConfigError, match="'free' or 'structured'"):
        protocol_for(env.params, "seller", protocol="tagged")
    matrix = make_game("matrix/prisoners-dilemma-v0")
    with pytest.raises(ConfigError, match="take no protocol option"):
        matrix.text_protocol("player_0", protocol="structured")

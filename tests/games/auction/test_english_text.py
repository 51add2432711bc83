"""The English auction's text protocol: AucArena's replies parse, non-moves and illegal bids are
told apart, the prompt tells one's own numbers, the hammers and the limits."""

from __future__ import annotations

import re
from typing import Any

import pytest

from arena import make_agent, make_game, play_match
from arena.errors import ConfigError, MoveError
from arena.games.auction.english import BID, OUT, bid, out
from arena.games.auction.english_text import money
from arena.testing.llm_server import ChatRequest, LLMServer

GAME = "auction/english-v0"


def opening(**options: Any) -> tuple[Any, Any, dict[str, Any]]:
    """The default auction, bidder_0 to open Widget A; its protocol and observation."""
    env = make_game(GAME)
    env.reset(seed=0)
    return env, env.text_protocol("bidder_0", **options), env.observe("bidder_0")


@pytest.mark.parametrize(
    ("reply", "amount"),
    [
        ("I bid $1,200!", 1200.0),
        ("I bid 1200", 1200.0),
        ("I bid $1200.", 1200.0),
        ("i will bid $1,250.50", 1250.5),
        ("BID: 1200", 1200.0),
        ("bid: $1,300", 1300.0),
        ("Widget A is worth $2,200 to me, so I raise.\nBID: 1000", 1000.0),
        ("**BID: 1500**", 1500.0),
        ('"I bid $1,200!"', 1200.0),
        ("Thinking it over.\n\nI bid $10,000!", 10000.0),
    ],
)
def test_bids_parse(reply: str, amount: float) -> None:
    _, protocol, seen = opening()
    move = protocol.parse(reply, seen)
    assert move["act"] == BID and move["amount"][0] == amount


@pytest.mark.parametrize(
    "reply",
    ["I'm out!", "I\u2019m out!", "I withdraw", "I withdraw.", "OUT", "out", "I am out.", "Pass"],
)
def test_going_out_parses(reply: str) -> None:
    _, protocol, seen = opening()
    assert protocol.parse(f"Too rich for me.\n{reply}", seen)["act"] == OUT


@pytest.mark.parametrize(
    ("reply", "fault"),
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("I bid $1,200!\nGood luck, everyone.", "unparseable"),  # the move is the last line
        ("I might bid 1200 later", "unparseable"),
        ("BID: lots", "unparseable"),
        ("BID: -5", "unparseable"),
        ("I'm out of ideas", "unparseable"),
    ],
)
def test_non_moves_are_not_guessed(reply: str, fault: str) -> None:
    _, protocol, seen = opening()
    with pytest.raises(MoveError) as error:
        protocol.parse(reply, seen)
    assert error.value.fault == fault


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        ("BID: 999", r"a bid of \$999 is below the minimum bid, \$1,000"),
        ("I bid $10,000.01!", r"a bid of \$10,000.01 is more than your money left, \$10,000"),
        ("BID: 0", r"below the minimum bid, \$1,000"),
    ],
)
def test_illegal_bids_name_the_limit(reply: str, message: str) -> None:
    _, protocol, seen = opening()
    with pytest.raises(MoveError, match=message) as error:
        protocol.parse(reply, seen)
    assert error.value.fault == "illegal"
    assert "BID: <amount from 1000 to 10000> or OUT" in error.value.reason


def test_the_prompt_tells_the_bidding_and_the_hammers() -> None:
    env, protocol, seen = opening()
    text = protocol.describe(seen)
    assert (
        "On the block, item 1 of 5: Widget A, starting price $1,000, your estimate $2,200." in text
    )
    assert "Nobody has bid on it yet." in text
    assert "You may bid from $1,000 (the minimum bid) to $10,000 (your money left)" in text
    assert text.endswith("Your decision, on a last line: BID: <amount from 1000 to 10000> or OUT")
    env.step(bid(1000))
    env.step(bid(1500))
    env.step(out())  # bidder_2
    env.step(bid(1600))  # bidder_0
    env.step(out())  # bidder_1: Widget A to bidder_0 at 1,600
    text = env.text_protocol("bidder_1").describe(env.observe("bidder_1"))
    assert "Hammer: Widget A sold to bidder_0 at $1,600 (true value $2,000)." in text
    assert "On the block, item 2 of 5: Gadget B" in text
    mine = protocol.describe(env.observe("bidder_0"))
    assert "Hammer: Widget A sold to you at $1,600 (true value $2,000)." in mine
    assert "You have won 1 item (Widget A) and paid $1,600; your profit so far is $400" in mine
    assert "your money left is $8,400" in mine
    env.step(bid(1000))  # bidder_1 opens Gadget B
    text = env.text_protocol("bidder_2").describe(env.observe("bidder_2"))
    assert "The standing high bid is $1,000 by bidder_1." in text
    assert "Still in: bidder_0, bidder_1, you. You have bid 0 times on this item." in text


def test_a_bidder_who_cannot_afford_the_minimum_is_told_to_go_out() -> None:
    items = [{"name": "Yacht", "start": 500, "value": 900}]
    env = make_game(GAME, bidders=2, budget=[600, 300], items=items)
    env.reset()
    env.step(bid(550))
    protocol = env.text_protocol("bidder_1")
    seen = env.observe("bidder_1")
    assert "The minimum bid is $600, more than your money left: you can only go out." in (
        protocol.describe(seen)
    )
    assert protocol.legal_moves(seen) == ["OUT"]
    assert protocol.schema(seen)["properties"]["move"]["pattern"].endswith("OUT$")
    with pytest.raises(MoveError, match="more than your money left, \\$300"):
        protocol.parse("I bid $600!", seen)
    assert protocol.fallback(seen)["act"] == OUT


def test_rules_tell_ones_own_budget_estimates_and_objective() -> None:
    env = make_game(
        GAME,
        bidders=2,
        budget=[7777, 8888],
        overestimate=[0.1, 0.25],
        objective=["maximize_profit", "maximize_items"],
    )
    first, second = env.text_protocol("bidder_0").rules(), env.text_protocol("bidder_1").rules()
    assert "Your budget for the whole auction is $7,777" in first and "$8,888" not in first
    assert "Widget A $2,200" in first and "Equipment E $11,000" in first
    assert "Widget A $2,500" in second and "Equipment E $12,500" in second
    assert "the highest profit" in first and "as many items as possible" in second
    assert '"I bid $1,200!" or "I\'m out!"' in first


def test_the_schema_accepts_exactly_the_tagged_moves() -> None:
    _, protocol, seen = opening()
    pattern = re.compile(protocol.schema(seen)["properties"]["move"]["pattern"])
    for good in ("BID: 1200", "OUT", "I like it.\nBID: 1200.50"):
        assert pattern.match(good)
        protocol.parse(good, seen)
    for bad in ("bid 1200", "BID: 1,200", "I pass"):
        assert not pattern.match(bad)


def test_beliefs_are_asked_for_and_the_move_still_read_from_the_last_line() -> None:
    _, plain, seen = opening()
    for options in ({"beliefs": True}, {"protocol": "beliefs"}):
        _, protocol, _ = opening(**options)
        assert "summary of what you believe about the other bidders" in protocol.rules()
        assert "summary of what you believe" in protocol.describe(seen)
        reply = (
            "Beliefs: bidder_1 has about $10,000 left and wants Equipment E.\n"
            "bidder_2 bids cautiously.\n"
            "I bid $1,100!"
        )
        assert protocol.parse(reply, seen)["amount"][0] == 1100
        pattern = re.compile(protocol.schema(seen)["properties"]["move"]["pattern"])
        assert pattern.match(reply.replace("I bid $1,100!", "BID: 1100"))
    assert "believe" not in plain.rules() and "believe" not in plain.describe(seen)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"labels": ("A", "B")}, r"auction/english-v0 takes no labels option"),
        ({"beliefs": "yes"}, r"beliefs: expected true or false"),
        ({"protocol": "structured"}, r"protocol: expected 'plain' or 'beliefs'"),
    ],
)
def test_unknown_options_are_config_errors(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        make_game(GAME).text_protocol("bidder_0", **options)
    make_game(GAME).text_protocol("bidder_0", seed=3, protocol="plain")  # these are fine


def test_fallback_is_out_and_legal_moves_list_the_limits() -> None:
    _, protocol, seen = opening()
    move = protocol.fallback(seen)
    assert move["act"] == out()["act"] == OUT and move["amount"].shape == (1,)
    assert protocol.legal_moves(seen) == ["BID: <amount from 1000 to 10000>", "OUT"]
    assert protocol.legal_moves(None) == ["BID: <amount>", "OUT"]


@pytest.mark.parametrize(
    ("amount", "text"),
    [(1200, "$1,200"), (1234.5, "$1,234.50"), (0, "$0"), (-50, "-$50"), (7777.7749, "$7,777.77")],
)
def test_money_reads_as_prices_do(amount: float, text: str) -> None:
    assert money(amount) == text


_FROM = re.compile(r"(?:You may bid from|amount from) \$?([\d,]+(?:\.\d+)?)")


def aucarena_bidder(request: ChatRequest) -> str:
    """A model that talks like AucArena's bidders: raises by the minimum up to $1,500, but
    opens every item with a bid below the starting price (and is told so)."""
    text = request.last_user_text
    found = _FROM.search(text)
    if found is None:
        return "Too rich for me. I'm out!"
    low = float(found.group(1).replace(",", ""))
    if low > 1500:
        return "I'm out!"
    if "Nobody has bid on it yet" in text:
        return f"Let me try to get it cheap.\nI bid ${low - 100:,.0f}!"
    return f"I bid ${low:,.0f}!"


@pytest.mark.parametrize("protocol", [None, "beliefs"])
def test_a_model_that_talks_like_aucarena_plays_a_whole_auction(protocol: str | None) -> None:
    spec = {"provider": "openai-compatible", "model": "m", "max_retries": 0, "timeout": 5.0}
    if protocol:
        spec["protocol"] = protocol
    with LLMServer(aucarena_bidder) as server:
        agents = [
            make_agent("llm", f"llm-{k}", base_url=server.openai_base_url, **spec) for k in (0, 1)
        ]
        record = play_match(GAME, agents, seed=1, bidders=2)
        systems = {request.system for request in server.requests}
    # the opener's first bid is refused (below $1,000) and made again; the other seat raises
    # last, at $1,500, and wins: items 1 and 3 go to bidder_1, 2 and 4 to bidder_0
    winners = [item["winner"] for item in record.outcome["items"]]
    assert winners == [1, 0, 1, 0, None]
    assert [item["price"] for item in record.outcome["items"][:4]] == [1500.0] * 4
    assert record.payoffs == (1000.0, 1000.0)
    assert sum(turn.fault == "illegal" for turn in record.turns) == 4
    assert record.metrics["money_left"] == [7000.0, 7000.0]
    believes = all("what you believe about the other bidders" in s for s in systems)
    assert believes == (protocol == "beliefs")

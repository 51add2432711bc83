"""Bargaining tournaments with language models on the loopback server: free talk settled by the
moderator (verdicts stored per turn), tagged offers, and the [moderator] table's errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from arena.config import load_config
from arena.store import Store
from arena.testing.llm_server import ChatRequest, LLMServer
from arena.tournament import run_tournament
from tests.conftest import run_cli

_OFFERED = re.compile(r"Buyer: I can pay \$([0-9.]+)")


def seller_policy(request: ChatRequest) -> str:
    """A seller that holds at $17 and accepts the buyer's price once it reaches $13."""
    offers = [float(x.rstrip(".")) for x in _OFFERED.findall(request.last_user_text)]
    structured = "OFFER: <price>, ACCEPT or WALK AWAY" in request.last_user_text
    if offers and offers[-1] >= 13:
        return "Alright.\nACCEPT" if structured else "Deal, you got it."
    return "I can't go below that.\nOFFER: 17" if structured else "I can do $17, no less."


def tournament(server: LLMServer, name: str, extra: str = "", moderator: str = "") -> str:
    return f"""
[tournament]
name = "{name}"
seed = 5

[game]
id = "bargaining/buyer-seller-v0"

[schedule]
swap_seats = false

{moderator}

[[agents]]
name = "seller-llm"
provider = "openai-compatible"
model = "seller-model"
base_url = "{server.openai_base_url}"
{extra}

[[agents]]
name = "linear"
"""


@pytest.mark.parametrize("moderator", ["", '[moderator]\nname = "rule"'])
def test_free_talk_deals_are_the_moderators_verdicts(tmp_path: Path, moderator: str) -> None:
    with LLMServer(seller_policy) as server:
        path = tmp_path / "t.toml"
        path.write_text(tournament(server, "free", moderator=moderator))
        config = load_config(path, db=tmp_path / "a.db")
        run_tournament(config, tmp_path / "a.db")
    with Store(tmp_path / "a.db", readonly=True) as store:
        match = store.match("free", 0)
    assert match.outcome["deal"] and match.outcome["closed_by"] == "seller"
    price = match.outcome["price"]
    assert 13.0 <= price < 17.0 and match.payoffs == (price - 8.0, 20.0 - price)
    seller_turns = [turn for turn in match.turns if turn.seat == 0]
    assert all(turn.verdict is not None for turn in seller_turns)
    assert all(turn.verdict is None for turn in match.turns if turn.seat == 1)
    *talk, closing = seller_turns
    assert not any(turn.verdict["deal"] for turn in talk)
    assert closing.verdict == {
        "deal": True,
        "price": price,
        "moderator": "rule",
        "reason": "explicit acceptance of the standing price",
        "offer": None,
    }
    assert talk[0].verdict["offer"] == 17.0 and talk[0].action["act"] == 1  # an offer, standing
    assert closing.action["message"] == "Deal, you got it." and closing.text == "Deal, you got it."
    assert ("moderator" in config.results_key()) == bool(moderator)


def test_tagged_offers_need_no_moderator(tmp_path: Path) -> None:
    with LLMServer(seller_policy) as server:
        path = tmp_path / "t.toml"
        path.write_text(tournament(server, "tagged", extra='protocol = "structured"'))
        run_tournament(load_config(path, db=tmp_path / "a.db"), tmp_path / "a.db")
    with Store(tmp_path / "a.db", readonly=True) as store:
        match = store.match("tagged", 0)
    assert match.outcome["deal"] and 13.0 <= match.outcome["price"] < 17.0
    assert all(turn.verdict is None for turn in match.turns)
    first = next(turn for turn in match.turns if turn.seat == 0)
    assert first.action["act"] == 1 and first.action["price"] == 17.0
    assert first.action["message"] == "I can't go below that."


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[moderator]\nname = "judge-judy"', r"\[moderator\] name: unknown judge 'judge-judy'"),
        ('[moderator]\nname = "rule"\ntemperature = 0.0', r"takes no temperature key"),
    ],
)
def test_bad_moderator_tables_are_one_line_errors(tmp_path: Path, table: str, message: str) -> None:
    path = tmp_path / "t.toml"
    with LLMServer(seller_policy) as server:
        path.write_text(tournament(server, "bad", moderator=table))
        result = run_cli("run", str(path), "--db", str(tmp_path / "a.db"))
    assert result.returncode == 2
    assert re.search(message, result.stderr) and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "a.db").exists()


def test_an_agent_that_cannot_bargain_is_refused_at_load(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text(
        '[tournament]\nname = "x"\n[game]\nid = "bargaining/buyer-seller-v0"\n'
        '[[agents]]\nname = "tit-for-tat"\n[[agents]]\nname = "linear"\n'
    )
    result = run_cli("run", str(path), "--db", str(tmp_path / "a.db"))
    assert result.returncode == 2
    assert "tit-for-tat cannot play bargaining/buyer-seller-v0 (it plays matrix games)" in (
        result.stderr
    )


def test_a_scripted_side_answers_the_prices_a_model_names_in_free_talk(tmp_path: Path) -> None:
    # The moderator reads "$9" as the seller's offer, so the linear buyer (value $20) sees it
    # standing and accepts it at once.
    with LLMServer(lambda request: "For you, $9, a bargain.") as server:
        path = tmp_path / "t.toml"
        path.write_text(tournament(server, "cheap"))
        run_tournament(load_config(path, db=tmp_path / "a.db"), tmp_path / "a.db")
    with Store(tmp_path / "a.db", readonly=True) as store:
        match = store.match("cheap", 0)
    assert match.outcome["deal"] and match.outcome["price"] == 9.0
    assert match.outcome["closed_by"] == "buyer" and match.outcome["turns_used"] == 2

"""Every example tournament file loads and plays; language models answer from a loopback
server that stands in for their providers (the files themselves are left as users run them)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from arena.config import parse_config
from arena.store import Store
from arena.testing.llm_server import ChatRequest, LLMServer
from arena.tournament import run_tournament

EXAMPLES = sorted((Path(__file__).parents[1] / "examples").glob("*.toml"))


def werewolf(question: str) -> str:
    """A legal Werewolf move: the first legal name, a low bid, or a short speech."""
    named = re.search(r"(TARGET|VOTE): <name> \(one of ([^,)]+)", question)
    if named:
        return f"I have thought about it.\n{named.group(1)}: {named.group(2)}"
    if "BID: <0-4>" in question:
        return "BID: 1"
    return "I am listening closely and will vote with the evidence."


def copier(request: ChatRequest) -> str:
    """Opens with J, then copies the other player, answering in the predict-first form too;
    in English auctions it bids the minimum up to $1,500 (AucArena's "I bid $1,000!"), then
    goes out; in negotiations the seller holds at $15 and the buyer accepts it, the moderator
    says deal when the buyer agrees, and the critic gives three suggestions; in Werewolf it
    names the first legal player, bids 1 for the floor and says little."""
    if request.system.startswith("You moderate"):
        last = request.last_user_text.rsplit("<<< ", 1)[-1]
        deal = last.startswith("buyer") and "Deal" in last
        return "DEAL: yes\nPRICE: 15" if deal else "DEAL: no\nPRICE: none"
    if request.system.startswith("You coach"):
        return "1. Open higher.\n2. Concede in small steps.\n3. Explain your price."
    if "in a game of Werewolf" in request.system:
        return werewolf(request.last_user_text)
    if "in an English auction" in request.system:  # AucArena's phrasing, up to $1,500
        found = re.search(r"You may bid from \$([\d,]+)", request.last_user_text)
        low = int(found.group(1).replace(",", "")) if found else None
        beliefs = "I believe the others keep their money for the last item.\n"
        return beliefs + (f"I bid ${low:,}!" if low is not None and low <= 1500 else "I'm out!")
    if "You are the seller in a negotiation" in request.system:
        return "I can let it go for $15."
    if "You are the buyer in a negotiation" in request.system:
        return "Deal at $15." if "$15" in request.last_user_text else "I can pay $10."
    last = request.last_user_text.rsplit("In round", 1)[-1]
    option = "Option F" if "the other player chose Option F" in last else "Option J"
    return f"Prediction: {option}\nAnswer: {option}"


def on_loopback(data: dict[str, Any], server: LLMServer) -> dict[str, Any]:
    """The same tournament with every language model (judges too) pointed at ``server``, and a
    feedback schedule shrunk to two chains."""
    if data.get("schedule", {}).get("format") == "feedback":
        data["schedule"]["experiments"] = 2
    judges = [data[key] for key in ("moderator", "critic") if "provider" in data.get(key, {})]
    for agent in [*data["agents"], *judges]:
        if "provider" in agent and agent["provider"] != "local":  # a local model runs for real
            anthropic = agent["provider"] == "anthropic"
            agent["base_url"] = server.anthropic_base_url if anthropic else server.openai_base_url
            agent["api_key_env"] = "ARENA_EXAMPLE_KEY"
    return data


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARENA_EXAMPLE_KEY", "sk-example")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    with LLMServer(policy=copier) as server:
        config = parse_config(on_loopback(data, server), source=str(path))
        report = run_tournament(config, tmp_path / "example.db", workers=2)
    assert report.played == report.total > 0
    with Store(tmp_path / "example.db") as store:
        assert len(store.results(config.name)) == report.total
        usage = store.usage(config.name)
        feedback = store.feedback(config.name)
        outcomes = store.outcomes(config.name)
    if config.feedback is not None:  # every round coached and stored with its feedback
        assert len(feedback) == report.total and all(f["text"] for f in feedback)
    if config.moderator and config.moderator["name"] == "llm":  # the scripted replies' deal
        assert all(o["outcome"]["deal"] and o["outcome"]["price"] == 15.0 for o in outcomes)
    llm_agents = [a.display_name for a in config.agents if a.is_llm]
    assert sorted(usage) == sorted(llm_agents)
    assert all(not u.faults for u in usage.values())  # every reply was a legal move
    local = [a.display_name for a in config.agents if a.params.get("provider") == "local"]
    assert all(usage[name].cost == 0.0 and usage[name].tokens_out > 0 for name in local)

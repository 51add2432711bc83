"""Every example tournament file loads and plays; language models answer from a loopback
server that stands in for their providers (the files themselves are left as users run them)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from arena.config import parse_config
from arena.store import Store
from arena.testing.llm_server import ChatRequest, LLMServer
from arena.tournament import run_tournament

EXAMPLES = sorted((Path(__file__).parents[1] / "examples").glob("*.toml"))


def copier(request: ChatRequest) -> str:
    """Opens with J, then copies the other player, answering in the predict-first form too."""
    last = request.last_user_text.rsplit("In round", 1)[-1]
    option = "Option F" if "the other player chose Option F" in last else "Option J"
    return f"Prediction: {option}\nAnswer: {option}"


def on_loopback(data: dict[str, Any], server: LLMServer) -> dict[str, Any]:
    """The same tournament with every language model pointed at ``server``."""
    for agent in data["agents"]:
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
    llm_agents = [a.display_name for a in config.agents if a.is_llm]
    assert sorted(usage) == sorted(llm_agents)
    assert all(not u.faults for u in usage.values())  # every reply was a legal move
    local = [a.display_name for a in config.agents if a.params.get("provider") == "local"]
    assert all(usage[name].cost == 0.0 and usage[name].tokens_out > 0 for name in local)

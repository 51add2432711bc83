"""Werewolf with language models, through the real openai SDK against the loopback server: the
prompts keep every secret with its owner, sealed moves are asked for at once, and unusable
replies go through the retry and forfeit machinery."""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from arena.config import parse_config
from arena.store import Store
from arena.testing.llm_server import ChatRequest, LLMServer
from arena.tournament import run_tournament

TOKEN = "WOLFTOKEN"
_ROLE = re.compile(r"You are (\w+), (a werewolf|the seer|the doctor|a villager)\.")
_NAMED = re.compile(r"(TARGET|VOTE): <name> \(one of ([^)]*)\)")


def kind_of(question: str) -> str:
    if "Speak to your fellow werewolves" in question:
        return "wolf_chat"
    if "TARGET: <name>" in question:
        return "night"
    if "BID: <0-4>" in question:
        return "bid"
    if "VOTE: <name>" in question:
        return "vote"
    if "your turn to speak" in question:
        return "speech"
    return "other"


class Table:
    """The policy of eight scripted players, and what the server saw of each call."""

    def __init__(self, server_stats: Any = None, bad_first: bool = False) -> None:
        self.lock = threading.Lock()
        self.calls: list[dict[str, Any]] = []
        self.server: LLMServer | None = None
        self.bad_first = bad_first

    def __call__(self, request: ChatRequest) -> str:
        question = request.last_user_text
        first_user = next(m["content"] for m in request.messages if m["role"] == "user")
        found = _ROLE.search(first_user)
        assert found, first_user[:200]
        assert self.server is not None
        kind = kind_of(question)
        with self.lock:
            self.calls.append(
                {
                    "name": found.group(1),
                    "role": found.group(2),
                    "kind": kind,
                    "text": request.system + "\n".join(m["content"] for m in request.messages),
                    "in_flight": self.server.stats.in_flight,
                    "retry": question.startswith("That reply cannot be used"),
                }
            )
        if kind == "wolf_chat":
            return f"{TOKEN}: let us take {found.group(1)}'s neighbour."
        named = _NAMED.search(question)
        if named:
            legal = [name.strip() for name in named.group(2).split(",")]
            if self.bad_first and kind == "vote":
                return f"VOTE: {found.group(1)}"  # oneself: illegal, every time
            return f"Thinking it over.\n{named.group(1)}: {legal[-1]}"
        if kind == "bid":
            return "BID: 2" if found.group(1) in ("Derek", "Isaac") else "BID: 0"
        if question.startswith("That reply cannot be used"):
            return "VOTE: nobody"
        return f"I am {found.group(1)} and I am a simple villager."


def tournament(server: LLMServer, players: int = 8, **game: Any) -> dict[str, Any]:
    agents = [
        {
            "name": f"model-{k}",
            "provider": "openai",
            "model": f"model-{k}",
            "base_url": server.openai_base_url,
            "api_key_env": "ARENA_TEST_KEY",
            "move_retries": 1,
        }
        for k in range(players)
    ]
    return {
        "tournament": {"name": "ww-llm", "seed": 4},
        "game": {"id": "social/werewolf-v0", "players": players, **game},
        "schedule": {"format": "random-groups", "matches": 1},
        "agents": agents,
    }


def play(tmp_path: Path, table: Table, **game: Any) -> list[dict[str, Any]]:
    with LLMServer(policy=table, latency=0.05) as server:
        table.server = server
        config = parse_config(tournament(server, **game), source="ww.toml")
        report = run_tournament(config, tmp_path / "ww.db", workers=1)
    assert report.played == 1
    with Store(tmp_path / "ww.db") as store:
        return store.outcomes("ww-llm")


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARENA_TEST_KEY", "sk-test")


def test_prompts_hold_only_what_their_player_may_know(tmp_path: Path) -> None:
    table = Table()
    rows = play(tmp_path, table, speaking="bidding", tie="runoff")
    outcome = rows[0]["outcome"]
    roles = dict(zip(outcome["names"], outcome["roles"]))
    assert {call["kind"] for call in table.calls} >= {"wolf_chat", "night", "bid", "speech", "vote"}
    for call in table.calls:
        role = roles[call["name"]]
        assert call["role"] == {"werewolf": "a werewolf", "seer": "the seer"}.get(
            role, {"doctor": "the doctor"}.get(role, "a villager")
        )
        text = call["text"]
        if role != "werewolf":
            assert TOKEN not in text and "werewolves' channel" not in text
        if role != "seer":
            assert "[your check" not in text
        if role != "doctor":
            assert "You protected" not in text
        for other, other_role in roles.items():
            if other != call["name"] and not (role == other_role == "werewolf"):
                assert f"{other}, a werewolf" not in text and f"{other} is a werewolf" not in text


def test_votes_and_night_moves_are_asked_at_once_and_speeches_in_turn(tmp_path: Path) -> None:
    table = Table()
    play(tmp_path, table, speaking="bidding")
    peak: dict[str, int] = defaultdict(int)
    for call in table.calls:
        peak[call["kind"]] = max(peak[call["kind"]], call["in_flight"])
    first_vote = [c for c in table.calls if c["kind"] == "vote"][:6]
    assert peak["vote"] >= 6 and all(c["in_flight"] >= 2 for c in first_vote)
    assert peak["bid"] >= 6  # one turn's bids together
    assert peak["night"] >= 2  # the wolves, the seer and the doctor together
    assert peak["speech"] == 1 and peak["wolf_chat"] == 1  # talk is in turn


def test_an_illegal_vote_is_retried_then_forfeited_to_a_legal_move(tmp_path: Path) -> None:
    table = Table(bad_first=True)
    rows = play(tmp_path, table, discussion_rounds=1, max_days=2)
    assert any(call["retry"] for call in table.calls)
    metrics = rows[0]["metrics"]
    assert sum(metrics["votes_cast"]) > 0  # the fallback votes were cast, legally
    with Store(tmp_path / "ww.db") as store:
        usage = store.usage("ww-llm")
    faults = {fault for u in usage.values() for fault in u.faults}
    assert {"illegal", "forfeit"} <= faults

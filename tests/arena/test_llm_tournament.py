"""Whole tournaments with LLM agents on the loopback server: stored, rated, secret-free."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from arena.config import load_config
from arena.store import Store
from arena.testing.llm_server import ChatRequest, Faults, LLMServer
from arena.tournament import run_tournament
from tests.conftest import run_cli

PLANTED = "sk-planted-secret-7f3a9c21e4b8d605"


def tit_for_tat_policy(request: ChatRequest) -> str:
    """Copies the other player's last option, like a cooperative model would."""
    text = request.last_user_text
    if "the other player chose Option F" in text.rsplit("In round", 1)[-1]:
        return "Option F"
    return "I pick Option J."


def llm_tournament(
    server: LLMServer, name: str = "llm", repetitions: int = 2, rounds: int = 5
) -> str:
    return f"""
[tournament]
name = "{name}"
seed = 11

[game]
id = "matrix/prisoners-dilemma-v0"
rounds = {rounds}

[schedule]
repetitions = {repetitions}

[[agents]]
name = "gpt-test"
provider = "openai"
model = "gpt-test"
base_url = "{server.openai_base_url}"
api_key_env = "ARENA_TEST_KEY"
max_retries = 3
timeout = 5.0

[[agents]]
name = "claude-test"
provider = "anthropic"
model = "claude-test"
base_url = "{server.anthropic_base_url}"
api_key_env = "ARENA_TEST_KEY"
max_retries = 3
timeout = 5.0

[[agents]]
name = "tit-for-tat"

[[agents]]
name = "always-defect"
"""


@pytest.fixture(autouse=True)
def planted_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARENA_TEST_KEY", PLANTED)


@pytest.fixture
def server() -> Iterator[LLMServer]:
    with LLMServer(policy=tit_for_tat_policy, api_key=PLANTED) as running:
        yield running


@pytest.mark.parametrize("workers", [1, 2])
def test_openai_and_anthropic_agents_play_a_tournament(
    server: LLMServer, write_toml: Callable[..., Path], tmp_path: Path, workers: int
) -> None:
    config = load_config(write_toml(llm_tournament(server)))
    report = run_tournament(config, tmp_path / "a.db", workers=workers)
    assert report.played == report.total == 2 * 12
    with Store(tmp_path / "a.db") as store:
        assert store.count("matches") == 24
        llm_turns = store.count("turn_details")
        # each LLM agent sits in 6 of the 12 seatings, twice, for 5 turns
        assert llm_turns == 2 * (6 * 2 * 5)
        duel = next(r for r in store.results("llm") if set(r.agents) == {"gpt-test", "claude-test"})
        match = store.match("llm", duel.match_index)
    assert all(turn.text and turn.tokens_in for turn in match.turns)
    assert match.payoffs == (15.0, 15.0)  # two copiers open with J and never leave it


def test_faults_do_not_lose_matches(write_toml: Callable[..., Path], tmp_path: Path) -> None:
    faults = Faults(rate_limit=0.15, server_error=0.15, garbage=0.10)
    with LLMServer(policy=tit_for_tat_policy, faults=faults, seed=5, api_key=PLANTED) as server:
        config = load_config(write_toml(llm_tournament(server, repetitions=3)))
        report = run_tournament(config, tmp_path / "a.db", workers=2)
    assert report.played == report.total == 36
    assert server.stats.injected["rate_limit"] > 5 and server.stats.injected["server_error"] > 5
    with Store(tmp_path / "a.db") as store:
        assert store.count("matches") == 36
        records = [store.match("llm", r.match_index) for r in store.results("llm")]
    faults_seen: dict[str, int] = {}
    for record in records:
        for fault, count in record.faults.items():
            faults_seen[fault] = faults_seen.get(fault, 0) + count
        assert len(record.turns) == 2 * 5  # every turn played, by a move or the fallback
    # Every injected fault is in the store, in its class, even those the SDK retried away.
    injected = server.stats.injected
    assert faults_seen.get("rate_limit", 0) == injected["rate_limit"]
    assert faults_seen.get("transport", 0) == injected["server_error"]
    assert faults_seen.get("unparseable", 0) == injected["garbage"]
    assert set(faults_seen) <= {"unparseable", "transport", "rate_limit", "forfeit"}


def test_a_planted_key_is_nowhere(
    server: LLMServer, write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    path = write_toml(llm_tournament(server, name="secret"))
    db = tmp_path / "secret.db"
    site = tmp_path / "site"
    outputs = []
    for args in (
        ("run", path, "--db", db),
        ("leaderboard", "show", "--db", db, "--json"),
        ("leaderboard", "publish", "--db", db, "--out", site),
    ):
        result = run_cli(*args, timeout=300)
        assert result.returncode == 0, result.stderr
        outputs += [result.stdout, result.stderr]
    assert server.requests and all(r.api_key == PLANTED for r in server.requests)  # it was used
    assert "LLM turns 120: tokens in" in outputs[0] and "faults: none" in outputs[0]
    assert not any(PLANTED in text for text in outputs)
    files = [db, *db.parent.glob("secret.db-*"), *site.iterdir()]
    for file in files:
        assert PLANTED.encode() not in file.read_bytes(), file
    assert os.environ["ARENA_TEST_KEY"] == PLANTED


@pytest.mark.parametrize("seed", [True, False])
def test_the_cache_replays_a_tournament_offline(
    write_toml: Callable[..., Path], tmp_path: Path, seed: bool
) -> None:
    db = tmp_path / "a.db"
    with LLMServer(policy=noisy_policy(), api_key=PLANTED) as server:
        text = llm_tournament(server, name="first")
        if not seed:  # no seed on the wire: the draws still key the cache apart
            text = text.replace("timeout = 5.0", "timeout = 5.0\nseed = false")
        run_tournament(load_config(write_toml(text, "first.toml")), db, workers=2)
        calls = server.stats.calls
    assert calls == 120  # every turn its own draw: no prompt was answered by another's reply
    # The server is gone: every call must now come from the cache.
    replay = load_config(write_toml(text.replace('name = "first"', 'name = "again"'), "again.toml"))
    run_tournament(replay, db, workers=2)
    with Store(db) as store:
        first = [store.match("first", r.match_index) for r in store.results("first")]
        again = [store.match("again", r.match_index) for r in store.results("again")]
    assert [m.payoffs for m in first] == [m.payoffs for m in again]
    assert [[t[:5] for t in m.turns] for m in first] == [[t[:5] for t in m.turns] for m in again]
    assert not any(m.faults for m in again)


def noisy_policy() -> Callable[[ChatRequest], str]:
    """Replies that vary from call to call, as sampling at temperature > 0 would (by the
    per-call seed when one is sent, else by the order of arrival)."""
    calls = itertools.count()

    def policy(request: ChatRequest) -> str:
        draw = request.body.get("seed", next(calls))
        return "Option J" if draw % 3 else "Option F"

    return policy


@pytest.mark.parametrize("limit", [1, 3])
def test_the_concurrency_limit_holds_for_the_whole_tournament(
    write_toml: Callable[..., Path], tmp_path: Path, limit: int
) -> None:
    with LLMServer(policy=tit_for_tat_policy, latency=0.02) as server:
        agents = "\n".join(
            f"""
[[agents]]
name = "model-{k}"
provider = "openai-compatible"
model = "m{k}"
base_url = "{server.openai_base_url}"
concurrency = {limit}
"""
            for k in range(3)
        )
        text = f"""
[tournament]
name = "limited"
[game]
id = "matrix/prisoners-dilemma-v0"
rounds = 3
[schedule]
repetitions = 2
{agents}
"""
        report = run_tournament(load_config(write_toml(text)), tmp_path / "a.db", workers=2)
    assert report.played == 12 and report.workers == 1  # one event loop, not a pool
    assert server.stats.calls == 12 * 2 * 3
    assert server.stats.max_in_flight == limit

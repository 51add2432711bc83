"""Whole tournaments with LLM agents on the loopback server: stored, rated, secret-free."""

from __future__ import annotations

import itertools
import json
import os
import socket
import subprocess
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
    server: LLMServer,
    name: str = "llm",
    repetitions: int = 2,
    rounds: int = 5,
    max_retries: int = 3,
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
max_retries = {max_retries}
timeout = 5.0

[[agents]]
name = "claude-test"
provider = "anthropic"
model = "claude-test"
base_url = "{server.anthropic_base_url}"
api_key_env = "ARENA_TEST_KEY"
max_retries = {max_retries}
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
        # Enough retries that no call outlives them (0.3 ** 11 a call): every match is a result.
        text = llm_tournament(server, repetitions=3, max_retries=10)
        report = run_tournament(load_config(write_toml(text)), tmp_path / "a.db", workers=2)
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
    pages = [page for page in site.rglob("*") if page.is_file()]
    assert any(page.parent.name == "matches" for page in pages)  # prompts and replies shown
    files = [db, *db.parent.glob("secret.db-*"), *pages]
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


def one_model_tournament(base_url: str, *, model: str = "m", extra: str = "") -> str:
    """A language model against two scripted players: 6 matches, 4 with the model."""
    return f"""
[tournament]
name = "infra"
seed = 2
[game]
id = "matrix/prisoners-dilemma-v0"
rounds = 3
[[agents]]
name = "house-model"
provider = "openai-compatible"
model = "{model}"
base_url = "{base_url}"
api_key_env = "ARENA_TEST_KEY"
max_retries = 1
concurrency = 1
{extra}
[[agents]]
name = "tit-for-tat"
[[agents]]
name = "always-defect"
"""


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def assert_stops_with(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith("arena: error: agent 'house-model' (openai-compatible model")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert PLANTED not in result.stderr + result.stdout


def test_an_endpoint_that_is_down_stops_the_tournament_before_storing_anything(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    db = tmp_path / "a.db"
    result = run_cli("run", write_toml(one_model_tournament(url)), "--db", db, "-q")
    assert_stops_with(result, f"at {url}): cannot connect", "Connection refused")
    with Store(db) as store:
        assert store.results("infra") == [] and store.void_matches("infra") == []


def test_a_wrong_model_name_stops_it_and_the_corrected_file_runs_under_the_same_name(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    db = tmp_path / "a.db"
    with LLMServer(policy=tit_for_tat_policy, models={"m"}) as server:
        wrong = write_toml(one_model_tournament(server.openai_base_url, model="n"), "wrong.toml")
        result = run_cli("run", wrong, "--db", db, "-q")
        assert_stops_with(result, "HTTP 404: The model 'n' does not exist")
        right = write_toml(one_model_tournament(server.openai_base_url), "right.toml")
        again = run_cli("run", right, "--db", db, "-q")
    assert again.returncode == 0, again.stderr
    assert "6 matches (6 played, 0 already stored)" in again.stdout


def test_a_wrong_key_stops_the_tournament_without_showing_any_key(
    write_toml: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARENA_TEST_KEY", "sk-wrong-key-0123456789abcdef")
    with LLMServer(policy=tit_for_tat_policy, api_key=PLANTED) as server:
        path = write_toml(one_model_tournament(server.openai_base_url))
        result = run_cli("run", path, "--db", tmp_path / "a.db", "-q")
    assert_stops_with(result, "HTTP 401: invalid api key")
    assert "sk-wrong" not in result.stderr


def test_matches_an_endpoint_failed_are_void_unrated_and_played_again(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    db = tmp_path / "a.db"
    # One call at a time, one retry: the first two calls each see two 500s and outlive them.
    with LLMServer(policy=tit_for_tat_policy, sequence=["server_error"] * 4) as server:
        path = write_toml(one_model_tournament(server.openai_base_url))
        first = run_cli("run", path, "--db", db, "-q")
        assert first.returncode == 1, (first.stdout, first.stderr)
        assert "6 matches (4 played, 0 already stored, 2 void)" in first.stdout
        assert "2 matches are void: an endpoint failed them" in first.stderr
        assert "HTTP 500: internal error" in first.stderr
        with Store(db) as store:
            voids = store.void_matches("infra")
            rated = {agent for r in store.results("infra") for agent in r.agents}
            assert len(store.results("infra")) == 4
        assert len(voids) == 2 and all("HTTP 500: internal error" in v.error for v in voids)
        assert all("house-model" in v.agents for v in voids)
        board = run_cli("leaderboard", "show", "--db", db, "-t", "infra", "--json")
        assert board.returncode == 0, board.stderr
        matches = {row["agent"]: row["matches"] for row in json.loads(board.stdout)}
        assert sum(matches.values()) == 2 * 4 and set(matches) == rated
        second = run_cli("run", path, "--db", db, "-q")
    assert second.returncode == 0, second.stderr
    assert "6 matches (2 played, 4 already stored)" in second.stdout
    with Store(db) as store:
        assert store.void_matches("infra") == [] and len(store.results("infra")) == 6


def test_a_replay_from_the_cache_costs_nothing(
    write_toml: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prices = tmp_path / "prices.toml"
    prices.write_text(
        '[openai]\n"gpt-test" = { input = 1.0, output = 2.0 }\n'
        '[anthropic]\n"claude-test" = { input = 3.0, output = 4.0 }\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("ARENA_PRICES", str(prices))
    db = tmp_path / "a.db"
    with LLMServer(policy=tit_for_tat_policy, api_key=PLANTED) as server:
        text = llm_tournament(server, name="first")
        first = run_cli("run", write_toml(text, "first.toml"), "--db", db, "-q")
    assert first.returncode == 0, first.stderr
    again = write_toml(text.replace('name = "first"', 'name = "again"'), "again.toml")
    replay = run_cli("run", again, "--db", db, "-q")  # the server is gone: all from the cache
    assert replay.returncode == 0, replay.stderr
    assert "cost $0.0000;" in replay.stdout and "cost $0.0000;" not in first.stdout
    with Store(db) as store:
        paid, replayed = store.usage("first"), store.usage("again")
    for agent in ("gpt-test", "claude-test"):
        assert paid[agent].cost is not None and paid[agent].cost > 0
        assert replayed[agent].cost == 0.0  # a sum of exact zeros: no rounding involved
        assert replayed[agent].tokens_in == paid[agent].tokens_in  # what the calls were

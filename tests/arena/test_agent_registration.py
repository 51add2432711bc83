"""Language models registered by name in the database, through the real CLI."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from arena.store import Store
from arena.testing.llm_server import LLMServer
from tests.conftest import run_cli


@pytest.fixture
def server() -> Iterator[LLMServer]:
    with LLMServer(policy=lambda request: "Option F") as running:
        yield running


def test_register_list_and_play_by_name(
    server: LLMServer, write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    db = tmp_path / "a.db"
    registered = run_cli(
        "agents", "register", "house-model", "--provider", "openai-compatible",
        "--model", "m1", "--base-url", server.openai_base_url, "--temperature", "0.5",
        "--labels", "J,F", "--no-seed", "--db", db,
    )  # fmt: skip
    assert registered.returncode == 0, registered.stderr
    listed = run_cli("agents", "list", "--json", "--db", db)
    entry = next(e for e in json.loads(listed.stdout) if e["name"] == "house-model")
    assert entry["kind"] == "registered"
    assert entry["spec"]["model"] == "m1" and entry["spec"]["labels"] == ["J", "F"]
    assert "house-model" in run_cli("agents", "list", "--db", db).stdout

    path = write_toml(
        """
[tournament]
name = "by-name"
[game]
id = "matrix/prisoners-dilemma-v0"
rounds = 3
[[agents]]
name = "house-model"
[[agents]]
name = "tit-for-tat"
"""
    )
    ran = run_cli("run", path, "--db", db, "--quiet")
    assert ran.returncode == 0, ran.stderr
    with Store(db) as store:
        results = store.results("by-name")
        match = store.match("by-name", results[0].match_index)
    assert {a for r in results for a in r.agents} == {"house-model", "tit-for-tat"}
    assert server.requests[0].model == "m1"
    assert server.requests[0].body["temperature"] == 0.5
    assert "seed" not in server.requests[0].body
    assert "Option J and Option F" in server.requests[0].system
    seat = match.agents.index("house-model")
    assert match.moves(seat) == [1, 1, 1]


def test_a_table_beside_a_registered_name_overrides_its_fields(
    server: LLMServer, write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    db = tmp_path / "a.db"
    with Store(db) as store:
        spec = {"provider": "openai-compatible", "model": "m1", "base_url": server.openai_base_url}
        store.register_agent("house-model", spec)
    path = write_toml(
        """
[tournament]
name = "override"
[game]
id = "matrix/prisoners-dilemma-v0"
rounds = 1
[schedule]
swap_seats = false
[[agents]]
name = "house-model"
model = "m2"
[[agents]]
name = "always-defect"
"""
    )
    ran = run_cli("run", path, "--db", db, "--quiet")
    assert ran.returncode == 0, ran.stderr
    assert [r.model for r in server.requests] == ["m2"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tit-for-tat", "--provider", "openai", "--model", "m"], "is built in"),
        (["x", "--provider", "gemini", "--model", "m"], "--provider: Input should be"),
        (["x", "--provider", "openai", "--model", "m", "--temperature", "5"], "--temperature"),
        (["x", "--provider", "openai-compatible", "--model", "m"], "base_url is required"),
        (["x", "--provider", "openai", "--model", "m", "--api-key-env", "sk-123"], "--api-key-env"),
        (["x", "--provider", "openai", "--model", "m", "--base-url", "ftp://h"], "--base-url"),
    ],
)
def test_bad_registrations(tmp_path: Path, args: list[str], message: str) -> None:
    db = tmp_path / "a.db"
    result = run_cli("agents", "register", *args, "--db", db)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    if db.exists():
        with Store(db) as store:
            assert store.registered_agents() == {}


def test_registering_twice_needs_replace_and_remove_forgets(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    base = ["agents", "register", "m", "--provider", "openai", "--db", str(db)]
    assert run_cli(*base, "--model", "one").returncode == 0
    again = run_cli(*base, "--model", "two")
    assert again.returncode == 2 and "already registered" in again.stderr
    assert run_cli(*base, "--model", "two", "--replace").returncode == 0
    with Store(db) as store:
        assert store.registered_agents()["m"]["model"] == "two"
    assert run_cli("agents", "remove", "m", "--db", db).returncode == 0
    gone = run_cli("agents", "remove", "m", "--db", db)
    assert gone.returncode == 2 and "no registered agent 'm'" in gone.stderr


def test_an_unknown_name_still_suggests_built_ins(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    path = write_toml(
        """
[tournament]
name = "t"
[game]
id = "matrix/prisoners-dilemma-v0"
[[agents]]
name = "tit-for-tatt"
[[agents]]
name = "always-defect"
"""
    )
    result = run_cli("run", path, "--db", tmp_path / "a.db")
    assert result.returncode == 2
    assert "did you mean 'tit-for-tat'" in result.stderr

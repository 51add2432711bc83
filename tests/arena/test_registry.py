"""Names to implementations: built-ins, suggestions, duplicates, lazy loading."""

from __future__ import annotations

import subprocess
import sys

import pytest

from arena.errors import ConfigError, DuplicateNameError, UnknownNameError
from arena.registry import AGENTS, GAMES, Registry, make_agent, make_game

REQUIRED_GAMES = [
    "matrix/prisoners-dilemma-v0",
    "matrix/battle-of-the-sexes-v0",
    "matrix/stag-hunt-v0",
    "matrix/chicken-v0",
    "matrix/matching-pennies-v0",
    "matrix/harmony-v0",
    "matrix/deadlock-v0",
    "matrix/rock-paper-scissors-v0",
    "matrix/custom-v0",
]
REQUIRED_AGENTS = [
    "always-cooperate",
    "always-defect",
    "random",
    "tit-for-tat",
    "tit-for-two-tats",
    "suspicious-tit-for-tat",
    "generous-tit-for-tat",
    "grim-trigger",
    "win-stay-lose-shift",
    "alternator",
    "defect-once",
    "turn-taker",
]


@pytest.mark.parametrize("game_id", REQUIRED_GAMES)
def test_required_games_are_registered(game_id: str) -> None:
    assert game_id in GAMES


@pytest.mark.parametrize("name", REQUIRED_AGENTS)
def test_required_agents_are_registered_with_metadata(name: str) -> None:
    agent = make_agent(name)
    assert agent.name == name
    assert isinstance(agent.info.stochastic, bool)
    assert agent.info.memory_depth >= 0


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [("tit-for-tatt", "'tit-for-tat'"), ("grim", "'grim-trigger'"), ("randon", "'random'")],
)
def test_unknown_agent_suggests(name: str, suggestion: str) -> None:
    with pytest.raises(
        UnknownNameError, match=f"unknown agent '{name}'; did you mean .*{suggestion}"
    ):
        AGENTS.get(name)


def test_unknown_game_lists_known_ones_when_nothing_is_close() -> None:
    with pytest.raises(UnknownNameError, match=r"known games: .*matrix/chicken-v0"):
        GAMES.get("zzzzzzzz")


def test_registering_twice_is_an_error() -> None:
    registry = Registry("thing", "arena.test-things")
    registry.register("a", "json:dumps")
    with pytest.raises(DuplicateNameError):
        registry.register("a", "json:loads")


def test_bad_targets() -> None:
    registry = Registry("thing", "arena.test-things")
    with pytest.raises(ConfigError, match="module:attr"):
        registry.register("a", "json.dumps")
    registry.register("b", "json:no_such_thing")
    with pytest.raises(ConfigError, match="cannot load json:no_such_thing"):
        registry.get("b").load()


def test_aec_view_and_bad_api() -> None:
    from pettingzoo import AECEnv

    assert isinstance(make_game("matrix/chicken-v0", api="aec"), AECEnv)
    with pytest.raises(ConfigError, match="api: expected"):
        make_game("matrix/chicken-v0", api="gym")


def test_importing_the_registry_and_cli_loads_nothing_heavy() -> None:
    code = (
        "import sys, arena, arena.registry, arena.cli\n"
        "heavy = [m for m in ('numpy', 'numba', 'pettingzoo', 'gymnasium', 'pydantic',"
        " 'arena.games.matrix.repeated', 'arena.agents.scripted.matrix') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""

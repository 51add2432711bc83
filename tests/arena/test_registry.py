"""Names to implementations: built-ins, suggestions, duplicates, lazy loading."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from arena.errors import ConfigError, DuplicateNameError, UnknownNameError
from arena.registry import AGENTS, GAMES, Entry, Registry, make_agent, make_game, plugin_metadata

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


# Plug-ins: what the registry reads from the object an entry point names (the whole path,
# pip install to `arena games list`, is in test_plugins.py).


class _Declared:
    """Ignored: the declared summary wins."""

    arena_summary = "a declared summary"
    arena_players = "N"
    arena_api = "aec"


class _Documented:
    """A game in two lines of
    docstring, whose first paragraph is its summary.

    Not this paragraph.
    """


class _Undocumented(_Documented):
    pass


@pytest.mark.parametrize(
    ("target", "summary", "extra"),
    [
        (_Declared, "a declared summary", {"players": "N", "api": "aec"}),
        (
            _Documented,
            "A game in two lines of docstring, whose first paragraph is its summary.",
            {},
        ),
        (_Undocumented, "", {}),  # a docstring is not inherited: the entry keeps "plug-in"
    ],
    ids=["declared", "docstring", "none"],
)
def test_a_plugin_game_s_summary_and_extras(target: type, summary: str, extra: dict) -> None:
    assert plugin_metadata("game", target) == (summary, extra)


def test_a_plugin_game_s_api_follows_its_pettingzoo_base_class() -> None:
    from arena.games.bargaining.alternating_offers import AlternatingOffersGame
    from arena.games.matrix.repeated import RepeatedMatrixGame

    assert plugin_metadata("game", RepeatedMatrixGame)[1] == {"api": "parallel"}
    assert plugin_metadata("game", AlternatingOffersGame)[1] == {"api": "aec"}


def test_a_plugin_agent_s_kind_follows_its_info() -> None:
    from arena.agents.llm.agent import LLMAgent
    from arena.agents.scripted.matrix import TitForTat

    summary = "Cooperates first, then copies the opponent's previous move (Rapoport)."
    assert plugin_metadata("agent", TitForTat) == (summary, {"kind": "scripted"})
    assert plugin_metadata("agent", LLMAgent)[1] == {"kind": "llm"}


def test_a_plugin_judge_s_kind_follows_its_method() -> None:
    from arena.judges.constant_critic import ConstantCritic
    from arena.judges.rule_moderator import RuleModerator

    assert plugin_metadata("judge", ConstantCritic)[1] == {"kind": "critic"}
    assert plugin_metadata("judge", RuleModerator)[1] == {"kind": "moderator"}


def test_a_plugin_that_fails_on_import_names_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "failing_plugin_module.py").write_text("1 / 0\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    plugin = Entry("x/y-v0", "failing_plugin_module:Game", extra={"plugin": "some-dist"})
    with pytest.raises(ConfigError) as error:
        plugin.load()
    assert str(error.value) == (
        "x/y-v0: plug-in some-dist cannot load failing_plugin_module:Game "
        "(ZeroDivisionError: division by zero)"
    )
    builtin = Entry("x/z-v0", "failing_plugin_module:Game")  # a bug of ours: a traceback
    monkeypatch.delitem(sys.modules, "failing_plugin_module", raising=False)
    with pytest.raises(ZeroDivisionError):
        builtin.load()


def test_plugin_entry_points_are_listed_described_and_fail_only_when_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A distribution's entry points as importlib.metadata finds them (a dist-info folder on
    the path, as pip writes it): the built-in keeps its name, a good plug-in is described
    from its object, a broken one is listed with why and fails where it is used."""
    info = tmp_path / "fake_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-plugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        "[arena.test-games]\n"
        "x/ok-v0 = fake_plugin_game:Game\n"
        "x/missing-v0 = no_such_plugin_module:Game\n"
        "a/builtin-v0 = fake_plugin_game:Game\n"
    )
    (tmp_path / "fake_plugin_game.py").write_text(
        'class Game:\n    """A fake game: listed, never played."""\n\n    arena_players = 3\n'
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = Registry("game", "arena.test-games")
    registry.register("a/builtin-v0", "json:dumps", "a built-in")
    listed = {entry.name: entry for entry in registry}
    assert set(listed) == {"a/builtin-v0", "x/ok-v0", "x/missing-v0"}
    assert listed["a/builtin-v0"].target == "json:dumps"  # a plug-in cannot shadow a built-in
    assert (listed["x/ok-v0"].summary, dict(listed["x/ok-v0"].extra)) == (
        "A fake game: listed, never played.",
        {"plugin": "fake-plugin", "players": 3},
    )
    missing = registry.get("x/missing-v0")
    assert missing.summary == (
        "plug-in fake-plugin cannot load no_such_plugin_module:Game "
        "(No module named 'no_such_plugin_module')"
    )
    assert missing.extra["broken"] is True
    with pytest.raises(ConfigError, match=r"^x/missing-v0: plug-in fake-plugin cannot load"):
        missing.load()

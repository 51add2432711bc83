"""Third-party plug-ins: examples/plugin installed with pip, then listed, played and coached by
the real ``arena`` command; a broken plug-in fails on one line where it is used, and only there.

The plug-ins are installed once per module into a folder of their own (``pip install --target``,
no index, no build isolation: no network) that the commands get on ``PYTHONPATH``, so
``importlib.metadata`` finds their entry points and the test environment stays as it was.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from arena.builtins import BUILTIN_AGENTS, BUILTIN_GAMES
from arena.store import Store
from arena.testing.llm_server import ChatRequest, LLMServer
from tests.arena.test_cli import assert_one_line_error
from tests.conftest import ARENA

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plugin"
GAME = "example/travelers-dilemma-v0"
KEY_ENV = "ARENA_PLUGIN_TEST_KEY"

# A plug-in whose games cannot be loaded: one names a module that does not exist, the other a
# module that raises when it is imported (a plug-in needing something this machine lacks). Its
# agent takes a built-in's name.
BROKEN_PYPROJECT = """
[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "arena-plugin-broken"
version = "0.1.0"

[project.entry-points."arena.games"]
"broken/missing-v0" = "arena_plugin_broken_missing:Game"
"broken/raises-v0" = "arena_plugin_broken:Game"

[project.entry-points."arena.agents"]
"tit-for-tat" = "arena_plugin_broken:TitForTat"

[tool.setuptools]
py-modules = ["arena_plugin_broken"]
"""
BROKEN_MODULE = 'raise RuntimeError("this game needs a licence server")\n'


def stage_payoffs(mine: int, theirs: int, bonus: int = 2) -> tuple[int, int]:
    """Basu's rule, written here again so the stored results are checked independently."""
    if mine == theirs:
        return mine, theirs
    low = min(mine, theirs)
    return (low + bonus, low - bonus) if mine < theirs else (low - bonus, low + bonus)


def _pip_install(target: Path, *projects: Path) -> None:
    """Build and install ``projects`` with this environment's setuptools, offline."""
    try:
        setuptools = importlib.metadata.version("setuptools")
    except importlib.metadata.PackageNotFoundError:
        setuptools = "none"
    if not setuptools.split(".")[0].isdigit() or int(setuptools.split(".")[0]) < 77:
        pytest.fail(
            f"setuptools {setuptools} cannot build the plug-ins offline (it needs >= 77, which "
            "builds wheels by itself); the dev extra installs it"
        )
    result = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index"),
            *("--no-build-isolation", "--target", str(target), *map(str, projects)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"pip could not install the plug-ins:\n{result.stderr[-3000:]}")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/plugin and a broken plug-in, installed with pip into a folder of their own.

    pip builds in the project's folder (``build/``, ``*.egg-info``), so it builds copies.
    """
    if importlib.util.find_spec("pip") is None:
        pytest.skip("pip is not installed in this environment")
    root = tmp_path_factory.mktemp("plugins")
    example = root / "plugin"
    shutil.copytree(
        EXAMPLE,
        example,
        ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", ".pytest_cache"),
    )
    broken = root / "broken"
    broken.mkdir()
    (broken / "pyproject.toml").write_text(BROKEN_PYPROJECT, encoding="utf-8")
    (broken / "arena_plugin_broken.py").write_text(BROKEN_MODULE, encoding="utf-8")
    target = root / "site"
    _pip_install(target, example, broken)
    return target


def _env(site: Path) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH", "")) if p)
    return {
        **os.environ,
        "PYTHONPATH": path,
        "PYTHONDONTWRITEBYTECODE": "1",
        "COLUMNS": "200",
        "NO_COLOR": "1",
        KEY_ENV: "sk-loopback",
    }


def arena(site: Path, *args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The installed ``arena`` command, as a user who installed the plug-ins runs it."""
    return subprocess.run(
        [str(ARENA), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=_env(site),
        timeout=120,
        check=False,
    )


def test_games_list_shows_the_plugin_game_beside_the_builtins(site: Path) -> None:
    listed = arena(site, "games", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    games = {game["id"]: game for game in json.loads(listed.stdout)}
    assert games[GAME] == {
        "id": GAME,
        "players": 2,
        "api": "parallel",
        "family": "example",
        "summary": "repeated Traveler's Dilemma: claim 2 to 100, the lower claim is paid, +-2 "
        "(Basu 1994)",
    }
    assert {name for name, *_ in BUILTIN_GAMES} < set(games)
    table = arena(site, "games", "list")
    assert table.returncode == 0, table.stderr
    row = next(line for line in table.stdout.splitlines() if GAME in line)
    assert re.search(r"\b2\b.*parallel.*repeated Traveler's Dilemma", row)


BROKEN_GAMES = {
    "broken/missing-v0": "No module named 'arena_plugin_broken_missing'",
    "broken/raises-v0": "RuntimeError: this game needs a licence server",
}


def test_a_broken_plugin_is_listed_as_such_and_the_list_goes_on(site: Path) -> None:
    listed = arena(site, "games", "list", "--json")
    assert (listed.returncode, listed.stderr) == (0, "")
    games = {g["id"]: g for g in json.loads(listed.stdout)}
    for game, reason in BROKEN_GAMES.items():
        summary = games[game]["summary"]
        assert summary.startswith("plug-in arena-plugin-broken cannot load "), summary
        assert reason in summary
    assert GAME in games and {name for name, *_ in BUILTIN_GAMES} < set(games)


@pytest.mark.parametrize(("game", "reason"), BROKEN_GAMES.items(), ids=list(BROKEN_GAMES))
def test_a_broken_plugin_fails_on_one_line_where_it_is_used(
    site: Path, tmp_path: Path, game: str, reason: str
) -> None:
    toml = tmp_path / "broken.toml"
    toml.write_text(
        f'[tournament]\nname = "b"\nseed = 1\n\n[game]\nid = "{game}"\n\n'
        '[[agents]]\nname = "undercut"\n[[agents]]\nname = "random"\n',
        encoding="utf-8",
    )
    result = arena(site, "run", toml, "--db", tmp_path / "arena.db")
    assert_one_line_error(result, f"{game}: plug-in arena-plugin-broken cannot load", reason)
    assert not (tmp_path / "arena.db").exists()
    played = arena(site, "play", game, "--against", "undercut", "--db", tmp_path / "arena.db")
    assert_one_line_error(played, "plug-in arena-plugin-broken", reason)


SHADOWED = (
    "arena: warning: plug-in arena-plugin-broken's agent 'tit-for-tat' is not used: a built-in "
    "has that name; rename it in the plug-in's entry points"
)


def test_a_plugin_that_takes_a_builtins_name_is_said_to_be_unused(
    site: Path, tmp_path: Path
) -> None:
    listed = arena(site, "agents", "list", "--json", "--db", tmp_path / "arena.db")
    assert listed.returncode == 0
    assert listed.stderr.splitlines() == [SHADOWED]
    agents = {agent["name"]: agent for agent in json.loads(listed.stdout)}
    assert agents["tit-for-tat"]["axelrod_name"] == "Tit For Tat"  # the built-in
    toml = tmp_path / "t.toml"
    toml.write_text(
        '[tournament]\nname = "t"\nseed = 1\nworkers = 1\n\n'
        '[game]\nid = "matrix/prisoners-dilemma-v0"\nrounds = 3\n\n'
        '[[agents]]\nname = "tit-for-tat"\n[[agents]]\nname = "always-defect"\n',
        encoding="utf-8",
    )
    ran = arena(site, "run", toml, "--db", tmp_path / "arena.db", "--quiet")
    assert ran.returncode == 0, ran.stderr
    assert ran.stderr.splitlines() == [SHADOWED]
    with Store(tmp_path / "arena.db", readonly=True) as store:
        payoffs = {r.agents: r.payoffs for r in store.results("t")}
    assert payoffs[("tit-for-tat", "always-defect")] == (2.0, 7.0)  # the built-in's play
    games = arena(site, "games", "list")
    assert (games.returncode, games.stderr) == (0, "")  # a clash of agents, not of games


def test_agents_list_shows_the_plugin_agent_with_its_metadata(site: Path, tmp_path: Path) -> None:
    listed = arena(site, "agents", "list", "--json", "--db", tmp_path / "arena.db")
    assert listed.returncode == 0, listed.stderr
    agents = {agent["name"]: agent for agent in json.loads(listed.stdout)}
    assert agents["undercut"] == {
        "name": "undercut",
        "kind": "scripted",
        "families": ["example"],
        "stochastic": False,
        "memory_depth": 1,
        "uses_llm": False,
        "axelrod_name": None,
        "source": "Basu (1994): the myopic best reply",
        "summary": "claims one less than the other traveler's last claim: the best reply to it "
        "(Basu 1994)",
    }
    assert {name for name, *_ in BUILTIN_AGENTS} < set(agents)
    table = arena(site, "agents", "list", "--db", tmp_path / "arena.db")
    assert re.search(r"undercut\s+.*scripted\s+.*example", table.stdout)


def trusting_traveler(request: ChatRequest) -> str:
    """A model that claims what the other traveler claimed last (100 at first), read from the
    game's own description of the rounds so far."""
    said = re.findall(r"the other traveler claimed (\d+)", request.last_user_text)
    return f"I will match them.\nClaim: {said[-1] if said else 100}"


TOURNAMENT = """
[tournament]
name = "travelers"
seed = 4
workers = 1

[game]
id = "example/travelers-dilemma-v0"
rounds = 4

[schedule]
format = "round-robin"
repetitions = 1
swap_seats = true

[[agents]]
name = "undercut"

[[agents]]
name = "undercut"
opening = 50
alias = "undercut-50"

[[agents]]
name = "trusting"
provider = "openai"
model = "trusting-traveler"
base_url = "{base_url}"
api_key_env = "{key_env}"
timeout = 5.0
"""

# Each pairing's totals over 4 rounds, read like a match (claims, then what each receives):
#   undercut vs trusting: 100/100, 99/100, 99/99, 98/99 -> 100+101+99+100, 100+97+99+96
#   undercut-50 vs trusting: 50/100, 99/50, 49/99, 98/49 -> 52+48+51+47, 48+52+47+51
#   undercut vs undercut-50: 100/50, 49/99, 98/48, 47/97 -> 48+51+46+49, 52+47+50+45
EXPECTED = {
    frozenset({"undercut", "trusting"}): {"undercut": 400.0, "trusting": 392.0},
    frozenset({"undercut-50", "trusting"}): {"undercut-50": 198.0, "trusting": 198.0},
    frozenset({"undercut", "undercut-50"}): {"undercut": 194.0, "undercut-50": 194.0},
}


@pytest.mark.slow
def test_a_tournament_of_the_plugin_game_with_its_agent_and_a_model(
    site: Path, tmp_path: Path
) -> None:
    db = tmp_path / "arena.db"
    with LLMServer(policy=trusting_traveler) as server:
        toml = tmp_path / "travelers.toml"
        toml.write_text(
            TOURNAMENT.format(base_url=server.openai_base_url, key_env=KEY_ENV), encoding="utf-8"
        )
        result = arena(site, "run", toml, "--db", db, "--quiet")
    assert result.returncode == 0, result.stderr
    assert "6 matches (6 played" in result.stdout  # 3 pairings, both seat orders
    assert server.stats.answered == 4 * 4  # the model sits in 4 matches of 4 rounds

    with Store(db, readonly=True) as store:
        assert store.count("matches") == 6
        records = [store.match("travelers", index) for index in range(6)]
    for record in records:
        assert record.game_id == GAME
        totals = [0, 0]
        for step in range(4):  # every stored reward is Basu's rule applied to the claims
            turns = sorted((t for t in record.turns if t.step == step), key=lambda t: t.seat)
            paid = stage_payoffs(2 + turns[0].action, 2 + turns[1].action)
            assert (turns[0].reward, turns[1].reward) == paid
            totals = [total + p for total, p in zip(totals, paid)]
        expected = EXPECTED[frozenset(record.agents)]
        assert record.payoffs == tuple(map(float, totals))
        assert record.payoffs == tuple(expected[agent] for agent in record.agents)

    board = arena(site, "leaderboard", "show", "--db", db, "--json")
    assert board.returncode == 0, board.stderr
    rows = {row["agent"]: row for row in json.loads(board.stdout)}
    assert set(rows) == {"undercut", "undercut-50", "trusting"}
    assert rows["undercut"]["payoff_against"] == {"trusting": 400.0, "undercut-50": 194.0}
    assert rows["trusting"]["payoff_against"] == {"undercut": 392.0, "undercut-50": 198.0}
    assert {name: row["matches"] for name, row in rows.items()} == dict.fromkeys(rows, 4)
    assert (rows["undercut"]["wins"], rows["undercut"]["draws"]) == (2, 2)
    assert (rows["trusting"]["losses"], rows["trusting"]["llm_turns"]) == (2, 16)
    assert rows["trusting"]["invalid_move_rate"] == 0.0


FEEDBACK = """
[tournament]
name = "coached"
seed = 2
workers = 1

[game]
id = "example/travelers-dilemma-v0"
rounds = 3

[schedule]
format = "feedback"
learner = "undercut-50"
learner_seat = "player_0"
opponent = "undercut"
rounds = 2
experiments = 2

[critic]
name = "claims"

[[agents]]
name = "undercut"
opening = 50
alias = "undercut-50"

[[agents]]
name = "undercut"
"""


def test_the_plugin_critic_coaches_a_feedback_schedule(site: Path, tmp_path: Path) -> None:
    toml = tmp_path / "coached.toml"
    toml.write_text(FEEDBACK, encoding="utf-8")
    db = tmp_path / "arena.db"
    result = arena(site, "run", toml, "--db", db, "--quiet")
    assert result.returncode == 0, result.stderr
    with Store(db, readonly=True) as store:
        rounds = store.feedback("coached")
    assert [(r["experiment"], r["round"]) for r in rounds] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    # Claims 50/100, 99/49, 48/98 (learner first): it received 52, 47, 50 where best replies
    # (99, 48, 97) would have earned 101, 50, 99. Scripted, it does not change its play.
    text = (
        "You claimed 65.6667 on average and the other traveler 82.3333. Claiming one less than "
        "the other each round would have earned you 101 more; but the lower you both go, the "
        "less you both receive."
    )
    for stored in rounds:
        assert (stored["critic"], stored["seat"], stored["text"]) == ("claims", 0, text)
        assert stored["data"]["regret"] == 101.0 and stored["data"]["advice"] == "lower"
        assert stored["memory_after"]["feedback"] == [text] * (stored["round"] + 1)
    assert rounds[1]["memory_before"]["feedback"] == [text]  # what it carried into round 2


def test_the_example_tournament_file_runs(site: Path, tmp_path: Path) -> None:
    db = tmp_path / "arena.db"
    result = arena(site, "run", EXAMPLE / "travelers.toml", "--db", db, "--quiet")
    assert result.returncode == 0, result.stderr
    assert "6 matches (6 played" in result.stdout
    board = arena(site, "leaderboard", "show", "--db", db, "--json", "--rank-by", "payoff")
    assert board.returncode == 0, board.stderr
    rows = json.loads(board.stdout)
    # Every match is a draw, but opening at the equilibrium claim drags both down: against
    # undercut-2 each round one traveler claims 2 and the pair receives 4 between them.
    assert [(r["agent"], r["mean_payoff"], r["draws"]) for r in rows] == [
        ("undercut", 237.5, 4),
        ("undercut-50", 237.5, 4),
        ("undercut-2", 20.0, 4),
    ]


@pytest.mark.slow
def test_the_plugins_own_tests_pass_against_the_installed_package(
    site: Path, tmp_path: Path
) -> None:
    """What the plug-in's README tells its authors to run: PettingZoo's checkers and more."""
    shutil.copytree(EXAMPLE / "tests", tmp_path / "tests")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_env(site),
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert re.search(r"\b\d+ passed", result.stdout)

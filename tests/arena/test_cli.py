"""The ``arena`` command as users run it: outputs, exit codes, one-line errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import LEADERBOARD_KEYS, run_cli, tournament_text


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("arena: error: ")
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_help_lists_the_commands() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("run", "games", "agents", "leaderboard"):
        assert command in result.stdout


def test_games_list_json_and_table() -> None:
    result = run_cli("games", "list", "--json")
    assert result.returncode == 0
    games = {g["id"]: g for g in json.loads(result.stdout)}
    assert games["matrix/prisoners-dilemma-v0"]["players"] == 2
    assert games["matrix/custom-v0"]["players"] == "N"
    assert "matrix/battle-of-the-sexes-v0" in run_cli("games", "list").stdout


def test_agents_list_json_and_table() -> None:
    result = run_cli("agents", "list", "--json")
    assert result.returncode == 0
    agents = {a["name"]: a for a in json.loads(result.stdout)}
    assert (
        agents["tit-for-tat"]["stochastic"] is False and agents["tit-for-tat"]["memory_depth"] == 1
    )
    assert agents["grim-trigger"]["memory_depth"] is None  # unbounded
    assert agents["random"]["stochastic"] is True
    assert "win-stay-lose-shift" in run_cli("agents", "list").stdout


def test_run_show_publish(write_toml: Callable[..., Path], tmp_path: Path) -> None:
    path = write_toml(tournament_text(name="cli", rounds=10, repetitions=2))
    db = tmp_path / "cli.db"
    result = run_cli("run", path, "--db", db, "--workers", "2")
    assert result.returncode == 0, result.stderr
    assert "cli: 40 matches (40 played, 0 already stored)" in result.stdout
    again = run_cli("run", path, "--db", db)
    assert "(0 played, 40 already stored)" in again.stdout

    shown = run_cli("leaderboard", "show", "--db", db, "--tournament", "cli", "--json")
    assert shown.returncode == 0, shown.stderr
    rows = json.loads(shown.stdout)
    assert {r["agent"] for r in rows} == {
        "tit-for-tat",
        "always-defect",
        "grim-trigger",
        "random",
        "generous-tit-for-tat",
    }
    for row in rows:
        assert row.keys() >= LEADERBOARD_KEYS
        assert row["ci_low"] <= row["rating"] <= row["ci_high"]
        assert row["wins"] + row["draws"] + row["losses"] == row["matches"] == 16
    table = run_cli("leaderboard", "show", "--db", db)
    assert table.returncode == 0 and "always-defect" in table.stdout

    out = tmp_path / "site"
    published = run_cli("leaderboard", "publish", "--db", db, "--out", out)
    assert published.returncode == 0, published.stderr
    assert {p.name for p in out.iterdir()} >= {"index.html", "leaderboard.md", "leaderboard.json"}


def test_db_from_the_file_relative_to_the_working_folder(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    text = tournament_text(rounds=3, repetitions=1).replace("seed = 3", 'seed = 3\ndb = "here.db"')
    path = write_toml(text)
    work = tmp_path / "work"
    work.mkdir()
    assert run_cli("run", path, "-q", cwd=work).returncode == 0
    assert (work / "here.db").is_file()


BAD_RUNS = [
    ("rounds = 10", "rounds = -3", ["[game] rounds", "greater than or equal to 1", "(got -3)"]),
    (
        'id = "matrix/prisoners-dilemma-v0"',
        'id = "matrix/prisoner-dilemma-v0"',
        ["unknown game", "did you mean 'matrix/prisoners-dilemma-v0'"],
    ),
    (
        'name = "grim-trigger"',
        'name = "grim-triger"',
        ["unknown agent 'grim-triger'", "did you mean 'grim-trigger'"],
    ),
    ("rounds = 10", "rounds = = 10", ["malformed TOML"]),
    (
        'id = "matrix/prisoners-dilemma-v0"',
        'id = "matrix/custom-v0"\npayoffs = [[[1, 2]], [[1, 2], [3, 4]]]',
        ["payoffs[1]: shape (2, 2) differs"],
    ),
    (
        'id = "matrix/prisoners-dilemma-v0"',
        'id = "matrix/custom-v0"\npayoffs = [[[1, 2], [3, "x"]], [[1, 2], [3, 4]]]',
        ["payoffs[0][1][1]: expected a number, got 'x'"],
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "fragments"), BAD_RUNS, ids=[f[0][:30] for _, _, f in BAD_RUNS]
)
def test_bad_tournament_files(
    write_toml: Callable[..., Path], tmp_path: Path, old: str, new: str, fragments: list[str]
) -> None:
    text = tournament_text(rounds=10)
    assert old in text
    path = write_toml(text.replace(old, new, 1))
    db = tmp_path / "never.db"
    result = run_cli("run", path, "--db", db)
    assert_one_line_error(result, str(path), *fragments)
    assert not db.exists()  # nothing half-written


def test_missing_file(tmp_path: Path) -> None:
    assert_one_line_error(run_cli("run", tmp_path / "nope.toml"), "nope.toml: no such file")


def test_conflicting_tournament_in_the_same_db(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    db = tmp_path / "a.db"
    assert (
        run_cli("run", write_toml(tournament_text(rounds=3), "a.toml"), "--db", db, "-q").returncode
        == 0
    )
    result = run_cli("run", write_toml(tournament_text(rounds=4), "b.toml"), "--db", db, "-q")
    assert_one_line_error(result, "tournament 't' already exists with a different configuration")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["leaderboard", "show", "--db", "{tmp}/missing.db"], ["missing.db: no such database"]),
        (["leaderboard", "show", "--db", "{db}", "--tournament", "nope"], ["no tournament 'nope'"]),
        (
            ["leaderboard", "publish", "--db", "{tmp}/missing.db", "--out", "{tmp}/site"],
            ["no such database"],
        ),
        (["leaderboard", "show", "--db", "{tmp}/notadb.db"], ["not an arena database"]),
    ],
)
def test_bad_leaderboard_requests(
    write_toml: Callable[..., Path], tmp_path: Path, args: list[str], fragments: list[str]
) -> None:
    db = tmp_path / "a.db"
    assert run_cli("run", write_toml(tournament_text(rounds=3)), "--db", db, "-q").returncode == 0
    (tmp_path / "notadb.db").write_bytes(b"hello" * 500)
    result = run_cli(*[a.format(tmp=tmp_path, db=db) for a in args])
    assert_one_line_error(result, *fragments)
    assert not (tmp_path / "missing.db").exists() and not (tmp_path / "site").exists()


def test_usage_errors_exit_2() -> None:
    assert run_cli("run").returncode == 2
    assert run_cli("run", "x.toml", "--workers", "0").returncode == 2
    assert run_cli("frobnicate").returncode == 2

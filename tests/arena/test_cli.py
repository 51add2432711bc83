"""The ``arena`` command as users run it: outputs, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ARENA, LEADERBOARD_KEYS, run_cli, tournament_text


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
    assert "matches/s, 2 workers) ->" in result.stdout
    again = run_cli("run", path, "--db", db, "--workers", "1")
    assert "(0 played, 40 already stored)" in again.stdout
    assert "(0 matches/s, 1 worker) ->" in again.stdout

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


def as_other_user(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run ``arena`` as the unprivileged user ``nobody`` (root ignores file permissions)."""
    if os.geteuid() != 0:
        return run_cli(*args)
    command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", str(ARENA)]
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "HOME": "/tmp"}
    return subprocess.run(
        [*command, *map(str, args)], capture_output=True, text=True, env=env, check=False
    )


@pytest.mark.skipif(
    os.geteuid() == 0 and shutil.which("setpriv") is None, reason="needs setpriv as root"
)
def test_a_database_the_user_may_not_write_can_be_shown(
    write_toml: Callable[..., Path],
) -> None:
    folder = Path(tempfile.mkdtemp(prefix="arena-ro-"))  # outside root's private tmp_path
    try:
        folder.chmod(0o755)
        db = folder / "a.db"
        assert (
            run_cli("run", write_toml(tournament_text(rounds=3)), "--db", db, "-q").returncode == 0
        )
        folder.chmod(0o555)
        db.chmod(0o444)
        before = db.read_bytes()
        shown = as_other_user("leaderboard", "show", "--db", db, "-t", "t", "--json")
        assert shown.returncode == 0, shown.stderr
        assert len(json.loads(shown.stdout)) == 5
        listed = as_other_user("agents", "list", "--db", db)
        assert listed.returncode == 0, listed.stderr
        written = as_other_user(
            "agents", "register", "x", "--provider", "openai", "--model", "m", "--db", db
        )
        assert_one_line_error(written, "cannot write the database")
        assert db.read_bytes() == before
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


HOSTILE_NAMES = ["[/bold]", "[link=https://example.com]click[/link]", "\x1b[2Jwiped", "[red]x"]


def test_names_are_printed_as_text(write_toml: Callable[..., Path], tmp_path: Path) -> None:
    agents = "\n".join(
        f'[[agents]]\nname = "tit-for-tat"\nalias = {json.dumps(alias)}'
        for alias in HOSTILE_NAMES[:2] + HOSTILE_NAMES[3:]
    )
    text = tournament_text(rounds=3, agents=["always-defect"]) + agents
    db = tmp_path / "a.db"
    assert run_cli("run", write_toml(text), "--db", db, "-q").returncode == 0
    shown = run_cli("leaderboard", "show", "--db", db, "-t", "t")
    assert shown.returncode == 0, shown.stderr
    for name in ("[/bold]", "[link=https://example.com]click[/link]", "[red]x"):
        assert name in shown.stdout
    assert "\x1b" not in shown.stdout
    with sqlite3.connect(db) as con:  # as an older arena would have stored them
        for name in HOSTILE_NAMES:
            con.execute(
                "INSERT INTO agents (name, spec, created_at) VALUES (?, ?, 0)",
                (name, json.dumps({"provider": "openai", "model": "[bold]m"})),
            )
    listed = run_cli("agents", "list", "--db", db)
    assert listed.returncode == 0, listed.stderr
    assert "\\x1b[2Jwiped" in listed.stdout and "\x1b" not in listed.stdout
    # the summary column may wrap between its words: the markup is shown, not obeyed
    assert "[/bold]" in listed.stdout and "openai model" in listed.stdout
    assert "[bold]m" in listed.stdout


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("", "a name must not be empty"),
        ("  ", "a name must not be empty"),
        (" padded", "must not start or end with whitespace"),
        ("two\nlines", "must not contain control characters (found \\n at position 4)"),
        ("\x1b[2J", "must not contain control characters (found \\x1b at position 1)"),
        ("x" * 10_000, "a name must be at most 100 characters, got 10000"),
    ],
)
def test_one_rule_for_registered_names(tmp_path: Path, name: str, fragment: str) -> None:
    result = run_cli(
        "agents",
        "register",
        name,
        "--provider",
        "openai",
        "--model",
        "m",
        "--db",
        tmp_path / "a.db",
    )
    assert_one_line_error(result, fragment)
    assert "\x1b" not in result.stderr


@pytest.mark.parametrize("key", ["sk-proj-abcdEFGH1234ijkl", "gsk_abcdEFGH1234ijklMNOP5678"])
def test_a_key_given_as_its_variable_is_refused_and_never_echoed(tmp_path: Path, key: str) -> None:
    db = tmp_path / "a.db"
    result = run_cli(
        "agents", "register", "m", "--provider", "openai", "--model", "m",
        "--api-key-env", key, "--db", db,
    )  # fmt: skip
    assert_one_line_error(result, "--api-key-env: this looks like an API key itself")
    assert key not in result.stderr + result.stdout
    assert not db.exists() or key.encode() not in db.read_bytes()


def test_a_second_run_of_the_same_tournament_is_refused_while_one_runs(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    from arena.run_lock import tournament_lock

    db = tmp_path / "a.db"
    path = write_toml(tournament_text(rounds=3))
    with tournament_lock(db, "t"):  # as a run in another process would hold it
        result = run_cli("run", path, "--db", db, "-q")
        other = run_cli("run", write_toml(tournament_text(name="u", rounds=3), "u.toml"),
                        "--db", db, "-q")  # fmt: skip
    assert_one_line_error(result, "another arena run is playing tournament 't' right now")
    assert other.returncode == 0, other.stderr  # another tournament in the same file may run
    assert run_cli("run", path, "--db", db, "-q").returncode == 0  # the lock went with it


@pytest.mark.parametrize(
    ("rate", "printed"), [(0.0, "0"), (0.2712, "0.271"), (12.54, "12.5"), (473.4, "473")]
)
def test_a_run_rate_keeps_the_digits_that_say_something(rate: float, printed: str) -> None:
    """A language-model tournament plays a match in seconds: its rate must not print as 0."""
    from arena.cli import _per_second

    assert _per_second(rate) == printed

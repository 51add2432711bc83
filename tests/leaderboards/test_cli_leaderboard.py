"""``arena leaderboard show`` and ``publish`` as a user runs them, on real database files.

Which tournaments a leaderboard ranks (one by default, named on stderr; several only of one
game), what it says when there is nothing to rank, and every publishing failure as one line.
"""

from __future__ import annotations

import math
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.arena.test_cli import assert_one_line_error
from tests.conftest import run_cli
from tests.leaderboards.conftest import PD, STAG, record, round_robin
from tests.leaderboards.pages import (
    EVIL_NAMES,
    SITE_FORBIDDEN_ATTRIBUTES,
    SITE_TAGS,
    Page,
    markdown_agents,
    outside_links,
    strict_json,
)


@pytest.fixture
def two_tournaments(make_db: Callable[..., Path]) -> Path:
    """'first' (a, b, c) and then 'second' (x, y) of one game, and 'stag' (p, q) of another."""
    return make_db(
        {
            "first": (PD, {"rounds": 10}, round_robin(["a", "b", "c"])),
            "second": (PD, {"rounds": 10}, round_robin(["x", "y"])),
            "stag": (STAG, {"rounds": 10}, round_robin(["p", "q"])),
        }
    )


def show_json(*args: str | Path) -> tuple[list[dict], str]:
    shown = run_cli("leaderboard", "show", "--json", "--bootstrap", "20", *args)
    assert shown.returncode == 0, shown.stderr
    rows = strict_json(shown.stdout)  # stdout is pure JSON: notes go to stderr
    assert isinstance(rows, list)
    return rows, shown.stderr


def test_without_a_name_the_most_recent_tournament_is_ranked(two_tournaments: Path) -> None:
    rows, note = show_json("--db", two_tournaments)
    assert {row["agent"] for row in rows} == {"p", "q"}  # not every tournament pooled
    assert {row["game"] for row in rows} == {STAG}
    assert all(row["tournaments"] == ["stag"] for row in rows)
    assert note.startswith("arena: ranking tournament 'stag', the most recent of 3")
    assert "'first'" in note and "'second'" in note and "--tournament" in note


def test_the_only_tournament_is_named(make_db: Callable[..., Path]) -> None:
    db = make_db({"solo": (PD, {"rounds": 10}, round_robin(["a", "b"]))})
    rows, note = show_json("--db", db)
    assert len(rows) == 2
    assert note.strip() == "arena: ranking tournament 'solo', the only one in arena.db"
    table = run_cli("leaderboard", "show", "--db", db, "--bootstrap", "20")
    assert table.returncode == 0, table.stderr
    assert "Leaderboard: solo" in table.stdout and PD in table.stdout


def test_a_named_tournament_is_ranked_without_a_note(two_tournaments: Path) -> None:
    rows, note = show_json("--db", two_tournaments, "-t", "first")
    assert {row["agent"] for row in rows} == {"a", "b", "c"}
    assert note == ""


def test_tournaments_of_one_game_pool_on_request(two_tournaments: Path) -> None:
    rows, _ = show_json("--db", two_tournaments, "-t", "second", "--tournament", "first")
    assert {row["agent"] for row in rows} == {"a", "b", "c", "x", "y"}
    assert all(row["tournaments"] == ["first", "second"] for row in rows)  # oldest first
    assert sum(row["matches"] for row in rows) == 2 * (6 + 2)  # two seats a match


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["-t", "first", "-t", "stag"], ["different games", f"'first' plays {PD}", STAG]),
        (["--all"], ["different games", f"'first', 'second' play {PD}", f"'stag' plays {STAG}"]),
        (["-t", "first", "--all"], ["--tournament and --all"]),
        (["-t", "first", "-t", "nope"], ["no tournament 'nope'", "stored: first, second, stag"]),
    ],
    ids=["two-games", "all-of-two-games", "both-options", "unknown"],
)
def test_tournaments_that_do_not_pool_are_refused(
    two_tournaments: Path, args: list[str], fragments: list[str]
) -> None:
    for command in (["show", "--json"], ["publish", "--out", two_tournaments.parent / "site"]):
        result = run_cli("leaderboard", *command, "--db", two_tournaments, *args)
        assert_one_line_error(result, *fragments)
    assert not (two_tournaments.parent / "site").exists()


def test_all_pools_every_tournament_of_one_game(make_db: Callable[..., Path]) -> None:
    db = make_db(
        {
            "monday": (PD, {"rounds": 10}, round_robin(["a", "b"])),
            "tuesday": (PD, {"rounds": 10}, round_robin(["b", "c"])),
        }
    )
    rows, note = show_json("--db", db, "--all")
    assert {row["agent"] for row in rows} == {"a", "b", "c"} and note == ""
    assert all(row["tournaments"] == ["monday", "tuesday"] for row in rows)


def test_one_game_with_different_settings_does_not_pool(make_db: Callable[..., Path]) -> None:
    db = make_db(
        {
            "long": (PD, {"rounds": 200}, round_robin(["a", "b"])),
            "short": (PD, {"rounds": 10}, round_robin(["a", "b"])),
        }
    )
    result = run_cli("leaderboard", "show", "--db", db, "--all")
    assert_one_line_error(result, "'long' and 'short'", "different settings", "rounds 200 vs 10")


@pytest.mark.parametrize(
    "command",
    [["show"], ["show", "--json"], ["publish", "--out", "{site}"]],
    ids=["table", "json", "publish"],
)
@pytest.mark.parametrize("named", [True, False], ids=["named", "default"])
def test_a_tournament_without_matches_has_nothing_to_rank(
    make_db: Callable[..., Path], command: list[str], named: bool
) -> None:
    # What a tournament whose first match failed leaves behind: its row, no match.
    db = make_db({"broken": (PD, {"rounds": 10}, [])})
    site = db.parent / "site"
    args = [a.format(site=site) for a in command] + (["-t", "broken"] if named else [])
    result = run_cli("leaderboard", *args, "--db", db)
    assert_one_line_error(result, "tournament 'broken' has no stored matches: nothing to rank")
    assert not site.exists()


def test_a_database_without_tournaments_has_nothing_to_rank(tmp_path: Path) -> None:
    from arena.store import Store

    with Store(tmp_path / "empty.db"):
        pass
    result = run_cli("leaderboard", "show", "--db", tmp_path / "empty.db")
    assert_one_line_error(result, "no tournaments stored, nothing to rank")


def test_huge_payoffs_stay_valid_json(make_db: Callable[..., Path]) -> None:
    db = make_db(
        {
            "huge": (
                PD,
                {"rounds": 10},
                [
                    record(0, ("a", "b"), (1e308, 1e308)),
                    record(1, ("b", "a"), (1e308, -1e308)),
                    record(2, ("a", "c"), (1e308, math.inf)),  # a stored infinity: null
                ],
            )
        }
    )
    rows, _ = show_json("--db", db)
    means = {row["agent"]: row["mean_payoff"] for row in rows}
    # a: 1e308, -1e308 and 1e308; b: 1e308 twice. No sum may overflow on the way.
    # JSON keeps 17 significant digits of these: a relative tolerance of a few ulps.
    assert means["a"] == pytest.approx(1e308 / 3, rel=1e-15)
    assert means["b"] == pytest.approx(1e308, rel=1e-15)
    assert means["c"] is None
    site = db.parent / "site"
    assert run_cli("leaderboard", "publish", "--db", db, "--out", site).returncode == 0
    strict_json((site / "leaderboard.json").read_text())


def test_without_bootstrap_there_is_no_interval(make_db: Callable[..., Path]) -> None:
    db = make_db({"t": (PD, {"rounds": 10}, round_robin(["a", "b", "c"]))})
    shown = run_cli("leaderboard", "show", "--db", db, "--json", "--bootstrap", "0")
    rows = strict_json(shown.stdout)
    assert all(row["ci_low"] is None and row["ci_high"] is None for row in rows)
    table = run_cli("leaderboard", "show", "--db", db, "--bootstrap", "0")
    lines = [line for line in table.stdout.splitlines() if " a " in line]
    assert len(lines) == 1 and " to " not in lines[0], table.stdout
    assert "│ -" in lines[0] or "| -" in lines[0]


@pytest.mark.parametrize(
    "out",
    ["/proc/nope/site", "/proc/self/status/site", "{db}"],
    ids=["missing-parent", "parent-is-a-file", "out-is-a-file"],
)
def test_a_site_that_cannot_be_written_is_one_line(make_db: Callable[..., Path], out: str) -> None:
    db = make_db({"t": (PD, {"rounds": 10}, round_robin(["a", "b"]))})
    out = out.format(db=db)
    result = run_cli("leaderboard", "publish", "--db", db, "--out", out)
    assert_one_line_error(result, out)


@pytest.mark.parametrize(
    "foreign",
    [".bashrc", "notes.txt", "photos/", "index.html+style.css"],
)
def test_a_folder_the_arena_did_not_write_is_never_replaced(
    make_db: Callable[..., Path], foreign: str
) -> None:
    db = make_db({"t": (PD, {"rounds": 10}, round_robin(["a", "b"]))})
    home = db.parent / "home"
    home.mkdir()
    for name in foreign.split("+"):
        if name.endswith("/"):
            (home / name).mkdir()
        else:
            (home / name).write_text("mine\n")
    before = sorted(p.name for p in home.iterdir())
    result = run_cli("leaderboard", "publish", "--db", db, "--out", home)
    assert_one_line_error(result, "which a publish does not write", "refusing to replace")
    assert sorted(p.name for p in home.iterdir()) == before
    assert [p.name for p in db.parent.iterdir() if "arena-publish" in p.name] == []


def test_publishing_twice_gives_identical_files_and_replaces_the_folder(
    make_db: Callable[..., Path],
) -> None:
    db = make_db({"t": (PD, {"rounds": 10}, round_robin(["a", "b", "c"]))})
    site = db.parent / "site"
    contents = []
    for _ in range(2):
        published = run_cli("leaderboard", "publish", "--db", db, "--out", site)
        assert published.returncode == 0, published.stderr
        contents.append(
            {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
        )
    assert contents[0] == contents[1]
    top = {name for name in contents[0] if "/" not in name}
    assert top == {"index.html", "leaderboard.json", "leaderboard.md", "matches.csv"}
    assert "tournaments/1-t/index.html" in contents[0], sorted(contents[0])
    assert [p.name for p in db.parent.iterdir() if not p.name.startswith("arena.db")] == ["site"]
    stamped = run_cli("leaderboard", "publish", "--db", db, "--out", site, "--timestamp")
    assert stamped.returncode == 0, stamped.stderr
    assert "Published 20" in (site / "index.html").read_text()
    for name in ("leaderboard.md", "leaderboard.json"):
        assert (site / name).read_bytes() == contents[0][name]


@pytest.mark.parametrize(("umask", "file_mode", "folder_mode"), [(0o022, 0o644, 0o755)])
def test_published_files_are_readable_by_a_web_server(
    make_db: Callable[..., Path], umask: int, file_mode: int, folder_mode: int
) -> None:
    db = make_db({"t": (PD, {"rounds": 10}, round_robin(["a", "b"]))})
    site = db.parent / "site"
    old = os.umask(umask)  # the arena process inherits it
    try:
        for _ in range(2):  # a new site, then one over it
            assert run_cli("leaderboard", "publish", "--db", db, "--out", site).returncode == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(site.stat().st_mode) == folder_mode
    modes = {
        p.relative_to(site).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in site.rglob("*")
    }
    assert {"index.html", "leaderboard.md", "leaderboard.json", "matches.csv"} <= set(modes)
    folders = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_dir()}
    assert folders and {modes[name] for name in folders} == {folder_mode}
    assert {mode for name, mode in modes.items() if name not in folders} == {file_mode}


def test_published_names_are_text_and_the_tournament_is_named(
    make_db: Callable[..., Path],
) -> None:
    db = make_db({"evil <b>cup</b>": (PD, {"rounds": 10}, round_robin(list(EVIL_NAMES)))})
    site = db.parent / "site"
    published = run_cli("leaderboard", "publish", "--db", db, "--out", site, "--bootstrap", "20")
    assert published.returncode == 0, published.stderr
    rows = strict_json((site / "leaderboard.json").read_text())
    assert isinstance(rows, list)
    ranked = [EVIL_NAMES[row["agent"]] for row in rows]
    assert all(row["game"] == PD and row["tournaments"] == ["evil <b>cup</b>"] for row in rows)

    html = (site / "index.html").read_text()
    page = Page(html)
    assert {tag for tag, _ in page.tags} <= SITE_TAGS and outside_links(page.tags) == []
    for tag, attrs in page.tags:
        assert not SITE_FORBIDDEN_ATTRIBUTES & set(attrs), tag
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    assert page.names == ranked and page.titles == ranked
    assert "evil &lt;b&gt;cup&lt;/b&gt;" in html and PD in html and "rounds 10" in html

    markdown = (site / "leaderboard.md").read_text()
    names, body = markdown_agents(markdown)
    assert names == ranked
    for tag in ("<a ", "<img", "<script", "<em>", "<strong>", "<code>", "<del>", "<s>", "<!--"):
        assert tag not in body, tag
    assert "evil &lt;b&gt;cup&lt;/b&gt;" in markdown and PD in markdown


def test_without_bootstrap_the_page_and_markdown_show_no_interval(
    make_db: Callable[..., Path],
) -> None:
    db = make_db({"t": (PD, {"rounds": 10}, round_robin(["a", "b", "c"]))})
    site = db.parent / "site"
    published = run_cli("leaderboard", "publish", "--db", db, "--out", site, "--bootstrap", "0")
    assert published.returncode == 0, published.stderr
    html = (site / "index.html").read_text()
    assert not re.search(r"\b(\d+) (&ndash;|\u2013|to) \1\b", html)  # no "1466 to 1466"
    markdown = (site / "leaderboard.md").read_text()
    rows = [line.split(" | ") for line in markdown.splitlines() if line.startswith("| 1 |")]
    assert rows[0][3] == "-"
    data = strict_json((site / "leaderboard.json").read_text())
    assert isinstance(data, list)
    assert all(row["ci_low"] is None and row["ci_high"] is None for row in data)

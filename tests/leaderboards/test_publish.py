"""Publishing a site: files a web server can read, replaced whole, names shown as text.

Kills are real (``SIGKILL`` of a publishing process at a chosen step) and the Markdown is
rendered by a real CommonMark renderer (markdown-it-py, with GFM tables and strikethrough).
"""

from __future__ import annotations

import errno
import json
import os
import re
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from arena.leaderboards import publish as publishing
from arena.leaderboards.board import Board
from arena.leaderboards.publish import PublishError, publish, render
from arena.leaderboards.standings import Standing, compute_leaderboard
from arena.store import Result
from tests.leaderboards.conftest import PD, TEN_AGENTS
from tests.leaderboards.pages import (
    EVIL_NAMES,
    FORBIDDEN_ATTRIBUTES,
    PAGE_TAGS,
    Page,
    markdown_agents,
    strict_json,
)


def board_of(names: list[str] | tuple[str, ...], *, bootstrap: int = 20) -> Board:
    """A round robin of ``names`` in which earlier names win."""
    results = [
        Result("t", k, (a, b), (2.0, 1.0) if i < j else (1.0, 2.0))
        for k, (i, j, a, b) in enumerate(
            (i, j, a, b) for i, a in enumerate(names) for j, b in enumerate(names) if i != j
        )
    ]
    table = compute_leaderboard(results, bootstrap=bootstrap)
    return Board(
        tuple(table),
        game=PD,
        tournaments=("weekly <b>cup</b>",),
        settings={"rounds": 10},
        matches=len(results),
        bootstrap=bootstrap,
        database="arena.db",
    )


def site_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def leftovers(folder: Path) -> list[str]:
    """Entries beside the site that a publish may leave after a crash."""
    return sorted(p.name for p in folder.parent.iterdir() if p.name != folder.name)


# -- modes, byte-identical output, the whole-folder swap --------------------------------------


@pytest.mark.parametrize(
    ("umask", "file_mode", "folder_mode"), [(0o022, 0o644, 0o755), (0o027, 0o640, 0o750)]
)
def test_files_have_the_modes_any_program_gives(
    tmp_path: Path, umask: int, file_mode: int, folder_mode: int
) -> None:
    old = os.umask(umask)
    try:
        publish(board_of(["a", "b"]), tmp_path / "site")
        publish(board_of(["a", "b", "c"]), tmp_path / "site")  # again, over the old site
    finally:
        os.umask(old)
    site = tmp_path / "site"
    assert stat.S_IMODE(site.stat().st_mode) == folder_mode
    for path in site.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == file_mode, path.name


def test_the_same_data_gives_byte_identical_files(tmp_path: Path) -> None:
    publish(board_of(TEN_AGENTS), tmp_path / "one")
    publish(board_of(TEN_AGENTS), tmp_path / "two")
    assert site_files(tmp_path / "one") == site_files(tmp_path / "two")
    stamped = render(board_of(TEN_AGENTS), stamp="2025-01-02 03:04 UTC")
    assert "Published 2025-01-02 03:04 UTC." in stamped["index.html"]
    plain = site_files(tmp_path / "one")
    for name in ("leaderboard.md", "leaderboard.json"):  # the stamp is in the page only
        assert stamped[name].encode() == plain[name]


def test_a_site_is_replaced_by_a_new_folder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(board_of(["a", "b"]), site)
    (site / ".index.html.x1y2.tmp").write_text("debris of an earlier arena")
    first = site.stat().st_ino
    publish(board_of(["a", "b", "c"]), site)
    assert site.stat().st_ino != first  # a new folder, swapped in
    assert sorted(p.name for p in site.iterdir()) == sorted(publishing.SITE_FILES)
    assert "c" in {row["agent"] for row in json.loads((site / "leaderboard.json").read_text())}
    assert leftovers(site) == []


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_both_ways_of_swapping_give_the_new_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool
) -> None:
    if not exchange:
        monkeypatch.setattr(publishing, "_exchange", lambda a, b: False)
    site = tmp_path / "site"
    publish(board_of(["a", "b"]), site)
    publish(board_of(["a", "b", "c"]), site)
    assert site_files(site) == {k: v.encode() for k, v in render(board_of(["a", "b", "c"])).items()}
    assert leftovers(site) == []


def test_a_symlinked_folder_is_replaced_where_it_points(tmp_path: Path) -> None:
    (tmp_path / "www").mkdir()
    link = tmp_path / "site"
    link.symlink_to(tmp_path / "www" / "board")
    publish(board_of(["a", "b"]), link)
    publish(board_of(["a", "b", "c"]), link)
    assert link.is_symlink() and (tmp_path / "www" / "board" / "index.html").is_file()
    assert sorted(p.name for p in (tmp_path / "www").iterdir()) == ["board"]


@pytest.mark.parametrize(
    "entries",
    [[".bashrc"], ["notes.txt"], ["photos/"], ["index.html", "style.css"], ["index.html/"]],
)
def test_a_folder_with_other_files_is_never_replaced(tmp_path: Path, entries: list[str]) -> None:
    home = tmp_path / "home"
    home.mkdir()
    for entry in entries:
        if entry.endswith("/"):
            (home / entry).mkdir()
        else:
            (home / entry).write_text("mine")
    before = sorted(p.name for p in home.iterdir())
    with pytest.raises(PublishError, match="which a publish does not write"):
        publish(board_of(["a", "b"]), home)
    assert sorted(p.name for p in home.iterdir()) == before
    assert leftovers(home) == []


def test_an_empty_folder_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    publish(board_of(["a", "b"]), tmp_path / "site")
    assert (tmp_path / "site" / "index.html").is_file()


def test_a_failure_while_writing_keeps_the_old_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    publish(board_of(["a", "b"]), site)
    old = site_files(site)
    written: list[Path] = []

    def full_disk(path: Path, text: str) -> None:
        if written:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        written.append(path)
        path.write_text(text)

    monkeypatch.setattr(publishing, "_write_file", full_disk)
    with pytest.raises(PublishError) as raised:
        publish(board_of(["a", "b", "c"]), site)
    message = str(raised.value)
    assert message.startswith(f"{site}: cannot publish the site: No space left on device")
    assert "\n" not in message
    assert site_files(site) == old
    assert leftovers(site) == []


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from arena.leaderboards import publish as publishing
    from tests.leaderboards.test_publish import board_of

    step, out = sys.argv[1], Path(sys.argv[2])

    def kill(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    real_write = publishing._write_file
    def write(path, text):  # dies half-way through the second file
        if path.name == publishing.SITE_FILES[1]:
            with open(path, "x") as stream:
                stream.write(text[: len(text) // 2])
            kill()
        real_write(path, text)

    if step == "writing":
        publishing._write_file = write
    elif step == "swapping":
        publishing._exchange = kill
    elif step == "between-renames":  # the fallback without renameat2: killed between them
        publishing._exchange = lambda a, b: False
        real_rename = os.rename
        def rename(a, b):
            real_rename(a, b)
            if Path(b).name.endswith("-old"):
                kill()
        publishing.os.rename = rename
    elif step == "removing-the-old":
        publishing._remove = kill
    publishing.publish(board_of(["a", "b", "c"]), out)
    """
)


@pytest.mark.parametrize("step", ["writing", "swapping", "between-renames", "removing-the-old"])
def test_a_kill_at_any_step_leaves_one_complete_site(tmp_path: Path, step: str) -> None:
    site = tmp_path / "site"
    publish(board_of(["a", "b"]), site)
    old = site_files(site)
    new = {name: text.encode() for name, text in render(board_of(["a", "b", "c"])).items()}
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, step, str(site)],
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    debris = leftovers(site)
    assert all(name.startswith(".site.arena-publish-") for name in debris), debris
    if step == "between-renames":  # the one window without renameat2: no site, both kept
        assert not site.exists() and len(debris) == 2
    else:
        assert site_files(site) == (old if step in ("writing", "swapping") else new)
        assert len(debris) <= 1
    publish(board_of(["a", "b", "c"]), site)  # the next publish cleans up
    assert site_files(site) == new
    assert leftovers(site) == []


# -- names as text ----------------------------------------------------------------------------


def test_the_page_shows_names_as_text() -> None:
    board = board_of(list(EVIL_NAMES))
    html = render(board)["index.html"]
    page = Page(html)
    assert {tag for tag, _ in page.tags} <= PAGE_TAGS
    for tag, attrs in page.tags:
        assert not FORBIDDEN_ATTRIBUTES & set(attrs), tag
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    shown = [EVIL_NAMES[s.agent] for s in board.standings]
    assert page.names == shown and page.titles == shown  # the whole name, as written
    assert "weekly &lt;b&gt;cup&lt;/b&gt;" in html


def test_markdown_shows_names_as_text() -> None:
    board = board_of(list(EVIL_NAMES))
    markdown = render(board)["leaderboard.md"]
    names, body = markdown_agents(markdown)
    assert names == [EVIL_NAMES[s.agent] for s in board.standings]  # every name, as written
    for tag in ("<a ", "<img", "<script", "<em>", "<strong>", "<code>", "<s>", "<del>", "<!--"):
        assert tag not in body
    # GFM's and GitHub's autolinks (bare URLs, www., e-mail, @mentions) need an unescaped
    # ":", "www." or "@", which markdown-it-py does not look for: none is left in the rows.
    rows = markdown.split("\n| 1 |")[1].split("\n\n")[0]
    assert not re.search(r"(?<!\\)[:@]|www\.", rows)
    assert "https\\://example.com" in rows and "www\\.example.com" in rows
    assert "# Leaderboard: weekly &lt;b&gt;cup&lt;/b&gt;" in markdown


def test_every_form_names_the_game_and_tournaments() -> None:
    site = render(board_of(["a", "b"]))
    for name in ("index.html", "leaderboard.md"):
        assert PD in site[name] and "rounds 10" in site[name], name
        assert "weekly &lt;b&gt;cup&lt;/b&gt;" in site[name], name
    for row in json.loads(site["leaderboard.json"]):
        assert row["game"] == PD and row["tournaments"] == ["weekly <b>cup</b>"]


def test_without_bootstrap_every_form_shows_no_interval() -> None:
    board = board_of(["a", "b", "c"], bootstrap=0)
    site = render(board)
    assert "<line" not in site["index.html"]  # no interval bar, only the rating's dot
    assert site["index.html"].count('<td class="ci">-</td>') == 3
    assert "no intervals" in site["index.html"]
    rows = [line for line in site["leaderboard.md"].splitlines() if line.startswith("| 1 |")]
    assert rows[0].split(" | ")[3] == "-"
    assert all(
        r["ci_low"] is None and r["ci_high"] is None for r in json.loads(site["leaderboard.json"])
    )


@pytest.mark.parametrize("value", [float("inf"), float("nan"), -float("inf")])
def test_json_is_strict_with_non_finite_numbers(value: float) -> None:
    row = Standing("a", value, value, value, value, 1, 0, 1, 0, value, cost=value)
    text = render(Board((row,), game=PD, tournaments=("t",)))["leaderboard.json"]
    (data,) = strict_json(text)
    assert [data[k] for k in ("rating", "ci_low", "ci_high", "elo", "mean_payoff", "cost")] == [
        None
    ] * 6

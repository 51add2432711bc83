"""Multiplayer leaderboards as a user gets them: a real N-player tournament, the real CLI.

A three-player public-goods game (``matrix/custom-v0``): every cooperator adds 2/3 to each
player's payoff, a defector keeps 1 more for itself. Within a match the payoffs rank the
players by how often they defected, so always-defect is first, the alternator in the middle
and always-cooperate last, whatever the others do: known strengths, measured by a real
tournament stored in a real SQLite file and ranked by ``arena leaderboard show`` and
``publish`` as subprocesses.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.leaderboards.pages import Page, strict_json

OPENSKILL_FIELDS = {"openskill_mu", "openskill_sigma", "ordinal", "ordinal_ci_low"}
OPENSKILL_FIELDS |= {"ordinal_ci_high"}
AGENTS = ["always-cooperate", "always-defect", "alternator", "tit-for-tat", "random"]


def public_goods(players: int) -> list:
    """Each player's payoff table over the joint action (0 cooperate, 1 defect)."""

    def payoff(player: int, actions: tuple[int, ...]) -> float:
        return round(2 * actions.count(0) / players + actions[player], 4)

    tables = []
    for player in range(players):
        table = {a: payoff(player, a) for a in itertools.product((0, 1), repeat=players)}

        def nest(prefix: tuple[int, ...], table: dict = table) -> list | float:
            if len(prefix) == players:
                return table[prefix]
            return [nest((*prefix, a)) for a in (0, 1)]

        tables.append(nest(()))
    return tables


def tournament(name: str, players: int, schedule: str, agents: list[str] = AGENTS) -> str:
    listed = "\n".join(f'[[agents]]\nname = "{agent}"' for agent in agents)
    return f"""
[tournament]
name = "{name}"
seed = 4
[game]
id = "matrix/custom-v0"
rounds = 6
payoffs = {json.dumps(public_goods(players))}
[schedule]
{schedule}
{listed}
"""


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A 3-player round robin and a 4-player random-groups tournament, run by ``arena run``."""
    folder = tmp_path_factory.mktemp("multiplayer")
    files = {
        "three": tournament("three", 3, 'format = "round-robin"\nrepetitions = 2'),
        "four": tournament("four", 4, 'format = "random-groups"\nmatches = 60'),
    }
    paths = {}
    for name, text in files.items():
        (folder / f"{name}.toml").write_text(text, encoding="utf-8")
        db = folder / f"{name}.db"
        ran = run_cli("run", folder / f"{name}.toml", "--db", db, "--quiet", "--workers", "1")
        assert ran.returncode == 0, ran.stderr
        paths[name] = db
    return paths


def show_json(db: Path, *args: str) -> list[dict]:
    shown = run_cli("leaderboard", "show", "--db", db, "--json", "--bootstrap", "100", *args)
    assert shown.returncode == 0, shown.stderr
    rows = strict_json(shown.stdout)
    assert isinstance(rows, list)
    return rows


@pytest.mark.parametrize(("name", "matches"), [("three", 2 * 60), ("four", 60)])
def test_show_json_has_openskill_ratings_with_intervals(
    databases: dict[str, Path], name: str, matches: int
) -> None:
    rows = show_json(databases[name])
    assert {row["agent"] for row in rows} == set(AGENTS)
    for row in rows:
        assert set(row) >= OPENSKILL_FIELDS
        assert row["ordinal_ci_low"] <= row["ordinal"] <= row["ordinal_ci_high"]
        assert row["ordinal_ci_low"] < row["ordinal_ci_high"]
        assert row["ordinal"] == pytest.approx(
            row["openskill_mu"] - 3 * row["openskill_sigma"], abs=2e-3
        )
    ordinal = {row["agent"]: row["ordinal"] for row in rows}
    assert ordinal["always-defect"] > ordinal["alternator"] > ordinal["always-cooperate"]
    assert max(ordinal, key=ordinal.__getitem__) == "always-defect"
    assert min(ordinal, key=ordinal.__getitem__) == "always-cooperate"
    assert sum(row["matches"] for row in rows) == matches * (3 if name == "three" else 4)


def test_the_same_database_and_seed_give_the_same_numbers(databases: dict[str, Path]) -> None:
    first = show_json(databases["four"], "--seed", "3")
    assert show_json(databases["four"], "--seed", "3") == first
    other = show_json(databases["four"], "--seed", "4")
    assert [r["openskill_mu"] for r in other] == [r["openskill_mu"] for r in first]
    assert [r["ordinal_ci_low"] for r in other] != [r["ordinal_ci_low"] for r in first]


def test_the_table_shows_the_openskill_columns(databases: dict[str, Path]) -> None:
    shown = run_cli("leaderboard", "show", "--db", databases["three"], "--bootstrap", "50")
    assert shown.returncode == 0, shown.stderr
    for column in ("rating", "mu", "sigma", "ordinal", "ordinal 95% CI"):
        assert column in shown.stdout
    line = next(line for line in shown.stdout.splitlines() if "always-defect" in line)
    assert " to " in line.split("always-defect")[1]


def test_the_published_page_and_markdown_show_them(
    databases: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "site"
    published = run_cli(
        "leaderboard", "publish", "--db", databases["four"], "--out", out, "--bootstrap", "50"
    )
    assert published.returncode == 0, published.stderr
    markdown = (out / "leaderboard.md").read_text(encoding="utf-8")
    header = next(line for line in markdown.splitlines() if line.startswith("| # |"))
    assert "| mu | sigma | ordinal | ordinal 95% CI |" in header
    lines = markdown.splitlines()
    start = lines.index(header)
    rows = list(itertools.takewhile(lambda line: line.startswith("|"), lines[start:]))
    rows = [line for line in rows if "---" not in line]  # the leaderboard table, not the others
    assert len(rows) == len(AGENTS) + 1
    assert {line.count("|") for line in rows} == {header.count("|")}
    assert "OpenSkill Plackett-Luce over 60 matches in match order" in markdown
    assert "Plackett-Luce model as the openskill package implements it" in markdown
    html = (out / "index.html").read_text(encoding="utf-8")
    page = Page(html)
    assert "ordinal 95% interval" in html and len(page.names) == len(AGENTS)
    published_rows = strict_json((out / "leaderboard.json").read_text(encoding="utf-8"))
    assert all(set(row) >= OPENSKILL_FIELDS for row in published_rows)


def test_self_play_matches_are_left_out_and_said_so(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    text = tournament("selfish", 3, "self_play = true\nswap_seats = false", AGENTS[:3])
    db = tmp_path / "a.db"
    assert run_cli("run", write_toml(text), "--db", db, "--quiet").returncode == 0
    rows = show_json(db)
    assert all(set(row) >= OPENSKILL_FIELDS for row in rows)
    out = tmp_path / "site"
    assert run_cli("leaderboard", "publish", "--db", db, "--out", out).returncode == 0
    markdown = (out / "leaderboard.md").read_text(encoding="utf-8")
    # combinations with replacement of 3 agents in 3 seats: 10, of which 1 without self-play
    assert "OpenSkill Plackett-Luce over 1 matches in match order (9 with self-play" in markdown


def test_two_seat_leaderboards_are_unchanged(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    text = tournament("pairs", 2, 'format = "round-robin"', AGENTS[:3])
    db = tmp_path / "a.db"
    assert run_cli("run", write_toml(text), "--db", db, "--quiet").returncode == 0
    rows = show_json(db)
    assert rows and all(not (OPENSKILL_FIELDS & set(row)) for row in rows)
    shown = run_cli("leaderboard", "show", "--db", db, "--bootstrap", "20")
    assert "ordinal" not in shown.stdout and "sigma" not in shown.stdout

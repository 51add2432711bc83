"""Auction tournaments through the real CLI: the report's measures and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.arena.test_cli import assert_one_line_error
from tests.conftest import run_cli

EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("auction") / "a.db"
    for example in ("revenue-equivalence", "aucarena-scripted"):
        result = run_cli("run", EXAMPLES / f"{example}.toml", "--db", path, timeout=300)
        assert result.returncode == 0, result.stderr
    return path


def test_the_revenue_equivalence_report_shows_the_textbook_result(db: Path) -> None:
    result = run_cli("report", "--db", db, "-t", "revenue-equivalence", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["format"] == "first_price" and data["items"] == 4000
    revenue = data["revenue_per_item"]
    assert data["expected_revenue_per_item"] == pytest.approx(50.0)
    assert revenue["ci_low"] < 50.0 < revenue["ci_high"]  # equilibrium bids earn the theory's
    (bidder,) = data["bidders"]
    assert bidder["agent"] == "equilibrium" and bidder["seats"] == 60
    assert bidder["equilibrium_deviation"]["mean"] == pytest.approx(0.0, abs=1e-12)
    assert bidder["money_left"]["mean"] is None  # sealed bids have no budget
    table = run_cli("report", "--db", db, "-t", "revenue-equivalence")
    assert "revenue per item (95% CI)" in table.stdout and "expected in equilibrium" in table.stdout


def test_the_english_report_ranks_bidders_by_profit_and_says_there_is_no_closed_form(
    db: Path,
) -> None:
    data = json.loads(run_cli("report", "--db", db, "-t", "aucarena-scripted", "--json").stdout)
    assert data["expected_revenue_per_item"] is None and data["items"] == 300
    profits = [b["profit"]["mean"] for b in data["bidders"]]
    assert profits == sorted(profits, reverse=True) and len(profits) == 5
    for b in data["bidders"]:
        assert b["profit"]["ci_low"] <= b["profit"]["mean"] <= b["profit"]["ci_high"]
        assert b["equilibrium_deviation"]["mean"] is None
        assert 0 <= b["money_left"]["mean"] <= 10_000 and b["value_won"]["mean"] >= 0
    assert "no closed form" in run_cli("report", "--db", db, "-t", "aucarena-scripted").stdout
    board = json.loads(
        run_cli(
            "leaderboard",
            "show",
            "--db",
            db,
            "-t",
            "aucarena-scripted",
            "--json",
            "--bootstrap",
            "50",
        ).stdout
    )
    assert {"openskill_mu", "openskill_sigma", "ordinal"} <= set(board[0])


@pytest.mark.parametrize(
    ("game", "agents", "key"),
    [
        ('id = "auction/first-price-v0"\nreserve = 150', ["truthful"] * 3, "reserve"),
        (
            'id = "auction/first-price-v0"\nvalues = {dist = "beta"}',
            ["truthful"] * 3,
            "values.dist",
        ),
        ('id = "auction/english-v0"\nbudget = -5', ["truthful"] * 3, "budget"),
        ('id = "auction/english-v0"\nmin_raise = 0', ["truthful"] * 3, "min_raise"),
        ('id = "auction/english-v0"\nmin_raise = 1.5', ["truthful"] * 3, "min_raise"),
        ('id = "auction/english-v0"\nitems = []', ["truthful"] * 3, "items"),
        ('id = "auction/first-price-v0"\nbidders = 4', ["truthful", "shade", "random"], "agents"),
    ],
)
def test_bad_auction_files_are_one_line_errors_and_write_nothing(
    tmp_path: Path, game: str, agents: list[str], key: str
) -> None:
    listed = "".join(f'[[agents]]\nname = "{name}"\n' for name in dict.fromkeys(agents))
    text = f'[tournament]\nname = "bad"\n\n[game]\n{game}\n\n{listed}'
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("run", path, "--db", tmp_path / "bad.db")
    assert_one_line_error(result, str(path), key)
    assert not (tmp_path / "bad.db").exists()

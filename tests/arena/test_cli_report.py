"""`arena report`: a bargaining tournament's own measures through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

EXAMPLES = Path(__file__).parents[2] / "examples"
REQUIRED = {"round", "games", "deal_rate", "mean_price", "price_ci_low", "price_ci_high"}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "a.db"
    for example in ("fu2023-balloon-scripted", "deal-or-no-deal", "quickstart"):
        result = run_cli("run", EXAMPLES / f"{example}.toml", "--db", path, timeout=300)
        assert result.returncode == 0, result.stderr
    return path


def test_the_feedback_report_has_one_object_per_round(db: Path) -> None:
    result = run_cli("report", "--db", db, "--tournament", "fu2023-balloon-scripted", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["games"] == 100 and data["deal_rate"] == 1.0
    assert [r["round"] for r in data["rounds"]] == [0, 1, 2, 3, 4]
    for row in data["rounds"]:
        assert REQUIRED | {"deals_broken"} <= set(row) and row["games"] == 20
        assert row["price_ci_low"] <= row["mean_price"] <= row["price_ci_high"]
    prices = [r["mean_price"] for r in data["rounds"]]
    assert prices == sorted(prices) and prices[0] < prices[-1]
    assert data["price_ci_low"] < data["mean_price"] < data["price_ci_high"]


def test_the_table_and_a_plain_tournament(db: Path) -> None:
    table = run_cli("report", "--db", db, "-t", "fu2023-balloon-scripted")
    assert "By feedback round" in table.stdout and "deals broken" in table.stdout
    plain = run_cli("report", "--db", db, "-t", "deal-or-no-deal", "--json")
    data = json.loads(plain.stdout)
    assert data["rounds"] == [] and data["mean_price"] is None  # a division has no price
    assert 0 < data["deal_rate"] <= 1 and data["mean_distance_to_solution"] > 0


def test_matrix_tournaments_and_unknown_names_are_one_line_errors(db: Path) -> None:
    matrix = run_cli("report", "--db", db, "-t", "quickstart")
    assert matrix.returncode == 2
    assert "measures bargaining, auction and social deduction tournaments" in matrix.stderr
    unknown = run_cli("report", "--db", db, "-t", "nope")
    assert unknown.returncode == 2 and "no tournament 'nope'" in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1


def test_no_zone_of_agreement_is_reported_as_the_rational_outcome(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text(
        '[tournament]\nname = "nozone"\n[game]\nid = "bargaining/buyer-seller-v0"\n'
        'cost = 25.0\nvalue = 20.0\n[[agents]]\nname = "linear"\n[[agents]]\nname = "boulware"\n'
    )
    assert run_cli("run", path, "--db", tmp_path / "a.db").returncode == 0
    result = run_cli("report", "--db", tmp_path / "a.db")
    assert "no deal was the rational outcome" in result.stdout
    assert json.loads(run_cli("report", "--db", tmp_path / "a.db", "--json").stdout)[
        "no_zone_of_agreement"
    ]

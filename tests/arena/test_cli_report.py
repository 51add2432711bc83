"""`arena report`: a bargaining tournament's own measures through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arena.store import Store
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


def test_a_matrix_report_reads_the_solvers_scores_and_unknown_names_are_one_line(
    db: Path,
) -> None:
    result = run_cli("report", "--db", db, "-t", "quickstart", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    with Store(db, readonly=True) as store:
        rows = store.outcomes("quickstart")
    assert data["scored"] == data["matches"] == len(rows) > 0
    agents = {a["agent"]: a for a in data["agents"]}
    # Recomputed here from the stored records, seat by seat, independently of the report.
    regrets: dict[str, list[float]] = {}
    for row in rows:
        for seat, agent in enumerate(row["agents"]):
            regrets.setdefault(agent, []).append(row["metrics"]["solver"]["regret"][seat])
    for agent, values in regrets.items():
        # Sums in a different order: equal to rounding, far inside 1e-9 of numbers below 10.
        assert agents[agent]["regret"]["mean"] == pytest.approx(sum(values) / len(values), abs=1e-9)
        assert agents[agent]["seats"] == len(values)
    # Defection is dominant in the Prisoner's Dilemma: always-defect has no regret at all.
    assert agents["always-defect"]["regret"]["mean"] == pytest.approx(0.0, abs=1e-12)
    assert agents["always-cooperate"]["cooperation"]["mean"] == pytest.approx(1.0, abs=1e-12)
    assert data["best_symmetric"] == pytest.approx(3.0, abs=1e-12)
    memory = agents["always-cooperate"]["memory_one"]
    assert memory["expected_per_round"]["n"] > 0
    assert memory["luck_per_round"]["mean"] == pytest.approx(
        memory["scored_per_round"]["mean"] - memory["expected_per_round"]["mean"], abs=1e-9
    )
    table = run_cli("report", "--db", db, "-t", "quickstart")
    assert "NashConv of the empirical play" in table.stdout and "always-defect" in table.stdout
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

"""The solver's yardsticks stored with every bargaining match."""

from __future__ import annotations

from pathlib import Path

import pytest

from arena import play_match
from arena.config import parse_config
from arena.games.bargaining import yardsticks
from arena.store import Store
from arena.tournament import run_tournament


def test_buyer_seller_shares_against_the_nash_split() -> None:
    metrics = yardsticks.buyer_seller(8.0, 20.0, True, 17.0)
    assert metrics["nbs_price"] == pytest.approx(14.0, abs=1e-12)
    assert metrics["seller_share"] == pytest.approx(0.75, abs=1e-12)
    assert metrics["nbs_distance"] == pytest.approx(0.25, abs=1e-12)
    assert metrics["efficient"] and metrics["zone_of_agreement"]
    none = yardsticks.buyer_seller(25.0, 20.0, False, None)
    assert none["efficient"] and not none["zone_of_agreement"] and none["nbs_price"] is None
    assert not yardsticks.buyer_seller(8.0, 20.0, False, None)["efficient"]


def test_alternating_offers_against_the_equilibria() -> None:
    record = play_match(
        "bargaining/alternating-offers-v0", ["equilibrium", "equilibrium"], horizon=3
    )
    assert record.metrics["spe_distance"] == pytest.approx(0.0, abs=1e-12)
    assert record.metrics["efficiency"] == pytest.approx(1.0, abs=1e-12)  # no delay
    assert record.metrics["rubinstein_shares"][0] == pytest.approx(100 / 1.9, abs=1e-9)


def test_multi_issue_pareto_and_nash() -> None:
    # pool 1 book, 2 hats, 3 balls; player_0 values 8,1,0, player_1 4,0,2
    best = yardsticks.multi_issue((1, 2, 3), ((8, 1, 0), (4, 0, 2)), (10.0, 6.0))
    assert best["pareto_efficient"] and best["joint_value"] == best["max_joint_value"] == 16.0
    waste = yardsticks.multi_issue((1, 2, 3), ((8, 1, 0), (4, 0, 2)), (8.0, 4.0))
    assert not waste["pareto_efficient"]  # the book and hats to 0, balls to 1 is better for both
    assert waste["nbs_distance"] > best["nbs_distance"] >= 0.0


def test_metrics_and_outcomes_are_stored_with_the_match(tmp_path: Path) -> None:
    config = parse_config(
        {
            "tournament": {"name": "m", "seed": 2},
            "game": {"id": "bargaining/multi-issue-v0"},
            "agents": [{"name": "linear"}, {"name": "equilibrium"}],
        }
    )
    run_tournament(config, tmp_path / "a.db", workers=1)
    with Store(tmp_path / "a.db", readonly=True) as store:
        match = store.match("m", 0)
    assert set(match.metrics) >= {"joint_value", "pareto_efficient", "nbs_distance"}
    assert match.outcome["instance"] and match.metrics["joint_value"] == sum(match.payoffs)

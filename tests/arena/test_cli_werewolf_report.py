"""`arena report` on a Werewolf tournament through the real CLI: the game's own measures, each
agent's record, intervals around their means, and names shown as the text they are."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from arena.leaderboards.werewolf_report import summary, wilson
from arena.store import Store
from tests.conftest import run_cli

TOURNAMENT = "wolves"
ODD_NAMES = ["[bold]x[/bold]", "<script>"]
AGENTS = [f"random-{k}" for k in range(8)] + ODD_NAMES
MATCHES = 30
TOLERANCE = 1e-12  # the report and the test sum the same integers and floats


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("werewolf")
    agents = "".join(f'[[agents]]\nname = "random"\nalias = "{a}"\n' for a in AGENTS)
    text = (
        f'[tournament]\nname = "{TOURNAMENT}"\nseed = 12\n\n'
        '[game]\nid = "social/werewolf-v0"\nplayers = 8\n\n'
        f'[schedule]\nformat = "random-groups"\nmatches = {MATCHES}\n\n{agents}'
    )
    path = folder / "wolves.toml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("run", path, "--db", folder / "a.db", timeout=300)
    assert result.returncode == 0, result.stderr
    return folder / "a.db"


@pytest.fixture(scope="module")
def data(db: Path) -> dict[str, Any]:
    result = run_cli("report", "--db", db, "-t", TOURNAMENT, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def rows(db: Path) -> list[dict[str, Any]]:
    with Store(db, readonly=True) as store:
        return store.outcomes(TOURNAMENT)


def measures(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every measure with an interval in the report, with where it sits."""
    if isinstance(node, dict):
        if {"mean", "ci_low", "ci_high"} <= set(node):
            yield where, node
        for key, value in node.items():
            yield from measures(value, f"{where}.{key}")
    elif isinstance(node, list):
        for k, value in enumerate(node):
            yield from measures(value, f"{where}[{k}]")


def test_the_games_and_team_shares_are_the_stored_winners(
    data: dict[str, Any], rows: list[dict[str, Any]]
) -> None:
    assert data["tournament"] == TOURNAMENT and data["game"] == "social/werewolf-v0"
    assert data["games"] == len(rows) == MATCHES
    winners = [r["metrics"]["winner"] for r in rows]
    for team, key in (("village", "village"), ("werewolves", "werewolves"), (None, "undecided")):
        share = data["teams"][key]
        assert share["count"] == winners.count(team) and share["n"] == MATCHES
    assert sum(data["teams"][k]["mean"] for k in data["teams"]) == pytest.approx(1.0, abs=1e-12)
    # Every role is in every 8-player game, and each wins exactly when its team does.
    assert data["roles"]["werewolf"]["count"] == winners.count("werewolves")
    assert data["roles"]["seer"]["count"] == data["roles"]["villager"]["count"]
    assert data["roles"]["seer"]["count"] == winners.count("village")


def test_the_pooled_and_mean_measures_match_the_store(
    data: dict[str, Any], rows: list[dict[str, Any]]
) -> None:
    hits = votes = 0
    for r in rows:
        m = r["metrics"]
        for seat, team in enumerate(m["teams"]):
            if team == "village":
                hits += m["votes_on_wolves"][seat]
                votes += m["votes_cast"][seat]
    accuracy = data["village_vote_accuracy"]
    assert (accuracy["count"], accuracy["n"]) == (hits, votes) and votes > 0
    assert accuracy["mean"] == pytest.approx(hits / votes, abs=TOLERANCE)
    days = [r["metrics"]["days"] for r in rows]
    assert data["days"]["mean"] == pytest.approx(np.mean(days), abs=TOLERANCE)
    saved = [r["metrics"]["doctor_saved"] for r in rows]
    assert data["doctor_save_rate"]["count"] == sum(saved)
    survived = sum(sum(r["metrics"]["day_votes_survived"]) for r in rows)
    faced = sum(sum(r["metrics"]["day_votes_faced"]) for r in rows)
    assert data["wolf_vote_survival"]["mean"] == pytest.approx(survived / faced, abs=TOLERANCE)


def test_each_agents_record_matches_its_stored_payoffs(
    data: dict[str, Any], rows: list[dict[str, Any]]
) -> None:
    by_agent = {a["agent"]: a for a in data["agents"]}
    assert set(by_agent) == set(AGENTS)
    for agent in AGENTS:
        seats = [(r, k) for r in rows for k, name in enumerate(r["agents"]) if name == agent]
        own = by_agent[agent]
        assert own["games"] == own["seats"] == len(seats) > 0
        # A win is a payoff of 1 (the stored payoffs, not the metrics the report reads).
        assert own["win_rate"]["count"] == sum(r["payoffs"][k] == 1.0 for r, k in seats)
        assert sum(m["n"] for m in own["roles"].values()) == len(seats)
        as_wolf = [r["metrics"]["roles"][k] == "werewolf" for r, k in seats]
        assert own["roles"]["werewolf"]["n"] == sum(as_wolf)
        days = [r["metrics"]["days_survived"][k] for r, k in seats]
        assert own["days_survived"]["mean"] == pytest.approx(np.mean(days), abs=TOLERANCE)
    rates = [a["win_rate"]["mean"] for a in data["agents"]]
    assert rates == sorted(rates, reverse=True)


def test_every_interval_holds_its_mean(data: dict[str, Any]) -> None:
    found = list(measures(data))
    assert len(found) > 20
    for where, m in found:
        if m["mean"] is None:
            assert m["ci_low"] is None and m["ci_high"] is None, where
            continue
        assert m["ci_low"] - 1e-12 <= m["mean"] <= m["ci_high"] + 1e-12, where


def test_the_table_shows_the_measures_and_odd_names_as_plain_text(db: Path) -> None:
    result = run_cli("report", "--db", db, "-t", TOURNAMENT)
    assert result.returncode == 0, result.stderr
    labels = ("village win rate (95% CI)", "undecided share", "wolf day-vote survival")
    for label in labels:
        assert label in result.stdout
    assert "By agent" in result.stdout and "Wilson" in result.stdout
    for name in ODD_NAMES:
        assert name in result.stdout  # shown, not taken as markup


def test_the_same_seed_gives_the_same_report_and_another_seed_moves_only_the_bootstrap(
    db: Path, data: dict[str, Any]
) -> None:
    again = json.loads(run_cli("report", "--db", db, "-t", TOURNAMENT, "--json").stdout)
    assert again == data
    other = json.loads(
        run_cli("report", "--db", db, "-t", TOURNAMENT, "--json", "--seed", "5").stdout
    )
    assert other["teams"] == data["teams"]  # Wilson intervals do not resample
    assert other["days"]["mean"] == data["days"]["mean"]
    assert other["days"]["ci_low"] != data["days"]["ci_low"]


@pytest.mark.parametrize(
    ("count", "n", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_intervals_are_newcombes(count: int, n: int, low: float, high: float) -> None:
    """Newcombe (1998), Statistics in Medicine 17:857-872: its worked examples of the Wilson
    score method (method 3), to 4 places."""
    rate = wilson(count, n)
    assert rate["mean"] == pytest.approx(count / n, abs=TOLERANCE)
    assert rate["ci_low"] == pytest.approx(low, abs=5e-5)
    assert rate["ci_high"] == pytest.approx(high, abs=5e-5)


def test_no_trials_is_no_rate() -> None:
    assert wilson(0, 0) == {"mean": None, "ci_low": None, "ci_high": None, "count": 0, "n": 0}


def _row(winner: str | None, **metrics: Any) -> dict[str, Any]:
    """A stored row of a 5-player game: seat 0 the wolf, then a seer, a doctor, villagers."""
    base = {
        "winner": winner,
        "roles": ["werewolf", "seer", "doctor", "villager", "villager"],
        "teams": ["werewolves", "village", "village", "village", "village"],
        "days": 2,
        "days_survived": [2, 1, 2, 0, 2],
        "votes_cast": [2, 2, 2, 0, 2],
        "votes_on_wolves": [0, 2, 1, 0, 0],
        "seer_accuracy": 0.5,
        "doctor_saves": 0,
        "doctor_saved": False,
        "day_votes_faced": [2, 0, 0, 0, 0],
        "day_votes_survived": [1, 0, 0, 0, 0],
        **metrics,
    }
    agents = ("w", "s", "d", "v1", "v2")
    return {"agents": agents, "payoffs": (), "outcome": {}, "metrics": base}


def test_missing_values_are_skipped_and_a_measure_without_data_is_none() -> None:
    rows = [
        _row("village", seer_accuracy=None),
        _row(None, seer_accuracy=None, doctor_saved=None, doctor_saves=None),
        {"agents": ("w",), "payoffs": (0.0,), "outcome": {}, "metrics": {}},  # nothing stored
    ]
    report = summary(rows)
    assert report["games"] == 2 and report["teams"]["undecided"]["count"] == 1
    assert report["seer_accuracy"]["mean"] is None and report["seer_accuracy"]["n"] == 0
    assert (report["doctor_save_rate"]["count"], report["doctor_save_rate"]["n"]) == (0, 1)
    assert report["village_vote_accuracy"]["mean"] == pytest.approx(3 / 6, abs=TOLERANCE)
    wolf = next(a for a in report["agents"] if a["agent"] == "w")
    assert wolf["village_vote_accuracy"]["mean"] is None  # never on the village team
    assert wolf["roles"]["werewolf"]["n"] == 2 and wolf["roles"]["seer"]["mean"] is None
    v1 = next(a for a in report["agents"] if a["agent"] == "v1")
    assert v1["village_vote_accuracy"]["n"] == 0  # it never voted


def test_an_empty_tournament_reports_no_measure() -> None:
    report = summary([])
    assert report["games"] == 0 and report["agents"] == []
    assert all(m["mean"] is None for _, m in measures(report))

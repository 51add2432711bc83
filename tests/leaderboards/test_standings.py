"""The leaderboard table and its published forms."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import numpy as np
import pytest

from arena.leaderboards.board import Board
from arena.leaderboards.publish import publish
from arena.leaderboards.standings import compute_leaderboard
from arena.store import Result
from tests.conftest import LEADERBOARD_KEYS, LEADERBOARD_USAGE_KEYS


def result(agents: tuple[str, ...], payoffs: tuple[float, ...], index: int = 0) -> Result:
    return Result("t", index, agents, payoffs)


def test_counts_and_means() -> None:
    results = [
        result(("a", "b"), (5.0, 1.0)),
        result(("b", "a"), (3.0, 3.0)),
        result(("a", "c"), (0.0, 2.0)),
        result(("a", "a"), (4.0, 4.0)),  # self-play: a match and two seats, no result
    ]
    rows = {s.agent: s for s in compute_leaderboard(results, bootstrap=50)}
    assert (rows["a"].wins, rows["a"].draws, rows["a"].losses, rows["a"].matches) == (1, 1, 1, 4)
    assert rows["a"].mean_payoff == pytest.approx((5 + 3 + 0 + 4 + 4) / 5)
    assert (rows["b"].wins, rows["b"].draws, rows["b"].losses) == (0, 1, 1)
    assert (rows["c"].wins, rows["c"].losses, rows["c"].matches) == (1, 0, 1)


def test_three_player_matches_count_every_pair() -> None:
    rows = {s.agent: s for s in compute_leaderboard([result(("x", "y", "z"), (3.0, 2.0, 2.0))])}
    assert (rows["x"].wins, rows["x"].losses) == (2, 0)
    assert (rows["y"].wins, rows["y"].draws, rows["y"].losses) == (0, 1, 1)
    assert rows["x"].rating > rows["y"].rating == pytest.approx(rows["z"].rating)


def test_sorted_by_rating_and_seeded() -> None:
    rng = np.random.default_rng(0)
    results = []
    for k in range(300):
        a, b = rng.choice(["p", "q", "r", "s"], size=2, replace=False)
        strength = {"p": 3, "q": 2, "r": 1, "s": 0}
        results.append(result((a, b), (strength[a] + rng.normal(), strength[b] + rng.normal()), k))
    table = compute_leaderboard(results, seed=1, bootstrap=200)
    assert [s.agent for s in table] == ["p", "q", "r", "s"]
    # Exact equality: both sides come from the same arithmetic on the same seeded draws.
    assert table == compute_leaderboard(results, seed=1, bootstrap=200)
    other = compute_leaderboard(results, seed=2, bootstrap=200)
    assert [s.ci_low for s in other] != [s.ci_low for s in table]
    for s in table:
        assert s.ci_low <= s.rating <= s.ci_high


def test_fast_enough_for_real_tournaments() -> None:
    rng = np.random.default_rng(0)
    names = [f"agent-{k}" for k in range(20)]
    results = [
        result(tuple(rng.choice(names, size=2, replace=False)), tuple(rng.random(2)), k)
        for k in range(5000)
    ]
    started = time.perf_counter()
    assert len(compute_leaderboard(results, bootstrap=1000)) == 20
    assert time.perf_counter() - started < 30  # a sanity bound, not a benchmark


def test_to_dict_has_the_documented_keys() -> None:
    row = compute_leaderboard([result(("a", "b"), (1.0, 0.0))])[0].to_dict()
    assert set(row) == LEADERBOARD_KEYS | LEADERBOARD_USAGE_KEYS


def test_publish_writes_three_self_contained_files(tmp_path: Path) -> None:
    evil = '<script>alert("x")</script> | pipe'
    table = compute_leaderboard(
        [result((evil, "b"), (2.0, 1.0)), result(("b", "c"), (1.0, 0.0), 1)], bootstrap=20
    )
    board = Board(tuple(table), game="matrix/prisoners-dilemma-v0", tournaments=("Test board",))
    paths = publish(board, tmp_path / "site")
    assert sorted(p.name for p in paths) == ["index.html", "leaderboard.json", "leaderboard.md"]
    html = (tmp_path / "site" / "index.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert not re.search(r"(src|href)\s*=|https?://|@import|url\(", html)  # nothing to fetch
    assert "Test board" in html and html.count("<tr>") == 1 + 3
    data = json.loads((tmp_path / "site" / "leaderboard.json").read_text())
    assert [row["agent"] for row in data] == [s.agent for s in table]
    markdown = (tmp_path / "site" / "leaderboard.md").read_text()
    assert "\\|" in markdown and markdown.count("\n| ") == 1 + 3
    assert not list((tmp_path / "site").glob(".*tmp"))  # no temporary files left behind


def test_publish_of_an_empty_table(tmp_path: Path) -> None:
    publish(Board((), game="g", tournaments=("empty",)), tmp_path / "site")
    assert json.loads((tmp_path / "site" / "leaderboard.json").read_text()) == []


def test_no_results_give_an_empty_table() -> None:
    assert compute_leaderboard([]) == []


@pytest.mark.parametrize("bootstrap", [0, 20])
def test_intervals_only_with_bootstrap_rounds(bootstrap: int) -> None:
    results = [result(("a", "b"), (2.0, 1.0), k) for k in range(3)]
    results.append(result(("b", "a"), (2.0, 1.0), 3))
    for s in compute_leaderboard(results, bootstrap=bootstrap):
        if bootstrap:
            assert s.ci_low is not None and s.ci_high is not None
            assert s.ci_low <= s.rating <= s.ci_high
            assert s.ci_low < s.ci_high  # a real interval, from 3 wins to 1
        else:
            assert (s.ci_low, s.ci_high) == (None, None)
            assert (s.to_dict()["ci_low"], s.to_dict()["ci_high"]) == (None, None)


@pytest.mark.parametrize(
    ("payoffs", "means"),
    [
        # Each agent's mean of payoffs near the largest float: no partial sum may overflow.
        ([(1e308, 1e308), (1e308, 1e308)], {"a": 1e308, "b": 1e308}),
        ([(1e308, -1e308), (1e308, 1e308)], {"a": 1e308, "b": 0.0}),
        ([(1.7e308, 1.7e308), (1.7e308, 1.5e308)], {"a": 1.7e308, "b": 1.6e308}),
        ([(-1.7e308, 0.0), (-1.7e308, 0.0)], {"a": -1.7e308, "b": 0.0}),
        # Ordinary payoffs: the scaling by a power of two changes nothing.
        ([(3.0, 0.1), (0.2, 5.0)], {"a": 1.6, "b": 2.55}),
    ],
)
def test_mean_payoffs_do_not_overflow(
    payoffs: list[tuple[float, float]], means: dict[str, float]
) -> None:
    results = [result(("a", "b"), pair, k) for k, pair in enumerate(payoffs)]
    rows = {s.agent: s for s in compute_leaderboard(results, bootstrap=0)}
    for agent, mean in means.items():
        # Two float additions and a division: a few units in the last place.
        assert rows[agent].mean_payoff == pytest.approx(mean, rel=1e-15, abs=1e-300)
        assert json.loads(json.dumps(rows[agent].to_dict(), allow_nan=False))


def test_ordinary_means_are_bit_for_bit_the_plain_sums() -> None:
    rng = np.random.default_rng(4)
    payoffs = rng.normal(size=(200, 2)) * 1000
    results = [result(("a", "b"), (float(x), float(y)), k) for k, (x, y) in enumerate(payoffs)]
    rows = {s.agent: s for s in compute_leaderboard(results, bootstrap=0)}
    plain = {"a": 0.0, "b": 0.0}
    for x, y in payoffs:
        plain["a"] += float(x)
        plain["b"] += float(y)
    # Exact: dividing by a power of two is exact, so the scaled sums round as the plain ones.
    assert rows["a"].mean_payoff == plain["a"] / 200
    assert rows["b"].mean_payoff == plain["b"] / 200


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_non_finite_numbers_become_null(value: float) -> None:
    (row,) = [s for s in compute_leaderboard([result(("a", "b"), (value, 1.0))]) if s.agent == "a"]
    data = row.to_dict()
    assert data["mean_payoff"] is None
    json.dumps(data, allow_nan=False)  # raises on a non-finite number

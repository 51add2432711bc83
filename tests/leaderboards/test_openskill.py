"""OpenSkill's Plackett-Luce ratings of multiplayer matches: ranks, the fit, its intervals.

The fit is checked against the ``openskill`` package's own plain loop (``model.rate`` per
match), bit for bit, and against known strengths on synthetic matches drawn from the
Plackett-Luce model itself.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from openskill.models import PlackettLuce

from arena.leaderboards import openskill_ratings
from arena.leaderboards.openskill_ratings import openskill_fit, payoff_ranks, plackett_luce
from arena.leaderboards.standings import OPENSKILL_KEYS, compute_leaderboard
from arena.store import Result
from tests.conftest import LEADERBOARD_KEYS, LEADERBOARD_USAGE_KEYS


@pytest.mark.parametrize(
    ("payoffs", "ranks"),
    [
        pytest.param([3.0, 1.0, 2.0], [1, 3, 2], id="strict"),
        pytest.param([2.0, 2.0, 1.0, 5.0], [2, 2, 4, 1], id="tie-shares-the-better-rank"),
        pytest.param([1.0, 1.0 + 1e-12, 0.0], [1, 1, 3], id="within-1e-9-is-a-tie"),
        pytest.param([1.0, 1.0 + 1e-6, 0.0], [2, 1, 3], id="1e-6-apart-is-not"),
        pytest.param([1e12, 1e12 * (1 + 1e-10), 0.0], [1, 1, 3], id="relative-tolerance"),
        pytest.param([0.0, 0.0, 0.0, 0.0], [1, 1, 1, 1], id="all-tied"),
        pytest.param([math.nan, 1.0, 0.0], [3, 1, 2], id="nan-last"),
        pytest.param([math.inf, 1.0, -math.inf], [1, 2, 3], id="infinite"),
    ],
)
def test_payoff_ranks(payoffs: list[float], ranks: list[int]) -> None:
    assert payoff_ranks(payoffs) == ranks


def synthetic(
    strengths: list[float], seats: int, matches: int, seed: int, ties: bool = False
) -> tuple[list[list[int]], list[list[int]]]:
    """Random groups ranked by Plackett-Luce draws (strength plus Gumbel noise)."""
    rng = np.random.default_rng(seed)
    strength = np.asarray(strengths)
    groups = np.argsort(rng.random((matches, len(strengths))), axis=1)[:, :seats]
    performance = strength[groups] + rng.gumbel(size=groups.shape)
    if ties:  # coarse performances: some seats tie
        performance = np.round(performance)
    ranks = [payoff_ranks(row) for row in performance.tolist()]
    return groups.tolist(), ranks


def plain_loop(n: int, seats: list[list[int]], ranks: list[list[int]]) -> tuple[list, list]:
    """The package's own loop: ``rate`` per match, the returned ratings put in place."""
    model = PlackettLuce()
    ratings = [model.rating() for _ in range(n)]
    for group, rank in zip(seats, ranks):
        for agent, (new,) in zip(group, model.rate([[ratings[a]] for a in group], ranks=rank)):
            ratings[agent] = new
    return [r.mu for r in ratings], [r.sigma for r in ratings]


@pytest.mark.parametrize("seats", [3, 4, 5])
@pytest.mark.parametrize("ties", [False, True], ids=["no-ties", "ties"])
def test_the_fit_is_the_plain_rate_loop_bit_for_bit(seats: int, ties: bool) -> None:
    group_seats, ranks = synthetic(
        [0.0, 0.3, 0.6, 0.9, 1.2, 1.5], seats, 400, seed=seats, ties=ties
    )
    mu, sigma = plackett_luce(6, group_seats, ranks)
    plain_mu, plain_sigma = plain_loop(6, group_seats, ranks)
    assert mu.tolist() == plain_mu and sigma.tolist() == plain_sigma


def test_the_rate_path_gives_the_same_numbers() -> None:
    """The path taken when openskill's private update is missing or differs."""
    seats, ranks = synthetic([0.0, 0.5, 1.0, 1.5, 2.0], 4, 200, seed=1, ties=True)
    matches = openskill_ratings._prepared(5, seats, ranks)
    fast = openskill_ratings._Field(5, matches, fast=True).fit()
    slow = openskill_ratings._Field(5, matches, fast=False).fit()
    assert openskill_ratings._fast_path_agrees()
    assert fast[0].tolist() == slow[0].tolist() and fast[1].tolist() == slow[1].tolist()


def test_mixed_seat_counts_and_self_play() -> None:
    seats = [[0, 1, 2], [2, 1, 0, 3], [1, 1, 2], [3, 0]]
    ranks = [[1, 2, 3], [1, 1, 3, 4], [1, 2, 3], [2, 1]]
    fit = openskill_fit(4, seats, ranks, rounds=0)
    assert (fit.rated, fit.skipped) == (3, 1)
    kept = [0, 1, 3]
    plain_mu, plain_sigma = plain_loop(4, [seats[k] for k in kept], [ranks[k] for k in kept])
    assert fit.mu.tolist() == plain_mu and fit.sigma.tolist() == plain_sigma
    assert fit.ordinal_low is None and fit.ordinal_high is None


def test_strengths_come_out_in_order_with_intervals() -> None:
    strengths = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5]
    seats, ranks = synthetic(strengths, 4, 1500, seed=7)
    fit = openskill_fit(6, seats, ranks, rounds=100, seed=3)
    assert np.argsort(fit.ordinal).tolist() == list(range(6))
    assert fit.ordinal_low is not None and fit.ordinal_high is not None
    assert np.all(fit.ordinal_low <= fit.ordinal) and np.all(fit.ordinal <= fit.ordinal_high)
    assert np.all(fit.ordinal_high - fit.ordinal_low > 0)
    np.testing.assert_allclose(fit.ordinal, fit.mu - 3 * fit.sigma)


def test_same_matches_same_order_same_numbers_and_seeded_intervals() -> None:
    seats, ranks = synthetic([0.0, 1.0, 2.0, 3.0], 3, 300, seed=2)
    a = openskill_fit(4, seats, ranks, rounds=50, seed=11)
    b = openskill_fit(4, seats, ranks, rounds=50, seed=11)
    for key in ("mu", "sigma", "ordinal", "ordinal_low", "ordinal_high"):
        assert getattr(a, key).tolist() == getattr(b, key).tolist()
    other = openskill_fit(4, seats, ranks, rounds=50, seed=12)
    assert other.mu.tolist() == a.mu.tolist()  # the seed moves only the intervals
    assert other.ordinal_low.tolist() != a.ordinal_low.tolist()
    backwards = openskill_fit(4, seats[::-1], ranks[::-1], rounds=0)
    assert backwards.mu.tolist() != a.mu.tolist()  # online updates: the order matters


@pytest.mark.parametrize(
    ("seats", "ranks", "message"),
    [
        pytest.param([[0, 1, 2]], [[1, 2]], "3 seats and 2 ranks", id="ranks-short"),
        pytest.param([[0]], [[1]], "at least two seats", id="one-seat"),
        pytest.param([[0, 1, 5]], [[1, 2, 3]], r"integers in \[0, 3\)", id="agent-out-of-range"),
        pytest.param([[0, 1, -1]], [[1, 2, 3]], r"integers in \[0, 3\)", id="negative-agent"),
        pytest.param([[0, 1, 2]], [[1.5, 2, 3]], "ranks must be integers", id="fractional-rank"),
        pytest.param([[0, 1, 2]], [], "1 matches of seats but 0 of ranks", id="lengths"),
    ],
)
def test_bad_input_is_a_value_error(seats: list, ranks: list, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        openskill_fit(3, seats, ranks)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"rounds": -1}, "rounds must be non-negative"), ({"level": 1.0}, r"level must lie")],
)
def test_bad_options_are_value_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        openskill_fit(3, [[0, 1, 2]], [[1, 2, 3]], **kwargs)


def results(agents: list[tuple[str, ...]], payoffs: list[tuple[float, ...]]) -> list[Result]:
    return [Result("t", k, a, p) for k, (a, p) in enumerate(zip(agents, payoffs))]


def test_the_leaderboard_of_a_multiplayer_game_has_openskill_fields() -> None:
    names = ["a", "b", "c", "d", "e"]
    seats, ranks = synthetic([2.0, 1.5, 1.0, 0.5, 0.0], 3, 600, seed=5)
    table = compute_leaderboard(
        results(
            [tuple(names[a] for a in group) for group in seats],
            [tuple(-float(r) for r in rank) for rank in ranks],  # payoffs ranked as drawn
        ),
        seed=4,
        bootstrap=60,
    )
    rows = {s.agent: s.to_dict() for s in table}
    assert set(rows["a"]) == LEADERBOARD_KEYS | LEADERBOARD_USAGE_KEYS | set(OPENSKILL_KEYS)
    by_ordinal = sorted(names, key=lambda name: -rows[name]["ordinal"])
    assert by_ordinal == names
    for row in rows.values():
        assert row["ordinal_ci_low"] <= row["ordinal"] <= row["ordinal_ci_high"]
        assert row["ordinal"] == pytest.approx(
            row["openskill_mu"] - 3 * row["openskill_sigma"], abs=2e-3
        )
    assert [s.agent for s in table] == names  # sorted by Bradley-Terry, which agrees here


def test_self_play_matches_leave_the_openskill_fit_alone() -> None:
    plain = results([("a", "b", "c"), ("c", "b", "a")], [(3.0, 2.0, 1.0), (3.0, 1.0, 1.0)])
    with_self_play = [*plain, Result("t", 2, ("a", "a", "b"), (5.0, 5.0, 0.0))]
    before = {s.agent: s for s in compute_leaderboard(plain, bootstrap=20)}
    after = {s.agent: s for s in compute_leaderboard(with_self_play, bootstrap=20)}
    for name in "abc":
        assert after[name].openskill_mu == before[name].openskill_mu
        assert after[name].ordinal_ci_low == before[name].ordinal_ci_low
    assert after["a"].matches == before["a"].matches + 1


def test_two_seat_games_have_no_openskill_fields() -> None:
    table = compute_leaderboard(results([("a", "b"), ("b", "a")], [(1.0, 0.0), (2.0, 1.0)]))
    for standing in table:
        assert not standing.multiplayer
        assert set(standing.to_dict()) == LEADERBOARD_KEYS | LEADERBOARD_USAGE_KEYS


def test_without_bootstrap_there_is_no_ordinal_interval() -> None:
    table = compute_leaderboard(results([("a", "b", "c")], [(3.0, 2.0, 1.0)]), bootstrap=0)
    row = table[0].to_dict()
    assert row["ordinal_ci_low"] is None and row["ordinal_ci_high"] is None
    assert row["openskill_mu"] > 25.0

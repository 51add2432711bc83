"""Scale invariance: multiplying every payoff by a positive factor changes no equilibrium.

Each function of :mod:`arena.solver` that takes payoffs runs on a small integer game and on
the same game with every payoff multiplied by a factor ``c`` drawn log-uniformly from
``1e-200`` to ``1e200``. Equilibria, supports, best responses and pivots must be the same;
values and regrets must be ``c`` times the original ones.

Stated tolerances: the scaled payoffs ``c * a`` are rounded (relative error ``2**-53``), so
probabilities may differ by rounding only, here at most ``PROBABILITY_TOL``, and a result in
payoff units (a value, a regret) by at most ``VALUE_RTOL`` times ``c`` times the game's
largest absolute payoff.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from arena.solver import (
    action_values,
    all_equilibria_batch,
    all_pay_bid,
    best_responses,
    best_responses_batch,
    expected_outcome,
    expected_payoffs,
    exploitability,
    first_price_bid,
    is_degenerate,
    is_nash,
    lemke_howson,
    memory_one_payoffs,
    memory_one_tournament,
    nash_average,
    nash_bargaining_solution,
    nash_conv,
    pure_equilibria,
    pure_equilibria_batch,
    regret,
    rubinstein_split,
    support_enumeration,
    vertex_enumeration,
    zero_sum_value,
)
from tests.solver.known_games import KNOWN_GAMES, integer_matrix, small_integer_games

PROBABILITY_TOL = 1e-9  # rounding of c * a moves an equilibrium by about 1e-15: far below this
VALUE_RTOL = 1e-9  # of c * max |payoff|: values and regrets of the scaled game

FACTORS = st.floats(-200.0, 200.0).map(lambda exponent: 10.0**exponent)  # log-uniform
GAMES = small_integer_games(3)  # payoffs -2..2, up to 3x3: degenerate more often than not

Game = tuple[np.ndarray, np.ndarray]


def as_game(game: tuple[Any, Any]) -> Game:
    A, B = (np.array(M, dtype=float) for M in game)
    return A, B


def assert_values_scale(scaled: Any, base: Any, factor: float, magnitude: float) -> None:
    """``scaled == factor * base`` within VALUE_RTOL of the scaled game's payoff scale."""
    np.testing.assert_allclose(
        scaled, factor * np.asarray(base), rtol=0.0, atol=VALUE_RTOL * factor * magnitude
    )


def assert_same_probabilities(scaled: Any, base: Any) -> None:
    np.testing.assert_allclose(scaled, base, rtol=0.0, atol=PROBABILITY_TOL)


def check_support_enumeration(A: np.ndarray, B: np.ndarray, c: float) -> None:
    base = support_enumeration(A, B)
    scaled = support_enumeration(c * A, c * B)
    assert scaled.degenerate is base.degenerate
    assert is_degenerate(c * A, c * B) is base.degenerate
    assert len(scaled) == len(base)
    assert_same_probabilities(scaled.row, base.row)
    assert_same_probabilities(scaled.col, base.col)


def check_vertex_enumeration(A: np.ndarray, B: np.ndarray, c: float) -> None:
    base = vertex_enumeration(A, B)
    scaled = vertex_enumeration(c * A, c * B)
    assert scaled.degenerate is base.degenerate
    assert len(scaled) == len(base)
    assert_same_probabilities(scaled.row, base.row)
    assert_same_probabilities(scaled.col, base.col)


def check_lemke_howson(A: np.ndarray, B: np.ndarray, c: float) -> None:
    for label in range(sum(A.shape)):
        base = lemke_howson(A, B, initial_label=label)
        scaled = lemke_howson(c * A, c * B, initial_label=label)
        assert (scaled.converged, scaled.pivots) == (base.converged, base.pivots), label
        assert_same_probabilities(scaled.row, base.row)
        assert_same_probabilities(scaled.col, base.col)


def check_all_equilibria_batch(A: np.ndarray, B: np.ndarray, c: float) -> None:
    batch = all_equilibria_batch(np.stack([A, c * A]), np.stack([B, c * B]))
    assert batch.degenerate[0] == batch.degenerate[1]
    (base_row, base_col), (row, col) = batch.of(0), batch.of(1)
    assert row.shape == base_row.shape
    assert_same_probabilities(row, base_row)
    assert_same_probabilities(col, base_col)


def check_pure_equilibria(A: np.ndarray, B: np.ndarray, c: float) -> None:
    base = pure_equilibria((A, B)).tolist()
    assert pure_equilibria((c * A, c * B)).tolist() == base
    stack = np.stack([np.stack([A, B]), np.stack([c * A, c * B])])
    mask = pure_equilibria_batch(stack)
    assert np.argwhere(mask[1]).tolist() == np.argwhere(mask[0]).tolist() == base


def profiles(A: np.ndarray, B: np.ndarray) -> list[list[np.ndarray]]:
    """Uniform play, the first pure profile and every equilibrium support enumeration lists
    (where best responses tie: the hard case for a tolerance)."""
    m, n = A.shape
    found = [[np.full(m, 1 / m), np.full(n, 1 / n)], [np.eye(m)[0], np.eye(n)[0]]]
    return found + [[np.array(x), np.array(y)] for x, y in support_enumeration(A, B)]


def check_best_responses_and_regret(A: np.ndarray, B: np.ndarray, c: float) -> None:
    magnitude = float(np.abs(np.stack([A, B])).max())
    for profile in profiles(A, B):
        base = best_responses((A, B), profile)
        scaled = best_responses((c * A, c * B), profile)
        assert [b.tolist() for b in scaled] == [b.tolist() for b in base]
        assert is_nash((c * A, c * B), profile) is is_nash((A, B), profile)
        assert_values_scale(regret((c * A, c * B), profile), regret((A, B), profile), c, magnitude)
        assert_values_scale(
            nash_conv((c * A, c * B), profile), nash_conv((A, B), profile), c, 2 * magnitude
        )
        assert_values_scale(
            exploitability((c * A, c * B), profile), exploitability((A, B), profile), c, magnitude
        )
        assert_values_scale(
            expected_payoffs((c * A, c * B), profile),
            expected_payoffs((A, B), profile),
            c,
            magnitude,
        )
        for ours, theirs in zip(
            action_values((c * A, c * B), profile), action_values((A, B), profile), strict=True
        ):
            assert_values_scale(ours, theirs, c, magnitude)


def check_best_responses_batch(A: np.ndarray, B: np.ndarray, c: float) -> None:
    magnitude = float(np.abs(np.stack([A, B])).max())
    for x, y in profiles(A, B):
        result = best_responses_batch(
            np.stack([A, c * A]), np.stack([B, c * B]), np.stack([x, x]), np.stack([y, y])
        )
        assert result.row_best[1].tolist() == result.row_best[0].tolist()
        assert result.col_best[1].tolist() == result.col_best[0].tolist()
        for values in (result.row_values, result.col_values, result.row_regret, result.col_regret):
            assert_values_scale(values[1], values[0], c, magnitude)


def check_zero_sum_value(A: np.ndarray, B: np.ndarray, c: float) -> None:
    magnitude = float(np.abs(A).max())
    base = zero_sum_value(A)
    scaled = zero_sum_value(c * A)
    assert scaled.converged and base.converged
    assert_values_scale(scaled.value, base.value, c, magnitude)
    assert_same_probabilities(scaled.row, base.row)
    assert_same_probabilities(scaled.col, base.col)


def check_nash_average(A: np.ndarray, B: np.ndarray, c: float) -> None:
    k = min(A.shape)
    M = A[:k, :k] - A[:k, :k].T  # an antisymmetric meta-game of small integers
    magnitude = max(float(np.abs(M).max()), 1.0)
    for kind, matrix in (("antisymmetric", M), ("payoff", A[:k, :k])):
        base = nash_average(matrix, kind)
        scaled = nash_average(c * matrix, kind)
        assert scaled.support.tolist() == base.support.tolist(), kind
        assert_same_probabilities(scaled.strategy, base.strategy)
        assert_values_scale(scaled.ratings, base.ratings, c, magnitude)


def check_nash_bargaining_solution(A: np.ndarray, B: np.ndarray, c: float) -> None:
    """The game's outcomes as the feasible utility points, its worst payoffs as the
    disagreement point."""
    points = np.column_stack([A.ravel(), B.ravel()])
    d = np.array([A.min(), B.min()])
    magnitude = float(np.abs(points).max())
    base = nash_bargaining_solution(points, d)
    scaled = nash_bargaining_solution(c * points, c * d)
    assert scaled.agreement is base.agreement
    assert_values_scale(scaled.utilities, base.utilities, c, magnitude)
    if base.agreement:
        assert_same_probabilities(scaled.weights, base.weights)


METHODS: dict[str, Callable[[np.ndarray, np.ndarray, float], None]] = {
    "support_enumeration": check_support_enumeration,
    "vertex_enumeration": check_vertex_enumeration,
    "lemke_howson": check_lemke_howson,
    "all_equilibria_batch": check_all_equilibria_batch,
    "pure_equilibria": check_pure_equilibria,
    "best_responses_and_regret": check_best_responses_and_regret,
    "best_responses_batch": check_best_responses_batch,
    "zero_sum_value": check_zero_sum_value,
    "nash_average": check_nash_average,
    "nash_bargaining_solution": check_nash_bargaining_solution,
}


@pytest.mark.parametrize("method", sorted(METHODS))
@settings(max_examples=40, deadline=None)
@given(game=GAMES, factor=FACTORS)
def test_scaled_games_have_the_same_solutions(method: str, game: Any, factor: float) -> None:
    METHODS[method](*as_game(game), factor)


@pytest.mark.parametrize("method", sorted(METHODS))
@pytest.mark.parametrize(
    "factor",
    [1e-305, 2.0**-1000, 1e-200, 1e14, 1e200, 1e305],  # 1e±305: beyond 2**±1000
    ids=["1e-305", "2^-1000", "1e-200", "1e14", "1e200", "1e305"],
)
@pytest.mark.parametrize("name", ["matching-pennies", "rock-paper-scissors", "von-stengel-3x2"])
def test_classic_games_at_extreme_scales(method: str, factor: float, name: str) -> None:
    A, B, _, _ = KNOWN_GAMES[name]
    METHODS[method](*as_game((A, B)), factor)


@pytest.mark.parametrize("factor", [1e14, 1e-14, 1e200], ids=["1e14", "1e-14", "1e200"])
@pytest.mark.parametrize("name", ["matching-pennies", "rock-paper-scissors"])
def test_scaled_zero_sum_classics_keep_their_one_equilibrium(name: str, factor: float) -> None:
    """Issue 8: at 1e14 support enumeration returned no equilibrium and called the list
    complete (the singularity threshold grew with the payoffs, the constraint row did not)."""
    A, B, expected, _ = KNOWN_GAMES[name]
    A, B = factor * np.array(A, float), factor * np.array(B, float)
    [(x, y)] = expected
    for found in (support_enumeration(A, B), vertex_enumeration(A, B)):
        assert not found.degenerate
        assert len(found) == 1
        assert_same_probabilities(found.row[0], x)
        assert_same_probabilities(found.col[0], y)
    batch = all_equilibria_batch(A[None], B[None])
    assert batch.counts.tolist() == [1] and not batch.degenerate[0]
    assert_same_probabilities(batch.row[0], x)
    assert zero_sum_value(A).value == pytest.approx(0.0, abs=VALUE_RTOL * factor)


@pytest.mark.parametrize(
    "factor",
    [2.0**-1030, 2.0**-1072, 1e-320, 7 * 5e-324],
    ids=["2^-1030", "2^-1072", "1e-320", "7u"],
)
def test_subnormal_payoffs_are_solved_as_their_unit_scale_game(factor: float) -> None:
    """Issue 8: payoffs around 1e-320 raised ZeroDivisionError. Subnormal payoffs are scaled
    up by a power of two, which is exact; for a factor that is a power of two the kernels
    then see the very numbers they see for the integer game, so every bit agrees."""
    A = np.array([[3.0, 0.0], [0.0, 2.0]])  # battle of the sexes: three equilibria
    B = np.array([[2.0, 0.0], [0.0, 3.0]])
    tiny_A, tiny_B = A * factor, B * factor
    assert (tiny_A / factor == A).all() and (tiny_B / factor == B).all()  # nothing rounded away
    exact = math.frexp(factor)[0] == 0.5  # a power of two: the same arithmetic after scaling
    same = np.testing.assert_array_equal if exact else assert_same_probabilities
    for solve in (support_enumeration, vertex_enumeration):
        base, tiny = solve(A, B), solve(tiny_A, tiny_B)
        assert tiny.degenerate is base.degenerate and len(tiny) == len(base) == 3
        same(tiny.row, base.row)
        same(tiny.col, base.col)
    batch = all_equilibria_batch(np.stack([A, tiny_A]), np.stack([B, tiny_B]))
    assert batch.counts.tolist() == [3, 3] and not batch.degenerate.any()
    same(batch.of(1)[0], batch.of(0)[0])
    for label in range(4):
        same(
            lemke_howson(tiny_A, tiny_B, initial_label=label).row,
            lemke_howson(A, B, initial_label=label).row,
        )
    # the value 6/5 in units of ``factor``, rounded once to the subnormal grid (5e-324 apart)
    assert zero_sum_value(tiny_A).value == pytest.approx(1.2 * factor, rel=1e-12, abs=1e-323)


@settings(max_examples=40, deadline=None)
@given(A=integer_matrix((2, 2)), B=integer_matrix((2, 2)), factor=FACTORS)
def test_memory_one_payoffs_scale_with_the_stage_game(A: Any, B: Any, factor: float) -> None:
    A, B = as_game((A, B))
    magnitude = max(float(np.abs(np.stack([A, B])).max()), 1.0)
    players = [[1, 1, 0, 1, 0], [0, 0, 0, 0, 0], [0.9, 0.8, 0.1, 0.6, 0.3]]
    for p, q in itertools.product(players, repeat=2):
        base = memory_one_payoffs(p, q, (A, B), turns=20, noise=0.05)
        scaled = memory_one_payoffs(p, q, (factor * A, factor * B), turns=20, noise=0.05)
        assert_values_scale(scaled.per_round, base.per_round, factor, magnitude)
        # the chain does not involve the payoffs: the same arithmetic, so the same numbers
        np.testing.assert_array_equal(scaled.distribution, base.distribution)
    tournament = memory_one_tournament(players, (factor * A, factor * B), turns=None)
    assert_values_scale(
        tournament, memory_one_tournament(players, (A, B), turns=None), factor, magnitude
    )


@settings(max_examples=40, deadline=None)
@given(
    pie=st.floats(0.5, 2.0),
    impasse=st.tuples(st.floats(0.0, 0.2), st.floats(0.0, 0.2)),
    factor=FACTORS,
)
def test_rubinstein_split_scales_with_the_pie(pie, impasse, factor) -> None:
    base = rubinstein_split(0.9, 0.7, pie, disagreement=impasse)
    scaled = rubinstein_split(0.9, 0.7, factor * pie, disagreement=np.multiply(factor, impasse))
    assert scaled.outcome == base.outcome
    assert_values_scale(scaled.payoffs, base.payoffs, factor, pie)


@settings(max_examples=40, deadline=None)
@given(
    value=st.floats(0.0, 1.0),
    reserve=st.floats(0.0, 1.0),
    n=st.integers(2, 6),
    factor=FACTORS,
)
def test_auction_bids_and_revenue_scale_with_the_values(value, reserve, n, factor) -> None:
    # An all-pay bidder takes part when v**n >= r (upper 1): at a tie rounding decides
    assume(abs(value**n - reserve) > 1e-9)
    for bid in (first_price_bid, all_pay_bid):
        base = bid(value, n, 1.0, reserve)
        assert_values_scale(bid(factor * value, n, factor, factor * reserve), base, factor, 1.0)
    for auction in ("first_price", "all_pay"):
        base = expected_outcome(n, auction, 1.0, reserve)
        scaled = expected_outcome(n, auction, factor, factor * reserve)
        assert_values_scale(scaled.revenue, base.revenue, factor, 1.0)
        assert scaled.efficiency == pytest.approx(base.efficiency, abs=1e-12)

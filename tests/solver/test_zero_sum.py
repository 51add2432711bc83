"""zero_sum_value against scipy's HiGHS, closed forms from the literature and the minimax
guarantees of the strategies it returns."""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import linprog

from arena.solver import ZeroSumSolution, zero_sum_value

TOL = 1e-9


def highs_value(A: np.ndarray) -> float:
    """The value by scipy's HiGHS: max v s.t. x'A >= v, x in the simplex."""
    m, n = A.shape
    cost = np.zeros(m + 1)
    cost[-1] = -1.0
    result = linprog(
        cost,
        A_ub=np.hstack([-A.T, np.ones((n, 1))]),
        b_ub=np.zeros(n),
        A_eq=np.append(np.ones(m), 0.0)[None, :],
        b_eq=[1.0],
        bounds=[(0, None)] * m + [(None, None)],
        method="highs",
        # HiGHS's default feasibility tolerances (1e-7) are looser than this test's: with them
        # it once let a probability of -1e-7 through and gave 5.9e-7 for a game of value 0.
        options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10},
    )
    assert result.status == 0
    return float(-result.fun)


def assert_optimal(result: ZeroSumSolution, A: np.ndarray, tol: float = TOL) -> None:
    """Both strategies are mixed strategies that guarantee the value within ``tol`` times
    the largest payoff."""
    scale = float(np.abs(A).max())
    for strategy, size in ((result.row, A.shape[0]), (result.col, A.shape[1])):
        assert strategy.shape == (size,)
        assert strategy.min() >= 0.0
        assert strategy.sum() == pytest.approx(1.0, abs=1e-12)
    assert (result.row @ A).min() >= result.value - tol * scale
    assert (A @ result.col).max() <= result.value + tol * scale
    assert 0.0 <= result.gap <= tol * scale
    assert result.converged


def morra(fingers: int) -> np.ndarray:
    """Morra: show 1..fingers fingers and guess the other's; a lone right guess wins the total."""
    moves = [(show, guess) for show in range(1, fingers + 1) for guess in range(1, fingers + 1)]
    A = np.zeros((len(moves), len(moves)))
    for i, (show_a, guess_a) in enumerate(moves):
        for j, (show_b, guess_b) in enumerate(moves):
            a_right, b_right = guess_a == show_b, guess_b == show_a
            if a_right and not b_right:
                A[i, j] = show_a + show_b
            elif b_right and not a_right:
                A[i, j] = -(show_a + show_b)
    return A


RPS = [[0, -1, 1], [1, 0, -1], [-1, 1, 0]]

# (payoffs, value): closed forms and classics
KNOWN_VALUES: dict[str, tuple[Any, float]] = {
    "rock-paper-scissors": (RPS, 0.0),
    "matching-pennies": ([[1, -1], [-1, 1]], 0.0),
    # 2x2 without a saddle point: (ad - bc) / (a + d - b - c)
    "2x2-mixed": ([[4, 1], [2, 3]], (4 * 3 - 1 * 2) / (4 + 3 - 1 - 2)),
    # two-finger Morra for the player who wins on an even total (von Neumann-Morgenstern)
    "two-finger-morra-even": ([[2, -3], [-3, 4]], -1 / 12),
    "saddle-point": ([[3, 5], [1, 4]], 3.0),
    # identity: value 1/n; diagonal d: value 1 / sum(1 / d)
    "identity-5": (np.eye(5), 1 / 5),
    "diagonal-1-2-4": (np.diag([1.0, 2.0, 4.0]), 1 / (1 + 1 / 2 + 1 / 4)),
    "dominated-row": ([[3, 1], [1, 3], [0, 0]], 2.0),
    "one-row": ([[3, -1, 2, 5]], -1.0),
    "one-column": ([[3], [-1], [2], [5]], 5.0),
    "one-entry": ([[-7.5]], -7.5),
    "all-equal": (np.full((3, 4), 7.0), 7.0),
    "all-zero": (np.zeros((4, 2)), 0.0),
    "negative-payoffs": (np.array(RPS) - 5.0, -5.0),
    "three-finger-morra": (morra(3), 0.0),  # symmetric, a whole set of optimal strategies
    "four-finger-morra": (morra(4), 0.0),
    "duplicated-rows-and-columns": ([[1, 1, -1], [1, 1, -1], [-1, -1, 1]], 0.0),
    "many-optimal-strategies": ([[1, 1], [1, 1], [0, 2], [2, 0]], 1.0),
    "tiny-scale": (1e-9 * np.array([[4, 1], [2, 3]]), 2.5e-9),
    "large-offset": (1e6 + np.array([[4.0, 1.0], [2.0, 3.0]]), 1e6 + 2.5),
    "near-overflow": (1.5e308 * np.array([[1.0, -1.0], [-1.0, 1.0]]), 0.0),
    "near-underflow": (1e-300 * np.array([[4.0, 1.0], [2.0, 3.0]]), 2.5e-300),
}


@pytest.mark.parametrize("name", list(KNOWN_VALUES))
def test_known_value(name: str) -> None:
    payoffs, value = KNOWN_VALUES[name]
    A = np.asarray(payoffs, dtype=float)
    result = zero_sum_value(payoffs)
    assert result.value == pytest.approx(value, rel=0.0, abs=TOL * float(np.abs(A).max()))
    assert_optimal(result, A)


# Games whose optimal strategies are unique: (payoffs, row, col)
UNIQUE_STRATEGIES: dict[str, tuple[Any, list[float], list[float]]] = {
    "rock-paper-scissors": (RPS, [1 / 3] * 3, [1 / 3] * 3),
    "2x2-mixed": ([[4, 1], [2, 3]], [1 / 4, 3 / 4], [1 / 2, 1 / 2]),
    "two-finger-morra-even": ([[2, -3], [-3, 4]], [7 / 12, 5 / 12], [7 / 12, 5 / 12]),
    "diagonal-1-2-4": (np.diag([1.0, 2.0, 4.0]), [4 / 7, 2 / 7, 1 / 7], [4 / 7, 2 / 7, 1 / 7]),
    "dominated-row": ([[3, 1], [1, 3], [0, 0]], [1 / 2, 1 / 2, 0], [1 / 2, 1 / 2]),
    "saddle-point": ([[3, 5], [1, 4]], [1, 0], [1, 0]),
}


@pytest.mark.parametrize("name", list(UNIQUE_STRATEGIES))
def test_unique_optimal_strategies(name: str) -> None:
    payoffs, row, col = UNIQUE_STRATEGIES[name]
    result = zero_sum_value(payoffs)
    np.testing.assert_allclose(result.row, row, atol=1e-12)
    np.testing.assert_allclose(result.col, col, atol=1e-12)


def exact_indifference(A: list[list[int]]) -> tuple[list[Fraction], Fraction]:
    """Solve ``A y = v 1, sum(y) = 1`` for a square ``A`` in exact rational arithmetic."""
    size = len(A)
    rows = [[Fraction(a) for a in A[i]] + [Fraction(-1), Fraction(0)] for i in range(size)]
    rows.append([Fraction(1)] * size + [Fraction(0), Fraction(1)])
    for c in range(size + 1):  # Gauss-Jordan elimination
        pivot = next(r for r in range(c, size + 1) if rows[r][c] != 0)
        rows[c], rows[pivot] = rows[pivot], rows[c]
        for r in range(size + 1):
            if r != c and rows[r][c] != 0:
                factor = rows[r][c] / rows[c][c]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[c])]
    solution = [rows[r][size + 1] / rows[r][r] for r in range(size + 1)]
    return solution[:size], solution[size]


def test_exact_on_a_rational_game() -> None:
    # When both indifference systems have positive solutions they are the unique optimal
    # strategies and their common level is the value: checked in exact arithmetic.
    A = [[3, -1, 0], [-2, 4, 1], [0, 1, 2]]
    col, value = exact_indifference(A)
    row, value_again = exact_indifference([list(column) for column in zip(*A)])
    assert value == value_again and min(col) > 0 and min(row) > 0
    result = zero_sum_value(A)
    assert result.value == pytest.approx(float(value), abs=1e-14)
    np.testing.assert_allclose(result.col, [float(p) for p in col], atol=1e-14)
    np.testing.assert_allclose(result.row, [float(p) for p in row], atol=1e-14)


small_shapes = st.tuples(st.integers(1, 8), st.integers(1, 8))
float_games = arrays(
    np.float64,
    small_shapes,
    elements=st.floats(-100, 100, allow_nan=False, allow_infinity=False, width=64),
)
integer_games = arrays(np.int64, small_shapes, elements=st.integers(-3, 3))  # degenerate often


@settings(max_examples=100, deadline=None)
@given(A=st.one_of(float_games, integer_games))
def test_value_equals_highs_and_strategies_are_optimal(A: np.ndarray) -> None:
    A = A.astype(float)
    result = zero_sum_value(A)
    assert result.value == pytest.approx(highs_value(A), abs=TOL * max(1.0, np.abs(A).max()))
    assert_optimal(result, A)


@settings(max_examples=50, deadline=None)
@given(A=integer_games)
def test_transposed_game_has_the_negated_value(A: np.ndarray) -> None:
    # The column player's game is -A.T: value -v, the roles of the strategies swapped.
    A = A.astype(float)
    result = zero_sum_value(A)
    swapped = zero_sum_value(-A.T)
    assert swapped.value == pytest.approx(-result.value, abs=TOL * max(1.0, np.abs(A).max()))
    assert_optimal(swapped, -A.T)


@settings(max_examples=50, deadline=None)
@given(
    A=st.one_of(float_games, integer_games),
    factor=st.floats(1e-3, 1e3),
    shift=st.floats(-1e3, 1e3),
)
def test_positive_affine_maps_move_the_value_alike(
    A: np.ndarray, factor: float, shift: float
) -> None:
    A = A.astype(float)
    base = zero_sum_value(A)
    mapped = zero_sum_value(factor * A + shift)
    scale = max(1.0, float(np.abs(factor * A + shift).max()))
    assert mapped.value == pytest.approx(factor * base.value + shift, abs=TOL * scale)
    assert_optimal(mapped, factor * A + shift)


@settings(max_examples=50, deadline=None)
@given(half=arrays(np.float64, st.integers(1, 8).map(lambda n: (n, n)), elements=st.floats(-9, 9)))
def test_antisymmetric_games_are_fair(half: np.ndarray) -> None:
    A = half - half.T
    result = zero_sum_value(A)
    assert result.value == pytest.approx(0.0, abs=TOL * max(1.0, np.abs(A).max()))
    assert_optimal(result, A)


@pytest.mark.parametrize(
    ("shape", "kind", "seed"),
    [
        ((30, 50), "normal", 1),
        ((50, 30), "normal", 2),
        ((60, 60), "normal", 3),
        ((60, 60), "zero-one", 4),
        ((40, 40), "ternary", 5),
        ((40, 60), "duplicated", 6),
    ],
)
def test_larger_games_agree_with_highs(shape: tuple[int, int], kind: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    if kind == "normal":
        A = rng.standard_normal(shape)
    elif kind == "zero-one":
        A = rng.integers(0, 2, shape).astype(float)
    elif kind == "ternary":
        A = rng.integers(-1, 2, shape).astype(float)
    else:  # rows and columns drawn with repetition from a smaller game
        base = rng.integers(-3, 4, (shape[0] // 3, shape[1] // 3)).astype(float)
        rows = rng.integers(0, base.shape[0], shape[0])
        cols = rng.integers(0, base.shape[1], shape[1])
        A = base[np.ix_(rows, cols)]
    result = zero_sum_value(A)
    assert result.value == pytest.approx(highs_value(A), abs=TOL)
    assert_optimal(result, A)


@pytest.mark.parametrize("seed", range(5))
def test_strictly_dominated_rows_and_columns_get_no_weight(seed: int) -> None:
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((6, 5))
    A = np.vstack([A, A[2] - 0.25])  # row 6 strictly dominated by row 2
    A = np.hstack([A, A[:, [1]] + 0.25])  # column 5 strictly dominated (for the minimiser)
    result = zero_sum_value(A)
    assert_optimal(result, A)
    assert result.row[6] == 0.0
    assert result.col[5] == 0.0


def test_iteration_cap_reports_no_convergence() -> None:
    A = morra(3)
    result = zero_sum_value(A, max_iter=1)
    assert not result.converged
    assert result.iterations == 1
    assert result.row.sum() == pytest.approx(1.0) and result.row.min() >= 0.0
    assert result.col.sum() == pytest.approx(1.0) and result.col.min() >= 0.0
    # whatever the strategies, the value lies between their guarantees, which are apart
    assert (result.row @ A).min() <= 0.0 <= (A @ result.col).max()
    assert result.gap > 0.0
    assert zero_sum_value(A).iterations > 1


def test_result_is_frozen_and_read_only() -> None:
    result = zero_sum_value(RPS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.value = 1.0  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        result.row[0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        result.col[0] = 1.0
    assert isinstance(result.iterations, int) and isinstance(result.converged, bool)


@pytest.mark.parametrize(
    ("A", "kwargs", "error", "match"),
    [
        ([1, 2, 3], {}, ValueError, "A must be a 2-d payoff matrix"),
        (np.zeros((2, 2, 2)), {}, ValueError, "A must be a 2-d payoff matrix"),
        (np.zeros((0, 3)), {}, ValueError, "at least one row and one column"),
        ([[1, 2], [3]], {}, ValueError, "rectangular"),
        ([[1.0, np.nan]], {}, ValueError, "A must be finite"),
        ([[np.inf, 1.0]], {}, ValueError, "A must be finite"),
        ("rock", {}, TypeError, "array of numbers"),
        (None, {}, TypeError, "array of numbers"),
        ([[1j, 0]], {}, TypeError, "real numbers"),
        (RPS, {"max_iter": 0}, ValueError, "max_iter must be in >= 1"),
        (RPS, {"max_iter": -5}, ValueError, "max_iter must be in >= 1"),
        (RPS, {"max_iter": 2.5}, TypeError, "max_iter must be an integer"),
        (RPS, {"max_iter": True}, TypeError, "max_iter must be an integer"),
    ],
    ids=[
        "vector",
        "3-d",
        "no-rows",
        "ragged",
        "nan",
        "inf",
        "string",
        "none",
        "complex",
        "max-iter-zero",
        "max-iter-negative",
        "max-iter-float",
        "max-iter-bool",
    ],
)
def test_invalid_input_is_rejected(A: object, kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        zero_sum_value(A, **kwargs)  # type: ignore[arg-type]

"""Lemke-Howson against the literature, exact arithmetic, quantecon, pygambit and regrets."""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import config

from arena.solver.lemke_howson import LemkeHowsonResult, lemke_howson
from arena.solver.vertex_enumeration import vertex_enumeration
from tests.solver.known_games import BAD_BIMATRICES, small_integer_games
from tests.solver.references import QUANTECON_USABLE, gambit_enummixed, rounded_set

needs_quantecon = pytest.mark.skipif(
    not QUANTECON_USABLE, reason="quantecon's kernels need Numba's JIT"
)


def is_nash(A, B, x, y, tol: float = 1e-9) -> bool:
    """Both mixed strategies are distributions and neither player gains by deviating."""
    A, B, x, y = (np.asarray(v, float) for v in (A, B, x, y))
    distributions = all(v.min() >= 0.0 and abs(v.sum() - 1.0) <= tol for v in (x, y))
    row_regret = (A @ y).max() - x @ A @ y
    col_regret = (x @ B).max() - x @ B @ y
    return distributions and row_regret <= tol and col_regret <= tol


def quantecon_lemke_howson(A, B, label: int, max_iter: int = 10**6, capping=None):
    """quantecon's (row, col, converged, pivots, label used) for the same game and label."""
    import quantecon.game_theory as gt

    game = gt.NormalFormGame((gt.Player(np.asarray(A, float)), gt.Player(np.asarray(B, float).T)))
    (x, y), res = gt.lemke_howson(
        game, init_pivot=label, max_iter=max_iter, capping=capping, full_output=True
    )
    return x, y, res.converged, res.num_iter, res.init


def exact_lemke_howson(A, B, label: int) -> tuple[list[float], list[float], int]:
    """Textbook Lemke-Howson in rational arithmetic: full tableaux, lexicographic rule.

    Payoffs mapped to [1, 2] per player as the solver does; P's tableau has the columns
    x (labels 0..m-1), its slacks (labels m..m+n-1) and the right-hand side, Q's the slacks
    (labels 0..m-1), y (labels m..m+n-1) and the right-hand side. The leaving row minimises
    (rhs, slack columns...) / pivot entry lexicographically (von Stengel 2007, section 3.5).
    """

    def scaled(M) -> list[list[Fraction]]:
        rows = [[Fraction(v) for v in row] for row in np.asarray(M).tolist()]
        low = min(min(row) for row in rows)
        span = max(max(row) for row in rows) - low
        return [[1 + (v - low) / span if span else Fraction(1) for v in row] for row in rows]

    a, b = scaled(A), scaled(B)
    m, n = len(a), len(a[0])
    one = Fraction(1)
    zero = Fraction(0)
    tableau_p = [
        [b[i][j] for i in range(m)] + [one if t == j else zero for t in range(n)] + [one]
        for j in range(n)
    ]
    tableau_q = [
        [one if t == i else zero for t in range(m)] + [a[i][j] for j in range(n)] + [one]
        for i in range(m)
    ]
    basis_p, basis_q = [m + j for j in range(n)], list(range(m))

    def pivot(tableau, basis, column, slacks) -> int:
        rows = [r for r in range(len(tableau)) if tableau[r][column] > 0]
        row = min(
            rows,
            key=lambda r: [tableau[r][c] / tableau[r][column] for c in [-1, *slacks]],
        )
        entry = tableau[row][column]
        tableau[row] = [v / entry for v in tableau[row]]
        for r in range(len(tableau)):
            if r != row and tableau[r][column] != 0:
                factor = tableau[r][column]
                tableau[r] = [u - factor * v for u, v in zip(tableau[r], tableau[row])]
        leaving, basis[row] = basis[row], column
        return leaving

    entering, in_p, pivots = label, label < m, 0
    while True:
        if in_p:
            leaving = pivot(tableau_p, basis_p, entering, range(m, m + n))
        else:
            leaving = pivot(tableau_q, basis_q, entering, range(m))
        pivots += 1
        if leaving == label:
            break
        entering, in_p = leaving, not in_p
    x, y = [zero] * m, [zero] * n
    for row, variable in enumerate(basis_p):
        if variable < m:
            x[variable] = tableau_p[row][-1]
    for row, variable in enumerate(basis_q):
        if variable >= m:
            y[variable - m] = tableau_q[row][-1]
    return [float(v / sum(x)) for v in x], [float(v / sum(y)) for v in y], pivots


def member(x, y, equilibria, decimals: int = 6) -> bool:
    return rounded_set([(x, y)], decimals)[0] in set(rounded_set(equilibria, decimals))


def random_game(seed: int, m: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(m, n)), rng.normal(size=(m, n))


# Known games with all their equilibria in closed form.
KNOWN_GAMES: dict[str, tuple[Any, Any, list[tuple[Any, Any]]]] = {
    # The 3x2 example game of von Stengel (2007).
    "von-stengel-3x2": (
        [[3, 3], [2, 5], [0, 6]],
        [[3, 2], [2, 6], [3, 1]],
        [([1, 0, 0], [1, 0]), ([0.8, 0.2, 0], [2 / 3, 1 / 3]), ([0, 1 / 3, 2 / 3], [1 / 3, 2 / 3])],
    ),
    "prisoners-dilemma": ([[3, 0], [5, 1]], [[3, 5], [0, 1]], [([0, 1], [0, 1])]),
    "matching-pennies": ([[1, -1], [-1, 1]], [[-1, 1], [1, -1]], [([0.5, 0.5], [0.5, 0.5])]),
    "battle-of-the-sexes": (
        [[3, 0], [0, 2]],
        [[2, 0], [0, 3]],
        [([1, 0], [1, 0]), ([0, 1], [0, 1]), ([0.6, 0.4], [0.4, 0.6])],
    ),
    "rock-paper-scissors": (
        [[0, -1, 1], [1, 0, -1], [-1, 1, 0]],
        [[0, 1, -1], [-1, 0, 1], [1, -1, 0]],
        [([1 / 3] * 3, [1 / 3] * 3)],
    ),
    # Shapley (1964): a 3x3 game whose only equilibrium is uniform.
    "shapley": (
        [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
        [[0, 1, 0], [0, 0, 1], [1, 0, 0]],
        [([1 / 3] * 3, [1 / 3] * 3)],
    ),
    "one-by-one": ([[4]], [[-2]], [([1], [1])]),
    "one-row": ([[1, 2, 3]], [[3, 1, 2]], [([1], [1, 0, 0])]),
}


@pytest.mark.parametrize(
    ("name", "label"),
    [(name, k) for name, (A, _, _) in sorted(KNOWN_GAMES.items()) for k in range(sum(np.shape(A)))],
)
def test_known_games_every_label(name, label):
    A, B, equilibria = KNOWN_GAMES[name]
    result = lemke_howson(A, B, initial_label=label)
    assert result.converged
    assert result.initial_label == label
    assert result.pivots >= 1
    assert is_nash(A, B, result.row, result.col)
    assert member(result.row, result.col, equilibria)
    x, y, pivots = exact_lemke_howson(A, B, label)
    assert result.pivots == pivots
    np.testing.assert_allclose(result.row, x, atol=1e-12)
    np.testing.assert_allclose(result.col, y, atol=1e-12)


@needs_quantecon
@pytest.mark.parametrize("label", range(5))
def test_von_stengel_path_matches_quantecon(label):
    A, B, _ = KNOWN_GAMES["von-stengel-3x2"]
    result = lemke_howson(A, B, initial_label=label)
    x, y, converged, pivots, _ = quantecon_lemke_howson(A, B, label)
    assert converged and result.converged
    assert result.pivots == pivots
    np.testing.assert_allclose(result.row, x, atol=1e-12)
    np.testing.assert_allclose(result.col, y, atol=1e-12)


@pytest.mark.parametrize("cap", [1, 2, 3])
def test_pivot_cap_returns_the_last_vertex_pair_unconverged(cap):
    # Dropping label 1 takes 4 pivots (the example in quantecon's lemke_howson docstring).
    A, B, equilibria = KNOWN_GAMES["von-stengel-3x2"]
    assert lemke_howson(A, B, initial_label=1).pivots == 4
    result = lemke_howson(A, B, initial_label=1, max_pivots=cap)
    assert result.converged is False
    assert result.pivots == cap
    assert result.initial_label == 1
    for strategy in (result.row, result.col):  # normalised where nonzero, else all zeros
        assert strategy.min() >= 0.0
        assert strategy.sum() == pytest.approx(1.0) or strategy.sum() == 0.0
    assert not member(result.row, result.col, equilibria)
    if QUANTECON_USABLE:  # quantecon normalises its last basis the same way
        x, y, converged, pivots, _ = quantecon_lemke_howson(A, B, 1, max_iter=cap)
        assert not converged and pivots == cap
        np.testing.assert_allclose(result.row, x, atol=1e-12)
        np.testing.assert_allclose(result.col, y, atol=1e-12)


# --- random nondegenerate games ---------------------------------------------------------

shapes = st.tuples(st.integers(1, 5), st.integers(1, 5))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), shape=shapes)
def test_random_games_every_label(seed, shape):
    A, B = random_game(seed, *shape)
    extreme = gambit_enummixed(A, B)
    ours = vertex_enumeration(A, B)
    for label in range(sum(shape)):
        result = lemke_howson(A, B, initial_label=label)
        assert result.converged
        assert is_nash(A, B, result.row, result.col)
        assert member(result.row, result.col, extreme)
        assert member(result.row, result.col, list(ours))
        if QUANTECON_USABLE:  # a nondegenerate game has one path per label
            x, y, converged, pivots, _ = quantecon_lemke_howson(A, B, label)
            assert converged and result.pivots == pivots
            np.testing.assert_allclose(result.row, x, atol=1e-9)
            np.testing.assert_allclose(result.col, y, atol=1e-9)


@needs_quantecon
@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    shape=st.tuples(st.integers(2, 8), st.integers(2, 8)),
    capping=st.integers(1, 4),
    label=st.integers(0, 15),
)
def test_capping_matches_quantecon(seed, shape, capping, label):
    A, B = random_game(seed, *shape)
    label %= sum(shape)
    result = lemke_howson(A, B, initial_label=label, capping=capping)
    x, y, converged, pivots, used = quantecon_lemke_howson(A, B, label, capping=capping)
    assert result.converged == converged
    assert (result.pivots, result.initial_label) == (pivots, used)
    np.testing.assert_allclose(result.row, x, atol=1e-9)
    np.testing.assert_allclose(result.col, y, atol=1e-9)


def test_capping_moves_on_to_the_next_label():
    # A path needs at least two pivots (the label dropped first cannot leave at once), so
    # with one pivot per label the 3x2 game tries labels 0, 1, 2 and 3 for a pivot each and
    # runs label 4 to its end.
    A, B, equilibria = KNOWN_GAMES["von-stengel-3x2"]
    result = lemke_howson(A, B, initial_label=0, capping=1)
    direct = lemke_howson(A, B, initial_label=4)
    assert result.converged
    assert result.initial_label == 4
    assert result.pivots == 4 + direct.pivots
    np.testing.assert_array_equal(result.row, direct.row)
    np.testing.assert_array_equal(result.col, direct.col)
    assert member(result.row, result.col, equilibria)


def test_large_game_converges_to_an_equilibrium():
    size = 15 if config.DISABLE_JIT else 100
    A, B = random_game(2024, size, size)
    result = lemke_howson(A, B)
    assert result.converged
    assert is_nash(A, B, result.row, result.col, tol=1e-8)
    if QUANTECON_USABLE:
        x, _, _, pivots, _ = quantecon_lemke_howson(A, B, 0)
        assert result.pivots == pivots
        np.testing.assert_allclose(result.row, x, atol=1e-8)


# --- degenerate games -------------------------------------------------------------------

DEGENERATE_GAMES: dict[str, tuple[Any, Any]] = {
    # von Stengel's (2007) degenerate 3x2 example: a component {top} x {y_left >= 2/3}, and
    # one more equilibrium.
    "von-stengel-degenerate": ([[3, 3], [2, 5], [0, 6]], [[3, 3], [2, 6], [3, 1]]),
    "constant": ([[1, 1], [1, 1]], [[2, 2], [2, 2]]),
    "zero-3x4": (np.zeros((3, 4)), np.zeros((3, 4))),
    "weak-dominance": ([[1, 1], [0, 1]], [[1, 0], [1, 0]]),
    "identical-rows": ([[1, 2, 0], [1, 2, 0], [0, 1, 3]], [[2, 0, 1], [2, 0, 1], [0, 3, 1]]),
}


@pytest.mark.parametrize(
    ("name", "label"),
    [
        (name, k)
        for name, (A, _) in sorted(DEGENERATE_GAMES.items())
        for k in range(sum(np.shape(A)))
    ],
)
def test_degenerate_games_terminate_at_an_extreme_equilibrium(name, label):
    A, B = DEGENERATE_GAMES[name]
    result = lemke_howson(A, B, initial_label=label)
    assert result.converged
    assert is_nash(A, B, result.row, result.col)
    assert member(result.row, result.col, gambit_enummixed(A, B))
    x, y, pivots = exact_lemke_howson(A, B, label)
    assert result.pivots == pivots
    np.testing.assert_allclose(result.row, x, atol=1e-12)
    np.testing.assert_allclose(result.col, y, atol=1e-12)


@settings(max_examples=80, deadline=None)
@given(game=small_integer_games())
def test_integer_games_follow_the_exact_lexicographic_path(game):
    # Small integer payoffs are degenerate more often than not: the lexicographic rule must
    # end every path at a vertex pair, hence at an extreme equilibrium, and in float
    # arithmetic take the same pivots as in exact arithmetic.
    A, B = (np.array(M, float) for M in game)
    extreme = gambit_enummixed(A, B)
    for label in range(sum(A.shape)):
        result = lemke_howson(A, B, initial_label=label)
        assert result.converged
        assert is_nash(A, B, result.row, result.col)
        assert member(result.row, result.col, extreme)
        x, y, pivots = exact_lemke_howson(A, B, label)
        assert result.pivots == pivots
        np.testing.assert_allclose(result.row, x, atol=1e-9)
        np.testing.assert_allclose(result.col, y, atol=1e-9)


def test_a_tie_quantecon_misses():
    # A degenerate 5x5 game where dropping label 7 meets ratio ties that rounding hides from
    # quantecon's 1e-15 tie tolerance: exact arithmetic takes 11 pivots, and so do we.
    A = [
        [1, -1, 1, 1, 2],
        [1, -1, 1, 2, -1],
        [0, 1, -2, 2, -1],
        [0, 1, 2, -1, 2],
        [-1, 1, 2, 1, -1],
    ]
    B = [
        [2, 2, 0, -1, 2],
        [-2, -2, 1, 1, 1],
        [-2, -1, -1, -2, 0],
        [2, 1, 0, 1, 2],
        [-2, 2, -2, 2, -2],
    ]
    x, y, pivots = exact_lemke_howson(A, B, 7)
    result = lemke_howson(A, B, initial_label=7)
    assert (result.converged, result.pivots, pivots) == (True, 11, 11)
    np.testing.assert_allclose(result.row, x, atol=1e-12)
    np.testing.assert_allclose(result.col, y, atol=1e-12)


# --- inputs, invariances and the result ------------------------------------------------


def test_affine_payoff_changes_do_not_change_the_path():
    A, B = random_game(7, 6, 5)
    base = lemke_howson(A, B, initial_label=3)
    moved = lemke_howson(A * 1e6 - 3.0, B * 1e-6 + 40.0, initial_label=3)
    assert moved.pivots == base.pivots
    np.testing.assert_allclose(moved.row, base.row, atol=1e-9)
    np.testing.assert_allclose(moved.col, base.col, atol=1e-9)


@pytest.mark.parametrize(
    "convert",
    [
        lambda M: M.tolist(),
        np.asfortranarray,
        lambda M: np.repeat(M, 2, axis=1)[:, ::2],
        lambda M: M.astype(np.int64),
    ],
    ids=["lists", "fortran-order", "strided-view", "integers"],
)
def test_any_array_like_gives_the_same_answer(convert):
    # C-contiguous float64 takes a fast path; everything else goes through as_bimatrix
    A, B = (np.round(M * 100) for M in random_game(11, 4, 3))
    expected = lemke_howson(A, B, initial_label=2)
    result = lemke_howson(convert(A), convert(B), initial_label=2)
    assert result.pivots == expected.pivots
    np.testing.assert_array_equal(result.row, expected.row)
    np.testing.assert_array_equal(result.col, expected.col)


def test_numpy_integer_label_is_accepted():
    A, B, _ = KNOWN_GAMES["von-stengel-3x2"]
    result = lemke_howson(A, B, initial_label=np.int64(1), max_pivots=np.int32(10))
    assert result.initial_label == 1 and result.converged


def test_result_is_frozen_and_read_only():
    result = lemke_howson([[1, 0], [0, 1]], [[1, 0], [0, 1]])
    assert isinstance(result, LemkeHowsonResult)
    assert isinstance(result.converged, bool)
    assert isinstance(result.pivots, int) and isinstance(result.initial_label, int)
    with pytest.raises(ValueError, match="read-only"):
        result.row[0] = 0.5
    with pytest.raises(ValueError, match="read-only"):
        result.col[0] = 0.5
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.converged = False  # type: ignore[misc]


@pytest.mark.parametrize(("A", "B", "error", "match"), BAD_BIMATRICES)
def test_bad_games_are_rejected(A, B, error, match):
    with pytest.raises(error, match=match):
        lemke_howson(A, B)


BAD_ARGUMENTS: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"initial_label": 4}, ValueError, r"initial_label must be in \[0, 3\], got 4"),
    ({"initial_label": -1}, ValueError, r"initial_label must be in \[0, 3\], got -1"),
    ({"initial_label": 1.0}, TypeError, "initial_label must be an integer"),
    ({"initial_label": True}, TypeError, "initial_label must be an integer"),
    ({"max_pivots": 0}, ValueError, "max_pivots must be in >= 1, got 0"),
    ({"max_pivots": "10"}, TypeError, "max_pivots must be an integer"),
    ({"capping": 0}, ValueError, "capping must be in >= 1, got 0"),
    ({"capping": 2.5}, TypeError, "capping must be an integer"),
    ({"tol": -1e-3}, ValueError, r"tol must be in \[0, 1\)"),
    ({"tol": 1.0}, ValueError, r"tol must be in \[0, 1\)"),
    ({"tol": float("nan")}, ValueError, r"tol must be in \[0, 1\)"),
    ({"tol": "x"}, TypeError, "tol must be a real number"),
]


@pytest.mark.parametrize(
    ("arguments", "error", "match"),
    BAD_ARGUMENTS,
    ids=[
        f"{name}={value!r}"
        for arguments, _, _ in BAD_ARGUMENTS
        for name, value in arguments.items()
    ],
)
def test_bad_arguments_are_rejected(arguments, error, match):
    with pytest.raises(error, match=match):
        lemke_howson([[1, 0], [0, 1]], [[0, 1], [1, 0]], **arguments)

"""Vertex enumeration against the literature, quantecon, pygambit and brute force."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import config

from arena.solver.results import EquilibriumSet
from arena.solver.vertex_enumeration import vertex_enumeration
from tests.solver.known_games import BAD_BIMATRICES, KNOWN_GAMES, small_integer_games
from tests.solver.references import (
    QUANTECON_USABLE,
    brute_force_degenerate,
    gambit_enummixed,
    quantecon_support_enumeration,
    rounded_set,
)


def is_nash(A, B, x, y, tol: float = 1e-9) -> bool:
    """Both mixed strategies are distributions and neither player gains by deviating."""
    A, B, x, y = (np.asarray(v, float) for v in (A, B, x, y))
    distributions = all(v.min() >= 0.0 and abs(v.sum() - 1.0) <= tol for v in (x, y))
    row_regret = (A @ y).max() - x @ A @ y
    col_regret = (x @ B).max() - x @ B @ y
    return distributions and row_regret <= tol and col_regret <= tol


def quantecon_vertex_enumeration(A, B) -> list:
    import quantecon.game_theory as gt

    game = gt.NormalFormGame((gt.Player(np.asarray(A, float)), gt.Player(np.asarray(B, float).T)))
    return gt.vertex_enumeration(game)


def random_game(seed: int, m: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(m, n)), rng.normal(size=(m, n))


def gambit_set(A, B) -> set[tuple[float, ...]]:
    """pygambit's extreme equilibria as a set: in degenerate games its float enumeration can
    list one twice (reached from two bases of the same vertex)."""
    return set(rounded_set(gambit_enummixed(A, B)))


def check_all_nash_and_distinct(A, B, result: EquilibriumSet) -> None:
    for x, y in result:
        assert is_nash(A, B, x, y)
    assert len(set(rounded_set(result))) == len(result)


@pytest.mark.parametrize("name", sorted(KNOWN_GAMES))
def test_known_games(name):
    A, B, expected, degenerate = KNOWN_GAMES[name]
    result = vertex_enumeration(A, B)
    assert isinstance(result, EquilibriumSet)
    assert result.method == "vertex_enumeration"
    assert result.degenerate is degenerate
    assert rounded_set(result) == rounded_set(expected)
    check_all_nash_and_distinct(A, B, result)
    assert set(rounded_set(result)) == gambit_set(A, B)


def test_continuum_is_reported_by_its_ends():
    # In the degenerate 3x2 game the row vertex (1, 0, 0) has three labels; it pairs with
    # both ends of the segment of column strategies, and everything between is equilibrium.
    A, B, _, _ = KNOWN_GAMES["von-stengel-degenerate"]
    result = vertex_enumeration(A, B)
    assert result.degenerate
    ends = [(x, y) for x, y in result if np.allclose(x, [1, 0, 0])]
    assert rounded_set(ends) == rounded_set([([1, 0, 0], [1, 0]), ([1, 0, 0], [2 / 3, 1 / 3])])
    for t in np.linspace(0.0, 1.0, 5):  # the segment between its ends is all equilibria
        y = t * ends[0][1] + (1 - t) * ends[1][1]
        assert is_nash(A, B, ends[0][0], y)


# --- random games -----------------------------------------------------------------------

shapes = st.tuples(st.integers(1, 5), st.integers(1, 5))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), shape=shapes)
def test_random_games_match_quantecon_and_gambit(seed, shape):
    A, B = random_game(seed, *shape)
    result = vertex_enumeration(A, B)
    assert not result.degenerate  # random real payoffs: nondegenerate with probability 1
    check_all_nash_and_distinct(A, B, result)
    ours = rounded_set(result)
    assert ours == rounded_set(gambit_enummixed(A, B))
    if QUANTECON_USABLE:
        assert ours == rounded_set(quantecon_support_enumeration(A, B))
        if min(shape) >= 2:  # quantecon's Qhull needs two dimensions
            assert ours == rounded_set(quantecon_vertex_enumeration(A, B))


@pytest.mark.parametrize("seed", range(3))
def test_larger_games_match_quantecon(seed):
    size = 5 if config.DISABLE_JIT else 8
    A, B = random_game(seed, size, size)
    result = vertex_enumeration(A, B)
    assert not result.degenerate
    check_all_nash_and_distinct(A, B, result)
    if QUANTECON_USABLE:
        assert rounded_set(result) == rounded_set(quantecon_vertex_enumeration(A, B))
    else:
        assert rounded_set(result) == rounded_set(gambit_enummixed(A, B))


@pytest.mark.parametrize("shape", [(2, 70), (70, 2), (3, 61)])
def test_more_labels_than_one_mask_word(shape):
    # Label sets are bit masks of 62 labels per int64 word; these games need two words.
    A, B = random_game(sum(shape), *shape)
    result = vertex_enumeration(A, B)
    assert not result.degenerate
    check_all_nash_and_distinct(A, B, result)
    assert rounded_set(result) == rounded_set(gambit_enummixed(A, B))


def test_many_equilibria():
    # Coordination on the diagonal of a 6x6 game: 2^6 - 1 equilibria.
    result = vertex_enumeration(np.eye(6), np.eye(6))
    assert len(result) == 2**6 - 1
    assert not result.degenerate
    check_all_nash_and_distinct(np.eye(6), np.eye(6), result)


# --- degenerate games -------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(game=small_integer_games())
def test_integer_games_match_gambit_and_brute_force_degeneracy(game):
    # Small integer payoffs are degenerate more often than not: the extreme equilibria must
    # still be exactly pygambit's, each once, and the flag must say whether the game is
    # degenerate.
    A, B = (np.array(M, float) for M in game)
    result = vertex_enumeration(A, B)
    assert result.degenerate == brute_force_degenerate(A, B)
    check_all_nash_and_distinct(A, B, result)
    assert set(rounded_set(result)) == gambit_set(A, B)


@pytest.mark.parametrize(
    "shape", [(1, 1), (1, 4), (4, 1), (3, 3), (2, 5)], ids=lambda s: f"{s[0]}x{s[1]}"
)
def test_zero_game_lists_every_pure_profile(shape):
    m, n = shape
    result = vertex_enumeration(np.zeros(shape), np.zeros(shape))
    pure = [(np.eye(m)[i], np.eye(n)[j]) for i in range(m) for j in range(n)]
    assert rounded_set(result) == rounded_set(pure)
    assert result.degenerate is (m * n > 1)


def test_degenerate_game_qhull_matching_misses():
    # A degenerate 2x4 game: each pure row has two best replies, so each of the three extreme
    # equilibria has a row vertex with three labels in dimension two; quantecon's matching
    # of exact complements lists only one of them.
    A = [[1, 2, 1, -1], [-1, 1, 1, 1]]
    B = [[2, -1, 2, -2], [-2, 2, 2, -1]]
    result = vertex_enumeration(A, B)
    assert result.degenerate and len(result) == 3
    check_all_nash_and_distinct(A, B, result)
    assert set(rounded_set(result)) == gambit_set(A, B)
    if QUANTECON_USABLE:
        theirs = set(rounded_set(quantecon_vertex_enumeration(A, B)))
        assert theirs < set(rounded_set(result))


def test_duplicated_actions():
    # Repeating a row and a column makes both polytopes non-simple (vertices with more labels
    # than the dimension); every extreme equilibrium is still listed once.
    A, B = random_game(5, 3, 3)
    A, B = A[[0, 1, 2, 2]][:, [0, 1, 1, 2]], B[[0, 1, 2, 2]][:, [0, 1, 1, 2]]
    result = vertex_enumeration(A, B)
    assert result.degenerate
    check_all_nash_and_distinct(A, B, result)
    assert set(rounded_set(result)) == gambit_set(A, B)


# --- inputs, invariances and the result ------------------------------------------------


def test_affine_payoff_changes_do_not_change_the_answer():
    A, B = random_game(7, 4, 4)
    base = rounded_set(vertex_enumeration(A, B))
    assert rounded_set(vertex_enumeration(A * 1e6 - 3.0, B * 1e-6 + 40.0)) == base
    assert rounded_set(vertex_enumeration(A.tolist(), np.asfortranarray(B))) == base


def test_result_is_frozen_and_read_only():
    result = vertex_enumeration([[1, 0], [0, 1]], [[1, 0], [0, 1]])
    assert len(result) == 3 and result.row.shape == (3, 2) and result.col.shape == (3, 2)
    with pytest.raises(ValueError, match="read-only"):
        result.row[0, 0] = 0.5
    with pytest.raises(ValueError, match="read-only"):
        result.col[0, 0] = 0.5
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.degenerate = True  # type: ignore[misc]


@pytest.mark.parametrize(("A", "B", "error", "match"), BAD_BIMATRICES)
def test_bad_games_are_rejected(A, B, error, match):
    with pytest.raises(error, match=match):
        vertex_enumeration(A, B)


@pytest.mark.parametrize(
    ("tol", "error", "match"),
    [
        (-1e-3, ValueError, r"tol must be in \[0, 1\)"),
        (1.5, ValueError, r"tol must be in \[0, 1\)"),
        ("x", TypeError, "tol must be a real number"),
    ],
)
def test_bad_tolerance_is_rejected(tol, error, match):
    with pytest.raises(error, match=match):
        vertex_enumeration([[1]], [[1]], tol=tol)

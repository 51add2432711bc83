"""Batched kernels give, game by game, what the one-game functions give."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arena.solver.batch import all_equilibria_batch, best_responses_batch, pure_equilibria_batch
from arena.solver.payoffs import best_responses, regret
from arena.solver.pure_equilibria import pure_equilibria
from arena.solver.support_enumeration import support_enumeration
from tests.solver.references import (
    QUANTECON_USABLE,
    gambit_enummixed,
    quantecon_support_enumeration,
    rounded_set,
)

SHAPES = [(1, 1), (1, 3), (2, 2), (2, 3), (3, 2), (3, 3), (2, 4), (4, 4)]


def _stack(seed: int, shape: tuple[int, int], size: int, integer_share: float = 0.3):
    """Random real games with a share of small-integer (often degenerate) ones mixed in."""
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(size, *shape))
    B = rng.normal(size=(size, *shape))
    integers = rng.random(size) < integer_share
    A[integers] = rng.integers(-1, 2, size=(int(integers.sum()), *shape))
    B[integers] = rng.integers(-1, 2, size=(int(integers.sum()), *shape))
    return A, B


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_all_equilibria_equal_support_enumeration_game_by_game(shape):
    A, B = _stack(sum(shape), shape, 200)
    batch = all_equilibria_batch(A, B)
    assert len(batch) == 200
    for g in range(200):
        single = support_enumeration(A[g], B[g])
        row, col = batch.of(g)
        assert batch.degenerate[g] == single.degenerate
        np.testing.assert_allclose(row, single.row, atol=1e-12)
        np.testing.assert_allclose(col, single.col, atol=1e-12)
        assert (batch.game[batch.offsets[g] : batch.offsets[g + 1]] == g).all()
    assert batch.counts.sum() == batch.row.shape[0]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), shape=st.sampled_from([(2, 2), (3, 3), (2, 4)]))
def test_nondegenerate_games_match_quantecon_and_gambit(seed, shape):
    A, B = _stack(seed, shape, 5, integer_share=0.0)
    batch = all_equilibria_batch(A, B)
    for g in range(5):
        ours = rounded_set(zip(*batch.of(g)))
        assert ours == rounded_set(gambit_enummixed(A[g], B[g]))
        if QUANTECON_USABLE:
            assert ours == rounded_set(quantecon_support_enumeration(A[g], B[g]))


def test_2x2_closed_form_on_the_classics():
    A = [[[3, 0], [5, 1]], [[3, 0], [0, 2]], [[1, -1], [-1, 1]], [[4, 1], [3, 3]]]
    B = [[[3, 5], [0, 1]], [[2, 0], [0, 3]], [[-1, 1], [1, -1]], [[4, 3], [1, 3]]]
    batch = all_equilibria_batch(A, B)
    assert batch.counts.tolist() == [1, 3, 1, 3]
    np.testing.assert_allclose(batch.of(2)[0], [[0.5, 0.5]])
    np.testing.assert_allclose(batch.of(3)[1], [[1, 0], [0, 1], [2 / 3, 1 / 3]])
    assert not batch.degenerate.any()


def test_buffer_grows_for_games_with_many_equilibria():
    # Coordination on the diagonal of a 4x4 game has 15 equilibria; 20 games overflow the
    # first buffer several times.
    A = np.broadcast_to(np.eye(4), (20, 4, 4))
    batch = all_equilibria_batch(A, A)
    assert batch.counts.tolist() == [15] * 20
    single = support_enumeration(np.eye(4), np.eye(4))
    np.testing.assert_allclose(batch.of(19)[0], single.row)
    np.testing.assert_allclose(batch.of(-1)[1], single.col)


def test_empty_stack_and_bad_index():
    batch = all_equilibria_batch(np.zeros((0, 2, 2)), np.zeros((0, 2, 2)))
    assert len(batch) == 0 and batch.row.shape == (0, 2)
    with pytest.raises(IndexError, match="game must be in"):
        all_equilibria_batch([[[1]]], [[[1]]]).of(1)


@pytest.mark.parametrize(
    ("A", "B", "match"),
    [
        (np.zeros((2, 2)), np.zeros((2, 2)), r"A must be a stack .*\(K, m, n\)"),
        (np.zeros((3, 2, 2)), np.zeros((2, 2, 2)), "same shape"),
        (np.zeros((3, 2, 0)), np.zeros((3, 2, 0)), "at least one row"),
        (np.full((1, 2, 2), np.inf), np.zeros((1, 2, 2)), r"A must be finite; entry \(0, 0, 0\)"),
    ],
)
def test_bad_stacks_are_rejected(A, B, match):
    with pytest.raises(ValueError, match=match):
        all_equilibria_batch(A, B)


@pytest.mark.parametrize("shape", [(2, 2), (3, 2), (2, 2, 2)], ids=str)
def test_pure_equilibria_batch_equals_one_game_at_a_time(shape):
    rng = np.random.default_rng(len(shape))
    games = rng.integers(-2, 3, size=(50, len(shape), *shape)).astype(float)
    mask = pure_equilibria_batch(games)
    for g in range(50):
        assert np.argwhere(mask[g]).tolist() == pure_equilibria(games[g]).tolist()


def test_pure_equilibria_batch_rejects_a_single_game():
    with pytest.raises(ValueError, match=r"shape \(K, N, a_1, ..., a_N\)"):
        pure_equilibria_batch(np.zeros((2, 2, 2)))


def test_best_responses_batch_equals_one_game_at_a_time():
    rng = np.random.default_rng(11)
    A, B = rng.normal(size=(30, 3, 4)), rng.normal(size=(30, 3, 4))
    x = rng.dirichlet(np.ones(3), size=30)
    y = rng.dirichlet(np.ones(4), size=30)
    x[0] = [0, 1, 0]
    result = best_responses_batch(A, B, x, y)
    for g in range(30):
        best_row, best_col = best_responses((A[g], B[g]), [x[g], y[g]])
        assert np.flatnonzero(result.row_best[g]).tolist() == best_row.tolist()
        assert np.flatnonzero(result.col_best[g]).tolist() == best_col.tolist()
        np.testing.assert_allclose(
            [result.row_regret[g], result.col_regret[g]], regret((A[g], B[g]), [x[g], y[g]])
        )
        np.testing.assert_allclose(result.row_values[g], A[g] @ y[g])
        np.testing.assert_allclose(result.col_values[g], x[g] @ B[g])


@pytest.mark.parametrize(
    ("row", "col", "match"),
    [
        (np.full((2, 2), 0.5), np.full((2, 3), 0.5), r"col\[0\] must sum to 1"),
        (np.full((2, 3), 0.5), np.full((2, 3), 1 / 3), r"shapes \(2, 2\) and \(2, 3\)"),
        ([[1.5, -0.5], [1, 0]], np.full((2, 3), 1 / 3), r"row\[0\] must be nonnegative"),
    ],
)
def test_best_responses_batch_rejects_bad_strategies(row, col, match):
    A = np.zeros((2, 2, 3))
    with pytest.raises(ValueError, match=match):
        best_responses_batch(A, A, row, col)

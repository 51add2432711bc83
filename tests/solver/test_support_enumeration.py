"""Support enumeration against the literature, quantecon, pygambit and brute force."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arena.solver.support_enumeration import is_degenerate, support_enumeration
from tests.solver.known_games import BAD_BIMATRICES, KNOWN_GAMES, small_integer_games
from tests.solver.references import (
    QUANTECON_USABLE,
    brute_force_degenerate,
    gambit_enummixed,
    quantecon_support_enumeration,
    regrets,
    rounded_set,
)


@pytest.mark.parametrize("name", sorted(KNOWN_GAMES))
def test_known_games(name):
    A, B, extreme, degenerate = KNOWN_GAMES[name]
    result = support_enumeration(A, B)
    assert result.degenerate is degenerate
    assert is_degenerate(A, B) is degenerate
    for x, y in result:
        assert max(regrets(A, B, x, y)) < 1e-9
    if degenerate:  # what it lists are among the extreme equilibria
        assert set(rounded_set(result)) <= set(rounded_set(extreme))
    else:
        assert rounded_set(result) == rounded_set(extreme)


def test_degenerate_game_lists_equilibria_found():
    # The degenerate 3x2 game: the component {top} x {y >= 2/3 on left} and the mixed
    # equilibrium with supports {middle, bottom}; equal-size supports find its ends that
    # have equal supports.
    A, B, _, _ = KNOWN_GAMES["von-stengel-degenerate"]
    found = rounded_set(support_enumeration(A, B))
    extreme = rounded_set(gambit_enummixed(A, B))
    assert found and set(found) <= set(extreme)


def _random_game(seed: int, m: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(m, n)), rng.normal(size=(m, n))


shapes = st.tuples(st.integers(1, 5), st.integers(1, 5))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), shape=shapes)
def test_random_games_match_quantecon_and_gambit(seed, shape):
    A, B = _random_game(seed, *shape)
    result = support_enumeration(A, B)
    assert not result.degenerate  # random real payoffs: nondegenerate with probability 1
    ours = rounded_set(result)
    assert ours == rounded_set(gambit_enummixed(A, B))
    if QUANTECON_USABLE:
        assert ours == rounded_set(quantecon_support_enumeration(A, B))


@settings(max_examples=150, deadline=None)
@given(game=small_integer_games(3))
def test_degeneracy_flag_matches_brute_force(game):
    A, B = (np.array(M, float) for M in game)
    result = support_enumeration(A, B)
    assert result.degenerate == brute_force_degenerate(A, B)
    for x, y in result:
        assert max(regrets(A, B, x, y)) < 1e-9
        assert x.min() >= 0 and y.min() >= 0
        assert abs(x.sum() - 1) < 1e-12 and abs(y.sum() - 1) < 1e-12
    extreme = rounded_set(gambit_enummixed(A, B))
    if result.degenerate:
        assert set(rounded_set(result)) <= set(extreme)
    else:
        assert rounded_set(result) == extreme


def test_payoff_scale_does_not_change_the_answer():
    A, B = _random_game(7, 4, 4)
    base = rounded_set(support_enumeration(A, B))
    assert rounded_set(support_enumeration(A * 1e6, B * 1e6)) == base
    assert rounded_set(support_enumeration(A * 1e-3 + 5, B * 1e-3 - 5)) == base


def test_many_equilibria_grow_the_buffer():
    # Coordination on the diagonal: 2^n - 1 equilibria, more than the first buffer holds.
    identity = np.eye(6)
    result = support_enumeration(identity, identity)
    assert len(result) == 2**6 - 1
    assert not result.degenerate


def test_result_is_read_only():
    result = support_enumeration([[1, 0], [0, 1]], [[1, 0], [0, 1]])
    with pytest.raises(ValueError, match="read-only"):
        result.row[0, 0] = 0.5
    with pytest.raises(AttributeError):
        result.degenerate = True  # type: ignore[misc]


@pytest.mark.parametrize(("A", "B", "error", "match"), BAD_BIMATRICES)
def test_bad_games_are_rejected(A, B, error, match):
    with pytest.raises(error, match=match):
        support_enumeration(A, B)


@pytest.mark.parametrize(
    ("tol", "error"), [(-1e-3, ValueError), (1.5, ValueError), ("x", TypeError)]
)
def test_bad_tolerance_is_rejected(tol, error):
    with pytest.raises(error, match="tol"):
        support_enumeration([[1]], [[1]], tol=tol)

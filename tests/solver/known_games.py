"""Games with known equilibria, and Hypothesis strategies for games, shared by the solver tests."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import strategies as st


def uniform_on(support: tuple[int, ...], size: int) -> list[float]:
    return [1 / len(support) if i in support else 0.0 for i in range(size)]


SUBSETS_OF_THREE = [(0,), (1,), (2,), (0, 1), (0, 2), (1, 2), (0, 1, 2)]

# Games with every extreme equilibrium in closed form, and whether the game is degenerate.
KNOWN_GAMES: dict[str, tuple[Any, Any, list[tuple[Any, Any]], bool]] = {
    # The 3x2 example game of von Stengel (2007): nondegenerate, three equilibria.
    "von-stengel-3x2": (
        [[3, 3], [2, 5], [0, 6]],
        [[3, 2], [2, 6], [3, 1]],
        [([1, 0, 0], [1, 0]), ([0.8, 0.2, 0], [2 / 3, 1 / 3]), ([0, 1 / 3, 2 / 3], [1 / 3, 2 / 3])],
        False,
    ),
    # von Stengel's (2007) degenerate example: B[0] = (3, 3) makes the top row have two best
    # responses; the equilibria {top} x {y : y_left >= 2/3} form a segment, reported by its
    # two ends, beside the isolated mixed equilibrium.
    "von-stengel-degenerate": (
        [[3, 3], [2, 5], [0, 6]],
        [[3, 3], [2, 6], [3, 1]],
        [([1, 0, 0], [1, 0]), ([1, 0, 0], [2 / 3, 1 / 3]), ([0, 1 / 3, 2 / 3], [1 / 3, 2 / 3])],
        True,
    ),
    "prisoners-dilemma": ([[3, 0], [5, 1]], [[3, 5], [0, 1]], [([0, 1], [0, 1])], False),
    "matching-pennies": (
        [[1, -1], [-1, 1]],
        [[-1, 1], [1, -1]],
        [([0.5, 0.5], [0.5, 0.5])],
        False,
    ),
    "battle-of-the-sexes": (
        [[3, 0], [0, 2]],
        [[2, 0], [0, 3]],
        [([1, 0], [1, 0]), ([0, 1], [0, 1]), ([0.6, 0.4], [0.4, 0.6])],
        False,
    ),
    "rock-paper-scissors": (
        [[0, -1, 1], [1, 0, -1], [-1, 1, 0]],
        [[0, 1, -1], [-1, 0, 1], [1, -1, 0]],
        [([1 / 3] * 3, [1 / 3] * 3)],
        False,
    ),
    # Shapley (1964): the only equilibrium is uniform.
    "shapley": (
        [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
        [[0, 1, 0], [0, 0, 1], [1, 0, 0]],
        [([1 / 3] * 3, [1 / 3] * 3)],
        False,
    ),
    # Pure coordination on the diagonal: uniform play on each nonempty set of actions.
    "coordination-3x3": (
        np.eye(3),
        np.eye(3),
        [(uniform_on(s, 3), uniform_on(s, 3)) for s in SUBSETS_OF_THREE],
        False,
    ),
    # Every profile is an equilibrium: the whole square, reported by its four corners.
    "constant": (
        [[1, 1], [1, 1]],
        [[2, 2], [2, 2]],
        [([1, 0], [1, 0]), ([1, 0], [0, 1]), ([0, 1], [1, 0]), ([0, 1], [0, 1])],
        True,
    ),
    # Left strictly dominates right; against right both rows are best: degenerate, one
    # equilibrium.
    "weak-dominance": ([[1, 1], [0, 1]], [[1, 0], [1, 0]], [([1, 0], [1, 0])], True),
    "one-by-one": ([[4]], [[-2]], [([1], [1])], False),
    "one-row": ([[1, 2, 3]], [[3, 1, 2]], [([1], [1, 0, 0])], False),
    "one-column": ([[1], [5], [2]], [[0], [0], [0]], [([0, 1, 0], [1])], False),
    # The column player is indifferent between two columns against the single row.
    "one-row-tie": ([[1, 2, 3]], [[3, 3, 2]], [([1], [1, 0, 0]), ([1], [0, 1, 0])], True),
}


def integer_matrix(shape: tuple[int, int]) -> st.SearchStrategy[list[list[int]]]:
    row = st.lists(st.integers(-2, 2), min_size=shape[1], max_size=shape[1])
    return st.lists(row, min_size=shape[0], max_size=shape[0])


def small_integer_games(max_actions: int = 4) -> st.SearchStrategy[tuple[Any, Any]]:
    """Bimatrix games of up to ``max_actions`` actions each, payoffs in -2..2: often degenerate."""
    return st.tuples(st.integers(1, max_actions), st.integers(1, max_actions)).flatmap(
        lambda shape: st.tuples(integer_matrix(shape), integer_matrix(shape))
    )


# Bimatrix inputs every two-player solver must reject: (A, B, error type, message pattern).
# Float64 arrays take the validators' fast path (finiteness checked in the kernel); lists the
# general one.
BAD_BIMATRICES = [
    pytest.param("abc", [[1]], TypeError, "A must be an array of numbers", id="string"),
    pytest.param([[1, 2]], [[1, 2, 3]], ValueError, "same shape", id="shapes"),
    pytest.param(np.ones((2, 2)), np.ones((2, 3)), ValueError, "same shape", id="shapes-fast"),
    pytest.param([1, 2], [1, 2], ValueError, "2-d payoff matrix", id="vector"),
    pytest.param([[1, 2], [3]], [[1, 2], [3, 4]], ValueError, "rectangular", id="ragged"),
    pytest.param([["a", "b"]], [[1, 2]], TypeError, "real numbers", id="text"),
    pytest.param(np.zeros((0, 2)), np.zeros((0, 2)), ValueError, "at least one row", id="empty"),
    pytest.param(
        [[1, float("nan")]], [[1, 2]], ValueError, r"A must be finite; entry \(0, 1\)", id="nan"
    ),
    pytest.param(
        np.array([[1.0, 2.0]]),
        np.array([[1.0, np.inf]]),
        ValueError,
        r"B must be finite; entry \(0, 1\)",
        id="inf-fast",
    ),
    pytest.param(
        np.array([[np.nan, 2.0]]),
        np.array([[1.0, 1.0]]),
        ValueError,
        r"A must be finite; entry \(0, 0\)",
        id="nan-fast",
    ),
]

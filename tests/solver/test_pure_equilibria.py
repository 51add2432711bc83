"""Pure equilibria of N-player games against a check of every deviation from every profile."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arena.solver.pure_equilibria import pure_equilibria
from arena.solver.support_enumeration import support_enumeration


def _by_deviation(game: np.ndarray) -> list[list[int]]:
    """Profiles from which no player gains by a unilateral deviation, checked one by one."""
    shape = game.shape[1:]
    found = []
    for profile in itertools.product(*(range(s) for s in shape)):
        stable = True
        for player, size in enumerate(shape):
            for action in range(size):
                deviation = list(profile)
                deviation[player] = action
                if game[(player, *deviation)] > game[(player, *profile)]:
                    stable = False
        if stable:
            found.append(list(profile))
    return found


games = st.lists(st.integers(1, 3), min_size=1, max_size=4).flatmap(
    lambda shape: st.builds(
        lambda seed: np.random.default_rng(seed).integers(-2, 3, size=(len(shape), *shape)),
        st.integers(0, 2**32 - 1),
    )
)


@settings(max_examples=100, deadline=None)
@given(game=games)
def test_equal_to_checking_every_deviation(game):
    assert pure_equilibria(game).tolist() == _by_deviation(game.astype(float))


@pytest.mark.parametrize(
    ("A", "B", "expected"),
    [
        ([[3, 0], [5, 1]], [[3, 5], [0, 1]], [[1, 1]]),
        ([[3, 0], [0, 2]], [[2, 0], [0, 3]], [[0, 0], [1, 1]]),
        ([[1, -1], [-1, 1]], [[-1, 1], [1, -1]], []),
        ([[4, 1], [3, 3]], [[4, 3], [1, 3]], [[0, 0], [1, 1]]),  # stag hunt
        ([[0, -1], [1, -10]], [[0, 1], [-1, -10]], [[0, 1], [1, 0]]),  # chicken
    ],
)
def test_classic_games(A, B, expected):
    assert pure_equilibria((A, B)).tolist() == expected


def test_agree_with_the_pure_equilibria_of_support_enumeration():
    rng = np.random.default_rng(3)
    for _ in range(50):
        A, B = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
        pure = [
            [int(np.argmax(x)), int(np.argmax(y))]
            for x, y in support_enumeration(A, B)
            if np.count_nonzero(x) == 1 and np.count_nonzero(y) == 1
        ]
        assert pure_equilibria((A, B)).tolist() == sorted(pure)


def test_ties_count_as_best_responses():
    same = np.ones((2, 2, 2))
    assert len(pure_equilibria(same)) == 4
    assert len(pure_equilibria(same + np.array([0, 1e-15]).reshape(1, 1, 2))) == 4
    assert len(pure_equilibria(same + np.array([0, 1e-6]).reshape(1, 1, 2))) == 2


def test_one_player_game_picks_the_best_actions():
    assert pure_equilibria([[1.0, 3.0, 3.0]]).tolist() == [[1], [2]]


def test_bad_games_are_rejected():
    with pytest.raises(ValueError, match="2 players but 3 action axes"):
        pure_equilibria(np.zeros((2, 2, 2, 2)))
    with pytest.raises(TypeError, match="payoffs must be an array of numbers"):
        pure_equilibria("prisoners dilemma")

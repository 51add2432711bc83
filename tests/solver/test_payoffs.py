"""Expected payoffs, best responses, regret and NashConv against sums over every profile."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arena.solver.payoffs import (
    action_values,
    best_responses,
    empirical_strategy,
    expected_payoffs,
    exploitability,
    is_nash,
    nash_conv,
    regret,
)
from arena.solver.support_enumeration import support_enumeration

PD = np.array([[3.0, 0.0], [5.0, 1.0]])
RPS = np.array([[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])


def _random_game_and_profile(seed: int, shape: tuple[int, ...]):
    rng = np.random.default_rng(seed)
    game = rng.normal(size=(len(shape), *shape))
    profile = [rng.dirichlet(np.ones(size)) for size in shape]
    return game, profile


def _expected_by_enumeration(game, profile):
    """Sum over every pure profile of its probability times the payoffs."""
    total = np.zeros(game.shape[0])
    for actions in itertools.product(*(range(s) for s in game.shape[1:])):
        weight = np.prod([profile[p][a] for p, a in enumerate(actions)])
        total += weight * game[(slice(None), *actions)]
    return total


game_shapes = st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), shape=game_shapes)
def test_expected_payoffs_equal_the_sum_over_profiles(seed, shape):
    game, profile = _random_game_and_profile(seed, shape)
    np.testing.assert_allclose(
        expected_payoffs(game, profile), _expected_by_enumeration(game, profile), atol=1e-12
    )


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), shape=game_shapes)
def test_regret_is_the_gain_of_the_best_pure_deviation(seed, shape):
    game, profile = _random_game_and_profile(seed, shape)
    base = _expected_by_enumeration(game, profile)
    gains = []
    for player, size in enumerate(shape):
        deviations = []
        for action in range(size):
            pure = np.zeros(size)
            pure[action] = 1.0
            deviated = [*profile[:player], pure, *profile[player + 1 :]]
            deviations.append(_expected_by_enumeration(game, deviated)[player])
        gains.append(max(deviations) - base[player])
        np.testing.assert_allclose(action_values(game, profile)[player], deviations, atol=1e-12)
        best = best_responses(game, profile)[player]
        assert best.tolist() == [int(np.argmax(deviations))]
    np.testing.assert_allclose(regret(game, profile), np.maximum(gains, 0), atol=1e-12)
    assert nash_conv(game, profile) == pytest.approx(sum(max(g, 0) for g in gains), abs=1e-12)
    assert exploitability(game, profile) == pytest.approx(nash_conv(game, profile) / len(shape))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), m=st.integers(1, 4), n=st.integers(1, 4))
def test_equilibria_have_no_regret(seed, m, n):
    rng = np.random.default_rng(seed)
    A, B = rng.normal(size=(m, n)), rng.normal(size=(m, n))
    for x, y in support_enumeration(A, B):
        assert is_nash((A, B), [x, y])
        assert nash_conv((A, B), [x, y]) < 1e-9


@pytest.mark.parametrize(
    ("profile", "regrets"),
    [
        ([0, 0], [2.0, 2.0]),  # both cooperate: each gains 2 by defecting
        ([1, 1], [0.0, 0.0]),  # mutual defection is the equilibrium
        ([0, 1], [1.0, 0.0]),  # the sucker gains 1 by defecting too
        ([[0.5, 0.5], 1], [0.5, 0.0]),
    ],
)
def test_prisoners_dilemma_regrets(profile, regrets):
    np.testing.assert_allclose(regret((PD, PD.T), profile), regrets)
    assert is_nash((PD, PD.T), profile) is (max(regrets) == 0)


def test_rock_paper_scissors_exploitability():
    uniform = np.full(3, 1 / 3)
    assert exploitability((RPS, -RPS), [uniform, uniform]) == pytest.approx(0, abs=1e-12)
    # always rock loses 1 to paper; the uniform opponent cannot gain anything
    assert exploitability((RPS, -RPS), [0, uniform]) == pytest.approx(0.5)
    assert best_responses((RPS, -RPS), [0, uniform])[1].tolist() == [1]
    assert best_responses((RPS, -RPS), [uniform, uniform])[0].tolist() == [0, 1, 2]


def test_is_nash_tolerance_scales_with_payoffs():
    almost = [[0.5 + 1e-7, 0.5 - 1e-7], [0.5, 0.5]]
    assert not is_nash((PD, PD.T), [[0.5, 0.5], [0.5, 0.5]])
    A = np.array([[1.0, -1.0], [-1.0, 1.0]])
    assert is_nash((A, -A), almost, tol=1e-6)
    assert not is_nash((A, -A), almost, tol=1e-9)


def test_empirical_strategy_counts_play():
    assert empirical_strategy([2, 0, 2, 2], 3).tolist() == [0.25, 0.0, 0.75]
    play = empirical_strategy(np.array([1, 1, 0, 1]), 2)
    assert regret((PD, PD.T), [play, 1]).tolist() == [0.25, 0.0]


@pytest.mark.parametrize(
    ("profile", "error", "match"),
    [
        ("ab", TypeError, "profile must be a sequence"),
        ([0], ValueError, "profile must hold 2 strategies"),
        ([0, 2], ValueError, r"profile\[1\] must be in \[0, 1\]"),
        ([[0.5, 0.6], 0], ValueError, r"profile\[0\] must sum to 1"),
        ([[1.5, -0.5], 0], ValueError, r"profile\[0\] must be nonnegative"),
        ([[1.0, 0.0, 0.0], 0], ValueError, r"profile\[0\] must be a vector of 2"),
        ([[np.nan, 1.0], 0], ValueError, r"profile\[0\] must be finite"),
    ],
)
def test_bad_profiles_are_rejected(profile, error, match):
    with pytest.raises(error, match=match):
        expected_payoffs((PD, PD.T), profile)


@pytest.mark.parametrize(
    ("payoffs", "match"),
    [
        (np.zeros((3, 2, 2)), "3 players but 2 action axes"),
        (np.zeros(4), "one axis per player"),
        (np.zeros((2, 0, 2)), "at least one action"),
    ],
)
def test_bad_games_are_rejected(payoffs, match):
    with pytest.raises(ValueError, match=match):
        regret(payoffs, [0, 0])


@pytest.mark.parametrize(
    ("actions", "n_actions", "error", "match"),
    [
        ([0, 3], 3, ValueError, r"actions must be in \[0, 2\], got 3"),
        ([], 3, ValueError, "empty"),
        ([0.5], 2, TypeError, "integers"),
        ([0], 0, ValueError, "n_actions must be in >= 1"),
        ([0], True, TypeError, "n_actions must be an integer"),
    ],
)
def test_bad_play_is_rejected(actions, n_actions, error, match):
    with pytest.raises(error, match=match):
        empirical_strategy(actions, n_actions)

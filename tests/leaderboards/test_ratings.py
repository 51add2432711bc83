"""Bradley-Terry, bootstrap intervals and online Elo against data with known answers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arena.leaderboards.ratings import (
    ELO_PER_NAT,
    bootstrap_intervals,
    bradley_terry,
    online_elo,
    win_matrix,
)


def simulate(strengths_elo: np.ndarray, games_per_pair: int, seed: int):
    """Outcomes drawn from a Bradley-Terry model with the given true ratings."""
    rng = np.random.default_rng(seed)
    first, second, score = [], [], []
    n = len(strengths_elo)
    for i in range(n):
        for j in range(i + 1, n):
            p = 1 / (1 + 10 ** ((strengths_elo[j] - strengths_elo[i]) / 400))
            wins = rng.random(games_per_pair) < p
            first += [i] * games_per_pair
            second += [j] * games_per_pair
            score += wins.astype(float).tolist()
    return np.array(first), np.array(second), np.array(score)


def test_recovers_known_ratings_from_simulated_play() -> None:
    truth = np.array([1200.0, 1100.0, 1000.0, 900.0, 800.0])
    first, second, score = simulate(truth, 2000, seed=1)
    fitted = bradley_terry(win_matrix(5, first, second, score))
    assert np.argsort(-fitted).tolist() == [0, 1, 2, 3, 4]
    np.testing.assert_allclose(fitted, truth, atol=15)


def test_balanced_record_gives_everyone_1000() -> None:
    wins = np.full((4, 4), 5.0)
    np.fill_diagonal(wins, 0)
    np.testing.assert_allclose(bradley_terry(wins), 1000.0)


def test_undefeated_agent_is_finite_and_on_top() -> None:
    wins = np.array([[0, 10, 10], [0, 0, 6], [0, 4, 0]], dtype=float)
    ratings = bradley_terry(wins)
    assert np.all(np.isfinite(ratings))
    assert ratings[0] > ratings[1] > ratings[2]
    assert ratings.mean() == pytest.approx(1000.0)


def test_prior_vanishes_as_it_widens() -> None:
    wins = np.array([[0.0, 30.0], [10.0, 0.0]])
    gap = np.diff(bradley_terry(wins, prior_sd=1e9))[0]
    assert -gap == pytest.approx(400 * np.log10(3), rel=1e-6)
    assert abs(np.diff(bradley_terry(wins))[0]) < -gap  # the default prior shrinks a little


def test_agents_without_games_sit_at_1000() -> None:
    wins = np.zeros((3, 3))
    wins[0, 1] = 3
    wins[1, 0] = 1
    ratings = bradley_terry(wins)
    assert ratings[2] == 1000.0  # exact: an agent without games is set to 1000, not fitted
    assert ratings[:2].mean() == pytest.approx(1000.0)


@pytest.mark.parametrize(
    ("wins", "message"),
    [
        (np.ones((2, 3)), "square"),
        (-np.ones((2, 2)), "non-negative"),
        (np.full((2, 2), np.nan), "finite"),
    ],
)
def test_bad_win_matrices(wins: np.ndarray, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        bradley_terry(wins)


def test_intervals_contain_the_estimate_and_shrink_with_data() -> None:
    truth = np.array([1100.0, 1000.0, 900.0])
    widths = []
    for games in (30, 600):
        first, second, score = simulate(truth, games, seed=2)
        point = bradley_terry(win_matrix(3, first, second, score))
        low, high = bootstrap_intervals(3, first, second, score, rounds=300, seed=0)
        assert np.all(low <= point + 1e-9) and np.all(point <= high + 1e-9)
        widths.append(np.mean(high - low))
    assert widths[1] < widths[0] / 2.5  # about 1/sqrt(20) as wide with 20x the data


def test_intervals_are_seeded() -> None:
    first, second, score = simulate(np.array([1050.0, 1000.0, 950.0]), 50, seed=3)
    a = bootstrap_intervals(3, first, second, score, rounds=200, seed=5)
    b = bootstrap_intervals(3, first, second, score, rounds=200, seed=5)
    c = bootstrap_intervals(3, first, second, score, rounds=200, seed=6)
    np.testing.assert_array_equal(a, b)  # exact: the same arithmetic on the same seeded draws
    assert not np.array_equal(a, c)


def test_online_elo_by_hand() -> None:
    # First game: equal ratings, expected 0.5, K = 16: +8 / -8.
    # Second game, a draw: expected for the leader 1 / (1 + 10^(-16/400)) = 0.52302.
    ratings = online_elo(2, [0, 0], [1, 1], [1.0, 0.5])
    expected = 1 / (1 + 10 ** (-16 / 400))
    assert ratings[0] == pytest.approx(1008 + 16 * (0.5 - expected))
    assert ratings.sum() == pytest.approx(2000.0)


def test_online_elo_depends_on_order_but_bradley_terry_does_not() -> None:
    first, second = np.array([0, 0, 1, 1]), np.array([1, 1, 2, 2])
    score = np.array([1.0, 0.0, 1.0, 1.0])
    order = np.array([1, 0, 3, 2])
    assert not np.allclose(
        online_elo(3, first, second, score),
        online_elo(3, first[order], second[order], score[order]),
    )
    np.testing.assert_allclose(
        bradley_terry(win_matrix(3, first, second, score)),
        bradley_terry(win_matrix(3, first[order], second[order], score[order])),
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 4), st.sampled_from([0.0, 0.5, 1.0])),
        min_size=1,
        max_size=60,
    )
)
def test_fit_is_a_maximum_with_mean_1000(games: list[tuple[int, int, float]]) -> None:
    games = [g for g in games if g[0] != g[1]]
    if not games:
        return
    first, second, score = (np.array(x) for x in zip(*games))
    wins = win_matrix(5, first, second, score)
    ratings = bradley_terry(wins)
    played = (wins + wins.T).sum(axis=1) > 0
    assert ratings[played].mean() == pytest.approx(1000.0)
    # Swapping every result mirrors the ratings around 1000.
    mirrored = bradley_terry(wins.T)
    np.testing.assert_allclose(mirrored[played] - 1000, -(ratings[played] - 1000), atol=1e-6)
    # The gradient of the penalised likelihood vanishes at the fit. Summing it over agents
    # shows the optimum has mean log-strength 0, so centring on 1000 moved nothing.
    theta = np.where(played, (ratings - 1000.0) / ELO_PER_NAT, 0.0)
    p = 1 / (1 + np.exp(theta[None, :] - theta[:, None]))
    precision = (ELO_PER_NAT / 400.0) ** 2
    gradient = wins.sum(1) - ((wins + wins.T) * p).sum(1) - precision * theta
    np.testing.assert_allclose(gradient, 0.0, atol=1e-7)

"""Bradley-Terry, bootstrap intervals and online Elo against data with known answers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arena.leaderboards.ratings import (
    ELO_PER_NAT,
    MEAN_RATING,
    _categories,
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


def lapack_newton(wins: np.ndarray, prior_sd: float = 400.0) -> np.ndarray:
    """The fit as numpy and LAPACK compute it: the reference for the compiled kernel."""
    games = wins + wins.T
    played = games.sum(axis=1) > 0
    precision = (ELO_PER_NAT / prior_sd) ** 2
    theta = np.zeros(len(wins))
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(theta[None, :] - theta[:, None]))
        gradient = wins.sum(axis=1) - (games * p).sum(axis=1) - precision * theta
        curvature = games * p * (1.0 - p)
        step = np.linalg.solve(curvature - np.diag(curvature.sum(axis=1) + precision), gradient)
        theta -= step
        if np.max(np.abs(step)) < 1e-10:
            break
    ratings = theta * ELO_PER_NAT
    ratings[played] += MEAN_RATING - ratings[played].mean()
    ratings[~played] = MEAN_RATING
    return ratings


@pytest.mark.parametrize(
    ("agents", "games_per_pair", "prior_sd"),
    [(2, 7, 400.0), (5, 40, 400.0), (12, 3, 50.0), (100, 20, 400.0), (30, 200, 1e8)],
)
def test_compiled_fit_matches_lapack_newton(agents: int, games_per_pair: int, prior_sd: float):
    # 100 agents is where OpenBLAS spreads the solve over threads; 1e8 is a vanishing prior
    # on data where every agent won and lost, so the maximiser is finite.
    truth = np.linspace(800.0, 1200.0, agents)
    first, second, score = simulate(truth, games_per_pair, seed=agents)
    score[::5] = 0.5  # some draws
    wins = win_matrix(agents, first, second, score)
    # Both stop once no log-strength moves by 1e-10 (1.7e-8 Elo) after quadratic
    # convergence, so what is left is rounding in sums of up to ~1e4 wins: 1e-8 Elo is loose.
    np.testing.assert_allclose(
        bradley_terry(wins, prior_sd=prior_sd), lapack_newton(wins, prior_sd), rtol=0, atol=1e-8
    )


def test_a_vanishing_prior_that_defeats_lapack_still_fits() -> None:
    # With prior_sd=1e9 the Hessian's all-ones eigenvalue (3e-14) is lost in rounding next
    # to curvatures of ~1e3, and LAPACK's LU finds the matrix singular; the kernel solves
    # that direction apart. The answer is the prior-free maximiser: what LAPACK gives at
    # prior_sd=1e8, whose pull on these gaps is ~1e-11 Elo.
    first, second, score = simulate(np.linspace(800.0, 1200.0, 30), 200, seed=30)
    score[::5] = 0.5
    wins = win_matrix(30, first, second, score)
    with pytest.raises(np.linalg.LinAlgError):
        lapack_newton(wins, prior_sd=1e9)
    np.testing.assert_allclose(
        bradley_terry(wins, prior_sd=1e9), lapack_newton(wins, 1e8), rtol=0, atol=1e-9
    )


def test_compiled_fit_ignores_the_diagonal_and_skips_pairs_that_never_met() -> None:
    wins = np.array([[5.0, 3.0, 0.0], [1.0, 2.0, 0.0], [0.0, 0.0, 0.0]])
    expected = bradley_terry(np.array([[0.0, 3.0], [1.0, 0.0]]))
    np.testing.assert_allclose(bradley_terry(wins)[:2], expected, rtol=0, atol=1e-9)
    assert bradley_terry(wins)[2] == 1000.0


def test_a_flat_prior_with_an_idle_agent_is_singular() -> None:
    # An infinite prior_sd leaves no curvature on an agent that never played, as in LAPACK.
    wins = np.array([[0.0, 3.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    with pytest.raises(np.linalg.LinAlgError, match="singular"):
        bradley_terry(wins, prior_sd=np.inf)


@settings(max_examples=80, deadline=None)
@given(
    st.integers(1, 60),
    st.sampled_from([np.int64, np.int32, np.int8, np.uint32]),
    st.integers(-5, 5),
    st.booleans(),
    st.integers(0, 2**32 - 1),
)
def test_categories_are_numpys_unique_rows(
    size: int, dtype: type, offset: int, wide: bool, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    high = 2**40 if wide and dtype == np.int64 else 5  # wide: the sort path, not bincount
    columns = [rng.integers(0, high, size) for _ in range(2)] + [rng.integers(0, 3, size)]
    if np.issubdtype(dtype, np.signedinteger):
        columns[0] = columns[0] + offset
    columns = [c.astype(dtype) for c in columns]
    rows, counts = _categories(*columns)
    expected_rows, expected_counts = np.unique(
        np.stack(columns, axis=1), axis=0, return_counts=True
    )
    np.testing.assert_array_equal(rows, expected_rows)  # exact: integers
    np.testing.assert_array_equal(counts, expected_counts)


@pytest.mark.parametrize("kind", ["float", "uint64", "overflowing", "empty"])
def test_categories_fall_back_to_sorting_rows(kind: str) -> None:
    a = np.array([3, 1, 3, 1, 2])
    b = np.array([0, 2, 0, 2, 1])
    c = np.array([2, 0, 2, 1, 1])
    if kind == "float":
        a = a.astype(float)
    elif kind == "uint64":
        a = a.astype(np.uint64) + np.uint64(2**63)
    elif kind == "overflowing":
        a = a * 2**40
        b = b * 2**40
    else:
        a, b, c = a[:0], b[:0], c[:0]
    rows, counts = _categories(a, b, c)
    expected_rows, expected_counts = np.unique(
        np.stack([a, b, c], axis=1), axis=0, return_counts=True
    )
    np.testing.assert_array_equal(rows, expected_rows)
    np.testing.assert_array_equal(counts, expected_counts)


def test_intervals_on_a_hundred_agents_are_seeded_and_bracket_the_fit() -> None:
    truth = np.linspace(700.0, 1300.0, 100)
    rng = np.random.default_rng(4)
    first = rng.integers(0, 100, 20_000)
    second = (first + rng.integers(1, 100, 20_000)) % 100
    p = 1 / (1 + 10 ** ((truth[second] - truth[first]) / 400))
    score = (rng.random(20_000) < p).astype(float)
    low, high = bootstrap_intervals(100, first, second, score, rounds=20, seed=1)
    again = bootstrap_intervals(100, first, second, score, rounds=20, seed=1)
    np.testing.assert_array_equal(low, again[0])  # exact: same draws, same arithmetic
    point = bradley_terry(win_matrix(100, first, second, score))
    assert np.mean((low <= point) & (point <= high)) > 0.9  # 20 rounds: a few edge misses

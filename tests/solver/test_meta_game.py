"""nash_average against closed forms, the properties Balduzzi et al. (2018) prove, scipy's
HiGHS (supports and vertex equilibria) and the KKT conditions of maximum entropy."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import brentq, linprog, lsq_linear

from arena.solver import NashAverage, nash_average

RPS = np.array([[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])


def entropy(p: np.ndarray) -> float:
    q = p[p > 0]
    return float(-(q * np.log(q)).sum())


def equilibrium_lp(M: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """A vertex of the Nash polytope {p in simplex, M p <= 0} minimising ``cost @ p``."""
    n = M.shape[0]
    result = linprog(
        cost,
        A_ub=M,
        b_ub=np.zeros(n),
        A_eq=np.ones((1, n)),
        b_eq=[1.0],
        bounds=[(0, None)] * n,
        method="highs",
        # tighter than HiGHS's default 1e-7: the supports below are read at 1e-9
        options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10},
    )
    assert result.status == 0
    return np.asarray(result.x)


def union_of_supports(M: np.ndarray) -> np.ndarray:
    """Agents that some equilibrium plays: max p_i over the Nash polytope is positive."""
    n = M.shape[0]
    return np.array(
        [i for i in range(n) if equilibrium_lp(M, -np.eye(n)[i])[i] > 1e-9], dtype=np.int64
    )


def assert_equilibrium(result: NashAverage, tol: float = 1e-9) -> None:
    """``strategy`` is a Nash equilibrium within ``tol`` times the largest entry, and the
    ratings and support agree with it."""
    M, p = result.game, result.strategy
    scale = float(np.abs(M).max())
    assert p.min() >= 0.0
    assert p.sum() == pytest.approx(1.0, abs=1e-12)
    assert (M @ p).max() <= tol * scale  # nobody beats the mixture
    np.testing.assert_allclose(result.ratings, M @ p, atol=1e-15 * scale)
    np.testing.assert_array_equal(result.support, np.flatnonzero(p > 0))
    assert np.abs(result.ratings[result.support]).max() <= tol * scale


def random_game(seed: int, n: int) -> np.ndarray:
    """A generic antisymmetric game: its Nash equilibrium is unique almost surely."""
    X = np.random.default_rng(seed).standard_normal((n, n))
    return X - X.T


def with_copies(M: np.ndarray, agent: int, copies: int) -> np.ndarray:
    """The meta-game with ``copies`` more agents identical to ``agent``, appended."""
    index = list(range(M.shape[0])) + [agent] * copies
    return M[np.ix_(index, index)]


# --- closed forms ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("matrix", "kind"),
    [
        (RPS, "antisymmetric"),
        (RPS, "payoff"),
        (RPS + 3.0, "payoff"),  # a constant changes nothing
        ((RPS + 1.0) / 2.0, "winrate"),  # win 1, lose 0, draw 1/2
        (np.full((3, 3), 0.5) + 0.3 * RPS, "winrate"),
    ],
    ids=["antisymmetric", "payoff", "shifted-payoff", "winrate-certain", "winrate-80-20"],
)
def test_rock_paper_scissors_is_uniform(matrix: np.ndarray, kind: str) -> None:
    result = nash_average(matrix, kind)  # type: ignore[arg-type]
    np.testing.assert_allclose(result.strategy, [1 / 3] * 3, atol=1e-12)
    np.testing.assert_allclose(result.ratings, 0.0, atol=1e-12)
    np.testing.assert_array_equal(result.support, [0, 1, 2])


@pytest.mark.parametrize(("a", "b", "c"), [(1, 1, 1), (1, 2, 3), (5, 0.5, 2), (1e-3, 1, 1e3)])
def test_weighted_rock_paper_scissors(a: float, b: float, c: float) -> None:
    # Rock loses a to paper and beats scissors by b; paper loses c to scissors. The unique
    # equilibrium solves M p = 0: p proportional to (c, b, a).
    M = np.array([[0.0, -a, b], [a, 0.0, -c], [-b, c, 0.0]])
    result = nash_average(M, "antisymmetric")
    np.testing.assert_allclose(result.strategy, np.array([c, b, a]) / (a + b + c), atol=1e-12)
    assert_equilibrium(result)


@settings(max_examples=50, deadline=None)
@given(strength=arrays(np.float64, st.integers(1, 8), elements=st.floats(-3, 3)))
def test_transitive_win_rates_crown_the_strongest(strength: np.ndarray) -> None:
    # Bradley-Terry win rates P[i, j] = sigmoid(s_i - s_j) have logit s_i - s_j: the game
    # is transitive, and an agent of top strength beats or ties everybody.
    P = 1.0 / (1.0 + np.exp(strength[None, :] - strength[:, None]))
    result = nash_average(P, "winrate", clip=1e-12)
    best = strength.max()
    top = np.flatnonzero(strength >= best - 1e-9)
    assert result.strategy[top].sum() == pytest.approx(1.0, abs=1e-9)
    if top.size == 1:  # the unique best agent alone; ratings are strengths less the best
        np.testing.assert_allclose(result.ratings, strength - best, atol=1e-9)
    assert_equilibrium(result)


def test_clip_bounds_perfect_records() -> None:
    P = np.array([[0.5, 1.0], [0.0, 0.5]])
    result = nash_average(P, "winrate", clip=0.01)
    np.testing.assert_allclose(result.strategy, [1.0, 0.0])
    np.testing.assert_allclose(result.ratings, [0.0, -np.log(0.99 / 0.01)], atol=1e-12)


def test_payoff_kind_uses_the_antisymmetric_part() -> None:
    X = np.random.default_rng(7).uniform(0, 5, (6, 6))  # general-sum average payoffs
    result = nash_average(X, "payoff")
    twin = nash_average((X - X.T) / 2, "antisymmetric")
    np.testing.assert_allclose(result.game, (X - X.T) / 2, atol=1e-15)
    np.testing.assert_allclose(result.strategy, twin.strategy, atol=1e-12)
    np.testing.assert_allclose(result.ratings, twin.ratings, atol=1e-12)


def test_winrate_kind_is_the_logit() -> None:
    rng = np.random.default_rng(3)
    upper = np.triu(rng.uniform(0.05, 0.95, (5, 5)), 1)
    P = upper + np.tril(1.0 - upper.T, -1) + 0.5 * np.eye(5)
    logit = np.log(P / (1.0 - P))
    result = nash_average(P, "winrate")
    np.testing.assert_allclose(result.game, logit, atol=1e-12)
    np.testing.assert_allclose(
        result.strategy, nash_average(logit, "antisymmetric").strategy, atol=1e-12
    )


@pytest.mark.parametrize("n", [1, 2, 5])
def test_all_draws_is_uniform(n: int) -> None:
    result = nash_average(np.full((n, n), 0.5), "winrate")
    np.testing.assert_allclose(result.strategy, np.full(n, 1.0 / n), atol=1e-12)
    np.testing.assert_allclose(result.ratings, 0.0, atol=1e-15)


# --- Balduzzi et al.'s properties ------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 8),
    agent=st.integers(0, 7),
    copies=st.integers(1, 3),
)
def test_copies_split_the_mass_and_leave_the_ratings(
    seed: int, n: int, agent: int, copies: int
) -> None:
    agent %= n
    M = random_game(seed, n)
    base = nash_average(M, "antisymmetric")
    grown = nash_average(with_copies(M, agent, copies), "antisymmetric")
    assert_equilibrium(grown)
    np.testing.assert_allclose(grown.ratings[:n], base.ratings, atol=1e-9)
    np.testing.assert_allclose(grown.ratings[n:], base.ratings[agent], atol=1e-9)
    share = base.strategy[agent] / (copies + 1)
    np.testing.assert_allclose(grown.strategy[[agent, *range(n, n + copies)]], share, atol=1e-9)
    others = [i for i in range(n) if i != agent]
    np.testing.assert_allclose(grown.strategy[others], base.strategy[others], atol=1e-9)


def rock_variants() -> np.ndarray:
    """Rock, rock-2, paper, scissors, x. The two rocks differ only against x, so the
    equilibria are (r, 1/3 - r, 1/3, 1/3, 0) for a segment of r."""
    M = np.zeros((5, 5))
    for a, i in enumerate([0, 2, 3]):
        for b, j in enumerate([0, 2, 3]):
            M[i, j] = RPS[a, b]
    M[1, [2, 3]] = M[0, [2, 3]]
    M[[2, 3], 1] = M[[2, 3], 0]
    return M


def test_copies_move_outside_ratings_when_the_equilibrium_is_not_unique() -> None:
    # x loses 1 to rock, 3 to rock-2 and 1 to paper and scissors: its rating is
    # -r - 3 (1/3 - r) - 2/3 over the equilibria. Maximum entropy takes r = 1/6 (-4/3);
    # with a copy of rock it maximises 2 (r/2) log(r/2) ... at r = 2/9 (-11/9).
    M = rock_variants()
    M[4, :4] = [-1.0, -3.0, -1.0, -1.0]
    M[:4, 4] = -M[4, :4]
    base = nash_average(M, "antisymmetric")
    np.testing.assert_allclose(base.strategy, [1 / 6, 1 / 6, 1 / 3, 1 / 3, 0], atol=1e-12)
    assert base.ratings[4] == pytest.approx(-4 / 3, abs=1e-12)
    grown = nash_average(with_copies(M, 0, 1), "antisymmetric")
    np.testing.assert_allclose(grown.strategy, [1 / 9, 1 / 9, 1 / 3, 1 / 3, 0, 1 / 9], atol=1e-12)
    assert grown.ratings[4] == pytest.approx(-11 / 9, abs=1e-12)
    np.testing.assert_allclose(grown.ratings[[0, 1, 2, 3, 5]], 0.0, atol=1e-12)


def test_an_outside_agent_can_bind_the_maximum_entropy_equilibrium() -> None:
    # x loses 1 to rock and beats rock-2 by 2: it is beaten only while rock-2 has at most
    # 1/9, below the 1/6 that maximum entropy would give it. The constraint binds, x is
    # rated 0 without being played, and the equilibrium is (2/9, 1/9, 1/3, 1/3, 0).
    M = rock_variants()
    M[4, [0, 1]] = [-1.0, 2.0]
    M[[0, 1], 4] = [1.0, -2.0]
    result = nash_average(M, "antisymmetric")
    np.testing.assert_allclose(result.strategy, [2 / 9, 1 / 9, 1 / 3, 1 / 3, 0], atol=1e-12)
    np.testing.assert_array_equal(result.support, [0, 1, 2, 3])
    np.testing.assert_allclose(result.ratings, 0.0, atol=1e-12)
    np.testing.assert_array_equal(result.support, union_of_supports(M))


def test_three_outside_agents_bind_at_once() -> None:
    # Agents 3, 4 and 6 tie with each other; every mixture of them is an equilibrium unless
    # agent 0 (2 p3 - p6), agent 1 (p3 - p4) or agent 5 (p3 + p4 - p6) beats it. Uniform
    # (1/3 each) loses to agent 5; the most even mixture with p6 >= p3 + p4 is
    # (1/4, 1/4, 1/2), where all three constraints bind. Agent 2 loses p3 = 1/4.
    M = np.array(
        [
            [0, 0, 0, 2, 0, 0, -1],
            [0, 0, -1, 1, -1, -1, 0],
            [0, 1, 0, -1, 0, 1, 0],
            [-2, -1, 1, 0, 0, -1, 0],
            [0, 1, 0, 0, 0, -1, 0],
            [0, 1, -1, 1, 1, 0, -1],
            [1, 0, 0, 0, 0, 1, 0],
        ],
        dtype=float,
    )
    result = nash_average(M, "antisymmetric")
    np.testing.assert_allclose(result.strategy, [0, 0, 0, 1 / 4, 1 / 4, 0, 1 / 2], atol=1e-12)
    np.testing.assert_allclose(result.ratings, [0, 0, -1 / 4, 0, 0, 0, 0], atol=1e-12)
    np.testing.assert_array_equal(result.support, union_of_supports(M))


def test_an_outside_agent_binding_from_the_first_equilibrium_found() -> None:
    # Agents 0, 2, 3 and 6 tie with each other; agent 4 beats 2 by 2 and loses to 6 by 1,
    # so the equilibria are the mixtures with p6 >= 2 p2 (agents 1 and 5 lose to 0 and 6).
    # Maximum entropy on the face p6 = 2 p2: p0 = p3 = a, p2 = a 2^(-2/3), p6 = 2 p2.
    half = np.zeros((7, 7))
    half[0, 1], half[4, 1], half[4, 2], half[4, 6], half[6, 5] = 1, -1, 2, -1, 1
    M = half - half.T
    result = nash_average(M, "antisymmetric")
    a = 1 / (2 + 3 * 2 ** (-2 / 3))
    b = a * 2 ** (-2 / 3)
    np.testing.assert_allclose(result.strategy, [a, 0, b, a, 0, 0, 2 * b], atol=1e-12)
    np.testing.assert_array_equal(result.support, union_of_supports(M))


def test_maximum_entropy_is_a_gibbs_tilt_along_the_binding_agent() -> None:
    # Agents 1 to 4 tie with each other; agent 0 scores p1 + 2 p2 - 3 p3 + 2 p4 against
    # them, which binds, and agent 5 loses. Maximum entropy subject to that one equality is
    # p_i proportional to exp(-mu a_i), a = (1, 2, -3, 2), with mu solving sum a_i p_i = 0.
    M = np.array(
        [
            [0, 1, 2, -3, 2, 3],
            [-1, 0, 0, 0, 0, -1],
            [-2, 0, 0, 0, 0, -1],
            [3, 0, 0, 0, 0, 1],
            [-2, 0, 0, 0, 0, 1],
            [-3, 1, 1, -1, -1, 0],
        ],
        dtype=float,
    )
    a = np.array([1.0, 2.0, -3.0, 2.0])
    mu = brentq(lambda mu: a @ np.exp(-mu * a), 0.0, 1.0)
    tilt = np.exp(-mu * a) / np.exp(-mu * a).sum()
    result = nash_average(M, "antisymmetric")
    np.testing.assert_allclose(result.strategy, np.r_[0.0, tilt, 0.0], atol=1e-12)
    np.testing.assert_array_equal(result.support, union_of_supports(M))


def test_margins_a_million_times_smaller_than_the_largest() -> None:
    # Agents 1 and 3 tie; agent 2 beats 1 by 2.0e-5 and loses to 3 by 1.0e-7, so it is
    # beaten only while p1 / p3 <= 1.0099798e-7 / 2.00006e-5, which binds; agents 0 and 4
    # lose to the mixture. Entries span seven orders of magnitude.
    M = np.array(
        [
            [0.0, -9.9998e-02, -1.099978e-06, 9.899802e-06, 9.799804e-01],
            [9.9998e-02, 0.0, -2.00006e-05, 0.0, 1.0],
            [1.099978e-06, 2.00006e-05, 0.0, -1.0099798e-07, 0.0],
            [-9.899802e-06, 0.0, 1.0099798e-07, 0.0, -1.9899602e-03],
            [-9.799804e-01, -1.0, 0.0, 1.9899602e-03, 0.0],
        ]
    )
    ratio = 1.0099798e-07 / 2.00006e-05
    result = nash_average(M, "antisymmetric")
    expected = np.array([0.0, ratio, 0.0, 1.0, 0.0]) / (1.0 + ratio)
    np.testing.assert_allclose(result.strategy, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(result.support, [1, 3])
    assert_equilibrium(result, tol=1e-14)


@pytest.mark.parametrize(
    ("small", "large", "played"),
    [((1, 3), (0, 2), [0, 1, 4]), ((0, 1), (4, 2), [0, 3, 4])],
    ids=["apart", "first-agent"],
)
def test_a_margin_below_a_ten_millionth_still_counts(
    small: tuple[int, int], large: tuple[int, int], played: list[int]
) -> None:
    # One agent beats another by 1.5, a third beats a fourth by 6e-8, the fifth ties with
    # all: the equilibria mix the two winners and the fifth, uniformly at maximum entropy.
    X = np.zeros((5, 5))
    X[large], X[small] = 3.0, 1.2e-7
    result = nash_average(X, "payoff")  # the meta-game is (X - X.T) / 2
    expected = np.zeros(5)
    expected[played] = 1 / 3
    np.testing.assert_allclose(result.strategy, expected, atol=1e-15)
    ratings = np.zeros(5)
    ratings[large[1]], ratings[small[1]] = -1.5 / 3, -6e-8 / 3
    np.testing.assert_allclose(result.ratings, ratings, rtol=1e-12, atol=1e-20)


@pytest.mark.parametrize("seed", range(6))
def test_dominated_agents_get_no_mass(seed: int) -> None:
    M = random_game(seed, 5)
    # agent 5 does worse than agent 2 against everybody (and loses to agent 2)
    row = M[2] - 0.5
    M = np.pad(M, ((0, 1), (0, 1)))
    M[5, :5], M[:5, 5] = row, -row
    result = nash_average(M, "antisymmetric")
    assert result.strategy[5] == 0.0
    assert result.ratings[5] < 0.0
    assert_equilibrium(result)


# --- against independent references ----------------------------------------------------

integer_games = arrays(
    np.int64, st.integers(1, 7).map(lambda n: (n, n)), elements=st.integers(-2, 2)
)


@settings(max_examples=75, deadline=None)
@given(half=integer_games)
def test_equilibrium_with_the_support_highs_finds(half: np.ndarray) -> None:
    # Integer games are often degenerate: whole faces of equilibria, ties outside them.
    M = (half - half.T).astype(float)
    result = nash_average(M, "antisymmetric")
    assert_equilibrium(result)
    np.testing.assert_array_equal(result.support, union_of_supports(M))


@settings(max_examples=50, deadline=None)
@given(half=integer_games, seed=st.integers(0, 2**32 - 1))
def test_entropy_beats_every_equilibrium_highs_finds(half: np.ndarray, seed: int) -> None:
    M = (half - half.T).astype(float)
    result = nash_average(M, "antisymmetric")
    rng = np.random.default_rng(seed)
    n = M.shape[0]
    vertices = np.array([equilibrium_lp(M, rng.standard_normal(n)) for _ in range(8)])
    mixtures = rng.dirichlet(np.ones(len(vertices)), 32) @ vertices
    best = max(entropy(p) for p in np.vstack([vertices, mixtures]))
    assert entropy(result.strategy) >= best - 1e-9


@settings(max_examples=50, deadline=None)
@given(half=integer_games)
def test_kkt_conditions_of_maximum_entropy_hold(half: np.ndarray) -> None:
    # On the support S, max entropy subject to M p <= 0 and sum(p) = 1 means
    #   -log p_j - 1 = lam + sum_i w_i M[i, j]   (j in S),   w_i >= 0 on the tight rows,
    # a certificate scipy's bounded least squares can look for independently.
    M = (half - half.T).astype(float)
    result = nash_average(M, "antisymmetric")
    support = result.support
    tight = np.flatnonzero(np.abs(M @ result.strategy) <= 1e-10)
    design = np.hstack([np.ones((support.size, 1)), M[np.ix_(tight, support)].T])
    target = -np.log(result.strategy[support]) - 1.0
    lower = np.r_[-np.inf, np.zeros(tight.size)]
    fit = lsq_linear(design, target, bounds=(lower, np.inf), tol=1e-14, lsmr_tol="auto")
    assert np.abs(design @ fit.x - target).max() <= 1e-7


@settings(max_examples=50, deadline=None)
@given(
    half=arrays(
        np.float64,
        st.integers(1, 9).map(lambda n: (n, n)),
        elements=st.floats(-5, 5, allow_nan=False),
    )
)
def test_result_is_a_nash_equilibrium(half: np.ndarray) -> None:
    result = nash_average(half, "payoff")
    assert_equilibrium(result)


@settings(max_examples=100, deadline=None)
@given(
    digits=integer_games,
    exponents=arrays(np.int64, (7, 7), elements=st.integers(-14, 0)),
)
def test_an_equilibrium_even_beyond_the_resolution(
    digits: np.ndarray, exponents: np.ndarray
) -> None:
    # Entries spanning up to fourteen orders of magnitude: past the documented resolution
    # the support may miss agents weighed below 1e-9, but the result stays an equilibrium.
    n = digits.shape[0]
    half = digits * 10.0 ** exponents[:n, :n]
    result = nash_average(half - half.T, "antisymmetric")
    M, p = result.game, result.strategy
    assert p.min() >= 0.0 and p.sum() == pytest.approx(1.0, abs=1e-12)
    assert (M @ p).max() <= 1e-9 * max(np.abs(M).max(), 1e-300)


@pytest.mark.parametrize("n", [20, 60])
def test_larger_fields(n: int) -> None:
    rng = np.random.default_rng(n)
    strength = rng.standard_normal(n)
    cyclic = rng.standard_normal((n, n)) * (rng.random((n, n)) < 0.2)
    M = strength[:, None] - strength[None, :] + cyclic - cyclic.T
    M = np.round(M)  # integer results: degenerate
    result = nash_average(M, "antisymmetric")
    assert_equilibrium(result)
    np.testing.assert_array_equal(result.support, union_of_supports(M))


# --- the result and its validation --------------------------------------------------------


def test_agents_pass_through_and_result_is_read_only() -> None:
    result = nash_average(RPS, "antisymmetric", agents=("rock", "paper", "scissors"))
    assert result.agents == ("rock", "paper", "scissors")
    assert nash_average(RPS, "antisymmetric").agents is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.agents = None  # type: ignore[misc]
    for array in (result.strategy, result.ratings, result.support, result.game):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 0


@pytest.mark.parametrize(
    ("matrix", "kwargs", "error", "match"),
    [
        (np.zeros((2, 3)), {}, ValueError, r"matrix must be square .* got shape \(2, 3\)"),
        ([1.0, 2.0], {}, ValueError, "matrix must be a 2-d payoff matrix"),
        ([[0.0, np.nan], [0.0, 0.0]], {}, ValueError, "matrix must be finite"),
        ("rps", {}, TypeError, "matrix must be an array of numbers"),
        (RPS, {"kind": "elo"}, ValueError, "kind must be one of 'payoff', 'winrate'"),
        (RPS, {"kind": 3}, TypeError, "kind must be a string"),
        (
            [[0.5, 1.2], [-0.2, 0.5]],
            {"kind": "winrate"},
            ValueError,
            r"win rates must be in \[0, 1\]; matrix\[0, 1\] is 1.2",
        ),
        (
            [[0.5, 0.7], [0.7, 0.5]],
            {"kind": "winrate"},
            ValueError,
            r"matrix\[i, j\] \+ matrix\[j, i\] = 1 .* matrix\[0, 1\] \+ matrix\[1, 0\] = 1.4",
        ),
        (
            [[0.4, 0.5], [0.5, 0.6]],
            {"kind": "winrate"},
            ValueError,
            r"0.5 on the diagonal",
        ),
        (
            [[0.0, 1.0], [1.0, 0.0]],
            {"kind": "antisymmetric"},
            ValueError,
            r"matrix\[i, j\] = -matrix\[j, i\]; matrix\[0, 1\] is 1.0",
        ),
        (
            [[1.0, 1.0], [-1.0, 0.0]],
            {"kind": "antisymmetric"},
            ValueError,
            r"matrix\[0, 0\] is 1.0",
        ),
        (RPS, {"agents": ["rock", "paper"]}, ValueError, "agents must name all 3 agents"),
        (RPS, {"agents": ["r", "p", "r"]}, ValueError, "'r' appears more than once"),
        (RPS, {"agents": ["r", "p", 3]}, TypeError, "agents must be strings"),
        (RPS, {"agents": "rps"}, TypeError, "agents must be a sequence of names"),
        (RPS, {"clip": 0.0}, ValueError, r"clip must be in \(0, 0.5\)"),
        (RPS, {"clip": 0.5}, ValueError, r"clip must be in \(0, 0.5\)"),
        (RPS, {"clip": "small"}, TypeError, "clip must be a real number"),
        (RPS, {"tol": 1.0}, ValueError, r"tol must be in \[0, 1\)"),
    ],
    ids=[
        "not-square",
        "vector",
        "nan",
        "string",
        "unknown-kind",
        "kind-not-string",
        "winrate-outside-0-1",
        "winrate-not-complementary",
        "winrate-diagonal",
        "not-antisymmetric",
        "antisymmetric-diagonal",
        "agents-too-few",
        "agents-repeated",
        "agents-not-strings",
        "agents-one-string",
        "clip-zero",
        "clip-half",
        "clip-string",
        "tol-one",
    ],
)
def test_invalid_input_is_rejected(matrix: object, kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        nash_average(matrix, **kwargs)  # type: ignore[arg-type]

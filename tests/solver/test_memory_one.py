"""Exact payoffs of memory-one strategies against brute force, Press-Dyson and the literature."""

from __future__ import annotations

import dataclasses
import itertools
from fractions import Fraction

import numpy as np
import pytest
import quantecon as qe
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st

from arena.solver import memory_one as module
from arena.solver.memory_one import (
    MemoryOnePayoffs,
    memory_one_payoffs,
    memory_one_tournament,
    stationary_payoffs,
)

PD = np.array([[3.0, 0.0], [5.0, 1.0]])  # R, S, T, P = 3, 0, 5, 1 (Axelrod's)
R, S, T, P = 3.0, 0.0, 5.0, 1.0

ALLC = (1, 1, 1, 1, 1)
ALLD = (0, 0, 0, 0, 0)
TFT = (1, 1, 0, 1, 0)
STFT = (0, 1, 0, 1, 0)  # suspicious tit for tat: opens with D
WSLS = (1, 1, 0, 0, 1)  # win-stay lose-shift (Pavlov): C after CC and DD
GRIM = (1, 1, 0, 0, 0)
GENEROSITY = min(1 - (T - R) / (R - S), (R - P) / (T - P))  # Nowak and Sigmund: 1/3
GTFT = (1, 1, GENEROSITY, 1, GENEROSITY)


# --------------------------------------------------------------------------------------------
# Independent references, written from the definitions
# --------------------------------------------------------------------------------------------


def cooperate(probability: float, noise: float) -> float:
    """Chance that a move meant to be C with ``probability`` is realised as C."""
    return probability * (1 - noise) + (1 - probability) * noise


def move_law(probability: float, noise: float) -> tuple[float, float]:
    c = cooperate(probability, noise)
    return c, 1 - c


def x_prob(p, x_prev, y_prev, x, noise):
    """Chance that X plays ``x`` after the round (x_prev, y_prev); ``None``: first move."""
    index = 0 if x_prev is None else 1 + 2 * x_prev + y_prev
    return move_law(p[index], noise)[x]


def y_prob(q, x_prev, y_prev, y, noise):
    """Chance that Y plays ``y``; Y sees the round from its side: its own move first."""
    index = 0 if x_prev is None else 1 + 2 * y_prev + x_prev
    return move_law(q[index], noise)[y]


def brute_force(p, q, A, B, turns, delta, noise):
    """Enumerate every history of ``turns`` rounds and every stopping round.

    Returns expected totals (X, Y), expected rounds and expected cooperations (X, Y).
    """
    totals = np.zeros(2)
    cooperations = np.zeros(2)
    rounds = 0.0
    for history in itertools.product(range(4), repeat=turns):
        chance = 1.0
        prev = (None, None)
        for outcome in history:
            x, y = divmod(outcome, 2)
            chance *= x_prob(p, *prev, x, noise) * y_prob(q, *prev, y, noise)
            prev = (x, y)
        if chance == 0.0:
            continue
        for stop in range(1, turns + 1):  # the game lasts exactly ``stop`` rounds
            last = stop == turns
            weight = delta ** (stop - 1) * (1.0 if last else 1 - delta)
            if weight == 0.0:
                continue
            played = [divmod(o, 2) for o in history[:stop]]
            totals += (
                chance
                * weight
                * np.array(
                    [
                        sum(A[x, y] for x, y in played),
                        sum(B[x, y] for x, y in played),
                    ]
                )
            )
            cooperations += (
                chance
                * weight
                * np.array(
                    [
                        sum(x == 0 for x, _ in played),
                        sum(y == 0 for _, y in played),
                    ]
                )
            )
            rounds += chance * weight * stop
    return totals, rounds, cooperations


def reference_chain(p, q, noise):
    """Transition matrix over (x, y) = CC, CD, DC, DD and the first round's law."""
    M = np.zeros((4, 4))
    v0 = np.zeros(4)
    for x, y in itertools.product(range(2), repeat=2):
        v0[2 * x + y] = x_prob(p, None, None, x, noise) * y_prob(q, None, None, y, noise)
        for xn, yn in itertools.product(range(2), repeat=2):
            M[2 * x + y, 2 * xn + yn] = x_prob(p, x, y, xn, noise) * y_prob(q, x, y, yn, noise)
    return M, v0


def stepwise_occupation(p, q, turns, delta, noise):
    """``sum_t delta^t v0 M^t`` by plain iteration, and the expected rounds."""
    M, v = reference_chain(p, q, noise)
    w = np.zeros(4)
    rounds = 0.0
    weight = 1.0
    for _ in range(turns):
        w += weight * v
        rounds += weight
        v = v @ M
        weight *= delta
    return w, rounds


def cesaro_reference(p, q, noise):
    """Long-run law: QuantEcon's recurrent classes and stationary laws, SciPy's absorption."""
    M, v0 = reference_chain(p, q, noise)
    chain = qe.MarkovChain(M)
    classes = chain.recurrent_classes_indices
    laws = chain.stationary_distributions
    recurrent = np.concatenate(classes)
    transient = np.setdiff1d(np.arange(4), recurrent)
    law = np.zeros(4)
    for members, stationary in zip(classes, laws):
        weight = v0[members].sum()
        if transient.size:
            into = M[np.ix_(transient, members)].sum(axis=1)
            escape = np.eye(transient.size) - M[np.ix_(transient, transient)]
            weight += v0[transient] @ scipy.linalg.solve(escape, into)
        law += weight * stationary
    return law


def solve_exact(A, b):
    """Solve ``A x = b`` in exact rational arithmetic (Gauss-Jordan)."""
    n = len(b)
    rows = [[*A[i], b[i]] for i in range(n)]
    for col in range(n):
        pivot = next(r for r in range(col, n) if rows[r][col] != 0)
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(n):
            if r != col and rows[r][col] != 0:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [a - factor * c for a, c in zip(rows[r], rows[col])]
    return [rows[i][n] / rows[i][i] for i in range(n)]


def exact_limit(p, q, noise):
    """The long-run law in exact rationals: closed classes, absorption, stationary laws."""
    e = Fraction(noise)

    def law(a):
        c = Fraction(a) * (1 - e) + (1 - Fraction(a)) * e
        return (c, 1 - c)

    M = [[Fraction(0)] * 4 for _ in range(4)]
    v0 = [law(p[0])[x] * law(q[0])[y] for x in (0, 1) for y in (0, 1)]
    for x, y, xn, yn in itertools.product((0, 1), repeat=4):
        M[2 * x + y][2 * xn + yn] = law(p[1 + 2 * x + y])[xn] * law(q[1 + 2 * y + x])[yn]
    reach = [[i == j or M[i][j] > 0 for j in range(4)] for i in range(4)]
    for k, i, j in itertools.product(range(4), repeat=3):
        reach[i][j] = reach[i][j] or (reach[i][k] and reach[k][j])
    closed = [i for i in range(4) if all(reach[j][i] for j in range(4) if reach[i][j])]
    transient = [i for i in range(4) if i not in closed]
    classes = {frozenset(j for j in closed if reach[i][j]) for i in closed}
    result = [Fraction(0)] * 4
    for members in map(sorted, classes):
        # pi (I - M) = 0 on the class, with the last balance equation replaced by sum(pi) = 1.
        n = len(members)
        A = [[(i == j) - M[members[i]][members[j]] for i in range(n)] for j in range(n)]
        A[-1] = [Fraction(1)] * n
        pi = solve_exact(A, [Fraction(0)] * (n - 1) + [Fraction(1)])
        weight = sum(v0[i] for i in members)
        if transient:
            escape = [[(a == b) - M[a][b] for b in transient] for a in transient]
            into = [sum(M[a][j] for j in members) for a in transient]
            absorbed = solve_exact(escape, into)
            weight += sum(v0[a] * h for a, h in zip(transient, absorbed))
        for i, value in zip(members, pi):
            result[i] = weight * value
    return result


def press_dyson(p, q, f, noise=0.0):
    """Press and Dyson's (2012) determinant formula for the stationary payoff ``v . f``."""
    p1, p2, p3, p4 = (cooperate(v, noise) for v in p[1:])
    q1, q2, q3, q4 = (cooperate(v, noise) for v in q[1:])

    def det(column):
        return np.linalg.det(
            np.array(
                [
                    [p1 * q1 - 1, p1 - 1, q1 - 1, column[0]],
                    [p2 * q3, p2 - 1, q3, column[1]],
                    [p3 * q2, p3, q2 - 1, column[2]],
                    [p4 * q4, p4, q4, column[3]],
                ]
            )
        )

    return det(f) / det(np.ones(4))


def play_deterministic(p, q, A, B, turns):
    """Play two pure memory-one strategies turn by turn: the match's totals."""
    x, y = int(p[0] == 0), int(q[0] == 0)
    totals = [0.0, 0.0]  # sums of small integers: exact in float64
    for _ in range(turns):
        totals[0] += A[x, y]
        totals[1] += B[x, y]
        x, y = int(p[1 + 2 * x + y] == 0), int(q[1 + 2 * y + x] == 0)
    return totals


def deterministic_limit(p, q, A, B):
    """Average payoff over the cycle two pure strategies fall into (exact Fractions)."""
    seen = {}
    path = []
    x, y = int(p[0] == 0), int(q[0] == 0)
    while (x, y) not in seen:
        seen[(x, y)] = len(path)
        path.append((x, y))
        x, y = int(p[1 + 2 * x + y] == 0), int(q[1 + 2 * y + x] == 0)
    cycle = path[seen[(x, y)] :]
    return (
        Fraction(sum(Fraction(A[a, b]) for a, b in cycle)) / len(cycle),
        Fraction(sum(Fraction(B[a, b]) for a, b in cycle)) / len(cycle),
    )


def zero_determinant(chi: float, phi: float) -> tuple[float, ...]:
    """Press and Dyson's extortionate strategy enforcing ``s_X - P = chi (s_Y - P)``."""
    return (
        0.0,
        1 - phi * (chi - 1) * (R - P),
        1 - phi * ((P - S) + chi * (T - P)),
        phi * ((T - P) + chi * (P - S)),
        0.0,
    )


# --------------------------------------------------------------------------------------------
# Hypothesis strategies
# --------------------------------------------------------------------------------------------

# Exact 0s and 1s make chains with several closed classes, transient states and cycles; the
# references (SciPy solves, QuantEcon) are plain floating point, so the rest stay moderate.
probability = st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0.001, 0.999))
memory_one = st.tuples(*[probability] * 5)
interior = st.tuples(*[st.floats(0.02, 0.98)] * 5)
payoff_matrix = st.lists(st.integers(-5, 9), min_size=4, max_size=4).map(
    lambda v: np.array(v, dtype=float).reshape(2, 2)
)
noise_level = st.one_of(st.just(0.0), st.floats(1e-6, 0.5))
continuation_level = st.one_of(st.just(1.0), st.floats(0.05, 1.0))
pure = [tuple(bits) for bits in itertools.product((0, 1), repeat=5)]


# --------------------------------------------------------------------------------------------
# Finite horizons
# --------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    p=memory_one,
    q=memory_one,
    A=payoff_matrix,
    B=payoff_matrix,
    turns=st.integers(1, 5),
    delta=continuation_level,
    noise=noise_level,
)
def test_finite_horizon_matches_brute_force_over_all_histories(p, q, A, B, turns, delta, noise):
    result = memory_one_payoffs(p, q, (A, B), turns=turns, continuation=delta, noise=noise)
    totals, rounds, cooperations = brute_force(p, q, A, B, turns, delta, noise)
    assert result.rounds == pytest.approx(rounds, rel=1e-12)
    np.testing.assert_allclose(result.totals, totals, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(result.per_round, totals / rounds, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(result.cooperation, cooperations / rounds, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(result.distribution.sum(), 1.0, rtol=1e-12)
    np.testing.assert_allclose(result.distribution @ A.ravel(), result.per_round[0], atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    p=memory_one,
    q=memory_one,
    turns=st.integers(1, 700),
    delta=continuation_level,
    noise=noise_level,
)
def test_long_horizons_match_stepwise_iteration(p, q, turns, delta, noise):
    """Repeated squaring agrees with ``turns`` plain steps of the reference chain."""
    result = memory_one_payoffs(p, q, turns=turns, continuation=delta, noise=noise)
    w, rounds = stepwise_occupation(p, q, turns, delta, noise)
    assert result.rounds == pytest.approx(rounds, rel=1e-11)
    np.testing.assert_allclose(result.distribution, w / rounds, atol=1e-11)
    np.testing.assert_allclose(result.totals[0], w @ PD.ravel(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(result.totals[1], w @ PD.T.ravel(), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("turns", [1, 2, 3, 7, 64, 200, 201, 555])
def test_pure_strategies_score_exactly_as_played_turn_by_turn(turns):
    """All 32 x 32 pairs of pure memory-one strategies: the totals of a played match."""
    scores = memory_one_tournament(pure, turns=turns)
    for (x, p), (y, q) in itertools.product(enumerate(pure), repeat=2):
        own, _ = play_deterministic(p, q, PD, PD.T, turns)
        assert scores[x, y] * turns == pytest.approx(own, abs=1e-9), (p, q)


# --------------------------------------------------------------------------------------------
# Infinite horizons
# --------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(p=memory_one, q=memory_one, delta=st.floats(0.01, 0.999), noise=noise_level)
def test_discounted_infinite_horizon_solves_the_resolvent(p, q, delta, noise):
    result = memory_one_payoffs(p, q, continuation=delta, noise=noise)
    M, v0 = reference_chain(p, q, noise)
    w = scipy.linalg.solve((np.eye(4) - delta * M).T, v0)
    assert result.rounds == pytest.approx(1 / (1 - delta), rel=1e-12)
    np.testing.assert_allclose(result.totals, [w @ PD.ravel(), w @ PD.T.ravel()], rtol=1e-9)
    # ... and it is the limit of ever longer capped games.
    capped = memory_one_payoffs(p, q, turns=200_000, continuation=delta, noise=noise)
    np.testing.assert_allclose(capped.totals, result.totals, rtol=1e-9, atol=1e-9)


@settings(max_examples=80, deadline=None)
@given(p=memory_one, q=memory_one, A=payoff_matrix, B=payoff_matrix, noise=noise_level)
def test_long_run_law_matches_quantecon_classes_and_absorption(p, q, A, B, noise):
    """Ergodic or not: the mixture of the closed classes' stationary laws."""
    result = memory_one_payoffs(p, q, (A, B), noise=noise)
    law = cesaro_reference(p, q, noise)
    np.testing.assert_allclose(result.distribution, law, atol=1e-9)
    np.testing.assert_allclose(result.per_round, [law @ A.ravel(), law @ B.ravel()], atol=1e-8)
    assert result.rounds == np.inf
    assert stationary_payoffs(p, q, (A, B), noise=noise) == tuple(result.per_round)


def test_long_run_payoffs_of_all_pure_pairs_are_their_cycle_averages():
    """1024 pairs of pure strategies: each pair falls into a cycle; the limit is its mean."""
    scores = memory_one_tournament(pure, turns=None)
    for (x, p), (y, q) in itertools.product(enumerate(pure), repeat=2):
        own, _ = deterministic_limit(p, q, PD, PD.T)
        assert scores[x, y] == pytest.approx(float(own), abs=1e-12), (p, q)


@settings(max_examples=80, deadline=None)
@given(
    p=interior,
    q=interior,
    A=payoff_matrix,
    B=payoff_matrix,
    noise=st.floats(0.0, 0.5),
)
def test_ergodic_chains_give_press_dyson_determinant_payoffs(p, q, A, B, noise):
    sx, sy = stationary_payoffs(p, q, (A, B), noise=noise)
    assert sx == pytest.approx(press_dyson(p, q, A.ravel(), noise), abs=1e-8)
    # Y's payoffs from Y's side: (B_CC, B_CD, B_DC, B_DD) seen by X are Y's (R, T, S, P).
    assert sy == pytest.approx(press_dyson(p, q, B.ravel(), noise), abs=1e-8)


@settings(max_examples=50, deadline=None)
@given(p=memory_one, q=memory_one, noise=st.floats(0.01, 0.5))
def test_noise_makes_the_first_move_irrelevant(p, q, noise):
    """With noise every state is reachable in one step: one stationary law."""
    opened = stationary_payoffs((1.0, *p[1:]), (0.0, *q[1:]), noise=noise)
    closed = stationary_payoffs((0.0, *p[1:]), (1.0, *q[1:]), noise=noise)
    np.testing.assert_allclose(opened, closed, atol=1e-10)
    np.testing.assert_allclose(opened[0], press_dyson(p, q, PD.ravel(), noise), atol=1e-8)


@settings(max_examples=50, deadline=None)
@given(
    q=st.tuples(*[st.floats(0.01, 0.99)] * 5),
    chi=st.one_of(st.just(3.0), st.floats(1.0, 10.0)),
    share=st.floats(0.05, 1.0),
)
def test_zero_determinant_extortion_enforces_its_linear_relation(q, chi, share):
    """Press and Dyson: ``s_X - P = chi (s_Y - P)`` against any opponent."""
    phi = share / max((P - S) + chi * (T - P), (T - P) + chi * (P - S))
    sx, sy = stationary_payoffs(zero_determinant(chi, phi), q)
    assert sx - P == pytest.approx(chi * (sy - P), abs=1e-9)


def test_press_and_dysons_published_extortioner():
    """Their example with chi = 3: p = (11/13, 1/2, 7/26, 0) against always cooperate."""
    extort = (0, 11 / 13, 1 / 2, 7 / 26, 0)
    np.testing.assert_allclose(zero_determinant(3.0, 1 / 26), extort)
    sx, sy = stationary_payoffs(extort, ALLC)
    # Against ALLC: a two-state chain between CC and DC, p_CC = 11/13, p_DC = 7/26.
    stay = (7 / 26) / (7 / 26 + 2 / 13)
    assert sx == pytest.approx(stay * R + (1 - stay) * T, abs=1e-12)
    assert sy == pytest.approx(stay * R + (1 - stay) * S, abs=1e-12)
    assert sx - P == pytest.approx(3 * (sy - P), abs=1e-12)


# --------------------------------------------------------------------------------------------
# Literature pairs
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "q", "turns", "expected"),
    [
        pytest.param(TFT, ALLD, 200, (199.0, 204.0), id="tft-alld-200"),
        pytest.param(ALLD, TFT, 200, (204.0, 199.0), id="alld-tft-200"),
        pytest.param(TFT, TFT, 200, (600.0, 600.0), id="tft-tft-200"),
        pytest.param(TFT, STFT, 200, (500.0, 500.0), id="tft-stft-200"),
        pytest.param(TFT, STFT, 201, (500.0, 505.0), id="tft-stft-201"),
        pytest.param(WSLS, ALLD, 200, (100.0, 600.0), id="wsls-alld-200"),
        pytest.param(GRIM, ALLD, 200, (199.0, 204.0), id="grim-alld-200"),
        pytest.param(TFT, ALLD, 2**62, (2**62 - 1, 5 + 2**62 - 1), id="tft-alld-2^62"),
        pytest.param(ALLC, ALLD, 200, (0.0, 1000.0), id="allc-alld-200"),
        pytest.param(
            GTFT, ALLD, 200, (199 * 2 / 3, 5 + 199 * 7 / 3), id="gtft-alld-200"
        ),  # after round 1: C w.p. 1/3, so X earns 2/3 and ALLD 5/3 + 2/3 a round
    ],
)
def test_literature_totals(p, q, turns, expected):
    result = memory_one_payoffs(p, q, turns=turns)
    np.testing.assert_allclose(result.totals, expected, rtol=1e-12)
    assert result.rounds == turns


@pytest.mark.parametrize(
    ("p", "q", "noise", "expected"),
    [
        pytest.param(TFT, TFT, 0.0, (R, R), id="tft-tft"),
        pytest.param(TFT, STFT, 0.0, ((S + T) / 2, (S + T) / 2), id="tft-stft-alternates"),
        pytest.param(STFT, STFT, 0.0, (P, P), id="stft-stft"),
        pytest.param(WSLS, ALLD, 0.0, ((S + P) / 2, (T + P) / 2), id="wsls-alld"),
        pytest.param(GTFT, ALLD, 0.0, (2 / 3, 7 / 3), id="gtft-alld"),
        pytest.param(GTFT, GTFT, 0.0, (R, R), id="gtft-gtft"),
        # Noisy TFT vs TFT: M is doubly stochastic, so every outcome is equally likely.
        pytest.param(TFT, TFT, 0.01, ((R + S + T + P) / 4,) * 2, id="tft-tft-noise-0.01"),
        pytest.param(TFT, TFT, 0.2, ((R + S + T + P) / 4,) * 2, id="tft-tft-noise-0.2"),
        pytest.param(ALLC, ALLD, 0.5, ((R + S + T + P) / 4,) * 2, id="coin-flips"),
        pytest.param(WSLS, ALLC, 0.0, (R, R), id="wsls-allc"),
    ],
)
def test_literature_long_run_payoffs(p, q, noise, expected):
    np.testing.assert_allclose(stationary_payoffs(p, q, noise=noise), expected, atol=1e-12)


@pytest.mark.parametrize("noise", [0.001, 0.01, 0.1, 0.3])
def test_noisy_win_stay_lose_shift_against_itself_in_closed_form(noise):
    """WSLS pairs intend C after CC and DD, D after CD and DC (Nowak and Sigmund 1993).

    So the next outcome's law depends only on ``a``, the chance of a C-intending state:
    ``CD`` and ``DC`` each have probability ``e (1 - e)``, ``a = 1 - 2 e (1 - e)``,
    ``CC = a (1-e)^2 + (1-a) e^2`` and ``DD = a e^2 + (1-a) (1-e)^2``.
    """
    e = noise
    a = 1 - 2 * e * (1 - e)
    law = [a * (1 - e) ** 2 + (1 - a) * e**2, e * (1 - e), e * (1 - e)]
    law.append(a * e**2 + (1 - a) * (1 - e) ** 2)
    wsls = memory_one_payoffs(WSLS, WSLS, noise=noise)
    np.testing.assert_allclose(wsls.distribution, law, atol=1e-12)
    np.testing.assert_allclose(wsls.per_round, [np.dot(law, [R, S, T, P])] * 2, atol=1e-12)
    # Noisy TFT pairs drift to every outcome alike, so WSLS does better against itself.
    tft = memory_one_payoffs(TFT, TFT, noise=noise)
    np.testing.assert_allclose(tft.cooperation, [0.5, 0.5], atol=1e-12)
    assert wsls.per_round[0] > tft.per_round[0]


# --------------------------------------------------------------------------------------------
# Limits of the horizons
# --------------------------------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(p=memory_one, q=memory_one, noise=st.floats(0.05, 0.5))
def test_finite_per_round_payoffs_converge_to_the_stationary_ones_like_one_over_t(p, q, noise):
    """With noise >= 0.05 every transition has probability >= 0.0025, so the chain contracts by
    0.99 a step (Doeblin) and ``T (finite - limit)`` settles to a constant by T = 4000."""
    limit = np.array(stationary_payoffs(p, q, noise=noise))
    scaled = []
    for turns in (4_000, 400_000):
        finite = memory_one_payoffs(p, q, turns=turns, noise=noise).per_round
        scaled.append(turns * (finite - limit))
    np.testing.assert_allclose(scaled[0], scaled[1], atol=1e-6)
    # The same contraction bounds the constant: sum_t 0.99^t (T - S) = 100 * 5.
    assert np.abs(scaled[0]).max() <= 500


@pytest.mark.parametrize(
    ("p", "q"),
    [
        pytest.param(TFT, STFT, id="tft-stft-periodic"),
        pytest.param(TFT, (0.5, 1, 0, 1, 0), id="tft-coin-opening-two-classes"),
        pytest.param(GRIM, (1, 0.9, 0.2, 0.7, 0.4), id="grim-absorbing"),
        pytest.param((0.3, 1, 0.5, 0, 1), (0.6, 0.2, 1, 1, 0), id="mixed-nonergodic"),
    ],
)
def test_cesaro_and_abel_limits_of_non_ergodic_chains(p, q):
    """Long capped games and nearly undiscounted games both approach the limit."""
    limit = memory_one_payoffs(p, q).per_round
    np.testing.assert_allclose(memory_one_payoffs(p, q, turns=10**6).per_round, limit, atol=1e-4)
    abel = memory_one_payoffs(p, q, continuation=1 - 1e-7).per_round
    np.testing.assert_allclose(abel, limit, atol=1e-4)


@pytest.mark.parametrize(
    ("leave", "back"),
    [(1e-3, 1e-3), (1e-12, 1e-3), (2.0**-52, 1e-250), (1e-3, 1e-300), (1e-300, 1e-300)],
)
def test_extreme_probabilities_keep_full_relative_accuracy(leave, back):
    """Against ALLC, X alternates between CC and DC: it leaves CC w.p. ``leave`` and comes back
    w.p. ``back``, so CC has stationary weight back / (leave + back), however small."""
    p = (1, 1 - leave, 0.5, back, 0.5)
    leave = 1 - p[1]  # what float64 holds (exact: Sterbenz)
    result = memory_one_payoffs(p, ALLC)
    weight = back / (leave + back)
    assert result.distribution[0] == pytest.approx(weight, rel=1e-12)
    assert result.distribution[2] == pytest.approx(1 - weight, rel=1e-12)
    assert result.per_round[1] == pytest.approx(weight * R + (1 - weight) * S, rel=1e-12)


@pytest.mark.parametrize("gap", [1e-3, 1e-9, 1e-15])
def test_nearly_undiscounted_games_stay_accurate(gap):
    """TFT vs ALLD discounted: X earns S once, then P; totals S + delta P / (1 - delta)."""
    delta = 1 - gap
    result = memory_one_payoffs(TFT, ALLD, continuation=delta)
    assert result.rounds == pytest.approx(1 / (1 - delta), rel=1e-12)
    assert result.totals[0] == pytest.approx(S + delta * P / (1 - delta), rel=1e-12)
    assert result.totals[1] == pytest.approx(T + delta * P / (1 - delta), rel=1e-12)


tiny = st.floats(0.0, 150.0).map(lambda x: 10.0**-x)
extreme = st.one_of(
    st.sampled_from([0.0, 1.0]),
    tiny,
    tiny.map(lambda x: 1.0 - x * 1e-3),  # near 1, down to 1 - 2**-53
)


@settings(max_examples=100, deadline=None)
@given(
    p=st.tuples(*[extreme] * 5),
    q=st.tuples(*[extreme] * 5),
    noise=st.one_of(st.just(0.0), tiny.map(lambda x: x / 2)),
)
def test_long_run_law_is_accurate_entry_by_entry_in_exact_arithmetic(p, q, noise):
    """Probabilities down to 1e-150: every entry of the law to 1e-10 relative, against exact
    rationals (products stay above float64's underflow, so the zero pattern is the same)."""
    law = memory_one_payoffs(p, q, noise=noise).distribution
    exact = exact_limit(p, q, noise)
    for ours, truth in zip(law, exact):
        assert ours == pytest.approx(float(truth), rel=1e-10, abs=0.0), (law, exact)


def test_limit_totals_diverge():
    """Per-round payoffs 2.5, 0 and -2.5: the undiscounted totals are inf, undefined, -inf."""
    result = memory_one_payoffs(TFT, STFT, (PD, np.zeros((2, 2))))
    assert result.rounds == np.inf
    assert result.per_round.tolist() == [2.5, 0.0]
    assert result.totals[0] == np.inf
    assert np.isnan(result.totals[1])
    assert memory_one_payoffs(TFT, STFT, -PD).totals.tolist() == [-np.inf, -np.inf]


# --------------------------------------------------------------------------------------------
# Tournaments
# --------------------------------------------------------------------------------------------

game_cases = [
    pytest.param(None, id="pd-default"),
    pytest.param(np.array([[4.0, 0.0], [3.0, 2.0]]), id="stag-hunt-symmetric"),
    pytest.param(
        (np.array([[2.0, 0.0], [0.0, 1.0]]), np.array([[1.0, 0.0], [0.0, 2.0]])), id="bos"
    ),
    pytest.param(np.stack([np.eye(2), 1 - np.eye(2)]), id="matching-pennies-array"),
]
horizon_cases = [
    pytest.param({"turns": 200}, id="200-turns"),
    pytest.param({"turns": 13, "continuation": 0.8, "noise": 0.05}, id="13-turns-discounted"),
    pytest.param({"turns": None, "continuation": 0.95}, id="discounted"),
    pytest.param({"turns": None}, id="limit"),
    pytest.param({"turns": None, "noise": 0.1}, id="limit-noise"),
]


@pytest.mark.parametrize("horizon", horizon_cases)
@pytest.mark.parametrize("game", game_cases)
def test_tournament_entries_equal_pairwise_payoffs(game, horizon):
    rng = np.random.default_rng(7)
    players = np.vstack([rng.random((6, 5)), [TFT, STFT, ALLD, WSLS]])
    scores = memory_one_tournament(players, game, **horizon)
    for i, j in itertools.product(range(len(players)), repeat=2):
        pair = memory_one_payoffs(players[i], players[j], game, **horizon)
        assert scores[i, j] == pytest.approx(pair.per_round[0], abs=1e-12), (i, j)


@pytest.mark.parametrize("horizon", horizon_cases)
def test_tournament_of_swapped_asymmetric_game_scores_the_column_seat(horizon):
    A = np.array([[2.0, -1.0], [4.0, 0.5]])
    B = np.array([[1.0, 3.0], [0.0, 2.0]])
    players = np.random.default_rng(11).random((5, 5))
    column = memory_one_tournament(players, (B.T, A.T), **horizon).T
    for i, j in itertools.product(range(5), repeat=2):
        pair = memory_one_payoffs(players[i], players[j], (A, B), **horizon)
        assert column[i, j] == pytest.approx(pair.per_round[1], abs=1e-12), (i, j)


def test_tournament_default_is_200_turns_of_the_prisoners_dilemma():
    scores = memory_one_tournament([TFT, ALLD])
    np.testing.assert_allclose(scores * 200, [[600, 199], [204, 200]], rtol=1e-12)


def test_tournament_of_one_strategy_is_its_self_play():
    scores = memory_one_tournament([GTFT], turns=None, noise=0.1)
    assert scores.shape == (1, 1)
    # The same chain, but the kernel's loop and NumPy's dot product (which may use SIMD or
    # fused multiply-adds) sum the four payoff terms differently: a few ulps apart.
    assert scores[0, 0] == pytest.approx(stationary_payoffs(GTFT, GTFT, noise=0.1)[0], rel=1e-14)


# --------------------------------------------------------------------------------------------
# Results and validation
# --------------------------------------------------------------------------------------------


def test_result_is_frozen_and_read_only():
    result = memory_one_payoffs(TFT, ALLD, turns=3)
    assert isinstance(result, MemoryOnePayoffs)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.rounds = 4.0  # type: ignore[misc]
    for array in (result.totals, result.per_round, result.cooperation, result.distribution):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1.0


def test_inputs_are_not_modified():
    p = np.array(TFT, dtype=float)
    players = np.array([TFT, ALLD], dtype=float)
    memory_one_payoffs(p, p, turns=5)
    memory_one_tournament(players)
    assert p.tolist() == list(TFT)
    assert players.tolist() == [list(TFT), list(ALLD)]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        pytest.param(
            {"p": (1, 1, 0, 1, 1.5)},
            ValueError,
            r"p must hold probabilities in \[0, 1\]; entry 4 is 1.5",
            id="p>1",
        ),
        pytest.param(
            {"q": (0, -0.1, 0, 1, 0)},
            ValueError,
            r"q must hold probabilities .* entry 1 is -0.1",
            id="q<0",
        ),
        pytest.param(
            {"p": (1, 0, 1, 0)},
            ValueError,
            r"p must be a vector of 5 .*shape \(4,\).*prepend",
            id="four-vector",
        ),
        pytest.param(
            {"q": np.ones(6)}, ValueError, r"q must be a vector of 5 .*shape \(6,\)$", id="six"
        ),
        pytest.param({"p": np.ones((1, 5))}, ValueError, r"shape \(1, 5\)", id="2d-p"),
        pytest.param({"p": (1, 1, np.nan, 1, 1)}, ValueError, "p must be finite", id="nan"),
        pytest.param({"p": None}, TypeError, "p must be an array of numbers", id="p-none"),
        pytest.param({"q": "CCDCD"}, TypeError, "q must be an array of numbers", id="q-string"),
        pytest.param(
            {"payoffs": np.ones((3, 3))}, ValueError, r"2x2 stage game .*\(3, 3\)", id="3x3"
        ),
        pytest.param(
            {"payoffs": np.ones((3, 2, 2))},
            ValueError,
            r"pair \(A, B\).*\(3, 2, 2\)",
            id="3-players",
        ),
        pytest.param({"payoffs": np.ones(4)}, ValueError, r"pair \(A, B\).*\(4,\)", id="flat"),
        pytest.param(
            {"payoffs": (np.ones((2, 2)), np.ones((2, 3)))}, ValueError, "same shape", id="mismatch"
        ),
        pytest.param(
            {"payoffs": (np.ones((3, 3)), np.ones((3, 3)))},
            ValueError,
            r"2x2 stage game",
            id="pair-3x3",
        ),
        pytest.param({"payoffs": "pd"}, TypeError, "payoffs must be an array", id="payoffs-str"),
        pytest.param(
            {"payoffs": [[1, 2], [3, np.inf]]}, ValueError, "payoffs must be finite", id="inf"
        ),
        pytest.param(
            {"turns": 0},
            ValueError,
            r"turns must be in \[1, 4611686018427387904\], got 0",
            id="turns-0",
        ),
        pytest.param({"turns": 2**62 + 1}, ValueError, r"turns must be in \[1, ", id="turns-huge"),
        pytest.param({"turns": 2.5}, TypeError, "turns must be an integer", id="turns-float"),
        pytest.param({"turns": True}, TypeError, "turns must be an integer", id="turns-bool"),
        pytest.param(
            {"continuation": 0.0}, ValueError, r"continuation must be in \(0, 1\]", id="delta-0"
        ),
        pytest.param(
            {"continuation": 1.01}, ValueError, r"continuation must be in \(0, 1\]", id="delta>1"
        ),
        pytest.param(
            {"continuation": "0.9"}, TypeError, "continuation must be a real", id="delta-str"
        ),
        pytest.param({"noise": -0.01}, ValueError, r"noise must be in \[0, 0.5\]", id="noise<0"),
        pytest.param({"noise": 0.6}, ValueError, r"noise must be in \[0, 0.5\]", id="noise>0.5"),
        pytest.param({"noise": np.nan}, ValueError, r"noise must be in \[0, 0.5\]", id="noise-nan"),
    ],
)
def test_memory_one_payoffs_rejects(kwargs, error, match):
    arguments = {"p": TFT, "q": ALLD, "turns": 10, **kwargs}
    with pytest.raises(error, match=match):
        memory_one_payoffs(**arguments)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        pytest.param({"p": (1, 1, 0, 1)}, ValueError, "prepend", id="four-vector"),
        pytest.param({"q": (2, 1, 0, 1, 0)}, ValueError, "q must hold probabilities", id="q>1"),
        pytest.param({"noise": 0.51}, ValueError, r"noise must be in \[0, 0.5\]", id="noise"),
        pytest.param({"payoffs": np.ones((2, 3))}, ValueError, "2x2 stage game", id="2x3"),
    ],
)
def test_stationary_payoffs_rejects(kwargs, error, match):
    arguments = {"p": TFT, "q": ALLD, **kwargs}
    with pytest.raises(error, match=match):
        stationary_payoffs(**arguments)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        pytest.param(
            {"strategies": np.ones((3, 4))},
            ValueError,
            r"shape \(S, 5\).*\(3, 4\).*prepend",
            id="four-columns",
        ),
        pytest.param({"strategies": np.ones((0, 5))}, ValueError, r"S >= 1.*\(0, 5\)", id="empty"),
        pytest.param(
            {"strategies": np.ones(5)}, ValueError, r"shape \(S, 5\).*\(5,\)", id="one-vector"
        ),
        pytest.param(
            {"strategies": [[1, 1, 0, 1, 0], [0, 0, 0, 3, 0]]},
            ValueError,
            r"strategies must hold probabilities .* entry \(1, 3\) is 3.0",
            id="entry",
        ),
        pytest.param(
            {"strategies": [[1, 1], [0]]}, ValueError, "not a rectangular array", id="ragged"
        ),
        pytest.param({"strategies": None}, TypeError, "strategies must be an array", id="none"),
        pytest.param({"turns": -3}, ValueError, r"turns must be in \[1, ", id="turns"),
        pytest.param(
            {"continuation": -0.5}, ValueError, r"continuation must be in \(0, 1\]", id="delta"
        ),
        pytest.param({"noise": 1.0}, ValueError, r"noise must be in \[0, 0.5\]", id="noise"),
        pytest.param({"payoffs": np.ones((2, 2, 3))}, ValueError, "payoffs", id="payoffs"),
    ],
)
def test_memory_one_tournament_rejects(kwargs, error, match):
    arguments = {"strategies": [TFT, ALLD], **kwargs}
    with pytest.raises(error, match=match):
        memory_one_tournament(**arguments)


@pytest.mark.parametrize(
    ("turns", "delta", "status"),
    [
        pytest.param(0, 0.9, module._UNRESOLVED, id="discounted"),
        pytest.param(0, 1.0, module._UNRESOLVED, id="limit"),
        pytest.param(5, 1.0, module._OK, id="finite-propagates-nan"),
    ],
)
def test_kernels_report_nan_input_by_status_not_by_raising(turns, delta, status):
    """Validation keeps NaN out; a kernel fed one anyway returns a status code."""
    work, vec, iwork, out = module._scratch()
    p = np.array([1.0, np.nan, 0.0, 1.0, 0.0])
    q = np.array(TFT, dtype=float)
    assert module._play(p, q, 0.0, turns, delta, work, vec, iwork, out) == status
    if status == module._OK:
        assert np.isnan(out[:4]).any()
    else:
        with pytest.raises(RuntimeError, match="failed with status 1"):
            module._raise_unresolved(status)

"""Bradley-Terry maximum likelihood with bootstrap intervals, and online Elo.

As Chatbot Arena (lm-sys/FastChat) publishes: the Bradley-Terry fit is the headline because it
does not depend on the order in which matches were played; online Elo, which does, is shown
beside it. Ratings are on the Elo scale: a difference of 400 points means odds of 10 to 1.

Draws count as half a win for each side. A weak Gaussian prior on the ratings (ridge on the
log-strengths, standard deviation ``prior_sd`` Elo points) keeps an agent that never lost or
never won at a finite rating; with tens of matches per pair its pull is a few points.

The fit runs in a Numba kernel (``njit(cache=True)``, applied at the first fit so that
importing this module does not import Numba; compiled once, then loaded from the cache), so
100 bootstrap rounds on a million results of 100 agents take about a second and do not
depend on BLAS threads (benchmarks/bench_bradley_terry.py, against FastChat's fit).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

ELO_PER_NAT = 400.0 / math.log(10.0)  # Elo points per unit of natural-log strength
MEAN_RATING = 1000.0


def bradley_terry(
    wins: np.ndarray, *, prior_sd: float = 400.0, tol: float = 1e-10, max_iter: int = 100
) -> np.ndarray:
    """Maximum a posteriori Bradley-Terry ratings on the Elo scale, centred on 1000.

    Parameters
    ----------
    wins : (n, n) array, ``wins[i, j]`` = how often ``i`` beat ``j`` (draws as 0.5 each way).
    prior_sd : standard deviation of the Gaussian prior on each rating, in Elo points.

    Returns
    -------
    (n,) ratings. Agents that played nobody get exactly 1000; the others have mean 1000.

    Newton's method on the penalised log-likelihood
    ``sum_ij W_ij log sigmoid(t_i - t_j) - |t|^2 / (2 s^2)``, which is strictly concave, so the
    maximiser is unique and the iteration converges in a handful of steps (stopping when no
    log-strength moves by ``tol``).

    Three wins to one is odds of 3, a gap of 400 log10(3) = 190.8 points without the prior;
    the default prior pulls a gap resting on four matches in a little:

    >>> wins = np.array([[0.0, 3.0], [1.0, 0.0]])
    >>> bradley_terry(wins, prior_sd=1e9).round(1)
    array([1095.4,  904.6])
    >>> bradley_terry(wins).round(1)
    array([1085.,  915.])
    """
    wins = np.asarray(wins, dtype=np.float64)
    if wins.ndim != 2 or wins.shape[0] != wins.shape[1]:
        raise ValueError(f"wins must be a square matrix, got shape {wins.shape}")
    if np.any(wins < 0) or not np.all(np.isfinite(wins)):
        raise ValueError("wins must be finite and non-negative")
    if prior_sd <= 0:
        raise ValueError(f"prior_sd must be positive, got {prior_sd}")
    n = wins.shape[0]
    played = (wins + wins.T).sum(axis=1) > 0
    precision = (ELO_PER_NAT / prior_sd) ** 2
    theta = np.zeros(n)
    if _newton(np.ascontiguousarray(wins), precision, tol, max_iter, theta) < 0:
        raise np.linalg.LinAlgError("Bradley-Terry Hessian is singular")
    ratings = theta * ELO_PER_NAT
    if played.any():
        ratings = ratings - ratings[played].mean() + MEAN_RATING
    ratings[~played] = MEAN_RATING
    return ratings


_COMPILED: Any = None


def _newton(
    wins: np.ndarray, precision: float, tol: float, max_iter: int, theta: np.ndarray
) -> int:
    """``_newton_steps`` compiled; Numba is imported at the first fit, not with this module."""
    global _COMPILED
    if _COMPILED is None:
        from numba import njit

        _COMPILED = njit(cache=True)(_newton_steps)
    return int(_COMPILED(wins, precision, tol, max_iter, theta))


def _newton_steps(
    wins: np.ndarray, precision: float, tol: float, max_iter: int, theta: np.ndarray
) -> int:
    """Newton's iteration for the penalised Bradley-Terry fit, ``theta`` updated in place.

    Each step solves ``A x = g``: ``g`` the gradient, ``A`` minus the Hessian, which is the
    pairs' curvature Laplacian plus ``precision`` on the diagonal, so symmetric positive
    definite; it is factorised as ``U^T D U`` (no square roots, no pivoting) here rather than
    by LAPACK, whose OpenBLAS build spreads a 100 x 100 solve over threads that stall for
    tens of milliseconds each when the machine is busy.

    The all-ones direction is solved apart: ``A 1 = precision 1`` and ``sum(g) = -precision
    sum(theta)``, so the step's mean is ``-mean(theta)`` exactly, and the rest of the step
    solves ``(A + s 1 1^T) y = g + precision mean(theta) 1`` (``s`` the mean diagonal), whose
    matrix stays well conditioned when the prior is vanishingly weak (``A`` alone then has an
    eigenvalue of ``precision``, lost in rounding). One exponential per pair, no overflow:
    ``P(i beats j)`` comes from ``exp(-|t_i - t_j|)``. Returns the number of steps taken, or
    -1 on a zero pivot.
    """
    n = wins.shape[0]
    if n == 0:
        return 0
    a = np.zeros((n, n))  # minus the Hessian, upper triangle; then D (diagonal) and U
    g = np.zeros(n)
    for iteration in range(max_iter):
        for i in range(n):
            g[i] = -precision * theta[i]
            a[i, i] = precision
        for i in range(n):
            for j in range(i + 1, n):
                games = wins[i, j] + wins[j, i]
                a[i, j] = 0.0
                if games == 0.0:
                    continue
                gap = theta[i] - theta[j]
                e = math.exp(-abs(gap))
                favourite = 1.0 / (1.0 + e)  # P(the stronger of the two wins)
                p = favourite if gap >= 0.0 else e * favourite  # P(i beats j)
                q = e * favourite if gap >= 0.0 else favourite  # P(j beats i)
                g[i] += wins[i, j] - games * p
                g[j] += wins[j, i] - games * q
                c = games * p * q
                a[i, j] = -c
                a[i, i] += c
                a[j, j] += c
        shift = 0.0
        trace = 0.0
        for i in range(n):
            shift -= theta[i] / n
            trace += a[i, i]
        for i in range(n):  # the step's mean apart, and s 1 1^T added
            g[i] -= precision * shift
            for j in range(i, n):
                a[i, j] += trace / n
        for k in range(n):  # A = U^T D U, U unit upper triangular, row by row
            d = a[k, k]
            if d == 0.0:
                return -1
            for i in range(k + 1, n):
                f = a[k, i] / d
                for j in range(i, n):
                    a[i, j] -= f * a[k, j]
            for j in range(k + 1, n):
                a[k, j] /= d
        for k in range(n):  # U^T z = g
            for j in range(k + 1, n):
                g[j] -= a[k, j] * g[k]
        biggest = 0.0
        for i in range(n - 1, -1, -1):  # D U x = z
            x = g[i] / a[i, i]
            for j in range(i + 1, n):
                x -= a[i, j] * g[j]
            g[i] = x
        for i in range(n):
            step = g[i] + shift
            theta[i] += step
            biggest = max(biggest, abs(step))
        if biggest < tol:
            return iteration + 1
    return max_iter


def win_matrix(
    n: int,
    first: np.ndarray,
    second: np.ndarray,
    score: np.ndarray,
    counts: np.ndarray | None = None,
) -> np.ndarray:
    """Sum outcomes into an (n, n) win matrix; ``score`` is 1, 0.5 or 0 for ``first``."""
    weights = np.ones_like(score) if counts is None else counts
    wins = np.zeros(n * n)
    np.add.at(wins, first * n + second, weights * score)
    np.add.at(wins, second * n + first, weights * (1.0 - score))
    return wins.reshape(n, n)


def _categories(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of the integer columns, in lexicographic order, with their counts.

    The same answer as ``np.unique(np.stack(columns, axis=1), axis=0, return_counts=True)``,
    which sorts a million rows in about a second: here each row becomes one integer in a
    mixed radix (every column offset to start at 0), whose numeric order is the rows'
    lexicographic order, and the integers are counted (``bincount`` when their range is
    small, as for agent pairs and three scores) or sorted in one dimension.
    """
    arrays = [np.asarray(column) for column in columns]
    exact = all(
        np.issubdtype(a.dtype, np.integer) and np.can_cast(a.dtype, np.int64) for a in arrays
    )
    if not arrays[0].size or not exact:  # floats, uint64: the rows as they are
        return np.unique(np.stack(arrays, axis=1), axis=0, return_counts=True)
    lows = [int(a.min()) for a in arrays]
    spans = [int(a.max()) - low + 1 for a, low in zip(arrays, lows)]
    if math.prod(spans) >= 2**62:  # the key would overflow int64: sort the rows instead
        return np.unique(np.stack(arrays, axis=1), axis=0, return_counts=True)
    key = np.zeros(arrays[0].shape, dtype=np.int64)
    for a, low, span in zip(arrays, lows, spans):
        key = key * span + (a.astype(np.int64) - low)
    size = math.prod(spans)
    if size <= max(4 * key.size, 1 << 16):
        tally = np.bincount(key, minlength=size)
        codes = np.flatnonzero(tally)
        counts = tally[codes]
    else:
        codes, counts = np.unique(key, return_counts=True)
    rows = np.empty((codes.size, len(arrays)), dtype=np.int64)
    for k in range(len(arrays) - 1, -1, -1):
        rows[:, k] = codes % spans[k] + lows[k]
        codes = codes // spans[k]
    return rows, counts


def bootstrap_samples(
    n: int,
    first: np.ndarray,
    second: np.ndarray,
    score: np.ndarray,
    *,
    rounds: int = 1000,
    seed: int | Sequence[int] = 0,
    prior_sd: float = 400.0,
) -> np.ndarray:
    """The ``(rounds, n)`` Bradley-Terry ratings of ``rounds`` bootstrap resamples of outcomes.

    Outcomes are grouped into distinct (first, second, score) categories and each bootstrap
    round draws their counts from one multinomial, so a round costs one fit, not one pass over
    every match. Seeded from ``seed`` alone (an integer, or integers such as (seed, round)
    that NumPy's ``SeedSequence`` mixes); the global RNG is never touched. Besides the
    intervals, the samples give the ratings' covariance (what the adaptive schedule reads).
    """
    if rounds < 1:
        raise ValueError(f"rounds must be at least 1, got {rounds}")
    if len(score) == 0:
        point = bradley_terry(win_matrix(n, first, second, score), prior_sd=prior_sd)
        return np.tile(point, (rounds, 1))
    categories, counts = _categories(first, second, np.round(score * 2).astype(np.int64))
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(len(score), counts / counts.sum(), size=rounds)
    samples = np.empty((rounds, n))
    for r in range(rounds):
        wins = win_matrix(n, categories[:, 0], categories[:, 1], categories[:, 2] / 2.0, draws[r])
        samples[r] = bradley_terry(wins, prior_sd=prior_sd)
    return samples


def bootstrap_intervals(
    n: int,
    first: np.ndarray,
    second: np.ndarray,
    score: np.ndarray,
    *,
    rounds: int = 1000,
    seed: int | Sequence[int] = 0,
    level: float = 0.95,
    prior_sd: float = 400.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile intervals of the Bradley-Terry ratings over ``bootstrap_samples``."""
    if rounds < 1 or len(score) == 0:
        point = bradley_terry(win_matrix(n, first, second, score), prior_sd=prior_sd)
        return point.copy(), point.copy()
    samples = bootstrap_samples(
        n, first, second, score, rounds=rounds, seed=seed, prior_sd=prior_sd
    )
    return percentile_intervals(samples, level)


def percentile_intervals(samples: np.ndarray, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """The central ``level`` percentile interval of each column of ``samples``."""
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(samples, [tail, 100.0 - tail], axis=0)
    return low, high


def online_elo(
    n: int,
    first: Sequence[int],
    second: Sequence[int],
    score: Sequence[float],
    *,
    k: float = 16.0,
    initial: float = MEAN_RATING,
) -> np.ndarray:
    """Sequential Elo updates in the given (match) order.

    >>> online_elo(2, [0, 0], [1, 1], [1.0, 0.5]).round(2)
    array([1007.63,  992.37])
    """
    ratings = np.full(n, initial, dtype=np.float64)
    for i, j, s in zip(first, second, score):
        expected = 1.0 / (1.0 + 10.0 ** ((ratings[j] - ratings[i]) / 400.0))
        delta = k * (s - expected)
        ratings[i] += delta
        ratings[j] -= delta
    return ratings

"""Exact expected payoffs of memory-one strategies in repeated 2x2 games, by Markov chain.

Two players, ``X`` (the row player) and ``Y`` (the column player), repeat a 2x2 stage game
with actions ``C = 0`` and ``D = 1``. A *memory-one strategy* is a vector of five probabilities
of cooperating,

.. math:: p = (p_0,\\; p_{CC},\\; p_{CD},\\; p_{DC},\\; p_{DD}),

``p_0`` on the first move and ``p_{xy}`` after a round in which the player itself played ``x``
and its opponent ``y`` (own move first). The last four are the order of Press and Dyson (2012)
and of the Axelrod library's ``MemoryOnePlayer(four_vector, initial)``. Four-vectors are
refused: the first move changes the payoffs (tit for tat against tit for tat earns ``R`` if it
opens with ``C`` and ``P`` if it opens with ``D``), so it must be given; prepend ``1`` for
Axelrod's default opening ``C``. Examples: always cooperate ``(1, 1, 1, 1, 1)``, always defect
``(0, 0, 0, 0, 0)``, tit for tat ``(1, 1, 0, 1, 0)``, suspicious tit for tat
``(0, 1, 0, 1, 0)``, win-stay lose-shift ``(1, 1, 0, 0, 1)``, generous tit for tat
``(1, 1, g, 1, g)``.

The chain
---------
The outcome of a round, seen from ``X``, is one of the states ``CC, CD, DC, DD`` (index
``2 x + y``). ``Y`` sees the state ``xy`` as ``yx``, so ``Y`` cooperates after ``CD`` with
probability ``q_{DC}``. With ``noise`` ``e`` each intended move is flipped with probability
``e``, independently, and both players see the realised moves (as in Axelrod tournaments); a
player cooperates with probability ``p' = p (1 - e) + (1 - p) e``. The outcomes form a Markov
chain with initial law ``v_0 = (p'_0, 1 - p'_0) \\otimes (q'_0, 1 - q'_0)`` and transition
matrix

.. math:: M_{xy, x'y'} = \\Pr(x' \\mid p'_{xy}) \\, \\Pr(y' \\mid q'_{yx}).

With per-round payoff vectors ``f_X = (A_{CC}, A_{CD}, A_{DC}, A_{DD})`` and
``f_Y = (B_{CC}, \\dots)``, every quantity below is a linear functional of the expected
(discounted) occupation measure ``w``.

Horizon
-------
After each round another follows with probability ``delta`` (``continuation``), up to
``turns`` rounds. Round ``t`` (from 1) is played with probability ``delta^(t-1)``, so

.. math:: w = v_0 \\sum_{t=0}^{T-1} (\\delta M)^t, \\qquad
          \\text{rounds} = \\sum_{t=0}^{T-1} \\delta^t,

and the expected total payoffs are ``w . f``; the per-round payoffs are total / rounds. The
sum is evaluated by repeated squaring (``O(log T)`` 4x4 products), each power's rows rescaled to
their known sums ``delta^n`` so that rounding grows like ``log T``, not ``T``. Without a cap
(``turns=None``) and ``delta < 1``, ``w = v_0 (I - \\delta M)^{-1}`` and ``rounds =
1 / (1 - delta)``; the linear system is solved by subtraction-free elimination of an M-matrix
(the discounting plays the part of a killing state), accurate even as ``delta -> 1``.

The limit ``turns=None``, ``continuation=1`` is the long-run per-round payoff, the Cesaro
average ``lim (1/T) sum_t v_0 M^t``. It exists for every chain and is computed in closed form, also
when the chain is not ergodic (tit for tat against tit for tat has three closed classes; against
suspicious tit for tat it alternates with period 2): the closed communicating classes are found
from the zero pattern of ``M``; each has a unique stationary law, which is its Cesaro limit even
when it is periodic; the probability of ending in each class is found by censoring the
transient states one by one (state reduction, as in the Grassmann-Taksar-Heyman algorithm).
The limit law is the mixture of the classes' stationary laws with those weights. A class's
stationary law comes from the Markov chain tree theorem: ``pi_r`` is proportional to the sum
over the spanning trees directed to ``r`` of the products of their transition probabilities
(16 trees per root for 4 states), a sum of positive terms, kept with a separate binary exponent,
so it is accurate entry by entry even for probabilities like ``1e-300``. For an ergodic chain
the limit is the stationary law whose payoffs Press and Dyson write as a ratio of
determinants, and the first move does not matter.

References
----------
.. [1] W. H. Press and F. J. Dyson, "Iterated Prisoner's Dilemma contains strategies that
   dominate any evolutionary opponent", PNAS 109(26), 10409-10413, 2012.
.. [2] M. A. Nowak and K. Sigmund, "Tit for tat in heterogeneous populations", Nature 355,
   250-253, 1992 (generous tit for tat); "A strategy of win-stay, lose-shift that outperforms
   tit-for-tat in the Prisoner's Dilemma game", Nature 364, 56-58, 1993.
.. [3] W. K. Grassmann, M. I. Taksar and D. P. Heyman, "Regenerative analysis and steady state
   distributions for Markov chains", Operations Research 33(5), 1107-1116, 1985.
.. [4] V. Anantharam and P. Tsoucas, "A proof of the Markov chain tree theorem", Statistics &
   Probability Letters 8(2), 189-192, 1989.
.. [5] J. G. Kemeny and J. L. Snell, *Finite Markov Chains*, Springer, 1976 (absorbing chains,
   Cesaro limits).
.. [6] V. Knight et al., "An open framework for the reproducible study of the iterated
   prisoner's dilemma", Journal of Open Research Software 4(1), 2016 (the Axelrod library).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from numba import njit

from arena.solver._validation import _as_float_array, as_bimatrix, check_int, check_real
from arena.solver.results import readonly

__all__ = [
    "MemoryOnePayoffs",
    "memory_one_payoffs",
    "memory_one_tournament",
    "stationary_payoffs",
]

PRISONERS_DILEMMA = np.array([[3.0, 0.0], [5.0, 1.0]])
"""Axelrod's Prisoner's Dilemma, the default stage game: ``R, S, T, P = 3, 0, 5, 1``."""

MAX_TURNS = 2**62
"""Largest ``turns`` (the kernels count in int64); ``turns=None`` is the limit beyond it."""

_OK = 0
_UNRESOLVED = 1  # a pivot was not positive: only NaN input does that

# Scratch layout shared by the kernels: work (5, 4, 4) float64, vec (5, 4) float64,
# iwork (7, 4) int64. work[4] holds the transition matrix, vec[4] the initial law.
_M = 4
_V0 = 4


@dataclass(frozen=True, eq=False)
class MemoryOnePayoffs:
    """Expected outcome of a repeated game between two memory-one strategies.

    Attributes
    ----------
    totals : ndarray, shape (2,)
        Expected total payoffs of ``X`` (playing ``p``) and ``Y`` (playing ``q``). In the
        undiscounted limit (``turns=None``, ``continuation=1``) the totals diverge: they are
        ``per_round * inf`` (``nan`` where the per-round payoff is 0).
    per_round : ndarray, shape (2,)
        Expected payoffs per round: totals divided by the expected number of rounds; in the
        limit, the long-run (Cesaro) average payoff per round.
    rounds : float
        Expected number of rounds, ``sum_{t < T} delta^t`` (``inf`` in the limit).
    cooperation : ndarray, shape (2,)
        Expected share of rounds in which ``X`` and ``Y`` cooperate (realised moves, after
        noise).
    distribution : ndarray, shape (4,)
        Expected share of rounds ending in ``CC, CD, DC, DD`` (``X``'s move first); in the
        limit, the chain's long-run law. ``per_round[0] == distribution @ A.ravel()``.
    """

    totals: np.ndarray
    per_round: np.ndarray
    rounds: float
    cooperation: np.ndarray
    distribution: np.ndarray


# --------------------------------------------------------------------------------------------
# Kernels
# --------------------------------------------------------------------------------------------


@njit(cache=True)
def _joint(a: float, b: float, noise: float, out: np.ndarray) -> None:
    """Law of the realised pair (x, y) when X cooperates w.p. ``a`` and Y w.p. ``b``."""
    keep = 1.0 - noise
    ac = a * keep + (1.0 - a) * noise
    ad = (1.0 - a) * keep + a * noise
    bc = b * keep + (1.0 - b) * noise
    bd = (1.0 - b) * keep + b * noise
    out[0] = ac * bc
    out[1] = ac * bd
    out[2] = ad * bc
    out[3] = ad * bd


@njit(cache=True)
def _chain(p: np.ndarray, q: np.ndarray, noise: float, M: np.ndarray, v0: np.ndarray) -> None:
    """Fill the transition matrix ``M`` (4, 4) and the initial law ``v0`` (4,)."""
    _joint(p[0], q[0], noise, v0)
    for s in range(4):
        x = s // 2
        y = s % 2
        _joint(p[1 + s], q[1 + 2 * y + x], noise, M[s])


@njit(cache=True)
def _matmul(L: np.ndarray, R: np.ndarray, out: np.ndarray) -> None:
    for i in range(4):
        for j in range(4):
            total = 0.0
            for k in range(4):
                total += L[i, k] * R[k, j]
            out[i, j] = total


@njit(cache=True)
def _fix_row_sums(X: np.ndarray, target: float) -> None:
    """Rescale each row of the nonnegative ``X`` to sum to ``target``.

    The rows of ``(delta M)^n`` sum to ``delta^n`` and those of ``sum_{t<n} (delta M)^t`` to
    ``sum_{t<n} delta^t``. Squaring doubles a relative error in a row sum, so without this the
    error of a power would grow like ``n`` instead of ``log n``.
    """
    for i in range(4):
        total = 0.0
        for j in range(4):
            total += X[i, j]
        if total > 0.0:
            scale = target / total
            for j in range(4):
                X[i, j] *= scale


@njit(cache=True)
def _finite(
    M: np.ndarray, v0: np.ndarray, turns: int, delta: float, work: np.ndarray, out: np.ndarray
) -> None:
    """Shares ``v0 sum_{t<T} (delta M)^t / rounds`` into out[:4], ``rounds`` into out[4].

    Repeated squaring over the bits of ``turns``, most significant first, keeping
    ``P = (delta M)^n`` and ``S = sum_{t<n} (delta M)^t``: doubling gives
    ``S_2n = S_n + P_n S_n``, a further step ``S_n+1 = S_n + P_n``.
    """
    P = work[0]
    S = work[1]
    T = work[2]
    for i in range(4):
        for j in range(4):
            P[i, j] = 1.0 if i == j else 0.0
            S[i, j] = 0.0
    rounds = 0.0  # sum_{t<n} delta^t
    power = 1.0  # delta^n
    n = 0
    bit = 1
    while bit <= turns // 2:
        bit *= 2
    while bit > 0:
        if n > 0:
            _matmul(P, S, T)
            for i in range(4):
                for j in range(4):
                    S[i, j] += T[i, j]
            _matmul(P, P, T)
            for i in range(4):
                for j in range(4):
                    P[i, j] = T[i, j]
            rounds += power * rounds
            n *= 2
            power = delta**n
            _fix_row_sums(P, power)
            _fix_row_sums(S, rounds)
        if turns & bit:
            for i in range(4):
                for j in range(4):
                    S[i, j] += P[i, j]
            for i in range(4):
                for j in range(4):
                    total = 0.0
                    for k in range(4):
                        total += P[i, k] * M[k, j]
                    T[i, j] = delta * total
            for i in range(4):
                for j in range(4):
                    P[i, j] = T[i, j]
            rounds += power
            n += 1
            power = delta**n
        bit //= 2
    for j in range(4):
        total = 0.0
        for i in range(4):
            total += v0[i] * S[i, j]
        out[j] = total / rounds
    out[4] = rounds


@njit(cache=True)
def _discounted(
    M: np.ndarray, v0: np.ndarray, delta: float, work: np.ndarray, vec: np.ndarray, out: np.ndarray
) -> int:
    """Shares ``(1 - delta) v0 (I - delta M)^-1`` into out[:4] and ``1/(1-delta)`` into out[4].

    Solves ``w = v0 + w Q`` with ``Q = delta M`` by eliminating states one at a time. Each
    state's pivot ``1 - Q_kk`` is computed as its killing rate ``1 - delta`` plus its flows to
    the states not yet eliminated, so no step subtracts.
    """
    Q = work[0]
    kill = vec[0]
    v = vec[1]
    w = vec[2]
    for i in range(4):
        kill[i] = 1.0 - delta
        v[i] = v0[i]
        for j in range(4):
            Q[i, j] = delta * M[i, j]
    for k in range(4):
        pivot = kill[k]
        for j in range(k + 1, 4):
            pivot += Q[k, j]
        if not pivot > 0.0:
            return _UNRESOLVED
        ratio = kill[k] / pivot
        for j in range(k + 1, 4):
            Q[k, j] /= pivot
            v[j] += v[k] * Q[k, j]
        for i in range(k + 1, 4):
            a = Q[i, k]
            if a > 0.0:
                kill[i] += a * ratio
                for j in range(k + 1, 4):
                    Q[i, j] += a * Q[k, j]
        kill[k] = pivot
    for k in range(3, -1, -1):
        total = v[k]
        for i in range(k + 1, 4):
            total += w[i] * Q[i, k]
        w[k] = total / kill[k]
    for j in range(4):
        out[j] = w[j] * (1.0 - delta)
    out[4] = 1.0 / (1.0 - delta)
    return _OK


@njit(cache=True)
def _add_scaled(law: np.ndarray, expo: np.ndarray, a: int, mantissa: float, exponent: int) -> None:
    """``law[a] 2^expo[a] += mantissa 2^exponent``, keeping ``law[a]`` in ``[0.5, 1)``."""
    if law[a] == 0.0:
        law[a] = mantissa
        expo[a] = exponent
    elif exponent > expo[a]:
        law[a] = math.ldexp(law[a], int(expo[a] - exponent)) + mantissa
        expo[a] = exponent
    else:
        law[a] += math.ldexp(mantissa, int(exponent - expo[a]))
    fraction, shift = math.frexp(law[a])
    law[a] = fraction
    expo[a] += shift


def _spanning_trees() -> tuple[np.ndarray, np.ndarray]:
    """Every spanning tree of the complete digraph on 2, 3 and 4 states, directed to a root.

    Row ``t`` of the table lists each state's parent (the root is its own parent); the trees
    on ``n`` states are rows ``start[n]`` to ``start[n + 1]``: 2, 9 and 64 of them.
    """
    rows: list[list[int]] = []
    start = [0, 0, 0]
    for n in (2, 3, 4):
        for parents in np.ndindex(*(n,) * n):
            roots = [a for a in range(n) if parents[a] == a]
            if len(roots) != 1:
                continue
            reaches = True
            for a in range(n):
                b = a
                for _ in range(n):
                    b = parents[b]
                reaches = reaches and b == roots[0]
            if reaches:
                rows.append([*parents, *([-1] * (4 - n))])
        start.append(len(rows))
    return np.array(rows, dtype=np.int64), np.array(start, dtype=np.int64)


_TREES, _TREE_START = _spanning_trees()
_TINY = 1e-70  # below this a product of three rates may leave float64's range: use exponents


@njit(cache=True)
def _tree_law(
    M: np.ndarray,
    members: np.ndarray,
    n: int,
    trees: np.ndarray,
    start: np.ndarray,
    expo: np.ndarray,
    law: np.ndarray,
) -> None:
    """Stationary law of the closed class ``members[:n]`` of ``M`` into law[:n].

    Markov chain tree theorem: ``pi_r`` is proportional to the sum, over the spanning trees of
    the class directed towards ``r``, of the product of their transition probabilities (16
    trees of 3 edges per root for 4 states). Every term is positive, so the law is accurate
    entry by entry. When a rate is below ``_TINY``, products and sums carry a separate binary
    exponent, so no rate is too small.
    """
    for a in range(n):
        law[a] = 0.0
        expo[a] = 0
    if n == 1:
        law[0] = 1.0
        return
    smallest = 1.0
    for a in range(n):
        for b in range(n):
            rate = M[members[a], members[b]]
            if a != b and 0.0 < rate < smallest:
                smallest = rate
    scaled = smallest < _TINY
    for t in range(start[n], start[n + 1]):
        root = 0
        for a in range(n):
            if trees[t, a] == a:
                root = a
        mantissa = 1.0
        exponent = 0
        for a in range(n):
            if a != root:
                rate = M[members[a], members[trees[t, a]]]
                if scaled and rate > 0.0:
                    fraction, shift = math.frexp(rate)
                    mantissa *= fraction
                    exponent += shift
                else:
                    mantissa *= rate
        if mantissa == 0.0:
            continue
        if scaled:
            fraction, shift = math.frexp(mantissa)
            _add_scaled(law, expo, root, fraction, exponent + shift)
        else:
            law[root] += mantissa
    if scaled:
        top = -(2**62)
        for a in range(n):
            if law[a] > 0.0 and expo[a] > top:
                top = expo[a]
        for a in range(n):
            law[a] = math.ldexp(law[a], int(expo[a] - top)) if law[a] > 0.0 else 0.0
    total = 0.0
    for a in range(n):
        total += law[a]
    for a in range(n):
        law[a] /= total


@njit(cache=True)
def _limit(
    M: np.ndarray,
    v0: np.ndarray,
    work: np.ndarray,
    vec: np.ndarray,
    iwork: np.ndarray,
    out: np.ndarray,
) -> int:
    """The Cesaro limit law ``lim (1/T) sum_{t<T} v0 M^t`` into out[:4]; ``inf`` into out[4].

    Closed classes from the transitive closure of ``M > 0``; the weight of each class by
    censoring the transient states in turn; each class's stationary law by the Markov chain
    tree theorem. Returns ``_UNRESOLVED`` only on NaN input.
    """
    reach = iwork[:4]
    label = iwork[4]  # representative state of the closed class, or -1 if transient
    members = iwork[5]
    for i in range(4):
        for j in range(4):
            if np.isnan(M[i, j]):
                return _UNRESOLVED
            reach[i, j] = 1 if (i == j or M[i, j] > 0.0) else 0
    for k in range(4):
        for i in range(4):
            if reach[i, k]:
                for j in range(4):
                    if reach[k, j]:
                        reach[i, j] = 1
    classes = 0
    last = 0
    for i in range(4):
        label[i] = -1
        closed = True
        for j in range(4):
            if reach[i, j] and not reach[j, i]:
                closed = False
        if closed:
            for j in range(4):
                if reach[i, j] and reach[j, i]:
                    label[i] = j
                    break
            if label[i] == i:
                classes += 1
                last = i

    # Weight of each closed class (indexed by its representative), by censoring transients.
    # Only the ratios of a transient state's exits matter (its self-loop merely delays), so
    # each row is kept normalised over its exits. With two or more closed classes at most two
    # states are transient, and then no pivot can vanish.
    mass = vec[0]
    v = vec[1]
    Q = work[0]
    K = work[1]  # K[a, c]: flow from the a-th transient state into the class of state c
    n = 0
    for c in range(4):
        mass[c] = 0.0
    if classes == 1:  # every path ends there
        mass[last] = 1.0
    else:
        for s in range(4):
            if label[s] < 0:
                members[n] = s
                n += 1
            else:
                mass[label[s]] += v0[s]
    for a in range(n):
        v[a] = v0[members[a]]
        for c in range(4):
            K[a, c] = 0.0
        for s in range(4):
            if label[s] >= 0:
                K[a, label[s]] += M[members[a], s]
        exits = 0.0
        for c in range(4):
            exits += K[a, c]
        for b in range(n):
            Q[a, b] = M[members[a], members[b]]
            if b != a:
                exits += Q[a, b]
        if exits > 0.0:
            for c in range(4):
                K[a, c] /= exits
            for b in range(n):
                if b != a:
                    Q[a, b] /= exits
    for k in range(n):
        pivot = 0.0
        for c in range(4):
            pivot += K[k, c]
        for j in range(k + 1, n):
            pivot += Q[k, j]
        if not pivot > 0.0:
            return _UNRESOLVED
        for c in range(4):
            K[k, c] /= pivot
            mass[c] += v[k] * K[k, c]
        for j in range(k + 1, n):
            Q[k, j] /= pivot
            v[j] += v[k] * Q[k, j]
        for i in range(k + 1, n):
            a = Q[i, k]
            if a > 0.0:
                exits = 0.0
                for c in range(4):
                    K[i, c] += a * K[k, c]
                    exits += K[i, c]
                for j in range(k + 1, n):
                    Q[i, j] += a * Q[k, j]
                    if j != i:
                        exits += Q[i, j]
                for c in range(4):
                    K[i, c] /= exits
                for j in range(k + 1, n):
                    if j != i:
                        Q[i, j] /= exits

    # Stationary law of each closed class, weighted by the class's mass.
    law = vec[2]
    expo = iwork[6]
    for s in range(4):
        out[s] = 0.0
    for c in range(4):
        if label[c] != c:
            continue
        n = 0
        for s in range(4):
            if label[s] == c:
                members[n] = s
                n += 1
        _tree_law(M, members, n, _TREES, _TREE_START, expo, law)
        for a in range(n):
            out[members[a]] = mass[c] * law[a]
    total = 0.0
    for s in range(4):
        total += out[s]
    if not total > 0.0:
        return _UNRESOLVED
    for s in range(4):
        out[s] /= total
    out[4] = np.inf
    return _OK


@njit(cache=True)
def _play(
    p: np.ndarray,
    q: np.ndarray,
    noise: float,
    turns: int,
    delta: float,
    work: np.ndarray,
    vec: np.ndarray,
    iwork: np.ndarray,
    out: np.ndarray,
) -> int:
    """Expected share of rounds in each outcome into out[:4], expected rounds into out[4].

    ``turns = 0`` means no cap: discounted (``delta < 1``) or the Cesaro limit (``delta = 1``).
    """
    M = work[_M]
    v0 = vec[_V0]
    _chain(p, q, noise, M, v0)
    if turns > 0:
        _finite(M, v0, turns, delta, work, out)
        return _OK
    if delta < 1.0:
        return _discounted(M, v0, delta, work, vec, out)
    return _limit(M, v0, work, vec, iwork, out)


@njit(cache=True)
def _tournament(
    strategies: np.ndarray,
    fx: np.ndarray,
    fy: np.ndarray,
    symmetric: bool,
    noise: float,
    turns: int,
    delta: float,
    work: np.ndarray,
    vec: np.ndarray,
    iwork: np.ndarray,
    out: np.ndarray,
    scores: np.ndarray,
) -> int:
    """Per-round payoff of row strategy ``i`` against column strategy ``j`` into scores[i, j].

    In a symmetric game (``fy`` is ``fx`` seen from the other seat) each unordered pair is
    played once and fills both ``scores[i, j]`` and ``scores[j, i]``.
    """
    size = strategies.shape[0]
    for i in range(size):
        start = i if symmetric else 0
        for j in range(start, size):
            status = _play(strategies[i], strategies[j], noise, turns, delta, work, vec, iwork, out)
            if status != _OK:
                return status
            sx = 0.0
            sy = 0.0
            for s in range(4):
                sx += out[s] * fx[s]
                sy += out[s] * fy[s]
            scores[i, j] = sx
            if symmetric and j != i:
                scores[j, i] = sy
    return _OK


# --------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------


def _scratch() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    return (
        np.zeros((5, 4, 4)),
        np.zeros((5, 4)),
        np.zeros((7, 4), dtype=np.int64),
        np.zeros(5),
    )


def _check_probabilities(values: np.ndarray, name: str) -> None:
    bad = (values < 0.0) | (values > 1.0)
    if np.any(bad):
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        entry = where[0] if len(where) == 1 else where
        raise ValueError(
            f"{name} must hold probabilities in [0, 1]; entry {entry} is {values[where]}"
        )


_FIVE = "5 probabilities of cooperating (first move, then after CC, CD, DC, DD, own move first)"
_NO_FIRST_MOVE = (
    "; a 4-vector (p_CC, p_CD, p_DC, p_DD) has no first move: prepend one, e.g. [1, *p] "
    "to open with C as Axelrod's MemoryOnePlayer does"
)


def _as_strategy(value: Any, name: str) -> np.ndarray:
    """Return a memory-one strategy: a float64 vector of 5 probabilities."""
    vector = _as_float_array(value, name)
    if vector.shape != (5,):
        hint = _NO_FIRST_MOVE if vector.shape == (4,) else ""
        raise ValueError(f"{name} must be a vector of {_FIVE}, got shape {vector.shape}{hint}")
    _check_probabilities(vector, name)
    return vector


def _as_strategies(value: Any) -> np.ndarray:
    """Return memory-one strategies as a float64 array of shape (S, 5), S >= 1."""
    array = _as_float_array(value, "strategies")
    if array.ndim != 2 or array.shape[1] != 5 or array.shape[0] < 1:
        hint = _NO_FIRST_MOVE if array.ndim == 2 and array.shape[1] == 4 else ""
        raise ValueError(
            f"strategies must have shape (S, 5), S >= 1: one row of {_FIVE} per strategy, "
            f"got shape {array.shape}{hint}"
        )
    _check_probabilities(array, "strategies")
    return array


def _ndim(value: Any) -> int:
    try:
        return int(np.ndim(value))
    except (TypeError, ValueError):
        return -1


StageGame = npt.ArrayLike | Sequence[npt.ArrayLike] | None


def _stage_game(payoffs: StageGame) -> tuple[np.ndarray, np.ndarray]:
    """Return the 2x2 bimatrix ``(A, B)``: a pair, one (2, 2, 2) array, or ``A`` with B = A.T."""
    if payoffs is None:
        A = PRISONERS_DILEMMA.copy()
        return A, np.ascontiguousarray(A.T)
    if isinstance(payoffs, tuple | list) and len(payoffs) == 2 and _ndim(payoffs[0]) == 2:
        A, B = as_bimatrix(payoffs[0], payoffs[1])
    else:
        game = _as_float_array(payoffs, "payoffs")
        if game.ndim == 2:
            A = game
            B = np.ascontiguousarray(A.T)
        elif game.ndim == 3 and game.shape[0] == 2:
            A = np.ascontiguousarray(game[0])
            B = np.ascontiguousarray(game[1])
        else:
            raise ValueError(
                "payoffs must be the row player's 2x2 matrix A (a symmetric game, B = A.T) "
                f"or a pair (A, B) of 2x2 matrices, got shape {game.shape}"
            )
    if A.shape != (2, 2):
        raise ValueError(f"payoffs must be a 2x2 stage game (actions C, D), got shape {A.shape}")
    return A, B


def _horizon(turns: Any, continuation: Any, noise: Any) -> tuple[int, float, float]:
    """Return (turns, with 0 for no cap; continuation; noise), checked."""
    cap = 0 if turns is None else check_int("turns", turns, 1, MAX_TURNS)
    delta = check_real("continuation", continuation, 0.0, 1.0, low_open=True)
    eps = check_real("noise", noise, 0.0, 0.5)
    return cap, delta, eps


def _raise_unresolved(status: int) -> None:
    if status != _OK:  # validated input never gets here: only NaN makes a kernel give up
        raise RuntimeError(f"memory-one kernel failed with status {status} on validated input")


def memory_one_payoffs(
    p: npt.ArrayLike,
    q: npt.ArrayLike,
    payoffs: StageGame = None,
    *,
    turns: int | None = None,
    continuation: float = 1.0,
    noise: float = 0.0,
) -> MemoryOnePayoffs:
    """Exact expected payoffs of memory-one strategy ``p`` (row) against ``q`` (column).

    After each round another follows with probability ``continuation``, up to ``turns``
    rounds; round ``t`` is played with probability ``continuation^(t-1)``. The expected
    occupation measure ``w = v0 sum_{t<T} (delta M)^t`` of the chain of outcomes gives the
    totals ``w . f``; see the module docstring for the chain, the noise and the methods.

    Parameters
    ----------
    p, q : array_like, shape (5,)
        Probabilities of cooperating of ``X`` and ``Y``: first move, then after ``CC, CD, DC,
        DD`` seen from the player's own side (own move first). Four-vectors are refused.
    payoffs : array_like, optional
        The stage game: the row player's 2x2 matrix ``A`` (a symmetric game, ``B = A.T``) or a
        pair ``(A, B)``; actions ``C = 0``, ``D = 1``. Default: the Prisoner's Dilemma
        ``R, S, T, P = 3, 0, 5, 1``.
    turns : int, optional
        Maximum number of rounds, in ``[1, 2^62]``; the cost grows like ``log(turns)``.
        ``None`` (default): no cap. With
        ``continuation < 1`` the expected totals then are ``w = v0 (I - delta M)^-1 . f``; with
        ``continuation = 1`` the result is the long-run per-round payoff (Cesaro limit), exact
        for every chain, ergodic or not.
    continuation : float, default 1
        Probability ``delta`` in ``(0, 1]`` that another round follows each round.
    noise : float, default 0
        Probability in ``[0, 0.5]`` that each intended move is flipped; players see the
        realised moves.

    Returns
    -------
    MemoryOnePayoffs
        Expected totals, per-round payoffs, expected number of rounds, cooperation rates and
        the expected share of each outcome.

    Raises
    ------
    TypeError
        If an argument is of the wrong kind.
    ValueError
        If a strategy is not 5 probabilities in ``[0, 1]``, the stage game is not 2x2,
        ``turns`` is outside ``[1, 2^62]``, ``continuation`` is outside ``(0, 1]`` or
        ``noise`` outside ``[0, 0.5]``.

    References
    ----------
    W. H. Press and F. J. Dyson, PNAS 109(26), 10409-10413, 2012. W. K. Grassmann, M. I.
    Taksar and D. P. Heyman, Operations Research 33(5), 1107-1116, 1985. V. Anantharam and
    P. Tsoucas, Statistics & Probability Letters 8(2), 189-192, 1989.

    Examples
    --------
    Tit for tat against always defect for 200 turns loses only the first round:

    >>> from arena.solver import memory_one_payoffs
    >>> tft, alld = [1, 1, 0, 1, 0], [0, 0, 0, 0, 0]
    >>> memory_one_payoffs(tft, alld, turns=200).totals.round(9).tolist()  # sums of shares
    [199.0, 204.0]

    Against suspicious tit for tat (which opens with D) it alternates forever; the limit is
    the average over the cycle ``CD, DC``:

    >>> stft = [0, 1, 0, 1, 0]
    >>> result = memory_one_payoffs(tft, stft)
    >>> result.per_round.tolist(), result.distribution.tolist()
    ([2.5, 2.5], [0.0, 0.5, 0.5, 0.0])

    A game that ends after each round with probability 1/10 lasts 10 rounds on average:

    >>> import numpy as np
    >>> result = memory_one_payoffs(tft, tft, continuation=0.9, noise=0.05)
    >>> float(round(result.rounds, 9)), np.round(result.per_round, 4).tolist()
    (10.0, [2.649, 2.649])
    """
    pv = _as_strategy(p, "p")
    qv = _as_strategy(q, "q")
    A, B = _stage_game(payoffs)
    cap, delta, eps = _horizon(turns, continuation, noise)
    work, vec, iwork, out = _scratch()
    _raise_unresolved(_play(pv, qv, eps, cap, delta, work, vec, iwork, out))
    shares = out[:4].copy()
    rounds = float(out[4])
    per_round = np.array([shares @ A.ravel(), shares @ B.ravel()])
    with np.errstate(invalid="ignore"):
        totals = per_round * rounds
    cooperation = np.array([shares[0] + shares[1], shares[0] + shares[2]])
    return MemoryOnePayoffs(
        totals=readonly(totals),
        per_round=readonly(per_round),
        rounds=rounds,
        cooperation=readonly(cooperation),
        distribution=readonly(shares),
    )


def stationary_payoffs(
    p: npt.ArrayLike,
    q: npt.ArrayLike,
    payoffs: StageGame = None,
    *,
    noise: float = 0.0,
) -> tuple[float, float]:
    """Long-run expected payoffs per round ``(s_X, s_Y)`` of ``p`` (row) against ``q`` (column).

    The Cesaro limit ``lim (1/T) sum_{t<T} v0 M^t . f`` of the chain of outcomes, the same as
    ``memory_one_payoffs(p, q, payoffs, noise=noise).per_round``. When the chain is ergodic
    (for instance whenever ``noise > 0``) it is the stationary law ``v`` of ``M``, independent
    of the first moves, and Press and Dyson's formula holds:

    .. math:: s_X = \\frac{D(p, q, f_X)}{D(p, q, 1)}, \\qquad
              D(p, q, f) = \\det \\begin{pmatrix}
              p_1 q_1 - 1 & p_1 - 1 & q_1 - 1 & f_1 \\\\
              p_2 q_3 & p_2 - 1 & q_3 & f_2 \\\\
              p_3 q_2 & p_3 & q_2 - 1 & f_3 \\\\
              p_4 q_4 & p_4 & q_4 & f_4 \\end{pmatrix},

    with ``p_1..p_4`` and ``q_1..q_4`` the four-vectors (``CC, CD, DC, DD``, each from its own
    side). When the chain is not ergodic the limit depends on the first moves and is the
    mixture of the closed classes' stationary laws, weighted by the probability of reaching
    each (see the module docstring).

    Parameters
    ----------
    p, q : array_like, shape (5,)
        Memory-one strategies: first move, then after ``CC, CD, DC, DD`` (own move first).
    payoffs : array_like, optional
        ``A`` (symmetric game) or ``(A, B)``, 2x2; default the Prisoner's Dilemma
        ``R, S, T, P = 3, 0, 5, 1``.
    noise : float, default 0
        Probability in ``[0, 0.5]`` that each intended move is flipped.

    Returns
    -------
    tuple of float
        ``(s_X, s_Y)``.

    Raises
    ------
    TypeError, ValueError
        As :func:`memory_one_payoffs`.

    References
    ----------
    W. H. Press and F. J. Dyson, "Iterated Prisoner's Dilemma contains strategies that
    dominate any evolutionary opponent", PNAS 109(26), 10409-10413, 2012.

    Examples
    --------
    Press and Dyson's extortionate strategy with ``chi = 3`` earns ``P + 3 (s_Y - P)``
    against any opponent:

    >>> from arena.solver import stationary_payoffs
    >>> extort = [0, 11 / 13, 1 / 2, 7 / 26, 0]
    >>> sx, sy = stationary_payoffs(extort, [1, 0.6, 0.3, 0.8, 0.1])
    >>> abs((sx - 1) - 3 * (sy - 1)) < 1e-12  # two sums of products: equal to rounding
    True

    Tit for tat against itself with noise earns the average of ``R, S, T, P``:

    >>> sx, sy = stationary_payoffs([1, 1, 0, 1, 0], [1, 1, 0, 1, 0], noise=0.01)
    >>> round(sx, 9), round(sy, 9)
    (2.25, 2.25)
    """
    result = memory_one_payoffs(p, q, payoffs, turns=None, continuation=1.0, noise=noise)
    return float(result.per_round[0]), float(result.per_round[1])


def memory_one_tournament(
    strategies: npt.ArrayLike,
    payoffs: StageGame = None,
    *,
    turns: int | None = 200,
    continuation: float = 1.0,
    noise: float = 0.0,
) -> np.ndarray:
    """Exact expected per-round payoffs of a round robin of memory-one strategies.

    ``scores[i, j]`` is the expected payoff per round of strategy ``i`` in the row seat against
    strategy ``j`` in the column seat (self-play on the diagonal), exactly
    ``memory_one_payoffs(strategies[i], strategies[j], ...).per_round[0]``. Per-round payoffs
    are used because they stay finite in the limit and compare across horizons; the expected
    totals are ``scores * rounds`` with ``rounds = sum_{t<turns} continuation^t`` (``turns``
    when ``continuation = 1``). In a symmetric game each unordered pair is computed once.
    For an asymmetric game ``(A, B)`` the column seat's payoffs are
    ``memory_one_tournament(strategies, (B.T, A.T), ...).T``.

    Parameters
    ----------
    strategies : array_like, shape (S, 5)
        One memory-one strategy per row: first move, then after ``CC, CD, DC, DD``.
    payoffs : array_like, optional
        ``A`` (symmetric game) or ``(A, B)``, 2x2; default the Prisoner's Dilemma
        ``R, S, T, P = 3, 0, 5, 1``.
    turns : int or None, default 200
        Maximum number of rounds, in ``[1, 2^62]``; ``None`` for no cap (see
        :func:`memory_one_payoffs`).
    continuation : float, default 1
        Probability in ``(0, 1]`` that another round follows each round.
    noise : float, default 0
        Probability in ``[0, 0.5]`` that each intended move is flipped.

    Returns
    -------
    ndarray, shape (S, S)
        Expected per-round payoffs of the row strategy.

    Raises
    ------
    TypeError, ValueError
        As :func:`memory_one_payoffs`; ``strategies`` must have shape ``(S, 5)``, ``S >= 1``.

    References
    ----------
    V. Knight et al., "An open framework for the reproducible study of the iterated
    prisoner's dilemma", Journal of Open Research Software 4(1), 2016.

    Examples
    --------
    >>> import numpy as np
    >>> from arena.solver import memory_one_tournament
    >>> players = [[1, 1, 1, 1, 1], [0, 0, 0, 0, 0], [1, 1, 0, 1, 0]]  # ALLC, ALLD, TFT
    >>> scores = memory_one_tournament(players, turns=200)
    >>> np.round(scores * 200).tolist()
    [[600.0, 0.0, 600.0], [1000.0, 200.0, 204.0], [600.0, 199.0, 600.0]]
    """
    matrix = _as_strategies(strategies)
    A, B = _stage_game(payoffs)
    cap, delta, eps = _horizon(turns, continuation, noise)
    fx = np.ascontiguousarray(A.ravel())
    fy = np.ascontiguousarray(B.ravel())
    symmetric = bool(np.array_equal(B, A.T))
    scores = np.zeros((matrix.shape[0], matrix.shape[0]))
    work, vec, iwork, out = _scratch()
    status = _tournament(matrix, fx, fy, symmetric, eps, cap, delta, work, vec, iwork, out, scores)
    _raise_unresolved(status)
    return scores

r"""Zero-sum games: the value and a pair of optimal (maximin and minimax) strategies, by LP.

In the zero-sum game ``A`` of shape ``(m, n)`` the row player receives ``A[i, j]`` and the
column player pays it. By von Neumann's minimax theorem

.. math::

    v = \max_{x \in \Delta_m} \min_j (x^\top A)_j = \min_{y \in \Delta_n} \max_i (A y)_i,

and the pairs of optimal strategies are exactly the Nash equilibria of ``(A, -A)``.

Method. The payoffs are mapped affinely to ``Z = 1 + (A - min A) / (max A - min A)``, whose
entries lie in ``[1, 2]`` and whose value ``w`` is therefore positive. Then ``y / w`` for an
optimal column strategy ``y`` solves the linear program

.. math::

    \max\ \mathbf 1^\top u \quad \text{s.t.} \quad Z u \le \mathbf 1,\ u \ge 0,

with optimum ``1 / w``, and the optimal dual prices, divided by their sum, are an optimal row
strategy. The slack basis ``u = 0`` is feasible, so a one-phase dense simplex solves it
(steepest-edge pricing, Bland's rule after degenerate stretches; see
:mod:`arena.solver._simplex`). At the optimal basis, with tight rows ``I`` and basic columns
``J``, ``u_J = Z_{IJ}^{-1} \mathbf 1`` and the duals are ``Z_{IJ}^{-\top} \mathbf 1``; the
tableau holds ``Z_{IJ}^{-1}``, so two rounds of iterative refinement against the exact ``Z``
make both strategies accurate to a few units in the last place (each player keeps the refined
strategy unless the tableau's own guarantees more, which happens only where payoff
differences near ``1e-10`` of the range made the final basis optimal up to tolerances). The
reported ``value`` is the midpoint of what the two strategies guarantee in ``A``, and ``gap``
the distance between those guarantees: a certificate, not an estimate.

Tolerance model: the simplex's tolerances (:mod:`arena.solver._simplex`) are absolute on ``Z``,
hence relative to the payoffs' range. ``A`` is first scaled by the power of two that brings its
largest absolute entry into ``[1/2, 1)`` (exact, subnormal payoffs included), so the range
never overflows, and the value and gap are computed at that scale and scaled back: for any
factor ``c > 0``, ``zero_sum_value(c * A)`` has the value ``c * v`` and the same strategies, to
rounding, from subnormal payoffs up to ``1.7e308``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numba import njit

from arena.solver._simplex import OPTIMAL, simplex
from arena.solver._validation import as_payoff_matrix, check_int, unit_scale
from arena.solver.results import readonly

__all__ = ["ZeroSumSolution", "zero_sum_value"]

_STALL = 10  # consecutive degenerate pivots before Bland's rule
_REFINEMENTS = 2


@dataclass(frozen=True, eq=False)
class ZeroSumSolution:
    """The value of a zero-sum game and a pair of optimal strategies.

    Attributes
    ----------
    value : float
        The value of the game to the row player (the maximiser).
    row : ndarray, shape (m,)
        An optimal (maximin) strategy of the row player: ``min_j (row @ A)_j`` is the value.
    col : ndarray, shape (n,)
        An optimal (minimax) strategy of the column player: ``max_i (A @ col)_i`` is the value.
    gap : float
        ``max_i (A @ col)_i - min_j (row @ A)_j``, the spread between what the two strategies
        guarantee (zero when rounding makes it negative); the true value lies between them.
        About ``1e-15`` times the payoffs' range when ``converged``, up to about ``1e-11``
        for payoffs spread over ten or more orders of magnitude.
    iterations : int
        Simplex pivots made.
    converged : bool
        False when ``max_iter`` pivots were not enough; ``row`` and ``col`` are then mixed
        strategies that guarantee less than the value (see ``gap``).
    """

    value: float
    row: np.ndarray
    col: np.ndarray
    gap: float
    iterations: int
    converged: bool


@njit(cache=True)
def _normalise(weights: np.ndarray, out: np.ndarray) -> None:
    """Write the nonnegative part of ``weights``, summing to 1, into ``out`` (uniform if 0)."""
    total = 0.0
    for i in range(weights.shape[0]):
        if weights[i] > 0.0:
            total += weights[i]
    for i in range(weights.shape[0]):
        if total > 0.0:
            out[i] = weights[i] / total if weights[i] > 0.0 else 0.0
        else:  # only before the first pivot, which max_iter >= 1 rules out
            out[i] = 1.0 / weights.shape[0]


@njit(cache=True)
def _col_guarantee(Z: np.ndarray, col: np.ndarray) -> float:
    """``max_i (Z col)_i``: what the column player pays at most with ``col``."""
    worst = -np.inf
    for i in range(Z.shape[0]):
        total = 0.0
        for j in range(Z.shape[1]):
            total += Z[i, j] * col[j]
        worst = max(worst, total)
    return worst


@njit(cache=True)
def _row_guarantee(Z: np.ndarray, row: np.ndarray) -> float:
    """``min_j (row Z)_j``: what the row player gets at least with ``row``."""
    worst = np.inf
    for j in range(Z.shape[1]):
        total = 0.0
        for i in range(Z.shape[0]):
            total += row[i] * Z[i, j]
        worst = min(worst, total)
    return worst


@njit(cache=True)
def _optimal_strategies(
    Z: np.ndarray,
    T: np.ndarray,
    basis: np.ndarray,
    nonbasic: np.ndarray,
    row: np.ndarray,
    col: np.ndarray,
) -> int:
    """Read the strategies of the positive game ``Z`` off the final simplex tableau ``T``.

    Refines the primal ``u`` and the dual prices at the tableau's basis against ``Z``. Each
    player then gets whichever of the tableau's and the refined strategy guarantees more:
    refinement makes a well-conditioned basis exact, but where rounding chose a basis that
    is optimal only up to the simplex tolerances (payoff differences near 1e-10 of the
    range) the tableau's own values can be the better ones. Writes ``row`` and ``col``;
    returns the size ``k`` of the basis' square system ``Z[tight, basic]``.
    """
    m, n = Z.shape
    # The final basis: basic columns (at tableau rows basic_at) and tight rows (at tableau
    # columns tight_at, where their slacks are nonbasic). There are k of each, and
    # T[basic_at, tight_at] is the inverse of the square system Z[tight, basic].
    k_max = min(m, n)
    basic = np.empty(k_max, np.int64)
    basic_at = np.empty(k_max, np.int64)
    tight = np.empty(k_max, np.int64)
    tight_at = np.empty(k_max, np.int64)
    k = 0
    for r in range(m):
        if basis[r] < n:
            basic[k] = basis[r]
            basic_at[k] = r
            k += 1
    k_tight = 0
    for c in range(n):
        if nonbasic[c] >= n:
            tight[k_tight] = nonbasic[c] - n
            tight_at[k_tight] = c
            k_tight += 1
    u = np.empty(k)
    prices = np.empty(k)
    residual = np.empty(k)
    weights_col = np.zeros(n)
    weights_row = np.zeros(m)
    for a in range(k):
        u[a] = T[basic_at[a], n]
        prices[a] = T[m, tight_at[a]]
        weights_col[basic[a]] = u[a]
        weights_row[tight[a]] = prices[a]
    _normalise(weights_col, col)
    _normalise(weights_row, row)

    for _ in range(_REFINEMENTS):
        # primal: Z[tight, basic] u = 1
        for b in range(k):
            total = 1.0
            for a in range(k):
                total -= Z[tight[b], basic[a]] * u[a]
            residual[b] = total
        for a in range(k):
            correction = 0.0
            for b in range(k):
                correction += T[basic_at[a], tight_at[b]] * residual[b]
            u[a] += correction
        # dual: Z[tight, basic]' prices = 1
        for a in range(k):
            total = 1.0
            for b in range(k):
                total -= Z[tight[b], basic[a]] * prices[b]
            residual[a] = total
        for b in range(k):
            correction = 0.0
            for a in range(k):
                correction += T[basic_at[a], tight_at[b]] * residual[a]
            prices[b] += correction

    candidate_col = np.empty(n)
    candidate_row = np.empty(m)
    for a in range(k):
        weights_col[basic[a]] = u[a]
        weights_row[tight[a]] = prices[a]
    _normalise(weights_col, candidate_col)
    _normalise(weights_row, candidate_row)
    if _col_guarantee(Z, candidate_col) <= _col_guarantee(Z, col):
        col[:] = candidate_col
    if _row_guarantee(Z, candidate_row) >= _row_guarantee(Z, row):
        row[:] = candidate_row
    return k


def zero_sum_value(A: npt.ArrayLike, *, max_iter: int | None = None) -> ZeroSumSolution:
    """Value and optimal strategies of the zero-sum game in which the row player gets ``A``.

    Parameters
    ----------
    A : array_like, shape (m, n)
        The row player's payoffs; the column player's are ``-A``. The row player maximises.
    max_iter : int, optional
        Cap on simplex pivots, at least 1; by default ``50 * (m + n) + 1000``, far more than
        games need (about ``2 min(m, n)`` for random games).

    Returns
    -------
    ZeroSumSolution
        ``value``, an optimal ``row`` and ``col`` strategy (an extreme point of each player's
        set of optimal strategies when the game has many), the certificate ``gap``,
        ``iterations`` and ``converged``.

    Notes
    -----
    A pivot costs ``m n`` multiply-adds on the condensed tableau. Rescaling ``A`` to
    ``[1, 2]`` makes the tolerances of the simplex absolute, and the solution is invariant to
    positive affine maps of the payoffs: ``zero_sum_value(a * A + b)`` has the value
    ``a * v + b`` and, up to rounding, the same strategies.

    References
    ----------
    J. von Neumann, "Zur Theorie der Gesellschaftsspiele", *Mathematische Annalen* 100,
    295-320, 1928.
    G. B. Dantzig, "A proof of the equivalence of the programming problem and the game
    problem", in T. C. Koopmans (ed.), *Activity Analysis of Production and Allocation*,
    Wiley, 1951, 330-335.
    V. Chvatal, *Linear Programming*, W. H. Freeman, 1983, chapter 15 (matrix games).

    Examples
    --------
    Rock-paper-scissors is fair and both players mix uniformly:

    >>> result = zero_sum_value([[0, -1, 1], [1, 0, -1], [-1, 1, 0]])
    >>> round(result.value, 12) + 0.0, np.round(result.row, 6), np.round(result.col, 6)
    (0.0, array([0.333333, 0.333333, 0.333333]), array([0.333333, 0.333333, 0.333333]))

    A 2x2 game without a saddle point has value ``(ad - bc) / (a + d - b - c)``, here 2.5:

    >>> result = zero_sum_value([[4, 1], [2, 3]])
    >>> float(round(result.value, 12)), np.round(result.row, 6), np.round(result.col, 6)
    (2.5, array([0.25, 0.75]), array([0.5, 0.5]))
    >>> result.converged, result.gap < 1e-12
    (True, True)
    """
    payoffs = as_payoff_matrix(A, "A")
    m, n = payoffs.shape
    limit = 50 * (m + n) + 1000 if max_iter is None else check_int("max_iter", max_iter, 1)
    unit, exponent, _ = unit_scale(payoffs, leading=0)  # no overflow in the spread
    low = float(unit.min())
    spread = float(unit.max()) - low
    Z = 1.0 + (unit - low) / (spread if spread > 0.0 else 1.0)
    T = np.empty((m + 1, n + 1))
    T[:m, :n] = Z
    T[:m, n] = 1.0
    T[m, :n] = -1.0
    T[m, n] = 0.0
    basis = np.arange(n, n + m, dtype=np.int64)
    nonbasic = np.arange(n, dtype=np.int64)
    status, iterations = simplex(T, basis, nonbasic, limit, _STALL)
    row = np.empty(m)
    col = np.empty(n)
    _optimal_strategies(Z, T, basis, nonbasic, row, col)
    lower = float((row @ unit).min())
    upper = float((unit @ col).max())
    return ZeroSumSolution(
        value=float(np.ldexp(0.5 * (lower + upper), exponent)),
        row=readonly(row),
        col=readonly(col),
        gap=float(np.ldexp(max(upper - lower, 0.0), exponent)),
        iterations=int(iterations),
        converged=bool(status == OPTIMAL),
    )

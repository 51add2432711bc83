"""Support enumeration: every Nash equilibrium of a nondegenerate bimatrix game, exactly once.

In a nondegenerate game both players' equilibrium supports have the same size ``k``, and
given supports ``I`` (row) and ``J`` (column) the equilibrium, if any, is the unique solution
of two square linear systems: ``y`` on ``J`` makes the row player indifferent among ``I``,
``x`` on ``I`` makes the column player indifferent among ``J``. The method tries every pair
of equal-size supports and keeps the solutions that are positive on their supports and best
responses to each other (von Stengel 2007, Algorithm 3.4).

A game is degenerate when some mixed strategy with a support of size ``k`` has more than ``k``
pure best responses (von Stengel 2007, Definition 3.2). Such a game may have equilibria with
supports of unequal sizes, or whole line segments of equilibria, that equal-size enumeration
cannot list; the result then carries ``degenerate=True`` and lists what was found. The flag
is exact: every mix the enumeration solves for is checked for an extra best response, and
every such strategy shows up among them (see ``_support_enumeration``).

Payoff orientation: the public functions take ``(A, B)``, both of shape ``(m, n)``; the
kernels take ``A`` and ``B.T``, each indexed by its own player's action first.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

from arena.solver._linalg import next_combination, solve_in_place
from arena.solver._validation import as_bimatrix, check_tolerance
from arena.solver.results import EquilibriumSet, readonly

__all__ = ["is_degenerate", "support_enumeration"]

NOT_EQUILIBRIUM = 0
EQUILIBRIUM = 1
EQUILIBRIUM_WITH_EXTRA_BEST_RESPONSE = 2

FLAG_DEGENERATE = 1
FLAG_OVERFLOW = 2
FLAG_NOT_FINITE = 4

_INITIAL_CAPACITY = 32


@njit(cache=True)
def _indifferent_mix(
    P: np.ndarray,
    own: np.ndarray,
    opp: np.ndarray,
    k: int,
    system: np.ndarray,
    solution: np.ndarray,
    tol: float,
    payoff_tol: float,
    eps: float,
) -> int:
    """Find the opponent's mix on ``opp`` that makes this player indifferent among ``own``.

    ``P`` is this player's payoff matrix, own action first. On success ``solution[:k]`` holds
    the opponent's probabilities and ``solution[k]`` this player's payoff. Returns
    NOT_EQUILIBRIUM unless the mix is positive on ``opp`` and every action in ``own`` is a best
    response to it; EQUILIBRIUM_WITH_EXTRA_BEST_RESPONSE when an action outside ``own`` ties.
    """
    if k == 1:  # a pure strategy: nothing to solve
        solution[0] = 1.0
        solution[1] = P[own[0], opp[0]]
    else:
        for r in range(k):
            for c in range(k):
                system[r, c] = P[own[r], opp[c]]
            system[r, k] = -1.0
            solution[r] = 0.0
        for c in range(k):
            system[k, c] = 1.0
        system[k, k] = 0.0
        solution[k] = 1.0
        if not solve_in_place(system, solution, k + 1, eps):
            return NOT_EQUILIBRIUM
        for c in range(k):
            if solution[c] <= tol:
                return NOT_EQUILIBRIUM
    value = solution[k]
    ties = 0
    for action in range(P.shape[0]):
        payoff = 0.0
        for c in range(k):
            payoff += P[action, opp[c]] * solution[c]
        if payoff > value + payoff_tol:
            return NOT_EQUILIBRIUM
        if payoff >= value - payoff_tol:
            ties += 1
    if ties > k:
        return EQUILIBRIUM_WITH_EXTRA_BEST_RESPONSE
    return EQUILIBRIUM


@njit(cache=True)
def _tolerances(A: np.ndarray, B: np.ndarray, tol: float) -> tuple[float, float]:
    """Scale the payoff tolerance and the singularity threshold to the payoffs' magnitude.

    Both come back NaN when a payoff is not finite.
    """
    scale = 1.0
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            a = abs(A[i, j])
            b = abs(B[i, j])
            if not (a < np.inf and b < np.inf):
                return np.nan, np.nan
            scale = max(scale, a, b)
    return tol * scale, 1e-13 * scale


@njit(cache=True)
def _enumerate(
    A: np.ndarray,
    BT: np.ndarray,
    tol: float,
    payoff_tol: float,
    eps: float,
    system: np.ndarray,
    row_solution: np.ndarray,
    col_solution: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    out_row: np.ndarray,
    out_col: np.ndarray,
    start: int,
) -> tuple[int, int]:
    """Write every equal-support equilibrium into ``out_row``/``out_col`` from row ``start`` on;
    return (count, flags). The other arrays are scratch space sized for ``min(m, n)``.

    ``count`` may exceed the room left in the out arrays; then FLAG_OVERFLOW is set and only
    the first equilibria were written, so the caller retries with more room.

    FLAG_DEGENERATE is exact. Every pair of supports ``(I, J)`` of one size ``k`` is solved
    for the column mix on ``J`` that leaves ``I`` as the row player's best responses, and for
    the row mix on ``I`` that leaves ``J`` as the column player's; the game is degenerate iff
    one of these mixes leaves a further pure best response tied. (A mix with ``k`` actions and
    more than ``k`` best responses makes some ``k`` of them a regular system, or is the limit
    of such mixes with smaller supports, which are solved as well.) Until degeneracy is seen,
    both systems are solved for every pair; after that, the second only when the first gives
    part of an equilibrium.
    """
    m, n = A.shape
    room = out_row.shape[0] - start
    count = 0
    flags = 0
    for k in range(1, min(m, n) + 1):
        row_support = rows[:k]
        col_support = cols[:k]
        for i in range(k):
            row_support[i] = i
        while True:
            for j in range(k):
                col_support[j] = j
            while True:
                found_col = _indifferent_mix(
                    A, row_support, col_support, k, system, col_solution, tol, payoff_tol, eps
                )
                found_row = NOT_EQUILIBRIUM
                if found_col != NOT_EQUILIBRIUM or not flags & FLAG_DEGENERATE:
                    found_row = _indifferent_mix(
                        BT, col_support, row_support, k, system, row_solution, tol, payoff_tol, eps
                    )
                if (
                    found_col == EQUILIBRIUM_WITH_EXTRA_BEST_RESPONSE
                    or found_row == EQUILIBRIUM_WITH_EXTRA_BEST_RESPONSE
                ):
                    flags |= FLAG_DEGENERATE
                if found_col != NOT_EQUILIBRIUM and found_row != NOT_EQUILIBRIUM:
                    if count < room:
                        at = start + count
                        out_row[at, :] = 0.0
                        out_col[at, :] = 0.0
                        for i in range(k):
                            out_row[at, row_support[i]] = row_solution[i]
                            out_col[at, col_support[i]] = col_solution[i]
                    else:
                        flags |= FLAG_OVERFLOW
                    count += 1
                if not next_combination(col_support, n):
                    break
            if not next_combination(row_support, m):
                break
    return count, flags


@njit(cache=True)
def _support_enumeration(
    A: np.ndarray, B: np.ndarray, tol: float, out_row: np.ndarray, out_col: np.ndarray
) -> tuple[int, int]:
    """One game: allocate the scratch space and enumerate into the out arrays."""
    k_max = min(A.shape[0], A.shape[1])
    payoff_tol, eps = _tolerances(A, B, tol)
    if np.isnan(payoff_tol):
        return 0, FLAG_NOT_FINITE
    return _enumerate(
        A,
        np.ascontiguousarray(B.T),
        tol,
        payoff_tol,
        eps,
        np.empty((k_max + 1, k_max + 1)),
        np.empty(k_max + 1),
        np.empty(k_max + 1),
        np.empty(k_max, np.int64),
        np.empty(k_max, np.int64),
        out_row,
        out_col,
        0,
    )


def support_enumeration(
    A: npt.ArrayLike, B: npt.ArrayLike, *, tol: float = 1e-10
) -> EquilibriumSet:
    """Every Nash equilibrium of a nondegenerate bimatrix game, by support enumeration.

    Parameters
    ----------
    A, B : array_like, shape (m, n)
        Payoffs of the row and the column player: ``A[i, j]`` and ``B[i, j]`` when the row
        player plays ``i`` and the column player ``j``.
    tol : float, default 1e-10
        Tolerance of the best-response comparisons, relative to the largest absolute payoff
        (at least 1); probabilities must exceed it to count as in the support.

    Returns
    -------
    EquilibriumSet
        ``row`` (k, m) and ``col`` (k, n), ordered by support size, then by supports in
        lexicographic order; ``degenerate`` is True exactly when the game is degenerate (then
        the list holds the equilibria with equal-size supports only; use
        :func:`arena.solver.vertex_enumeration` for all extreme equilibria).

    Notes
    -----
    The work grows like the number of equal-size support pairs, ``C(m + n, m)``: fine up to
    about 10 actions each.

    References
    ----------
    B. von Stengel, "Equilibrium computation for two-player games in strategic and extensive
    form", ch. 3 of *Algorithmic Game Theory*, Cambridge University Press, 2007, section 3.3.

    Examples
    --------
    The 3x2 game of von Stengel (2007), Figure 3.3, has three equilibria:

    >>> A = [[3, 3], [2, 5], [0, 6]]
    >>> B = [[3, 2], [2, 6], [3, 1]]
    >>> result = support_enumeration(A, B)
    >>> for x, y in result:
    ...     print(np.round(x, 4), np.round(y, 4))
    [1. 0. 0.] [1. 0.]
    [0.8 0.2 0. ] [0.6667 0.3333]
    [0.     0.3333 0.6667] [0.3333 0.6667]
    >>> result.degenerate
    False

    Matching pennies with a duplicated column is degenerate, and says so:

    >>> support_enumeration([[1, -1, -1], [-1, 1, 1]], [[-1, 1, 1], [1, -1, -1]]).degenerate
    True
    """
    row_payoffs, col_payoffs = as_bimatrix(A, B, check_finite=False)
    tolerance = check_tolerance(tol)
    m, n = row_payoffs.shape
    capacity = _INITIAL_CAPACITY
    while True:
        out_row = np.empty((capacity, m))
        out_col = np.empty((capacity, n))
        count, flags = _support_enumeration(row_payoffs, col_payoffs, tolerance, out_row, out_col)
        if count <= capacity:
            break
        capacity = count
    if flags & FLAG_NOT_FINITE:
        as_bimatrix(A, B)  # raises, naming the entry
    degenerate = bool(flags & FLAG_DEGENERATE)
    return EquilibriumSet(
        row=readonly(out_row[:count]),
        col=readonly(out_col[:count]),
        degenerate=degenerate,
        method="support_enumeration",
    )


def is_degenerate(A: npt.ArrayLike, B: npt.ArrayLike, *, tol: float = 1e-10) -> bool:
    """Whether some mixed strategy with ``k`` actions in its support has more than ``k`` pure
    best responses (von Stengel 2007, Definition 3.2).

    Parameters
    ----------
    A, B : array_like, shape (m, n)
        Payoffs of the row and the column player.
    tol : float, default 1e-10
        Tolerance of payoff ties, relative to the largest absolute payoff (at least 1).

    References
    ----------
    B. von Stengel, "Equilibrium computation for two-player games in strategic and extensive
    form", ch. 3 of *Algorithmic Game Theory*, Cambridge University Press, 2007.

    Examples
    --------
    >>> is_degenerate([[1, 0], [0, 1]], [[1, 0], [0, 1]])
    False
    >>> is_degenerate([[1, 1], [0, 1]], [[1, 1], [0, 1]])  # column 1 ties with column 0
    True
    """
    row_payoffs, col_payoffs = as_bimatrix(A, B, check_finite=False)
    m, n = row_payoffs.shape
    _, flags = _support_enumeration(
        row_payoffs, col_payoffs, check_tolerance(tol), np.empty((0, m)), np.empty((0, n))
    )
    if flags & FLAG_NOT_FINITE:
        as_bimatrix(A, B)  # raises, naming the entry
    return bool(flags & FLAG_DEGENERATE)

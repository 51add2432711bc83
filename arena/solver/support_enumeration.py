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

Tolerance model: scale invariant. Each player's payoffs are first multiplied by a power of two
that brings the largest absolute payoff into ``[1/2, 1)``; that is exact (no rounding, subnormal
payoffs included), so multiplying a player's payoffs by ``2**k`` changes no bit of the answer and
any other positive factor changes it only by rounding. A payoff comparison (best response, tie)
then allows ``tol`` times the player's largest absolute payoff, a probability must exceed
``tol`` to be in a support, and a pivot of the indifference systems, which mix these unit-scale
payoffs with rows of ones, must exceed ``1e-13`` in absolute value.

The kernels that solve a whole stack of games for :mod:`arena.solver.batch` live here too, so
that no kernel calls a kernel of another file (Numba's cache would not see that file change).

Payoff orientation: the public functions take ``(A, B)``, both of shape ``(m, n)``; the
kernels take ``A`` and ``B.T``, each indexed by its own player's action first.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from numba import njit

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
_SINGULAR = 1e-13  # pivots at most this, in a system of unit-scale payoffs, are zero
_SPLIT = 1000  # powers of two beyond 2**±1000 are applied in two steps (see _unit_factors)
# Payoffs whose largest is between these need no scaling where no system mixes them with ones
# (the 2x2 closed form): their differences neither overflow nor lose digits to underflow.
_TINY = 2.0**-1000
_HUGE = 2.0**1000


@njit(cache=True)
def _solve_in_place(M: np.ndarray, b: np.ndarray, size: int, eps: float) -> bool:
    """Solve ``M[:size, :size] x = b[:size]`` by Gaussian elimination with partial pivoting.

    ``M`` and ``b`` are overwritten; on success ``b[:size]`` holds ``x``. Returns False,
    leaving garbage behind, when a pivot is smaller than ``eps`` (the system is singular
    to working precision).
    """
    for col in range(size):
        pivot_row = col
        pivot_abs = abs(M[col, col])
        for row in range(col + 1, size):
            value = abs(M[row, col])
            if value > pivot_abs:
                pivot_abs = value
                pivot_row = row
        if pivot_abs <= eps:
            return False
        if pivot_row != col:
            for j in range(col, size):
                M[col, j], M[pivot_row, j] = M[pivot_row, j], M[col, j]
            b[col], b[pivot_row] = b[pivot_row], b[col]
        pivot = M[col, col]
        for row in range(col + 1, size):
            factor = M[row, col] / pivot
            if factor != 0.0:
                for j in range(col + 1, size):
                    M[row, j] -= factor * M[col, j]
                b[row] -= factor * b[col]
    for row in range(size - 1, -1, -1):
        total = b[row]
        for j in range(row + 1, size):
            total -= M[row, j] * b[j]
        b[row] = total / M[row, row]
    return True


@njit(cache=True)
def _next_combination(indices: np.ndarray, limit: int) -> bool:
    """Advance a sorted index array to the next k-subset of ``range(limit)``, lexicographically.

    Returns False, leaving ``indices`` unchanged, after the last subset.
    """
    k = indices.shape[0]
    position = k - 1
    while position >= 0 and indices[position] == limit - k + position:
        position -= 1
    if position < 0:
        return False
    indices[position] += 1
    for later in range(position + 1, k):
        indices[later] = indices[later - 1] + 1
    return True


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
        if not _solve_in_place(system, solution, k + 1, _SINGULAR):
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
def _unit_factors(largest: float) -> tuple[float, float]:
    """Two powers of two, each a normal number, whose product ``2**-e`` brings ``largest >= 0``
    into ``[1/2, 1)`` (1 and 1 for 0); ``x * first * second`` is exact for every ``x`` it does
    not make subnormal. One ``frexp`` and a division: ``mantissa / largest`` is exactly
    ``2**-e``, the common significand dividing out; only beyond ``2**±1000`` is ``2**-e`` split
    in two (as a double it would overflow, or be subnormal)."""
    if largest == 0.0:
        return 1.0, 1.0
    mantissa, exponent = math.frexp(largest)
    if -_SPLIT <= exponent <= _SPLIT:
        return mantissa / largest, 1.0
    part = min(max(-exponent, -_SPLIT), _SPLIT)
    return math.ldexp(1.0, part), math.ldexp(1.0, -exponent - part)


@njit(cache=True)
def _largest(payoffs: np.ndarray) -> float:
    """The largest absolute entry of a finite matrix."""
    largest = 0.0
    for i in range(payoffs.shape[0]):
        for j in range(payoffs.shape[1]):
            largest = max(largest, abs(payoffs[i, j]))
    return largest


@njit(cache=True)
def _moderate(largest: float) -> bool:
    """Whether payoffs of this largest absolute value can be used as they are (see _TINY)."""
    return largest == 0.0 or _TINY <= largest <= _HUGE


@njit(cache=True)
def _unit_scale(payoffs: np.ndarray, out: np.ndarray, transpose: bool) -> float:
    """Write ``payoffs * 2**-e`` into ``out`` (transposed if asked), the power of two chosen so
    that the largest absolute payoff lands in ``[1/2, 1)``; return that largest scaled payoff
    (0 for an all-zero matrix), or NaN, writing nothing, if a payoff is not finite.

    Scaling by a power of two is exact, subnormal payoffs included, so the kernels see the
    same game at unit scale.
    """
    rows, cols = payoffs.shape
    largest = 0.0
    for i in range(rows):
        for j in range(cols):
            value = abs(payoffs[i, j])
            if not value < np.inf:  # infinite or NaN
                return np.nan
            largest = max(largest, value)
    first, second = _unit_factors(largest)
    for i in range(rows):
        for j in range(cols):
            value = payoffs[i, j] * first * second
            if transpose:
                out[j, i] = value
            else:
                out[i, j] = value
    return largest * first * second


@njit(cache=True)
def _enumerate(
    A: np.ndarray,
    BT: np.ndarray,
    tol: float,
    row_tol: float,
    col_tol: float,
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

    ``A`` and ``BT`` are at unit scale (see ``_unit_scale``); ``row_tol`` and ``col_tol`` are
    ``tol`` times each player's largest absolute payoff there.

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
                    A, row_support, col_support, k, system, col_solution, tol, row_tol
                )
                found_row = NOT_EQUILIBRIUM
                if found_col != NOT_EQUILIBRIUM or not flags & FLAG_DEGENERATE:
                    found_row = _indifferent_mix(
                        BT, col_support, row_support, k, system, row_solution, tol, col_tol
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
                if not _next_combination(col_support, n):
                    break
            if not _next_combination(row_support, m):
                break
    return count, flags


@njit(cache=True)
def _support_enumeration(
    A: np.ndarray, B: np.ndarray, tol: float, out_row: np.ndarray, out_col: np.ndarray
) -> tuple[int, int]:
    """One game: scale each player's payoffs to unit size, allocate the scratch space and
    enumerate into the out arrays."""
    m, n = A.shape
    k_max = min(m, n)
    unit_a = np.empty((m, n))
    unit_bt = np.empty((n, m))
    row_largest = _unit_scale(A, unit_a, False)
    col_largest = _unit_scale(B, unit_bt, True)
    if np.isnan(row_largest) or np.isnan(col_largest):
        return 0, FLAG_NOT_FINITE
    return _enumerate(
        unit_a,
        unit_bt,
        tol,
        tol * row_largest,
        tol * col_largest,
        np.empty((k_max + 1, k_max + 1)),
        np.empty(k_max + 1),
        np.empty(k_max + 1),
        np.empty(k_max, np.int64),
        np.empty(k_max, np.int64),
        out_row,
        out_col,
        0,
    )


@njit(cache=True)
def _solve_2x2(
    A: np.ndarray,
    B: np.ndarray,
    tol: float,
    row_tol: float,
    col_tol: float,
    row_largest: float,
    col_largest: float,
    out_row: np.ndarray,
    out_col: np.ndarray,
    start: int,
) -> tuple[int, int]:
    """Closed form of ``_enumerate`` for 2x2 games: same equilibria, order and flags.

    ``A`` and ``B`` are not transposed; ``row_tol`` and ``col_tol`` are ``tol`` times each
    player's largest absolute payoff, ``row_largest`` and ``col_largest``, which also scale
    the singularity threshold: the probabilities are ratios of payoff differences, so no
    scaling of the payoffs is needed unless those differences could overflow or underflow.
    A 2x2 game is degenerate iff a pure strategy leaves the opponent's two actions tied.
    """
    room = out_row.shape[0] - start
    flags = 0
    if (
        abs(A[0, 0] - A[1, 0]) <= row_tol
        or abs(A[0, 1] - A[1, 1]) <= row_tol
        or abs(B[0, 0] - B[0, 1]) <= col_tol
        or abs(B[1, 0] - B[1, 1]) <= col_tol
    ):
        flags |= FLAG_DEGENERATE
    count = 0
    for i in range(2):
        for j in range(2):
            if A[1 - i, j] <= A[i, j] + row_tol and B[i, 1 - j] <= B[i, j] + col_tol:
                if count < room:
                    at = start + count
                    out_row[at, i] = 1.0
                    out_row[at, 1 - i] = 0.0
                    out_col[at, j] = 1.0
                    out_col[at, 1 - j] = 0.0
                else:
                    flags |= FLAG_OVERFLOW
                count += 1
    col_denominator = A[0, 0] - A[1, 0] - A[0, 1] + A[1, 1]
    row_denominator = B[0, 0] - B[0, 1] - B[1, 0] + B[1, 1]
    if (
        abs(col_denominator) > _SINGULAR * row_largest
        and abs(row_denominator) > _SINGULAR * col_largest
    ):
        y = (A[1, 1] - A[0, 1]) / col_denominator
        x = (B[1, 1] - B[1, 0]) / row_denominator
        if tol < y < 1.0 - tol and tol < x < 1.0 - tol:
            if count < room:
                at = start + count
                out_row[at, 0] = x
                out_row[at, 1] = 1.0 - x
                out_col[at, 0] = y
                out_col[at, 1] = 1.0 - y
            else:
                flags |= FLAG_OVERFLOW
            count += 1
    return count, flags


@njit(cache=True)
def _all_equilibria(
    A: np.ndarray,
    B: np.ndarray,
    tol: float,
    first: int,
    position: int,
    out_row: np.ndarray,
    out_col: np.ndarray,
    out_game: np.ndarray,
    counts: np.ndarray,
    degenerate: np.ndarray,
) -> tuple[int, int]:
    """Solve games ``first, first + 1, ...`` into the out arrays from row ``position`` on.

    Returns ``(next_game, position)``: ``next_game`` is K when every game is done, or the
    first game that did not fit, for the caller to retry with more room.
    """
    n_games, m, n = A.shape
    k_max = min(m, n)
    unit_a = np.empty((m, n))
    unit_b = np.empty((m, n))
    unit_bt = np.empty((n, m))
    system = np.empty((k_max + 1, k_max + 1))
    row_solution = np.empty(k_max + 1)
    col_solution = np.empty(k_max + 1)
    rows = np.empty(k_max, np.int64)
    cols = np.empty(k_max, np.int64)
    for g in range(first, n_games):
        if m == 2 and n == 2:
            row_largest = _largest(A[g])
            col_largest = _largest(B[g])
            if _moderate(row_largest) and _moderate(col_largest):
                game_a, game_b = A[g], B[g]
            else:
                row_largest = _unit_scale(A[g], unit_a, False)
                col_largest = _unit_scale(B[g], unit_b, False)
                game_a, game_b = unit_a, unit_b
            count, flags = _solve_2x2(
                game_a,
                game_b,
                tol,
                tol * row_largest,
                tol * col_largest,
                row_largest,
                col_largest,
                out_row,
                out_col,
                position,
            )
        else:
            row_tol = tol * _unit_scale(A[g], unit_a, False)
            col_tol = tol * _unit_scale(B[g], unit_bt, True)
            count, flags = _enumerate(
                unit_a,
                unit_bt,
                tol,
                row_tol,
                col_tol,
                system,
                row_solution,
                col_solution,
                rows,
                cols,
                out_row,
                out_col,
                position,
            )
        if flags & FLAG_OVERFLOW:
            return g, position
        counts[g] = count
        degenerate[g] = (flags & FLAG_DEGENERATE) != 0
        for e in range(count):
            out_game[position + e] = g
        position += count
    return n_games, position


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
        Tolerance of the best-response comparisons, relative to the player's largest absolute
        payoff (so scaling a player's payoffs by any positive factor changes nothing);
        probabilities must exceed it to count as in the support.

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

    The answer does not depend on the payoffs' scale (here matching pennies):

    >>> for scale in (1e-300, 1.0, 1e14, 1e300):
    ...     print(np.round(support_enumeration([[scale, -scale], [-scale, scale]],
    ...                                        [[-scale, scale], [scale, -scale]]).row, 6))
    [[0.5 0.5]]
    [[0.5 0.5]]
    [[0.5 0.5]]
    [[0.5 0.5]]

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
        Tolerance of payoff ties, relative to the player's largest absolute payoff.

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

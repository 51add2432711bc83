r"""One Nash equilibrium of a bimatrix game by the Lemke-Howson algorithm.

Let ``A`` and ``B`` be the ``(m, n)`` payoff matrices of the row and column player, shifted
and scaled (a positive affine map per player, which keeps every equilibrium) to entries in
``[1, 2]``. The best-response polytopes are

.. math::

    P = \{x \in \mathbb{R}^m : x \ge 0,\ B^\top x \le 1\}, \qquad
    Q = \{y \in \mathbb{R}^n : A y \le 1,\ y \ge 0\}.

A point carries label ``i`` (``0 <= i < m``, a row action) if ``x_i = 0`` in ``P`` or
``(A y)_i = 1`` in ``Q``, and label ``m + j`` (a column action) if ``(B^T x)_j = 1`` in ``P``
or ``y_j = 0`` in ``Q``. A pair ``(x, y) != (0, 0)`` that carries every label is a Nash
equilibrium after normalising ``x`` and ``y`` to sum to one (von Stengel 2007).

Lemke-Howson starts at ``(0, 0)``, drops the *initial label* ``k`` and follows the path of
``k``-almost completely labelled vertex pairs: each step is a complementary pivot in one of
the two tableaux, the label that was picked up twice is dropped in the other one, until the
missing label ``k`` is picked up again. Degenerate games are handled by the lexicographic
minimum-ratio test (von Stengel 2007, section 3.5), which cannot cycle.

The kernel keeps each tableau in dictionary form, only the nonbasic columns stored (half the
arithmetic of QuantEcon's full tableau), column by column so that the ratio test and each
pivot update run over contiguous memory and vectorise. The lexicographic tie-breaking
columns of the initial basis are read from the same dictionary.

Tolerance model: scale invariant. The map to ``[1, 2]`` makes every tolerance relative to the
player's payoff range, so multiplying a player's payoffs by any positive factor (or adding a
constant) gives the same answer up to rounding. The payoffs are scaled by a power of two before
that map (exact, subnormal payoffs included), so that the range neither overflows for payoffs
near ``1e308`` nor has an infinite reciprocal for subnormal ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numba import njit

from arena.solver._validation import as_bimatrix, check_int, check_tolerance
from arena.solver.results import readonly

__all__ = ["LemkeHowsonResult", "lemke_howson"]

_CONVERGED = 0
_PIVOT_CAP = 1
_NO_PIVOT = 2  # no positive entry in the entering column: lost to rounding, never in theory
_NOT_FINITE = 3
_SPLIT = 1000  # powers of two beyond 2**±1000 are applied in two steps (see _unit_factors)


@dataclass(frozen=True, eq=False)
class LemkeHowsonResult:
    """The end of one Lemke-Howson path.

    Attributes
    ----------
    row : ndarray, shape (m,)
        The row player's mixed strategy.
    col : ndarray, shape (n,)
        The column player's mixed strategy.
    converged : bool
        True when the path reached an equilibrium. False when the pivot cap stopped it (or,
        in a game too badly conditioned for float arithmetic, no pivot row was left): then
        ``row`` and ``col`` are the last vertex pair of the path, each normalised to sum to
        one where it is nonzero (a side still at the origin is all zeros). That pair misses
        ``initial_label`` and is **not** an equilibrium.
    pivots : int
        Pivots performed, over all restarts when ``capping`` was given.
    initial_label : int
        The label dropped on the path that produced ``row`` and ``col``: ``0..m-1`` the row
        player's actions, ``m..m+n-1`` the column player's. It differs from the argument
        only when ``capping`` moved on to later labels.
    """

    row: np.ndarray
    col: np.ndarray
    converged: bool
    pivots: int
    initial_label: int


def lemke_howson(
    A: npt.ArrayLike,
    B: npt.ArrayLike,
    initial_label: int = 0,
    *,
    max_pivots: int = 1_000_000,
    capping: int | None = None,
    tol: float = 1e-10,
) -> LemkeHowsonResult:
    """Find one Nash equilibrium of the bimatrix game ``(A, B)`` by Lemke-Howson.

    Parameters
    ----------
    A, B : array_like, shape (m, n)
        Payoffs of the row player and of the column player.
    initial_label : int, default 0
        The label dropped at the start: ``0..m-1`` are the row player's actions and
        ``m..m+n-1`` the column player's (QuantEcon's ``init_pivot`` convention). Different
        labels may end at different equilibria.
    max_pivots : int, default 1_000_000
        Cap on the total number of pivots. Reaching it returns ``converged=False``.
    capping : int, optional
        Codenotti et al.'s restart heuristic: run from ``initial_label``, then the next
        labels (modulo ``m + n``), each for at most ``capping`` pivots, and the last label
        ``initial_label - 1`` with the rest of ``max_pivots``. ``None`` runs one path.
    tol : float, default 1e-10
        Entries of the entering column at most ``tol`` are not pivot candidates, and ratios
        within ``tol`` of the minimum tie (then the lexicographic rule breaks the tie). The
        payoffs are first mapped to ``[1, 2]``, so ``tol`` is relative to each player's payoff
        range.

    Returns
    -------
    LemkeHowsonResult
        The strategies, whether the path converged, the pivots used and the label dropped.

    Raises
    ------
    TypeError
        If an argument is of the wrong kind.
    ValueError
        If ``A`` and ``B`` are not finite matrices of the same shape, or an integer or
        ``tol`` is out of range.

    Notes
    -----
    Each player's payoffs are mapped by ``a -> 1 + (a - min) / (max - min)`` (all ones for
    a constant matrix): the polytopes are then bounded, the tolerances have a fixed scale,
    and the equilibria are those of the original game. The path from a given label is the
    same as QuantEcon's ``lemke_howson(g, init_pivot=label)`` in a nondegenerate game. In a
    degenerate game it is the path of the lexicographic rule in exact arithmetic: ties are
    ratios within ``tol``, where QuantEcon's 1e-15 can miss a tie that rounding blurred and
    take another path.

    References
    ----------
    .. [1] C. E. Lemke and J. T. Howson, "Equilibrium points of bimatrix games," Journal of
       the Society for Industrial and Applied Mathematics 12(2), 413-423, 1964.
    .. [2] B. von Stengel, "Equilibrium computation for two-player games in strategic and
       extensive form," ch. 3 of N. Nisan, T. Roughgarden, E. Tardos and V. Vazirani (eds.),
       Algorithmic Game Theory, Cambridge University Press, 2007.
    .. [3] B. Codenotti, S. De Rossi and M. Pagan, "An experimental analysis of Lemke-Howson
       algorithm," arXiv:0811.3247, 2008.

    Examples
    --------
    The 3x2 example game of von Stengel (2007), dropping the row player's action 1:

    >>> import numpy as np
    >>> A = np.array([[3, 3], [2, 5], [0, 6]])
    >>> B = np.array([[3, 2], [2, 6], [3, 1]])
    >>> result = lemke_howson(A, B, initial_label=1)
    >>> result.converged, result.pivots
    (True, 4)
    >>> print(np.round(result.row, 6), np.round(result.col, 6))
    [0.       0.333333 0.666667] [0.333333 0.666667]

    A pivot cap that is too small stops the path short of an equilibrium:

    >>> partial = lemke_howson(A, B, initial_label=1, max_pivots=2)
    >>> partial.converged, partial.pivots
    (False, 2)
    """
    row_payoffs, col_payoffs = _bimatrix(A, B)
    m, n = row_payoffs.shape
    label = _integer("initial_label", initial_label, 0, m + n - 1)
    cap = _integer("max_pivots", max_pivots, 1, None)
    per_label = cap if capping is None else _integer("capping", capping, 1, None)
    tolerance = tol if type(tol) is float and 0.0 <= tol < 1.0 else check_tolerance(tol)

    out = np.empty(m + n)
    status, pivots, used_label = _lemke_howson(
        row_payoffs, col_payoffs, label, cap, per_label, tolerance, out
    )
    if status == _NOT_FINITE:
        as_bimatrix(A, B)  # raises the ValueError that names the entry
        raise ValueError("A and B must be finite")
    out = readonly(out)  # the two views below inherit the flag
    return LemkeHowsonResult(
        row=out[:m],
        col=out[m:],
        converged=status == _CONVERGED,
        pivots=pivots,
        initial_label=used_label,
    )


_FLOAT64 = np.dtype(np.float64)


def _bimatrix(A: npt.ArrayLike, B: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """``as_bimatrix`` with a fast path for C-contiguous float64 matrices of one shape.

    The fast path leaves the finiteness check to the kernel, which reports it as a status;
    the public function then calls ``as_bimatrix`` for the error message.
    """
    if (
        type(A) is np.ndarray
        and type(B) is np.ndarray
        and A.dtype is _FLOAT64
        and B.dtype is _FLOAT64
        and A.ndim == 2
        and A.shape == B.shape
        and A.size > 0
        and A.flags.c_contiguous
        and B.flags.c_contiguous
    ):
        return A, B
    return as_bimatrix(A, B)


def _integer(name: str, value: object, low: int, high: int | None) -> int:
    """``check_int`` with a fast path for a plain ``int`` in range."""
    if type(value) is int and value >= low and (high is None or value <= high):
        return value
    return check_int(name, value, low, high)


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
def _normalise_payoffs(payoffs: np.ndarray, out: np.ndarray, transpose: bool) -> bool:
    """Write ``1 + (payoffs - min) / (max - min)`` into ``out`` (all ones if constant),
    transposed if asked. Returns False, writing nothing, if an entry is not finite.

    The payoffs are first scaled by the power of two that brings the largest absolute one
    into ``[1/2, 1)``, which is exact: ``max - min`` then neither overflows (payoffs near
    ``1e308`` of both signs) nor has a reciprocal that does (subnormal payoffs).
    """
    rows, cols = payoffs.shape
    low = payoffs[0, 0]
    high = payoffs[0, 0]
    finite = True
    for i in range(rows):
        for j in range(cols):
            value = payoffs[i, j]
            finite = finite and np.isfinite(value)
            low = min(low, value)
            high = max(high, value)
    if not finite:
        return False
    first, second = _unit_factors(max(abs(low), abs(high)))
    low = low * first * second
    high = high * first * second
    scale = 0.0 if high == low else 1.0 / (high - low)
    for i in range(rows):
        for j in range(cols):
            value = 1.0 + (payoffs[i, j] * first * second - low) * scale
            if transpose:
                out[j, i] = value
            else:
                out[i, j] = value
    return True


@njit(cache=True)
def _initialise(
    matrix_t: np.ndarray,
    tableau: np.ndarray,
    basic: np.ndarray,
    position: np.ndarray,
    structural_first: int,
    slack_first: int,
) -> None:
    """Tableau of ``{z >= 0 : M z <= 1}`` at ``z = 0``, from ``matrix_t`` = ``M.T``.

    The tableau is a dictionary stored by columns: ``tableau[c, r]`` is the coefficient of
    the ``c``-th nonbasic variable in row ``r``, which reads ``basic[r] + sum_c tableau[c, r]
    * nonbasic_c = tableau[d, r]``. Labels of the structural variables start at
    ``structural_first``, of the slacks at ``slack_first``; ``position[label]`` is the row of
    a basic variable, or ``-(column + 1)`` of a nonbasic one.
    """
    dim, rows = matrix_t.shape
    for c in range(dim):
        for r in range(rows):
            tableau[c, r] = matrix_t[c, r]
        position[structural_first + c] = -(c + 1)
    for r in range(rows):
        tableau[dim, r] = 1.0
        basic[r] = slack_first + r
        position[slack_first + r] = r


@njit(cache=True, error_model="numpy")
def _lex_min_ratio_row(
    tableau: np.ndarray,
    column: int,
    position: np.ndarray,
    slack_first: int,
    ratios: np.ndarray,
    candidates: np.ndarray,
    tol: float,
) -> int:
    """Leaving row for ``column`` by the lexicographic minimum-ratio test, or -1 if none.

    Ties of ``rhs / entry`` (within ``tol``) are broken by the columns of the initial slack
    basis in order: a unit vector while that slack is basic, its stored column once it is
    not. The ratios are computed without branches over a contiguous column, so that loop
    vectorises (the NumPy error model lets the division run before the select without a
    zero check).
    """
    rhs = tableau.shape[0] - 1
    rows = tableau.shape[1]
    for r in range(rows):
        entry = tableau[column, r]
        value = tableau[rhs, r]
        value = value if value > 0.0 else 0.0
        ratios[r] = value / entry if entry > tol else np.inf
    least = np.inf
    for r in range(rows):
        least = ratios[r] if ratios[r] < least else least
    if least == np.inf:
        return -1
    limit = least + tol
    count = 0
    for r in range(rows):
        candidates[count] = r
        count += ratios[r] <= limit
    slack = 0
    while count > 1 and slack < rows:
        where = position[slack_first + slack]
        least = np.inf
        for t in range(count):
            r = candidates[t]
            value = 1.0
            if where < 0:
                value = tableau[-where - 1, r]
            elif where != r:
                value = 0.0
            ratios[r] = value / tableau[column, r]
            least = min(least, ratios[r])
        limit = least + tol
        kept = 0
        for t in range(count):
            r = candidates[t]
            candidates[kept] = r
            kept += ratios[r] <= limit
        count = kept
        slack += 1
    return candidates[0]


@njit(cache=True)
def _pivot(tableau: np.ndarray, row: int, column: int, buffer: np.ndarray) -> None:
    """Exchange the basic variable of ``row`` with the nonbasic one of ``column``.

    Column by column, each update a contiguous ``axpy`` that vectorises.
    """
    width, rows = tableau.shape
    inverse = 1.0 / tableau[column, row]
    for r in range(rows):
        buffer[r] = tableau[column, r]
    for c in range(width):
        if c == column:
            continue
        factor = tableau[c, row] * inverse
        if factor != 0.0:
            for r in range(rows):
                tableau[c, r] -= factor * buffer[r]
        tableau[c, row] = factor
    for r in range(rows):
        tableau[column, r] = -buffer[r] * inverse
    tableau[column, row] = inverse


@njit(cache=True)
def _step(
    tableau: np.ndarray,
    basic: np.ndarray,
    position: np.ndarray,
    entering: int,
    slack_first: int,
    ratios: np.ndarray,
    candidates: np.ndarray,
    buffer: np.ndarray,
    tol: float,
) -> int:
    """Pivot label ``entering`` into the basis; return the label that leaves (-1: none)."""
    column = -position[entering] - 1
    row = _lex_min_ratio_row(tableau, column, position, slack_first, ratios, candidates, tol)
    if row < 0:
        return -1
    _pivot(tableau, row, column, buffer)
    leaving = basic[row]
    basic[row] = entering
    position[entering] = row
    position[leaving] = -(column + 1)
    return leaving


@njit(cache=True)
def _run_path(
    tableau_p: np.ndarray,
    tableau_q: np.ndarray,
    basic_p: np.ndarray,
    basic_q: np.ndarray,
    position_p: np.ndarray,
    position_q: np.ndarray,
    initial_label: int,
    max_pivots: int,
    ratios: np.ndarray,
    candidates: np.ndarray,
    buffer: np.ndarray,
    tol: float,
) -> tuple[int, int]:
    """Follow the path dropping ``initial_label``; return (status, pivots).

    No array is rebound inside the loop, so Numba keeps no reference counts there.
    """
    m = tableau_q.shape[1]
    entering = initial_label
    in_p = initial_label < m  # x_k is nonbasic in P; y_k is nonbasic in Q
    pivots = 0
    while pivots < max_pivots:
        if in_p:
            leaving = _step(
                tableau_p, basic_p, position_p, entering, m, ratios, candidates, buffer, tol
            )
        else:
            leaving = _step(
                tableau_q, basic_q, position_q, entering, 0, ratios, candidates, buffer, tol
            )
        if leaving < 0:
            return _NO_PIVOT, pivots
        pivots += 1
        if leaving == initial_label:
            return _CONVERGED, pivots
        entering = leaving
        in_p = not in_p
    return _PIVOT_CAP, pivots


@njit(cache=True)
def _read_strategy(
    tableau: np.ndarray,
    position: np.ndarray,
    first: int,
    size: int,
    out: np.ndarray,
    out_first: int,
) -> None:
    """Basic values of labels ``first..first+size-1``, clipped at 0 and normalised."""
    rhs = tableau.shape[0] - 1
    total = 0.0
    for t in range(size):
        where = position[first + t]
        value = max(tableau[rhs, where], 0.0) if where >= 0 else 0.0
        out[out_first + t] = value
        total += value
    if total > 0.0:
        for t in range(size):
            out[out_first + t] /= total


@njit(cache=True)
def _lemke_howson(
    A: np.ndarray,
    B: np.ndarray,
    initial_label: int,
    max_pivots: int,
    capping: int,
    tol: float,
    out: np.ndarray,
) -> tuple[int, int, int]:
    """Lemke-Howson with optional capped restarts, writing (row, col) into ``out``.

    Returns (status, pivots, label used); status 0 converged, 1 pivot cap reached, 2 no
    pivot row (rounding only), 3 a payoff is not finite.
    """
    m, n = A.shape
    total = m + n
    # P = {x >= 0 : B'^T x <= 1} is stored by columns, so it starts from B' itself;
    # Q = {y >= 0 : A' y <= 1} from A'^T
    payoff_b = np.empty((m, n))
    payoff_at = np.empty((n, m))
    if not (_normalise_payoffs(A, payoff_at, True) and _normalise_payoffs(B, payoff_b, False)):
        return _NOT_FINITE, 0, initial_label
    tableau_p = np.empty((m + 1, n))
    tableau_q = np.empty((n + 1, m))
    basic_p = np.empty(n, dtype=np.int64)
    basic_q = np.empty(m, dtype=np.int64)
    position_p = np.empty(total, dtype=np.int64)
    position_q = np.empty(total, dtype=np.int64)
    ratios = np.empty(max(m, n))
    candidates = np.empty(max(m, n), dtype=np.int64)
    buffer = np.empty(max(m, n))

    label = initial_label
    used = 0
    status = _PIVOT_CAP
    for attempt in range(total):
        last = attempt == total - 1 or capping >= max_pivots
        budget = max_pivots - used if last else min(capping, max_pivots - used)
        _initialise(payoff_b, tableau_p, basic_p, position_p, 0, m)
        _initialise(payoff_at, tableau_q, basic_q, position_q, m, 0)
        status, pivots = _run_path(
            tableau_p,
            tableau_q,
            basic_p,
            basic_q,
            position_p,
            position_q,
            label,
            budget,
            ratios,
            candidates,
            buffer,
            tol,
        )
        used += pivots
        if status != _PIVOT_CAP or last or used >= max_pivots:
            break
        label = label + 1 if label + 1 < total else 0

    _read_strategy(tableau_p, position_p, 0, m, out, 0)
    _read_strategy(tableau_q, position_q, m, n, out, m)
    return status, used, label

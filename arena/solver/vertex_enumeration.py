r"""All extreme Nash equilibria of a bimatrix game by enumerating best-response polytope vertices.

Let ``A`` and ``B`` be the ``(m, n)`` payoff matrices of the row and column player, shifted
and scaled (a positive affine map per player, which keeps every equilibrium) to entries in
``[1, 2]``. The best-response polytopes are

.. math::

    P = \{x \in \mathbb{R}^m : x \ge 0,\ B^\top x \le 1\}, \qquad
    Q = \{y \in \mathbb{R}^n : A y \le 1,\ y \ge 0\}.

A point carries label ``i`` (``0 <= i < m``, a row action) if ``x_i = 0`` in ``P`` or
``(A y)_i = 1`` in ``Q``, and label ``m + j`` (a column action) if ``(B^T x)_j = 1`` in ``P``
or ``y_j = 0`` in ``Q``. A vertex pair ``(x, y) != (0, 0)`` that carries all ``m + n`` labels
is a Nash equilibrium after normalising ``x`` and ``y`` to sum to one, and every extreme
point of every maximal convex set of equilibria arises so (von Stengel 2007;
Audet et al. 2001). In a nondegenerate game these are all the equilibria.

The vertices are found by a breadth-first search over the feasible bases of each polytope's
simplex tableau: from each basis every nonbasic variable is tried as entering variable, and
every row attaining the minimum ratio (within ``tol``) gives a neighbouring basis. The basis
graph of a polytope is connected, so the search from the origin visits every vertex, and it
visits every basis of a degenerate vertex, so each vertex gets its full label set (nonbasic
variables plus basic ones at zero). Breadth first keeps each tableau a few pivots away from
the exact one at the origin. Complete pairs are matched with bit-mask label sets: a simple
vertex (exactly ``m`` or ``n`` labels) looks up the one complementary label set in a hash
table; a degenerate vertex (more labels) is checked against every vertex of the other
polytope.

Tolerance model: scale invariant. The map to ``[1, 2]`` makes every tolerance relative to the
player's payoff range, so multiplying a player's payoffs by any positive factor (or adding a
constant) gives the same answer up to rounding. The payoffs are scaled by a power of two before
that map (exact, subnormal payoffs included), so that the range neither overflows for payoffs
near ``1e308`` nor has an infinite reciprocal for subnormal ones.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

from arena.solver._validation import as_bimatrix, check_tolerance
from arena.solver.lemke_howson import _normalise_payoffs
from arena.solver.results import EquilibriumSet, readonly

__all__ = ["vertex_enumeration"]

_BITS = 62  # labels per int64 word of a label mask; keeps every shift and hash product in range
_LOW31 = 0x7FFFFFFF
_LOW32 = 0xFFFFFFFF
_MIX = 0x45D9F3B


def vertex_enumeration(A: npt.ArrayLike, B: npt.ArrayLike, *, tol: float = 1e-10) -> EquilibriumSet:
    """Find every extreme Nash equilibrium of the bimatrix game ``(A, B)``.

    Parameters
    ----------
    A, B : array_like, shape (m, n)
        Payoffs of the row player and of the column player.
    tol : float, default 1e-10
        A basic variable at most ``tol`` counts as zero (its label is present), entries of an
        entering column at most ``tol`` are not pivot candidates, and ratios within ``tol``
        of the minimum tie. The payoffs are first mapped to ``[1, 2]``, so ``tol`` is
        relative to each player's payoff range.

    Returns
    -------
    EquilibriumSet
        The extreme equilibria, each once, in the order the row player's vertices were
        found, with ``method="vertex_enumeration"``. ``degenerate`` is True when a vertex
        of either polytope has more labels than its dimension, which happens exactly when
        the game is degenerate (some mixed strategy has more pure best responses than the
        size of its support). The set then lists the extreme points of the equilibrium
        components: a continuum of equilibria is reported by its vertices, not as a
        finite list of isolated equilibria.

    Raises
    ------
    TypeError
        If ``A``, ``B`` or ``tol`` is of the wrong kind.
    ValueError
        If ``A`` and ``B`` are not finite matrices of the same shape, or ``tol`` is not in
        ``[0, 1)``.

    Notes
    -----
    The number of vertices grows exponentially with the number of actions (a random 10x10
    game has about a thousand per polytope), and a highly degenerate vertex has many bases,
    each visited once.

    Degenerate games are handled, not approximated: a vertex carries the label of every
    constraint tight at it, so a vertex with more labels than its dimension pairs with every
    vertex of the other polytope that supplies the labels it misses, and each extreme
    equilibrium is listed once. QuantEcon's ``vertex_enumeration`` reads labels off the
    simplices of Qhull's triangulated polar facets and matches exact complements, so it
    misses extreme equilibria of many degenerate games; pygambit's float
    ``enummixed_solve`` finds them but may list one twice.

    References
    ----------
    .. [1] B. von Stengel, "Equilibrium computation for two-player games in strategic and
       extensive form," ch. 3 of N. Nisan, T. Roughgarden, E. Tardos and V. Vazirani (eds.),
       Algorithmic Game Theory, Cambridge University Press, 2007.
    .. [2] C. Audet, P. Hansen, B. Jaumard and G. Savard, "Enumeration of all extreme
       equilibria of bimatrix games," SIAM Journal on Scientific Computing 23(1), 323-338,
       2001.
    .. [3] D. Avis, G. D. Rosenberg, R. Savani and B. von Stengel, "Enumeration of Nash
       equilibria for two-player games," Economic Theory 42(1), 9-37, 2010.

    Examples
    --------
    The 3x2 example game of von Stengel (2007) has three equilibria:

    >>> import numpy as np
    >>> A = np.array([[3, 3], [2, 5], [0, 6]])
    >>> B = np.array([[3, 2], [2, 6], [3, 1]])
    >>> found = vertex_enumeration(A, B)
    >>> len(found), found.degenerate
    (3, False)
    >>> for row, col in found:
    ...     print(np.round(row, 6), np.round(col, 6))
    [1. 0. 0.] [1. 0.]
    [0.8 0.2 0. ] [0.666667 0.333333]
    [0.       0.333333 0.666667] [0.333333 0.666667]

    With ``B[0, 1] = 3`` the game is degenerate (von Stengel's degenerate example): the top row
    has two best responses, and the equilibria ``x = (1, 0, 0)``, ``y = (y_0, 1 - y_0)`` with
    ``y_0 >= 2/3`` form a segment, reported by its two ends.

    >>> B = np.array([[3, 3], [2, 6], [3, 1]])
    >>> found = vertex_enumeration(A, B)
    >>> len(found), found.degenerate
    (3, True)
    >>> for row, col in found:
    ...     print(np.round(row, 6), np.round(col, 6))
    [1. 0. 0.] [1. 0.]
    [1. 0. 0.] [0.666667 0.333333]
    [0.       0.333333 0.666667] [0.333333 0.666667]
    """
    row_payoffs, col_payoffs = as_bimatrix(A, B)
    tolerance = check_tolerance(tol)
    m, n = row_payoffs.shape
    # Each player's payoffs rescaled to [1, 2], own action first. Called from Python, not
    # from the kernel: Numba's cache would not notice a change to a kernel of another file.
    payoff_a = np.empty((m, n))
    payoff_bt = np.empty((n, m))
    _normalise_payoffs(row_payoffs, payoff_a, False)
    _normalise_payoffs(col_payoffs, payoff_bt, True)
    row, col, degenerate = _vertex_enumeration(payoff_a, payoff_bt, tolerance)
    return EquilibriumSet(
        row=readonly(row),
        col=readonly(col),
        degenerate=bool(degenerate),
        method="vertex_enumeration",
    )


@njit(cache=True, inline="always")
def _set_label(mask: np.ndarray, label: int) -> None:
    mask[label // _BITS] |= np.int64(1) << (label % _BITS)


@njit(cache=True, inline="always")
def _mix(value: int) -> int:
    """A 32-bit integer hash with full avalanche; every product stays below 2**59."""
    value = (((value >> 16) ^ value) * _MIX) & _LOW32
    value = (((value >> 16) ^ value) * _MIX) & _LOW32
    return (value >> 16) ^ value


@njit(cache=True, inline="always")
def _hash(key: np.ndarray) -> int:
    """Hash of a label mask, 31 bits of a word at a time."""
    value = 0
    for w in range(key.shape[0]):
        word = key[w]
        value = _mix(value ^ (word & _LOW31))
        value = _mix(value ^ (word >> 31))
    return value


@njit(cache=True, inline="always")
def _slot(keys: np.ndarray, values: np.ndarray, key: np.ndarray) -> int:
    """Slot of ``key`` in an open-addressing table, or the empty slot where it would go."""
    size = values.shape[0]
    words = key.shape[0]
    slot = _hash(key) & (size - 1)
    while values[slot] >= 0:
        same = True
        for w in range(words):
            if keys[slot, w] != key[w]:
                same = False
                break
        if same:
            return slot
        slot = (slot + 1) & (size - 1)
    return slot


@njit(cache=True, inline="always")
def _store(keys: np.ndarray, values: np.ndarray, slot: int, key: np.ndarray, value: int) -> None:
    """Put ``key`` and ``value`` in ``slot`` (element by element: a slice assignment between
    arrays costs Numba an overlap check and a temporary)."""
    for w in range(key.shape[0]):
        keys[slot, w] = key[w]
    values[slot] = value


@njit(cache=True)
def _grow_table(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The same table with twice the slots."""
    size = values.shape[0]
    new_keys = np.zeros((2 * size, keys.shape[1]), dtype=np.int64)
    new_values = np.full(2 * size, -1, dtype=np.int64)
    for s in range(size):
        if values[s] >= 0:
            _store(new_keys, new_values, _slot(new_keys, new_values, keys[s]), keys[s], values[s])
    return new_keys, new_values


@njit(cache=True)
def _pivot_into(tableaux: np.ndarray, source: int, target: int, row: int, column: int) -> None:
    """Write into slot ``target`` the tableau of slot ``source`` after a pivot on (row, column).

    Tableaux are in dictionary form: row ``r`` reads ``basic_r + tableau[r, :d] . nonbasic =
    tableau[r, d]``; the pivot exchanges the basic variable of ``row`` with the nonbasic one of
    ``column``.
    """
    rows, width = tableaux.shape[1], tableaux.shape[2]
    inverse = 1.0 / tableaux[source, row, column]
    for c in range(width):
        tableaux[target, row, c] = tableaux[source, row, c] * inverse
    tableaux[target, row, column] = inverse
    for r in range(rows):
        if r == row:
            continue
        factor = tableaux[source, r, column]
        for c in range(width):
            tableaux[target, r, c] = tableaux[source, r, c] - factor * tableaux[target, row, c]
        tableaux[target, r, column] = -factor * inverse


@njit(cache=True, error_model="numpy")
def _neighbours(
    tableaux: np.ndarray,
    slot: int,
    ratios: np.ndarray,
    rows_out: np.ndarray,
    columns_out: np.ndarray,
    tol: float,
) -> int:
    """Every pivot (row, column) of minimum ratio within ``tol`` in the tableau of ``slot``.

    Returns how many. The ratios ``rhs_r / entry`` (infinite where the entry is at most
    ``tol``) are computed row by row without branches, so the loop vectorises (the NumPy
    error model lets the division run before the select without a zero check); the column
    minima and the rows that attain them follow, also without branches.
    """
    rows, dim = ratios.shape
    for r in range(rows):
        value = tableaux[slot, r, dim]
        value = value if value > 0.0 else 0.0
        for c in range(dim):
            entry = tableaux[slot, r, c]
            ratios[r, c] = value / entry if entry > tol else np.inf
    count = 0
    for c in range(dim):
        least = np.inf
        for r in range(rows):
            least = min(least, ratios[r, c])
        if least == np.inf:  # an unbounded edge: only if rounding lost every pivot
            continue
        limit = least + tol
        for r in range(rows):
            rows_out[count] = r
            columns_out[count] = c
            count += ratios[r, c] <= limit
    return count


_QUEUE_FULL = 1
_SEEN_FULL = 2
_VERTICES_FULL = 3


@njit(cache=True)
def _explore(
    tableaux: np.ndarray,
    basics: np.ndarray,
    nonbasics: np.ndarray,
    seen_keys: np.ndarray,
    seen_values: np.ndarray,
    vertex_keys: np.ndarray,
    vertex_values: np.ndarray,
    coordinates: np.ndarray,
    masks: np.ndarray,
    counts: np.ndarray,
    label_of: np.ndarray,
    state: np.ndarray,
    tol: float,
) -> int:
    """Breadth-first search over feasible bases, from ``state = [head, tail, seen, found]``.

    The queue holds slots ``head..tail-1`` of ``tableaux``, ``basics`` and ``nonbasics``; the
    ``seen`` bases and ``found`` vertices are in open-addressing tables keyed by label masks.
    Returns 0 when the queue is empty, or 1, 2 or 3 when the queue, the table of seen bases or
    the vertex storage must grow first (the caller grows it and calls again: no array is
    rebound inside the loop, so Numba keeps no reference counts there).
    """
    capacity, rows, width = tableaux.shape
    dim = width - 1
    words = seen_keys.shape[1]
    most = dim * rows  # the neighbours one basis can add
    ratios = np.empty((rows, dim))
    pivot_rows = np.empty(most, dtype=np.int64)
    pivot_columns = np.empty(most, dtype=np.int64)
    label_mask = np.empty(words, dtype=np.int64)
    basis_mask = np.empty(words, dtype=np.int64)
    key = np.empty(words, dtype=np.int64)
    head, tail, seen, found = state[0], state[1], state[2], state[3]
    status = 0
    while head < tail:
        if tail + most > capacity:
            status = _QUEUE_FULL
            break
        if 2 * (seen + most) > seen_values.shape[0]:
            status = _SEEN_FULL
            break
        if found == coordinates.shape[0] or 2 * (found + 1) > vertex_values.shape[0]:
            status = _VERTICES_FULL
            break

        # the vertex of this basis: nonbasic variables and basic ones at zero are its labels
        for w in range(words):
            label_mask[w] = 0
            basis_mask[w] = 0
        count = dim
        for c in range(dim):
            _set_label(label_mask, label_of[nonbasics[head, c]])
        for r in range(rows):
            _set_label(basis_mask, label_of[basics[head, r]])
            if tableaux[head, r, dim] <= tol:
                _set_label(label_mask, label_of[basics[head, r]])
                count += 1
        slot = _slot(vertex_keys, vertex_values, label_mask)
        if vertex_values[slot] < 0:
            for c in range(dim):
                coordinates[found, c] = 0.0
            for r in range(rows):
                variable = basics[head, r]
                value = tableaux[head, r, dim]
                if variable < dim and value > 0.0:
                    coordinates[found, variable] = value
            for w in range(words):
                masks[found, w] = label_mask[w]
            counts[found] = count
            _store(vertex_keys, vertex_values, slot, label_mask, found)
            found += 1

        # every neighbouring basis not seen yet joins the queue
        pivots = _neighbours(tableaux, head, ratios, pivot_rows, pivot_columns, tol)
        for k in range(pivots):
            r = pivot_rows[k]
            c = pivot_columns[k]
            leaving = basics[head, r]
            entering = nonbasics[head, c]
            for w in range(words):
                key[w] = basis_mask[w]
            label = label_of[leaving]
            key[label // _BITS] ^= np.int64(1) << (label % _BITS)
            _set_label(key, label_of[entering])
            slot = _slot(seen_keys, seen_values, key)
            if seen_values[slot] >= 0:
                continue
            _store(seen_keys, seen_values, slot, key, seen)
            seen += 1
            _pivot_into(tableaux, head, tail, r, c)
            for t in range(rows):
                basics[tail, t] = basics[head, t]
            for t in range(dim):
                nonbasics[tail, t] = nonbasics[head, t]
            basics[tail, r] = entering
            nonbasics[tail, c] = leaving
            tail += 1
        head += 1
    state[0] = head
    state[1] = tail
    state[2] = seen
    state[3] = found
    return status


@njit(cache=True)
def _requeue(
    tableaux: np.ndarray, basics: np.ndarray, nonbasics: np.ndarray, state: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Move the waiting bases to the front, into arrays twice as long if they fill half."""
    capacity, rows, width = tableaux.shape
    most = (width - 1) * rows
    head, tail = state[0], state[1]
    waiting = tail - head
    grown = capacity
    while waiting + most > grown // 2:
        grown *= 2
    if grown > capacity:
        new_tableaux = np.empty((grown, rows, width))
        new_basics = np.empty((grown, rows), dtype=np.int64)
        new_nonbasics = np.empty((grown, width - 1), dtype=np.int64)
    else:  # in place: slot t < head + t, so copying forwards never overwrites a waiting one
        new_tableaux, new_basics, new_nonbasics = tableaux, basics, nonbasics
    for t in range(waiting):
        for r in range(rows):
            for c in range(width):
                new_tableaux[t, r, c] = tableaux[head + t, r, c]
            new_basics[t, r] = basics[head + t, r]
        for c in range(width - 1):
            new_nonbasics[t, c] = nonbasics[head + t, c]
    state[0] = 0
    state[1] = waiting
    return new_tableaux, new_basics, new_nonbasics


@njit(cache=True)
def _polytope_vertices(
    matrix: np.ndarray,
    structural_first: int,
    slack_first: int,
    words: int,
    tol: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vertices of ``{z >= 0 : matrix @ z <= 1}`` (``matrix`` positive), the origin first.

    Returns coordinates ``(V, d)``, label masks ``(V, words)`` and label counts ``(V,)``.
    Structural variable ``c`` has label ``structural_first + c``, slack ``r`` has label
    ``slack_first + r``.
    """
    rows, dim = matrix.shape
    width = dim + 1
    label_of = np.empty(dim + rows, dtype=np.int64)
    for c in range(dim):
        label_of[c] = structural_first + c
    for r in range(rows):
        label_of[dim + r] = slack_first + r

    # the queue starts with the origin: every slack basic
    capacity = 4 * dim * rows + 64
    tableaux = np.empty((capacity, rows, width))
    basics = np.empty((capacity, rows), dtype=np.int64)
    nonbasics = np.empty((capacity, dim), dtype=np.int64)
    for r in range(rows):
        for c in range(dim):
            tableaux[0, r, c] = matrix[r, c]
        tableaux[0, r, dim] = 1.0
        basics[0, r] = dim + r
    for c in range(dim):
        nonbasics[0, c] = c

    size = 64
    while size < 4 * dim * rows:
        size *= 2
    seen_keys = np.zeros((size, words), dtype=np.int64)
    seen_values = np.full(size, -1, dtype=np.int64)
    key = np.zeros(words, dtype=np.int64)
    for r in range(rows):
        _set_label(key, label_of[dim + r])
    _store(seen_keys, seen_values, _slot(seen_keys, seen_values, key), key, 0)

    vertex_keys = np.zeros((size, words), dtype=np.int64)
    vertex_values = np.full(size, -1, dtype=np.int64)
    coordinates = np.empty((size // 2, dim))
    masks = np.empty((size // 2, words), dtype=np.int64)
    counts = np.empty(size // 2, dtype=np.int64)

    state = np.array([0, 1, 1, 0], dtype=np.int64)  # head, tail, bases seen, vertices found
    while True:
        status = _explore(
            tableaux,
            basics,
            nonbasics,
            seen_keys,
            seen_values,
            vertex_keys,
            vertex_values,
            coordinates,
            masks,
            counts,
            label_of,
            state,
            tol,
        )
        if status == _QUEUE_FULL:
            tableaux, basics, nonbasics = _requeue(tableaux, basics, nonbasics, state)
        elif status == _SEEN_FULL:
            seen_keys, seen_values = _grow_table(seen_keys, seen_values)
        elif status == _VERTICES_FULL:
            if state[3] == coordinates.shape[0]:
                coordinates = np.concatenate((coordinates, np.empty_like(coordinates)))
                masks = np.concatenate((masks, np.empty_like(masks)))
                counts = np.concatenate((counts, np.empty_like(counts)))
            if 2 * (state[3] + 1) > vertex_values.shape[0]:
                vertex_keys, vertex_values = _grow_table(vertex_keys, vertex_values)
        else:
            break
    found = state[3]
    return coordinates[:found], masks[:found], counts[:found]


@njit(cache=True)
def _complete(x_mask: np.ndarray, y_mask: np.ndarray, full: np.ndarray) -> bool:
    """Whether the two label sets together hold every label."""
    for w in range(full.shape[0]):  # noqa: SIM110 (no generators in a kernel)
        if (x_mask[w] | y_mask[w]) != full[w]:
            return False
    return True


@njit(cache=True)
def _add_pair(pairs: np.ndarray, count: int, i: int, j: int) -> tuple[np.ndarray, int]:
    if count == pairs.shape[0]:
        pairs = np.concatenate((pairs, np.empty_like(pairs)))
    pairs[count, 0] = i
    pairs[count, 1] = j
    return pairs, count + 1


@njit(cache=True)
def _normalised(vector: np.ndarray, out: np.ndarray) -> None:
    total = 0.0
    for t in range(vector.shape[0]):
        total += vector[t]
    for t in range(vector.shape[0]):
        out[t] = vector[t] / total


@njit(cache=True)
def _vertex_enumeration(
    payoff_a: np.ndarray, payoff_bt: np.ndarray, tol: float
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Extreme equilibria (row strategies, column strategies) and the degeneracy flag, from
    each player's payoffs rescaled to [1, 2], own action first.

    The result sizes are not known in advance, so the kernel returns new arrays.
    """
    m, n = payoff_a.shape
    words = (m + n + _BITS - 1) // _BITS
    x_points, x_masks, x_counts = _polytope_vertices(payoff_bt, 0, m, words, tol)
    y_points, y_masks, y_counts = _polytope_vertices(payoff_a, m, 0, words, tol)
    x_found = x_points.shape[0]
    y_found = y_points.shape[0]

    full = np.zeros(words, dtype=np.int64)
    for label in range(m + n):
        _set_label(full, label)
    degenerate = False
    for i in range(x_found):
        degenerate = degenerate or x_counts[i] > m
    for j in range(y_found):
        degenerate = degenerate or y_counts[j] > n

    # simple vertices of Q by label set; degenerate ones in a list (index 0 is the origin)
    size = 16
    while size < 2 * y_found:
        size *= 2
    simple_keys = np.zeros((size, words), dtype=np.int64)
    simple_values = np.full(size, -1, dtype=np.int64)
    degenerate_y = np.empty(y_found, dtype=np.int64)
    n_degenerate_y = 0
    for j in range(1, y_found):
        if y_counts[j] == n:
            slot = _slot(simple_keys, simple_values, y_masks[j])
            _store(simple_keys, simple_values, slot, y_masks[j], j)
        else:
            degenerate_y[n_degenerate_y] = j
            n_degenerate_y += 1

    pairs = np.empty((16, 2), dtype=np.int64)
    n_pairs = 0
    wanted = np.empty(words, dtype=np.int64)
    for i in range(1, x_found):
        if x_counts[i] == m:
            for w in range(words):
                wanted[w] = full[w] ^ x_masks[i, w]
            j = simple_values[_slot(simple_keys, simple_values, wanted)]
            if j >= 0:
                pairs, n_pairs = _add_pair(pairs, n_pairs, i, j)
            for t in range(n_degenerate_y):
                j = degenerate_y[t]
                if _complete(x_masks[i], y_masks[j], full):
                    pairs, n_pairs = _add_pair(pairs, n_pairs, i, j)
        else:
            for j in range(1, y_found):
                if _complete(x_masks[i], y_masks[j], full):
                    pairs, n_pairs = _add_pair(pairs, n_pairs, i, j)
    order = np.argsort(pairs[:n_pairs, 0] * y_found + pairs[:n_pairs, 1])

    row = np.empty((n_pairs, m))
    col = np.empty((n_pairs, n))
    for p in range(n_pairs):
        _normalised(x_points[pairs[order[p], 0]], row[p])
        _normalised(y_points[pairs[order[p], 1]], col[p])
    return row, col, degenerate

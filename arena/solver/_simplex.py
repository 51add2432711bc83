"""A dense primal simplex kernel for ``max c'x  s.t.  G x <= h, x >= 0`` with ``h >= 0``.

Because ``h >= 0`` the slack basis ``x = 0`` is feasible, so one phase suffices. The kernel
works on the condensed (Tucker) tableau of shape ``(m + 1, n + 1)``: one column per nonbasic
variable instead of the ``m + n`` columns of the full tableau, so a pivot costs ``m n``
multiply-adds. Rows ``0..m-1`` read ``x_B[i] = T[i, n] - sum_j T[i, j] x_N[j]``; the last
row reads ``z = T[m, n] - sum_j T[m, j] x_N[j]``, so at the start ``T = [[G, h], [-c, 0]]``.

Variables carry labels: ``0..n-1`` are the structural ``x_j``, ``n..n+m-1`` the slacks
``s_i = h_i - (G x)_i``. ``basis[i]`` is the label of the basic variable of row ``i`` and
``nonbasic[j]`` the label of the nonbasic variable of column ``j``. At an optimum the value of
a basic variable is ``T[i, n]``; the reduced cost ``T[m, j]`` of a nonbasic slack ``s_i`` is
the optimal dual price of constraint ``i``.

Pivoting: steepest edge (Goldfarb and Reid 1977), the entering column maximising
``d_j^2 / (1 + |T[:m, j]|^2)`` for reduced cost ``d_j < 0``, with the column norms recomputed
exactly in the sweep that pivots. Harris's ratio test (Harris 1973) picks, among the rows that
block the step within a tolerance, the largest pivot element, for numerical stability. After
``stall`` consecutive degenerate pivots (no progress in the objective) the kernel switches to
Bland's rule, smallest label entering and, among blocking rows, smallest label leaving, until
a pivot makes progress again. Bland's rule cannot cycle (Bland 1977), and progress is strict
between degenerate stretches, so the method terminates; ``max_iter`` caps the pivots in any
case.

Callers build the tableau themselves and call :func:`simplex` from Python rather than from
another kernel: Numba's on-disk cache does not notice when a kernel compiled into a caller in
another file changes.

References
----------
D. Goldfarb and J. K. Reid, "A practicable steepest-edge simplex algorithm", *Mathematical
Programming* 12, 361-371, 1977.
P. M. J. Harris, "Pivot selection methods of the Devex LP code", *Mathematical
Programming* 5, 1-28, 1973.
R. G. Bland, "New finite pivoting rules for the simplex method", *Mathematics of Operations
Research* 2(2), 103-107, 1977.
V. Chvatal, *Linear Programming*, W. H. Freeman, 1983, chapters 2-3 (dictionaries, Bland's
rule).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["ITERATION_LIMIT", "OPTIMAL", "UNBOUNDED", "simplex"]

OPTIMAL = 0
ITERATION_LIMIT = 1
UNBOUNDED = 2

# Tolerances for data of magnitude about 1 (callers scale their problems to that).
OPTIMALITY_TOL = 1e-11  # a reduced cost must be below -OPTIMALITY_TOL to enter
PIVOT_TOL = 1e-11  # smallest admissible pivot element
HARRIS_TOL = 1e-12  # a step may drive basic variables this far below zero
DEGENERATE_STEP = 1e-12  # a step no longer than this makes no progress


@njit(cache=True)
def _pivot(T: np.ndarray, r: int, c: int, pivot_row: np.ndarray, norms: np.ndarray) -> None:
    """Exchange the basic variable of row ``r`` with the nonbasic variable of column ``c``.

    Also writes ``norms[j] = 1 + sum_i T[i, j]^2`` over the constraint rows of the new
    tableau, the steepest-edge weights, in the same sweep. ``pivot_row`` is scratch of length
    ``n + 1``, kept apart from ``T`` so that the compiler can vectorise the row updates.
    """
    rows, cols = T.shape
    m = rows - 1
    inverse = 1.0 / T[r, c]
    for j in range(cols):
        value = T[r, j] * inverse
        pivot_row[j] = value
        T[r, j] = value
        norms[j] = 1.0 + value * value
    pivot_row[c] = inverse
    T[r, c] = inverse
    for i in range(rows):
        if i == r:
            continue
        factor = T[i, c]
        if i == m:
            for j in range(cols):
                T[i, j] -= factor * pivot_row[j]
        elif factor != 0.0:
            for j in range(cols):
                value = T[i, j] - factor * pivot_row[j]
                T[i, j] = value
                norms[j] += value * value
        else:
            for j in range(cols):
                norms[j] += T[i, j] * T[i, j]
        T[i, c] = -factor * inverse
    norm = 1.0
    for i in range(m):
        norm += T[i, c] * T[i, c]
    norms[c] = norm


@njit(cache=True)
def simplex(
    T: np.ndarray,
    basis: np.ndarray,
    nonbasic: np.ndarray,
    max_iter: int,
    stall: int,
) -> tuple[int, int]:
    """Run the primal simplex on the tableau ``T`` in place; return ``(status, pivots)``.

    ``status`` is OPTIMAL, ITERATION_LIMIT (``max_iter`` pivots made, the tableau holds a
    feasible but not optimal basis) or UNBOUNDED (an improving column without a positive
    entry). ``stall`` is the number of consecutive degenerate pivots after which Bland's rule
    takes over.
    """
    m = T.shape[0] - 1
    n = T.shape[1] - 1
    objective = T[m]
    pivot_row = np.empty(n + 1)
    norms = np.ones(n + 1)
    for i in range(m):
        for j in range(n):
            norms[j] += T[i, j] * T[i, j]
    iterations = 0
    degenerate_run = 0
    bland = False
    while True:
        entering = -1
        if bland:
            smallest = n + m
            for j in range(n):
                if objective[j] < -OPTIMALITY_TOL and nonbasic[j] < smallest:
                    smallest = nonbasic[j]
                    entering = j
        else:
            steepest = 0.0
            for j in range(n):
                reduced = objective[j]
                if reduced < -OPTIMALITY_TOL:
                    rate = reduced * reduced / norms[j]
                    if rate > steepest:
                        steepest = rate
                        entering = j
        if entering < 0:
            return OPTIMAL, iterations
        if iterations >= max_iter:
            return ITERATION_LIMIT, iterations

        # Harris's ratio test: the largest step that leaves no basic variable below
        # -HARRIS_TOL, then among the rows that block before it the largest pivot element
        # (Bland: the smallest label), so that a tiny pivot never wins a near tie.
        bound = np.inf
        for i in range(m):
            entry = T[i, entering]
            if entry > PIVOT_TOL:
                ratio = (max(T[i, n], 0.0) + HARRIS_TOL) / entry
                if ratio < bound:
                    bound = ratio
        if bound == np.inf:
            return UNBOUNDED, iterations
        leaving = -1
        best_entry = 0.0
        best_label = n + m
        step = np.inf
        for i in range(m):
            entry = T[i, entering]
            if entry > PIVOT_TOL:
                ratio = max(T[i, n], 0.0) / entry
                if ratio <= bound:
                    better = basis[i] < best_label if bland else entry > best_entry
                    if better:
                        best_label = basis[i]
                        best_entry = entry
                        leaving = i
                        step = ratio

        if T[leaving, n] < 0.0:  # within HARRIS_TOL of 0: leave at 0, never below
            T[leaving, n] = 0.0
        _pivot(T, leaving, entering, pivot_row, norms)
        label = basis[leaving]
        basis[leaving] = nonbasic[entering]
        nonbasic[entering] = label
        iterations += 1
        if step <= DEGENERATE_STEP:
            degenerate_run += 1
            if degenerate_run >= stall:
                bland = True
        else:
            degenerate_run = 0
            bland = False

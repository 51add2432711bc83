"""Small dense linear algebra for the kernels: systems too small for a LAPACK call to pay off."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def solve_in_place(M: np.ndarray, b: np.ndarray, size: int, eps: float) -> bool:
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
def next_combination(indices: np.ndarray, limit: int) -> bool:
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

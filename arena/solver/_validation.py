"""Input checks shared by the solver's public functions: one place that says what is wrong.

Every public function in :mod:`arena.solver` turns its arguments into C-contiguous float64
arrays here before a kernel sees them. Wrong kinds raise ``TypeError``; wrong values raise
``ValueError`` naming the argument and the valid range. Kernels never raise.

Payoff orientation at the public boundary
-----------------------------------------
A two-player game is the familiar bimatrix pair ``(A, B)``, both of shape ``(m, n)``:
``A[i, j]`` is the row player's payoff and ``B[i, j]`` the column player's when the row player
plays ``i`` and the column player ``j``. An N-player game is one array ``payoffs`` of shape
``(N, a_1, ..., a_N)``: ``payoffs[p][s_1, ..., s_N]`` is player ``p``'s payoff at the profile
``(s_1, ..., s_N)``, so ``np.stack([A, B])`` is the N-player form of ``(A, B)``. Kernels that
want each player's payoffs indexed by the player's own action first get ``B.T`` from the
public function; nothing else converts.

Scale
-----
Every threshold in the solver is relative: a function that compares payoffs first brings each
player's payoffs to unit scale with :func:`unit_scale` (or an equivalent step in its kernel),
multiplying them by the power of two that puts the largest absolute payoff in ``[1/2, 1)``.
That is exact, subnormal payoffs included, so multiplying a player's payoffs by a positive
factor gives the same equilibria and supports and scales values and regrets by that factor,
up to rounding (bit for bit for powers of two).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "as_bimatrix",
    "as_distribution",
    "as_game_stack",
    "as_normal_form",
    "as_payoff_matrix",
    "check_int",
    "check_real",
    "check_tolerance",
    "unit_scale",
]

ArrayLike = npt.ArrayLike


def _as_float_array(value: Any, name: str, check_finite: bool = True) -> np.ndarray:
    if isinstance(value, np.ndarray) and value.dtype == np.float64:
        result = np.ascontiguousarray(value)
    else:
        if isinstance(value, str | bytes) or value is None:
            raise TypeError(f"{name} must be an array of numbers, not {type(value).__name__}")
        try:
            array = np.asarray(value)
        except (TypeError, ValueError) as exc:  # ragged nested lists
            raise ValueError(f"{name} is not a rectangular array of numbers ({exc})") from None
        if array.dtype == object:
            raise ValueError(f"{name} is not a rectangular array of numbers")
        if array.dtype.kind not in "biuf":
            raise TypeError(f"{name} must hold real numbers, not {array.dtype} values")
        result = np.ascontiguousarray(array, dtype=np.float64)
    # A sum is finite when every term is (one pass, no temporary); only then look closer.
    if check_finite:
        with np.errstate(over="ignore"):  # a sum of finite payoffs near 1e308 may overflow
            total = result.sum()
    if check_finite and not math.isfinite(total) and not np.isfinite(result).all():
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(result))[0])
        raise ValueError(f"{name} must be finite; entry {where} is {result[where]}")
    return result


def as_payoff_matrix(value: ArrayLike, name: str = "A", check_finite: bool = True) -> np.ndarray:
    """Return ``value`` as a C-contiguous float64 matrix with at least one row and column.

    ``check_finite=False`` leaves the check for infinities and NaN to a kernel that reads
    every entry anyway (it must then report them, and the caller call this again to raise).
    """
    matrix = _as_float_array(value, name, check_finite)
    if matrix.ndim != 2:
        raise ValueError(f"{name} must be a 2-d payoff matrix, got {matrix.ndim} dimension(s)")
    if 0 in matrix.shape:
        raise ValueError(f"{name} must have at least one row and one column, got {matrix.shape}")
    return matrix


def as_bimatrix(
    A: ArrayLike, B: ArrayLike, check_finite: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Return the payoff matrices of a bimatrix game, checked to have the same shape."""
    row = as_payoff_matrix(A, "A", check_finite)
    col = as_payoff_matrix(B, "B", check_finite)
    if row.shape != col.shape:
        raise ValueError(f"A and B must have the same shape, got {row.shape} and {col.shape}")
    return row, col


def as_game_stack(A: ArrayLike, B: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Return a stack of K bimatrix games of one shape: two arrays of shape ``(K, m, n)``."""
    row = _as_float_array(A, "A")
    col = _as_float_array(B, "B")
    for name, stack in (("A", row), ("B", col)):
        if stack.ndim != 3:
            raise ValueError(
                f"{name} must be a stack of payoff matrices of shape (K, m, n), "
                f"got {stack.ndim} dimension(s)"
            )
        if 0 in stack.shape[1:]:
            raise ValueError(f"{name}'s games need at least one row and column, got {stack.shape}")
    if row.shape != col.shape:
        raise ValueError(f"A and B must have the same shape, got {row.shape} and {col.shape}")
    return row, col


def as_normal_form(payoffs: ArrayLike | Sequence[ArrayLike]) -> np.ndarray:
    """Return an N-player game as one float64 array of shape ``(N, a_1, ..., a_N)``.

    Accepts that array itself or a sequence of N per-player arrays of shape ``(a_1, ..., a_N)``
    (for two players, ``(A, B)``).
    """
    game = _as_float_array(payoffs, "payoffs")
    if game.ndim < 2:
        raise ValueError(
            "payoffs must have shape (N, a_1, ..., a_N) with one axis per player, "
            f"got shape {game.shape}"
        )
    n_players = game.shape[0]
    if game.ndim != n_players + 1:
        raise ValueError(
            f"payoffs has {n_players} players but {game.ndim - 1} action axes; "
            "shape must be (N, a_1, ..., a_N)"
        )
    if n_players < 1 or 0 in game.shape[1:]:
        raise ValueError(f"every player needs at least one action, got shape {game.shape}")
    return game


def as_distribution(value: ArrayLike, size: int, name: str, tol: float = 1e-8) -> np.ndarray:
    """Return a probability vector of length ``size``.

    Nonnegative weights that do not sum to one (action counts, say) are rejected unless they
    already sum to one within ``tol``; use :func:`arena.solver.empirical_strategy` for counts.
    """
    vector = _as_float_array(value, name)
    if vector.ndim != 1 or vector.shape[0] != size:
        raise ValueError(
            f"{name} must be a vector of {size} probabilities, got shape {vector.shape}"
        )
    if np.any(vector < -tol):
        index = int(np.argmin(vector))
        raise ValueError(f"{name} must be nonnegative; entry {index} is {vector[index]}")
    total = float(vector.sum())
    if abs(total - 1.0) > tol * max(1, size):
        raise ValueError(f"{name} must sum to 1, got {total}")
    return vector


def check_int(name: str, value: Any, low: int, high: int | None = None) -> int:
    """Return ``value`` as an int in ``[low, high]`` (``high=None``: no upper bound)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, not {type(value).__name__}")
    number = int(value)
    if number < low or (high is not None and number > high):
        bound = f"[{low}, {high}]" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be in {bound}, got {number}")
    return number


def check_real(
    name: str,
    value: Any,
    low: float = -np.inf,
    high: float = np.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a finite float in the stated interval (open ends where asked)."""
    if type(value) is not float and (
        isinstance(value, bool) or not isinstance(value, numbers.Real)
    ):
        raise TypeError(f"{name} must be a real number, not {type(value).__name__}")
    number = float(value)
    too_low = number <= low if low_open else number < low
    too_high = number >= high if high_open else number > high
    if not math.isfinite(number) or too_low or too_high:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        raise ValueError(f"{name} must be in {left}{low:g}, {high:g}{right}, got {number}")
    return number


def check_tolerance(tol: Any) -> float:
    """Return a tolerance: a real number in ``[0, 1)``."""
    return check_real("tol", tol, 0.0, 1.0, high_open=True)


def unit_scale(values: np.ndarray, leading: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scale each block of ``values`` by the power of two that brings its largest absolute
    entry into ``[1/2, 1)``; blocks are indexed by the first ``leading`` axes (players, or
    games and players; ``leading=0`` scales the whole array).

    Returns ``(scaled, exponents, largest)``: ``values == np.ldexp(scaled, exponents)`` for
    each block (exactly: scaling by a power of two does not round, subnormal entries
    included, except entries ``2**1022`` times smaller than their block's largest, far below
    any tolerance), and ``largest`` the largest absolute scaled entry of each block (0 for an
    all-zero block, whose exponent is 0). ``exponents`` and ``largest`` have the shape
    ``values.shape[:leading]``; ``np.ldexp(result, exponents)`` scales a result back.
    """
    magnitude = np.abs(values).reshape((*values.shape[:leading], -1)).max(axis=-1, initial=0.0)
    exponents = np.frexp(magnitude)[1]
    shape = exponents.shape + (1,) * (values.ndim - leading)
    return (
        np.ldexp(values, -exponents.reshape(shape)),
        exponents,
        np.ldexp(magnitude, -exponents),
    )

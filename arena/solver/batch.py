"""Many small games in one call: all equilibria, pure equilibria and best responses of a stack.

Scoring a tournament of matrix games means solving thousands to millions of stage games of
one shape. One kernel call walks the whole stack, so the cost per game is the arithmetic,
not Python's per-call overhead. Equilibria come back flat, in compressed-row form: the
equilibria of game ``g`` are rows ``offsets[g]`` to ``offsets[g + 1]``.

Payoff orientation: stacks ``A`` and ``B`` of shape ``(K, m, n)``, ``A[g]`` and ``B[g]`` the
row and column player's payoffs in game ``g``.

Tolerance model: game by game and player by player, as in the one-game functions. Each
player's payoffs in each game are scaled by the power of two that brings the largest absolute
one into ``[1/2, 1)`` (exact), and tolerances are relative to that largest payoff; so scaling
one game's payoffs by a positive factor changes nothing else in the stack and gives that game
the same equilibria, supports and best responses, its regrets scaled by the factor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from math import comb

import numpy as np
import numpy.typing as npt
from numba import njit

from arena.solver._validation import (
    _as_float_array,
    as_distribution,
    as_game_stack,
    check_tolerance,
)
from arena.solver.pure_equilibria import pure_equilibrium_mask
from arena.solver.results import readonly
from arena.solver.support_enumeration import _all_equilibria

__all__ = [
    "BatchBestResponses",
    "BatchEquilibria",
    "all_equilibria_batch",
    "best_responses_batch",
    "pure_equilibria_batch",
]


@dataclass(frozen=True, eq=False)
class BatchEquilibria:
    """The equilibria of a stack of K bimatrix games, in compressed-row form.

    Attributes
    ----------
    row : ndarray, shape (total, m)
        The row player's strategy in each equilibrium of every game, game by game.
    col : ndarray, shape (total, n)
        The column player's strategy in each.
    game : ndarray of int, shape (total,)
        The game each equilibrium belongs to.
    offsets : ndarray of int, shape (K + 1,)
        Game ``g``'s equilibria are rows ``offsets[g]:offsets[g + 1]``.
    degenerate : ndarray of bool, shape (K,)
        Which games are degenerate (their lists hold the equal-support equilibria only).
    """

    row: np.ndarray
    col: np.ndarray
    game: np.ndarray
    offsets: np.ndarray
    degenerate: np.ndarray

    def __len__(self) -> int:
        return int(self.offsets.shape[0] - 1)

    @property
    def counts(self) -> np.ndarray:
        """Number of equilibria of each game, shape (K,)."""
        return np.diff(self.offsets)

    def of(self, game: int) -> tuple[np.ndarray, np.ndarray]:
        """The equilibria of one game: row strategies (k, m) and column strategies (k, n)."""
        if not -len(self) <= game < len(self):
            raise IndexError(f"game must be in [0, {len(self) - 1}], got {game}")
        game %= len(self)
        start, stop = self.offsets[game], self.offsets[game + 1]
        return self.row[start:stop], self.col[start:stop]


@dataclass(frozen=True, eq=False)
class BatchBestResponses:
    """Best responses in a stack of K bimatrix games, each to the other player's strategy.

    Attributes
    ----------
    row_values : ndarray, shape (K, m)
        The row player's payoff from each pure action against the column strategy.
    col_values : ndarray, shape (K, n)
        The column player's payoff from each pure action against the row strategy.
    row_best, col_best : ndarray of bool, shapes (K, m) and (K, n)
        Which actions are best responses (within the tolerance).
    row_regret, col_regret : ndarray, shape (K,)
        Best-response payoff minus the payoff of the given strategy (nonnegative).
    """

    row_values: np.ndarray
    col_values: np.ndarray
    row_best: np.ndarray
    col_best: np.ndarray
    row_regret: np.ndarray
    col_regret: np.ndarray


def all_equilibria_batch(
    A: npt.ArrayLike, B: npt.ArrayLike, *, tol: float = 1e-10
) -> BatchEquilibria:
    """Every equilibrium of each game in a stack of small bimatrix games, in one call.

    Each game is solved as :func:`arena.solver.support_enumeration` would solve it (2x2
    games by its closed form), with the same equilibria, order and degeneracy flag.

    Parameters
    ----------
    A, B : array_like, shape (K, m, n)
        The row and column player's payoffs in each of K games. Built for games of 2 to 4
        actions each; larger ones work, at support enumeration's cost.
    tol : float, default 1e-10
        As in :func:`arena.solver.support_enumeration`.

    Returns
    -------
    BatchEquilibria

    References
    ----------
    B. von Stengel, "Equilibrium computation for two-player games in strategic and extensive
    form", ch. 3 of *Algorithmic Game Theory*, Cambridge University Press, 2007.

    Examples
    --------
    A Prisoner's Dilemma and a Battle of the Sexes in one call:

    >>> A = [[[3, 0], [5, 1]], [[3, 0], [0, 2]]]
    >>> B = [[[3, 5], [0, 1]], [[2, 0], [0, 3]]]
    >>> result = all_equilibria_batch(A, B)
    >>> result.counts.tolist()
    [1, 3]
    >>> row, col = result.of(1)
    >>> np.round(row, 4).tolist(), np.round(col, 4).tolist()
    ([[1.0, 0.0], [0.0, 1.0], [0.6, 0.4]], [[1.0, 0.0], [0.0, 1.0], [0.4, 0.6]])
    """
    row_payoffs, col_payoffs = as_game_stack(A, B)
    tolerance = check_tolerance(tol)
    n_games, m, n = row_payoffs.shape
    capacity = max(16, 2 * n_games)
    out_row = np.empty((capacity, m))
    out_col = np.empty((capacity, n))
    out_game = np.empty(capacity, np.int64)
    counts = np.zeros(n_games, np.int64)
    degenerate = np.zeros(n_games, np.bool_)
    game, position = 0, 0
    while True:
        game, position = _all_equilibria(
            row_payoffs,
            col_payoffs,
            tolerance,
            game,
            position,
            out_row,
            out_col,
            out_game,
            counts,
            degenerate,
        )
        if game == n_games:
            break
        # At most one equilibrium per pair of equal-size supports: room for the next game.
        capacity = max(2 * capacity, position + comb(m + n, m))
        out_row = np.concatenate([out_row[:position], np.empty((capacity - position, m))])
        out_col = np.concatenate([out_col[:position], np.empty((capacity - position, n))])
        out_game = np.concatenate([out_game[:position], np.empty(capacity - position, np.int64)])
    offsets = np.zeros(n_games + 1, np.int64)
    np.cumsum(counts, out=offsets[1:])
    return BatchEquilibria(
        row=readonly(out_row[:position]),
        col=readonly(out_col[:position]),
        game=readonly(out_game[:position]),
        offsets=readonly(offsets),
        degenerate=readonly(degenerate),
    )


def pure_equilibria_batch(payoffs: npt.ArrayLike, *, tol: float = 1e-12) -> np.ndarray:
    """Which pure profiles are Nash equilibria, in each game of a stack of N-player games.

    Parameters
    ----------
    payoffs : array_like, shape (K, N, a_1, ..., a_N)
        ``payoffs[g, p][s]`` is player ``p``'s payoff at profile ``s`` in game ``g``; for
        bimatrix stacks, ``np.stack([A, B], axis=1)``.
    tol : float, default 1e-12
        As in :func:`arena.solver.pure_equilibria`, per game.

    Returns
    -------
    ndarray of bool, shape (K, a_1, ..., a_N)
        True at the equilibrium profiles; ``np.argwhere`` lists them as ``(g, s_1, ...)``.

    Examples
    --------
    >>> pd = [[[3, 0], [5, 1]], [[3, 5], [0, 1]]]
    >>> coordination = [[[1, 0], [0, 1]], [[1, 0], [0, 1]]]
    >>> np.argwhere(pure_equilibria_batch([pd, coordination])).tolist()
    [[0, 1, 1], [1, 0, 0], [1, 1, 1]]
    """
    games = _as_float_array(payoffs, "payoffs")
    if games.ndim < 3 or games.ndim != games.shape[1] + 2:
        raise ValueError(
            "payoffs must have shape (K, N, a_1, ..., a_N): a stack of N-player games with one "
            f"action axis per player, got shape {games.shape}"
        )
    return pure_equilibrium_mask(games, check_tolerance(tol), first_player_axis=1)


_SPLIT = 1000  # powers of two beyond 2**±1000 are applied in two steps (see _unit_factors)
_TINY = 2.0**-1000  # payoffs within these need no scaling (see _respond)
_HUGE = 2.0**1000


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


@njit(cache=True, inline="always")
def _respond(
    P: np.ndarray,
    own: np.ndarray,
    other: np.ndarray,
    tol: float,
    values: np.ndarray,
    best: np.ndarray,
) -> float:
    """One player's action values against ``other`` into ``values``, which are best responses
    (within ``tol`` times the player's largest absolute payoff) into ``best``; returns the
    regret of ``own``. ``P`` holds the player's payoffs, own action first.

    Computed in payoff units, which round exactly as unit-scale payoffs would (the two are a
    power of two apart), unless the largest payoff is beyond ``2**±1000``, where products and
    sums could overflow or lose digits to underflow: then at unit scale, scaled back.
    """
    rows, cols = P.shape
    largest = 0.0
    for a in range(rows):
        total = 0.0
        for b in range(cols):
            largest = max(largest, abs(P[a, b]))
            total += P[a, b] * other[b]
        values[a] = total
    first, second = 1.0, 1.0
    if largest > 0.0 and not _TINY <= largest <= _HUGE:
        first, second = _unit_factors(largest)
        for a in range(rows):
            total = 0.0
            for b in range(cols):
                total += P[a, b] * first * other[b]
            values[a] = total * second
        largest = largest * first * second  # left to right: neither factor overflows
    top = values.max()
    played = 0.0
    for a in range(rows):
        best[a] = values[a] >= top - tol * largest
        played += values[a] * own[a]
    regret = max(top - played, 0.0)
    if second != 1.0 or first != 1.0:  # back to payoff units (exact, or overflowing to inf)
        back_first, back_second = 1.0 / first, 1.0 / second
        for a in range(rows):
            values[a] = values[a] * back_first * back_second
        regret = regret * back_first * back_second
    return regret


@njit(cache=True)
def _best_responses(
    A: np.ndarray,
    B: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    tol: float,
    row_values: np.ndarray,
    col_values: np.ndarray,
    row_best: np.ndarray,
    col_best: np.ndarray,
    row_regret: np.ndarray,
    col_regret: np.ndarray,
) -> None:
    n_games = A.shape[0]
    for g in range(n_games):
        row_regret[g] = _respond(A[g], x[g], y[g], tol, row_values[g], row_best[g])
        col_regret[g] = _respond(B[g].T, y[g], x[g], tol, col_values[g], col_best[g])


def best_responses_batch(
    A: npt.ArrayLike,
    B: npt.ArrayLike,
    row: npt.ArrayLike,
    col: npt.ArrayLike,
    *,
    tol: float = 1e-9,
) -> BatchBestResponses:
    """Best responses and regrets in a stack of bimatrix games, one strategy pair per game.

    Parameters
    ----------
    A, B : array_like, shape (K, m, n)
        The row and column player's payoffs in each of K games.
    row, col : array_like, shapes (K, m) and (K, n)
        Each game's row and column strategy (probability vectors).
    tol : float, default 1e-9
        Actions within ``tol`` (relative to the player's largest absolute payoff in that game)
        of the best count as best responses.

    Returns
    -------
    BatchBestResponses

    Examples
    --------
    >>> A = [[[3, 0], [5, 1]]]; B = [[[3, 5], [0, 1]]]  # one Prisoner's Dilemma
    >>> result = best_responses_batch(A, B, [[1, 0]], [[1, 0]])  # both cooperate
    >>> result.row_best.tolist(), result.row_regret.tolist()
    ([[False, True]], [2.0])
    """
    row_payoffs, col_payoffs = as_game_stack(A, B)
    n_games, m, n = row_payoffs.shape
    x = _as_float_array(row, "row")
    y = _as_float_array(col, "col")
    if x.shape != (n_games, m) or y.shape != (n_games, n):
        raise ValueError(
            f"row and col must have shapes {(n_games, m)} and {(n_games, n)}, "
            f"got {x.shape} and {y.shape}"
        )
    for g in range(n_games) if x.size and not _are_distributions(x, y) else ():
        as_distribution(x[g], m, f"row[{g}]")
        as_distribution(y[g], n, f"col[{g}]")
    result = BatchBestResponses(
        row_values=np.empty((n_games, m)),
        col_values=np.empty((n_games, n)),
        row_best=np.empty((n_games, m), np.bool_),
        col_best=np.empty((n_games, n), np.bool_),
        row_regret=np.empty(n_games),
        col_regret=np.empty(n_games),
    )
    _best_responses(
        row_payoffs,
        col_payoffs,
        x,
        y,
        check_tolerance(tol),
        result.row_values,
        result.col_values,
        result.row_best,
        result.col_best,
        result.row_regret,
        result.col_regret,
    )
    for array in vars(result).values():
        readonly(array)
    return result


def _are_distributions(x: np.ndarray, y: np.ndarray, tol: float = 1e-8) -> bool:
    """Vectorised check that every row of ``x`` and ``y`` is a probability vector."""
    return bool(
        (x >= -tol).all()
        and (y >= -tol).all()
        and (np.abs(x.sum(axis=1) - 1.0) <= tol * x.shape[1]).all()
        and (np.abs(y.sum(axis=1) - 1.0) <= tol * y.shape[1]).all()
    )

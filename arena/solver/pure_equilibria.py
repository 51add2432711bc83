"""Pure-strategy Nash equilibria of N-player games in normal form.

A pure profile is an equilibrium when every player's action is a best response to the
others' actions. For each player, one maximum along their own action axis marks the
profiles where that player cannot gain; the equilibria are the profiles marked for all.

Tolerance model: a deviation must gain more than ``tol`` times the deviating player's largest
absolute payoff, so multiplying a player's payoffs by any positive factor changes nothing
(rounding is monotonic: it keeps every tie a tie and every strict order strict or tied).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from arena.solver._validation import as_normal_form, check_tolerance

__all__ = ["pure_equilibria", "pure_equilibrium_mask"]


def pure_equilibrium_mask(game: np.ndarray, tol: float, first_player_axis: int = 0) -> np.ndarray:
    """Boolean mask over profiles: True where no player gains by deviating, up to ``tol``
    times the player's largest absolute payoff (in that game).

    ``game`` has the players' axis at ``first_player_axis`` followed by one action axis per
    player (leading axes before it, if any, index a stack of games).
    """
    lead = first_player_axis
    n_players = game.shape[lead]
    mask = np.ones(game.shape[:lead] + game.shape[lead + 1 :], dtype=bool)
    for player in range(n_players):
        payoff = np.take(game, player, axis=lead)
        axes = tuple(range(lead, payoff.ndim))
        tolerance = tol * np.abs(payoff).max(axis=axes, keepdims=True, initial=0.0)
        mask &= payoff >= payoff.max(axis=lead + player, keepdims=True) - tolerance
    return mask


def pure_equilibria(payoffs: npt.ArrayLike, *, tol: float = 1e-12) -> np.ndarray:
    """All pure-strategy Nash equilibria of an N-player game.

    Parameters
    ----------
    payoffs : array_like, shape (N, a_1, ..., a_N)
        ``payoffs[p][s]`` is player ``p``'s payoff at the pure profile ``s``; ``(A, B)`` for
        a bimatrix game.
    tol : float, default 1e-12
        A deviation must gain more than ``tol`` (relative to the deviating player's largest
        absolute payoff) to break an equilibrium, so ties count as best responses.

    Returns
    -------
    ndarray of int, shape (k, N)
        One row per equilibrium, the players' actions, in lexicographic order.

    References
    ----------
    J. Nash, "Non-cooperative games", Annals of Mathematics 54(2), 1951.

    Examples
    --------
    Battle of the Sexes has two pure equilibria:

    >>> A = [[3, 0], [0, 2]]
    >>> B = [[2, 0], [0, 3]]
    >>> pure_equilibria((A, B)).tolist()
    [[0, 0], [1, 1]]

    A three-player coordination game: everyone wins 1 when all choose alike.

    >>> same = np.zeros((2, 2, 2)); same[0, 0, 0] = same[1, 1, 1] = 1
    >>> pure_equilibria([same, same, same]).tolist()
    [[0, 0, 0], [1, 1, 1]]
    """
    game = as_normal_form(payoffs)
    return np.argwhere(pure_equilibrium_mask(game, check_tolerance(tol)))

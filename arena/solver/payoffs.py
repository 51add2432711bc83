"""Expected payoffs, best responses, regret and NashConv of mixed profiles in N-player games.

These are the measurements the arena takes of play: what each player expected to earn, what
a best response would have earned instead (regret), and how far a profile is from a Nash
equilibrium (NashConv, the sum of the players' regrets; exploitability, its mean). They are
vectorised NumPy contractions: one ``tensordot`` per opponent, no Python loop over profiles.

Tolerance model: scale invariant. Each player's payoffs are brought to unit scale by an exact
power of two (:func:`arena.solver._validation.unit_scale`) before anything is computed, and the
results in payoff units are scaled back; a tolerance is relative to the player's own largest
absolute payoff. Multiplying a player's payoffs by a positive factor therefore leaves best
responses and ``is_nash`` as they were and multiplies that player's payoffs and regret by it
(to rounding), from subnormal payoffs up to ``1e308``.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from arena.solver._validation import (
    as_distribution,
    as_normal_form,
    check_int,
    check_tolerance,
    unit_scale,
)

__all__ = [
    "action_values",
    "best_responses",
    "empirical_strategy",
    "expected_payoffs",
    "exploitability",
    "is_nash",
    "nash_conv",
    "regret",
]

Profile = Sequence["int | npt.ArrayLike"]


def _as_profile(game: np.ndarray, profile: Profile) -> list[np.ndarray]:
    """One probability vector per player; an integer stands for that pure action."""
    n_players = game.shape[0]
    if isinstance(profile, str | bytes) or not isinstance(profile, Sequence | np.ndarray):
        raise TypeError(
            f"profile must be a sequence of {n_players} strategies, not {type(profile).__name__}"
        )
    if len(profile) != n_players:
        raise ValueError(
            f"profile must hold {n_players} strategies, one per player, got {len(profile)}"
        )
    strategies = []
    for player, strategy in enumerate(profile):
        size = game.shape[player + 1]
        if isinstance(strategy, numbers.Integral) and not isinstance(strategy, bool):
            action = check_int(f"profile[{player}]", strategy, 0, size - 1)
            pure = np.zeros(size)
            pure[action] = 1.0
            strategies.append(pure)
        else:
            strategies.append(as_distribution(strategy, size, f"profile[{player}]"))
    return strategies


def _action_values(game: np.ndarray, strategies: list[np.ndarray]) -> list[np.ndarray]:
    values = []
    for player in range(game.shape[0]):
        value = game[player]
        # Contract the highest axes first, so the lower axes keep their numbers.
        for other in range(game.shape[0] - 1, -1, -1):
            if other != player:
                value = np.tensordot(value, strategies[other], axes=(other, 0))
        values.append(value)
    return values


def _unit_values(
    payoffs: npt.ArrayLike, profile: Profile
) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray, np.ndarray]:
    """The profile's strategies, each player's action values at unit scale, the exponents
    that scale them back and each player's largest absolute payoff at unit scale."""
    game = as_normal_form(payoffs)
    strategies = _as_profile(game, profile)
    unit, exponents, largest = unit_scale(game)
    return strategies, _action_values(unit, strategies), exponents, largest


def _unit_regrets(strategies: list[np.ndarray], values: list[np.ndarray]) -> np.ndarray:
    """Each player's regret at unit scale (nonnegative)."""
    gaps = [value.max() - value @ strategy for strategy, value in zip(strategies, values)]
    return np.maximum(np.array(gaps), 0.0)


def action_values(payoffs: npt.ArrayLike, profile: Profile) -> list[np.ndarray]:
    """Each player's payoff from each of their pure actions against the others' strategies.

    Parameters
    ----------
    payoffs : array_like, shape (N, a_1, ..., a_N)
        ``payoffs[p][s]`` is player ``p``'s payoff at the pure profile ``s``; ``(A, B)`` for
        a bimatrix game.
    profile : sequence of N strategies
        Each a probability vector over that player's actions, or an int for a pure action.

    Returns
    -------
    list of ndarray
        Entry ``p`` has shape ``(a_p,)``.

    Examples
    --------
    >>> A = [[3, 0], [5, 1]]  # Prisoner's Dilemma, row player
    >>> values = action_values((A, np.transpose(A)), [0, [0.5, 0.5]])
    >>> [v.tolist() for v in values]
    [[1.5, 3.0], [3.0, 5.0]]
    """
    _, values, exponents, _ = _unit_values(payoffs, profile)
    return [np.ldexp(value, exponent) for value, exponent in zip(values, exponents)]


def expected_payoffs(payoffs: npt.ArrayLike, profile: Profile) -> np.ndarray:
    """Each player's expected payoff when all play the (mixed) profile.

    Parameters
    ----------
    payoffs : array_like, shape (N, a_1, ..., a_N)
        The game; ``(A, B)`` for a bimatrix game.
    profile : sequence of N strategies
        Probability vectors, or ints for pure actions.

    Returns
    -------
    ndarray, shape (N,)

    Examples
    --------
    Matching pennies at its equilibrium is worth zero to both players:

    >>> A = np.array([[1, -1], [-1, 1]])
    >>> expected_payoffs((A, -A), [[0.5, 0.5], [0.5, 0.5]]).tolist()
    [0.0, 0.0]
    """
    strategies, values, exponents, _ = _unit_values(payoffs, profile)
    return np.ldexp([value @ strategy for value, strategy in zip(values, strategies)], exponents)


def best_responses(
    payoffs: npt.ArrayLike, profile: Profile, *, tol: float = 1e-9
) -> list[np.ndarray]:
    """Each player's pure best responses to the others' strategies in the profile.

    Parameters
    ----------
    payoffs : array_like, shape (N, a_1, ..., a_N)
        The game; ``(A, B)`` for a bimatrix game.
    profile : sequence of N strategies
        Probability vectors, or ints for pure actions; a player's own entry is ignored.
    tol : float, default 1e-9
        Actions within ``tol`` (relative to the player's largest absolute payoff) of the best
        are best responses too.

    Returns
    -------
    list of ndarray
        Entry ``p`` holds player ``p``'s best actions in increasing order.

    Examples
    --------
    >>> A = [[3, 0], [5, 1]]
    >>> [b.tolist() for b in best_responses((A, np.transpose(A)), [0, 0])]
    [[1], [1]]
    """
    tolerance = check_tolerance(tol)
    _, values, _, largest = _unit_values(payoffs, profile)
    return [
        np.flatnonzero(value >= value.max() - tolerance * scale)
        for value, scale in zip(values, largest)
    ]


def regret(payoffs: npt.ArrayLike, profile: Profile) -> np.ndarray:
    """What each player forgoes by playing their strategy instead of a best response.

    ``regret[p] = max_a u_p(a, x_-p) - u_p(x)``, zero exactly when ``x_p`` is a best
    response. For the regret of actual play, pass the empirical frequencies of the actions
    (:func:`empirical_strategy`).

    Parameters
    ----------
    payoffs : array_like, shape (N, a_1, ..., a_N)
        The game; ``(A, B)`` for a bimatrix game.
    profile : sequence of N strategies
        Probability vectors, or ints for pure actions.

    Returns
    -------
    ndarray, shape (N,)
        Nonnegative.

    Examples
    --------
    Cooperating against a cooperator in the Prisoner's Dilemma forgoes 2:

    >>> A = [[3, 0], [5, 1]]
    >>> regret((A, np.transpose(A)), [0, 0]).tolist()
    [2.0, 2.0]
    """
    strategies, values, exponents, _ = _unit_values(payoffs, profile)
    return np.ldexp(_unit_regrets(strategies, values), exponents)


def nash_conv(payoffs: npt.ArrayLike, profile: Profile) -> float:
    """NashConv: the sum over players of what a best response would gain.

    Zero exactly at a Nash equilibrium (Lanctot et al. 2017).

    References
    ----------
    M. Lanctot et al., "A Unified Game-Theoretic Approach to Multiagent Reinforcement
    Learning", NeurIPS 2017.

    Examples
    --------
    >>> A = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]])  # rock-paper-scissors
    >>> nash_conv((A, -A), [[1/3, 1/3, 1/3], [1/3, 1/3, 1/3]]) < 1e-12
    True
    >>> nash_conv((A, -A), [0, [1/3, 1/3, 1/3]])  # rock can be exploited by paper
    1.0
    """
    return float(regret(payoffs, profile).sum())


def exploitability(payoffs: npt.ArrayLike, profile: Profile) -> float:
    """NashConv divided by the number of players (OpenSpiel's convention).

    In a two-player zero-sum game it is how much the profile's players lose on average
    against best responses, relative to the game's value.

    Examples
    --------
    >>> A = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]])
    >>> exploitability((A, -A), [0, [1/3, 1/3, 1/3]])
    0.5
    """
    game = as_normal_form(payoffs)
    return nash_conv(game, profile) / game.shape[0]


def is_nash(payoffs: npt.ArrayLike, profile: Profile, *, tol: float = 1e-8) -> bool:
    """Whether no player can gain more than ``tol`` by deviating from the profile.

    ``tol`` is relative to each player's largest absolute payoff.

    Examples
    --------
    >>> A = [[3, 0], [5, 1]]
    >>> is_nash((A, np.transpose(A)), [1, 1]), is_nash((A, np.transpose(A)), [0, 0])
    (True, False)
    """
    tolerance = check_tolerance(tol)
    strategies, values, _, largest = _unit_values(payoffs, profile)
    return bool(np.all(_unit_regrets(strategies, values) <= tolerance * largest))


def empirical_strategy(actions: npt.ArrayLike, n_actions: int) -> np.ndarray:
    """The frequencies of a player's actions in play, as a mixed strategy.

    Parameters
    ----------
    actions : array_like of int
        The actions played, each in ``[0, n_actions)``.
    n_actions : int
        How many actions the player has.

    Examples
    --------
    >>> empirical_strategy([0, 1, 1, 1], 2).tolist()
    [0.25, 0.75]
    """
    size = check_int("n_actions", n_actions, 1)
    played = np.asarray(actions)
    if played.dtype.kind not in "iu" and not (played.dtype.kind == "f" and played.size == 0):
        raise TypeError(f"actions must be integers, not {played.dtype} values")
    played = played.astype(np.int64).ravel()
    if played.size == 0:
        raise ValueError("actions is empty: no play to take frequencies of")
    if played.min() < 0 or played.max() >= size:
        bad = int(played[(played < 0) | (played >= size)][0])
        raise ValueError(f"actions must be in [0, {size - 1}], got {bad}")
    return np.bincount(played, minlength=size) / played.size

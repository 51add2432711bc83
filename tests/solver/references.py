"""Independent references the solver is checked against: quantecon, pygambit and brute force."""

from __future__ import annotations

import os
from itertools import combinations

import numpy as np

# quantecon's kernels are only right when Numba compiles them: with NUMBA_DISABLE_JIT=1 its
# support enumeration returns nothing (it relies on Numba's integer semantics). The suite's
# no-JIT run then compares with pygambit and brute force only.
QUANTECON_USABLE = os.environ.get("NUMBA_DISABLE_JIT", "0") in ("", "0")


def rounded_set(pairs, decimals: int = 6) -> list[tuple[float, ...]]:
    """Equilibria as a sorted list of rounded tuples, for comparing sets across libraries."""
    return sorted(
        tuple(np.round(np.concatenate([np.asarray(x), np.asarray(y)]), decimals) + 0.0)
        for x, y in pairs
    )


def quantecon_support_enumeration(A: np.ndarray, B: np.ndarray) -> list:
    import quantecon.game_theory as gt

    game = gt.NormalFormGame((gt.Player(np.asarray(A, float)), gt.Player(np.asarray(B, float).T)))
    return list(gt.support_enumeration(game))


def gambit_enummixed(A: np.ndarray, B: np.ndarray) -> list:
    """pygambit's float vertex enumeration: the extreme equilibria, degenerate games too."""
    import pygambit as gbt

    game = gbt.Game.from_arrays(np.asarray(A, float), np.asarray(B, float))
    result = gbt.nash.enummixed_solve(game, rational=False)
    return [
        tuple(np.array([float(eq[p][s]) for s in p.strategies]) for p in game.players)
        for eq in result.equilibria
    ]


def regrets(A: np.ndarray, B: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """What each player of a bimatrix game gains by a best response, computed plainly."""
    A, B = np.asarray(A, float), np.asarray(B, float)
    return float((A @ y).max() - x @ A @ y), float((x @ B).max() - x @ B @ y)


def brute_force_degenerate(A: np.ndarray, B: np.ndarray, tol: float = 1e-9) -> bool:
    """Some mixed strategy with k actions in its support has more than k pure best responses.

    For each support S of one player and each k+1 actions T of the other, solve the k+2
    equations (T tied, probabilities summing to 1) by least squares and check the residual,
    the positivity of the mix and that T are best responses.
    """
    A, B = np.asarray(A, float), np.asarray(B, float)
    for payoff in (A, B.T):  # the player with the best responses, own action first
        n_own, n_opp = payoff.shape
        for k in range(1, min(n_opp, n_own - 1) + 1):
            for support in combinations(range(n_opp), k):
                for tied in combinations(range(n_own), k + 1):
                    system = np.zeros((k + 2, k + 1))
                    system[: k + 1, :k] = payoff[np.ix_(tied, support)]
                    system[: k + 1, k] = -1.0
                    system[k + 1, :k] = 1.0
                    rhs = np.zeros(k + 2)
                    rhs[k + 1] = 1.0
                    solution, *_ = np.linalg.lstsq(system, rhs, rcond=None)
                    if np.abs(system @ solution - rhs).max() > tol:
                        continue
                    mix, value = solution[:k], solution[k]
                    if (mix <= tol).any():
                        continue
                    if (payoff[:, support] @ mix).max() <= value + tol:
                        return True
    return False

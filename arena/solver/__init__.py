"""Game-theory solver: equilibria, values, best responses, regret and yardsticks of outcomes.

Public functions validate their input and call ``@njit(cache=True)`` kernels. Names load
lazily, so ``import arena.solver`` costs nothing until a function is used, and only the
modules a caller touches import Numba or SciPy.

Two-player games are bimatrix pairs ``(A, B)`` of shape ``(m, n)`` (``A`` the row player's
payoffs); N-player games are one array of shape ``(N, a_1, ..., a_N)``. See
:mod:`arena.solver._validation` for the conventions.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    # results
    "EquilibriumSet": "results",
    # expected payoffs, best responses, regret, NashConv
    "action_values": "payoffs",
    "best_responses": "payoffs",
    "empirical_strategy": "payoffs",
    "expected_payoffs": "payoffs",
    "exploitability": "payoffs",
    "is_nash": "payoffs",
    "nash_conv": "payoffs",
    "regret": "payoffs",
    # equilibria of bimatrix and N-player games
    "is_degenerate": "support_enumeration",
    "support_enumeration": "support_enumeration",
    "vertex_enumeration": "vertex_enumeration",
    "LemkeHowsonResult": "lemke_howson",
    "lemke_howson": "lemke_howson",
    "pure_equilibria": "pure_equilibria",
    # many small games at once
    "BatchEquilibria": "batch",
    "all_equilibria_batch": "batch",
    "best_responses_batch": "batch",
    "pure_equilibria_batch": "batch",
    # zero-sum games and the agents' meta-game
    "ZeroSumSolution": "zero_sum",
    "zero_sum_value": "zero_sum",
    "NashAverage": "meta_game",
    "nash_average": "meta_game",
    # repeated games of memory-one strategies
    "memory_one_payoffs": "memory_one",
    "memory_one_tournament": "memory_one",
    "stationary_payoffs": "memory_one",
    # bargaining and auction yardsticks
    "nash_bargaining_solution": "bargaining",
    "rubinstein_split": "bargaining",
    "all_pay_bid": "auctions",
    "expected_revenue": "auctions",
    "first_price_bid": "auctions",
    "second_price_bid": "auctions",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'arena.solver' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))

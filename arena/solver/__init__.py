"""Game-theory solver: equilibria, values, best responses, regret and yardsticks of outcomes.

Public functions validate their input and call ``@njit(cache=True)`` kernels, compiled on
first use and loaded from Numba's cache by later processes. Importing this package imports
Numba; the CLI imports it only for ``arena solve``.

Payoff orientation, stated once: a two-player game is the bimatrix pair ``(A, B)``, both of
shape ``(m, n)``, ``A[i, j]`` the row player's and ``B[i, j]`` the column player's payoff when
they play ``i`` and ``j``; an N-player game is one array of shape ``(N, a_1, ..., a_N)``,
``payoffs[p][s]`` player ``p``'s payoff at the pure profile ``s`` (so ``np.stack([A, B])``).
Kernels index each player's payoffs own action first; the public functions convert.

Tolerances are relative, so every function is scale invariant: multiplying a player's payoffs
by any positive factor (from subnormal numbers up to about ``1e308``) gives the same equilibria,
supports and best responses, and multiplies values and regrets by the factor. Payoffs are
brought to unit scale by exact powers of two before any comparison; each module's docstring
says what its tolerances are relative to.

A kernel calls only kernels of its own module: Numba's cache checks the file of the function
it loads, not the files of the kernels compiled into it, so a change there would go unseen.

Modules, one algorithm each: ``support_enumeration``, ``vertex_enumeration``,
``lemke_howson``, ``pure_equilibria``, ``batch`` (stacks of small games), ``payoffs``
(expected payoffs, best responses, regret, NashConv), ``zero_sum``, ``meta_game`` (Nash
averaging), ``memory_one`` (repeated games), ``bargaining`` and ``auctions``.
"""

from __future__ import annotations

from arena.solver.auctions import (
    AuctionOutcome,
    all_pay_bid,
    expected_outcome,
    expected_revenue,
    first_price_bid,
    second_price_bid,
)
from arena.solver.bargaining import (
    BargainingSolution,
    FiniteHorizonSplit,
    RubinsteinSplit,
    finite_horizon_split,
    nash_bargaining_solution,
    rubinstein_split,
)
from arena.solver.batch import (
    BatchBestResponses,
    BatchEquilibria,
    all_equilibria_batch,
    best_responses_batch,
    pure_equilibria_batch,
)
from arena.solver.lemke_howson import LemkeHowsonResult, lemke_howson
from arena.solver.memory_one import (
    MemoryOnePayoffs,
    memory_one_payoffs,
    memory_one_tournament,
    stationary_payoffs,
)
from arena.solver.meta_game import NashAverage, nash_average
from arena.solver.payoffs import (
    action_values,
    best_responses,
    empirical_strategy,
    expected_payoffs,
    exploitability,
    is_nash,
    nash_conv,
    regret,
)
from arena.solver.pure_equilibria import pure_equilibria
from arena.solver.results import EquilibriumSet
from arena.solver.support_enumeration import is_degenerate, support_enumeration
from arena.solver.vertex_enumeration import vertex_enumeration
from arena.solver.zero_sum import ZeroSumSolution, zero_sum_value

__all__ = [
    "AuctionOutcome",
    "BargainingSolution",
    "BatchBestResponses",
    "BatchEquilibria",
    "EquilibriumSet",
    "FiniteHorizonSplit",
    "LemkeHowsonResult",
    "MemoryOnePayoffs",
    "NashAverage",
    "RubinsteinSplit",
    "ZeroSumSolution",
    "action_values",
    "all_equilibria_batch",
    "all_pay_bid",
    "best_responses",
    "best_responses_batch",
    "empirical_strategy",
    "expected_outcome",
    "expected_payoffs",
    "expected_revenue",
    "exploitability",
    "finite_horizon_split",
    "first_price_bid",
    "is_degenerate",
    "is_nash",
    "lemke_howson",
    "memory_one_payoffs",
    "memory_one_tournament",
    "nash_average",
    "nash_bargaining_solution",
    "nash_conv",
    "pure_equilibria",
    "pure_equilibria_batch",
    "regret",
    "rubinstein_split",
    "second_price_bid",
    "stationary_payoffs",
    "support_enumeration",
    "vertex_enumeration",
    "zero_sum_value",
]

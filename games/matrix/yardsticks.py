"""The solver's yardsticks for a finished repeated matrix game, computed once and stored with it.

``RepeatedMatrixGame.metrics()`` calls :func:`repeated` after the match and stores the result
under ``metrics["solver"]``; the solver (and with it Numba) is imported only then, never when
an environment is built. Critics, reports and the site read these numbers rather than
recompute them. Every per-seat entry is a list in seat order.

Keys
----
``rounds``
    Rounds played.
``empirical``
    Each seat's empirical mixed strategy: the frequencies of its *realised* actions (after
    any trembles), ``arena.solver.empirical_strategy``.
``regret``
    Each seat's regret in the stage game, ``arena.solver.regret``, of its empirical strategy
    against the others' empirical strategies: what a best reply to their frequencies would
    have earned per round over what its own frequencies earn against them. The profile is the
    product of the marginals, so play that was correlated round by round (alternating in step
    with the opponent) is measured as if it were independent.
``nash_conv``
    The sum of the regrets: NashConv of the empirical profile (``arena.solver.nash_conv``),
    zero exactly when the frequencies form a Nash equilibrium of the stage game.
``cooperation``
    Each seat's share of rounds on its cooperative action, ``None`` where the game names
    none. The Prisoner's Dilemma family, Stag Hunt, Chicken, Harmony and Deadlock cooperate
    with action 0 (cooperate, stag, swerve); any other game (``custom-v0`` among them)
    names a player's cooperative action by calling it ``"cooperate"`` in ``action_names``.
    Battle of the Sexes, Matching Pennies and Rock-Paper-Scissors have none.
``payoff_per_round``
    Each seat's realised total over the rounds played.
``equilibrium_payoff``
    ``{"min": ..., "max": ...}``: the range of the seat's payoff over the stage game's Nash
    equilibria (``None`` when none is known). Two players: over every equilibrium, mixed
    ones included, exactly. A payoff is bilinear on each convex set of equilibria, so its
    extremes are at extreme equilibria, which vertex enumeration lists (also in degenerate
    games). Games too large for that (see ``VERTEX_ENUMERATION_LIMIT``) and games of three or
    more players: over the pure equilibria only.
``equilibria``, ``equilibrium_method``
    How many equilibria the ranges are over, and which: ``"vertex enumeration"`` (the
    extreme equilibria) or ``"pure equilibria"``.
``best_symmetric``
    In a symmetric game (every permutation of the players maps the game to itself), the
    best symmetric outcome's payoff: the largest payoff all players get together at one
    diagonal profile ``(a, a, ..., a)`` (R in the Prisoner's Dilemma). ``None`` for each seat
    of a game that is not symmetric.
``memory_one``
    ``None`` here; :func:`arena.scoring.score_match` fills it in when every seated agent is a
    memory-one strategy (it needs the agents, which the game does not know).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "COOPERATIVE_GAMES",
    "VERTEX_ENUMERATION_LIMIT",
    "StageYardsticks",
    "cooperative_actions",
    "repeated",
    "stage_yardsticks",
]

# Named games whose action 0 is the cooperative one (cooperate, stag, swerve).
COOPERATIVE_GAMES = frozenset({"prisoners-dilemma", "stag-hunt", "chicken", "harmony", "deadlock"})

# Vertex enumeration visits up to about C(m + n, min(m, n)) bases: 12 x 12 takes a few tens
# of milliseconds, 16 x 16 over a second. Larger bimatrix games get their pure equilibria only.
VERTEX_ENUMERATION_LIMIT = math.comb(24, 12)

VERTEX = "vertex enumeration"
PURE = "pure equilibria"


@dataclass(frozen=True, eq=False)  # one object per game (cached): hashed by identity
class StageYardsticks:
    """What is the same for every match of one stage game, computed once per game.

    ``game`` is the payoffs stacked in the solver's N-player form ``(N, a_1, ..., a_N)``
    (read-only, shared); ``equilibrium_payoff`` holds each player's ``(min, max)`` over the
    equilibria, or ``None`` when there is none to take it over.
    """

    game: np.ndarray
    equilibrium_payoff: tuple[tuple[float, float] | None, ...]
    equilibria: int
    equilibrium_method: str
    best_symmetric: float | None


def _is_symmetric(game: np.ndarray) -> bool:
    """Whether permuting the players leaves the game unchanged: ``u_{pi(j)}(pi . s) = u_j(s)``.

    The swap of the first two players and the cycle through all of them generate every
    permutation, so checking those two suffices.
    """
    n = game.shape[0]
    if len(set(game.shape[1:])) != 1:
        return False
    swap = [1, 0, *range(2, n)]
    cycle = [*range(1, n), 0]
    for perm in (swap, cycle) if n > 2 else (swap,):
        for j in range(n):
            if not np.array_equal(np.transpose(game[perm[j]], perm), game[j]):
                return False
    return True


def _equilibria(game: np.ndarray) -> tuple[list[list[np.ndarray]], str]:
    """The equilibrium profiles the ranges are taken over, each a list of mixed strategies."""
    from arena.solver import pure_equilibria, vertex_enumeration

    shape = game.shape[1:]
    if len(shape) == 2 and math.comb(sum(shape), min(shape)) <= VERTEX_ENUMERATION_LIMIT:
        found = vertex_enumeration(game[0], game[1])
        return [[x, y] for x, y in zip(found.row, found.col)], VERTEX
    profiles: list[list[np.ndarray]] = []
    for actions in pure_equilibria(game):
        profiles.append([np.eye(size)[a] for a, size in zip(actions, shape)])
    return profiles, PURE


def _ranges(
    game: np.ndarray, profiles: list[list[np.ndarray]]
) -> tuple[tuple[float, float] | None, ...]:
    from arena.solver import expected_payoffs

    if not profiles:
        return (None,) * game.shape[0]
    values = np.array([expected_payoffs(game, profile) for profile in profiles])
    return tuple((float(low), float(high)) for low, high in zip(values.min(0), values.max(0)))


@functools.lru_cache(maxsize=64)
def _stage(shape: tuple[int, ...], data: bytes) -> StageYardsticks:
    game = np.frombuffer(data, dtype=np.float64).reshape(shape).copy()
    game.flags.writeable = False
    profiles, method = _equilibria(game)
    best = None
    if _is_symmetric(game):
        diagonal = [game[(0,) + (a,) * (game.ndim - 1)] for a in range(shape[1])]
        best = float(max(diagonal))
    return StageYardsticks(game, _ranges(game, profiles), len(profiles), method, best)


def stage_yardsticks(payoffs: Sequence[np.ndarray]) -> StageYardsticks:
    """The stage game's equilibrium payoffs and best symmetric outcome (cached per game).

    ``payoffs`` are in seat order, one float64 array per player
    (see :mod:`arena.games.matrix.payoffs`).

    Examples
    --------
    >>> from arena.games.matrix.payoffs import prisoners_dilemma
    >>> stage = stage_yardsticks(prisoners_dilemma().payoffs)
    >>> stage.equilibrium_payoff, stage.best_symmetric
    (((1.0, 1.0), (1.0, 1.0)), 3.0)
    """
    game = np.stack([np.asarray(table, dtype=np.float64) for table in payoffs])
    return _stage(game.shape, game.tobytes())


@functools.lru_cache(maxsize=256)
def cooperative_actions(
    game_name: str, action_names: tuple[tuple[str, ...], ...]
) -> tuple[int | None, ...]:
    """Each player's cooperative action, ``None`` for a player whose game names none.

    >>> cooperative_actions("stag-hunt", (("stag", "hare"), ("stag", "hare")))
    (0, 0)
    >>> cooperative_actions("custom", (("up", "Cooperate"), ("left", "right")))
    (1, None)
    """
    if game_name in COOPERATIVE_GAMES:
        return (0,) * len(action_names)
    found: list[int | None] = []
    for names in action_names:
        lowered = [name.strip().lower() for name in names]
        found.append(lowered.index("cooperate") if "cooperate" in lowered else None)
    return tuple(found)


@functools.lru_cache(maxsize=4096)
def _regrets(stage: StageYardsticks, counts: tuple[tuple[int, ...], ...]) -> tuple[float, ...]:
    """Regrets of the empirical profile with these action counts (the same counts recur: a
    round robin replays its pairings)."""
    from arena.solver import regret

    profile = [np.array(seat, dtype=np.float64) / sum(seat) for seat in counts]
    return tuple(float(r) for r in regret(stage.game, profile))


def repeated(
    stage: StageYardsticks | Sequence[np.ndarray],
    history: np.ndarray,
    totals: Sequence[float],
    cooperative: Sequence[int | None],
) -> dict[str, Any]:
    """The yardsticks of one match (keys in the module docstring).

    ``stage`` is the stage game's :func:`stage_yardsticks` (or its payoffs in seat order);
    ``history`` is rounds x players, the realised actions in seat order; ``totals`` each
    seat's total payoff; ``cooperative`` each seat's cooperative action or ``None``.

    Examples
    --------
    Always defect (seat 0) against always cooperate for three rounds:

    >>> from arena.games.matrix.payoffs import prisoners_dilemma
    >>> played = np.array([[1, 0], [1, 0], [1, 0]])
    >>> solver = repeated(prisoners_dilemma().payoffs, played, [15.0, 0.0], [0, 0])
    >>> solver["empirical"], solver["regret"], solver["cooperation"], solver["nash_conv"]
    ([[0.0, 1.0], [1.0, 0.0]], [0.0, 1.0], [0.0, 1.0], 1.0)
    """
    if not isinstance(stage, StageYardsticks):
        stage = stage_yardsticks(stage)
    rounds, n = history.shape
    # Counts over rounds are arena.solver.empirical_strategy, without its checks per column.
    sizes = stage.game.shape[1:]
    counts = tuple(tuple(np.bincount(history[:, p], minlength=sizes[p]).tolist()) for p in range(n))
    regrets = _regrets(stage, counts)
    return {
        "rounds": rounds,
        "empirical": [[c / rounds for c in seat] for seat in counts],
        "regret": list(regrets),
        "nash_conv": float(sum(regrets)),
        "cooperation": [
            None if c is None else seat[c] / rounds for c, seat in zip(cooperative, counts)
        ],
        "payoff_per_round": [float(total) / rounds for total in totals],
        "equilibrium_payoff": [
            None if r is None else {"min": r[0], "max": r[1]} for r in stage.equilibrium_payoff
        ],
        "equilibria": stage.equilibria,
        "equilibrium_method": stage.equilibrium_method,
        "best_symmetric": [stage.best_symmetric] * n,
        "memory_one": None,
    }

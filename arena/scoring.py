"""Post-match scoring that needs the seated agents: memory-one strategies' exact expected payoffs.

A game's ``metrics()`` measures play from what the game saw; some yardsticks need to know who
played. :func:`score_match` runs once after every match (``arena.match.run_match`` calls it)
and adds them to the metrics stored with the match. Today that is one: in a two-player 2x2
repeated matrix game where every seated agent is a memory-one strategy,
``metrics["solver"]["memory_one"]`` holds the exact expected payoffs of the pairing
(:func:`arena.solver.memory_one_payoffs`, a Markov chain over outcomes, with the match's
rounds, continuation probability and noise) next to what each seat scored. Noise is in the
expectation; what is left between the two is luck (the draws of trembles, of stochastic
strategies and of the match length).

An agent is memory-one when it has a method ``memory_one(payoff_matrix, noise)`` that returns
its five probabilities of playing action 0 (first move, then after the realised outcomes
``00, 01, 10, 11``, own action first) for its own 2x2 payoffs ``payoff_matrix`` (own action on
axis 0), or ``None`` when in this game it is not (grim trigger with noise, say); see
:mod:`arena.agents.scripted.matrix` and the built-in ``random`` player (action 0 with
probability ``p``, 1/2 by default, whatever happened).

Keys of ``memory_one`` (lists in seat order)
--------------------------------------------
``strategies``: each seat's five probabilities; ``expected_total``, ``expected_per_round``,
``expected_rounds``: the exact expectations; ``expected_cooperation``: the expected share of
rounds on the seat's cooperative action (``None`` where the game names none);
``scored_per_round``: what each seat scored per round; ``luck_per_round``: scored minus
expected per round.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["memory_one_vector", "prepare_scoring", "score_match"]

Vector = tuple[float, float, float, float, float]


def memory_one_vector(agent: Any, payoff_matrix: np.ndarray, noise: float) -> Vector | None:
    """``agent``'s memory-one strategy in a 2x2 game with its own payoffs ``payoff_matrix``
    and tremble probability ``noise``, or ``None`` when it is not one (or does not say)."""
    method = getattr(agent, "memory_one", None)
    if callable(method):
        vector = method(payoff_matrix, noise)
        if vector is None:
            return None
        first, cc, cd, dc, dd = (float(v) for v in vector)
        return (first, cc, cd, dc, dd)
    return None


@functools.lru_cache(maxsize=4096)
def _expected(
    p: Vector,
    q: Vector,
    stage: tuple[float, ...],
    turns: int,
    continuation: float,
    noise: float,
) -> Any:
    """Exact expectations of one pairing (the same pairing recurs across a round robin)."""
    from arena.solver import memory_one_payoffs

    A = np.array(stage[:4]).reshape(2, 2)
    B = np.array(stage[4:]).reshape(2, 2)
    x, y = np.array(p), np.array(q)
    if noise > 0.5:
        # Trembling with probability e > 1/2 is trembling with probability 1 - e from the
        # complementary intentions: the realised moves, all that either player reacts to,
        # have the same law. memory_one_payoffs takes noise up to 1/2.
        x, y, noise = 1.0 - x, 1.0 - y, 1.0 - noise
    return memory_one_payoffs(x, y, (A, B), turns=turns, continuation=continuation, noise=noise)


def _memory_one(env: Any, agents: Sequence[Any], solver: dict[str, Any]) -> dict[str, Any] | None:
    from arena.games.matrix.yardsticks import cooperative_actions

    if len(agents) != 2 or env.n_actions != (2, 2):
        return None
    A, B = env.payoffs
    vectors = []
    for agent, own in zip(agents, (A, B.T)):  # each seat's payoffs, own action on axis 0
        vector = memory_one_vector(agent, own, env.noise)
        if vector is None:
            return None
        vectors.append(vector)
    stage = (*A.ravel().tolist(), *B.ravel().tolist())
    continuation = 1.0 if env.continuation is None else env.continuation
    result = _expected(vectors[0], vectors[1], stage, env.rounds, continuation, env.noise)
    expected = [float(x) for x in result.per_round]
    scored = solver["payoff_per_round"]
    cooperation = []
    for c, rate in zip(cooperative_actions(env.game_name, env.action_names), result.cooperation):
        cooperation.append(None if c is None else float(rate if c == 0 else 1.0 - rate))
    return {
        "strategies": [list(v) for v in vectors],
        "expected_total": [float(x) for x in result.totals],
        "expected_per_round": expected,
        "expected_rounds": float(result.rounds),
        "expected_cooperation": cooperation,
        "scored_per_round": list(scored),
        "luck_per_round": [s - e for s, e in zip(scored, expected)],
    }


def score_match(env: Any, agents: Sequence[Any], metrics: dict[str, Any]) -> dict[str, Any]:
    """``metrics`` (the game's own, from ``env.metrics()``) with what needs the agents added.

    ``env`` is the finished game (or a PettingZoo wrapper of it), ``agents`` the agents in
    seat order. Games this has nothing to add to get ``metrics`` back as they are.
    """
    from arena.games.matrix.repeated import RepeatedMatrixGame

    base = getattr(env, "unwrapped", env)
    if not isinstance(base, RepeatedMatrixGame):
        return metrics
    if "solver" not in metrics:  # the AEC view of the game does not forward metrics()
        metrics = {**metrics, **base.metrics()}
        if "solver" not in metrics:
            return metrics
    solver = metrics["solver"]
    return {**metrics, "solver": {**solver, "memory_one": _memory_one(base, agents, solver)}}


def prepare_scoring(env: Any) -> None:
    """Do now, once, what scoring the first match of ``env``'s game would do in any process.

    For a repeated matrix game: solve the stage game (``metrics()``) and, for a 2x2 game, load
    the memory-one kernel; the solver's start, importing Numba and SciPy, takes about a second.
    A pool of workers forked afterwards inherits it all instead of paying it in each worker.
    Anything else: nothing to do.
    """
    from arena.games.matrix.repeated import RepeatedMatrixGame

    base = getattr(env, "unwrapped", env)
    if not isinstance(base, RepeatedMatrixGame):
        return
    base.prepare_metrics()
    if len(base.possible_agents) == 2 and base.n_actions == (2, 2):
        from arena.solver import memory_one_payoffs

        cooperate = np.ones(5)
        continuation = 1.0 if base.continuation is None else base.continuation
        noise = min(base.noise, 1.0 - base.noise)  # as _expected passes it
        game = tuple(base.payoffs)
        turns = base.rounds
        memory_one_payoffs(
            cooperate, cooperate, game, turns=turns, continuation=continuation, noise=noise
        )

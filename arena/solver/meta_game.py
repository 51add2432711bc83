r"""Nash averaging: agents rated by the maximum-entropy Nash equilibrium of their meta-game.

The agents' results against each other define a symmetric zero-sum *meta-game*: an
antisymmetric matrix ``M`` (``M = -M.T``), ``M[i, j]`` being what agent ``i`` gains against
agent ``j``. Its value is 0 and its Nash equilibria, the mixtures of agents that no agent
beats on average, form the polytope

.. math::

    \mathcal N = \{p \in \Delta_n : M p \le 0\}.

Balduzzi et al. (2018) pick from it the distribution of maximum entropy ``p*``, which is
unique, and rate each agent by its expected result against that mixture, the *Nash average*
``r = M p*``. Every rating is at most 0, and exactly 0 for the agents that ``p*`` plays (an
agent it does not play can tie with it and be rated 0 too). Ratings do not depend on how
often the field repeats itself: a copy of an agent splits the agent's mass evenly with it and
leaves every rating as it was. That invariance is exact when ``\mathcal N`` is a single point,
as it is for generic results. When ``\mathcal N`` is a segment or larger, the copy's extra
entropy tilts ``p*`` inside ``\mathcal N``: the ratings of the agents ``p*`` plays stay 0,
but those of agents outside the support can move (rock, a second rock that differs from the
first only against a fifth agent, paper and scissors; copying rock moves the fifth agent's
rating from -4/3 to -11/9).

Method, exact up to rounding:

1. The support ``S``, the agents some equilibrium plays (the support of ``p*``, since entropy's
   slope is infinite at 0). An optimal strategy of the zero-sum game ``M``
   (:func:`arena.solver.zero_sum_value`, our LP kernel) is an equilibrium. While agents ``U``
   are unexplored, the game ``M + \epsilon 1_U 1^\top``, which pays a bonus ``\epsilon`` for
   playing ``U``, is solved for ``\epsilon = 1, 1/8, 1/64, \dots`` until its optimal strategy
   ``x`` is an equilibrium of ``M`` (checked). Then ``x`` maximises ``\sum_{i \in U} x_i``
   over ``\mathcal N``, because every equilibrium ``p`` guarantees ``\epsilon \sum_U p_i``
   in the bonus game and ``x`` guarantees the most (the small-perturbation selection of
   Mangasarian and Meyer 1979, made exact by the check). So ``x`` either plays new agents or
   proves that no equilibrium plays ``U``. Every LP is normalised to the simplex, so small
   margins cost no scale.
2. The distribution. On ``S`` every equilibrium solves ``M_{SS} p_S = 0``, ``\sum p_S = 1``;
   an SVD gives that affine set as ``q_0 + N z``. When ``N`` is empty (generic results) the
   equilibrium is unique and ``p* = q_0``. Otherwise ``\sum_i p_i \log p_i`` is minimised over
   ``z`` by Newton's method with a primal active set for the agents outside ``S``
   (``M_{iS} p_S \le 0``), in NumPy, from the average of the equilibria step 1 found, until
   the squared Newton decrement is below ``1e-24`` or the step is lost in rounding.

Resolution (the tolerance model): payoffs are compared in double precision after scaling ``M``
to ``max |M| = 1``, so multiplying the results by a positive factor leaves the strategy as it
was and multiplies the ratings by the factor, to rounding.
Margins below about ``1e-11`` count as ties (the resolution of
:func:`arena.solver.zero_sum_value`) and an agent that equilibria weigh below ``1e-9`` counts
as unplayed; results whose entries span more than about eight orders of magnitude reach these
limits. Should rounding then defeat a step, the result falls back to the average of the
equilibria step 1 found, or to the first of them: it is an equilibrium, to rounding, whatever
the data, but after a fallback not of maximum entropy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from arena.solver._validation import as_payoff_matrix, check_real, check_tolerance
from arena.solver.results import readonly
from arena.solver.zero_sum import zero_sum_value

__all__ = ["NashAverage", "nash_average"]

Kind = Literal["payoff", "winrate", "antisymmetric"]
_KINDS = ("payoff", "winrate", "antisymmetric")

_NASH_TOL = 1e-11  # (M p)_i above this, on max |M| = 1, means p is not an equilibrium
_MASS_TOL = 1e-9  # probabilities above this count as played
_SMALLEST_BONUS = 1e-10
_SCORE_TOL = 1e-10  # an agent scoring below -_SCORE_TOL against an equilibrium is unplayed
_NEWTON_STEPS = 500
_RANK_TOL = 1e-10  # singular values below this (relative) count as zero
_DECREMENT_TOL = 1e-24  # Newton decrement at which the entropy counts as maximal
_MULTIPLIER_TOL = 1e-12


@dataclass(frozen=True, eq=False)
class NashAverage:
    """The maximum-entropy Nash equilibrium of an agents-vs-agents meta-game and its ratings.

    Attributes
    ----------
    strategy : ndarray, shape (n,)
        The maximum-entropy Nash equilibrium ``p*``: the mixture of agents no agent beats.
    ratings : ndarray, shape (n,)
        The Nash averages ``game @ strategy``: each agent's expected result against the
        equilibrium mixture; at most 0, and 0 on the support (up to rounding).
    support : ndarray of int, shape (k,)
        The agents with positive mass in ``strategy``, ascending: exactly the agents that
        some Nash equilibrium of the meta-game plays.
    game : ndarray, shape (n, n)
        The antisymmetric meta-game the ratings are measured in.
    agents : tuple of str or None
        The agents' names, passed through.
    """

    strategy: np.ndarray
    ratings: np.ndarray
    support: np.ndarray
    game: np.ndarray
    agents: tuple[str, ...] | None


def _meta_game(matrix: npt.ArrayLike, kind: str, clip: float, tol: float) -> np.ndarray:
    """Validate ``matrix`` and return the antisymmetric meta-game it describes."""
    if not isinstance(kind, str):
        raise TypeError(f"kind must be a string, not {type(kind).__name__}")
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {', '.join(map(repr, _KINDS))}, got {kind!r}")
    values = as_payoff_matrix(matrix, "matrix")
    n, n_cols = values.shape
    if n != n_cols:
        raise ValueError(f"matrix must be square (agents vs agents), got shape {values.shape}")
    if kind == "payoff":
        return 0.5 * (values - values.T)
    if kind == "winrate":
        outside = (values < 0.0) | (values > 1.0)
        if outside.any():
            i, j = (int(k) for k in np.argwhere(outside)[0])
            raise ValueError(f"win rates must be in [0, 1]; matrix[{i}, {j}] is {values[i, j]}")
        unbalanced = np.abs(values + values.T - 1.0) > tol
        if unbalanced.any():
            i, j = (int(k) for k in np.argwhere(unbalanced)[0])
            raise ValueError(
                "win rates must satisfy matrix[i, j] + matrix[j, i] = 1 (0.5 on the "
                f"diagonal); matrix[{i}, {j}] + matrix[{j}, {i}] = "
                f"{values[i, j] + values[j, i]}"
            )
        clipped = np.clip(values, clip, 1.0 - clip)
        logits = np.log(clipped) - np.log1p(-clipped)
        return 0.5 * (logits - logits.T)  # exactly antisymmetric
    skew = np.abs(values + values.T) > tol * float(np.abs(values).max())
    if skew.any():
        i, j = (int(k) for k in np.argwhere(skew)[0])
        raise ValueError(
            "an antisymmetric matrix must satisfy matrix[i, j] = -matrix[j, i]; "
            f"matrix[{i}, {j}] is {values[i, j]} and matrix[{j}, {i}] is {values[j, i]}"
        )
    return 0.5 * (values - values.T)


def _agent_names(agents: Sequence[str] | None, n: int) -> tuple[str, ...] | None:
    if agents is None:
        return None
    if isinstance(agents, str) or not isinstance(agents, Sequence):
        raise TypeError(f"agents must be a sequence of names, not {type(agents).__name__}")
    names = tuple(agents)
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"agents must be strings, got {type(name).__name__} {name!r}")
    if len(names) != n:
        raise ValueError(f"agents must name all {n} agents, got {len(names)} names")
    if len(set(names)) != n:
        repeated = next(name for name in names if names.count(name) > 1)
        raise ValueError(f"agents must be distinct, {repeated!r} appears more than once")
    return names


def _is_equilibrium(p: np.ndarray, M: np.ndarray) -> bool:
    return bool((M @ p).max() <= _NASH_TOL)


def _equilibrium_support(M: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The union ``S`` of the supports of all Nash equilibria of the antisymmetric ``M``
    (scaled to ``max |M| = 1``), an equilibrium whose support is ``S``, and the first
    equilibrium found (exact to rounding whatever the data).

    The first equilibrium is an optimal strategy of the zero-sum game ``M``. Then, while
    agents ``U`` remain unexplored, the game ``M + eps 1_U 1'`` (a bonus ``eps`` for playing
    ``U``) is solved for ``eps = 1, 1/8, 1/64, ...`` until its optimal strategy ``x`` is an
    equilibrium of ``M``. That ``x`` then maximises ``sum_U x_i`` over all equilibria (each
    equilibrium ``p`` guarantees ``eps sum_U p_i`` in the bonus game, ``x`` at least as much),
    so either it plays new agents or no equilibrium plays any agent of ``U``.
    """
    first = np.array(zero_sum_value(M).row)
    first[first <= _MASS_TOL] = 0.0  # rounding dust of the refinement
    first /= first.sum()
    witnesses = [first]
    found = first > _MASS_TOL
    while not found.all():
        unexplored = ~found
        bonus = 1.0
        best = None
        while bonus >= _SMALLEST_BONUS:
            candidate = np.array(zero_sum_value(M + bonus * unexplored[:, None]).row)
            if _is_equilibrium(candidate, M):
                best = candidate
                break
            bonus *= 0.125
        if best is None:
            break
        new = unexplored & (best > _MASS_TOL)
        if not new.any():
            break
        witnesses.append(best)
        found |= new
    # Every agent that some equilibrium plays scores exactly 0 against every equilibrium. An
    # agent scoring below 0 against the average of the witnesses was let in by rounding: a
    # witness played it with a tiny mass, which a tiny margin could not reveal. Such
    # witnesses go, and with them whatever only they played.
    while True:
        found = np.any([x > _MASS_TOL for x in witnesses], axis=0)
        witness = np.mean(witnesses, axis=0)
        beaten = found & (M @ witness < -_SCORE_TOL)
        trusted = [x for x in witnesses if not (x[beaten] > _MASS_TOL).any()]
        if not beaten.any() or not trusted:
            break
        witnesses = trusted
    witness[~found] = 0.0
    return np.flatnonzero(found).astype(np.int64), witness / witness.sum(), first


def _max_entropy(M: np.ndarray, support: np.ndarray, start: np.ndarray) -> np.ndarray | None:
    """The maximum-entropy distribution on ``support`` with ``M p <= 0``, or None.

    On the support, ``M[S, S] p = 0`` and ``sum(p) = 1`` hold at every equilibrium: ``p``
    ranges over ``q0 + N z`` (``N`` an orthonormal basis of the solutions of the homogeneous
    system, from an SVD), and the agents ``O`` outside the support leave the inequalities
    ``M[O, S] (q0 + N z) <= 0``. When ``N`` is empty the equilibrium is unique and is
    ``q0``. Otherwise ``sum p log p`` is minimised over ``z`` by Newton's method with a
    primal active set for the inequalities (Nocedal and Wright 2006, section 16.5), from the
    equilibrium ``start``, which plays all of the support. None when the data are too close
    to ties for double precision (``start`` is then not positive in that parametrisation).
    """
    n = M.shape[0]
    k = support.size
    p = np.zeros(n)
    if k == 1:
        p[support[0]] = 1.0
        return p
    system = np.vstack([M[np.ix_(support, support)], np.ones((1, k))])
    U, sigma, Vt = np.linalg.svd(system)
    rank = int((sigma > _RANK_TOL * sigma[0]).sum())
    right = np.zeros(k + 1)
    right[k] = 1.0
    q0 = Vt[:rank].T @ ((U[:, :rank].T @ right) / sigma[:rank])
    N = Vt[rank:].T
    if N.shape[1] == 0:
        if q0.min() <= 0.0:
            return None
        p[support] = q0
        return p

    outside = np.setdiff1d(np.arange(n), support)
    A = M[np.ix_(outside, support)] @ N  # A z <= b, rows scaled to unit length
    b = -(M[np.ix_(outside, support)] @ q0)
    lengths = np.linalg.norm(A, axis=1)
    lengths[lengths == 0.0] = 1.0
    A /= lengths[:, None]
    b /= lengths
    z = N.T @ (start[support] - q0)
    if (q0 + N @ z).min() <= 0.0:
        return None
    working: list[int] = []

    def entropy_terms(z: np.ndarray) -> tuple[np.ndarray, float]:
        q = q0 + N @ z
        if q.min() <= 0.0:  # only by rounding: the steps keep q positive
            return q, np.inf
        return q, float(q @ np.log(q))

    q, f = entropy_terms(z)
    d = N.shape[1]
    for _ in range(_NEWTON_STEPS):
        gradient = N.T @ (np.log(q) + 1.0)
        hessian = N.T @ (N / q[:, None])
        # Newton step within the working constraints, by the null-space method: a step
        # back onto them (``restore``, zero in exact arithmetic) plus the minimiser of the
        # quadratic model along the directions they leave free.
        restore = np.zeros(d)
        free = np.eye(d)
        if working:
            rows = A[working]
            U, sigma, Vt = np.linalg.svd(rows)
            rank = int((sigma > _RANK_TOL * sigma[0]).sum())
            free = Vt[rank:].T
            restore = Vt[:rank].T @ ((U[:, :rank].T @ (b[working] - rows @ z)) / sigma[:rank])
        step = restore.copy()
        if free.shape[1]:
            reduced = free.T @ hessian @ free
            step += free @ np.linalg.solve(reduced, -free.T @ (gradient + hessian @ restore))
        decrement = -float(gradient @ step)  # squared Newton decrement, when restore = 0
        settled = decrement <= _DECREMENT_TOL or np.abs(step).max() <= 1e-15
        if settled and np.abs(restore).max() <= 1e-15:
            if not working:
                break
            multipliers = np.linalg.lstsq(A[working].T, -(gradient + hessian @ step))[0]
            if multipliers.min() >= -_MULTIPLIER_TOL:
                break
            working.pop(int(np.argmin(multipliers)))
            continue
        length, blocking = 1.0, -1
        dq = N @ step
        shrinking = dq < 0.0
        if shrinking.any():
            length = min(1.0, 0.99 * float((q[shrinking] / -dq[shrinking]).min()))
        rates = A @ step
        for i in range(outside.size):
            if i not in working and rates[i] > 0.0:
                reach = max(0.0, float(b[i] - A[i] @ z)) / rates[i]
                if reach < length:
                    length, blocking = reach, i
        if blocking >= 0 and length <= 1e-12:  # already on that constraint, up to rounding
            working.append(blocking)
            continue
        while True:
            q_trial, f_trial = entropy_terms(z + length * step)
            if f_trial <= f - 1e-4 * length * decrement:
                break
            if decrement <= 1e-10 and f_trial < np.inf:
                break  # Newton's own neighbourhood: f no longer resolves the decrease
            length *= 0.5
            blocking = -1
            if length < 1e-12:
                break
        if f_trial == np.inf or (length < 1e-12 and f_trial > f):
            break  # no step improves any more: as good as double precision gets
        z = z + length * step
        q, f = q_trial, f_trial
        if blocking >= 0:
            working.append(blocking)
    p[support] = q
    return p


def nash_average(
    matrix: npt.ArrayLike,
    kind: Kind = "payoff",
    *,
    agents: Sequence[str] | None = None,
    clip: float = 1e-3,
    tol: float = 1e-9,
) -> NashAverage:
    r"""Nash averaging of agents from their results against each other.

    Parameters
    ----------
    matrix : array_like, shape (n, n)
        The agents' results, row agent against column agent, read according to ``kind``.
    kind : {"payoff", "winrate", "antisymmetric"}, default "payoff"
        ``"payoff"``: ``matrix[i, j]`` is agent ``i``'s (average) payoff against ``j``; the
        meta-game is its antisymmetric part ``(X - X.T) / 2``, what ``i`` gains over ``j``
        (for a constant-sum game with ``X + X.T = c``, this is ``X - c / 2``).
        ``"winrate"``: ``matrix[i, j]`` is the probability that ``i`` beats ``j``, with
        ``matrix[i, j] + matrix[j, i] = 1`` (draws counted as half) and 0.5 on the diagonal;
        the meta-game is its logit, ``log(P / (1 - P))``, as in Balduzzi et al. (2018).
        ``"antisymmetric"``: ``matrix`` is the meta-game itself, ``matrix = -matrix.T``.
    agents : sequence of str, optional
        Distinct names of the ``n`` agents, passed through to the result.
    clip : float, default 1e-3
        Win rates are clipped to ``[clip, 1 - clip]`` before the logit, so that a perfect
        record counts as ``logit(1 - clip)`` (about 6.9) rather than infinity. In ``(0, 0.5)``.
    tol : float, default 1e-9
        Tolerance of the checks ``P + P.T = 1`` (win rates) and ``M + M.T = 0``
        (antisymmetric, relative to the largest entry). In ``[0, 1)``.

    Returns
    -------
    NashAverage
        ``strategy`` (the maximum-entropy equilibrium), ``ratings`` (``game @ strategy``),
        ``support``, ``game`` and ``agents``.

    Raises
    ------
    TypeError
        ``matrix`` is not an array of real numbers, ``kind`` is not a string, or ``agents``
        is not a sequence of strings.
    ValueError
        ``matrix`` is not square or holds NaN or infinity; win rates outside ``[0, 1]`` or
        not complementary; an "antisymmetric" matrix that is not; an unknown ``kind``;
        ``agents`` of the wrong length or repeated; ``clip`` or ``tol`` out of range.

    Notes
    -----
    The maximum-entropy equilibrium is unique because entropy is strictly concave and the
    equilibria form a polytope. It plays every agent that some equilibrium plays; by strict
    complementarity (Goldman and Tucker 1956) every other agent loses to some equilibrium
    mixture, though it may tie with ``strategy`` itself. See the module documentation for
    the method, the resolution of the comparisons and when copies of an agent can move
    ratings.

    References
    ----------
    D. Balduzzi, K. Tuyls, J. Perolat and T. Graepel, "Re-evaluating evaluation", *Advances
    in Neural Information Processing Systems* 31 (NeurIPS), 3268-3279, 2018.
    A. J. Goldman and A. W. Tucker, "Theory of linear programming", in H. W. Kuhn and
    A. W. Tucker (eds.), *Linear Inequalities and Related Systems*, Princeton University
    Press, 1956, 53-97.
    O. L. Mangasarian and R. R. Meyer, "Nonlinear perturbation of linear programs", *SIAM
    Journal on Control and Optimization* 17(6), 745-752, 1979.
    J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer, 2006,
    section 16.5 (active-set methods).

    Examples
    --------
    Rock, paper and scissors beat each other in a cycle: the equilibrium is uniform and
    nobody is worse than anybody else.

    >>> rps = [[0, -1, 1], [1, 0, -1], [-1, 1, 0]]
    >>> result = nash_average(rps, "antisymmetric", agents=["rock", "paper", "scissors"])
    >>> np.round(result.strategy, 6), np.round(result.ratings, 6) + 0.0
    (array([0.333333, 0.333333, 0.333333]), array([0., 0., 0.]))

    A second rock changes nothing but the split of rock's mass:

    >>> rocks = [[0, 0, -1, 1], [0, 0, -1, 1], [1, 1, 0, -1], [-1, -1, 1, 0]]
    >>> result = nash_average(rocks, "antisymmetric")
    >>> np.round(result.strategy, 6), result.support
    (array([0.166667, 0.166667, 0.333333, 0.333333]), array([0, 1, 2, 3]))

    Win rates of a transitive field (Bradley-Terry strengths 0, 1, 2): the strongest agent
    is the equilibrium, and each agent is rated by its logit against it.

    >>> strength = np.array([0.0, 1.0, 2.0])
    >>> P = 1.0 / (1.0 + np.exp(strength[None, :] - strength[:, None]))
    >>> result = nash_average(P, "winrate")
    >>> result.strategy + 0.0, np.round(result.ratings, 6) + 0.0
    (array([0., 0., 1.]), array([-2., -1.,  0.]))
    """
    check_real("clip", clip, 0.0, 0.5, low_open=True, high_open=True)
    tolerance = check_tolerance(tol)
    game = _meta_game(matrix, kind, float(clip), tolerance)
    n = game.shape[0]
    names = _agent_names(agents, n)
    scale = float(np.abs(game).max())
    scaled = game / scale if scale > 0.0 else game
    support, witness, first = _equilibrium_support(scaled)
    # At the limits of the resolution (see the module documentation) the support search can
    # let in an agent by rounding; then the next candidate that is an equilibrium stands.
    for candidate in (_max_entropy(scaled, support, witness), witness, first):
        if candidate is not None and candidate.min() >= 0.0 and _is_equilibrium(candidate, scaled):
            strategy = candidate
            break
    else:
        strategy = first
    support = np.flatnonzero(strategy > 0.0).astype(np.int64)
    ratings = game @ strategy
    return NashAverage(
        strategy=readonly(strategy),
        ratings=readonly(ratings),
        support=readonly(support),
        game=readonly(game),
        agents=names,
    )

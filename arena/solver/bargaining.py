"""Yardsticks for two-player bargaining: the Nash bargaining solution and Rubinstein's split.

Both answer "what should each side get?" for the arena's bargaining games (a buyer and a
seller haggling over a price, alternating offers, multi-issue splits):

* :func:`nash_bargaining_solution`, the axiomatic answer: the (generalised) Nash solution of a
  pie of given size or of any feasible set given by utility points (their convex hull);
* :func:`rubinstein_split`, the strategic answer: the subgame-perfect split of Rubinstein's
  alternating-offers game with discount factors, an impasse (disagreement) point and outside
  options, also in the buyer-seller price form.

A bargain that cannot make both sides better off is a result, not an error: a buyer whose
value is below the seller's cost simply does not trade (``agreement`` is False).

Scale: both solutions are invariant to rescaling utilities. The Nash solution is computed with
each player's utilities brought to unit scale by an exact power of two, so its hull is found
without overflow or underflow from subnormal utilities up to ``1e308``; Rubinstein's split is
linear in the pie, the impasse point and the outside options.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from numba import njit

from arena.solver._validation import (
    _as_float_array,
    as_payoff_matrix,
    check_int,
    check_real,
    unit_scale,
)
from arena.solver.results import readonly

__all__ = [
    "BargainingSolution",
    "FiniteHorizonSplit",
    "RubinsteinSplit",
    "finite_horizon_split",
    "nash_bargaining_solution",
    "rubinstein_split",
]

_AGREEMENT = 0
_NO_AGREEMENT = 1

Outcome = Literal["agreement", "impasse", "outside_option"]


@dataclass(frozen=True, eq=False)
class BargainingSolution:
    """The Nash bargaining solution of a two-player bargaining problem.

    Attributes
    ----------
    utilities : ndarray, shape (2,)
        The players' utilities at the solution; the disagreement point when there is no
        agreement.
    gains : ndarray, shape (2,)
        ``utilities - disagreement``: what each player gains by agreeing (zeros when there is
        no agreement).
    weights : ndarray, shape (k,)
        Convex weights on the ``k`` feasible points whose mixture is the solution (at most two
        are nonzero: the ends of the Pareto edge it lies on). Since utilities are linear in
        the mixture, the same weights on the allocations behind the points (the corner deals
        of a multi-issue split, say) give a deal that attains the solution. For a pie, whose
        points are ``(pie, 0)`` and ``(0, pie)``, they are the players' shares of the pie.
        All NaN when there is no agreement.
    agreement : bool
        True when some feasible point gives both players strictly more than the disagreement
        point; otherwise nothing is agreed and each player keeps the disagreement payoff.
    power : float
        Player 0's bargaining power ``a`` (player 1's is ``1 - a``).
    """

    utilities: np.ndarray
    gains: np.ndarray
    weights: np.ndarray
    agreement: bool
    power: float


@dataclass(frozen=True, eq=False)
class RubinsteinSplit:
    """The subgame-perfect outcome of Rubinstein's alternating-offers game.

    Attributes
    ----------
    shares : ndarray, shape (2,)
        The split of the pie agreed at once (in the first period) in the unique subgame-perfect
        equilibrium; all NaN when the players do not agree. In the price form these are the
        seller's and the buyer's gains from trade.
    payoffs : ndarray, shape (2,)
        The players' equilibrium payoffs: ``shares`` on agreement, the disagreement
        (impasse) values on an impasse, the outside options when a player opts out.
    outcome : {"agreement", "impasse", "outside_option"}
        ``"agreement"``: immediate agreement on ``shares``. ``"impasse"``: no split gives both
        more than their disagreement values, so no offer is ever accepted. ``"outside_option"``:
        the outside options add up to the pie or more, so the first responder opts out.
    first : int
        The player who proposes first (0 or 1).
    price : float or None
        The agreed price ``cost + shares[0]`` in the buyer-seller form; None when the game was
        given as a pie or when there is no trade.
    """

    shares: np.ndarray
    payoffs: np.ndarray
    outcome: Outcome
    first: int
    price: float | None

    @property
    def agreement(self) -> bool:
        """True when the players agree at once (``outcome == "agreement"``)."""
        return self.outcome == "agreement"


@njit(cache=True)
def _nash_on_hull(
    points: np.ndarray,
    d1: float,
    d2: float,
    power: float,
    hull: np.ndarray,
    utilities: np.ndarray,
    weights: np.ndarray,
) -> int:
    """Generalised Nash solution over the convex hull of ``points`` (sorted by u1, then u2).

    Builds the upper hull from right to left (monotone chain), keeps its strictly Pareto part
    (u2 rising as u1 falls) and solves the edge that holds the optimum in closed form.
    Writes ``utilities`` and ``weights`` (on the sorted points); returns 0 on agreement and
    1 when no point gives both players strictly more than ``(d1, d2)``.
    """
    k = points.shape[0]
    h = 0
    for idx in range(k - 1, -1, -1):
        x = points[idx, 0]
        y = points[idx, 1]
        while h >= 2:
            o = hull[h - 2]
            a = hull[h - 1]
            cross = (points[a, 0] - points[o, 0]) * (y - points[o, 1]) - (
                points[a, 1] - points[o, 1]
            ) * (x - points[o, 0])
            if cross <= 0.0:
                h -= 1
            else:
                break
        hull[h] = idx
        h += 1
    # hull[0] has the largest u1 (and the largest u2 among those); the Pareto frontier runs
    # from it while u2 strictly rises.
    m = 1
    while m < h and points[hull[m], 1] > points[hull[m - 1], 1]:
        m += 1
    for i in range(k):
        weights[i] = 0.0
    if m == 1:
        top = hull[0]
        if points[top, 0] > d1 and points[top, 1] > d2:
            utilities[0] = points[top, 0]
            utilities[1] = points[top, 1]
            weights[top] = 1.0
            return _AGREEMENT
        return _NO_AGREEMENT
    # Walk the frontier from its top-left end. The part where both gains are positive is one
    # arc, along which the log Nash product is concave (a concave frontier), so the first
    # edge whose stationary point falls before its right end holds the maximum; if none does,
    # the maximum is the arc's right end. No logarithms are compared, so a power within
    # rounding of 0 or 1 cannot turn a boundary optimum into -inf.
    found = False
    best_p = -1
    best_q = -1
    best_t = 0.0
    for s in range(m - 2, -1, -1):
        p = hull[s + 1]  # smaller u1, larger u2
        q = hull[s]
        del1 = points[q, 0] - points[p, 0]  # > 0
        del2 = points[q, 1] - points[p, 1]  # < 0
        g1 = points[p, 0] - d1
        g2 = points[p, 1] - d2
        # u(t) = (1 - t) p + t q; both gains are positive for lo < t < hi.
        lo = -g1 / del1
        hi = -g2 / del2
        if not (lo < hi and lo < 1.0 and hi > 0.0):
            if found:
                break
            continue
        # Stationary point of a log(u1 - d1) + (1 - a) log(u2 - d2) along the edge's line (an
        # end of (lo, hi) when a is 0 or 1), clipped to the edge.
        stationary = -(power * del1 * g2 + (1.0 - power) * del2 * g1) / (del1 * del2)
        hi_t = min(hi, 1.0)
        found = True
        best_p = p
        best_q = q
        best_t = min(max(stationary, max(lo, 0.0)), hi_t)
        if stationary < hi_t:
            break
    if not found:
        return _NO_AGREEMENT
    utilities[0] = (1.0 - best_t) * points[best_p, 0] + best_t * points[best_q, 0]
    utilities[1] = (1.0 - best_t) * points[best_p, 1] + best_t * points[best_q, 1]
    weights[best_p] = 1.0 - best_t
    weights[best_q] = best_t
    return _AGREEMENT


def _as_pair(value: Any, name: str) -> np.ndarray:
    pair = _as_float_array(value, name)
    if pair.shape != (2,):
        raise ValueError(f"{name} must hold one number per player (2), got shape {pair.shape}")
    return pair


def nash_bargaining_solution(
    feasible: float | npt.ArrayLike = 1.0,
    disagreement: npt.ArrayLike = (0.0, 0.0),
    power: float = 0.5,
) -> BargainingSolution:
    r"""The (generalised) Nash bargaining solution of a two-player problem.

    Among the feasible utility pairs ``u`` with ``u >= d`` it picks the one maximising the Nash
    product

    .. math:: (u_0 - d_0)^{a} \, (u_1 - d_1)^{1 - a},

    where ``d`` is the disagreement point and ``a`` player 0's bargaining power (``a = 1/2``:
    Nash's symmetric solution). The feasible set is the convex hull of the given utility points
    (lotteries or mixtures of deals). The solution lies on the hull's Pareto frontier; on each
    frontier edge ``u(t) = (1 - t) p + t q`` the logarithm of the product is concave in ``t``
    with its stationary point

    .. math:: t^* = -\frac{a \Delta_0 (p_1 - d_1) + (1 - a) \Delta_1 (p_0 - d_0)}
                         {\Delta_0 \Delta_1}, \qquad \Delta = q - p,

    clipped to the part of the edge that gives both players strictly more than ``d``. Along
    the whole frontier the logarithm is concave, so the optimum lies on the first edge (from
    the top-left end) whose stationary point falls before the edge's right end. For a pie of
    size ``s`` split with linear utilities this gives ``u_i = d_i + a_i (s - d_0 - d_1)``,
    clipped so that no share is negative. For ``a`` in ``{0, 1}`` it returns the limit: the
    favoured player gets the most the other accepts.

    When no feasible point gives both players strictly more than ``d`` (a buyer whose value is
    below the seller's cost: a pie of size ``value - cost <= 0``) there is no agreement; the
    result says so (``agreement`` False) and keeps ``d`` as the utilities. This is an outcome,
    not an error.

    Parameters
    ----------
    feasible : float or array_like, shape (k, 2), default 1.0
        A real number: the size of a pie split between the players with linear utilities (the
        feasible points are ``(pie, 0)`` and ``(0, pie)``). It may be zero or negative (a buyer
        whose value is below the seller's cost), which leaves nothing to gain unless the
        disagreement point is worse still. An array: ``k >= 1`` utility points ``(u_0, u_1)``
        whose convex hull is the feasible set (for a multi-issue split, the utilities of its
        corner deals).
    disagreement : array_like, shape (2,), default (0, 0)
        The disagreement point ``d``: each player's utility if they do not agree. It need not
        be feasible.
    power : float, default 0.5
        Player 0's bargaining power ``a`` in ``[0, 1]``.

    Returns
    -------
    BargainingSolution
        Utilities, gains, weights on the feasible points (for a pie: the shares) and whether
        the players agree.

    Raises
    ------
    TypeError
        If an argument is not made of real numbers.
    ValueError
        If ``feasible`` is not a number or a ``(k, 2)`` array, ``disagreement`` is not a pair,
        any number is not finite, or ``power`` is outside ``[0, 1]``.

    References
    ----------
    J. F. Nash, "The bargaining problem", Econometrica 18(2), 155-162, 1950.
    E. Kalai, "Nonsymmetric Nash solutions and replications of 2-person bargaining",
    International Journal of Game Theory 6(3), 129-133, 1977.
    M. J. Osborne and A. Rubinstein, *Bargaining and Markets*, Academic Press, 1990, ch. 2.

    Examples
    --------
    Splitting 10 when the players walk away with 2 and 3: each gets half the surplus of 5.

    >>> solution = nash_bargaining_solution(10.0, disagreement=(2.0, 3.0))
    >>> np.round(solution.utilities, 6), np.round(solution.weights, 6)
    (array([4.5, 5.5]), array([0.45, 0.55]))

    With bargaining power 0.8 player 0 takes 80 per cent of the surplus:

    >>> np.round(nash_bargaining_solution(10.0, (2.0, 3.0), power=0.8).utilities, 6)
    array([6., 4.])

    A buyer who values the good at 4 and a seller whose cost is 6 have nothing to split:

    >>> nash_bargaining_solution(4.0 - 6.0).agreement
    False

    Two issues: player 0 values issue A at 1 and B at 2, player 1 the reverse; player 0 can
    walk away with 1.5. The corner deals (both issues to player 0, A to 0 and B to 1, B to 0
    and A to 1, both to player 1) give the utility points below. Player 0 gets B and a quarter
    of A (weight 0.25 on "both to player 0", 0.75 on "B to 0, A to 1"):

    >>> deals = [[3, 0], [1, 1], [2, 2], [0, 3]]
    >>> solution = nash_bargaining_solution(deals, disagreement=(1.5, 0.0))
    >>> np.round(solution.utilities, 6), np.round(solution.weights, 6)
    (array([2.25, 1.5 ]), array([0.25, 0.  , 0.75, 0.  ]))
    """
    if isinstance(feasible, np.ndarray) and feasible.ndim == 0:
        feasible = feasible.item()
    if isinstance(feasible, int | float | np.integer | np.floating) and not isinstance(
        feasible, bool
    ):
        pie = check_real("feasible", feasible)
        points = np.array([[pie, 0.0], [0.0, pie]])
    elif isinstance(feasible, bool):
        raise TypeError("feasible must be a pie size or an array of utility points, not bool")
    else:
        points = as_payoff_matrix(feasible, "feasible")
        if points.shape[1] != 2:
            raise ValueError(
                f"feasible must be a pie size or utility points of shape (k, 2), "
                f"got shape {points.shape}"
            )
    d = _as_pair(disagreement, "disagreement")
    a = check_real("power", power, 0.0, 1.0)

    # Each player's utilities at unit scale (an exact power of two each; the solution is
    # invariant to such maps), so that the hull's cross products neither overflow nor
    # underflow whatever the utilities' scale.
    unit, exponents, _ = unit_scale(np.vstack([points, d]).T)
    unit_points, unit_d = unit[:, :-1].T, unit[:, -1]
    order = np.lexsort((unit_points[:, 1], unit_points[:, 0]))
    ordered = np.ascontiguousarray(unit_points[order])
    hull = np.empty(ordered.shape[0], dtype=np.int64)
    unit_utilities = np.empty(2)
    sorted_weights = np.empty(ordered.shape[0])
    status = _nash_on_hull(
        ordered, float(unit_d[0]), float(unit_d[1]), a, hull, unit_utilities, sorted_weights
    )
    if status != _AGREEMENT:
        return BargainingSolution(
            utilities=readonly(d.copy()),
            gains=readonly(np.zeros(2)),
            weights=readonly(np.full(points.shape[0], np.nan)),
            agreement=False,
            power=a,
        )
    weights = np.empty(points.shape[0])
    weights[order] = sorted_weights
    return BargainingSolution(
        utilities=readonly(np.ldexp(unit_utilities, exponents)),
        gains=readonly(np.ldexp(unit_utilities - unit_d, exponents)),
        weights=readonly(weights),
        agreement=True,
        power=a,
    )


def _proposer_gains(
    surplus: float, delta_i: float, delta_j: float, option_i: float, option_j: float
) -> tuple[float, float]:
    """Stationary gains (over the impasse point) of each player when proposing.

    Solves ``g_i = S - max(o_j, delta_j g_j)`` and ``g_j = S - max(o_i, delta_i g_i)``: the
    proposer keeps what the responder cannot get by opting out (``o``) or by rejecting and
    proposing next period. The map is a contraction (modulus ``max(delta) < 1``), so exactly
    one of the four cases (each responder's option binding or not) is its fixed point; we take
    the case with the smallest residual, which is robust at the boundaries between cases.
    """
    denominator = 1.0 - delta_i * delta_j
    rubinstein = (surplus * (1.0 - delta_j) / denominator, surplus * (1.0 - delta_i) / denominator)
    if option_i == -np.inf and option_j == -np.inf:
        return rubinstein
    candidates = [
        rubinstein,
        (surplus - option_j, surplus - delta_i * (surplus - option_j)),
        (surplus - delta_j * (surplus - option_i), surplus - option_i),
        (surplus - option_j, surplus - option_i),
    ]
    best = rubinstein
    best_residual = np.inf
    for g_i, g_j in candidates:
        residual = max(
            abs(g_i - (surplus - max(option_j, delta_j * g_j))),
            abs(g_j - (surplus - max(option_i, delta_i * g_i))),
        )
        if residual < best_residual:
            best, best_residual = (g_i, g_j), residual
    return best


def rubinstein_split(
    delta1: float,
    delta2: float,
    pie: float | None = None,
    *,
    first: int = 0,
    disagreement: npt.ArrayLike = (0.0, 0.0),
    outside_options: npt.ArrayLike | None = None,
    cost: float | None = None,
    value: float | None = None,
) -> RubinsteinSplit:
    r"""Subgame-perfect split of Rubinstein's alternating-offers bargaining game.

    The model (Rubinstein 1982, with the impasse point and outside options of Binmore,
    Rubinstein & Wolinsky 1986 and Osborne & Rubinstein 1990, ch. 3-4). Players 0 and 1
    split a pie of size ``pie``. In periods ``t = 0, 1, 2, ...`` the proposer (``first`` in even
    periods, the other player in odd ones) offers a split; the responder accepts, which ends
    the game, or rejects. After rejecting, the responder may opt out, which ends the game with
    the outside options ``e`` (if given). Agreement on ``x`` in period ``t`` is worth

    .. math:: d_i + \delta_i^t (x_i - d_i)

    to player ``i``, opting out in period ``t`` is worth ``d_i + delta_i^t (e_i - d_i)`` and
    perpetual disagreement ``d_i``: ``d`` is the impasse point, what each player gets while
    talks drag on (with flow ``(1 - delta_i) d_i`` a period). With ``d = 0`` and no outside
    options this is Rubinstein's game. An indifferent responder accepts, and prefers opting out
    to rejecting when those tie.

    With surplus ``S = pie - d_0 - d_1 > 0`` and, if options are given, ``e_0 + e_1 < pie``,
    the unique subgame-perfect equilibrium is immediate agreement: the proposer ``i`` keeps
    ``d_i + g_i`` and the responder ``j`` gets ``pie - d_i - g_i``, where the gains solve

    .. math:: g_i = S - \max(e_j - d_j, \delta_j g_j), \qquad
              g_j = S - \max(e_i - d_i, \delta_i g_i).

    Without binding outside options this is Rubinstein's
    ``g_i = S (1 - delta_j) / (1 - delta_i delta_j)``; a binding option gives its owner exactly
    ``e_j`` (the outside option principle). As the period length shrinks
    (``delta_i = exp(-r_i h)``, ``h -> 0``) the split tends to the generalised Nash solution
    with disagreement point ``d`` and power ``r_1 / (r_0 + r_1)`` for player 0, subject to
    the outside options (Binmore, Rubinstein & Wolinsky 1986). With ``delta_0 = delta_1 = 1 - p``
    the same equations describe their model with a risk ``p`` of breakdown after each rejection
    and breakdown payoffs ``d``.

    Otherwise there is no agreement: with no outside options and ``S <= 0`` no offer is ever
    accepted (``"impasse"``, payoffs ``d``); with ``e_0 + e_1 >= pie`` the first responder opts
    out (``"outside_option"``, payoffs ``e``).

    Price form: give ``cost`` (the seller's) and ``value`` (the buyer's) instead of ``pie``.
    Player 0 is then the seller and player 1 the buyer, the pie is the gains from trade
    ``value - cost`` (``d`` and ``e`` are gains over not trading), and the agreed price is
    ``cost + shares[0]``; a buyer whose value does not exceed the cost does not trade.

    Parameters
    ----------
    delta1, delta2 : float
        Discount factors of players 0 and 1, in ``[0, 1)``.
    pie : float, optional
        Size of the pie, ``>= 0`` (default 1). Not with ``cost`` and ``value``.
    first : int, default 0
        The player who makes the first offer, 0 or 1.
    disagreement : array_like, shape (2,), default (0, 0)
        Impasse payoffs ``d >= 0``.
    outside_options : array_like, shape (2,), optional
        Outside options ``e`` with ``e >= d`` (an option worse than the impasse is never taken;
        leave it at ``d``). None: nobody can opt out.
    cost, value : float, optional
        The seller's cost and the buyer's value (price form); give both or neither.

    Returns
    -------
    RubinsteinSplit
        Shares, payoffs, outcome and, in the price form, the agreed price.

    Raises
    ------
    TypeError
        If a number is not a real number, or ``first`` is not an integer.
    ValueError
        If a discount factor is outside ``[0, 1)``, ``first`` is not 0 or 1, ``pie`` is
        negative, ``d`` is negative, ``e < d``, or ``pie`` is given with ``cost``/``value`` or
        only one of those is given.

    References
    ----------
    A. Rubinstein, "Perfect equilibrium in a bargaining model", Econometrica 50(1), 97-109,
    1982.
    I. Stahl, *Bargaining Theory*, Stockholm School of Economics, 1972 (finite horizon).
    K. Binmore, A. Rubinstein and A. Wolinsky, "The Nash bargaining solution in economic
    modelling", RAND Journal of Economics 17(2), 176-188, 1986.
    M. J. Osborne and A. Rubinstein, *Bargaining and Markets*, Academic Press, 1990, ch. 3-4.
    A. Muthoo, *Bargaining Theory with Applications*, Cambridge University Press, 1999
    (inside and outside options).
    C. Ponsati and J. Sakovics, "Rubinstein bargaining with two-sided outside options",
    Economic Theory 11(3), 667-672, 1998 (why only the responder may opt out here: if either
    player may quit after a rejection, equilibrium is no longer unique).

    Examples
    --------
    Equal patience: the first proposer's edge is ``1 / (1 + delta)``.

    >>> split = rubinstein_split(0.9, 0.9)
    >>> np.round(split.shares, 6)
    array([0.526316, 0.473684])

    A seller (cost 4, discount 0.9) and a buyer (value 10, discount 0.8); the seller opens:

    >>> haggle = rubinstein_split(0.9, 0.8, cost=4.0, value=10.0)
    >>> round(haggle.price, 6)
    8.285714

    A buyer with an outside offer worth 3 of the 6 gains gets exactly that:

    >>> haggle = rubinstein_split(0.9, 0.8, cost=4.0, value=10.0, outside_options=(0.0, 3.0))
    >>> round(haggle.price, 6), np.round(haggle.shares, 6)
    (7.0, array([3., 3.]))

    No gains from trade, no trade:

    >>> nothing = rubinstein_split(0.9, 0.9, cost=10.0, value=8.0)
    >>> nothing.outcome, nothing.price
    ('impasse', None)
    """
    delta = (
        check_real("delta1", delta1, 0.0, 1.0, high_open=True),
        check_real("delta2", delta2, 0.0, 1.0, high_open=True),
    )
    proposer = check_int("first", first, 0, 1)
    price_form = cost is not None or value is not None
    seller_cost = 0.0
    if price_form:
        if cost is None or value is None:
            raise ValueError("give both cost and value for the price form, or neither")
        if pie is not None:
            raise ValueError("give either pie or cost and value, not both")
        seller_cost = check_real("cost", cost)
        size = check_real("value", value) - seller_cost
    else:
        size = 1.0 if pie is None else check_real("pie", pie, 0.0)
    d = _as_pair(disagreement, "disagreement")
    if np.any(d < 0.0):
        raise ValueError(f"disagreement must be nonnegative, got {d.tolist()}")
    options: np.ndarray | None = None
    if outside_options is not None:
        options = _as_pair(outside_options, "outside_options")
        if np.any(options < d):
            raise ValueError(
                "outside_options must be at least the disagreement values (an option worse than "
                f"the impasse is never taken), got {options.tolist()} and {d.tolist()}"
            )

    surplus = size - float(d[0]) - float(d[1])
    nan_pair = np.full(2, np.nan)
    if options is not None and float(options[0]) + float(options[1]) >= size:
        return RubinsteinSplit(
            shares=readonly(nan_pair),
            payoffs=readonly(options.copy()),
            outcome="outside_option",
            first=proposer,
            price=None,
        )
    if surplus <= 0.0:
        return RubinsteinSplit(
            shares=readonly(nan_pair),
            payoffs=readonly(d.copy()),
            outcome="impasse",
            first=proposer,
            price=None,
        )
    responder = 1 - proposer
    if options is None:
        option = (-np.inf, -np.inf)
    else:
        option = (float(options[0] - d[0]), float(options[1] - d[1]))
    gain, _ = _proposer_gains(
        surplus, delta[proposer], delta[responder], option[proposer], option[responder]
    )
    shares = np.empty(2)
    shares[proposer] = float(d[proposer]) + gain
    shares[responder] = float(d[responder]) + (surplus - gain)
    price = seller_cost + float(shares[0]) if price_form else None
    return RubinsteinSplit(
        shares=readonly(shares),
        payoffs=readonly(shares.copy()),
        outcome="agreement",
        first=proposer,
        price=price,
    )


@dataclass(frozen=True, eq=False)
class FiniteHorizonSplit:
    """The subgame-perfect outcome of alternating offers with a last period.

    Attributes
    ----------
    keeps : ndarray, shape (horizon,)
        ``keeps[t]``: what the proposer of period ``t`` keeps in the equilibrium of the
        subgame that starts there (the responder is offered ``pie - keeps[t]`` and accepts).
    shares : ndarray, shape (2,)
        The split agreed at once, in period 0 (player order).
    payoffs : ndarray, shape (2,)
        The players' equilibrium payoffs (``shares``: agreement is immediate).
    first : int
        The player who proposes in period 0.
    discount : ndarray, shape (2,)
        The players' discount factors.
    """

    keeps: np.ndarray
    shares: np.ndarray
    payoffs: np.ndarray
    first: int
    discount: np.ndarray

    def accepts(self, period: int, offered: float, tol: float = 1e-9) -> bool:
        """Whether the responder of ``period`` accepts being offered ``offered`` in it: at
        least what it keeps as the next proposer, discounted (anything in the last period).
        ``tol`` absorbs the rounding of the offer."""
        horizon = self.keeps.shape[0]
        if period >= horizon - 1:
            return offered >= -tol
        responder = 1 - (self.first if period % 2 == 0 else 1 - self.first)
        return offered >= self.discount[responder] * self.keeps[period + 1] - tol


def finite_horizon_split(
    pie: float, discount: npt.ArrayLike, horizon: int, *, first: int = 0
) -> FiniteHorizonSplit:
    r"""Subgame-perfect split of alternating offers that end after ``horizon`` periods.

    Players 0 and 1 split ``pie``; in period ``t`` the proposer (``first`` in even periods) offers
    a split, the responder accepts (agreement on ``x`` is worth ``delta_i^t x_i``) or rejects;
    after period ``horizon - 1`` the game ends with nothing for either. Backward induction
    (Stahl 1972): in the last period the proposer keeps the pie (an indifferent responder
    accepts), and in period ``t`` it keeps what the responder ``j`` would not get by waiting,

    .. math:: k_t = \text{pie} - \delta_j\, k_{t+1}.

    ``horizon = 1`` is the ultimatum game (the proposer keeps everything). As the horizon
    grows, ``k_0`` tends to Rubinstein's ``pie (1 - delta_j) / (1 - delta_i delta_j)``
    (:func:`rubinstein_split`); with ``delta = 1`` it alternates between ``pie`` and 0 by the
    parity of the horizon: the last proposer takes all.

    >>> split = finite_horizon_split(100.0, [0.9, 0.9], 2)
    >>> split.keeps.round(9).tolist(), split.shares.round(9).tolist()
    ([10.0, 100.0], [10.0, 90.0])
    """
    size = check_real("pie", pie, 0.0)
    deltas = _as_float_array(discount, "discount")
    if deltas.shape != (2,) or not np.all((deltas > 0.0) & (deltas <= 1.0)):
        raise ValueError(f"discount must be two factors in (0, 1], got {deltas.tolist()}")
    periods = check_int("horizon", horizon, 1)
    proposer0 = check_int("first", first, 0, 1)
    keeps = np.empty(periods)
    keeps[-1] = size
    for t in range(periods - 2, -1, -1):
        responder = 1 - proposer0 if t % 2 == 0 else proposer0
        keeps[t] = size - deltas[responder] * keeps[t + 1]
    shares = np.empty(2)
    shares[proposer0] = keeps[0]
    shares[1 - proposer0] = size - keeps[0]
    return FiniteHorizonSplit(
        readonly(keeps),
        readonly(shares),
        readonly(shares.copy()),
        proposer0,
        readonly(deltas.copy()),
    )

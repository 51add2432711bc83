"""Equilibrium bids and expected outcomes of symmetric auctions with uniform private values.

The yardstick for the arena's auctions (sealed-bid first and second price, English, Dutch,
all-pay): ``n`` bidders draw independent private values uniform on ``[0, upper]``; the seller
accepts no bid below the reserve price ``r`` (the minimum bid, in every format). The
functions give the symmetric Bayes-Nash equilibrium bid of each format and the expected
revenue, surplus and efficiency of the equilibrium.

A bidder who does not take part (value too low for the reserve) is given a bid of 0: she
pays nothing and never wins, since every winning bid is at least ``r``, and with ``r = 0``
the bid of a zero value is 0 anyway. Arrays of bids therefore stay finite and can be summed.

The English (ascending clock) auction is strategically the second-price auction (drop out at
your value) and the Dutch (descending clock) auction is the first-price auction (stop the
clock at your first-price bid), so :func:`second_price_bid` and :func:`first_price_bid` give
their strategies and :func:`expected_revenue` accepts ``"english"`` and ``"dutch"``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from arena.solver._validation import _as_float_array, check_int, check_real

__all__ = [
    "AuctionOutcome",
    "all_pay_bid",
    "bid_rule",
    "expected_outcome",
    "expected_revenue",
    "first_price_bid",
    "second_price_bid",
]

_FORMATS: tuple[str, ...] = ("first_price", "second_price", "all_pay", "english", "dutch")


@dataclass(frozen=True, eq=False)
class AuctionOutcome:
    """Expected outcome of a symmetric auction played in equilibrium (seller's value 0).

    Attributes
    ----------
    revenue : float
        The seller's expected revenue.
    bidder_surplus : float
        The bidders' total expected surplus (value won minus payments); each bidder gets
        ``bidder_surplus / n_bidders``.
    welfare : float
        Expected total surplus, ``revenue + bidder_surplus``: the expected value of the
        winner (0 when the good is not sold).
    sale_probability : float
        Probability that the good is sold (some bidder takes part).
    efficiency : float
        ``welfare`` over the first-best expected welfare ``n upper / (n + 1)`` (the highest
        value always gets the good): below 1 only because the reserve keeps some sales out.
    entry_value : float
        The lowest value that takes part: the reserve in first- and second-price auctions,
        ``(reserve * upper**(n - 1)) ** (1 / n)`` in an all-pay auction.
    """

    revenue: float
    bidder_surplus: float
    welfare: float
    sale_probability: float
    efficiency: float
    entry_value: float


def _check_setting(n_bidders: Any, upper: Any, reserve: Any) -> tuple[int, float, float]:
    n = check_int("n_bidders", n_bidders, 2)
    top = check_real("upper", upper, 0.0, low_open=True)
    minimum = check_real("reserve", reserve, 0.0, top)
    return n, top, minimum


def _as_values(values: Any, upper: float) -> np.ndarray:
    array = _as_float_array(values, "values").reshape(np.shape(values))
    outside = (array < 0.0) | (array > upper)
    if np.any(outside):
        where = tuple(int(i) for i in np.argwhere(outside)[0])
        raise ValueError(f"values must be in [0, {upper:g}]; entry {where} is {array[where]}")
    return array


def _shaped(bids: np.ndarray, values: Any) -> Any:
    """A float for a scalar input (a number), an array of the input's shape otherwise."""
    if not isinstance(values, np.ndarray) and bids.ndim == 0:
        return float(bids)
    return bids


@overload
def first_price_bid(
    values: float, n_bidders: int, upper: float = 1.0, reserve: float = 0.0
) -> float: ...
@overload
def first_price_bid(
    values: npt.ArrayLike, n_bidders: int, upper: float = 1.0, reserve: float = 0.0
) -> np.ndarray: ...
def first_price_bid(
    values: npt.ArrayLike, n_bidders: int, upper: float = 1.0, reserve: float = 0.0
) -> Any:
    r"""Symmetric Bayes-Nash equilibrium bid in a first-price (or Dutch) auction.

    With ``n`` values iid uniform on ``[0, upper]`` and reserve ``r``, a bidder with value
    ``v >= r`` bids the expectation of the price she would pay in a second-price auction when
    she wins, ``E[max(Y, r) | Y < v]`` with ``Y`` the highest of the other values:

    .. math:: \beta(v) = v - \frac{\int_r^v G(y)\,dy}{G(v)}
                       = v - \frac{v^n - r^n}{n v^{n-1}}
                       = \frac{n - 1}{n} v + \frac{r^n}{n v^{n-1}},
              \qquad G(y) = (y / \bar v)^{n-1}.

    The bid does not depend on ``upper`` (it only bounds the values), and ``beta(r) = r``.
    Values below ``r`` do not bid (bid 0).

    Parameters
    ----------
    values : float or array_like
        Bidders' values, each in ``[0, upper]``.
    n_bidders : int
        Number of bidders, ``>= 2``.
    upper : float, default 1.0
        Upper end of the value distribution, ``> 0``.
    reserve : float, default 0.0
        Reserve price (minimum bid) in ``[0, upper]``.

    Returns
    -------
    float or ndarray
        The equilibrium bid of each value: a float for a number, an array of the same shape
        for an array.

    Raises
    ------
    TypeError
        If an argument is not made of numbers (``n_bidders``: an integer).
    ValueError
        If ``n_bidders < 2``, ``upper <= 0``, ``reserve`` is outside ``[0, upper]`` or a value
        is outside ``[0, upper]`` or not finite.

    References
    ----------
    W. Vickrey, "Counterspeculation, auctions, and competitive sealed tenders", Journal of
    Finance 16(1), 8-37, 1961.
    V. Krishna, *Auction Theory*, 2nd ed., Academic Press, 2010, ch. 2 (reserve prices: §2.5).

    Examples
    --------
    >>> first_price_bid(0.8, n_bidders=2)
    0.4
    >>> np.round(first_price_bid([0.3, 0.5, 0.8], n_bidders=2, reserve=0.5), 6)
    array([0.     , 0.5    , 0.55625])
    """
    n, top, r = _check_setting(n_bidders, upper, reserve)
    v = _as_values(values, top)
    takes_part = v >= r
    ratio = np.divide(r, v, out=np.zeros_like(v), where=takes_part & (v > 0.0))
    bids = np.where(takes_part, v * ((n - 1) + ratio**n) / n, 0.0)
    return _shaped(bids, values)


@overload
def all_pay_bid(
    values: float, n_bidders: int, upper: float = 1.0, reserve: float = 0.0
) -> float: ...
@overload
def all_pay_bid(
    values: npt.ArrayLike, n_bidders: int, upper: float = 1.0, reserve: float = 0.0
) -> np.ndarray: ...
def all_pay_bid(
    values: npt.ArrayLike, n_bidders: int, upper: float = 1.0, reserve: float = 0.0
) -> Any:
    r"""Symmetric Bayes-Nash equilibrium bid in an all-pay auction.

    Every bidder pays her bid; the highest bid wins. With a minimum bid ``r`` a bidder takes
    part only if her value ``v`` satisfies ``v G(v) >= r`` (a bid of ``r`` wins only when nobody
    else takes part, probability ``G(v) = (v / upper)^(n-1)``, and is paid regardless), so the
    lowest value that bids is ``v* = (r upper^(n-1))^(1/n) >= r``. By revenue equivalence
    (Myerson 1981; Krishna 2010, ch. 3) the bid equals the expected payment of the
    second-price mechanism with the same entry value,

    .. math:: \beta(v) = v^* G(v^*) + \int_{v^*}^{v} y \, dG(y)
                       = r + \frac{n - 1}{n} \frac{v^n - {v^*}^n}{\bar v^{\,n-1}}
                       = \frac{(n - 1) v^n + r \bar v^{\,n-1}}{n \bar v^{\,n-1}},

    and one checks directly that it is a best response: ``v g(w) = beta'(w)`` only at ``w = v``
    and a value below ``v*`` loses by bidding. Without a reserve it is Krishna's
    ``((n - 1) / n) v^n / upper^(n-1)``. Values below ``v*`` do not bid (bid 0).

    Parameters
    ----------
    values : float or array_like
        Bidders' values, each in ``[0, upper]``.
    n_bidders : int
        Number of bidders, ``>= 2``.
    upper : float, default 1.0
        Upper end of the value distribution, ``> 0``.
    reserve : float, default 0.0
        Minimum bid in ``[0, upper]``.

    Returns
    -------
    float or ndarray
        The equilibrium bid of each value: a float for a number, an array of the same shape
        for an array.

    Raises
    ------
    TypeError
        If an argument is not made of numbers (``n_bidders``: an integer).
    ValueError
        If ``n_bidders < 2``, ``upper <= 0``, ``reserve`` is outside ``[0, upper]`` or a value
        is outside ``[0, upper]`` or not finite.

    References
    ----------
    V. Krishna, *Auction Theory*, 2nd ed., Academic Press, 2010, ch. 3 (revenue equivalence,
    all-pay auctions).
    R. B. Myerson, "Optimal auction design", Mathematics of Operations Research 6(1), 58-73,
    1981.

    Examples
    --------
    >>> round(all_pay_bid(0.8, n_bidders=2), 6)
    0.32

    With a minimum bid of 0.25 and two bidders only values of at least 0.5 take part:

    >>> np.round(all_pay_bid([0.4, 0.5, 0.8], n_bidders=2, reserve=0.25), 6)
    array([0.   , 0.25 , 0.445])
    """
    n, top, r = _check_setting(n_bidders, upper, reserve)
    v = _as_values(values, top)
    scaled = (v / top) ** n  # v G(v) / upper
    takes_part = top * scaled >= r
    bids = np.where(takes_part, ((n - 1) * top * scaled + r) / n, 0.0)
    return _shaped(bids, values)


def bid_rule(
    auction: str, n_bidders: int, upper: float = 1.0, reserve: float = 0.0
) -> Callable[[float], float]:
    """The equilibrium bid of one value at a time, the setting checked once: for a bidder
    asked round after round (the arena's ``equilibrium`` bidder), where checking every call
    would cost more than the bid. The same numbers as :func:`first_price_bid`,
    :func:`all_pay_bid` and :func:`second_price_bid` (a test compares them); a value outside
    ``[0, upper]`` is a ``ValueError``.

    >>> bid_rule("first_price", 2)(0.8)
    0.4
    """
    if auction not in _FORMATS:
        raise ValueError(f"auction must be one of {', '.join(_FORMATS)}; got {auction!r}")
    n, top, r = _check_setting(n_bidders, upper, reserve)

    def truthful(value: float) -> float:
        return value if value >= r else 0.0

    def first_price(value: float) -> float:  # beta(v) = v ((n - 1) + (r / v)^n) / n
        return value * ((n - 1) + (r / value) ** n) / n if value >= r and value > 0 else 0.0

    def all_pay(value: float) -> float:  # ((n - 1) upper (v / upper)^n + r) / n
        scaled = (value / top) ** n
        return ((n - 1) * top * scaled + r) / n if top * scaled >= r else 0.0

    bid = {"second_price": truthful, "english": truthful, "all_pay": all_pay}.get(
        auction, first_price
    )

    def rule(value: float) -> float:
        if not 0.0 <= value <= top:
            raise ValueError(f"values must be in [0, {top:g}]; got {value!r}")
        return float(bid(value))

    return rule


@overload
def second_price_bid(values: float, reserve: float = 0.0) -> float: ...
@overload
def second_price_bid(values: npt.ArrayLike, reserve: float = 0.0) -> np.ndarray: ...
def second_price_bid(values: npt.ArrayLike, reserve: float = 0.0) -> Any:
    """Truthful bid in a second-price (or English) auction: bid your value.

    Bidding one's value is weakly dominant whatever the others do and whatever the value
    distribution (Vickrey 1961), so no number of bidders or distribution is needed. In an
    English auction it is the price at which to drop out. Values below the reserve do not bid
    (bid 0): they could only win by paying more than their value.

    Parameters
    ----------
    values : float or array_like
        Bidders' values, each ``>= 0``.
    reserve : float, default 0.0
        Reserve price, ``>= 0``.

    Returns
    -------
    float or ndarray
        ``values`` where they reach the reserve, 0 elsewhere: a float for a number, an array
        of the same shape for an array.

    Raises
    ------
    TypeError
        If an argument is not made of numbers.
    ValueError
        If ``reserve`` or a value is negative or not finite.

    References
    ----------
    W. Vickrey, "Counterspeculation, auctions, and competitive sealed tenders", Journal of
    Finance 16(1), 8-37, 1961.
    V. Krishna, *Auction Theory*, 2nd ed., Academic Press, 2010, ch. 2.

    Examples
    --------
    >>> second_price_bid([0.2, 0.7], reserve=0.5)
    array([0. , 0.7])
    """
    r = check_real("reserve", reserve, 0.0)
    v = _as_values(values, np.inf)
    bids = np.where(v >= r, v, 0.0)
    return _shaped(bids, values)


def expected_outcome(
    n_bidders: int,
    auction: str = "first_price",
    upper: float = 1.0,
    reserve: float = 0.0,
) -> AuctionOutcome:
    r"""Expected revenue, surplus and efficiency of an auction played in equilibrium.

    In every format the highest value wins if it reaches the entry value ``v*`` (the reserve,
    or ``(r upper^(n-1))^(1/n)`` in an all-pay auction, see :func:`all_pay_bid`), so by revenue
    equivalence (Myerson 1981; Riley & Samuelson 1981) the expected revenue depends only on
    ``v*``. With ``s = v* / upper``:

    .. math:: R = \bar v \left(\frac{n - 1}{n + 1} + s^n - \frac{2n}{n + 1} s^{n+1}\right),
              \quad W = \bar v \frac{n}{n + 1} (1 - s^{n+1}),
              \quad P(\text{sale}) = 1 - s^n,

    with bidder surplus ``W - R`` and efficiency ``1 - s^(n+1)``. Revenue is largest at the
    reserve ``upper / 2`` in first- and second-price auctions (a minimum bid of
    ``upper / 2**n`` in an all-pay auction): Myerson's optimal auction for uniform values.

    Parameters
    ----------
    n_bidders : int
        Number of bidders, ``>= 2``.
    auction : {"first_price", "second_price", "all_pay", "english", "dutch"}
        The format; English behaves as second-price and Dutch as first-price.
    upper : float, default 1.0
        Upper end of the value distribution, ``> 0``.
    reserve : float, default 0.0
        Reserve price (minimum bid) in ``[0, upper]``.

    Returns
    -------
    AuctionOutcome

    Raises
    ------
    TypeError
        If ``auction`` is not a string or a number is of the wrong kind.
    ValueError
        If ``auction`` is not a known format, ``n_bidders < 2``, ``upper <= 0`` or
        ``reserve`` is outside ``[0, upper]``.

    References
    ----------
    R. B. Myerson, "Optimal auction design", Mathematics of Operations Research 6(1), 58-73,
    1981.
    J. G. Riley and W. F. Samuelson, "Optimal auctions", American Economic Review 71(3),
    381-392, 1981.
    V. Krishna, *Auction Theory*, 2nd ed., Academic Press, 2010, ch. 2-3.

    Examples
    --------
    >>> outcome = expected_outcome(2, "second_price", reserve=0.5)
    >>> round(outcome.revenue, 6), round(outcome.welfare, 6), outcome.sale_probability
    (0.416667, 0.583333, 0.75)
    """
    if not isinstance(auction, str):
        raise TypeError(f"auction must be a string, not {type(auction).__name__}")
    if auction not in _FORMATS:
        raise ValueError(f"auction must be one of {', '.join(_FORMATS)}; got {auction!r}")
    n, top, r = _check_setting(n_bidders, upper, reserve)
    s = r / top
    if auction == "all_pay":
        s = s ** (1.0 / n)
    revenue = top * ((n - 1) / (n + 1) + s**n - 2.0 * n * s ** (n + 1) / (n + 1))
    welfare = top * n / (n + 1) * (1.0 - s ** (n + 1))
    return AuctionOutcome(
        revenue=revenue,
        bidder_surplus=top * (1.0 / (n + 1) - s**n + n * s ** (n + 1) / (n + 1)),
        welfare=welfare,
        sale_probability=1.0 - s**n,
        efficiency=1.0 - s ** (n + 1),
        entry_value=top * s,
    )


def expected_revenue(
    n_bidders: int,
    auction: str = "first_price",
    upper: float = 1.0,
    reserve: float = 0.0,
) -> float:
    r"""The seller's expected revenue in equilibrium, iid uniform values on ``[0, upper]``.

    Revenue equivalence (Myerson 1981; Riley & Samuelson 1981): first-price, second-price,
    English and Dutch auctions with reserve ``r`` all earn

    .. math:: \bar v \left(\frac{n - 1}{n + 1} + s^n - \frac{2n}{n + 1} s^{n+1}\right),
              \qquad s = r / \bar v,

    the expected second-highest value ``(n - 1) upper / (n + 1)`` when ``r = 0``. An all-pay
    auction with minimum bid ``r`` earns the same with ``s`` the entry value over ``upper``,
    ``(r / upper)^(1/n)``. See :func:`expected_outcome` for surplus and efficiency.

    Parameters
    ----------
    n_bidders : int
        Number of bidders, ``>= 2``.
    auction : {"first_price", "second_price", "all_pay", "english", "dutch"}
        The format.
    upper : float, default 1.0
        Upper end of the value distribution, ``> 0``.
    reserve : float, default 0.0
        Reserve price (minimum bid) in ``[0, upper]``.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``auction`` is not a string or a number is of the wrong kind.
    ValueError
        If ``auction`` is not a known format, ``n_bidders < 2``, ``upper <= 0`` or
        ``reserve`` is outside ``[0, upper]``.

    References
    ----------
    R. B. Myerson, "Optimal auction design", Mathematics of Operations Research 6(1), 58-73,
    1981.
    J. G. Riley and W. F. Samuelson, "Optimal auctions", American Economic Review 71(3),
    381-392, 1981.
    V. Krishna, *Auction Theory*, 2nd ed., Academic Press, 2010, ch. 2 (§2.5) and ch. 3.

    Examples
    --------
    >>> round(expected_revenue(3, "first_price"), 6)
    0.5
    >>> round(expected_revenue(2, "dutch", reserve=0.5), 6)
    0.416667
    >>> round(expected_revenue(2, "all_pay", reserve=0.25), 6)
    0.416667
    """
    return expected_outcome(n_bidders, auction, upper, reserve).revenue

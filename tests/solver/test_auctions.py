"""Auction bids and revenues against quadrature, Monte Carlo and best-response checks."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.optimize import brentq, minimize_scalar

from arena.solver.auctions import (
    all_pay_bid,
    expected_outcome,
    expected_revenue,
    first_price_bid,
    second_price_bid,
)

# (n_bidders, upper, reserve as a fraction of upper)
SETTINGS = [
    pytest.param(2, 1.0, 0.0, id="n2"),
    pytest.param(3, 1.0, 0.0, id="n3"),
    pytest.param(5, 2.0, 0.0, id="n5-upper2"),
    pytest.param(2, 1.0, 0.4, id="n2-reserve"),
    pytest.param(4, 3.0, 0.25, id="n4-upper3-reserve"),
    pytest.param(3, 1.0, 0.9, id="n3-high-reserve"),
]

# ---------------------------------------------------------------------------------------------
# Independent references: Krishna (2010) integrals evaluated by quadrature


def cdf_of_highest_other(y: float, n: int, upper: float) -> float:
    return float(min(max(y / upper, 0.0), 1.0) ** (n - 1))


def first_price_reference(v: float, n: int, upper: float, reserve: float) -> float:
    """beta(v) = v - int_r^v G(y) dy / G(v) (Krishna 2010, ch. 2)."""
    if v < reserve:
        return 0.0
    if v == 0.0:
        return 0.0
    integral = quad(cdf_of_highest_other, reserve, v, args=(n, upper), epsabs=1e-14)[0]
    return v - integral / cdf_of_highest_other(v, n, upper)


def entry_value_all_pay(n: int, upper: float, reserve: float) -> float:
    """Lowest value for which paying the minimum bid breaks even: v G(v) = r."""
    if reserve == 0.0:
        return 0.0
    return brentq(lambda v: v * cdf_of_highest_other(v, n, upper) - reserve, 0.0, upper, xtol=1e-15)


def all_pay_reference(v: float, n: int, upper: float, reserve: float) -> float:
    """Expected payment v* G(v*) + int_{v*}^v y dG(y) (revenue equivalence)."""
    entry = entry_value_all_pay(n, upper, reserve)
    if v < entry:
        return 0.0

    def density(y: float) -> float:
        return (n - 1) * y ** (n - 2) / upper ** (n - 1)

    integral = quad(lambda y: y * density(y), entry, v, epsabs=1e-14)[0]
    return entry * cdf_of_highest_other(entry, n, upper) + integral


def revenue_by_quadrature(
    payment: Callable[[float], float], n: int, upper: float, entry: float
) -> float:
    """n * E[m(V)] for the interim expected payment m of one bidder."""
    return n * quad(lambda v: payment(v) / upper, entry, upper, epsabs=1e-13, limit=200)[0]


def bid_inverse(
    bid: Callable[[np.ndarray], np.ndarray], entry: float, upper: float
) -> tuple[Callable[[np.ndarray], np.ndarray], float]:
    """Value that makes a given bid, by interpolation on a fine grid of the increasing bid."""
    grid = np.linspace(entry, upper, 200_001)
    bids = bid(grid)

    def inverse(b: np.ndarray) -> np.ndarray:
        return np.interp(b, bids, grid, left=entry, right=upper)

    return inverse, float(bids[-1])


# ---------------------------------------------------------------------------------------------
# Closed forms


@pytest.mark.parametrize(("n", "upper", "fraction"), SETTINGS)
def test_first_price_bid_matches_quadrature(n: int, upper: float, fraction: float) -> None:
    reserve = fraction * upper
    values = np.linspace(0.0, upper, 41)
    bids = first_price_bid(values, n, upper, reserve)
    expected = [first_price_reference(float(v), n, upper, reserve) for v in values]
    np.testing.assert_allclose(bids, expected, atol=1e-10 * upper)


@pytest.mark.parametrize(("n", "upper", "fraction"), SETTINGS)
def test_all_pay_bid_matches_quadrature(n: int, upper: float, fraction: float) -> None:
    reserve = fraction * upper
    values = np.linspace(0.0, upper, 41)
    bids = all_pay_bid(values, n, upper, reserve)
    expected = [all_pay_reference(float(v), n, upper, reserve) for v in values]
    np.testing.assert_allclose(bids, expected, atol=1e-10 * upper)


@pytest.mark.parametrize(
    ("value", "n", "reserve", "bid"),
    [
        pytest.param(0.8, 2, 0.0, 0.4, id="half-value"),
        pytest.param(0.9, 10, 0.0, 0.81, id="n10"),
        pytest.param(0.8, 2, 0.5, 0.8 - (0.64 - 0.25) / 1.6, id="reserve"),
        pytest.param(0.5, 3, 0.5, 0.5, id="at-reserve"),
        pytest.param(0.49, 3, 0.5, 0.0, id="below-reserve"),
    ],
)
def test_first_price_textbook_values(value: float, n: int, reserve: float, bid: float) -> None:
    # beta(v) = v - (v^n - r^n) / (n v^(n-1)) (Krishna 2010, section 2.5)
    assert first_price_bid(value, n, reserve=reserve) == pytest.approx(bid, abs=1e-15)


def test_all_pay_without_reserve_is_krishna_closed_form() -> None:
    values = np.linspace(0.0, 2.0, 9)
    for n in (2, 3, 6):
        np.testing.assert_allclose(
            all_pay_bid(values, n, upper=2.0), (n - 1) / n * values**n / 2.0 ** (n - 1)
        )


@pytest.mark.parametrize("reserve", [0.0, 0.3, 1.0])
def test_second_price_bid_is_truthful(reserve: float) -> None:
    values = np.array([[0.0, 0.29], [0.3, 0.7]])
    bids = second_price_bid(values, reserve)
    np.testing.assert_array_equal(bids, np.where(values >= reserve, values, 0.0))


def test_scalars_give_floats_and_arrays_keep_their_shape() -> None:
    for bid in (first_price_bid, all_pay_bid):
        assert isinstance(bid(0.5, 3), float)
        assert isinstance(bid(np.float64(0.5), 3), float)
        zero_d = bid(np.array(0.5), 3)
        assert isinstance(zero_d, np.ndarray) and zero_d.shape == ()
        assert bid(np.full((2, 3), 0.5), 3).shape == (2, 3)
        assert bid([], 3).shape == (0,)
    assert isinstance(second_price_bid(0.5), float)
    assert second_price_bid(np.zeros((4, 1))).shape == (4, 1)


# ---------------------------------------------------------------------------------------------
# Equilibrium: no profitable deviation on a grid of bids


@pytest.mark.parametrize("auction", ["first_price", "all_pay"])
@pytest.mark.parametrize(("n", "upper", "fraction"), SETTINGS)
def test_equilibrium_bid_is_a_best_response(
    auction: str, n: int, upper: float, fraction: float
) -> None:
    reserve = fraction * upper
    if auction == "first_price":
        bid_fn = first_price_bid
        entry = reserve
    else:
        bid_fn = all_pay_bid
        entry = entry_value_all_pay(n, upper, reserve)
    inverse, top_bid = bid_inverse(lambda v: bid_fn(v, n, upper, reserve), entry, upper)
    deviations = np.linspace(0.0, upper, 4001)

    def utility(value: float, bids: np.ndarray) -> np.ndarray:
        # others bid with the equilibrium strategy; bids below the reserve are not accepted
        # (a non-participant bids 0 < reserve, or has value 0 when reserve is 0)
        win = np.where(bids >= top_bid, 1.0, (inverse(bids) / upper) ** (n - 1))
        valid = bids >= reserve
        if auction == "first_price":
            return np.where(valid, (value - bids) * win, 0.0)
        return np.where(valid, value * win - bids, 0.0)

    for value in np.linspace(0.0, upper, 23):
        own = float(bid_fn(float(value), n, upper, reserve))
        best_deviation = utility(float(value), deviations).max()
        own_utility = float(utility(float(value), np.array([own]))[0]) if own > 0 else 0.0
        assert own_utility >= best_deviation - 1e-7 * upper
        if value > entry:
            # and the deviation grid's best bid is next to the equilibrium bid
            best = deviations[np.argmax(utility(float(value), deviations))]
            assert abs(best - own) <= 2 * (deviations[1] - deviations[0]) + 1e-9


@settings(max_examples=60, deadline=None)
@given(
    value=st.floats(0.0, 1.0),
    highest_other=st.floats(0.0, 1.0),
    reserve=st.floats(0.0, 1.0),
    deviation=st.floats(0.0, 1.0),
)
def test_truthful_bidding_is_weakly_dominant(
    value: float, highest_other: float, reserve: float, deviation: float
) -> None:
    def utility(bid: float) -> float:
        price = max(highest_other, reserve)
        wins = bid >= reserve and bid > highest_other
        return value - price if wins else 0.0

    assert utility(second_price_bid(value, reserve)) >= utility(deviation)


# ---------------------------------------------------------------------------------------------
# Revenue: quadrature, Monte Carlo, equivalence, optimal reserve


@pytest.mark.parametrize(("n", "upper", "fraction"), SETTINGS)
def test_expected_revenue_matches_quadrature(n: int, upper: float, fraction: float) -> None:
    reserve = fraction * upper

    def first_price_payment(v: float) -> float:
        return first_price_bid(v, n, upper, reserve) * cdf_of_highest_other(v, n, upper)

    def second_price_payment(v: float) -> float:
        # E[max(Y, r); Y < v] for the highest other value Y
        if v < reserve:
            return 0.0
        below = reserve * cdf_of_highest_other(reserve, n, upper)
        above = quad(
            lambda y: y * (n - 1) * y ** (n - 2) / upper ** (n - 1), reserve, v, epsabs=1e-14
        )[0]
        return below + above

    def all_pay_payment(v: float) -> float:
        return all_pay_bid(v, n, upper, reserve)

    entry = entry_value_all_pay(n, upper, reserve)
    cases = [
        ("first_price", first_price_payment, reserve),
        ("dutch", first_price_payment, reserve),
        ("second_price", second_price_payment, reserve),
        ("english", second_price_payment, reserve),
        ("all_pay", all_pay_payment, entry),
    ]
    for auction, payment, lowest in cases:
        expected = revenue_by_quadrature(payment, n, upper, lowest)
        assert expected_revenue(n, auction, upper, reserve) == pytest.approx(expected, abs=1e-9)


def simulate(
    auction: str, n: int, upper: float, reserve: float, draws: int, seed: int
) -> dict[str, np.ndarray]:
    """Play the auction with every bidder using the equilibrium bid; per-draw outcomes."""
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.0, upper, size=(draws, n))
    if auction in ("first_price", "dutch"):
        bids = first_price_bid(values, n, upper, reserve)
    elif auction == "all_pay":
        bids = all_pay_bid(values, n, upper, reserve)
    else:
        bids = second_price_bid(values, reserve)
    ordered = np.sort(bids, axis=1)
    highest = ordered[:, -1]
    sold = (highest >= reserve) & (highest > 0.0)
    winner = np.argmax(bids, axis=1)
    if auction in ("first_price", "dutch"):
        revenue = np.where(sold, highest, 0.0)
    elif auction == "all_pay":
        revenue = bids.sum(axis=1)
    else:
        revenue = np.where(sold, np.maximum(ordered[:, -2], reserve), 0.0)
    welfare = np.where(sold, values[np.arange(draws), winner], 0.0)
    return {"revenue": revenue, "welfare": welfare, "sold": sold.astype(float)}


@pytest.mark.parametrize("auction", ["first_price", "second_price", "all_pay", "english", "dutch"])
@pytest.mark.parametrize(("n", "upper", "fraction"), SETTINGS)
def test_monte_carlo_agrees_with_expected_outcome(
    auction: str, n: int, upper: float, fraction: float
) -> None:
    reserve = fraction * upper
    draws = 100_000
    played = simulate(auction, n, upper, reserve, draws, seed=20240601 + n)
    outcome = expected_outcome(n, auction, upper, reserve)
    for name, expected in [
        ("revenue", outcome.revenue),
        ("welfare", outcome.welfare),
        ("sold", outcome.sale_probability),
    ]:
        sample = played[name]
        standard_error = sample.std(ddof=1) / np.sqrt(draws)
        assert abs(sample.mean() - expected) <= 4.5 * standard_error + 1e-12, name


@pytest.mark.parametrize("n", [2, 3, 7])
@pytest.mark.parametrize("upper", [1.0, 4.0])
def test_revenue_equivalence(n: int, upper: float) -> None:
    # all formats earn the expected second-highest value without a reserve
    for auction in ("first_price", "second_price", "all_pay", "english", "dutch"):
        assert expected_revenue(n, auction, upper) == pytest.approx((n - 1) / (n + 1) * upper)
    # with a reserve: the standard formats agree, and an all-pay auction with minimum bid r
    # earns what they earn with its entry value as reserve
    reserve = 0.3 * upper
    standard = expected_revenue(n, "first_price", upper, reserve)
    for auction in ("second_price", "english", "dutch"):
        assert expected_revenue(n, auction, upper, reserve) == pytest.approx(standard)
    entry = entry_value_all_pay(n, upper, reserve)
    assert expected_revenue(n, "all_pay", upper, reserve) == pytest.approx(
        expected_revenue(n, "first_price", upper, entry)
    )


@pytest.mark.parametrize("n", [2, 3, 5])
def test_reserve_formula_on_the_unit_interval(n: int) -> None:
    for r in (0.0, 0.2, 0.5, 0.8, 1.0):
        formula = (n - 1) / (n + 1) + r**n - 2 * n * r ** (n + 1) / (n + 1)
        assert expected_revenue(n, "second_price", reserve=r) == pytest.approx(formula)


@pytest.mark.parametrize("n", [2, 3, 6])
@pytest.mark.parametrize("upper", [1.0, 2.5])
def test_optimal_reserve_is_myersons(n: int, upper: float) -> None:
    # Myerson (1981), Riley & Samuelson (1981): reserve upper/2 whatever n; an all-pay
    # auction's minimum bid then is v* G(v*) = upper / 2^n
    for auction, optimum in (("first_price", upper / 2), ("all_pay", upper / 2**n)):
        best = minimize_scalar(
            lambda r, a=auction: -expected_revenue(n, a, upper, r),
            bounds=(0.0, upper),
            method="bounded",
            options={"xatol": 1e-10},
        )
        assert best.x == pytest.approx(optimum, abs=1e-6)


@pytest.mark.parametrize("auction", ["first_price", "all_pay"])
@pytest.mark.parametrize(("n", "upper", "fraction"), SETTINGS)
def test_outcome_accounts_add_up(auction: str, n: int, upper: float, fraction: float) -> None:
    outcome = expected_outcome(n, auction, upper, fraction * upper)
    assert outcome.revenue + outcome.bidder_surplus == pytest.approx(outcome.welfare)
    assert outcome.efficiency == pytest.approx(outcome.welfare / (n * upper / (n + 1)))
    assert outcome.sale_probability == pytest.approx(1 - (outcome.entry_value / upper) ** n)
    # bidder surplus by quadrature: n E[(V - m(V)/G(V)) G(V); V >= v*]
    bid = first_price_bid if auction == "first_price" else all_pay_bid

    def surplus(v: float) -> float:
        g = cdf_of_highest_other(v, n, upper)
        paid = bid(v, n, upper, fraction * upper) * (g if auction == "first_price" else 1.0)
        return v * g - paid

    expected = n * quad(lambda v: surplus(v) / upper, outcome.entry_value, upper)[0]
    assert outcome.bidder_surplus == pytest.approx(expected, abs=1e-9)


# ---------------------------------------------------------------------------------------------
# Properties


@settings(max_examples=80, deadline=None)
@given(
    n=st.integers(2, 12),
    upper=st.floats(0.01, 100.0),
    fraction=st.floats(0.0, 1.0),
    points=st.lists(st.floats(0.0, 1.0), min_size=2, max_size=20),
    scale=st.floats(0.1, 10.0),
)
def test_bids_are_shaded_monotone_and_scale(
    n: int, upper: float, fraction: float, points: list[float], scale: float
) -> None:
    reserve = fraction * upper
    values = np.sort(np.asarray(points)) * upper
    for bid_fn in (first_price_bid, all_pay_bid):
        bids = bid_fn(values, n, upper, reserve)
        assert np.all(bids <= values * (1 + 1e-12))
        assert np.all(np.diff(bids) >= -1e-12 * upper)
        assert np.all((bids == 0.0) | (bids >= reserve * (1 - 1e-12)))
        scaled = bid_fn(values * scale, n, upper * scale, reserve * scale)
        np.testing.assert_allclose(scaled, bids * scale, rtol=1e-9, atol=1e-300)
    # without a reserve both formats charge the same expected payment, so the all-pay bid is
    # the first-price bid times the probability of winning
    np.testing.assert_allclose(
        all_pay_bid(values, n, upper),
        first_price_bid(values, n, upper) * (values / upper) ** (n - 1),
        rtol=1e-9,
        atol=1e-300,
    )


# ---------------------------------------------------------------------------------------------
# Validation


@pytest.mark.parametrize("bid_fn", [first_price_bid, all_pay_bid])
@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        pytest.param((0.5, 1), ValueError, r"n_bidders must be in >= 2", id="one-bidder"),
        pytest.param((0.5, 2.0), TypeError, "n_bidders must be an integer", id="n-float"),
        pytest.param((0.5, True), TypeError, "n_bidders must be an integer", id="n-bool"),
        pytest.param((1.5, 2), ValueError, r"values must be in \[0, 1\]", id="value-high"),
        pytest.param(([0.2, -0.1], 2), ValueError, r"entry \(1,\) is -0.1", id="value-neg"),
        pytest.param((np.nan, 2), ValueError, "finite", id="value-nan"),
        pytest.param(("a", 2), TypeError, "values must", id="value-str"),
        pytest.param(([[0.1], [0.1, 0.2]], 2), ValueError, "rectangular", id="ragged"),
        pytest.param((0.5, 2, 0.0), ValueError, r"upper must be in \(0", id="upper-zero"),
        pytest.param((0.5, 2, np.inf), ValueError, "upper must be in", id="upper-inf"),
        pytest.param((0.5, 2, 1.0, 1.5), ValueError, r"reserve must be in \[0, 1\]", id="r-high"),
        pytest.param((0.5, 2, 1.0, -0.1), ValueError, "reserve must be in", id="r-negative"),
        pytest.param((0.5, 2, 1.0, "0"), TypeError, "reserve must be a real", id="r-str"),
    ],
)
def test_bid_validation(
    bid_fn: Callable[..., object], args: tuple[object, ...], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        bid_fn(*args)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        pytest.param((-0.1,), ValueError, r"values must be in \[0, inf\]", id="value-neg"),
        pytest.param((np.inf,), ValueError, "finite", id="value-inf"),
        pytest.param((0.5, -1.0), ValueError, "reserve must be in", id="reserve-neg"),
        pytest.param((None,), TypeError, "values must", id="value-none"),
    ],
)
def test_second_price_validation(
    args: tuple[object, ...], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        second_price_bid(*args)  # type: ignore[call-overload]


@pytest.mark.parametrize("function", [expected_revenue, expected_outcome])
@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        pytest.param((1,), ValueError, "n_bidders must be in", id="one-bidder"),
        pytest.param((2, "vickrey"), ValueError, "auction must be one of", id="unknown"),
        pytest.param((2, 2), TypeError, "auction must be a string", id="not-str"),
        pytest.param((2, "first_price", -1.0), ValueError, "upper must be in", id="upper-neg"),
        pytest.param((2, "all_pay", 1.0, 2.0), ValueError, "reserve must be in", id="r-high"),
        pytest.param((2, "english", 1.0, np.nan), ValueError, "reserve must be in", id="r-nan"),
    ],
)
def test_revenue_validation(
    function: Callable[..., object], args: tuple[object, ...], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        function(*args)


@pytest.mark.parametrize("auction", ["first_price", "dutch", "all_pay", "second_price", "english"])
@pytest.mark.parametrize(("n", "reserve"), [(2, 0.0), (3, 0.25), (7, 0.6)])
def test_bid_rule_gives_the_array_functions_bids_one_value_at_a_time(
    auction: str, n: int, reserve: float
) -> None:
    from arena.solver.auctions import bid_rule

    values = np.concatenate([[0.0, reserve, 1.0], np.random.default_rng(n).uniform(0, 1, 200)])
    if auction in ("first_price", "dutch"):
        expected = first_price_bid(values, n, 1.0, reserve)
    elif auction == "all_pay":
        expected = all_pay_bid(values, n, 1.0, reserve)
    else:
        expected = second_price_bid(values, reserve)
    rule = bid_rule(auction, n, 1.0, reserve)
    got = np.array([rule(float(v)) for v in values])
    # Scalar and array arithmetic round differently in the last bits: 1e-12 on bids of at most 1.
    assert np.allclose(got, expected, rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match=r"values must be in \[0, 1\]"):
        rule(1.5)

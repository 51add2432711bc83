"""Nash bargaining solution and Rubinstein's split against LPs, brute force and closed forms."""

from __future__ import annotations

import math
from itertools import combinations_with_replacement

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog, minimize_scalar

from arena.solver.bargaining import (
    finite_horizon_split,
    nash_bargaining_solution,
    rubinstein_split,
)

# ---------------------------------------------------------------------------------------------
# Independent references


def best_gain_floor(points: np.ndarray, d: np.ndarray) -> float:
    """max over the convex hull of min(u0 - d0, u1 - d1), by linear programming."""
    k = points.shape[0]
    c = np.zeros(k + 1)
    c[-1] = -1.0
    a_ub = np.hstack([-points.T, np.ones((2, 1))])
    a_eq = np.hstack([np.ones((1, k)), np.zeros((1, 1))])
    bounds = [(0.0, None)] * k + [(None, None)]
    result = linprog(c, A_ub=a_ub, b_ub=-d, A_eq=a_eq, b_eq=[1.0], bounds=bounds)
    assert result.status == 0
    return float(-result.fun)


def dominating_slack(points: np.ndarray, u: np.ndarray) -> float:
    """max over hull points v >= u of (v0 - u0) + (v1 - u1): 0 when u is Pareto optimal."""
    k = points.shape[0]
    result = linprog(
        -points.sum(axis=1),
        A_ub=-points.T,
        b_ub=-u,
        A_eq=np.ones((1, k)),
        b_eq=[1.0],
        bounds=[(0.0, None)] * k,
    )
    if result.status == 2:  # no hull point weakly dominates u
        return 0.0
    assert result.status == 0
    return float(-result.fun - u.sum())


def log_nash_product(u: np.ndarray, d: np.ndarray, power: float) -> float:
    return power * math.log(u[0] - d[0]) + (1.0 - power) * math.log(u[1] - d[1])


def brute_force_nash(points: np.ndarray, d: np.ndarray, power: float) -> tuple[float, np.ndarray]:
    """Maximise the log Nash product on every segment between two points (scipy's Brent).

    The hull's Pareto frontier is made of such segments, so their best is the hull's best.
    """
    best_value = -np.inf
    best_u = np.full(2, np.nan)
    for i, j in combinations_with_replacement(range(points.shape[0]), 2):
        p, q = points[i], points[j]
        lo, hi = 0.0, 1.0
        empty = False
        for coordinate in range(2):
            gain = p[coordinate] - d[coordinate]
            step = q[coordinate] - p[coordinate]
            if step == 0.0:
                empty = empty or gain <= 0.0
            elif step > 0.0:
                lo = max(lo, -gain / step)
            else:
                hi = min(hi, -gain / step)
        if empty or lo >= hi:
            if not empty and lo == hi == 0.0 and np.all(p > d):
                lo = hi = 0.0
            else:
                continue

        def objective(t: float, p: np.ndarray = p, q: np.ndarray = q) -> float:
            u = (1.0 - t) * p + t * q
            if np.any(u <= d):
                return np.inf
            return -log_nash_product(u, d, power)

        if hi - lo < 1e-15:
            t = lo
        else:
            t = minimize_scalar(
                objective, bounds=(lo, hi), method="bounded", options={"xatol": 1e-13}
            ).x
        value = -objective(t)
        if value > best_value:
            best_value = value
            best_u = (1.0 - t) * p + t * q
    return best_value, best_u


def lexicographic_best(points: np.ndarray, d: np.ndarray, favoured: int) -> np.ndarray:
    """Power 1 (favoured 0) or 0 (favoured 1): the most for the favoured player with the other
    at least at disagreement, then the most for the other player (two linear programs)."""
    k = points.shape[0]
    other = 1 - favoured
    ones = np.ones((1, k))
    first = linprog(
        -points[:, favoured],
        A_ub=-points[:, other][None, :],
        b_ub=[-d[other]],
        A_eq=ones,
        b_eq=[1.0],
        bounds=[(0.0, None)] * k,
    )
    assert first.status == 0
    top = -first.fun
    second = linprog(
        -points[:, other],
        A_ub=-points[:, favoured][None, :],
        b_ub=[-(top - 1e-12)],
        A_eq=ones,
        b_eq=[1.0],
        bounds=[(0.0, None)] * k,
    )
    assert second.status == 0
    return second.x @ points


def stahl(
    delta: tuple[float, float],
    pie: float,
    first: int,
    d: np.ndarray,
    e: np.ndarray | None,
    periods: int,
) -> tuple[np.ndarray, str]:
    """Backward induction on the game cut after ``periods`` offers (then: impasse ``d``).

    Period by period from the last one: the responder's best alternative to accepting is
    opting out or rejecting (flow ``d`` for a period, then the next period's values); the
    proposer offers exactly that or, if worse for her, lets the responder walk. Ties: the
    responder accepts, prefers opting out to rejecting; the proposer prefers agreeing.
    """
    discount = np.asarray(delta)
    values = d.astype(float).copy()
    outcome = "impasse"
    for period in reversed(range(periods)):
        i = first if period % 2 == 0 else 1 - first
        j = 1 - i
        carry_on = d + discount * (values - d)
        opts_out = e is not None and e[j] >= carry_on[j]
        fallback = e.copy() if opts_out and e is not None else carry_on
        ask = fallback[j]
        if pie - ask >= fallback[i]:
            values = np.empty(2)
            values[i] = pie - ask
            values[j] = ask
            outcome = "agreement"
        else:
            values = fallback
            outcome = "outside_option" if opts_out else outcome
    return values, outcome


# ---------------------------------------------------------------------------------------------
# Nash bargaining solution


@pytest.mark.parametrize(
    ("pie", "d", "power", "expected"),
    [
        pytest.param(1.0, (0.0, 0.0), 0.5, (0.5, 0.5), id="equal-split"),
        pytest.param(10.0, (2.0, 3.0), 0.5, (4.5, 5.5), id="half-the-surplus"),
        pytest.param(10.0, (2.0, 3.0), 0.8, (6.0, 4.0), id="power-0.8"),
        pytest.param(10.0, (2.0, 3.0), 1.0, (7.0, 3.0), id="power-1"),
        pytest.param(10.0, (2.0, 3.0), 0.0, (2.0, 8.0), id="power-0"),
        pytest.param(1.0, (-1.0, 0.5), 0.5, (0.0, 1.0), id="no-negative-share"),
        pytest.param(6.0, (-4.0, -4.0), 0.5, (3.0, 3.0), id="symmetric-negative-d"),
        pytest.param(6.0, (-4.0, -4.0), 0.25, (0.0, 6.0), id="clipped-at-zero-share"),
    ],
)
def test_pie_matches_closed_form(
    pie: float, d: tuple[float, float], power: float, expected: tuple[float, float]
) -> None:
    # u_i = d_i + a_i (pie - d_0 - d_1), shares kept in [0, pie] (Nash 1950; Kalai 1977)
    solution = nash_bargaining_solution(pie, disagreement=d, power=power)
    assert solution.agreement
    np.testing.assert_allclose(solution.utilities, expected, atol=1e-12)
    np.testing.assert_allclose(solution.weights, np.asarray(expected) / pie, atol=1e-12)
    np.testing.assert_allclose(solution.gains, np.asarray(expected) - d, atol=1e-12)
    assert solution.power == power


@pytest.mark.parametrize(
    ("feasible", "d"),
    [
        pytest.param(-2.0, (0.0, 0.0), id="value-below-cost"),
        pytest.param(0.0, (0.0, 0.0), id="nothing-to-split"),
        pytest.param(5.0, (2.0, 3.0), id="no-strict-gain"),
        pytest.param(1.0, (2.0, -5.0), id="d0-above-pie"),
        pytest.param([[1.0, 1.0]], (1.0, 0.0), id="single-point-tie"),
        pytest.param([[0.0, 2.0], [2.0, 0.0]], (1.5, 1.5), id="d-beyond-frontier"),
        pytest.param([[0.0, 0.0], [1.0, 1.0], [1.0, 1.0]], (1.0, 1.0), id="d-on-corner"),
    ],
)
def test_no_gains_from_trade_is_a_result(feasible: object, d: tuple[float, float]) -> None:
    solution = nash_bargaining_solution(feasible, disagreement=d)  # type: ignore[arg-type]
    assert not solution.agreement
    np.testing.assert_array_equal(solution.utilities, d)
    np.testing.assert_array_equal(solution.gains, [0.0, 0.0])
    assert np.all(np.isnan(solution.weights))


def test_pie_is_the_segment_between_its_corners() -> None:
    for pie, d, power in [(3.0, (0.5, -1.0), 0.3), (-1.0, (-5.0, -2.0), 0.6)]:
        as_pie = nash_bargaining_solution(pie, d, power)
        as_points = nash_bargaining_solution([[pie, 0.0], [0.0, pie]], d, power)
        np.testing.assert_allclose(as_pie.utilities, as_points.utilities)
        np.testing.assert_allclose(as_pie.weights, as_points.weights)


def test_splitting_a_loss() -> None:
    # a debt of 1 shared when walking away costs each 5: each takes half of the debt
    solution = nash_bargaining_solution(-1.0, disagreement=(-5.0, -5.0))
    np.testing.assert_allclose(solution.utilities, [-0.5, -0.5])


def test_numpy_scalars_and_zero_dimensional_arrays_are_pies() -> None:
    for pie in (np.float32(2.0), np.int64(2), np.array(2.0)):
        solution = nash_bargaining_solution(pie)  # type: ignore[arg-type]
        np.testing.assert_allclose(solution.utilities, [1.0, 1.0])


coordinate = st.integers(-8, 8).map(lambda x: x / 2)
point_sets = st.lists(st.tuples(coordinate, coordinate), min_size=1, max_size=7).map(
    lambda rows: np.array(rows, dtype=float)
)
pairs = st.tuples(coordinate, coordinate).map(lambda pair: np.array(pair))


@settings(max_examples=100, deadline=None)
@given(points=point_sets, d=pairs, power=st.floats(0.05, 0.95))
def test_hull_solution_matches_brute_force(points: np.ndarray, d: np.ndarray, power: float) -> None:
    solution = nash_bargaining_solution(points, disagreement=d, power=power)
    floor = best_gain_floor(points, d)
    assert solution.agreement == (floor > 1e-9)
    if not solution.agreement:
        np.testing.assert_array_equal(solution.utilities, d)
        return
    value, u = brute_force_nash(points, d, power)
    assert log_nash_product(solution.utilities, d, power) == pytest.approx(value, abs=1e-9)
    np.testing.assert_allclose(solution.utilities, u, atol=1e-6)
    # weights: a convex combination of at most two points that produces the utilities
    weights = solution.weights
    assert np.all(weights >= 0.0)
    assert weights.sum() == pytest.approx(1.0)
    assert np.count_nonzero(weights) <= 2
    np.testing.assert_allclose(weights @ points, solution.utilities, atol=1e-12)
    assert dominating_slack(points, np.asarray(solution.utilities)) < 1e-7
    assert np.all(solution.gains > 0.0)


@settings(max_examples=60, deadline=None)
@given(points=point_sets, d=pairs, favoured=st.sampled_from([0, 1]))
def test_extreme_power_is_the_lexicographic_limit(
    points: np.ndarray, d: np.ndarray, favoured: int
) -> None:
    power = 1.0 if favoured == 0 else 0.0
    solution = nash_bargaining_solution(points, disagreement=d, power=power)
    if best_gain_floor(points, d) <= 1e-9:
        assert not solution.agreement
        return
    assert solution.agreement
    np.testing.assert_allclose(
        solution.utilities, lexicographic_best(points, d, favoured), atol=1e-7
    )


@settings(max_examples=60, deadline=None)
@given(
    points=point_sets,
    d=pairs,
    power=st.floats(0.05, 0.95),
    scale=st.tuples(st.floats(0.1, 10.0), st.floats(0.1, 10.0)),
    shift=st.tuples(st.floats(-5.0, 5.0), st.floats(-5.0, 5.0)),
)
def test_invariant_to_positive_affine_utilities(
    points: np.ndarray,
    d: np.ndarray,
    power: float,
    scale: tuple[float, float],
    shift: tuple[float, float],
) -> None:
    # Nash's axiom: rescaling a player's utility rescales the solution the same way
    base = nash_bargaining_solution(points, d, power)
    moved = nash_bargaining_solution(points * scale + shift, d * np.asarray(scale) + shift, power)
    if moved.agreement != base.agreement:
        # The best the frontier offers is d itself (a tie), and the rounding of the mapped
        # utilities decided whether it counts as a strict gain: allowed, at a gain of ~0.
        agreed = moved if moved.agreement else base
        assert agreed.gains.min() <= 1e-9 * max(1.0, float(np.abs(agreed.utilities).max()))
        return
    if base.agreement:
        np.testing.assert_allclose(
            moved.utilities, base.utilities * np.asarray(scale) + shift, atol=1e-7
        )


@settings(max_examples=60, deadline=None)
@given(points=point_sets, d=pairs, power=st.floats(0.0, 1.0))
def test_swapping_players_swaps_the_solution(
    points: np.ndarray, d: np.ndarray, power: float
) -> None:
    base = nash_bargaining_solution(points, d, power)
    swapped = nash_bargaining_solution(points[:, ::-1], d[::-1], 1.0 - power)
    assert swapped.agreement == base.agreement
    np.testing.assert_allclose(swapped.utilities, base.utilities[::-1], atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(points=point_sets, level=coordinate)
def test_symmetric_problems_have_symmetric_solutions(points: np.ndarray, level: float) -> None:
    symmetric = np.vstack([points, points[:, ::-1]])
    solution = nash_bargaining_solution(symmetric, (level, level))
    if solution.agreement:
        assert solution.utilities[0] == pytest.approx(solution.utilities[1], abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(points=point_sets, d=pairs, power=st.floats(0.05, 0.95), extra=point_sets)
def test_independence_of_irrelevant_alternatives(
    points: np.ndarray, d: np.ndarray, power: float, extra: np.ndarray
) -> None:
    # Shrinking the feasible set to the edge that holds the solution leaves it unchanged.
    solution = nash_bargaining_solution(np.vstack([points, extra]), d, power)
    if not solution.agreement:
        return
    support = np.vstack([points, extra])[solution.weights > 0.0]
    smaller = nash_bargaining_solution(support, d, power)
    assert smaller.agreement
    np.testing.assert_allclose(smaller.utilities, solution.utilities, atol=1e-9)


@pytest.mark.parametrize("power", [5e-324, 1e-300, 1.1754943508222875e-38, 1e-17])
def test_power_within_rounding_of_zero_is_the_limit(power: float) -> None:
    # the optimum sits where player 0's gain is within rounding of zero; it must not be lost
    points = np.array([[0.5, 0.5], [-0.5, 1.0], [1.0, 0.0]])
    for weight in (power, 1.0 - power):
        solution = nash_bargaining_solution(points, power=weight)
        expected = (0.0, 0.75) if weight < 0.5 else (1.0, 0.0)
        np.testing.assert_allclose(solution.utilities, expected, atol=1e-12)


def test_result_is_read_only() -> None:
    solution = nash_bargaining_solution(1.0)
    with pytest.raises(ValueError, match="read-only"):
        solution.utilities[0] = 2.0
    with pytest.raises(AttributeError):
        solution.agreement = False  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        pytest.param({"feasible": "pie"}, TypeError, "feasible must be", id="feasible-str"),
        pytest.param({"feasible": True}, TypeError, "not bool", id="feasible-bool"),
        pytest.param({"feasible": [[1.0, 2.0, 3.0]]}, ValueError, r"shape \(k, 2\)", id="k-3"),
        pytest.param({"feasible": [1.0, 2.0]}, ValueError, "2-d", id="feasible-1d"),
        pytest.param({"feasible": np.zeros((0, 2))}, ValueError, "at least one", id="empty"),
        pytest.param({"feasible": [[np.nan, 1.0]]}, ValueError, "finite", id="feasible-nan"),
        pytest.param({"feasible": np.inf}, ValueError, "feasible must be in", id="pie-inf"),
        pytest.param({"disagreement": (0.0,)}, ValueError, "one number per", id="d-length"),
        pytest.param({"disagreement": "ab"}, TypeError, "disagreement", id="d-str"),
        pytest.param({"disagreement": (0.0, np.inf)}, ValueError, "finite", id="d-inf"),
        pytest.param({"power": 1.5}, ValueError, r"power must be in \[0, 1\]", id="power-big"),
        pytest.param({"power": -0.1}, ValueError, "power must be in", id="power-negative"),
        pytest.param({"power": True}, TypeError, "power must be a real", id="power-bool"),
    ],
)
def test_nash_validation(kwargs: dict[str, object], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        nash_bargaining_solution(**kwargs)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Rubinstein's alternating offers


@pytest.mark.parametrize("first", [0, 1])
@pytest.mark.parametrize(
    ("delta1", "delta2"),
    [(0.9, 0.9), (0.5, 0.8), (0.99, 0.3), (0.0, 0.7), (0.6, 0.0), (0.0, 0.0)],
)
def test_rubinstein_closed_form(delta1: float, delta2: float, first: int) -> None:
    # Rubinstein (1982): the proposer keeps (1 - delta_j) / (1 - delta_i delta_j)
    delta = (delta1, delta2)
    i, j = first, 1 - first
    split = rubinstein_split(delta1, delta2, 3.0, first=first)
    keep = 3.0 * (1 - delta[j]) / (1 - delta[i] * delta[j])
    assert split.agreement and split.outcome == "agreement"
    assert split.shares[i] == pytest.approx(keep)
    assert split.shares[j] == pytest.approx(3.0 - keep)
    np.testing.assert_array_equal(split.payoffs, split.shares)
    assert split.first == first
    assert split.price is None


@pytest.mark.parametrize("periods", [1, 2, 3, 10, 51])
@pytest.mark.parametrize("delta", [0.3, 0.9])
def test_stahl_finite_horizon_closed_form(periods: int, delta: float) -> None:
    # Stahl (1972): with T offers left the proposer keeps (1 - (-delta)^T) / (1 + delta),
    # tending to Rubinstein's 1 / (1 + delta) as T grows
    values, _ = stahl((delta, delta), 1.0, 0, np.zeros(2), None, periods)
    assert values[0] == pytest.approx((1 - (-delta) ** periods) / (1 + delta))
    infinite = rubinstein_split(delta, delta).shares[0]
    assert abs(values[0] - infinite) <= delta**periods / (1 + delta) + 1e-15


unit = st.floats(0.0, 1.0)


@settings(max_examples=100, deadline=None)
@given(
    delta1=st.floats(0.0, 0.95),
    delta2=st.floats(0.0, 0.95),
    pie=st.floats(0.1, 10.0),
    first=st.sampled_from([0, 1]),
    d_frac=st.tuples(unit, unit),
    e_frac=st.one_of(st.none(), st.tuples(unit, unit)),
)
def test_rubinstein_is_the_limit_of_backward_induction(
    delta1: float,
    delta2: float,
    pie: float,
    first: int,
    d_frac: tuple[float, float],
    e_frac: tuple[float, float] | None,
) -> None:
    d = 0.7 * pie * np.asarray(d_frac)  # impasse points on both sides of d_0 + d_1 = pie
    e = None if e_frac is None else d + 0.7 * pie * np.asarray(e_frac)
    split = rubinstein_split(delta1, delta2, pie, first=first, disagreement=d, outside_options=e)
    finite, outcome = stahl((delta1, delta2), pie, first, d, e, periods=900)
    assert split.outcome == outcome
    np.testing.assert_allclose(split.payoffs, finite, atol=1e-9 * pie)
    if split.agreement:
        assert split.shares.sum() == pytest.approx(pie)
        assert np.all(split.shares >= d - 1e-12)
        if e is not None:
            assert np.all(split.shares >= e - 1e-12)
    else:
        assert np.all(np.isnan(split.shares))


@pytest.mark.parametrize("first", [0, 1])
@pytest.mark.parametrize("delta", [0.99, 0.999, 0.9999])
def test_patient_players_reach_the_symmetric_nash_solution(delta: float, first: int) -> None:
    d = (1.0, 2.5)
    split = rubinstein_split(delta, delta, 6.0, first=first, disagreement=d)
    nash = nash_bargaining_solution(6.0, disagreement=d)
    # the gap is the proposer's edge S (1 - delta) / (2 (1 + delta)) with surplus S = 2.5
    np.testing.assert_allclose(split.shares, nash.utilities, atol=2.5 * (1 - delta) / 2 + 1e-12)
    assert abs(split.shares[first] - nash.utilities[first]) > 0.0


@pytest.mark.parametrize("rates", [(1.0, 1.0), (1.0, 3.0), (2.0, 0.5)])
def test_short_periods_reach_the_generalised_nash_solution(rates: tuple[float, float]) -> None:
    # Binmore, Rubinstein & Wolinsky (1986): delta_i = exp(-r_i h), h -> 0 gives power
    # r_1 / (r_0 + r_1) to player 0
    r0, r1 = rates
    nash = nash_bargaining_solution(4.0, disagreement=(0.5, 0.0), power=r1 / (r0 + r1))
    gaps = []
    for h in (1e-2, 1e-3, 1e-4):
        split = rubinstein_split(math.exp(-r0 * h), math.exp(-r1 * h), 4.0, disagreement=(0.5, 0))
        gaps.append(float(np.abs(split.shares - nash.utilities).max()))
    assert gaps[0] > gaps[1] > gaps[2]
    assert gaps[2] < 1e-3


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        pytest.param(0.3, (0.5, 0.5), id="option-irrelevant"),
        pytest.param(0.7, (0.3, 0.7), id="option-binds"),
    ],
)
def test_outside_option_principle(option: float, expected: tuple[float, float]) -> None:
    # Binmore, Shaked & Sutton: an outside option matters only if it beats the split it
    # would otherwise get, and then its owner gets exactly the option
    split = rubinstein_split(0.99999, 0.99999, outside_options=(0.0, option))
    np.testing.assert_allclose(split.shares, expected, atol=1e-4)


@pytest.mark.parametrize(
    ("delta", "option", "responder_share"),
    [(0.9, 0.4, 0.9 / 1.9), (0.9, 0.5, 0.5), (0.5, 0.2, 1 / 3), (0.5, 0.6, 0.6), (0.0, 0.1, 0.1)],
)
def test_one_sided_outside_option_closed_form(
    delta: float, option: float, responder_share: float
) -> None:
    # Osborne & Rubinstein (1990), ch. 3: with equal discount factors and only the responder
    # holding an outside option, she gets max(option, delta / (1 + delta))
    split = rubinstein_split(delta, delta, outside_options=(0.0, option))
    assert split.shares[1] == pytest.approx(responder_share)
    assert split.shares[0] == pytest.approx(1.0 - responder_share)


@pytest.mark.parametrize(
    ("d", "e", "outcome", "payoffs"),
    [
        pytest.param((0.6, 0.5), None, "impasse", (0.6, 0.5), id="impasse"),
        pytest.param((0.5, 0.5), None, "impasse", (0.5, 0.5), id="no-strict-gain"),
        pytest.param((0.0, 0.0), (0.6, 0.6), "outside_option", (0.6, 0.6), id="options-exceed"),
        pytest.param((0.1, 0.0), (0.5, 0.5), "outside_option", (0.5, 0.5), id="options-tie"),
        pytest.param((0.6, 0.5), (0.6, 0.5), "outside_option", (0.6, 0.5), id="both-equal"),
    ],
)
def test_rubinstein_without_agreement(
    d: tuple[float, float],
    e: tuple[float, float] | None,
    outcome: str,
    payoffs: tuple[float, float],
) -> None:
    split = rubinstein_split(0.9, 0.8, 1.0, disagreement=d, outside_options=e)
    assert split.outcome == outcome
    assert not split.agreement
    np.testing.assert_array_equal(split.payoffs, payoffs)
    assert np.all(np.isnan(split.shares))
    assert split.price is None


@pytest.mark.parametrize("first", [0, 1])
@pytest.mark.parametrize(("cost", "value"), [(4.0, 10.0), (-1.0, 2.0), (0.0, 0.5)])
def test_price_form_is_the_pie_of_gains_from_trade(cost: float, value: float, first: int) -> None:
    haggle = rubinstein_split(0.9, 0.7, cost=cost, value=value, first=first)
    pie = rubinstein_split(0.9, 0.7, value - cost, first=first)
    np.testing.assert_allclose(haggle.shares, pie.shares)
    assert haggle.price is not None
    assert haggle.price == pytest.approx(cost + pie.shares[0])
    assert haggle.price == pytest.approx(value - pie.shares[1])
    assert cost < haggle.price < value


@pytest.mark.parametrize(("cost", "value"), [(10.0, 8.0), (5.0, 5.0)])
@pytest.mark.parametrize("options", [None, (0.0, 0.0), (0.5, 0.0)])
def test_buyer_below_cost_does_not_trade(
    cost: float, value: float, options: tuple[float, float] | None
) -> None:
    haggle = rubinstein_split(0.9, 0.9, cost=cost, value=value, outside_options=options)
    assert not haggle.agreement
    assert haggle.price is None
    np.testing.assert_array_equal(haggle.payoffs, (0.0, 0.0) if options is None else options)


def test_zero_pie_is_an_impasse() -> None:
    assert rubinstein_split(0.5, 0.5, 0.0).outcome == "impasse"


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        pytest.param({"delta1": 1.0}, ValueError, r"delta1 must be in \[0, 1\)", id="delta1-one"),
        pytest.param({"delta2": -0.1}, ValueError, r"delta2 must be in \[0, 1\)", id="delta2-neg"),
        pytest.param({"delta1": "0.5"}, TypeError, "delta1 must be a real", id="delta1-str"),
        pytest.param({"delta2": np.nan}, ValueError, "delta2 must be in", id="delta2-nan"),
        pytest.param({"first": 2}, ValueError, r"first must be in \[0, 1\]", id="first-2"),
        pytest.param({"first": 0.0}, TypeError, "first must be an integer", id="first-float"),
        pytest.param({"pie": -1.0}, ValueError, "pie must be in", id="pie-negative"),
        pytest.param({"pie": np.inf}, ValueError, "pie must be in", id="pie-inf"),
        pytest.param({"disagreement": (-0.1, 0)}, ValueError, "nonnegative", id="d-negative"),
        pytest.param({"disagreement": (0, 0, 0)}, ValueError, "one number per", id="d-length"),
        pytest.param(
            {"disagreement": (0.2, 0.2), "outside_options": (0.1, 0.5)},
            ValueError,
            "at least the disagreement",
            id="e-below-d",
        ),
        pytest.param({"outside_options": "ab"}, TypeError, "outside_options", id="e-str"),
        pytest.param({"cost": 1.0}, ValueError, "both cost and value", id="cost-only"),
        pytest.param({"value": 1.0}, ValueError, "both cost and value", id="value-only"),
        pytest.param(
            {"cost": 1.0, "value": 2.0, "pie": 1.0}, ValueError, "not both", id="pie-and-price"
        ),
        pytest.param({"cost": 1.0, "value": np.inf}, ValueError, "value must be", id="value-inf"),
        pytest.param({"cost": "1", "value": 2.0}, TypeError, "cost must be a real", id="cost-str"),
    ],
)
def test_rubinstein_validation(
    kwargs: dict[str, object], error: type[Exception], match: str
) -> None:
    arguments: dict[str, object] = {"delta1": 0.9, "delta2": 0.9}
    arguments.update(kwargs)
    with pytest.raises(error, match=match):
        rubinstein_split(**arguments)  # type: ignore[arg-type]


# -- finite horizon --------------------------------------------------------------------------


def test_finite_horizon_one_period_is_the_ultimatum_game() -> None:
    split = finite_horizon_split(100.0, [0.9, 0.9], 1, first=1)
    assert split.shares.tolist() == [0.0, 100.0] and split.keeps.tolist() == [100.0]
    assert split.accepts(0, 0.0)


@pytest.mark.parametrize("deltas", [(0.9, 0.9), (0.9, 0.6), (0.5, 0.95)])
@pytest.mark.parametrize("first", [0, 1])
def test_finite_horizon_tends_to_rubinstein(deltas: tuple[float, float], first: int) -> None:
    infinite = rubinstein_split(*deltas, 100.0, first=first)
    finite = finite_horizon_split(100.0, list(deltas), 400, first=first)
    # the finite split differs by pie * (delta_0 delta_1) ** (horizon / 2): below 1e-12 here
    np.testing.assert_allclose(finite.shares, infinite.shares, atol=1e-9)


def test_finite_horizon_backward_induction_by_hand() -> None:
    # Three periods, player 0 first: k2 = 100; k1 = 100 - 0.8 * 100 = 20 (player 1 proposes,
    # player 0 responds); k0 = 100 - 0.5 * 20 = 90 (player 1 responds, discount 0.5).
    split = finite_horizon_split(100.0, [0.8, 0.5], 3)
    np.testing.assert_allclose(split.keeps, [90.0, 20.0, 100.0], atol=1e-12)
    assert split.accepts(0, 10.0) and not split.accepts(0, 9.99)
    assert split.accepts(1, 80.0) and not split.accepts(1, 79.9)


def test_finite_horizon_without_discounting_the_last_proposer_takes_all() -> None:
    assert finite_horizon_split(10.0, [1.0, 1.0], 4).shares.tolist() == [0.0, 10.0]
    assert finite_horizon_split(10.0, [1.0, 1.0], 5).shares.tolist() == [10.0, 0.0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((100.0, [0.0, 0.9], 3), r"discount must be two factors in \(0, 1\]"),
        ((100.0, [0.9, 1.1], 3), r"discount must be two factors"),
        ((100.0, [0.9], 3), r"discount must be two factors"),
        ((100.0, [0.9, 0.9], 0), r"horizon"),
        ((-1.0, [0.9, 0.9], 3), r"pie must be in \[0"),
    ],
)
def test_finite_horizon_bad_input(args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        finite_horizon_split(*args)

"""Auction theory, checked on played auctions: dominance, revenue equivalence, regret."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from arena import make_game, play_match
from arena.games.auction.sealed_bid import sealed_bid
from arena.games.auction.theory import expected_revenue
from arena.games.auction.values import Uniform
from tests.games.auction.test_sealed_bid import bid_table

SEALED = {
    "first_price": "auction/first-price-v0",
    "second_price": "auction/second-price-v0",
    "all_pay": "auction/all-pay-v0",
}


@settings(max_examples=200, deadline=None)
@given(
    value=st.floats(0, 100),
    others=st.lists(st.floats(0, 100), min_size=1, max_size=4),
    deviation=st.floats(0, 100),
    reserve=st.sampled_from([0.0, 20.0]),
)
def test_truthful_bidding_is_weakly_dominant_in_second_price(
    value: float, others: list[float], deviation: float, reserve: float
) -> None:
    def payoff(bid: float) -> float:
        n = len(others) + 1
        env = make_game(
            "auction/second-price-v0",
            bidders=n,
            rounds=1,
            reserve=reserve,
            values={"dist": "fixed", "list": [value] + [100.0] * (n - 1)},
        )
        env.reset(seed=0)
        bids = [bid, *others]
        _, rewards, *_ = env.step({a: sealed_bid(b) for a, b in zip(env.possible_agents, bids)})
        return rewards["bidder_0"]

    assert payoff(value) >= payoff(deviation) - 1e-9  # 1e-9: sums of bids of up to 100


@pytest.mark.parametrize("auction", sorted(SEALED))
def test_revenue_equivalence_with_equilibrium_bidders(auction: str) -> None:
    rounds, n = 4000, 3
    record = play_match(SEALED[auction], ["equilibrium"] * n, seed=11, rounds=rounds, bidders=n)
    revenue = np.array(record.outcome["revenue"])
    expected = expected_revenue(auction, n, Uniform(), 0.0)
    assert expected == pytest.approx(50.0)  # (n - 1) / (n + 1) of 100
    standard_error = revenue.std(ddof=1) / np.sqrt(rounds)
    assert abs(revenue.mean() - expected) < 3 * standard_error  # a 99.7% interval
    assert record.metrics["expected_revenue"] == pytest.approx(expected * rounds)


def test_the_equilibrium_bidders_ex_post_regret_is_zero_in_second_price() -> None:
    record = play_match(
        "auction/second-price-v0", ["equilibrium"] * 4, seed=5, rounds=500, bidders=4
    )
    assert record.metrics["regret"] == pytest.approx([0.0] * 4, abs=1e-9)
    assert record.metrics["equilibrium_deviation"] == pytest.approx([0.0] * 4, abs=1e-12)


def test_the_equilibrium_bidders_mean_regret_in_first_price_is_the_theoretical_one() -> None:
    n, rounds = 3, 4000
    # Independently of the arena: with values uniform on [0, 1] and the others bidding
    # (n - 1) / n of their values, a bidder of value v facing Y (the highest other value)
    # could have won at (n - 1) / n Y; it earns v / n when v > Y.
    c = (n - 1) / n

    def regret_given(y: float) -> float:  # integrated over v in [0, 1] by hand
        best = (1 - c * y) ** 2 / 2  # of max(v - c y, 0)
        earned = (1 - y**2) / (2 * n)  # of v / n for v > y
        return (best - earned) * (n - 1) * y ** (n - 2)  # times the density of Y

    theory, _ = integrate.quad(regret_given, 0, 1, epsabs=1e-12)
    record = play_match(
        "auction/first-price-v0", ["equilibrium"] * n, seed=9, rounds=rounds, bidders=n
    )
    values = np.array(record.outcome["values"]) / 100.0
    bids = bid_table(record) / 100.0
    per_round = []
    for k in range(n):
        to_beat = np.delete(bids, k, axis=1).max(axis=1)
        won = bids[:, k] > to_beat
        per_round.append(
            np.maximum(values[:, k] - to_beat, 0) - np.where(won, values[:, k] - bids[:, k], 0)
        )
    regret = np.concatenate(per_round)
    assert abs(regret.mean() - theory) < 3 * regret.std(ddof=1) / np.sqrt(regret.size)
    # the stored metric is the same quantity, in the auction's units, summed over rounds
    assert sum(record.metrics["regret"]) / (n * rounds) == pytest.approx(
        100 * regret.mean(), rel=1e-9
    )

"""The scripted bidders: what each bids, and that ``equilibrium`` refuses what it cannot solve."""

from __future__ import annotations

import numpy as np
import pytest

from arena import make_agent, make_game, play_match
from arena.errors import ConfigError
from arena.match import check_seat
from arena.solver.auctions import all_pay_bid, first_price_bid
from tests.games.auction.test_sealed_bid import bid_table

SEALED = ["auction/first-price-v0", "auction/second-price-v0", "auction/all-pay-v0"]


def bids_of(game: str, agent: str, **params: object) -> tuple[np.ndarray, np.ndarray]:
    record = play_match(game, [agent, "random", "random"], seed=4, rounds=50, **params)
    values = np.array(record.outcome["values"])[:, 0]
    bids = bid_table(record)[:, 0]
    return values, bids


@pytest.mark.parametrize("game", SEALED)
def test_truthful_bids_its_value_and_shade_a_fraction(game: str) -> None:
    values, bids = bids_of(game, "truthful")
    assert np.array_equal(bids, values)
    record = play_match(
        game, [make_agent("shade", fraction=0.5), "random"], seed=4, rounds=20, bidders=2
    )
    assert bid_table(record)[:, 0].tolist() == [0.5 * v for v, _ in record.outcome["values"]]


def test_equilibrium_bids_the_solvers_bayes_nash_bid_in_each_format() -> None:
    values, bids = bids_of("auction/first-price-v0", "equilibrium", reserve=10.0)
    assert np.allclose(bids, first_price_bid(values, 3, 100.0, 10.0), rtol=0, atol=1e-12)
    values, bids = bids_of("auction/all-pay-v0", "equilibrium")
    assert np.allclose(bids, all_pay_bid(values, 3, 100.0), rtol=0, atol=1e-12)
    values, bids = bids_of("auction/second-price-v0", "equilibrium", reserve=10.0)
    assert np.array_equal(bids, np.where(values >= 10.0, values, 0.0))


@pytest.mark.parametrize(
    ("game", "values"),
    [
        ("auction/first-price-v0", {"dist": "normal", "mean": 50, "std": 10}),
        ("auction/all-pay-v0", {"dist": "uniform", "low": 10, "high": 100}),
        ("auction/first-price-v0", {"dist": "fixed", "list": [10, 20, 30]}),
    ],
)
def test_equilibrium_says_so_at_load_where_the_solver_has_no_closed_form(
    game: str, values: dict
) -> None:
    env = make_game(game, values=values)
    with pytest.raises(ConfigError, match=r"equilibrium cannot bid in .*uniform on \[0, high\]"):
        check_seat(env, make_agent("equilibrium"), 0, game_id=game)
    second = make_game("auction/second-price-v0", values=values)
    check_seat(second, make_agent("equilibrium"), 0, game_id=game)  # truthful needs no model


def test_english_only_bidders_refuse_sealed_auctions() -> None:
    env = make_game("auction/first-price-v0")
    for name in ("aucarena-rule", "budget-pacing"):
        with pytest.raises(ConfigError, match=f"{name} bids in english auctions"):
            check_seat(env, make_agent(name), 0, game_id="auction/first-price-v0")


def test_equilibrium_is_still_the_bargaining_equilibrium_in_bargaining_games() -> None:
    record = play_match("bargaining/alternating-offers-v0", ["equilibrium", "equilibrium"], seed=1)
    assert record.outcome["deal"] and record.steps == 2  # the SPE proposal, accepted at once


def test_random_bids_are_legal_and_seeded() -> None:
    first = play_match("auction/first-price-v0", ["random"] * 3, seed=2, rounds=30)
    again = play_match("auction/first-price-v0", ["random"] * 3, seed=2, rounds=30)
    assert first.outcome == again.outcome
    bids = bid_table(first)
    assert bids.min() >= 0 and bids.max() <= 100 and len(np.unique(bids)) == bids.size


def test_one_equilibrium_bidder_moves_between_auction_formats() -> None:
    bidder = make_agent("equilibrium")
    sealed = play_match("auction/first-price-v0", [bidder, "random", "random"], seed=1, rounds=5)
    english = play_match("auction/english-v0", [bidder, "truthful", "truthful"], seed=1)
    fresh = play_match("auction/english-v0", ["equilibrium", "truthful", "truthful"], seed=1)
    assert sealed.steps == 5 and english.turns == fresh.turns  # no first-price rule carried over

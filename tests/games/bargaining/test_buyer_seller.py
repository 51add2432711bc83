"""The buyer-seller game: PettingZoo's checkers, its rules, its outcome, its bad input."""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
import pytest
from pettingzoo.test import api_test, seed_test

from arena import make_game, play_match
from arena.errors import ConfigError
from arena.games.bargaining.buyer_seller import (
    ACCEPT,
    OFFER,
    TALK,
    WALK,
    BuyerSellerGame,
    move,
)

GAME = "bargaining/buyer-seller-v0"
NEGOTIATORS = ["boulware", "linear", "conceder", "hardliner", "tit-for-tat-concession"]


def play_moves(env: BuyerSellerGame, moves: list[dict[str, Any]]) -> dict[str, Any]:
    """Play ``moves`` in turn from a fresh reset; the last step's infos of the seller."""
    env.reset(seed=0)
    for action in moves:
        assert not env.terminations[env.agent_selection]
        env.step(action)
    return env.infos["seller"]


@pytest.mark.filterwarnings("ignore::UserWarning")  # PettingZoo's advice on Dict spaces and names
def test_pettingzoo_api_and_seed_tests_pass() -> None:
    api_test(make_game(GAME), num_cycles=200)
    api_test(make_game(GAME, api="aec", turns=2, first="buyer"), num_cycles=50)
    seed_test(lambda: make_game(GAME, turns=3), num_cycles=50)


def test_native_api_is_aec_and_parallel_is_refused() -> None:
    from pettingzoo import AECEnv

    assert isinstance(make_game(GAME), AECEnv)
    with pytest.raises(ConfigError, match="turn-based"):
        make_game(GAME, api="parallel")


def test_pickles_and_replays_the_same() -> None:
    env = make_game(GAME)
    clone = pickle.loads(pickle.dumps(env))
    moves = [move(OFFER, 18, "18?"), move(OFFER, 11, "11."), move(ACCEPT)]
    assert play_moves(env, moves) == play_moves(clone, moves)


def test_acceptance_closes_at_the_other_sides_standing_offer() -> None:
    env = make_game(GAME)  # cost 8, value 20; the seller speaks first
    info = play_moves(env, [move(OFFER, 18, "18."), move(OFFER, 12, "12."), move(ACCEPT, -1, "Ok")])
    assert info["deal"] and info["price"] == 12.0 and info["closed_by"] == "seller"
    assert info["payoffs"] == {"seller": 4.0, "buyer": 8.0}
    assert info["turns_used"] == 3
    assert info["surplus_share"] == {"seller": 4.0 / 12.0, "buyer": 1.0 - 4.0 / 12.0}


def test_a_price_carried_by_an_acceptance_is_the_deal_price() -> None:
    # How a moderator's verdict on free talk enters the game.
    info = play_moves(make_game(GAME), [move(TALK, -1, "20?"), move(ACCEPT, 15, "Deal at 15.")])
    assert info["deal"] and info["price"] == 15.0 and info["payoffs"]["buyer"] == 5.0


def test_walking_away_and_running_out_of_turns_give_the_outside_options() -> None:
    env = make_game(GAME, seller_outside=2.0, buyer_outside=1.5, turns=2)
    walked = play_moves(env, [move(OFFER, 18), move(WALK, -1, "No.")])
    assert not walked["deal"] and walked["walked_away"] == "buyer"
    assert walked["payoffs"] == {"seller": 2.0, "buyer": 1.5}
    assert walked["surplus_share"] is None
    out = play_moves(env, [move(OFFER, 18), move(OFFER, 9), move(OFFER, 17), move(OFFER, 10)])
    assert not out["deal"] and out["turns_used"] == 4 and out["walked_away"] is None
    assert all(env.terminations.values())


def test_an_acceptance_with_nothing_to_accept_is_talk() -> None:
    env = make_game(GAME)
    env.reset()
    env.step(move(ACCEPT, -1, "Deal!"))
    assert env.infos["seller"]["void_accept"] is True
    assert env.agent_selection == "buyer" and not any(env.terminations.values())
    assert env.history[0, 1] == TALK


def test_observations_hold_only_ones_own_private_numbers() -> None:
    env = make_game(GAME, cost=7.25, value=23.5, seller_open=30, buyer_open=9)
    env.reset()
    seller, buyer = env.observe("seller"), env.observe("buyer")
    assert float(seller["private"]) == 7.25 and float(buyer["private"]) == 23.5
    assert float(seller["opening"]) == 30 and float(buyer["opening"]) == 9
    assert seller["turns_left"] == buyer["turns_left"] == 10
    env.step(move(OFFER, 28, "28"))
    assert env.observe("seller")["turns_left"] == 9 and env.observe("buyer")["turns_left"] == 10
    assert list(env.observe("buyer")["standing"]) == [28.0, -1.0]


@pytest.mark.parametrize("seller", [*NEGOTIATORS, "equilibrium"])
@pytest.mark.parametrize("buyer", [*NEGOTIATORS, "equilibrium"])
def test_scripted_deals_fall_in_the_zone_of_agreement(seller: str, buyer: str) -> None:
    record = play_match(GAME, [seller, buyer], seed=1)
    outcome = record.outcome
    if outcome["deal"]:
        assert 8.0 <= outcome["price"] <= 20.0
        # payoffs add up to the surplus: both computed from the same price, to rounding
        assert sum(record.payoffs) == pytest.approx(12.0, abs=1e-9)
    else:
        assert record.payoffs == (0.0, 0.0)


def test_without_a_zone_of_agreement_rational_sides_do_not_trade() -> None:
    for seller in NEGOTIATORS:
        for buyer in NEGOTIATORS:
            record = play_match(GAME, [seller, buyer], seed=0, cost=25.0, value=20.0)
            assert not record.outcome["deal"], (seller, buyer)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"cost": -1.0}, r"cost: .*greater than or equal to 0"),
        ({"turns": 0}, r"turns: .*greater than or equal to 1"),
        ({"first": "auctioneer"}, r"first: .*'seller' or 'buyer'"),
        ({"colour": "red"}, r"colour"),
        ({"seller_open": "20"}, r"seller_open"),
    ],
)
def test_bad_parameters_are_named(params: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        make_game(GAME, **params)


def test_bad_moves_say_what_is_wrong() -> None:
    env = make_game(GAME)
    env.reset()
    with pytest.raises(ValueError, match="act, price and message"):
        env.step(3)
    with pytest.raises(ValueError, match="price must be"):
        env.step(move(OFFER, float("nan")))
    with pytest.raises(ValueError, match="needs a price"):
        env.step(move(OFFER))


def test_render_shows_the_dialogue() -> None:
    env = make_game(GAME, render_mode="ansi")
    env.reset()
    env.step(move(OFFER, 19.5, "How about $19.50?"))
    text = env.render()
    assert "seller: How about $19.50? (offer $19.50)" in text


def test_prices_are_read_as_numpy_or_plain_floats() -> None:
    env = make_game(GAME)
    env.reset()
    env.step({"act": OFFER, "price": 18, "message": "18"})
    env.step({"act": ACCEPT, "price": np.float32(-1), "message": "ok"})
    assert env.infos["buyer"]["price"] == 18.0

"""The English auction: PettingZoo's checkers, a match move by move, illegal bids, budgets, the
bidding-round cap, the yardsticks and bad parameters."""

from __future__ import annotations

import itertools
import pickle
import random
from typing import Any

import numpy as np
import pytest
from pettingzoo import AECEnv
from pettingzoo.test import api_test, seed_test

from arena import make_game
from arena.errors import ConfigError
from arena.games.auction.english import (
    DEMO_ITEMS,
    Auctioneer,
    EnglishAuction,
    best_response,
    bid,
    out,
)

GAME = "auction/english-v0"
# Two bidders, three items; bidder_1 wants items, not profit.
SMALL = {
    "bidders": 2,
    "budget": [500, 400],
    "min_raise": 0.5,
    "objective": ["maximize_profit", "maximize_items"],
    "items": [
        {"name": "Lamp", "start": 100, "value": 300},
        {"name": "Vase", "start": 200, "value": 150},
        {"name": "Clock", "start": 100, "value": 250},
    ],
}
# Who is asked, and what it does: the leader is never asked, going out is final, bidding on
# item k opens with bidder_{k mod 2}.
MATCH = [
    ("bidder_0", bid(100)),  # Lamp: the starting price
    ("bidder_1", bid(200)),  # at least 100 + 0.5 x 100
    ("bidder_0", bid(250)),
    ("bidder_1", out()),  # hammer: Lamp to bidder_0 at 250
    ("bidder_1", out()),  # Vase opens with bidder_1
    ("bidder_0", out()),  # hammer: Vase unsold
    ("bidder_0", bid(100)),  # Clock opens with bidder_0
    ("bidder_1", bid(300)),  # a jump bid
    ("bidder_0", out()),  # 350 would be more than its 250 left; hammer: Clock to bidder_1
]


def play(env: EnglishAuction, moves: list[tuple[str, dict[str, Any]]]) -> None:
    env.reset(seed=0)
    for agent, action in moves:
        assert env.agent_selection == agent
        assert not env.terminations[agent]
        env.step(action)


def random_move(observation: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A random legal move: out, the minimum, everything left, or anything between."""
    low, money = float(observation["min_bid"][0]), float(observation["budget"][0])
    if low > money or rng.random() < 0.3:
        return out()
    return bid(rng.choice([low, money, rng.uniform(low, money)]))


@pytest.mark.filterwarnings("ignore::UserWarning")  # PettingZoo's advice on Dict spaces
@pytest.mark.parametrize("params", [{}, SMALL, {"bidders": 10, "max_bidding_rounds": 2}])
def test_pettingzoo_api_and_seed_tests_pass(params: dict[str, Any]) -> None:
    api_test(make_game(GAME, **params), num_cycles=200)
    seed_test(lambda: make_game(GAME, **params), num_cycles=50)


def test_native_api_is_aec_and_parallel_is_refused() -> None:
    assert isinstance(make_game(GAME), AECEnv)
    with pytest.raises(ConfigError, match="turn-based"):
        make_game(GAME, api="parallel")


def test_defaults_are_aucarenas_demo() -> None:
    env = make_game(GAME)
    assert env.possible_agents == ["bidder_0", "bidder_1", "bidder_2"]
    assert [item["start"] for item in DEMO_ITEMS] == [1000, 1000, 1000, 1000, 5000]
    env.reset()
    seen = env.observe("bidder_2")
    assert list(seen["start_prices"]) == [1000, 1000, 1000, 1000, 5000]
    assert list(seen["estimates"]) == [2200, 2200, 2200, 2200, 11000]  # 10 % over
    assert seen["budget"][0] == 10_000 and seen["min_bid"][0] == 1000
    assert env.deterministic  # nothing is drawn


def test_a_match_move_by_move() -> None:
    env = make_game(GAME, **SMALL)
    play(env, MATCH[:2])
    seen = env.observe("bidder_0")
    assert (seen["standing"][0], seen["leader"], seen["min_bid"][0]) == (200, 1, 250)
    assert seen["my_bids"] == 1 and list(seen["active"]) == [1, 1]
    play(env, MATCH[:4])
    seen = env.observe("bidder_1")
    assert seen["item"] == 1 and list(seen["winners"]) == [0, -1, -1]
    assert list(seen["prices"]) == [250, -1, -1] and list(seen["true_values"]) == [300, -1, -1]
    assert seen["standing"][0] == -1 and seen["leader"] == -1 and seen["my_bids"] == 0
    play(env, MATCH[:8])
    seen = env.observe("bidder_0")
    assert seen["budget"][0] == 250 and seen["min_bid"][0] == 350
    with pytest.raises(ValueError, match="more than its money left, 250"):
        env.step(bid(350))
    env.step(out())
    assert all(env.terminations.values())
    info = env.infos["bidder_0"]
    assert info["payoffs"] == {"bidder_0": 50.0, "bidder_1": 1.0}  # profit; items won
    assert [(i["winner"], i["price"]) for i in info["items"]] == [(0, 250), (None, None), (1, 300)]
    assert [i["bids"] for i in info["items"]] == [3, 0, 2]
    assert env.rewards == {"bidder_0": 50.0, "bidder_1": 1.0}
    assert list(env.observe("bidder_0")["true_values"]) == [300, 150, 250]
    for _ in env.agent_iter():
        env.step(None)
    assert env.agents == []


def test_metrics_of_the_match() -> None:
    env = make_game(GAME, **SMALL)
    play(env, MATCH)
    metrics = env.metrics()
    assert metrics["profit"] == [50.0, -50.0]
    assert metrics["value_won"] == [300.0, 250.0]
    assert metrics["money_left"] == [250.0, 100.0]
    assert metrics["items_won"] == [1, 1]
    assert metrics["revenue"] == 550.0
    assert metrics["efficiency"] == pytest.approx(550 / 700)
    # bidder_0 could have had the Lamp at 200 + 50 = 250, no better; bidder_1 (items) could
    # have had the Clock at 100 + 50 and the Vase at 200 within its 400: two items, not one.
    assert metrics["regret"] == [0.0, 1.0]
    assert metrics["expected_revenue"] is None and metrics["equilibrium_deviation"] is None
    assert env.outcome()["items"][1] == {
        "name": "Vase",
        "start": 200.0,
        "winner": None,
        "price": None,
        "true_value": 150.0,
        "bids": 0,
        "bidding_rounds": 1,
    }


def test_pickles_and_replays_the_same() -> None:
    env = make_game(GAME, **SMALL)
    clone = pickle.loads(pickle.dumps(env))
    play(env, MATCH)
    play(clone, MATCH)
    assert env.metrics() == clone.metrics() and env.outcome() == clone.outcome()


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (bid(600), r"bidder_0: a bid of 600 is more than its money left, 500"),
        (bid(99.5), r"a bid of 99.5 is below the minimum bid, 100"),
        (bid(float("nan")), r"a bid is a finite amount"),
        ({"act": 2, "amount": np.array([100.0])}, r"act is 0 \(out\) or 1 \(bid\)"),
        ({"act": True, "amount": np.array([100.0])}, r"act is 0"),
        ({"act": 1}, r"a bid needs an amount"),
        ({"act": 1, "amount": "lots"}, r"amount is a number"),
        (1, r"a move is a dict with act and amount"),
    ],
)
def test_illegal_moves_raise_before_anything_changes(action: Any, message: str) -> None:
    env = make_game(GAME, **SMALL)
    env.reset(seed=0)
    before = pickle.dumps(env)
    with pytest.raises(ValueError, match=message):
        env.step(action)
    assert pickle.dumps(env) == before
    env.step(bid(100))  # still the same game
    with pytest.raises(ValueError, match=r"below the minimum bid, 150"):
        env.step(bid(149.99))


def test_a_bidder_who_is_out_cannot_bid() -> None:
    auction = Auctioneer(np.array([10.0]), np.array([20.0]), np.array([50.0, 50.0, 50.0]), 0.1, 9)
    auction.play(0, None)  # bidder_0 goes out
    auction.play(1, 10.0)
    assert auction.to_act == 2
    auction.to_act = 0  # a caller who forgets whose turn it is
    with pytest.raises(ValueError, match="bidder_0 is out of this item"):
        auction.check(0, 12.0)
    auction.to_act = 2
    with pytest.raises(ValueError, match="it is bidder_2's turn"):
        auction.check(1, 12.0)


def test_the_cap_on_bidding_rounds_ends_the_item() -> None:
    items = [{"name": "Rug", "start": 10, "value": 100}]
    env = make_game(GAME, bidders=2, budget=1e6, items=items, max_bidding_rounds=3)
    env.reset()
    asked = []
    for agent in env.agent_iter():
        observation, _, terminated, _, _ = env.last()
        if terminated:
            env.step(None)
            continue
        asked.append(agent)
        env.step(bid(observation["min_bid"][0]))  # both always raise
    assert asked == ["bidder_0", "bidder_1"] * 3
    item = env.outcome()["items"][0]
    assert (item["winner"], item["price"], item["bids"], item["bidding_rounds"]) == (1, 15, 6, 3)


def test_no_budget_is_ever_exceeded() -> None:
    rng = random.Random(11)
    for seed in range(150):
        n = rng.randrange(2, 6)
        budgets = [rng.randrange(0, 5000) + rng.random() for _ in range(n)]
        items = [
            {"name": f"item {k}", "start": rng.randrange(1, 1500), "value": rng.randrange(3000)}
            for k in range(rng.randrange(1, 7))
        ]
        raise_ = rng.choice([0.05, 0.1, 1.0])
        env = make_game(GAME, bidders=n, budget=budgets, items=items, min_raise=raise_)
        env.reset(seed=seed)
        for _ in env.agent_iter():
            observation, _, terminated, _, _ = env.last()
            if terminated:
                env.step(None)
                continue
            money = float(observation["budget"][0])
            if money > 0 and rng.random() < 0.2:  # tries to overspend: refused, nothing changes
                with pytest.raises(ValueError, match="more than its money left"):
                    env.step(bid(money * 1.01 + 0.01))
            env.step(random_move(observation, rng))
        metrics = env.metrics()
        spent = np.zeros(n)
        for item in env.outcome()["items"]:
            if item["winner"] is not None:
                spent[item["winner"]] += item["price"]
        assert np.all(spent <= np.array(budgets) + 1e-6)
        assert np.allclose(np.array(budgets) - spent, metrics["money_left"])
        assert min(metrics["money_left"]) >= -1e-6
        assert all(r >= 0 for r in metrics["regret"])


def brute_force(costs: list[float], gains: list[float], budget: float) -> float:
    best = 0.0
    for pick in itertools.product((0, 1), repeat=len(costs)):
        if sum(c * p for c, p in zip(costs, pick)) <= budget:
            best = max(best, sum(g * p for g, p in zip(gains, pick)))
    return best


def test_the_best_response_is_the_best_set_of_items() -> None:
    rng = random.Random(5)
    for _ in range(300):
        k = rng.randrange(0, 9)
        costs = [float(rng.randrange(1, 50)) for _ in range(k)]
        gains = [float(rng.randrange(-20, 40)) for _ in range(k)]
        budget = float(rng.randrange(0, 120))
        found = best_response(np.array(costs), np.array(gains), budget)
        assert found == pytest.approx(brute_force(costs, gains, budget))


def test_public_info_holds_no_private_number() -> None:
    env = make_game(GAME, **SMALL)
    info = env.public_info()
    assert info == {
        "format": "english",
        "bidders": 2,
        "currency": "$",
        "items": [
            {"name": "Lamp", "start": 100.0},
            {"name": "Vase", "start": 200.0},
            {"name": "Clock", "start": 100.0},
        ],
        "min_raise": 0.5,
        "max_bidding_rounds": 100,
    }


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"budget": -5}, r"^budget: must be a finite number of at least 0, got -5$"),
        ({"budget": [100, -1, 100]}, r"^budget\[1\]: must be a finite number of at least 0"),
        ({"budget": [100, 200]}, r"^budget: 2 values for 3 bidders"),
        ({"budget": "lots"}, r"^budget: expected a number"),
        ({"min_raise": 0}, r"^min_raise: Input should be greater than 0"),
        ({"min_raise": 1.5}, r"^min_raise: Input should be less than or equal to 1"),
        ({"items": []}, r"^items: List should have at least 1 item"),
        ({"items": [{"name": "X", "start": 0, "value": 1}]}, r"^items\[0\]\.start: "),
        ({"items": [{"name": "X", "start": 5}]}, r"^items\[0\]\.value: Field required"),
        ({"bidders": 1}, r"^bidders: Input should be greater than or equal to 2"),
        ({"bidders": 11}, r"^bidders: Input should be less than or equal to 10"),
        ({"objective": "maximize_fun"}, r"^objective: expected 'maximize_profit' or"),
        ({"overestimate": -2}, r"^overestimate: must be a finite number of at least -1"),
        ({"max_bidding_rounds": 0}, r"^max_bidding_rounds: "),
        ({"reserve": 3}, r"^reserve: unknown key$"),
    ],
)
def test_bad_parameters_are_one_line_errors_naming_the_key(
    params: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as error:
        make_game(GAME, **params)
    assert "\n" not in str(error.value)

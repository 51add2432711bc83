"""The Dutch auction: PettingZoo's checkers, the clock tick by tick, lotteries, the reserve,
illegal actions, the theory's yardsticks and bad parameters."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from pettingzoo import ParallelEnv
from pettingzoo.test import api_test, parallel_api_test, parallel_seed_test, seed_test

from arena import make_game
from arena.errors import ConfigError
from arena.games.auction.dutch import TAKE, WAIT, DutchAuction, take, wait
from arena.solver.auctions import expected_revenue, first_price_bid

GAME = "auction/dutch-v0"
FIXED = {"dist": "fixed", "list": [30.5, 60.25, 90.75]}
Policy = Callable[[int, dict[str, Any]], int]


def play(env: DutchAuction, policy: Policy, seed: int = 0) -> list[dict[str, Any]]:
    """A whole auction in which seat k plays ``policy(k, observation)``; the steps' infos."""
    observations, _ = env.reset(seed=seed)
    infos = []
    while env.agents:
        actions = {a: policy(k, observations[a]) for k, a in enumerate(env.possible_agents)}
        observations, _, _, _, info = env.step(actions)
        infos.append(info)
    return infos


def below(margin: float) -> Policy:
    """Take once the clock is ``margin`` below one's value."""
    return lambda k, seen: take() if seen["price"][0] <= seen["value"][0] - margin else wait()


def equilibrium(env: DutchAuction) -> Policy:
    """Stop the clock at the first-price equilibrium bid (uniform values on [0, high])."""
    n, high, reserve = env.params.bidders, env.distribution.high, env.params.reserve

    def policy(k: int, seen: dict[str, Any]) -> int:
        stop = first_price_bid(float(seen["value"][0]), n, high, reserve)
        return TAKE if seen["price"][0] <= stop + 1e-9 and seen["value"][0] >= reserve else WAIT

    return policy


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("params", [{}, {"bidders": 10, "rounds": 3, "step": 7}, {"values": FIXED}])
def test_pettingzoo_api_and_seed_tests_pass(params: dict[str, Any]) -> None:
    parallel_api_test(make_game(GAME, **params), num_cycles=300)
    parallel_seed_test(lambda: make_game(GAME, **params), num_cycles=100)
    api_test(make_game(GAME, api="aec", **params), num_cycles=100)
    seed_test(lambda: make_game(GAME, api="aec", **params), num_cycles=50)


def test_native_api_is_parallel_and_defaults_are_the_contracts() -> None:
    env = make_game(GAME)
    assert isinstance(env, ParallelEnv) and not env.deterministic
    info = env.public_info()
    assert info == {
        "format": "dutch",
        "bidders": 3,
        "currency": "$",
        "rounds": 10,
        "values": {"dist": "uniform", "low": 0.0, "high": 100.0},
        "start": 100.0,
        "step": 1.0,
        "reserve": 0.0,
    }
    observations, _ = env.reset(seed=1)
    seen = observations["bidder_0"]
    assert set(seen) == {"round", "value", "price", "history"}
    assert seen["round"] == 0 and seen["price"][0] == 100 and seen["history"].shape == (10, 3)
    assert np.all(seen["history"] == -1) and 0 <= seen["value"][0] <= 100


def test_a_match_tick_by_tick() -> None:
    env = make_game(GAME, values=FIXED, rounds=2, start=100, step=10)
    observations, _ = env.reset(seed=0)
    prices = []
    for _ in range(3):  # 100, 90, 80: nobody is 20 below its value yet
        prices.append(observations["bidder_0"]["price"][0])
        observations, rewards, *_ = env.step(dict.fromkeys(env.possible_agents, WAIT))
        assert set(rewards.values()) == {0.0}
    assert prices == [100, 90, 80] and observations["bidder_2"]["price"][0] == 70
    actions = {"bidder_0": WAIT, "bidder_1": WAIT, "bidder_2": TAKE}
    observations, rewards, terminations, _, infos = env.step(actions)
    assert rewards == {"bidder_0": 0.0, "bidder_1": 0.0, "bidder_2": 20.75}
    assert infos["bidder_0"] == {"round": 0, "winner": "bidder_2", "price": 70.0}
    assert not any(terminations.values())
    assert observations["bidder_2"]["round"] == 1 and observations["bidder_2"]["price"][0] == 100
    assert observations["bidder_2"]["history"][0].tolist() == [90.75, 70.0, 1.0]
    assert observations["bidder_0"]["history"][0].tolist() == [30.5, 70.0, 0.0]
    for _ in range(10):  # nobody takes: 100, 90, ..., 10
        env.step(dict.fromkeys(env.possible_agents, WAIT))
    observations, _, terminations, _, infos = env.step(dict.fromkeys(env.possible_agents, WAIT))
    assert all(terminations.values()) and env.agents == []
    assert infos["bidder_1"]["winner"] is None  # nobody took it at 0: unsold
    assert infos["bidder_1"]["payoffs"] == {"bidder_0": 0.0, "bidder_1": 0.0, "bidder_2": 20.75}
    assert observations["bidder_0"]["history"][1].tolist() == [30.5, -1.0, 0.0]
    assert observations["bidder_0"]["value"][0] == -1 and observations["bidder_0"]["price"][0] == -1
    assert [r["ticks"] for r in env.outcome()["rounds"]] == [4, 11]
    with pytest.raises(ValueError, match="the auction is over"):
        env.step(dict.fromkeys(env.possible_agents, WAIT))


def test_metrics_of_the_match() -> None:
    env = make_game(GAME, values=FIXED, rounds=2, start=100, step=10)
    play(env, lambda k, seen: TAKE if (k, seen["round"], seen["price"][0]) == (2, 0, 70) else WAIT)
    metrics = env.metrics()
    assert metrics["profit"] == [0.0, 0.0, 20.75]
    assert metrics["value_won"] == [0.0, 0.0, 90.75]
    assert metrics["items_won"] == [0, 0, 1] and metrics["money_left"] is None
    assert metrics["revenue"] == 70.0 and metrics["efficiency"] == pytest.approx(0.5)
    # round 1 ended at 70 (no one but the winner had a value above it, and it earned all it
    # could); round 2 went unsold: each could have taken it at the reserve, 0
    assert metrics["regret"] == [30.5, 60.25, 90.75]
    assert metrics["expected_revenue"] is None and metrics["equilibrium_deviation"] is None


def test_several_takers_at_one_tick_are_settled_by_a_seeded_lottery() -> None:
    env = make_game(GAME, values={"dist": "fixed", "list": [50, 50, 90]}, rounds=1, step=10)
    policy: Policy = lambda k, seen: TAKE if k < 2 and seen["price"][0] <= 40 else WAIT  # noqa: E731
    winners = []
    for seed in range(40):
        infos = play(env, policy, seed)
        winners.append(infos[-1]["bidder_0"]["winner"])
        assert infos[-1]["bidder_0"]["price"] == 40 and env.outcome()["rounds"][0]["takers"] == 2
    assert set(winners) == {"bidder_0", "bidder_1"}  # never the one who waited
    again = [play(env, policy, seed)[-1]["bidder_0"]["winner"] for seed in range(40)]
    assert again == winners


def test_the_clock_stops_at_the_reserve_and_then_the_item_goes_unsold() -> None:
    env = make_game(GAME, rounds=1, start=100, step=30, reserve=5)
    observations, _ = env.reset(seed=0)
    prices = []
    while env.agents:
        prices.append(observations["bidder_0"]["price"][0])
        observations, _, _, _, infos = env.step(dict.fromkeys(env.possible_agents, WAIT))
    assert prices == [100, 70, 40, 10, 5]
    assert infos["bidder_0"]["winner"] is None and env.metrics()["revenue"] == 0.0


def test_the_seed_alone_draws_the_values() -> None:
    env = make_game(GAME, rounds=5)
    play(env, lambda k, seen: WAIT, seed=3)
    waited = env.values.copy()
    play(env, lambda k, seen: TAKE, seed=3)
    assert np.array_equal(env.values, waited)  # whatever the players did
    play(env, lambda k, seen: TAKE, seed=4)
    assert not np.array_equal(env.values, waited)


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        ({"bidder_0": 2, "bidder_1": 0, "bidder_2": 0}, r"bidder_0: an action is 0 \(wait\) or 1"),
        ({"bidder_0": 0, "bidder_1": True, "bidder_2": 0}, r"bidder_1: an action is 0"),
        ({"bidder_0": 0, "bidder_1": 0, "bidder_2": "1"}, r"bidder_2: an action is 0"),
        ({"bidder_0": 0, "bidder_1": 0, "bidder_2": 1.0}, r"bidder_2: an action is 0"),
        ({"bidder_0": 1, "bidder_1": 0}, r"bidder_2: no action at this tick"),
    ],
)
def test_illegal_actions_raise_before_anything_changes(
    actions: dict[str, Any], message: str
) -> None:
    env = make_game(GAME)
    env.reset(seed=0)
    before = pickle.dumps(env)
    with pytest.raises(ValueError, match=message):
        env.step(actions)
    assert pickle.dumps(env) == before


def test_pickles_and_replays_the_same() -> None:
    env = make_game(GAME, rounds=4)
    clone = pickle.loads(pickle.dumps(env))
    play(env, below(10), seed=9)
    play(clone, below(10), seed=9)
    assert env.metrics() == clone.metrics() and env.outcome() == clone.outcome()


def test_equilibrium_stops_deviate_by_at_most_a_tick_and_earn_the_theorys_revenue() -> None:
    rounds, step = 800, 0.5
    env = make_game(GAME, rounds=rounds, step=step)
    play(env, equilibrium(env), seed=2023)
    metrics = env.metrics()
    expected = rounds * expected_revenue(3, "dutch", 100.0, 0.0)
    assert metrics["expected_revenue"] == pytest.approx(expected)
    assert max(metrics["equilibrium_deviation"]) <= step + 1e-9
    # the winner's price: 2/3 of the highest of three values, sd 12.9 a round; the clock
    # stops up to one step below the equilibrium bid
    mean = metrics["revenue"] / rounds
    assert abs(mean - expected / rounds + step / 2) < 4 * 12.91 / np.sqrt(rounds) + step / 2
    assert metrics["efficiency"] > 0.99  # the highest value stops first (up to ties)


def test_regret_and_deviation_of_a_bidder_who_never_takes() -> None:
    env = make_game(GAME, bidders=2, rounds=30, step=1)
    play(env, lambda k, seen: take() if k == 1 and seen["price"][0] <= seen["value"][0] else wait())
    metrics = env.metrics()
    values, prices = env.values, env.prices
    sold = prices >= 0
    ended = np.where(sold, prices, 0.0)
    # bidder_0 could have taken just before every price bidder_1 took at, when worth it
    assert metrics["regret"][0] == pytest.approx(np.maximum(values[:, 0] - ended, 0).sum())
    stops = first_price_bid(values[:, 0], 2, 100.0)
    assert metrics["equilibrium_deviation"][0] == pytest.approx(np.maximum(stops - ended, 0).mean())
    assert metrics["items_won"] == [0, int(sold.sum())]


@pytest.mark.parametrize(
    "params",
    [
        {"values": {"dist": "normal", "mean": 50, "std": 10}},
        {"values": {"dist": "uniform", "low": 10, "high": 100}},
        {"values": FIXED},
        {"start": 60},  # below the highest equilibrium stop, 66.7: the theory does not apply
    ],
)
def test_no_expected_revenue_without_the_closed_form(params: dict[str, Any]) -> None:
    env = make_game(GAME, rounds=2, **params)
    play(env, below(5))
    metrics = env.metrics()
    assert metrics["expected_revenue"] is None
    closed = "start" in params
    assert (metrics["equilibrium_deviation"] is not None) == closed


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"reserve": 150}, r"^reserve: 150 is above every possible value"),
        ({"reserve": -1}, r"^reserve: Input should be greater than or equal to 0"),
        ({"start": 20, "reserve": 20}, r"^start: the clock must start above the reserve"),
        ({"step": 0}, r"^step: Input should be greater than 0"),
        ({"step": 1e-5}, r"^step: 1e-05 takes 10,000,000 ticks"),
        ({"bidders": 1}, r"^bidders: Input should be greater than or equal to 2"),
        ({"bidders": 11}, r"^bidders: Input should be less than or equal to 10"),
        ({"rounds": 0}, r"^rounds: Input should be greater than or equal to 1"),
        ({"values": {"dist": "pareto"}}, r"^values\.dist: unknown value distribution 'pareto'"),
        ({"values": {"dist": "fixed", "list": [1, 2]}}, r"^values: list has 2 values for 3"),
        ({"values": {"dist": "uniform", "low": 5, "high": 1}}, r"^values: .*high \(1\) must be"),
        ({"budget": 5}, r"^budget: unknown key$"),
    ],
)
def test_bad_parameters_are_one_line_errors_naming_the_key(
    params: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as error:
        make_game(GAME, **params)
    assert "\n" not in str(error.value)

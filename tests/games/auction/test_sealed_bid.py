"""The sealed-bid auctions: PettingZoo's checks, pricing rules, ties, reserve, bad input, text."""

from __future__ import annotations

import numpy as np
import pytest
from pettingzoo.test import parallel_api_test, parallel_seed_test

from arena import make_game
from arena.errors import ConfigError, MoveError
from arena.games.auction.sealed_bid import NONE, sealed_bid
from arena.records import MatchRecord

SEALED = ["auction/first-price-v0", "auction/second-price-v0", "auction/all-pay-v0"]


def bid_table(record: MatchRecord) -> np.ndarray:
    """Every round's bids, rounds x bidders, from the record's turns."""
    bids = np.full((record.steps, len(record.agents)), np.nan)
    for turn in record.turns:
        bids[turn.step, turn.seat] = float(np.asarray(turn.action).reshape(-1)[0])
    return bids


def one_round(game: str, bids: list[float], **params: object) -> tuple[dict, dict]:
    env = make_game(
        game,
        bidders=len(bids),
        rounds=1,
        values={"dist": "fixed", "list": [50.0] * len(bids)},
        **params,
    )
    env.reset(seed=0)
    _, rewards, terms, _, infos = env.step(
        {a: sealed_bid(b) for a, b in zip(env.possible_agents, bids)}
    )
    assert all(terms.values()) and env.agents == []
    return rewards, infos["bidder_0"]


@pytest.mark.parametrize("game", SEALED)
def test_pettingzoo_parallel_api_and_seed_tests_pass(game: str) -> None:
    parallel_api_test(make_game(game, bidders=4, rounds=20), num_cycles=100)
    parallel_seed_test(lambda: make_game(game, bidders=4, rounds=20), num_cycles=50)


def test_first_price_winner_pays_its_bid() -> None:
    rewards, info = one_round("auction/first-price-v0", [30.0, 40.0, 10.0])
    assert rewards == {"bidder_0": 0.0, "bidder_1": 10.0, "bidder_2": 0.0}
    assert info["winner"] == "bidder_1" and info["price"] == 40.0


def test_second_price_winner_pays_the_second_bid_or_the_reserve() -> None:
    rewards, info = one_round("auction/second-price-v0", [30.0, 40.0, 10.0])
    assert rewards["bidder_1"] == 20.0 and info["price"] == 30.0
    rewards, info = one_round("auction/second-price-v0", [5.0, 40.0, 1.0], reserve=25.0)
    assert info["price"] == 25.0  # the others' bids are below the reserve: they do not count
    rewards, info = one_round("auction/second-price-v0", [5.0, 20.0, 1.0], reserve=25.0)
    assert info["winner"] is None and set(rewards.values()) == {0.0}


def test_all_pay_every_counted_bid_is_paid() -> None:
    rewards, _ = one_round("auction/all-pay-v0", [30.0, 40.0, 10.0], reserve=15.0)
    assert rewards == {"bidder_0": -30.0, "bidder_1": 10.0, "bidder_2": 0.0}


def test_ties_are_broken_by_a_seeded_lottery() -> None:
    def winners(seed: int) -> list[int]:
        env = make_game("auction/first-price-v0", bidders=3, rounds=40)
        env.reset(seed=seed)
        while env.agents:
            env.step({a: sealed_bid(60.0) for a in env.agents})
        return env.winners.tolist()

    first = winners(7)
    assert first == winners(7)  # reproducible from the seed
    assert set(first) == {0, 1, 2}  # every tied bidder wins some rounds
    assert winners(8) != first


def test_values_are_fresh_each_round_and_only_ones_own_is_observed() -> None:
    env = make_game("auction/first-price-v0", bidders=3, rounds=5)
    observations, _ = env.reset(seed=3)
    seen = []
    while env.agents:
        seen.append([float(observations[a]["value"][0]) for a in env.possible_agents])
        observations, *_ = env.step({a: sealed_bid(1.0) for a in env.agents})
    assert np.allclose(np.array(seen), env.values)  # each seat saw its own value each round
    assert len({tuple(row) for row in seen}) == 5


def test_history_tells_each_bidder_its_rounds_and_bids_are_hidden_unless_revealed() -> None:
    for reveal in (False, True):
        env = make_game("auction/first-price-v0", bidders=2, rounds=2, reveal_bids=reveal)
        env.reset(seed=1)
        observations, *_ = env.step({"bidder_0": sealed_bid(10.0), "bidder_1": sealed_bid(20.0)})
        row = observations["bidder_0"]["history"][0]
        assert row[1] == 10.0 and row[2] == 20.0 and row[3] == 20.0 and row[4] == 0.0
        assert np.all(observations["bidder_0"]["history"][1] == NONE)
        shown = observations["bidder_0"]["bids"][0]
        assert shown.tolist() == ([10.0, 20.0] if reveal else [NONE, NONE])


def test_a_bad_bid_changes_nothing() -> None:
    env = make_game("auction/first-price-v0", bidders=2, rounds=2)
    env.reset(seed=1)
    for bad in (
        {"bidder_0": sealed_bid(10.0)},
        {"bidder_0": [-1.0], "bidder_1": [1.0]},
        {"bidder_0": [101.0], "bidder_1": [1.0]},
        {"bidder_0": "ten", "bidder_1": [1.0]},
    ):
        with pytest.raises(ValueError, match="bidder_"):
            env.step(bad)
    assert env.round == 0 and np.all(env.bids == NONE)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"bidders": 1}, "bidders"),
        ({"bidders": 11}, "bidders"),
        ({"reserve": -1}, "reserve"),
        ({"reserve": 150}, "reserve: 150 is above every possible value"),
        ({"values": {"dist": "beta"}}, "values.dist: unknown value distribution 'beta'"),
        ({"values": {"dist": "normal", "std": 0}}, "values.std"),
        ({"values": {"dist": "fixed", "list": [1, 2]}}, "values: list has 2 values for 3 bidders"),
        ({"rounds": 0}, "rounds"),
    ],
)
def test_bad_parameters_are_one_line_errors_naming_the_key(params: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        make_game("auction/first-price-v0", **params)
    assert "\n" not in str(caught.value)


def test_text_protocol_tells_the_round_and_parses_aucarena_replies() -> None:
    env = make_game("auction/second-price-v0", bidders=2, rounds=3, reserve=5)
    observations, _ = env.reset(seed=2)
    protocol = env.text_protocol("bidder_0")
    assert "pays the second-highest bid" in protocol.rules() and "reserve of $5" in protocol.rules()
    observations, *_ = env.step({"bidder_0": sealed_bid(30.0), "bidder_1": sealed_bid(20.0)})
    text = protocol.describe(observations["bidder_0"])
    assert "Round 1: your value" in text and "you won with $30 and paid $20" in text
    assert "Round 2 of 3" in text
    assert protocol.parse("Hmm.\nI bid $1,2.50!")[0] == 12.5
    assert protocol.parse("BID: 42")[0] == 42.0
    assert protocol.parse("I'm out!")[0] == 0.0
    assert protocol.parse("\u201cI\u2019m out!\u201d")[0] == 0.0  # curly quotes, as models write
    with pytest.raises(MoveError, match="above the highest allowed") as caught:
        protocol.parse("BID: 1,000")
    assert caught.value.fault == "illegal"
    with pytest.raises(MoveError, match="not a bid"):
        protocol.parse("I would rather not say")
    assert protocol.fallback(observations["bidder_0"])[0] == 0.0

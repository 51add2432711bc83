"""Alternating offers: PettingZoo's checkers, Rubinstein's rules, the equilibrium player, text."""

from __future__ import annotations

from typing import Any

import pytest
from pettingzoo.test import api_test, seed_test

from arena import make_game, play_match
from arena.errors import ConfigError, MoveError
from arena.games.bargaining.alternating_offers import ACCEPT, PROPOSE, REJECT, proposal, response
from arena.solver import finite_horizon_split

GAME = "bargaining/alternating-offers-v0"


@pytest.mark.filterwarnings("ignore::UserWarning")  # PettingZoo's advice on Dict spaces
def test_pettingzoo_api_and_seed_tests_pass() -> None:
    api_test(make_game(GAME), num_cycles=200)
    api_test(make_game(GAME, horizon=1, first="player_1"), num_cycles=20)
    seed_test(lambda: make_game(GAME, horizon=4), num_cycles=50)


def test_agreement_is_discounted_by_the_period() -> None:
    env = make_game(GAME, discount=[0.9, 0.5])
    env.reset()
    for move in (proposal(70), response(False), proposal(60), response(True, "ok")):
        env.step(move)
    info = env.infos["player_0"]
    assert info["deal"] and info["period"] == 1 and info["closed_by"] == "player_0"
    assert info["shares"] == {"player_0": 40.0, "player_1": 60.0}  # player_1 proposed in 1
    assert info["payoffs"] == pytest.approx({"player_0": 0.9 * 40.0, "player_1": 0.5 * 60.0})


def test_the_ultimatum_game_and_impasse() -> None:
    env = make_game(GAME, horizon=1)
    env.reset()
    env.step(proposal(90))
    assert env.agent_selection == "player_1"
    env.step(response(False, "Unfair."))
    assert not env.infos["player_1"]["deal"] and env.infos["player_1"]["payoffs"] == {
        "player_0": 0.0,
        "player_1": 0.0,
    }


def test_the_rejecter_proposes_next_and_sees_the_proposal_first() -> None:
    env = make_game(GAME)
    env.reset()
    env.step(proposal(80, "80 for me."))
    seen = env.observe("player_1")
    assert seen["phase"] == 1 and list(seen["standing"]) == [20.0, 80.0]
    env.step(response(False))
    assert env.agent_selection == "player_1" and env.observe("player_1")["phase"] == 0
    assert env.history[1, 1] == REJECT and env.history[0, 1] == PROPOSE


@pytest.mark.parametrize("horizon", [1, 2, 3, 10])
@pytest.mark.parametrize("discount", [[0.9, 0.9], [0.8, 0.6], [1.0, 1.0]])
def test_equilibrium_players_agree_at_once_on_the_solvers_split(
    horizon: int, discount: list[float]
) -> None:
    record = play_match(GAME, ["equilibrium", "equilibrium"], horizon=horizon, discount=discount)
    split = finite_horizon_split(100.0, discount, horizon)
    assert record.outcome["period"] == 0
    assert record.payoffs == pytest.approx(tuple(split.shares), abs=1e-9)


@pytest.mark.parametrize("opponent", ["boulware", "linear", "conceder", "hardliner", "random"])
def test_the_equilibrium_player_follows_the_subgame_perfect_strategy_off_the_path(
    opponent: str,
) -> None:
    # Whatever the other side does, every proposal keeps what the equilibrium proposer of that
    # period keeps, and every response is the equilibrium responder's.
    split = finite_horizon_split(100.0, [0.9, 0.9], 10)
    for seed in range(5):
        record = play_match(GAME, ["equilibrium", opponent], seed=seed)
        offered = None
        for turn in record.turns:
            action = turn.action
            if turn.seat == 1 and action["act"] == PROPOSE:
                offered = 100.0 - float(action["keep"])
            if turn.seat != 0:
                continue
            period = sum(1 for t in record.turns[: turn.step] if t.action["act"] == REJECT)
            if action["act"] == PROPOSE:
                assert float(action["keep"]) == pytest.approx(split.keeps[period], abs=1e-9)
            else:
                assert (action["act"] == ACCEPT) == split.accepts(period, offered)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"discount": [0.9, 1.5]}, r"discount: .*in \(0, 1\], got 1.5"),
        ({"discount": [0.0, 0.9]}, r"discount: .*got 0"),
        ({"discount": [0.9]}, r"discount"),
        ({"horizon": 0}, r"horizon: .*greater than or equal to 1"),
        ({"pie": -5.0}, r"pie: .*greater than 0"),
    ],
)
def test_bad_parameters_are_named(params: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        make_game(GAME, **params)


def test_text_protocol_reads_only_legal_tagged_moves() -> None:
    env = make_game(GAME, horizon=3)
    env.reset()
    p0, p1 = env.text_protocol("player_0"), env.text_protocol("player_1")
    assert "split 100 points" in p0.rules() and "You propose first." in p0.rules()
    first = env.observe("player_0")
    move = p0.parse("Fair enough?\nPROPOSE: 55", first)
    assert move["act"] == PROPOSE and float(move["keep"]) == 55.0
    with pytest.raises(MoveError, match="no proposal to respond to") as error:
        p0.parse("ACCEPT", first)
    assert error.value.fault == "illegal"
    with pytest.raises(MoveError, match="cannot keep 150"):
        p0.parse("PROPOSE: 150", first)
    env.step(move)
    seen = env.observe("player_1")
    assert "gives you 45 and the other player 55" in p1.describe(seen)
    assert p1.parse("OK.\nACCEPT", seen)["act"] == ACCEPT
    assert p1.legal_moves(seen) == ["ACCEPT", "REJECT"]
    assert p1.fallback(seen)["act"] == REJECT
    with pytest.raises(ConfigError, match="takes no labels option"):
        env.text_protocol("player_0", labels=("A", "B"))

"""The game: PettingZoo's own checkers, the rules, the yardsticks and the text protocol."""

from __future__ import annotations

import doctest
import pickle
from typing import Any

import numpy as np
import pytest
from arena_plugin_example import rules
from arena_plugin_example.rules import best_reply, regret, stage_payoffs
from arena_plugin_example.text import ClaimTextProtocol
from arena_plugin_example.travelers_dilemma import GAME_ID, TravelersDilemma
from pettingzoo.test import api_test, parallel_api_test, parallel_seed_test, seed_test
from pettingzoo.utils import parallel_to_aec

from arena.errors import ConfigError, MoveError
from arena.registry import GAMES, make_game

VARIANTS = [{}, {"rounds": 3, "low": 80, "high": 200, "bonus": 5}, {"rounds": 1, "high": 3}]


@pytest.mark.parametrize("params", VARIANTS, ids=["basu", "capra", "one-round"])
def test_pettingzoo_api_and_seed_tests_pass(params: dict[str, Any]) -> None:
    parallel_api_test(TravelersDilemma(**params), num_cycles=100)
    parallel_seed_test(lambda: TravelersDilemma(**params), num_cycles=50)
    api_test(parallel_to_aec(TravelersDilemma(**params)), num_cycles=100)
    seed_test(lambda: parallel_to_aec(TravelersDilemma(**params)), num_cycles=50)


def test_the_entry_point_builds_the_game() -> None:
    entry = GAMES.get(GAME_ID)
    assert entry.extra["plugin"] == "arena-plugin-example"
    assert (entry.extra["api"], entry.extra["players"]) == ("parallel", 2)
    assert isinstance(make_game(GAME_ID, rounds=2), TravelersDilemma)


def test_the_rules_examples_hold() -> None:
    results = doctest.testmod(rules)
    assert (results.failed, results.attempted) == (0, 2)


@pytest.mark.parametrize(
    ("mine", "theirs", "paid"),
    [(100, 100, (100, 100)), (99, 100, (101, 97)), (2, 100, (4, 0)), (100, 2, (0, 4))],
)
def test_the_lower_claim_is_paid_with_the_bonus_and_the_fine(
    mine: int, theirs: int, paid: tuple[int, int]
) -> None:
    assert stage_payoffs(mine, theirs, bonus=2) == paid


def test_claiming_low_is_the_only_equilibrium() -> None:
    """With bonus 2, every claim but 2 has a better reply, and 2 is its own best reply."""
    for theirs in range(2, 101):
        payoffs = [stage_payoffs(c, theirs, 2)[0] for c in range(2, 101)]
        assert 2 + int(np.argmax(payoffs)) == best_reply(theirs, 2)
    assert [c for c in range(2, 101) if best_reply(c, 2) == c] == [2]


def test_a_match_pays_by_the_rules_and_reports_totals() -> None:
    env = TravelersDilemma(rounds=3)
    observations, _ = env.reset(seed=1)
    assert observations["player_1"]["claims"].tolist() == [[-1, -1]] * 3
    totals = [0.0, 0.0]
    for mine, theirs in [(100, 100), (98, 99), (2, 50)]:
        observations, rewards, terminations, _, infos = env.step(
            {"player_0": mine - 2, "player_1": theirs - 2}
        )
        paid = stage_payoffs(mine, theirs, 2)
        assert (rewards["player_0"], rewards["player_1"]) == paid
        totals = [t + p for t, p in zip(totals, paid)]
    assert observations["player_1"]["claims"].tolist() == [[100, 100], [99, 98], [50, 2]]
    assert all(terminations.values()) and env.agents == []
    assert infos["player_0"]["payoffs"] == {"player_0": totals[0], "player_1": totals[1]}
    assert totals == [204, 196]
    yardsticks = env.metrics()["claims"]
    # NumPy's mean against Python's division: equal to the last bit here, compared with a
    # tolerance all the same.
    assert yardsticks["mean_claim"] == pytest.approx([200 / 3, 83.0], rel=1e-12)
    # Best replies: 99 to 100 (101, not 100), 98 to 99 (it was), 49 to 50 (51, not 4); and
    # for the other seat 99 to 100 (101, not 100), 97 to 98 (99, not 96), 2 to 2 (2, not 0).
    assert yardsticks["regret"] == [1.0 + 0.0 + 47.0, 1.0 + 3.0 + 2.0]
    assert yardsticks["equilibrium_claim"] == 2
    assert regret(98, 99, low=2, bonus=2) == 0


def test_rewards_stay_within_the_claim_range_and_the_bonus() -> None:
    env = TravelersDilemma(rounds=50, low=80, high=200, bonus=5)
    rng = np.random.default_rng(7)
    env.reset()
    while env.agents:
        actions = {a: int(rng.integers(121)) for a in env.agents}
        _, rewards, _, _, _ = env.step(actions)
        assert all(80 - 5 <= r <= 200 - 1 + 5 for r in rewards.values())


def test_a_pickled_game_plays_on_the_same() -> None:
    env = TravelersDilemma(rounds=4)
    env.reset()
    env.step({"player_0": 10, "player_1": 20})
    copy = pickle.loads(pickle.dumps(env))
    moves = {"player_0": 5, "player_1": 5}
    assert env.step(moves)[1] == copy.step(moves)[1]
    assert env.render() is None and copy.metrics() == env.metrics()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"high": 2}, "high: 2 must be above low (2)"),
        ({"low": 0, "high": 5000}, "high: 5,001 claims from low to high; at most 1,000"),
        ({"bonus": 0}, "bonus: Input should be greater than or equal to 1 (got 0)"),
        ({"rounds": 2.5}, "rounds: Input should be a valid integer (got 2.5)"),
        ({"reward": 2}, "reward: unknown key"),
    ],
)
def test_bad_parameters_are_one_line(params: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as error:
        TravelersDilemma(**params)
    assert str(error.value) == message


@pytest.mark.parametrize(
    "action", [-1, 99, 1.0, True, None], ids=["below", "above", "float", "bool", "missing"]
)
def test_an_illegal_action_says_whose_and_why(action: Any) -> None:
    env = TravelersDilemma()
    env.reset()
    actions = {"player_0": 0} if action is None else {"player_0": 0, "player_1": action}
    with pytest.raises(ValueError, match="player_1"):
        env.step(actions)


# The text protocol: what a language model (or a person at `arena play`) reads and writes.

PROTOCOL = ClaimTextProtocol(low=2, high=100, bonus=2, rounds=3)
START = {"round": 0, "claims": np.full((3, 2), -1)}


@pytest.mark.parametrize(
    ("reply", "claim"),
    [
        ("Claim: 57", 57),
        ("claim=57", 57),
        ("**Claim:** $57.", 57),
        ("I would say 100 but they will undercut.\nClaim: 98", 98),
        ("Claim: 60\nOn second thought:\nClaim: 59", 59),
        ("  42  ", 42),
    ],
)
def test_the_move_is_the_last_claim_line(reply: str, claim: int) -> None:
    assert PROTOCOL.parse(reply, START) == claim - 2


@pytest.mark.parametrize(
    ("reply", "fault", "reason"),
    [
        ("", "empty", "the reply is empty"),
        ("I claim 57 dollars.", "unparseable", "no line 'Claim: <number>'"),
        ("57\nor maybe 58", "unparseable", "no line 'Claim: <number>'"),
        ("Claim: 101", "illegal", "101 is not a claim"),
        ("Claim: 1", "illegal", "1 is not a claim"),
    ],
)
def test_an_unusable_reply_says_why(reply: str, fault: str, reason: str) -> None:
    with pytest.raises(MoveError) as error:
        PROTOCOL.parse(reply, START)
    assert error.value.fault == fault
    assert reason in error.value.reason
    assert "Claim: <a number from 2 to 100>" in error.value.reason


def test_every_reply_the_schema_allows_is_a_legal_move() -> None:
    allowed = PROTOCOL.schema(START)["properties"]["move"]["enum"]
    assert [PROTOCOL.parse(reply, START) for reply in allowed] == list(range(99))
    assert PROTOCOL.legal_moves(START) == ["Claim: <a number from 2 to 100>"]


def test_the_description_recalls_every_round_from_the_seat_s_side() -> None:
    env = TravelersDilemma(rounds=3)
    env.reset()
    observations, *_ = env.step({"player_0": 98, "player_1": 97})  # claims 100 and 99
    text = env.text_protocol("player_1").describe(observations["player_1"])
    assert text.splitlines() == [
        "In round 1, you claimed 99 and the other traveler claimed 100. "
        "Thus, you received 101 and the other traveler received 97.",
        "You have received 101 in total so far.",
        "You are now in round 2 of 3.",
        "Q: How much do you claim? Answer with one line: Claim: <a number from 2 to 100>",
    ]
    rules = PROTOCOL.rules("player_0")
    assert "from 2 to 100" in rules and "plus $2" in rules and "3 rounds" in rules


def test_a_model_that_never_answers_repeats_its_claim() -> None:
    assert PROTOCOL.fallback(START) == 98  # the highest claim, 100
    after = {"round": 1, "claims": np.array([[60, 70], [-1, -1], [-1, -1]])}
    assert PROTOCOL.fallback(after) == 58  # its own 60


def test_protocol_options_the_game_lacks_are_refused() -> None:
    with pytest.raises(ConfigError, match="takes no labels option"):
        TravelersDilemma().text_protocol("player_0", seed=1, labels=("A", "B"))

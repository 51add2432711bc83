"""Deal or No Deal: PettingZoo's checkers, OpenSpiel's instances, the rules, text and privacy."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pettingzoo.test import api_test, seed_test

from arena import make_agent, make_game, play_match
from arena.agents.base import MatchContext
from arena.errors import ConfigError, MoveError
from arena.games.bargaining.multi_issue import (
    ACCEPT,
    PROPOSE,
    _valid_instances,
    acceptance,
    division,
    draw_instance,
    parse_instance,
)

GAME = "bargaining/multi-issue-v0"
PLAYERS = ["boulware", "linear", "conceder", "hardliner", "tit-for-tat-concession", "equilibrium"]


@pytest.mark.filterwarnings("ignore::UserWarning")  # PettingZoo's advice on Dict spaces
def test_pettingzoo_api_and_seed_tests_pass() -> None:
    api_test(make_game(GAME), num_cycles=200)
    seed_test(lambda: make_game(GAME), num_cycles=50)


def test_instances_are_openspiels_and_every_valid_one_is_in_the_table() -> None:
    table = _valid_instances()
    for row in table:
        pool, v0, v1 = row[:3], row[3:6], row[6:]
        assert 5 <= pool.sum() <= 7 and pool.min() >= 1
        assert v0 @ pool == v1 @ pool == 10
        assert np.all((v0 > 0) | (v1 > 0)) and np.any((v0 > 0) & (v1 > 0))
    # brute force over the generator's whole draw space for one pool: the same instances
    pool = np.array([1, 2, 3])
    values = [v for v in itertools.product(range(11), repeat=3) if np.dot(v, pool) == 10]
    expected = {
        (a, b)
        for a in values
        for b in values
        if all(x or y for x, y in zip(a, b)) and any(x and y for x, y in zip(a, b))
    }
    found = {(tuple(r[3:6]), tuple(r[6:])) for r in table if tuple(r[:3]) == (1, 2, 3)}
    assert found == expected
    # OpenSpiel's first default instance is a valid one
    assert str(parse_instance("1,2,3 8,1,0 4,0,2")) == "1,2,3 8,1,0 4,0,2"


def test_the_seed_draws_the_instance() -> None:
    draws = {str(draw_instance(np.random.default_rng(seed))) for seed in range(200)}
    assert len(draws) > 150  # 5,793 instances: few repeats
    env = make_game(GAME)
    env.reset(seed=3)
    first = str(env.instance)
    env.reset(seed=3)
    assert str(env.instance) == first


def test_agreement_pays_each_its_values_of_what_it_gets() -> None:
    env = make_game(GAME, instance="1,2,3 8,1,0 4,0,2")
    env.reset()
    env.step(division([1, 2, 0], "I take the book and the hats."))
    assert list(env.observe("player_1")["standing"]) == [0, 0, 3]
    env.step(acceptance("Fine."))
    info = env.infos["player_0"]
    assert info["deal"] and info["allocation"] == {"player_0": [1, 2, 0], "player_1": [0, 0, 3]}
    assert info["payoffs"] == {"player_0": 10.0, "player_1": 6.0}


def test_no_agreement_within_max_turns_gives_nothing() -> None:
    env = make_game(GAME, instance="1,2,3 8,1,0 4,0,2", max_turns=3)
    env.reset()
    for keep in ([1, 2, 3], [1, 2, 3], [0, 0, 0]):
        env.step(division(keep))
    assert all(env.terminations.values()) and env.infos["player_0"]["payoffs"] == {
        "player_0": 0.0,
        "player_1": 0.0,
    }


def test_sampled_moves_are_read_as_the_docstring_says() -> None:
    env = make_game(GAME, instance="1,2,3 8,1,0 4,0,2")
    env.reset()
    env.step(acceptance())  # nothing to accept: a proposal (of nothing)
    assert env.history[0, 1] == PROPOSE and not env.deal
    env.step(division([7, 7, 7]))  # more than the pool: the whole pool
    assert list(env.proposal) == [1, 2, 3]


@pytest.mark.parametrize(
    ("instance", "message"),
    [
        ("1,2,3 8,1,0 4,0,3", r"values of player_1 \[4, 0, 3\] give the pool a worth of 13"),
        ("1,2 8,1 4,0", r"three groups of 3 numbers"),
        ("1,1,1 5,5,0 5,0,5", r"pool \[1, 1, 1\] must hold 5 to 7 items"),
        ("a,b,c 1,1,1 1,1,1", r"not 'pool values_0 values_1' of integers"),
    ],
)
def test_bad_instances_are_named(instance: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        make_game(GAME, instance=instance)


def test_instances_from_a_file_name_the_bad_line(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("# Lewis et al.\n1,2,3 8,1,0 4,0,2\n\n1,4,1 4,1,2 2,2,0\n")
    env = make_game(GAME, instances=str(good))
    seen = set()
    for seed in range(20):
        env.reset(seed=seed)
        seen.add(str(env.instance))
    assert seen == {"1,2,3 8,1,0 4,0,2", "1,4,1 4,1,2 2,2,0"}
    bad = tmp_path / "bad.txt"
    bad.write_text("1,2,3 8,1,0 4,0,2\n1,2,3 8,1,0 4,0,9\n")
    with pytest.raises(ConfigError, match=r"bad.txt, line 2: the values of player_1"):
        make_game(GAME, instances=str(bad))
    with pytest.raises(ConfigError, match="cannot read"):
        make_game(GAME, instances=str(tmp_path / "missing.txt"))


@pytest.mark.parametrize("first", PLAYERS)
@pytest.mark.parametrize("second", PLAYERS)
def test_scripted_agreements_are_divisions_of_the_pool(first: str, second: str) -> None:
    for seed in range(3):
        record = play_match(GAME, [first, second], seed=seed)
        allocation = record.outcome["allocation"]
        if allocation is not None:
            pool = [int(x) for x in record.outcome["instance"].split()[0].split(",")]
            assert [a + b for a, b in zip(allocation["player_0"], allocation["player_1"])] == pool
        assert min(record.payoffs) >= 0 and max(record.payoffs) <= 10


def test_text_protocol_tells_the_pool_and_reads_tagged_moves() -> None:
    env = make_game(GAME, instance="1,2,3 8,1,0 4,0,2")
    env.reset()
    p0, p1 = env.text_protocol("player_0"), env.text_protocol("player_1")
    seen = env.observe("player_0")
    text = p0.describe(seen)
    assert "The pool: 1 book, 2 hats and 3 balls. To you a book 8, a hat 1, a ball 0." in text
    move = p0.parse("I need the book.\nPROPOSE: 1 2 0", seen)
    assert move["act"] == PROPOSE and list(move["keep"]) == [1, 2, 0]
    with pytest.raises(MoveError, match="no proposal of the other player") as error:
        p0.parse("ACCEPT", seen)
    assert error.value.fault == "illegal"
    with pytest.raises(MoveError, match="cannot keep 2 books"):
        p0.parse("PROPOSE: 2 0 0", seen)
    env.step(move)
    theirs = env.observe("player_1")
    assert "gives you 0 books, 0 hats and 3 balls (6 points)" in p1.describe(theirs)
    assert p1.parse("ACCEPT", theirs)["act"] == ACCEPT
    assert p1.legal_moves(theirs) == ["PROPOSE: <books> <hats> <balls>", "ACCEPT"]
    assert list(p1.fallback(theirs)["keep"]) == [1, 0, 3]  # every item it values


def _seen_by(game: Any, role: str, agents: dict[str, Any]) -> list[Any]:
    seen: list[Any] = [game.text_protocol(role).rules()]
    for who in game.agent_iter():
        _, _, terminated, truncated, _ = game.last()
        observation = game.observe(role)
        seen += [observation, game.text_protocol(role).describe(observation)]
        if terminated or truncated:
            game.step(None)
            continue
        game.step(agents[who].decide(game.observe(who)))
    return seen


def test_no_player_sees_the_others_values() -> None:
    # Instances where the two value vectors differ in every position, so an observed vector
    # or sentence "a book 8" can only be one's own.
    table = [r for r in _valid_instances() if np.all(r[3:6] != r[6:])]
    rng = np.random.default_rng(7)
    for k in range(60):
        row = table[int(rng.integers(len(table)))]
        instance = " ".join(",".join(str(x) for x in row[j : j + 3]) for j in (0, 3, 6))
        for first, second in ((PLAYERS[k % 6], PLAYERS[(k + 1) % 6]), ("random", "random")):
            for role, other_values in (("player_0", row[6:]), ("player_1", row[3:6])):
                game = make_game(GAME, instance=instance)
                game.reset(seed=k)
                agents = {"player_0": make_agent(first), "player_1": make_agent(second)}
                for seat, (name, agent) in enumerate(agents.items()):
                    agent.reset(MatchContext(GAME, name, seat, k, extra={}))
                phrase = ", ".join(
                    f"a {item} {int(v)}" for item, v in zip(("book", "hat", "ball"), other_values)
                )
                for item in _seen_by(game, role, agents):
                    if isinstance(item, str):
                        assert phrase not in item
                    else:
                        assert list(item["values"]) != list(other_values)

"""The scripted traveler and the critic, in matches played by the arena itself."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from arena_plugin_example.travelers_dilemma import GAME_ID

from arena.agents.base import AgentInfo, ScriptedAgent
from arena.config import parse_config
from arena.errors import ConfigError
from arena.match import play_match
from arena.records import MatchRecord
from arena.registry import AGENTS, JUDGES, make_critic


class Claims(ScriptedAgent):
    """A test traveler: claims the numbers it is given, one a round."""

    info = AgentInfo(stochastic=False, memory_depth=0, families=("example",))

    def __init__(self, *claims: int) -> None:
        super().__init__(name="fixed")
        self.claims = claims

    def decide(self, observation: dict[str, Any]) -> int:
        return self.claims[int(observation["round"])] - 2  # the default lowest claim is 2


def claims(record: MatchRecord, seat: int) -> list[int]:
    """The claims ``seat`` made (action ``k`` claims ``low + k``)."""
    low = record.params.get("low", 2)
    return [low + action for action in record.moves(seat)]


def test_against_a_steady_claim_it_undercuts_from_round_two() -> None:
    record = play_match(GAME_ID, ["undercut", Claims(100, 100, 100, 100)], rounds=4)
    assert claims(record, 0) == [100, 99, 99, 99]
    assert record.payoffs == (100 + 3 * 101, 100 + 3 * 97)


def test_against_itself_it_walks_down_to_the_equilibrium() -> None:
    record = play_match(GAME_ID, ["undercut", "undercut"], rounds=6, low=95)
    assert claims(record, 0) == claims(record, 1) == [100, 99, 98, 97, 96, 95]
    assert record.payoffs == (585.0, 585.0)


def test_it_follows_a_drop_and_never_goes_below_the_lowest_claim() -> None:
    record = play_match(GAME_ID, ["undercut", Claims(50, 2, 80)], rounds=3)
    assert claims(record, 0) == [100, 49, 2]


def test_its_opening_is_a_parameter() -> None:
    record = play_match(GAME_ID, [AGENTS.get("undercut").load()(opening=60), "undercut"], rounds=2)
    assert claims(record, 0) == [60, 99]
    assert claims(record, 1) == [100, 59]


def test_an_opening_outside_the_game_is_refused_when_the_tournament_loads() -> None:
    config = {
        "tournament": {"name": "t", "seed": 1},
        "game": {"id": GAME_ID},
        "agents": [{"name": "undercut", "opening": 150}, {"name": "undercut", "alias": "u"}],
    }
    with pytest.raises(ConfigError) as error:
        parse_config(config, source="t.toml")
    assert str(error.value) == (
        "t.toml: agents[0] (undercut(opening=150)): opening: 150 is not a claim from 2 to 100"
    )


def test_the_critic_says_what_best_replies_would_have_earned() -> None:
    assert JUDGES.get("claims").extra["kind"] == "critic"
    record = play_match(GAME_ID, ["undercut", Claims(100, 100, 100)], rounds=3)
    critic = make_critic({"name": "claims"})
    coached, other = (asyncio.run(critic.critique(record, seat)) for seat in (1, 0))
    # The steady traveler claimed 100 three times against 100, 99, 99: best replies were 99
    # (101, not 100), then 98 twice (100, not 97).
    assert coached.data == {
        "mean_claim": 100.0,
        "other_mean_claim": pytest.approx(298 / 3, rel=1e-12),  # NumPy's mean, Python's /
        "regret": 1.0 + 3.0 + 3.0,
        "advice": "lower",
    }
    assert coached.text == (
        "You claimed 100 on average and the other traveler 99.3333. Claiming one less than the "
        "other each round would have earned you 7 more; but the lower you both go, the less "
        "you both receive."
    )
    # Undercut's only miss is its opening: 100 against 100, where 99 earns 101.
    assert (other.data["regret"], other.data["advice"]) == (1.0, "lower")


def test_the_critic_refuses_other_games() -> None:
    record = play_match("matrix/prisoners-dilemma-v0", ["tit-for-tat", "tit-for-tat"], rounds=2)
    with pytest.raises(ConfigError, match="reads Traveler's Dilemma matches"):
        asyncio.run(make_critic({"name": "claims"}).critique(record, 0))

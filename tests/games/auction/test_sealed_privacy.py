"""A bidder's value reaches only that bidder: its observations and its prompts, searched over
many seeded auctions with every scripted bidder."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

from arena import make_agent, make_game
from arena.match import seat_agents

SEALED = ["auction/first-price-v0", "auction/second-price-v0", "auction/all-pay-v0"]
# Truthful bids are values, and so are equilibrium bids in second price: a price paid then
# tells a value, by the rules. The others' bids are not their values.
BIDDERS = {"auction/second-price-v0": ["shade", "random", "shade"]}
DEFAULT = ["equilibrium", "shade", "random"]


def _numbers(observation: dict[str, Any]) -> np.ndarray:
    """Every number an observation reaches, the arrays its arrays are views of included."""
    arrays = []
    for value in observation.values():
        array = np.asarray(value, dtype=float)
        while array is not None:
            arrays.append(np.ravel(array))
            array = array.base if isinstance(array.base, np.ndarray) else None
    return np.concatenate(arrays)


@pytest.mark.parametrize("game", SEALED)
def test_no_seat_sees_or_is_told_another_seats_value(game: str) -> None:
    checked = 0
    for seed in range(30):
        env = make_game(game, bidders=3, rounds=8, reserve=5.0)
        names = BIDDERS.get(game, DEFAULT)
        agents = [make_agent(names[(seed + k) % 3]) for k in range(3)]
        seat_agents(env, agents, game_id=game, seed=seed)
        protocols = {a: env.text_protocol(a) for a in env.possible_agents}
        observations, _ = env.reset(seed=seed)
        while env.agents:
            r = env.round
            for seat in env.agents:
                mine = observations[seat]
                text = protocols[seat].rules() + protocols[seat].describe(mine)
                numbers = _numbers(mine)
                public = [5.0, 0.0, 100.0]  # the reserve and the range of values, in the rules
                known = {protocols[seat]._price(x) for x in [*numbers, *public]}  # it may know
                for j, other in enumerate(env.possible_agents):
                    if other == seat:
                        continue
                    for past in range(r + 1):  # this round's value and every earlier one
                        value = env.values[past, j]
                        assert not np.any(numbers == value), (seed, seat, other, past)
                        shown = protocols[seat]._price(value)
                        told = re.search(re.escape(shown) + r"(?!\.?\d)", text)
                        assert told is None or shown in known, (seed, seat, other, shown)
                        checked += 1
            actions = {a: agent.decide(observations[a]) for a, agent in zip(env.agents, agents)}
            observations, *_ = env.step(actions)
    assert checked > 6_000

"""Values reach only their owner: every observation and every prompt a seat gets is searched for
the other seats' values, over many seeded Dutch auctions.

Values carry cents (fixed lists chosen so, or uniform draws), while the clock moves in whole
or half amounts, so another seat's value can only show up in a view by leaking. Texts are
searched for the values whose cents the viewer's own numbers cannot produce: its own values
and profits (its value minus a clock price) carry its own values' cents, up to 50; a value
rounding to a multiple of 10 cents could be a clock price. Observations are searched for
every value, exactly.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from arena import make_game
from arena.games.auction.dutch import TAKE, WAIT
from tests.games.auction.test_english_privacy import flatten, with_cents, written

GAME = "auction/dutch-v0"
GAMES = 60


def cents(value: float) -> int:
    """The cents of an amount as a text writes it."""
    return round(float(value) * 100) % 100


def draw_params(rng: random.Random) -> dict[str, Any]:
    n = rng.randrange(2, 6)
    if rng.random() < 0.5:
        values: dict[str, Any] = {
            "dist": "fixed",
            "list": [with_cents(rng, 10, 99) for _ in range(n)],
        }
    else:
        values = {"dist": "uniform", "low": 0, "high": 100}
    return {
        "bidders": n,
        "values": values,
        "rounds": rng.randrange(1, 6),
        "start": 100,
        "step": rng.choice([1, 2.5, 5]),
        "reserve": rng.choice([0, 10]),
    }


def play_and_watch(params: dict[str, Any], seed: int, rng: random.Random) -> dict[str, Any]:
    env = make_game(GAME, **params)
    observations, _ = env.reset(seed=seed)
    agents = env.possible_agents
    protocols = {
        a: [env.text_protocol(a), env.text_protocol(a, beliefs=True, seed=seed)] for a in agents
    }
    seen: dict[str, list[Any]] = {a: [p.rules() for p in protocols[a]] for a in agents}
    keen = [rng.uniform(0.4, 1.0) for _ in agents]
    takes = 0
    while True:
        for viewer in agents:
            seen[viewer].append(observations[viewer])
            seen[viewer].extend(p.describe(observations[viewer]) for p in protocols[viewer])
        if not env.agents:
            break
        actions = {}
        for k, a in enumerate(agents):
            value, price = observations[a]["value"][0], observations[a]["price"][0]
            actions[a] = TAKE if price <= keen[k] * value else WAIT
        takes += sum(actions.values())
        observations, *_ = env.step(actions)
    return {"seen": seen, "values": env.values, "takes": takes}


def test_no_seat_sees_another_seats_values() -> None:
    rng = random.Random(7)
    checked = takes = 0
    for game in range(GAMES):
        params = draw_params(rng)
        watched = play_and_watch(params, game, rng)
        takes += watched["takes"]
        values = watched["values"]
        for k, viewer in enumerate(watched["seen"]):
            others = np.delete(values, k, axis=1).ravel()
            own_cents = {cents(v) % 50 for v in values[:, k]}
            shown = [x for x in others if cents(x) % 50 not in own_cents and cents(x) % 10]
            patterns = [written(x) for x in shown]
            first = watched["seen"][viewer][3]  # rules, rules with beliefs, observation, prompt
            assert written(values[0, k]).search(first.replace(",", ""))  # its own value
            for item in watched["seen"][viewer]:
                numbers, texts = flatten(item)
                close = np.abs(np.asarray(numbers)[:, None] - others[None, :]) < 1e-9
                assert not close.any(), (viewer, others[close.any(axis=0)], game)
                for text in texts:
                    plain = text.replace(",", "")
                    for pattern in patterns:
                        assert not pattern.search(plain), (viewer, pattern.pattern, text)
                checked += len(others) + len(patterns)
    assert takes > GAMES  # items were sold, histories filled
    assert checked > 20_000  # the search is not vacuous

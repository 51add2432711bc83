"""Budgets and estimates reach only their owner: every observation and every prompt a seat gets
is searched for the other seats' numbers, over many seeded English auctions.

The numbers are made distinctive: budgets and estimates carry cents, while every bid the
scripted bidders make is a whole amount (the minimum bid plus whole raises), so a private
number can only show up in another seat's view by leaking. A number that happens to equal one
of the viewer's own private numbers is not counted (the viewer may see its own).
"""

from __future__ import annotations

import random
import re
from typing import Any

import numpy as np

from arena import make_game
from arena.games.auction.english import bid, out

GAME = "auction/english-v0"
GAMES = 60


def written(value: float) -> re.Pattern[str]:
    """The number as a text could write it (13.37, 13.370; 0.3 or 0.30), not inside another;
    texts are searched with their thousands separators removed."""
    whole, _, cents = f"{value:.2f}".partition(".")
    cents = cents.rstrip("0")
    decimals = rf"\.{cents}0*" if cents else r"(?:\.0+)?"
    return re.compile(rf"(?<![\d.]){whole}{decimals}(?![\d])")


def with_cents(rng: random.Random, low: int, high: int) -> float:
    """An amount whose cents do not end in 0, so it is never a whole bid."""
    amount = rng.randrange(low * 100, high * 100)
    return (amount + (amount % 10 == 0)) / 100


def draw_params(rng: random.Random) -> dict[str, Any]:
    n = rng.randrange(2, 6)
    items = [
        {
            "name": f"Lot {k}",
            "start": 100 * rng.randrange(1, 30),
            "value": 100 * rng.randrange(5, 80),
        }
        for k in range(rng.randrange(1, 6))
    ]
    values = np.array([item["value"] for item in items], dtype=float)
    while True:  # estimates with cents, distinct between seats
        over = [rng.randrange(1000, 60000) / 100000 + 0.000013 for _ in range(n)]
        estimates = np.round(np.outer(1 + np.array(over), values), 2)
        distinct = all(len(set(column)) == n for column in estimates.T)
        if distinct and np.all(estimates != np.round(estimates)):
            break
    budgets = [with_cents(rng, 2000, 20000) for _ in range(n)]
    return {
        "bidders": n,
        "budget": budgets,
        "overestimate": over,
        "items": items,
        "min_raise": rng.choice([0.1, 0.2, 0.5]),
        "objective": [rng.choice(["maximize_profit", "maximize_items"]) for _ in range(n)],
    }


def whole_bid(observation: dict[str, Any], rng: random.Random, keen: float) -> dict[str, Any]:
    """The minimum bid plus 0 to 2 whole raises, while under a share of the estimate."""
    item = int(observation["item"])
    start = float(observation["start_prices"][item])
    step = 10 * round(start / 100)  # a whole raise, at least the minimum for these items
    amount = float(observation["min_bid"][0]) + step * rng.choice([0, 0, 0, 1, 2])
    money = float(observation["budget"][0])
    limit = keen * float(observation["estimates"][item])
    return bid(amount) if amount <= min(money, limit) else out()


def flatten(item: Any) -> tuple[list[float], list[str]]:
    """The numbers and the strings of an observation, or of a prompt."""
    if isinstance(item, str):
        return [], [item]
    numbers: list[float] = []
    for value in item.values():
        numbers.extend(np.asarray(value, dtype=float).ravel().tolist())
    return numbers, []


def play_and_watch(params: dict[str, Any], seed: int, rng: random.Random) -> dict[str, Any]:
    """One auction; everything each seat was shown, and every private number there was."""
    env = make_game(GAME, **params)
    env.reset(seed=seed)
    agents = env.possible_agents
    protocols = {
        a: [env.text_protocol(a), env.text_protocol(a, beliefs=True, seed=seed)] for a in agents
    }
    seen: dict[str, list[Any]] = {a: [p.rules() for p in protocols[a]] for a in agents}
    private: dict[int, set[float]] = {k: set() for k in range(len(agents))}
    for k in private:
        private[k] |= {float(params["budget"][k]), *env.estimates[k].tolist()}
    keen = {a: rng.uniform(0.5, 1.1) for a in agents}
    for agent in env.agent_iter():
        _, _, terminated, _, _ = env.last()
        for k, viewer in enumerate(agents):
            if viewer not in env.agents:
                continue
            observation = env.observe(viewer)
            private[k].add(round(float(env.auction.money[k]), 2))
            seen[viewer].append(observation)
            for protocol in protocols[viewer]:
                seen[viewer].append(protocol.describe(observation))
                seen[viewer].extend(protocol.legal_moves(observation))
        if terminated:
            env.step(None)
            continue
        env.step(whole_bid(env.observe(agent), rng, keen[agent]))
    return {"seen": seen, "private": private, "bids": int(env.auction.bids_made.sum())}


def test_no_seat_sees_another_seats_budget_or_estimates() -> None:
    rng = random.Random(2023)
    checked = bids = 0
    for game in range(GAMES):
        params = draw_params(rng)
        watched = play_and_watch(params, game, rng)
        bids += watched["bids"]
        private = watched["private"]
        for k, viewer in enumerate(watched["seen"]):
            own = {round(x, 2) for x in private[k]}
            secrets = sorted(
                {x for j in private if j != k for x in private[j] if round(x, 2) not in own}
            )
            if not secrets:
                continue
            leak = re.compile("|".join(written(secret).pattern for secret in secrets))
            values = np.array(secrets)
            budget = written(params["budget"][k])
            assert budget.search(watched["seen"][viewer][0].replace(",", ""))  # it sees its own
            for item in watched["seen"][viewer]:
                numbers, texts = flatten(item)
                close = np.abs(np.asarray(numbers)[:, None] - values[None, :]) < 1e-6
                assert not close.any(), (viewer, values[close.any(axis=0)], game)
                for text in texts:
                    found = leak.search(text.replace(",", ""))
                    assert found is None, (viewer, found, text)
                checked += len(secrets)
    assert bids > 10 * GAMES  # real auctions, not everyone out
    assert checked > 50_000  # the search is not vacuous

"""Private numbers reach only their owner: every observation and every prompt of the other seat
is searched for them, over many seeded games between every scripted negotiator.

A private number may reach the other side in one way only: as an offer its owner chose to make
(a negotiator conceding to its reservation at the deadline says it); such games are not
counted as leaks for that number, and the test checks enough games remain.
"""

from __future__ import annotations

import random
import re
from typing import Any

import numpy as np
import pytest

from arena import make_agent, make_game
from arena.agents.base import MatchContext
from arena.games.bargaining.buyer_seller_text import protocol_for

GAME = "bargaining/buyer-seller-v0"
PLAYERS = [
    "boulware",
    "linear",
    "conceder",
    "hardliner",
    "tit-for-tat-concession",
    "equilibrium",
    "random",
]
GAMES_PER_PAIR = 8


def written(value: float) -> re.Pattern[str]:
    """The number as a text could write it (13.37, 13.370; 0.3 or 0.30), not inside another."""
    whole, _, cents = f"{value:.2f}".partition(".")
    cents = cents.rstrip("0")
    decimals = rf"\.{cents}0*" if cents else r"(?:\.0+)?"
    return re.compile(rf"(?<![\d.]){whole}{decimals}(?![\d])")


def draw_params(rng: random.Random) -> dict[str, Any]:
    """Private numbers with cents that no turn count, opening or template could produce."""

    def cents(low: int, high: int) -> float:  # an amount whose last digit of cents is not 0
        amount = rng.randrange(low, high)
        return (amount + (amount % 10 == 0)) / 100

    return {
        "cost": cents(500, 1500),
        "value": cents(2100, 4000),
        "seller_open": float(rng.randrange(41, 60)),
        "buyer_open": float(rng.randrange(1, 5)),
        "seller_outside": cents(10, 50),  # disjoint ranges: one side's number is never the other's
        "buyer_outside": cents(51, 90),
        "currency": rng.choice(["$", "€", "CHF "]),
        "turns": rng.randrange(2, 8),
    }


def play_and_watch(params: dict[str, Any], seller: str, buyer: str, seed: int) -> dict[str, Any]:
    """Play one game, keeping everything each seat saw: observations and rendered prompts."""
    env = make_game(GAME, **params)
    env.reset(seed=seed)
    agents = {"seller": make_agent(seller), "buyer": make_agent(buyer)}
    for seat, (role, agent) in enumerate(agents.items()):
        agent.reset(
            MatchContext(GAME, role, seat, seed + seat, extra={"public": env.public_info()})
        )
    protocols = {
        (role, style): protocol_for(env.params, role, protocol=style)
        for role in agents
        for style in ("free", "structured")
    }
    seen: dict[str, list[Any]] = {"seller": [], "buyer": []}
    for role, style in protocols:
        seen[role].append(protocols[role, style].rules())
    for role in env.agent_iter():
        _, _, terminated, truncated, _ = env.last()
        for who in agents:
            observation = env.observe(who)
            seen[who].append(observation)
            for style in ("free", "structured"):
                seen[who].append(protocols[who, style].describe(observation))
        if terminated or truncated:
            env.step(None)
            continue
        env.step(agents[role].decide(env.observe(role)))
    offered = {round(float(p), 2) for _, act, p in env.history[: env.turn] if p >= 0}
    return {"seen": seen, "offered": offered}


def flatten(item: Any) -> tuple[list[float], list[str]]:
    """The numbers and the strings in an observation (or a prompt)."""
    if isinstance(item, str):
        return [], [item]
    numbers: list[float] = []
    texts: list[str] = []
    for value in item.values():
        if isinstance(value, tuple):
            texts.extend(value)
        else:
            numbers.extend(np.asarray(value, dtype=float).ravel().tolist())
    return numbers, texts


def test_no_seat_sees_the_other_seats_private_numbers() -> None:
    rng = random.Random(2023)
    checked = 0
    for seller in PLAYERS:
        for buyer in PLAYERS:
            for k in range(GAMES_PER_PAIR):
                params = draw_params(rng)
                watched = play_and_watch(params, seller, buyer, seed=k)
                private = {
                    "seller": [params["cost"], params["seller_outside"]],
                    "buyer": [params["value"], params["buyer_outside"]],
                }
                for viewer, other in (("seller", "buyer"), ("buyer", "seller")):
                    secrets = [x for x in private[other] if round(x, 2) not in watched["offered"]]
                    patterns = [written(secret) for secret in secrets]
                    for item in watched["seen"][viewer]:
                        numbers, texts = flatten(item)
                        for secret, pattern in zip(secrets, patterns):
                            assert not np.any(np.abs(np.asarray(numbers) - secret) < 1e-9), (
                                viewer,
                                secret,
                                seller,
                                buyer,
                            )
                            for text in texts:
                                if text:
                                    assert not pattern.search(text), (viewer, secret, text)
                        checked += len(secrets)
    # most private numbers are never offered: the search is not vacuous
    assert checked > 0.8 * 2 * 2 * len(PLAYERS) ** 2 * GAMES_PER_PAIR * 10


@pytest.mark.parametrize("style", ["free", "structured"])
def test_each_side_is_told_its_own_numbers(style: str) -> None:
    params = {"cost": 7.31, "value": 23.47, "seller_outside": 0.5, "buyer_outside": 0.25}
    env = make_game(GAME, **params)
    seller = protocol_for(env.params, "seller", protocol=style).rules()
    buyer = protocol_for(env.params, "buyer", protocol=style).rules()
    assert "$7.31" in seller and "$0.50" in seller and "$23.47" not in seller
    assert "$23.47" in buyer and "$0.25" in buyer and "$7.31" not in buyer

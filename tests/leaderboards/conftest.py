"""Databases of stored tournaments for the leaderboard tests, written through the real store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from arena.records import MatchRecord, Turn
from arena.store import Store

PD = "matrix/prisoners-dilemma-v0"
STAG = "matrix/stag-hunt-v0"

# A 10-agent field: short names, long ones with spaces, and one long name without a space.
TEN_AGENTS = (
    "tit-for-tat",
    "gpt-4o-mini",
    "claude-3-5-haiku-20241022 with a careful chain-of-thought system prompt",
    "Llama-3.1-8B-Instruct-Q4_K_M-served-by-a-local-ollama-endpoint-v2",
    "random",
    "grim-trigger",
    "generous tit for tat (forgives one defection in three)",
    "always-defect",
    "win-stay-lose-shift",
    "alternator",
)


def record(
    index: int,
    agents: tuple[str, ...],
    payoffs: tuple[float, ...],
    *,
    game_id: str = PD,
    turns: Sequence[Turn] = (),
) -> MatchRecord:
    """A one-round match with the given totals; ``turns`` adds LLM details to some seats."""
    listed = {(t.step, t.seat) for t in turns}
    scripted = [
        Turn(0, seat, 0, payoff) for seat, payoff in enumerate(payoffs) if (0, seat) not in listed
    ]
    return MatchRecord(
        game_id=game_id,
        params={"rounds": 1},
        seed=index,
        agents=agents,
        payoffs=payoffs,
        turns=sorted([*turns, *scripted]),
        steps=1,
        match_index=index,
    )


def round_robin(agents: Sequence[str], *, strength: Callable[[str], float] | None = None):
    """Every ordered pair once: the agent listed first wins, unless ``strength`` says otherwise."""
    strength = strength or (lambda name: -list(agents).index(name))
    pairs = [(a, b) for a in agents for b in agents if a != b]
    return [
        record(k, (a, b), (3.0, 1.0) if strength(a) > strength(b) else (1.0, 3.0))
        for k, (a, b) in enumerate(pairs)
    ]


@pytest.fixture
def make_db(tmp_path: Path) -> Callable[..., Path]:
    """``make_db({"name": (game_id, {"rounds": 10}, records), ...})``: a real database file,
    its tournaments created in the order given (the last one is the most recent)."""

    def make(tournaments: dict[str, tuple[str, dict[str, Any], list[MatchRecord]]]) -> Path:
        path = tmp_path / "arena.db"
        with Store(path) as store:
            for name, (game_id, settings, records) in tournaments.items():
                config = {"name": name, "game": {"id": game_id, **settings}}
                t = store.open_tournament(
                    name, game_id=game_id, config=config, seed=0, n_matches=len(records)
                )
                if records:
                    assert store.write_matches(t.id, records) == len(records)
        return path

    return make


# Three of the ten play through a language model: two priced, one not (a local server).
LLM_COSTS = {TEN_AGENTS[1]: 0.0012, TEN_AGENTS[2]: 0.009, TEN_AGENTS[3]: None}


@pytest.fixture
def ten_agent_db(make_db: Callable[..., Path]) -> Path:
    """A round robin of ``TEN_AGENTS`` (earlier names win) with LLM turns and their cost."""
    records = []
    for match in round_robin(TEN_AGENTS):
        turns = [
            Turn(0, seat, 0, match.payoffs[seat], "J", 0.2, 300, 8, LLM_COSTS[agent], fault)
            for seat, agent in enumerate(match.agents)
            if agent in LLM_COSTS
            for fault in ["unparseable" if match.match_index % 7 == 0 else None]
        ]
        records.append(record(match.match_index or 0, match.agents, match.payoffs, turns=turns))
    return make_db({"weekly": (PD, {"rounds": 10}, records)})

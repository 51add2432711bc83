"""LLM usage beside the ratings: faults, invalid-move rate, forfeits, tokens and cost per agent.

The matches are written to a real SQLite file through ``Store.write_matches`` and read back by
the store, the leaderboard and the real ``arena`` command.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from arena.errors import StoreError
from arena.leaderboards.board import Board
from arena.leaderboards.publish import publish
from arena.leaderboards.standings import compute_leaderboard
from arena.records import MatchRecord, Turn
from arena.store import AgentUsage, Result, Store
from tests.conftest import LEADERBOARD_KEYS, LEADERBOARD_USAGE_KEYS, run_cli

GAME = "matrix/prisoners-dilemma-v0"


def llm(step: int, seat: int, tokens: tuple[int, int] | None, cost: float | None, **extra: Any):
    """A turn of an LLM seat: tokens (in, out), cost and, in ``extra``, fault or tokens_cached."""
    tokens_in, tokens_out = tokens or (None, None)
    return Turn(step, seat, 0, 3.0, "Option J", 0.1, tokens_in, tokens_out, cost, **extra)


def match(index: int, agents: tuple[str, str], turns: list[Turn]) -> MatchRecord:
    """A 4-round match; seats without a listed turn played scripted (no details)."""
    listed = {(t.step, t.seat) for t in turns}
    scripted = [
        Turn(step, seat, 1, 1.0)
        for step in range(4)
        for seat in (0, 1)
        if (step, seat) not in listed
    ]
    return MatchRecord(
        game_id=GAME,
        params={"rounds": 4},
        seed=index,
        agents=agents,
        payoffs=(8.0, 6.0),
        turns=sorted([*turns, *scripted]),
        steps=4,
        match_index=index,
    )


LLM_MATCHES = [
    match(
        0,
        ("gpt", "tit-for-tat"),
        [
            llm(0, 0, (100, 5), 0.001),
            llm(1, 0, (200, 10), 0.002, fault="unparseable", tokens_cached=50),
            llm(2, 0, (300, 15), 0.003, fault="unparseable+unparseable+forfeit"),
            llm(3, 0, None, None, fault="transport+forfeit"),  # no reply: no tokens, no cost
        ],
    ),
    match(
        1,
        ("tit-for-tat", "gpt"),
        [llm(0, 1, (100, 5), 0.001, fault="illegal"), llm(1, 1, (100, 5), 0.001)],
    ),
    match(  # an openai-compatible model without a price: tokens, but no cost
        2,
        ("local", "tit-for-tat"),
        [llm(0, 0, (40, 2), None, fault="empty"), llm(1, 0, (40, 2), None)],
    ),
]
OTHER_MATCHES = [match(0, ("gpt", "gpt"), [llm(0, 1, (10, 1), 0.5, fault="refusal")])]

# What the "llm" tournament holds, per agent (the "other" one adds a self-play match of gpt).
EXPECTED: dict[str, dict[str, Any]] = {
    "gpt": {
        "llm_turns": 6,
        "invalid_move_rate": 0.5,  # unparseable at steps 1 and 2 of match 0, illegal in match 1
        "forfeits": 2,
        "faults": {"forfeit": 2, "illegal": 1, "transport": 1, "unparseable": 3},
        "tokens_in": 800,
        "tokens_out": 40,
        "tokens_cached": 50,
        "cost": 0.008,
    },
    "local": {
        "llm_turns": 2,
        "invalid_move_rate": 0.5,
        "forfeits": 0,
        "faults": {"empty": 1},
        "tokens_in": 80,
        "tokens_out": 4,
        "tokens_cached": 0,
        "cost": None,
    },
    "tit-for-tat": {
        "llm_turns": 0,
        "invalid_move_rate": None,
        "forfeits": 0,
        "faults": {},
        "tokens_in": 0,
        "tokens_out": 0,
        "tokens_cached": 0,
        "cost": None,
    },
}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database with the "llm" tournament and an "other" one."""
    path = tmp_path / "usage.db"
    with Store(path) as store:
        for name, records in (("llm", LLM_MATCHES), ("other", OTHER_MATCHES)):
            t = store.open_tournament(
                name, game_id=GAME, config={"name": name}, seed=0, n_matches=len(records)
            )
            assert store.write_matches(t.id, records) == len(records)
    return path


def test_usage_sums_each_agents_llm_turns(db: Path) -> None:
    with Store(db, create=False) as store:
        usage = store.usage("llm")
    assert set(usage) == {"gpt", "local"}  # a scripted agent has no LLM turns
    gpt = usage["gpt"]
    assert (gpt.turns, gpt.tokens_in, gpt.tokens_out, gpt.tokens_cached) == (6, 800, 40, 50)
    assert gpt.cost == pytest.approx(0.008)
    assert gpt.fault_turns == {
        "illegal": 1,
        "transport+forfeit": 1,
        "unparseable": 1,
        "unparseable+unparseable+forfeit": 1,
    }
    assert gpt.faults == EXPECTED["gpt"]["faults"]
    assert gpt.turns_with({"unparseable"}) == 2
    assert gpt.turns_with({"unparseable", "forfeit"}) == 3
    assert usage["local"].cost is None


@pytest.mark.parametrize(
    ("tournament", "turns", "refusals", "cost"),
    [("llm", 6, 0, 0.008), ("other", 1, 1, 0.5), (None, 7, 1, 0.508)],
)
def test_usage_of_one_tournament_or_all(
    db: Path, tournament: str | None, turns: int, refusals: int, cost: float
) -> None:
    with Store(db, create=False) as store:
        gpt = store.usage(tournament)["gpt"]
    assert gpt.turns == turns
    assert gpt.faults.get("refusal", 0) == refusals
    assert gpt.cost == pytest.approx(cost)


def test_usage_of_an_unknown_tournament(db: Path) -> None:
    with Store(db, create=False) as store, pytest.raises(StoreError, match="no tournament 'x'"):
        store.usage("x")


def test_usage_of_a_database_without_llm_turns(tmp_path: Path) -> None:
    with Store(tmp_path / "empty.db") as store:
        assert store.usage() == {}


def standings_by_agent(db: Path, tournament: str | None = "llm") -> dict[str, dict[str, Any]]:
    with Store(db, create=False) as store:
        table = compute_leaderboard(
            store.results(tournament), bootstrap=20, usage=store.usage(tournament)
        )
    return {s.agent: s.to_dict() for s in table}


def approx_json(expected: dict[str, Any]) -> dict[str, Any]:
    """``expected`` with its floats to within half the last decimal that JSON keeps (the cost,
    a sum of per-turn costs, to 6 decimals; rates to 4)."""
    return {
        key: pytest.approx(value, abs=5e-7) if isinstance(value, float) else value
        for key, value in expected.items()
    }


@pytest.mark.parametrize("agent", sorted(EXPECTED))
def test_standings_carry_usage(db: Path, agent: str) -> None:
    row = standings_by_agent(db)[agent]
    assert {key: row[key] for key in LEADERBOARD_USAGE_KEYS} == approx_json(EXPECTED[agent])


def test_usage_of_an_agent_missing_from_results_is_left_out() -> None:
    results = [Result("t", 0, ("a", "b"), (1.0, 0.0))]
    usage = {
        "a": AgentUsage("a", turns=4, fault_turns={"illegal+forfeit": 1}),
        "z": AgentUsage("z", turns=1),
    }
    rows = {s.agent: s for s in compute_leaderboard(results, bootstrap=10, usage=usage)}
    assert set(rows) == {"a", "b"}
    assert rows["a"].invalid_move_rate == pytest.approx(1 / 4, abs=1e-12)  # one turn of four
    assert rows["a"].forfeits == 1
    assert rows["a"].faults == {"forfeit": 1, "illegal": 1}
    assert (rows["b"].llm_turns, rows["b"].invalid_move_rate, rows["b"].cost) == (0, None, None)


def test_cli_json_has_usage_per_agent(db: Path) -> None:
    shown = run_cli("leaderboard", "show", "--db", db, "-t", "llm", "--json", "--bootstrap", "20")
    assert shown.returncode == 0, shown.stderr
    rows = {row["agent"]: row for row in json.loads(shown.stdout)}
    assert set(rows) == set(EXPECTED)
    for agent, expected in EXPECTED.items():
        assert rows[agent].keys() >= LEADERBOARD_KEYS | LEADERBOARD_USAGE_KEYS
        assert {key: rows[agent][key] for key in expected} == approx_json(expected), agent


def test_cli_table_shows_invalid_moves_forfeits_and_cost(db: Path) -> None:
    table = run_cli("leaderboard", "show", "--db", db, "-t", "llm", "--bootstrap", "20")
    assert table.returncode == 0, table.stderr
    header = next(line for line in table.stdout.splitlines() if "agent" in line)
    assert "invalid moves" in header and "forfeits" in header and "cost" in header
    gpt = next(line for line in table.stdout.splitlines() if " gpt " in line)
    assert "50.0%" in gpt and "$0.0080" in gpt
    scripted = next(line for line in table.stdout.splitlines() if "tit-for-tat" in line)
    assert " - " in scripted


def test_cli_table_of_unpriced_agents_has_no_cost_column(tmp_path: Path) -> None:
    path = tmp_path / "unpriced.db"
    with Store(path) as store:
        t = store.open_tournament("t", game_id=GAME, config={}, seed=0, n_matches=1)
        store.write_matches(t.id, [LLM_MATCHES[2]])
    table = run_cli("leaderboard", "show", "--db", path, "--bootstrap", "20")
    assert table.returncode == 0, table.stderr
    header = next(line for line in table.stdout.splitlines() if "agent" in line)
    assert "invalid moves" in header and "cost" not in header


def test_published_pages_show_usage(db: Path, tmp_path: Path) -> None:
    with Store(db, create=False) as store:
        table = compute_leaderboard(store.results("llm"), bootstrap=20, usage=store.usage("llm"))
    publish(Board(tuple(table), game=GAME, tournaments=("llm",)), tmp_path / "site")
    markdown = (tmp_path / "site" / "leaderboard.md").read_text()
    assert "| invalid moves | forfeits | cost |" in markdown
    gpt = next(line for line in markdown.splitlines() if "| gpt |" in line)
    assert gpt.endswith("| 50.0% | 2 | $0.0080 |")
    html = (tmp_path / "site" / "index.html").read_text()
    assert re.search(
        r"<th[^>]*>invalid moves</th>\s*<th[^>]*>forfeits</th>\s*<th[^>]*>cost</th>", html
    )
    assert "<td>50.0%</td>" in html and "<td>$0.0080</td>" in html
    data = json.loads((tmp_path / "site" / "leaderboard.json").read_text())
    assert {row["agent"]: row["forfeits"] for row in data} == {
        "gpt": 2,
        "local": 0,
        "tit-for-tat": 0,
    }

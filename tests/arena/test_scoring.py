"""Post-match scoring with the agents: memory-one strategies' exact expected payoffs per match.

Exact values (tit for tat against itself without noise) are compared with ``==``: the chain
is deterministic and its shares are 0 or 1. Expectations with noise are compared with the
solver's own result to 1e-12 (the same computation), and with the average of many seeded
matches to five of that average's standard errors (the seeds are fixed, so the test is
deterministic; five standard errors is where an honest mismatch would show and luck would not).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from arena.agents.base import MatchContext
from arena.match import play_match, run_match
from arena.registry import make_agent, make_game
from arena.scoring import memory_one_vector, score_match
from arena.solver import memory_one_payoffs
from arena.store import Store
from tests.conftest import run_cli, tournament_text

PD = "matrix/prisoners-dilemma-v0"
PD_A = np.array([[3.0, 0.0], [5.0, 1.0]])
TFT = [1.0, 1.0, 0.0, 1.0, 0.0]
TOL = 1e-12  # see the module docstring


def memory_one(agents: list[str], **params: Any) -> dict[str, Any] | None:
    return play_match(PD, agents, seed=3, **params).metrics["solver"]["memory_one"]


def test_tit_for_tat_against_itself_earns_r_every_round() -> None:
    result = memory_one(["tit-for-tat", "tit-for-tat"], rounds=50)
    assert result is not None
    assert result["strategies"] == [TFT, TFT]
    assert result["expected_per_round"] == [3.0, 3.0]
    assert result["expected_total"] == [150.0, 150.0]
    assert result["expected_rounds"] == 50.0
    assert result["expected_cooperation"] == [1.0, 1.0]
    assert result["scored_per_round"] == [3.0, 3.0]
    assert result["luck_per_round"] == [0.0, 0.0]


def test_with_noise_the_expectation_is_not_what_a_short_match_scored() -> None:
    record = play_match(PD, ["tit-for-tat", "tit-for-tat"], seed=3, rounds=20, noise=0.05)
    solver = record.metrics["solver"]
    result = solver["memory_one"]
    exact = memory_one_payoffs(TFT, TFT, PD_A, turns=20, noise=0.05)
    assert result["expected_per_round"] == pytest.approx(exact.per_round.tolist(), abs=TOL)
    assert result["expected_total"] == pytest.approx(exact.totals.tolist(), abs=TOL)
    assert max(result["expected_per_round"]) < 3.0  # trembles cost tit for tat
    scored = [total / 20 for total in record.payoffs]
    assert result["scored_per_round"] == solver["payoff_per_round"] == scored
    assert scored != pytest.approx(result["expected_per_round"], abs=1e-3)  # this match's luck
    luck = [s - e for s, e in zip(scored, result["expected_per_round"])]
    assert result["luck_per_round"] == pytest.approx(luck, abs=TOL)


@pytest.mark.parametrize(
    ("agents", "params"),
    [
        (["tit-for-tat", "win-stay-lose-shift"], {"noise": 0.8}),  # noise past 1/2
        (["generous-tit-for-tat", "random"], {"noise": 0.2, "continuation": 0.8}),
        (["alternator", "suspicious-tit-for-tat"], {"noise": 0.1}),
    ],
    ids=["tft-wsls-noise-0.8", "gtft-random-continuation", "alternator-stft"],
)
def test_the_expectation_is_the_mean_of_many_matches(
    agents: list[str], params: dict[str, Any]
) -> None:
    env = make_game(PD, rounds=10, **params)
    seated = [make_agent(name) for name in agents]

    async def play() -> list[Any]:
        return [await run_match(env, seated, game_id=PD, seed=s) for s in range(1500)]

    records = asyncio.run(play())
    totals = np.array([r.payoffs for r in records])
    expected = np.array(records[0].metrics["solver"]["memory_one"]["expected_total"])
    error = totals.std(axis=0, ddof=1) / np.sqrt(len(totals))
    assert np.all(np.abs(totals.mean(axis=0) - expected) < 5 * error)


def seat(agent: Any, seat_index: int = 0) -> Any:
    agent.reset(MatchContext(game_id=PD, agent_id=f"player_{seat_index}", seat=seat_index, seed=1))
    return agent


@pytest.mark.parametrize(
    ("name", "params", "noise", "vector"),
    [
        ("always-cooperate", {}, 0.0, [1, 1, 1, 1, 1]),
        ("always-defect", {}, 0.0, [0, 0, 0, 0, 0]),
        ("tit-for-tat", {}, 0.1, TFT),
        ("suspicious-tit-for-tat", {}, 0.0, [0, 1, 0, 1, 0]),
        # Nowak and Sigmund: min(1 - (T - R) / (R - S), (R - P) / (T - P)) = min(1/3, 1/2).
        ("generous-tit-for-tat", {}, 0.0, [1, 1, 1 / 3, 1, 1 / 3]),
        ("generous-tit-for-tat", {"generosity": 0.25}, 0.0, [1, 1, 0.25, 1, 0.25]),
        ("grim-trigger", {}, 0.0, [1, 1, 0, 0, 0]),
        ("grim-trigger", {}, 0.01, None),  # a trembled defection does not trigger it
        ("win-stay-lose-shift", {}, 0.0, [1, 1, 0, 0, 1]),  # stays after R and T
        ("alternator", {}, 0.0, [1, 0, 0, 1, 1]),
        ("defect-once", {}, 0.0, [0, 1, 1, 1, 1]),
        ("random", {}, 0.0, [0.5] * 5),
        ("random", {"p": 0.9}, 0.0, [0.9] * 5),
        ("tit-for-two-tats", {}, 0.0, None),  # remembers two rounds
        ("turn-taker", {}, 0.0, None),
    ],
)
def test_memory_one_vectors(
    name: str, params: dict[str, Any], noise: float, vector: list[float] | None
) -> None:
    got = memory_one_vector(make_agent(name, **params), PD_A, noise)
    assert got == (None if vector is None else pytest.approx(vector, abs=TOL))


DETERMINISTIC = ["always-cooperate", "always-defect", "tit-for-tat", "suspicious-tit-for-tat"]
DETERMINISTIC += ["grim-trigger", "win-stay-lose-shift", "alternator", "defect-once"]


@pytest.mark.parametrize("name", DETERMINISTIC)
@pytest.mark.parametrize("noise", [0.0, 0.3])
def test_a_deterministic_vector_predicts_every_move(name: str, noise: float) -> None:
    """Against a random opponent, in both seats, each move is the vector's answer to the
    realised outcome of the round before (own move first)."""
    for position in (0, 1):
        env = make_game(PD, rounds=60, noise=noise)
        agent = seat(make_agent(name), position)
        other = seat(make_agent("random"), 1 - position)
        vector = memory_one_vector(agent, PD_A, noise)  # symmetric: both seats' own payoffs
        if vector is None:
            assert name == "grim-trigger" and noise > 0
            continue
        observations, _ = env.reset(seed=4)
        me, them = f"player_{position}", f"player_{1 - position}"
        for t in range(60):
            move = agent.decide(observations[me])
            if t == 0:
                probability = vector[0]
            else:
                last = observations[me]["history"][t - 1]  # own first
                probability = vector[1 + 2 * int(last[0]) + int(last[1])]
            assert move == (0 if probability == 1.0 else 1), (t, observations[me]["history"][t - 1])
            observations, *_ = env.step({me: move, them: other.decide(observations[them])})


def test_not_every_agent_memory_one_gives_none() -> None:
    assert memory_one(["tit-for-tat", "tit-for-two-tats"], rounds=5) is None
    assert memory_one(["grim-trigger", "tit-for-tat"], rounds=5, noise=0.1) is None
    record = play_match("matrix/rock-paper-scissors-v0", ["random", "random"], rounds=5)
    assert record.metrics["solver"]["memory_one"] is None  # three actions


def test_games_without_a_cooperative_action() -> None:
    record = play_match(
        "matrix/battle-of-the-sexes-v0", ["tit-for-tat", "alternator"], seed=1, rounds=8
    )
    result = record.metrics["solver"]["memory_one"]
    assert result["expected_cooperation"] == [None, None]
    # Deterministic strategies, no noise: the expectation is what they scored.
    assert result["expected_per_round"] == pytest.approx(result["scored_per_round"], abs=TOL)


def test_the_aec_view_is_scored_too() -> None:
    record = play_match(PD, ["tit-for-tat", "always-defect"], rounds=3, api="aec")
    result = record.metrics["solver"]["memory_one"]
    assert result["expected_total"] == pytest.approx([2.0, 7.0], abs=TOL)


def test_other_games_are_left_alone() -> None:
    env = make_game("bargaining/buyer-seller-v0")
    metrics = {"surplus": 2.0}
    assert score_match(env, [], metrics) is metrics


def test_a_tournament_stores_solver_metrics_for_every_match(tmp_path: Path) -> None:
    agents = ["tit-for-tat", "always-defect", "random", "tit-for-two-tats", "alternator"]
    config = tmp_path / "t.toml"
    config.write_text(tournament_text(name="scored", rounds=12, agents=agents))
    db = tmp_path / "t.db"
    done = run_cli("run", config, "--db", db, "--quiet", "--workers", "2")
    assert done.returncode == 0, done.stderr
    with Store(db) as store:
        rows = store.outcomes("scored")
    assert len(rows) == 2 * 2 * 10  # ten pairings, both seat orders, two repetitions
    for row in rows:
        solver = row["metrics"]["solver"]
        assert solver["rounds"] == 12
        assert len(solver["empirical"]) == len(solver["regret"]) == 2
        assert solver["nash_conv"] == pytest.approx(sum(solver["regret"]), abs=TOL)
        per_round = [p / 12 for p in row["payoffs"]]
        assert solver["payoff_per_round"] == pytest.approx(per_round, abs=TOL)
        assert solver["best_symmetric"] == [3.0, 3.0]
        one = solver["memory_one"]
        assert (one is None) == ("tit-for-two-tats" in row["agents"])
        if one is not None and "random" not in row["agents"]:
            assert one["luck_per_round"] == pytest.approx([0.0, 0.0], abs=TOL)


@pytest.mark.parametrize(
    "params", [{"rounds": 40}, {"rounds": 40, "noise": 0.7, "continuation": 0.9}]
)
def test_scoring_prepared_before_a_pool_forks_leaves_the_scores_as_they_were(
    params: dict[str, Any],
) -> None:
    """``prepare_scoring`` (what a process does before forking its workers) only does early
    what the first match would do: the match's metrics are the same."""
    from arena.scoring import prepare_scoring

    before = play_match(PD, ["win-stay-lose-shift", "random"], seed=9, **params).metrics
    prepare_scoring(make_game(PD, **params))
    prepare_scoring(make_game(PD, api="aec", **params))  # the AEC view: the same game
    prepare_scoring(make_game("bargaining/alternating-offers-v0"))  # nothing to prepare
    after = play_match(PD, ["win-stay-lose-shift", "random"], seed=9, **params).metrics
    assert after == before  # the same arithmetic on the same numbers: bit for bit

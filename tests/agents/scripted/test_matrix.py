"""Scripted strategies, tested the Axelrod way: against this opponent, it plays these moves.

The move tables below are written by hand from each strategy's definition; the reference tests
compare with moves recorded from the Axelrod library (benchmarks/record_axelrod_reference.py).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from arena.agents.base import AgentInfo, MatchContext, ScriptedAgent
from arena.agents.scripted.matrix import nowak_sigmund_generosity
from arena.match import play_match
from arena.registry import AGENTS, GAMES, make_agent, make_game

REFERENCE = json.loads((Path(__file__).parents[2] / "data" / "axelrod_reference.json").read_text())
PD = "matrix/prisoners-dilemma-v0"


class Sequence(ScriptedAgent):
    """Plays a fixed string of moves ('C' = 0, 'D' = 1), cycling it."""

    info = AgentInfo(False, 0)

    def __init__(self, moves: str) -> None:
        super().__init__(name=f"sequence-{moves}")
        self.moves = [0 if m == "C" else 1 for m in moves]

    def decide(self, observation: dict[str, Any]) -> int:
        return self.moves[observation["round"] % len(self.moves)]


def as_text(moves: list[int]) -> str:
    return "".join("CD"[m] for m in moves)


def against(
    strategy: str | ScriptedAgent,
    opponent: str,
    seat: int = 0,
    seed: int = 0,
    game: str = PD,
    **params: Any,
) -> str:
    """The strategy's moves against a fixed opponent sequence, as a 'CD' string."""
    me = make_agent(strategy) if isinstance(strategy, str) else strategy
    seated = [me, Sequence(opponent)] if seat == 0 else [Sequence(opponent), me]
    record = play_match(game, seated, seed=seed, rounds=len(opponent), **params)
    return as_text(record.moves(seat))


MOVE_TABLES = [
    ("always-cooperate", "DDDDD", "CCCCC"),
    ("always-defect", "CCCCC", "DDDDD"),
    ("tit-for-tat", "CDDCCD", "CCDDCC"),
    ("tit-for-two-tats", "CDCDDDCC", "CCCCCDDC"),
    ("suspicious-tit-for-tat", "CCDCD", "DCCDC"),
    ("grim-trigger", "CCCDCCC", "CCCCDDD"),
    ("win-stay-lose-shift", "CCDDDCC", "CCCDCDD"),  # C; R stay; S shift; P shift; T stay ...
    ("alternator", "DDDDDD", "CDCDCD"),
    ("defect-once", "CCCCC", "DCCCC"),
    ("defect-once", "DDDDD", "DCCCC"),
]


@pytest.mark.parametrize(
    ("strategy", "opponent", "expected"),
    MOVE_TABLES,
    ids=[f"{s}-vs-{o}" for s, o, _ in MOVE_TABLES],
)
@pytest.mark.parametrize("seat", [0, 1])
def test_move_tables(strategy: str, opponent: str, expected: str, seat: int) -> None:
    assert against(strategy, opponent, seat=seat) == expected


def test_win_stay_lose_shift_in_the_akata_payoffs() -> None:
    # With R, S, T, P = 8, 0, 10, 5 the aspiration is their mean, 5.75: R and T stay, S and P shift.
    assert against("win-stay-lose-shift", "CCDDDCC", variant="akata") == "CCCDCDD"


@pytest.mark.parametrize(
    ("payoffs", "expected"),
    [((3, 0, 5, 1), 1 / 3), ((8, 0, 10, 5), 0.6), ((3, 3, 5, 5), 1 / 3)],
)
def test_gtft_generosity_formula(payoffs: tuple[int, ...], expected: float) -> None:
    import numpy as np

    r, s, t, p = payoffs
    assert nowak_sigmund_generosity(np.array([[r, s], [t, p]])) == pytest.approx(expected)


def test_generous_tit_for_tat_forgives_about_a_third_of_defections() -> None:
    moves = against("generous-tit-for-tat", "D" * 3001, seed=1)
    forgiven = moves[1:].count("C") / 3000
    assert 0.30 < forgiven < 0.37
    assert against("generous-tit-for-tat", "C" * 50) == "C" * 50  # never defects unprovoked
    assert against("generous-tit-for-tat", "D" * 200, seed=1) == moves[:200]  # seeded
    assert against("generous-tit-for-tat", "D" * 200, seed=2) != moves[:200]


def test_generosity_can_be_set() -> None:
    always = make_agent("generous-tit-for-tat", generosity=1.0)
    never = make_agent("generous-tit-for-tat", generosity=0.0)
    assert against(always, "DDDDD") == "CCCCC"
    assert against(never, "DDDDD") == "CDDDD"


@pytest.mark.parametrize(("p", "expected"), [(1.0, "C" * 30), (0.0, "D" * 30)])
def test_random_extremes(p: float, expected: str) -> None:
    assert make_agent("random").params.p is None  # uniform by default
    assert against(make_agent("random", p=p), "C" * 30) == expected


def test_random_frequency_and_seeding() -> None:
    moves = against(make_agent("random", p=0.3), "C" * 4000, seed=3)
    assert 0.27 < moves.count("C") / 4000 < 0.33
    assert against(make_agent("random", p=0.3), "C" * 100, seed=3) == moves[:100]
    assert against(make_agent("random", p=0.3), "C" * 100, seed=4) != moves[:100]


def test_random_uses_every_action_in_larger_games() -> None:
    record = play_match("matrix/rock-paper-scissors-v0", ["random", "random"], seed=0, rounds=600)
    counts = [record.moves(0).count(a) for a in range(3)]
    assert all(150 < c < 250 for c in counts)


BOS = "matrix/battle-of-the-sexes-v0"


def test_two_turn_takers_coordinate_from_round_two_and_alternate() -> None:
    record = play_match(BOS, ["turn-taker", "turn-taker"], seed=0, rounds=9)
    first, second = record.moves(0), record.moves(1)
    assert first[0] != second[0]  # each opens with its favourite
    assert first[1:] == second[1:] == [0, 1, 0, 1, 0, 1, 0, 1]
    assert record.payoffs == (4 * 10 + 4 * 7, 4 * 7 + 4 * 10)


@pytest.mark.parametrize("seat", [0, 1])
def test_turn_taker_follows_an_alternator(seat: int) -> None:
    seated = ["turn-taker", "alternator"] if seat == 0 else ["alternator", "turn-taker"]
    record = play_match(BOS, seated, seed=0, rounds=8)
    together = [a == b for a, b in zip(record.moves(0), record.moves(1))]
    assert all(together[2:])  # in step from round 3 at the latest, whoever opens


def test_turn_taker_holds_in_seat_zero_and_yields_elsewhere() -> None:
    assert (
        against("turn-taker", "DDDD", game=BOS) == "CCCC"
    )  # seat 0 opens with its favourite, holds
    assert against("turn-taker", "CCCC", seat=1, game=BOS) == "DCDC"  # yields, then takes turns


DETERMINISTIC_WITH_TWIN = sorted(REFERENCE["names"])


def test_reference_covers_every_deterministic_twin() -> None:
    declared = sorted(
        e.name for e in SCRIPTED if e.load().info.axelrod_name and not e.load().info.stochastic
    )
    assert declared == DETERMINISTIC_WITH_TWIN, "re-run benchmarks/record_axelrod_reference.py"


@pytest.mark.parametrize("match", REFERENCE["matches"], ids=lambda m: " vs ".join(m["players"]))
def test_same_moves_and_scores_as_axelrod(match: dict[str, Any]) -> None:
    record = play_match(PD, match["players"], seed=0, rounds=REFERENCE["turns"])
    assert [as_text(record.moves(0)), as_text(record.moves(1))] == match["moves"]
    assert list(record.payoffs) == match["scores"]


@pytest.mark.parametrize(
    "response", REFERENCE["responses"], ids=lambda r: f"{r['player']}-vs-{r['opponent'][:12]}"
)
def test_same_responses_as_axelrod(response: dict[str, Any]) -> None:
    assert against(response["player"], response["opponent"]) == response["moves"]


SCRIPTED = [
    e for e in AGENTS if e.extra.get("kind") == "scripted" and "matrix" in e.load().info.families
]
DETERMINISTIC = sorted(e.name for e in SCRIPTED if not e.load().info.stochastic)


@pytest.mark.parametrize("name", DETERMINISTIC)
def test_declared_determinism_holds(name: str) -> None:
    """A strategy declared deterministic moves by the history alone, never by the seed."""
    for seed in range(4):
        record = play_match(PD, [name, "random"], seed=seed, rounds=60)
        replay = against(name, as_text(record.moves(1)), seed=seed + 100)
        assert replay == as_text(record.moves(0))


def test_context_reaches_the_agent() -> None:
    agent = make_agent("tit-for-tat")
    play_match(PD, ["always-defect", agent], seed=5, rounds=2)
    assert isinstance(agent.context, MatchContext)
    assert (agent.context.seat, agent.context.agent_id, agent.context.opponents) == (
        1,
        "player_1",
        ("always-defect",),
    )


def test_every_agent_plays_every_matrix_game() -> None:
    games = [e.name for e in GAMES if e.name.startswith("matrix/") and e.name != "matrix/custom-v0"]
    for game in games:
        env = make_game(game)
        for entry in SCRIPTED:
            record = play_match(game, [entry.name, "random"], seed=1, rounds=5)
            assert len(record.moves(0)) == 5 and all(
                0 <= m < env.n_actions[0] for m in record.moves(0)
            )


@pytest.mark.parametrize("n", [1, 2, 3, 5, 1000])
def test_random_draws_its_actions_as_randrange_would(n: int) -> None:
    """The random player draws without ``randrange``'s frames: the same numbers, in order."""
    from arena.agents.scripted.random_player import _below

    for seed in range(20):
        ours, theirs = random.Random(seed), random.Random(seed)
        assert [_below(ours, n) for _ in range(200)] == [theirs.randrange(n) for _ in range(200)]

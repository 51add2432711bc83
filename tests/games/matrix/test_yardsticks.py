"""The solver's yardsticks stored with every matrix match: hand-checked values, game by game.

Floats that are sums of a few dyadic or exactly representable numbers are compared exactly;
results of a linear solve or of solver code that rescales payoffs (vertex enumeration, mixed
equilibria, regrets of mixed play) are compared to 1e-12, far above rounding and far below
any payoff difference in these games.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from arena.games.matrix import yardsticks
from arena.games.matrix.payoffs import prisoners_dilemma
from arena.match import play_match
from arena.registry import make_game
from arena.solver import empirical_strategy, nash_conv, regret

TOL = 1e-12  # see the module docstring

PD = "matrix/prisoners-dilemma-v0"


def solver_metrics(game_id: str, agents: list[str], **params: Any) -> dict[str, Any]:
    return play_match(game_id, agents, seed=5, **params).metrics["solver"]


def test_always_defect_against_always_cooperate() -> None:
    solver = solver_metrics(PD, ["always-defect", "always-cooperate"], rounds=7)
    assert solver["rounds"] == 7
    assert solver["empirical"] == [[0.0, 1.0], [1.0, 0.0]]
    # The defector best-responds (5 > 3); the cooperator forgoes P - S = 1 a round.
    assert solver["regret"] == [0.0, 1.0]
    assert solver["nash_conv"] == 1.0
    assert solver["cooperation"] == [0.0, 1.0]
    assert solver["payoff_per_round"] == [5.0, 0.0]
    assert solver["equilibrium_payoff"] == [{"min": 1.0, "max": 1.0}] * 2  # (D, D) only
    assert solver["equilibria"] == 1 and solver["equilibrium_method"] == "vertex enumeration"
    assert solver["best_symmetric"] == [3.0, 3.0]  # mutual cooperation, R


def test_the_numbers_are_the_solvers_own() -> None:
    """Empirical strategies, regrets and NashConv agree with arena.solver called directly."""
    env = make_game(PD, rounds=40, noise=0.3)
    record = play_match(PD, ["random", "generous-tit-for-tat"], seed=9, rounds=40, noise=0.3)
    played = np.array([[t.action for t in record.turns if t.seat == s] for s in (0, 1)]).T
    solver = record.metrics["solver"]
    # Trembles change actions: the yardsticks use the realised ones, which the record's turns
    # (the chosen actions) do not hold; replay the env to get them.
    env.reset(seed=9)
    for chosen in played:
        observations, *_ = env.step({"player_0": int(chosen[0]), "player_1": int(chosen[1])})
    realised = observations["player_0"]["history"]
    profile = [empirical_strategy(realised[:, s], 2) for s in (0, 1)]
    game = np.stack(env.payoffs)
    assert solver["empirical"] == [p.tolist() for p in profile]
    assert solver["regret"] == pytest.approx(regret(game, profile).tolist(), abs=TOL)
    assert solver["nash_conv"] == pytest.approx(nash_conv(game, profile), abs=TOL)
    assert sum(solver["payoff_per_round"]) * 40 == pytest.approx(sum(record.payoffs), abs=TOL)


def test_noise_is_measured_on_the_realised_actions() -> None:
    """With noise 1 every move trembles: always-cooperate's realised play is all defection."""
    solver = solver_metrics(PD, ["always-cooperate", "always-cooperate"], rounds=5, noise=1.0)
    assert solver["empirical"] == [[0.0, 1.0], [0.0, 1.0]]
    assert solver["cooperation"] == [0.0, 0.0]
    assert solver["payoff_per_round"] == [1.0, 1.0]


# game id, params, cooperation of always-cooperate (seat 0) and always-defect (seat 1),
# equilibrium payoff range per seat, number of extreme equilibria, best symmetric outcome.
NAMED = [
    (PD, {}, [1.0, 0.0], [(1, 1), (1, 1)], 1, 3.0),
    (PD, {"variant": "akata"}, [1.0, 0.0], [(5, 5), (5, 5)], 1, 8.0),
    # Stag Hunt: (S, S) pays 4, (H, H) 2, the mixed equilibrium (1/2, 1/2) pays 2.5.
    ("matrix/stag-hunt-v0", {}, [1.0, 0.0], [(2, 4), (2, 4)], 3, 4.0),
    # Chicken: (swerve, straight) pays 1 / 4, its mirror 4 / 1, the mixed one 2 each.
    ("matrix/chicken-v0", {}, [1.0, 0.0], [(1, 4), (1, 4)], 3, 3.0),
    ("matrix/harmony-v0", {}, [1.0, 0.0], [(4, 4), (4, 4)], 1, 4.0),  # C dominates
    ("matrix/deadlock-v0", {}, [1.0, 0.0], [(3, 3), (3, 3)], 1, 3.0),  # D dominates, P = 3
    # Battle of the Sexes: the pure ones pay 10 / 7 and 7 / 10, the mixed one 70/17 to both.
    ("matrix/battle-of-the-sexes-v0", {}, [None, None], [(70 / 17, 10), (70 / 17, 10)], 3, None),
    ("matrix/matching-pennies-v0", {}, [None, None], [(0, 0), (0, 0)], 1, None),  # not symmetric
    ("matrix/rock-paper-scissors-v0", {}, [None, None], [(0, 0), (0, 0)], 1, 0.0),
]


@pytest.mark.parametrize(
    ("game_id", "params", "cooperation", "ranges", "count", "best"),
    NAMED,
    ids=[f"{g.split('/')[1]}{'-' + p['variant'] if p else ''}" for g, p, *_ in NAMED],
)
def test_named_games(
    game_id: str,
    params: dict[str, Any],
    cooperation: list[float | None],
    ranges: list[tuple[float, float]],
    count: int,
    best: float | None,
) -> None:
    solver = solver_metrics(game_id, ["always-cooperate", "always-defect"], rounds=4, **params)
    assert solver["cooperation"] == cooperation
    for got, (low, high) in zip(solver["equilibrium_payoff"], ranges):
        assert got["min"] == pytest.approx(low, abs=TOL)
        assert got["max"] == pytest.approx(high, abs=TOL)
    assert solver["equilibria"] == count
    assert solver["best_symmetric"] == [best, best]


def test_a_custom_game_names_its_cooperative_action() -> None:
    payoffs = [[[3, 0], [5, 1]], [[3, 5], [0, 1]]]
    names = [["defect", "cooperate"], ["left", "right"]]
    solver = solver_metrics(
        "matrix/custom-v0",
        ["always-cooperate", "always-defect"],
        rounds=3,
        payoffs=payoffs,
        action_names=names,
    )
    assert solver["cooperation"] == [0.0, None]  # seat 0 cooperates with action 1, never played
    assert solver["best_symmetric"] == [3.0, 3.0]  # B = A.T: the PD, relabelled


def test_three_player_custom_game() -> None:
    """Everyone wins 1 when all choose alike: two pure equilibria (mixed ones not listed)."""
    same = np.zeros((2, 2, 2))
    same[0, 0, 0] = same[1, 1, 1] = 1.0
    solver = solver_metrics(
        "matrix/custom-v0",
        ["always-cooperate", "always-defect", "alternator"],
        rounds=4,
        payoffs=[same.tolist()] * 3,
        action_names=[["cooperate", "defect"]] * 3,
    )
    assert solver["empirical"] == [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]
    # Seat 0 would win when seats 1 and 2 both play D (1/2 of the time) by playing D;
    # seat 1 by playing C when seat 2 does (1/2); seat 2 can match nobody: zero regret.
    assert solver["regret"] == pytest.approx([0.5, 0.5, 0.0], abs=TOL)
    assert solver["nash_conv"] == pytest.approx(1.0, abs=TOL)
    assert solver["cooperation"] == [1.0, 0.0, 0.5]
    assert solver["payoff_per_round"] == [0.0, 0.0, 0.0]
    assert solver["equilibrium_method"] == "pure equilibria" and solver["equilibria"] == 2
    assert solver["equilibrium_payoff"] == [{"min": 1.0, "max": 1.0}] * 3
    assert solver["best_symmetric"] == [1.0, 1.0, 1.0]
    assert solver["memory_one"] is None  # two players only


def test_three_player_game_that_is_not_symmetric() -> None:
    """Only seat 0 is paid: permuting the players changes the game; no pure equilibrium
    is missing (every profile where seat 0 plays its best is one)."""
    zero = np.zeros((2, 2, 2))
    first = zero.copy()
    first[1] = 1.0  # seat 0 gets 1 for action 1
    solver = solver_metrics(
        "matrix/custom-v0",
        ["always-cooperate"] * 3,
        rounds=2,
        payoffs=[first.tolist(), zero.tolist(), zero.tolist()],
    )
    assert solver["best_symmetric"] == [None, None, None]
    assert solver["regret"] == [1.0, 0.0, 0.0]
    assert solver["equilibria"] == 4
    assert solver["equilibrium_payoff"] == [
        {"min": 1.0, "max": 1.0},
        {"min": 0.0, "max": 0.0},
        {"min": 0.0, "max": 0.0},
    ]


def test_degenerate_game_gives_the_range_over_a_continuum() -> None:
    """The column player is indifferent: every column mix is an equilibrium with row action
    0, whose payoff runs from 0 to 1 over that segment (its end points are extreme)."""
    stage = yardsticks.stage_yardsticks([np.array([[1.0, 0.0]]), np.array([[0.0, 0.0]])])
    assert stage.equilibrium_payoff == ((0.0, 1.0), (0.0, 0.0))
    assert stage.equilibria == 2 and stage.best_symmetric is None


def test_large_bimatrix_games_get_their_pure_equilibria() -> None:
    """13 x 13 is past the vertex-enumeration limit: the 13 pure coordination equilibria."""
    eye = np.eye(13)
    stage = yardsticks.stage_yardsticks([eye, eye])
    assert stage.equilibrium_method == "pure equilibria" and stage.equilibria == 13
    assert stage.equilibrium_payoff == ((1.0, 1.0), (1.0, 1.0))
    assert stage.best_symmetric == 1.0


def test_stage_yardsticks_are_solved_once_per_game() -> None:
    first = yardsticks.stage_yardsticks(prisoners_dilemma().payoffs)
    assert yardsticks.stage_yardsticks(prisoners_dilemma().payoffs) is first
    assert first.game.flags.writeable is False  # shared between matches: read-only


def test_no_metrics_before_the_first_round() -> None:
    env = make_game(PD, rounds=3)
    env.reset(seed=0)
    assert env.metrics() == {}


def test_building_a_game_does_not_import_the_solver() -> None:
    """DESIGN: building an env never imports Numba; the yardsticks import it after a match."""
    import subprocess
    import sys

    code = (
        "import sys; from arena.registry import make_game; "
        "make_game('matrix/prisoners-dilemma-v0', rounds=3); "
        "print('numba' in sys.modules, 'arena.solver' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]

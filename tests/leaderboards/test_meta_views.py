"""Meta-game views of a population on hand-made results: the matrices cell by cell, the Nash
average of fields whose answer is known, the three orders, and their JSON rows."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from arena.leaderboards.board import Board, LeaderboardError, load_board, select_tournaments
from arena.leaderboards.meta_views import META_KEYS, NASH_CLIP, compute_meta_views
from arena.leaderboards.standings import Sides, compute_standings
from arena.store import Result, Store
from tests.leaderboards.conftest import PD, record

# Means of a few small integers: one rounding each, so 1e-12 is far above any error and far
# below any difference the tests check.
EXACT = 1e-12
# The solver's resolution (arena.solver.meta_game): margins below about 1e-11 tie.
NASH = 1e-9


def result(agents: tuple[str, ...], payoffs: tuple[float, ...], index: int = 0) -> Result:
    return Result("t", index, agents, payoffs)


def cell(views, matrix: str, row: str, column: str) -> float:
    return float(getattr(views, matrix)[views.index(row), views.index(column)])


HAND_MADE = [
    result(("a", "b"), (3.0, 1.0), 0),  # a wins
    result(("b", "a"), (0.0, 5.0), 1),  # a wins from the other seat
    result(("a", "b"), (2.0, 2.0), 2),  # a draw
    result(("a", "c"), (1.0, 4.0), 3),  # c wins
    result(("a", "a"), (9.0, 9.0), 4),  # self-play: no meeting
]


def test_two_player_matrices_cell_by_cell() -> None:
    views = compute_meta_views(HAND_MADE)
    assert cell(views, "payoff", "a", "b") == pytest.approx((3 + 5 + 2) / 3, abs=EXACT)
    assert cell(views, "payoff", "b", "a") == pytest.approx((1 + 0 + 2) / 3, abs=EXACT)
    assert cell(views, "win_rate", "a", "b") == pytest.approx(2.5 / 3, abs=EXACT)
    assert cell(views, "win_rate", "b", "a") == pytest.approx(0.5 / 3, abs=EXACT)
    assert (cell(views, "payoff", "a", "c"), cell(views, "payoff", "c", "a")) == (1.0, 4.0)
    assert (cell(views, "win_rate", "a", "c"), cell(views, "win_rate", "c", "a")) == (0.0, 1.0)
    assert (cell(views, "pairs", "a", "b"), cell(views, "pairs", "a", "c")) == (3, 1)


def test_pairs_that_never_met_and_self_play_are_nan() -> None:
    views = compute_meta_views(HAND_MADE)
    for matrix in ("payoff", "win_rate"):
        assert math.isnan(cell(views, matrix, "b", "c"))  # never met
        assert math.isnan(cell(views, matrix, "c", "b"))
        assert np.isnan(np.diag(getattr(views, matrix))).all()  # a's self-play left out
    assert cell(views, "pairs", "b", "c") == 0 and not np.diag(views.pairs).any()
    # the self-play match's 9s are in no cell of a's row
    assert cell(views, "payoff", "a", "b") < 9 and cell(views, "payoff", "a", "c") < 9


def test_never_met_counts_as_an_even_record_in_the_meta_game() -> None:
    # a and c both beat b and never met each other: the meta-game puts 0 between them, so
    # the mixture no agent beats plays both, evenly.
    results = [result(("a", "b"), (1.0, 0.0), 0), result(("c", "b"), (1.0, 0.0), 1)]
    views = compute_meta_views(results)
    assert cell(views, "game", "a", "c") == 0.0
    assert views.support == ("a", "c")
    assert views.nash_mixture[views.index("a")] == pytest.approx(0.5, abs=NASH)
    assert views.nash_mixture[views.index("c")] == pytest.approx(0.5, abs=NASH)


def test_n_player_matches_count_pairs_of_seats_as_the_ratings_do() -> None:
    results = [
        result(("a", "b", "c"), (3.0, 2.0, 1.0), 0),  # a beats b and c; b beats c
        result(("a", "a", "b"), (1.0, 2.0, 3.0), 1),  # a's two seats: two pairs with b
    ]
    views = compute_meta_views(results)
    assert cell(views, "pairs", "a", "b") == 3
    assert cell(views, "payoff", "a", "b") == pytest.approx((3 + 1 + 2) / 3, abs=EXACT)
    assert cell(views, "payoff", "b", "a") == pytest.approx((2 + 3 + 3) / 3, abs=EXACT)
    assert cell(views, "win_rate", "a", "b") == pytest.approx(1 / 3, abs=EXACT)
    assert (cell(views, "win_rate", "b", "c"), cell(views, "pairs", "b", "c")) == (1.0, 1)


def test_teammates_do_not_meet() -> None:
    results = [result(("a", "b", "c"), (1.0, 1.0, 0.0))]
    sides = [Sides(teams=("village", "village", "wolves"))]
    views = compute_meta_views(results, sides=sides)
    assert cell(views, "pairs", "a", "b") == 0 and math.isnan(cell(views, "win_rate", "a", "b"))
    assert cell(views, "win_rate", "a", "c") == 1.0 and cell(views, "win_rate", "b", "c") == 1.0


def test_the_win_rate_matrix_holds_the_standings_records() -> None:
    # A random field of three and four seats with draws and self-play: every agent's wins
    # plus half its draws, and its pairwise results, are its win-rate row times its pairs.
    rng = np.random.default_rng(1)
    names = ["p", "q", "r", "s", "t"]
    results = [
        result(
            tuple(rng.choice(names, size=seats)),
            tuple(float(x) for x in rng.integers(0, 3, size=seats)),
            k,
        )
        for k, seats in enumerate(rng.choice([2, 3, 4], size=300))
    ]
    standings = compute_standings(results, bootstrap=0)[0]
    views = compute_meta_views(results, standings=standings)
    with np.errstate(invalid="ignore"):
        scored = np.nansum(views.win_rate * views.pairs, axis=1)
    for s in standings:
        k = views.index(s.agent)
        assert views.pairs[k].sum() == s.wins + s.draws + s.losses
        assert scored[k] == pytest.approx(s.wins + s.draws / 2, abs=1e-9)
    met = views.pairs > 0
    assert np.allclose((views.win_rate + views.win_rate.T)[met], 1.0, rtol=0, atol=EXACT)


def test_payoffs_near_the_largest_float_average_without_overflow() -> None:
    big = 1e308
    views = compute_meta_views([result(("a", "b"), (big, -big), k) for k in range(3)])
    assert cell(views, "payoff", "a", "b") == pytest.approx(big, rel=1e-15)
    assert cell(views, "payoff", "b", "a") == pytest.approx(-big, rel=1e-15)


def cyclic(names: tuple[str, str, str], wins: int = 2, losses: int = 1) -> list[Result]:
    """Each agent beats the next in the cycle ``wins`` times of ``wins + losses``."""
    out = []
    for k, winner in enumerate(names):
        loser = names[(k + 1) % 3]
        out += [result((winner, loser), (1.0, 0.0))] * wins
        out += [result((loser, winner), (1.0, 0.0))] * losses
    return out


RPS = ("rock", "scissors", "paper")


def test_a_cycle_rates_every_agent_alike_and_mixes_them_all() -> None:
    views = compute_meta_views(cyclic(RPS))
    assert set(views.support) == set(RPS)
    assert views.nash_mixture == pytest.approx([1 / 3] * 3, abs=NASH)
    assert views.nash_rating == pytest.approx([0.0] * 3, abs=NASH)
    assert views.game[views.index("rock"), views.index("scissors")] == pytest.approx(
        math.log(2),
        abs=EXACT,  # logit of 2/3
    )


def test_a_dominated_agent_is_outside_the_support() -> None:
    duck = [r for name in RPS for r in (result((name, "duck"), (1.0, 0.0)),) * 2]
    views = compute_meta_views(cyclic(RPS) + duck)
    assert set(views.support) == set(RPS) and "duck" not in views.support
    k = views.index("duck")
    assert views.nash_mixture[k] == 0.0
    # it loses every game to each agent of the mixture: logit of the clipped win rate
    assert views.nash_rating[k] == pytest.approx(math.log(NASH_CLIP / (1 - NASH_CLIP)), rel=NASH)
    assert views.order("nash")[-1] == "duck"
    assert set(views.order("nash")[:3]) == set(RPS)


def test_the_views_are_deterministic_and_ignore_match_order() -> None:
    results = [*cyclic(RPS, 3, 2), *HAND_MADE]
    first, again = compute_meta_views(results), compute_meta_views(results)
    shuffled = compute_meta_views(results[::-1])
    for other in (again, shuffled):  # integer payoffs: every sum is exact in any order
        assert other.agents == first.agents and other.support == first.support
        for name in ("payoff", "win_rate", "pairs", "nash_rating", "nash_mixture"):
            assert np.array_equal(getattr(other, name), getattr(first, name), equal_nan=True)
    assert not first.payoff.flags.writeable  # shared with every reader: read-only


def test_the_three_orders() -> None:
    # a beats everybody by a little; b and c draw each other with high scores.
    results = [
        result(("a", "b"), (2.0, 1.0), 0),
        result(("a", "c"), (2.0, 1.0), 1),
        result(("b", "c"), (5.0, 5.0), 2),
    ]
    views = compute_meta_views(results)
    assert views.order("rating") == ["a", "b", "c"] == list(views.agents)
    assert views.order("payoff") == ["b", "c", "a"]  # 3 per seat against 2; ties by rating
    assert views.order("nash") == ["a", "b", "c"] and views.support == ("a",)
    assert views.ranks("payoff") == {"b": 1, "c": 2, "a": 3}
    with pytest.raises(ValueError, match="rank_by must be one of rating, payoff, nash"):
        views.order("elo")


def test_board_rows_carry_each_agent_s_views(make_db: Callable[..., Path]) -> None:
    matches = [record(k, r.agents, r.payoffs) for k, r in enumerate(HAND_MADE)]
    db = make_db({"hand": (PD, {"rounds": 1}, matches)})
    with Store(db, readonly=True) as store:
        board = load_board(store, select_tournaments(store), bootstrap=0)
    assert board.meta is not None
    rows = {row["agent"]: row for row in json.loads(json.dumps(board.rows(), allow_nan=False))}
    for agent, row in rows.items():
        assert set(META_KEYS) <= set(row)
        assert list(row["payoff_against"]) == [a for a in board.meta.agents if a != agent]
    assert rows["a"]["payoff_against"] == {"b": round(10 / 3, 4), "c": 1.0}
    assert rows["b"]["win_rate_against"] == {"a": round(1 / 6, 4), "c": None}  # never met
    assert rows["b"]["pairs_against"] == {"a": 3, "c": 0}
    assert sum(row["nash_mass"] for row in rows.values()) == pytest.approx(1.0, abs=1e-5)
    assert [row["agent"] for row in rows.values() if row["in_nash_support"]] == list(
        board.meta.support
    )
    payoff_first = board.ranked("payoff")
    assert [s.agent for s in payoff_first.standings] == board.meta.order("payoff")
    assert board.ranked("rating") is board


def test_a_board_made_by_hand_has_no_views() -> None:
    standings = compute_standings(HAND_MADE, bootstrap=0)[0]
    board = Board(tuple(standings), game=PD, tournaments=("t",))
    assert board.meta is None
    assert not any(set(META_KEYS) & set(row) for row in board.rows())
    with pytest.raises(LeaderboardError, match="no meta-game views"):
        board.ranked("nash")

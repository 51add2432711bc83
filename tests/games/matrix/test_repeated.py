"""Every registered matrix game through PettingZoo's own checks and ours."""

from __future__ import annotations

import pickle
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pettingzoo.test import api_test, parallel_api_test, parallel_seed_test, seed_test

from arena.errors import ConfigError
from arena.games.matrix.payoffs import own_first
from arena.registry import GAMES, make_game
from tests.arena.test_cli import assert_one_line_error
from tests.conftest import run_cli, tournament_text

CUSTOM_3X2 = {"payoffs": [[[1, 2], [3, 4], [5, 6]], [[6, 5], [4, 3], [2, 1]]]}
MATRIX_IDS = [e.name for e in GAMES if e.name.startswith("matrix/")]


def params_for(game_id: str, **extra: Any) -> dict[str, Any]:
    base = dict(CUSTOM_3X2) if game_id == "matrix/custom-v0" else {}
    return {**base, **extra}


@pytest.fixture(autouse=True)
def _quiet_pettingzoo_advice() -> Any:
    # PettingZoo warns that Dict observations are "probably" not Box; that is advice, not a failure.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


@pytest.mark.parametrize("game_id", MATRIX_IDS)
def test_parallel_api(game_id: str) -> None:
    parallel_api_test(make_game(game_id, **params_for(game_id, rounds=6, noise=0.1)), num_cycles=50)


@pytest.mark.parametrize("game_id", MATRIX_IDS)
def test_aec_api(game_id: str) -> None:
    api_test(make_game(game_id, api="aec", **params_for(game_id, rounds=6)), num_cycles=50)


@pytest.mark.parametrize("game_id", MATRIX_IDS)
def test_seed(game_id: str) -> None:
    params = params_for(game_id, rounds=8, noise=0.3, continuation=0.9)
    seed_test(lambda: make_game(game_id, api="aec", **params), num_cycles=50)
    parallel_seed_test(lambda: make_game(game_id, **params), num_cycles=50)


def play_random(env: Any, seed: int) -> tuple[list[list[int]], dict[str, float]]:
    """Play to the end with seeded random actions; return realised actions and final payoffs."""
    observations, _ = env.reset(seed=seed)
    rng = np.random.default_rng(seed)
    moves, infos = [], {}
    while env.agents:
        actions = {a: int(rng.integers(env.action_space(a).n)) for a in env.agents}
        observations, _, _, _, infos = env.step(actions)
        first = env.possible_agents[0]
        moves.append(observations[first]["history"][observations[first]["round"] - 1].tolist())
    return moves, infos[env.possible_agents[0]]["payoffs"]


@pytest.mark.parametrize("game_id", MATRIX_IDS)
def test_same_seed_same_game_and_pickling(game_id: str) -> None:
    params = params_for(game_id, rounds=30, noise=0.2, continuation=0.95)
    env = make_game(game_id, **params)
    first = play_random(env, seed=11)
    assert play_random(make_game(game_id, **params), seed=11) == first
    clone = pickle.loads(pickle.dumps(env))
    assert play_random(clone, seed=11) == first
    assert play_random(env, seed=12) != first  # noise and continuation do depend on the seed


@pytest.mark.parametrize("game_id", MATRIX_IDS)
def test_payoffs_within_declared_bounds(game_id: str) -> None:
    env = make_game(game_id, **params_for(game_id, rounds=25))
    _, totals = play_random(env, seed=5)
    for p, agent in enumerate(env.possible_agents):
        table = env.payoffs[p]
        assert 25 * table.min() <= totals[agent] <= 25 * table.max()


@pytest.mark.parametrize("game_id", MATRIX_IDS)
def test_each_player_sees_its_own_payoffs_own_action_first(game_id: str) -> None:
    env = make_game(game_id, **params_for(game_id))
    observations, _ = env.reset(seed=0)
    for p, agent in enumerate(env.possible_agents):
        np.testing.assert_array_equal(
            observations[agent]["payoff_matrix"], own_first(env.payoffs, p)
        )
        assert observations[agent]["seat"] == p


def test_history_is_own_column_first_and_totals_add_up() -> None:
    env = make_game("matrix/prisoners-dilemma-v0", rounds=3)
    env.reset(seed=0)
    env.step({"player_0": 0, "player_1": 1})  # sucker: 0 and 5
    env.step({"player_0": 1, "player_1": 1})  # punishment: 1 and 1
    observations, rewards, terminations, _, infos = env.step({"player_0": 1, "player_1": 0})
    assert rewards == {"player_0": 5.0, "player_1": 0.0}
    assert observations["player_0"]["history"].tolist() == [[0, 1], [1, 1], [1, 0]]
    assert observations["player_1"]["history"].tolist() == [[1, 0], [1, 1], [0, 1]]
    assert observations["player_1"]["rewards"][:, 0].tolist() == [5.0, 1.0, 0.0]
    assert all(terminations.values()) and env.agents == []
    assert infos["player_0"]["payoffs"] == {"player_0": 6.0, "player_1": 6.0}


def test_observations_are_read_only_views() -> None:
    env = make_game("matrix/stag-hunt-v0", rounds=4)
    observations, _ = env.reset(seed=0)
    with pytest.raises(ValueError):
        observations["player_0"]["history"][0, 0] = 1
    env.step({"player_0": 0, "player_1": 0})
    assert observations["player_0"]["history"][0].tolist() == [0, 0]  # a view: play fills it


@pytest.mark.parametrize(
    ("variant", "expected"), [("axelrod", (3.0, 0.0, 5.0, 1.0)), ("akata", (8.0, 0.0, 10.0, 5.0))]
)
def test_prisoners_dilemma_variants(variant: str, expected: tuple[float, ...]) -> None:
    row = make_game("matrix/prisoners-dilemma-v0", variant=variant).payoffs[0]
    assert (row[0, 0], row[0, 1], row[1, 0], row[1, 1]) == expected


def test_battle_of_the_sexes_is_akata_et_al() -> None:
    row, col = make_game("matrix/battle-of-the-sexes-v0").payoffs
    assert row.tolist() == [[10, 0], [0, 7]] and col.tolist() == [[7, 0], [0, 10]]


def test_noise_flips_about_as_often_as_asked() -> None:
    env = make_game("matrix/prisoners-dilemma-v0", rounds=4000, noise=0.1)
    observations, _ = env.reset(seed=1)
    while env.agents:
        observations, *_ = env.step({"player_0": 0, "player_1": 0})
    flipped = (observations["player_0"]["history"] == 1).mean()
    assert 0.085 < flipped < 0.115


def test_continuation_ends_games_geometrically() -> None:
    env = make_game("matrix/chicken-v0", rounds=10_000, continuation=0.8)
    lengths = []
    for seed in range(400):
        env.reset(seed=seed)
        while env.agents:
            env.step({"player_0": 0, "player_1": 0})
        lengths.append(env.rounds_played)
    assert 4.5 < np.mean(lengths) < 5.5  # mean of a geometric length 1 / (1 - 0.8)


def test_three_player_custom_game() -> None:
    payoffs = [np.arange(8).reshape(2, 2, 2) * (p + 1) for p in range(3)]
    env = make_game("matrix/custom-v0", payoffs=[t.tolist() for t in payoffs], rounds=1)
    env.reset(seed=0)
    *_, infos = env.step({"player_0": 1, "player_1": 0, "player_2": 1})
    assert infos["player_2"]["payoffs"] == {"player_0": 5.0, "player_1": 10.0, "player_2": 15.0}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "payoffs: required"),
        ({"payoffs": [[1, 2], [3, 4]]}, "payoffs[0]: a 2-player game needs a 2-dimensional array"),
        ({"payoffs": [[[1, 2], [3, 4]]]}, "at least 2"),
        (
            {"payoffs": [[[1, 2], [3, 4]], [[1, 2, 3], [4, 5, 6]]]},
            "payoffs[1]: shape (2, 3) differs",
        ),
        (
            {"payoffs": [[[1, "x"], [3, 4]], [[1, 2], [3, 4]]]},
            "payoffs[0][0][1]: expected a number, got 'x'",
        ),
        ({"payoffs": [[[1, 2], [3]], [[1, 2], [3, 4]]]}, "payoffs[0]: rows have different lengths"),
        ({"payoffs": [[[1, True], [3, 4]], [[1, 2], [3, 4]]]}, "expected a number, got True"),
        ({"payoffs": [[[1, float("inf")], [3, 4]], [[1, 2], [3, 4]]]}, "expected a finite number"),
        ({**CUSTOM_3X2, "rounds": 0}, "rounds: Input should be greater than or equal to 1"),
        ({**CUSTOM_3X2, "rounds": 2.5}, "rounds: Input should be a valid integer"),
        ({**CUSTOM_3X2, "noise": 1.5}, "noise: Input should be less than or equal to 1"),
        ({**CUSTOM_3X2, "continuation": 1.0}, "continuation: Input should be less than 1"),
        ({**CUSTOM_3X2, "turns": 3}, "turns: unknown key"),
        ({**CUSTOM_3X2, "action_names": [["a", "b"], ["c", "d"]]}, "action_names: expected (3, 2)"),
    ],
)
def test_bad_custom_parameters_are_named(params: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as error:
        make_game("matrix/custom-v0", **params)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"payoffs": [[[1]]]}, "payoffs: unknown key"),
        ({"variant": "x"}, "variant: expected one of"),
        # values a TOML file or ``-p`` can give that are no name (a list cannot even be
        # looked up in a dict: it used to raise TypeError)
        ({"variant": ["akata"]}, "variant: expected one of ['akata', 'axelrod'], got ['akata']"),
        ({"variant": {"a": 1}}, "variant: expected one of"),
        ({"variant": 3}, "variant: expected one of"),
        ({"variant": None}, "variant: expected one of"),
    ],
)
def test_named_games_reject_what_they_do_not_take(params: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as error:
        make_game("matrix/prisoners-dilemma-v0", **params)
    assert message in str(error.value)


def test_a_list_variant_in_a_tournament_file_is_one_line_error(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    """Issue 8: ``variant = ["akata"]`` in a tournament file gave a TypeError traceback."""
    text = tournament_text(rounds=2).replace("rounds = 2", 'rounds = 2\nvariant = ["akata"]')
    result = run_cli("run", write_toml(text), "--db", tmp_path / "arena.db")
    assert_one_line_error(result, "variant: expected one of ['akata', 'axelrod']")


def test_render_ansi_lists_moves_by_name() -> None:
    env = make_game("matrix/prisoners-dilemma-v0", rounds=2, render_mode="ansi")
    env.reset(seed=0)
    env.step({"player_0": 0, "player_1": 1})
    assert "1: cooperate, defect" in env.render()


@pytest.mark.parametrize("game_id", ["matrix/prisoners-dilemma-v0", "matrix/custom-v0"])
def test_a_game_pickled_mid_match_plays_on_with_its_views(game_id: str) -> None:
    """Observations are views of the game's arrays, filled as it goes; a copy must keep that."""
    params = params_for(game_id, rounds=12, noise=0.2)
    env = make_game(game_id, **params)
    env.reset(seed=4)
    rng = np.random.default_rng(0)
    moves = [{a: int(rng.integers(env.action_space(a).n)) for a in env.agents} for _ in range(12)]
    for actions in moves[:5]:
        env.step(actions)
    clone = pickle.loads(pickle.dumps(env))
    finals = []
    for game in (env, clone):
        for actions in moves[5:]:
            observations, *_, infos = game.step(actions)
        first, second = game.possible_agents
        assert observations[first]["round"] == 12 == game.rounds_played
        history = observations[first]["history"]
        assert (observations[second]["history"][:, 0] == history[:, 1]).all()
        finals.append((history.tolist(), infos[first]["payoffs"]))
    assert finals[0] == finals[1]  # the clone trembled as the original did, too


def test_observation_spaces_are_made_when_asked_and_unknown_agents_refused() -> None:
    env = make_game("matrix/stag-hunt-v0", rounds=3)
    observations, _ = env.reset(seed=0)
    space = env.observation_space("player_1")
    assert space is env.observation_space("player_1") and space.contains(observations["player_1"])
    with pytest.raises(KeyError):
        env.observation_space("player_9")

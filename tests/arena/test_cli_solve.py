"""``arena solve``: registered games and payoff files in, equilibria and values out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.arena.test_cli import assert_one_line_error
from tests.conftest import run_cli


def solve_json(*args: str | Path) -> dict:
    result = run_cli("solve", *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_prisoners_dilemma_by_id() -> None:
    report = solve_json("matrix/prisoners-dilemma-v0")
    assert report["pure_equilibria"] == [{"actions": ["defect", "defect"], "payoffs": [1.0, 1.0]}]
    assert report["equilibria"]["complete"] is True
    assert report["equilibria"]["degenerate"] is False
    assert len(report["equilibria"]["list"]) == 1
    assert report["zero_sum"] is None


def test_game_parameters_reach_the_game() -> None:
    report = solve_json("matrix/prisoners-dilemma-v0", "--param", "variant=akata")
    assert report["pure_equilibria"][0]["payoffs"] == [5.0, 5.0]  # Akata et al.'s P


def test_rock_paper_scissors_value_and_table() -> None:
    report = solve_json("matrix/rock-paper-scissors-v0")
    assert report["zero_sum"]["value"] == 0.0
    assert report["zero_sum"]["row"] == {"rock": 0.333333, "paper": 0.333333, "scissors": 0.333333}
    text = run_cli("solve", "matrix/rock-paper-scissors-v0").stdout
    assert "Constant-sum" in text and "Value for player_0: 0" in text


def test_csv_with_names(tmp_path: Path) -> None:
    game = tmp_path / "bos.csv"
    game.write_text(",opera,football\nopera,3;2,0;0\nfootball,0;0,2;3\n")
    report = solve_json(game)
    assert report["actions"] == [["opera", "football"], ["opera", "football"]]
    mixed = report["equilibria"]["list"][2]
    assert mixed["strategies"] == [{"opera": 0.6, "football": 0.4}, {"opera": 0.4, "football": 0.6}]
    assert mixed["payoffs"] == [1.2, 1.2]


def test_csv_of_one_number_per_cell_is_zero_sum(tmp_path: Path) -> None:
    game = tmp_path / "pennies.csv"
    game.write_text("1,-1\n-1,1\n")
    report = solve_json(game)
    assert report["zero_sum"]["value"] == 0.0
    assert report["equilibria"]["list"][0]["strategies"] == [{"0": 0.5, "1": 0.5}] * 2


def test_toml_and_json_files(tmp_path: Path) -> None:
    toml = tmp_path / "shapley.toml"
    toml.write_text(
        'name = "Shapley"\nplayers = ["rows", "cols"]\n'
        "A = [[0, 1, 0], [0, 0, 1], [1, 0, 0]]\nB = [[0, 0, 1], [1, 0, 0], [0, 1, 0]]\n"
    )
    report = solve_json(toml)
    assert report["game"] == "Shapley" and report["players"] == ["rows", "cols"]
    assert report["equilibria"]["list"][0]["payoffs"] == [pytest.approx(1 / 3, abs=1e-6)] * 2
    three = tmp_path / "three.json"
    same = [[[1, 0], [0, 0]], [[0, 0], [0, 1]]]  # all three choose alike: everyone gets 1
    three.write_text(json.dumps({"payoffs": [same, same, same]}))
    report = solve_json(three)
    assert [eq["actions"] for eq in report["pure_equilibria"]] == [["0", "0", "0"], ["1", "1", "1"]]
    assert "equilibria" not in report
    assert any("more than two players" in line for line in report["explanation"])


def test_degenerate_game_uses_vertex_enumeration(tmp_path: Path) -> None:
    game = tmp_path / "degenerate.toml"
    game.write_text("A = [[3, 3], [2, 5], [0, 6]]\nB = [[3, 3], [2, 6], [3, 1]]\n")
    report = solve_json(game)
    assert report["equilibria"]["method"] == "vertex enumeration"
    assert report["equilibria"]["degenerate"] is True
    support = solve_json(game, "--method", "support")["equilibria"]
    assert support["degenerate"] is True and support["complete"] is False
    lemke = solve_json(game, "--method", "lemke-howson")["equilibria"]
    assert lemke["complete"] is False and lemke["list"]


@pytest.mark.parametrize(
    ("name", "content", "fragments"),
    [
        ("bad.csv", "1;2,x\n3;4,5;6\n", ["bad.csv", "line 1, column 2", "'x' is not a number"]),
        ("ragged.csv", "1;2,3;4\n5;6\n", ["ragged.csv", "line 2: 1 cells"]),
        ("mixed.csv", "1;2,3\n5;6,7;8\n", ["mixed.csv", "one-number and 'row;column'"]),
        ("bad.toml", "A = [[1, 2]\n", ["bad.toml", "not valid TOML"]),
        ("shape.toml", "A = [[1, 2]]\nB = [[1], [2]]\n", ["shape.toml", "B: shape"]),
        ("nan.json", '{"A": [[1, "x"]]}', ["nan.json", "A[0][1]: expected a number"]),
        ("keys.json", '{"payoff": [[1]]}', ["keys.json", "unknown key 'payoff'"]),
        ("names.toml", 'A = [[1, 2]]\nactions = [["a"], ["x"]]\n', ["actions[1]: expected 2"]),
    ],
)
def test_bad_payoff_files(tmp_path: Path, name: str, content: str, fragments: list[str]) -> None:
    path = tmp_path / name
    path.write_text(content)
    assert_one_line_error(run_cli("solve", path), *fragments)


def test_bad_sources() -> None:
    assert_one_line_error(run_cli("solve", "missing.csv"), "missing.csv: no such file")
    assert_one_line_error(run_cli("solve", "matrix/prisoners-dilema-v0"), "did you mean")
    assert_one_line_error(run_cli("solve", "prisoners"), "not a file ending in")
    assert_one_line_error(
        run_cli("solve", "matrix/prisoners-dilemma-v0", "-p", "variant=nope"), "variant"
    )
    assert_one_line_error(
        run_cli("solve", "matrix/prisoners-dilemma-v0", "-p", "oops"), "KEY=VALUE"
    )
    assert run_cli("solve", "matrix/prisoners-dilemma-v0", "--method", "magic").returncode == 2


def test_commands_that_do_not_solve_never_import_numba() -> None:
    probe = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from arena.cli import app\n"
        "for args in (['games', 'list'], ['agents', 'list'], ['--help']):\n"
        "    assert CliRunner().invoke(app, args).exit_code == 0, args\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('numba', 'scipy')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"

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


def strict_json(text: str) -> dict:
    """Parse JSON as the standard defines it: ``Infinity`` and ``NaN`` are not numbers."""

    def refuse(constant: str) -> None:
        raise AssertionError(f"invalid JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("scale", ["1e14", "1e-200"])
def test_scaled_matching_pennies_keeps_its_equilibrium(tmp_path: Path, scale: str) -> None:
    """Issue 8: at 1e14 support enumeration found no equilibrium and called the list complete."""
    game = tmp_path / "pennies.toml"
    game.write_text(f"A = [[{scale}, -{scale}], [-{scale}, {scale}]]\n")
    report = solve_json(game)
    assert report["equilibria"]["method"] == "support enumeration"
    assert report["equilibria"]["complete"] is True
    assert [eq["strategies"] for eq in report["equilibria"]["list"]] == [[{"0": 0.5, "1": 0.5}] * 2]
    assert report["zero_sum"]["value"] == 0.0  # rounding noise of the payoffs' scale shows as 0


def test_subnormal_payoffs_are_solved(tmp_path: Path) -> None:
    """Issue 8: payoffs around 1e-320 raised ZeroDivisionError; they are scaled exactly."""
    game = tmp_path / "tiny.toml"
    game.write_text("A = [[3e-320, 0], [5e-320, 1e-320]]\nB = [[3e-320, 5e-320], [0, 1e-320]]\n")
    report = solve_json(game)
    assert report["pure_equilibria"] == [{"actions": ["1", "1"], "payoffs": [1e-320, 1e-320]}]
    assert report["equilibria"]["complete"] is True
    assert [eq["payoffs"] for eq in report["equilibria"]["list"]] == [[1e-320, 1e-320]]


@pytest.mark.parametrize(
    ("content", "count"),
    [
        ("A = [[1.5e308, -1.5e308], [-1.5e308, 1.5e308]]\n", 1),  # the spread 3e308 overflows
        ("A = [[1e308, 0], [0, 1e308]]\nB = [[1e308, 0], [0, 1e308]]\n", 3),
        (
            "A = [[1.7e308, -1.7e308], [-1.7e308, 1.7e308]]\n"
            "B = [[1.7e308, 1.7e308], [1.7e308, -1.7e308]]\n",
            2,
        ),
    ],
    ids=["zero-sum", "coordination", "mixed-signs"],
)
def test_json_stays_valid_for_payoffs_near_the_float64_limit(
    tmp_path: Path, content: str, count: int
) -> None:
    game = tmp_path / "huge.toml"
    game.write_text(content)
    result = run_cli("solve", game, "--json")
    assert result.returncode == 0, result.stderr
    report = strict_json(result.stdout)
    assert len(report["equilibria"]["list"]) == count
    for eq in report["equilibria"]["list"]:
        assert all(abs(v) <= 1.7e308 for v in eq["payoffs"])


def test_a_constant_sum_beyond_float64_is_one_line(tmp_path: Path) -> None:
    game = tmp_path / "huge.toml"
    game.write_text("A = [[1e308, 1e308], [1e308, 1e308]]\nB = [[1e308, 1e308], [1e308, 1e308]]\n")
    assert_one_line_error(run_cli("solve", game, "--json"), "huge", "add up to more than")


@pytest.mark.parametrize("value", ["[1]", "{ a = 1 }"])
def test_a_variant_that_is_not_a_name_is_one_line(value: str) -> None:
    """Issue 8: a list (unhashable) raised TypeError from the dictionary lookup."""
    result = run_cli("solve", "matrix/prisoners-dilemma-v0", "-p", f"variant={value}")
    assert_one_line_error(result, "variant: expected one of ['akata', 'axelrod']")


@pytest.mark.parametrize("name", ["game.txt", "game"])
def test_unknown_file_types_are_one_line(tmp_path: Path, name: str) -> None:
    """Issue 8: an existing ``.txt`` file was read as TOML."""
    path = tmp_path / name
    path.write_text("A = [[1, 0], [0, 1]]\n")
    assert_one_line_error(run_cli("solve", path), name, "expected one ending in .toml, .json, .csv")


@pytest.mark.parametrize("method", ["support", "lemke-howson"])
def test_a_two_player_method_on_three_players_is_one_line(tmp_path: Path, method: str) -> None:
    """Issue 8: ``--method lemke-howson`` on a 3-player game was silently ignored."""
    three = tmp_path / "three.json"
    same = [[[1, 0], [0, 0]], [[0, 0], [0, 1]]]
    three.write_text(json.dumps({"payoffs": [same, same, same]}))
    result = run_cli("solve", three, "--method", method)
    assert_one_line_error(result, f"method '{method}'", "two-player games", "3 players")

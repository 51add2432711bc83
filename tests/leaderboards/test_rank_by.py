"""``arena leaderboard show --rank-by`` on the real demo: examples/quickstart.toml, Axelrod's
strategies in a 200-round Prisoner's Dilemma, played by the real ``arena run`` into a real
database and ranked by the real command.

Always-defect never loses a match (it wins or draws every one), so it leads by rating, yet it
scores among the least on average: the reciprocating strategies cooperate with each other. The
table shows both orders, and says which question each answers.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from tests.arena.test_cli import assert_one_line_error
from tests.conftest import run_cli
from tests.leaderboards.pages import strict_json

QUICKSTART = Path(__file__).resolve().parents[2] / "examples" / "quickstart.toml"
META_KEYS = {"nash_rating", "nash_mass", "in_nash_support"}
META_KEYS |= {"payoff_against", "win_rate_against", "pairs_against"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("quickstart")
    db = folder / "arena.db"
    played = run_cli("run", QUICKSTART, "--db", db, cwd=folder)
    assert played.returncode == 0, played.stderr
    return db


@functools.cache  # each command once: the tests read the same outputs
def show(db: Path, *args: str) -> str:
    shown = run_cli("leaderboard", "show", "--db", db, "--bootstrap", "10", *args)
    assert shown.returncode == 0, shown.stderr
    return shown.stdout


def rows_of(db: Path, *args: str) -> list[dict]:
    rows = strict_json(show(db, "--json", *args))
    assert isinstance(rows, list) and len(rows) == 10
    return rows


def table(text: str) -> list[dict[str, str]]:
    """The table's rows as {column: cell}, in printed order."""
    lines = [line for line in text.splitlines() if line.startswith(("┃", "│"))]
    cells = [
        [cell.strip() for cell in line.strip("┃│").split("┃" if "┃" in line else "│")]
        for line in lines
    ]
    header, body = cells[0], cells[1:]
    return [dict(zip(header, row)) for row in body]


def test_rating_and_payoff_disagree_about_always_defect(demo: Path) -> None:
    by_rating = rows_of(demo)
    assert by_rating[0]["agent"] == "always-defect"
    assert by_rating == rows_of(demo, "--rank-by", "rating")  # the default order
    by_payoff = rows_of(demo, "--rank-by", "payoff")
    means = [row["mean_payoff"] for row in by_payoff]
    assert means == sorted(means, reverse=True)
    assert [row["agent"] for row in by_payoff].index("always-defect") >= 7  # bottom three
    assert {row["agent"] for row in by_payoff} == {row["agent"] for row in by_rating}


def test_the_table_follows_the_order_and_shows_every_view(demo: Path) -> None:
    by_payoff = [row["agent"] for row in rows_of(demo, "--rank-by", "payoff")]
    nash = {row["agent"]: row["nash_rating"] for row in rows_of(demo)}
    for rank_by in ("rating", "payoff", "nash"):
        text = show(demo, "--rank-by", rank_by)
        printed = table(text)
        agents = [row["agent"] for row in rows_of(demo, "--rank-by", rank_by)]
        assert [row["agent"] for row in printed] == agents
        assert [row["#"] for row in printed] == [str(k) for k in range(1, 11)]
        for row in printed:
            assert row["payoff #"] == str(by_payoff.index(row["agent"]) + 1)
            assert float(row["nash"]) == pytest.approx(nash[row["agent"]], abs=0.005)
        sentence = next(line for line in text.splitlines() if line.startswith("Ranked by"))
        assert sentence.startswith(f"Ranked by {rank_by} (--rank-by rating|payoff|nash): ")
        for question in (
            "rating answers who wins head to head",
            "payoff who scores most on average",
            "as Axelrod ranks",
            "nash who holds up against the strongest mix of the field",
        ):
            assert question in sentence
    printed = table(show(demo, "--rank-by", "payoff"))
    defect = next(row for row in printed if row["agent"] == "always-defect")
    assert int(defect["#"]) >= 8 and defect["payoff #"] == defect["#"]


def test_nash_puts_the_mixture_first(demo: Path) -> None:
    rows = rows_of(demo, "--rank-by", "nash")
    support = [row["in_nash_support"] for row in rows]
    assert any(support) and support == sorted(support, reverse=True)  # the support first
    assert sum(row["nash_mass"] for row in rows) == pytest.approx(1.0, abs=1e-5)  # 6 decimals
    for row in rows:
        assert row["nash_rating"] <= 0.0
        assert (row["nash_mass"] > 0) == row["in_nash_support"]
        if row["in_nash_support"]:
            assert row["nash_rating"] == pytest.approx(0.0, abs=1e-4)  # 0, to 4 decimals
    # nobody beats always-defect: it is in the mixture, whoever shares it
    assert next(row for row in rows if row["agent"] == "always-defect")["in_nash_support"]
    mixture = next(line for line in show(demo).splitlines() if line.startswith("Nash mixture"))
    for row in rows:
        if row["in_nash_support"]:
            assert f"{row['nash_mass']:.1%} {row['agent']}" in mixture


def test_json_rows_carry_the_matrices_once_each(demo: Path) -> None:
    rows = rows_of(demo)
    names = [row["agent"] for row in rows]
    for row in rows:
        assert row.keys() >= META_KEYS
        others = [name for name in names if name != row["agent"]]
        for key in ("payoff_against", "win_rate_against", "pairs_against"):
            assert list(row[key]) == others  # in rating order, itself left out
        # a round robin of 10 repetitions in both seat orders: 20 meetings a pair
        assert set(row["pairs_against"].values()) == {20}
    by_agent = {row["agent"]: row for row in rows}
    for a in names:
        for b in names:
            if a != b:  # complementary, to the 4 decimals kept
                rate = by_agent[a]["win_rate_against"][b] + by_agent[b]["win_rate_against"][a]
                assert rate == pytest.approx(1.0, abs=1e-4)


@pytest.mark.parametrize("value", ["bogus", "Payoff", ""])
def test_an_unknown_order_is_a_one_line_error(demo: Path, value: str) -> None:
    result = run_cli("leaderboard", "show", "--db", demo, "--rank-by", value)
    assert_one_line_error(result, f"--rank-by {value!r}", "rating, payoff, nash")
    assert result.stdout == ""

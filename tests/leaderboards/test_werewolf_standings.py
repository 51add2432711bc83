"""Team games on the leaderboard: real Werewolf tournaments, the real store, the real CLI.

Eight differently named random players play role-balanced tournaments of Werewolf (every
agent every role at least four times), stored in a real SQLite file by ``arena run`` and
ranked by ``arena leaderboard show`` and ``publish``. Everything the leaderboard says is
recounted here from the stored outcomes alone (each seat's team and role, the winner): the
OpenSkill ratings against ``openskill``'s own ``rate`` with the teams as they played, each with
its side player (a rating per team name, at the prior of equal starts, recomputed here), the
pairs against the opponents each agent faced, each role's record against the winners, its
interval against SciPy's Wilson score interval. A second tournament stops after day 1
(``max_days = 1``: two wolves cannot win, nor be both voted out, in one day), so that every
game is undecided: all ties. Matches with self-play are written through the store's API.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openskill.models import PlackettLuce
from scipy.stats import binomtest

from arena import play_match
from arena.leaderboards.board import LeaderboardError, load_board, select_tournaments
from arena.leaderboards.publish import ROLES_NOTE, TEAM_METHOD, to_markdown
from arena.records import MatchRecord
from arena.registry import make_agent
from arena.store import Store
from tests.conftest import run_cli
from tests.leaderboards.conftest import record
from tests.leaderboards.pages import (
    SITE_FORBIDDEN_ATTRIBUTES,
    SITE_TAGS,
    Page,
    outside_links,
    strict_json,
)

GAME = "social/werewolf-v0"
AGENTS = [f"random-{letter}" for letter in "abcdefgh"]
ROLES = ["doctor", "seer", "villager", "werewolf"]  # the board lists them by name
RECORD_KEYS = {"games", "wins", "draws", "win_rate", "ci_low", "ci_high"}
RELATIVE = 1e-12  # see tests/leaderboards/test_openskill_teams.py: the teams listed otherwise
TEAMS = ("village", "werewolves")
WINNERS_FIRST = {None: (1, 1), "village": (1, 2), "werewolves": (2, 1)}  # ranks in TEAMS order
PRIOR_MU = {"village": 0.0, "werewolves": 100.0}  # side terms: (6 - team size) * 25


def tournament(name: str, extra: str = "") -> str:
    listed = "\n".join(f'[[agents]]\nname = "random"\nalias = "{agent}"' for agent in AGENTS)
    return f"""
[tournament]
name = "{name}"
seed = 5
[game]
id = "{GAME}"
{extra}
[schedule]
format = "role-balanced"
games_per_role = 4
{listed}
"""


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``played``: games as they end; ``undecided``: every game cut after day 1."""
    folder = tmp_path_factory.mktemp("werewolf")
    paths = {}
    for name, extra in (("played", ""), ("undecided", "max_days = 1")):
        toml = folder / f"{name}.toml"
        toml.write_text(tournament(name, extra), encoding="utf-8")
        db = folder / f"{name}.db"
        ran = run_cli("run", toml, "--db", db, "--quiet", "--workers", "1")
        assert ran.returncode == 0, ran.stderr
        paths[name] = db
    return paths


def stored(db: Path, name: str) -> list[dict[str, Any]]:
    with Store(db, readonly=True) as store:
        return store.outcomes(name)


def show_json(db: Path) -> dict[str, dict[str, Any]]:
    shown = run_cli("leaderboard", "show", "--db", db, "--json", "--bootstrap", "50")
    assert shown.returncode == 0, shown.stderr
    rows = strict_json(shown.stdout)
    return {row["agent"]: row for row in rows}


def team_rate_loop(matches: list[dict[str, Any]], names: list[str]) -> dict[str, tuple]:
    """openskill's own loop over the stored matches: the village and the wolves as teams (in
    that order), each with its side player last, the winners ranked first, an undecided game a
    tie; self-play left out. Keys: the agents, then the sides by team name."""
    model = PlackettLuce()
    ratings = {name: model.rating() for name in names}
    for match in matches:
        agents, outcome = match["agents"], match["outcome"]
        if len(set(agents)) < len(agents):
            continue
        sides = [[a for a, t in zip(agents, outcome["teams"]) if t == team] for team in TEAMS]
        for team, side in zip(TEAMS, sides):  # equal starts: 100 for 2 wolves, 0 for 6 villagers
            lacking = max(map(len, sides)) - len(side)
            ratings.setdefault(team, model.rating(mu=lacking * model.mu, sigma=3 * model.sigma))
        keys = [[*side, team] for team, side in zip(TEAMS, sides)]
        ranks: list[float] = list(WINNERS_FIRST[outcome["winner"]])
        rated = model.rate([[ratings[k] for k in team] for team in keys], ranks=ranks)
        for listed, new_team in zip(keys, rated):
            for key, new in zip(listed, new_team):
                ratings[key] = new
    return {name: (r.mu, r.sigma) for name, r in ratings.items()}


def opponents(matches: list[dict[str, Any]], undecided: bool = False) -> dict[str, int]:
    """Per agent, the pairs of seats it held against an opponent (another team, another
    agent), summed over the matches (``undecided``: over the undecided ones)."""
    pairs: dict[str, int] = {}
    for match in matches:
        agents, outcome = match["agents"], match["outcome"]
        if undecided and outcome["winner"] is not None:
            continue
        for s, a in enumerate(agents):
            for t, b in enumerate(agents):
                if s != t and a != b and outcome["teams"][s] != outcome["teams"][t]:
                    pairs[a] = pairs.get(a, 0) + 1
    return pairs


def role_records(matches: list[dict[str, Any]]) -> dict[tuple[str, str], list[int]]:
    """(agent, role): [games, wins, draws], one game per role an agent held in a match, left
    out where the agent sat on both teams."""
    records: dict[tuple[str, str], list[int]] = {}
    for match in matches:
        outcome = match["outcome"]
        for agent in set(match["agents"]):
            seats = [s for s, a in enumerate(match["agents"]) if a == agent]
            if len({outcome["teams"][s] for s in seats}) > 1:
                continue
            team = outcome["teams"][seats[0]]
            for role in {outcome["roles"][s] for s in seats}:
                cell = records.setdefault((agent, role), [0, 0, 0])
                cell[0] += 1
                cell[1] += outcome["winner"] == team
                cell[2] += outcome["winner"] is None
    return records


@pytest.mark.parametrize("name", ["played", "undecided"])
def test_each_row_has_every_roles_record_with_a_wilson_interval(
    databases: dict[str, Path], name: str
) -> None:
    rows = show_json(databases[name])
    matches = stored(databases[name], name)
    expected = role_records(matches)
    assert set(rows) == set(AGENTS)
    for agent, row in rows.items():
        assert list(row["roles"]) == ROLES
        assert sum(r["games"] for r in row["roles"].values()) == row["matches"]
        for role, got in row["roles"].items():
            assert set(got) == RECORD_KEYS
            games, wins, draws = expected[agent, role]
            assert (got["games"], got["wins"], got["draws"]) == (games, wins, draws)
            assert games >= 4  # role-balanced: every role at least games_per_role times
            assert got["win_rate"] == round(wins / games, 4)
            wilson = binomtest(wins, games).proportion_ci(0.95, method="wilson")
            assert got["ci_low"] == pytest.approx(wilson.low, abs=5e-5)  # 4 decimals
            assert got["ci_high"] == pytest.approx(wilson.high, abs=5e-5)
            assert got["ci_low"] <= got["win_rate"] <= got["ci_high"]
    if name == "undecided":  # nobody wins in one day: every game a draw, every rate 0
        assert all(
            r["wins"] == 0 and r["draws"] == r["games"] and r["ci_low"] == 0.0
            for row in rows.values()
            for r in row["roles"].values()
        )
    else:
        assert any(r["wins"] > 0 for row in rows.values() for r in row["roles"].values())


@pytest.mark.parametrize("name", ["played", "undecided"])
def test_the_pairs_are_pairs_of_opponents_only(databases: dict[str, Path], name: str) -> None:
    rows = show_json(databases[name])
    matches = stored(databases[name], name)
    faced, drawn = opponents(matches), opponents(matches, undecided=True)
    for agent, row in rows.items():
        assert row["wins"] + row["draws"] + row["losses"] == faced[agent]
        assert row["draws"] == drawn.get(agent, 0)  # a pair of opponents draws undecided
        # a wolf faces the 6 villagers, a villager the 2 wolves: never 7 others a game
        wolf = row["roles"]["werewolf"]["games"]
        assert faced[agent] == 6 * wolf + 2 * (row["matches"] - wolf) < 7 * row["matches"]
    decided = sum(faced.values()) - sum(drawn.values())
    assert sum(row["wins"] for row in rows.values()) * 2 == decided  # one winner a pair
    if name == "undecided":
        assert all(row["wins"] == row["losses"] == 0 for row in rows.values())


@pytest.mark.parametrize("name", ["played", "undecided"])
def test_openskill_rates_the_teams_as_they_played(databases: dict[str, Path], name: str) -> None:
    with Store(databases[name], readonly=True) as store:
        board = load_board(store, select_tournaments(store), bootstrap=30)
        matches = store.outcomes(name)
    assert board.teams and board.multiplayer and board.roles == tuple(ROLES)
    expected = team_rate_loop(matches, AGENTS)
    for standing in board.standings:
        mu, sigma = expected[standing.agent]
        assert standing.openskill_mu == pytest.approx(mu, rel=RELATIVE, abs=0)
        assert standing.openskill_sigma == pytest.approx(sigma, rel=RELATIVE, abs=0)
        low, ordinal, high = standing.ordinal_ci_low, standing.ordinal, standing.ordinal_ci_high
        assert low is not None and ordinal is not None and high is not None
        assert low <= ordinal <= high
    assert {t.side for t in board.sides} == set(TEAMS)
    for term in board.sides:
        assert (term.mu, term.sigma) == pytest.approx(expected[term.side], rel=RELATIVE, abs=0)
        assert (term.prior_mu, term.prior_sigma) == (PRIOR_MU[term.side], 25.0)
    if name == "undecided":  # every game a tie between even teams: no mu moves
        mus = [s.openskill_mu for s in board.standings] + [t.mu - t.prior_mu for t in board.sides]
        assert mus == pytest.approx([25.0] * len(AGENTS) + [0.0, 0.0], rel=0, abs=1e-9)


def test_the_side_terms_are_in_the_json_beside_the_game_not_as_rows(
    databases: dict[str, Path],
) -> None:
    rows = show_json(databases["played"])
    with Store(databases["played"], readonly=True) as store:
        expected = team_rate_loop(store.outcomes("played"), AGENTS)
    assert set(rows) == set(AGENTS)  # the side players are not agents
    (terms,) = {json.dumps(row["openskill_sides"], sort_keys=True) for row in rows.values()}
    sides = json.loads(terms)
    assert set(sides) == set(TEAMS)
    for team, term in sides.items():
        assert set(term) == {"mu", "sigma", "prior_mu", "prior_sigma"}
        assert term["mu"] == pytest.approx(expected[team][0], abs=5e-4)  # 3 decimals
        assert term["sigma"] == pytest.approx(expected[team][1], abs=5e-4)
    assert sides["werewolves"]["prior_mu"] == 100.0 and sides["village"]["prior_mu"] == 0.0
    with Store(databases["played"], readonly=True) as store:
        board = load_board(store, select_tournaments(store), bootstrap=0)
    wolves = next(t for t in board.sides if t.side == "werewolves")
    assert f"werewolves {wolves.mu:.1f} (sigma {wolves.sigma:.1f}, prior 100)" in board.summary()


def test_the_same_database_and_seed_give_the_same_rows(databases: dict[str, Path]) -> None:
    assert show_json(databases["played"]) == show_json(databases["played"])


def test_markdown_and_page_show_the_per_role_table(
    databases: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "site"
    published = run_cli(
        "leaderboard", "publish", "--db", databases["played"], "--out", out, "--bootstrap", "30"
    )
    assert published.returncode == 0, published.stderr
    markdown = (out / "leaderboard.md").read_text(encoding="utf-8")
    lines = markdown.splitlines()
    assert "OpenSkill Plackett-Luce of the teams as they played over 32 matches" in markdown
    assert TEAM_METHOD in markdown and ROLES_NOTE in markdown
    start = lines.index("## Win rate by role")
    header = lines[start + 2]
    for role in ROLES:
        assert f"| {role} games (W/D/L) | {role} win rate (95% CI) |" in header
    table = []
    for line in lines[start + 4 :]:
        if not line.startswith("| "):
            break
        table.append(line)
    assert len(table) == len(AGENTS)
    assert {line.count("|") for line in table} == {header.count("|")} == {2 + 2 * len(ROLES)}
    rows = {row["agent"]: row for row in strict_json((out / "leaderboard.json").read_text())}
    for line in table:
        agent, *cells = [cell.strip() for cell in line.strip("|").split("|")]
        for role, games, rate in zip(ROLES, cells[::2], cells[1::2]):
            got = rows[agent]["roles"][role]
            losses = got["games"] - got["wins"] - got["draws"]
            assert games == f"{got['games']} ({got['wins']}/{got['draws']}/{losses})"
            assert rate.startswith(f"{got['win_rate']:.1%} (") and " to " in rate
    html = (out / "index.html").read_text(encoding="utf-8")
    page = Page(html)
    assert page.names == [row["agent"] for row in rows.values()]  # the first table's cells
    assert {tag for tag, _ in page.tags} <= SITE_TAGS and outside_links(page.tags) == []
    assert not any(SITE_FORBIDDEN_ATTRIBUTES & set(attributes) for _, attributes in page.tags)
    assert "Win rate by role" in html and html.count('<th class="role"') == len(ROLES)
    assert html.count('<td class="role-start">') == len(ROLES) * len(AGENTS)


def seated(agents: list[str], roles: list[str], seed: int, index: int) -> MatchRecord:
    """A real game of ``agents`` (random players so named) with ``roles`` dealt seat by seat."""
    players = [make_agent("random", name) for name in agents]
    played = play_match(GAME, players, seed=seed, roles=roles)
    return dataclasses.replace(played, match_index=index)


DEAL = ["werewolf", "werewolf", "seer", "doctor", "villager", "villager", "villager", "villager"]


def test_self_play_is_left_out_where_it_plays_against_itself(
    make_db: Callable[..., Path],
) -> None:
    a, b, c, d, e, f, g, h = AGENTS
    records = [
        seated([a, a, b, c, d, e, f, g], DEAL, 1, 0),  # a twice a wolf: one team
        seated([a, b, a, c, d, e, f, g], DEAL, 2, 1),  # a a wolf and the seer: two teams
        *(seated([a, b, c, d, e, f, g, h], DEAL, 3 + k, 2 + k) for k in range(6)),
    ]
    db = make_db({"selfish": (GAME, {}, records)})
    with Store(db, readonly=True) as store:
        board = load_board(store, select_tournaments(store), bootstrap=20)
        matches = store.outcomes("selfish")
    assert board.self_play == 2
    assert "over 6 matches in match order (2 with self-play left out)" in board.summary()
    rows = {row["agent"]: row for row in board.rows()}
    expected = team_rate_loop(matches, AGENTS)
    for standing in board.standings:
        assert standing.openskill_mu == pytest.approx(expected[standing.agent][0], rel=RELATIVE)
    for term in board.sides:  # the two self-play matches moved no side either
        assert term.mu == pytest.approx(expected[term.side][0], rel=RELATIVE)
    faced = opponents(matches)
    records_by_role = role_records(matches)
    for agent, row in rows.items():
        assert row["wins"] + row["draws"] + row["losses"] == faced[agent]
        for role, got in row["roles"].items():
            want = records_by_role.get((agent, role), [0, 0, 0])
            assert [got["games"], got["wins"], got["draws"]] == want
    # a: one werewolf game in match 0 (two seats, one game) and none from match 1
    assert rows[a]["roles"]["werewolf"]["games"] == 1 + 6
    assert rows[a]["matches"] == 8
    assert rows[h]["roles"]["villager"]["games"] == 6
    assert rows[h]["roles"]["seer"] == {
        "games": 0,
        "wins": 0,
        "draws": 0,
        "win_rate": None,
        "ci_low": None,
        "ci_high": None,
    }
    json.dumps(board.rows(), allow_nan=False)  # strict JSON: no role without games breaks it


def test_an_outcome_naming_the_wrong_number_of_teams_is_refused(
    make_db: Callable[..., Path],
) -> None:
    match = record(0, tuple(AGENTS[:4]), (1.0, 0.0, 1.0, 0.0), game_id=GAME)
    broken = dataclasses.replace(match, outcome={"teams": ["village", "werewolves", "village"]})
    db = make_db({"broken": (GAME, {}, [broken])})
    with (
        Store(db, readonly=True) as store,
        pytest.raises(LeaderboardError, match="names 3 teams for 4 seats"),
    ):
        load_board(store, select_tournaments(store), bootstrap=0)


def test_markdown_of_a_game_without_roles_has_no_role_table(
    make_db: Callable[..., Path],
) -> None:
    three = [record(k, ("x", "y", "z"), (3.0, 2.0, float(k))) for k in range(3)]
    db = make_db({"plain": ("matrix/custom-v0", {}, three)})
    with Store(db, readonly=True) as store:
        board = load_board(store, select_tournaments(store), bootstrap=0)
    assert not board.teams and board.roles == () and board.sides == ()
    assert all("roles" not in row and "openskill_sides" not in row for row in board.rows())
    assert "side terms" not in board.summary()
    markdown = to_markdown(board)
    assert "Win rate by role" not in markdown and TEAM_METHOD not in markdown

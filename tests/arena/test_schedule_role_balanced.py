"""Role-balanced schedules: every agent plays every role of a hidden-role game a set number of
times, seats tell nothing about roles, the stored games hold the roles the schedule dealt, and
the tournament file's keys fail as one line naming the file and the key."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from arena.config import load_config
from arena.schedule import role_balanced
from arena.seeding import match_seed
from arena.store import Store
from tests.arena.test_cli import assert_one_line_error
from tests.arena.test_tournament import stored_digest
from tests.conftest import run_cli

ARENA_8 = ["werewolf"] * 2 + ["seer", "doctor"] + ["villager"] * 4


def role_counts(fixtures: list, n_agents: int) -> dict[tuple[int, str], int]:
    counts: Counter[tuple[int, str]] = Counter()
    for fixture in fixtures:
        for agent, role in zip(fixture.seats, fixture.options["roles"]):
            counts[agent, role] += 1
    return {(a, r): counts[a, r] for a in range(n_agents) for r in set(ARENA_8)}


@pytest.mark.parametrize(("n_agents", "games_per_role"), [(8, 1), (8, 3), (9, 1), (11, 2), (15, 1)])
def test_every_agent_plays_every_role_evenly(n_agents: int, games_per_role: int) -> None:
    fixtures = role_balanced(n_agents, ARENA_8, games_per_role=games_per_role, seed=4)
    counts = role_counts(fixtures, n_agents)
    for role in set(ARENA_8):
        held = [counts[a, role] for a in range(n_agents)]
        assert min(held) >= games_per_role
        assert max(held) - min(held) <= 1  # spread as evenly as the slots allow
    assert all(sorted(f.options["roles"]) == sorted(ARENA_8) for f in fixtures)
    assert all(len(set(f.seats)) == len(ARENA_8) for f in fixtures)
    assert [f.seed for f in fixtures] == [match_seed(4, i) for i in range(len(fixtures))]
    # the scarcest role (one seer a game) sets the length: no more games than it needs
    assert len(fixtures) == n_agents * games_per_role


def test_seats_say_nothing_about_roles_and_the_seed_decides() -> None:
    fixtures = role_balanced(8, ARENA_8, games_per_role=6, seed=1)
    seers = Counter(f.options["roles"].index("seer") for f in fixtures)
    assert len(seers) >= 6  # the seer sits in many seats, not one
    again = role_balanced(8, ARENA_8, games_per_role=6, seed=1)
    assert [(f.seats, f.options) for f in again] == [(f.seats, f.options) for f in fixtures]
    other = role_balanced(8, ARENA_8, games_per_role=6, seed=2)
    assert [(f.seats, f.options) for f in other] != [(f.seats, f.options) for f in fixtures]


def test_bad_arguments_raise() -> None:
    with pytest.raises(ValueError, match="need 8 agents"):
        role_balanced(7, ARENA_8)
    with pytest.raises(ValueError, match="games_per_role"):
        role_balanced(8, ARENA_8, games_per_role=0)


def tournament_file(
    tmp_path: Path, extra_game: str = "", schedule: str = "", agents: int = 9
) -> Path:
    names = "".join(f'[[agents]]\nname = "random"\nalias = "r{k}"\n' for k in range(agents))
    path = tmp_path / "ww.toml"
    path.write_text(
        f"""
[tournament]
name = "balanced"
seed = 3
[game]
id = "social/werewolf-v0"
{extra_game}
[schedule]
format = "role-balanced"
games_per_role = 2
{schedule}
{names}""",
        encoding="utf-8",
    )
    return path


def test_a_role_balanced_tournament_stores_the_dealt_roles_and_resumes(tmp_path: Path) -> None:
    path = tournament_file(tmp_path)
    db = tmp_path / "ww.db"
    result = run_cli("run", path, "--db", db)
    assert result.returncode == 0, result.stderr
    config = load_config(path, db=db)
    fixtures = config.fixtures(8)
    with Store(db) as store:
        rows = store.outcomes("balanced")
    assert len(rows) == len(fixtures) == 18
    by_index = {f.index: f for f in fixtures}
    seen: Counter[tuple[str, str]] = Counter()
    for row, fixture in zip(rows, fixtures):
        assert row["outcome"]["roles"] == by_index[fixture.index].options["roles"]
        seen.update(zip(row["agents"], row["outcome"]["roles"]))
    assert min(seen[f"r{k}", role] for k in range(9) for role in set(ARENA_8)) >= 2
    before = stored_digest(db)
    again = run_cli("run", path, "--db", db)
    assert again.returncode == 0 and "18 already stored" in again.stdout
    assert stored_digest(db) == before


@pytest.mark.parametrize(
    ("extra_game", "schedule", "agents", "fragments"),
    [
        (
            'roles = ["werewolf", "werewolf", "seer", "doctor", "villager", "villager", '
            '"villager", "villager"]',
            "",
            9,
            ["[game] roles", "deals the roles itself"],
        ),
        ("", "repetitions = 2", 9, ["[schedule] repetitions", "not for format = 'role-balanced'"]),
        ("", "", 7, ["agents:", "seats 8 players but only 7 agents"]),
        ("players = 4", "", 9, ["[game] players"]),
        ("werewolves = 0", "", 9, ["[game] werewolves", "at least one werewolf"]),
        ("werewolves = 4", "", 9, ["[game] werewolves", "at least as many as"]),
        (
            'roles = ["wolf", "villager", "villager", "villager", "villager", "villager", '
            '"villager", "villager"]',
            "",
            9,
            ["[game] roles[0]", "unknown role 'wolf'"],
        ),
        ("discussion_rounds = 0\nday_vote = false", "", 9, ["[game] discussion_rounds"]),
    ],
)
def test_bad_files_are_one_line_errors_naming_the_file_and_key(
    tmp_path: Path, extra_game: str, schedule: str, agents: int, fragments: list[str]
) -> None:
    path = tournament_file(tmp_path, extra_game, schedule, agents)
    result = run_cli("run", path, "--db", tmp_path / "ww.db")
    assert_one_line_error(result, str(path), *fragments)
    assert not (tmp_path / "ww.db").exists()  # nothing written


def test_games_per_role_belongs_to_role_balanced_and_roles_to_games_with_roles(
    tmp_path: Path,
) -> None:
    path = tmp_path / "rr.toml"
    path.write_text(
        '[tournament]\nname = "rr"\n[game]\nid = "matrix/prisoners-dilemma-v0"\n'
        '[schedule]\ngames_per_role = 2\n[[agents]]\nname = "random"\n'
        '[[agents]]\nname = "tit-for-tat"\n',
        encoding="utf-8",
    )
    assert_one_line_error(run_cli("run", path), "[schedule] games_per_role", "role-balanced")
    path.write_text(path.read_text().replace("games_per_role = 2", 'format = "role-balanced"'))
    assert_one_line_error(run_cli("run", path), "[schedule] format", "hidden roles")

"""Tournament files: the documented shape loads; every mistake is named in one line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from arena.config import load_config
from arena.errors import ConfigError
from tests.conftest import tournament_text

ISSUE_EXAMPLE = """
[tournament]
name = "quickstart"
seed = 7
workers = 2            # optional, default: number of cores
db = "arena.db"        # optional
[game]
id = "matrix/prisoners-dilemma-v0"
rounds = 200           # game parameters sit beside id
[schedule]
format = "round-robin"
repetitions = 10
swap_seats = true
[[agents]]
name = "tit-for-tat"
[[agents]]
name = "grim-trigger"
"""


def test_the_documented_shape_loads(write_toml: Callable[..., Path]) -> None:
    config = load_config(write_toml(ISSUE_EXAMPLE))
    assert (config.name, config.seed, config.workers, config.db) == ("quickstart", 7, 2, "arena.db")
    assert config.game_params == {"rounds": 200}
    assert (config.repetitions, config.swap_seats, config.self_play) == (10, True, False)
    assert [a.display_name for a in config.agents] == ["tit-for-tat", "grim-trigger"]


def test_agent_parameters_and_aliases(write_toml: Callable[..., Path]) -> None:
    text = tournament_text(agents=["tit-for-tat"]) + '[[agents]]\nname = "random"\np = 0.3\n'
    text += '[[agents]]\nname = "random"\np = 0.9\nalias = "mostly-nice"\n'
    config = load_config(write_toml(text))
    assert [a.display_name for a in config.agents] == [
        "tit-for-tat",
        "random(p=0.3)",
        "mostly-nice",
    ]
    assert config.agents[1].build().params.p == 0.3


def test_results_key_ignores_workers_and_db(write_toml: Callable[..., Path]) -> None:
    a = load_config(write_toml(ISSUE_EXAMPLE, "a.toml"))
    b = load_config(
        write_toml(
            ISSUE_EXAMPLE.replace("workers = 2", "workers = 1").replace('"arena.db"', '"x.db"'),
            "b.toml",
        )
    )
    assert a.results_key() == b.results_key()
    c = load_config(write_toml(ISSUE_EXAMPLE.replace("rounds = 200", "rounds = 201"), "c.toml"))
    assert a.results_key() != c.results_key()


BAD_FILES = [
    (
        "rounds = 200",
        "rounds = -5",
        "[game] rounds: Input should be greater than or equal to 1 (got -5)",
    ),
    ("rounds = 200", 'rounds = "many"', "[game] rounds: Input should be a valid integer"),
    ("rounds = 200", "rounds = 200\nturns = 3", "[game] turns: unknown key"),
    (
        "matrix/prisoners-dilemma-v0",
        "matrix/prisoners-dilema-v0",
        "[game] id: unknown game 'matrix/prisoners-dilema-v0'; "
        "did you mean 'matrix/prisoners-dilemma-v0'",
    ),
    (
        'name = "grim-trigger"',
        'name = "grim-triger"',
        "agents[1] (grim-triger): unknown agent 'grim-triger'; did you mean 'grim-trigger'",
    ),
    (
        'name = "grim-trigger"',
        'name = "random"\np = 2',
        "agents[1] (random): p: Input should be less than or equal to 1 (got 2)",
    ),
    (
        'name = "grim-trigger"',
        'name = "tit-for-tat"',
        "agents[1]: 'tit-for-tat' appears twice; give one of them an alias",
    ),
    (
        "repetitions = 10",
        "repetitions = 0",
        "[schedule] repetitions: Input should be greater than or equal to 1",
    ),
    (
        'format = "round-robin"',
        'format = "knockout"',
        "[schedule] format: Input should be 'round-robin'",
    ),
    ("seed = 7", "seed = -7", "[tournament] seed: Input should be greater than or equal to 0"),
    ("seed = 7", "seed = 7\ncolour = 1", "[tournament] colour: unknown key"),
    (
        "workers = 2",
        "workers = 0",
        "[tournament] workers: Input should be greater than or equal to 1",
    ),
    (
        'name = "quickstart"',
        'name = ""',
        "[tournament] name: Value error, a name must not be empty",
    ),
    (
        'name = "quickstart"',
        'name = "quick\\nstart"',
        "[tournament] name: Value error, a name must not contain control characters "
        "(found \\n at position 6)",
    ),
    (
        'name = "grim-trigger"',
        'name = "grim-trigger"\nalias = " padded"',
        "agents[1] alias: Value error, a name must not start or end with whitespace",
    ),
    (
        'name = "grim-trigger"',
        f'name = "grim-trigger"\nalias = "{"x" * 101}"',
        "agents[1] alias: Value error, a name must be at most 100 characters, got 101",
    ),
    (
        "repetitions = 10",
        "repetitions = 1000000",
        "[schedule] repetitions: 1,000,000 repetitions of 2 seatings make 2,000,000 matches; "
        "a tournament holds at most 1,000,000",
    ),
    (
        'name = "grim-trigger"',
        'name = "grim-trigger"\n[[agents]]\nname = "m"\nprovider = "openai"\nmodel = "x"\n'
        'api_key_env = "HOME"\nlabels = ["J"]',
        "agents[2] (m): labels: expected 2 labels, one per action, got 1",
    ),
    (
        '[[agents]]\nname = "grim-trigger"',
        "",
        "agents: matrix/prisoners-dilemma-v0 seats 2 players but only 1 agents are listed",
    ),
    (
        '[[agents]]\nname = "tit-for-tat"\n[[agents]]\nname = "grim-trigger"',
        "",
        "[agents]: Field required",
    ),
    ("[game]", "[gaem]", "[game]: Field required"),
    ("rounds = 200", "rounds = 200 200", "malformed TOML"),
    (
        'id = "matrix/prisoners-dilemma-v0"',
        'id = "matrix/custom-v0"\npayoffs = [[[1, 2], [3, 4]], [[1, 2, 3], [4, 5, 6]]]',
        "[game] payoffs[1]: shape (2, 3) differs from payoffs[0]'s shape (2, 2)",
    ),
    (
        'id = "matrix/prisoners-dilemma-v0"',
        'id = "matrix/custom-v0"\npayoffs = [[[1, "two"], [3, 4]], [[1, 2], [3, 4]]]',
        "[game] payoffs[0][0][1]: expected a number, got 'two'",
    ),
    (
        'id = "matrix/prisoners-dilemma-v0"',
        'id = "matrix/custom-v0"\npayoffs = [1, 2]',
        "[game] payoffs[0]: a 2-player game needs a 2-dimensional array",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "message"), BAD_FILES, ids=[m[:40] for _, _, m in BAD_FILES]
)
def test_bad_files_name_the_key(
    write_toml: Callable[..., Path], old: str, new: str, message: str
) -> None:
    assert old in ISSUE_EXAMPLE
    path = write_toml(ISSUE_EXAMPLE.replace(old, new, 1))
    with pytest.raises(ConfigError) as error:
        load_config(path)
    text = str(error.value)
    assert text.startswith(f"{path}: ")
    assert message in text
    assert "\n" not in text


@pytest.mark.parametrize("kind", ["missing", "directory", "binary"])
def test_unreadable_files(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "t.toml"
    if kind == "directory":
        path.mkdir()
    elif kind == "binary":
        path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ConfigError, match=f"^{path}: "):
        load_config(path)


def test_an_action_the_game_lacks_is_found_before_any_match(
    write_toml: Callable[..., Path],
) -> None:
    one_action = ISSUE_EXAMPLE.replace(
        'id = "matrix/prisoners-dilemma-v0"\nrounds = 200',
        'id = "matrix/custom-v0"\npayoffs = [[[1], [2]], [[1], [2]]]',
    ).replace('name = "grim-trigger"', 'name = "always-defect"')
    path = write_toml(one_action)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert "agents[1] (always-defect): in seat player_1 it plays 1" in str(error.value)


def test_an_api_key_in_place_of_its_variable_is_refused_and_never_echoed(
    write_toml: Callable[..., Path],
) -> None:
    key = "sk-proj-abcdEFGH1234ijklMNOP5678"
    text = ISSUE_EXAMPLE + '[[agents]]\nname = "m"\nprovider = "openai"\nmodel = "x"\n'
    text += f'api_key_env = "{key}"\n'
    with pytest.raises(ConfigError) as error:
        load_config(write_toml(text))
    message = str(error.value)
    assert "api_key_env: this looks like an API key itself" in message
    assert key not in message and "sk-proj" not in message

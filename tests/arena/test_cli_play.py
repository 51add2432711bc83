"""``arena play``: a person at the terminal against an agent, driven through piped stdin."""

from __future__ import annotations

import asyncio
import io
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import arena
from arena.agents.human import HumanAgent, PlayerLeft
from arena.errors import MoveError
from arena.match import run_match
from arena.registry import make_agent
from arena.store import Store
from arena.testing.llm_server import LLMServer
from tests.conftest import run_cli

GAME = "matrix/prisoners-dilemma-v0"
TOURNAMENT = f"play/{GAME}(rounds=3)"


def play(db: Path, *args: str, typed: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``arena play GAME`` with ``typed`` as everything the person types, then end of input."""
    return run_cli("play", GAME, "--db", db, *args, typed=typed, timeout=timeout)


def protocol_text(rounds: int = 3) -> tuple[str, str, str]:
    """What the protocol itself says: the rules, round 1's question, and why 'banana' fails."""
    env = arena.make_game(GAME, rounds=rounds)
    protocol = env.text_protocol("player_0")
    observations, _ = env.reset(seed=0)
    with pytest.raises(MoveError) as bad:
        protocol.parse("banana")
    return protocol.rules("player_0"), protocol.describe(observations["player_0"]), bad.value.reason


def test_a_person_plays_tit_for_tat_and_the_match_is_stored(tmp_path: Path) -> None:
    db = tmp_path / "play.db"
    # J, F, J against tit for tat (J, J, F): 3 + 5 + 0 points each.
    result = play(db, "--against", "tit-for-tat", "-p", "rounds=3", "--seed", "5",
                  typed="banana\nOption J\nOption F\nOption J\n")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    rules, first_question, reason = protocol_text()
    shown = result.stdout
    assert f"{GAME}, seed 5: you (seat 0) against tit-for-tat" in shown
    assert shown.count(rules) == 1  # the rules once, as a model's system prompt has them
    assert first_question in shown
    assert (
        f"That reply cannot be used: {reason}. Legal options: Option J, Option F. Reply again."
        in shown
    )
    assert "In round 2, you chose Option F and the other player chose Option J." in shown
    assert "seat 0: you 8\n  seat 1: tit-for-tat 8" in shown
    assert f"Stored as match 0 of tournament '{TOURNAMENT}' in {db}" in shown

    with Store(db, readonly=True) as store:
        (stored,) = store.results(TOURNAMENT)
        match = store.match(TOURNAMENT, 0)
        config = store.tournament(TOURNAMENT).config  # type: ignore[union-attr]
    assert stored.agents == ("you", "tit-for-tat") and stored.payoffs == (8.0, 8.0)
    assert match.seed == 5 and match.params == {"rounds": 3}
    assert config == {"kind": "play", "game": {"id": GAME, "rounds": 3}}
    assert match.moves(0) == [0, 1, 0] and match.moves(1) == [0, 0, 1]
    person = [turn for turn in match.turns if turn.seat == 0]
    assert [turn.text for turn in person] == ["banana\n---\nOption J", "Option F", "Option J"]
    assert [turn.fault for turn in person] == ["unparseable", None, None]
    assert all(turn.latency is not None and turn.latency >= 0 for turn in person)
    assert all(turn.text is None for turn in match.turns if turn.seat == 1)

    # Another play of the same game joins the same tournament, whoever and wherever one sits.
    again = play(db, "--against", "tit-for-tat", "-p", "rounds=3", "--seat", "1",
                 "--name", "alice", typed="F\nF\nF\n")  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert f"Stored as match 1 of tournament '{TOURNAMENT}'" in again.stdout
    with Store(db, readonly=True) as store:
        second = store.match(TOURNAMENT, 1)
    assert second.agents == ("tit-for-tat", "alice")
    assert second.moves(1) == [1, 1, 1] and second.payoffs == (2.0, 7.0)


def test_end_of_input_mid_game_stores_nothing(tmp_path: Path) -> None:
    db = tmp_path / "play.db"
    result = play(db, "--against", "tit-for-tat", "-p", "rounds=3", typed="Option J\n")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "arena: you left the game: the input ended in turn 2; nothing was stored"
    ]
    assert "You are now in round 2 of 3." in result.stdout
    assert "Traceback" not in result.stderr
    with Store(db, readonly=True) as store:
        assert store.count("matches") == 0
        assert store.count("tournaments") == 0


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--against", "tit-for-tatt"], "unknown agent 'tit-for-tatt'; did you mean 'tit-for-tat'"),
        (["--against", "tit-for-tat", "--seat", "2"], f"--seat 2: {GAME} seats 2 players"),
        (["--against", "tit-for-tat", "--seat", "-1"], "--seat -1: "),
        (["--against", "tit-for-tat", "-p", "rounds=0"], "-p rounds: Input should be greater"),
        (["--against", "tit-for-tat", "-p", "rounds"], "--param 'rounds': expected KEY=VALUE"),
        (["--against", "tit-for-tat", "--name", "tit-for-tat"], "your opponent's name too"),
        (["--against", "tit-for-tat", "--name", "a\x1b[31m"], "--name 'a\\x1b[31m': a name"),
    ],
    ids=["unknown-agent", "seat-too-high", "seat-negative", "bad-param", "not-key-value",
         "name-clash", "control-characters"],
)  # fmt: skip
def test_bad_input_is_one_line_and_touches_nothing(
    tmp_path: Path, args: list[str], fragment: str
) -> None:
    db = tmp_path / "play.db"
    result = play(db, *args, typed="")
    assert result.returncode == 2, (result.stdout, result.stderr)
    (line,) = result.stderr.splitlines()
    assert line.startswith("arena: error: ") and fragment in line, line
    assert result.stdout == "" and not db.exists()


def test_unknown_game_is_one_line(tmp_path: Path) -> None:
    result = run_cli("play", "matrix/prisoners-dilema-v0", "--against", "tit-for-tat",
                     "--db", tmp_path / "play.db")  # fmt: skip
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("arena: error: unknown game 'matrix/prisoners-dilema-v0'; did you mean")


@pytest.fixture
def server() -> Iterator[LLMServer]:
    with LLMServer(policy=lambda request: "Option F") as running:
        yield running


def test_a_person_plays_a_registered_model(server: LLMServer, tmp_path: Path) -> None:
    db = tmp_path / "play.db"
    registered = run_cli(
        "agents", "register", "house-model", "--provider", "openai-compatible",
        "--model", "m1", "--base-url", server.openai_base_url, "--db", db,
    )  # fmt: skip
    assert registered.returncode == 0, registered.stderr
    result = play(db, "--against", "house-model", "-p", "rounds=2", typed="J\nJ\n")
    assert result.returncode == 0, result.stderr
    assert "seat 0: you 0\n  seat 1: house-model 10" in result.stdout
    with Store(db, readonly=True) as store:
        match = store.match(f"play/{GAME}(rounds=2)", 0)
        assert store.count("llm_cache") == 2  # the model's replies are kept as in a tournament
    assert match.agents == ("you", "house-model")
    assert match.moves(1) == [1, 1]
    assert [turn.text for turn in match.turns] == ["J", "Option F", "J", "Option F"]


class _GatedInput(io.StringIO):
    """Typed lines that arrive only once ``gate`` is set (or after a few seconds)."""

    def __init__(self, text: str, gate: threading.Event) -> None:
        super().__init__(text)
        self.gate = gate
        self.waited: list[bool] = []

    def readline(self, size: int = -1) -> str:  # type: ignore[override]
        self.waited.append(self.gate.wait(timeout=5))
        return super().readline(size)


def test_the_model_is_asked_while_the_person_thinks(tmp_path: Path) -> None:
    """The person's line is read off the event loop: a model's call in the same round is made
    meanwhile (and its timeouts run on the person's time), not after the person answers."""
    called = threading.Event()

    def policy(request: object) -> str:
        called.set()
        return "Option J"

    with LLMServer(policy=policy) as server:
        typed = _GatedInput("Option F\n", called)
        shown = io.StringIO()
        person = HumanAgent("you", stdin=typed, stdout=shown)
        model = make_agent(
            "llm", "model", provider="openai-compatible", model="m", base_url=server.openai_base_url
        )
        env = arena.make_game(GAME, rounds=1)
        record = asyncio.run(run_match(env, [person, model], game_id=GAME, seed=0))
    assert typed.waited == [True]  # the model had been called before the line was read
    assert record.moves(0) == [1] and record.moves(1) == [0]
    assert shown.getvalue().startswith("You are playing a game repeatedly with another player.")


def test_end_of_injected_input_raises_player_left() -> None:
    person = HumanAgent("you", stdin=io.StringIO("nothing useful\n"), stdout=io.StringIO())
    opponent = make_agent("tit-for-tat")
    env = arena.make_game(GAME, rounds=2)
    with pytest.raises(PlayerLeft, match="the input ended in turn 1"):
        asyncio.run(run_match(env, [person, opponent], game_id=GAME, seed=0))

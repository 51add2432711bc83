"""Every example tournament file loads and plays."""

from __future__ import annotations

from pathlib import Path

import pytest

from arena.config import load_config
from arena.store import Store
from arena.tournament import run_tournament

EXAMPLES = sorted((Path(__file__).parents[1] / "examples").glob("*.toml"))


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(path: Path, tmp_path: Path) -> None:
    config = load_config(path)
    report = run_tournament(config, tmp_path / "example.db", workers=2)
    assert report.played == report.total > 0
    with Store(tmp_path / "example.db") as store:
        assert len(store.results(config.name)) == report.total

"""The examples in the leaderboards' docstrings run and print what they say."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import arena.leaderboards

MODULES = sorted(info.name for info in pkgutil.iter_modules(arena.leaderboards.__path__))


def test_the_modules_with_examples_are_collected() -> None:
    assert {"ratings", "standings", "text"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"arena.leaderboards.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed"

"""The examples in the solver's docstrings run and print what they say."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import types

import numpy as np
import pytest

import arena.solver

MODULES = sorted(
    info.name
    for info in pkgutil.iter_modules(arena.solver.__path__)
    if not info.name.startswith("_")
)


def test_every_public_module_is_collected():
    assert {"support_enumeration", "payoffs", "batch"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"arena.solver.{name}")
    result = doctest.testmod(module, extraglobs={"np": np}, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed"


@pytest.mark.parametrize("name", sorted(arena.solver.__all__))
def test_every_exported_name_is_a_documented_function_or_class(name):
    value = getattr(arena.solver, name)
    assert not isinstance(value, types.ModuleType), f"arena.solver.{name} is the module"
    assert value.__doc__, f"arena.solver.{name} has no docstring"

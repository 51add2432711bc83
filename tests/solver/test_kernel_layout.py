"""Kernels call only kernels of their own module, so Numba's cache never serves stale code.

Numba checks a cached kernel against its own source file only; a kernel compiled into it
from another file could change without the cache noticing.
"""

from __future__ import annotations

import importlib
import os
import pkgutil

import pytest
from numba.core.registry import CPUDispatcher

import arena.solver

pytestmark = pytest.mark.skipif(
    os.environ.get("NUMBA_DISABLE_JIT", "0") not in ("", "0"), reason="no kernels without the JIT"
)

MODULES = sorted(info.name for info in pkgutil.iter_modules(arena.solver.__path__))


def _kernels(module) -> dict[str, CPUDispatcher]:
    return {
        name: value
        for name, value in vars(module).items()
        if isinstance(value, CPUDispatcher) and value.py_func.__module__ == module.__name__
    }


def test_the_solver_has_kernels() -> None:
    found = sum(len(_kernels(importlib.import_module(f"arena.solver.{name}"))) for name in MODULES)
    assert found >= 20


@pytest.mark.parametrize("name", MODULES)
def test_kernels_call_no_kernel_of_another_module(name: str) -> None:
    module = importlib.import_module(f"arena.solver.{name}")
    for kernel_name, kernel in _kernels(module).items():
        for used in kernel.py_func.__code__.co_names:
            value = vars(module).get(used)
            if isinstance(value, CPUDispatcher):
                assert value.py_func.__module__ == module.__name__, (
                    f"{name}.{kernel_name} calls {value.py_func.__module__}.{used}"
                )

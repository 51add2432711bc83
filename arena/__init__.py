"""Strategic arena: LLM and scripted agents play strategic games and are rated.

``import arena`` is cheap: the public helpers below load their modules on first use.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "make_agent", "make_game", "play_match"]

_LAZY = {
    "make_game": "arena.registry",
    "make_agent": "arena.registry",
    "play_match": "arena.match",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'arena' has no attribute {name!r}")

"""Games, agents and judges by name: built-ins plus entry-point plug-ins, loaded lazily.

Entries hold ``"module:attr"`` strings, so importing the registry (and so ``arena --help``)
imports no game, agent or numerical library. Third-party packages add entries through the
entry-point groups ``arena.games``, ``arena.agents`` and ``arena.judges``.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

from arena.errors import ConfigError, DuplicateNameError, UnknownNameError


@dataclass(frozen=True)
class Entry:
    """One registered name and where its implementation lives."""

    name: str
    target: str  # "package.module:attribute"
    summary: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def load(self) -> Any:
        """Import and return the implementation."""
        module_name, _, attribute = self.target.partition(":")
        try:
            return getattr(importlib.import_module(module_name), attribute)
        except (ImportError, AttributeError) as error:
            raise ConfigError(f"{self.name}: cannot load {self.target} ({error})") from None


class Registry:
    """Names of one kind (``game``, ``agent``, ``judge``) mapped to entries."""

    def __init__(self, kind: str, group: str) -> None:
        self.kind = kind
        self.group = group
        self._entries: dict[str, Entry] = {}
        self._plugins_loaded = False

    def register(self, name: str, target: str, summary: str = "", **extra: Any) -> Entry:
        """Add ``name``; registering a name twice is an error."""
        if ":" not in target:
            raise ConfigError(
                f"{self.kind} {name!r}: target must look like 'module:attr', got {target!r}"
            )
        if name in self._entries:
            raise DuplicateNameError(f"{self.kind} {name!r} is already registered")
        entry = Entry(name, target, summary, dict(extra))
        self._entries[name] = entry
        return entry

    def _load_plugins(self) -> None:
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        for point in entry_points(group=self.group):
            if point.name not in self._entries:
                self._entries[point.name] = Entry(
                    point.name, point.value, "plug-in", {"plugin": True}
                )

    def get(self, name: str) -> Entry:
        """The entry for ``name``, or ``UnknownNameError`` with the closest names."""
        if name not in self._entries:
            self._load_plugins()
        try:
            return self._entries[name]
        except KeyError:
            close = difflib.get_close_matches(name, list(self._entries), n=3, cutoff=0.5)
            hint = (
                f"; did you mean {' or '.join(repr(c) for c in close)}?"
                if close
                else (f"; known {self.kind}s: {', '.join(sorted(self._entries))}")
            )
            raise UnknownNameError(f"unknown {self.kind} {name!r}{hint}") from None

    def __contains__(self, name: object) -> bool:
        self._load_plugins()
        return name in self._entries

    def __iter__(self) -> Iterator[Entry]:
        self._load_plugins()
        return iter(sorted(self._entries.values(), key=lambda e: e.name))


GAMES = Registry("game", "arena.games")
AGENTS = Registry("agent", "arena.agents")
JUDGES = Registry("judge", "arena.judges")


def _register_builtins() -> None:
    from arena.builtins import BUILTIN_AGENTS, BUILTIN_GAMES, BUILTIN_JUDGES, LLM_AGENT

    for name, target, summary, extra in BUILTIN_GAMES:
        GAMES.register(name, target, summary, **extra)
    for name, target, summary in BUILTIN_AGENTS:
        AGENTS.register(name, target, summary, kind="scripted")
    AGENTS.register(*LLM_AGENT, kind="llm")
    for name, target, summary, kind in BUILTIN_JUDGES:
        JUDGES.register(name, target, summary, kind=kind)


_register_builtins()


def game_family(game_id: str) -> str:
    """``matrix`` for ``matrix/prisoners-dilemma-v0``."""
    return game_id.split("/", 1)[0]


def make_game(game_id: str, api: str | None = None, **params: Any) -> Any:
    """Build a registered game: its native PettingZoo env (Parallel for simultaneous moves,
    AEC for turns), or with ``api="aec"`` the AEC view of any game (``api="parallel"`` asks
    for the Parallel API, which only simultaneous games have)."""
    if api not in (None, "parallel", "aec"):
        raise ConfigError(f"api: expected 'parallel' or 'aec', got {api!r}")
    env = GAMES.get(game_id).load()(**params)
    from pettingzoo import AECEnv, ParallelEnv

    if api == "aec" and isinstance(env, ParallelEnv):
        from pettingzoo.utils import parallel_to_aec

        return parallel_to_aec(env)
    if api == "parallel" and isinstance(env, AECEnv):
        raise ConfigError(f"{game_id} is turn-based: it has only the AEC api (use api='aec')")
    return env


def agent_class(name: str) -> Any:
    """The class registered as agent ``name``."""
    return AGENTS.get(name).load()


def make_agent(name: str, display_name: str | None = None, **params: Any) -> Any:
    """Build a registered agent; ``display_name`` is how results and leaderboards name it."""
    return agent_class(name)(name=display_name or name, **params)


def _make_judge(kind: str, spec: Mapping[str, Any], default: str) -> Any:
    spec = dict(spec)
    name = spec.pop("name", default)
    entry = JUDGES.get(name)
    if entry.extra.get("kind") != kind:
        known = ", ".join(e.name for e in JUDGES if e.extra.get("kind") == kind)
        raise ConfigError(f"{name!r} is not a {kind} ({kind}s: {known})")
    return entry.load()(**spec)


def make_moderator(spec: Mapping[str, Any] | None) -> Any:
    """A fresh moderator from a ``[moderator]`` table (``None``: the default, ``rule``)."""
    return _make_judge("moderator", spec or {}, "rule")


def make_critic(spec: Mapping[str, Any]) -> Any:
    """A fresh critic from a ``[critic]`` table (``name`` is required)."""
    if "name" not in spec:
        raise ConfigError("name: a critic needs one (constant, solver or fu2023)")
    return _make_judge("critic", spec, "")

"""Games, agents and judges by name: built-ins plus entry-point plug-ins, loaded lazily.

Entries hold ``"module:attr"`` strings, so importing the registry (and so ``arena --help``)
imports no game, agent or numerical library. Third-party packages add entries through the
entry-point groups ``arena.games``, ``arena.agents`` and ``arena.judges``; a plug-in's entry
is completed from the object it names the first time it is looked up or listed (see
``plugin_metadata``), and one that cannot be imported is listed as such and fails, on one
line naming its distribution, only where it is used.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
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
        plugin = self.extra.get("plugin")
        who = f"plug-in {plugin} " if plugin else ""
        try:
            return getattr(importlib.import_module(module_name), attribute)
        except (ImportError, AttributeError) as error:
            raise ConfigError(f"{self.name}: {who}cannot load {self.target} ({error})") from None
        except Exception as error:
            if not plugin:  # a built-in that fails on import is a bug: keep its traceback
                raise
            # Third-party code may fail in any way on import: the user's environment, not ours.
            raise ConfigError(
                f"{self.name}: {who}cannot load {self.target} ({type(error).__name__}: {error})"
            ) from None


# What a plug-in's object may declare as ``arena_<key>`` attributes: the data that built-ins
# give in arena/builtins.py (``players`` and ``api`` of games, ``kind`` of agents and judges).
DECLARED = ("players", "api", "family", "kind")


def plugin_metadata(kind: str, target: Any) -> tuple[str, dict[str, Any]]:
    """The summary and extras of a plug-in's loaded object (a ``kind``: game, agent, judge).

    Each is what the object declares, else what can be seen: the summary is ``arena_summary``,
    else the first paragraph of the object's own docstring; a PettingZoo class's ``api``
    follows its base class; an agent's ``kind`` is ``llm`` when its ``info`` says it uses one,
    else ``scripted``; a judge with a ``critique`` method is a ``critic``, one with
    ``moderate`` a ``moderator``.
    """
    summary = getattr(target, "arena_summary", None)
    if not isinstance(summary, str):
        own = target.__doc__ if isinstance(getattr(target, "__doc__", None), str) else ""
        summary = " ".join(inspect.cleandoc(own).split("\n\n", 1)[0].split())
    extra = {k: getattr(target, f"arena_{k}") for k in DECLARED if hasattr(target, f"arena_{k}")}
    if kind == "game" and "api" not in extra and isinstance(target, type):
        from pettingzoo import AECEnv, ParallelEnv

        if issubclass(target, ParallelEnv):
            extra["api"] = "parallel"
        elif issubclass(target, AECEnv):
            extra["api"] = "aec"
    if kind == "agent" and "kind" not in extra:
        info = getattr(target, "info", None)
        extra["kind"] = "llm" if getattr(info, "uses_llm", False) else "scripted"
    if kind == "judge" and "kind" not in extra:
        for method, role in (("critique", "critic"), ("moderate", "moderator")):
            if callable(getattr(target, method, None)):
                extra["kind"] = role
                break
    return summary, extra


class Registry:
    """Names of one kind (``game``, ``agent``, ``judge``) mapped to entries."""

    def __init__(self, kind: str, group: str) -> None:
        self.kind = kind
        self.group = group
        self._entries: dict[str, Entry] = {}
        self._plugins_loaded = False
        self._undescribed: set[str] = set()  # plug-ins whose object has not been read yet
        self._shadowed: list[tuple[str, str, str]] = []  # (name, plug-in, whose the name is)

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
            dist = getattr(point, "dist", None)
            plugin = dist.name if dist is not None else point.value.partition(":")[0]
            taken = self._entries.get(point.name)
            if taken is not None:  # built-ins, then the first plug-in, win: said, not hidden
                owner = taken.extra.get("plugin")
                self._shadowed.append(
                    (point.name, plugin, f"plug-in {owner}" if owner else "a built-in")
                )
                continue
            self._entries[point.name] = Entry(
                point.name, point.value, "plug-in", {"plugin": plugin}
            )
            self._undescribed.add(point.name)

    def shadowed(self) -> list[tuple[str, str]]:
        """``(name, one line saying so)`` for each plug-in entry point that is not used
        because its name was taken (by a built-in, or by a plug-in found first): a user who
        installed it would otherwise play the other one under its name without a word."""
        self._load_plugins()
        return [
            (
                name,
                f"plug-in {plugin}'s {self.kind} {name!r} is not used: {owner} has that name; "
                "rename it in the plug-in's entry points",
            )
            for name, plugin, owner in self._shadowed
        ]

    def _described(self, entry: Entry) -> Entry:
        """A plug-in's entry with what its object declares (imported once, here), or, when
        it cannot be imported, with why as its summary: ``load`` raises where it is used."""
        if entry.name not in self._undescribed:
            return entry
        self._undescribed.discard(entry.name)
        try:
            summary, declared = plugin_metadata(self.kind, entry.load())
        except ConfigError as error:
            summary, declared = str(error).removeprefix(f"{entry.name}: "), {"broken": True}
        extra = {**entry.extra, **declared}
        described = replace(entry, summary=summary or entry.summary, extra=extra)
        self._entries[entry.name] = described
        return described

    def get(self, name: str) -> Entry:
        """The entry for ``name``, or ``UnknownNameError`` with the closest names."""
        if name not in self._entries:
            self._load_plugins()
        entry = self._entries.get(name)
        if entry is None:
            close = difflib.get_close_matches(name, list(self._entries), n=3, cutoff=0.5)
            hint = (
                f"; did you mean {' or '.join(repr(c) for c in close)}?"
                if close
                else (f"; known {self.kind}s: {', '.join(sorted(self._entries))}")
            )
            raise UnknownNameError(f"unknown {self.kind} {name!r}{hint}")
        return self._described(entry)

    def __contains__(self, name: object) -> bool:
        self._load_plugins()
        return name in self._entries

    def __iter__(self) -> Iterator[Entry]:
        """Every entry by name; listing imports the plug-ins (never the built-ins)."""
        self._load_plugins()
        entries = [self._described(e) for e in list(self._entries.values())]
        return iter(sorted(entries, key=lambda e: e.name))


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

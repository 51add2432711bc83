"""The one agent interface every player implements, scripted or language model.

An agent is reset at the start of each match with a ``MatchContext``, asked for moves with
``await act(observation)`` and may ``remember`` feedback between matches. Scripted agents
subclass ``ScriptedAgent`` and implement the synchronous ``decide``; the match runner calls
``decide`` directly for them, so a tournament of scripted agents never pays for an event loop
round trip per move.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from arena.validation import validate_model


@dataclass(frozen=True)
class AgentInfo:
    """What an agent is, declared as data (the Axelrod library's classifier, trimmed)."""

    stochastic: bool
    memory_depth: float  # rounds of history it reads; ``float("inf")`` for unbounded
    families: tuple[str, ...] = ("matrix",)  # game families it can play
    uses_llm: bool = False
    needs_network: bool = False
    source: str = ""
    axelrod_name: str | None = None  # the Axelrod library strategy that moves the same way
    reads_text: bool = False  # given the game's text protocol without being a model (a person)


@dataclass(frozen=True)
class MatchContext:
    """What an agent is told when a match starts."""

    game_id: str
    agent_id: str  # the PettingZoo agent it plays, e.g. "player_0"
    seat: int
    seed: int  # the seed for this agent's own randomness in this match
    opponents: tuple[str, ...] = ()
    protocol: Any = None  # the game's text protocol for this seat
    extra: dict[str, Any] = field(default_factory=dict)


class NoParams(BaseModel):
    """Parameters of an agent that takes none."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Agent(ABC):
    """A player: reset per match, asked for moves, may keep feedback across matches."""

    info: ClassVar[AgentInfo]
    Params: ClassVar[type[BaseModel]] = NoParams

    def __init__(self, name: str | None = None, **params: Any) -> None:
        self.name = name or type(self).__name__
        self.params = validate_model(self.Params, params)
        self.memory: list[str] = []

    def reset(self, context: MatchContext) -> None:
        """Start a new match."""
        self.context = context

    @abstractmethod
    async def act(self, observation: Any) -> Any:
        """Return this agent's move for ``observation``."""

    def remember(self, feedback: Any) -> None:
        """Keep feedback (a critic's ``Feedback``, or text) for the matches that follow."""
        self.memory.append(str(getattr(feedback, "text", feedback)))

    def memory_snapshot(self) -> dict[str, Any]:
        """What this agent carries into its next match, as JSON-able data: stored after each
        round of a feedback schedule, so a resumed chain can rebuild its learner."""
        return {"feedback": list(self.memory)}

    def load_memory(self, snapshot: dict[str, Any]) -> None:
        """Carry ``snapshot`` (a ``memory_snapshot``) as if the matches behind it were played."""
        self.memory = list(snapshot.get("feedback", []))

    def protocol_options(self) -> dict[str, Any]:
        """Options for the game's text protocol (labels, shuffling); none by default."""
        return {}

    def pop_turn_info(self) -> Any:
        """Details of the last decision (an ``arena.records.TurnInfo``), or ``None``."""
        return None


class ScriptedAgent(Agent):
    """An agent whose move is a pure function of its observation and its own seeded state."""

    @abstractmethod
    def decide(self, observation: Any) -> Any:
        """The move, computed synchronously."""

    async def act(self, observation: Any) -> Any:
        return self.decide(observation)

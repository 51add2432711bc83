"""What a match leaves behind: its turns and its outcome, independent of where it is stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple


class Turn(NamedTuple):
    """One decision of one seat. LLM fields stay ``None`` for scripted agents."""

    step: int
    seat: int
    action: Any
    reward: float | None
    text: str | None = None
    latency: float | None = None
    tokens_in: int | None = None
    tokens_out: int | None = None
    cost: float | None = None
    fault: str | None = None
    tokens_cached: int | None = None
    verdict: dict[str, Any] | None = None  # a moderator's verdict on this turn (negotiations)


class TurnInfo(NamedTuple):
    """What an LLM agent reports about its last decision, beyond the action."""

    text: str | None = None  # the raw reply (all attempts, separated), never the prompt
    latency: float | None = None  # seconds spent waiting for replies
    tokens_in: int | None = None  # every input token of every attempt, cached ones included
    tokens_out: int | None = None
    cost: float | None = None  # US dollars, from the price table; None for unknown models
    fault: str | None = None  # fault classes of this turn, joined by "+", e.g. "illegal+forfeit"
    tokens_cached: int | None = None  # input tokens the provider served from its prompt cache


@dataclass(frozen=True)
class MatchRecord:
    """One finished episode.

    ``agents`` and ``payoffs`` are in seat order; ``payoffs[i]`` is seat ``i``'s total.
    ``match_index`` is set when the match belongs to a tournament.
    """

    game_id: str
    params: dict[str, Any]
    seed: int
    agents: tuple[str, ...]
    payoffs: tuple[float, ...]
    turns: list[Turn] = field(repr=False)
    steps: int = 0
    match_index: int | None = None
    duration: float = 0.0
    outcome: dict[str, Any] = field(default_factory=dict)  # the game's own end report
    metrics: dict[str, Any] = field(default_factory=dict)  # yardsticks computed after the match
    # In a feedback schedule: experiment, round, seat coached, the critic's feedback, and the
    # learner's memory before the match (what it was shown) and after the feedback.
    feedback: dict[str, Any] | None = None

    def moves(self, seat: int) -> list[Any]:
        """Every action ``seat`` took, in order."""
        return [turn.action for turn in self.turns if turn.seat == seat]

    @property
    def faults(self) -> dict[str, int]:
        """How often each fault class occurred (a turn may hold several, joined by "+")."""
        counts: dict[str, int] = {}
        for turn in self.turns:
            for fault in (turn.fault or "").split("+"):
                if fault:
                    counts[fault] = counts.get(fault, 0) + 1
        return counts

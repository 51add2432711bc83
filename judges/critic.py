"""What a critic writes after a finished match for one seat: feedback the player keeps.

A critic reads a ``MatchRecord`` (its turns, outcome and the solver's metrics) and returns a
``Feedback``: the text a language model keeps in context for its next game, and, where the
critic computes it, the same advice as data (a scripted learner reads that instead).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from arena.records import MatchRecord


@dataclass(frozen=True)
class Feedback:
    """Advice for one seat after one match."""

    text: str
    critic: str
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Critic(Protocol):
    """Reads a finished match and coaches one of its seats."""

    name: str

    async def critique(self, record: MatchRecord, seat: int) -> Feedback:
        """Feedback for ``seat`` on ``record``."""
        ...

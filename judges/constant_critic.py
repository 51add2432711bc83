"""Fu et al.'s control critic: the same generic advice after every game, whatever happened."""

from __future__ import annotations

from arena.errors import ConfigError
from arena.judges.critic import Feedback
from arena.records import MatchRecord

ADVICE = (
    "1. Open with an ambitious but credible price and explain why it is fair.\n"
    "2. Concede slowly and in small steps, and ask for something in return each time.\n"
    "3. Stay polite and keep the other side talking; do not reveal your own limit."
)


class ConstantCritic:
    """Always the same three suggestions (``text`` replaces them)."""

    name = "constant"

    def __init__(self, text: str = ADVICE) -> None:
        if not isinstance(text, str) or not text.strip():
            raise ConfigError("text: the constant critic needs non-empty advice")
        self.text = text

    async def critique(self, record: MatchRecord, seat: int) -> Feedback:
        return Feedback(self.text, self.name)

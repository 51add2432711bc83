"""What a moderator decides about a negotiation after a turn, as data the game and store take."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Verdict:
    """Whether the dialogue so far closed a deal, and at what price.

    ``moderator`` names who decided (``rule``, ``llm``); ``reason`` says why, in a few words
    (for the rule moderator) or in the model's own words (for a language model). ``offer`` is
    the price a turn that closes nothing puts on the table, so that the other side (a scripted
    negotiator reading structured observations, say) sees it as an offer.
    """

    deal: bool
    price: float | None = None
    moderator: str = ""
    reason: str = ""
    offer: float | None = None  # no deal, but the turn offers this price (the last it names)

    def as_dict(self) -> dict[str, Any]:
        """The verdict as the store keeps it with the turn."""
        return asdict(self)


Utterance = tuple[str, str]  # (speaker, message): who said what, in order


class Moderator(Protocol):
    """Reads a negotiation's dialogue after each turn and says whether a deal was struck."""

    name: str

    async def moderate(self, dialogue: list[Utterance], currency: str = "$") -> Verdict:
        """The verdict on ``dialogue``, whose last utterance is the turn just played."""
        ...

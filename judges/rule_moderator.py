"""The default moderator: a deal is an explicit acceptance of the other side's standing price.

No language model. After each turn it reads the dialogue: each side's standing price is the
last price it named (a turn that names a price and closes nothing offers it); the turn just
played closes a deal when it accepts in so many words ("deal", "I accept", "agreed", "sold",
"I'll take it", ...), not negated ("no deal", "I can't accept") nor asked ("Deal?"), and names
no price other than the other side's standing one. A turn that accepts while naming another
price is a counter-offer; an acceptance with no price standing closes nothing.
"""

from __future__ import annotations

import re
from typing import Any

from arena.errors import ConfigError
from arena.judges.prices import prices_named
from arena.judges.verdict import Utterance, Verdict

_ACCEPTANCE = re.compile(
    r"\b(?:deal|accept(?:ed)?|agreed?|sold|i'?ll take it|you(?:'ve)? got it|sounds good"
    r"|works for me|that works|let'?s do it)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:no|not|never|can'?t|cannot|won'?t|don'?t|isn'?t|wouldn'?t|couldn'?t)\b\W+"
    r"(?:\w+\W+){0,2}?(?:a\s+)?(?:deal|accept|agree|take it|work)",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?]*[.!?]?")
_SAME_PRICE = 1e-9  # prices are read from text: equal when they print the same


def accepts(message: str) -> bool:
    """Whether ``message`` accepts in so many words (not negated, not as a question)."""
    for sentence in _SENTENCE.findall(message):
        asked = sentence.rstrip().endswith("?")
        if _ACCEPTANCE.search(sentence) and not _NEGATION.search(sentence) and not asked:
            return True
    return False


def standing_prices(dialogue: list[Utterance], currency: str = "$") -> dict[str, float]:
    """Each speaker's standing price: the last price it named."""
    standing: dict[str, float] = {}
    for speaker, message in dialogue:
        named = prices_named(message, currency)
        if named:
            standing[speaker] = named[-1]
    return standing


class RuleModerator:
    """Explicit acceptance of a standing price closes the deal at that price."""

    name = "rule"

    def __init__(self, **params: Any) -> None:
        if params:
            raise ConfigError(f"the rule moderator takes no {', '.join(sorted(params))} key")

    def verdict(self, dialogue: list[Utterance], currency: str = "$") -> Verdict:
        """The verdict on ``dialogue`` (synchronous: no model is asked)."""
        if not dialogue:
            return Verdict(False, None, self.name, "nothing said yet")
        speaker, message = dialogue[-1]
        named = prices_named(message, currency)
        offer = named[-1] if named else None
        if not accepts(message):
            reason = "an offer" if offer is not None else "no acceptance"
            return Verdict(False, None, self.name, reason, offer)
        before = standing_prices(dialogue[:-1], currency)
        others = {who: price for who, price in before.items() if who != speaker}
        if not others:
            reason = "accepted, but no price of the other side"
            return Verdict(False, None, self.name, reason, offer)
        (price,) = others.values()  # two sides: one other speaker
        if any(abs(p - price) > _SAME_PRICE for p in named):
            return Verdict(False, None, self.name, "a counter-offer, not an acceptance", offer)
        return Verdict(True, price, self.name, "explicit acceptance of the standing price")

    async def moderate(self, dialogue: list[Utterance], currency: str = "$") -> Verdict:
        return self.verdict(dialogue, currency)

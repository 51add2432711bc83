"""A language-model moderator in the manner of Fu et al. (2023): did this turn close a deal?

After each turn it first applies what needs no model: a turn that names a price other than the
other side's standing one is an offer, not a deal, and the model is not asked (Fu et al. ask
their moderator once a turn carries no new number). Otherwise it shows the model the last
``window`` turns (default 5), each quoted (``arena.judges.quoting``), and asks whether the two
sides have agreed and at what price, to be answered on two lines ``DEAL: yes|no`` and
``PRICE: <number>|none``; ``reasoning_first`` asks for a short reasoning before them (the
paper's better variant). A reply it cannot read closes nothing, and says so in the verdict.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from arena.judges.judge_model import JudgeModel
from arena.judges.prices import prices_named
from arena.judges.quoting import PREAMBLE, quote_dialogue
from arena.judges.rule_moderator import standing_prices
from arena.judges.verdict import Utterance, Verdict

_DEAL = re.compile(r"^\W*deal\W*:\W*(yes|no)\b", re.IGNORECASE | re.MULTILINE)
_PRICE = re.compile(
    r"^\W*price\W*:\W*[A-Za-z]{0,3}\W*([0-9][0-9,]*(?:\.[0-9]+)?|none)", re.I | re.M
)
_SAME_PRICE = 1e-9

SYSTEM = (
    "You moderate a negotiation between a seller and a buyer and decide, after each message, "
    "whether they have agreed on a deal and at what price. " + PREAMBLE
)


class LLMModerator:
    """Asks a language model whether the dialogue so far closed a deal."""

    name = "llm"

    def __init__(self, *, window: int = 5, reasoning_first: bool = False, **spec: Any) -> None:
        from arena.errors import ConfigError

        if not isinstance(window, int) or isinstance(window, bool) or not 1 <= window <= 100:
            raise ConfigError(f"window: expected a number of turns from 1 to 100, got {window!r}")
        if not isinstance(reasoning_first, bool):
            raise ConfigError(f"reasoning_first: expected true or false, got {reasoning_first!r}")
        self.window = window
        self.reasoning_first = reasoning_first
        self.model = JudgeModel("moderator", **spec)

    def use_cache(self, cache: Any) -> None:
        self.model.use_cache(cache)

    def prompt(self, dialogue: list[Utterance]) -> str:
        """What the model is asked about ``dialogue`` (its last ``window`` turns)."""
        shown = dialogue[-self.window :]
        answer = "DEAL: yes or no\nPRICE: the agreed price, or none"
        how = (
            f"First reason in a few sentences, then end with two lines:\n{answer}"
            if self.reasoning_first
            else f"Answer with two lines only:\n{answer}"
        )
        return (
            f"The last {len(shown)} messages of the negotiation, oldest first:\n"
            f"{quote_dialogue(shown)}\n"
            "With the last message, have the seller and the buyer agreed on a deal? A deal "
            "needs one side to accept a price the other side offered; a new offer or a "
            f"question is not a deal. {how}"
        )

    async def moderate(self, dialogue: list[Utterance], currency: str = "$") -> Verdict:
        if not dialogue:
            return Verdict(False, None, self.name, "nothing said yet")
        speaker, message = dialogue[-1]
        others = {w: p for w, p in standing_prices(dialogue[:-1], currency).items() if w != speaker}
        named = prices_named(message, currency)
        standing = next(iter(others.values()), None)
        offer = named[-1] if named else None
        if any(standing is None or abs(p - standing) > _SAME_PRICE for p in named):
            return Verdict(False, None, self.name, "a new price: an offer, not a deal", offer)
        reply = await self.model.ask(SYSTEM, self.prompt(dialogue), draw=len(dialogue))
        verdict = read_verdict(reply, self.name)
        return verdict if verdict.deal else replace(verdict, offer=offer)


def read_verdict(reply: str, moderator: str = "llm") -> Verdict:
    """The verdict in a moderator model's reply (its last DEAL and PRICE lines)."""
    deals = _DEAL.findall(reply)
    if not deals:
        return Verdict(False, None, moderator, f"unreadable reply: {reply.strip()[:200]!r}")
    if deals[-1].lower() == "no":
        return Verdict(False, None, moderator, reply.strip()[:500])
    prices = _PRICE.findall(reply)
    if not prices or prices[-1].lower() == "none":
        return Verdict(False, None, moderator, f"a deal without a price: {reply.strip()[:200]!r}")
    return Verdict(True, float(prices[-1].replace(",", "")), moderator, reply.strip()[:500])

"""The Traveler's Dilemma in words for language models (and people), and how replies are read.

The arena hands one protocol object per seat to every agent that reads text (an LLM, a person
at ``arena play``) and calls: ``rules(role)`` once per match, ``describe(observation)`` every
round, ``parse(reply, observation)`` to turn a reply into an action (``MoveError`` says what
was wrong, and the agent is asked again with ``legal_moves(observation)``), ``schema`` where a
provider can constrain its output, and ``fallback`` when a model never gives a usable reply.

The move is read from one explicit place: the last line of the form ``Claim: 57`` (or a reply
that is only a number). Prose that merely mentions a number is not a move.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from arena.errors import MoveError
from arena_plugin_example.rules import stage_payoffs

_CLAIM_LINE = re.compile(r"^claim\s*[:=]\s*\$?\s*(-?\d+)\s*(?:dollars?)?\s*\.?$", re.IGNORECASE)
_BARE = re.compile(r"^\$?\s*(-?\d+)\s*\.?$")
_EMPHASIS = str.maketrans("", "", "*_`")


@dataclass(frozen=True)
class ClaimTextProtocol:
    """Tells one traveler the repeated game and reads its claims (the game's numbers)."""

    low: int
    high: int
    bonus: int
    rounds: int

    def rules(self, role: str = "") -> str:
        """The rules, read once before the first round."""
        b = self.bonus
        return "\n".join(
            [
                "You and another traveler lost identical luggage. Each of you, without talking "
                "to the other, claims its value: a whole number of dollars from "
                f"{self.low} to {self.high}.",
                "If both claims are equal, each of you receives that amount. If they differ, "
                f"both receive the lower claim, plus ${b} for the traveler who claimed less "
                f"and minus ${b} for the one who claimed more.",
                f"You will play {self.rounds} rounds with the same traveler; your score is "
                "what you receive over all rounds.",
                f"Answer every round with one line: Claim: <a number from {self.low} to "
                f"{self.high}>",
            ]
        )

    def describe(self, observation: dict[str, Any]) -> str:
        """The rounds so far and this round's question."""
        played = int(observation["round"])
        lines = []
        total = 0
        for t in range(played):
            mine, theirs = (int(c) for c in observation["claims"][t])
            got, they_got = stage_payoffs(mine, theirs, self.bonus)
            total += got
            lines.append(
                f"In round {t + 1}, you claimed {mine} and the other traveler claimed "
                f"{theirs}. Thus, you received {got} and the other traveler received "
                f"{they_got}."
            )
        if played:
            lines.append(f"You have received {total} in total so far.")
        lines.append(f"You are now in round {played + 1} of {self.rounds}.")
        lines.append(
            f"Q: How much do you claim? Answer with one line: Claim: <a number from {self.low} "
            f"to {self.high}>"
        )
        return "\n".join(lines)

    def parse(self, reply: str, observation: dict[str, Any] | None = None) -> int:
        """The action (``claim - low``) a reply names; ``MoveError`` says why when none."""
        if not isinstance(reply, str) or not reply.strip():
            raise MoveError("the reply is empty; " + self._expected(), fault="empty")
        lines = [line.translate(_EMPHASIS).strip() for line in reply.strip().splitlines()]
        tagged = [m.group(1) for m in map(_CLAIM_LINE.match, lines) if m]
        bare = _BARE.match(lines[0]) if len(lines) == 1 else None
        if tagged:
            claim = int(tagged[-1])
        elif bare:
            claim = int(bare.group(1))
        else:
            raise MoveError("the reply has no line 'Claim: <number>'; " + self._expected())
        if not self.low <= claim <= self.high:
            raise MoveError(f"{claim} is not a claim; " + self._expected(), fault="illegal")
        return claim - self.low

    def _expected(self) -> str:
        return f"answer with one line: Claim: <a number from {self.low} to {self.high}>"

    def legal_moves(self, observation: dict[str, Any]) -> list[str]:
        """The legal replies, as the message that asks again lists them (every claim in the
        range is legal in every round)."""
        return [f"Claim: <a number from {self.low} to {self.high}>"]

    def schema(self, observation: dict[str, Any]) -> dict[str, Any]:
        """A JSON schema whose only instances are legal replies: ``{"move": "Claim: 57"}``
        (providers take enums of up to 1,000 values: the game has at most 1,000 claims)."""
        claims = [f"Claim: {c}" for c in range(self.low, self.high + 1)]
        return {
            "type": "object",
            "properties": {"move": {"type": "string", "enum": claims}},
            "required": ["move"],
            "additionalProperties": False,
        }

    def fallback(self, observation: dict[str, Any]) -> int:
        """The move of a model that gave no usable reply: its own last claim (the highest at
        first, the claim of a traveler who simply asks for what the luggage was worth)."""
        played = int(observation["round"])
        if not played:
            return self.high - self.low
        return int(observation["claims"][played - 1][0]) - self.low

"""The text protocol of alternating offers: the split on the table in words, tagged moves back.

A reply may hold a sentence to the other player, then on a last line of its own the move:
``PROPOSE: 60`` (what one keeps of the pie) when it is one's turn to propose, ``ACCEPT`` or
``REJECT`` when responding. Only that line is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from arena.errors import MoveError
from arena.games.bargaining.alternating_offers import (
    PROPOSE,
    PROPOSING,
    SEATS,
    AlternatingOffersParams,
    proposal,
    response,
)
from arena.games.bargaining.messages import tagged_reply

_PROPOSE = re.compile(r"^propose\s*:\s*([0-9]+(?:\.[0-9]+)?)\s*\.?$", re.IGNORECASE)
_ACCEPT = re.compile(r"^accept\.?$", re.IGNORECASE)
_REJECT = re.compile(r"^reject\.?$", re.IGNORECASE)


def _amount(value: float) -> str:
    return f"{value:g}" if value == round(value, 6) else f"{value:.2f}"


@dataclass(frozen=True)
class AlternatingOffersText:
    """Alternating offers told to one player."""

    params: AlternatingOffersParams
    seat: str
    moderated = False

    @property
    def index(self) -> int:
        return SEATS.index(self.seat)

    def rules(self, agent: str = "") -> str:
        """The game, read once before the first move."""
        p = self.params
        own, other = p.discount[self.index], p.discount[1 - self.index]
        first = "You propose first." if p.first == self.seat else "The other player proposes first."
        ultimatum = (
            " There is only one proposal: if it is rejected, both get nothing."
            if p.horizon == 1
            else ""
        )
        return (
            f"You and another player split {_amount(p.pie)} points. In each round one of you "
            "proposes how much the proposer keeps (the other gets the rest), and the other "
            "accepts or rejects; after a rejection the other player proposes in the next round. "
            f"There are at most {p.horizon} rounds; if none is accepted, both get nothing."
            f"{ultimatum} Waiting costs: a split agreed in round r (counting from 0) is worth "
            f"your share times {own:g} to the power r to you, and the other player's share "
            f"times {other:g} to the power r to them. {first}\n"
            "You may write one short sentence to the other player, then the move on a last "
            "line of its own: PROPOSE: <points you keep> when you propose, ACCEPT or REJECT "
            "when you respond."
        )

    def describe(self, observation: dict[str, Any]) -> str:
        """What happened so far and the question for this move."""
        lines = []
        history, messages = observation["history"], observation["messages"]
        for t in range(int((history[:, 0] >= 0).sum())):
            seat, act, keep, period = history[t]
            who = "You" if int(seat) == self.index else "The other player"
            said = f' ("{messages[t]}")' if messages[t] else ""
            if act == PROPOSE:
                what = f"proposed to keep {_amount(keep)}"
            else:
                what = "accepted" if act == 1 else "rejected"
            lines.append(f"Round {int(period)}: {who} {what}{said}.")
        period = int(observation["period"])
        if int(observation["phase"]) == PROPOSING:
            lines.append(
                f"It is round {period} of {self.params.horizon - 1} (the last), your turn to "
                f"propose. Your sentence, then PROPOSE: <points you keep> on a last line:"
                if period == self.params.horizon - 1
                else f"It is round {period}, your turn to propose. Your sentence, then "
                "PROPOSE: <points you keep> on a last line:"
            )
        else:
            mine, theirs = observation["standing"]
            lines.append(
                f"The proposal on the table gives you {_amount(mine)} and the other player "
                f"{_amount(theirs)} (round {period}). Your sentence, then ACCEPT or REJECT on a "
                "last line:"
            )
        return "\n".join(lines)

    def parse(self, reply: str, observation: dict[str, Any] | None = None) -> dict[str, Any]:
        """The move on the reply's last line; ``MoveError`` when it is not one, or not legal now."""
        message, tag = tagged_reply(reply, self._expected(observation))
        proposing = observation is None or int(observation["phase"]) == PROPOSING
        if found := _PROPOSE.match(tag):
            keep = float(found.group(1))
            if not proposing:
                raise MoveError(
                    "it is your turn to respond, not to propose; " + self._expected(observation),
                    fault="illegal",
                )
            if keep > self.params.pie:
                raise MoveError(
                    f"you cannot keep {_amount(keep)} of {_amount(self.params.pie)}; "
                    + self._expected(observation),
                    fault="illegal",
                )
            return proposal(keep, message)
        if _ACCEPT.match(tag) or _REJECT.match(tag):
            if proposing and observation is not None:
                raise MoveError(
                    "there is no proposal to respond to: it is your turn to propose; "
                    + self._expected(observation),
                    fault="illegal",
                )
            return response(bool(_ACCEPT.match(tag)), message)
        raise MoveError(f"the last line {tag[:60]!r} is not a move; " + self._expected(observation))

    def _expected(self, observation: dict[str, Any] | None) -> str:
        return "end with a line " + " or ".join(self.legal_moves(observation))

    def legal_moves(self, observation: dict[str, Any] | None) -> list[str]:
        """The moves that are legal now."""
        if observation is not None and int(observation["phase"]) != PROPOSING:
            return ["ACCEPT", "REJECT"]
        return [f"PROPOSE: <points you keep, 0 to {_amount(self.params.pie)}>"]

    def schema(self, observation: dict[str, Any]) -> dict[str, Any]:
        """A JSON schema of the legal replies now."""
        if int(observation["phase"]) == PROPOSING:
            tag = r"PROPOSE: [0-9]{1,12}(\.[0-9]{1,2})?"
        else:
            tag = "(ACCEPT|REJECT)"
        return {
            "type": "object",
            "properties": {"move": {"type": "string", "pattern": rf"^([^\n]{{0,300}}\n)?{tag}$"}},
            "required": ["move"],
            "additionalProperties": False,
        }

    def fallback(self, observation: dict[str, Any]) -> dict[str, Any]:
        """The declared fallback: propose an even split; as the responder, reject."""
        if int(observation["phase"]) == PROPOSING:
            return proposal(self.params.pie / 2, "Let us split it evenly.")
        return response(False, "No.")

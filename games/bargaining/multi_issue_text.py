"""The text protocol of Deal or No Deal: the pool and one's own values in words, tagged moves.

A reply may hold a sentence to the other player, then on a last line of its own the move:
``PROPOSE: 1 2 0`` (the books, hats and balls one keeps; the other gets the rest) or
``ACCEPT`` (the other's proposal on the table). Only that line is read. The pool and one's
values are told each turn (the game draws them when it starts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from arena.errors import MoveError
from arena.games.bargaining.messages import tagged_reply
from arena.games.bargaining.multi_issue import ACCEPT, ITEMS, N_TYPES, SEATS, acceptance, division

_PROPOSE = re.compile(r"^propose\s*:\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)\s*\.?$", re.IGNORECASE)
_ACCEPT = re.compile(r"^accept\.?$", re.IGNORECASE)


def _items(counts: Any) -> str:
    """'1 book, 2 hats and 0 balls'."""
    parts = [f"{int(n)} {item}{'' if int(n) == 1 else 's'}" for n, item in zip(counts, ITEMS)]
    return f"{parts[0]}, {parts[1]} and {parts[2]}"


@dataclass(frozen=True)
class MultiIssueText:
    """Deal or No Deal told to one player."""

    max_turns: int
    seat: str
    moderated = False

    @property
    def index(self) -> int:
        return SEATS.index(self.seat)

    def rules(self, agent: str = "") -> str:
        """The game, read once before the first move (the pool is told each turn)."""
        first = "You move first." if self.index == 0 else "The other player moves first."
        return (
            "You and another player divide a pool of books, hats and balls. Each of you values "
            "the items privately: the pool is worth 10 points to each of you, but not in the "
            "same way, and neither knows the other's values. In turn, each of you either "
            "proposes a division (the items you keep; the other gets the rest) or accepts the "
            f"other's proposal. If no proposal is accepted within {self.max_turns} moves in all, "
            f"both get nothing. {first}\n"
            "You may write one short sentence to the other player, then the move on a last "
            "line of its own: PROPOSE: <books> <hats> <balls> (what you keep), or ACCEPT."
        )

    def describe(self, observation: dict[str, Any]) -> str:
        """The pool, one's values, the proposals so far and the question."""
        pool, values = observation["pool"], observation["values"]
        worth = ", ".join(f"a {item} {int(v)}" for item, v in zip(ITEMS, values))
        lines = [f"The pool: {_items(pool)}. To you {worth}."]
        history, messages = observation["history"], observation["messages"]
        for t in range(int(observation["turn"])):
            seat, act, *keep = (int(x) for x in history[t])
            who = "You" if seat == self.index else "The other player"
            said = f' ("{messages[t]}")' if messages[t] else ""
            what = "accepted" if act == ACCEPT else f"proposed to keep {_items(keep)}"
            lines.append(f"{who} {what}{said}.")
        left = self.max_turns - int(observation["turn"])
        if observation["standing"][0] >= 0:
            mine = observation["standing"]
            value = int(np.dot(values, mine))
            lines.append(f"The proposal on the table gives you {_items(mine)} ({value} points).")
        lines.append(
            f"{left} move{'s' if left != 1 else ''} left in the game, this one included. Your "
            "sentence, then " + " or ".join(self.legal_moves(observation)) + " on a last line:"
        )
        return "\n".join(lines)

    def parse(self, reply: str, observation: dict[str, Any] | None = None) -> dict[str, Any]:
        """The move on the reply's last line; ``MoveError`` when it is not one or not legal."""
        message, tag = tagged_reply(reply, self._expected(observation))
        if found := _PROPOSE.match(tag):
            keep = [int(x) for x in found.groups()]
            if observation is not None:
                pool = [int(x) for x in observation["pool"]]
                if any(k > n for k, n in zip(keep, pool)):
                    raise MoveError(
                        f"you cannot keep {_items(keep)} of a pool of {_items(pool)}; "
                        + self._expected(observation),
                        fault="illegal",
                    )
            return division(keep, message)
        if _ACCEPT.match(tag):
            if observation is not None and observation["standing"][0] < 0:
                raise MoveError(
                    "there is no proposal of the other player to accept; "
                    + self._expected(observation),
                    fault="illegal",
                )
            return acceptance(message)
        raise MoveError(f"the last line {tag[:60]!r} is not a move; " + self._expected(observation))

    def _expected(self, observation: dict[str, Any] | None) -> str:
        return "end with a line " + " or ".join(self.legal_moves(observation))

    def legal_moves(self, observation: dict[str, Any] | None) -> list[str]:
        """The moves that are legal now."""
        moves = ["PROPOSE: <books> <hats> <balls>"]
        if observation is None or observation["standing"][0] >= 0:
            moves.append("ACCEPT")
        return moves

    def schema(self, observation: dict[str, Any]) -> dict[str, Any]:
        """A JSON schema of the legal replies now."""
        tags = r"PROPOSE: [0-7] [0-7] [0-7]"
        if observation["standing"][0] >= 0:
            tags = f"({tags}|ACCEPT)"
        return {
            "type": "object",
            "properties": {"move": {"type": "string", "pattern": rf"^([^\n]{{0,300}}\n)?{tags}$"}},
            "required": ["move"],
            "additionalProperties": False,
        }

    def fallback(self, observation: dict[str, Any]) -> dict[str, Any]:
        """The declared fallback: propose to keep every item one values, give up the rest."""
        keep = [int(n) if v > 0 else 0 for n, v in zip(observation["pool"], observation["values"])]
        return division(keep[:N_TYPES], "I keep what matters to me.")

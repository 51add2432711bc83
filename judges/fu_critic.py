"""Fu et al.'s (2023) AI-feedback critic: a language model reads the game and coaches a player.

In our own words, the paper's instructions: read the transcript of the game just played (the
players' words quoted, ``arena.judges.quoting``) and give the player three suggestions to do
better next time; not about the specific price, but about how to negotiate, improving on the
last game and useful for games to come.
"""

from __future__ import annotations

from typing import Any

from arena.judges.critic import Feedback
from arena.judges.judge_model import JudgeModel
from arena.judges.quoting import PREAMBLE, quote_dialogue
from arena.records import MatchRecord

SYSTEM = "You coach a negotiator between games. " + PREAMBLE


def seat_names(record: MatchRecord) -> list[str]:
    """The seats of the record's game, in order (``seller``, ``buyer``; ``player_0``, ...)."""
    from arena.registry import make_game

    return list(make_game(record.game_id, **record.params).possible_agents)


def dialogue_of(record: MatchRecord) -> list[tuple[str, str]]:
    """(seat name, message) for every move of a bargaining match, in order."""
    seats = seat_names(record)
    return [(seats[t.seat], str(t.action.get("message", ""))) for t in record.turns]


class FuCritic:
    """Three generic suggestions from a language model (LLM spec keys as for agents)."""

    name = "fu2023"

    def __init__(self, **spec: Any) -> None:
        self.model = JudgeModel("critic", **spec)

    def use_cache(self, cache: Any) -> None:
        self.model.use_cache(cache)

    def prompt(self, record: MatchRecord, seat: int) -> str:
        dialogue = dialogue_of(record)
        player = seat_names(record)[seat]
        outcome = record.outcome
        ended = (
            f"It ended with a deal: {outcome.get('price', outcome.get('shares'))}."
            if outcome.get("deal")
            else "It ended without a deal."
        )
        return (
            f"The negotiation you are reviewing, every message quoted, oldest first:\n"
            f"{quote_dialogue(dialogue)}\n{ended}\n"
            f"You coach the {player}. Give three short suggestions, numbered 1 to 3, that would "
            "help it do better in its next negotiation of this kind: about how it negotiates, "
            "not about a specific price; improving on what it did in this game; useful in "
            "games to come."
        )

    async def critique(self, record: MatchRecord, seat: int) -> Feedback:
        text = await self.model.ask(SYSTEM, self.prompt(record, seat), draw=record.seed)
        return Feedback(text.strip(), self.name)

"""A critic for a feedback schedule: what best replies to the other's claims would have earned."""

from __future__ import annotations

from arena.errors import ConfigError
from arena.judges.critic import Feedback
from arena.records import MatchRecord


class ClaimsCritic:
    """critic: a traveler's mean claim and what best replies would have earned (no model)

    It reads the game's yardsticks (``metrics["claims"]``, stored with every match) and writes
    two sentences; ``data`` holds the same numbers and one piece of advice a scripted learner
    can act on: ``"lower"`` when best replies would have earned more, else ``"hold"``.
    """

    name = "claims"

    def __init__(self, **params: object) -> None:
        if params:
            raise ConfigError(f"the claims critic takes no {', '.join(sorted(params))} key")

    async def critique(self, record: MatchRecord, seat: int) -> Feedback:
        claims = record.metrics.get("claims")
        if claims is None:
            raise ConfigError(
                f"the claims critic reads Traveler's Dilemma matches, not {record.game_id}"
            )
        mine, theirs = claims["mean_claim"][seat], claims["mean_claim"][1 - seat]
        regret = claims["regret"][seat]
        advice = "lower" if regret > 0 else "hold"
        text = f"You claimed {mine:g} on average and the other traveler {theirs:g}. " + (
            f"Claiming one less than the other each round would have earned you {regret:g} "
            "more; but the lower you both go, the less you both receive."
            if regret > 0
            else "No other claims would have earned you more against theirs."
        )
        data = {"mean_claim": mine, "other_mean_claim": theirs, "regret": regret, "advice": advice}
        return Feedback(text, self.name, data)

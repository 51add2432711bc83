"""Coaching grounded in game theory: feedback computed from the record and the solver, no model.

For the seat it coaches it reads the stored yardsticks (``arena.games.bargaining.yardsticks``)
and the seat's own moves: its share against the Nash bargaining split (and, in alternating
offers, the subgame-perfect and Rubinstein splits), its opening offer and concession path, how
many turns the game took, and whether it walked away from a deal better than no deal. The text
says this in three suggestions; ``data`` holds the same numbers and one piece of advice a
scripted learner can act on: ``concede`` is ``"slower"`` (it gave away more than the Nash
split), ``"faster"`` (no deal although one was there to be had, or agreement came late and
the delay cost) or ``"hold"``.
"""

from __future__ import annotations

import itertools
from typing import Any

from arena.errors import ConfigError
from arena.judges.critic import Feedback
from arena.records import MatchRecord

BUYER_SELLER = "bargaining/buyer-seller-v0"
ALTERNATING = "bargaining/alternating-offers-v0"
MULTI_ISSUE = "bargaining/multi-issue-v0"
SLACK = 0.05  # a share within five points of the yardstick is on target


def _offers(record: MatchRecord, seat: int, act: int, key: str) -> list[float]:
    """The amounts of ``seat``'s moves of kind ``act`` (offers, proposals), in order."""
    return [
        float(t.action[key]) for t in record.turns if t.seat == seat and t.action.get("act") == act
    ]


def _advice(share: float | None, target: float | None, deal: bool, possible: bool) -> str:
    if not deal:
        return "faster" if possible else "hold"
    if share is not None and target is not None and share < target - SLACK:
        return "slower"
    return "hold"


class SolverCritic:
    """Feedback from the solver's yardsticks; the advice is in ``data`` as well as in words."""

    name = "solver"

    def __init__(self, **params: Any) -> None:
        if params:
            raise ConfigError(f"the solver critic takes no {', '.join(sorted(params))} key")

    async def critique(self, record: MatchRecord, seat: int) -> Feedback:
        return self.feedback(record, seat)

    def feedback(self, record: MatchRecord, seat: int) -> Feedback:
        """The feedback, computed synchronously."""
        if record.game_id == BUYER_SELLER:
            data = self._buyer_seller(record, seat)
        elif record.game_id == ALTERNATING:
            data = self._alternating(record, seat)
        elif record.game_id == MULTI_ISSUE:
            data = self._multi_issue(record, seat)
        else:
            raise ConfigError(f"the solver critic coaches bargaining games, not {record.game_id}")
        return Feedback(self._text(data), self.name, data)

    def _buyer_seller(self, record: MatchRecord, seat: int) -> dict[str, Any]:
        metrics, outcome = record.metrics, record.outcome
        role = ("seller", "buyer")[seat]
        offers = _offers(record, seat, 1, "price")  # buyer-seller: act 1 offers
        seller_share = metrics.get("seller_share")
        share = None if seller_share is None else (seller_share if seat == 0 else 1 - seller_share)
        concessions = [abs(b - a) for a, b in itertools.pairwise(offers)]
        walked = outcome.get("walked_away") == role
        other = [t for t in record.turns if t.seat != seat and t.action.get("act") == 1]
        cost, value = record.params.get("cost", 8.0), record.params.get("value", 20.0)
        outside = record.params.get(f"{role}_outside", 0.0)
        best_offer = None
        if other:
            price = float(other[-1].action["price"])
            best_offer = price - cost if seat == 0 else value - price
        profit_left = walked and best_offer is not None and best_offer > outside
        zone = bool(metrics.get("zone_of_agreement"))
        return {
            "game": "buyer-seller",
            "role": role,
            "deal": bool(outcome.get("deal")),
            "share": share,
            "nbs_share": 0.5 if zone else None,
            "opening": offers[0] if offers else None,
            "concessions": concessions,
            "turns_used": outcome.get("turns_used"),
            "walked_away_from_profit": profit_left,
            "concede": _advice(share, 0.5, bool(outcome.get("deal")), zone),
        }

    def _alternating(self, record: MatchRecord, seat: int) -> dict[str, Any]:
        metrics, outcome = record.metrics, record.outcome
        pie = float(record.params.get("pie", 100.0))
        shares = outcome.get("shares")
        share = None if not shares else shares[("player_0", "player_1")[seat]] / pie
        spe = metrics["spe_shares"][seat] / pie
        keeps = _offers(record, seat, 0, "keep")  # alternating offers: act 0 proposes
        advice = _advice(share, spe, bool(outcome.get("deal")), True)
        if advice == "hold" and metrics.get("efficiency", 1.0) < 0.9:
            advice = "faster"  # agreement came, but waiting cost more than a tenth of the pie
        rubinstein = metrics.get("rubinstein_shares")
        return {
            "game": "alternating-offers",
            "deal": bool(outcome.get("deal")),
            "share": share,
            "spe_share": spe,
            "rubinstein_share": None if rubinstein is None else rubinstein[seat] / pie,
            "nbs_share": 0.5,
            "opening": keeps[0] / pie if keeps else None,
            "concessions": [(a - b) / pie for a, b in itertools.pairwise(keeps)],
            "turns_used": outcome.get("turns_used"),
            "efficiency": metrics.get("efficiency"),
            "concede": advice,
        }

    def _multi_issue(self, record: MatchRecord, seat: int) -> dict[str, Any]:
        metrics, outcome = record.metrics, record.outcome
        got = record.payoffs[seat] / 10.0
        nbs = metrics["nbs_utilities"][seat] / 10.0
        deal = bool(outcome.get("deal"))
        return {
            "game": "multi-issue",
            "deal": deal,
            "share": got if deal else None,
            "nbs_share": nbs,
            "pareto_efficient": metrics.get("pareto_efficient"),
            "turns_used": outcome.get("turns_used"),
            "concede": _advice(got if deal else None, nbs, deal, True),
        }

    def _text(self, data: dict[str, Any]) -> str:
        lines = []
        share, target = data.get("share"), data.get("spe_share", data.get("nbs_share"))
        if not data["deal"]:
            if data.get("walked_away_from_profit"):
                lines.append(
                    "You walked away from an offer better than no deal: take a profitable offer "
                    "when the other side will not move further."
                )
            elif data["concede"] == "faster":
                lines.append(
                    "The game ended without a deal although one was possible: concede a little "
                    "faster, so that the gap closes before time runs out."
                )
            else:
                lines.append("No deal was possible here; holding firm was right.")
        elif share is not None and target is not None:
            gap = (share - target) * 100
            where = "above" if gap >= 0 else "below"
            lines.append(
                f"You got {share:.0%} of what was to be shared, {abs(gap):.0f} points {where} the "
                f"{'subgame-perfect' if 'spe_share' in data else 'Nash bargaining'} split "
                f"({target:.0%})."
            )
        if data["concede"] == "slower":
            lines.append(
                "Concede more slowly: make smaller steps and let the other side move first."
            )
        elif data["concede"] == "faster" and data["deal"]:
            lines.append("Agree sooner: the delay cost more than the extra you won by waiting.")
        elif data["concede"] == "hold":
            lines.append("Keep the same pace of concessions: it served you well.")
        concessions = data.get("concessions") or []
        if concessions:
            first = concessions[0]
            lines.append(
                f"Your first concession was {first:.2g} and you made {len(concessions)} in all; "
                "open ambitiously and concede in steps that shrink."
            )
        else:
            lines.append("Open ambitiously and explain why your price is fair.")
        return "\n".join(f"{k}. {line}" for k, line in enumerate(lines[:3], 1))

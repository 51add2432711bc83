"""Werewolf's own measures of one finished game: who won, who voted well, who survived.

Every measure is per game and stored with the match (``metrics``); reports pool them over a
tournament. A measure with nothing to measure (no seer, a player who never voted) is ``None``.

- ``winner``: ``"village"``, ``"werewolves"`` or ``None`` (``max_days`` ended it undecided).
- ``roles``, ``teams``: each seat's, in seat order.
- ``days``: the days begun (night 1 counts as day 1); ``days_survived``: per seat, the day
  phases it was alive for (a player killed on night 1 survived 0).
- ``votes_cast`` and ``votes_on_wolves``: per seat, its day votes (run-offs included) and how
  many named a werewolf; ``vote_hits``: per seat, one 0/1 per vote in order;
  ``vote_accuracy``: per seat, the fraction on wolves.
- ``village_vote_accuracy``: the fraction of the village team's day votes that named a wolf.
- ``seer_checks`` and ``seer_accuracy``: how many players the seer checked, and the fraction
  of its checks that found a werewolf (how well it chose whom to check: the answers are
  always true).
- ``doctor_saves``: nights on which the doctor protected the wolves' victim;
  ``doctor_saved``: whether that happened at all (``None`` without a doctor).
- ``wolf_vote_survival``: over the werewolves, the fraction of the day votes held while a
  wolf was alive that did not eliminate it (``day_votes_faced`` and ``day_votes_survived``
  are its parts, per seat; zeros for the village).
"""

from __future__ import annotations

from typing import Any

from arena.games.social.werewolf import DOCTOR, ROLES, SEER, TEAMS, WEREWOLF, WerewolfGame


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def werewolf_metrics(game: WerewolfGame) -> dict[str, Any]:
    """The measures above, from a finished (or stopped) ``game``."""
    n = game.n
    roles = game.roles
    wolf = [r == WEREWOLF for r in roles]
    died_on = {seat: (day, cause) for seat, day, cause in game.died}
    days_survived = []
    for seat in range(n):
        if seat not in died_on:
            days_survived.append(game.day_phases)
            continue
        day, cause = died_on[seat]
        days_survived.append(day - 1 if cause == "night" else day)
    hits: list[list[int]] = [[] for _ in range(n)]
    for _, voter, chosen, _ in game.day_votes:
        hits[voter].append(int(wolf[chosen]))
    cast = [len(h) for h in hits]
    on_wolves = [sum(h) for h in hits]
    village = [s for s in range(n) if not wolf[s]]
    village_hits = sum(on_wolves[s] for s in village)
    village_cast = sum(cast[s] for s in village)
    # Day votes faced: each day's vote (its run-off included) held while the wolf lived.
    vote_days = sorted({day for day, _, _, _ in game.day_votes})
    faced = [0] * n
    survived = [0] * n
    for seat in (s for s in range(n) if wolf[s]):  # wolves never die at night
        end = died_on[seat][0] if seat in died_on else game.day
        faced[seat] = sum(1 for day in vote_days if day <= end)
        survived[seat] = faced[seat] - int(seat in died_on)
    seer = [s for s in range(n) if roles[s] == SEER]
    doctor = [s for s in range(n) if roles[s] == DOCTOR]
    checks = [night["checked"] for night in game.night_log if night["checked"] >= 0]
    saves = sum(1 for night in game.night_log if night["protected"] == night["victim"])
    return {
        "winner": None if game.winner is None else TEAMS[game.winner],
        "roles": [ROLES[r] for r in roles],
        "teams": [TEAMS[t] for t in game.teams],
        "days": game.day,
        "days_survived": days_survived,
        "votes_cast": cast,
        "votes_on_wolves": on_wolves,
        "vote_hits": hits,
        "vote_accuracy": [_share(on_wolves[s], cast[s]) for s in range(n)],
        "village_vote_accuracy": _share(village_hits, village_cast),
        "seer_checks": len(checks) if seer else None,
        "seer_accuracy": _share(sum(wolf[k] for k in checks), len(checks)) if seer else None,
        "doctor_saves": saves if doctor else None,
        "doctor_saved": (saves > 0) if doctor else None,
        "day_votes_faced": faced,
        "day_votes_survived": survived,
        "wolf_vote_survival": _share(sum(survived), sum(faced)),
    }

"""What a Werewolf tournament measured: which team and role wins, how well the village votes,
what the seer and doctor achieve, how wolves survive the day, and each agent's record.

Every number is read from the metrics stored with each match (``games/social/yardsticks``),
never recomputed from the turns. A missing value (``None``: no seer, a player who never voted)
is skipped, and a measure with nothing to measure is ``None``.

Every measure carries a 95% interval, chosen by what it is:

- a rate of wins or of games (a team's, a role's, an agent's, the doctor's save rate) is a
  proportion of independent trials, one per game (an agent's trials are its seats: one a game
  unless it plays itself), so it gets the Wilson score interval, which stays inside 0 to 1 and
  is not zero-width at 0% or 100%, where a bootstrap of a few games collapses;
- a pooled ratio (village vote accuracy, wolf day-vote survival) counts votes, and the votes
  of one game hang together (the same accusations, the same suspects), so votes are not
  independent trials: its interval is a seeded percentile bootstrap over games (resampling
  whole games, the ratio of summed hits to summed votes);
- a mean over games (seer accuracy, doctor saves, days, days survived) gets the seeded
  bootstrap over games of ``mean_interval``, as the other family reports.

The bootstraps are seeded, so the same database gives the same report.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from arena.games.social.werewolf import ROLES, TEAMS
from arena.leaderboards.bargaining_report import BOOTSTRAP, mean_interval

Z95 = 1.959963984540054  # the standard normal's 97.5% quantile
UNDECIDED = "undecided"
INTERVALS = (
    "95% intervals: Wilson score for win rates and the doctor's save rate (one trial a game, "
    "or a seat for an agent); seeded bootstrap over games for pooled vote ratios and means"
)


def wilson(count: int, n: int) -> dict[str, Any]:
    """``count`` of ``n`` as a rate with its 95% Wilson score interval (``None`` when
    ``n`` is 0)."""
    if n == 0:
        return {"mean": None, "ci_low": None, "ci_high": None, "count": 0, "n": 0}
    rate = count / n
    centre = (rate + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 / (1 + Z95**2 / n) * math.sqrt(rate * (1 - rate) / n + Z95**2 / (4 * n * n))
    return {
        "mean": rate,
        "ci_low": max(0.0, centre - half),
        "ci_high": min(1.0, centre + half),
        "count": count,
        "n": n,
    }


def pooled(parts: Sequence[tuple[int, int]], seed: int = 0) -> dict[str, Any]:
    """Summed hits over summed totals of ``parts`` (one ``(hits, total)`` a game), with a
    95% percentile bootstrap that resamples whole games; games with no total are left out."""
    kept = [(h, t) for h, t in parts if t > 0]
    hits, total = sum(h for h, _ in kept), sum(t for _, t in kept)
    if not kept:
        return {"mean": None, "ci_low": None, "ci_high": None, "count": 0, "n": 0}
    data = np.asarray(kept, dtype=float)
    rng = np.random.default_rng(seed)
    picks = data[rng.integers(len(data), size=(BOOTSTRAP, len(data)))]
    ratios = picks[:, :, 0].sum(axis=1) / picks[:, :, 1].sum(axis=1)
    low, high = np.percentile(ratios, [2.5, 97.5])
    return {
        "mean": hits / total,
        "ci_low": float(low),
        "ci_high": float(high),
        "count": hits,
        "n": total,
    }


def averaged(values: Sequence[float], seed: int = 0) -> dict[str, Any]:
    """The mean of ``values`` with its 95% bootstrap interval (``mean_interval``)."""
    mean, low, high = mean_interval(values, seed)
    return {"mean": mean, "ci_low": low, "ci_high": high, "n": len(values)}


def _at(metrics: dict[str, Any], key: str, seat: int) -> Any:
    """A per-seat metric, or ``None`` when the match did not store it."""
    values = metrics.get(key)
    return values[seat] if isinstance(values, list) and seat < len(values) else None


def _measured(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows whose match stored Werewolf's metrics (the seats' roles and teams)."""
    return [r for r in rows if r.get("metrics", {}).get("teams") and r["metrics"].get("roles")]


def _won(metrics: dict[str, Any], seat: int) -> bool:
    """Whether ``seat``'s team won (nobody wins an undecided game)."""
    return metrics.get("winner") is not None and metrics["teams"][seat] == metrics["winner"]


def _agents(rows: Sequence[dict[str, Any]], seed: int) -> list[dict[str, Any]]:
    """Each agent's games, win rates (overall and by role), village votes and days survived."""
    seats: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for k, r in enumerate(rows):
        for seat, agent in enumerate(r["agents"]):
            seats.setdefault(agent, []).append((k, {"seat": seat, **r["metrics"]}))
    report: list[dict[str, Any]] = []
    for agent, held in seats.items():
        wins = [_won(m, m["seat"]) for _, m in held]
        by_role = {
            role: [w for w, (_, m) in zip(wins, held) if m["roles"][m["seat"]] == role]
            for role in ROLES
        }
        votes = []
        for _, m in held:
            if m["teams"][m["seat"]] != "village":
                continue
            cast, on_wolves = _at(m, "votes_cast", m["seat"]), _at(m, "votes_on_wolves", m["seat"])
            if cast is not None and on_wolves is not None:
                votes.append((on_wolves, cast))
        days = [d for _, m in held if (d := _at(m, "days_survived", m["seat"])) is not None]
        report.append(
            {
                "agent": agent,
                "games": len({k for k, _ in held}),
                "seats": len(held),
                "win_rate": wilson(sum(wins), len(wins)),
                "roles": {role: wilson(sum(w), len(w)) for role, w in by_role.items()},
                "village_vote_accuracy": pooled(votes, seed),
                "days_survived": averaged(days, seed),
            }
        )
    report.sort(key=lambda a: (-(a["win_rate"]["mean"] or 0.0), a["agent"]))
    return report


def summary(rows: list[dict[str, Any]], seed: int = 0) -> dict[str, Any]:
    """The game's and each agent's measures over ``rows`` (``Store.outcomes``)."""
    rows = _measured(rows)
    n = len(rows)
    winners = [r["metrics"].get("winner") for r in rows]
    teams = {team: wilson(winners.count(team), n) for team in TEAMS}
    teams[UNDECIDED] = wilson(winners.count(None), n)
    roles = {}
    for role in ROLES:
        present = [
            _won(r["metrics"], r["metrics"]["roles"].index(role))
            for r in rows
            if role in r["metrics"]["roles"]
        ]
        roles[role] = wilson(sum(present), len(present))
    village_votes = []
    wolf_votes = []
    for r in rows:
        m = r["metrics"]
        village = [s for s, team in enumerate(m["teams"]) if team == "village"]
        cast = [_at(m, "votes_cast", s) for s in village]
        on_wolves = [_at(m, "votes_on_wolves", s) for s in village]
        if None not in cast and None not in on_wolves:
            village_votes.append((sum(on_wolves), sum(cast)))
        faced, survived = m.get("day_votes_faced"), m.get("day_votes_survived")
        if faced is not None and survived is not None:
            wolf_votes.append((sum(survived), sum(faced)))
    saved = [
        r["metrics"]["doctor_saved"] for r in rows if r["metrics"].get("doctor_saved") is not None
    ]

    def values(key: str) -> list[float]:
        return [r["metrics"][key] for r in rows if r["metrics"].get(key) is not None]

    return {
        "games": n,
        "intervals": INTERVALS,
        "teams": teams,
        "roles": roles,
        "village_vote_accuracy": pooled(village_votes, seed),
        "seer_accuracy": averaged(values("seer_accuracy"), seed),
        "doctor_save_rate": wilson(sum(map(bool, saved)), len(saved)),
        "doctor_saves": averaged(values("doctor_saves"), seed),
        "wolf_vote_survival": pooled(wolf_votes, seed),
        "days": averaged(values("days"), seed),
        "agents": _agents(rows, seed),
    }

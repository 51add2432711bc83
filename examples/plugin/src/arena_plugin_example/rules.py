"""The Traveler's Dilemma's rules as pure functions: testable without the environment."""

from __future__ import annotations


def stage_payoffs(mine: int, theirs: int, bonus: int) -> tuple[int, int]:
    """What each traveler receives for one round's claims (``mine`` first).

    Equal claims pay both the claim. Otherwise both are paid the lower claim, plus ``bonus``
    for the traveler who made it and minus ``bonus`` for the other (Basu 1994).

    >>> stage_payoffs(100, 100, 2), stage_payoffs(99, 100, 2), stage_payoffs(100, 99, 2)
    ((100, 100), (101, 97), (97, 101))
    """
    if mine == theirs:
        return mine, theirs
    lower = min(mine, theirs)
    if mine < theirs:
        return lower + bonus, lower - bonus
    return lower - bonus, lower + bonus


def best_reply(theirs: int, low: int) -> int:
    """The lowest claim that earns the most against ``theirs``, for any bonus of at least 1.

    It is one less than ``theirs`` (``theirs - 1 + bonus`` beats ``theirs``, and claiming more
    earns ``theirs - bonus``), never below ``low``: which is why the stage game's only
    equilibrium with ``bonus > 1`` is both claiming ``low``.

    >>> best_reply(100, 2), best_reply(2, 2)
    (99, 2)
    """
    return theirs - 1 if theirs > low else theirs


def regret(mine: int, theirs: int, low: int, bonus: int) -> int:
    """How much more the best reply to ``theirs`` would have earned than ``mine`` did."""
    best = stage_payoffs(best_reply(theirs, low), theirs, bonus)[0]
    return best - stage_payoffs(mine, theirs, bonus)[0]

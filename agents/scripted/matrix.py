"""Reference strategies for repeated matrix games (Axelrod; Nowak and Sigmund; Akata et al.).

Each reads the repeated-matrix observation: ``round`` (rounds played), ``history`` (realised
actions, own column first) and ``payoff_matrix`` (own payoffs, own action on axis 0). Action 0
is "cooperate" (or the first option), action 1 "defect" (the second). Where the Axelrod library
has a strategy of the same name, ``info.axelrod_name`` names it and the moves after any history
are the same.

Memory-one strategies say so: ``memory_one(payoff_matrix, noise)`` returns their five
probabilities of playing action 0, on the first move and then after the realised outcomes
``00, 01, 10, 11`` (own action first), as :func:`arena.solver.memory_one_payoffs` takes them,
for a 2x2 game with the player's own payoffs ``payoff_matrix`` (own action on axis 0) and
tremble probability ``noise``; ``None`` when in that game the strategy is not memory-one.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from arena.agents.base import AgentInfo, MatchContext, ScriptedAgent

C, D = 0, 1
INF = float("inf")

MemoryOne = tuple[float, float, float, float, float]


def _other_last(observation: dict[str, Any]) -> int:
    """The first opponent's realised action in the previous round (``item`` gives the Python
    int at once, without a NumPy scalar in between)."""
    return observation["history"].item(observation["round"] - 1, 1)


def _own_last(observation: dict[str, Any]) -> int:
    return observation["history"].item(observation["round"] - 1, 0)


class AlwaysCooperate(ScriptedAgent):
    """Always plays action 0 (cooperate)."""

    info = AgentInfo(False, 0, source="Axelrod (1984)", axelrod_name="Cooperator")

    def decide(self, observation: dict[str, Any]) -> int:
        return C

    def memory_one(self, payoff_matrix: np.ndarray, noise: float) -> MemoryOne | None:
        return (1.0, 1.0, 1.0, 1.0, 1.0)


class AlwaysDefect(ScriptedAgent):
    """Always plays action 1 (defect)."""

    info = AgentInfo(False, 0, source="Axelrod (1984)", axelrod_name="Defector")

    def decide(self, observation: dict[str, Any]) -> int:
        return D

    def memory_one(self, payoff_matrix: np.ndarray, noise: float) -> MemoryOne | None:
        return (0.0, 0.0, 0.0, 0.0, 0.0)


class TitForTat(ScriptedAgent):
    """Cooperates first, then copies the opponent's previous move (Rapoport)."""

    info = AgentInfo(False, 1, source="Axelrod (1980)", axelrod_name="Tit For Tat")

    def decide(self, observation: dict[str, Any]) -> int:
        t = observation["round"]
        return observation["history"].item(t - 1, 1) if t else C

    def memory_one(self, payoff_matrix: np.ndarray, noise: float) -> MemoryOne | None:
        return (1.0, 1.0, 0.0, 1.0, 0.0)


class TitForTwoTats(ScriptedAgent):
    """Defects only after two consecutive defections by the opponent."""

    info = AgentInfo(False, 2, source="Axelrod (1984)", axelrod_name="Tit For 2 Tats")

    def decide(self, observation: dict[str, Any]) -> int:
        t = observation["round"]
        if t < 2:
            return C
        history = observation["history"]
        return D if history.item(t - 1, 1) == D and history.item(t - 2, 1) == D else C


class SuspiciousTitForTat(ScriptedAgent):
    """Defects first, then copies the opponent's previous move."""

    info = AgentInfo(
        False, 1, source="Beaufils et al. (1997)", axelrod_name="Suspicious Tit For Tat"
    )

    def decide(self, observation: dict[str, Any]) -> int:
        t = observation["round"]
        return observation["history"].item(t - 1, 1) if t else D

    def memory_one(self, payoff_matrix: np.ndarray, noise: float) -> MemoryOne | None:
        return (0.0, 1.0, 0.0, 1.0, 0.0)


class GenerousParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    generosity: float | None = Field(
        None, ge=0.0, le=1.0, description="chance to forgive a defection; default from the payoffs"
    )


def nowak_sigmund_generosity(matrix: np.ndarray) -> float:
    """min(1 - (T - R) / (R - S), (R - P) / (T - P)) of a 2x2 dilemma, as axelrod's GTFT uses."""
    r, s, t, p = matrix[0, 0], matrix[0, 1], matrix[1, 0], matrix[1, 1]
    if r == s or t == p:
        return 1.0 / 3.0
    return float(min(1 - (t - r) / (r - s), (r - p) / (t - p)))


class GenerousTitForTat(ScriptedAgent):
    """Tit for tat forgiving a defection with probability ``generosity`` (Nowak, Sigmund 1992)."""

    info = AgentInfo(True, 1, source="Nowak and Sigmund (1992)", axelrod_name="GTFT")
    Params = GenerousParams

    def reset(self, context: MatchContext) -> None:
        super().reset(context)
        self._rng = random.Random(context.seed)
        self._generosity: float | None = self.params.generosity  # type: ignore[attr-defined]

    def decide(self, observation: dict[str, Any]) -> int:
        t = observation["round"]
        if not t or observation["history"].item(t - 1, 1) == C:
            return C
        if self._generosity is None:
            self._generosity = nowak_sigmund_generosity(observation["payoff_matrix"])
        return C if self._rng.random() < self._generosity else D

    def memory_one(self, payoff_matrix: np.ndarray, noise: float) -> MemoryOne | None:
        generosity = self.params.generosity  # type: ignore[attr-defined]
        if generosity is None:
            generosity = nowak_sigmund_generosity(payoff_matrix)
        g = min(max(generosity, 0.0), 1.0)  # ``random() < g`` happens with this probability
        return (1.0, 1.0, g, 1.0, g)


class GrimTrigger(ScriptedAgent):
    """Cooperates until the opponent defects once, then defects forever (Friedman 1971)."""

    info = AgentInfo(False, INF, source="Friedman (1971)", axelrod_name="Grudger")

    def reset(self, context: MatchContext) -> None:
        super().reset(context)
        self._triggered = False

    def decide(self, observation: dict[str, Any]) -> int:
        if self._triggered:
            return D
        t = observation["round"]
        if t and observation["history"].item(t - 1, 1) == D:
            self._triggered = True
            return D
        return C

    def memory_one(self, payoff_matrix: np.ndarray, noise: float) -> MemoryOne | None:
        """Without noise its own last move says whether it was triggered; a tremble breaks
        that (a trembled defection does not trigger it), so with noise it is not memory-one."""
        return (1.0, 1.0, 0.0, 0.0, 0.0) if noise == 0 else None


class WinStayLoseShift(ScriptedAgent):
    """Pavlov: repeats its move after a win, switches after a loss (Nowak and Sigmund 1993).

    A round is won when its stage payoff is at least the mean entry of the player's payoff
    matrix: in the Prisoner's Dilemma that is R or T (stay) against S or P (shift).
    """

    info = AgentInfo(
        False, 1, source="Nowak and Sigmund (1993)", axelrod_name="Win-Stay Lose-Shift"
    )

    def reset(self, context: MatchContext) -> None:
        super().reset(context)
        self._aspiration: float | None = None

    def decide(self, observation: dict[str, Any]) -> int:
        t = observation["round"]
        if not t:
            return C
        if self._aspiration is None:
            self._aspiration = float(np.mean(observation["payoff_matrix"]))
        last = observation["history"].item(t - 1, 0)
        if observation["rewards"].item(t - 1, 0) >= self._aspiration:
            return last
        return (last + 1) % observation["payoff_matrix"].shape[0]

    def memory_one(self, payoff_matrix: np.ndarray, noise: float) -> MemoryOne | None:
        aspiration = float(np.mean(payoff_matrix))
        after = []
        for own, other in ((C, C), (C, D), (D, C), (D, D)):
            stay = payoff_matrix[own, other] >= aspiration
            after.append(1.0 if (own == C) == stay else 0.0)
        return (1.0, after[0], after[1], after[2], after[3])


class Alternator(ScriptedAgent):
    """Cooperates first, then plays the opposite of its own previous move."""

    info = AgentInfo(False, 1, source="Axelrod (1984)", axelrod_name="Alternator")

    def decide(self, observation: dict[str, Any]) -> int:
        t = observation["round"]
        if not t:
            return C
        return (observation["history"].item(t - 1, 0) + 1) % observation["payoff_matrix"].shape[0]

    def memory_one(self, payoff_matrix: np.ndarray, noise: float) -> MemoryOne | None:
        return (1.0, 0.0, 0.0, 1.0, 1.0)


class DefectOnce(ScriptedAgent):
    """Defects in the first round, then cooperates forever (Akata et al. 2023)."""

    info = AgentInfo(False, 0, source="Akata et al. (2023)")

    def decide(self, observation: dict[str, Any]) -> int:
        return C if observation["round"] else D

    def memory_one(self, payoff_matrix: np.ndarray, noise: float) -> MemoryOne | None:
        return (0.0, 1.0, 1.0, 1.0, 1.0)


class TurnTaker(ScriptedAgent):
    """Takes turns at the coordination outcomes of Battle of the Sexes (Akata et al. 2023).

    Opens with its favourite outcome. After a coordinated round it moves to the next option
    (so the outcome alternates). After a miscoordination the player in seat 0 holds its move,
    which breaks the tie between two turn-takers, and every other seat yields: it plays the
    opponent's next move as it expects it, the last one again, or the one after it when the
    opponent has just switched (an alternating opponent keeps alternating).
    """

    info = AgentInfo(False, 1, source="Akata et al. (2023)")

    def decide(self, observation: dict[str, Any]) -> int:
        t = observation["round"]
        matrix = observation["payoff_matrix"]
        if not t:
            diagonal = [matrix[(a,) * matrix.ndim] for a in range(min(matrix.shape))]
            return int(np.argmax(diagonal))
        n = matrix.shape[0]
        mine, theirs = _own_last(observation), _other_last(observation)
        if mine == theirs:
            return (mine + 1) % n
        if observation["seat"] == 0:
            return mine
        switched = t >= 2 and observation["history"].item(t - 2, 1) != theirs
        return (theirs + 1) % n if switched else theirs

"""Payoff tensors of normal-form games: validation, the literature's catalogue, orientation.

Orientation, stated once: at the public boundary a game is given in *seat order*, one array per
player, ``payoffs[p][a_0, a_1, ..., a_{N-1}]`` being player ``p``'s payoff when seat ``i`` plays
``a_i`` (for two players this is the familiar bimatrix ``(A, B)``). Inside observations every
player sees its own payoffs *own action first*: axis 0 is its action, the remaining axes the
others' actions in seat order. ``own_first`` is the single place that converts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from arena.errors import ConfigError


@dataclass(frozen=True)
class NamedGame:
    """A stage game from the literature: payoffs in seat order and the actions' names."""

    payoffs: tuple[np.ndarray, ...]
    action_names: tuple[tuple[str, ...], ...]
    source: str


def _symmetric_2x2(r: float, s: float, t: float, p: float) -> tuple[np.ndarray, np.ndarray]:
    """Bimatrix of a symmetric 2x2 game with action 0 = cooperate: R, S, T, P as usual."""
    row = np.array([[r, s], [t, p]], dtype=np.float64)
    return row, row.T.copy()


PD_VARIANTS: dict[str, tuple[float, float, float, float]] = {
    # R, S, T, P
    "axelrod": (3.0, 0.0, 5.0, 1.0),  # Axelrod (1980) tournaments
    "akata": (8.0, 0.0, 10.0, 5.0),  # Akata et al. (2023)
}


def prisoners_dilemma(variant: str = "axelrod") -> NamedGame:
    """The Prisoner's Dilemma; ``variant`` picks the R, S, T, P values."""
    # A parameter from a file or the command line can be any TOML value: a list or a table
    # is not a variant (and cannot be looked up in a dict), so it gets the same error.
    if not isinstance(variant, str) or variant not in PD_VARIANTS:
        raise ConfigError(f"variant: expected one of {sorted(PD_VARIANTS)}, got {variant!r}")
    source = "Axelrod (1980)" if variant == "axelrod" else "Akata et al. (2023)"
    return NamedGame(_symmetric_2x2(*PD_VARIANTS[variant]), (("cooperate", "defect"),) * 2, source)


def battle_of_the_sexes() -> NamedGame:
    """Akata et al. (2023): coordinating on option 0 pays 10/7, on option 1 pays 7/10."""
    row = np.array([[10.0, 0.0], [0.0, 7.0]])
    col = np.array([[7.0, 0.0], [0.0, 10.0]])
    names = (("option 0", "option 1"),) * 2
    return NamedGame((row, col), names, "Akata et al. (2023)")


def stag_hunt() -> NamedGame:
    """Stag Hunt (Skyrms 2004 ordering R > T >= P > S): R, S, T, P = 4, 1, 3, 2."""
    return NamedGame(_symmetric_2x2(4, 1, 3, 2), (("stag", "hare"),) * 2, "Skyrms (2004)")


def chicken() -> NamedGame:
    """Chicken / Hawk-Dove (T > R > S > P): R, S, T, P = 3, 1, 4, 0."""
    names = (("swerve", "straight"),) * 2
    return NamedGame(_symmetric_2x2(3, 1, 4, 0), names, "Rapoport and Chammah (1966)")


def harmony() -> NamedGame:
    """Harmony (R > T, S > P: no dilemma): R, S, T, P = 4, 2, 3, 1."""
    names = (("cooperate", "defect"),) * 2
    return NamedGame(_symmetric_2x2(4, 2, 3, 1), names, "Akata et al. (2023)")


def deadlock() -> NamedGame:
    """Deadlock (T > P > R > S): R, S, T, P = 2, 1, 4, 3."""
    names = (("cooperate", "defect"),) * 2
    return NamedGame(_symmetric_2x2(2, 1, 4, 3), names, "Akata et al. (2023)")


def matching_pennies() -> NamedGame:
    """Matching Pennies: the row player wins on a match, the column player on a mismatch."""
    row = np.array([[1.0, -1.0], [-1.0, 1.0]])
    return NamedGame((row, -row), (("heads", "tails"),) * 2, "von Neumann (1928)")


def rock_paper_scissors() -> NamedGame:
    """Rock-Paper-Scissors, zero-sum, 1 for a win and -1 for a loss."""
    row = np.array([[0.0, -1.0, 1.0], [1.0, 0.0, -1.0], [-1.0, 1.0, 0.0]])
    return NamedGame((row, -row), (("rock", "paper", "scissors"),) * 2, "folk")


def _where(path: tuple[int, ...]) -> str:
    return "payoffs" + "".join(f"[{i}]" for i in path)


def _check_numbers(value: Any, path: tuple[int, ...]) -> None:
    """Walk a nested list and reject the first entry that is not a finite real number."""
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_numbers(item, (*path, i))
        return
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ConfigError(f"{_where(path)}: expected a number, got {value!r}")
    if not math.isfinite(float(value)):
        raise ConfigError(f"{_where(path)}: expected a finite number, got {value!r}")


def validate_payoffs(payoffs: Any) -> tuple[np.ndarray, ...]:
    """Check payoff arrays given in seat order and return them as float64 arrays.

    Raises ``ConfigError`` naming the first offending entry: not a list of one array per
    player, ragged rows, non-numbers, infinities, or shapes that disagree between players.
    """
    if isinstance(payoffs, np.ndarray):
        payoffs = list(payoffs)
    if not isinstance(payoffs, list | tuple) or len(payoffs) < 2:
        raise ConfigError(
            "payoffs: expected a list with one payoff array per player (at least 2), "
            f"got {payoffs!r}"
        )
    arrays = []
    for p, table in enumerate(payoffs):
        if isinstance(table, np.ndarray):
            table = table.tolist()
        _check_numbers(table, (p,))
        try:
            array = np.array(table, dtype=np.float64)
        except ValueError:
            raise ConfigError(
                f"{_where((p,))}: rows have different lengths (the array is ragged)"
            ) from None
        arrays.append(array)
    n_players = len(arrays)
    shape = arrays[0].shape
    if len(shape) != n_players:
        raise ConfigError(
            f"payoffs[0]: a {n_players}-player game needs a {n_players}-dimensional array "
            f"(one axis per player), got shape {shape}"
        )
    if min(shape) < 1:
        raise ConfigError(f"payoffs[0]: every player needs at least one action, got shape {shape}")
    for p, array in enumerate(arrays[1:], start=1):
        if array.shape != shape:
            raise ConfigError(
                f"payoffs[{p}]: shape {array.shape} differs from payoffs[0]'s shape {shape}; "
                "every player's array is indexed by all players' actions in seat order"
            )
    return tuple(arrays)


def own_first(payoffs: Sequence[np.ndarray], player: int) -> np.ndarray:
    """Player ``player``'s payoffs with its own action on axis 0, others in seat order."""
    table = np.asarray(payoffs[player], dtype=np.float64)
    return np.ascontiguousarray(np.moveaxis(table, player, 0))

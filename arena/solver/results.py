"""Result types shared by the equilibrium finders: frozen, typed and read-only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

__all__ = ["EquilibriumSet", "readonly"]


def readonly(array: np.ndarray) -> np.ndarray:
    """Return ``array`` flagged read-only, so a frozen result cannot change under its owner."""
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class EquilibriumSet:
    """Equilibria of a bimatrix game found by one method.

    Attributes
    ----------
    row : ndarray, shape (k, m)
        The row player's mixed strategy in each of the ``k`` equilibria.
    col : ndarray, shape (k, n)
        The column player's mixed strategy in each equilibrium.
    degenerate : bool
        True when the method met the game's degeneracy: a strategy with more pure best
        responses than the size of its support. A degenerate game may have equilibria the
        method does not list (support enumeration) or whole components of equilibria of
        which only extreme points are listed (vertex enumeration).
    method : str
        The algorithm that produced the set.
    """

    row: np.ndarray
    col: np.ndarray
    degenerate: bool
    method: str

    def __len__(self) -> int:
        return int(self.row.shape[0])

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        return zip(self.row, self.col, strict=True)

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        return self.row[index], self.col[index]

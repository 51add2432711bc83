"""Stage games for ``arena solve``: a registered matrix game id, or a TOML, JSON or CSV file.

File formats (payoffs in seat order, see :mod:`arena.games.matrix.payoffs`):

TOML or JSON
    ``payoffs = [A, B, ...]``, one array per player, or ``A = [[...]]`` with ``B = [[...]]``
    for a bimatrix game (``B`` left out: zero-sum, ``B = -A``). Optional: ``name``,
    ``players`` (names) and ``actions`` (one list of action names per player).
CSV
    One line per row action, one cell per column action. A cell holds both payoffs separated
    by ``;`` (``3;3``), or one number for a zero-sum game (the row player's payoff). An
    optional first line names the column actions and an optional first column the row
    actions (a first cell that is empty or not a number marks them).

A file with another extension (``.txt``, say) is refused rather than guessed at. Every way a
source can be wrong is one :class:`~arena.errors.ConfigError` line naming the file and the
place in it. Nothing here imports NumPy's heavy friends or Numba.
"""

from __future__ import annotations

import csv
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from arena.errors import ConfigError

__all__ = ["StageGame", "load_stage_game"]

FILE_SUFFIXES = (".toml", ".json", ".csv")


@dataclass(frozen=True)
class StageGame:
    """A normal-form game to solve: payoffs in seat order with names for people to read."""

    name: str
    payoffs: tuple[np.ndarray, ...]
    players: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.payoffs[0].shape)


def load_stage_game(source: str, params: dict[str, Any] | None = None) -> StageGame:
    """Read a stage game from a registered game id (with its parameters) or from a file."""
    path = Path(source)
    if path.suffix.lower() in FILE_SUFFIXES or path.exists():
        if params:
            raise ConfigError(f"{source}: --param applies to registered games, not to files")
        return _from_file(path)
    return _from_registry(source, params or {})


def _from_registry(game_id: str, params: dict[str, Any]) -> StageGame:
    from arena.registry import make_game

    if "/" not in game_id:
        raise ConfigError(
            f"{game_id}: not a file ending in {', '.join(FILE_SUFFIXES)} "
            "nor a registered game id such as matrix/prisoners-dilemma-v0"
        )
    env = make_game(game_id, **params)
    payoffs = getattr(env, "payoffs", None)
    if payoffs is None:
        raise ConfigError(f"{game_id}: has no payoff matrix to solve (the matrix/* games do)")
    n_players = len(payoffs)
    names = getattr(env, "action_names", None)
    actions = _action_names(names, payoffs[0].shape, game_id)
    players = tuple(getattr(env, "possible_agents", [f"player_{p}" for p in range(n_players)]))
    return StageGame(game_id, tuple(payoffs), players, actions)


def _from_file(path: Path) -> StageGame:
    if not path.is_file():
        raise ConfigError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix not in FILE_SUFFIXES:
        kind = f"a {suffix} file" if suffix else "a file without an extension"
        raise ConfigError(
            f"{path}: {kind} is not a payoff file; expected one ending in "
            f"{', '.join(FILE_SUFFIXES)}"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot be read ({error})") from None
    if suffix == ".csv":
        return _from_csv(path, text)
    if suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ConfigError(f"{path}: not valid JSON ({error})") from None
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path}: not valid TOML ({error})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a table with a 'payoffs' key or 'A' and 'B' keys")
    return _from_mapping(path, data)


def _from_mapping(path: Path, data: dict[str, Any]) -> StageGame:
    from arena.games.matrix.payoffs import validate_payoffs

    known = {"name", "players", "actions", "payoffs", "A", "B"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(
            f"{path}: unknown key {unknown[0]!r} (expected {', '.join(sorted(known))})"
        )
    if "payoffs" in data:
        if "A" in data or "B" in data:
            raise ConfigError(f"{path}: give either 'payoffs' or 'A' (and 'B'), not both")
        raw = data["payoffs"]
    elif "A" in data:
        raw = [data["A"], data["B"]] if "B" in data else None
    else:
        raise ConfigError(f"{path}: missing 'payoffs' (one array per player) or 'A' and 'B'")
    try:
        if raw is None:  # zero-sum: the column player gets the negative
            (row,) = validate_payoffs([data["A"], data["A"]])[:1]
            payoffs: tuple[np.ndarray, ...] = (row, -row)
        else:
            payoffs = validate_payoffs(raw)
    except ConfigError as error:
        message = str(error)
        if "A" in data:
            message = message.replace("payoffs[0]", "A").replace("payoffs[1]", "B")
        raise ConfigError(f"{path}: {message}") from None
    n_players = len(payoffs)
    players = data.get("players", [f"player_{p}" for p in range(n_players)])
    if (
        not isinstance(players, list)
        or len(players) != n_players
        or not all(isinstance(name, str) for name in players)
    ):
        raise ConfigError(f"{path}: players: expected {n_players} names, got {players!r}")
    actions = _action_names(data.get("actions"), payoffs[0].shape, str(path))
    name = data.get("name", path.stem)
    if not isinstance(name, str):
        raise ConfigError(f"{path}: name: expected a string, got {name!r}")
    return StageGame(name, payoffs, tuple(players), actions)


def _action_names(names: Any, shape: tuple[int, ...], where: str) -> tuple[tuple[str, ...], ...]:
    if names is None:
        return tuple(tuple(str(a) for a in range(size)) for size in shape)
    if not isinstance(names, list | tuple) or len(names) != len(shape):
        raise ConfigError(f"{where}: actions: expected one list of names per player")
    result = []
    for p, (player_names, size) in enumerate(zip(names, shape, strict=True)):
        if (
            not isinstance(player_names, list | tuple)
            or len(player_names) != size
            or not all(isinstance(name, str) for name in player_names)
        ):
            raise ConfigError(
                f"{where}: actions[{p}]: expected {size} names, got {list(player_names)!r}"
            )
        result.append(tuple(player_names))
    return tuple(result)


def _number(text: str, path: Path, line: int, column: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(
            f"{path}: line {line}, column {column}: {text.strip()!r} is not a number"
        ) from None
    if not np.isfinite(value):
        raise ConfigError(f"{path}: line {line}, column {column}: {text.strip()!r} is not finite")
    return value


def _is_number(text: str) -> bool:
    try:
        float(text.split(";")[0])
    except ValueError:
        return False
    return True


def _from_csv(path: Path, text: str) -> StageGame:
    rows = [row for row in csv.reader(text.splitlines()) if any(cell.strip() for cell in row)]
    if not rows:
        raise ConfigError(f"{path}: empty: expected one line per row action")
    first_line = 1
    column_names: list[str] | None = None
    if not any(_is_number(cell) for cell in rows[0]):
        column_names = [cell.strip() for cell in rows[0]]
        rows = rows[1:]
        first_line = 2
    if not rows:
        raise ConfigError(f"{path}: no payoffs after the header line")
    has_row_names = not _is_number(rows[0][0])
    if column_names is not None and has_row_names and len(column_names) == len(rows[0]):
        column_names = column_names[1:]  # the corner cell above the row names
    row_names = []
    cells: list[list[list[float]]] = []
    width = None
    for offset, row in enumerate(rows):
        line = first_line + offset
        if has_row_names:
            row_names.append(row[0].strip())
            row = row[1:]
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise ConfigError(f"{path}: line {line}: {len(row)} cells, the first row has {width}")
        parsed = []
        for column, cell in enumerate(row, start=2 if has_row_names else 1):
            parts = cell.split(";")
            if len(parts) > 2:
                raise ConfigError(
                    f"{path}: line {line}, column {column}: expected 'row;column' payoffs, "
                    f"got {cell.strip()!r}"
                )
            parsed.append([_number(part, path, line, column) for part in parts])
        cells.append(parsed)
    sizes = {len(cell) for row in cells for cell in row}
    if len(sizes) != 1:
        raise ConfigError(f"{path}: mix of one-number and 'row;column' cells; use one form")
    table = np.array(cells, dtype=np.float64)  # (m, n, 1 or 2)
    if table.shape[2] == 1:
        payoffs: tuple[np.ndarray, ...] = (table[:, :, 0], -table[:, :, 0])
    else:
        payoffs = (table[:, :, 0].copy(), table[:, :, 1].copy())
    m, n = payoffs[0].shape
    if column_names is not None and len(column_names) != n:
        raise ConfigError(f"{path}: line 1: {len(column_names)} column names for {n} columns")
    actions = (
        tuple(row_names) if has_row_names else tuple(str(i) for i in range(m)),
        tuple(column_names) if column_names is not None else tuple(str(j) for j in range(n)),
    )
    return StageGame(path.stem, payoffs, ("row", "column"), actions)

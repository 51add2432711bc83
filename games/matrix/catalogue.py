"""Factories behind the registered ``matrix/*`` ids: named stage games and ``custom-v0``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from arena.errors import ConfigError
from arena.games.matrix import payoffs as catalogue
from arena.games.matrix.payoffs import NamedGame
from arena.games.matrix.repeated import RepeatedMatrixGame, RepeatParams
from arena.validation import validate_model


def _repeated(game: NamedGame, name: str, params: dict[str, Any]) -> RepeatedMatrixGame:
    validate_model(RepeatParams, params)  # a named game takes no payoffs: say so, by key
    return RepeatedMatrixGame(
        game.payoffs, action_names=game.action_names, game_name=name, **params
    )


def prisoners_dilemma(*, variant: str = "axelrod", **params: Any) -> RepeatedMatrixGame:
    """``matrix/prisoners-dilemma-v0``; ``variant="akata"`` uses R, S, T, P = 8, 0, 10, 5."""
    return _repeated(catalogue.prisoners_dilemma(variant), "prisoners-dilemma", params)


def _named(factory: Callable[[], NamedGame], name: str) -> Callable[..., RepeatedMatrixGame]:
    def make(**params: Any) -> RepeatedMatrixGame:
        return _repeated(factory(), name, params)

    make.__name__ = name.replace("-", "_")
    make.__doc__ = f"``matrix/{name}-v0``: {factory.__doc__}"
    return make


battle_of_the_sexes = _named(catalogue.battle_of_the_sexes, "battle-of-the-sexes")
stag_hunt = _named(catalogue.stag_hunt, "stag-hunt")
chicken = _named(catalogue.chicken, "chicken")
harmony = _named(catalogue.harmony, "harmony")
deadlock = _named(catalogue.deadlock, "deadlock")
matching_pennies = _named(catalogue.matching_pennies, "matching-pennies")
rock_paper_scissors = _named(catalogue.rock_paper_scissors, "rock-paper-scissors")


def custom(
    *,
    payoffs: Any = None,
    action_names: Sequence[Sequence[str]] | None = None,
    **params: Any,
) -> RepeatedMatrixGame:
    """``matrix/custom-v0``: any payoff arrays, one per player in seat order."""
    if payoffs is None:
        raise ConfigError("payoffs: required for matrix/custom-v0 (one array per player)")
    if action_names is not None and (
        not isinstance(action_names, list | tuple)
        or not all(isinstance(names, list | tuple) for names in action_names)
    ):
        raise ConfigError(
            f"action_names: expected one list of names per player, got {action_names!r}"
        )
    return RepeatedMatrixGame(payoffs, action_names=action_names, **params)

"""What ``arena solve`` says about a stage game: equilibria, values and a short explanation.

The report picks the method that is complete for the game at hand: support enumeration for
nondegenerate two-player games of modest size, vertex enumeration (every extreme equilibrium)
for degenerate or larger ones, Lemke-Howson from every initial label beyond that, the zero-sum
LP when the game is constant-sum, and pure equilibria for any number of players. It returns
plain data (JSON-ready: every number finite, whatever the payoffs' scale) plus sentences, so
the CLI only formats. A method asked for that cannot apply to the game is a ``ConfigError``.
"""

from __future__ import annotations

import math
import sys
from math import comb
from typing import Any

import numpy as np

from arena.errors import ConfigError
from arena.solver._validation import unit_scale
from arena.stage_games import StageGame

__all__ = ["solve_report"]

# Equal-size support pairs beyond which vertex enumeration is preferred (10x10 has 184,755).
SUPPORT_ENUMERATION_LIMIT = 200_000
# Vertex enumeration is exponential too; beyond this many actions in all, Lemke-Howson only.
VERTEX_ENUMERATION_LIMIT = 24
DIGITS = 6
METHODS = ("auto", "support", "vertex", "lemke-howson")


def _rounded(value: float, scale: float = 1.0, digits: int = DIGITS + 3) -> float:
    """Rounded for people to read, without a negative zero: to ``digits`` decimals of the
    payoffs' scale (their largest absolute value; decimals of 1 for probabilities), so that
    rounding noise of any scale shows as 0 and tiny payoffs keep their digits."""
    if scale > 0.0:
        digits -= math.floor(math.log10(scale))
    return round(float(value), digits) + 0.0


def _strategy(probabilities: np.ndarray, names: tuple[str, ...]) -> dict[str, float]:
    """The actions played with positive probability, rounded for people to read."""
    return {names[a]: _rounded(p, digits=DIGITS) for a, p in enumerate(probabilities) if p > 1e-12}


def _pure_section(game: StageGame) -> list[dict[str, Any]]:
    from arena.solver.pure_equilibria import pure_equilibria

    payoffs = np.stack(game.payoffs)
    found = []
    for profile in pure_equilibria(payoffs):
        index = tuple(int(a) for a in profile)
        found.append(
            {
                "actions": [game.actions[p][a] for p, a in enumerate(index)],
                "payoffs": [float(table[index]) for table in game.payoffs],
            }
        )
    return found


def _two_player_equilibria(game: StageGame, method: str) -> tuple[str, list, bool, bool]:
    """Equilibria by the chosen (or the complete) method: (method, pairs, degenerate, complete)."""
    from arena.solver.support_enumeration import is_degenerate, support_enumeration

    A, B = game.payoffs
    m, n = A.shape
    pairs_to_try = comb(m + n, m) - 1
    if method == "auto":
        if pairs_to_try <= SUPPORT_ENUMERATION_LIMIT and not is_degenerate(A, B):
            method = "support"
        elif m + n <= VERTEX_ENUMERATION_LIMIT:
            method = "vertex"
        else:
            method = "lemke-howson"
    if method == "support":
        found = support_enumeration(A, B)
        return "support enumeration", list(found), found.degenerate, not found.degenerate
    if method == "vertex":
        from arena.solver.vertex_enumeration import vertex_enumeration

        found = vertex_enumeration(A, B)
        return "vertex enumeration", list(found), found.degenerate, True
    from arena.solver.lemke_howson import lemke_howson

    pairs: list[tuple[np.ndarray, np.ndarray]] = []
    for label in range(m + n):
        result = lemke_howson(A, B, initial_label=label)
        if result.converged and not any(
            np.allclose(result.row, x, atol=1e-9) and np.allclose(result.col, y, atol=1e-9)
            for x, y in pairs
        ):
            pairs.append((result.row, result.col))
    return "Lemke-Howson from every initial label", pairs, False, False


def _zero_sum_section(game: StageGame, scale: float) -> dict[str, Any] | None:
    """Value and optimal strategies when the two payoffs always add up to the same amount.

    The sums are taken at unit scale (one exact power of two for both players), so neither
    the test nor the sum overflows; a constant beyond float64's range is a ``ConfigError``.
    """
    unit, exponent, largest = unit_scale(np.stack(game.payoffs), leading=0)
    total = unit[0] + unit[1]
    if not np.allclose(total, total.flat[0], rtol=0, atol=1e-12 * float(largest)):
        return None
    with np.errstate(over="ignore"):
        constant = float(np.ldexp(total.flat[0], exponent))
    if not math.isfinite(constant):
        raise ConfigError(
            f"{game.name}: the players' payoffs add up to more than the largest float64 "
            f"({sys.float_info.max:.4g}); scale them down"
        )
    from arena.solver.zero_sum import zero_sum_value

    solution = zero_sum_value(game.payoffs[0])
    return {
        "constant": _rounded(constant, scale),
        "value": _rounded(solution.value, scale),
        "row": _strategy(solution.row, game.actions[0]),
        "column": _strategy(solution.col, game.actions[1]),
    }


def solve_report(game: StageGame, method: str = "auto") -> dict[str, Any]:
    """Solve ``game`` and describe the result.

    Parameters
    ----------
    game : StageGame
        Payoffs in seat order and names.
    method : {"auto", "support", "vertex", "lemke-howson"}
        How to find the mixed equilibria of a two-player game; ``auto`` picks a complete
        method when one is affordable.

    Returns
    -------
    dict
        ``game``, ``players``, ``actions``, ``pure_equilibria``, for two players
        ``equilibria`` (with ``method``, ``degenerate`` and ``complete``) and ``zero_sum``
        (or None), and ``explanation``: sentences for people.
    """
    if method not in METHODS:
        raise ConfigError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    shape = game.shape
    if method != "auto" and len(shape) != 2:
        raise ConfigError(
            f"{game.name}: method {method!r} finds mixed equilibria of two-player games; "
            f"this game has {len(shape)} players (use the default method, auto)"
        )
    report: dict[str, Any] = {
        "game": game.name,
        "players": list(game.players),
        "actions": [list(names) for names in game.actions],
        "pure_equilibria": _pure_section(game),
    }
    explanation = [
        f"{len(shape)} players with {' x '.join(str(s) for s in shape)} actions.",
    ]
    pure_count = len(report["pure_equilibria"])
    explanation.append(
        f"{pure_count} pure-strategy equilibri{'um' if pure_count == 1 else 'a'} "
        "(no player gains by changing action alone)."
    )
    if len(shape) != 2:
        explanation.append("Mixed equilibria of games with more than two players are not computed.")
        report["explanation"] = explanation
        return report

    used, pairs, degenerate, complete = _two_player_equilibria(game, method)
    # Expected payoffs at unit scale, scaled back: no overflow near 1e308, no lost digits for
    # subnormal payoffs.
    unit, exponents, _ = unit_scale(np.stack(game.payoffs))
    scale = float(np.abs(np.stack(game.payoffs)).max())
    equilibria = []
    for x, y in pairs:
        values = [float(np.ldexp(x @ unit[p] @ y, exponents[p])) for p in range(2)]
        equilibria.append(
            {
                "strategies": [
                    _strategy(np.asarray(x), game.actions[0]),
                    _strategy(np.asarray(y), game.actions[1]),
                ],
                "payoffs": [_rounded(value, scale) for value in values],
            }
        )
    report["equilibria"] = {
        "method": used,
        "degenerate": degenerate,
        "complete": complete,
        "list": equilibria,
    }
    count = len(equilibria)
    sentence = f"{count} equilibri{'um' if count == 1 else 'a'} by {used}"
    if used == "vertex enumeration":
        sentence += ": every extreme equilibrium"
        if degenerate:
            sentence += (
                "; the game is degenerate, so convex combinations of equilibria that share "
                "supports can be equilibria too"
            )
    elif used == "support enumeration":
        sentence += ": the game is nondegenerate, so this list is complete"
        if degenerate:
            sentence = (
                f"{count} equilibri{'um' if count == 1 else 'a'} by support enumeration; "
                "the game is degenerate, so equilibria with unequal supports or whole "
                "components may be missing (use --method vertex)"
            )
    else:
        sentence += "; other equilibria may exist"
    explanation.append(sentence + ".")
    zero_sum = _zero_sum_section(game, scale)
    report["zero_sum"] = zero_sum
    if zero_sum is not None:
        explanation.append(
            f"Constant-sum (payoffs add up to {zero_sum['constant']:g}): the row player can "
            f"guarantee {zero_sum['value']:g} and the column player can hold them to it."
        )
    report["explanation"] = explanation
    return report

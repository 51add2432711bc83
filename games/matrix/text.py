"""The text protocol of repeated matrix games: rules and history in words, replies to moves.

The wording follows Akata et al. (2023): options carry neutral labels (``J`` and ``F`` by
default) so that a model's priors about "cooperate" and "defect" do not leak in, every round
recalls the history, and the question asks for one option. Labels stay bound to actions; with
``shuffle`` only the order in which options are listed changes, drawn per round from ``seed``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from arena.errors import ConfigError, MoveError

DEFAULT_TWO_LABELS = ("J", "F")
_LABEL = re.compile(r"^[A-Za-z0-9]{1,16}$")
_OPTION = re.compile(r"\boption\s*[:#\-]?\s*[\"'*`(\[]*([A-Za-z0-9]+)", re.IGNORECASE)


def _default_labels(n: int) -> tuple[str, ...]:
    if n == 2:
        return DEFAULT_TWO_LABELS
    return tuple(chr(ord("A") + k) if k < 26 else f"A{k}" for k in range(n))


def _points(value: float) -> str:
    return f"{value:g} point" + ("" if value == 1 else "s")


@dataclass(frozen=True)
class MatrixTextProtocol:
    """Tells one player the repeated game in words and reads its replies.

    Parameters
    ----------
    payoffs : every player's payoffs, each oriented with *this* player's action on axis 0 and
        the others' actions after it in seat order (``payoffs[0]`` is this player's own).
    horizon : the number of rounds, or ``None`` when a continuation draw ends the game.
    labels : one short alphanumeric label per action of this player.
    shuffle : list the options in a fresh random order every round.
    seed : seeds the per-round order when ``shuffle`` is set.
    """

    payoffs: tuple[np.ndarray, ...]
    horizon: int | None
    continuation: float | None = None
    labels: tuple[str, ...] | None = None
    shuffle: bool = False
    seed: int = 0
    _lookup: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        n = self.payoffs[0].shape[0]
        labels = _default_labels(n) if self.labels is None else tuple(self.labels)
        if len(labels) != n:
            raise ConfigError(f"labels: expected {n} labels, one per action, got {len(labels)}")
        for label in labels:
            if not isinstance(label, str) or not _LABEL.match(label):
                raise ConfigError(f"labels: {label!r} is not 1-16 letters or digits")
        if len({label.lower() for label in labels}) != n:
            raise ConfigError(f"labels: must differ ignoring case, got {list(labels)}")
        object.__setattr__(self, "labels", labels)
        object.__setattr__(self, "_lookup", {label.lower(): k for k, label in enumerate(labels)})

    @property
    def options(self) -> tuple[str, ...]:
        """Every option as the player should write it, in action order."""
        return tuple(f"Option {label}" for label in self.labels or ())

    def _others(self) -> str:
        return "the other player" if len(self.payoffs) == 2 else "the other players"

    def _joint_sentence(self, joint: Sequence[int]) -> str:
        """'If you choose Option J and the other player chooses Option F, ...' for one profile."""
        mine, *theirs = joint
        labels = self.labels or ()
        if len(self.payoffs) == 2:
            who = f"the other player chooses Option {self._their_label(theirs[0])}"
            gains = (
                f"you win {_points(self.payoffs[0][tuple(joint)])} and the other player wins "
                f"{_points(self.payoffs[1][tuple(joint)])}"
            )
        else:
            who = " and ".join(f"player {k + 1} chooses option {a}" for k, a in enumerate(theirs))
            gains = ", ".join(
                [f"you win {_points(self.payoffs[0][tuple(joint)])}"]
                + [
                    f"player {k} wins {_points(self.payoffs[k][tuple(joint)])}"
                    for k in range(1, len(self.payoffs))
                ]
            )
        return f"If you choose Option {labels[mine]} and {who}, then {gains}."

    def _their_label(self, action: int) -> str:
        # In a two-player game the other player's options carry the same labels when it has
        # the same number of actions (symmetric presentation, as in Akata et al.).
        labels = self.labels or ()
        return labels[action] if action < len(labels) else str(action)

    def rules(self, role: str = "") -> str:
        """The rules as the player reads them once, before the first round."""
        n_players = len(self.payoffs)
        opponents = "another player" if n_players == 2 else f"{n_players - 1} other players"
        options = " and ".join(", ".join(self.options).rsplit(", ", 1))
        if self.horizon is not None:
            partner = "player" if n_players == 2 else "players"
            length = f"You will play {self.horizon} rounds in total with the same {partner}."
        else:
            length = (
                "After each round another round follows with probability "
                f"{self.continuation:g}; nobody knows in advance how many rounds there will be."
            )
        shapes = [range(s) for s in self.payoffs[0].shape]
        sentences = [self._joint_sentence(joint) for joint in itertools.product(*shapes)]
        return "\n".join(
            [
                f"You are playing a game repeatedly with {opponents}. "
                f"In this game, you can choose between {options}. {length}",
                "The rules of the game are as follows:",
                *sentences,
            ]
        )

    def _round_options(self, round_index: int) -> list[str]:
        options = list(self.options)
        if self.shuffle:
            order = np.random.default_rng([self.seed, round_index]).permutation(len(options))
            options = [options[k] for k in order]
        return options

    def describe(self, observation: dict[str, Any]) -> str:
        """The history so far and the question for this round."""
        played = int(observation["round"])
        history = observation["history"]
        rewards = observation["rewards"]
        labels = self.labels or ()
        lines = []
        for t in range(played):
            mine, *theirs = (int(a) for a in history[t])
            them = ", ".join(f"Option {self._their_label(a)}" for a in theirs)
            others_won = " and ".join(f"{_points(float(r))}" for r in rewards[t][1:])
            lines.append(
                f"In round {t + 1}, you chose Option {labels[mine]} and {self._others()} "
                f"chose {them}. Thus, you won {_points(float(rewards[t][0]))} and "
                f"{self._others()} won {others_won}."
            )
        if played:
            lines.append(f"You have {_points(float(rewards[:played, 0].sum()))} in total so far.")
        total = f" of {self.horizon}" if self.horizon is not None else ""
        options = self._round_options(played)
        question = (
            " or ".join([", ".join(options[:-1]), options[-1]]) if len(options) > 1 else options[0]
        )
        lines.append(f"You are now in round {played + 1}{total}.")
        lines.append(f"Q: Which option do you choose, {question}? Answer with the option only.")
        return "\n".join(lines)

    def parse(self, reply: str, observation: dict[str, Any] | None = None) -> int:
        """The action a reply names; ``MoveError`` says why when it names none or several (every
        option is legal in every round, so ``observation`` is not needed)."""
        if not isinstance(reply, str) or not reply.strip():
            raise MoveError("the reply is empty; " + self._expected(), fault="empty")
        named = {m.group(1).lower() for m in _OPTION.finditer(reply)}
        known = {label for label in named if label in self._lookup}
        if len(known) == 1:
            return self._lookup[known.pop()]
        if len(known) > 1:
            chosen = ", ".join(f"Option {self.labels[self._lookup[x]]}" for x in sorted(known))  # type: ignore[index]
            raise MoveError(f"the reply names several options ({chosen}); " + self._expected())
        bare = reply.strip().strip(".!*`'\"()[] ").lower()
        if bare in self._lookup:
            return self._lookup[bare]
        if named:
            unknown = ", ".join(sorted(named))
            raise MoveError(
                f"there is no option {unknown} in this game; " + self._expected(), fault="illegal"
            )
        raise MoveError("the reply names no option; " + self._expected())

    def _expected(self) -> str:
        return "answer with exactly one of: " + ", ".join(self.options)

    def legal_moves(self, observation: dict[str, Any]) -> list[str]:
        """The replies that are legal now, for the retry message."""
        return list(self.options)

    def schema(self, observation: dict[str, Any]) -> dict[str, Any]:
        """A JSON schema whose only instances are legal replies: ``{"move": "Option J"}``, for
        providers that can constrain decoding to it (the ``move`` is then parsed as usual)."""
        return {
            "type": "object",
            "properties": {"move": {"type": "string", "enum": self.legal_moves(observation)}},
            "required": ["move"],
            "additionalProperties": False,
        }

    def fallback(self, observation: dict[str, Any]) -> int:
        """The declared fallback: one's own last realised action (the first option at first)."""
        played = int(observation["round"])
        return int(observation["history"][played - 1][0]) if played else 0

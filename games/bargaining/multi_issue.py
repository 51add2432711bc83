"""Deal or No Deal: divide a pool of books, hats and balls that each side values privately.

=====================  ===============================================================
Id                     ``bargaining/multi-issue-v0``
Agents                 ``player_0``, ``player_1`` (``player_0`` proposes first)
Moves                  turn-based (AEC API), alternating: propose a division (what the
                       proposer keeps of each item type) or accept the other's proposal
Information            private: each player's values for the three item types; public:
                       the pool and every proposal
Action space           ``Dict``: ``act`` (``Discrete(2)``: 0 propose, 1 accept), ``keep``
                       (``MultiDiscrete([8, 8, 8])``: items the proposer keeps), ``message``
Observation space      ``Dict``: ``seat``, ``turn``, ``pool`` (items of each type),
                       ``values`` (own values), ``standing`` (what the other's proposal on
                       the table leaves me, -1 = none), ``history`` (one row per move: seat,
                       act, the three kept counts; -1 = not yet), ``messages``
Payoffs                agreement: each player's values times the items it gets; no agreement
                       after ``max_turns`` moves: 0 each
End                    an acceptance, or ``max_turns`` moves; ``infos[agent]`` then holds
                       ``payoffs``, ``deal``, ``allocation``, ``turns_used``, ``closed_by``
=====================  ===============================================================

Arguments
---------
max_turns : the most moves in a game (default 10), as in OpenSpiel's ``bargaining``.
instance : one instance in OpenSpiel's format, ``"pool values_0 values_1"``, e.g.
    ``"1,2,3 8,1,0 4,0,2"``.
instances : a file of such instances, one a line; each game plays the line its seed draws.

Without either, each reset draws an instance from the seed the way OpenSpiel's instance
generator does (Lewis et al. 2017): 5 to 7 items of 3 types, each type at least one, integer
values from 0 to 10 with every player's pool worth exactly 10, every type valued by someone
and some type valued by both.

A proposal keeping more items of a type than the pool holds keeps the whole pool of that type;
an acceptance with no proposal on the table is read as a proposal. The text protocol asks for
exactly the legal moves, so these readings only matter to programs that sample the space.

Version history
---------------
v0: first release.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Literal

import gymnasium
import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from arena.errors import ConfigError
from arena.games.bargaining.messages import message_space
from arena.games.bargaining.negotiation import Negotiation
from arena.validation import validate_model

SEATS = ("player_0", "player_1")
ITEMS = ("book", "hat", "ball")
PROPOSE, ACCEPT = 0, 1
N_TYPES = 3
POOL_MIN, POOL_MAX = 5, 7
TOTAL_VALUE = 10
NONE = -1


@dataclass(frozen=True)
class Instance:
    """A pool of items and what each player values one item of each type at."""

    pool: tuple[int, int, int]
    values: tuple[tuple[int, int, int], tuple[int, int, int]]

    def __str__(self) -> str:
        parts = [self.pool, *self.values]
        return " ".join(",".join(str(x) for x in part) for part in parts)


def parse_instance(text: str, where: str = "instance") -> Instance:
    """An instance from OpenSpiel's ``"pool values_0 values_1"``; errors name ``where``."""
    parts = text.split()
    try:
        numbers = [[int(x) for x in part.split(",")] for part in parts]
    except ValueError:
        raise ConfigError(
            f"{where}: {text!r} is not 'pool values_0 values_1' of integers"
        ) from None
    if len(numbers) != 3 or any(len(part) != N_TYPES for part in numbers):
        raise ConfigError(
            f"{where}: expected three groups of {N_TYPES} numbers (pool, values of player_0, "
            f"values of player_1), got {text!r}"
        )
    pool, *values = numbers
    if any(n < 1 for n in pool) or not POOL_MIN <= sum(pool) <= POOL_MAX:
        raise ConfigError(
            f"{where}: the pool {pool} must hold {POOL_MIN} to {POOL_MAX} items, at least one "
            "of each type"
        )
    for seat, own in enumerate(values):
        total = sum(v * n for v, n in zip(own, pool))
        if any(v < 0 for v in own) or total != TOTAL_VALUE:
            raise ConfigError(
                f"{where}: the values of player_{seat} {own} give the pool a worth of {total}; "
                f"they must be non-negative and sum to {TOTAL_VALUE} over the pool"
            )
    return Instance(tuple(pool), (tuple(values[0]), tuple(values[1])))  # type: ignore[arg-type]


@cache
def _valid_instances() -> np.ndarray:
    """Every instance OpenSpiel's generator can produce, one row (pool, values_0, values_1).

    The generator draws a pool and two value vectors uniformly and keeps the first draw that
    is valid, so the instance it returns is uniform over the valid ones: drawing a row of this
    table uniformly gives the same distribution without tens of thousands of rejections.
    """
    span = range(1, POOL_MAX + 1)
    vectors = np.array(list(itertools.product(range(TOTAL_VALUE + 1), repeat=N_TYPES)))
    rows = []
    for pool in itertools.product(span, repeat=N_TYPES):
        if not POOL_MIN <= sum(pool) <= POOL_MAX:
            continue
        fits = vectors[vectors @ np.array(pool) == TOTAL_VALUE]
        v0 = np.repeat(fits, len(fits), axis=0)
        v1 = np.tile(fits, (len(fits), 1))
        valued = np.all((v0 > 0) | (v1 > 0), axis=1)  # every type valued by someone
        shared = np.any((v0 > 0) & (v1 > 0), axis=1)  # some type valued by both
        keep = valued & shared
        block = np.hstack([np.tile(pool, (int(keep.sum()), 1)), v0[keep], v1[keep]])
        rows.append(block)
    table = np.vstack(rows).astype(np.int64)
    table.flags.writeable = False
    return table


def draw_instance(rng: np.random.Generator) -> Instance:
    """One instance, distributed as OpenSpiel's generator draws them (see ``_valid_instances``)."""
    row = _valid_instances()[int(rng.integers(len(_valid_instances())))]
    pool, v0, v1 = (tuple(int(x) for x in row[k : k + N_TYPES]) for k in (0, 3, 6))
    return Instance(pool, (v0, v1))  # type: ignore[arg-type]


def read_instances(path: str) -> list[Instance]:
    """Every instance in a file, one a line (blank lines and ``#`` comments skipped)."""
    file = Path(path)
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise ConfigError(f"instances: cannot read {path} ({error.strerror})") from None
    found = [
        parse_instance(line, f"{path}, line {k}")
        for k, line in enumerate(lines, 1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not found:
        raise ConfigError(f"instances: {path} holds no instance")
    return found


class MultiIssueParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    max_turns: int = Field(10, ge=1, le=1000)
    instance: str | None = None
    instances: str | None = None
    render_mode: Literal["ansi"] | None = None


def division(keep: Sequence[int], message: str = "") -> dict[str, Any]:
    """A proposal in which the proposer keeps ``keep`` (books, hats, balls)."""
    return {"act": PROPOSE, "keep": np.array(keep, dtype=np.int64), "message": message}


def acceptance(message: str = "") -> dict[str, Any]:
    """An acceptance of the other side's proposal."""
    return {"act": ACCEPT, "keep": np.zeros(N_TYPES, dtype=np.int64), "message": message}


class MultiIssueGame(Negotiation):
    """Two players divide a pool of three item types, proposing in turn."""

    move_keys = ("act", "keep", "message")
    metadata: ClassVar[dict[str, Any]] = {
        "name": "multi_issue_v0",
        "render_modes": ["ansi"],
        "is_parallelizable": False,
    }

    def __init__(self, **params: Any) -> None:
        super().__init__()
        self.params = validate_model(MultiIssueParams, params)
        p = self.params
        if p.instance is not None and p.instances is not None:
            raise ConfigError("instance and instances: give one or the other")
        self.fixed = parse_instance(p.instance) if p.instance is not None else None
        self.file = read_instances(p.instances) if p.instances is not None else None
        self.render_mode = p.render_mode
        self.possible_agents = list(SEATS)
        self.agents: list[str] = []
        self._action_spaces = {
            seat: gymnasium.spaces.Dict(
                {
                    "act": gymnasium.spaces.Discrete(2),
                    "keep": gymnasium.spaces.MultiDiscrete([POOL_MAX + 1] * N_TYPES),
                    "message": message_space(),
                }
            )
            for seat in SEATS
        }
        observation_space = gymnasium.spaces.Dict(
            {
                "seat": gymnasium.spaces.Discrete(2),
                "turn": gymnasium.spaces.Discrete(p.max_turns + 1),
                "pool": gymnasium.spaces.Box(0, POOL_MAX, (N_TYPES,), np.int64),
                "values": gymnasium.spaces.Box(0, TOTAL_VALUE, (N_TYPES,), np.int64),
                "standing": gymnasium.spaces.Box(NONE, POOL_MAX, (N_TYPES,), np.int64),
                "history": gymnasium.spaces.Box(
                    NONE, POOL_MAX, (p.max_turns, 2 + N_TYPES), np.int64
                ),
                "messages": gymnasium.spaces.Tuple([message_space()] * p.max_turns),
            }
        )
        self._observation_spaces = dict.fromkeys(SEATS, observation_space)
        self.instance = self.fixed or Instance((1, 2, 3), ((8, 1, 0), (4, 0, 2)))

    def reset(self, seed: int | None = None, options: Mapping[str, Any] | None = None) -> None:
        rng = np.random.default_rng(seed)
        self._start(SEATS[0], seed)
        if self.fixed is not None:
            self.instance = self.fixed
        elif self.file is not None:
            self.instance = self.file[int(rng.integers(len(self.file)))]
        else:
            self.instance = draw_instance(rng)
        self.pool = np.array(self.instance.pool, dtype=np.int64)
        self.values = np.array(self.instance.values, dtype=np.int64)
        self.proposal: np.ndarray | None = None  # what the last proposer keeps
        self.proposer: int | None = None
        self.history = np.full((self.params.max_turns, 2 + N_TYPES), NONE, dtype=np.int64)
        self.messages = [""] * self.params.max_turns
        self.deal = False
        self.closed_by: str | None = None

    def observe(self, agent: str) -> dict[str, Any]:
        seat = SEATS.index(agent)
        standing = np.full(N_TYPES, NONE, dtype=np.int64)
        if self.proposal is not None and self.proposer != seat:
            standing = self.pool - self.proposal
        return {
            "seat": seat,
            "turn": self.turn,
            "pool": self.pool.copy(),
            "values": self.values[seat].copy(),
            "standing": standing,
            "history": self.history.copy(),
            "messages": tuple(self.messages),
        }

    def public_info(self) -> dict[str, Any]:
        """What both may know: the item names (the pool is in every observation)."""
        return {"items": list(ITEMS), "max_turns": self.params.max_turns}

    def _check(self, agent: str, action: Mapping[str, Any]) -> np.ndarray | None:
        """``None`` for an acceptance, else the counts kept (capped at the pool)."""
        if int(action["act"]) == ACCEPT and self.proposal is not None:
            return None
        keep = np.asarray(action["keep"], dtype=np.int64).reshape(-1)
        if keep.shape != (N_TYPES,) or np.any(keep < 0):
            raise ValueError(f"{agent}: keep must be {N_TYPES} counts, got {action['keep']!r}")
        return np.minimum(keep, self.pool)

    def _play(self, agent: str, move: np.ndarray | None) -> bool:
        seat = SEATS.index(agent)
        if move is None:
            self.history[self.turn] = (seat, ACCEPT, NONE, NONE, NONE)
            self.deal, self.closed_by = True, agent
        else:
            self.proposal, self.proposer = move, seat
            self.history[self.turn] = (seat, PROPOSE, *move)
        self.agent_selection = SEATS[1 - seat]
        return self.deal or self.turn + 1 >= self.params.max_turns

    def allocation(self) -> dict[str, list[int]] | None:
        """Who gets what, if they agreed."""
        if not self.deal or self.proposal is None or self.proposer is None:
            return None
        kept = self.proposal
        split = {SEATS[self.proposer]: kept, SEATS[1 - self.proposer]: self.pool - kept}
        return {seat: [int(x) for x in split[seat]] for seat in SEATS}

    def payoffs(self) -> dict[str, float]:
        """Each player's value of what it gets (0 each without agreement)."""
        allocation = self.allocation()
        if allocation is None:
            return dict.fromkeys(SEATS, 0.0)
        return {
            seat: float(np.dot(self.values[k], allocation[seat])) for k, seat in enumerate(SEATS)
        }

    def outcome(self) -> dict[str, Any]:
        """The instance, whether they agreed and on what."""
        return {
            "instance": str(self.instance),
            "deal": self.deal,
            "allocation": self.allocation(),
            "turns_used": self.turn,
            "closed_by": self.closed_by,
        }

    def metrics(self) -> dict[str, Any]:
        """The solver's yardsticks for the finished game (``yardsticks.multi_issue``)."""
        from arena.games.bargaining import yardsticks

        payoffs = self.payoffs()
        return yardsticks.multi_issue(
            self.instance.pool, self.instance.values, (payoffs["player_0"], payoffs["player_1"])
        )

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        lines = [f"multi-issue: pool {self.instance.pool}, move {self.turn}"]
        for t in range(self.turn):
            seat, act, *keep = (int(x) for x in self.history[t])
            what = "accepts" if act == ACCEPT else f"keeps {keep}"
            lines.append(f"  {SEATS[seat]} {what}  {self.messages[t]}")
        return "\n".join(lines)

    def text_protocol(self, agent: str, **options: Any) -> Any:
        """How ``agent`` is told this game in words and how its replies become moves."""
        from arena.games.bargaining.multi_issue_text import MultiIssueText

        options.pop("seed", None)
        if options:
            raise ConfigError(
                f"bargaining/multi-issue-v0 takes no {', '.join(sorted(options))} option"
            )
        return MultiIssueText(max_turns=self.params.max_turns, seat=agent)

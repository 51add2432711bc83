"""Werewolf: hidden roles, night kills, discussion and votes (Werewolf Arena's setting by default).

=====================  ===============================================================
Id                     ``social/werewolf-v0``
Agents                 ``player_0`` ... ``player_{n-1}`` (``players``, 5 to 15, default 8),
                       called by their ``names`` in the text protocol
Moves                  turn-based (AEC API), typed by phase (``PHASES``): a wolves-only
                       message, a night target, a bid for the floor, a speech, a vote; a
                       dead player is never asked again (it only observes)
Information            private: one's role; the wolves know each other and see their own
                       channel (messages, votes, the victim); the seer sees its checks;
                       the doctor sees whom it protected. Public: who is alive, every
                       speech, every day vote, every death (with its role if
                       ``reveal_role``), the run-offs
Action space           ``Dict``: ``target`` (``Discrete(n + 1, start=-1)``: a player,
                       -1 none), ``bid`` (``Discrete(5)``), ``message`` (``Text``); a move
                       uses the field its phase asks for and ignores the others
Observation space      ``Dict``: ``seat``, ``role`` (own), ``phase``, ``day``, ``alive``,
                       ``roles`` (the roles this seat knows, -1 unknown), ``seer_checks``
                       (the seer's own: 1 wolf, 0 village, -1 unchecked), ``protected``
                       (the doctor's own last protection, -1), ``legal`` (the targets it
                       may name now), ``asked`` (1 when its move is awaited now),
                       ``log`` (every event it may see, in order: a ``Sequence`` of
                       ``Event`` tuples)
Rewards                at the end only: 1 to every player of the winning team (living or
                       dead), 0 to the losers, 0.5 to everyone when ``max_days`` ends it
End                    the villagers win when no werewolf lives; the werewolves when they
                       are at least as many as the others (checked after every death);
                       after day ``max_days`` the game is truncated (no winner).
                       ``infos[agent]`` then holds ``payoffs`` and the ``outcome``
=====================  ===============================================================

Arguments
---------
players : 5 to 15 (default 8).
roles : one role per seat in seat order (``werewolf``, ``seer``, ``doctor``, ``villager``);
    otherwise the roles are dealt from the seed: ``werewolves`` wolves (default: a quarter of
    the players, at least one: 2 of 8), a seer and a doctor (``seer``, ``doctor``: whether
    there is one, default true), the others villagers. Werewolf Arena's 8 players are
    2 werewolves, 1 seer, 1 doctor and 4 villagers. At least one wolf, fewer wolves than
    others.
names : one name per seat for the text protocol (default: the first names of Werewolf
    Arena's list, Derek, Scott, Jacob, ...): 1 to 20 letters, digits, spaces, ``-``, ``'``;
    distinct ignoring case.
wolf_chat : whether the wolves talk in their channel before their night vote (default true).
discussion_rounds : rounds of discussion a day (default 2), at least 0.
speaking : ``"seeded"`` (default): in a round each living player speaks once, in an order
    drawn from the seed; ``"bidding"``: Werewolf Arena's floor bidding, as many speeches a
    round as players alive, each given to the highest of the bids (0 to 4) of every living
    player but the last speaker; a tie goes to a tied player named in the last speech, then
    to a draw from the seed.
day_vote : whether each day ends with a vote (default true). A day with no discussion and
    no vote is refused.
tie : what a tied day vote does: ``"none"`` (default: nobody is eliminated) or
    ``"runoff"`` (a second vote among the tied players; tied again, nobody is eliminated).
reveal_role : whether a dead player's role is announced (default false, as Werewolf Arena).
doctor_repeat : whether the doctor may protect the same player two nights in a row
    (default true); doctor_self : whether it may protect itself (default true).
max_days : the most days (default 10); when day ``max_days`` ends undecided the game is
    truncated.
max_speech : the most characters of a speech or a wolves' message (default 1,000).

The rules in detail
-------------------
The game opens at night 1. At night the living wolves first speak in their channel (if
``wolf_chat``), one message each in an order drawn from the seed; then, all at once, each
living wolf votes for a victim among the living non-wolves, the seer names a living player
to check (not itself) and the doctor names a living player to protect. The victim is the
wolves' plurality choice (a tie drawn from the seed). At dawn the victim dies unless the
doctor protected it; the death, or that nobody died, is announced. The seer learns the
checked player's team (wolf or village), the wolves their votes and the victim.

By day, after ``discussion_rounds`` of speeches, every living player votes, all at once, for
another living player; the votes are then published. The player with the most votes is
eliminated; a tie eliminates nobody, or goes to a run-off among the tied players (every
living player but the candidates votes among them; a candidate votes for another candidate).

Moves that are asked for together (the night's targets, the bids of one turn, the votes) are
sealed: no one's observation changes until the last of them is in, so asking them all at
once (``simultaneous``) is the same as asking them in turn. An illegal move (a target not in
``legal``, a speech too long or with unprintable characters, a bid outside 0 to 4, a
malformed action) raises ``ValueError`` before anything changes.

Version history
---------------
v0: first release.
"""

from __future__ import annotations

import functools
import random
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any, ClassVar, Literal, NamedTuple

import gymnasium
import numpy as np
from pettingzoo import AECEnv
from pydantic import BaseModel, ConfigDict, Field

from arena.errors import ConfigError
from arena.games.bargaining.messages import message_characters, message_space
from arena.validation import validate_model

ROLES = ("villager", "werewolf", "seer", "doctor")
VILLAGER, WEREWOLF, SEER, DOCTOR = range(4)
TEAMS = ("village", "werewolves")
VILLAGE, WOLVES = range(2)
PHASES = ("wolf_chat", "night", "bid", "speech", "vote", "runoff", "over")
WOLF_CHAT, NIGHT, BID, SPEECH, VOTE, RUNOFF, OVER = range(len(PHASES))
SEALED = frozenset({NIGHT, BID, VOTE, RUNOFF})  # phases whose moves are asked for together
EVENTS = (
    "wolf_chat",  # wolves: actor's message
    "wolf_vote",  # wolves: actor voted for target
    "wolf_victim",  # wolves: the pack chose target
    "seer_check",  # seer: target's team is value
    "protect",  # doctor: it protected target
    "death",  # all: target died in the night (value: its role, or -1)
    "no_death",  # all: nobody died in the night
    "speech",  # all: actor said text
    "vote",  # all: actor voted for target (value 0: the day vote, 1: the run-off)
    "runoff",  # all: target is in the run-off
    "eliminated",  # all: target was voted out (value: its role, or -1)
    "no_elimination",  # all: the vote eliminated nobody
)
(
    E_WOLF_CHAT,
    E_WOLF_VOTE,
    E_WOLF_VICTIM,
    E_SEER_CHECK,
    E_PROTECT,
    E_DEATH,
    E_NO_DEATH,
    E_SPEECH,
    E_VOTE,
    E_RUNOFF,
    E_ELIMINATED,
    E_NO_ELIMINATION,
) = range(len(EVENTS))
MAX_BID = 4
NONE = -1
DRAW = 0.5  # each player's reward when max_days ends the game undecided
# Werewolf Arena's names (werewolf/config.py: "names of famous Werewolves according to
# Wikipedia"), in its order.
NAMES = (
    "Derek", "Scott", "Jacob", "Isaac", "Hayley", "David", "Tyler", "Ginger",
    "Jackson", "Mason", "Dan", "Bert", "Will", "Sam", "Paul", "Leah", "Harold",
)  # fmt: skip
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 '\-]{0,19}$")


class Event(NamedTuple):
    """One thing that happened, as a seat sees it (``EVENTS`` names the kinds)."""

    kind: int
    day: int
    actor: int = NONE
    target: int = NONE
    value: int = NONE
    text: str = ""


class WerewolfParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    players: int = Field(8, ge=5, le=15)
    roles: list[str] | None = None
    werewolves: int | None = Field(None, ge=0, le=15)
    seer: bool = True
    doctor: bool = True
    names: list[str] | None = None
    wolf_chat: bool = True
    discussion_rounds: int = Field(2, ge=0, le=20)
    speaking: Literal["seeded", "bidding"] = "seeded"
    day_vote: bool = True
    tie: Literal["none", "runoff"] = "none"
    reveal_role: bool = False
    doctor_repeat: bool = True
    doctor_self: bool = True
    max_days: int = Field(10, ge=1, le=100)
    max_speech: int = Field(1000, ge=1, le=10_000)
    render_mode: Literal["ansi"] | None = None


def deal(p: WerewolfParams) -> tuple[int, ...] | None:
    """The roles ``p`` fixes seat by seat, or ``None`` when they are dealt from the seed;
    ``ConfigError`` naming the key when the roles make no game."""
    n = p.players
    if p.roles is not None:
        if p.werewolves is not None:
            raise ConfigError("roles: give the roles or the number of werewolves, not both")
        if len(p.roles) != n:
            raise ConfigError(f"roles: {len(p.roles)} roles for {n} players (one per seat)")
        for k, role in enumerate(p.roles):
            if role not in ROLES:
                raise ConfigError(
                    f"roles[{k}]: unknown role {role!r} (roles: werewolf, seer, doctor, villager)"
                )
        fixed = tuple(ROLES.index(role) for role in p.roles)
        _check_wolves(fixed.count(WEREWOLF), n, "roles")
        return fixed
    _check_wolves(wolf_count(p), n, "werewolves")
    if wolf_count(p) + p.seer + p.doctor > n:
        raise ConfigError(f"werewolves: {wolf_count(p)} wolves, a seer and a doctor exceed {n}")
    return None


def _check_wolves(wolves: int, n: int, key: str) -> None:
    if wolves == 0:
        raise ConfigError(f"{key}: the game needs at least one werewolf")
    if wolves >= n - wolves:
        raise ConfigError(
            f"{key}: {wolves} werewolves among {n} players are already at least as many as "
            "the others (the werewolves would win before the game starts)"
        )


def wolf_count(p: WerewolfParams) -> int:
    """The wolves dealt: ``werewolves``, else a quarter of the players (at least one)."""
    if p.roles is not None:
        return p.roles.count("werewolf")
    return p.werewolves if p.werewolves is not None else max(1, p.players // 4)


def player_names(p: WerewolfParams) -> tuple[str, ...]:
    """The seats' names, checked: ``ConfigError`` naming ``names[k]``."""
    if p.names is None:
        return NAMES[: p.players]
    if len(p.names) != p.players:
        raise ConfigError(f"names: {len(p.names)} names for {p.players} players (one per seat)")
    seen: dict[str, int] = {}
    for k, name in enumerate(p.names):
        if not _NAME.match(name) or name != name.strip():
            raise ConfigError(
                f"names[{k}]: {name!r} is not a name (1 to 20 letters, digits, spaces, - or ')"
            )
        if name.lower() in seen:
            raise ConfigError(f"names[{k}]: {name!r} is also the name of seat {seen[name.lower()]}")
        seen[name.lower()] = k
    return tuple(p.names)


def speech(text: str) -> dict[str, Any]:
    """A speech (or a wolves' message) as the action space holds it."""
    return {"target": NONE, "bid": 0, "message": text}


def target(seat: int) -> dict[str, Any]:
    """A vote, or a night target: the player in ``seat``."""
    return {"target": int(seat), "bid": 0, "message": ""}


def floor_bid(amount: int) -> dict[str, Any]:
    """A bid of 0 to 4 for the next speech (``speaking = "bidding"``)."""
    return {"target": NONE, "bid": int(amount), "message": ""}


def mentions(text: str, names: tuple[str, ...]) -> list[int]:
    """The seats whose names ``text`` names, as whole words, ignoring case, in seat order."""
    pattern, seat_of = _name_pattern(names)
    return sorted({seat_of[found.lower()] for found in pattern.findall(text)})


@functools.cache
def _name_pattern(names: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, int]]:
    """One regular expression for all the names (the longest first, so "Daniel" is not read
    as "Dan"), not inside a longer word."""
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    pattern = re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE)
    return pattern, {name.lower(): seat for seat, name in enumerate(names)}


class WerewolfGame(AECEnv):
    """Werewolves kill by night, everyone talks and votes by day; roles stay hidden."""

    metadata: ClassVar[dict[str, Any]] = {
        "name": "werewolf_v0",
        "render_modes": ["ansi"],
        "is_parallelizable": False,
    }

    def __init__(self, **params: Any) -> None:
        super().__init__()
        self.params = validate_model(WerewolfParams, params)
        p = self.params
        if p.discussion_rounds == 0 and not p.day_vote:
            raise ConfigError("discussion_rounds: a day with no discussion and no vote")
        self.fixed_roles = deal(p)
        self.names = player_names(p)
        self.n = n = p.players
        self.render_mode = p.render_mode
        self.possible_agents = [f"player_{k}" for k in range(n)]
        self.agents: list[str] = []
        self._message_space = message_space(p.max_speech)
        player = gymnasium.spaces.Discrete(n + 1, start=NONE)
        self._action_spaces = {
            a: gymnasium.spaces.Dict(
                {
                    "target": gymnasium.spaces.Discrete(n + 1, start=NONE),
                    "bid": gymnasium.spaces.Discrete(MAX_BID + 1),
                    "message": message_space(p.max_speech),
                }
            )
            for a in self.possible_agents
        }
        event = gymnasium.spaces.Tuple(
            (
                gymnasium.spaces.Discrete(len(EVENTS)),
                gymnasium.spaces.Discrete(p.max_days + 1),
                player,
                player,
                gymnasium.spaces.Discrete(len(ROLES) + 1, start=NONE),
                self._message_space,
            )
        )
        observation_space = gymnasium.spaces.Dict(
            {
                "seat": gymnasium.spaces.Discrete(n),
                "role": gymnasium.spaces.Discrete(len(ROLES)),
                "phase": gymnasium.spaces.Discrete(len(PHASES)),
                "day": gymnasium.spaces.Discrete(p.max_days + 1),
                "alive": gymnasium.spaces.MultiBinary(n),
                "roles": gymnasium.spaces.Box(NONE, len(ROLES) - 1, (n,), np.int64),
                "seer_checks": gymnasium.spaces.Box(NONE, 1, (n,), np.int64),
                "protected": player,
                "legal": gymnasium.spaces.MultiBinary(n),
                "asked": gymnasium.spaces.Discrete(2),
                "log": gymnasium.spaces.Sequence(event),
            }
        )
        self._observation_spaces = dict.fromkeys(self.possible_agents, observation_space)
        self._rng = random.Random()
        self._seeded = False
        self._space_seed: int | None = None
        self._start(self.fixed_roles or self._dealt())

    def observation_space(self, agent: str) -> gymnasium.spaces.Space:
        return self._observation_spaces[agent]

    def action_space(self, agent: str) -> gymnasium.spaces.Space:
        if self._space_seed is not None:  # seeded on first use: seeding costs more than a game
            seed, self._space_seed = self._space_seed, None
            for k, space in enumerate(self._action_spaces.values()):
                space.seed(seed + k)
        return self._action_spaces[agent]

    def public_info(self) -> dict[str, Any]:
        """What every player may know: the names, how many of each role, the rules' settings
        (never who holds which role, even when ``roles`` fixes them)."""
        p = self.params
        roles = self.fixed_roles or self._dealt_counts()
        return {
            "players": p.players,
            "names": list(self.names),
            "role_counts": {role: roles.count(k) for k, role in enumerate(ROLES)},
            "wolf_chat": p.wolf_chat,
            "discussion_rounds": p.discussion_rounds,
            "speaking": p.speaking,
            "day_vote": p.day_vote,
            "tie": p.tie,
            "reveal_role": p.reveal_role,
            "doctor_repeat": p.doctor_repeat,
            "doctor_self": p.doctor_self,
            "max_days": p.max_days,
            "max_speech": p.max_speech,
        }

    def _dealt_counts(self) -> tuple[int, ...]:
        """The dealt roles in a fixed order: what a deal holds, not who holds what."""
        p = self.params
        wolves = wolf_count(p)
        rest = p.players - wolves - p.seer - p.doctor
        return (WEREWOLF,) * wolves + (SEER,) * p.seer + (DOCTOR,) * p.doctor + (VILLAGER,) * rest

    def _dealt(self) -> tuple[int, ...]:
        roles = list(self._dealt_counts())
        self._rng.shuffle(roles)
        return tuple(roles)

    # -- play --------------------------------------------------------------------------------

    def reset(self, seed: int | None = None, options: Mapping[str, Any] | None = None) -> None:
        if seed is not None:
            self._rng = random.Random(seed)
            self._space_seed = seed  # the samplers' seeds, applied when one is asked for
        elif not self._seeded:
            self._rng = random.Random()
        self._seeded = True
        self._start(self._roles_for(options) or self.fixed_roles or self._dealt())
        self.agents = list(self.possible_agents)
        self.rewards = dict.fromkeys(self.agents, 0.0)
        self._cumulative_rewards = dict.fromkeys(self.agents, 0.0)
        self.terminations = dict.fromkeys(self.agents, False)
        self.truncations = dict.fromkeys(self.agents, False)
        self._begin_night()
        self._point()

    def role_deal(self) -> tuple[str, ...]:
        """The roles a game deals, as a multiset (what a role-balanced schedule spreads)."""
        return tuple(ROLES[r] for r in sorted(self.fixed_roles or self._dealt_counts()))

    def _roles_for(self, options: Mapping[str, Any] | None) -> tuple[int, ...] | None:
        """The roles ``reset``'s options fix for this game (``{"roles": [...]}``), checked as
        the ``roles`` parameter is. Other options are ignored, as Gymnasium's envs do."""
        if not options or options.get("roles") is None:
            return None
        p = self.params.model_copy(update={"roles": list(options["roles"]), "werewolves": None})
        return deal(p)

    def _start(self, roles: tuple[int, ...]) -> None:
        """A fresh game's state with ``roles`` dealt (nothing asked yet)."""
        n = self.n
        self.roles = roles
        self.teams = tuple(WOLVES if r == WEREWOLF else VILLAGE for r in roles)
        self.wolves = tuple(k for k in range(n) if roles[k] == WEREWOLF)
        self.alive = [True] * n
        self._living = list(range(n))
        self.day = 1
        self.phase = WOLF_CHAT
        self.queue: list[int] = []
        self.sealed: dict[int, int] = {}  # the moves of a sealed phase so far, by seat
        self.candidates: list[int] = []
        self.winner: int | None = None
        self.truncated = False
        self._logs: list[list[Event]] = [[] for _ in range(n)]
        self._known = [self._first_known(seat) for seat in range(n)]
        self._checks = [[NONE] * n for _ in range(n)]  # only the seer's row is ever filled
        self._protected = NONE  # the doctor's last protection
        self._round = 0
        self._floor_left = 0
        self._last_speaker = NONE
        self._last_speech = ""
        self.died: list[tuple[int, int, str]] = []  # (seat, day, "night" or "vote")
        self.day_votes: list[tuple[int, int, int, int]] = []  # (day, voter, target, run-off)
        self.night_log: list[dict[str, Any]] = []
        self.speeches = 0
        self.day_phases = 0  # days whose discussion or vote began

    def _first_known(self, seat: int) -> list[int]:
        known = [NONE] * self.n
        known[seat] = self.roles[seat]
        if self.roles[seat] == WEREWOLF:
            for wolf in self.wolves:
                known[wolf] = WEREWOLF
        return known

    # what each seat is told

    def _tell(self, seats: Any, event: Event) -> None:
        for seat in seats:
            self._logs[seat].append(event)

    def _tell_all(self, event: Event) -> None:
        for log in self._logs:
            log.append(event)

    def living(self) -> list[int]:
        """The living players' seats, in seat order (a new list)."""
        return list(self._living)

    def _living_wolves(self) -> list[int]:
        return [k for k in self.wolves if self.alive[k]]

    def legal_targets(self, seat: int) -> list[int]:
        """Whom ``seat`` may name now (empty when it is not asked for a target)."""
        if not self.queue or seat not in self.queue or not self.alive[seat]:
            return []
        living = self.living()
        role = self.roles[seat]
        if self.phase == NIGHT:
            if role == WEREWOLF:
                return [k for k in living if self.roles[k] != WEREWOLF]
            if role == SEER:
                return [k for k in living if k != seat]
            p = self.params
            return [
                k
                for k in living
                if (p.doctor_self or k != seat) and (p.doctor_repeat or k != self._protected)
            ]
        if self.phase == VOTE:
            return [k for k in living if k != seat]
        if self.phase == RUNOFF:
            return [k for k in self.candidates if k != seat]
        return []

    def observe(self, agent: str) -> dict[str, Any]:
        seat = self.possible_agents.index(agent)
        legal = np.zeros(self.n, dtype=np.int8)
        legal[self.legal_targets(seat)] = 1
        return {
            "seat": seat,
            "role": self.roles[seat],
            "phase": self.phase,
            "day": self.day,
            "alive": np.array(self.alive, dtype=np.int8),
            "roles": np.array(self._known[seat], dtype=np.int64),
            "seer_checks": np.array(self._checks[seat], dtype=np.int64),
            "protected": self._protected if self.roles[seat] == DOCTOR else NONE,
            "legal": legal,
            "asked": int(self._asked(seat)),
            "log": tuple(self._logs[seat]),
        }

    def _asked(self, seat: int) -> bool:
        """Whether ``seat``'s move is awaited now: any of a sealed phase's, else the next."""
        if self.phase in SEALED:
            return seat in self.queue
        return bool(self.queue) and self.queue[0] == seat

    def simultaneous(self) -> list[str]:
        """The players to move next whose moves are sealed together (the night's targets,
        one turn's bids, a vote): asking them at once equals asking them in turn, since no
        one's observation changes until the last is in. Otherwise just the player to move."""
        if not self.agents or self.phase == OVER:
            return []
        if self.phase in SEALED:
            return [self.possible_agents[k] for k in self.queue]
        return [self.agent_selection]

    def _point(self) -> None:
        """Select the next player to move, and its action mask."""
        if self.phase == OVER:
            return
        seat = self.queue[0]
        self.agent_selection = self.possible_agents[seat]
        mask = [0] * (self.n + 1)
        for k in self.legal_targets(seat):
            mask[k + 1] = 1
        if not any(mask):
            mask[0] = 1  # no target asked: "none" is what samplers should send
        self.infos: dict[str, dict[str, Any]] = {a: {} for a in self.agents}
        self.infos[self.agent_selection] = {
            "action_mask": {
                "target": np.array(mask, dtype=np.int8),
                "bid": np.ones(MAX_BID + 1, dtype=np.int8),
                "message": None,
            }
        }

    def read_move(self, seat: int, action: Any) -> int | str:
        """What ``action`` says in this phase (a target, a bid or a message), checked:
        ``ValueError`` naming the player and the problem otherwise."""
        who = self.names[seat]
        if not isinstance(action, Mapping):
            raise ValueError(f"{who}: a move is a dict with target, bid and message")
        if self.phase in (SPEECH, WOLF_CHAT):
            text = action.get("message")
            if not isinstance(text, str):
                raise ValueError(f"{who}: a speech is a message string, got {text!r}")
            if len(text) > self.params.max_speech:
                raise ValueError(
                    f"{who}: a speech of {len(text)} characters is longer than "
                    f"{self.params.max_speech}"
                )
            plain = text.isascii() and text.replace("\n", " ").isprintable()
            if not plain and not set(text) <= message_characters():
                raise ValueError(f"{who}: a speech holds characters that cannot be printed")
            return text
        if self.phase == BID:
            amount = action.get("bid")
            if isinstance(amount, bool) or not isinstance(amount, int | np.integer):
                raise ValueError(f"{who}: a bid is a whole number from 0 to 4, got {amount!r}")
            if not 0 <= amount <= MAX_BID:
                raise ValueError(f"{who}: a bid is from 0 to 4, got {amount}")
            return int(amount)
        chosen = action.get("target")
        if isinstance(chosen, bool) or not isinstance(chosen, int | np.integer):
            raise ValueError(f"{who}: a target is a seat number, got {chosen!r}")
        legal = self.legal_targets(seat)
        if int(chosen) not in legal:
            named = ", ".join(self.names[k] for k in legal)
            what = "" if not 0 <= chosen < self.n else f" ({self.names[int(chosen)]})"
            raise ValueError(
                f"{who}: {PHASES[self.phase]} target {int(chosen)}{what} is not legal now "
                f"(legal: {named})"
            )
        return int(chosen)

    def step(self, action: Any) -> None:
        agent = self.agent_selection
        if self.terminations[agent] or self.truncations[agent]:
            self._was_dead_step(action)
            return
        seat = self.possible_agents.index(agent)
        move = self.read_move(seat, action)  # raises before anything changes
        self._cumulative_rewards[agent] = 0.0
        self.rewards = dict.fromkeys(self.agents, 0.0)
        self.queue.pop(0)
        if self.phase in SEALED:
            self.sealed[seat] = int(move)
            if not self.queue:
                self._close_sealed()
        elif self.phase == WOLF_CHAT:
            self._tell(self.wolves, Event(E_WOLF_CHAT, self.day, seat, text=str(move)))
            if not self.queue:
                self._begin_night_moves()
        else:
            self._spoken(seat, str(move))
        if self.phase == OVER:
            self._finish()
        else:
            self._point()
        self._accumulate_rewards()

    def _close_sealed(self) -> None:
        moves, self.sealed = self.sealed, {}
        if self.phase == NIGHT:
            self._dawn(moves)
        elif self.phase == BID:
            self._give_floor(moves)
        else:
            self._count(moves)

    # night

    def _begin_night(self) -> None:
        wolves = self._living_wolves()
        if self.params.wolf_chat:
            self.phase = WOLF_CHAT
            self.queue = wolves
            self._rng.shuffle(self.queue)
        else:
            self._begin_night_moves()

    def _begin_night_moves(self) -> None:
        self.phase = NIGHT
        self.queue = [k for k in self.living() if self.roles[k] == WEREWOLF] + [
            k for k in self.living() if self.roles[k] in (SEER, DOCTOR)
        ]

    def _dawn(self, moves: dict[int, int]) -> None:
        wolves = sorted(k for k in moves if self.roles[k] == WEREWOLF)
        for wolf in wolves:
            self._tell(self.wolves, Event(E_WOLF_VOTE, self.day, wolf, moves[wolf]))
        victim = self._plurality([moves[w] for w in wolves])
        self._tell(self.wolves, Event(E_WOLF_VICTIM, self.day, target=victim))
        checked = protected = NONE
        for seat, chosen in moves.items():
            if self.roles[seat] == SEER:
                checked = chosen
                team = self.teams[chosen]
                self._checks[seat][chosen] = team
                self._tell((seat,), Event(E_SEER_CHECK, self.day, seat, chosen, team))
            elif self.roles[seat] == DOCTOR:
                protected = chosen
                self._tell((seat,), Event(E_PROTECT, self.day, seat, chosen))
        self._protected = protected
        saved = victim == protected
        self.night_log.append(
            {"day": self.day, "victim": victim, "protected": protected, "checked": checked}
        )
        if saved:
            self._tell_all(Event(E_NO_DEATH, self.day))
        else:
            self._kill(victim, E_DEATH, "night")
        if self._decided():
            return
        self._begin_day()

    def _plurality(self, choices: list[int]) -> int:
        """The most chosen; a tie drawn from the seed."""
        counts = Counter(choices)
        top = max(counts.values())
        tied = sorted(k for k, c in counts.items() if c == top)
        return tied[0] if len(tied) == 1 else self._rng.choice(tied)

    def _kill(self, seat: int, kind: int, cause: str) -> None:
        self.alive[seat] = False
        self._living.remove(seat)
        self.died.append((seat, self.day, cause))
        shown = self.roles[seat] if self.params.reveal_role else NONE
        self._tell_all(Event(kind, self.day, target=seat, value=shown))
        if self.params.reveal_role:
            for known in self._known:
                known[seat] = self.roles[seat]

    def _decided(self) -> bool:
        """Whether a team has won: then the game is over."""
        wolves = len(self._living_wolves())
        others = sum(self.alive) - wolves
        if wolves == 0:
            self.winner = VILLAGE
        elif wolves >= others:
            self.winner = WOLVES
        else:
            return False
        self.phase = OVER
        self.queue = []
        return True

    # day

    def _begin_day(self) -> None:
        self.day_phases += 1
        self._round = 0
        self._last_speaker = NONE
        self._last_speech = ""
        if self.params.discussion_rounds > 0:
            self._begin_round()
        else:
            self._begin_vote()

    def _begin_round(self) -> None:
        if self.params.speaking == "seeded":
            self.phase = SPEECH
            self.queue = self.living()
            self._rng.shuffle(self.queue)
        else:
            self._floor_left = len(self.living())
            self._ask_bids()

    def _ask_bids(self) -> None:
        self.phase = BID
        self.queue = [k for k in self.living() if k != self._last_speaker]

    def _give_floor(self, bids: dict[int, int]) -> None:
        top = max(bids.values())
        tied = sorted(k for k, b in bids.items() if b == top)
        named = [k for k in mentions(self._last_speech, self.names) if k in tied]
        pool = named or tied
        speaker = pool[0] if len(pool) == 1 else self._rng.choice(pool)
        self.phase = SPEECH
        self.queue = [speaker]

    def _spoken(self, seat: int, text: str) -> None:
        self._tell_all(Event(E_SPEECH, self.day, seat, text=text))
        self.speeches += 1
        self._last_speaker, self._last_speech = seat, text
        if self.params.speaking == "bidding":
            self._floor_left -= 1
            if self._floor_left > 0:
                self._ask_bids()
                return
        elif self.queue:
            return
        self._round += 1
        if self._round < self.params.discussion_rounds:
            self._begin_round()
        elif self.params.day_vote:
            self._begin_vote()
        else:
            self._end_day()

    def _begin_vote(self) -> None:
        self.phase = VOTE
        self.queue = self.living()
        self.candidates = self.living()

    def _count(self, votes: dict[int, int]) -> None:
        runoff = int(self.phase == RUNOFF)
        for voter in sorted(votes):
            self.day_votes.append((self.day, voter, votes[voter], runoff))
            self._tell_all(Event(E_VOTE, self.day, voter, votes[voter], runoff))
        counts = Counter(votes.values())
        top = max(counts.values())
        tied = sorted(k for k, c in counts.items() if c == top)
        if len(tied) == 1:
            self._kill(tied[0], E_ELIMINATED, "vote")
            if self._decided():
                return
        elif self.params.tie == "runoff" and not runoff:
            self.phase = RUNOFF
            self.candidates = tied
            for seat in tied:
                self._tell_all(Event(E_RUNOFF, self.day, target=seat))
            self.queue = self.living()
            return
        else:
            self._tell_all(Event(E_NO_ELIMINATION, self.day))
        self._end_day()

    def _end_day(self) -> None:
        if self.day >= self.params.max_days:
            self.phase = OVER
            self.queue = []
            self.truncated = True
            return
        self.day += 1
        self._begin_night()

    # the end

    def payoffs(self) -> dict[str, float]:
        """1 to the winning team's players, 0 to the others; 0.5 each when undecided."""
        if self.winner is None:
            return dict.fromkeys(self.possible_agents, DRAW if self.phase == OVER else 0.0)
        return {a: float(self.teams[k] == self.winner) for k, a in enumerate(self.possible_agents)}

    def _finish(self) -> None:
        payoffs = self.payoffs()
        outcome = {"payoffs": payoffs, **self.outcome()}
        for agent in self.agents:
            self.rewards[agent] = payoffs[agent]
            if self.truncated:
                self.truncations[agent] = True
            else:
                self.terminations[agent] = True
            self.infos[agent] = dict(outcome)

    def outcome(self) -> dict[str, Any]:
        """The result and, the game being over, everything that was hidden: roles, teams,
        the night moves and every death."""
        return {
            "winner": None if self.winner is None else TEAMS[self.winner],
            "names": list(self.names),
            "roles": [ROLES[r] for r in self.roles],
            "teams": [TEAMS[t] for t in self.teams],
            "days": self.day,
            "deaths": [{"seat": s, "day": d, "cause": c} for s, d, c in self.died],
            "nights": list(self.night_log),
            "speeches": self.speeches,
        }

    def metrics(self) -> dict[str, Any]:
        """The game's own measures (``arena.games.social.yardsticks``)."""
        from arena.games.social.yardsticks import werewolf_metrics

        return werewolf_metrics(self)

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        status = ", ".join(
            f"{name}{'' if self.alive[k] else ' (dead)'}" for k, name in enumerate(self.names)
        )
        if self.phase == OVER:
            result = "undecided" if self.winner is None else f"the {TEAMS[self.winner]} win"
            return f"Day {self.day}, over: {result}. {status}"
        return f"Day {self.day}, {PHASES[self.phase]}, {self.agent_selection} to move. {status}"

    def close(self) -> None:
        """Nothing to release."""

    def text_protocol(self, agent: str, **options: Any) -> Any:
        """How ``agent`` is told the game in words and how its replies become moves: its own
        role only (the seat's role in this deal, never anyone else's)."""
        from arena.games.social.werewolf_text import WerewolfText, read_options

        seed = read_options("social/werewolf-v0", options)
        return WerewolfText(self.public_info(), self.possible_agents.index(agent), seed)

"""Scripted Werewolf players: a uniformly random player's moves and a rule-based heuristic.

Both read only their own observation and what every seat is told when a match starts (the
names and the rules, ``public_info``), never the game. The heuristic follows the folk
strategy of the game in a few rules a reader can check against a match:

- everyone reads the public speeches for accusations: a speech carrying an accusing phrase
  ("I suspect ...", "... is a werewolf", "vote for ...") accuses every other player it names;
  by day a villager votes for the most accused living player (a tie goes to the one accused
  first, so villagers who read the same speeches agree), and says whom it suspects (its own
  speeches count too, so it keeps to its first read rather than follow every deflection);
- the seer checks a living player it has not checked; once it has found a living wolf it says
  so ("I am the seer: Derek is a werewolf.") and votes for it;
- the doctor protects the player who claimed to be the seer, else itself, else anyone;
- the wolves propose a victim in their channel (a claimed seer first) and all take the first
  proposal; by day they vote with the crowd for the most accused villager, and an accused
  wolf accuses someone else;
- a player bids high for the floor when the last speech named it (3) or it has a wolf to
  reveal (4), otherwise low (0 or 1).

Its randomness (the choices the rules leave open) comes from ``context.seed`` only.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from arena.agents.base import AgentInfo, MatchContext, ScriptedAgent
from arena.errors import ConfigError
from arena.games.social.werewolf import (
    BID,
    E_SPEECH,
    E_WOLF_CHAT,
    MAX_BID,
    NIGHT,
    SEER,
    SPEECH,
    WEREWOLF,
    WOLF_CHAT,
    Event,
    floor_bid,
    mentions,
    speech,
    target,
)

WEREWOLF_GAMES = "social/werewolf"
# Phrases that make a speech an accusation of the players it names (lower case).
ACCUSING = ("suspect", "is a werewolf", "is a wolf", "vote for", "vote out", "accuse")
SEER_CLAIM = "i am the seer"
FILLERS = (
    "I am still listening.",
    "I have no strong read on {name} yet.",
    "Let us hear more before we vote.",
    "{name}, what do you think?",
)


def _fit(text: str, limit: int) -> str:
    """``text`` cut to the game's longest speech (templates are short; the limit may not be)."""
    return text[:limit]


def _public(context: MatchContext) -> tuple[tuple[str, ...], int]:
    """The players' names and the longest speech, from what every seat is told."""
    public = context.extra.get("public", {})
    if not context.game_id.startswith(WEREWOLF_GAMES) or not public.get("names"):
        raise ConfigError(f"this player plays Werewolf (social/werewolf-v0), not {context.game_id}")
    return tuple(public["names"]), int(public.get("max_speech", 1000))


def _seats(mask: Any) -> list[int]:
    """The seats a 0/1 array marks (``legal``, ``alive``)."""
    return [k for k, flag in enumerate(mask) if flag]


def random_social_move(
    context: MatchContext, observation: dict[str, Any], rng: random.Random
) -> dict[str, Any]:
    """A uniformly random legal move of Werewolf: a random legal target at night and in a
    vote, a bid uniform on 0 to 4, and a filler sentence (naming a random living player, never
    accusing anyone) as a speech or a wolves' message."""
    names, limit = _public(context)
    phase = int(observation["phase"])
    if phase in (SPEECH, WOLF_CHAT):
        others = [k for k in _seats(observation["alive"]) if k != context.seat] or [context.seat]
        line = rng.choice(FILLERS).format(name=names[rng.choice(others)])
        return speech(_fit(line, limit))
    if phase == BID:
        return floor_bid(rng.randint(0, MAX_BID))
    return target(rng.choice(_seats(observation["legal"])))


@dataclass
class Talk:
    """What the speeches and the wolves' channel said so far, each event read once (the log
    only grows, so a long game costs a read per event, not per event per move)."""

    names: tuple[str, ...]
    read: int = 0
    accused: Counter[int] = field(default_factory=Counter)  # in the order first accused
    accused_on: dict[int, set[int]] = field(default_factory=dict)  # day -> seats accused
    named: dict[tuple[int, int], set[int]] = field(default_factory=dict)  # (day, speaker)
    seer_claims: list[int] = field(default_factory=list)  # speakers, in order
    proposals: dict[int, list[int]] = field(default_factory=dict)  # day -> wolves' picks
    last: Event | None = None  # the last speech

    def update(self, log: tuple[Event, ...]) -> None:
        for event in log[self.read :]:
            if event.kind == E_SPEECH:
                self._speech(event)
            elif event.kind == E_WOLF_CHAT:
                self.proposals.setdefault(event.day, []).extend(mentions(event.text, self.names))
        self.read = len(log)

    def _speech(self, event: Event) -> None:
        named = [k for k in mentions(event.text, self.names) if k != event.actor]
        lowered = event.text.lower()
        self.last = event
        self.named.setdefault((event.day, event.actor), set()).update(named)
        if SEER_CLAIM in lowered:
            self.seer_claims.append(event.actor)
        if any(phrase in lowered for phrase in ACCUSING):
            self.accused.update(named)
            self.accused_on.setdefault(event.day, set()).update(named)

    def most_accused(self, candidates: list[int]) -> int | None:
        """The most accused of ``candidates`` (a tie: the first accused), or ``None`` when
        none of them was accused."""
        counts = [(seat, n) for seat, n in self.accused.items() if n and seat in candidates]
        return max(counts, key=lambda item: item[1])[0] if counts else None

    def claimed_seer(self, living: list[int]) -> int | None:
        """The living player who last claimed to be the seer, if any."""
        return next((k for k in reversed(self.seer_claims) if k in living), None)


class WerewolfHeuristic(ScriptedAgent):
    """The folk strategy of Werewolf by role (see the module's docstring): villagers follow
    the accusations, the seer reveals a wolf it found, the doctor guards a claimed seer, the
    wolves hunt a claimed seer, vote with the crowd and deflect accusations."""

    info = AgentInfo(True, float("inf"), families=("social",), source="folk Werewolf strategy")

    def reset(self, context: MatchContext) -> None:
        super().reset(context)
        self.names, self.limit = _public(context)
        self.seat = context.seat
        self._rng = random.Random(context.seed)
        self.talk = Talk(self.names)

    def decide(self, observation: dict[str, Any]) -> dict[str, Any]:
        self.talk.update(observation["log"])
        phase = int(observation["phase"])
        if phase == WOLF_CHAT:
            return speech(_fit(self.wolf_message(observation), self.limit))
        if phase == SPEECH:
            return speech(_fit(self.speech(observation), self.limit))
        if phase == BID:
            return floor_bid(self.bid(observation))
        if phase == NIGHT:
            return target(self.night_target(observation))
        return target(self.vote(observation))

    # what it knows

    def wolves(self, observation: dict[str, Any]) -> set[int]:
        """The players it knows are wolves: fellow wolves (or revealed dead ones) and, for the
        seer, its checks."""
        known = {k for k, role in enumerate(observation["roles"]) if role == WEREWOLF}
        return known | {k for k, team in enumerate(observation["seer_checks"]) if team == 1}

    def cleared(self, observation: dict[str, Any]) -> set[int]:
        """The players the seer found to be villagers (nobody, for the others)."""
        return {k for k, team in enumerate(observation["seer_checks"]) if team == 0}

    def found_wolf(self, observation: dict[str, Any]) -> int | None:
        """A living wolf the seer has found, if any (never for the other roles)."""
        if int(observation["role"]) != SEER:
            return None
        alive = observation["alive"]
        return next((k for k in sorted(self.wolves(observation)) if alive[k]), None)

    def suspect(self, observation: dict[str, Any], candidates: list[int]) -> int | None:
        """Whom it would vote out of ``candidates``: a found wolf, else (never a known wolf
        for a wolf, never a cleared player for the seer) the most accused."""
        wolf = self.found_wolf(observation)
        if wolf is not None and wolf in candidates:
            return wolf
        if int(observation["role"]) == WEREWOLF:
            candidates = [k for k in candidates if k not in self.wolves(observation)]
        candidates = [k for k in candidates if k not in self.cleared(observation)]
        return self.talk.most_accused(candidates)

    def accused_today(self, observation: dict[str, Any]) -> bool:
        return self.seat in self.talk.accused_on.get(int(observation["day"]), set())

    # moves

    def vote(self, observation: dict[str, Any]) -> int:
        """The day vote (or the run-off): its suspect among the legal players, else any of
        them (for a wolf, a villager if there is one)."""
        legal = _seats(observation["legal"])
        chosen = self.suspect(observation, legal)
        if chosen is not None:
            return chosen
        if int(observation["role"]) == WEREWOLF:
            legal = [k for k in legal if k not in self.wolves(observation)] or legal
        return self._rng.choice(legal)

    def night_target(self, observation: dict[str, Any]) -> int:
        legal = _seats(observation["legal"])
        role = int(observation["role"])
        if role == WEREWOLF:
            return self.victim(observation, legal)
        if role == SEER:
            unchecked = [k for k in legal if observation["seer_checks"][k] == -1]
            return self._rng.choice(unchecked or legal)
        return self.protect(observation, legal)

    def victim(self, observation: dict[str, Any], prey: list[int]) -> int:
        """The wolves' victim among ``prey``: the first one proposed in their channel tonight,
        else a claimed seer, else a random one."""
        proposed = self.talk.proposals.get(int(observation["day"]), [])
        first = next((k for k in proposed if k in prey), None)
        if first is not None:
            return first
        seer = self.talk.claimed_seer(prey)
        return seer if seer is not None else self._rng.choice(prey)

    def protect(self, observation: dict[str, Any], legal: list[int]) -> int:
        """The doctor's choice: the claimed seer, else itself, else a random legal player."""
        seer = self.talk.claimed_seer(legal)
        if seer is not None:
            return seer
        return self.seat if self.seat in legal else self._rng.choice(legal)

    def bid(self, observation: dict[str, Any]) -> int:
        if self.to_reveal(observation) is not None:
            return MAX_BID
        if self.named_last(observation):
            return MAX_BID - 1
        return self._rng.randint(0, 1)

    def named_last(self, observation: dict[str, Any]) -> bool:
        """Whether today's last speech named it (it would be answering)."""
        last = self.talk.last
        if last is None or last.day != int(observation["day"]):
            return False
        return self.seat in mentions(last.text, self.names)

    def to_reveal(self, observation: dict[str, Any]) -> int | None:
        """A found wolf the seer has not named in a speech today."""
        wolf = self.found_wolf(observation)
        said = self.talk.named.get((int(observation["day"]), self.seat), set())
        return wolf if wolf is not None and wolf not in said else None

    def wolf_message(self, observation: dict[str, Any]) -> str:
        """A wolf's word in the channel: the victim it will vote for tonight (asked before the
        night, so its prey is every living villager)."""
        wolves = self.wolves(observation)
        prey = [k for k in _seats(observation["alive"]) if k not in wolves]
        return f"Tonight: {self.names[self.victim(observation, prey)]}."

    def speech(self, observation: dict[str, Any]) -> str:
        """A found wolf revealed; else whom it suspects (first denying it is a wolf when it
        was accused today); else a filler."""
        wolf = self.found_wolf(observation)
        if wolf is not None:
            return f"I am the seer: {self.names[wolf]} is a werewolf. Vote for {self.names[wolf]}."
        others = [k for k in _seats(observation["alive"]) if k != self.seat]
        chosen = self.suspect(observation, others)
        accused = self.accused_today(observation)
        if chosen is None and accused and int(observation["role"]) == WEREWOLF:
            villagers = [k for k in others if k not in self.wolves(observation)]
            chosen = self._rng.choice(villagers or others)
        denial = "I am not a werewolf. " if accused else ""
        if chosen is not None:
            return f"{denial}I suspect {self.names[chosen]}."
        return denial + self._rng.choice(FILLERS).format(name=self.names[self._rng.choice(others)])

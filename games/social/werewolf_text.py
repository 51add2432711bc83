"""The text protocol of Werewolf: the rules, one's role and what it knows, the day's talk, a move.

Players are called by their names. A speech (or a wolves' message) is the whole reply, said
as written (cut to ``max_speech`` characters; a leading ``SAY:`` is dropped). Every other move
is read from the reply's last line, after any thinking: ``VOTE: <name>`` by day,
``TARGET: <name>`` at night, ``BID: <0-4>`` for the floor. A name that is no player's is not a
move; a player who may not be named now (dead, oneself, a fellow wolf, not in the run-off) is
an illegal move, and the error lists the legal names.

Each turn the player is told its role and what its role knows (the fellow wolves, the seer's
checks, the doctor's last protection), who is alive, what happened since its last turn (the
first turn: everything so far), and the move asked for. What it is told comes from its own
observation only, so it can never hold another seat's secret.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

from arena.errors import ConfigError, MoveError
from arena.games.auction.english_text import clean_tag
from arena.games.bargaining.messages import clean_message, tagged_reply
from arena.games.social.werewolf import (
    BID,
    DOCTOR,
    E_DEATH,
    E_ELIMINATED,
    E_NO_DEATH,
    E_NO_ELIMINATION,
    E_PROTECT,
    E_RUNOFF,
    E_SEER_CHECK,
    E_SPEECH,
    E_VOTE,
    E_WOLF_CHAT,
    E_WOLF_VICTIM,
    E_WOLF_VOTE,
    MAX_BID,
    NIGHT,
    NONE,
    OVER,
    ROLES,
    RUNOFF,
    SEER,
    SPEECH,
    VOTE,
    WEREWOLF,
    WOLF_CHAT,
    floor_bid,
    speech,
    target,
)

# Werewolf Arena's bid options (werewolf/prompts.py), in its words.
BID_OPTIONS = (
    "0: I would like to observe and listen for now.",
    "1: I have some general thoughts to share with the group.",
    "2: I have something critical and specific to contribute to this discussion.",
    "3: It is absolutely urgent for me to speak next.",
    "4: Someone has addressed me directly and I must respond.",
)
_TAG = re.compile(r"^(vote|target|bid)\s*[:\-]?\s*(.+?)\s*[.!]*$", re.IGNORECASE)
_SAY = re.compile(r"^\s*(?:say|speech)\s*:\s*", re.IGNORECASE)
_ARTICLE = {"werewolf": "a werewolf", "seer": "the seer", "doctor": "the doctor"}


def read_options(game: str, options: dict[str, Any]) -> int:
    """The protocol's seed (for a forfeited vote's draw); any other option is a
    ``ConfigError`` naming it."""
    options = dict(options)
    seed = options.pop("seed", 0)
    if options:
        raise ConfigError(
            f"{game} takes no {', '.join(sorted(options))} option (its text protocol has none)"
        )
    return int(seed)


def role_phrase(role: int) -> str:
    name = ROLES[role]
    return _ARTICLE.get(name, "a villager")


@dataclass
class WerewolfText:
    """Werewolf told to the player in ``seat``: the public rules, then its own observations."""

    info: dict[str, Any]  # the game's public_info()
    seat: int
    seed: int = 0
    moderated = False
    _told: int = field(default=0, repr=False)  # log events already told
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    @property
    def names(self) -> list[str]:
        return list(self.info["names"])

    @property
    def me(self) -> str:
        return str(self.info["names"][self.seat])

    def _who(self, seat: int) -> str:
        return "you" if seat == self.seat else str(self.info["names"][seat])

    def rules(self, agent: str = "") -> str:
        """The game as every player knows it, and how to reply; one's role comes with the
        first turn."""
        info = self.info
        counts = info["role_counts"]
        plural = {"werewolf": "werewolves", "seer": "seers", "doctor": "doctors"}
        deal = ", ".join(
            f"{counts[role]} {role if counts[role] == 1 else plural.get(role, role + 's')}"
            for role in ("werewolf", "seer", "doctor", "villager")
            if counts.get(role)
        )
        night = [
            "At night the werewolves choose a victim among the others"
            + (" after a word in their own private channel" if info["wolf_chat"] else "")
            + "."
        ]
        if counts.get("seer"):
            night.append("The seer checks one player and learns whether it is a werewolf.")
        if counts.get("doctor"):
            limits = []
            if not info["doctor_self"]:
                limits.append("never itself")
            if not info["doctor_repeat"]:
                limits.append("never the same player two nights in a row")
            night.append(
                "The doctor protects one player"
                + (f" ({', '.join(limits)})" if limits else "")
                + "; a protected victim survives."
            )
        if info["discussion_rounds"] == 0:
            talk = "There is no discussion."
        elif info["speaking"] == "seeded":
            talk = (
                f"Each day has {info['discussion_rounds']} round(s) of discussion in which every "
                "living player speaks once, in a drawn order."
            )
        else:
            talk = (
                f"Each day has {info['discussion_rounds']} round(s) of discussion, each with as "
                "many speeches as there are players alive; before each speech everyone but the "
                "last speaker bids 0 to 4 for the floor and the highest bid speaks (a tie goes "
                "to a player named in the last speech, then to a draw)."
            )
        if info["day_vote"]:
            tie = (
                "a tie goes to a run-off vote among the tied players; tied again, nobody"
                if info["tie"] == "runoff"
                else "a tie eliminates nobody"
            )
            vote = (
                "Then everyone alive votes, all at once, to eliminate another player; the votes "
                f"are published and the most voted player is eliminated ({tie})."
            )
        else:
            vote = "There is no day vote."
        reveal = (
            "A dead player's role is announced."
            if info["reveal_role"]
            else "A dead player's role is not announced."
        )
        lines = [
            f"You are {self.me}, one of {info['players']} players in a game of Werewolf: "
            f"{', '.join(self.names)}. The roles dealt are {deal}; each player knows only its "
            "own role (the werewolves also know each other).",
            "The village team (villagers, seer, doctor) wins when no werewolf is alive; the "
            "werewolves win when they are at least as many as the others. After day "
            f"{info['max_days']} the game ends undecided.",
            "Night: " + " ".join(night),
            f"Day: the night's death is announced. {talk} {vote} {reveal}",
            "How to reply. When asked to speak, your whole reply is said aloud, as written, "
            "to everyone (to the werewolves only in their channel): keep private reasoning out "
            f"of it (at most {info['max_speech']} characters). Otherwise you may think in a few "
            "sentences, then give your move on a last line of its own: VOTE: <name> by day, "
            "TARGET: <name> at night, BID: <0-4> for the floor.",
        ]
        return "\n".join(lines)

    # what the player is told each turn

    def _knowledge(self, observation: dict[str, Any]) -> list[str]:
        role = int(observation["role"])
        lines = [f"You are {self.me}, {role_phrase(role)}."]
        known = observation["roles"]
        if role == WEREWOLF:
            pack = [self.names[k] for k in range(len(known)) if known[k] == WEREWOLF]
            others = [name for name in pack if name != self.me]
            lines.append(
                f"Your fellow werewolves: {', '.join(others)}."
                if others
                else "You are the only werewolf."
            )
        if role == SEER:
            checks = observation["seer_checks"]
            found = [
                f"{self.names[k]} is {'a werewolf' if checks[k] == 1 else 'on the village team'}"
                for k in range(len(checks))
                if checks[k] != NONE
            ]
            lines.append(
                f"Your checks so far: {'; '.join(found)}." if found else "You have checked nobody."
            )
        if role == DOCTOR and int(observation["protected"]) != NONE:
            lines.append(f"Last night you protected {self._who(int(observation['protected']))}.")
        revealed = [
            f"{self.names[k]} was {role_phrase(int(known[k]))}"
            for k in range(len(known))
            if known[k] != NONE and not observation["alive"][k] and k != self.seat
        ]
        if revealed:
            lines.append(f"Roles announced: {'; '.join(revealed)}.")
        alive = observation["alive"]
        living = [self.names[k] for k in range(len(alive)) if alive[k]]
        dead = [self.names[k] for k in range(len(alive)) if not alive[k]]
        lines.append(
            f"Alive: {', '.join(living)}." + (f" Dead: {', '.join(dead)}." if dead else "")
        )
        if not alive[self.seat]:
            lines.append("You are dead: you only watch now.")
        return lines

    def event_line(self, event: Any) -> str:
        """One event in words, from this player's point of view."""
        kind, day = event.kind, event.day
        actor = self._who(event.actor) if event.actor != NONE else ""
        chosen = self._who(event.target) if event.target != NONE else ""
        role = f" ({role_phrase(event.value)})" if event.value != NONE else ""
        if kind == E_WOLF_CHAT:
            return f'[werewolves\' channel, night {day}] {actor}: "{event.text}"'
        if kind == E_WOLF_VOTE:
            return f"[werewolves' channel, night {day}] {actor} voted to kill {chosen}."
        if kind == E_WOLF_VICTIM:
            return f"[werewolves' channel, night {day}] The pack chose {chosen} as the victim."
        if kind == E_SEER_CHECK:
            team = "a werewolf" if event.value == 1 else "on the village team"
            return f"[your check, night {day}] {chosen} is {team}."
        if kind == E_PROTECT:
            return f"[night {day}] You protected {chosen}."
        if kind == E_DEATH:
            was = "were" if chosen == "you" else "was"
            return f"Dawn of day {day}: {chosen}{role} {was} killed in the night."
        if kind == E_NO_DEATH:
            return f"Dawn of day {day}: nobody died in the night."
        if kind == E_SPEECH:
            said = event.text.strip()
            return f'{actor}: "{said}"' if said else f"{actor} said nothing."
        if kind == E_VOTE:
            vote = "run-off vote" if event.value == 1 else "vote"
            return f"Day {day} {vote}: {actor} voted for {chosen}."
        if kind == E_RUNOFF:
            return f"Day {day}: {chosen} {'are' if chosen == 'you' else 'is'} in the run-off."
        if kind == E_ELIMINATED:
            return f"Day {day}: {chosen}{role} {'were' if chosen == 'you' else 'was'} voted out."
        if kind == E_NO_ELIMINATION:
            return f"Day {day}: the vote eliminated nobody."
        return ""

    def describe(self, observation: dict[str, Any]) -> str:
        """Who one is and knows, what happened since one's last turn, the move asked for."""
        log = observation["log"]
        if self._told > len(log):  # a new game from the same protocol object
            self._told = 0
        before, self._told = self._told, len(log)
        news = [self.event_line(event) for event in log[before:]]
        lines = self._knowledge(observation)
        if news:
            lines.append("Since your last turn:" if before else "So far:")
            lines.extend(news)
        lines.append(self._question(observation))
        return "\n".join(lines)

    def _question(self, observation: dict[str, Any]) -> str:
        phase, day = int(observation["phase"]), int(observation["day"])
        role = int(observation["role"])
        if phase == OVER:
            return "The game is over."
        if not observation["asked"]:
            return "Nothing is asked of you now."
        options = ", ".join(self._legal_names(observation))
        if phase == WOLF_CHAT:
            return (
                f"Night {day}. Speak to your fellow werewolves before you choose tonight's "
                "victim: your reply is your message in the werewolves' channel."
            )
        if phase == NIGHT:
            task = {
                WEREWOLF: "Choose tonight's victim",
                SEER: "Choose a player to check",
                DOCTOR: "Choose a player to protect tonight",
            }.get(role, "Choose")
            return f"Night {day}. {task}; end with a line TARGET: <name> (one of {options})."
        if phase == BID:
            return (
                f"Day {day}, discussion. Bid for the chance to speak next; the highest bid "
                "speaks.\n" + "\n".join(BID_OPTIONS) + "\nEnd with a line BID: <0-4>."
            )
        if phase == SPEECH:
            return (
                f"Day {day}, discussion: your turn to speak. Your whole reply is said aloud to "
                "everyone."
            )
        if phase in (VOTE, RUNOFF):
            what = "the run-off vote" if phase == RUNOFF else "the vote to eliminate a player"
            return f"Day {day}, {what}. End with a line VOTE: <name> (one of {options})."
        return "Nothing is asked of you now."

    def _legal_names(self, observation: dict[str, Any]) -> list[str]:
        legal = observation["legal"]
        return [self.names[k] for k in range(len(legal)) if legal[k]]

    # replies

    def parse(self, reply: str, observation: dict[str, Any] | None = None) -> dict[str, Any]:
        """The move a reply makes in the observation's phase; ``MoveError`` when there is none
        or it is not legal."""
        if observation is None:
            raise MoveError("a Werewolf reply is read in its phase: the observation is needed")
        phase = int(observation["phase"])
        if phase in (SPEECH, WOLF_CHAT):
            text = reply.strip() if isinstance(reply, str) else ""
            if not text:
                raise MoveError("the reply is empty; say something", fault="empty")
            said = clean_message(_SAY.sub("", text, count=1), self.info["max_speech"])
            return speech(said)
        expected = self._expected(observation)
        _, tag = tagged_reply(reply, expected)
        found = _TAG.match(clean_tag(tag))
        if phase == BID:
            if found is None or found.group(1).lower() != "bid":
                raise MoveError(f"the last line {tag[:60]!r} is not a bid; {expected}")
            amount = found.group(2).strip()
            if not amount.isdigit() or not 0 <= int(amount) <= MAX_BID:
                raise MoveError(f"a bid is 0 to {MAX_BID}, got {amount[:20]!r}; {expected}")
            return floor_bid(int(amount))
        word = "target" if phase == NIGHT else "vote"
        if found is None or found.group(1).lower() != word:
            raise MoveError(f"the last line {tag[:60]!r} is not a move; {expected}")
        name = clean_tag(found.group(2)).lower()
        seats = [k for k, n in enumerate(self.names) if n.lower() == name]
        if not seats:
            raise MoveError(f"{found.group(2)[:40]!r} is no player's name; {expected}")
        if not observation["legal"][seats[0]]:
            raise MoveError(
                f"{self.names[seats[0]]} may not be named now; {expected}", fault="illegal"
            )
        return target(seats[0])

    def _expected(self, observation: dict[str, Any]) -> str:
        phase = int(observation["phase"])
        if phase == BID:
            return f"end with a line BID: <0-{MAX_BID}>"
        word = "TARGET" if phase == NIGHT else "VOTE"
        return (
            f"end with a line {word}: <name> (one of {', '.join(self._legal_names(observation))})"
        )

    def legal_moves(self, observation: dict[str, Any] | None) -> list[str]:
        """The replies that are legal now."""
        if observation is None:
            return ["<a speech>", "VOTE: <name>", "TARGET: <name>", "BID: <0-4>"]
        phase = int(observation["phase"])
        if phase in (SPEECH, WOLF_CHAT):
            return [f"<what you say, at most {self.info['max_speech']} characters>"]
        if phase == BID:
            return [f"BID: {k}" for k in range(MAX_BID + 1)]
        if phase == OVER:
            return []
        word = "TARGET" if phase == NIGHT else "VOTE"
        return [f"{word}: {name}" for name in self._legal_names(observation)]

    def schema(self, observation: dict[str, Any]) -> dict[str, Any]:
        """A JSON schema of a legal reply: a speech, or a few lines of thought then the move."""
        phase = int(observation["phase"])
        if phase in (SPEECH, WOLF_CHAT):
            move: dict[str, Any] = {
                "type": "string",
                "minLength": 1,
                "maxLength": self.info["max_speech"],
            }
        else:
            moves = "|".join(re.escape(m) for m in self.legal_moves(observation))
            move = {"type": "string", "pattern": f"^([^\\n]{{0,300}}\\n){{0,3}}({moves})$"}
        return {
            "type": "object",
            "properties": {"move": move},
            "required": ["move"],
            "additionalProperties": False,
        }

    def fallback(self, observation: dict[str, Any]) -> dict[str, Any]:
        """The declared fallback: silence in talk, bid 0, and for a target a legal player
        drawn from the protocol's seed (no name is favoured)."""
        phase = int(observation["phase"])
        if phase in (SPEECH, WOLF_CHAT):
            return speech("")
        if phase == BID:
            return floor_bid(0)
        legal = [k for k in range(len(observation["legal"])) if observation["legal"][k]]
        return target(self._rng.choice(legal))

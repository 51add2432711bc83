"""Tournament files (TOML): their shape, and errors that name the file, the key and the fix.

```toml
[tournament]
name = "quickstart"
seed = 7
workers = 2            # optional, default: number of cores
db = "arena.db"        # optional, relative to the current folder
backend = "local"      # optional: "ray" plays the matches as Ray tasks (the ray extra)
address = "auto"       # optional, backend = "ray": the cluster to join (default: a local one)
[game]
id = "matrix/prisoners-dilemma-v0"
rounds = 200           # game parameters sit beside id
[schedule]
format = "round-robin"  # or "random-groups" with matches = N, "role-balanced", "feedback",
repetitions = 10        # "gauntlet" with reference = [names], "swiss" with rounds = N,
swap_seats = true       # "adaptive" with target_ci = points and max_matches = N
[[agents]]
name = "tit-for-tat"
[[agents]]
name = "random"
p = 0.3                # agent parameters sit beside name
alias = "random-30"    # optional: how results name this agent
[[agents]]
name = "gpt-4o-mini"   # a table with a provider is a language model; name names it
provider = "openai"    # or "anthropic", or "openai-compatible" with base_url
model = "gpt-4o-mini"
```
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from arena.errors import ArenaError, ConfigError
from arena.names import check_name
from arena.validation import error_message, format_location, read_toml

if TYPE_CHECKING:
    from arena.schedule import DynamicSchedule, Fixture

Name = Annotated[str, AfterValidator(check_name)]

_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True)


class TournamentSection(BaseModel):
    model_config = _STRICT
    name: Name = Field(pattern=r"^[^/\\]*$")  # no slashes: it may name files
    seed: int = Field(0, ge=0, lt=2**63)
    workers: int | None = Field(None, ge=1, le=1024)
    db: str | None = Field(None, min_length=1)
    backend: Literal["local", "ray"] = "local"
    address: str | None = Field(None, min_length=1)


class ScheduleSection(BaseModel):
    model_config = _STRICT
    format: Literal[
        "round-robin", "feedback", "random-groups", "role-balanced", "gauntlet", "swiss", "adaptive"
    ] = "round-robin"
    repetitions: int = Field(1, ge=1, le=1_000_000)
    swap_seats: bool = True
    self_play: bool = False
    # format = "random-groups": this many matches of seeded random groups, seats rotated
    matches: int | None = Field(None, ge=1)
    # format = "role-balanced" (hidden roles): every agent plays every role this many times
    games_per_role: int = Field(1, ge=1, le=10_000)
    # format = "feedback" (Fu et al.): a learner coached by a critic, round after round
    learner: str | None = Field(None, min_length=1)
    learner_seat: str | None = Field(None, min_length=1)
    opponent: str | None = Field(None, min_length=1)
    rounds: int = Field(5, ge=1, le=1000)  # also format = "swiss": how many rounds to pair
    experiments: int = Field(200, ge=1, le=100_000)
    # format = "gauntlet": the reference pool (display names); every other agent is under test
    reference: list[Name] | None = Field(None, min_length=1)
    # format = "adaptive": stop once every 95% interval is narrower than target_ci points, or
    # once max_matches are played; batch matches a round
    target_ci: float | None = Field(None, gt=0.0, allow_inf_nan=False)
    max_matches: int | None = Field(None, ge=1)
    batch: int | None = Field(None, ge=1)


_FEEDBACK_KEYS = ("learner", "learner_seat", "opponent", "rounds", "experiments")
_ROUND_ROBIN_KEYS = ("repetitions", "swap_seats", "self_play")
_RANDOM_GROUPS_KEYS = ("matches",)
_ROLE_BALANCED_KEYS = ("games_per_role",)
# The formats that take each schedule key (the keys of the other formats are refused with
# "only for format = ..."); gauntlet, swiss and adaptive are checked by this table alone.
_KEY_FORMATS: dict[str, tuple[str, ...]] = {
    "repetitions": ("round-robin", "gauntlet"),
    "swap_seats": ("round-robin", "gauntlet"),
    "self_play": ("round-robin",),
    "matches": ("random-groups",),
    "games_per_role": ("role-balanced",),
    "learner": ("feedback",),
    "learner_seat": ("feedback",),
    "opponent": ("feedback",),
    "experiments": ("feedback",),
    "rounds": ("feedback", "swiss"),
    "reference": ("gauntlet",),
    "target_ci": ("adaptive",),
    "max_matches": ("adaptive",),
    "batch": ("adaptive",),
}
_NEW_FORMATS = ("gauntlet", "swiss", "adaptive")


class CriticSection(BaseModel):
    """``[critic]``: who coaches the learner of a feedback schedule (not rated)."""

    model_config = ConfigDict(extra="allow", frozen=True, strict=True)
    name: str = Field(min_length=1)


class GameSection(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True, strict=True)
    id: str = Field(min_length=1)


class ModeratorSection(BaseModel):
    """``[moderator]``: who decides deals in free-text negotiations (not rated)."""

    model_config = ConfigDict(extra="allow", frozen=True, strict=True)
    name: str = Field("rule", min_length=1)


class AgentSection(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True, strict=True)
    name: Name
    alias: Name | None = None


class TournamentFile(BaseModel):
    model_config = _STRICT
    tournament: TournamentSection
    game: GameSection
    schedule: ScheduleSection = Field(default_factory=ScheduleSection)
    moderator: ModeratorSection | None = None
    critic: CriticSection | None = None
    agents: list[AgentSection] = Field(min_length=1)


@dataclass(frozen=True)
class AgentSpec:
    """An agent as a tournament seats it: the registered name, its parameters, its display name."""

    name: str
    params: dict[str, Any]
    display_name: str

    @property
    def is_llm(self) -> bool:
        """Whether this is a language model (a spec with a provider)."""
        return self.name == "llm"

    def build(self) -> Any:
        """A fresh agent object."""
        from arena.registry import make_agent

        return make_agent(self.name, self.display_name, **self.params)


def display_name(name: str, params: dict[str, Any], alias: str | None) -> str:
    """How results name an agent: its alias, else its name with any parameters."""
    if alias:
        return alias
    if not params:
        return name
    return f"{name}(" + ",".join(f"{k}={v}" for k, v in sorted(params.items())) + ")"


@dataclass(frozen=True)
class FeedbackSchedule:
    """Fu et al.'s protocol: ``experiments`` chains of ``rounds`` coached games each."""

    learner: int  # index into the agents
    opponent: int
    learner_seat: int  # seat index
    rounds: int
    experiments: int
    critic: dict[str, Any]

    def as_key(self, agents: tuple[AgentSpec, ...], seats: list[str]) -> dict[str, Any]:
        return {
            "format": "feedback",
            "learner": agents[self.learner].display_name,
            "opponent": agents[self.opponent].display_name,
            "learner_seat": seats[self.learner_seat],
            "rounds": self.rounds,
            "experiments": self.experiments,
        }


@dataclass(frozen=True)
class AdaptiveSettings:
    """``format = "adaptive"``: the stopping rules and the round size (``arena.adaptive``)."""

    target_ci: float  # rating points: stop once every 95% interval is narrower
    max_matches: int  # the most matches it plays, warm-up included
    batch: int  # matches a round after the warm-up


@dataclass(frozen=True)
class TournamentConfig:
    """A validated tournament file."""

    name: str
    seed: int
    workers: int | None
    db: str | None
    game_id: str
    game_params: dict[str, Any]
    repetitions: int
    swap_seats: bool
    self_play: bool
    agents: tuple[AgentSpec, ...]
    source: str = "<config>"
    seats: list[str] = field(default_factory=list)  # the game's seat names
    moderator: dict[str, Any] | None = None  # the [moderator] table; None: the rule moderator
    feedback: FeedbackSchedule | None = None  # format = "feedback": the chains to run
    matches: int | None = None  # format = "random-groups": how many matches
    # format = "role-balanced": the game's deal (one role per seat) and games per role
    role_deal: tuple[str, ...] | None = None
    games_per_role: int = 1
    backend: str = "local"  # where matches run: "local" (this machine) or "ray"
    address: str | None = None  # backend = "ray": the cluster's address (None: start one here)
    reference: tuple[int, ...] | None = None  # format = "gauntlet": the pool, agent indices
    swiss_rounds: int | None = None  # format = "swiss": how many rounds
    adaptive: AdaptiveSettings | None = None  # format = "adaptive"

    @property
    def format(self) -> str:
        """The schedule's format: ``round-robin``, ``random-groups``, ``role-balanced``,
        ``feedback``, ``gauntlet``, ``swiss`` or ``adaptive``."""
        if self.feedback is not None:
            return "feedback"
        if self.role_deal is not None:
            return "role-balanced"
        if self.reference is not None:
            return "gauntlet"
        if self.swiss_rounds is not None:
            return "swiss"
        if self.adaptive is not None:
            return "adaptive"
        return "round-robin" if self.matches is None else "random-groups"

    def dynamic_schedule(self) -> DynamicSchedule | None:
        """The planner of a schedule played in rounds (swiss, adaptive), else ``None``."""
        if self.swiss_rounds is not None:
            from arena.swiss import SwissSchedule

            return SwissSchedule(len(self.agents), self.swiss_rounds, self.seed)
        if self.adaptive is not None:
            from arena.adaptive import AdaptiveSchedule

            a = self.adaptive
            return AdaptiveSchedule(
                len(self.agents), a.target_ci, a.max_matches, a.batch, seed=self.seed
            )
        return None

    def fixtures(self, n_seats: int) -> list[Fixture]:
        """The full schedule of a game of ``n_seats`` seats: a pure function of the file.

        Schedules played in rounds have none before they are played: ``dynamic_schedule``.
        """
        from arena.schedule import gauntlet, random_groups, role_balanced, round_robin

        if self.dynamic_schedule() is not None:
            raise ValueError(
                f"a {self.format} schedule is planned round by round: use dynamic_schedule()"
            )
        if self.reference is not None:
            return gauntlet(
                len(self.agents),
                self.reference,
                repetitions=self.repetitions,
                swap_seats=self.swap_seats,
                seed=self.seed,
            )
        if self.feedback is not None:
            from arena.feedback import feedback_fixtures

            return feedback_fixtures(self, self.feedback)
        if self.role_deal is not None:
            return role_balanced(
                len(self.agents), self.role_deal, games_per_role=self.games_per_role, seed=self.seed
            )
        if self.matches is not None:
            return random_groups(len(self.agents), n_seats, matches=self.matches, seed=self.seed)
        return round_robin(
            len(self.agents),
            n_seats,
            repetitions=self.repetitions,
            swap_seats=self.swap_seats,
            self_play=self.self_play,
            seed=self.seed,
        )

    def results_key(self) -> dict[str, Any]:
        """Everything that decides the results (not workers or db): what resuming must match."""
        schedule: dict[str, Any] = {
            "format": "round-robin",
            "repetitions": self.repetitions,
            "swap_seats": self.swap_seats,
            "self_play": self.self_play,
        }
        if self.feedback is not None:
            schedule = self.feedback.as_key(self.agents, self.seats)
        elif self.matches is not None:
            schedule = {"format": "random-groups", "matches": self.matches}
        elif self.role_deal is not None:
            schedule = {"format": "role-balanced", "games_per_role": self.games_per_role}
        elif self.reference is not None:
            schedule = {
                "format": "gauntlet",
                "reference": [self.agents[a].display_name for a in self.reference],
                "repetitions": self.repetitions,
                "swap_seats": self.swap_seats,
            }
        elif self.swiss_rounds is not None:
            schedule = {"format": "swiss", "rounds": self.swiss_rounds}
        elif self.adaptive is not None:
            schedule = {
                "format": "adaptive",
                "target_ci": self.adaptive.target_ci,
                "max_matches": self.adaptive.max_matches,
                "batch": self.adaptive.batch,
            }
        key = {
            "name": self.name,
            "seed": self.seed,
            "game": {"id": self.game_id, **self.game_params},
            "schedule": schedule,
            "agents": [
                {"name": a.name, "params": a.params, "display_name": a.display_name}
                for a in self.agents
            ],
        }
        if self.moderator is not None:  # absent from files that set none, as before
            key["moderator"] = self.moderator
        if self.feedback is not None:
            key["critic"] = self.feedback.critic
        return key


def registered_agents(db: str | Path) -> dict[str, dict[str, Any]]:
    """Agent specs registered in the database ``db`` (none when it does not exist yet)."""
    if not Path(db).is_file():
        return {}
    from arena.store import Store

    with Store(db, readonly=True) as store:
        return store.registered_agents()


def load_config(path: str | Path, *, db: str | Path | None = None) -> TournamentConfig:
    """Read, parse and fully validate a tournament file (game and agents included).

    Agent names that are not built in are looked up among the agents registered in the
    database: ``db`` when given (the command line's ``--db``), else the file's own ``db``,
    else ``arena.db``.
    """
    path = Path(path)
    data = read_toml(path)
    section = data.get("tournament")
    named = section.get("db") if isinstance(section, dict) else None
    database = db or (named if isinstance(named, str) and named else "arena.db")
    try:
        registered = registered_agents(database)
    except ArenaError as error:
        raise ConfigError(f"{path}: {error}") from None
    return parse_config(data, source=str(path), registered=registered)


def resolve_agent(
    name: str, params: dict[str, Any], registered: Mapping[str, dict[str, Any]]
) -> tuple[str, dict[str, Any]]:
    """The registered kind and parameters an ``[[agents]]`` table stands for.

    A table with a ``provider`` is a language model named ``name``; a name registered in the
    database is the spec stored there, with the table's other keys overriding its fields;
    anything else is a built-in or plug-in agent.
    """
    if "provider" in params:
        return "llm", params
    from arena.registry import AGENTS

    if name not in AGENTS and name in registered:
        return "llm", {**registered[name], **params}
    return name, params


def check_seats(env: Any, spec: AgentSpec, game_id: str, *, where: str) -> None:
    """Build ``spec`` in every seat of ``env`` and check it can play there (``check_seat``)."""
    from arena.match import check_seat

    for seat in range(len(env.possible_agents)):
        try:
            check_seat(env, spec.build(), seat, game_id=game_id)
        except ArenaError as error:
            raise ConfigError(f"{where} ({spec.display_name}): {error}") from None
        except Exception as error:  # a plug-in agent that cannot even start
            raise ConfigError(
                f"{where} ({spec.display_name}): fails before its first move in seat "
                f"{env.possible_agents[seat]}: {type(error).__name__}: {error}"
            ) from None


def parse_config(
    data: dict[str, Any],
    source: str = "<config>",
    registered: Mapping[str, dict[str, Any]] | None = None,
) -> TournamentConfig:
    """Validate a parsed tournament mapping; errors read ``source: [section] key: problem``.

    ``registered`` maps names of agents registered in a database to their specs.
    """
    try:
        parsed = TournamentFile.model_validate(data)
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        loc = tuple(detail["loc"])
        if len(loc) > 1 and loc[0] == "agents" and isinstance(loc[1], int):
            head, rest = f"agents[{loc[1]}]", loc[2:]
        else:
            head, rest = (f"[{loc[0]}]", loc[1:]) if loc else ("", ())
        key = f" {format_location(rest)}" if rest else ""
        raise ConfigError(f"{source}: {head}{key}: {error_message(detail)}") from None

    if parsed.tournament.address is not None and parsed.tournament.backend != "ray":
        raise ConfigError(f"{source}: [tournament] address: only for backend = 'ray'")

    from arena.registry import GAMES, agent_class, game_family, make_game

    game_params = dict(parsed.game.model_extra or {})
    try:
        GAMES.get(parsed.game.id)
    except ArenaError as error:
        raise ConfigError(f"{source}: [game] id: {error}") from None
    try:
        env = make_game(parsed.game.id, **game_params)
    except ArenaError as error:
        raise ConfigError(f"{source}: [game] {error}") from None
    family = game_family(parsed.game.id)
    n_seats = len(env.possible_agents)

    specs: list[AgentSpec] = []
    for k, entry in enumerate(parsed.agents):
        where = f"{source}: agents[{k}]"
        # A language model's ``name`` is its display name.
        kind, params = resolve_agent(entry.name, dict(entry.model_extra or {}), registered or {})
        shown = (entry.alias or entry.name) if kind == "llm" else None
        try:
            cls = agent_class(kind)
            cls(name=entry.name, **params)
        except ArenaError as error:
            raise ConfigError(f"{where} ({entry.name}): {error}") from None
        families = cls.info.families
        if "*" not in families and family not in families:
            raise ConfigError(
                f"{where}: {entry.name} cannot play {parsed.game.id} "
                f"(it plays {', '.join(families)} games)"
            )
        shown = shown or display_name(entry.name, params, entry.alias)
        check_seats(env, AgentSpec(kind, params, shown), parsed.game.id, where=where)
        specs.append(AgentSpec(kind, params, shown))

    names = [s.display_name for s in specs]
    for k, n in enumerate(names):
        if n in names[:k]:
            raise ConfigError(
                f"{source}: agents[{k}]: {n!r} appears twice; give one of them an alias"
            )
    schedule = parsed.schedule
    if schedule.format != "random-groups":
        for key in _RANDOM_GROUPS_KEYS:
            if key in schedule.model_fields_set:
                raise ConfigError(f"{source}: [schedule] {key}: only for format = 'random-groups'")
    if schedule.format != "role-balanced":
        for key in _ROLE_BALANCED_KEYS:
            if key in schedule.model_fields_set:
                raise ConfigError(f"{source}: [schedule] {key}: only for format = 'role-balanced'")
    role_deal = None
    if schedule.format == "role-balanced":
        role_deal = _role_deal(schedule, env, game_params, len(specs), parsed.game.id, source)
    feedback = None
    if schedule.format == "feedback":
        feedback = _feedback_schedule(parsed, specs, list(env.possible_agents), source)
    else:
        for key in _FEEDBACK_KEYS:
            if key == "rounds" and schedule.format == "swiss":
                continue
            if key in schedule.model_fields_set:
                raise ConfigError(
                    f"{source}: [schedule] {key}: only for format = "
                    + " or ".join(f"'{f}'" for f in _KEY_FORMATS[key])
                )
        if parsed.critic is not None:
            raise ConfigError(f"{source}: [critic]: only a feedback schedule has a critic")
    for key in sorted(schedule.model_fields_set - {"format"}):
        formats = _KEY_FORMATS[key]
        if schedule.format not in formats and (
            schedule.format in _NEW_FORMATS or set(formats) <= set(_NEW_FORMATS)
        ):
            raise ConfigError(
                f"{source}: [schedule] {key}: only for format = "
                + " or ".join(f"'{f}'" for f in formats)
            )
    reference = swiss_rounds = adaptive = None
    if schedule.format in _NEW_FORMATS:
        _check_two_seats(schedule.format, specs, n_seats, parsed.game.id, source)
    if schedule.format == "gauntlet":
        reference = _gauntlet_reference(schedule, specs, source)
    elif schedule.format == "swiss":
        swiss_rounds = _swiss_rounds(schedule, len(specs), source)
    elif schedule.format == "adaptive":
        adaptive = _adaptive_settings(schedule, len(specs), source)
    if schedule.format == "random-groups":
        _check_random_groups(schedule, len(specs), n_seats, parsed.game.id, source)
    elif role_deal is None and feedback is None and len(specs) < n_seats and not schedule.self_play:
        raise ConfigError(
            f"{source}: agents: {parsed.game.id} seats {n_seats} players but only "
            f"{len(specs)} agents are listed (add agents or set [schedule] self_play = true)"
        )
    from arena.schedule import MAX_MATCHES, seatings_count

    seatings = seatings_count(
        len(specs), n_seats, swap_seats=schedule.swap_seats, self_play=schedule.self_play
    )
    counted = schedule.format not in ("random-groups", "role-balanced", *_NEW_FORMATS)
    if counted and seatings * schedule.repetitions > MAX_MATCHES:
        raise ConfigError(
            f"{source}: [schedule] repetitions: {schedule.repetitions:,} repetitions of "
            f"{seatings:,} seatings make {seatings * schedule.repetitions:,} matches; a "
            f"tournament holds at most {MAX_MATCHES:,} (split it into several tournaments)"
        )
    moderator = None
    if parsed.moderator is not None:
        moderator = {"name": parsed.moderator.name, **(parsed.moderator.model_extra or {})}
        from arena.registry import make_moderator

        try:
            make_moderator(moderator)
        except ArenaError as error:
            raise ConfigError(f"{source}: [moderator] name: {error}") from None
    return TournamentConfig(
        name=parsed.tournament.name,
        seed=parsed.tournament.seed,
        workers=parsed.tournament.workers,
        db=parsed.tournament.db,
        backend=parsed.tournament.backend,
        address=parsed.tournament.address,
        game_id=parsed.game.id,
        game_params=game_params,
        repetitions=schedule.repetitions,
        swap_seats=schedule.swap_seats,
        self_play=schedule.self_play,
        agents=tuple(specs),
        source=source,
        seats=list(env.possible_agents),
        moderator=moderator,
        feedback=feedback,
        matches=schedule.matches if schedule.format == "random-groups" else None,
        role_deal=role_deal,
        games_per_role=schedule.games_per_role,
        reference=reference,
        swiss_rounds=swiss_rounds,
        adaptive=adaptive,
    )


def _check_two_seats(
    format: str, specs: list[AgentSpec], n_seats: int, game_id: str, source: str
) -> None:
    """Gauntlets, Swiss and adaptive schedules pair agents: two-seat games, two agents at least.

    (In a game of more seats a pairing would leave the other seats to someone: a design of
    its own, so those games are refused rather than guessed at; random-groups schedules them.)
    """
    if n_seats != 2:
        raise ConfigError(
            f"{source}: [schedule] format: {format!r} pairs agents, so it is for two-seat games; "
            f"{game_id} seats {n_seats} (use 'round-robin' or 'random-groups')"
        )
    if len(specs) < 2:
        raise ConfigError(
            f"{source}: agents: a {format} schedule pairs agents, so it needs at least 2; "
            f"{len(specs)} listed"
        )


def _gauntlet_reference(
    schedule: ScheduleSection, specs: list[AgentSpec], source: str
) -> tuple[int, ...]:
    """The reference pool of a gauntlet, by display name, with the agents under test left."""
    where = f"{source}: [schedule] reference"
    if schedule.reference is None:
        raise ConfigError(
            f"{where}: required for format = 'gauntlet' (the names of the reference agents)"
        )
    names = [spec.display_name for spec in specs]
    pool: list[int] = []
    for name in schedule.reference:
        if name not in names:
            raise ConfigError(f"{where}: {name!r} is not one of the agents ({', '.join(names)})")
        if names.index(name) in pool:
            raise ConfigError(f"{where}: {name!r} is listed twice")
        pool.append(names.index(name))
    if len(pool) == len(names):
        raise ConfigError(
            f"{where}: every agent is in the reference pool; a gauntlet needs agents under "
            "test (agents not listed in reference)"
        )
    from arena.schedule import MAX_MATCHES

    total = (len(names) - len(pool)) * len(pool) * schedule.repetitions
    total *= 2 if schedule.swap_seats else 1
    if total > MAX_MATCHES:
        raise ConfigError(
            f"{source}: [schedule] repetitions: {total:,} matches; a tournament holds at most "
            f"{MAX_MATCHES:,} (split it into several tournaments)"
        )
    return tuple(pool)


def _swiss_rounds(schedule: ScheduleSection, n_agents: int, source: str) -> int:
    """A Swiss schedule's rounds: required, and not more matches than a tournament holds."""
    where = f"{source}: [schedule] rounds"
    if "rounds" not in schedule.model_fields_set:
        raise ConfigError(f"{where}: required for format = 'swiss' (how many rounds to pair)")
    from arena.schedule import MAX_MATCHES

    total = schedule.rounds * (n_agents // 2)
    if total > MAX_MATCHES:
        raise ConfigError(f"{where}: {total:,} matches; a tournament holds at most {MAX_MATCHES:,}")
    return schedule.rounds


def _adaptive_settings(schedule: ScheduleSection, n_agents: int, source: str) -> AdaptiveSettings:
    """An adaptive schedule's target and budget (both required) and its batch (defaulted)."""
    where = f"{source}: [schedule]"
    if schedule.target_ci is None:
        raise ConfigError(
            f"{where} target_ci: required for format = 'adaptive' (the widest 95% rating "
            "interval to stop at, in rating points)"
        )
    if schedule.max_matches is None:
        raise ConfigError(
            f"{where} max_matches: required for format = 'adaptive' (the most matches to play)"
        )
    from arena.adaptive import default_batch
    from arena.schedule import MAX_MATCHES

    if schedule.max_matches > MAX_MATCHES:
        raise ConfigError(
            f"{where} max_matches: {schedule.max_matches:,} matches; a tournament holds at most "
            f"{MAX_MATCHES:,} (split it into several tournaments)"
        )
    batch = default_batch(n_agents) if schedule.batch is None else schedule.batch
    return AdaptiveSettings(float(schedule.target_ci), schedule.max_matches, batch)


def _role_deal(
    schedule: ScheduleSection,
    env: Any,
    game_params: dict[str, Any],
    n_agents: int,
    game_id: str,
    source: str,
) -> tuple[str, ...]:
    """A role-balanced schedule's deal: the game must deal roles, and leave them to it."""
    where = f"{source}: [schedule]"
    for key in (*_ROUND_ROBIN_KEYS, *_RANDOM_GROUPS_KEYS):
        if key in schedule.model_fields_set:
            raise ConfigError(f"{where} {key}: not for format = 'role-balanced'")
    if not hasattr(env, "role_deal"):
        raise ConfigError(
            f"{where} format: 'role-balanced' is for games with hidden roles; {game_id} has none"
        )
    if "roles" in game_params:
        raise ConfigError(
            f"{source}: [game] roles: a role-balanced schedule deals the roles itself "
            "(drop roles, or use another format)"
        )
    deal = tuple(env.role_deal())
    if n_agents < len(deal):
        raise ConfigError(
            f"{source}: agents: {game_id} seats {len(deal)} players but only {n_agents} agents "
            f"are listed; role-balanced matches seat {len(deal)} distinct agents (add agents)"
        )
    return deal


def _check_random_groups(
    schedule: ScheduleSection, n_agents: int, n_seats: int, game_id: str, source: str
) -> None:
    """A random-groups schedule: ``matches`` given and not too many, enough distinct agents."""
    where = f"{source}: [schedule]"
    for key in _ROUND_ROBIN_KEYS:
        if key in schedule.model_fields_set:
            raise ConfigError(f"{where} {key}: only for format = 'round-robin'")
    if schedule.matches is None:
        raise ConfigError(
            f"{where} matches: required for format = 'random-groups' (how many matches to play)"
        )
    from arena.schedule import MAX_MATCHES

    if schedule.matches > MAX_MATCHES:
        raise ConfigError(
            f"{where} matches: {schedule.matches:,} matches; a tournament holds at most "
            f"{MAX_MATCHES:,} (split it into several tournaments)"
        )
    if n_agents < n_seats:
        raise ConfigError(
            f"{source}: agents: {game_id} seats {n_seats} players but only {n_agents} agents "
            f"are listed; random groups seat {n_seats} distinct agents (add agents)"
        )


def _feedback_schedule(
    parsed: TournamentFile, specs: list[AgentSpec], seats: list[str], source: str
) -> FeedbackSchedule:
    """The feedback schedule's learner, opponent, seat and critic, each checked by name."""
    schedule = parsed.schedule
    where = f"{source}: [schedule]"
    for key in _ROUND_ROBIN_KEYS:
        if key in schedule.model_fields_set:
            raise ConfigError(f"{where} {key}: only for format = 'round-robin'")
    if len(seats) != 2:
        raise ConfigError(f"{where} format: a feedback schedule needs a two-seat game")
    names = [spec.display_name for spec in specs]
    found = {}
    for key in ("learner", "opponent"):
        value = getattr(schedule, key)
        if value is None:
            raise ConfigError(f"{where} {key}: a feedback schedule names one of the agents")
        if value not in names:
            raise ConfigError(
                f"{where} {key}: {value!r} is not one of the agents ({', '.join(names)})"
            )
        found[key] = names.index(value)
    if schedule.learner_seat not in seats:
        raise ConfigError(
            f"{where} learner_seat: {schedule.learner_seat!r} is not a seat of "
            f"{parsed.game.id} (seats: {', '.join(seats)})"
        )
    if parsed.critic is None:
        raise ConfigError(f"{source}: [critic]: a feedback schedule needs a critic table")
    critic = {"name": parsed.critic.name, **(parsed.critic.model_extra or {})}
    from arena.registry import make_critic

    try:
        make_critic(critic)
    except ArenaError as error:
        raise ConfigError(f"{source}: [critic] name: {error}") from None
    total = schedule.rounds * schedule.experiments
    from arena.schedule import MAX_MATCHES

    if total > MAX_MATCHES:
        raise ConfigError(f"{where} experiments: {total:,} matches; at most {MAX_MATCHES:,}")
    return FeedbackSchedule(
        learner=found["learner"],
        opponent=found["opponent"],
        learner_seat=seats.index(schedule.learner_seat),
        rounds=schedule.rounds,
        experiments=schedule.experiments,
        critic=critic,
    )

"""The ``arena`` command line: run tournaments, list games and agents, show and publish ratings.

Start-up stays fast: this module imports only Typer; each command imports what it needs.
Every error a user can cause prints one line on stderr and exits 2, with no traceback.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from arena.errors import ArenaError, ConfigError
from arena.names import printable

app = typer.Typer(
    name="arena",
    help="Pit language-model and scripted agents against each other in strategic games.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
games_app = typer.Typer(help="Registered games.", no_args_is_help=True)
agents_app = typer.Typer(help="Registered agents.", no_args_is_help=True)
leaderboard_app = typer.Typer(help="Ratings computed from stored matches.", no_args_is_help=True)
app.add_typer(games_app, name="games")
app.add_typer(agents_app, name="agents")
app.add_typer(leaderboard_app, name="leaderboard")

EXIT_INCOMPLETE = 1  # the run ended, but some matches have no result yet (void)
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

F = TypeVar("F", bound=Callable[..., Any])


def user_errors(command: F) -> F:
    """Turn an ``ArenaError`` into one line on stderr and exit status 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ArenaError as error:
            typer.echo(f"arena: error: {printable(str(error))}", err=True)
            raise typer.Exit(EXIT_USAGE) from None

    return wrapper  # type: ignore[return-value]


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _table(title: str, columns: list[str], rows: list[list[str]], wrap: int = -1) -> None:
    """Print a table; only column ``wrap`` (a name or summary) may wrap, numbers never do."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # Every cell is plain text: a name like "[/bold]" or "[link=...]" is shown, not obeyed,
    # and control characters (ANSI escapes, newlines) are shown as escapes.
    table = Table(title=Text(printable(title)), title_justify="left")
    wrapping = wrap % len(columns)
    for k, column in enumerate(columns):
        table.add_column(Text(column), no_wrap=k != wrapping, overflow="fold")
    for row in rows:
        table.add_row(*(Text(printable(cell)) for cell in row))
    console = Console()
    if not console.is_terminal:  # a log or a pipe: do not squeeze into 80 columns
        console = Console(width=160)
    console.print(table)


JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
DbOption = Annotated[Path, typer.Option("--db", help="The arena database (SQLite file).")]


def _per_second(per_second: float) -> str:
    """A rate with the digits that say something: 473, 12.5, 0.27 (language models play a
    match in seconds, where a whole-number rate would print 0)."""
    if per_second >= 100 or per_second == 0:
        return f"{per_second:.0f}"
    return f"{per_second:.3g}"


def _warn_shadowed(games: set[str] | None = None, agents: set[str] | None = None) -> None:
    """Say on stderr which installed plug-ins lose their name to another game or agent (all
    of them, or those of the names given): one line each."""
    from arena.registry import AGENTS, GAMES

    for registry, used in ((GAMES, games), (AGENTS, agents)):
        for name, line in registry.shadowed():
            if used is None or name in used:
                typer.echo(f"arena: warning: {line}", err=True)


@games_app.command("list")
@user_errors
def games_list(as_json: JsonOption = False) -> None:
    """List the registered games."""
    from arena.registry import GAMES

    _warn_shadowed(agents=set())
    entries = [
        {
            "id": e.name,
            "players": e.extra.get("players", "?"),
            "api": e.extra.get("api", "?"),
            "family": e.extra.get("family", e.name.split("/")[0]),
            "summary": e.summary,
        }
        for e in GAMES
    ]
    if as_json:
        _print_json(entries)
        return
    _table(
        "Games",
        ["id", "players", "moves", "summary"],
        [[e["id"], str(e["players"]), e["api"], e["summary"]] for e in entries],
    )


def _agent_rows(db: Path) -> list[dict[str, Any]]:
    """Built-in and plug-in agents, then the agents registered in ``db`` (if it exists)."""
    from arena.config import registered_agents
    from arena.registry import AGENTS

    entries: list[dict[str, Any]] = []
    for entry in AGENTS:
        if entry.extra.get("broken"):  # a plug-in that cannot be imported: listed, not loaded
            entries.append(
                {
                    "name": entry.name,
                    "kind": "broken",
                    "families": [],
                    "stochastic": False,
                    "memory_depth": None,
                    "uses_llm": False,
                    "axelrod_name": None,
                    "source": str(entry.extra["plugin"]),
                    "summary": entry.summary,
                }
            )
            continue
        info = entry.load().info
        depth = info.memory_depth
        entries.append(
            {
                "name": entry.name,
                "kind": entry.extra.get("kind", "plug-in"),
                "families": list(info.families),
                "stochastic": info.stochastic,
                "memory_depth": None if depth == float("inf") else depth,
                "uses_llm": info.uses_llm,
                "axelrod_name": info.axelrod_name,
                "source": info.source,
                "summary": entry.summary,
            }
        )
    for name, spec in registered_agents(db).items():
        entries.append(
            {
                "name": name,
                "kind": "registered",
                "families": ["*"],
                "stochastic": True,
                "memory_depth": None,
                "uses_llm": True,
                "axelrod_name": None,
                "source": str(db),
                "summary": f"{spec.get('provider', '?')} model {spec.get('model', '?')}",
                "spec": spec,
            }
        )
    return entries


@agents_app.command("list")
@user_errors
def agents_list(
    as_json: JsonOption = False,
    db: Annotated[
        Path, typer.Option("--db", help="Also list the agents registered in this database.")
    ] = Path("arena.db"),
) -> None:
    """List the registered agents with their declared metadata."""
    _warn_shadowed(games=set())
    entries = _agent_rows(db)
    if as_json:
        _print_json(entries)
        return
    rows = [
        [
            e["name"],
            e["kind"],
            "all" if "*" in e["families"] else ", ".join(e["families"]),
            "yes" if e["stochastic"] else "no",
            "inf" if e["memory_depth"] is None else f"{e['memory_depth']:g}",
            e["axelrod_name"] or "",
            e["summary"],
        ]
        for e in entries
    ]
    headers = ["name", "kind", "plays", "stochastic", "memory", "axelrod", "summary"]
    _table("Agents", headers, rows)


@agents_app.command("register")
@user_errors
def agents_register(
    name: Annotated[str, typer.Argument(help="The name tournaments will use.")],
    provider: Annotated[
        str, typer.Option(help="openai, anthropic, or openai-compatible (with --base-url).")
    ],
    model: Annotated[str, typer.Option(help="The provider's model name.")],
    db: DbOption = Path("arena.db"),
    base_url: Annotated[str | None, typer.Option(help="The API's base URL.")] = None,
    api_key_env: Annotated[
        str | None, typer.Option(help="Environment variable holding the key (never the key).")
    ] = None,
    temperature: Annotated[float | None, typer.Option(help="Sampling temperature.")] = None,
    max_tokens: Annotated[int | None, typer.Option(help="Reply length limit.")] = None,
    system_prompt: Annotated[str | None, typer.Option(help="Put before the rules.")] = None,
    timeout: Annotated[float | None, typer.Option(help="Seconds per HTTP request.")] = None,
    max_retries: Annotated[int | None, typer.Option(help="Transport retries (SDK).")] = None,
    move_retries: Annotated[int | None, typer.Option(help="Re-asks after bad replies.")] = None,
    concurrency: Annotated[int | None, typer.Option(help="Calls in flight.")] = None,
    memory_tokens: Annotated[
        int | None, typer.Option(help="Tokens of earlier games and feedback kept.")
    ] = None,
    seed: Annotated[
        bool | None, typer.Option("--seed/--no-seed", help="Send a per-call sampling seed.")
    ] = None,
    predict_first: Annotated[
        bool | None, typer.Option(help="Ask for a prediction of the other's move first.")
    ] = None,
    shuffle_options: Annotated[
        bool | None, typer.Option(help="List the options in a new order every round.")
    ] = None,
    labels: Annotated[
        str | None, typer.Option(help="Option labels, comma-separated (e.g. J,F).")
    ] = None,
    replace: Annotated[bool, typer.Option(help="Overwrite an agent of this name.")] = False,
) -> None:
    """Register a language model by name in the database, for any tournament to use."""
    from pydantic import ValidationError

    from arena.agents.llm.spec import LLMSpec
    from arena.names import name_problem
    from arena.registry import AGENTS
    from arena.store import Store
    from arena.validation import error_message

    problem = name_problem(name)
    if problem is not None:
        shown = name if len(name) <= 40 else f"{name[:40]}..."
        raise ArenaError(f"agent name {shown!r}: {problem}")
    if name in AGENTS:
        raise ArenaError(f"agent {name!r} is built in; choose another name")
    given = {
        "provider": provider,
        "model": model,
        "base_url": base_url,
        "api_key_env": api_key_env,
        "temperature": temperature,
        "max_tokens": max_tokens,
        "system_prompt": system_prompt,
        "timeout": timeout,
        "max_retries": max_retries,
        "move_retries": move_retries,
        "concurrency": concurrency,
        "memory_tokens": memory_tokens,
        "seed": seed,
        "predict_first": predict_first,
        "shuffle_options": shuffle_options,
        "labels": [label.strip() for label in labels.split(",")] if labels else None,
    }
    spec = {key: value for key, value in given.items() if value is not None}
    try:
        LLMSpec.model_validate(spec)  # the same checks a tournament file gets
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        option = f"--{str(detail['loc'][0]).replace('_', '-')}: " if detail["loc"] else ""
        raise ArenaError(f"{option}{error_message(detail)}") from None
    with Store(db) as store:
        store.register_agent(name, spec, replace=replace)
    typer.echo(printable(f"registered {name} ({provider} model {model}) in {db}"))


@agents_app.command("remove")
@user_errors
def agents_remove(
    name: Annotated[str, typer.Argument(help="A registered agent.")],
    db: DbOption = Path("arena.db"),
) -> None:
    """Forget a registered agent; its stored matches stay."""
    from arena.store import Store

    with Store(db, create=False) as store:
        store.remove_agent(name)
    typer.echo(printable(f"removed {name} from {db}"))


class _ProgressBar:
    """A Rich progress bar on stderr, started on the first report (after workers fork)."""

    def __init__(self, label: str, enabled: bool) -> None:
        self.label = label
        self.enabled = enabled
        self.progress: Any = None
        self.task: Any = None
        self.done = 0
        self.total = 0

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        if not self.enabled:
            return
        if self.progress is None:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
            )
            self.progress.start()
            self.task = self.progress.add_task(self.label, total=total, completed=done)
        self.progress.update(self.task, completed=done, total=total)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


@app.command()
@user_errors
def run(
    file: Annotated[Path, typer.Argument(help="Tournament file (TOML).")],
    db: Annotated[
        Path | None, typer.Option("--db", help="Database; overrides the file's db.")
    ] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Processes; default: cores.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    backend: Annotated[
        str | None,
        typer.Option(
            help="Where matches run: local (this machine) or ray; overrides the file's backend."
        ),
    ] = None,
    address: Annotated[
        str | None,
        typer.Option(help="--backend ray: the cluster to join (e.g. auto, or HOST:6379)."),
    ] = None,
) -> None:
    """Run a tournament; run it again to resume after an interruption."""
    from arena.backends import BACKENDS
    from arena.config import load_config
    from arena.tournament import run_tournament

    if backend is not None and backend not in BACKENDS:
        raise ConfigError(f"--backend: expected one of {', '.join(BACKENDS)}, got {backend!r}")
    config = load_config(file, db=db)
    _warn_shadowed({config.game_id}, {agent.name for agent in config.agents})
    chosen = backend or config.backend
    if address is not None and chosen != "ray":
        raise ConfigError("--address: only with --backend ray (or backend = 'ray' in the file)")
    db_path = db or Path(config.db or "arena.db")
    bar = _ProgressBar(config.name, enabled=not quiet)
    try:
        report = run_tournament(
            config, db_path, workers=workers, progress=bar, backend=chosen, address=address
        )
    except KeyboardInterrupt:
        bar.stop()
        typer.echo(
            f"arena: interrupted: {bar.done} of {bar.total} matches stored in {db_path}; "
            "run the same command again to resume",
            err=True,
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None
    finally:
        bar.stop()
    rate = report.played / report.seconds if report.seconds > 0 else 0.0
    void = f", {len(report.void)} void" if report.void else ""
    summary = (
        f"{report.name}: {report.total} matches ({report.played} played, "
        f"{report.already_stored} already stored{void}) in {report.seconds:.2f} s "
        f"({_per_second(rate)} matches/s, {report.workers} "
        f"worker{'' if report.workers == 1 else 's'}) -> {report.db}"
    )
    if report.stopped is not None:  # a schedule played in rounds: how it ended
        widest = (
            ""
            if report.widest_ci is None
            else f", widest 95% interval {report.widest_ci:.0f} points"
        )
        rounds = "" if "rounds played" in report.stopped else f"{report.rounds} rounds, "
        summary += f"; {rounds}{report.stopped}{widest}"
    typer.echo(printable(summary))
    if any(agent.is_llm for agent in config.agents):
        _print_llm_totals(db_path, config.name)
    if report.void:
        typer.echo(
            printable(
                f"arena: {len(report.void)} matches are void: an endpoint failed them, which "
                f"is not a move, so they count in no rating (first: match "
                f"{report.void[0].match_index}: {report.void[0].error}); run the same command "
                "again to play them"
            ),
            err=True,
        )
        raise typer.Exit(EXIT_INCOMPLETE)


def _play_tournament(game_id: str, params: dict[str, Any]) -> str:
    """The tournament that keeps every ``arena play`` of one game with one set of parameters.

    One per rule set, as leaderboards want (a 3-round and a 10-round game do not share a
    table), so a play never conflicts with the stored configuration. A file's tournament
    names have no slash, so these never meet one.
    """
    from arena.config import display_name
    from arena.names import name_problem
    from arena.store import config_hash

    name = display_name(f"play/{game_id}", params, None)
    if name_problem(name) is None:
        return name
    return f"play/{game_id}({config_hash(params)[:12]})"  # too long to spell out


def _play_opponents(env: Any, game_id: str, against: str, db: Path) -> tuple[Any, list[Any]]:
    """The spec of agent ``against`` and one fresh agent of it per other seat, checked in
    every seat as a tournament file's agents are (``ConfigError`` naming what is wrong)."""
    from arena.config import AgentSpec, check_seats, registered_agents, resolve_agent
    from arena.registry import agent_class, game_family

    kind, params = resolve_agent(against, {}, registered_agents(db))
    families = agent_class(kind).info.families
    if "*" not in families and game_family(game_id) not in families:
        raise ConfigError(
            f"--against {against}: it cannot play {game_id} (it plays {', '.join(families)} games)"
        )
    spec = AgentSpec(kind, params, against)
    check_seats(env, spec, game_id, where="--against")
    return spec, [spec.build() for _ in range(len(env.possible_agents) - 1)]


@app.command()
@user_errors
def play(
    game: Annotated[str, typer.Argument(help="A registered game, e.g. matrix/stag-hunt-v0.")],
    against: Annotated[
        str,
        typer.Option(
            "--against", help="The agent you play: built in, or registered in --db (a model)."
        ),
    ],
    seat: Annotated[int, typer.Option(help="Your seat, counted from 0.")] = 0,
    name: Annotated[str, typer.Option(help="How results name you.")] = "you",
    db: DbOption = Path("arena.db"),
    seed: Annotated[
        int | None, typer.Option(help="The match seed (default: a fresh one, stored).")
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="Game parameter KEY=VALUE, e.g. rounds=5."),
    ] = None,
) -> None:
    """Play a game yourself against an agent, reading the text models read; stored as usual.

    Each turn shows the game's description and reads one line (e.g. "Option J"); a line that
    cannot be used is answered as a model's reply would be, and asked again. Ctrl-D leaves
    the game, and nothing is stored.
    """
    import asyncio
    import dataclasses
    import secrets

    from arena.agents.human import HumanAgent, PlayerLeft
    from arena.match import run_match
    from arena.names import name_problem
    from arena.registry import GAMES, make_game
    from arena.store import Store

    problem = name_problem(name)
    if problem is not None:
        raise ArenaError(f"--name {name[:40]!r}: {problem}")
    if name == against:
        raise ArenaError(f"--name {name!r} is your opponent's name too; choose another")
    if seed is not None and not 0 <= seed < 2**63:
        raise ArenaError(f"--seed {seed}: expected 0 to 2**63 - 1")
    GAMES.get(game)  # unknown game: "did you mean"
    params = _game_params(param or [])
    try:
        env = make_game(game, **params)
    except ConfigError as error:
        raise ConfigError(f"-p {error}") from None
    seats = len(env.possible_agents)
    if not 0 <= seat < seats:
        raise ArenaError(f"--seat {seat}: {game} seats {seats} players, numbered 0 to {seats - 1}")
    spec, opponents = _play_opponents(env, game, against, db)
    agents = [*opponents[:seat], HumanAgent(name), *opponents[seat:]]
    seed = secrets.randbelow(2**63) if seed is None else seed

    with Store(db) as store:  # opened first: a database that cannot be used fails now
        extra = None
        if spec.is_llm:  # a model answers from the response cache and fills it
            from arena.agents.llm.cache import ResponseCache

            extra = {"cache": ResponseCache(store.connection)}
        typer.echo(printable(f"{game}, seed {seed}: {name} (seat {seat}) against {against}"))
        typer.echo()
        match = run_match(env, agents, game_id=game, seed=seed, params=params, extra=extra)
        try:
            record = asyncio.run(match)
        except (PlayerLeft, KeyboardInterrupt) as error:
            left = isinstance(error, PlayerLeft)
            typer.echo()  # end the line the prompt was on
            why = str(error) if left else "interrupted"
            typer.echo(f"arena: you left the game: {why}; nothing was stored", err=True)
            raise typer.Exit(EXIT_INCOMPLETE if left else EXIT_INTERRUPTED) from None
        tournament = _play_tournament(game, params)
        row = store.open_tournament(
            tournament,
            game_id=game,
            config={"kind": "play", "game": {"id": game, **params}},
            seed=0,  # each play has its own seed, stored with its match
            n_matches=0,  # open-ended: plays are added one at a time
        )
        index = max(store.stored_indices(row.id), default=-1) + 1
        while not store.write_matches(row.id, [dataclasses.replace(record, match_index=index)]):
            index += 1  # another play of this game took the index meanwhile
    typer.echo("\nResult:")
    for k, (agent, payoff) in enumerate(zip(record.agents, record.payoffs)):
        typer.echo(printable(f"  seat {k}: {agent} {payoff:g}"))
    typer.echo(printable(f"Stored as match {index} of tournament {tournament!r} in {db}"))


class SolveMethod(StrEnum):
    """How ``arena solve`` finds the mixed equilibria of a two-player game."""

    auto = "auto"
    support = "support"
    vertex = "vertex"
    lemke_howson = "lemke-howson"


def _game_params(pairs: list[str]) -> dict[str, Any]:
    """``KEY=VALUE`` options as game parameters; values are read as TOML (else as text)."""
    import tomllib

    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--param {pair!r}: expected KEY=VALUE")
        try:
            params[key.strip()] = tomllib.loads(f"value = {text}")["value"]
        except tomllib.TOMLDecodeError:
            params[key.strip()] = text
    return params


@app.command()
@user_errors
def solve(
    game: Annotated[
        str,
        typer.Argument(
            help="A registered matrix game id (matrix/prisoners-dilemma-v0) or a payoff file "
            "(.toml, .json or .csv; see arena/stage_games.py for the formats)."
        ),
    ],
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="Game parameter KEY=VALUE, e.g. variant=akata."),
    ] = None,
    method: Annotated[
        SolveMethod, typer.Option(help="Method for two-player mixed equilibria.")
    ] = SolveMethod.auto,
    as_json: JsonOption = False,
) -> None:
    """Solve a stage game: its equilibria, its value if zero-sum, and what they mean."""
    from arena.solver.report import solve_report
    from arena.stage_games import load_stage_game

    report = solve_report(load_stage_game(game, _game_params(param or [])), method.value)
    if as_json:
        _print_json(report)
        return
    typer.echo(f"{report['game']}")
    for sentence in report["explanation"]:
        typer.echo(f"  {sentence}")
    players = report["players"]
    if report["pure_equilibria"]:
        _table(
            "Pure equilibria",
            [*players, "payoffs"],
            [
                [*eq["actions"], ", ".join(f"{v:g}" for v in eq["payoffs"])]
                for eq in report["pure_equilibria"]
            ],
        )
    if "equilibria" in report and report["equilibria"]["list"]:
        _table(
            f"Equilibria ({report['equilibria']['method']})",
            ["#", *players, "payoffs"],
            [
                [
                    str(k + 1),
                    mix_text(eq["strategies"][0]),
                    mix_text(eq["strategies"][1]),
                    ", ".join(f"{v:g}" for v in eq["payoffs"]),
                ]
                for k, eq in enumerate(report["equilibria"]["list"])
            ],
            wrap=1,
        )
    zero_sum = report.get("zero_sum")
    if zero_sum:
        typer.echo(
            f"Value for {players[0]}: {zero_sum['value']:g}; optimal strategies "
            f"{players[0]} {{{mix_text(zero_sum['row'])}}}, "
            f"{players[1]} {{{mix_text(zero_sum['column'])}}}"
        )


def mix_text(strategy: dict[str, float]) -> str:
    """A mixed strategy as ``action: probability`` pairs."""
    return ", ".join(f"{action}: {p:g}" for action, p in strategy.items())


def _print_llm_totals(db: Path, tournament: str) -> None:
    """One line of what the tournament's language models used and how often they failed."""
    from arena.leaderboards.standings import dollars
    from arena.store import Store

    with Store(db, readonly=True) as store:
        usage = list(store.usage(tournament).values())
    faults: dict[str, int] = {}
    for agent in usage:
        for fault, count in agent.faults.items():
            faults[fault] = faults.get(fault, 0) + count
    costs = [agent.cost for agent in usage if agent.cost is not None]
    listed = ", ".join(f"{fault} {count}" for fault, count in sorted(faults.items())) or "none"
    typer.echo(
        f"LLM turns {sum(a.turns for a in usage)}: tokens in {sum(a.tokens_in for a in usage)} "
        f"(cached {sum(a.tokens_cached for a in usage)}), out {sum(a.tokens_out for a in usage)}, "
        f"cost {dollars(sum(costs)) if costs else 'unknown'}; faults: {listed}"
    )


def _standings(
    db: Path, tournaments: list[str] | None, every: bool, seed: int, bootstrap: int
) -> tuple[Any, str]:
    """The ``Board`` of the tournaments asked for, and a note saying which if none was named.

    The caller prints the note on stderr once it has succeeded, so that an error stays the only
    line there.
    """
    from arena.leaderboards.board import load_board, select_tournaments
    from arena.store import Store

    if tournaments and every:
        raise ArenaError("--tournament and --all exclude each other: give one of them")
    with Store(db, readonly=True) as store:
        selection = select_tournaments(store, tournaments or (), every=every)
        board = load_board(store, selection, seed=seed, bootstrap=bootstrap)
    return board, f"arena: {selection.note}" if selection.note else ""


TournamentOption = Annotated[
    list[str] | None,
    typer.Option(
        "--tournament",
        "-t",
        metavar="NAME",
        help="Rank this tournament; give it several times to pool tournaments of one game "
        "(default: the only tournament, or the most recent one, named on stderr).",
    ),
]
AllOption = Annotated[
    bool,
    typer.Option(
        "--all", help="Pool every tournament of the database (refused unless they play one game)."
    ),
]
SeedOption = Annotated[int, typer.Option(min=0, help="Seed of the bootstrap intervals.")]
BootstrapOption = Annotated[
    int, typer.Option(min=0, max=100_000, help="Bootstrap rounds (0: no intervals).")
]


@leaderboard_app.command("show")
@user_errors
def leaderboard_show(
    db: DbOption = Path("arena.db"),
    tournament: TournamentOption = None,
    every: AllOption = False,
    as_json: JsonOption = False,
    seed: SeedOption = 0,
    bootstrap: BootstrapOption = 1000,
    rank_by: Annotated[
        str,
        typer.Option(
            "--rank-by",
            metavar="rating|payoff|nash",
            help="Order of the table (and of the --json rows): rating (Bradley-Terry, who wins "
            "head to head), payoff (mean payoff, who scores most on average, as Axelrod "
            "ranks) or nash (Nash average, who holds up against the strongest mix of the "
            "field).",
        ),
    ] = "rating",
) -> None:
    """Print ratings (Bradley-Terry with 95% intervals, Elo), results and LLM faults per agent.

    Beside the rating: each agent's rank by mean payoff and its Nash average (its log-odds of
    winning against the maximum-entropy Nash mixture of the field's win rates), with that
    mixture under the table; LLM faults when some agent played through a model. Games of more
    than two seats add OpenSkill's Plackett-Luce ratings (mu, sigma and the ordinal mu - 3
    sigma with its 95% interval). Ranks one tournament: the one named, else the only or the
    most recent one (named on stderr, so that --json output stays pure JSON).
    """
    from arena.leaderboards.meta_views import RANK_BY, RANK_BY_QUESTIONS
    from arena.leaderboards.publish import openskill_cells, to_json
    from arena.leaderboards.standings import dollars, interval, payoff, percent

    if rank_by not in RANK_BY:
        raise ArenaError(
            f"--rank-by {rank_by!r}: expected one of {', '.join(RANK_BY)} "
            "(rating is the Bradley-Terry headline)"
        )
    board, note = _standings(db, tournament, every, seed, bootstrap)
    if note:
        typer.echo(note, err=True)
    board = board.ranked(rank_by)
    standings = board.standings
    if as_json:
        typer.echo(to_json(board), nl=False)
        return
    meta = board.meta
    payoff_ranks = meta.ranks("payoff") if meta is not None else {}
    llm = any(s.llm_turns for s in standings)  # scripted fields: no faults to show
    priced = any(s.cost is not None for s in standings)
    skill = board.multiplayer
    columns = ["#", "agent", "rating", "95% CI", "payoff #", "nash", "elo"]
    columns += ["mu", "sigma", "ordinal", "ordinal 95% CI"] if skill else []
    columns += ["matches", "W/D/L", "mean payoff"]
    columns += ["invalid moves", "forfeits"] if llm else []
    columns += ["cost"] if priced else []
    rows = [
        [
            str(rank),
            s.agent,
            f"{s.rating:.0f}",
            interval(s.ci_low, s.ci_high),
            str(payoff_ranks.get(s.agent, "-")),
            _nash_cell(meta, s.agent),
            f"{s.elo:.0f}",
            *(openskill_cells(s) if skill else []),
            str(s.matches),
            f"{s.wins}/{s.draws}/{s.losses}",
            payoff(s.mean_payoff, 2),
            *([percent(s.invalid_move_rate), str(s.forfeits)] if llm else []),
            *([dollars(s.cost)] if priced else []),
        ]
        for rank, s in enumerate(standings, start=1)
    ]
    title = f"{board.title} · {board.game_text} · {db}"
    _table(title, columns, rows, wrap=1)
    first, *others = (f"{order} {RANK_BY_QUESTIONS[order]}" for order in RANK_BY)
    typer.echo(
        f"Ranked by {rank_by} (--rank-by {'|'.join(RANK_BY)}): "
        f"{first.replace(' ', ' answers ', 1)}, {', '.join(others)}."
    )
    if meta is not None:
        mixture = ", ".join(
            f"{meta.nash_mixture[meta.index(agent)]:.1%} {agent}" for agent in meta.support
        )
        typer.echo(
            printable(
                f"Nash mixture (maximum entropy, of the win rates): {mixture}; nash is each "
                "agent's log-odds of winning against it, 0 for the agents it plays."
            )
        )
    if board.roles:  # a hidden-role game: each agent's record in each role
        from arena.leaderboards.publish import role_cells

        role_rows = [
            [s.agent, *(f"{rate} of {games.split()[0]}" for games, rate in role_cells(s))]
            for s in standings
        ]
        title = f"Win rate by role (95% CI) of games · {board.game_text}"
        _table(title, ["agent", *board.roles], role_rows, wrap=0)
    if board.sides:  # the structural edge of each team, fitted beside the agents
        terms = ", ".join(f"{t.side} {t.mu:.1f} (prior {t.prior_mu:.0f})" for t in board.sides)
        typer.echo(printable(f"OpenSkill side terms (mu): {terms}"))


def _nash_cell(meta: Any, agent: str) -> str:
    """An agent's Nash average to 2 decimals (``-`` without meta-game views)."""
    if meta is None:
        return "-"
    rating = float(meta.nash_rating[meta.index(agent)])
    return f"{rating:.2f}" if rating <= -0.005 else "0.00"  # never "-0.00"


@app.command()
@user_errors
def report(
    db: DbOption = Path("arena.db"),
    tournament: Annotated[
        str | None,
        typer.Option("--tournament", "-t", help="The tournament (default: the most recent)."),
    ] = None,
    as_json: JsonOption = False,
    seed: SeedOption = 0,
) -> None:
    """The game family's own measures: for repeated matrix games, the solver's scores per agent
    (regret of its empirical play, cooperation, payoff a round, and for memory-one pairings the
    exact expectation and the luck) and the matches' NashConv; for bargaining, deal rate, price
    with a 95% bootstrap interval, each seat's share and payoff, distance to the solver's
    split, turns to agreement; for a feedback schedule the same per round, with the deals
    broken since the round before. For auctions, revenue per item beside the theory's,
    efficiency, and each bidder's profit, ex-post regret and distance from the equilibrium bid,
    with 95% intervals. For Werewolf (social games), win rates by team and role, the village's
    vote accuracy, the seer's and the doctor's results, the wolves' survival of day votes, days
    played, and each agent's record, with 95% intervals."""
    from arena.leaderboards.bargaining_report import by_round, summary
    from arena.leaderboards.board import select_tournaments
    from arena.registry import game_family, make_game
    from arena.store import Store

    with Store(db, readonly=True) as store:
        selection = select_tournaments(store, [tournament] if tournament else ())
        (row,) = selection.tournaments
        family = game_family(row.game_id)
        if family not in ("matrix", "bargaining", "auction", "social"):
            raise ArenaError(
                "arena report measures matrix, bargaining, auction and social deduction "
                f"tournaments; {row.name!r} plays {row.game_id} (see arena leaderboard show)"
            )
        rows = store.outcomes(row.name)
        feedback = store.feedback(row.name)
    if family in ("matrix", "auction", "social"):  # a family report of its own, then its tables
        from arena.leaderboards import auction_report, matrix_report, werewolf_report

        summarise, show = {
            "matrix": (lambda rows, seed: matrix_report.summary(rows), _print_matrix),
            "auction": (auction_report.summary, _print_auction),
            "social": (werewolf_report.summary, _print_werewolf),
        }[family]
        data = {"tournament": row.name, "game": row.game_id, **summarise(rows, seed)}
        if as_json:
            _print_json(data)
            return
        if selection.note:
            typer.echo(f"arena: {selection.note.replace('ranking', 'reporting on')}", err=True)
        show(data)
        return
    params = row.config["game"]
    seats = list(
        make_game(row.game_id, **{k: v for k, v in params.items() if k != "id"}).possible_agents
    )
    data = {"tournament": row.name, "game": row.game_id, **summary(rows, row.game_id, seats, seed)}
    data["rounds"] = by_round(rows, feedback, row.game_id, seats, seed) if feedback else []
    if as_json:
        _print_json(data)
        return
    if selection.note:
        typer.echo(f"arena: {selection.note.replace('ranking', 'reporting on')}", err=True)
    _print_bargaining(data, seats)


def _number(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _with_interval(measure: dict[str, float | None], digits: int = 2) -> str:
    """``12.30 (11.90 to 12.70)``, or a dash when nothing was measured."""
    if measure["mean"] is None:
        return "-"
    low, high = _number(measure["ci_low"], digits), _number(measure["ci_high"], digits)
    return f"{_number(measure['mean'], digits)} ({low} to {high})"


def _print_auction(data: dict[str, Any]) -> None:
    """The report as tables: the auction, then each bidder."""
    expected = data["expected_revenue_per_item"]
    rows = [
        ["matches / items", f"{data['matches']} / {data['items']}"],
        ["revenue per item (95% CI)", _with_interval(data["revenue_per_item"])],
        ["expected in equilibrium", "no closed form" if expected is None else _number(expected)],
        ["revenue per match (95% CI)", _with_interval(data["revenue_per_match"])],
        ["efficiency (95% CI)", _with_interval(data["efficiency"], 3)],
    ]
    _table(f"Report: {data['tournament']} · {data['game']}", ["measure", "value"], rows)
    columns = ["bidder", "seats", "profit a match (95% CI)", "items a match", "value won"]
    columns += ["money left", "regret (95% CI)", "from equilibrium (95% CI)"]
    table = [
        [
            b["agent"],
            str(b["seats"]),
            _with_interval(b["profit"]),
            _number(b["items_won"], 2),
            _number(b["value_won"]["mean"]),
            _number(b["money_left"]["mean"]),
            _with_interval(b["regret"]),
            _with_interval(b["equilibrium_deviation"]),
        ]
        for b in data["bidders"]
    ]
    _table("By bidder", columns, table, wrap=0)


def _rate(measure: dict[str, Any]) -> str:
    """``0.55 (0.41 to 0.68), 22/40``: a rate, its interval and what it counts."""
    if measure["mean"] is None:
        return "-"
    return f"{_with_interval(measure)}, {measure['count']}/{measure['n']}"


def _print_matrix(data: dict[str, Any]) -> None:
    """The solver's scores of a matrix tournament: the game's, then each agent's."""
    from arena.leaderboards.matrix_report import tables

    for k, table in enumerate(tables(data)):
        title = f"Report: {data['tournament']} · {data['game']}" if k == 0 else table["title"]
        _table(title, table["head"], table["rows"], wrap=0)
    typer.echo(f"{data['intervals']}.")


def _print_werewolf(data: dict[str, Any]) -> None:
    """The report as tables: the game (teams, roles, the special roles), then each agent."""
    rows = [
        ["games", str(data["games"])],
        *[
            [f"{team} {'share' if team == 'undecided' else 'win rate'} (95% CI)", _rate(m)]
            for team, m in data["teams"].items()
        ],
        *[[f"{role} win rate (95% CI)", _rate(m)] for role, m in data["roles"].items()],
        ["village vote accuracy (95% CI)", _rate(data["village_vote_accuracy"])],
        ["seer accuracy (95% CI)", _with_interval(data["seer_accuracy"])],
        ["doctor save rate (95% CI)", _rate(data["doctor_save_rate"])],
        ["doctor saves a game (95% CI)", _with_interval(data["doctor_saves"])],
        ["wolf day-vote survival (95% CI)", _rate(data["wolf_vote_survival"])],
        ["days (95% CI)", _with_interval(data["days"])],
    ]
    _table(f"Report: {data['tournament']} · {data['game']}", ["measure", "value"], rows)
    columns = ["agent", "games", "win rate (95% CI)"]
    columns += [f"as {role}" for role in data["roles"]]
    columns += ["village vote accuracy (95% CI)", "days survived (95% CI)"]
    table = [
        [
            a["agent"],
            str(a["games"]),
            _with_interval(a["win_rate"]),
            *[f"{_number(m['mean'])} of {m['n']}" for m in a["roles"].values()],
            _with_interval(a["village_vote_accuracy"]),
            _with_interval(a["days_survived"], 1),
        ]
        for a in data["agents"]
    ]
    _table("By agent", columns, table, wrap=0)
    typer.echo(data["intervals"])


def _print_bargaining(data: dict[str, Any], seats: list[str]) -> None:
    """The report as tables: the whole tournament, then each feedback round."""
    price = f"{_number(data['mean_price'])} ({_number(data['price_ci_low'])} to " + (
        f"{_number(data['price_ci_high'])})"
    )
    rows = [
        ["games", str(data["games"])],
        ["deal rate", _number(data["deal_rate"], 3)],
        ["mean price (95% CI)", price],
        *[
            [
                f"{seat}: mean share / payoff",
                f"{_number(r['mean_share'], 3)} / {_number(r['mean_payoff'])}",
            ]
            for seat, r in data["roles"].items()
        ],
        ["distance to the solver's split", _number(data["mean_distance_to_solution"], 3)],
        ["turns to agreement", _number(data["mean_turns_to_agreement"], 1)],
    ]
    _table(f"Report: {data['tournament']} · {data['game']}", ["measure", "value"], rows)
    if data["no_zone_of_agreement"]:
        typer.echo(
            "No game had a zone of agreement (the buyer's value never exceeded the seller's "
            "cost): no deal was the rational outcome."
        )
    if data["rounds"]:
        columns = ["round", "games", "deal rate", "mean price", "95% CI", "deals broken"]
        columns += [f"{seat} share" for seat in seats]
        table = [
            [
                str(r["round"]),
                str(r["games"]),
                _number(r["deal_rate"], 3),
                _number(r["mean_price"]),
                f"{_number(r['price_ci_low'])} to {_number(r['price_ci_high'])}",
                str(r["deals_broken"]),
                *[_number(r["roles"][seat]["mean_share"], 3) for seat in seats],
            ]
            for r in data["rounds"]
        ]
        _table("By feedback round", columns, table)


@leaderboard_app.command("publish")
@user_errors
def leaderboard_publish(
    db: DbOption = Path("arena.db"),
    out: Annotated[Path, typer.Option("--out", help="Folder to write the site into.")] = Path(
        "site"
    ),
    tournament: Annotated[
        list[str] | None,
        typer.Option(
            "--tournament",
            "-t",
            metavar="NAME",
            help="Publish this tournament's page; give it several times for several (their "
            "pooled leaderboard heads the index). Default: every tournament, the most recent "
            "one's leaderboard on the index.",
        ),
    ] = None,
    every: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Every tournament's page, and all of them pooled on the index (refused "
            "unless they play one game).",
        ),
    ] = False,
    seed: SeedOption = 0,
    bootstrap: BootstrapOption = 1000,
    timestamp: Annotated[
        bool,
        typer.Option(
            "--timestamp",
            help="Say on the pages when they were published (without it, the same data gives "
            "byte-identical files).",
        ),
    ] = False,
) -> None:
    """Write a self-contained site: an index of the tournaments, a page of each (ratings,
    who beats whom, the Nash-averaged view, faults and cost, the game's own measures) and
    every match (moves; prompts, replies and faults of language models), with
    leaderboard.json, leaderboard.md and matches.csv of the leaderboard on the index.

    The site is written into a new folder that then replaces --out whole; a folder holding
    files that a publish did not write is never replaced. Nothing on the pages is fetched
    from anywhere.
    """
    import datetime as dt

    from arena.leaderboards.publish import check_destination, publish_files
    from arena.leaderboards.site import build_site
    from arena.store import Store

    check_destination(out)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if timestamp else None
    with Store(db, readonly=True) as store:
        site, note = build_site(
            store, tournament or (), every=every, seed=seed, bootstrap=bootstrap, stamp=stamp
        )
    paths = publish_files(site, out)
    if note:
        typer.echo(f"arena: {note}", err=True)
    for path in paths:
        if "/" not in path.relative_to(out).as_posix() or path.name == "index.html":
            typer.echo(str(path))
    pages = sum(1 for path in paths if path.parent.name == "matches")
    typer.echo(f"{len(paths)} files, {pages} of them match pages, in {out}")


def main() -> None:
    """Console-script entry point."""
    sys.exit(app())


if __name__ == "__main__":
    main()

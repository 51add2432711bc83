"""The ``arena`` command line: run tournaments, list games and agents, show and publish ratings.

Start-up stays fast: this module imports only Typer; each command imports what it needs.
Every error a user can cause prints one line on stderr and exits 2, with no traceback.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from arena.errors import ArenaError

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
            typer.echo(f"arena: error: {error}", err=True)
            raise typer.Exit(EXIT_USAGE) from None

    return wrapper  # type: ignore[return-value]


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _table(title: str, columns: list[str], rows: list[list[str]], wrap: int = -1) -> None:
    """Print a table; only column ``wrap`` (a name or summary) may wrap, numbers never do."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    wrapping = wrap % len(columns)
    for k, column in enumerate(columns):
        table.add_column(column, no_wrap=k != wrapping, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console = Console()
    if not console.is_terminal:  # a log or a pipe: do not squeeze into 80 columns
        console = Console(width=160)
    console.print(table)


JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
DbOption = Annotated[Path, typer.Option("--db", help="The arena database (SQLite file).")]


@games_app.command("list")
@user_errors
def games_list(as_json: JsonOption = False) -> None:
    """List the registered games."""
    from arena.registry import GAMES

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


@agents_app.command("list")
@user_errors
def agents_list(as_json: JsonOption = False) -> None:
    """List the registered agents with their declared metadata."""
    from arena.registry import AGENTS

    entries = []
    for entry in AGENTS:
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
    if as_json:
        _print_json(entries)
        return
    rows = [
        [
            e["name"],
            e["kind"],
            "yes" if e["stochastic"] else "no",
            "inf" if e["memory_depth"] is None else f"{e['memory_depth']:g}",
            e["axelrod_name"] or "",
            e["summary"],
        ]
        for e in entries
    ]
    _table("Agents", ["name", "kind", "stochastic", "memory", "axelrod", "summary"], rows)


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
) -> None:
    """Run a tournament; run it again to resume after an interruption."""
    from arena.config import load_config
    from arena.tournament import run_tournament

    config = load_config(file)
    db_path = db or Path(config.db or "arena.db")
    bar = _ProgressBar(config.name, enabled=not quiet)
    try:
        report = run_tournament(config, db_path, workers=workers, progress=bar)
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
    typer.echo(
        f"{report.name}: {report.total} matches ({report.played} played, "
        f"{report.already_stored} already stored) in {report.seconds:.2f} s "
        f"({rate:.0f} matches/s, {report.workers} workers) -> {report.db}"
    )


def _standings(db: Path, tournament: str | None, seed: int, bootstrap: int) -> list[Any]:
    from arena.leaderboards.standings import compute_leaderboard
    from arena.store import Store

    with Store(db, create=False) as store:
        results = store.results(tournament)
    return compute_leaderboard(results, seed=seed, bootstrap=bootstrap)


TournamentOption = Annotated[
    str | None, typer.Option("--tournament", "-t", help="Only this tournament (default: all).")
]
SeedOption = Annotated[int, typer.Option(min=0, help="Seed of the bootstrap intervals.")]
BootstrapOption = Annotated[int, typer.Option(min=0, max=100_000, help="Bootstrap rounds.")]


@leaderboard_app.command("show")
@user_errors
def leaderboard_show(
    db: DbOption = Path("arena.db"),
    tournament: TournamentOption = None,
    as_json: JsonOption = False,
    seed: SeedOption = 0,
    bootstrap: BootstrapOption = 1000,
) -> None:
    """Print ratings (Bradley-Terry with 95% intervals, Elo) and results per agent."""
    standings = _standings(db, tournament, seed, bootstrap)
    if as_json:
        _print_json([s.to_dict() for s in standings])
        return
    rows = [
        [
            str(rank),
            s.agent,
            f"{s.rating:.0f}",
            f"{s.ci_low:.0f} to {s.ci_high:.0f}",
            f"{s.elo:.0f}",
            str(s.matches),
            f"{s.wins}/{s.draws}/{s.losses}",
            f"{s.mean_payoff:.2f}",
        ]
        for rank, s in enumerate(standings, start=1)
    ]
    title = f"Leaderboard: {tournament or 'all tournaments'} ({db})"
    _table(
        title, ["#", "agent", "rating", "95% CI", "elo", "matches", "W/D/L", "mean payoff"], rows
    )


@leaderboard_app.command("publish")
@user_errors
def leaderboard_publish(
    db: DbOption = Path("arena.db"),
    out: Annotated[Path, typer.Option("--out", help="Folder to write the site into.")] = Path(
        "site"
    ),
    tournament: TournamentOption = None,
    seed: SeedOption = 0,
    bootstrap: BootstrapOption = 1000,
) -> None:
    """Write index.html (self-contained), leaderboard.md and leaderboard.json."""
    from arena.leaderboards.publish import publish

    if out.exists() and not out.is_dir():
        raise ArenaError(f"{out}: exists and is not a folder")
    standings = _standings(db, tournament, seed, bootstrap)
    title = f"Arena leaderboard: {tournament}" if tournament else "Arena leaderboard"
    paths = publish(standings, out, title=title, subtitle=f"{db.name}, bootstrap seed {seed}")
    for path in paths:
        typer.echo(str(path))


def main() -> None:
    """Console-script entry point."""
    sys.exit(app())


if __name__ == "__main__":
    main()

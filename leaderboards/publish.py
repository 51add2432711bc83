"""Publish a leaderboard as a folder: a self-contained web page, Markdown and JSON.

The page needs no network to view: styles are inline, the interval bars are inline SVG, and
nothing is loaded from elsewhere. Agent and tournament names are user text: the page escapes
them (Jinja autoescaping) and the Markdown makes them inert (``arena.leaderboards.text``); both
show control characters as escapes. The same data always gives byte-identical files: nothing
in them depends on the time, unless a time stamp is asked for.

The folder is replaced whole, so a reader or a web server never sees a half-written site, or
old and new files mixed:

1. Every file is written into a fresh sibling folder ``.NAME.arena-publish-PID-XXXXXXXX``
   (modes 0777 for the folder and 0666 for the files, less the umask, as any program makes
   them: 0755 and 0644 under the usual umask), and flushed to disk.
2. The new folder takes the old one's place in one step: on Linux, ``renameat2`` with
   ``RENAME_EXCHANGE`` swaps the two atomically (the old site then sits in the temporary
   folder); elsewhere the old folder is renamed aside and the new one renamed into place (a
   crash between those two renames leaves both in temporary folders and none at ``--out``).
   With no old folder, one ``rename`` puts the new one in place.
3. The temporary folder, now holding the old site, is removed.

A crash or kill at any point leaves the old site or the new one at ``--out``, complete, and at
most one ``.NAME.arena-publish-*`` folder beside it, which the next publish removes once its own
site is in place. (Without ``renameat2``, a crash between the fallback's two renames leaves
neither site at ``--out`` but both in such folders.) Two publishes to one folder at the same
time are not supported. A folder that holds anything else than what a publish writes is never
replaced (so ``--out ~`` cannot delete a home folder), nor is a folder that is a mount point
(the rename fails): point ``--out`` at a folder of its own.
"""

from __future__ import annotations

import ctypes
import errno
import json
import math
import os
import re
import secrets
import shutil
import sys
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path

from arena.errors import ArenaError
from arena.leaderboards.board import Board
from arena.leaderboards.standings import (
    RoleRecord,
    Standing,
    dollars,
    interval,
    payoff,
    percent,
)
from arena.leaderboards.text import markdown_text
from arena.names import printable

METHOD = (
    "Rating: Bradley-Terry maximum likelihood on the Elo scale (400 points = odds of 10 to 1, "
    "mean 1000), with a weak Gaussian prior (sd 400) so that undefeated agents stay finite; "
    "95% intervals from a seeded bootstrap over matches. Elo: online updates in match order "
    "(K = 16). A match is won by the higher total payoff; multiplayer matches count every pair."
)
OPENSKILL_METHOD = (
    "OpenSkill (games of more than two seats): Weng and Lin's Plackett-Luce model as the "
    "openskill package implements it (mu 25, sigma 25/3 at the start), updated once per match, "
    "in match order, from its seats ranked by payoff (ties within 1e-9 share a rank); ordinal = "
    "mu - 3 sigma, with a 95% interval from the same seeded bootstrap over matches (at most its "
    "first 200 resamples: each refits every match). Matches that seat one agent twice are left "
    "out of it."
)
TEAM_METHOD = (
    "Team games, instead: only pairs of seats on opposing teams are compared (teammates share "
    "one result), and OpenSkill ranks each match's teams as they played, not its seats: by the "
    "mean payoff of their seats, the winning team first, an undecided game a tie. Each team "
    "also fields its side term, a virtual player of the team's name (village, werewolves) "
    "rated with the agents, that absorbs the advantage of the deal (team size, role powers): "
    "its prior mu, 25 for each player its team lacks against the largest, starts the teams "
    "even, its prior sigma is 25; the side terms are listed above, not ranked. Matches in "
    "which an agent holds two seats, on two teams or in one, are left out of it."
)
ROLES_NOTE = (
    "Win rate by role: the games an agent played in each role (wins, draws, losses of its "
    "team; an undecided game is a draw) and the share it won, with a 95% Wilson score "
    "interval. A match in which an agent sat on two teams is left out of its records."
)
USAGE_NOTE = (
    "Invalid moves: share of an agent's LLM turns with a reply that could not be played "
    "(unparseable, illegal, empty, refused or truncated), whether or not a retry then gave a "
    "move. Forfeits: turns on which the game's fallback move was played for it. Cost: US "
    "dollars at the price table's rates; a dash where no price is known."
)

# What a publish writes; a folder holding anything else is not the arena's to replace.
SITE_FILES = ("index.html", "leaderboard.md", "leaderboard.json")
# Temporary files that publishes before the whole-folder swap could leave beside them.
_OLD_DEBRIS = re.compile(r"\.(index\.html|leaderboard\.md|leaderboard\.json)\..+\.tmp")
_TEMPORARY = ".arena-publish-"


class PublishError(ArenaError):
    """The site cannot be written where asked (a foreign folder, or an operating system error)."""


def to_markdown(board: Board) -> str:
    """The leaderboard as a Markdown table, names escaped so that a renderer shows them as text."""
    standings = board.standings
    lines = [f"# {board.heading(markdown_text)}", "", board.summary(markdown_text), ""]
    priced = any(s.cost is not None for s in standings)
    skill = board.multiplayer
    lines += [
        "| # | agent | rating | 95% CI | Elo |"
        + (" mu | sigma | ordinal | ordinal 95% CI |" if skill else "")
        + " W/D/L | matches | mean payoff | invalid moves | forfeits |"
        + (" cost |" if priced else ""),
        "|---:|---|---:|---|---:|"
        + ("---:|---:|---:|---|" if skill else "")
        + "---|---:|---:|---:|---:|"
        + ("---:|" if priced else ""),
    ]
    for rank, s in enumerate(standings, start=1):
        lines.append(
            f"| {rank} | {markdown_text(s.agent)} | {s.rating:.0f} | "
            f"{interval(s.ci_low, s.ci_high)} | {s.elo:.0f} |"
            + (f" {' | '.join(openskill_cells(s))} |" if skill else "")
            + f" {s.wins}/{s.draws}/{s.losses} | "
            f"{s.matches} | {payoff(s.mean_payoff)} | {percent(s.invalid_move_rate)} | "
            f"{s.forfeits} |" + (f" {dollars(s.cost)} |" if priced else "")
        )
    return "\n".join([*lines, "", *role_table(board), *method_notes(board), ""])


def role_table(board: Board) -> list[str]:
    """The Markdown lines of the per-role table (none for a game without roles): per role,
    each agent's games with their wins, draws and losses, and its win rate with its interval."""
    roles = board.roles
    if not roles:
        return []
    named = [markdown_text(role) for role in roles]
    lines = [
        "## Win rate by role",
        "",
        "| agent |"
        + "".join(f" {role} games (W/D/L) | {role} win rate (95% CI) |" for role in named),
        "|---|" + "---:|---|" * len(roles),
    ]
    for s in board.standings:
        cells = [cell for games, rate in role_cells(s) for cell in (games, rate)]
        lines.append(f"| {markdown_text(s.agent)} | {' | '.join(cells)} |")
    return [*lines, "", ROLES_NOTE, ""]


def role_cells(s: Standing, between: str = " to ") -> list[tuple[str, str]]:
    """A row's record in each role, as (games with W/D/L, win rate with its interval) cells:
    ``("7 (3/1/3)", "42.9% (15.8% to 75.0%)")``, ``("0 (0/0/0)", "-")`` without games."""
    return [(_games(r), _win_rate(r, between)) for r in s.roles or ()]


def _games(r: RoleRecord) -> str:
    return f"{r.games} ({r.wins}/{r.draws}/{r.games - r.wins - r.draws})"


def _win_rate(r: RoleRecord, between: str) -> str:
    if r.win_rate is None or r.ci_low is None or r.ci_high is None:
        return "-"
    return f"{r.win_rate:.1%} ({r.ci_low:.1%}{between}{r.ci_high:.1%})"


def method_notes(board: Board) -> list[str]:
    """The paragraphs under the table: how it was rated, and what the usage columns mean."""
    return [
        METHOD,
        "",
        *([OPENSKILL_METHOD, ""] if board.multiplayer else []),
        *([TEAM_METHOD, ""] if board.teams else []),
        USAGE_NOTE,
    ]


def openskill_cells(s: Standing, between: str = " to ") -> list[str]:
    """A multiplayer row's mu, sigma, ordinal and the ordinal's interval, as table cells."""

    def number(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    return [
        number(s.openskill_mu),
        number(s.openskill_sigma),
        number(s.ordinal),
        interval(s.ordinal_ci_low, s.ordinal_ci_high, between, digits=1),
    ]


def to_json(board: Board) -> str:
    """``board.rows()`` as strict JSON: ``allow_nan=False``, non-finite numbers are ``null``."""
    return json.dumps(board.rows(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def to_html(board: Board, *, stamp: str | None = None) -> str:
    """The leaderboard as one self-contained HTML page; ``stamp`` (a time) goes in its footer."""
    import jinja2

    template = files("arena.leaderboards").joinpath("templates/index.html.j2").read_text("utf-8")
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    standings = board.standings
    values = [
        v
        for s in standings
        for v in (s.rating, s.ci_low, s.ci_high)
        if v is not None and math.isfinite(v)
    ]
    low, high = (min(values), max(values)) if values else (900.0, 1100.0)
    span = max(high - low, 1.0)

    def x(value: float | None) -> float | None:
        return None if value is None else round(4 + 112 * (value - low) / span, 1)

    rows = [
        {
            "rank": rank,
            "s": s,
            "name": printable(s.agent),
            "ci": interval(s.ci_low, s.ci_high, " \u2013 "),
            "x_low": x(s.ci_low),
            "x_high": x(s.ci_high),
            "x": x(s.rating),
            "payoff": payoff(s.mean_payoff),
            "invalid": percent(s.invalid_move_rate),
            "cost": dollars(s.cost),
            "openskill": openskill_cells(s, " \u2013 ") if board.multiplayer else [],
            "roles": role_cells(s, " \u2013 "),
        }
        for rank, s in enumerate(standings, start=1)
    ]
    return environment.from_string(template).render(
        title=board.heading(printable),
        subtitle=board.summary(printable),
        rows=rows,
        scale=(f"{low:.0f}", f"{high:.0f}"),
        priced=any(s.cost is not None for s in standings),
        method=METHOD,
        openskill_method=OPENSKILL_METHOD if board.multiplayer else None,
        openskill=board.multiplayer,
        team_method=TEAM_METHOD if board.teams else None,
        roles=[printable(role) for role in board.roles],
        roles_note=ROLES_NOTE,
        usage_note=USAGE_NOTE,
        stamp=stamp,
        rounds_svg=_inline(_rounds_svg(board)),
    )


def _inline(svg: str | None) -> str | None:
    """An SVG document as an element of the page: without its XML prolog and doctype."""
    return None if svg is None else svg[svg.index("<svg") :]


def _rounds_svg(board: Board) -> str | None:
    """The per-round figure of a feedback schedule, as SVG text (``None`` for other boards)."""
    if not board.rounds:
        return None
    from arena.leaderboards.figures import rounds_figure

    label = "mean deal price" if board.game.endswith("buyer-seller-v0") else "first seat's share"
    return rounds_figure(board.rounds, label)


def render(board: Board, *, stamp: str | None = None) -> dict[str, str]:
    """The site's files by name: ``index.html``, ``leaderboard.md`` and ``leaderboard.json``."""
    site = {
        "index.html": to_html(board, stamp=stamp),
        "leaderboard.md": to_markdown(board),
        "leaderboard.json": to_json(board),
    }
    figure = _rounds_svg(board)
    if figure is not None:
        site["rounds.svg"] = figure
    return site


def publish(board: Board, out_dir: Path, *, stamp: str | None = None) -> list[Path]:
    """Write the site of ``board`` into ``out_dir``, replacing the folder whole (see above).

    Returns the paths of the files written. Raises ``PublishError`` when ``out_dir`` is not a
    folder the arena wrote (or an empty one), and for any operating-system error.
    """
    site = render(board, stamp=stamp)
    try:
        out = check_destination(out_dir)
        out.parent.mkdir(parents=True, exist_ok=True)
        new = _write_site(out, site)
        try:
            _swap_in(new, out)
        except BaseException:
            if out.exists():  # the old site is in place: the new one goes
                _remove(new)
            raise
        _fsync_folder(out.parent)
        _remove_debris(out)  # only now: until the new site is in place, debris may be a copy
    except OSError as error:
        raise PublishError(f"{out_dir}: cannot publish the site: {_reason(error)}") from None
    return [Path(out_dir) / name for name in site]


def check_destination(out_dir: Path) -> Path:
    """``out_dir`` resolved, if a publish may replace it: absent, empty, or a site it wrote.

    Raises ``PublishError`` otherwise, naming the first entry that a publish does not write.
    """
    try:
        out = Path(out_dir).resolve()  # a symlinked --out: replace the folder it points to
        if not out.exists():
            return out
        if not out.is_dir():
            raise PublishError(f"{out_dir}: exists and is not a folder")
        foreign = _foreign_entry(out)
    except OSError as error:
        raise PublishError(f"{out_dir}: cannot publish the site: {_reason(error)}") from None
    if foreign is not None:
        raise PublishError(
            f"{out_dir}: holds {foreign!r}, which a publish does not write; refusing to replace "
            "the folder (publish into a new or empty folder)"
        )
    return out


def _reason(error: OSError) -> str:
    reason = error.strerror or str(error)
    return f"{reason} ({error.filename})" if error.filename else reason


def _foreign_entry(folder: Path) -> str | None:
    """The first entry of ``folder`` that no publish writes, or ``None``."""
    for entry in sorted(os.listdir(folder)):
        path = folder / entry
        if entry in SITE_FILES and path.is_file() and not path.is_symlink():
            continue
        if _OLD_DEBRIS.fullmatch(entry) and path.is_file():
            continue
        return entry
    return None


def _temporaries(out: Path) -> list[Path]:
    prefix = f".{out.name}{_TEMPORARY}"
    return [p for p in out.parent.iterdir() if p.name.startswith(prefix) and p.is_dir()]


def _remove_debris(out: Path) -> None:
    """Remove the temporary folders a killed publish left beside ``out`` (only if ours)."""
    for folder in _temporaries(out):
        if not folder.is_symlink() and _foreign_entry(folder) is None:
            _remove(folder)


def _write_site(out: Path, site: Mapping[str, str]) -> Path:
    """A new temporary folder beside ``out`` holding the ``site``'s files, flushed to disk."""
    folder = out.parent / f".{out.name}{_TEMPORARY}{os.getpid()}-{secrets.token_hex(4)}"
    os.mkdir(folder, 0o777)  # less the umask, like the files
    try:
        for name, text in site.items():
            _write_file(folder / name, text)
        _fsync_folder(folder)
    except BaseException:
        _remove(folder)
        raise
    return folder


def _write_file(path: Path, text: str) -> None:
    with open(path, "x", encoding="utf-8", newline="\n") as stream:
        stream.write(text)
        stream.flush()
        os.fsync(stream.fileno())


def _swap_in(new: Path, out: Path) -> None:
    """Put folder ``new`` at ``out`` in one step where the system can, then drop the old one."""
    if not out.exists():
        os.rename(new, out)  # atomic
        return
    if not _exchange(new, out):
        aside = new.with_name(f"{new.name}-old")
        os.rename(out, aside)
        try:
            os.rename(new, out)
        except BaseException:
            os.rename(aside, out)
            raise
        new = aside
    _remove(new)  # now the old site


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:  # a C library older than glibc 2.28
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):  # kernel or file system lacks it
        return False
    raise OSError(code, os.strerror(code), str(b))


def _remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def _fsync_folder(folder: Path) -> None:
    """Flush a folder's entries to disk (where folders can be opened; not on Windows)."""
    if os.name != "posix":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)

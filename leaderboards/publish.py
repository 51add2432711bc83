"""Publish leaderboards as a folder: self-contained web pages, Markdown and JSON.

Two publishers share this module's forms and its way of writing a folder: ``publish`` writes
one leaderboard as a single page (``index.html``, ``leaderboard.md``, ``leaderboard.json``),
and ``arena leaderboard publish`` writes the whole site of a database
(``arena.leaderboards.site``: an index of its tournaments, a page of each and their matches)
through ``publish_files``. The pages need no network to view: styles are inline, figures are
inline SVG, and nothing is loaded from elsewhere. Agent and tournament names are user text:
the pages escape them (Jinja autoescaping) and the Markdown makes them inert
(``arena.leaderboards.text``); both show control characters as escapes. The same data always
gives byte-identical files: nothing in them depends on the time, unless a time stamp is asked
for. With meta-game views (``Board.meta``), the Markdown also ranks the agents three ways and
gives the mean-payoff and win-rate matrices.

The folder is replaced whole, so a reader or a web server never sees a half-written site, or
old and new files mixed:

1. Every file is written into a fresh sibling folder ``.NAME.arena-publish-PID-XXXXXXXX``
   (modes 0777 for the folders and 0666 for the files, less the umask, as any program makes
   them: 0755 and 0644 under the usual umask), and flushed to disk (a large site in one
   ``syncfs``).
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
replaced (so ``--out ~`` cannot delete a home folder; inside the site's ``tournaments`` folder
every file must be a page, figure or table a publish writes, and none a link), nor is a folder
that is a mount point (the rename fails): point ``--out`` at a folder of its own.
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
from typing import Any

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
SITE_EXTRA = ("matches.csv", "rounds.svg")  # beside them, when the site has them
SITE_FOLDER = "tournaments"  # the tournaments' pages, one folder each
SITE_SUFFIXES = (".html", ".md", ".json", ".csv", ".svg")  # what that folder holds
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
    return "\n".join(
        [*lines, "", *role_table(board), *meta_tables(board), *method_notes(board), ""]
    )


# Matrices of more agents than this stay out of the Markdown (they are in leaderboard.json).
MARKDOWN_MATRIX_AGENTS = 30
ORDER_COLUMNS = (("rating", "by rating"), ("payoff", "by mean payoff"), ("nash", "by Nash average"))


def rank_orders(board: Board) -> list[dict[str, Any]]:
    """Each agent's rank in every order of the board's meta-game views (none without them),
    in the table's order, with its Nash rating, its mass in the Nash mixture and whether it is
    in the mixture's support."""
    meta = board.meta
    if meta is None:
        return []
    ranks = {key: meta.ranks(key) for key, _ in ORDER_COLUMNS}
    found = []
    for s in board.standings:
        i = meta.index(s.agent)
        found.append(
            {
                "agent": s.agent,
                "ranks": [ranks[key][s.agent] for key, _ in ORDER_COLUMNS],
                "nash_rating": float(meta.nash_rating[i]),
                "nash_mass": float(meta.nash_mixture[i]),
                "support": s.agent in meta.support,
            }
        )
    return found


def order_questions() -> list[tuple[str, str]]:
    """Each order's column heading and the question it answers (``RANK_BY_QUESTIONS``)."""
    from arena.leaderboards.meta_views import RANK_BY_QUESTIONS

    return [(heading, RANK_BY_QUESTIONS[key]) for key, heading in ORDER_COLUMNS]


def meta_tables(board: Board) -> list[str]:
    """The Markdown of the meta-game views (none without them): every agent's rank in each
    order with its Nash numbers, then the mean-payoff and win-rate matrices (up to
    ``MARKDOWN_MATRIX_AGENTS`` agents)."""
    meta = board.meta
    if meta is None:
        return []
    headings = " | ".join(heading for _, heading in ORDER_COLUMNS)
    lines = [
        "## Three ways to rank",
        "",
        f"| agent | {headings} | Nash rating | Nash mass | in Nash support |",
        "|---|" + "---:|" * (len(ORDER_COLUMNS) + 2) + "---|",
    ]
    for row in rank_orders(board):
        ranks = " | ".join(str(rank) for rank in row["ranks"])
        lines.append(
            f"| {markdown_text(row['agent'])} | {ranks} | {_number(row['nash_rating'], 4)} | "
            f"{_number(row['nash_mass'], 4)} | {'yes' if row['support'] else 'no'} |"
        )
    lines += ["", *[f"- Ranked {heading}: {question}." for heading, question in order_questions()]]
    support = ", ".join(markdown_text(agent) for agent in meta.support)
    lines += [
        "",
        f"Nash support (the agents the maximum-entropy Nash mixture plays): {support}.",
        "",
    ]
    n = len(meta.agents)
    if n > MARKDOWN_MATRIX_AGENTS:
        return [
            *lines,
            f"The mean-payoff and win-rate matrices of these {n} agents are in leaderboard.json "
            "(each row's payoff_against and win_rate_against).",
            "",
        ]
    for title, matrix, digits in (
        ("Mean payoff against each opponent", meta.payoff, 3),
        ("Win rate against each opponent", meta.win_rate, 3),
    ):
        names = [markdown_text(agent) for agent in meta.agents]
        lines += [
            f"## {title}",
            "",
            "Row agent against column agent; - where they never met.",
            "",
            "| agent | " + " | ".join(names) + " |",
            "|---|" + "---:|" * n,
        ]
        for i, name in enumerate(names):
            cells = " | ".join(_number(float(matrix[i, j]), digits) for j in range(n))
            lines.append(f"| {name} | {cells} |")
        lines.append("")
    return lines


def _number(value: float, digits: int) -> str:
    return f"{value:.{digits}f}" if math.isfinite(value) else "-"


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


def template_environment() -> Any:
    """The Jinja environment of the site's templates: autoescaping on, undefined names fail."""
    import jinja2

    def load(name: str) -> str:
        return files("arena.leaderboards").joinpath(f"templates/{name}").read_text("utf-8")

    return jinja2.Environment(
        loader=jinja2.FunctionLoader(load), autoescape=True, undefined=jinja2.StrictUndefined
    )


def board_context(board: Board) -> dict[str, Any]:
    """What the leaderboard's table and notes need (``_board.html.j2``): its rows with their
    interval bars on one scale, which columns to show, and the method notes."""
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
    return {
        "title": board.heading(printable),
        "subtitle": board.summary(printable),
        "rows": rows,
        "scale": (f"{low:.0f}", f"{high:.0f}"),
        "priced": any(s.cost is not None for s in standings),
        "method": METHOD,
        "openskill_method": OPENSKILL_METHOD if board.multiplayer else None,
        "openskill": board.multiplayer,
        "team_method": TEAM_METHOD if board.teams else None,
        "roles": [printable(role) for role in board.roles],
        "roles_note": ROLES_NOTE,
        "usage_note": USAGE_NOTE,
    }


def to_html(board: Board, *, stamp: str | None = None) -> str:
    """The leaderboard as one self-contained HTML page; ``stamp`` (a time) goes in its footer."""
    template = template_environment().get_template("index.html.j2")
    return template.render(
        **board_context(board), stamp=stamp, rounds_svg=_inline(_rounds_svg(board))
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
    """Write the single-page site of ``board`` into ``out_dir``, replacing the folder whole
    (see above); ``arena leaderboard publish`` writes the whole site (``arena.leaderboards.site``).

    Returns the paths of the files written. Raises ``PublishError`` when ``out_dir`` is not a
    folder the arena wrote (or an empty one), and for any operating-system error.
    """
    return publish_files(render(board, stamp=stamp), out_dir)


def publish_files(site: Mapping[str, str], out_dir: Path) -> list[Path]:
    """Write ``site`` (text by relative path, ``/`` between folders) into ``out_dir``,
    replacing the folder whole (see above); the paths written, in the order of ``site``.

    Raises ``PublishError`` when ``out_dir`` is not a folder the arena wrote (or an empty one),
    for a path that would leave the site or that a publish does not write, and for any
    operating-system error.
    """
    for name in site:
        if not _site_path(name):
            raise PublishError(f"{name!r}: not a path a published site holds")
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


def _site_path(name: str) -> bool:
    """Whether ``name`` is a file a publish writes: a top-level file of ``SITE_FILES`` or
    ``SITE_EXTRA``, or a page, figure or table under ``SITE_FOLDER`` (no ``..``, no empty or
    hidden part)."""
    parts = name.split("/")
    if len(parts) == 1:
        return name in SITE_FILES or name in SITE_EXTRA
    return (
        parts[0] == SITE_FOLDER
        and all(part and not part.startswith(".") for part in parts)
        and name.endswith(SITE_SUFFIXES)
    )


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
    """The first entry of ``folder`` that no publish writes, or ``None``; inside the site's
    ``SITE_FOLDER`` every entry is checked (folders and files of the site's kinds only, no
    link), and the first other one is named by its path."""
    for entry in sorted(os.listdir(folder)):
        path = folder / entry
        if entry in SITE_FILES + SITE_EXTRA and path.is_file() and not path.is_symlink():
            continue
        if _OLD_DEBRIS.fullmatch(entry) and path.is_file():
            continue
        if entry == SITE_FOLDER and path.is_dir() and not path.is_symlink():
            inside = _foreign_inside(path)
            if inside is None:
                continue
            return f"{entry}/{inside}"
        return entry
    return None


def _foreign_inside(folder: Path) -> str | None:
    """The first entry under ``folder`` (by relative path) that is not a folder or a file of
    the site's kinds, or is a link; ``None`` when there is none."""
    for root, folders, names in os.walk(folder):
        here = Path(root)
        for name in sorted(folders + names):
            path = here / name
            relative = path.relative_to(folder).as_posix()
            if path.is_symlink() or name.startswith("."):
                return relative
            if name in names and not (path.is_file() and name.endswith(SITE_SUFFIXES)):
                return relative
        folders.sort()
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
    """A new temporary folder beside ``out`` holding the ``site``'s files, flushed to disk.

    A site of a few files is flushed file by file; a larger one (match pages) is written
    first and flushed in one ``syncfs`` of its file system where Linux has it (one call
    instead of one per file: the same guarantee, without a wait per file), else file by file.
    """
    folder = out.parent / f".{out.name}{_TEMPORARY}{os.getpid()}-{secrets.token_hex(4)}"
    os.mkdir(folder, 0o777)  # less the umask, like the files
    try:
        syncfs = _syncfs() if len(site) > _FLUSH_EACH else None
        made: set[str] = set()
        for name, text in site.items():
            parent, _, _ = name.rpartition("/")
            if parent and parent not in made:
                os.makedirs(folder / parent, 0o777, exist_ok=True)
                made.add(parent)
            if syncfs is None:
                _write_file(folder / name, text)
            else:
                _write_unflushed(folder / name, text)
        if syncfs is not None:
            syncfs(folder)
        for parent in sorted(made, key=len, reverse=True):
            _fsync_folder(folder / parent)
        _fsync_folder(folder)
    except BaseException:
        _remove(folder)
        raise
    return folder


# Sites of at most this many files are flushed file by file.
_FLUSH_EACH = 16


def _write_file(path: Path, text: str) -> None:
    with open(path, "x", encoding="utf-8", newline="\n") as stream:
        stream.write(text)
        stream.flush()
        os.fsync(stream.fileno())


def _write_unflushed(path: Path, text: str) -> None:
    with open(path, "x", encoding="utf-8", newline="\n") as stream:
        stream.write(text)


def _syncfs() -> Any:
    """A function flushing the file system of a folder (Linux ``syncfs``), or ``None``."""
    if not sys.platform.startswith("linux"):
        return None
    call = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
    if call is None:
        return None

    def flush(folder: Path) -> None:
        handle = os.open(folder, os.O_RDONLY)
        try:
            if call(handle) != 0:
                code = ctypes.get_errno()
                raise OSError(code, os.strerror(code), str(folder))
        finally:
            os.close(handle)

    return flush


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

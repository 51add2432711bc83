"""Publish a leaderboard as a self-contained web page, Markdown and JSON.

The page needs no network to view: styles are inline, the interval bars are inline SVG, and
nothing is loaded from elsewhere. Agent names are user text and are escaped. Each file is
written to a temporary file beside it and moved into place, so a reader never sees half a page.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path

from arena.leaderboards.standings import Standing, dollars, percent

METHOD = (
    "Rating: Bradley-Terry maximum likelihood on the Elo scale (400 points = odds of 10 to 1, "
    "mean 1000), with a weak Gaussian prior (sd 400) so that undefeated agents stay finite; "
    "95% intervals from a seeded bootstrap over matches. Elo: online updates in match order "
    "(K = 16). A match is won by the higher total payoff; multiplayer matches count every pair."
)
USAGE_NOTE = (
    "Invalid moves: share of an agent's LLM turns with a reply that could not be played "
    "(unparseable, illegal, empty, refused or truncated), whether or not a retry then gave a "
    "move. Forfeits: turns on which the game's fallback move was played for it. Cost: US "
    "dollars at the price table's rates; a dash where no price is known."
)


def _write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _markdown_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def to_markdown(standings: Sequence[Standing], title: str, subtitle: str = "") -> str:
    """The leaderboard as a Markdown table."""
    lines = [f"# {title}", ""]
    if subtitle:
        lines += [subtitle, ""]
    priced = any(s.cost is not None for s in standings)
    lines += [
        "| # | agent | rating | 95% CI | Elo | W/D/L | matches | mean payoff | invalid moves "
        "| forfeits |" + (" cost |" if priced else ""),
        "|---:|---|---:|---|---:|---|---:|---:|---:|---:|" + ("---:|" if priced else ""),
    ]
    for rank, s in enumerate(standings, start=1):
        lines.append(
            f"| {rank} | {_markdown_cell(s.agent)} | {s.rating:.0f} | {s.ci_low:.0f} to "
            f"{s.ci_high:.0f} | {s.elo:.0f} | {s.wins}/{s.draws}/{s.losses} | {s.matches} | "
            f"{s.mean_payoff:.3f} | {percent(s.invalid_move_rate)} | {s.forfeits} |"
            + (f" {dollars(s.cost)} |" if priced else "")
        )
    return "\n".join([*lines, "", METHOD, "", USAGE_NOTE, ""])


def to_html(standings: Sequence[Standing], title: str, subtitle: str = "") -> str:
    """The leaderboard as one self-contained HTML page."""
    import jinja2

    template = files("arena.leaderboards").joinpath("templates/index.html.j2").read_text("utf-8")
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    values = [v for s in standings for v in (s.ci_low, s.ci_high)]
    low, high = (min(values), max(values)) if values else (900.0, 1100.0)
    span = max(high - low, 1.0)

    def x(value: float) -> float:
        return round(4 + 192 * (value - low) / span, 1)

    rows = [
        {
            "rank": rank,
            "s": s,
            "x_low": x(s.ci_low),
            "x_high": x(s.ci_high),
            "x": x(s.rating),
            "invalid": percent(s.invalid_move_rate),
            "cost": dollars(s.cost),
        }
        for rank, s in enumerate(standings, start=1)
    ]
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return environment.from_string(template).render(
        title=title,
        subtitle=subtitle,
        rows=rows,
        priced=any(s.cost is not None for s in standings),
        method=METHOD,
        usage_note=USAGE_NOTE,
        generated=generated,
    )


def publish(
    standings: Sequence[Standing], out_dir: Path, *, title: str, subtitle: str = ""
) -> list[Path]:
    """Write ``index.html``, ``leaderboard.md`` and ``leaderboard.json`` into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs = {
        "index.html": to_html(standings, title, subtitle),
        "leaderboard.md": to_markdown(standings, title, subtitle),
        "leaderboard.json": json.dumps([s.to_dict() for s in standings], indent=2) + "\n",
    }
    paths = []
    for name, text in outputs.items():
        path = out_dir / name
        _write_atomically(path, text)
        paths.append(path)
    return paths

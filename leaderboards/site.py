"""The published site of a database: an index of its tournaments, a page of each, its matches.

``arena leaderboard publish`` writes, into one folder that replaces ``--out`` whole
(``arena.leaderboards.publish``)::

    index.html            the tournaments (game, agents, matches, date, seed), each linking to
                          its page, and the leaderboard of the selected tournaments
    leaderboard.json      that leaderboard, as ``arena leaderboard show --json``
    leaderboard.md        and as Markdown
    matches.csv           their matches, one row a seat
    rounds.svg            its feedback rounds' figure (a bargaining feedback schedule only)
    tournaments/ID-NAME/  one folder a tournament:
        index.html        its leaderboard, figures (ratings with intervals, the mean-payoff and
                          win-rate heatmaps, the Nash-averaged view, LLM faults and cost, the
                          family's own measures) and links to its matches
        leaderboard.json, leaderboard.md, matches.csv, figures/*.svg
        matches/1.html    its matches in order, 100 a page (fewer for long games): every
        matches/2.html    seat's moves; for language models each turn's prompt (rebuilt from
        ...               the game), replies, fault classes and re-asks, the moderator's
                          verdicts and the critic's feedback (``arena.leaderboards.site_pages``)
        matches/find.html every match by agent and opponent (a small inline script over an
                          inline JSON index of the matches)

Without ``--tournament`` every tournament gets its page and the leaderboard at the top is the
most recent one's (as ``leaderboard show`` ranks it); with ``--tournament`` only those named get
pages and the top pools them; with ``--all`` every tournament gets its page and the top pools
them all (refused, as by ``show``, when they do not pool).

A large tournament's match pages are rendered by worker processes while this process ranks
(``PARALLEL_MATCHES``); the bytes are the same either way.

Nothing is fetched to view the site: every style and script is inline, figures are inline SVG
drawn by matplotlib (``arena.leaderboards.figures``; each also as its own ``.svg`` file), and
every page carries a Content-Security-Policy that forbids loading anything (``default-src
'none'``; inline styles; the finder's one script by its SHA-256 hash), so even a browser that
is asked to fetch something refuses. User text (names, prompts, replies) is escaped (Jinja's
autoescaping; the match pages' repeated parts by ``markupsafe``, its escape) and shown with
its control characters visible. The same database gives the same bytes.
"""

from __future__ import annotations

import math
import os
import re
import sys
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from arena.errors import ArenaError
from arena.leaderboards.board import Board, LeaderboardError, Selection, load_board
from arena.leaderboards.publish import (
    _inline,
    _rounds_svg,
    board_context,
    order_questions,
    rank_orders,
    template_environment,
    to_json,
    to_markdown,
)
from arena.leaderboards.site_data import (
    StoredMatch,
    TournamentEntry,
    matches_csv,
    read_matches,
    tournament_entries,
)
from arena.leaderboards.site_pages import (
    PagePlan,
    content_policy,
    finder_page,
    plan_pages,
    render_pages,
)
from arena.leaderboards.standings import dollars, percent
from arena.names import printable

if TYPE_CHECKING:
    from arena.store import Store

# Tournaments of more matches than this have their match pages rendered by worker processes
# (where the system forks), in about this many pages a job, while this process ranks.
PARALLEL_MATCHES = 5_000
PAGES_A_JOB = 100


@dataclass(frozen=True)
class Figure:
    """A figure of a tournament's page: inline SVG, its file name and what it shows."""

    name: str  # file name under figures/ (and the element id prefix)
    title: str
    svg: str
    caption: str


def build_site(
    store: Store,
    names: Sequence[str] = (),
    *,
    every: bool = False,
    seed: int = 0,
    bootstrap: int = 1000,
    stamp: str | None = None,
) -> tuple[dict[str, str], str]:
    """The site's files by path, and the note ``leaderboard show`` prints when it chose the
    tournaments itself (else ``""``). Raises ``LeaderboardError`` as ``select_tournaments``
    and ``load_board`` do for the leaderboard at the top."""
    from arena.leaderboards.board import select_tournaments

    if names and every:
        raise ArenaError("--tournament and --all exclude each other: give one of them")
    selection = select_tournaments(store, names, every=every)
    paged = selection.tournaments if names else tuple(store.tournaments())
    entries = tournament_entries(store, paged)
    matches = {
        e.name: read_matches(store, e.row, store.feedback(e.name), turns=False) for e in entries
    }
    plans = {e.name: plan_pages(e, matches[e.name]) for e in entries}
    with _Workers(store, sum(len(m) for m in matches.values())) as workers:
        pending = {e.name: workers.submit(e, plans[e.name], stamp) for e in entries}
        boards: dict[str, Board | None] = {}
        for entry in entries:
            try:
                board = load_board(store, Selection((entry.row,)), seed=seed, bootstrap=bootstrap)
            except LeaderboardError:  # no stored match: listed, without a page
                board = None
            boards[entry.name] = board
        chosen = tuple(t.name for t in selection.tournaments)
        front = boards.get(chosen[0]) if len(chosen) == 1 else None
        if front is None:
            front = load_board(store, selection, seed=seed, bootstrap=bootstrap)
        site = Site(store, entries, matches, boards, plans, stamp)
        files = {
            "index.html": site.index(front, chosen),
            "leaderboard.md": to_markdown(front),
            "leaderboard.json": to_json(front),
            "matches.csv": site.csv(chosen),
        }
        rounds = _rounds_svg(front)
        if rounds is not None:
            files["rounds.svg"] = rounds
        for entry in entries:
            board = boards[entry.name]
            if board is not None:
                files.update(site.tournament(entry, board))
                files.update(workers.result(pending[entry.name]))
    return files, selection.note


class _Workers:
    """Renders match pages: in worker processes for a large site where the system forks
    (Linux), else here when asked for the result. Either way the same bytes."""

    def __init__(self, store: Store, matches: int) -> None:
        self.db = str(store.path)
        self.pool: Any = None
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        if matches > PARALLEL_MATCHES and sys.platform.startswith("linux") and cores > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(cores, mp_context=multiprocessing.get_context("fork"))

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def submit(
        self, entry: TournamentEntry, plan: PagePlan, stamp: str | None
    ) -> list[Future[dict[str, str]]] | tuple[TournamentEntry, PagePlan, str | None]:
        """Start rendering ``entry``'s pages (or keep what to render later)."""
        if self.pool is None or not plan.pages:
            return (entry, plan, stamp)
        numbers = [number for number, _, _ in plan.pages]
        chunks = [numbers[k : k + PAGES_A_JOB] for k in range(0, len(numbers), PAGES_A_JOB)]
        return [
            self.pool.submit(render_pages, self.db, entry, plan, chunk, stamp) for chunk in chunks
        ]

    def result(self, job: Any) -> dict[str, str]:
        """The pages ``submit`` started (or rendered now)."""
        if isinstance(job, tuple):
            entry, plan, stamp = job
            if not plan.pages:
                return {}
            return render_pages(self.db, entry, plan, [n for n, _, _ in plan.pages], stamp)
        files: dict[str, str] = {}
        for future in job:
            files.update(future.result())
        return files


class Site:
    """Renders the pages of one publish (see the module docstring)."""

    def __init__(
        self,
        store: Store,
        entries: Sequence[TournamentEntry],
        matches: Mapping[str, Sequence[StoredMatch]],
        boards: Mapping[str, Board | None],
        plans: Mapping[str, PagePlan],
        stamp: str | None,
    ) -> None:
        self.store = store
        self.entries = entries
        self.matches = matches
        self.boards = boards
        self.plans = plans
        self.stamp = stamp
        self.templates = template_environment()
        self._csv: dict[tuple[str, ...], str] = {}

    def csv(self, names: Sequence[str]) -> str:
        """``matches.csv`` of the tournaments ``names`` (made once for each choice)."""
        key = tuple(names)
        if key not in self._csv:
            self._csv[key] = matches_csv((name, self.matches[name]) for name in key)
        return self._csv[key]

    def _render(self, template: str, **context: Any) -> str:
        context.setdefault("policy", content_policy())
        context.setdefault("stamp", self.stamp)
        return self.templates.get_template(template).render(**context)

    # -- the index ---------------------------------------------------------------------------

    def index(self, front: Board, chosen: Sequence[str]) -> str:
        """``index.html``: every tournament, then the leaderboard of the chosen ones."""
        listed = []
        for entry in self.entries:
            row = entry.row
            board = self.boards.get(entry.name)
            listed.append(
                {
                    "name": printable(entry.name),
                    "href": f"tournaments/{entry.slug}/index.html" if board else None,
                    "game": board.game_with(printable) if board else printable(row.game_id),
                    "agents": [printable(a) for a in entry.agents],
                    "matches": row.stored,
                    "scheduled": row.n_matches,
                    "date": _date(entry.created),
                    "seed": row.seed,
                    "chosen": entry.name in chosen,
                }
            )
        pages = {e.name: f"tournaments/{e.slug}/index.html" for e in self.entries}
        front_links = [
            {"name": printable(name), "href": pages[name]} for name in chosen if name in pages
        ]
        return self._render(
            "site_index.html.j2",
            tournaments=listed,
            database=printable(self.store.path.name),
            front=board_context(front),
            front_links=front_links,
            rounds_svg=_inline(_rounds_svg(front)),
        )

    # -- a tournament ------------------------------------------------------------------------

    def tournament(self, entry: TournamentEntry, board: Board) -> dict[str, str]:
        """The files of ``entry``'s folder: its page, figures, tables and match pages."""
        base = f"tournaments/{entry.slug}"
        stored = self.matches[entry.name]
        agents = [s.agent for s in board.standings]
        plan = self.plans[entry.name]
        agent_ids = plan.ids
        figures = self._figures(entry, board, stored)
        family = self._family(entry, board, stored)
        figures += family.pop("figures")
        files: dict[str, str] = {
            f"{base}/leaderboard.json": to_json(board),
            f"{base}/leaderboard.md": to_markdown(board),
            f"{base}/matches.csv": self.csv([entry.name]),
        }
        for figure in figures:
            files[f"{base}/figures/{figure.name}.svg"] = figure.svg
        counts = {agent: 0 for agent in agents}
        for m in stored:
            for agent in set(m.agents):
                counts[agent] = counts.get(agent, 0) + 1
        crumbs = [("All tournaments", "../../index.html")]
        files[f"{base}/index.html"] = self._render(
            "tournament.html.j2",
            crumbs=crumbs,
            here=printable(entry.name),
            board=board_context(board),
            rounds_svg=None,
            orders=_orders(board),
            questions=order_questions() if board.meta is not None else [],
            support=[printable(a) for a in board.meta.support] if board.meta else [],
            figures=[_figure_context(f) for f in figures],
            faults=_fault_rows(board),
            family=family,
            agents=[
                {"name": printable(a), "id": agent_ids[a], "matches": counts.get(a, 0)}
                for a in agents
            ],
            pages=[{"number": n, "first": a, "last": b} for n, a, b in plan.pages],
            matches=len(stored),
            entry={"seed": entry.row.seed, "date": _date(entry.created)},
        )
        files[f"{base}/matches/find.html"] = finder_page(entry, plan, stored, self.stamp)
        return files

    def _figures(
        self, entry: TournamentEntry, board: Board, stored: Sequence[StoredMatch]
    ) -> list[Figure]:
        from arena.leaderboards import figures as draw

        standings = board.standings
        found = [
            Figure(
                "ratings",
                "Ratings with their intervals",
                draw.ratings_figure(
                    [s.agent for s in standings],
                    [s.rating for s in standings],
                    [s.ci_low for s in standings],
                    [s.ci_high for s in standings],
                ),
                "Each agent's Bradley-Terry rating (dot) with its 95% bootstrap interval (bar), "
                "best first; the dashed line is the mean rating, 1000.",
            )
        ]
        meta = board.meta
        if meta is not None and len(meta.agents) >= 2:
            payoffs = meta.payoff
            finite = payoffs[~_nan(payoffs)]
            largest = float(abs(finite).max()) if finite.size else 0.0
            # Four characters fit a cell: 2 decimals below 100, whole numbers below 10,000
            # (1000, not 1e+03), 3 significant digits beyond.
            fmt = "{:.2f}" if largest < 100 else "{:.0f}" if largest < 9999.5 else "{:.3g}"
            found += [
                Figure(
                    "payoff-matrix",
                    "Mean payoff against each opponent",
                    draw.heatmap_figure(
                        payoffs,
                        meta.agents,
                        meta.agents,
                        title="Mean payoff, row agent against column agent",
                        colorbar="mean payoff",
                        salt="arena-payoff",
                        fmt=fmt,
                        cmap="viridis",
                    ),
                    "The row agent's mean payoff in the pairs of seats it held against the "
                    "column agent; grey where they never met (and on the diagonal: self-play "
                    "is not a meeting). Agents in rating order.",
                ),
                Figure(
                    "win-rate-matrix",
                    "Win rate against each opponent",
                    draw.heatmap_figure(
                        meta.win_rate,
                        meta.agents,
                        meta.agents,
                        title="Win rate, row agent against column agent",
                        colorbar="share won (draws half)",
                        salt="arena-win-rate",
                        limits=(0.0, 1.0),
                    ),
                    "The share of their pairwise results the row agent won, draws counting "
                    "half; red below one half, blue above, grey where they never met.",
                ),
                Figure(
                    "nash",
                    "The Nash-averaged view",
                    draw.nash_figure(meta.agents, meta.nash_mixture, meta.nash_rating),
                    "Left: the maximum-entropy Nash mixture of the meta-game (win-rate "
                    "logits), the mix of agents no agent beats on average (blue: its support). "
                    "Right: each agent's Nash average, its expected log-odds of winning against "
                    "that mixture (0 for the support, below 0 for the others).",
                ),
            ]
        llm = [s for s in standings if s.llm_turns]
        if llm:
            classes = sorted({fault for s in llm for fault in s.faults})
            found.append(
                Figure(
                    "faults",
                    "LLM faults and cost per agent",
                    draw.faults_figure(
                        [s.agent for s in llm],
                        {c: [s.faults.get(c, 0) / s.llm_turns for s in llm] for c in classes},
                        [s.cost for s in llm],
                    ),
                    "The share of each language model's turns with each fault class (a turn "
                    "can have several: a transport retry and an unparseable reply, say), and "
                    "what its calls cost at the price table's rates.",
                )
            )
        return found

    def _family(
        self, entry: TournamentEntry, board: Board, stored: Sequence[StoredMatch]
    ) -> dict[str, Any]:
        """The game family's own measures (``arena report``): tables and figures."""
        from arena.leaderboards import figures as draw
        from arena.registry import game_family

        family = game_family(entry.row.game_id)
        measured = family in ("matrix", "bargaining", "auction", "social")  # with a report
        rows = [
            {
                "match_index": m.index,
                "agents": m.agents,
                "payoffs": m.payoffs,
                "outcome": m.outcome,
                "metrics": m.metrics,
            }
            for m in (stored if measured else ())
        ]
        found: dict[str, Any] = {"kind": family, "tables": [], "figures": [], "problem": None}
        try:
            if family == "bargaining":
                found["tables"] = self._bargaining(entry, rows, board.seed)
                if board.rounds:
                    price = "mean deal price"
                    if not entry.row.game_id.endswith("buyer-seller-v0"):
                        price = "first seat's share"
                    found["figures"].append(
                        Figure(
                            "feedback-rounds",
                            "Deal price per feedback round",
                            draw.rounds_figure(board.rounds, price),
                            "The coached player's games, round by round: the mean deal price "
                            "with its 95% bootstrap interval (left axis) and the share of "
                            "games that ended in a deal (right axis).",
                        )
                    )
            elif family == "matrix":
                from arena.leaderboards import matrix_report

                tables = matrix_report.tables(matrix_report.summary(rows))
                for row in tables[1]["rows"]:
                    row[0] = printable(row[0])
                found["tables"] = tables
            elif family == "auction":
                from arena.leaderboards import auction_report

                report = auction_report.summary(rows, board.seed)
                found["tables"] = _auction_tables(report)
                found["figures"].append(
                    Figure(
                        "auction",
                        "Revenue, efficiency and profit",
                        draw.auction_figure(report),
                        "Revenue per item beside the equilibrium's expectation (where theory "
                        "has one), allocative efficiency (1: every item went to the bidder "
                        "who valued it most) and each bidder's profit a match, with 95% "
                        "bootstrap intervals over matches.",
                    )
                )
            elif family == "social":
                from arena.leaderboards import werewolf_report

                report = werewolf_report.summary(rows, board.seed)
                found["tables"] = _werewolf_tables(report)
                found["figures"].append(
                    Figure(
                        "win-rate-by-role",
                        "Win rate by team and role",
                        draw.werewolf_figure(report),
                        f"{report['intervals']}.",
                    )
                )
        except (ArenaError, KeyError, TypeError, ValueError, IndexError) as error:
            found["problem"] = f"{type(error).__name__}: {error}"
        return found

    def _bargaining(
        self, entry: TournamentEntry, rows: list[dict[str, Any]], seed: int
    ) -> list[dict[str, Any]]:
        from arena.leaderboards.bargaining_report import summary
        from arena.leaderboards.board import game_settings
        from arena.registry import make_game

        seats = list(make_game(entry.row.game_id, **game_settings(entry.row)).possible_agents)
        report = summary(rows, entry.row.game_id, seats, seed)
        measures = [
            ["games", str(report["games"])],
            ["deal rate", _num(report["deal_rate"], 3)],
            [
                "mean price (95% CI)",
                f"{_num(report['mean_price'])} ({_num(report['price_ci_low'])} to "
                f"{_num(report['price_ci_high'])})",
            ],
            *[
                [
                    f"{seat}: mean share / payoff",
                    f"{_num(r['mean_share'], 3)} / {_num(r['mean_payoff'])}",
                ]
                for seat, r in report["roles"].items()
            ],
            ["distance to the solver's split", _num(report["mean_distance_to_solution"], 3)],
            ["turns to agreement", _num(report["mean_turns_to_agreement"], 1)],
        ]
        return [{"title": "Bargaining measures", "head": ["measure", "value"], "rows": measures}]

    # -- match pages -------------------------------------------------------------------------


def _orders(board: Board) -> list[dict[str, Any]]:
    return [
        {
            "name": printable(row["agent"]),
            "ranks": row["ranks"],
            "nash_rating": _num(row["nash_rating"], 3),
            "nash_mass": _num(row["nash_mass"], 3),
            "support": row["support"],
        }
        for row in rank_orders(board)
    ]


def _fault_rows(board: Board) -> dict[str, Any] | None:
    """The LLM faults and cost table: per language model, its turns, each fault class's
    count and share, forfeits, tokens and cost (``None`` without LLM turns)."""
    llm = [s for s in board.standings if s.llm_turns]
    if not llm:
        return None
    classes = sorted({fault for s in llm for fault in s.faults})
    rows = []
    for s in llm:
        cost_per = None if s.cost is None else s.cost / max(s.matches, 1)
        rows.append(
            {
                "name": printable(s.agent),
                "turns": s.llm_turns,
                "invalid": percent(s.invalid_move_rate),
                "faults": [
                    f"{s.faults.get(c, 0)} ({s.faults.get(c, 0) / s.llm_turns:.1%})"
                    for c in classes
                ],
                "forfeits": s.forfeits,
                "tokens": f"{s.tokens_in:,} / {s.tokens_cached:,} / {s.tokens_out:,}",
                "cost": dollars(s.cost),
                "cost_per_match": dollars(cost_per),
            }
        )
    return {"classes": classes, "rows": rows}


def _auction_tables(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    expected = report.get("expected_revenue_per_item")
    measures = [
        ["matches / items", f"{report['matches']} / {report['items']}"],
        ["revenue per item (95% CI)", _with_interval(report["revenue_per_item"])],
        ["expected in equilibrium", "no closed form" if expected is None else _num(expected)],
        ["revenue per match (95% CI)", _with_interval(report["revenue_per_match"])],
        ["efficiency (95% CI)", _with_interval(report["efficiency"], 3)],
    ]
    bidders = [
        [
            printable(b["agent"]),
            str(b["seats"]),
            _with_interval(b["profit"]),
            _num(b["items_won"]),
            _num(b["value_won"]["mean"]),
            _num(b["money_left"]["mean"]),
            _with_interval(b["regret"]),
            _with_interval(b["equilibrium_deviation"]),
        ]
        for b in report["bidders"]
    ]
    return [
        {"title": "Auction measures", "head": ["measure", "value"], "rows": measures},
        {
            "title": "By bidder",
            "head": [
                "bidder",
                "seats",
                "profit a match (95% CI)",
                "items a match",
                "value won",
                "money left",
                "regret (95% CI)",
                "from equilibrium (95% CI)",
            ],
            "rows": bidders,
        },
    ]


def _werewolf_tables(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    def rate(m: Mapping[str, Any]) -> str:
        if m.get("mean") is None:
            return "-"
        return f"{_with_interval(m)}, {m['count']}/{m['n']}"

    measures = [
        ["games", str(report["games"])],
        *[[f"{team} (95% CI)", rate(m)] for team, m in report["teams"].items()],
        *[[f"{role} win rate (95% CI)", rate(m)] for role, m in report["roles"].items()],
        ["village vote accuracy (95% CI)", rate(report["village_vote_accuracy"])],
        ["seer accuracy (95% CI)", _with_interval(report["seer_accuracy"])],
        ["doctor save rate (95% CI)", rate(report["doctor_save_rate"])],
        ["wolf day-vote survival (95% CI)", rate(report["wolf_vote_survival"])],
        ["days (95% CI)", _with_interval(report["days"])],
    ]
    roles = list(report["roles"])
    agents = [
        [
            printable(a["agent"]),
            str(a["games"]),
            _with_interval(a["win_rate"]),
            *[f"{_num(a['roles'][role]['mean'])} of {a['roles'][role]['n']}" for role in roles],
            _with_interval(a["village_vote_accuracy"]),
            _with_interval(a["days_survived"], 1),
        ]
        for a in report["agents"]
    ]
    return [
        {"title": "Werewolf measures", "head": ["measure", "value"], "rows": measures},
        {
            "title": "By agent",
            "head": [
                "agent",
                "games",
                "win rate (95% CI)",
                *[f"as {role}" for role in roles],
                "village vote accuracy (95% CI)",
                "days survived (95% CI)",
            ],
            "rows": agents,
        },
    ]


def _figure_context(figure: Figure) -> dict[str, str]:
    return {
        "name": figure.name,
        "title": figure.title,
        "svg": _unique_ids(_inline(figure.svg) or "", figure.name),
        "caption": figure.caption,
    }


_ID = re.compile(r'\bid="([^"]+)"')


def _unique_ids(svg: str, prefix: str) -> str:
    """``svg`` with every element id (and every reference to one) prefixed, so that several
    figures inline in one page keep distinct ids."""
    ids = set(_ID.findall(svg))
    if not ids:
        return svg
    names = "|".join(map(re.escape, ids))
    pattern = re.compile(r'(\bid="|href="#|url\(#)(' + names + r')(?=["\)])')
    return pattern.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)


def _date(created: float | None) -> str:
    if created is None:
        return "-"
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(created))


def _nan(array: Any) -> Any:
    import numpy as np

    return np.isnan(np.asarray(array, dtype=float))


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def _with_interval(measure: Mapping[str, Any], digits: int = 2) -> str:
    if measure.get("mean") is None:
        return "-"
    low, high = _num(measure.get("ci_low"), digits), _num(measure.get("ci_high"), digits)
    return f"{_num(measure['mean'], digits)} ({low} to {high})"

"""The match browser of a tournament: its pages of matches and the finder by agent.

Every match of a page shows its seats, payoffs and moves (a simultaneous game's moves a row a
seat, by the initials of the actions' names; other games' turn by turn) and its stored outcome
and measures; a match with LLM turns also shows, for each, the prompt (rebuilt from the game:
``arena.leaderboards.site_prompts``), each attempt's reply and the re-ask after an unusable
one, the fault classes, tokens, latency and cost, and the moderator's verdict; a feedback
schedule's round shows the critic's feedback. Pages hold at most ``MATCHES_PER_PAGE`` matches
and about ``TURNS_PER_PAGE`` lines of moves, so a page stays small whatever the games.

The finder (``find.html``) lists every match of an agent, or of two agents against each other,
100 at a time: a small inline script over an inline JSON index of the matches (its numbers,
page, agents and payoffs), writing text only; the page's Content-Security-Policy admits that
one script by its hash.

A large tournament's pages are rendered by worker processes (``render_pages``), each reading
its own range of matches from the database, while the main process ranks; the files are the
same bytes either way.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from arena.leaderboards.site_data import (
    TRANSPORT_FAULTS,
    StoredMatch,
    TournamentEntry,
    read_matches,
    seat_names,
)
from arena.leaderboards.standings import dollars
from arena.names import printable

MATCHES_PER_PAGE = 100
TURNS_PER_PAGE = 5_000  # a page of long games (Werewolf: ~250 moves each) holds fewer matches
NO_SCRIPT = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

# The finder's script: it only reads the inline JSON index and writes text (never HTML).
FINDER_SCRIPT = """
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("finder-data").textContent);
  const agent = document.getElementById("agent");
  const opponent = document.getElementById("opponent");
  const found = document.getElementById("found");
  const count = document.getElementById("count");
  const previous = document.getElementById("previous");
  const next = document.getElementById("next");
  const size = 100;
  let hits = [];
  let page = 0;
  for (const select of [agent, opponent]) {
    data.agents.forEach((name, k) => select.add(new Option(name, String(k))));
  }
  const asked = new URLSearchParams(location.hash.slice(1));
  if (asked.has("agent")) agent.value = asked.get("agent");
  if (asked.has("opponent")) opponent.value = asked.get("opponent");
  function cell(row, text) {
    row.insertCell().textContent = text;
  }
  function show() {
    found.replaceChildren();
    for (const m of hits.slice(page * size, page * size + size)) {
      const row = found.insertRow();
      const link = document.createElement("a");
      link.href = m[1] + ".html#m" + m[0];
      link.textContent = "match " + m[0];
      row.insertCell().append(link);
      cell(row, m[2].map((k) => data.agents[k]).join(" vs "));
      cell(row, m[3].join(" : "));
    }
    const first = hits.length ? page * size + 1 : 0;
    const last = Math.min(hits.length, page * size + size);
    count.textContent = hits.length + " matches; showing " + first + " to " + last;
    previous.disabled = page === 0;
    next.disabled = last >= hits.length;
  }
  function search() {
    const a = agent.value === "" ? -1 : Number(agent.value);
    const o = opponent.value === "" ? -1 : Number(opponent.value);
    hits = data.matches.filter((m) => (a < 0 || m[2].includes(a)) && (o < 0 || m[2].includes(o)));
    page = 0;
    show();
  }
  agent.addEventListener("change", search);
  opponent.addEventListener("change", search);
  previous.addEventListener("click", () => { page -= 1; show(); });
  next.addEventListener("click", () => { page += 1; show(); });
  search();
})();
"""


def content_policy(script: str | None = None) -> str:
    """The page's Content-Security-Policy: nothing may load; inline styles; at most the one
    ``script`` (by its SHA-256 hash)."""
    if script is None:
        return f"{NO_SCRIPT}; script-src 'none'"
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return f"{NO_SCRIPT}; script-src 'sha256-{digest}'"


_CONTROL = re.compile(
    "[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]"
)  # every control character but the line break and the tab


def shown(text: str) -> str:
    """Free text (a prompt, a reply) as shown: line breaks and tabs kept, every other control
    character (terminal escapes, bidirectional overrides) written as an escape."""
    return _CONTROL.sub(lambda m: printable(m.group()), text)


def compact(value: Any) -> str:
    """A stored value (an outcome, a verdict) as one line of JSON, control characters visible."""
    return printable(json.dumps(value, ensure_ascii=False, separators=(", ", ": ")))


@dataclass(frozen=True)
class PagePlan:
    """How a tournament's matches are laid out: each page's number and its first and last
    match index, and each agent's number in the finder (the order of the tournament's file,
    then any other seated agent by name)."""

    pages: tuple[tuple[int, int, int], ...]  # (number, first match index, last match index)
    agents: tuple[str, ...]

    @property
    def ids(self) -> dict[str, int]:
        return {agent: k for k, agent in enumerate(self.agents)}


def plan_pages(entry: TournamentEntry, stored: Sequence[StoredMatch]) -> PagePlan:
    """The pages of ``stored`` (in match order): at most ``MATCHES_PER_PAGE`` matches and
    about ``TURNS_PER_PAGE`` lines each (a page holds at least one match). A simultaneous
    game's seat is a line for every 100 moves, a turn-based game's move a line, an LLM turn
    (its prompt and replies) 20 lines."""
    simultaneous = MoveText(entry).simultaneous
    pages: list[tuple[int, int, int]] = []
    page: list[int] = []  # the match indices of the page being filled
    lines = 0
    for m in stored:
        size = _lines(m, simultaneous)
        if page and (len(page) >= MATCHES_PER_PAGE or lines + size > TURNS_PER_PAGE):
            pages.append((len(pages) + 1, page[0], page[-1]))
            page, lines = [], 0
        page.append(m.index)
        lines += size
    if page:
        pages.append((len(pages) + 1, page[0], page[-1]))
    seated = {agent for m in stored for agent in m.agents}
    listed = [a for a in dict.fromkeys(entry.agents) if a in seated]
    agents = (*listed, *sorted(seated - set(listed)))
    return PagePlan(tuple(pages), agents)


def _lines(m: StoredMatch, simultaneous: bool) -> int:
    llm = 0 if m.record is None else 20 * sum(1 for t in m.record.turns if t.text is not None)
    if simultaneous:
        return llm + len(m.agents) * (1 + m.steps // 100)
    return llm + max(m.steps, 1)


def finder_page(
    entry: TournamentEntry, plan: PagePlan, stored: Sequence[StoredMatch], stamp: str | None
) -> str:
    """``find.html`` of a tournament: its matches' index as inline JSON and the finder."""
    from arena.leaderboards.publish import template_environment

    ids = plan.ids
    pages = iter(plan.pages)
    number, _, last = next(pages, (0, 0, 0))
    index = []
    for m in stored:
        while m.index > last:
            number, _, last = next(pages)
        index.append([m.index, number, [ids[a] for a in m.agents], [_short(p) for p in m.payoffs]])
    data = {"agents": [printable(a) for a in plan.agents], "matches": index}
    return (
        template_environment()
        .get_template("finder.html.j2")
        .render(
            crumbs=_crumbs(entry),
            here="Find matches",
            data=_script_json(data),
            script=FINDER_SCRIPT,
            policy=content_policy(FINDER_SCRIPT),
            stamp=stamp,
            pages=[{"number": n, "href": f"{n}.html"} for n, _, _ in plan.pages],
        )
    )


def _crumbs(entry: TournamentEntry) -> list[tuple[str, str]]:
    return [("All tournaments", "../../../index.html"), (printable(entry.name), "../index.html")]


def render_pages(
    db: str,
    entry: TournamentEntry,
    plan: PagePlan,
    numbers: Sequence[int],
    stamp: str | None,
) -> dict[str, str]:
    """The match pages ``numbers`` of ``entry`` by path, reading their matches from ``db``
    (a worker process's job: it opens the database itself)."""
    from arena.store import Store

    spans = [plan.pages[n - 1] for n in numbers]
    with Store(db, readonly=True) as store:
        feedback = store.feedback(entry.name)
        stored = read_matches(store, entry.row, feedback, first=spans[0][1], last=spans[-1][2])
    pages = MatchPages(entry, plan, stamp)
    files = {}
    position = 0
    for number, first, last in spans:
        while position < len(stored) and stored[position].index < first:
            position += 1
        page = []
        while position < len(stored) and stored[position].index <= last:
            page.append(stored[position])
            position += 1
        files[f"tournaments/{entry.slug}/matches/{number}.html"] = pages.page(number, page)
    return files


class MatchPages:
    """Renders the match pages of one tournament."""

    def __init__(self, entry: TournamentEntry, plan: PagePlan, stamp: str | None) -> None:
        from arena.leaderboards.publish import template_environment

        self.entry = entry
        self.plan = plan
        self.stamp = stamp
        self.agent_ids = plan.ids
        self.cells = agent_cells(plan.ids)
        self.moves = MoveText(entry)
        self.template = template_environment().get_template("matches.html.j2")

    def page(self, number: int, matches: Sequence[StoredMatch]) -> str:
        """Page ``number``, holding ``matches``."""
        total = len(self.plan.pages)
        return self.template.render(
            policy=content_policy(),
            stamp=self.stamp,
            crumbs=_crumbs(self.entry),
            here=f"Matches, page {number} of {total}",
            matches=[self._match(m) for m in matches],
            number=number,
            total=total,
            nearby=_nearby(number, total),
            legend=self.moves.legend,
            first=matches[0].index if matches else 0,
            last=matches[-1].index if matches else 0,
        )

    def _match(self, m: StoredMatch) -> dict[str, Any]:
        """A match of a page: its head and tail as HTML (``match_head``, ``match_tail``), and
        its LLM turns and feedback for the template."""
        llm = self._llm_turns(m) if m.record is not None else None
        feedback = None
        if m.feedback is not None:
            f = m.feedback
            feedback = {
                "critic": printable(str(f["critic"])),
                "experiment": f["experiment"],
                "round": f["round"],
                "seat": f["seat"],
                "learner": printable(m.agents[f["seat"]]) if f["seat"] < len(m.agents) else "",
                "text": shown(str(f["text"])),
                "data": compact(f["data"]) if f.get("data") else None,
            }
        return {
            "head": match_head(m, self.moves, self.cells),
            "tail": match_tail(m),
            "llm": llm,
            "feedback": feedback,
        }

    def _llm_turns(self, m: StoredMatch) -> dict[str, Any]:
        """Each LLM turn of ``m`` with its rebuilt prompt, replies, faults and verdict."""
        from arena.leaderboards.site_prompts import attempts, rebuild_prompts

        record = m.record
        assert record is not None
        memory = m.feedback["memory_before"] if m.feedback is not None else None
        learner = m.feedback["seat"] if m.feedback is not None else None
        prompts = rebuild_prompts(record, self.entry.row.config, memory, learner)
        names = [printable(a) for a in m.agents]
        turns = []
        for turn in record.turns:
            if all(value is None for value in tuple(turn)[4:]):
                continue
            classes = [f for f in (turn.fault or "").split("+") if f]
            retried = [f for f in classes if f not in TRANSPORT_FAULTS and f != "forfeit"]
            asked = prompts.turns.get((turn.step, turn.seat))
            replies = list(attempts(turn.text))
            reasks = list(asked.reasks) if asked else []
            exchange = []
            for k, reply in enumerate(replies):
                exchange.append(
                    ("reply" if len(replies) == 1 else f"reply, attempt {k + 1}", shown(reply))
                )
                if k < len(reasks):
                    exchange.append(("re-ask", shown(reasks[k])))
            turns.append(
                {
                    "step": turn.step,
                    "seat": turn.seat,
                    "agent": names[turn.seat] if turn.seat < len(names) else str(turn.seat),
                    "move": self.moves.one(turn.seat, turn.action, full=True),
                    "faults": ", ".join(classes) or "none",
                    "retries": len(retried),
                    "forfeit": "forfeit" in classes,
                    "tokens": f"{turn.tokens_in or 0} in, {turn.tokens_out or 0} out",
                    "latency": "-" if turn.latency is None else f"{turn.latency:.2f} s",
                    "cost": dollars(turn.cost),
                    "question": shown(asked.question) if asked else None,
                    "exchange": exchange,
                    "verdict": compact(turn.verdict) if turn.verdict else None,
                }
            )
        systems = [
            (names[seat] if seat < len(names) else str(seat), seat, shown(text))
            for seat, text in sorted(prompts.systems.items())
        ]
        return {"turns": turns, "systems": systems, "problem": prompts.problem}


def match_head(m: StoredMatch, moves: MoveText, agents: Mapping[str, str]) -> Markup:
    """The start of a match's section: its number, seed and outcome in brief, its seats (agent,
    payoff, team and role) and its moves, each seat's in a row (simultaneous games) or turn by
    turn. Built here rather than in the template, as the one part of every match page that
    100,000 matches repeat; every value goes through ``markupsafe.escape``, the escape of
    Jinja's autoescaping, and names through ``printable``; ``agents`` maps each agent to its
    cell (``agent_cells``)."""
    e = escape
    summary = "".join(
        f" &middot; {e(printable(str(k)))}: {e(printable(str(v)))}"
        for k, v in m.outcome.items()
        if isinstance(v, str | int | float | bool)
    )
    teams, roles = seat_names(m, "teams"), seat_names(m, "roles")
    columns = moves.columns(m)
    head = [
        '<th scope="col" class="num">seat</th><th scope="col">agent</th>',
        '<th scope="col" class="num">payoff</th>',
    ]
    if teams:
        head.append('<th scope="col">team</th>')
    if roles:
        head.append('<th scope="col">role</th>')
    if columns is not None:
        head.append('<th scope="col">moves</th>')
    rows = []
    for seat, (agent, paid) in enumerate(zip(m.agents, m.payoffs)):
        cells = [f'<td class="num">{seat}</td>{agents[agent]}<td class="num">{_short(paid)}</td>']
        if teams:
            cells.append(f"<td>{e(printable(teams[seat]))}</td>")
        if roles:
            cells.append(f"<td>{e(printable(roles[seat]))}</td>")
        if columns is not None:
            cells.append(f'<td class="moves">{columns[seat]}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    parts = [
        f'<section class="match" id="m{m.index}">\n<h2>Match {m.index}</h2>\n'
        f'<p class="meta">seed {m.seed} &middot; {m.steps} steps{summary}</p>\n'
        f'<div class="scroll"><table class="plain seats"><thead><tr>{"".join(head)}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>\n"
    ]
    if columns is None:
        names = [e(printable(a)) for a in m.agents]
        turns = sorted(
            (turn[0], seat, turn[1]) for seat, played in enumerate(m.moves) for turn in played
        )
        items = "".join(
            f'<li value="{step}">{names[seat] if seat < len(names) else seat}: '
            f"{e(moves.one(seat, action))}</li>"
            for step, seat, action in turns
        )
        shown_open = " open" if len(turns) <= 40 else ""
        parts.append(
            f'<details class="moves"{shown_open}><summary>{len(turns)} moves, turn by turn'
            f'</summary><ol class="turns" start="0">{items}</ol></details>\n'
        )
    return Markup("".join(parts))


def agent_cells(ids: Mapping[str, int]) -> dict[str, str]:
    """Each agent's cell of a seats table, escaped once: its name, linking to its matches."""
    return {
        agent: f'<td class="text-cell"><a href="find.html#agent={k}">'
        f"{escape(printable(agent))}</a></td>"
        for agent, k in ids.items()
    }


def match_tail(m: StoredMatch) -> Markup:
    """The end of a match's section: its stored outcome and measures (folded), as stored
    (compact JSON), control characters visible and ``&``, ``<``, ``>`` escaped (text of a
    ``<pre>``: quotes need no escape there)."""
    if not m.outcome_json and not m.metrics_json:
        return _END
    parts = ['<details class="outcome"><summary>outcome and measures</summary>']
    if m.outcome_json:
        parts.append(f'<p class="label">outcome</p><pre>{_text(m.outcome_json)}</pre>')
    if m.metrics_json:
        parts.append(f'<p class="label">measures</p><pre>{_text(m.metrics_json)}</pre>')
    parts.append("</details></section>\n")
    return Markup("".join(parts))


def _text(text: str) -> str:
    """``text`` as the content of an element (never of an attribute): ``&``, ``<`` and ``>``
    escaped, control characters shown as escapes."""
    return printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_END = Markup("</section>\n")


class MoveText:
    """Moves as short text: a matrix game's actions by the initials of their names (with a
    legend), numbers to 4 significant digits, dictionaries as ``key value`` pairs."""

    def __init__(self, entry: TournamentEntry) -> None:
        from arena.leaderboards.board import game_settings
        from arena.registry import make_game

        self.names: list[tuple[str, ...]] = []
        self.full: list[tuple[str, ...]] = []
        self._by_text: list[dict[str, str]] = []  # each seat's names (as HTML) by action JSON
        self._single: list[bool] = []  # whether each seat's names are one character each
        self.legend: list[str] = []
        self.simultaneous = False  # every seat moves at every step (a Parallel env)
        try:
            env = make_game(entry.row.game_id, **game_settings(entry.row))
        except Exception:  # a game this arena no longer makes: moves as stored
            return
        from pettingzoo import AECEnv

        self.simultaneous = not isinstance(env, AECEnv)
        names = getattr(env, "action_names", None)
        if not names:
            return
        for listed in names:
            whole = tuple(str(n) for n in listed)
            initials = tuple(n[:1].upper() for n in whole)
            short = initials if len(set(initials)) == len(initials) else whole
            self.names.append(tuple(printable(n) for n in short))
            self.full.append(whole)
            self._by_text.append({str(k): str(escape(printable(n))) for k, n in enumerate(short)})
            self._single.append(all(len(n) == 1 for n in short))
        legend = dict.fromkeys(
            f"{s} = {n}" for seat in names for s, n in zip(self.names[0], seat) if s != n
        )
        self.legend = [printable(item) for item in legend]

    def one(self, seat: int, action: Any, *, full: bool = False) -> str:
        """One move as text (``full``: with the action's whole name after its initial)."""
        if isinstance(action, bool):
            return str(action).lower()
        if isinstance(action, int) and seat < len(self.names):
            labels = self.names[seat]
            if not 0 <= action < len(labels):
                return str(action)
            whole = self.full[seat][action]
            if full and whole != labels[action]:
                return f"{labels[action]} ({printable(whole)})"
            return labels[action]
        return printable(_value(action))

    def columns(self, m: StoredMatch) -> list[str] | None:
        """Each seat's moves as one line of HTML (escaped), when every seat moved at every
        step with a number (simultaneous games); else ``None`` (moves are listed turn by turn).

        A matrix game's seats are read straight from their stored JSON: when every turn of a
        seat is ``[step, integer, ...]`` with an action it has a name for, the actions are
        cut out by one regular expression, without decoding the rewards (7 times faster
        than decoding, over 100,000 matches); anything else is decoded.
        """
        if not m.stored_turns:
            return None
        named = self._named(m)
        if named is not None:
            return named
        n = len(m.moves[0])
        texts = []
        for seat, played in enumerate(m.moves):
            if len(played) != n:
                return None
            actions = [turn[1] for turn in played]
            if not all(type(a) in (int, float) for a in actions):
                return None
            texts.append(str(escape(" ".join(self.one(seat, a) for a in actions))))
        return texts

    def _named(self, m: StoredMatch) -> list[str] | None:
        """Each seat's named actions cut straight from its stored JSON, or ``None`` when a
        turn is not ``[step, integer, ...]`` with a named action, or seats differ in turns."""
        texts = []
        counts = set()
        for seat, raw in enumerate(m.stored_turns):
            if seat >= len(self._by_text):
                return None
            found = _INT_ACTION.findall(raw)
            labels = self._by_text[seat]
            if len(found) != raw.count("[") - 1 or not set(found) <= labels.keys():
                return None
            counts.add(len(found))
            words = [labels[a] for a in found]
            texts.append(("" if self._single[seat] else " ").join(words))
        return texts if len(counts) <= 1 else None


# The action of a stored turn whose action is an integer: ``[step,action,`` (no spaces).
_INT_ACTION = re.compile(r"\[\d+,(-?\d+),")


def _value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        parts = []
        for key, item in value.items():
            if item in ("", None):
                continue
            text = f"\u201c{item}\u201d" if isinstance(item, str) else _value(item)
            parts.append(f"{key} {text}")
        return ", ".join(parts) or "-"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return str(value)


def _nearby(number: int, total: int, around: int = 3) -> list[int | None]:
    """The page numbers a pager shows: the first and last three and those around ``number``,
    ``None`` for each gap.

    >>> _nearby(10, 20)
    [1, 2, 3, None, 7, 8, 9, 10, 11, 12, 13, None, 18, 19, 20]
    """
    shown = sorted(
        {*range(1, min(total, around) + 1), *range(max(1, total - around + 1), total + 1)}
        | {*range(max(1, number - around), min(total, number + around) + 1)}
    )
    found: list[int | None] = []
    for k, page in enumerate(shown):
        if k and page != shown[k - 1] + 1:
            found.append(None)
        found.append(page)
    return found


def _short(value: float) -> float | None:
    """A payoff for the finder's index and the pages: 4 decimals (``None`` if not finite)."""
    if not math.isfinite(value):
        return None
    rounded = round(float(value), 4)
    return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded


def _script_json(data: Any) -> str:
    """JSON safe inside a ``<script type="application/json">`` element (no ``<``, ``>``
    or ``&`` that could close it)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

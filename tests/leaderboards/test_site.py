"""The published site, read as files: every page and link, the tables, the CSV, the prompts.

One database is built through the real command line, as a user builds it: a Prisoner's Dilemma
round robin with an agent named ``<script>alert(1)</script>``, a language model on the loopback
server (the real ``openai`` SDK; some replies are garbage, so turns are re-asked), a feedback
schedule whose language-model seller is moderated and coached (verdicts and critic feedback),
an English auction and a Werewolf tournament; then ``arena leaderboard publish`` writes the
site once for every test of this module and of ``test_site_browser.py`` (under pytest-xdist
the workers share it: the first builds it, under a lock).
"""

from __future__ import annotations

import csv
import fcntl
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag

import pytest
from markdown_it import MarkdownIt

from arena.leaderboards.publish import PublishError, check_destination
from arena.leaderboards.site_prompts import rebuild_prompts
from arena.store import Store
from arena.testing.llm_server import ChatRequest, Faults, LLMServer
from tests.conftest import run_cli
from tests.leaderboards.pages import strict_json

EVIL = "<script>alert(1)</script>"
EXAMPLES = Path(__file__).parents[2] / "examples"
TOURNAMENTS = ("matrix", "llm", "llm-feedback", "auction", "werewolf")


def matrix_file() -> str:
    return f"""
[tournament]
name = "matrix"
seed = 5
[game]
id = "matrix/prisoners-dilemma-v0"
rounds = 6
[schedule]
repetitions = 2
[[agents]]
name = "tit-for-tat"
alias = "{EVIL}"
[[agents]]
name = "always-defect"
[[agents]]
name = "grim-trigger"
[[agents]]
name = "random"
"""


def llm_file(url: str) -> str:
    return f"""
[tournament]
name = "llm"
seed = 11
[game]
id = "matrix/prisoners-dilemma-v0"
rounds = 4
[schedule]
repetitions = 1
[[agents]]
name = "model <i>x</i>"
provider = "openai-compatible"
model = "m"
base_url = "{url}"
[[agents]]
name = "tit-for-tat"
[[agents]]
name = "always-defect"
"""


def feedback_file(url: str) -> str:
    return f"""
[tournament]
name = "llm-feedback"
seed = 4
[game]
id = "bargaining/buyer-seller-v0"
turns = 3
[schedule]
format = "feedback"
learner = "seller-llm"
learner_seat = "seller"
opponent = "linear"
rounds = 2
experiments = 2
[critic]
name = "constant"
[[agents]]
name = "seller-llm"
provider = "openai-compatible"
model = "seller-model"
base_url = "{url}"
[[agents]]
name = "linear"
"""


def example(name: str, renamed: str, *changes: tuple[str, str]) -> str:
    text = (EXAMPLES / f"{name}.toml").read_text(encoding="utf-8")
    text = text.replace(f'name = "{name}"', f'name = "{renamed}"')
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    return text


def policy(request: ChatRequest) -> str:
    """A seller that asks $17 (with HTML in its words) and then agrees; a player of the
    Prisoner's Dilemma that picks J, in bold HTML."""
    if "balloon" in request.system.lower() or "buyer" in request.system.lower():
        said = request.last_user_text
        return "Deal." if "I can pay $1" in said else "I can do $17. <script>alert(3)</script>"
    return "<b>I pick</b> Option J."


@dataclass(frozen=True)
class Built:
    """The database, the site published from it, and what the loopback server was asked."""

    db: Path
    site: Path
    asked: tuple[tuple[str, str], ...]  # (system prompt, last user message) of every call


def build(folder: Path) -> Built:
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "arena.db"
    files = {"matrix": matrix_file()}
    with LLMServer(policy=policy, faults=Faults(garbage=0.25), seed=3) as server:
        files["llm"] = llm_file(server.openai_base_url)
        files["llm-feedback"] = feedback_file(server.openai_base_url)
        files["auction"] = example("aucarena-scripted", "auction", ("matches = 60", "matches = 16"))
        files["werewolf"] = example(
            "werewolf-scripted", "werewolf", ("games_per_role = 10", "games_per_role = 1")
        )
        for name in TOURNAMENTS:
            path = folder / f"{name}.toml"
            path.write_text(files[name], encoding="utf-8")
            ran = run_cli("run", path, "--db", db, "--quiet")
            assert ran.returncode == 0, ran.stderr
        asked = tuple((r.system, r.last_user_text) for r in server.requests)
    site = folder / "site"
    published = run_cli("leaderboard", "publish", "--db", db, "--out", site, "--bootstrap", "50")
    assert published.returncode == 0, published.stderr
    (folder / "asked.json").write_text(json.dumps(asked), encoding="utf-8")
    return Built(db, site, asked)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Built:
    """The site, built once a session (once for all pytest-xdist workers, under a lock)."""
    if worker_id == "master":
        return build(tmp_path_factory.mktemp("site-db"))
    shared = tmp_path_factory.getbasetemp().parent / "arena-site"
    shared.mkdir(exist_ok=True)
    with open(shared.parent / "arena-site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (shared / "asked.json").exists():
            return build(shared)
    asked = tuple(
        (system, text) for system, text in json.loads((shared / "asked.json").read_text())
    )
    return Built(shared / "arena.db", shared / "site", asked)


# -- reading pages ------------------------------------------------------------------------------


class Links(HTMLParser):
    """A page's links, element ids, tables (rows of each table body) and scripts."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.tables: list[dict[str, int]] = []  # per table: rows in its body
        self.scripts: list[dict[str, str | None]] = []
        self.policy: str | None = None  # the Content-Security-Policy of a <meta http-equiv>
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        elif tag == "table":
            self.tables.append({"rows": 0, "body": 0})
        elif tag == "tbody" and self.tables:
            self.tables[-1]["body"] = 1
        elif tag == "tr" and self.tables and self.tables[-1]["body"]:
            self.tables[-1]["rows"] += 1
        elif tag == "script":
            self.scripts.append(found)
        elif tag == "meta" and found.get("http-equiv") == "Content-Security-Policy":
            self.policy = found.get("content")


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def crawl(site: Path) -> set[Path]:
    """Every page reachable from ``index.html``, asserting that every link and anchor exists
    and that no link leaves the site (no scheme, no host)."""
    seen: set[Path] = set()
    todo = [site / "index.html"]
    parsed: dict[Path, Links] = {}
    while todo:
        page = todo.pop()
        if page in seen:
            continue
        seen.add(page)
        parsed[page] = Links(page.read_text(encoding="utf-8"))
        for href in parsed[page].links:
            assert not re.match(r"^[a-z][a-z0-9+.-]*:|^//", href, re.I), (page, href)
            target, anchor = urldefrag(href)
            path = (page.parent / target).resolve() if target else page
            assert path.is_file(), (page, href)
            assert site.resolve() in path.parents, (page, href)
            if anchor and path.suffix == ".html":
                ids = parsed.get(path) or Links(path.read_text(encoding="utf-8"))
                parsed[path] = ids
                if not anchor.startswith(("agent=",)):  # the finder reads its own hash
                    assert anchor in ids.ids, (page, href)
            if path.suffix == ".html":
                todo.append(path)
    return seen


def tournament_folder(site: Path, name: str) -> Path:
    (folder,) = [p for p in (site / "tournaments").iterdir() if p.name.endswith(f"-{name}")]
    return folder


# -- the layout ---------------------------------------------------------------------------------


def test_the_site_has_an_index_a_folder_a_tournament_and_the_files_beside(built: Built) -> None:
    site = built.site
    assert sorted(p.name for p in site.iterdir()) == [
        "index.html",
        "leaderboard.json",
        "leaderboard.md",
        "matches.csv",
        "tournaments",
    ]
    assert len(list((site / "tournaments").iterdir())) == len(TOURNAMENTS)
    for name in TOURNAMENTS:
        folder = tournament_folder(site, name)
        for file in ("index.html", "leaderboard.json", "leaderboard.md", "matches.csv"):
            assert (folder / file).is_file(), (name, file)
        assert (folder / "matches" / "1.html").is_file() and (
            folder / "matches/find.html"
        ).is_file()
        figures = {p.stem for p in (folder / "figures").iterdir()}
        assert {"ratings", "payoff-matrix", "win-rate-matrix", "nash"} <= figures, name
    assert "faults" in {p.stem for p in (tournament_folder(site, "llm") / "figures").iterdir()}
    assert (tournament_folder(site, "auction") / "figures" / "auction.svg").is_file()
    assert (tournament_folder(site, "werewolf") / "figures" / "win-rate-by-role.svg").is_file()
    rounds = tournament_folder(site, "llm-feedback") / "figures" / "feedback-rounds.svg"
    assert "by feedback round" in rounds.read_text()


def test_every_page_is_linked_and_every_link_and_anchor_exists(built: Built) -> None:
    assert crawl(built.site) == {p.resolve() for p in pages(built.site)}


def test_no_page_loads_anything_and_only_the_finders_have_a_script(built: Built) -> None:
    for page in pages(built.site):
        html = page.read_text(encoding="utf-8")
        parsed = Links(html)
        assert parsed.policy and parsed.policy.startswith("default-src 'none';"), page
        assert not re.search(r"<(img|iframe|link|object|embed|audio|video|source)\b", html), page
        assert not re.search(r"\bsrc\s*=|@import|url\((?!#)", html), page
        scripts = [s for s in parsed.scripts if s.get("type") != "application/json"]
        assert len(scripts) == (1 if page.name == "find.html" else 0), page


def test_every_table_has_its_rows(built: Built) -> None:
    for page in pages(built.site):
        for table in Links(page.read_text(encoding="utf-8")).tables:
            if page.name != "find.html":  # the finder's table is filled by its script
                assert table["rows"] >= 1, page
    for name in TOURNAMENTS:
        folder = tournament_folder(built.site, name)
        agents = len(strict_json((folder / "leaderboard.json").read_text()))
        tables = Links((folder / "index.html").read_text()).tables
        assert tables[0]["rows"] == agents  # the leaderboard: a row an agent
        with Store(built.db, readonly=True) as store:
            total = len(store.results(name))
        shown = sum(
            page.read_text().count('<section class="match"')
            for page in (folder / "matches").glob("[0-9]*.html")
        )
        assert shown == total, name  # every match, once


def test_the_index_lists_every_tournament_with_its_facts(built: Built) -> None:
    html = (built.site / "index.html").read_text(encoding="utf-8")
    assert len(re.findall(r"<li[ >]", html)) == len(TOURNAMENTS)
    with Store(built.db, readonly=True) as store:
        for t in store.tournaments():
            item = html.split(f">{t.name}</a>")[1].split("</li>")[0]
            assert t.game_id in item and f"<dd>{t.stored}" in item and f"<dd>{t.seed}</dd>" in item
    assert re.search(r"<dt>date</dt><dd>20\d\d-\d\d-\d\d \d\d:\d\d UTC</dd>", html)
    # the most recent tournament heads the index, as `leaderboard show` ranks it
    rows = strict_json((built.site / "leaderboard.json").read_text())
    assert {row["tournaments"][0] for row in rows} == {"werewolf"}


def test_the_csv_has_a_row_a_seat_and_reads_back(built: Built) -> None:
    folder = tournament_folder(built.site, "llm")
    rows = list(csv.DictReader(io.StringIO((folder / "matches.csv").read_text())))
    with Store(built.db, readonly=True) as store:
        results = store.results("llm")
        usage = store.usage("llm")
    assert len(rows) == sum(len(r.agents) for r in results)
    by_seat = {(int(r["match"]), int(r["seat"])): r for r in rows}
    for result in results:
        for seat, (agent, paid) in enumerate(zip(result.agents, result.payoffs)):
            row = by_seat[result.match_index, seat]
            assert row["agent"] == agent and float(row["payoff"]) == paid  # repr: exact
    turns = sum(int(r["llm_turns"]) for r in rows if r["agent"] == "model <i>x</i>")
    assert turns == usage["model <i>x</i>"].turns
    werewolf = tournament_folder(built.site, "werewolf") / "matches.csv"
    seats = list(csv.DictReader(io.StringIO(werewolf.read_text())))
    assert {r["team"] for r in seats} == {"village", "werewolves"} and all(r["role"] for r in seats)


# -- language models ------------------------------------------------------------------------


def test_rebuilt_prompts_are_what_the_model_was_asked(built: Built) -> None:
    """Every call the loopback server answered is, word for word, a rebuilt system prompt with
    a rebuilt question or re-ask, and every rebuilt one was asked."""
    rebuilt: set[tuple[str, str]] = set()
    with Store(built.db, readonly=True) as store:
        for name in ("llm", "llm-feedback"):
            row = store.tournament(name)
            assert row is not None
            feedback = {f["match_index"]: f for f in store.feedback(name)}
            for result in store.results(name):
                record = store.match(name, result.match_index or 0)
                f = feedback.get(record.match_index)
                prompts = rebuild_prompts(
                    record, row.config, f and f["memory_before"], f and f["seat"]
                )
                assert prompts.problem is None
                for (_, seat), asked in prompts.turns.items():
                    for text in (asked.question, *asked.reasks):
                        rebuilt.add((prompts.systems[seat], text))
    assert rebuilt == set(built.asked)
    assert any("cannot be used" in text for _, text in rebuilt)  # garbage was re-asked


def test_match_pages_show_prompts_replies_faults_verdicts_and_feedback(built: Built) -> None:
    llm = (tournament_folder(built.site, "llm") / "matches" / "1.html").read_text()
    assert "prompt (rebuilt from the game)" in llm and "Which option do you choose" in llm
    assert "&lt;b&gt;I pick&lt;/b&gt; Option J." in llm  # the reply, as text
    assert "faults: unparseable" in llm and "reply, attempt 2" in llm and "re-ask" in llm
    assert "System prompt of model &lt;i&gt;x&lt;/i&gt;" in llm
    bargaining = (tournament_folder(built.site, "llm-feedback") / "matches" / "1.html").read_text()
    assert "moderator's verdict" in bargaining and "explicit acceptance" in bargaining
    assert "critic's feedback (constant)" in bargaining and "Concede slowly" in bargaining
    assert "I can do $17. &lt;script&gt;alert(3)&lt;/script&gt;" in bargaining
    assert "<script>alert(3)" not in bargaining
    assert "Feedback you were given after earlier games" in bargaining  # round 1's memory
    scripted = (tournament_folder(built.site, "matrix") / "matches" / "1.html").read_text()
    assert "prompt (rebuilt" not in scripted and '<details class="turn"' not in scripted
    assert re.search(r'<td class="moves">[CD]{6}</td>', scripted)


def test_the_tournament_pages_show_the_family_and_meta_views(built: Built) -> None:
    auction = (tournament_folder(built.site, "auction") / "index.html").read_text()
    assert "revenue per item (95% CI)" in auction and "By bidder" in auction
    werewolf = (tournament_folder(built.site, "werewolf") / "index.html").read_text()
    assert "Win rate by team and role" in werewolf and "seer win rate (95% CI)" in werewolf
    matrix = (tournament_folder(built.site, "matrix") / "index.html").read_text()
    assert "Three ways to rank" in matrix and "Nash support" in matrix
    assert "The solver&#39;s scores" in matrix and "NashConv of the empirical play" in matrix
    for question in ("who wins head to head", "who scores most on average", "holds up"):
        assert question in matrix
    llm = (tournament_folder(built.site, "llm") / "index.html").read_text()
    assert "tokens in / cached / out" in llm and "unparseable" in llm


# -- names as text ------------------------------------------------------------------------------


def test_the_script_agent_is_text_in_every_page_the_markdown_and_the_terminal(
    built: Built,
) -> None:
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    shown = 0
    for page in pages(built.site):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert(" not in html, page
        shown += escaped in html
    assert shown >= 3  # the index, the tournament page, its match pages and more
    finder = (tournament_folder(built.site, "matrix") / "matches" / "find.html").read_text()
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in finder  # in its JSON index
    folder = tournament_folder(built.site, "matrix")
    for svg in (folder / "figures").iterdir():
        assert "<script" not in svg.read_text(), svg  # figures draw names as escaped text
    markdown = (folder / "leaderboard.md").read_text(encoding="utf-8")
    rendered = MarkdownIt("commonmark").enable(["table"]).render(markdown)
    assert "<script" not in rendered and f"<td>{escaped}</td>" in rendered
    shown_table = run_cli("leaderboard", "show", "--db", built.db, "-t", "matrix")
    assert shown_table.returncode == 0 and EVIL in shown_table.stdout


# -- which tournaments ------------------------------------------------------------------------


def test_one_named_tournament_gets_its_page_and_the_index(built: Built, tmp_path: Path) -> None:
    site = tmp_path / "one"
    published = run_cli(
        "leaderboard", "publish", "--db", built.db, "-t", "matrix", "--out", site,
        "--bootstrap", "0",
    )  # fmt: skip
    assert published.returncode == 0, published.stderr
    assert [p.name for p in (site / "tournaments").iterdir()] == [
        tournament_folder(built.site, "matrix").name
    ]
    rows = strict_json((site / "leaderboard.json").read_text())
    assert {row["tournaments"][0] for row in rows} == {"matrix"}
    assert len(re.findall(r"<li[ >]", (site / "index.html").read_text())) == 1
    assert published.stderr == ""  # named: no note about which was chosen


def test_all_of_different_games_is_one_line_refusal(built: Built, tmp_path: Path) -> None:
    refused = run_cli("leaderboard", "publish", "--db", built.db, "--all", "--out", tmp_path / "s")
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "do not pool" in refused.stderr
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize(
    "foreign", ["tournaments/1-x/photo.jpg", "tournaments/notes.txt", "tournaments/.hidden.html"]
)
def test_a_site_folder_with_a_foreign_file_inside_is_never_replaced(
    tmp_path: Path, foreign: str
) -> None:
    out = tmp_path / "site"
    (out / foreign).parent.mkdir(parents=True)
    (out / foreign).write_text("mine")
    with pytest.raises(PublishError, match="which a publish does not write"):
        check_destination(out)


def test_worker_processes_write_the_same_bytes(
    built: Built, monkeypatch: pytest.MonkeyPatch
) -> None:
    from arena.leaderboards import site as building

    def publish(limit: int) -> dict[str, str]:
        monkeypatch.setattr(building, "PARALLEL_MATCHES", limit)
        monkeypatch.setattr(building, "PAGES_A_JOB", 1)
        with Store(built.db, readonly=True) as store:
            files, _ = building.build_site(store, ["werewolf"], bootstrap=0)
        return files

    assert publish(0) == publish(10**9)


@pytest.fixture
def capped(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from arena.leaderboards import site_pages

    monkeypatch.setattr(site_pages, "MATCHES_PER_PAGE", 5)
    yield


def test_pages_hold_at_most_their_share_of_matches(built: Built, capped: None) -> None:
    from arena.leaderboards.site import build_site

    with Store(built.db, readonly=True) as store:
        files, _ = build_site(store, ["matrix"], bootstrap=0)
        total = len(store.results("matrix"))
    paged = {k: v for k, v in files.items() if re.search(r"/matches/\d+\.html$", k)}
    counts = [html.count('<section class="match"') for html in paged.values()]
    assert max(counts) == 5 and sum(counts) == total and len(paged) == -(-total // 5)

"""The published site as a person sees it: every page in headless Chromium.

Each page is opened from disk and watched over Chromium's DevTools protocol
(``tests.leaderboards.browser``): no request may leave the machine, no console error, uncaught
exception, failed load or policy violation may happen, and no dialog may open (an agent named
``<script>alert(1)</script>`` that ran would open one). The detector is proved first, on pages
written to do each of these things. Screenshots of the index, a tournament page and a match
page are written under the test's folder and must show a real page.

Skipped where Chromium is missing: ``apt-get install chromium`` (Debian, Ubuntu).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from arena.leaderboards.site_pages import content_policy
from tests.leaderboards.browser import INSTALL_HINT, Browser, chromium_path
from tests.leaderboards.pages import strict_json
from tests.leaderboards.test_site import EVIL, TOURNAMENTS, Built, built, tournament_folder

__all__ = ["built"]  # the session's site, shared with test_site.py

pytestmark = pytest.mark.skipif(chromium_path() is None, reason=INSTALL_HINT)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser(width=1280, height=900) as running:
        yield running


# -- the detector, proved -------------------------------------------------------------------


def test_the_detector_sees_a_request_leaving_a_console_error_and_a_dialog(
    browser: Browser, tmp_path: Path
) -> None:
    page = tmp_path / "bad.html"
    page.write_text(
        "<!doctype html><title>bad</title>"
        '<img src="http://example.com/tracker.png">'
        '<script>console.error("boom"); alert("ran");</script>',
        encoding="utf-8",
    )
    load = browser.load(page)
    assert load.remote_requests == ["http://example.com/tracker.png"]
    assert any("boom" in error for error in load.errors)
    assert load.dialogs == ["ran"]


def test_the_detector_sees_an_exception_and_the_policy_refusing_a_fetch(
    browser: Browser, tmp_path: Path
) -> None:
    page = tmp_path / "blocked.html"
    page.write_text(
        "<!doctype html><title>blocked</title>"
        f'<meta http-equiv="Content-Security-Policy" content="{content_policy()}">'
        '<img src="https://example.com/a.png"><p>text</p>',
        encoding="utf-8",
    )
    load = browser.load(page)
    assert any("Content Security Policy" in error for error in load.errors), load
    thrower = tmp_path / "throws.html"
    thrower.write_text("<script>undefinedFunction()</script>", encoding="utf-8")
    assert any("undefinedFunction" in error for error in browser.load(thrower).errors)


# -- the site -----------------------------------------------------------------------------------

ROWS = """(() => [...document.querySelectorAll("table")].map(
  t => t.tBodies.length ? t.tBodies[0].rows.length : 0))()"""


def test_every_page_loads_with_nothing_fetched_no_error_and_no_dialog(
    browser: Browser, built: Built
) -> None:
    pages = sorted(built.site.rglob("*.html"))
    assert len(pages) >= 3 * len(TOURNAMENTS) + 1
    for page in pages:
        load = browser.load(page)
        assert load.remote_requests == [], (page, load.remote_requests)
        assert load.errors == [], (page, load.errors)
        assert load.dialogs == [], page
        assert all(url.startswith("file:") for url in load.requests), load.requests
        rows = browser.evaluate(ROWS)
        assert rows and min(rows) >= 1, (page, rows)  # every table has rows, the finder's too


def test_the_leaderboards_and_the_finder_have_their_rows(browser: Browser, built: Built) -> None:
    for name in TOURNAMENTS:
        folder = tournament_folder(built.site, name)
        agents = [row["agent"] for row in strict_json((folder / "leaderboard.json").read_text())]
        browser.load(folder / "index.html")
        shown = browser.evaluate(
            '[...document.querySelectorAll("table.leaderboard tbody td.agent")]'
            ".map(c => c.innerText)"
        )
        assert shown == agents, name
        browser.load(folder / "matches" / "find.html")
        total = browser.evaluate('document.getElementById("finder-data").textContent.length')
        assert total > 0
        found = browser.evaluate('document.querySelectorAll("#found tr").length')
        matches = browser.evaluate(
            'JSON.parse(document.getElementById("finder-data").textContent).matches.length'
        )
        assert found == min(100, matches) and matches > 0, name


def test_the_finder_filters_by_agent(browser: Browser, built: Built) -> None:
    folder = tournament_folder(built.site, "matrix")
    browser.load(folder / "matches" / "find.html")
    picked = browser.evaluate(
        """(() => {
          const select = document.getElementById("agent");
          const option = [...select.options].find(o => o.text === "always-defect");
          select.value = option.value;
          select.dispatchEvent(new Event("change"));
          return [...document.querySelectorAll("#found tr")].map(r => r.cells[1].innerText);
        })()"""
    )
    assert picked and all("always-defect" in agents for agents in picked)
    # 4 agents, every ordered pair twice: 12 matches of always-defect
    assert len(picked) == 12
    # the tournament page links each agent to the finder as find.html#agent=K
    page = (folder / "index.html").read_text(encoding="utf-8")
    k = page.split('">always-defect</a>')[0].rsplit("#agent=", 1)[1]
    browser.load(folder / "matches" / "find.html", fragment=f"agent={k}")
    assert browser.evaluate('document.getElementById("agent").value') == k
    linked = browser.evaluate(
        '[...document.querySelectorAll("#found tr")].map(r => r.cells[1].innerText)'
    )
    assert linked == picked


def test_the_script_agent_is_shown_as_text(browser: Browser, built: Built) -> None:
    for page in (
        built.site / "index.html",
        tournament_folder(built.site, "matrix") / "index.html",
        tournament_folder(built.site, "matrix") / "matches" / "1.html",
        tournament_folder(built.site, "matrix") / "matches" / "find.html",
    ):
        load = browser.load(page)
        assert load.dialogs == [] and load.errors == []
        assert browser.evaluate(f"document.body.innerText.includes({EVIL!r})"), page


def non_trivial(png: Path, width: int = 1000, height: int = 500) -> None:
    """A screenshot that shows a page: big enough, many colours, and not all background."""
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(png) as image:
        assert image.width >= width and image.height >= height, image.size
        pixels = image.convert("RGB")
        colours = pixels.getcolors(maxcolors=1 << 20) or []
        assert len(colours) >= 32, len(colours)  # text, tables, figures: not a blank page
        background = max(count for count, _ in colours)
        assert background < 0.97 * image.width * image.height  # something is drawn on it


def test_screenshots_of_the_index_a_tournament_and_a_match_page(
    browser: Browser, built: Built, tmp_path: Path
) -> None:
    shots = {
        "index": built.site / "index.html",
        "tournament": tournament_folder(built.site, "matrix") / "index.html",
        "matches": tournament_folder(built.site, "llm") / "matches" / "1.html",
    }
    for name, page in shots.items():
        load = browser.load(page)
        assert load.errors == [] and load.remote_requests == []
        non_trivial(browser.screenshot(tmp_path / f"{name}.png"))
    # the tournament page carries its figures: ratings, two heatmaps, the Nash view
    browser.load(shots["tournament"])
    figures = browser.evaluate('document.querySelectorAll("figure.plot svg").length')
    assert figures >= 4

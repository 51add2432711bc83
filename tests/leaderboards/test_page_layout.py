"""The published page as a browser lays it out: headless Chromium measures a 10-agent board.

Skipped where no ``chromium`` is installed (Debian: ``apt-get install chromium``). The board
has short names, long names with spaces and a long name without one, and LLM columns with a
cost: at 1400 px every column is visible, names are not squeezed to a letter a line, and no
row is taller than two lines of name; at phone width the table scrolls with the names kept in
view (sticky).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs headless chromium")

MEASURE = """
<script>
const table = document.querySelector("table");
const frame = table.parentElement;
const cells = [...document.querySelectorAll("tbody td:nth-child(2)")];
const found = {
  viewport: innerWidth,
  table_width: table.scrollWidth,
  visible_width: frame.clientWidth,
  body_width: document.body.clientWidth,
  row_heights: [...document.querySelectorAll("tbody tr")].map(
    r => r.getBoundingClientRect().height),
  line_height: parseFloat(getComputedStyle(cells[0]).lineHeight),
  name_widths: cells.map(c => c.getBoundingClientRect().width),
  name_position: getComputedStyle(cells[0]).position,
  headers: [...document.querySelectorAll("thead th")].map(h => {
    const box = h.getBoundingClientRect();
    return [h.textContent.trim(), box.left, box.right];
  }),
};
document.body.insertAdjacentHTML("beforeend", "<pre id=measured></pre>");
document.getElementById("measured").textContent = JSON.stringify(found);
</script>
"""


@pytest.fixture
def page(ten_agent_db: Path) -> str:
    """The page ``arena leaderboard publish`` writes for the ten-agent board."""
    site = ten_agent_db.parent / "site"
    published = run_cli("leaderboard", "publish", "--db", ten_agent_db, "--out", site)
    assert published.returncode == 0, published.stderr
    return (site / "index.html").read_text(encoding="utf-8")


def measure(tmp_path: Path, page: str, width: int) -> dict:
    """Lay ``page`` out in a ``width``-pixel window and measure it (a script the copy runs)."""
    copy = tmp_path / f"page-{width}.html"
    # The page's Content-Security-Policy admits only its own script: the copy drops it, since
    # this measures the layout, which the policy does not touch.
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    copy.write_text(page.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    assert CHROMIUM is not None
    dom = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--window-size={width},1000",
            "--dump-dom",
            copy.as_uri(),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


def test_at_1400_px_every_column_is_visible_and_names_read(tmp_path: Path, page: str) -> None:
    m = measure(tmp_path, page, 1400)
    assert m["viewport"] == 1400
    assert m["table_width"] <= m["visible_width"]  # nothing behind a scroll bar
    assert [h[0] for h in m["headers"]][-2:] == ["forfeits", "cost"]
    assert m["headers"][-1][2] <= m["body_width"] + 20  # the cost column ends on screen
    assert min(m["name_widths"]) >= 200  # not a letter or two a line
    # At most two lines of name a row (plus padding): about 60 px, not hundreds.
    assert max(m["row_heights"]) <= 2 * m["line_height"] + 20
    assert sum(m["row_heights"]) <= 10 * (2 * m["line_height"] + 20)


def test_at_phone_width_the_table_scrolls_with_names_in_view(tmp_path: Path, page: str) -> None:
    m = measure(tmp_path, page, 390)  # headless Chromium may widen a window to its minimum
    assert m["viewport"] <= 520
    assert m["table_width"] > m["visible_width"]  # scrolls sideways, inside its frame
    assert m["body_width"] <= m["viewport"]  # the page itself does not
    assert m["name_position"] == "sticky"
    assert min(m["name_widths"]) >= 90
    assert max(m["row_heights"]) <= 2 * m["line_height"] + 20

"""The published page of a feedback schedule: the per-round figure, inline and reproducible."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import run_cli
from tests.leaderboards.pages import Page, outside_links

EXAMPLES = Path(__file__).parents[2] / "examples"


def test_a_feedback_schedule_publishes_its_rounds_figure(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    for example in ("fu2023-balloon-scripted", "rubinstein"):
        assert run_cli("run", EXAMPLES / f"{example}.toml", "--db", db).returncode == 0
    sites = []
    for k in range(2):
        out = tmp_path / f"site-{k}"
        result = run_cli(
            "leaderboard", "publish", "--db", db, "-t", "fu2023-balloon-scripted", "--out", out
        )
        assert result.returncode == 0, result.stderr
        sites.append(out)
    svg = (sites[0] / "rounds.svg").read_text()
    assert "Deal price and deal rate by feedback round" in svg and "feedback round" in svg
    html = (sites[0] / "index.html").read_text()
    assert html.count("<svg") >= 1 and "<?xml" not in html and "by feedback round" in html
    # nothing to fetch: the only URLs are XML namespaces, links stay inside the site
    assert not re.search(r"\bsrc\s*=|url\((?!#)|@import", html)
    assert outside_links(Page(html).tags) == []
    assert (sites[1] / "rounds.svg").read_bytes() == svg.encode()  # same database, same bytes
    plain = tmp_path / "plain"
    assert (
        run_cli("leaderboard", "publish", "--db", db, "-t", "rubinstein", "--out", plain).returncode
        == 0
    )
    assert (
        not (plain / "rounds.svg").exists()
        and "by feedback round" not in (plain / "index.html").read_text()
    )

"""Reading published files as a browser, a Markdown renderer and a strict JSON parser would.

Independent of the code under test: the names a hostile tournament file could give, each with
the text a reader must see, written out by hand.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any

from markdown_it import MarkdownIt

# A name, and what a reader must see of it: the same text, control characters as escapes.
EVIL_NAMES = {
    "<script>alert(1)</script>": "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">': '<img src=x onerror="alert(1)">',
    "[click me](javascript:alert(1))": "[click me](javascript:alert(1))",
    "![pic](https://example.com/x.png)": "![pic](https://example.com/x.png)",
    "<https://example.com>": "<https://example.com>",
    "https://example.com/a_b": "https://example.com/a_b",
    "www.example.com": "www.example.com",
    "mail@example.com": "mail@example.com",
    "**bold** _em_ `code` ~~gone~~ $x^2$": "**bold** _em_ `code` ~~gone~~ $x^2$",
    "a | b \\| c": "a | b \\| c",
    "line\nbreak\tand\x1b[31mred\x07": "line\\nbreak\\tand\\x1b[31mred\\x07",
    "\u202eevil\u202c order": "\\u202eevil\\u202c order",
    "&amp; &lt;b&gt; &#60;": "&amp; &lt;b&gt; &#60;",
    "back\\slash\\": "back\\slash\\",
    "# heading": "# heading",
    "<!-- comment -->": "<!-- comment -->",
    "\"quoted\" 'single' onmouseover=alert(1)": "\"quoted\" 'single' onmouseover=alert(1)",
}

# What the page may contain: no link, image, script, form or inline style anywhere.
PAGE_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "p", "div", "span"}
PAGE_TAGS |= {"table", "thead", "tbody", "tr", "th", "td", "strong", "svg", "line", "circle"}
PAGE_TAGS |= {"footer", "h2"}
FORBIDDEN_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "style", "xlink:href"}

# A page of the site adds the index's list of tournaments and links, which may only lead to
# files beside it (checked by ``outside_links``).
SITE_TAGS = PAGE_TAGS | {"a", "nav", "ol", "li", "dl", "dt", "dd"}
SITE_FORBIDDEN_ATTRIBUTES = FORBIDDEN_ATTRIBUTES - {"href"}


def outside_links(tags: list[tuple[str, dict[str, str | None]]]) -> list[str]:
    """The links of a page that would leave the site: a scheme, a host or an absolute path."""
    hrefs = [attrs.get("href") or "" for _, attrs in tags if "href" in attrs]
    return [h for h in hrefs if ":" in h.split("/")[0] or h.startswith("/") or h == ""]


def strict_json(text: str) -> Any:
    """Parse ``text`` as strict JSON: ``Infinity`` or ``NaN`` fail instead of parsing."""

    def refuse(constant: str) -> None:
        raise AssertionError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


class Page(HTMLParser):
    """A page's start tags with their attributes, and the text and title of each agent cell."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.names: list[str] = []
        self.titles: list[str | None] = []
        self._in_agent = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        classes = (dict(attrs).get("class") or "").split()
        if tag == "td" and "agent" in classes:
            self._in_agent = True
            self.names.append("")
            self.titles.append(None)
        elif self._in_agent and "title" in dict(attrs):
            self.titles[-1] = dict(attrs)["title"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._in_agent = False

    def handle_data(self, data: str) -> None:
        if self._in_agent:
            self.names[-1] += data


class _Cells(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.in_cell = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self.rows[-1].append("")
            self.in_cell = True

    def handle_endtag(self, tag: str) -> None:
        self.in_cell = self.in_cell and tag != "td"

    def handle_data(self, data: str) -> None:
        if self.in_cell:
            self.rows[-1][-1] += data


def markdown_agents(markdown: str) -> tuple[list[str], str]:
    """The leaderboard's agent column as a CommonMark renderer with GFM tables and
    strikethrough shows it (the text of each cell of the first table), and the rendered HTML
    from that table's body on (every later table, list and paragraph with it)."""
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)
    body = html[html.index("<tbody>") :]
    first = body[: body.index("</tbody>")]
    return [row[1] for row in _Cells(first).rows], body

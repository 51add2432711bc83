"""How user text (agent and tournament names) is shown: visible, and inert in Markdown.

Names come from tournament files and registered agents, so they may hold anything: newlines,
terminal escapes, bidirectional overrides that reorder what a reader sees, HTML, or Markdown
that a renderer would turn into links, images or emphasis. Every published form shows them as
the text they are: ``arena.names.printable`` writes invisible characters as escapes (as the
terminal tables do), ``markdown_text`` also makes the text inert in a Markdown table cell. The
HTML page relies on Jinja's autoescaping for HTML and on ``printable`` for the rest.
"""

from __future__ import annotations

import re

from arena.names import printable

# Characters with a meaning inside a Markdown (CommonMark, GFM or GitHub) table cell:
# escapes, code, emphasis, links and images, the cell separator, strikethrough, math ($),
# autolinks (scheme:, user@host), GitHub mentions (@) and references (#).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]()|~!:@$#^{}])")
_WWW = re.compile(r"(www)\.", re.IGNORECASE)  # GFM links bare www.host too


def markdown_text(text: str) -> str:
    r"""``text`` for a Markdown table cell: shown as written, never as markup.

    ``&``, ``<`` and ``>`` become HTML entities (no tag, entity or autolink survives), the other
    characters with a meaning in Markdown are backslash-escaped (CommonMark lets any ASCII
    punctuation be), and control characters are made visible first.

    >>> print(markdown_text("[x](javascript:alert(1)) <b>|</b> www.a.com"))
    \[x\]\(javascript\:alert\(1\)\) &lt;b&gt;\|&lt;/b&gt; www\.a.com
    """
    text = printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _WWW.sub(r"\1\\.", text)

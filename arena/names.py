"""One rule for every name a user gives, and user text shown as text wherever it is printed.

Names (of agents, aliases, registered models, tournaments) end up in terminal tables, Markdown,
web pages and file names, so one rule holds for all of them: 1 to ``NAME_MAX`` characters, no
whitespace at either end, no control characters (newlines, tabs, escape sequences, bidirectional
overrides). Text that did not pass that rule (an older database, an error message quoting a bad
value) is shown with ``printable``, which makes every such character visible as an escape.
"""

from __future__ import annotations

import re
import unicodedata

NAME_MAX = 100

# Characters that move the cursor, change colours, or reorder text when printed.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_INVISIBLE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f\u2028\u2029{_BIDI}]")


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    r"""``text`` with control characters, line separators and bidirectional controls escaped.

    >>> print(printable("a\nb\x1b[31m\u202etxt"))
    a\nb\x1b[31m\u202etxt
    """
    return _INVISIBLE.sub(_escape, text)


def name_problem(name: object) -> str | None:
    """What is wrong with ``name`` as a name, or ``None`` when it is fine."""
    if not isinstance(name, str):
        return f"a name must be a string, got {type(name).__name__}"
    if not name.strip():
        return "a name must not be empty or only whitespace"
    if name != name.strip():
        return "a name must not start or end with whitespace"
    found = _INVISIBLE.search(name)
    if found:
        return (
            f"a name must not contain control characters (found {_escape(found)} "
            f"at position {found.start() + 1})"
        )
    if unicodedata.category(name[0]) == "Mn":
        return "a name must not start with a combining mark"
    if len(name) > NAME_MAX:
        return f"a name must be at most {NAME_MAX} characters, got {len(name)}"
    return None


def check_name(name: str) -> str:
    """``name`` itself when it is a valid name, else ``ValueError`` saying why (Pydantic turns
    it into the usual one-line error)."""
    problem = name_problem(name)
    if problem is not None:
        raise ValueError(problem)
    return name

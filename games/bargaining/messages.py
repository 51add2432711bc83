"""What negotiators say: the message space every bargaining game shares and how prices read.

A message is free text, so its space is ``gymnasium.spaces.Text`` over every printable
character (Unicode's, not just ASCII: models write curly quotes, accents and currency signs),
newlines included.
"""

from __future__ import annotations

import copy
import sys
from functools import cache

import gymnasium

MAX_MESSAGE = 2000  # characters a message keeps; a longer reply is cut (models ramble)


@cache
def message_characters() -> frozenset[str]:
    """Every printable character of the Basic Multilingual Plane, plus the newline."""
    printable = (chr(code) for code in range(0x20, 0x10000) if chr(code).isprintable())
    return frozenset(printable) | {"\n"}


@cache
def _message_space(max_length: int) -> gymnasium.spaces.Text:
    return gymnasium.spaces.Text(max_length, min_length=0, charset=message_characters())


def message_space(max_length: int = MAX_MESSAGE) -> gymnasium.spaces.Text:
    """The space of one message (the empty message included: a move may carry none).

    A shallow copy of one space built once (building it indexes some 60,000 characters, 70 ms):
    the character tables are shared and never written, the random generator is the copy's own.
    """
    space = copy.copy(_message_space(max_length))
    space._np_random = None  # type: ignore[assignment]  # seeded on first use, or by ``seed``, independently of the others
    return space


def clean_message(text: str, max_length: int = MAX_MESSAGE) -> str:
    """``text`` made a member of the message space: unprintable characters become spaces (or
    are dropped, for characters outside the Basic Multilingual Plane), cut to ``max_length``."""
    if text.isascii() and text.isprintable():  # the common case, every character allowed
        return text.strip()[:max_length]
    allowed = message_characters()
    kept = (c if c in allowed else " " for c in text if ord(c) <= 0xFFFF)
    return "".join(kept).strip()[:max_length]


def format_price(price: float, currency: str = "$") -> str:
    """``$12`` or ``$12.50``: whole amounts without cents, others with two decimals."""
    if price == int(price) and abs(price) < sys.maxsize:
        return f"{currency}{int(price)}"
    return f"{currency}{price:.2f}"


def tagged_reply(reply: str, expected: str) -> tuple[str, str]:
    """A structured reply split into its message (every line but the last) and its tag (the
    last line, without Markdown emphasis); an empty reply is a ``MoveError`` saying
    ``expected``."""
    from arena.errors import MoveError

    text = reply.strip() if isinstance(reply, str) else ""
    if not text:
        raise MoveError(f"the reply is empty; {expected}", fault="empty")
    *before, last = text.splitlines()
    return clean_message("\n".join(before).strip(), MAX_MESSAGE), last.strip().strip("*`").strip()

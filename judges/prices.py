"""Prices named in a sentence: ``$12``, ``12.50 dollars``, ``USD 1,200``, or a bare ``15``.

Shared by the rule moderator and the critics. Amounts marked with the currency (its sign
before, or a currency word after) are taken when a sentence has any; otherwise bare numbers
count, except those that are clearly not prices (percentages, counts of turns or items).
"""

from __future__ import annotations

import re

_AMOUNT = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?(?!\d)"
_WORDS = r"(?:dollars?|bucks|usd|euros?|eur|pounds?|gbp)\b"
_NOT_PRICE = r"\s*(?:%|percent|turns?|rounds?|items?|balloons?|times|st|nd|rd|th)\b"


def _value(whole: str, cents: str | None) -> float:
    return float(whole.replace(",", "") + (f".{cents}" if cents else ""))


def prices_named(text: str, currency: str = "$") -> list[float]:
    """Every price ``text`` names, in order."""
    sign = re.escape(currency.strip()) if currency.strip() else r"\$"
    marked = re.compile(
        rf"(?:{sign}|\b(?:usd|eur|gbp))\s?{_AMOUNT}|(?<![\w.,]){_AMOUNT}\s*{_WORDS}", re.IGNORECASE
    )
    found = []
    for match in marked.finditer(text):
        whole, cents = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
        found.append(_value(whole, cents))
    if found:
        return found
    bare = re.compile(rf"(?<![\w.,]){_AMOUNT}(?!{_NOT_PRICE})(?![\w])", re.IGNORECASE)
    return [_value(m.group(1), m.group(2)) for m in bare.finditer(text)]
